/*
 * utf16: UTF-16 LE/BE (or Windows-1252) -> UTF-8 through iconv(3), behind
 * a glibc fopencookie() stream so csvread reads it like any file.
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
	const char *name;        /* "utf-16le", "utf-16be", "windows-1252" */
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

/* Bytes looked at for UTF-16 without a byte-order mark. */
#define SNIFF_BYTES 512

/*
 * UTF-16 without a byte-order mark (SQL Server's bcp -w, some reporting
 * tools): UTF-8 and GB18030 text never holds a NUL, UTF-16 text with ASCII
 * in it (digits, delimiters, line ends) has one in every such unit, on the
 * high byte's side. 'l' or 'b' when at least a quarter of the units have a
 * NUL on one side and the other side has at most a quarter as many (a CJK
 * character may end in 00), else 0.
 */
static int nul_side(const unsigned char *p, size_t n)
{
	size_t i, even = 0, odd = 0, units = n / 2;
	for (i = 0; i + 1 < n; i += 2) {
		even += !p[i];
		odd += !p[i + 1];
	}
	if (!units)
		return 0;
	if (odd * 4 >= units && even * 4 <= odd)
		return 'l';
	if (even * 4 >= units && odd * 4 <= even)
		return 'b';
	return 0;
}

FILE *utf16_wrap(FILE *fp, enum encoding want, struct utf16 **out)
{
	static const cookie_io_functions_t io = { u16_read, NULL, NULL, u16_close };
	unsigned char head[SNIFF_BYTES];
	size_t n = fread(head, 1, sizeof(head), fp);
	int le = n >= 2 && head[0] == 0xFF && head[1] == 0xFE;
	int be = n >= 2 && head[0] == 0xFE && head[1] == 0xFF;
	const char *from;
	struct utf16 *u;
	FILE *s;
	rewind(fp);
	*out = NULL;
	if (want == ENC_AUTO && !le && !be) {
		int side = nul_side(head, n);
		le = side == 'l';
		be = side == 'b';
		if (!le && !be)
			return NULL;
	} else if (want != ENC_AUTO && want != ENC_UTF16 && want != ENC_UTF16LE &&
		   want != ENC_UTF16BE && want != ENC_CP1252) {
		return NULL;
	}
	u = xcalloc(1, sizeof(*u));
	u->fp = fp;
	u->bad = -1;
	if (want == ENC_CP1252) {
		from = "WINDOWS-1252";
		u->name = "windows-1252";
	} else if (be || (!le && want == ENC_UTF16BE)) {
		/* The mark (or the NULs) decides; without one, what was asked
		 * (utf-16: LE, as Windows writes). */
		from = "UTF-16BE";
		u->name = "utf-16be";
	} else {
		from = "UTF-16LE";
		u->name = "utf-16le";
	}
	u->cd = iconv_open("UTF-8", from);
	if (u->cd == (iconv_t)-1)
		BUG("iconv has no %s converter", from);
	sha256_init(&u->sha);
	s = fopencookie(u, "r", io);
	if (!s)
		BUG("fopencookie failed");
	*out = u;
	return s;
}

const char *utf16_name(const struct utf16 *u)
{
	return u->name;
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
