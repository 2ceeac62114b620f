/*
 * csvread: file -> SHA-256 -> UTF-8 -> lines -> libcsv -> rows with line
 * numbers.
 *
 * The file is read in large blocks; each block is cut after its last line
 * feed (the tail waits for the next block), decoded, and then given to
 * libcsv one line at a time. Before each line we look at the parser's public
 * state: if it is between rows, a row starting on this line starts here.
 * A cell starts on the line where the previous cell of its row ended (cells
 * are separated by a delimiter on one line), so cells spanning lines still
 * get exact start lines.
 *
 * Completed rows go into a small queue: normally one row per line, but a
 * bare CR (old Mac line ends) can end several rows within one line.
 */
#include "ingest/csvread.h"
#include "ingest/csvline.h"
#include "ingest/encoding.h"
#include "ingest/utf16.h"
#include "util/diag.h"
#include "util/sha256.h"
#include "util/strbuf.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READ_BLOCK (256 * 1024)
/*
 * A quoted cell this long is almost surely a stray quote swallowing the
 * rest of the file; stop before it eats all memory.
 */
#define MAX_CELL (16 * 1024 * 1024)
/*
 * A physical line this long (two cells at the limit) is no export: a file
 * without line breaks is refused here instead of being read whole. Lines
 * are fed to libcsv in FEED_SLICE pieces so a cell over MAX_CELL is caught
 * inside its line, not after it.
 */
#define MAX_LINE (2 * MAX_CELL)
#define FEED_SLICE (1024 * 1024)
/* libcsv's parser states (libcsv.c), read from its public struct. */
#define LIBCSV_ROW_NOT_BEGUN 0
#define LIBCSV_FIELD_BEGUN 2

struct cellpos {
	size_t off, len;
	int line;
};

struct rowpos {
	size_t first, n;
	int line;
};

struct csvread {
	FILE *fp;
	char *display;
	char delim;
	struct sha256 sha;
	char hex[65];
	int nohash;                 /* skimming: the SHA-256 is not wanted */
	struct utf16 *u16;          /* a UTF-16 file: fp converts it (utf16.h) */
	struct decoder dec;

	char *buf;                  /* raw bytes read, not yet handed on */
	size_t alloc, have, consumed;
	int eof, started;
	/* A part of the file (csvread_open_part): bytes [.., stop) are parsed. */
	uint64_t pos, stop;
	int part;
	const char *chunk;          /* decoded whole lines being fed */
	size_t chunk_len, chunk_pos;
	/* The chunk holds no CR and no NUL (two memchr over it, not two a
	 * line): fast_line() need not look for them in each line. */
	int chunk_plain;
	int line;                   /* line number of the next byte fed */
	int finished;

	struct csv_parser p;
	struct strbuf data;         /* cell texts, NUL-separated */
	struct cellpos *cells;
	size_t ncells, cells_alloc;
	size_t row_first;           /* first cell of the row being parsed */
	int row_line, last_end_line;
	struct rowpos *rows;
	size_t nrows, rows_alloc, rows_head;

	char **cellv;
	int *linev;
	size_t v_alloc;

	int nul_line, nul_col;      /* first cell holding a NUL byte (0: none) */

	csvread_keep_fn *keep;      /* skimming: which rows to parse at all */
	void *keep_arg;
	size_t keep_col;
	int slow;                   /* every line through libcsv (csvread_all_libcsv) */
};

static int space_only(unsigned char c)
{
	return c == ' ';
}

static void cb_cell(void *s, size_t len, void *data)
{
	struct csvread *r = data;
	ALLOC_GROW(r->cells, r->ncells + 1, r->cells_alloc);
	/* A NUL would cut the value short everywhere it is used ("E1002\0junk"
	 * credited to E1002): remembered, reported by feed_line. */
	if (len && !r->nul_line && memchr(s, '\0', len)) {
		r->nul_line = r->ncells == r->row_first ? r->row_line : r->last_end_line;
		r->nul_col = (int)(r->ncells - r->row_first + 1);
	}
	r->cells[r->ncells].off = r->data.len;
	r->cells[r->ncells].len = len;
	r->cells[r->ncells].line = r->ncells == r->row_first ? r->row_line : r->last_end_line;
	r->ncells++;
	/* one grow, one copy: this runs for every cell of the file */
	strbuf_grow(&r->data, len + 1);
	if (len)
		memcpy(r->data.buf + r->data.len, s, len);
	r->data.len += len + 1;
	r->data.buf[r->data.len - 1] = '\0';
	r->data.buf[r->data.len] = '\0';
	r->last_end_line = r->line;
}

