/*
 * Unit tests of src/ingest/xlsxread: workbooks made here part by part
 * (minizip), so each test pins one thing Excel and other writers do: the
 * 1900 and 1904 date systems and the fake 1900-02-29, date styles (built-in
 * ids and custom formats), shared, inline and rich-text strings, cells the
 * XML skips, booleans, exponents, namespace prefixes, sheet choice by name
 * and number, and messages naming the cell.
 *
 * The sheet has two readers: the fast scanner and expat, which takes over
 * wherever the scanner is unsure. Every sheet read here is read by both,
 * and they must agree on every row, cell, row number, status and message
 * (mem_both); so must they on the sample company's workbooks
 * (tests/xlsx_samples.py).
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
#include <sys/wait.h>
#include <unistd.h>

#include "ingest/xlsxread.h"
#include "../support/fixture.h"
#include "util/diag.h"
#include "util/strbuf.h"

static const char *const tmpdir = fixture_tmp;   /* the group's scratch folder */

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
	static char path[512];
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

/* Reads x to the end (fast scanner on or off) into a transcript: the rows,
 * then "rc N", then the messages. Returns the rows the scanner read. */
static size_t transcript(struct xlsxread *x, int fast, struct diag *d, struct strbuf *out)
{
	size_t n;
	int rc;
	char *t;
	xlsxread_set_fast(x, fast);
	read_rows(x, d, out, &rc);
	t = fixture_diag_text(d);
	strbuf_addf(out, "rc %d\n%s", rc, t);
	free(t);
	n = xlsxread_fast_rows(x);
	xlsxread_free(x);
	return n;
}

/*
 * Reads a sheet held in memory with the fast scanner and with expat alone;
 * fails unless both say the same. The rows (and "rc N" and messages) into
 * out; returns the rows the fast scanner read.
 */
static size_t mem_both(const char *display, const char *sheet_name, const char *ssts,
		       const char *sty, const char *sheet, size_t len, int date1904,
		       struct strbuf *out)
{
	struct strbuf expat = STRBUF_INIT;
	struct diag d;
	struct xlsxread *x;
	size_t fast;
	diag_init(&d);
	x = xlsxread_open_mem(display, sheet_name, ssts, ssts ? strlen(ssts) : 0, sty,
			      sty ? strlen(sty) : 0, date1904, sheet, len, &d);
	assert_non_null(x);
	fast = transcript(x, 1, &d, out);
	diag_release(&d);
	diag_init(&d);
	x = xlsxread_open_mem(display, sheet_name, ssts, ssts ? strlen(ssts) : 0, sty,
			      sty ? strlen(sty) : 0, date1904, sheet, len, &d);
	assert_int_equal(transcript(x, 0, &d, &expat), 0);
	diag_release(&d);
	if (strcmp(out->buf, expat.buf))
		fail_msg("fast scanner and expat differ on\n%.*s\nfast:\n%s\nexpat:\n%s", (int)len,
			 sheet, out->buf, expat.buf);
	strbuf_release(&expat);
	return fast;
}

static void mem_rows(const char *sheet, int date1904, const char *want)
{
	struct strbuf out = STRBUF_INIT;
	char *full = xstrfmt("%src 0\n", want);
	/* plain SpreadsheetML: the fast scanner reads every row */
	assert_true(mem_both("t.xlsx", "Sheet1", sst, styles, sheet, strlen(sheet), date1904, &out) > 0);
	assert_string_equal(out.buf, full);
	free(full);
	strbuf_release(&out);
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
	struct strbuf out = STRBUF_INIT;
	(void)state;
	/* prefixes are expat's: the scanner reads no row */
	assert_int_equal(mem_both("t.xlsx", "S", NULL, NULL, sheet, strlen(sheet), 0, &out), 0);
	assert_string_equal(out.buf, "1:ok|3\nrc 0\n");
	strbuf_release(&out);
}

/* Bad input: a shared string past the table names the cell; broken XML and
 * a DTD are errors, never a crash or a hang. */
