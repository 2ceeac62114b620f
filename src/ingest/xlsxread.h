/*
 * xlsxread: a streaming reader for one sheet of an .xlsx workbook (the only
 * expat user; minizip opens the zip).
 *
 * Rows come out as CSV rows do (struct csv_row): one text cell per column,
 * trimmed, so everything above the reader (header mapping, typed cells,
 * messages) is shared with CSV. The sheet's XML is parsed as a stream, one
 * row per call (a fast scanner for plain SpreadsheetML, expat for the rest
 * and wherever the scanner is unsure: both give the same rows and
 * messages), so memory is one read buffer plus the current row whatever
 * the number of rows; only the shared strings table (every distinct text
 * of the workbook) is held whole.
 *
 * Typed cells become the text the CSV parsers read: numbers in plain
 * decimal (an exponent is expanded digit by digit, never through a double),
 * numbers under a date style as YYYY-MM-DD (1900 system, with its fake
 * 1900-02-29 = serial 60 given as that non-date, or 1904 system), booleans
 * as TRUE/FALSE, shared, inline and rich-text strings as their text. Cells
 * the XML skips are empty cells in their column (the cell reference places
 * them), and a row is padded with empty cells to the widest row so far (a
 * sheet leaves trailing empty cells out; a CSV writes them). row.line[i]
 * and row.row_line are the sheet's row number.
 *
 * Ownership: xlsxread_open() returns a reader that xlsxread_free()
 * releases. A struct csv_row points into the reader until the next call.
 *
 *   struct xlsxread *x = xlsxread_open("hr.xlsx", "hr.xlsx", "花名册", d);
 *   while ((rc = xlsxread_next(x, &row, d)) > 0)
 *           use(row.cell[0]);
 *   xlsxread_free(x);              // rc < 0: MERIT_DATAERR in d
 */
#ifndef MERIT_INGEST_XLSXREAD_H
#define MERIT_INGEST_XLSXREAD_H

#include <stddef.h>

#include "ingest/csvread.h"

struct diag;
struct xlsxread;

/* Does the path name a workbook (.xlsx or .xlsm, any case)? */
int xlsxread_is_xlsx(const char *path);

/*
 * Opens sheet `sheet` of the workbook at path: a sheet name, a 1-based
 * number, or NULL / "" for the first sheet. display names the file in
 * messages. Returns NULL with d set: MERIT_NOINPUT when the file cannot be
 * opened, MERIT_DATAERR when it is not a workbook or has no such sheet.
 */
struct xlsxread *xlsxread_open(const char *path, const char *display, const char *sheet,
			       struct diag *d);

/*
 * The same reader over parts held in memory (tests and the fuzz harness):
 * sst and styles may be NULL; date1904 picks the date system.
 */
struct xlsxread *xlsxread_open_mem(const char *display, const char *sheet_name,
				   const char *sst, size_t sstlen, const char *styles,
				   size_t styleslen, int date1904, const char *sheet,
				   size_t sheetlen, struct diag *d);

/*
 * Reads the next row with at least one non-empty cell: 1, 0 at the end of
 * the sheet, -1 with MERIT_DATAERR in d (bad zip data, malformed XML, a
 * shared string that does not exist), the message naming the cell.
 */
int xlsxread_next(struct xlsxread *r, struct csv_row *row, struct diag *d);

/*
 * The second pass of a duplicate check: from the next row on, rows whose
 * cell col keep() rejects may be skipped (rows it cannot rule out are still
 * returned), and the SHA-256 is not computed.
 */
void xlsxread_skim(struct xlsxread *r, size_t col, csvread_keep_fn *keep, void *arg);

/*
 * Tests: on = 0 before the first xlsxread_next() reads the whole sheet with
 * expat, without the fast scanner; xlsxread_fast_rows() says how many rows
 * the fast scanner read.
 */
void xlsxread_set_fast(struct xlsxread *r, int on);
size_t xlsxread_fast_rows(const struct xlsxread *r);

/* The size of the sheet's XML as the zip says (0 when not known). */
unsigned long long xlsxread_sheet_bytes(const struct xlsxread *r);

/* The sheet read, by name ("花名册"). */
const char *xlsxread_sheet(const struct xlsxread *r);

/* After xlsxread_next() returned 0: the SHA-256 of the workbook's bytes. */
const char *xlsxread_sha256(const struct xlsxread *r);

/* "J17" for column 9 (0-based) of row 17; out holds at least 16 bytes. */
void xlsxread_cellref(size_t col, int row, char out[16]);

void xlsxread_free(struct xlsxread *r);

#endif
