/*
 * csvread: a streaming CSV reader on libcsv (the only libcsv user) that
 * knows where every cell came from.
 *
 * libcsv has no idea of lines, so the reader feeds it one physical line at a
 * time and counts lines itself: every cell knows the line it starts on, and a
 * quoted cell spanning lines still parses as one. Underneath, the raw bytes
 * are hashed (SHA-256 of the file as stored), decoded to UTF-8 (encoding.h)
 * and stripped of a UTF-8 byte-order mark. Memory is one read buffer plus
 * the current row, whatever the file's size.
 *
 * Ownership: csvread_open() returns a reader that csvread_free() releases.
 * A struct csv_row points into the reader and is valid until the next call.
 *
 *   struct csvread *r;
 *   struct csv_row row;
 *   if (!(r = csvread_open(path, "samples/sales.csv", ENC_AUTO, ',', d)))
 *           return -1;                      // MERIT_NOINPUT
 *   while ((rc = csvread_next(r, &row, d)) > 0)
 *           use(row.cell[0], row.line[0]);
 *   csvread_free(r);                        // rc < 0: MERIT_DATAERR in d
 */
#ifndef MERIT_INGEST_CSVREAD_H
#define MERIT_INGEST_CSVREAD_H

#include <stddef.h>

#include "config.h"

struct diag;
struct csvread;

struct csv_row {
	size_t n;          /* cells in this row */
	char **cell;       /* NUL-terminated, white space trimmed, writable */
	const int *line;   /* line on which each cell starts (1-based) */
	int row_line;      /* line on which the row starts */
};

/*
 * Opens path (display: the name used in messages). delimiter 0 means ','.
 * Returns NULL with MERIT_NOINPUT in d when the file cannot be opened.
 */
struct csvread *csvread_open(const char *path, const char *display, enum encoding enc,
			     char delimiter, struct diag *d);

/*
 * Opens one part of path for reading it on several threads: the rows that
 * start in bytes [start, stop), where start is the first byte of a row
 * (csvline_row_start() finds one); line numbers count from 1 at start.
 * The part must end between rows: a stop inside a quoted cell is an
 * error. The part at start 0 skips a byte-order mark. No part hashes the
 * file (csvread_sha256() gives ""): whoever reads in parts hashes the file
 * itself, on a thread of its own (sales.c).
 * UTF-16 files cannot be read in parts (NULL, MERIT_SOFTWARE).
 */
struct csvread *csvread_open_part(const char *path, const char *display, enum encoding enc,
				  char delimiter, uint64_t start, uint64_t stop, struct diag *d);
/* Line feeds read so far (at the end of a part: the part's lines). */
int csvread_lines(const struct csvread *r);
/* The encoding decided so far: ENC_AUTO while only ASCII was read. */
enum encoding csvread_decided(const struct csvread *r);
/*
 * Reads the next row that has at least one non-empty cell. Returns 1, 0 at
 * the end of the file, or -1 with MERIT_DATAERR in d (undecodable bytes,
 * an unterminated quoted cell, a read error).
 */
int csvread_next(struct csvread *r, struct csv_row *row, struct diag *d);

/*
 * A guess at cell col of the row csvread_next() returns next, to prefetch
 * what that cell names while this row is worked on: the bytes up to the
 * delimiter of the next line, if it is already read, without unquoting or
 * trimming (a quoted or padded cell differs from its row's cell). 1 with
 * *text (not NUL-terminated, valid until the next csvread_next()) and
 * *len, 0 when the next line is not at hand, does not end within
 * CSVREAD_PEEK_SCAN bytes or has no cell col. Never a fact to act on: a hint.
 */
#define CSVREAD_PEEK_SCAN 256
int csvread_peek_cell(const struct csvread *r, size_t col, const char **text, size_t *len);

/*
 * Decides from one cell whether a row is wanted; line is the row's line.
 * text (len bytes, not NUL-terminated) is the cell as csv_row gives it.
 */
typedef int csvread_keep_fn(const char *text, size_t len, int line, void *arg);

/*
 * Turns r into a fast re-reader for a few rows: from now on a line that is
 * one whole row, with cell col and the cells before it unquoted (most
 * lines: csvline.h), is shown to keep() and skipped unparsed unless it
 * returns nonzero. Every other row is parsed and returned as before, with
 * the same line numbers, so keep() must be a test on that cell alone. The
 * SHA-256 is no longer computed (csvread_sha256() gives "").
 *
 *   csvread_skim(r, 0, is_candidate, set);   // after the header row
 */
void csvread_skim(struct csvread *r, size_t col, csvread_keep_fn *keep, void *arg);

/*
 * For tests: every line through libcsv, none through the shortcut that
 * reads the usual one-row line itself (csvread.c, fast_line).
 */
void csvread_all_libcsv(struct csvread *r);

/* After csvread_next() returned 0: the SHA-256 of the file's bytes. */
const char *csvread_sha256(const struct csvread *r);
/* The encoding found so far: "utf-8" or "gb18030". */
const char *csvread_encoding(const struct csvread *r);

void csvread_free(struct csvread *r);

#endif