static void cb_row(int c, void *data)
{
	struct csvread *r = data;
	(void)c;
	ALLOC_GROW(r->rows, r->nrows + 1, r->rows_alloc);
	r->rows[r->nrows].first = r->row_first;
	r->rows[r->nrows].n = r->ncells - r->row_first;
	r->rows[r->nrows].line = r->row_line;
	r->nrows++;
	r->row_first = r->ncells;
	r->row_line = r->line;
}

struct csvread *csvread_open(const char *path, const char *display, enum encoding enc,
			     char delimiter, struct diag *d)
{
	struct csvread *r;
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		diag_error(d, MERIT_NOINPUT, NULL, 0, 0, "cannot open '%s': %s", display,
			   strerror(errno));
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->fp = fp;
	r->stop = UINT64_MAX;
	/* UTF-16 is read through a converting stream: UTF-8 from here on. */
	if ((fp = utf16_wrap(r->fp, enc, &r->u16))) {
		r->fp = fp;
		enc = ENC_UTF8;
	}
	r->display = xstrdup(display);
	r->delim = delimiter ? delimiter : ',';
	sha256_init(&r->sha);
	decoder_init(&r->dec, enc);
	r->alloc = READ_BLOCK;
	r->buf = xmalloc(r->alloc);
	r->line = 1;
	r->row_line = 1;
	strbuf_init(&r->data, 4096);
	if (csv_init(&r->p, CSV_APPEND_NULL))
		BUG("csv_init failed");
	/*
	 * libcsv grows a cell's buffer by blk_size (128 bytes by default) at a
	 * time: a 16 MiB cell took 130,000 reallocs, quadratic wherever realloc
	 * copies (ASan, a raised mmap threshold). 1 MiB steps make it 16; the
	 * pages of the step are only touched as the cell fills them.
	 */
	csv_set_blk_size(&r->p, 1 << 20);
	csv_set_delim(&r->p, (unsigned char)r->delim);
	if (delimiter == '\t')
		csv_set_space_func(&r->p, space_only);
	return r;
}

struct csvread *csvread_open_part(const char *path, const char *display, enum encoding enc,
				  char delimiter, uint64_t start, uint64_t stop, struct diag *d)
{
	struct csvread *r = csvread_open(path, display, enc, delimiter, d);
	if (!r)
		return NULL;
	if (r->u16) {
		csvread_free(r);
		diag_error(d, MERIT_SOFTWARE, display, 0, 0, "a UTF-16 file cannot be read in parts");
		return NULL;
	}
	r->part = 1;
	r->stop = stop;
	r->nohash = 1;   /* the caller hashes the file, on a thread of its own */
	if (start) {
		if (fseeko(r->fp, (off_t)start, SEEK_SET) < 0) {
			diag_error(d, MERIT_NOINPUT, display, 0, 0, "cannot seek: %s", strerror(errno));
			csvread_free(r);
			return NULL;
		}
		r->pos = start;
		r->started = 1;   /* no byte-order mark past the start */
	}
	return r;
}

int csvread_peek_cell(const struct csvread *r, size_t col, const char **text, size_t *len)
{
	const char *s, *nl, *c0, *c1;
	size_t k, left;
	/* Queued rows (libcsv's) come first; past the chunk nothing is read. */
	if (r->rows_head < r->nrows || r->chunk_pos >= r->chunk_len)
		return 0;
	s = c0 = r->chunk + r->chunk_pos;
	left = r->chunk_len - r->chunk_pos;
	/* memchr, not a byte loop: that took 300 instructions a row. */
	if (!(nl = memchr(s, '\n', left < CSVREAD_PEEK_SCAN ? left : CSVREAD_PEEK_SCAN)))
		return 0;
	for (k = 0; k < col; k++) {
		if (!(c0 = memchr(c0, r->delim, (size_t)(nl - c0))))
			return 0;
		c0++;
	}
	if (!(c1 = memchr(c0, r->delim, (size_t)(nl - c0))))
		c1 = nl > c0 && nl[-1] == '\r' ? nl - 1 : nl;
	*text = c0;
	*len = (size_t)(c1 - c0);
	return 1;
}

