/*
 * utf8: decoding, validation, encoding and display width of UTF-8 text,
 * one rule for all of merit (util/utf8.h has the contract).
 */
#include "util/utf8.h"
#include "util/strbuf.h"

#include <string.h>

size_t utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[0], lo = 0x80, hi = 0xBF;
	size_t len, k;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	/* The second byte's range rules out overlong forms (E0, F0),
	 * surrogates (ED) and code points above U+10FFFF (F4) at once. */
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2, v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (n < 2 || s[1] < lo || s[1] > hi)
		return 0;
	v = v << 6 | (s[1] & 0x3F);
	for (k = 2; k < len; k++) {
		if (k >= n || (s[k] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[k] & 0x3F);
	}
	*cp = v;
	return len;
}

uint32_t utf8_next(const char *s, size_t n, size_t *used)
{
	uint32_t cp;
	*used = utf8_decode(s, n, &cp);
	if (*used)
		return cp;
	*used = 1;
	return 0xFFFD;
}

size_t utf8_invalid_at(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;
	uint32_t cp;
	while (i < len) {
		if (s[i] < 0x80) {
			/* Exports are mostly ASCII: skip eight bytes at a time. */
			while (i + 8 <= len) {
				uint64_t w;
				memcpy(&w, s + i, 8);
				if (w & 0x8080808080808080ULL)
					break;
				i += 8;
			}
			if (i < len && s[i] < 0x80)
				i++;
			continue;
		}
		n = utf8_decode(str + i, len - i, &cp);
		if (!n)
			return i;
		i += n;
	}
	return len;
}

void utf8_put(struct strbuf *sb, uint32_t c)
{
	char b[4];
	size_t n;
	if (c < 0x80) {
		b[0] = (char)c, n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xC0 | c >> 6), b[1] = (char)(0x80 | (c & 0x3F)), n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xE0 | c >> 12), b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (char)(0x80 | (c & 0x3F)), n = 3;
	} else {
		b[0] = (char)(0xF0 | c >> 18), b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3F)), b[3] = (char)(0x80 | (c & 0x3F)), n = 4;
	}
	strbuf_add(sb, b, n);
}

int utf8_is_wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	       (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t utf8_width(const char *s)
{
	size_t w = 0, n, len = strlen(s);
	uint32_t cp;
	while (len) {
		n = utf8_decode(s, len, &cp);
		if (!n)
			n = 1, cp = '?';
		w += utf8_is_wide(cp) ? 2 : 1;
		s += n;
		len -= n;
	}
	return w;
}
