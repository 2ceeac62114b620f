/*
 * Unit tests of the workbook writer (src/render/xlsx*.c): a hand-built company of six (one named
 * =HYPERLINK(...), one Chinese name, one ineligible, one out of scope, two
 * departments, two KPIs) is written, then read back by tests/xlsx_check.py
 * with openpyxl: sheets, ratings and bonuses, Payroll total = pool to the
 * cent, check cell 0, cached formula values, text cells, frozen panes,
 * filters. Also: the file is 0600, two writes are byte-identical, its zip
 * entries are deflated at level 1, and an unwritable path is
 * MERIT_CANTCREAT.
 *
 * Run from the repository root (tests/run.sh does); MERIT_SRCDIR overrides.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model.h"
#include "render/render.h"
#include "render/xlsx_internal.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/period.h"
#include "util/strbuf.h"

#define HYPERLINK_NAME "=HYPERLINK(\"http://x\",\"y\")"

static struct label L(const char *zh, const char *en)
{
	struct label l = { (char *)zh, (char *)en };
	return l;
}

struct fixture {
	struct config cfg;
	struct company c;
	struct rating_band bands[3];
	struct metric_def metrics[2];
	struct kpi_def kpis[2];
	struct role_kpi sales_kpis[2], service_kpis[1];
	struct role_def roles[2];
	char tmp[256];
};

static void fixture_config(struct fixture *f)
{
	struct config *cfg = &f->cfg;
	memset(cfg, 0, sizeof(*cfg));
	cfg->path = (char *)"config/merit.ini";
	memset(cfg->sha256, 'a', 64);
	cfg->company = L("示例贸易有限公司", "Example Trading Co.");
	cfg->locale = LOCALE_EN;
	f->bands[0] = (struct rating_band){ L("优秀", "Excellent"), 90, 1.5 };
	f->bands[1] = (struct rating_band){ L("合格", "Qualified"), 80, 1.0 };
	f->bands[2] = (struct rating_band){ L("待改进", "Needs improvement"), 0, 0 };
	cfg->bands = f->bands;
	cfg->nbands = 3;
	f->metrics[0].name = (char *)"revenue";
	f->metrics[0].format = FMT_MONEY;
	f->metrics[1].name = (char *)"csat";
	f->metrics[1].format = FMT_PERCENT;
	cfg->metrics = f->metrics;
	cfg->nmetrics = 2;
	f->kpis[0].name = (char *)"sales_achievement";
	f->kpis[0].label = L("销售业绩完成率", "Sales achievement");
	f->kpis[0].metric = 0;
	f->kpis[0].dimension = DIM_RESULTS;
	f->kpis[1].name = (char *)"csat";
	f->kpis[1].label = L("客户满意度", "Customer satisfaction");
	f->kpis[1].metric = 1;
	f->kpis[1].dimension = DIM_ATTITUDE;
	cfg->kpis = f->kpis;
	cfg->nkpis = 2;
	f->sales_kpis[0] = (struct role_kpi){ 0, 70 };
	f->sales_kpis[1] = (struct role_kpi){ 1, 30 };
	f->service_kpis[0] = (struct role_kpi){ 1, 100 };
	f->roles[0].name = (char *)"sales";
	f->roles[0].label = L("销售", "Sales");
	f->roles[0].kpis = f->sales_kpis;
	f->roles[0].nkpis = 2;
	f->roles[0].value_coefficient = 1.2;
	f->roles[1].name = (char *)"service";
	f->roles[1].label = L("客服", "Customer service");
	f->roles[1].kpis = f->service_kpis;
	f->roles[1].nkpis = 1;
	f->roles[1].value_coefficient = 1.0;
	cfg->roles = f->roles;
	cfg->nroles = 2;
	cfg->bonus.pool_cents = 100000;
	cfg->bonus.currency = (char *)"CNY";
	cfg->bonus.currency_symbol = (char *)"¥";
	cfg->bonus.number_format = (char *)"¥#,##0.00";
	cfg->inputs[INPUT_HR].declared = 1;
	cfg->inputs[INPUT_HR].file_display = (char *)"../samples/hr.csv";
}

static void add_kpi(struct employee *e, int kpi, double weight, double actual, double target)
{
	struct kpi_result *r;
	e->kpis = xrealloc(e->kpis, (e->nkpis + 1) * sizeof(*e->kpis));
	r = &e->kpis[e->nkpis++];
	memset(r, 0, sizeof(*r));
	r->kpi = kpi;
	r->weight = r->eff_weight = weight;
	r->has_actual = r->has_target = 1;
	r->actual = actual;
	r->target = target;
	r->target_source = "role sales 2026-10 (targets.csv:2)";
	r->achievement = actual / target;
	r->score = 100 * r->achievement;
	r->contribution = weight * r->score / 100;
}

static struct employee *add_emp(struct fixture *f, const char *id, const char *name,
				const char *dept, int role, int rating, int64_t bonus)
{
	struct employee *e = company_add_employee(&f->c);
	e->id = xstrdup(id);
	e->name = xstrdup(name);
	e->department = company_intern(&f->c, dept);
	e->role = role;
	e->grade = xstrdup("P3");
	e->cost_centre = xstrdup(role == 0 ? "CC-100" : "CC-200");
	e->base_salary = 1200000;
	e->hire_date = date_from_ymd(2020, 3, 1);
	e->leave_date = DATE_NONE;
	e->in_scope = 1;
	e->days = 31;
	e->proration = 1.0;
	e->eligible = 1;
	e->rating = rating;
	e->raw_score = e->norm_score = rating == 0 ? 95.5 : rating == 1 ? 85.25 : 61.0;
	e->points = 12000 * (rating == 0 ? 1.5 : rating == 1 ? 1.0 : 0);
	e->cap_cents = 3 * e->base_salary;
	e->bonus = bonus;
	strmap_put(&f->c.by_id, e->id, f->c.nemps - 1);
	if (role == 0)
		add_kpi(e, 0, 70, 120000, 100000);
	add_kpi(e, 1, role == 0 ? 30 : 100, 0.92, 0.9);
	return e;
}

static void fixture_company(struct fixture *f)
{
	struct period p;
	struct employee *e;
	size_t g;
	assert_int_equal(period_parse("2026-10", 0, &p), 0);
	company_init(&f->c, &p);
	f->c.doc_time = (int64_t)p.last * 86400;
	/* Pool 1000.00 over three: largest remainder gives the extra cent to E1. */
	add_emp(f, "E1", "Alice Zhang", "Sales", 0, 0, 33334);
	add_emp(f, "E2", HYPERLINK_NAME, "Sales", 0, 1, 33333);
	e = add_emp(f, "E3", "欧阳娜娜娜娜娜娜", "客服部", 1, 0, 33333);
	e->flags = FLAG_TOP_PERFORMER;
	e = add_emp(f, "E4", "Bob Li", "客服部", 1, 1, 0);
	e->eligible = 0;
	e->ineligible_reason = INELIGIBLE_STATUS;
	add_emp(f, "E5", "+1-555", "客服部", 1, 2, 0);
	e = add_emp(f, "E6", "Gone Before", "Sales", 0, 2, 0);
	e->in_scope = 0;
	e->eligible = 0;
	e->ineligible_reason = INELIGIBLE_NOT_IN_SCOPE;

	f->c.groups = xcalloc(2, sizeof(*f->c.groups));
	f->c.ngroups = 2;
	for (g = 0; g < 2; g++) {
		struct group_stats *gs = &f->c.groups[g];
		gs->name = company_intern(&f->c, g ? "客服部" : "Sales");
		gs->rating_count = xcalloc(3, sizeof(size_t));
		gs->small = 1;
	}
	f->c.groups[0].n = 2, f->c.groups[0].rating_count[0] = 1, f->c.groups[0].rating_count[1] = 1;
	f->c.groups[0].raw_mean = f->c.groups[0].norm_mean = 90.375;
	f->c.groups[0].bonus_total = 66667;
	f->c.groups[1].n = 3, f->c.groups[1].rating_count[0] = 1, f->c.groups[1].rating_count[1] = 1;
	f->c.groups[1].rating_count[2] = 1;
	f->c.groups[1].raw_mean = f->c.groups[1].norm_mean = 80.5833;
	f->c.groups[1].bonus_total = 33333;
	f->c.pool_cents = 100000;
	f->c.allocated_cents = 100000;
	f->c.unallocated_cents = 0;
	f->c.inputs[INPUT_HR].present = 1;
	memset(f->c.inputs[INPUT_HR].sha256, 'b', 64);
	f->c.inputs[INPUT_HR].encoding = "utf-8";
	f->c.inputs[INPUT_HR].rows = 6;
	f->c.inputs[INPUT_HR].rows_used = 5;
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	const char *base = getenv("MERIT_TESTS_TMP");
	snprintf(f->tmp, sizeof(f->tmp), "%s/xlsx-XXXXXX", base && *base ? base : "/tmp");
	file_mkdir_p(base && *base ? base : "/tmp", 0700);
	assert_non_null(mkdtemp(f->tmp));
	fixture_config(f);
	fixture_company(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	company_release(&f->c);
	file_remove_tree(f->tmp);
	free(f);
	return 0;
}