int csvread_lines(const struct csvread *r)
{
	return r->line - 1;
}

enum encoding csvread_decided(const struct csvread *r)
{
	return r->dec.got;
}

void csvread_free(struct csvread *r)
{
	if (!r)
		return;
	if (r->fp)
		fclose(r->fp);
	utf16_free(r->u16);
	if (r->sha.ctx)
		sha256_final_hex(&r->sha, r->hex);
	csv_free(&r->p);
	decoder_release(&r->dec);
	strbuf_release(&r->data);
	free(r->display);
	free(r->buf);
	free(r->cells);
	free(r->rows);
	free(r->cellv);
	free(r->linev);
	free(r);
}

const char *csvread_sha256(const struct csvread *r)
{
	if (r->u16)
		return r->nohash ? "" : utf16_sha256(r->u16);
	return r->nohash ? "" : r->hex;
}

void csvread_skim(struct csvread *r, size_t col, csvread_keep_fn *keep, void *arg)
{
	r->keep = keep;
	r->keep_arg = arg;
	r->keep_col = col;
	r->nohash = 1;
}

void csvread_all_libcsv(struct csvread *r)
{
	r->slow = 1;
}

const char *csvread_encoding(const struct csvread *r)
{
	return r->u16 ? utf16_name(r->u16) : decoder_name(&r->dec);
}

static int count_lines(const char *s, size_t n)
{
	int lines = 0;
	const char *end = s + n;
	while ((s = memchr(s, '\n', (size_t)(end - s)))) {
		lines++;
		s++;
	}
	return lines;
}

static int decode_error(struct csvread *r, const char *in, size_t bad, struct diag *d)
{
	int line = r->line + count_lines(in, bad);
	size_t col = 1, i = bad;
	while (i > 0 && in[i - 1] != '\n') {
		i--;
		col++;
	}
	if (r->dec.got == ENC_GB18030) {
		diag_error(d, MERIT_DATAERR, r->display, line, (int)col,
			   "byte 0x%02X is neither UTF-8 nor GB18030", (unsigned char)in[bad]);
		diag_hint(d, "an export from Excel on a Western European Windows is "
			  "`encoding = windows-1252`; else save the file as UTF-8 and run again");
	} else {
		diag_error(d, MERIT_DATAERR, r->display, line, (int)col,
			   "byte 0x%02X is not valid UTF-8", (unsigned char)in[bad]);
		diag_hint(d, "save the file as UTF-8, or set `encoding = gb18030` (or "
			  "windows-1252) for this input");
	}
	return -1;
}

