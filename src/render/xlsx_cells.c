/*
 * xlsx_cells: how merit writes a cell, a header and a sheet frame, for every
 * sheet of the workbook.
 *
 * Text: every text goes through xlsx_put_text() -> worksheet_write_string(),
 * so a name like =HYPERLINK("x") stays text; invalid UTF-8 becomes U+FFFD
 * and control characters a space. Numbers are rounded to the precision
 * results.csv prints. Column widths are accumulated from what is written
 * (CJK counted double) and set when the sheet is closed, since in
 * constant_memory mode the sheet cannot be revisited.
 */
#include "render/xlsx_internal.h"
#include "util/date.h"
#include "util/num.h"
#include "util/strbuf.h"
#include "util/utf8.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CELL_CHARS_MAX 32767    /* Excel's characters per cell */
#define WIDTH_MIN 6.0
#define WIDTH_MAX 60.0

/* ---- text: display width and safe cell contents ---- */

/*
 * Width in Excel character units: CJK and full-width forms count double.
 * With `longest`, also the longest run of narrow characters between spaces
 * and wide characters (where a wrapped line may break).
 */
static double measure(const char *s, double *longest)
{
	const char *p = s, *end = s + strlen(s);
	double w = 0, word = 0;
	while (p < end) {
		uint32_t cp;
		size_t n = utf8_decode(p, (size_t)(end - p), &cp);
		if (!n)
			n = 1, cp = '?';
		w += utf8_is_wide(cp) ? 2 : 1;
		if (cp == ' ' || utf8_is_wide(cp))
			word = 0;
		else if (longest && ++word > *longest)
			*longest = word;
		p += n;
	}
	return w;
}

/*
 * Printable ASCII (ids, numbers, most Latin text) is one column a byte and
 * always a valid cell: its length, found without decoding, else -1. Most
 * of the million text cells of a big workbook take this path.
 */
static double ascii_width(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = 0;
	while (u[n] >= 0x20 && u[n] < 0x7F)
		n++;
	return u[n] ? -1 : (double)n;
}

static double text_width(const char *s)
{
	return measure(s, NULL);
}

/*
 * Long header cells wrap onto two lines, so they need about half their
 * width, but never less than their longest word (Latin text breaks only at
 * spaces). Short ones stay on one line.
 */
#define HEADER_ONE_LINE 14
static double header_width(const char *s)
{
	double longest = 0, w = measure(s, &longest);
	if (w <= HEADER_ONE_LINE)
		return w + 2;                                          /* + filter button */
	return (longest > ceil(w / 2) ? longest : ceil(w / 2)) + 2;
}

/*
 * The text as a cell can hold it: invalid UTF-8 becomes U+FFFD, control
 * characters (not allowed in XML) a space, and it is cut at Excel's 32,767
 * characters. Returns s itself when it is already fine (the common case).
 */
static const char *cell_text(struct xw *x, const char *s)
{
	const char *p = s, *end = s + strlen(s);
	size_t chars = 0;
	int clean = 1;
	while (p < end) {
		uint32_t cp;
		size_t n = utf8_decode(p, (size_t)(end - p), &cp);
		if (!n || (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F ||
		    ++chars > CELL_CHARS_MAX) {
			clean = 0;
			break;
		}
		p += n;
	}
	if (clean)
		return s;
	strbuf_reset(&x->scratch);
	p = s;
	for (chars = 0; p < end && chars < CELL_CHARS_MAX; chars++) {
		uint32_t cp;
		size_t n = utf8_decode(p, (size_t)(end - p), &cp);
		if (!n) {
			strbuf_addstr(&x->scratch, "\xEF\xBF\xBD");
			n = 1;
		} else if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F) {
			strbuf_addch(&x->scratch, ' ');
		} else {
			strbuf_add(&x->scratch, p, n);
		}
		p += n;
	}
	return x->scratch.buf;
}

/* The currency's width: its symbol in the configured format, e.g. "¥". */
double xlsx_symbol_width(const char *num_format)
{
	const char *p = num_format, *end = num_format + strlen(num_format);
	double w = 0;
	while (p < end && *p != '#' && *p != '0') {
		uint32_t cp;
		size_t n = utf8_decode(p, (size_t)(end - p), &cp);
		if (!n)
			n = 1;
		if (cp != '"' && cp != '[' && cp != ']' && cp != '$' && cp != '\\')
			w += utf8_is_wide(cp) ? 2 : 1;
		p += n;
	}
	return w + 1;
}

/* ---- cells ---- */

void xlsx_note(struct xw *x, lxw_error e)
{
	if (e != LXW_NO_ERROR && x->err == LXW_NO_ERROR)
		x->err = e;
}

static void widen(struct sheet *s, size_t col, double w)
{
	if (col < s->ncols && w > s->width[col])
		s->width[col] = w;
}

