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
#include "../support/fixture.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/utf8.h"

#define WRITE(name, lit) fixture_tmp_file(name, lit, sizeof(lit) - 1)

/* A reader on one file with its diag and current row; reader_close() frees
 * both. The reader is NULL when the file would not open. */
struct reader {
	struct diag d;
	struct csv_row row;
	struct csvread *r;
};

static void reader_open(struct reader *rd, const char *path, const char *display,
			enum encoding enc, char delim)
{
	diag_init(&rd->d);
	rd->r = csvread_open(path, display, enc, delim, &rd->d);
}

/* csvread_next() into rd->row: 1 a row, 0 the end, -1 an error. */
static int next_row(struct reader *rd)
{
	return csvread_next(rd->r, &rd->row, &rd->d);
}

static void reader_close(struct reader *rd)
{
	csvread_free(rd->r);
	diag_release(&rd->d);
}

static void test_bom_crlf_quotes_lines(void **state)
{
	const char *p = WRITE("a.csv", "\xEF\xBB\xBFid,note,amount\r\n"
				       "1,\"a, b\",10\r\n"
				       "\r\n"
				       "2,\"say \"\"hi\"\"\",20\r\n"
				       "3,\"multi\r\nline\",30\r\n"
				       " 4 ,x,40");
	struct reader rd;
	(void)state;
	reader_open(&rd, p, "a.csv", ENC_AUTO, ',');
	assert_non_null(rd.r);
	assert_int_equal(next_row(&rd), 1);
	assert_int_equal(rd.row.n, 3);
	assert_string_equal(rd.row.cell[0], "id");      /* BOM gone */
	assert_string_equal(rd.row.cell[2], "amount");  /* CR gone */
	assert_int_equal(next_row(&rd), 1);
	assert_string_equal(rd.row.cell[1], "a, b");
	assert_int_equal(rd.row.row_line, 2);
	/* The blank line 3 is skipped, but still counted. */
	assert_int_equal(next_row(&rd), 1);
	assert_string_equal(rd.row.cell[1], "say \"hi\"");
	assert_int_equal(rd.row.row_line, 4);
	assert_int_equal(next_row(&rd), 1);
	assert_string_equal(rd.row.cell[1], "multi\r\nline");
	assert_int_equal(rd.row.row_line, 5);
	assert_int_equal(rd.row.line[1], 5);
	assert_int_equal(rd.row.line[2], 6);            /* after the embedded line break */
	assert_string_equal(rd.row.cell[2], "30");
	assert_int_equal(next_row(&rd), 1);  /* no final line feed */
	assert_string_equal(rd.row.cell[0], "4");
	assert_int_equal(rd.row.row_line, 7);
	assert_int_equal(next_row(&rd), 0);
	assert_string_equal(csvread_encoding(rd.r), "utf-8");
	assert_int_equal(strlen(csvread_sha256(rd.r)), 64);
	assert_int_equal(rd.d.nr, 0);
	reader_close(&rd);
}

/* csvread_peek_cell() on rows that csvread_next() returns one by one. */
static int peek(const struct reader *rd, size_t col, char *out, size_t size)
{
	const char *t;
	size_t len;
	if (!csvread_peek_cell(rd->r, col, &t, &len))
		return 0;
	snprintf(out, size, "%.*s", (int)len, t);
	return 1;
}

/*
 * The next row's cell as its raw bytes: untrimmed, still quoted, cut at a
 * CR; nothing when the next line has no such cell, when its line feed is
 * not in the first CSVREAD_PEEK_SCAN bytes or when no line is left; and reading
 * the rows is not disturbed by peeking.
 */