static void test_errors_name_the_cell(void **state)
{
	const char *bad_sst = SHEET("<row r=\"17\"><c r=\"J17\" t=\"s\"><v>9</v></c></row>");
	const char *broken = SHEET("<row r=\"1\"><c r=\"A1\"><v>1</c></row>");
	const char *dtd = "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet/>";
	const char *bad_ref = SHEET("<row r=\"1\"><c r=\"ZZZZ1\"><v>1</v></c></row>");
	const char *sheets[] = { bad_sst, broken, dtd, bad_ref };
	struct diag d;
	struct strbuf out = STRBUF_INIT;
	struct xlsxread *x;
	int rc;
	size_t i;
	(void)state;

	/* the fast scanner says the same (it reads J17 itself, and gives the
	 * broken row to expat) */
	for (i = 0; i < 4; i++) {
		mem_both("hr.xlsx", "花名册", sst, NULL, sheets[i], strlen(sheets[i]), 0, &out);
		assert_non_null(strstr(out.buf, "rc -1\n"));
		strbuf_reset(&out);
	}

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

/*
 * Sheets where the fast scanner must hand over to expat, or read exactly
 * as expat does: comments, CDATA, entities and character references, CR,
 * prefixed and repeated attributes, white space and newlines between
 * elements (line numbers in messages after them), single quotes, text
 * between cells, "]]>", malformed UTF-8, U+FFFE, DEL, <sheetData/>, a
 * "<sheetData" in a comment, a row before <sheetData>, empty <v/> and
 * <is/>, rich text with phonetic runs, and a text of 300 KB (over the read
 * buffer). Then every truncation of one sheet: the same rows and the same
 * message, byte by byte.
 */
static void test_fast_and_expat_agree(void **state)
{
	static const char *rows[] = {
		"<row r=\"1\"><!-- c --><c r=\"A1\"><v>1</v></c></row><row r=\"2\"><c r=\"A2\"><v>2</v></c></row>",
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t><![CDATA[a<b]]></t></is></c></row>",
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&amp;&lt;&gt;&quot;&apos;&#x4E2D;&#25991;&#9;x</t></is></c></row>",
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&nbsp;</t></is></c></row>",
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&#0;</t></is></c></row>",
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&#xD800;</t></is></c></row>",
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a\r\nb\rc</t></is></c></row>",
		"<row r=\"1\"><c x:r=\"B1\" xmlns:x=\"u\"><v>1</v></c></row>",
		"<row r=\"1\"><c r=\"A1\" r=\"B1\"><v>1</v></c></row>",
		"<row r=\"1\" spans=\"1:2\" spans=\"1:2\"><c r=\"A1\"><v>1</v></c></row>",
		"\n<row r='1'\n ht=\"15\" x14ac:dyDescent=\"0.25\">\n <c r='B1' t='s' s = '0'>\n<v> 0 </v>\n</c>\n</row>\n"
		"<row r=\"2\"><c r=\"A2\"><v>1</v></c>\n<bad></row>",
		"<row r=\"1\"><c r=\"A1\">text<v>1</v></c>x</row>",
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a]]>b</t></is></c></row>",
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a]]b]</t></is></c></row>",
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>\xc3\x28</t></is></c></row>",
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>\xef\xbf\xbe</t></is></c></row>",
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>\xed\xa0\x80</t></is></c></row>",
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>\xf0\x9f\x98\x80 \x7f</t></is></c></row>",
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>\x01</t></is></c></row>",
		"<row r=\"1\"><c r=\"A1\"><v/></c><c r=\"B1\" t=\"inlineStr\"><is/></c><c r=\"C1\"><v>3</v></c></row>",
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><r><rPr><b/><sz val=\"11\"/></rPr><t xml:space=\"preserve\">王 </t></r>"
		"<r><t>五</t></r><rPh sb=\"0\" eb=\"1\"><t>ワン</t></rPh><phoneticPr fontId=\"1\"/></is></c></row>",
		"<row r=\"1\"><c r=\"A1\" t=\"str\"><f t=\"shared\" ref=\"A1:A2\" si=\"0\">B1*2</f><v>4</v></c>"
		"<c r=\"B1\" t=\"str\"><f t=\"shared\" si=\"0\"/><v>x</v></c></row>",
		"<row r=\"1\"><c r=\"A1\" t=\"n\"><v>1</v></c></row><row r=\"0\"><c><v>2</v></c></row>"
		"<row r=\"x\"><c><v>3</v></c></row><row/><row r=\"9\"></row><row><c/></row><row><c r=\"C20\"/></row>",
		"<row r=\"1\"><c r=\"a1\"><v>1</v></c></row>",
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a</t><t>b</t></is><v>c</v></c></row>",
		"<row r=\"1\"><c r=\"A1\"><v>1</v><v>2</v></c></row>",
		"<row r=\"1\"><c r=\"A1\" t=\"s \"><v>0</v></c><c r=\"B1\" t=\"s\tx\"><v>0</v></c></row>",
		"<row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData ><sheetData><row r=\"5\"><c r=\"A5\"><v>5</v></c></row>",
		"<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><x:row r=\"2\"><c r=\"A2\"><v>2</v></c></x:row>",
		"<row r=\"1\"><c r=\"A1\"><v>1</c></row>",
		"<row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData></worksheet><extra/>",
	};
	static const char *whole[] = {
		"<worksheet><sheetData/></worksheet>",
		"<worksheet><!-- <sheetData> --><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData></worksheet>",
		"<worksheet><row r=\"1\"><c r=\"A1\"><v>1</v></c></row><sheetData><row r=\"2\"><c r=\"A2\"><v>2</v></c></row></sheetData></worksheet>",
		"<worksheet><sheetDatax><row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetDatax></worksheet>",
		"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<worksheet>\n<sheetData>\n<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>\n</sheetData>\n</worksheet>",
		"<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>",
	};
	const char *one = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<worksheet " NS "><dimension ref=\"A1:C3\"/>"
			  "<sheetData><row r=\"1\" spans=\"1:3\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>46300</v></c>"
			  "<c r=\"C1\" t=\"inlineStr\"><is><t>中&amp;x</t></is></c></row>\n<row r=\"3\"><c r=\"A3\" t=\"b\"><v>1</v></c>"
			  "<c r=\"B3\"><v>1.5E-3</v></c><c r=\"C3\" t=\"s\"><v>7</v></c></row></sheetData><pageMargins left=\"0.7\"/></worksheet>";
	struct strbuf sheet = STRBUF_INIT, out = STRBUF_INIT;
	size_t i, n;
	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		strbuf_reset(&sheet);
		strbuf_addf(&sheet, "<worksheet " NS "><sheetData>%s</sheetData></worksheet>", rows[i]);
		mem_both("t.xlsx", "S", sst, styles, sheet.buf, sheet.len, 0, &out);
		strbuf_reset(&out);
	}
	for (i = 0; i < sizeof(whole) / sizeof(whole[0]); i++) {
		mem_both("t.xlsx", "S", sst, styles, whole[i], strlen(whole[i]), 0, &out);
		strbuf_reset(&out);
	}
	/* The plain rows are the scanner's: 2 rows, and the comment after
	 * "1:" goes to expat at row 1 (none of its rows). */
	strbuf_reset(&sheet);
	strbuf_addf(&sheet, "<worksheet " NS "><sheetData>%s</sheetData></worksheet>", rows[2]);
	assert_int_equal(mem_both("t.xlsx", "S", sst, styles, sheet.buf, sheet.len, 0, &out), 1);
	assert_string_equal(out.buf, "1:&<>\"'中文\tx\nrc 0\n");
	strbuf_reset(&out);
	/* row 1 read, row 3 stops at C3 */
	assert_int_equal(mem_both("t.xlsx", "S", sst, styles, one, strlen(one), 0, &out), 1);
	assert_string_equal(out.buf, "1:employee_id|2026-10-05|中&x\nrc -1\n"
			    "t.xlsx:S!C3: error: shared string '7' does not exist (the workbook has 4)\n");
	for (n = 0; n < strlen(one); n++) {
		strbuf_reset(&out);
		mem_both("t.xlsx", "S", sst, styles, one, n, 0, &out);
	}
	/* one text longer than the read buffer */
	strbuf_reset(&sheet);
	strbuf_addf(&sheet, "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>");
	for (i = 0; i < 300000; i++)
		strbuf_addch(&sheet, (char)('a' + i % 26));
	strbuf_addstr(&sheet, "</t></is></c></row></sheetData></worksheet>");
	strbuf_reset(&out);
	assert_int_equal(mem_both("t.xlsx", "S", sst, styles, sheet.buf, sheet.len, 0, &out), 1);
	assert_int_equal(out.len, strlen("1:") + 300000 + strlen("\nrc 0\n"));
	strbuf_release(&sheet);
	strbuf_release(&out);
}