static char *path_in(const struct fixture *f, const char *name)
{
	return xstrfmt("%s/%s", f->tmp, name);
}

/* expected.json for xlsx_check.py: the in-scope employees as the model has them. */
static void write_expected(const struct fixture *f, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	strbuf_addstr(&sb, "{\"pool\": \"1000.00\", \"employees\": {");
	for (i = 0; i < f->c.nemps; i++) {
		const struct employee *e = &f->c.emps[i];
		const char *p;
		if (!e->in_scope)
			continue;
		strbuf_addf(&sb, "%s\"%s\": {\"name\": \"", i ? ", " : "", e->id);
		for (p = e->name; *p; p++) {
			if (*p == '"' || *p == '\\')
				strbuf_addch(&sb, '\\');
			strbuf_addch(&sb, *p);
		}
		strbuf_addf(&sb, "\", \"rating\": \"%s\", \"bonus\": \"%lld.%02lld\"}",
			    f->cfg.bands[e->rating].label.en, (long long)(e->bonus / 100),
			    (long long)(e->bonus % 100));
	}
	strbuf_addstr(&sb, "}}\n");
	assert_int_equal(file_write(path, sb.buf, sb.len, 0600), 0);
	strbuf_release(&sb);
}

/*
 * Exit status of tests/xlsx_check.py: 0 ok, 3 checks failed, else it broke.
 * Debian's python3-openpyxl lives in /usr/bin/python3's path, which a
 * python3 earlier in PATH (pyenv, venv) may not see; PYTHON overrides.
 */
