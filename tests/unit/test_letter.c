/*
 * Unit tests of the review letters (src/render/letter*.c, template.c,
 * font_subset.c). A small config and company are built by hand (with
 * tests/support/letter_fixture.c, shared with tools/bench_letters.c): a Chinese
 * and an English employee, one with 12 KPIs, a very long name, a dropped
 * KPI, 360 reviews, training, next-period targets and a warning (two
 * pages), one whose name has a character the font lacks, and one letter
 * with a password. The PDFs are checked with poppler and qpdf the way a
 * reader would see them: text, embedded font, page count, a non-blank
 * rendered page, byte-identical re-runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <hpdf_utils.h>
#include <math.h>
#include <zlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compute/targets.h"
#include "config.h"
#include "model.h"
#include "render/letter.h"
#include "render/letter_internal.h"   /* FS_BODY: the one-page promise is at >= 9 pt */
#include "render/render.h"
#include "render/template.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/period.h"
#include "util/strbuf.h"
#include "../support/letter_fixture.h"

#define S(x) ((char *)(x))

/* ---- wrapping ---- */

/* Latin letters are half an em, everything else a full em. */
static int fake_width(void *ctx, uint32_t cp)
{
	(void)ctx;
	return cp < 0x80 ? 500 : 1000;
}

static char *line_str(const char *text, const struct wrap_lines *l, size_t i)
{
	return xstrndup(text + l->v[i].off, l->v[i].len);
}

static void expect_lines(const char *text, long max, const char *const *want, size_t n)
{
	struct wrap_lines l = { 0 };
	size_t i, got = letter_wrap(text, strlen(text), max, fake_width, NULL, &l);
	if (got != n) {
		for (i = 0; i < got; i++)
			fprintf(stderr, "line %zu: '%.*s'\n", i, (int)l.v[i].len, text + l.v[i].off);
	}
	assert_int_equal(got, n);
	for (i = 0; i < n; i++) {
		char *s = line_str(text, &l, i);
		assert_string_equal(s, want[i]);
		assert_true(l.v[i].width <= max || l.v[i].len <= 4);
		free(s);
	}
	wrap_lines_release(&l);
}

static void test_wrap_latin(void **state)
{
	static const char *const want[] = { "the quick", "brown fox", "jumps" };
	(void)state;
	/* 10 half-em letters per 5 em line */
	expect_lines("the quick brown fox jumps", 5000, want, 3);
}

static void test_wrap_cjk_kinsoku(void **state)
{
	/* Five characters fit; "，" may not start line 2, so "五" moves down with it. */
	static const char *const want[] = { "一二三四", "五，六七八", "九。" };
	static const char *const want2[] = { "你好，世界", "你好。再见" };
	(void)state;
	expect_lines("一二三四五，六七八九。", 5000, want, 3);
	expect_lines("你好，世界你好。再见", 5000, want2, 2);
}

static void test_wrap_mixed_long_and_newlines(void **state)
{
	static const char *const want[] = { "aaaaaaaaaa", "aaaaaaaaaa", "", "b" };
	static const char *const mixed[] = { "销售额 Sales", "achievement" };
	static const char *const paren[] = { "ab", "（注）" };
	(void)state;
	expect_lines("aaaaaaaaaaaaaaaaaaaa\n\nb", 5000, want, 4);
	expect_lines("销售额 Sales achievement", 7000, mixed, 2);
	/* "（" must not end a line: it moves down with what it opens. */
	expect_lines("ab（注）", 3000, paren, 2);
}

static void test_file_name(void **state)
{
	static const struct { const char *id, *file; } cases[] = {
		{ "E001", "E001.pdf" },
		{ "../x/y", "%2E%2E%2Fx%2Fy.pdf" },
		{ ".a\tb%", "%2Ea%09b%25.pdf" },
		{ "员工.7", "员工.7.pdf" },
	};
	struct strbuf sb = STRBUF_INIT, id = STRBUF_INIT, want = STRBUF_INIT;
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strbuf_reset(&sb);
		letter_file_name(cases[i].id, &sb);
		assert_string_equal(sb.buf, cases[i].file);
	}
	/* '~' marks shortened names, so an id holding one is escaped. */
	strbuf_reset(&sb);
	letter_file_name("a~b", &sb);
	assert_string_equal(sb.buf, "a%7Eb.pdf");

	/* 117 bytes (100 + "~" + 16 hex) stay whole: 121 with ".pdf". */
	for (i = 0; i < 117; i++)
		strbuf_addch(&id, 'A');
	strbuf_reset(&sb);
	letter_file_name(id.buf, &sb);
	assert_int_equal(sb.len, 121);
	/* 118: cut to 100 bytes + "~" + sha256("A" x 118)[:16] (python3 hashlib). */
	strbuf_addch(&id, 'A');
	strbuf_reset(&sb);
	letter_file_name(id.buf, &sb);
	strbuf_add(&want, id.buf, 100);
	strbuf_addstr(&want, "~3bb810492422cc5c.pdf");
	assert_string_equal(sb.buf, want.buf);
	/* Same first 118 bytes, one more: another hash, another file. */
	strbuf_addch(&id, 'B');
	strbuf_reset(&sb);
	letter_file_name(id.buf, &sb);
	assert_string_not_equal(sb.buf, want.buf);

	/* 100 '/' escape to 300 bytes: 33 whole "%2F" (99 bytes; a 34th
	 * would pass 100), then the hash: 99 + 17 + 4 = 120 bytes. */
	strbuf_reset(&id);
	strbuf_reset(&want);
	for (i = 0; i < 100; i++)
		strbuf_addch(&id, '/');
	for (i = 0; i < 33; i++)
		strbuf_addstr(&want, "%2F");
	strbuf_addstr(&want, "~4aaecdd8a94cb7ab.pdf");
	strbuf_reset(&sb);
	letter_file_name(id.buf, &sb);
	assert_string_equal(sb.buf, want.buf);

	/* 60 x "员" (180 bytes): cut between characters, never inside one. */
	strbuf_reset(&id);
	strbuf_reset(&want);
	for (i = 0; i < 60; i++)
		strbuf_addstr(&id, "员");
	strbuf_add(&want, id.buf, 99);
	strbuf_addstr(&want, "~08adc3e35c266f4c.pdf");
	strbuf_reset(&sb);
	letter_file_name(id.buf, &sb);
	assert_string_equal(sb.buf, want.buf);
	strbuf_release(&sb);
	strbuf_release(&id);
	strbuf_release(&want);
}