/* Makes the next decoded block of whole lines current. 1, 0 at EOF, -1. */
static int next_chunk(struct csvread *r, struct diag *d)
{
	const char *nl = NULL, *raw;
	size_t len, bad;
	if (r->consumed) {
		memmove(r->buf, r->buf + r->consumed, r->have - r->consumed);
		r->have -= r->consumed;
		r->consumed = 0;
	}
	for (;;) {
		size_t n;
		if (r->have) {
			nl = memrchr(r->buf, '\n', r->have);
			if (nl && (r->eof || r->have == r->alloc))
				break;
		}
		if (r->eof)
			break;
		if (r->have >= MAX_LINE && !nl) {
			diag_error(d, MERIT_DATAERR, r->display, r->line, 0,
				   "line runs over %d MiB without a line break", MAX_LINE >> 20);
			diag_hint(d, "is this the CSV export? check `file =` and `encoding =`");
			return -1;
		}
		if (r->have == r->alloc) {
			r->alloc *= 2;
			r->buf = xrealloc(r->buf, r->alloc);
		}
		n = r->alloc - r->have;
		if (r->stop - r->pos < n)
			n = (size_t)(r->stop - r->pos);
		n = n ? fread(r->buf + r->have, 1, n, r->fp) : 0;
		if (n && !r->nohash)
			sha256_update(&r->sha, r->buf + r->have, n);
		r->have += n;
		r->pos += n;
		if (n == 0) {
			if (ferror(r->fp) && r->u16 && utf16_bad_offset(r->u16) >= 0) {
				diag_error(d, MERIT_DATAERR, r->display, 0, 0,
					   "byte %lld is not valid %s (a lone surrogate or a cut-off unit)",
					   utf16_bad_offset(r->u16), utf16_name(r->u16));
				diag_hint(d, "save the file again as UTF-16 or UTF-8, or set the "
					  "input's `encoding =` to what the file holds");
				return -1;
			}
			if (ferror(r->fp))
				return diag_error(d, MERIT_DATAERR, r->display, 0, 0,
						  "cannot read: %s", strerror(errno));
			r->eof = 1;
			sha256_final_hex(&r->sha, r->hex);
		}
	}
	if (!r->have)
		return 0;
	len = r->eof ? r->have : (size_t)(nl - r->buf) + 1;
	raw = r->buf;
	r->consumed = len;
	if (!r->started && len >= 3 && !memcmp(raw, "\xEF\xBB\xBF", 3) && r->dec.want != ENC_GB18030) {
		raw += 3;   /* a UTF-8 byte-order mark: not part of the first header */
		len -= 3;
		if (r->dec.got == ENC_AUTO)
			r->dec.got = ENC_UTF8;
	}
	r->started = 1;
	if (decoder_feed(&r->dec, raw, len, &r->chunk, &r->chunk_len, &bad) < 0)
		return decode_error(r, raw, bad, d);
	r->chunk_pos = 0;
	r->chunk_plain = !memchr(r->chunk, '\r', r->chunk_len) &&
			 !memchr(r->chunk, '\0', r->chunk_len);
	return 1;
}

/*
 * Skimming: passes over the lines that are one row each and whose cell the
 * caller does not want, without libcsv. Only between rows: inside a row
 * libcsv holds state that a skipped line would leave stale.
 */
static void skim_lines(struct csvread *r)
{
	while (r->chunk_pos < r->chunk_len && r->p.pstate == LIBCSV_ROW_NOT_BEGUN) {
		const char *s = r->chunk + r->chunk_pos, *nl, *cell;
		size_t n, len;
		if (!(nl = memchr(s, '\n', r->chunk_len - r->chunk_pos)))
			return;
		n = (size_t)(nl - s) + 1;
		/* A NUL is an error wherever it is: libcsv's path reports it. */
		if ((!r->chunk_plain && memchr(s, '\0', n)) ||
		    !csvline_cell(s, n, r->delim, r->keep_col, &cell, &len) ||
		    r->keep(cell, len, r->line, r->keep_arg))
			return;
		r->chunk_pos += n;
		r->line++;
	}
}

/* Feeds one line (or the rest of the block) to libcsv. */
static int feed_line(struct csvread *r, struct diag *d)
{
	const char *s, *nl;
	size_t left, n;
	s = r->chunk + r->chunk_pos;
	left = r->chunk_len - r->chunk_pos;
	nl = memchr(s, '\n', left < FEED_SLICE ? left : FEED_SLICE);
	n = nl ? (size_t)(nl - s) + 1 : left < FEED_SLICE ? left : FEED_SLICE;
	if (r->p.pstate == LIBCSV_ROW_NOT_BEGUN)
		r->row_line = r->line;
	if (csv_parse(&r->p, s, n, cb_cell, cb_row, r) != n)
		return diag_error(d, MERIT_DATAERR, r->display, r->line, 0, "cannot parse: %s",
				  csv_strerror(csv_error(&r->p)));
	r->chunk_pos += n;
	if (nl)
		r->line++;
	if (r->nul_line) {
		diag_error(d, MERIT_DATAERR, r->display, r->nul_line, r->nul_col,
			   "cell holds a NUL byte (\\x00): its value would be cut there");
		diag_hint(d, "remove the NUL bytes from the export; a text editor shows them "
			  "as ^@");
		return -1;
	}
	if (r->p.pstate != LIBCSV_ROW_NOT_BEGUN && r->p.entry_pos > MAX_CELL) {
		int line = r->ncells == r->row_first ? r->row_line : r->last_end_line;
		if (r->p.quoted)
			diag_error(d, MERIT_DATAERR, r->display, line,
				   (int)(r->ncells - r->row_first + 1),
				   "quoted cell runs over %d MiB: is a closing quote missing?",
				   MAX_CELL >> 20);
		else
			diag_error(d, MERIT_DATAERR, r->display, line,
				   (int)(r->ncells - r->row_first + 1),
				   "cell runs over %d MiB", MAX_CELL >> 20);
		return -1;
	}
	return 0;
}

