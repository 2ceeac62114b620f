/*
 * csvline: what libcsv would make of one line, found without libcsv.
 *
 * For re-reading a file fast (the second pass of the duplicate check,
 * csvread_skim()): most lines of an export are exactly one row, and such a
 * pass needs one cell of each. csvline_cell() tells whether libcsv 3.0.3,
 * lenient as csvread runs it and starting between rows, would read the line
 * as one whole row (or as no row) ending at the line's own end, and gives
 * that one cell's text as csvread would deliver it. Whenever it cannot be
 * sure it says so, and the caller parses the line with libcsv as always.
 *
 * Internal to ingest/. Nothing is allocated: the cell points into the line.
 *
 *   const char *cell;
 *   size_t len;
 *   if (csvline_cell(line, n, ',', 0, &cell, &len) && !wanted(cell, len))
 *           skip the line;   // else feed it to libcsv
 */
#ifndef MERIT_INGEST_CSVLINE_H
#define MERIT_INGEST_CSVLINE_H

#include <stddef.h>

/*
 * s holds n bytes: one line, its line feed last (decoded: UTF-8). Returns 1
 * when the line is one row that ends at its CR LF or LF (or holds no row at
 * all) and the cells up to and including cell col are unquoted; *cell and
 * *len are then cell col trimmed of blanks and cut at a NUL byte, as
 * struct csv_row gives it ("" when the row has fewer cells). Returns 0 when
 * libcsv must decide: a quote in or before cell col, a bare CR, a quoted
 * cell still open at the line feed, no line feed. Blanks are ' ' and '\t'
 * (only ' ' when the delimiter is '\t'), as in csvread_open().
 */
int csvline_cell(const char *s, size_t n, char delimiter, size_t col, const char **cell,
		 size_t *len);

/*
 * Where a file may be cut into parts read on separate threads: in s (n
 * bytes from anywhere in the file), the offset just after a line feed that
 * is likely a row boundary (the lines on both sides would each be one
 * whole row, without a bare CR), or n when there is none. A guess: the
 * reader of the part before checks that its part really ended between rows.
 */
size_t csvline_row_start(const char *s, size_t n, char delimiter);

#endif
