/*
 * Unit tests of src/ingest/xlsxread: workbooks made here part by part
 * (minizip), so each test pins one thing Excel and other writers do: the
 * 1900 and 1904 date systems and the fake 1900-02-29, date styles (built-in
 * ids and custom formats), shared, inline and rich-text strings, cells the
 * XML skips, booleans, exponents, namespace prefixes, sheet choice by name
 * and number, and messages naming the cell.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <minizip/zip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/xlsxread.h"
#include "../support/fixture.h"
#include "util/diag.h"
#include "util/strbuf.h"

static char tmpdir[] = "/tmp/merit-test-xlsx-XXXXXX";

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
	   "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

static const char *book_two_sheets =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
	"<workbook " NS "><workbookPr/><sheets>"
	"<sheet name=\"说明\" sheetId=\"1\" r:id=\"rId1\"/>"
	"<sheet name=\"花名册\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>";

static const char *rels_two_sheets =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
	"<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
	"</Relationships>";

/* xf 0 general, 1 built-in date 14, 2 custom yyyy/m/d (164), 3 custom
 * money with [$¥-804] and quoted text (165: not a date), 4 time h:mm (20:
 * a built-in date-time id), 5 Chinese built-in 31. */
static const char *styles =
	"<styleSheet " NS "><numFmts count=\"2\">"
	"<numFmt numFmtId=\"164\" formatCode=\"yyyy/m/d\"/>"
	"<numFmt numFmtId=\"165\" formatCode=\"[$&#165;-804]#,##0.00&quot;days&quot;_)\"/>"
	"</numFmts><cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
	"<cellXfs count=\"6\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
	"<xf numFmtId=\"165\"/><xf numFmtId=\"20\"/><xf numFmtId=\"31\"/></cellXfs></styleSheet>";

static const char *sst =
	"<sst " NS " count=\"4\" uniqueCount=\"4\">"
	"<si><t>employee_id</t></si>"
	"<si><t xml:space=\"preserve\">  hire_date </t></si>"
	"<si><r><rPr><b/></rPr><t>张</t></r><r><t xml:space=\"preserve\">三</t></r>"
	"<rPh sb=\"0\" eb=\"1\"><t>ZHANG</t></rPh></si>"
	"<si><t>E&amp;1</t></si></sst>";

static const char *write_xlsx(const char *name, const char *book, const char *rels,
			      const char *ssts, const char *sty, const char *sheet1,
			      const char *sheet2)
{
	static char path[256];
	const char *names[] = { "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
				"xl/sharedStrings.xml", "xl/styles.xml",
				"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml" };
	const char *data[] = { book, rels, ssts, sty, sheet1, sheet2 };
	zipFile zf;
	size_t i;
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	zf = zipOpen64(path, 0);
	assert_non_null(zf);
	for (i = 0; i < 6; i++) {
		if (!data[i])
			continue;
		assert_int_equal(zipOpenNewFileInZip64(zf, names[i], NULL, NULL, 0, NULL, 0, NULL,
						       Z_DEFLATED, 6, 0), ZIP_OK);
		assert_int_equal(zipWriteInFileInZip(zf, data[i], (unsigned)strlen(data[i])), ZIP_OK);
		zipCloseFileInZip(zf);
	}
	assert_int_equal(zipClose(zf, NULL), ZIP_OK);
	return path;
}


/* Reads every row of a sheet held in memory into "a|b|c" lines with the
 * row number in front ("3:a|b"). */
static void read_rows(struct xlsxread *x, struct diag *d, struct strbuf *out, int *rc)
{
	struct csv_row row;
	size_t i;
	while ((*rc = xlsxread_next(x, &row, d)) > 0) {
		strbuf_addf(out, "%d:", row.row_line);
		for (i = 0; i < row.n; i++) {
			assert_int_equal(row.line[i], row.row_line);
			strbuf_addf(out, "%s%s", i ? "|" : "", row.cell[i]);
		}
		strbuf_addch(out, '\n');
	}
}

static void mem_rows(const char *sheet, int date1904, const char *want)
{
	struct diag d;
	struct strbuf out = STRBUF_INIT;
	struct xlsxread *x;
	int rc;
	diag_init(&d);
	x = xlsxread_open_mem("t.xlsx", "Sheet1", sst, strlen(sst), styles, strlen(styles),
			      date1904, sheet, strlen(sheet), &d);
	assert_non_null(x);
	read_rows(x, &d, &out, &rc);
	if (rc != 0) {
		char *t = fixture_diag_text(&d);
		fail_msg("rc %d: %s", rc, t);
	}
	assert_string_equal(out.buf, want);
	strbuf_release(&out);
	xlsxread_free(x);
	diag_release(&d);
}