static int keep_odd(const char *text, size_t len, int line, void *arg)
{
	(void)len, (void)line;
	++*(int *)arg;
	return (text[len - 1] - '0') % 2;
}

/* A skimming second pass: rows whose cell the test rejects are skipped
 * unread by the loader, the rest come out; no SHA-256 is computed. */
static void test_skim(void **state)
{
	const char *s1 = SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>readme</t></is></c></row>");
	const char *s2 = SHEET("<row r=\"1\"><c r=\"A1\"><v>x</v></c><c r=\"B1\"><v>11</v></c></row>"
			       "<row r=\"2\"><c r=\"B2\"><v>12</v></c></row>"
			       "<row r=\"3\"><c r=\"A3\"><v>3</v></c></row>"
			       "<row r=\"4\"><c r=\"B4\"><v>13</v></c></row>");
	const char *path = write_xlsx("skim.xlsx", book_two_sheets, rels_two_sheets, sst, styles, s1, s2);
	struct diag d;
	struct csv_row row;
	struct xlsxread *x;
	int calls = 0;
	(void)state;
	diag_init(&d);
	x = xlsxread_open(path, "skim.xlsx", "2", &d);
	assert_non_null(x);
	xlsxread_skim(x, 1, keep_odd, &calls);
	/* row 1: B1 = 11 kept; row 2: 12 skipped; row 3: no B cell, kept;
	 * row 4: 13 kept */
	assert_int_equal(xlsxread_next(x, &row, &d), 1);
	assert_int_equal(row.row_line, 1);
	assert_int_equal(xlsxread_next(x, &row, &d), 1);
	assert_int_equal(row.row_line, 3);
	assert_int_equal(xlsxread_next(x, &row, &d), 1);
	assert_int_equal(row.row_line, 4);
	assert_int_equal(xlsxread_next(x, &row, &d), 0);
	assert_int_equal(calls, 3);
	assert_string_equal(xlsxread_sha256(x), "");
	xlsxread_free(x);
	diag_release(&d);
}

