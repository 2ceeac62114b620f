/*
 * Unit tests of src/ingest/csvread and encoding: what real exports throw at
 * the reader (BOM, CRLF, quoted commas, quotes and line breaks, GB18030,
 * stray quotes) and the line numbers every message depends on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/csvread.h"
#include "ingest/encoding.h"
#include "util/diag.h"
#include "util/strbuf.h"

static char tmpdir[] = "/tmp/merit-test-csv-XXXXXX";

static const char *write_tmp(const char *name, const char *data, size_t len)
{
	static char path[256];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

#define WRITE(name, lit) write_tmp(name, lit, sizeof(lit) - 1)

static char *diag_text(const struct diag *d)
{
	struct strbuf sb = STRBUF_INIT;
	diag_format(d, &sb, DIAG_NOTE);
	return strbuf_detach(&sb, NULL);
}

static void test_bom_crlf_quotes_lines(void **state)
{
	const char *p = WRITE("a.csv", "\xEF\xBB\xBFid,note,amount\r\n"
				       "1,\"a, b\",10\r\n"
				       "\r\n"
				       "2,\"say \"\"hi\"\"\",20\r\n"
				       "3,\"multi\r\nline\",30\r\n"
				       " 4 ,x,40");
	struct diag d;
	struct csv_row row;
	struct csvread *r;
	(void)state;
	diag_init(&d);
	r = csvread_open(p, "a.csv", ENC_AUTO, ',', &d);
	assert_non_null(r);
	assert_int_equal(csvread_next(r, &row, &d), 1);
	assert_int_equal(row.n, 3);
	assert_string_equal(row.cell[0], "id");      /* BOM gone */
	assert_string_equal(row.cell[2], "amount");  /* CR gone */
	assert_int_equal(csvread_next(r, &row, &d), 1);
	assert_string_equal(row.cell[1], "a, b");
	assert_int_equal(row.row_line, 2);
	/* The blank line 3 is skipped, but still counted. */
	assert_int_equal(csvread_next(r, &row, &d), 1);
	assert_string_equal(row.cell[1], "say \"hi\"");
	assert_int_equal(row.row_line, 4);
	assert_int_equal(csvread_next(r, &row, &d), 1);
	assert_string_equal(row.cell[1], "multi\r\nline");
	assert_int_equal(row.row_line, 5);
	assert_int_equal(row.line[1], 5);
	assert_int_equal(row.line[2], 6);            /* after the embedded line break */
	assert_string_equal(row.cell[2], "30");
	assert_int_equal(csvread_next(r, &row, &d), 1);  /* no final line feed */
	assert_string_equal(row.cell[0], "4");
	assert_int_equal(row.row_line, 7);
	assert_int_equal(csvread_next(r, &row, &d), 0);
	assert_string_equal(csvread_encoding(r), "utf-8");
	assert_int_equal(strlen(csvread_sha256(r)), 64);
	assert_int_equal(d.nr, 0);
	csvread_free(r);
	diag_release(&d);
}

static void test_unterminated_quote(void **state)
{
	const char *p = WRITE("q.csv", "a,b\n1,2\n3,\"open\n4,5\n6,7\n");
	struct diag d;
	struct csv_row row;
	struct csvread *r;
	char *text;
	(void)state;
	diag_init(&d);
	r = csvread_open(p, "q.csv", ENC_AUTO, ',', &d);
	assert_int_equal(csvread_next(r, &row, &d), 1);
	assert_int_equal(csvread_next(r, &row, &d), 1);
	assert_int_equal(csvread_next(r, &row, &d), -1);
	assert_int_equal(d.status, MERIT_DATAERR);
	text = diag_text(&d);
	/* Where the quoted cell began, not where the file ended. */
	assert_non_null(strstr(text, "q.csv:3:2: error: quoted cell is never closed"));
	free(text);
	csvread_free(r);
	diag_release(&d);
}

static void test_gb18030_auto(void **state)
{
	/* "工号,姓名\nE1,王建国\n" as Excel in China saves it. */
	const char *p = WRITE("g.csv", "\xB9\xA4\xBA\xC5,\xD0\xD5\xC3\xFB\nE1,\xCD\xF5\xBD\xA8\xB9\xFA\n");
	struct diag d;
	struct csv_row row;
	struct csvread *r;
	(void)state;
	diag_init(&d);
	r = csvread_open(p, "g.csv", ENC_AUTO, ',', &d);
	assert_int_equal(csvread_next(r, &row, &d), 1);
	assert_string_equal(row.cell[0], "工号");
	assert_string_equal(row.cell[1], "姓名");
	assert_int_equal(csvread_next(r, &row, &d), 1);
	assert_string_equal(row.cell[1], "王建国");
	assert_int_equal(csvread_next(r, &row, &d), 0);
	assert_string_equal(csvread_encoding(r), "gb18030");
	csvread_free(r);
	diag_release(&d);
}

static void test_utf8_explicit_rejects_gbk(void **state)
{
	const char *p = WRITE("u.csv", "id,name\nE1,\xCD\xF5\xBD\xA8\n");
	struct diag d;
	struct csv_row row;
	struct csvread *r;
	char *text;
	(void)state;
	diag_init(&d);
	r = csvread_open(p, "u.csv", ENC_UTF8, ',', &d);
	assert_int_equal(csvread_next(r, &row, &d), -1);
	text = diag_text(&d);
	assert_non_null(strstr(text, "u.csv:2:4: error: byte 0xCD is not valid UTF-8"));
	assert_non_null(strstr(text, "encoding = gb18030"));
	free(text);
	csvread_free(r);
	diag_release(&d);
}