static void test_peek_cell(void **state)
{
	char longline[301], text[512], got[400];
	const char *p;
	struct reader rd;
	(void)state;
	memset(longline, 'x', 300);
	longline[300] = '\0';
	snprintf(text, sizeof(text), "id,owner,amount\n1,E001,10\n2, E002 ,20\n"
		 "3,\"E003\",30\r\n4\n5,E005\r\n6,%s,E006\n7,E007", longline);
	p = fixture_tmp_file("peek.csv", text, strlen(text));
	reader_open(&rd, p, "peek.csv", ENC_UTF8, ',');
	assert_non_null(rd.r);
	assert_int_equal(next_row(&rd), 1);                       /* the header */
	assert_int_equal(peek(&rd, 1, got, sizeof(got)), 1);
	assert_string_equal(got, "E001");
	assert_int_equal(peek(&rd, 2, got, sizeof(got)), 1);      /* the last cell: to the LF */
	assert_string_equal(got, "10");
	assert_int_equal(next_row(&rd), 1);
	assert_string_equal(rd.row.cell[1], "E001");
	assert_int_equal(peek(&rd, 1, got, sizeof(got)), 1);
	assert_string_equal(got, " E002 ");                       /* not trimmed */
	assert_int_equal(peek(&rd, 0, got, sizeof(got)), 1);
	assert_string_equal(got, "2");
	assert_int_equal(peek(&rd, 3, got, sizeof(got)), 0);      /* 3 cells only */
	assert_int_equal(next_row(&rd), 1);
	assert_string_equal(rd.row.cell[1], "E002");
	assert_int_equal(peek(&rd, 1, got, sizeof(got)), 1);
	assert_string_equal(got, "\"E003\"");                     /* not unquoted */
	assert_int_equal(next_row(&rd), 1);
	assert_string_equal(rd.row.cell[1], "E003");
	assert_int_equal(peek(&rd, 1, got, sizeof(got)), 0);      /* "4": no cell 1 */
	assert_int_equal(peek(&rd, 0, got, sizeof(got)), 1);
	assert_string_equal(got, "4");
	assert_int_equal(next_row(&rd), 1);
	assert_int_equal(peek(&rd, 1, got, sizeof(got)), 1);
	assert_string_equal(got, "E005");                         /* cut at the CR */
	assert_int_equal(next_row(&rd), 1);
	assert_string_equal(rd.row.cell[1], "E005");
	/* the line (306 bytes) ends past the 256 bytes looked at: not even
	 * its first cell */
	assert_int_equal(peek(&rd, 1, got, sizeof(got)), 0);
	assert_int_equal(peek(&rd, 0, got, sizeof(got)), 0);
	assert_int_equal(next_row(&rd), 1);
	assert_string_equal(rd.row.cell[1], longline);
	assert_string_equal(rd.row.cell[2], "E006");
	/* the last line has no line feed: its cells do not end in view */
	assert_int_equal(peek(&rd, 1, got, sizeof(got)), 0);
	assert_int_equal(next_row(&rd), 1);
	assert_string_equal(rd.row.cell[1], "E007");
	assert_int_equal(peek(&rd, 0, got, sizeof(got)), 0);      /* nothing left */
	assert_int_equal(next_row(&rd), 0);
	assert_int_equal(rd.d.nr, 0);
	reader_close(&rd);
}

static void test_unterminated_quote(void **state)
{
	const char *p = WRITE("q.csv", "a,b\n1,2\n3,\"open\n4,5\n6,7\n");
	struct reader rd;
	(void)state;
	reader_open(&rd, p, "q.csv", ENC_AUTO, ',');
	assert_int_equal(next_row(&rd), 1);
	assert_int_equal(next_row(&rd), 1);
	assert_int_equal(next_row(&rd), -1);
	assert_int_equal(rd.d.status, MERIT_DATAERR);
	/* Where the quoted cell began, not where the file ended. */
	fixture_assert_diag_says(&rd.d, "q.csv:3:2: error: quoted cell is never closed");
	reader_close(&rd);
}