/*
 * The sample company's exports as the e2e tests write them
 * (tests/xlsx_samples.py, openpyxl): every sheet of every workbook read
 * by both readers gives the same transcript, and the fast scanner reads
 * all of its rows.
 */
static void test_sample_workbooks(void **state)
{
	static const char *books[] = { "hr", "sales", "targets", "metrics", "reviews", "training" };
	const char *src = getenv("MERIT_SRCDIR"), *py = getenv("PYTHON");
	char *cmd;
	size_t i;
	int rc;
	(void)state;
	if (!py || !*py)
		py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
	if (!src || !*src)
		src = ".";
	cmd = xstrfmt("%s %s/tests/xlsx_samples.py %s/samples %s/samples >/dev/null", py, src, src,
		      tmpdir);
	rc = system(cmd);
	free(cmd);
	assert_true(rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
	for (i = 0; i < sizeof(books) / sizeof(books[0]); i++) {
		const char *sheets[] = { "1", "2" };
		size_t k;
		for (k = 0; k < (i == 0 ? 2u : 1u); k++) {
			char *path = xstrfmt("%s/samples/%s.xlsx", tmpdir, books[i]);
			struct strbuf fast = STRBUF_INIT, expat = STRBUF_INIT;
			struct diag d;
			struct xlsxread *x;
			struct csv_row row;
			size_t nfast, n = 0;
			diag_init(&d);
			x = xlsxread_open(path, "b.xlsx", sheets[k], &d);
			assert_non_null(x);
			while (xlsxread_next(x, &row, &d) > 0)
				n++;
			xlsxread_free(x);
			diag_release(&d);
			diag_init(&d);
			x = xlsxread_open(path, "b.xlsx", sheets[k], &d);
			assert_non_null(x);
			nfast = transcript(x, 1, &d, &fast);
			diag_release(&d);
			diag_init(&d);
			x = xlsxread_open(path, "b.xlsx", sheets[k], &d);
			assert_non_null(x);
			assert_int_equal(transcript(x, 0, &d, &expat), 0);
			diag_release(&d);
			assert_string_equal(fast.buf, expat.buf);
			/* every row came from the scanner (which also counts
			 * rows with no value) */
			assert_true(n >= 1);
			assert_true(nfast >= n);
			assert_non_null(strstr(fast.buf, "rc 0\n"));
			strbuf_release(&fast);
			strbuf_release(&expat);
			free(path);
		}
	}
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
		cmocka_unit_test(test_fast_and_expat_agree),
		cmocka_unit_test(test_skim),
		cmocka_unit_test(test_sample_workbooks),
	};
	return cmocka_run_group_tests(tests, fixture_tmp_setup, fixture_tmp_teardown);
}