/* ---- templates ---- */

static const char *const names[] = { "name", "warning", "reviews", "n", NULL };

static void test_template_render(void **state)
{
	const char *src = "Dear {{ name }},\n"
			  "{{#warning}}\n"
			  "  Warning for {{name}}!\n"
			  "{{/warning}}\n"
			  "{{^reviews}}no reviews{{/reviews}}{{#reviews}}{{n}} reviews{{/reviews}}\n"
			  "{{! dropped }}\n"
			  "end";
	struct diag d;
	struct template *t;
	struct template_vars v;
	struct strbuf out = STRBUF_INIT;
	(void)state;
	diag_init(&d);
	t = template_parse(src, strlen(src), "t.txt", 1, names, &d);
	assert_non_null(t);
	template_vars_init(&v);
	template_vars_set(&v, "name", "李娜");
	template_render(t, template_vars_lookup, &v, &out);
	assert_string_equal(out.buf, "Dear 李娜,\nno reviews\nend");
	strbuf_reset(&out);
	template_vars_set(&v, "warning", "1");
	template_vars_set(&v, "reviews", "1");
	template_vars_set(&v, "n", "3");
	template_render(t, template_vars_lookup, &v, &out);
	assert_string_equal(out.buf, "Dear 李娜,\n  Warning for 李娜!\n3 reviews\nend");
	strbuf_reset(&out);
	template_vars_set(&v, "warning", "0");     /* "0" is not set */
	template_render(t, template_vars_lookup, &v, &out);
	assert_string_equal(out.buf, "Dear 李娜,\n3 reviews\nend");
	template_vars_release(&v);
	template_free(t);
	strbuf_release(&out);
	diag_release(&d);
}

static const char *first_where(const struct diag *d)
{
	return d->nr ? d->msgs[0].where : "(no message)";
}

static void test_template_errors(void **state)
{
	static const struct {
		const char *src, *where, *text;
	} cases[] = {
		{ "a\nb {{nmae}}\n", "t.txt:2:3", "unknown placeholder '{{nmae}}'" },
		{ "x\n{{#warning}}\nno end\n", "t.txt:2:1", "section 'warning' is never closed" },
		{ "{{#warning}}{{/reviews}}", "t.txt:1:13", "closes section 'warning'" },
		{ "ok\n\n  {{name", "t.txt:3:3", "never closed with '}}'" },
		{ "{{/name}}", "t.txt:1:1", "closes no open section" },
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct diag d;
		diag_init(&d);
		assert_null(template_parse(cases[i].src, strlen(cases[i].src), "t.txt", 1, names,
					   &d));
		assert_int_equal(d.status, MERIT_CONFIG);
		assert_string_equal(first_where(&d), cases[i].where);
		assert_non_null(strstr(d.msgs[0].text, cases[i].text));
		diag_release(&d);
	}
}

static char *run(const char *cmd, int *status);

static char *tmpdir_new(const char *tag)
{
	const char *base = getenv("MERIT_TESTS_TMP");
	char *p = xstrfmt("%s/letter-%s-XXXXXX", base && *base ? base : "/tmp", tag);
	assert_non_null(mkdtemp(p));
	return p;
}