void xlsx_put_text(struct xw *x, struct sheet *s, size_t row, size_t col, const char *text,
		     lxw_format *f)
{
	double w;
	if (!text || !*text)
		return;
	w = ascii_width(text);
	if (w < 0 || w > CELL_CHARS_MAX) {
		text = cell_text(x, text);
		w = text_width(text);
	}
	xlsx_note(x, worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, text, f));
	widen(s, col, w * (f == x->bold ? 1.1 : 1.0));
}

void xlsx_put_note(struct xw *x, struct sheet *s, size_t row, size_t col, const char *text)
{
	if (!text || !*text)
		return;
	xlsx_note(x, worksheet_write_comment(s->ws, (lxw_row_t)row, (lxw_col_t)col,
					     cell_text(x, text)));
}

/* Width of v printed in nf, without printing it (millions of cells). */
static double num_width(double v, const struct numfmt *nf)
{
	double a = fabs(v) * nf->scale;
	int digits = 1;
	while (a >= 10 && digits < 20)
		a /= 10, digits++;
	return digits + (nf->sep ? (digits - 1) / 3 : 0) + (nf->decimals ? nf->decimals + 1 : 0) +
	       (v < 0) + nf->extra;
}

/*
 * Values are stored to the precision results.csv prints (4 decimals; 6 for
 * ratios shown as percentages), not to 17 digits: that is what readers
 * compare, and it halves the XML that has to be compressed.
 */
void xlsx_put_num(struct xw *x, struct sheet *s, size_t row, size_t col, double v,
		    const struct numfmt *nf)
{
	if (!isfinite(v))
		return;
	if (nf->keep > 0 && fabs(v) < 1e11)
		v = round(v * nf->keep) / nf->keep + 0.0;   /* + 0.0: no "-0" */
	xlsx_note(x, worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col, v, nf->f));
	widen(s, col, num_width(v, nf));
}

void xlsx_put_money(struct xw *x, struct sheet *s, size_t row, size_t col, int64_t cents,
		      const struct numfmt *nf)
{
	xlsx_put_num(x, s, row, col, (double)cents / 100.0, nf);
}

/* A formula with its result cached, so readers that do not recalculate see it. */
void xlsx_put_formula(struct xw *x, struct sheet *s, size_t row, size_t col,
			const char *formula, double cached, const struct numfmt *nf)
{
	xlsx_note(x, worksheet_write_formula_num(s->ws, (lxw_row_t)row, (lxw_col_t)col, formula,
					    nf->f, cached));
	widen(s, col, num_width(cached, nf));
}

/* =SUM(<col><first+1>:<col><last+1>) for rows first..last of one column. */
void xlsx_put_sum(struct xw *x, struct sheet *s, size_t row, size_t col, size_t first,
		    size_t last, double cached, const struct numfmt *nf)
{
	char range[LXW_MAX_CELL_RANGE_LENGTH], f[LXW_MAX_CELL_RANGE_LENGTH + 8];
	if (last < first) {
		xlsx_put_num(x, s, row, col, 0, nf);
		return;
	}
	lxw_rowcol_to_range(range, (lxw_row_t)first, (lxw_col_t)col, (lxw_row_t)last,
			    (lxw_col_t)col);
	snprintf(f, sizeof(f), "=SUM(%s)", range);
	xlsx_put_formula(x, s, row, col, f, cached, nf);
}

void xlsx_put_header(struct xw *x, struct sheet *s, size_t row, const char *const *labels,
		       size_t n)
{
	size_t i;
	int wraps = 0;
	for (i = 0; i < n; i++) {
		if (!labels[i])
			continue;
		xlsx_note(x, worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)i,
					       cell_text(x, labels[i]), x->hdr));
		widen(s, i, header_width(labels[i]));
		wraps |= text_width(labels[i]) > HEADER_ONE_LINE;
	}
	if (wraps)   /* two lines; the current row, which constant_memory allows */
		xlsx_note(x, worksheet_set_row(s->ws, (lxw_row_t)row, 30, NULL));
}

void xlsx_put_date(struct xw *x, struct sheet *s, size_t row, size_t col, int32_t day)
{
	lxw_datetime dt = { 0 };
	if (day == DATE_NONE)
		return;
	date_to_ymd(day, &dt.year, &dt.month, &dt.day);
	xlsx_note(x, worksheet_write_datetime(s->ws, (lxw_row_t)row, (lxw_col_t)col, &dt, x->date));
	widen(s, col, 10);
}

