/*
 * fuzz_xlsx: libFuzzer harness for the .xlsx sheet reader on arbitrary XML.
 *
 * The zip layer (minizip) checks CRCs, so mutated zips rarely reach the
 * XML; the harness feeds the parts straight to xlsxread_open_mem(). The
 * input is: one option byte (bit 0: the 1904 date system), then the shared
 * strings, the styles and the sheet, separated by the bytes "\n##\n"
 * (a part left out is absent; one part alone is the sheet).
 *
 * Invariants: every row has 1 to 16384 cells (XFD), each a C string no
 * longer than the input plus an expanded exponent (at most 400 digits),
 * every cell's line is its row's, at least one cell is non-empty, rows
 * come with numbers >= 1, and the reader ends with 0 or -1 and
 * MERIT_DATAERR. And the sheet has two readers, the fast scanner and
 * expat (which takes over wherever the scanner is unsure): read with the
 * scanner on and off, the input must give the same rows, cells, row
 * numbers, status and messages. Leaks are caught by LeakSanitizer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "ingest/xlsxread.h"
#include "util/diag.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEP "\n##\n"

/* Splits off the next part at SEP; the rest (or NULL) goes back in *s. */
static const char *next_part(const char **s, size_t *n, size_t *len)
{
	const char *p = *s, *q = p ? memmem(p, *n, SEP, 4) : NULL;
	if (!p)
		return NULL;
	if (!q) {
		*len = *n;
		*s = NULL;
		return p;
	}
	*len = (size_t)(q - p);
	*n -= *len + 4;
	*s = q + 4;
	return p;
}

/*
 * Reads the sheet (fast scanner on or off) checking the invariants; the
 * rows, status and messages go into out. Returns 0, or -1 when the parts
 * did not open (then the same must hold for the other reader).
 */
static int read_sheet(const char **parts, const size_t *lens, int date1904, size_t size,
		      int fast, struct strbuf *out)
{
	struct diag d;
	struct csv_row row;
	struct xlsxread *x;
	int rc;
	diag_init(&d);
	x = xlsxread_open_mem("fuzz.xlsx", "Sheet1", parts[0], lens[0], parts[1], lens[1],
			      date1904, parts[2] ? parts[2] : "", lens[2], &d);
	if (!x) {
		CHECK(d.status == MERIT_DATAERR && d.errors > 0);
		diag_release(&d);
		return -1;
	}
	xlsxread_set_fast(x, fast);
	while ((rc = xlsxread_next(x, &row, &d)) > 0) {
		size_t i;
		int any = 0;
		CHECK(row.n >= 1 && row.n <= 16384);
		CHECK(row.row_line >= 1);
		strbuf_addf(out, "%d:", row.row_line);
		for (i = 0; i < row.n; i++) {
			CHECK(strlen(row.cell[i]) <= size + 410);
			CHECK(row.line[i] == row.row_line);
			any |= row.cell[i][0] != '\0';
			strbuf_addstr(out, row.cell[i]);
			strbuf_addch(out, '\x1f');
		}
		strbuf_addch(out, '\n');
		CHECK(any);
	}
	CHECK(rc == 0 || (rc == -1 && d.status == MERIT_DATAERR && d.errors > 0));
	strbuf_addf(out, "rc %d\n", rc);
	diag_format(&d, out, DIAG_ERROR);
	xlsxread_free(x);
	diag_release(&d);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *rest, *parts[3] = { 0 };
	size_t lens[3] = { 0 }, n, k = 0;
	struct strbuf fast = STRBUF_INIT, expat = STRBUF_INIT;
	int a, b;
	if (size < 1)
		return 0;
	rest = (const char *)data + 1;
	n = size - 1;
	while (k < 3 && rest)
		parts[k] = next_part(&rest, &n, &lens[k]), k++;
	if (k == 1) {                   /* the sheet alone */
		parts[2] = parts[0], lens[2] = lens[0];
		parts[0] = NULL;
	}
	a = read_sheet(parts, lens, data[0] & 1, size, 1, &fast);
	b = read_sheet(parts, lens, data[0] & 1, size, 0, &expat);
	CHECK(a == b);
	if (strcmp(fast.buf, expat.buf))
		fprintf(stderr, "fast scanner:\n%s\nexpat:\n%s\n", fast.buf, expat.buf);
	CHECK(!strcmp(fast.buf, expat.buf));
	strbuf_release(&fast);
	strbuf_release(&expat);
	return 0;
}