static void rmtree(const char *dir)
{
	int st;
	char *cmd = xstrfmt("rm -rf '%s'", dir), *out = run(cmd, &st);
	free(cmd);
	free(out);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_template_set(void **state)
{
	char *dir = tmpdir_new("set"), *path = xstrfmt("%s/p.ini", dir);
	struct template_set *s;
	struct template_vars v;
	struct strbuf out = STRBUF_INIT;
	struct diag d;
	(void)state;
	write_text(path, "; comment\n[labels]\nhello = Hi {{name}},\\nbye\n[kpi.x]\nstrength = ok\n");
	diag_init(&d);
	s = template_set_load(path, names, &d);
	assert_non_null(s);
	template_vars_init(&v);
	template_vars_set(&v, "name", "Li");
	template_render(template_set_get(s, "labels.hello"), template_vars_lookup, &v, &out);
	assert_string_equal(out.buf, "Hi Li,\nbye");
	assert_non_null(template_set_get(s, "kpi.x.strength"));
	assert_null(template_set_get(s, "kpi.y.strength"));
	template_set_free(s);

	write_text(path, "[a]\nk = fine\n\nj = {{oops}}\n");
	s = template_set_load(path, names, &d);
	assert_null(s);
	{
		char *want = xstrfmt("%s:4:5", path);
		assert_string_equal(first_where(&d), want);
		free(want);
	}
	template_vars_release(&v);
	strbuf_release(&out);
	diag_release(&d);
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
}

/* ---- the letters ---- */

static void company_fixture(struct company *c, const struct config *cfg)
{
	struct period p;
	struct employee *e;
	int i;
	letter_fixture_company(c, "2026-10");

	/* 0: zh, three KPIs, reviews, a bonus. */
	e = letter_fixture_employee(c, "E001", "张伟", LOCALE_ZH, 4);
	letter_fixture_kpi(e, 0, 50, 200000, 231000, NULL);
	letter_fixture_kpi(e, 1, 30, 0.30, 0.25, NULL);
	letter_fixture_kpi(e, 2, 20, 10, 12, NULL);
	e->dim_score[DIM_RESULTS] = 117.5;
	e->dim_score[DIM_EFFICIENCY] = 83.3;
	e->persp_score[PERSP_FINANCIAL] = 115.5;
	e->persp_score[PERSP_CUSTOMER] = 103.3;
	e->raw_score = 107.9;
	e->norm_score = 104.2;
	e->rating = 0;
	e->bonus = 1234567;       /* ¥12,345.67 */
	e->flags = FLAG_PROMOTE | FLAG_TOP_PERFORMER;
	e->top_streak = 3;

	/* 1: en, partial month, needs improvement. */
	e = letter_fixture_employee(c, "E002", "Emily Carter", LOCALE_EN, 3);
	letter_fixture_kpi(e, 0, 60, 300000, 180000, NULL);
	letter_fixture_kpi(e, 4, 20, 0.90, 0.93, NULL);
	letter_fixture_kpi(e, 5, 20, 15, 20, NULL);
	e->dim_score[DIM_RESULTS] = 70;
	e->dim_score[DIM_EFFICIENCY] = 75;
	e->raw_score = 71.5;
	e->norm_score = 72.25;
	e->rating = 2;
	e->bonus = 0;
	e->eligible = 0;
	e->ineligible_reason = INELIGIBLE_ZERO_POINTS;
	e->days = 16;
	e->proration = 16.0 / 31.0;

	/* 2: zh, 12 KPIs, one dropped, a very long name, warning + reviews. */
	e = letter_fixture_employee(c, "E003",
		    "欧阳娜娜·阿卜杜拉·克里斯托弗森·长名字测试员工（华东大区战略客户事业部）",
		    LOCALE_ZH, LF_NKPIS);
	for (i = 0; i < LF_NKPIS; i++) {
		int rate = letter_fixture_kpis[i].metric == LF_M_RATE;
		letter_fixture_kpi(e, i, i < 4 ? 12 : 6.5, rate ? 0.9 : 100,
				   (rate ? 0.009 : 1) * (40 + 7 * i), i == 3 ? "missing_actual" : NULL);
	}
	e->flags = FLAG_WARNING | FLAG_REWEIGHTED;
	e->bottom_streak = 2;
	e->raw_score = 61;
	e->norm_score = 60.5;
	e->rating = 2;
	e->bonus = 50000;
	e->dim_score[DIM_RESULTS] = 66;
	e->dim_score[DIM_EFFICIENCY] = 62;
	e->training_points = 2;
	e->courses_passed = 1;

	/* 3: en, a name with a character the font lacks (U+1F600). */
	e = letter_fixture_employee(c, "E004", "Smiley \xF0\x9F\x98\x80 Chen", LOCALE_EN, 1);
	letter_fixture_kpi(e, 0, 100, 1000, 1000, NULL);
	e->norm_score = 100;
	e->rating = 0;
	e->bonus = 100;

	/* 4: out of scope: no letter. */
	e = letter_fixture_employee(c, "E005", "Gone", LOCALE_EN, 0);
	e->in_scope = 0;

	/* 360 reviews of E001 and E003 (no names may appear). */
	{
		static const struct { size_t reviewer, reviewee; enum review_relation rel;
				      double score; } rv[] = {
			{ 1, 0, REL_MANAGER, 5 }, { 2, 0, REL_PEER, 4 }, { 3, 0, REL_PEER, 3 },
			{ 0, 0, REL_SELF, 4 }, { 0, 2, REL_MANAGER, 2 }, { 1, 2, REL_PEER, 3 },
		};
		for (i = 0; i < (int)(sizeof(rv) / sizeof(rv[0])); i++)
			letter_fixture_review(c, rv[i].reviewer, rv[i].reviewee, rv[i].rel,
					      rv[i].score);
	}
	letter_fixture_training(c, 2, "大客户销售技巧", date_from_ymd(2026, 10, 12), 6);
	/* Next period (2026-11): an employee row and a role row. */
	{
		struct target_row *t;
		period_parse("2026-11", 0, &p);
		ALLOC_GROW(c->targets, 2, c->targets_alloc);
		t = &c->targets[0];
		memset(t, 0, sizeof(*t));
		t->scope = 0, t->key = xstrdup("E003"), t->kpi = 0, t->period = p, t->value = 250000;
		t = &c->targets[1];
		memset(t, 0, sizeof(*t));
		t->scope = 1, t->key = xstrdup("销售"), t->kpi = 2, t->period = p, t->value = 15;
		c->ntargets = 2;
	}
	/* compute's stage: the letters show what it stored on the model */
	targets_set_next(c, cfg);
}

/* Everything left in f (which must be open), as a string of *len bytes
 * (len may be NULL). */
static char *read_all(FILE *f, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	size_t n;
	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	return strbuf_detach(&sb, len);
}

/* Runs a shell command; returns its stdout with poppler's known harmless
 * CID warning filtered out of stderr, which must otherwise be empty. */
static char *run(const char *cmd, int *status)
{
	char *full = xstrfmt("(%s) 2>/tmp/merit-letter-err.$$; rc=$?; "
			     "grep -v \"Invalid 'begincidrange'\" /tmp/merit-letter-err.$$ >&2; "
			     "rm -f /tmp/merit-letter-err.$$; exit $rc", cmd);
	FILE *p = popen(full, "r");
	char *out = read_all(p, NULL);
	*status = pclose(p);
	free(full);
	return out;
}

static char *pdf_text(const char *pdf)
{
	int st;
	char *cmd = xstrfmt("pdftotext -raw -enc UTF-8 '%s' -", pdf), *out = run(cmd, &st);
	free(cmd);
	assert_int_equal(st, 0);
	return out;
}

static int pdf_pages(const char *pdf)
{
	int st, pages = -1;
	char *cmd = xstrfmt("pdfinfo '%s'", pdf), *out = run(cmd, &st), *p;
	assert_int_equal(st, 0);
	p = strstr(out, "Pages:");
	assert_non_null(p);
	pages = (int)strtol(p + 6, NULL, 10);
	free(cmd);
	free(out);
	return pages;
}

/* Share of dark pixels on page 1 at 50 dpi, from pdftoppm's PGM. */
static double dark_share(const char *pdf, const char *dir)
{
	int st, w, h, maxv;
	char *cmd = xstrfmt("pdftoppm -r 50 -gray -f 1 -l 1 -singlefile '%s' '%s/page'", pdf, dir);
	char *out = run(cmd, &st), *pgm = xstrfmt("%s/page.pgm", dir);
	FILE *f;
	long dark = 0, i;
	assert_int_equal(st, 0);
	f = fopen(pgm, "rb");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "P5 %d %d %d", &w, &h, &maxv), 3);
	fgetc(f);
	for (i = 0; i < (long)w * h; i++)
		if (fgetc(f) < 200)
			dark++;
	fclose(f);
	unlink(pgm);
	free(cmd);
	free(out);
	free(pgm);
	return (double)dark / ((double)w * h);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = read_all(f, len);
	fclose(f);
	return data;
}