static void test_gb18030_auto(void **state)
{
	/* "工号,姓名\nE1,王建国\n" as Excel in China saves it. */
	const char *p = WRITE("g.csv", "\xB9\xA4\xBA\xC5,\xD0\xD5\xC3\xFB\nE1,\xCD\xF5\xBD\xA8\xB9\xFA\n");
	struct reader rd;
	(void)state;
	reader_open(&rd, p, "g.csv", ENC_AUTO, ',');
	assert_int_equal(next_row(&rd), 1);
	assert_string_equal(rd.row.cell[0], "工号");
	assert_string_equal(rd.row.cell[1], "姓名");
	assert_int_equal(next_row(&rd), 1);
	assert_string_equal(rd.row.cell[1], "王建国");
	assert_int_equal(next_row(&rd), 0);
	assert_string_equal(csvread_encoding(rd.r), "gb18030");
	reader_close(&rd);
}

static void test_utf8_explicit_rejects_gbk(void **state)
{
	const char *p = WRITE("u.csv", "id,name\nE1,\xCD\xF5\xBD\xA8\n");
	struct reader rd;
	(void)state;
	reader_open(&rd, p, "u.csv", ENC_UTF8, ',');
	assert_int_equal(next_row(&rd), -1);
	fixture_assert_diag_says(&rd.d, "u.csv:2:4: error: byte 0xCD is not valid UTF-8");
	fixture_assert_diag_says(&rd.d, "encoding = gb18030");
	reader_close(&rd);
}

static void test_utf8_auto_then_bad_byte(void **state)
{
	/* Decided UTF-8 on line 2; a stray byte on line 3 is an error, not a switch. */
	const char *p = WRITE("m.csv", "id,name\nE1,王\nE2,\xFF\n");
	struct reader rd;
	(void)state;
	reader_open(&rd, p, "m.csv", ENC_AUTO, ',');
	while (next_row(&rd) > 0)
		;
	fixture_assert_diag_says(&rd.d, "m.csv:3:4: error: byte 0xFF is not valid UTF-8");
	reader_close(&rd);
}

static void test_tab_delimiter_and_missing_file(void **state)
{
	const char *p = WRITE("t.tsv", "a\tb\n x y \t2\n");
	struct reader rd;
	(void)state;
	reader_open(&rd, p, "t.tsv", ENC_AUTO, '\t');
	assert_int_equal(next_row(&rd), 1);
	assert_int_equal(next_row(&rd), 1);
	assert_string_equal(rd.row.cell[0], "x y");
	reader_close(&rd);
	reader_open(&rd, "/nonexistent/merit.csv", "nope.csv", ENC_AUTO, ',');
	assert_null(rd.r);
	assert_int_equal(rd.d.status, MERIT_NOINPUT);
	reader_close(&rd);
}

/* Excel writes a stray quote in an unquoted cell as is: keep it as text. */
static void test_stray_quote_kept(void **state)
{
	const char *p = WRITE("s.csv", "item,n\n27\" screen,2\n");
	struct reader rd;
	(void)state;
	reader_open(&rd, p, "s.csv", ENC_AUTO, ',');
	assert_int_equal(next_row(&rd), 1);
	assert_int_equal(next_row(&rd), 1);
	assert_string_equal(rd.row.cell[0], "27\" screen");
	assert_string_equal(rd.row.cell[1], "2");
	assert_int_equal(next_row(&rd), 0);
	reader_close(&rd);
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
	struct reader rd;
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
	p = fixture_tmp_file("big.csv", sb.buf, sb.len);
	reader_open(&rd, p, "big.csv", ENC_AUTO, ',');
	assert_int_equal(next_row(&rd), 1);
	while (next_row(&rd) > 0) {
		n++;
		last = rd.row.row_line;
		if (n == 15000)
			assert_string_equal(rd.row.cell[1], "row 14999, ok");
	}
	assert_int_equal(n, 20002);
	assert_int_equal(last, 1 + 20000 + 100001 + 1);
	assert_int_equal(rd.d.nr, 0);
	reader_close(&rd);
	strbuf_release(&sb);
}

