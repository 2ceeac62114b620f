/*
 * csv2xlsx: turns a CSV export into the typed .xlsx workbook an HR system
 * or CRM would have exported, for the xlsx ingest benchmark
 * (tools/bench_xlsx_ingest.sh) at sizes python would take minutes for.
 *
 *   csv2xlsx [-d DATE_FORMAT] IN.csv OUT.xlsx
 *
 * A title row comes first (so the header is row 2, header_row = 2); then
 * every cell that parses as a date (the strptime DATE_FORMAT, else merit's
 * built-in forms) is an Excel date with a date style, every other cell
 * that parses as money (¥12,500.00) a number, the rest text. Read with
 * merit's own CSV reader and parsers, so what it types is what merit would
 * have parsed. libxlsxwriter's constant_memory mode streams the rows out
 * (inline strings, no shared-strings table).
 */
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "ingest/csvread.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/strbuf.h"

int main(int argc, char **argv)
{
	const char *fmt = NULL, *fmts[1];
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *datef;
	struct diag d;
	struct csvread *r;
	struct csv_row row;
	lxw_row_t out = 1;
	int argi = 1, rc;
	size_t i;

	if (argc > 2 && !strcmp(argv[1], "-d"))
		fmt = argv[2], argi = 3;
	if (argc - argi != 2) {
		fprintf(stderr, "usage: csv2xlsx [-d DATE_FORMAT] IN.csv OUT.xlsx\n");
		return 64;
	}
	fmts[0] = fmt;
	diag_init(&d);
	r = csvread_open(argv[argi], argv[argi], ENC_AUTO, ',', &d);
	if (!r) {
		fprintf(stderr, "csv2xlsx: cannot open %s\n", argv[argi]);
		return 66;
	}
	wb = workbook_new_opt(argv[argi + 1], &opt);
	if (!wb) {
		fprintf(stderr, "csv2xlsx: cannot create %s\n", argv[argi + 1]);
		return 73;
	}
	ws = workbook_add_worksheet(wb, "Export");
	datef = workbook_add_format(wb);
	format_set_num_format(datef, "yyyy/m/d");
	worksheet_write_string(ws, 0, 0, "Export of sales opportunities", NULL);
	while ((rc = csvread_next(r, &row, &d)) > 0) {
		for (i = 0; i < row.n; i++) {
			const char *s = row.cell[i];
			int32_t day;
			int64_t cents;
			if (!*s)
				continue;
			if (out > 1 && date_parse(s, fmts, fmt ? 1 : 0, &day) == DATE_OK) {
				/* day 0 (1970-01-01) is serial 25569 in the 1900 system */
				worksheet_write_number(ws, out, (lxw_col_t)i, (double)day + 25569.0, datef);
			} else if (out > 1 && money_parse(s, &cents) == NUM_OK) {
				worksheet_write_number(ws, out, (lxw_col_t)i, (double)cents / 100.0, NULL);
			} else {
				worksheet_write_string(ws, out, (lxw_col_t)i, s, NULL);
			}
		}
		out++;
	}
	csvread_free(r);
	diag_release(&d);
	if (rc < 0 || workbook_close(wb) != LXW_NO_ERROR) {
		fprintf(stderr, "csv2xlsx: failed writing %s\n", argv[argi + 1]);
		return 1;
	}
	return 0;
}