static void test_utf8_auto_then_bad_byte(void **state)
{
	/* Decided UTF-8 on line 2; a stray byte on line 3 is an error, not a switch. */
	const char *p = WRITE("m.csv", "id,name\nE1,王\nE2,\xFF\n");
	struct diag d;
	struct csv_row row;
	struct csvread *r;
	char *text;
	(void)state;
	diag_init(&d);
	r = csvread_open(p, "m.csv", ENC_AUTO, ',', &d);
	while (csvread_next(r, &row, &d) > 0)
		;
	text = diag_text(&d);
	assert_non_null(strstr(text, "m.csv:3:4: error: byte 0xFF is not valid UTF-8"));
	free(text);
	csvread_free(r);
	diag_release(&d);
}

static void test_tab_delimiter_and_missing_file(void **state)
{
	const char *p = WRITE("t.tsv", "a\tb\n x y \t2\n");
	struct diag d;
	struct csv_row row;
	struct csvread *r;
	(void)state;
	diag_init(&d);
	r = csvread_open(p, "t.tsv", ENC_AUTO, '\t', &d);
	assert_int_equal(csvread_next(r, &row, &d), 1);
	assert_int_equal(csvread_next(r, &row, &d), 1);
	assert_string_equal(row.cell[0], "x y");
	csvread_free(r);
	assert_null(csvread_open("/nonexistent/merit.csv", "nope.csv", ENC_AUTO, ',', &d));
	assert_int_equal(d.status, MERIT_NOINPUT);
	diag_release(&d);
}

/* Excel writes a stray quote in an unquoted cell as is: keep it as text. */
static void test_stray_quote_kept(void **state)
{
	const char *p = WRITE("s.csv", "item,n\n27\" screen,2\n");
	struct diag d;
	struct csv_row row;
	struct csvread *r;
	(void)state;
	diag_init(&d);
	r = csvread_open(p, "s.csv", ENC_AUTO, ',', &d);
	assert_int_equal(csvread_next(r, &row, &d), 1);
	assert_int_equal(csvread_next(r, &row, &d), 1);
	assert_string_equal(row.cell[0], "27\" screen");
	assert_string_equal(row.cell[1], "2");
	assert_int_equal(csvread_next(r, &row, &d), 0);
	csvread_free(r);
	diag_release(&d);
}

static void test_utf8_validator(void **state)
{
	(void)state;
	assert_int_equal(utf8_invalid_at("abc", 3), 3);
	assert_int_equal(utf8_invalid_at("a\xC0\x80", 3), 1);        /* overlong */
	assert_int_equal(utf8_invalid_at("\xED\xA0\x80", 3), 0);     /* surrogate */
	assert_int_equal(utf8_invalid_at("ab\xE7\x8E", 4), 2);       /* truncated */
	assert_int_equal(utf8_invalid_at("\xF0\x9F\x98\x80xyz", 7), 7);
	assert_int_equal(utf8_invalid_at("0123456789abcdef\x80", 17), 16);
}

/* Line numbers stay right across read blocks (256 KiB) and a long quoted cell. */
static void test_big_file_lines(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct diag d;
	struct csv_row row;
	struct csvread *r;
	const char *p;
	int i, n = 0, last = 0;
	(void)state;
	strbuf_addstr(&sb, "id,text\n");
	for (i = 0; i < 20000; i++)
		strbuf_addf(&sb, "%d,\"row %d, ok\"\n", i, i);
	strbuf_addstr(&sb, "big,\"");
	for (i = 0; i < 100000; i++)
		strbuf_addstr(&sb, "xxxxxxx\n");
	strbuf_addstr(&sb, "\"\nend,1\n");
	p = write_tmp("big.csv", sb.buf, sb.len);
	diag_init(&d);
	r = csvread_open(p, "big.csv", ENC_AUTO, ',', &d);
	assert_int_equal(csvread_next(r, &row, &d), 1);
	while (csvread_next(r, &row, &d) > 0) {
		n++;
		last = row.row_line;
		if (n == 15000)
			assert_string_equal(row.cell[1], "row 14999, ok");
	}
	assert_int_equal(n, 20002);
	assert_int_equal(last, 1 + 20000 + 100001 + 1);
	assert_int_equal(d.nr, 0);
	csvread_free(r);
	diag_release(&d);
	strbuf_release(&sb);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	struct strbuf cmd = STRBUF_INIT;
	int rc;
	(void)state;
	strbuf_addf(&cmd, "rm -rf '%s'", tmpdir);
	rc = system(cmd.buf);
	strbuf_release(&cmd);
	return rc;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bom_crlf_quotes_lines),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_gb18030_auto),
		cmocka_unit_test(test_utf8_explicit_rejects_gbk),
		cmocka_unit_test(test_utf8_auto_then_bad_byte),
		cmocka_unit_test(test_tab_delimiter_and_missing_file),
		cmocka_unit_test(test_stray_quote_kept),
		cmocka_unit_test(test_utf8_validator),
		cmocka_unit_test(test_big_file_lines),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