static int run_checker(const char *book, const char *expected)
{
	const char *src = getenv("MERIT_SRCDIR"), *py = getenv("PYTHON");
	char *cmd;
	int rc;
	if (!py || !*py)
		py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
	cmd = xstrfmt("%s %s/tests/xlsx_check.py '%s' '%s'", py, src && *src ? src : ".", book,
		      expected);
	rc = system(cmd);
	free(cmd);
	return rc == -1 || !WIFEXITED(rc) ? -1 : WEXITSTATUS(rc);
}

/* xlsx_write, showing the diagnostics when it fails. */
static int write_book(struct fixture *f, const char *path, struct diag *d)
{
	int rc = xlsx_write(&f->c, &f->cfg, path, d);
	if (rc) {
		struct strbuf sb = STRBUF_INIT;
		diag_format(d, &sb, DIAG_NOTE);
		fprintf(stderr, "%s", sb.buf);
		strbuf_release(&sb);
	}
	return rc;
}

static void test_workbook_checks(void **state)
{
	struct fixture *f = *state;
	char *book = path_in(f, "merit-2026-10.xlsx"), *exp = path_in(f, "expected.json");
	struct diag d;
	struct stat st;

	diag_init(&d);
	assert_int_equal(write_book(f, book, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(stat(book, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	write_expected(f, exp);
	assert_int_equal(run_checker(book, exp), 0);
	/* tests/e2e/full_xlsx_libreoffice.sh recalculates this one in LibreOffice. */
	if (getenv("MERIT_XLSX_SAMPLE") && *getenv("MERIT_XLSX_SAMPLE"))
		assert_int_equal(write_book(f, getenv("MERIT_XLSX_SAMPLE"), &d), 0);
	diag_release(&d);
	free(book);
	free(exp);
}

/* The checker is not vacuous: a wrong expected bonus makes it fail. */
static void test_checker_catches_wrong_bonus(void **state)
{
	struct fixture *f = *state;
	char *book = path_in(f, "wrong.xlsx"), *exp = path_in(f, "wrong.json");
	struct diag d;

	diag_init(&d);
	assert_int_equal(write_book(f, book, &d), 0);
	f->c.emps[0].bonus = 33335;     /* expectation now disagrees with the workbook */
	write_expected(f, exp);
	assert_int_equal(run_checker(book, exp), 3);
	diag_release(&d);
	free(book);
	free(exp);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;
	assert_non_null(fp);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(fp);
	return strbuf_detach(&sb, len);
}

static void test_reproducible(void **state)
{
	struct fixture *f = *state;
	char *a = path_in(f, "a.xlsx"), *b = path_in(f, "b.xlsx");
	char *da, *db;
	size_t la, lb;
	struct diag d;

	diag_init(&d);
	f->cfg.locale = LOCALE_ZH;
	assert_int_equal(write_book(f, a, &d), 0);
	sleep(1);    /* a writer that used the clock would now differ */
	assert_int_equal(write_book(f, b, &d), 0);
	da = slurp(a, &la);
	db = slurp(b, &lb);
	assert_true(la > 1000);
	assert_int_equal(la, lb);
	assert_memory_equal(da, db, la);
	free(da), free(db), free(a), free(b);
	diag_release(&d);
}

/*
 * Every zip entry was deflated at level 1 (src/render/xlsx_zip.c): minizip
 * records level 1 as bits 1-2 = 11 of each local header's general-purpose
 * flag. Fails if the interposed zipOpenNewFileInZip4_64 is not the one
 * libxlsxwriter calls (the file would then be level 6: valid, but slow).
 */
static void test_fast_deflate(void **state)
{
	struct fixture *f = *state;
	char *book = path_in(f, "fast.xlsx"), *data;
	size_t len, i, entries = 0;
	struct diag d;

	diag_init(&d);
	assert_int_equal(write_book(f, book, &d), 0);
	data = slurp(book, &len);
	for (i = 0; i + 30 <= len; i++) {
		const unsigned char *h = (const unsigned char *)data + i;
		if (memcmp(h, "PK\x03\x04", 4))
			continue;
		assert_int_equal(h[8] | h[9] << 8, 8);       /* deflate */
		assert_int_equal((h[6] >> 1) & 3, 3);        /* level 1 ("super fast") */
		entries++;
	}
	assert_true(entries >= 10);
	free(data), free(book);
	diag_release(&d);
}

/*
 * Number cells go through merit's _write_number_cell (xlsx_cells.c), which
 * libxlsxwriter 1.1.4 calls through its PLT in place of its own: the
 * library must resolve to it (else the workbook is right but slow), and a
 * sheet's number cells must read as printf's "%.16G" writes them.
 */
static void test_number_cells(void **state)
{
	struct fixture *f = *state;
	char *book = path_in(f, "num.xlsx"), *cmd, *xml;
	const char *p;
	size_t len, seen = 0;
	struct diag d;
	void (*ours)(lxw_worksheet *, char *, int32_t, lxw_cell *) = NULL;
	void *sym = dlsym(RTLD_DEFAULT, "_write_number_cell");

	/* The global scope's first definition, the one the library's PLT binds
	 * to (memcpy: ISO C has no cast from object to function pointer). */
	assert_non_null(sym);
	memcpy(&ours, &sym, sizeof(ours));
	assert_true(ours == _write_number_cell);
	diag_init(&d);
	assert_int_equal(write_book(f, book, &d), 0);
	cmd = xstrfmt("unzip -p '%s' xl/worksheets/sheet2.xml > '%s.xml'", book, book);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	cmd = xstrfmt("%s.xml", book);
	xml = slurp(cmd, &len);
	for (p = xml; (p = strstr(p, "<v>")); p += 3) {
		char want[40], *end;
		double v = strtod(p + 3, &end);
		assert_ptr_not_equal(end, p + 3);
		snprintf(want, sizeof(want), "%.16G", v);
		assert_int_equal(strncmp(p + 3, want, strlen(want)), 0);
		assert_int_equal(strncmp(p + 3 + strlen(want), "</v>", 4), 0);
		seen++;
	}
	assert_true(seen >= 10);
	free(xml), free(cmd), free(book);
	diag_release(&d);
}

/*
 * Cell references and text cells go through merit's lxw_rowcol_to_cell and
 * _write_inline_string_cell (xlsx_cells.c) in place of libxlsxwriter's:
 * the library must bind to them, and each must write exactly the bytes the
 * library's own (found after ours, RTLD_NEXT) writes.
 */
static char *cell_xml(void (*fn)(lxw_worksheet *, char *, int32_t, lxw_cell *), const char *text,
		      int32_t style)
{
	lxw_worksheet ws;
	lxw_cell cell;
	char *buf = NULL, range[] = "B7";
	size_t len = 0;
	memset(&ws, 0, sizeof(ws));
	memset(&cell, 0, sizeof(cell));
	cell.u.string = (char *)text;
	ws.file = open_memstream(&buf, &len);
	assert_non_null(ws.file);
	fn(&ws, range, style, &cell);
	fclose(ws.file);
	return buf;
}

static void test_text_cells_and_refs(void **state)
{
	static const char *const texts[] = {
		"plain", " leading", "trailing ", "\tboth\n", "a & b < c > d", "&&<<>>", "R&D 部门",
		"中文", "x", "&amp; already", "line\nbreak", "  ",
	};
	static const uint32_t rows[] = { 0,	     1,		 8,	     9,		 98,
					 99,	     999,	 12345,	     65535,	 1048575,
					 0x7FFFFFFE, 0x7FFFFFFF, 0xFFFFFFFE, 0xFFFFFFFF };
	static const uint32_t cols[] = { 0, 1, 25, 26, 27, 51, 52, 701, 702, 703, 16383 };
	void (*lib_ref)(char *, lxw_row_t, lxw_col_t) = NULL;
	void (*lib_text)(lxw_worksheet *, char *, int32_t, lxw_cell *) = NULL;
	void (*bound)(lxw_worksheet *, char *, int32_t, lxw_cell *) = NULL;
	void *sym;
	size_t i, j;
	(void)state;

	sym = dlsym(RTLD_DEFAULT, "_write_inline_string_cell");
	assert_non_null(sym);
	memcpy(&bound, &sym, sizeof(bound));
	assert_true(bound == _write_inline_string_cell);
	sym = dlsym(RTLD_NEXT, "_write_inline_string_cell");
	assert_non_null(sym);
	memcpy(&lib_text, &sym, sizeof(lib_text));
	sym = dlsym(RTLD_NEXT, "lxw_rowcol_to_cell");
	assert_non_null(sym);
	memcpy(&lib_ref, &sym, sizeof(lib_ref));
	assert_true(lib_ref != lxw_rowcol_to_cell);
	sym = dlsym(RTLD_DEFAULT, "lxw_rowcol_to_cell");
	assert_non_null(sym);
	{
		void (*bound_ref)(char *, lxw_row_t, lxw_col_t) = NULL;
		memcpy(&bound_ref, &sym, sizeof(bound_ref));
		assert_true(bound_ref == lxw_rowcol_to_cell);   /* the library binds to ours */
	}

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (j = 0; j < sizeof(cols) / sizeof(cols[0]); j++) {
			char want[LXW_MAX_CELL_NAME_LENGTH], got[LXW_MAX_CELL_NAME_LENGTH];
			lib_ref(want, rows[i], (lxw_col_t)cols[j]);
			lxw_rowcol_to_cell(got, rows[i], (lxw_col_t)cols[j]);
			assert_string_equal(got, want);
		}
	{
		char got[LXW_MAX_CELL_NAME_LENGTH];
		lxw_rowcol_to_cell(got, 6, 1);
		assert_string_equal(got, "B7");
		lxw_rowcol_to_cell(got, 1048575, 16383);
		assert_string_equal(got, "XFD1048576");
	}
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		for (j = 0; j < 3; j++) {
			int32_t style = j == 0 ? 0 : j == 1 ? 7 : 123;
			char *want = cell_xml(lib_text, texts[i], style);
			char *got = cell_xml(_write_inline_string_cell, texts[i], style);
			assert_string_equal(got, want);
			free(want), free(got);
		}
	{
		char *got = cell_xml(_write_inline_string_cell, " a<b ", 3);
		assert_string_equal(got, "<c r=\"B7\" s=\"3\" t=\"inlineStr\"><is>"
					 "<t xml:space=\"preserve\"> a&lt;b </t></is></c>");
		free(got);
	}
}

static void test_cannot_create(void **state)
{
	struct fixture *f = *state;
	char *book = path_in(f, "no/such/dir/x.xlsx");
	struct diag d;
	diag_init(&d);
	assert_int_equal(xlsx_write(&f->c, &f->cfg, book, &d), -1);
	assert_int_equal(d.status, MERIT_CANTCREAT);
	assert_non_null(strstr(d.msgs[0].where ? d.msgs[0].where : "", "x.xlsx"));
	diag_release(&d);
	free(book);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_workbook_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checker_catches_wrong_bonus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reproducible, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fast_deflate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_number_cells, setup, teardown),
		cmocka_unit_test(test_text_cells_and_refs),
		cmocka_unit_test_setup_teardown(test_cannot_create, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
