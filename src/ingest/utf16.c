/*
 * utf16: UTF-16 LE/BE -> UTF-8 through iconv(3), behind a glibc
 * fopencookie() stream so csvread reads it like any file.
 */
#include "ingest/utf16.h"
#include "util/sha256.h"
#include "util/strbuf.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#define RAW_BLOCK (64 * 1024)

struct utf16 {
	FILE *fp;
	iconv_t cd;
	int big_endian;
	struct sha256 sha;
	char hex[65];
	char in[RAW_BLOCK];
	size_t in_len, in_pos;
	long long consumed;      /* raw bytes before in[0] */
	long long bad;           /* offset of an undecodable unit, or -1 */
	int eof;
};

static ssize_t u16_read(void *cookie, char *buf, size_t size)
{
	struct utf16 *u = cookie;
	char *op = buf;
	size_t ol = size;
	for (;;) {
		size_t left = u->in_len - u->in_pos, n;
		if (left) {
			char *ip = u->in + u->in_pos;
			size_t r = iconv(u->cd, &ip, &left, &op, &ol);
			int e = errno;
			u->in_pos = (size_t)(ip - u->in);
			if (r == (size_t)-1 && e == EILSEQ) {
				if (op > buf)
					return op - buf;
				u->bad = u->consumed + (long long)u->in_pos;
				errno = EILSEQ;
				return -1;
			}
			if (r == (size_t)-1 && e == E2BIG)
				return op - buf;
			/* else all converted, or EINVAL: a unit cut at the block's end */
		}
		if (op > buf)
			return op - buf;
		left = u->in_len - u->in_pos;
		if (u->eof) {
			if (!left)
				return 0;
			u->bad = u->consumed + (long long)u->in_pos;   /* an odd last byte */
			errno = EILSEQ;
			return -1;
		}
		memmove(u->in, u->in + u->in_pos, left);
		u->consumed += (long long)u->in_pos;
		u->in_pos = 0;
		u->in_len = left;
		n = fread(u->in + left, 1, sizeof(u->in) - left, u->fp);
		if (n) {
			sha256_update(&u->sha, u->in + left, n);
			u->in_len += n;
		} else {
			if (ferror(u->fp))
				return -1;
			u->eof = 1;
			sha256_final_hex(&u->sha, u->hex);
		}
	}
}

static int u16_close(void *cookie)
{
	struct utf16 *u = cookie;
	int rc = fclose(u->fp);
	u->fp = NULL;
	return rc;
}

FILE *utf16_wrap(FILE *fp, enum encoding want, struct utf16 **out)
{
	static const cookie_io_functions_t io = { u16_read, NULL, NULL, u16_close };
	unsigned char bom[2] = { 0, 0 };
	size_t n = fread(bom, 1, 2, fp);
	int le = n == 2 && bom[0] == 0xFF && bom[1] == 0xFE;
	int be = n == 2 && bom[0] == 0xFE && bom[1] == 0xFF;
	struct utf16 *u;
	FILE *s;
	rewind(fp);
	*out = NULL;
	if (want == ENC_AUTO ? !le && !be : want != ENC_UTF16 && want != ENC_UTF16LE &&
					     want != ENC_UTF16BE)
		return NULL;
	u = xcalloc(1, sizeof(*u));
	u->fp = fp;
	u->bad = -1;
	/* The mark decides; without one, what was asked (utf-16: LE, as Windows writes). */
	u->big_endian = be || (!le && want == ENC_UTF16BE);
	u->cd = iconv_open("UTF-8", u->big_endian ? "UTF-16BE" : "UTF-16LE");
	if (u->cd == (iconv_t)-1)
		BUG("iconv has no UTF-16 converter");
	sha256_init(&u->sha);
	s = fopencookie(u, "r", io);
	if (!s)
		BUG("fopencookie failed");
	*out = u;
	return s;
}

const char *utf16_name(const struct utf16 *u)
{
	return u->big_endian ? "utf-16be" : "utf-16le";
}

const char *utf16_sha256(const struct utf16 *u)
{
	return u->eof ? u->hex : "";
}

long long utf16_bad_offset(const struct utf16 *u)
{
	return u->bad;
}

void utf16_free(struct utf16 *u)
{
	if (!u)
		return;
	if (u->fp)
		fclose(u->fp);
	if (!u->eof)
		sha256_final_hex(&u->sha, u->hex);   /* frees the digest context */
	iconv_close(u->cd);
	free(u);
}