static void check_letter(const char *dir, const char *id, const char *const *want,
			 int pages)
{
	char *pdf = xstrfmt("%s/%s.pdf", dir, id), *text, *cmd, *out;
	struct stat st;
	int rc;
	size_t i;
	assert_int_equal(stat(pdf, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(st.st_size < 40 * 1024 * pages);
	text = pdf_text(pdf);
	for (i = 0; want[i]; i++) {
		if (!strstr(text, want[i]))
			fprintf(stderr, "%s lacks '%s'; text:\n%s\n", pdf, want[i], text);
		assert_non_null(strstr(text, want[i]));
	}
	cmd = xstrfmt("pdffonts '%s'", pdf);
	out = run(cmd, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "CID TrueType"));
	assert_non_null(strstr(out, "Identity-H       yes yes yes"));
	free(cmd);
	free(out);
	assert_int_equal(pdf_pages(pdf), pages);
	/* No reader complains: libharu 2.3.0's /ToUnicode made poppler warn
	 * "Invalid 'begincidrange' operator" on every letter (issue 15). */
	cmd = xstrfmt("{ pdftotext '%s' - && pdffonts '%s'; } 2>&1 >/dev/null", pdf, pdf);
	out = run(cmd, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "");
	free(cmd);
	free(out);
	cmd = xstrfmt("qpdf --check '%s' >/dev/null", pdf);
	out = run(cmd, &rc);
	assert_int_equal(rc, 0);
	free(cmd);
	free(out);
	assert_true(dark_share(pdf, dir) > 0.01);
	free(text);
	free(pdf);
}

/*
 * letter_pdf.c's HPDF_MemCpy and HPDF_MemSet stand in for libharu's
 * byte-at-a-time ones: libharu must resolve to them, and they must do what
 * libharu 2.3.0's do (from its disassembly): return the end of what was
 * written, touch nothing for a zero length, and copy an overlap forward
 * one byte at a time (memmove would give other bytes when out > in).
 */
static void test_hpdf_mem(void **state)
{
	HPDF_BYTE b[17];
	HPDF_BYTE *(*cpy)(HPDF_BYTE *, const HPDF_BYTE *, HPDF_UINT) = NULL;
	void *(*set)(void *, HPDF_BYTE, HPDF_UINT) = NULL;
	void *p;
	(void)state;
	/* The global scope's first definition, the one libharu's PLT binds to
	 * (the memcpy: ISO C has no cast from object to function pointer). */
	p = dlsym(RTLD_DEFAULT, "HPDF_MemCpy");
	memcpy(&cpy, &p, sizeof(cpy));
	assert_true(cpy == HPDF_MemCpy);
	p = dlsym(RTLD_DEFAULT, "HPDF_MemSet");
	memcpy(&set, &p, sizeof(set));
	assert_true(set == HPDF_MemSet);

	memcpy(b, "0123456789abcdef", 17);
	assert_ptr_equal(HPDF_MemCpy(b + 8, (const HPDF_BYTE *)"XYZ", 3), b + 11);
	assert_string_equal((char *)b, "01234567XYZbcdef");
	assert_ptr_equal(HPDF_MemCpy(b + 4, NULL, 0), b + 4);
	assert_string_equal((char *)b, "01234567XYZbcdef");
	/* out > in, overlapping: b[2] = b[0], b[3] = b[1], b[4] = b[2] (now 'a')...
	 * "ab" repeats: "abababab"; memmove would give "abab----". */
	memcpy(b, "ab------", 9);
	assert_ptr_equal(HPDF_MemCpy(b + 2, b, 6), b + 8);
	assert_string_equal((char *)b, "abababab");
	/* out < in, overlapping: a plain shift left, "23456767". */
	memcpy(b, "01234567", 9);
	assert_ptr_equal(HPDF_MemCpy(b, b + 2, 6), b + 6);
	assert_string_equal((char *)b, "23456767");
	/* Same place: unchanged. */
	assert_ptr_equal(HPDF_MemCpy(b, b, 8), b + 8);
	assert_string_equal((char *)b, "23456767");

	assert_ptr_equal(HPDF_MemSet(b + 1, 'z', 3), b + 4);
	assert_string_equal((char *)b, "2zzz6767");
	assert_ptr_equal(HPDF_MemSet(b + 2, 'q', 0), b + 2);
	assert_string_equal((char *)b, "2zzz6767");
}

/*
 * letter_pdf.c's HPDF_Stream_Read copies straight out of a memory stream's
 * buffer when the bytes asked for are all there. Two identical streams of
 * 16-byte buffers, read in the same chunks (within a buffer, across one,
 * empty, past the end), one through it and one through libharu's own
 * HPDF_MemStream_ReadFunc: the same status, count, bytes and read position
 * after every read. 100 bytes, 108 asked in all: the last reads hit the end.
 */
static void test_hpdf_stream_read(void **state)
{
	static const HPDF_UINT chunks[] = { 4, 4, 1, 7, 0, 16, 3, 20, 4, 4, 4, 2, 14, 4, 8, 4, 5 };
	HPDF_Doc pdf = HPDF_New(NULL, NULL);
	HPDF_Stream a, b;
	HPDF_BYTE data[100], ra[40], rb[40];
	HPDF_MemStreamAttr aa, ab;
	size_t i;
	int eof = 0;
	(void)state;
	assert_non_null(pdf);
	a = HPDF_MemStream_New(pdf->mmgr, 16);
	b = HPDF_MemStream_New(pdf->mmgr, 16);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (HPDF_BYTE)(i * 7 + 3);
	assert_int_equal(HPDF_Stream_Write(a, data, sizeof(data)), HPDF_OK);
	assert_int_equal(HPDF_Stream_Write(b, data, sizeof(data)), HPDF_OK);
	aa = a->attr;
	ab = b->attr;
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		HPDF_UINT na = chunks[i], nb = chunks[i];
		HPDF_STATUS sa, sb;
		memset(ra, 0xAA, sizeof(ra));
		memset(rb, 0xAA, sizeof(rb));
		sa = HPDF_Stream_Read(a, ra, &na);
		sb = HPDF_MemStream_ReadFunc(b, rb, &nb);
		assert_int_equal(sa, sb);
		assert_int_equal(na, nb);
		assert_memory_equal(ra, rb, sizeof(ra));
		assert_int_equal(aa->r_ptr_idx, ab->r_ptr_idx);
		assert_int_equal(aa->r_pos, ab->r_pos);
		assert_int_equal(aa->r_ptr - (HPDF_BYTE *)HPDF_List_ItemAt(aa->buf, aa->r_ptr_idx),
				 ab->r_ptr - (HPDF_BYTE *)HPDF_List_ItemAt(ab->buf, ab->r_ptr_idx));
		eof |= sa == HPDF_STREAM_EOF;
	}
	assert_true(eof);
	HPDF_Stream_Free(a);
	HPDF_Stream_Free(b);
	HPDF_Free(pdf);
}