int xlsx_sheet_open(struct xw *x, struct sheet *s, const char *name, size_t ncols)
{
	s->name = name;
	s->ncols = ncols;
	s->width = NULL;
	s->ws = workbook_add_worksheet(x->wb, name);
	if (!s->ws) {
		xlsx_note(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return -1;
	}
	s->width = xcalloc(ncols ? ncols : 1, sizeof(*s->width));
	/* Printed: landscape A4, one page wide unless the sheet is very wide. */
	worksheet_set_landscape(s->ws);
	worksheet_set_paper(s->ws, 9);
	if (ncols <= 20)
		worksheet_fit_to_pages(s->ws, 1, 0);
	return 0;
}

/*
 * A frozen, filterable header over rows header..last. Call it right after
 * the header: in constant_memory mode libxlsxwriter refuses a filter over
 * rows it has already flushed.
 */
void xlsx_sheet_filter(struct xw *x, struct sheet *s, size_t header, size_t last,
			 size_t freeze_cols)
{
	worksheet_freeze_panes(s->ws, (lxw_row_t)header + 1, (lxw_col_t)freeze_cols);
	xlsx_note(x, worksheet_repeat_rows(s->ws, (lxw_row_t)header, (lxw_row_t)header));
	xlsx_note(x, worksheet_autofilter(s->ws, (lxw_row_t)header, 0,
				     (lxw_row_t)(last > header ? last : header),
				     (lxw_col_t)(s->ncols - 1)));
}

/* Column widths fitted to what was written. */
void xlsx_sheet_close(struct xw *x, struct sheet *s)
{
	size_t i;
	for (i = 0; s->ws && i < s->ncols; i++) {
		/* 10 % spare: viewers without Calibri use wider fonts. */
		double w = s->width[i] * 1.1 + 1;
		w = w < WIDTH_MIN ? WIDTH_MIN : w > WIDTH_MAX ? WIDTH_MAX : w;
		xlsx_note(x, worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i, w, NULL));
	}
	free(s->width);
	s->width = NULL;
}

/* One conditional format over rows first..last of a column. */
static void range_format(struct xw *x, struct sheet *s, size_t first, size_t last, size_t col,
			 lxw_conditional_format *cf)
{
	if (last < first)
		return;
	xlsx_note(x, worksheet_conditional_format_range(s->ws, (lxw_row_t)first, (lxw_col_t)col,
							(lxw_row_t)last, (lxw_col_t)col, cf));
}

/*
 * libxlsxwriter numbers a conditional format's style when the rule is added
 * (lxw_format_get_dxf_index, a table of the workbook's). Numbered here first,
 * in the band order below, the later calls only read the number.
 */
void xlsx_rating_colours_prepare(struct xw *x)
{
	size_t b;
	for (b = 0; b < x->cfg->nbands && b < 64; b++)
		lxw_format_get_dxf_index(xlsx_band_format(x, b));
}

/* Colours each rating label in rows first..last of a column by its band. */
void xlsx_rating_colours(struct xw *x, struct sheet *s, size_t first, size_t last, size_t col)
{
	size_t b;
	for (b = 0; b < x->cfg->nbands && b < 64; b++) {
		struct strbuf v = STRBUF_INIT;
		const char *p = xlsx_rating_label(x, (int)b);
		lxw_conditional_format cf = { 0 };
		strbuf_addch(&v, '"');
		for (; *p; p++) {
			if (*p == '"')
				strbuf_addch(&v, '"');   /* "" inside a formula string */
			strbuf_addch(&v, *p);
		}
		strbuf_addch(&v, '"');
		cf.type = LXW_CONDITIONAL_TYPE_CELL;
		cf.criteria = LXW_CONDITIONAL_CRITERIA_EQUAL_TO;
		cf.value_string = v.buf;
		cf.format = xlsx_band_format(x, b);
		range_format(x, s, first, last, col, &cf);
		strbuf_release(&v);
	}
}

/* Red-amber-green colour scale on a score column. */
void xlsx_score_scale(struct xw *x, struct sheet *s, size_t first, size_t last, size_t col)
{
	lxw_conditional_format cf = { 0 };
	cf.type = LXW_CONDITIONAL_3_COLOR_SCALE;
	cf.min_color = 0xF8696B;
	cf.mid_color = 0xFFEB84;
	cf.max_color = 0x63BE7B;
	range_format(x, s, first, last, col, &cf);
}

void xlsx_data_bar(struct xw *x, struct sheet *s, size_t first, size_t last, size_t col)
{
	lxw_conditional_format cf = { 0 };
	cf.type = LXW_CONDITIONAL_DATA_BAR;
	cf.bar_color = 0x5B9BD5;
	range_format(x, s, first, last, col, &cf);
}

/* ---- number cells: libxlsxwriter's own writer, without printf ---- */

#if LXW_VERSION_ID == 114
/* `<c r="B7"` and, for a styled cell, ` s="N"` (the style as "%d" would
 * write it; never negative): how every replaced cell writer starts. */