/*
 * libcsv only reports an open quote at the end under CSV_STRICT, which also
 * rejects harmless stray quotes inside unquoted cells (5" screen); so the
 * parser runs lenient and the open quote is caught here from its state.
 */
static int finish(struct csvread *r, struct diag *d)
{
	r->finished = 1;
	/* A part must end between rows, or its stop was inside a quoted cell
	 * and the next part started in the middle of a row. */
	if (r->part && r->p.pstate != LIBCSV_ROW_NOT_BEGUN)
		return diag_error(d, MERIT_SOFTWARE, r->display, r->line, 0,
				  "part ends inside a row");
	if (r->p.pstate == LIBCSV_FIELD_BEGUN && r->p.quoted) {
		int line = r->ncells == r->row_first ? r->row_line : r->last_end_line;
		diag_error(d, MERIT_DATAERR, r->display, line, (int)(r->ncells - r->row_first + 1),
			   "quoted cell is never closed");
		diag_hint(d, "the quote opened here runs to the end of the file; close it or double a quote inside it (\"\")");
		return -1;
	}
	if (csv_fini(&r->p, cb_cell, cb_row, r) == 0)
		return 0;
	return diag_error(d, MERIT_DATAERR, r->display, r->line, 0, "cannot parse: %s",
			  csv_strerror(csv_error(&r->p)));
}

/* Drops delivered rows, keeping the cells of a row still being parsed. */
static void compact(struct csvread *r)
{
	size_t keep = r->ncells - r->row_first, i, off0;
	r->nrows = r->rows_head = 0;
	if (!keep) {
		strbuf_reset(&r->data);
		r->ncells = r->row_first = 0;
		return;
	}
	off0 = r->cells[r->row_first].off;
	memmove(r->data.buf, r->data.buf + off0, r->data.len - off0);
	r->data.len -= off0;
	r->data.buf[r->data.len] = '\0';
	for (i = 0; i < keep; i++) {
		r->cells[i] = r->cells[r->row_first + i];
		r->cells[i].off -= off0;
	}
	r->ncells = keep;
	r->row_first = 0;
}

/* libcsv trims unquoted cells; quoted ones may still carry blanks or CRs. */
static char *trim(char *s, size_t n)
{
	const char *t = s;
	str_trim(&t, &n);
	s += t - s;
	s[n] = '\0';
	return s;
}

/* Blanks libcsv skips before a cell (csvread_open(): ' ' only for tabs). */
static int is_blank(unsigned char c, unsigned char delim)
{
	return c != delim && (c == ' ' || (c == '\t' && delim != '\t'));
}

static void grow_row(struct csvread *r, size_t n)
{
	if (n > r->v_alloc) {
		r->v_alloc = n + 16;
		r->cellv = xrealloc(r->cellv, r->v_alloc * sizeof(*r->cellv));
		r->linev = xrealloc(r->linev, r->v_alloc * sizeof(*r->linev));
	}
}

/*
 * The usual line, read without libcsv, whose byte-at-a-time state machine
 * and callbacks were a third of ingest. Between rows, a line that is one
 * whole row of plain cells and of quoted cells closed on it (a, "b, c",
 * "say ""hi""") gives exactly the row libcsv would have given (libcsv.c,
 * csv_parse: blanks before a cell skipped, a quote that starts a cell
 * opens it, a doubled quote inside is one quote, a quote anywhere else is
 * text; the blanks libcsv drops at a cell's end, trim() drops too). The
 * line is copied once and cut in place, cell by cell with memchr.
 * Anything else is left to libcsv, nothing changed: a CR before the line
 * end, a NUL, a quoted cell still open at the line end or followed by
 * anything but the delimiter ("ab"c and "ab" x follow lenient rules of
 * their own), a line longer than a feed slice. Returns 1 with the row, 0
 * when the line was read but holds no row (blanks, empty cells), -1 when
 * libcsv must read it. tests/unit/test_csv.c compares both on random files.
 */
