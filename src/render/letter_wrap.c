/*
 * letter_wrap: line breaking for the letters (UTF-8 from util/utf8.h): Latin at
 * spaces, Chinese between any two characters, with the kinsoku rules for
 * punctuation (render/letter.h has the contract).
 */
#include "render/letter_internal.h"
#include "util/strbuf.h"
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

static int is_cjk(uint32_t c)
{
	return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
	       (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x2FFFF);
}

/* Characters that must not start a line (kinsoku): closing punctuation. */
static int no_break_before(uint32_t c)
{
	static const uint32_t cjk[] = {
		0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF01, 0xFF1F, 0xFF09,
		0x3011, 0x300B, 0x300D, 0x300F, 0x3015, 0x3009, 0x3017, 0x3019, 0x301B,
		0x2026, 0x2025, 0x30FC, 0x30FB, 0xFF05, 0xFF3D, 0xFF5D, 0x2019, 0x201D,
		0x00B7,
	};
	size_t i;
	if (c < 0x80)
		return c && strchr(",.;:!?)]}%", (int)c) != NULL;
	for (i = 0; i < sizeof(cjk) / sizeof(cjk[0]); i++)
		if (cjk[i] == c)
			return 1;
	return 0;
}

/* Characters that must not end a line: opening punctuation. */
static int no_break_after(uint32_t c)
{
	static const uint32_t cjk[] = {
		0xFF08, 0x3010, 0x300A, 0x300C, 0x300E, 0x3014, 0x3008, 0x3016, 0x3018,
		0x301A, 0x2018, 0x201C, 0xFF3B, 0xFF5B,
	};
	size_t i;
	if (c < 0x80)
		return c && strchr("([{", (int)c) != NULL;
	for (i = 0; i < sizeof(cjk) / sizeof(cjk[0]); i++)
		if (cjk[i] == c)
			return 1;
	return 0;
}

static int can_break_before(uint32_t prev, uint32_t cur)
{
	if (cur == ' ' || no_break_before(cur) || no_break_after(prev))
		return 0;
	return prev == ' ' || is_cjk(prev) || is_cjk(cur);
}

static void push_line(struct wrap_lines *out, size_t off, size_t end, long width)
{
	struct wrap_line *l;
	ALLOC_GROW(out->v, out->nr + 1, out->alloc);
	l = &out->v[out->nr++];
	l->off = off;
	l->len = end - off;
	l->width = width;
}

struct cpos {
	uint32_t cp;
	size_t off;      /* byte offset in the text */
	int w;
};

/*
 * Greedy: remember the last place a break is allowed; when a character
 * overflows, break there, or cut before the character if the line has no
 * break (a very long word), keeping closing punctuation with its word.
 */
size_t letter_wrap(const char *text, size_t len, long max_width, wrap_width_fn width,
		   void *ctx, struct wrap_lines *out)
{
	struct cpos *cps;
	size_t n = 0, i, start, brk;
	long w;

	out->nr = 0;
	cps = xmalloc((len + 1) * sizeof(*cps));
	for (i = 0; i < len;) {
		size_t used;
		cps[n].off = i;
		cps[n].cp = utf8_next(text + i, len - i, &used);
		cps[n].w = cps[n].cp == '\n' ? 0 : width(ctx, cps[n].cp);
		n++;
		i += used;
	}
	cps[n].off = len;
	cps[n].cp = 0;

	start = 0;
	while (start < n) {
		size_t end, j;
		/* Spaces at the start of a wrapped line are dropped. */
		while (start < n && cps[start].cp == ' ')
			start++;
		if (start >= n)
			break;
		w = 0;
		brk = 0;
		for (i = start; i < n; i++) {
			if (cps[i].cp == '\n')
				break;
			if (i > start && can_break_before(cps[i - 1].cp, cps[i].cp))
				brk = i;
			if (w + cps[i].w > max_width && cps[i].cp != ' ' && i > start)
				break;
			w += cps[i].w;
		}
		if (i >= n || cps[i].cp == '\n') {
			end = i;
		} else if (brk > start) {
			end = brk;
		} else {
			/* No break in the line: cut, but keep punctuation with its word. */
			end = i;
			if (end - 1 > start && no_break_before(cps[end].cp))
				end--;
		}
		j = end;
		while (j > start && cps[j - 1].cp == ' ')
			j--;
		for (w = 0, i = start; i < j; i++)
			w += cps[i].w;
		push_line(out, cps[start].off, cps[j].off, w);
		start = end;
		if (start < n && cps[start].cp == '\n')
			start++;    /* "a\n\nb": the second '\n' makes an empty line */
	}
	free(cps);
	return out->nr;
}

void wrap_lines_release(struct wrap_lines *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