static void test_letters(void **state)
{
	struct config cfg;
	struct company c;
	struct diag d;
	char *dir1 = tmpdir_new("a"), *dir2 = tmpdir_new("b");
	char *l1 = xstrfmt("%s/letters", dir1), *l2 = xstrfmt("%s/letters", dir2);
	static const char *const zh[] = {
		"张伟，您好", "优秀", "¥12,345.67", "销售业绩完成率", "赢单率", "新客户数",
		"示例贸易有限公司", "保密", "1 / 1", "晋升推荐", "104.20", "¥231,000.00",
		"同事", NULL
	};
	static const char *const en[] = {
		"Dear Emily Carter", "Needs improvement", "¥0.00", "Sales achievement",
		"Customer satisfaction", "First response", "Example Trading Co.", "Confidential",
		"Proration", "51.6%", "Where to grow next", NULL
	};
	static const char *const many[] = {
		"待改进", "¥500.00", "绩效警告", "未计分：无数据，权重已重新分配", "销售业绩完成率",
		"赢单率", "新客户数", "360 度评价", "客户满意度", "首次响应时长", "线索数量",
		"有效线索率", "里程碑完成率", "缺陷率", "准时交付率", "大客户销售技巧",
		"¥250,000.00", "2026-11", "1 / 2", "2 / 2", NULL
	};
	size_t i, n1, n2;
	(void)state;
	letter_fixture_config(&cfg);
	company_fixture(&c, &cfg);
	diag_init(&d);
	assert_int_equal(letters_write(&c, &cfg, l1, 2, &d), 0);
	for (i = 0; i < d.nr; i++)
		fprintf(stderr, "diag: %s: %s\n", d.msgs[i].where ? d.msgs[i].where : "-",
			d.msgs[i].text);
	assert_int_equal(d.errors, 0);
	/* The missing glyph is reported, once, naming the employee and the name. */
	assert_int_equal(d.warnings, 1);
	assert_non_null(strstr(d.msgs[0].text, "'E004'"));
	assert_non_null(strstr(d.msgs[0].text, "U+1F600"));
	assert_non_null(strstr(d.msgs[0].text, "(in the name)"));

	/*
	 * The letters' streams are deflated at level 2 (letter_pdf.c's
	 * deflateInit_ for libharu): a zlib header's FLEVEL bits say so, 01
	 * ("fast") is 78 5E, where libharu's default 6 wrote 78 9C. Outside a
	 * letter, deflateInit keeps zlib's default: 78 9C, and the same bytes
	 * as deflateInit2_ at level 6 with zlib's default parameters.
	 */
	{
		char *p = xstrfmt("%s/E001.pdf", l1), *pdf = slurp(p, &n1), *at = pdf;
		size_t nstreams = 0;
		unsigned char in[600], out1[700], out2[700];
		z_stream z1, z2;
		while ((at = memmem(at, n1 - (size_t)(at - pdf), "stream\r\n", 8)) != NULL) {
			if (at - pdf >= 3 && memcmp(at - 3, "end", 3) == 0) {
				at += 8;
				continue;
			}
			assert_memory_equal(at + 8, "\x78\x5E", 2);
			nstreams++;
			at += 8;
		}
		assert_true(nstreams >= 4);   /* ToUnicode, CIDToGIDMap, font file, page */
		for (i = 0; i < sizeof(in); i++)
			in[i] = (unsigned char)("merit letters "[i % 14] + i / 97);
		memset(&z1, 0, sizeof(z1));
		memset(&z2, 0, sizeof(z2));
		assert_int_equal(deflateInit(&z1, Z_DEFAULT_COMPRESSION), Z_OK);
		assert_int_equal(deflateInit2(&z2, 6, Z_DEFLATED, MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
		z1.next_in = z2.next_in = in;
		z1.avail_in = z2.avail_in = sizeof(in);
		z1.next_out = out1;
		z2.next_out = out2;
		z1.avail_out = z2.avail_out = sizeof(out1);
		assert_int_equal(deflate(&z1, Z_FINISH), Z_STREAM_END);
		assert_int_equal(deflate(&z2, Z_FINISH), Z_STREAM_END);
		assert_int_equal(z1.total_out, z2.total_out);
		assert_memory_equal(out1, out2, z1.total_out);
		assert_memory_equal(out1, "\x78\x9C", 2);
		deflateEnd(&z1);
		deflateEnd(&z2);
		free(pdf);
		free(p);
	}

	check_letter(l1, "E001", zh, 1);     /* reviews, targets, a notice: one page since issue 14 */
	check_letter(l1, "E002", en, 1);
	check_letter(l1, "E003", many, 2);
	{
		char *gone = xstrfmt("%s/E005.pdf", l1);
		assert_int_not_equal(access(gone, F_OK), 0);
		free(gone);
	}

	/* Same input, one worker this time: the same bytes. */
	assert_int_equal(letters_write(&c, &cfg, l2, 1, &d), 0);
	for (i = 0; i < 4; i++) {
		char *a = xstrfmt("%s/E00%zu.pdf", l1, i + 1), *b = xstrfmt("%s/E00%zu.pdf", l2, i + 1);
		char *da = slurp(a, &n1), *db = slurp(b, &n2);
		assert_int_equal(n1, n2);
		assert_memory_equal(da, db, n1);
		free(da);
		free(db);
		free(a);
		free(b);
	}
	diag_release(&d);
	company_release(&c);
	rmtree(dir1);
	rmtree(dir2);
	free(l1);
	free(l2);
	free(dir1);
	free(dir2);
}

static void test_letters_password(void **state)
{
	struct config cfg;
	struct company c;
	struct diag d;
	char *dir = tmpdir_new("pw"), *cmd, *out;
	int rc;
	(void)state;
	letter_fixture_config(&cfg);
	cfg.letters.password = S("employee_id");
	company_fixture(&c, &cfg);
	diag_init(&d);
	assert_int_equal(letters_write(&c, &cfg, dir, 2, &d), 0);
	cmd = xstrfmt("pdfinfo '%s/E001.pdf' >/dev/null 2>&1", dir);
	out = run(cmd, &rc);
	assert_int_not_equal(rc, 0);          /* no password, no reading */
	free(cmd);
	free(out);
	cmd = xstrfmt("pdftotext -upw E001 '%s/E001.pdf' -", dir);
	out = run(cmd, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "张伟"));
	free(cmd);
	free(out);
	/* The replaced /ToUnicode is encrypted like every other stream. */
	cmd = xstrfmt("pdftotext -upw E001 '%s/E001.pdf' - 2>&1 >/dev/null", dir);
	out = run(cmd, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "");
	free(cmd);
	free(out);

	cfg.letters.password = S("no_such_column");
	diag_release(&d);
	diag_init(&d);
	assert_int_equal(letters_write(&c, &cfg, dir, 2, &d), -1);
	assert_int_equal(d.status, MERIT_CONFIG);
	diag_release(&d);
	company_release(&c);
	rmtree(dir);
	free(dir);
}

/*
 * One page (issue 14): six KPIs, 360 reviews, no notice, in both languages,
 * at a 9 pt body; ten KPIs and a warning notice still flow onto a second
 * page without losing a section.
 */
static void test_letters_one_page(void **state)
{
	static const int six[] = { LF_SALES, LF_CONVERSION, LF_NEW_CUSTOMERS, LF_PEER_REVIEW,
				   LF_CSAT, LF_COMPANY_REVENUE };
	struct config cfg;
	struct company c;
	struct diag d;
	char *dir = tmpdir_new("one");
	size_t i, k;
	(void)state;
	assert_true(FS_BODY >= 9.0);
	letter_fixture_config(&cfg);
	letter_fixture_company(&c, "2026-10");
	for (i = 0; i < 3; i++) {
		static const char *const ids[] = { "Z6", "N6", "W10" };
		static const char *const who[] = { "王建华", "Olivia Hughes", "李桂英" };
		size_t nk = i == 2 ? 10 : 6;
		struct employee *e = letter_fixture_employee(&c, ids[i], who[i],
							     i == 1 ? LOCALE_EN : LOCALE_ZH, nk);
		for (k = 0; k < nk; k++) {
			int kpi = k < 6 ? six[k] : (int)(LF_LEADS + k - 6);
			const struct kpi_def *kd = &letter_fixture_kpis[kpi];
			/* 70 %, 85 %, ... 145 % of target: strengths and areas both. */
			double a = 0.7 + 0.15 * (double)k;
			letter_fixture_kpi(e, kpi, 100.0 / (double)nk, kd->target,
					   kd->direction == DIR_LOWER ? kd->target / a : kd->target * a, NULL);
		}
		e->raw_score = e->norm_score = 91.25;
		e->rating = 0;
		e->bonus = 1234567;
		if (i == 2)
			e->flags |= FLAG_WARNING, e->bottom_streak = 2;
	}
	for (i = 0; i < 3; i++)
		for (k = 0; k < 3; k++)
			letter_fixture_review(&c, (i + 1) % 3, i, k ? REL_PEER : REL_MANAGER, 3 + (double)k);
	diag_init(&d);
	assert_int_equal(letters_write(&c, &cfg, dir, 1, &d), 0);
	{
		char *z6 = xstrfmt("%s/Z6.pdf", dir), *n6 = xstrfmt("%s/N6.pdf", dir);
		char *w10 = xstrfmt("%s/W10.pdf", dir), *t;
		static const char *const zh_sections[] = { "绩效结果", "绩效指标", "各指标完成率",
			"做得好的地方", "可以提升的地方", "各维度得分", "360 度评价", "员工意见",
			"员工签字", "上级签字", NULL };
		static const char *const en_sections[] = { "Your result", "Key performance indicators",
			"Achievement against target", "What went well", "Where to grow next",
			"Scores by dimension", "360-degree feedback", "Your comments", "Employee",
			"Manager", NULL };
		assert_int_equal(pdf_pages(z6), 1);
		assert_int_equal(pdf_pages(n6), 1);
		assert_int_equal(pdf_pages(w10), 2);
		t = pdf_text(z6);
		for (i = 0; zh_sections[i]; i++)
			assert_non_null(strstr(t, zh_sections[i]));
		free(t);
		t = pdf_text(n6);
		for (i = 0; en_sections[i]; i++)
			assert_non_null(strstr(t, en_sections[i]));
		free(t);
		t = pdf_text(w10);
		for (i = 0; zh_sections[i]; i++)
			assert_non_null(strstr(t, zh_sections[i]));
		assert_non_null(strstr(t, "绩效警告"));
		free(t);
		free(z6);
		free(n6);
		free(w10);
	}
	diag_release(&d);
	company_release(&c);
	rmtree(dir);
	free(dir);
}

/* A letter that cannot be written: 73, naming the published path (the
 * run's temporary folder is gone by the time anyone reads the message),
 * and no temporary file left behind. */
static void test_letters_unwritable(void **state)
{
	struct config cfg;
	struct company c;
	struct diag d;
	struct letters_opts o;
	char *dir = tmpdir_new("unw"), *block = xstrfmt("%s/E001.pdf", dir), *cmd, *out;
	int rc;
	size_t i, named = 0;
	(void)state;
	/* A folder where E001's letter goes: renaming a file over it fails. */
	assert_int_equal(mkdir(block, 0700), 0);
	letter_fixture_config(&cfg);
	company_fixture(&c, &cfg);
	diag_init(&d);
	memset(&o, 0, sizeof(o));
	o.dir = dir;
	o.shown_dir = "out/2026-10/letters";
	o.jobs = 1;
	assert_int_equal(letters_write_opts(&c, &cfg, &o, &d), -1);
	assert_int_equal(d.status, MERIT_CANTCREAT);
	for (i = 0; i < d.nr; i++)
		if (d.msgs[i].where && !strcmp(d.msgs[i].where, "out/2026-10/letters/E001.pdf") &&
		    strstr(d.msgs[i].text, "cannot write the letter of 'E001'"))
			named++;
	assert_int_equal(named, 1);
	cmd = xstrfmt("ls -A '%s' | grep -c tmp", dir);
	out = run(cmd, &rc);
	assert_string_equal(out, "0\n");
	free(cmd);
	free(out);
	diag_release(&d);
	company_release(&c);
	rmtree(dir);
	free(block);
	free(dir);
}

/* A broken template is a config error at its file:line, and no letter is written. */
static void test_letters_template_error(void **state)
{
	struct config cfg;
	struct company c;
	struct diag d;
	char *dir = tmpdir_new("tpl"), *tdir = xstrfmt("%s/templates", dir), *cmd, *out, *want;
	int rc;
	(void)state;
	cmd = xstrfmt("mkdir -p '%s' && cp templates/*.txt templates/*.ini '%s/' && "
		      "printf 'Dear {{nmae}}\\n' >> '%s/letter.en.txt' && "
		      "printf '@tabel\\n' >> '%s/letter.zh.txt'", tdir, tdir, tdir, tdir);
	out = run(cmd, &rc);
	assert_int_equal(rc, 0);
	letter_fixture_config(&cfg);
	cfg.letters.templates_dir = tdir;
	company_fixture(&c, &cfg);
	diag_init(&d);
	assert_int_equal(letters_write(&c, &cfg, dir, 2, &d), -1);
	assert_int_equal(d.status, MERIT_CONFIG);
	assert_true(d.errors >= 2);
	{
		/* The appended line is the template's last. */
		char *path = xstrfmt("%s/letter.en.txt", tdir);
		size_t len, i;
		int lines = 0;
		char *text = slurp(path, &len);
		for (i = 0; i < len; i++)
			lines += text[i] == '\n';
		want = xstrfmt("%s:%d:6", path, lines);
		free(text);
		free(path);
	}
	{
		size_t i;
		int placeholder = 0, block = 0;
		for (i = 0; i < d.nr; i++) {
			if (strstr(d.msgs[i].text, "unknown placeholder '{{nmae}}'")) {
				assert_string_equal(d.msgs[i].where, want);
				placeholder = 1;
			}
			if (strstr(d.msgs[i].text, "unknown letter block '@tabel'"))
				block = 1;
		}
		assert_true(placeholder && block);
	}
	{
		char *pdf = xstrfmt("%s/E001.pdf", dir);
		assert_int_not_equal(access(pdf, F_OK), 0);
		free(pdf);
	}
	free(want);
	free(cmd);
	free(out);
	diag_release(&d);
	company_release(&c);
	rmtree(dir);
	free(tdir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrap_latin),
		cmocka_unit_test(test_wrap_cjk_kinsoku),
		cmocka_unit_test(test_wrap_mixed_long_and_newlines),
		cmocka_unit_test(test_file_name),
		cmocka_unit_test(test_template_render),
		cmocka_unit_test(test_template_errors),
		cmocka_unit_test(test_template_set),
		cmocka_unit_test(test_hpdf_mem),
		cmocka_unit_test(test_hpdf_stream_read),
		cmocka_unit_test(test_letters),
		cmocka_unit_test(test_letters_password),
		cmocka_unit_test(test_letters_template_error),
		cmocka_unit_test(test_letters_unwritable),
		cmocka_unit_test(test_letters_one_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