static int fast_line(struct csvread *r, struct csv_row *row)
{
	const char *s = r->chunk + r->chunk_pos, *nl, *end, *t;
	size_t left = r->chunk_len - r->chunk_pos, len, n = 0;
	unsigned char delim = (unsigned char)r->delim;
	char *p, *stop;
	int any = 0;
	if (delim == '"' || delim == '\r' || delim == '\n')
		return -1;
	if (!(nl = memchr(s, '\n', left < FEED_SLICE ? left : FEED_SLICE)))
		return -1;
	end = nl > s && nl[-1] == '\r' ? nl - 1 : nl;
	len = (size_t)(end - s);
	if (!r->chunk_plain && (memchr(s, '\r', len) || memchr(s, '\0', len)))
		return -1;
	for (t = s; t < end && is_blank((unsigned char)*t, delim); t++)
		;
	if (t < end) {
		/* Between rows the reader holds no cell: the buffer is free. */
		strbuf_reset(&r->data);
		strbuf_grow(&r->data, len + 2);
		memcpy(r->data.buf, s, len);
		stop = r->data.buf + len;
		stop[0] = stop[1] = '\0';
		p = r->data.buf + (t - s);
		for (;;) {   /* p: at a cell, past its leading blanks */
			char *cell, *w, *q;
			if (*p == '"') {
				cell = w = ++p;
				for (;;) {
					if (!(q = memchr(p, '"', (size_t)(stop - p))))
						return -1;   /* open at the line end: runs on */
					if (w != p)
						memmove(w, p, (size_t)(q - p));
					w += q - p;
					p = q + 1;
					if (*p != '"')
						break;
					*w++ = '"';   /* "" inside: one quote */
					p++;
				}
				if (p < stop && *p != delim)
					return -1;
			} else {
				cell = p;
				q = memchr(p, delim, (size_t)(stop - p));
				p = w = q ? q : stop;
			}
			grow_row(r, n + 1);
			r->cellv[n] = trim(cell, (size_t)(w - cell));
			r->linev[n] = r->line;
			any |= r->cellv[n][0] != '\0';
			n++;
			if (p == stop)
				break;
			for (p++; p < stop && is_blank((unsigned char)*p, delim); p++)
				;
		}
		r->data.len = len + 1;
		row->n = n;
		row->cell = r->cellv;
		row->line = r->linev;
		row->row_line = r->line;
		r->last_end_line = r->line;
	}
	r->row_line = r->line;
	r->chunk_pos += (size_t)(nl - s) + 1;
	r->line++;
	return any;
}

/* Fills row from a queued row; returns 0 when every cell is empty. */
static int make_row(struct csvread *r, const struct rowpos *rp, struct csv_row *row)
{
	size_t i;
	int any = 0;
	grow_row(r, rp->n);
	for (i = 0; i < rp->n; i++) {
		const struct cellpos *cp = &r->cells[rp->first + i];
		r->cellv[i] = trim(r->data.buf + cp->off, cp->len);
		r->linev[i] = cp->line;
		any |= r->cellv[i][0] != '\0';
	}
	row->n = rp->n;
	row->cell = r->cellv;
	row->line = r->linev;
	row->row_line = rp->line;
	return any;
}

int csvread_next(struct csvread *r, struct csv_row *row, struct diag *d)
{
	for (;;) {
		int rc;
		while (r->rows_head < r->nrows)
			if (make_row(r, &r->rows[r->rows_head++], row))
				return 1;
		compact(r);
		if (r->finished)
			return 0;
		if (r->chunk_pos < r->chunk_len) {
			if (r->keep) {
				skim_lines(r);
				if (r->chunk_pos == r->chunk_len)
					continue;
			}
			if (!r->slow && r->p.pstate == LIBCSV_ROW_NOT_BEGUN &&
			    (rc = fast_line(r, row)) >= 0) {
				if (rc)
					return 1;
				continue;
			}
			if (feed_line(r, d) < 0)
				return -1;
			continue;
		}
		rc = next_chunk(r, d);
		if (rc < 0)
			return -1;
		if (rc == 0 && finish(r, d) < 0)
			return -1;
	}
}