/* Skim test: rows read, flattened ("line:cell|line:cell|...") for comparison. */
static void flatten(struct strbuf *sb, const struct csv_row *row)
{
	size_t i;
	for (i = 0; i < row->n; i++)
		strbuf_addf(sb, "%d:%s|", row->line[i], row->cell[i]);
}

/* keep(): rows whose cell starts with 'y' are wanted; notes the others. */
static int keep_y(const char *text, size_t len, int line, void *skipped)
{
	if (len && text[0] == 'y')
		return 1;
	if (len) {
		strbuf_addf(skipped, "%d:", line);
		strbuf_add(skipped, text, len);
		strbuf_addch(skipped, '\n');
	}
	return 0;
}

struct reading {
	int rc;
	char *error;
	struct strlist rows;     /* flattened rows delivered */
	struct strlist cells;    /* "line:cell" of cell col, per row delivered */
	struct strbuf skipped;   /* "line:cell\n" of rows skimmed past */
};

/* skim: 1 skims at col; 2 reads every line through libcsv (no shortcut). */
static void read_all(struct reading *out, const char *path, char delim, size_t col, int skim)
{
	struct reader rd;
	memset(out, 0, sizeof(*out));
	strbuf_init(&out->skipped, 64);
	reader_open(&rd, path, "r.csv", ENC_AUTO, delim);
	assert_non_null(rd.r);
	if (skim == 2)
		csvread_all_libcsv(rd.r);
	out->rc = next_row(&rd);   /* the header */
	if (skim == 1)
		csvread_skim(rd.r, col, keep_y, &out->skipped);
	while (out->rc > 0 && (out->rc = next_row(&rd)) > 0) {
		struct strbuf sb = STRBUF_INIT;
		const struct csv_row *row = &rd.row;
		flatten(&sb, row);
		strlist_push(&out->rows, sb.buf);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%d:%s", row->row_line, col < row->n ? row->cell[col] : "");
		strlist_push(&out->cells, sb.buf);
		strbuf_release(&sb);
	}
	out->error = fixture_diag_text(&rd.d);
	reader_close(&rd);
}

static void reading_release(struct reading *rd)
{
	strlist_release(&rd->rows);
	strlist_release(&rd->cells);
	strbuf_release(&rd->skipped);
	free(rd->error);
}

static unsigned rnd(unsigned long *seed, unsigned n)
{
	*seed = *seed * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)(*seed >> 33) % n;
}

/*
 * csvread_skim against a plain read, on random files made of the cells
 * real exports and broken ones hold (quoted delimiters and line ends,
 * doubled quotes, stray quotes, "ab"c, blanks, NUL bytes, bare CRs, a quote
 * never closed) and on random byte soup: the skimming reader must return
 * exactly the plain reader's rows (cells, line numbers, error) for every
 * wanted row, and may only skip rows whose cell it showed to keep() with
 * the very text and line the plain reader gives. That checks csvline's
 * shortcut against libcsv itself.
 */
