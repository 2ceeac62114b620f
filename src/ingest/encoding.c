/*
 * encoding: UTF-8 validation, auto-detection and GB18030 conversion through
 * iconv(3). UTF-8 input is validated in place and never copied.
 */
#include "ingest/encoding.h"
#include "util/utf8.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>

void decoder_init(struct decoder *dc, enum encoding want)
{
	memset(dc, 0, sizeof(*dc));
	dc->want = want;
	dc->got = want;
	strbuf_init(&dc->out, 0);
}

void decoder_release(struct decoder *dc)
{
	if (dc->cd)
		iconv_close((iconv_t)dc->cd);
	strbuf_release(&dc->out);
	dc->cd = NULL;
}

const char *decoder_name(const struct decoder *dc)
{
	return dc->got == ENC_GB18030 ? "gb18030" : "utf-8";
}

static size_t first_non_ascii(const char *s, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return i;
	return len;
}

static int to_gb18030(struct decoder *dc, const char *in, size_t len, size_t *bad)
{
	char *ip = (char *)in, *op;
	size_t il = len, ol;
	if (!dc->cd) {
		iconv_t cd = iconv_open("UTF-8", "GB18030");
		if (cd == (iconv_t)-1)
			BUG("iconv has no GB18030 converter");
		dc->cd = cd;
	}
	strbuf_reset(&dc->out);
	/* Two bytes never become more than three, four never more than four. */
	strbuf_grow(&dc->out, len + len / 2 + 8);
	op = dc->out.buf;
	ol = dc->out.alloc - 1;
	if (iconv((iconv_t)dc->cd, &ip, &il, &op, &ol) == (size_t)-1) {
		iconv((iconv_t)dc->cd, NULL, NULL, NULL, NULL);
		if (errno == E2BIG)
			BUG("GB18030 output estimate too small");
		*bad = (size_t)(ip - in);
		return -1;
	}
	dc->out.len = (size_t)(op - dc->out.buf);
	dc->out.buf[dc->out.len] = '\0';
	return 0;
}

int decoder_feed(struct decoder *dc, const char *in, size_t len, const char **out,
		 size_t *outlen, size_t *bad)
{
	if (dc->got == ENC_AUTO) {
		size_t i = first_non_ascii(in, len), eol;
		if (i < len) {
			const char *nl = memchr(in + i, '\n', len - i);
			eol = nl ? (size_t)(nl - in) : len;
			dc->got = utf8_invalid_at(in + i, eol - i) == eol - i ? ENC_UTF8 : ENC_GB18030;
		}
	}
	if (dc->got == ENC_GB18030) {
		if (to_gb18030(dc, in, len, bad) < 0)
			return -1;
		*out = dc->out.buf;
		*outlen = dc->out.len;
		return 0;
	}
	if (dc->got == ENC_UTF8) {
		size_t at = utf8_invalid_at(in, len);
		if (at < len) {
			*bad = at;
			return -1;
		}
	}
	*out = in;
	*outlen = len;
	return 0;
}