#define SHEET(rows) "<worksheet " NS "><sheetData>" rows "</sheetData></worksheet>"

/*
 * 1900 system. Serials and their dates (day 25569 is 1970-01-01 from
 * serial 61 on, because Excel counts a 1900-02-29 that never was):
 * 1 = 1900-01-01, 59 = 1900-02-28, 60 = the fake 1900-02-29 (given as that
 * text, which the date parser refuses), 61 = 1900-03-01,
 * 46300 = 25569 + 20731 days = 2026-10-05 (20731 = days from 1970-01-01,
 * what date_from_ymd(2026,10,5) gives), 46300.75 (6 pm) is the same day.
 */
static void test_dates_1900(void **state)
{
	(void)state;
	mem_rows(SHEET("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>1</v></c><c r=\"B1\" s=\"1\"><v>59</v></c>"
		       "<c r=\"C1\" s=\"1\"><v>60</v></c><c r=\"D1\" s=\"1\"><v>61</v></c></row>"
		       "<row r=\"2\"><c r=\"A2\" s=\"2\"><v>46300</v></c><c r=\"B2\" s=\"4\"><v>46300.75</v></c>"
		       "<c r=\"C2\" s=\"5\"><v>46300</v></c><c r=\"D2\" s=\"3\"><v>46300</v></c>"
		       "<c r=\"E2\"><v>46300</v></c><c r=\"F2\" s=\"1\"><v>0</v></c></row>"),
		 0,
		 "1:1900-01-01|1900-02-28|1900-02-29|1900-03-01\n"
		 "2:2026-10-05|2026-10-05|2026-10-05|46300|46300|0\n");
}

/* 1904 system: serial 0 = 1904-01-01; 44838 = 46300 - 1462 is 2026-10-05. */
static void test_dates_1904(void **state)
{
	(void)state;
	mem_rows(SHEET("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>44838</v></c>"
		       "<c r=\"C1\" s=\"1\"><v>60</v></c></row>"),
		 1, "1:1904-01-01|2026-10-05|1904-03-01\n");
}

/* Shared strings (trimmed, entities decoded), rich text runs joined without
 * the phonetic run, inline strings (plain and rich), formula strings,
 * booleans, errors, exponents expanded exactly. */
static void test_cell_types(void **state)
{
	(void)state;
	mem_rows(SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
		       "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c></row>"
		       "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>李四</t></is></c>"
		       "<c r=\"B2\" t=\"inlineStr\"><is><r><t>王</t></r><r><rPr/><t>五</t></r></is></c>"
		       "<c r=\"C2\" t=\"str\"><f>A2&amp;\"x\"</f><v>李四x</v></c>"
		       "<c r=\"D2\" t=\"b\"><v>1</v></c><c r=\"E2\" t=\"b\"><v>0</v></c>"
		       "<c r=\"F2\" t=\"e\"><v>#N/A</v></c></row>"
		       "<row r=\"3\"><c r=\"A3\"><v>1.5E-3</v></c><c r=\"B3\"><v>-1.25E+3</v></c>"
		       "<c r=\"C3\"><v>0.30000000000000004</v></c><c r=\"D3\"><v>12345.6</v></c>"
		       "<c r=\"E3\"><v>7E+2</v></c><c r=\"F3\"><f>1+1</f><v>2</v></c></row>"),
		 0,
		 "1:employee_id|hire_date|张三|E&1\n"
		 "2:李四|王五|李四x|TRUE|FALSE|#N/A\n"
		 "3:0.0015|-1250|0.30000000000000004|12345.6|700|2\n");
}

/* Cells the XML leaves out are empty cells in their column; cells with no
 * reference follow the previous one; an all-empty row is skipped, a row
 * with no r attribute is the next number; a shorter row is padded to the
 * widest so far (27 cells: A to AA). */
static void test_skipped_cells(void **state)
{
	(void)state;
	mem_rows(SHEET("<row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>b</t></is></c>"
		       "<c r=\"E2\"><v>5</v></c><c><v>6</v></c></row>"
		       "<row r=\"3\"><c r=\"A3\" s=\"3\"/><c r=\"B3\" t=\"inlineStr\"><is><t> </t></is></c></row>"
		       "<row><c r=\"AA5\"><v>1</v></c></row><row r=\"6\"><c r=\"A6\"><v>7</v></c></row>"),
		 0, "2:|b|||5|6\n4:" "||||||||||||||||||||||||||1\n6:7||||||||||||||||||||||||||\n");
}