static void put_cell_open(FILE *f, const char *range, int32_t style_index)
{
	char style[16];
	size_t k = sizeof(style);
	uint32_t v = (uint32_t)style_index;
	fputs_unlocked("<c r=\"", f);
	fputs_unlocked(range, f);
	if (!style_index)
		return;
	do
		style[--k] = (char)('0' + v % 10);
	while (v /= 10);
	fputs_unlocked("\" s=\"", f);
	fwrite_unlocked(style + k, 1, sizeof(style) - k, f);
}

/*
 * libxlsxwriter 1.1.4 writes a number cell with fprintf("<c r=\"%s\" ...>
 * <v>%.16G</v></c>"): glibc's exact float printing was 15 % of a 10k-1m
 * run's CPU. _write_number_cell is exported and libxlsxwriter calls it
 * through its PLT, so this definition takes its place (as HPDF_MemCpy's
 * does for libharu; docs/DECISIONS.md): the same bytes, the number from
 * num_format_g16() (snprintf "%.16G" for the doubles it leaves), written
 * with stdio's unlocked calls since a sheet's file has one writer at a
 * time. Only for the version whose code this mirrors: another falls back
 * to the library's own.
 */
void _write_number_cell(lxw_worksheet *self, char *range, int32_t style_index, lxw_cell *cell)
{
	FILE *f = self->file;
	char num[40];
	size_t n = num_format_g16(cell->u.number, num);
	if (!n)
		n = (size_t)snprintf(num, sizeof(num), "%.16G", cell->u.number);
	put_cell_open(f, range, style_index);
	fputs_unlocked("\"><v>", f);
	fwrite_unlocked(num, 1, n, f);
	fputs_unlocked("</v></c>", f);
}

/*
 * The cell reference every cell's XML starts with ("B7"): libxlsxwriter
 * 1.1.4 writes the row with snprintf("%d"), 1.3 % of a 10k-1m run's CPU.
 * lxw_rowcol_to_cell is public and called through the library's PLT, so
 * this one is used by the library and by merit alike: the same text, A-Z
 * column letters then the 1-based row in decimal.
 */
void lxw_rowcol_to_cell(char *cell_name, lxw_row_t row, lxw_col_t col)
{
	char rev[16];
	size_t n = 0, k = 0;
	uint32_t c = (uint32_t)col + 1, r = (uint32_t)row + 1;
	while (c) {
		uint32_t rem = c % 26;
		if (!rem)
			rem = 26;
		rev[k++] = (char)('A' + rem - 1);
		c = (c - rem) / 26;
	}
	while (k)
		cell_name[n++] = rev[--k];
	if (r == 0 || r >= 100000000u) {
		/* Far past any sheet's 1,048,576 rows: what the library's "%d"
		 * into its LXW_MAX_ROW_NAME_LENGTH (9) bytes leaves, cut to
		 * eight digits, negative past INT32_MAX. */
		char wide[16];
		snprintf(wide, sizeof(wide), "%d", (int)r);
		wide[LXW_MAX_ROW_NAME_LENGTH - 1] = '\0';
		memcpy(cell_name + n, wide, strlen(wide) + 1);
		return;
	}
	do
		rev[k++] = (char)('0' + r % 10);
	while ((r /= 10) != 0);
	while (k)
		cell_name[n++] = rev[--k];
	cell_name[n] = '\0';
}

/* s[0..n) with XML's three data escapes, as lxw_escape_data() writes them. */
static void put_escaped(FILE *f, const char *s, size_t n)
{
	size_t i, from = 0;
	for (i = 0; i < n; i++) {
		const char *e = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;" : NULL;
		if (!e)
			continue;
		fwrite_unlocked(s + from, 1, i - from, f);
		fputs_unlocked(e, f);
		from = i + 1;
	}
	fwrite_unlocked(s + from, 1, n - from, f);
}

/*
 * A text cell in constant_memory mode: libxlsxwriter 1.1.4 escapes the text
 * into a calloc'd copy five times its length, then fprintf()s it. The same
 * bytes, escaped on the way out (like _write_number_cell above).
 */
void _write_inline_string_cell(lxw_worksheet *self, char *range, int32_t style_index,
			       lxw_cell *cell)
{
	FILE *f = self->file;
	const char *text = cell->u.string;
	size_t n = strlen(text);
	/* Leading or trailing white space is kept only when marked so. */
	int keep = n && (isspace((unsigned char)text[0]) || isspace((unsigned char)text[n - 1]));
	put_cell_open(f, range, style_index);
	fputs_unlocked(keep ? "\" t=\"inlineStr\"><is><t xml:space=\"preserve\">"
			    : "\" t=\"inlineStr\"><is><t>", f);
	put_escaped(f, text, n);
	fputs_unlocked("</t></is></c>", f);
}
#endif
