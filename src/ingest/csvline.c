/*
 * csvline: the one-line shortcut of csvline.h.
 *
 * The cells up to the one wanted must hold no quote and no CR: then they are
 * plain text split at the delimiter, which is what libcsv makes of them.
 * The rest of the line only has to be followed far enough to know where
 * the row ends, and a quote there may open a cell that runs on over the
 * line feed, so the rest is walked through libcsv's own four states
 * (libcsv.c, csv_parse, without CSV_STRICT): between cells, in an
 * unquoted cell, in a quoted cell, and just after a quote in a quoted cell.
 * The last one is where lenient libcsv differs from counting quotes: a
 * letter after the closing quote ("ab"c) puts it back inside the quotes, so
 * a following delimiter is text. tests/unit/test_csv.c checks the shortcut
 * against libcsv itself on random lines.
 */
#include "ingest/csvline.h"

#include <string.h>

enum state { BETWEEN, UNQUOTED, QUOTED, AFTER_QUOTE };

static int is_term(unsigned char c)
{
	return c == '\r' || c == '\n';
}

static int is_space(unsigned char c, unsigned char delim)
{
	return c == ' ' || (c == '\t' && delim != '\t');
}

/*
 * Follows libcsv from between cells over s..stop (the line feed included);
 * returns where the row ends, or NULL when it does not end on this line.
 */
static const char *row_end(const char *s, const char *stop, unsigned char delim)
{
	enum state st = BETWEEN;
	int spaces = 0;
	for (; s < stop; s++) {
		unsigned char c = (unsigned char)*s;
		switch (st) {
		case BETWEEN:
			if (is_space(c, delim) && c != delim)
				break;
			if (is_term(c))
				return s;
			if (c != delim)
				st = c == '"' ? QUOTED : UNQUOTED;
			break;
		case UNQUOTED:   /* a quote here is text (5" screen) */
			if (is_term(c))
				return s;
			if (c == delim)
				st = BETWEEN;
			break;
		case QUOTED:
			if (c == '"') {
				st = AFTER_QUOTE;
				spaces = 0;
			}
			break;
		case AFTER_QUOTE:
			if (c == delim)
				st = BETWEEN;
			else if (is_term(c))
				return s;
			else if (is_space(c, delim))
				spaces = 1;
			else if (c == '"' && spaces)
				spaces = 0;   /* "ab" "c: the quote is text, still after one */
			else
				st = QUOTED;  /* "" or "ab"c: back inside the quotes */
			break;
		}
	}
	return NULL;
}

/*
 * The same answer, fast, for a rest of line t..end that holds no CR (the
 * common case): with no line end inside, the row ends at `end` unless a
 * quoted cell is still open there, so only the quotes need looking at. A
 * quote opens a quoted cell only at the start of a cell, which the bytes
 * just before it tell (blanks back to a delimiter, or to where a cell is
 * known to start); any other quote is text.
 */
static int ends_at_end(const char *t, const char *end, unsigned char delim)
{
	const char *p = t, *q;
	int between = 1;   /* at p a cell starts (else p is inside an unquoted one) */
	while ((q = memchr(p, '"', (size_t)(end - p)))) {
		const char *k = q;
		while (k > p && is_space((unsigned char)k[-1], delim) && (unsigned char)k[-1] != delim)
			k--;
		if (k > p ? (unsigned char)k[-1] != delim : !between) {
			p = q + 1;   /* 5" screen: text */
			between = 0;
			continue;
		}
		/* A quoted cell: find its closing quote, then see what follows. */
		for (;;) {
			int spaces = 0;
			if (!(q = memchr(q + 1, '"', (size_t)(end - q - 1))))
				return 0;   /* open at the line end: the cell goes on */
			for (p = q + 1; p < end; p++) {
				unsigned char c = (unsigned char)*p;
				if (c == delim)
					break;
				if (is_space(c, delim))
					spaces = 1;
				else if (c == '"' && spaces)
					spaces = 0;
				else
					break;
			}
			if (p == end)
				return 1;
			if ((unsigned char)*p == delim) {
				p++;
				between = 1;
				break;
			}
			q = p;   /* "" or "ab"c: inside the quotes again */
		}
	}
	return 1;
}

int csvline_cell(const char *s, size_t n, char delimiter, size_t col, const char **cell,
		 size_t *len)
{
	unsigned char delim = (unsigned char)delimiter;
	const char *end, *p, *c0, *c1, *nul;
	size_t k;
	if (!n || s[n - 1] != '\n' || delim == '"' || is_term(delim))
		return 0;
	end = s + n - 1;
	if (end > s && end[-1] == '\r')
		end--;   /* the row ends at the CR of a CR LF */
	/* Cells 0..col, byte by byte: they are short, and one loop looks for
	 * the delimiter and for what rules the shortcut out at once. */
	c0 = s;
	nul = NULL;
	for (k = 0, p = s; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == delim) {
			if (k == col)
				break;
			k++;
			c0 = p + 1;
		} else if (c == '"' || c == '\r') {
			return 0;
		} else if (!c && k == col && !nul) {
			nul = p;
		}
	}
	c1 = p;
	if (k < col)
		c0 = c1 = end;   /* the row has no cell col */
	if (c1 < end) {
		if (memchr(c1 + 1, '\r', (size_t)(end - c1 - 1))
			    ? row_end(c1 + 1, s + n, delim) != end
			    : !ends_at_end(c1 + 1, end, delim))
			return 0;
	}
	/* Trimmed, then cut at a NUL byte: csv_row cells are C strings. */
	while (c0 < c1 && is_space((unsigned char)*c0, delim))
		c0++;
	while (c1 > c0 && is_space((unsigned char)c1[-1], delim))
		c1--;
	if (nul && nul < c1)
		c1 = nul < c0 ? c0 : nul;
	*cell = c0;
	*len = (size_t)(c1 - c0);
	return 1;
}

/* Would a row that starts at s end at this line's end (nl: its LF)? */
static int whole_row(const char *s, const char *nl, unsigned char delim)
{
	const char *end = nl > s && nl[-1] == '\r' ? nl - 1 : nl;
	return !memchr(s, '\r', (size_t)(end - s)) && ends_at_end(s, end, delim);
}

/*
 * A guess, checked later: a line feed between two lines that would each be
 * one whole row if a row started there is a row boundary, unless a quoted
 * cell of three or more lines runs over both (inside it, a line without
 * an odd quote reads as a row). csvread checks every part's end, so a
 * wrong guess costs a re-read, never a wrong row.
 */
size_t csvline_row_start(const char *s, size_t n, char delimiter)
{
	unsigned char delim = (unsigned char)delimiter;
	const char *end = s + n, *prev, *nl, *next, *after;
	if (delim == '"' || is_term(delim))
		return n;
	/* The first line is not whole: it may be the end of a row. */
	if (!(prev = memchr(s, '\n', n)))
		return n;
	prev++;
	while (prev < end && (nl = memchr(prev, '\n', (size_t)(end - prev)))) {
		next = nl + 1;
		if (!(after = memchr(next, '\n', (size_t)(end - next))))
			return n;
		if (whole_row(prev, nl, delim) && whole_row(next, after, delim))
			return (size_t)(next - s);
		prev = next;
	}
	return n;
}
