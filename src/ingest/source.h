/*
 * source: where an input's physical rows come from (a CSV file or an .xlsx sheet).
 *
 * A row source knows one file's format and nothing of merit's fields: it
 * yields physical rows, each an array of cell texts (UTF-8, trimmed,
 * writable, NUL-terminated) with the place each cell came from. Everything
 * above it is in loader.c and works for every source alike: skipping rows
 * above `header_row`, `null` markers, mapping the header through
 * [columns.X] (`+` joins, one header for several fields), [defaults.X],
 * `layout = wide`, globs over several files, typing and checking cells.
 *
 * Adding a source (e.g. .xlsx): write `int xxx_source_open(struct source *s,
 * const char *path, const struct input_conf *ic, struct diag *d)` that sets
 * s->ops and s->impl (0, or -1 with MERIT_NOINPUT / MERIT_DATAERR in d), and
 * pick it by name in source_open(). Its rows:
 *   - skip rows whose cells are all empty;
 *   - cell texts as a user would type them: a number cell as the shortest
 *     text that reads back to the same double ("1234.5"), a date cell as
 *     ISO "2026-10-05" (loader parses both as it would a CSV cell);
 *   - row_line / line[] are the row numbers a user sees (CSV: the line the
 *     row or cell starts on; a sheet: its row number), so `header_row`
 *     means the same for every source;
 *   - ops->locate (optional) writes a cell's place for messages when
 *     "file:line:col" is not the right form ("hr.xlsx:Sheet1!C17"); col is
 *     1-based, 0 for the whole row.
 *
 *   struct source s;
 *   struct src_row row;
 *   if (source_open(&s, path, "exports/hr.csv", ic, d) < 0) return -1;
 *   while ((rc = source_next(&s, &row, d)) > 0) use(row.cell[0], row.line[0]);
 *   source_close(&s);
 */
#ifndef MERIT_INGEST_SOURCE_H
#define MERIT_INGEST_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct diag;
struct csvread;
struct strbuf;

struct src_row {
	size_t n;          /* cells in this row */
	char **cell;       /* NUL-terminated, trimmed, writable until the next row */
	const int *line;   /* row number on which each cell starts (1-based) */
	int row_line;      /* row number on which the row starts */
};

/*
 * A second pass may skip rows unparsed when keep() says cell col (len
 * bytes, not NUL-terminated) is not wanted; rows it cannot rule out are
 * still returned, so a caller tests the cell again.
 */
typedef int source_keep_fn(const char *text, size_t len, int line, void *arg);

struct src_ops {
	int (*next)(void *impl, struct src_row *row, struct diag *d);
	/* After next() returned 0: the SHA-256 of the file's bytes ("" if not known). */
	const char *(*sha256)(const void *impl);
	/* "utf-8", "gb18030", "utf-16le", "xlsx", ... */
	const char *(*encoding)(const void *impl);
	/* Optional. */
	void (*skim)(void *impl, size_t col, source_keep_fn *keep, void *arg);
	/* Optional: the bytes a CSV of the same rows would take, roughly, when
	 * the file's size says less (a zipped workbook). */
	unsigned long long (*csv_bytes)(const void *impl);
	void (*locate)(const void *impl, const char *display, int line, int col,
		       struct strbuf *out);
	void (*free)(void *impl);
	/* Optional: csvread_peek_cell(). */
	int (*peek)(const void *impl, size_t col, const char **text, size_t *len);
};

struct source {
	const struct src_ops *ops;
	void *impl;
	char *display;     /* the name messages use */
};

/* Opens path with the source its name calls for. 0, or -1 with d set. */
int source_open(struct source *s, const char *path, const char *display,
		const struct input_conf *ic, struct diag *d);
/* Next row with a non-empty cell: 1, 0 at the end, -1 with d set. */
int source_next(struct source *s, struct src_row *row, struct diag *d);
const char *source_sha256(const struct source *s);
const char *source_encoding(const struct source *s);
/* The bytes a CSV of s's rows would take, roughly: for sizing; 0 when
 * the file's own size is the measure. */
unsigned long long source_csv_bytes(const struct source *s);
/* A guess at cell col of the next row, for prefetching (csvread_peek_cell());
 * 0 when the source has none. */
int source_peek(const struct source *s, size_t col, const char **text, size_t *len);
/* Whether s can skim; then the keep() test applies from the next row on. */
int source_skim(struct source *s, size_t col, source_keep_fn *keep, void *arg);
/*
 * The place of (line, col) for a message: sets *file, *line and *col as
 * diag_row() takes them. where holds the text when the source has its own
 * form (then *line = *col = 0).
 */
void source_locate(const struct source *s, int line, int col, struct strbuf *where,
		   const char **file, int *oline, int *ocol);
void source_close(struct source *s);

/* The CSV source (csvread.h). */
int csv_source_open(struct source *s, const char *path, const struct input_conf *ic,
		    struct diag *d);
/*
 * One part of a CSV file (csvread_open_part()), for reading a large input
 * on several threads; display is the name messages use.
 */
int csv_source_open_part(struct source *s, const char *path, const char *display,
			 const struct input_conf *ic, uint64_t start, uint64_t stop,
			 struct diag *d);
/* The CSV reader under s, or NULL when s is another kind of source. */
struct csvread *source_csv(const struct source *s);
/* The .xlsx source (xlsxread.h): sheet `ic->sheet`, cells named "hr.xlsx:Sheet1!C17". */
int xlsx_source_open(struct source *s, const char *path, const struct input_conf *ic,
		     struct diag *d);

#endif