/* Prefixed names (<x:row>) and a sheet with no styles or strings at all. */
static void test_prefixed_namespace(void **state)
{
	const char *sheet = "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
			    "<x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>ok</x:t></x:is></x:c>"
			    "<x:c r=\"B1\"><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>";
	struct diag d;
	struct strbuf out = STRBUF_INIT;
	struct xlsxread *x;
	int rc;
	(void)state;
	diag_init(&d);
	x = xlsxread_open_mem("t.xlsx", "S", NULL, 0, NULL, 0, 0, sheet, strlen(sheet), &d);
	read_rows(x, &d, &out, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out.buf, "1:ok|3\n");
	strbuf_release(&out);
	xlsxread_free(x);
	diag_release(&d);
}

/* Bad input: a shared string past the table names the cell; broken XML and
 * a DTD are errors, never a crash or a hang. */
static void test_errors_name_the_cell(void **state)
{
	const char *bad_sst = SHEET("<row r=\"17\"><c r=\"J17\" t=\"s\"><v>9</v></c></row>");
	const char *broken = SHEET("<row r=\"1\"><c r=\"A1\"><v>1</c></row>");
	const char *dtd = "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet/>";
	const char *bad_ref = SHEET("<row r=\"1\"><c r=\"ZZZZ1\"><v>1</v></c></row>");
	struct diag d;
	struct strbuf out = STRBUF_INIT;
	struct xlsxread *x;
	int rc;
	(void)state;

	diag_init(&d);
	x = xlsxread_open_mem("hr.xlsx", "花名册", sst, strlen(sst), NULL, 0, 0, bad_sst,
			      strlen(bad_sst), &d);
	read_rows(x, &d, &out, &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(d.status, MERIT_DATAERR);
	fixture_assert_diag_says(&d, "hr.xlsx:花名册!J17: error: shared string '9' does not exist");
	xlsxread_free(x);
	diag_release(&d);

	diag_init(&d);
	x = xlsxread_open_mem("hr.xlsx", "S", NULL, 0, NULL, 0, 0, broken, strlen(broken), &d);
	read_rows(x, &d, &out, &rc);
	assert_int_equal(rc, -1);
	fixture_assert_diag_says(&d, "malformed sheet XML at line 1: mismatched tag");
	xlsxread_free(x);
	diag_release(&d);

	diag_init(&d);
	x = xlsxread_open_mem("hr.xlsx", "S", NULL, 0, NULL, 0, 0, dtd, strlen(dtd), &d);
	read_rows(x, &d, &out, &rc);
	assert_int_equal(rc, -1);
	fixture_assert_diag_says(&d, "a DTD is not allowed");
	xlsxread_free(x);
	diag_release(&d);

	diag_init(&d);
	x = xlsxread_open_mem("hr.xlsx", "S", NULL, 0, NULL, 0, 0, bad_ref, strlen(bad_ref), &d);
	read_rows(x, &d, &out, &rc);
	assert_int_equal(rc, -1);
	fixture_assert_diag_says(&d, "cell reference 'ZZZZ1' is not a column");
	xlsxread_free(x);
	diag_release(&d);
	assert_int_equal(out.len, 0);
	strbuf_release(&out);
}

/* A real zip: sheet by name, by number, default first; styles and shared
 * strings found through the rels; the SHA-256 at the end; unknown sheets
 * and non-workbooks are errors saying what there is. */
static void test_zip_and_sheet_choice(void **state)
{
	const char *s1 = SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>readme</t></is></c></row>");
	const char *s2 = SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
			       "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>3</v></c><c r=\"B2\" s=\"1\"><v>46300</v></c></row>");
	const char *path = write_xlsx("book.xlsx", book_two_sheets, rels_two_sheets, sst, styles, s1, s2);
	const char *want[] = { NULL, "", "花名册", "2", "1" };
	const char *got[] = { "readme", "readme", "employee_id", "employee_id", "readme" };
	struct diag d;
	struct csv_row row;
	struct xlsxread *x;
	size_t i;
	(void)state;
	for (i = 0; i < 5; i++) {
		diag_init(&d);
		x = xlsxread_open(path, "book.xlsx", want[i], &d);
		assert_non_null(x);
		assert_int_equal(xlsxread_next(x, &row, &d), 1);
		assert_string_equal(row.cell[0], got[i]);
		if (i == 2) {
			assert_string_equal(xlsxread_sheet(x), "花名册");
			assert_int_equal(xlsxread_next(x, &row, &d), 1);
			assert_int_equal(row.n, 2);
			assert_string_equal(row.cell[0], "E&1");
			assert_string_equal(row.cell[1], "2026-10-05");
			assert_int_equal(xlsxread_next(x, &row, &d), 0);
			assert_int_equal(strlen(xlsxread_sha256(x)), 64);
		}
		xlsxread_free(x);
		assert_int_equal(d.nr, 0);
		diag_release(&d);
	}

	diag_init(&d);
	assert_null(xlsxread_open(path, "book.xlsx", "Sheet9", &d));
	assert_int_equal(d.status, MERIT_DATAERR);
	fixture_assert_diag_says(&d, "book.xlsx: error: the workbook has no sheet 'Sheet9'");
	fixture_assert_diag_says(&d, "its sheets are '说明', '花名册'; set `sheet =` to a name or a number from 1 to 2");
	diag_release(&d);

	diag_init(&d);
	assert_null(xlsxread_open(path, "book.xlsx", "3", &d));
	diag_release(&d);

	path = write_xlsx("notabook.xlsx", NULL, NULL, NULL, NULL, s1, NULL);
	diag_init(&d);
	assert_null(xlsxread_open(path, "notabook.xlsx", NULL, &d));
	fixture_assert_diag_says(&d, "not an .xlsx workbook: xl/workbook.xml is missing");
	diag_release(&d);

	diag_init(&d);
	assert_null(xlsxread_open("/nonexistent/x.xlsx", "x.xlsx", NULL, &d));
	assert_int_equal(d.status, MERIT_NOINPUT);
	diag_release(&d);
}

