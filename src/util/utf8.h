/*
 * utf8: the one UTF-8 decoder of merit, with its one validity rule and its
 * one display-width table (after git's utf8.c).
 *
 * Valid means strict RFC 3629, the rule the CSV reader has always applied:
 * no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
 * U+10FFFF, no truncated sequence. Every reader of text (CSV cells, INI
 * lines, letters, workbook cells, terminal tables) decides with it.
 *
 *   uint32_t cp;
 *   size_t n = utf8_decode(s, len, &cp);     0: not valid UTF-8 at s
 *   if (utf8_invalid_at(buf, len) != len)   ... reject the file
 *   size_t cols = utf8_width("王建国");       6
 */
#ifndef MERIT_UTF8_H
#define MERIT_UTF8_H

#include <stddef.h>
#include <stdint.h>

struct strbuf;

/* Decodes the code point at s (n >= 1 bytes available): returns its length
 * (1-4) and sets *cp, or returns 0 when s does not start a valid sequence.
 * A NUL byte is never a continuation byte, so a NUL-terminated string may
 * be decoded with n = strlen(s) or any larger bound. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/* utf8_decode() for drawing text: an invalid byte gives U+FFFD and
 * *used = 1, so the caller always moves forward. */
uint32_t utf8_next(const char *s, size_t n, size_t *used);

/* Offset of the first byte of s[0..len) that is not valid UTF-8, or len.
 * Fast on ASCII (eight bytes at a time): it runs over every input file. */
size_t utf8_invalid_at(const char *s, size_t len);

/* 1 when all of s[0..len) is valid UTF-8. */
static inline int utf8_valid(const char *s, size_t len)
{
	return utf8_invalid_at(s, len) == len;
}

/* Appends cp (at most U+10FFFF) encoded as UTF-8. */
void utf8_put(struct strbuf *sb, uint32_t cp);

/* 1 for East Asian Wide and Fullwidth characters (Hangul Jamo, CJK,
 * Hangul syllables, compatibility ideographs, fullwidth forms, planes 2-3):
 * two columns in a terminal, two character units in a spreadsheet. */
int utf8_is_wide(uint32_t cp);

/* Display columns of a NUL-terminated string: 2 per wide character, 1 for
 * anything else, including each byte that is not valid UTF-8. */
size_t utf8_width(const char *s);

#endif