static void test_skim_matches_plain_read(void **state)
{
#define CELL(lit) { lit, sizeof(lit) - 1 }
	static const struct { const char *s; size_t n; } cells[] = {
		CELL("x"), CELL("y1"), CELL(" y2 "), CELL(""), CELL("\"q,1\""), CELL("\"a\"\"b\""),
		CELL("\"m\nl\""), CELL("\"y\r\nl\""), CELL("5\" in"), CELL("\"ab\"c"),
		CELL("\"ab\" \"c"), CELL("\"ab\"  "), CELL("  \"y3\""), CELL("\t y4\t"),
		CELL("\xC3\xA9"), CELL("y\0z"), CELL("x\0y "), CELL(" \0y"), CELL("\"open"),
		CELL("x\ry"), CELL("\"y5\"x,"), CELL(" "), CELL("\"\""), CELL("\"ab\" \""),
		CELL("\"y6\" \" "),
	};
#undef CELL
	static const char soup[] = " \t,\"\r\nxy";
	static const char *const ends[] = { "\r\n", "\n", "\r\n", "\n", "\r" };
	unsigned long seed = 42;
	int iter, skipped_any = 0;
	(void)state;
	for (iter = 0; iter < 3000; iter++) {
		struct strbuf sb = STRBUF_INIT;
		struct reading plain, fast;
		char delim = rnd(&seed, 4) ? ',' : '\t';
		size_t col = rnd(&seed, 3), a, b = 0, k;
		int lines = 1 + (int)rnd(&seed, 12), i;
		const char *path, *sk;
		strbuf_addstr(&sb, "h0,h1,h2\n");
		for (i = 0; i < lines; i++) {
			int ncells = (int)rnd(&seed, 5), c;
			for (c = 0; c < ncells; c++) {
				if (c)
					strbuf_addch(&sb, delim);
				if (iter % 2) {
					unsigned idx = rnd(&seed, sizeof(cells) / sizeof(cells[0]));
					strbuf_add(&sb, cells[idx].s, cells[idx].n);
				} else {
					int m = (int)rnd(&seed, 5);
					while (m--)
						strbuf_addch(&sb, soup[rnd(&seed, sizeof(soup) - 1)]);
				}
			}
			if (i + 1 < lines || rnd(&seed, 4))
				strbuf_addstr(&sb, ends[rnd(&seed, 5)]);
		}
		path = fixture_tmp_file("skim.csv", sb.buf, sb.len);
		read_all(&plain, path, delim, col, 0);
		/* The one-line shortcut of a plain read is libcsv exactly. */
		read_all(&fast, path, delim, col, 2);
		assert_int_equal(fast.rc, plain.rc);
		assert_string_equal(fast.error, plain.error);
		assert_int_equal(fast.rows.nr, plain.rows.nr);
		for (a = 0; a < plain.rows.nr; a++) {
			assert_string_equal(fast.rows.items[a], plain.rows.items[a]);
			assert_string_equal(fast.cells.items[a], plain.cells.items[a]);
		}
		reading_release(&fast);
		read_all(&fast, path, delim, col, 1);
		assert_int_equal(fast.rc, plain.rc);
		assert_string_equal(fast.error, plain.error);
		sk = fast.skipped.buf;
		for (a = 0; a < plain.rows.nr; a++) {
			const char *cell = strchr(plain.cells.items[a], ':') + 1;
			if (b < fast.rows.nr && !strcmp(fast.rows.items[b], plain.rows.items[a])) {
				b++;
				continue;
			}
			/* Skipped: never a wanted row; its cell was shown as is. */
			assert_false(cell[0] == 'y');
			if (!*cell)
				continue;
			k = strlen(plain.cells.items[a]);
			assert_memory_equal(sk, plain.cells.items[a], k);
			assert_int_equal(sk[k], '\n');
			sk += k + 1;
			skipped_any = 1;
		}
		assert_int_equal(b, fast.rows.nr);
		assert_int_equal(*sk, '\0');
		reading_release(&plain);
		reading_release(&fast);
		strbuf_release(&sb);
	}
	assert_true(skipped_any);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bom_crlf_quotes_lines),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_peek_cell),
		cmocka_unit_test(test_gb18030_auto),
		cmocka_unit_test(test_utf8_explicit_rejects_gbk),
		cmocka_unit_test(test_utf8_auto_then_bad_byte),
		cmocka_unit_test(test_tab_delimiter_and_missing_file),
		cmocka_unit_test(test_stray_quote_kept),
		cmocka_unit_test(test_utf8_validator),
		cmocka_unit_test(test_big_file_lines),
		cmocka_unit_test(test_skim_matches_plain_read),
	};
	return cmocka_run_group_tests(tests, fixture_tmp_setup, fixture_tmp_teardown);
}