/* Cell references and the file-name test. */
static void test_cellref(void **state)
{
	char ref[16];
	(void)state;
	xlsxread_cellref(9, 17, ref);
	assert_string_equal(ref, "J17");
	xlsxread_cellref(25, 1, ref);
	assert_string_equal(ref, "Z1");
	xlsxread_cellref(26, 1, ref);
	assert_string_equal(ref, "AA1");
	xlsxread_cellref(16383, 1048576, ref);
	assert_string_equal(ref, "XFD1048576");
	assert_true(xlsxread_is_xlsx("a/hr.XLSX"));
	assert_true(xlsxread_is_xlsx("q.xlsm"));
	assert_false(xlsxread_is_xlsx("hr.csv"));
	assert_false(xlsxread_is_xlsx(".xlsx"));
}

/* Many rows stream through one small row buffer: 200,000 rows read back
 * in order with nothing lost at the 64 KiB chunk edges. */
static void test_many_rows_stream(void **state)
{
	struct strbuf sheet = STRBUF_INIT;
	struct diag d;
	struct csv_row row;
	struct xlsxread *x;
	long i, n = 200000, sum = 0, rows = 0;
	(void)state;
	strbuf_addstr(&sheet, "<worksheet " NS "><sheetData>");
	for (i = 1; i <= n; i++)
		strbuf_addf(&sheet, "<row r=\"%ld\"><c r=\"A%ld\" t=\"inlineStr\"><is><t>E%ld</t></is></c>"
			    "<c r=\"C%ld\"><v>%ld</v></c></row>", i, i, i, i, i);
	strbuf_addstr(&sheet, "</sheetData></worksheet>");
	diag_init(&d);
	x = xlsxread_open_mem("big.xlsx", "S", NULL, 0, NULL, 0, 0, sheet.buf, sheet.len, &d);
	while (xlsxread_next(x, &row, &d) > 0) {
		char want[32];
		rows++;
		snprintf(want, sizeof(want), "E%ld", rows);
		assert_int_equal(row.row_line, rows);
		assert_int_equal(row.n, 3);
		assert_string_equal(row.cell[0], want);
		sum += strtol(row.cell[2], NULL, 10);
	}
	assert_int_equal(rows, n);
	assert_int_equal(sum, n * (n + 1) / 2);     /* 1 + 2 + ... + n */
	xlsxread_free(x);
	diag_release(&d);
	strbuf_release(&sheet);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates_1900),
		cmocka_unit_test(test_dates_1904),
		cmocka_unit_test(test_cell_types),
		cmocka_unit_test(test_skipped_cells),
		cmocka_unit_test(test_prefixed_namespace),
		cmocka_unit_test(test_errors_name_the_cell),
		cmocka_unit_test(test_zip_and_sheet_choice),
		cmocka_unit_test(test_cellref),
		cmocka_unit_test(test_many_rows_stream),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
