/*
 * Unit tests of src/ingest on the fixture company in tests/fixtures/ingest
 * (period 2026-10). Every expected figure is worked out by hand from the
 * CSV files; the arithmetic is in the comments.
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

#include "config.h"
#include "ingest/dupcheck.h"
#include "ingest/ingest.h"
#include "ingest/ingest_internal.h"
#include "model.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/strbuf.h"

#define FIXTURE "tests/fixtures/ingest/merit.ini"

struct fx {
	struct config cfg;
	struct company c;
	struct diag d;
	char *text;   /* diag_format of everything */
};

static void fx_load_ini(struct fx *f, const char *ini)
{
	struct period p;
	memset(f, 0, sizeof(*f));
	diag_init(&f->d);
	assert_int_equal(config_load(&f->cfg, ini, &f->d), 0);
	assert_int_equal(period_parse("2026-10", 0, &p), 0);
	company_init(&f->c, &p);
}

static void fx_load_config(struct fx *f)
{
	fx_load_ini(f, FIXTURE);
}

static int fx_ingest(struct fx *f)
{
	struct strbuf sb = STRBUF_INIT;
	int rc = ingest_load(&f->c, &f->cfg, &f->d);
	diag_format(&f->d, &sb, DIAG_NOTE);
	f->text = strbuf_detach(&sb, NULL);
	return rc;
}

static void fx_release(struct fx *f)
{
	company_release(&f->c);
	config_release(&f->cfg);
	diag_release(&f->d);
	free(f->text);
}

static const struct metric_value *mv(struct fx *f, const char *emp, const char *metric)
{
	long e = company_find(&f->c, emp);
	int m = config_metric_index(&f->cfg, metric);
	assert_true(e >= 0);
	assert_true(m >= 0);
	return &f->c.emps[e].metrics[m];
}

static void set_file(struct input_conf *ic, const char *path, const char *display)
{
	free(ic->file);
	free(ic->file_display);
	ic->file = xstrdup(path);
	ic->file_display = xstrdup(display);
}

static void test_fixture_company(void **state)
{
	struct fx f;
	const struct metric_value *v;
	const struct employee *e;
	const struct input_stats *st;
	(void)state;
	fx_load_config(&f);
	assert_int_equal(fx_ingest(&f), -1);
	assert_int_equal(f.d.status, MERIT_DATAERR);

	/* HR: three employees, typed. */
	assert_int_equal(f.c.nemps, 3);
	e = &f.c.emps[1];
	assert_string_equal(e->id, "E2");
	assert_string_equal(e->name, "王芳");
	assert_string_equal(e->department, "Sales East");               /* hr.csv:3 */
	assert_ptr_equal(e->department, f.c.emps[0].department);
	assert_int_equal(e->dept_type, DEPT_BUSINESS);                  /* 业务 */
	assert_int_equal(e->role, config_role_find(&f.cfg, "sales"));   /* 销售 */
	assert_int_equal(e->base_salary, 950000);                        /* ¥9500 */
	assert_int_equal(e->hire_date, date_from_ymd(2025, 1, 2));       /* 2025/01/02 */
	assert_int_equal(e->leave_date, DATE_NONE);
	assert_int_equal(e->locale, LOCALE_EN);                          /* [run] locale */
	assert_int_equal(e->line, 3);
	assert_string_equal(employee_hr_text(e, HR_BASE_SALARY), "¥9500");
	assert_string_equal(employee_hr_text(e, HR_DEPARTMENT), "Sales East");
	assert_string_equal(employee_hr_text(e, HR_NAME), "王芳");
	assert_int_equal(f.c.emps[0].base_salary, 1200000);             /* "12,000.00" */

	/*
	 * E1 in 2026-10: won S1 1,000.00 + S2 2,500.50 + refund S3 (200.00)
	 * = 3,300.50 over 3 rows; S4 is September, S5 has no date (open),
	 * S6 no amount.
	 */
	v = mv(&f, "E1", "revenue");
	assert_true(v->present);
	assert_true(v->value == 3300.5);
	assert_int_equal(v->records, 3);
	assert_true(mv(&f, "E1", "won_deals")->value == 3);
	/* Won and new: S1 (C1) only; S3 is C1 again but not new. */
	assert_true(mv(&f, "E1", "new_customers")->value == 1);
	assert_true(mv(&f, "E1", "biggest")->value == 2500.5);
	/* Costs in period: S1 10, S3 30 (S2 has none): mean 20. */
	assert_true(mv(&f, "E1", "avg_cost")->value == 20);
	/* E2: S9 400 won; the second S2 (line 10) is a duplicate, not counted. */
	assert_true(mv(&f, "E2", "revenue")->value == 400);
	assert_true(mv(&f, "E2", "avg_cost")->value == 5);              /* S7 lost, cost 5 */
	/* E3 sold nothing: sums and counts are a real 0, max and avg missing. */
	assert_true(mv(&f, "E3", "revenue")->present);
	assert_true(mv(&f, "E3", "revenue")->value == 0);
	assert_true(mv(&f, "E3", "won_deals")->present);
	assert_false(mv(&f, "E3", "biggest")->present);
	assert_false(mv(&f, "E3", "avg_cost")->present);

	st = &f.c.inputs[INPUT_SALES];
	assert_true(st->present);
	assert_string_equal(st->encoding, "utf-8");
	assert_int_equal(strlen(st->sha256), 64);
	assert_int_equal(st->rows, 10);          /* S7's note spans two lines */
	assert_int_equal(st->rows_used, 5);      /* S1 S2 S3 S7 S9 */
	assert_int_equal(st->set_aside_no_date, 1);
	assert_int_equal(st->set_aside_open, 1);
	assert_int_equal(st->set_aside_no_amount, 1);
	assert_int_equal(st->set_aside_other_period, 1);
	assert_false(f.c.inputs[INPUT_METRICS].present);   /* not declared */
	/* SPEC 3: the run says what it set aside and why (notes, shown with -v) */
	assert_non_null(strstr(f.text, "sales.csv: 1 row set aside: no date (open deal not yet closed)"));
	assert_non_null(strstr(f.text, "sales.csv: 1 row set aside: no amount"));
	assert_non_null(strstr(f.text, "sales.csv: 1 row set aside: dated outside 2026-10"));

	assert_non_null(strstr(f.text, "sales.csv:11:2: error: owner 'E9' is not in the HR export"));
	assert_non_null(strstr(f.text, "sales.csv:10:1: error: record_id 'S2' appears again (first at line 3)"));
	assert_int_equal(diag_kind_count(&f.d, "unknown_owner"), 1);
	assert_int_equal(diag_kind_count(&f.d, "duplicate_record"), 1);

	/* Targets: rows 2-4 load; E7 unknown, kpi 'nope', period 2026-13 do not. */
	assert_int_equal(f.c.ntargets, 3);
	assert_true(f.c.targets[0].value == 3000);
	assert_int_equal(f.c.targets[0].scope, 0);
	assert_string_equal(f.c.targets[1].key, "sales");   /* 销售 -> the role's name */
	assert_int_equal(f.c.targets[2].scope, 3);
	assert_string_equal(f.c.targets[2].period.label, "2026-Q4");
	assert_int_equal(f.c.targets[2].line, 4);
	assert_non_null(strstr(f.text, "targets.csv:5:2: error:"));
	assert_non_null(strstr(f.text, "targets.csv:6:3: error: kpi 'nope'"));
	assert_non_null(strstr(f.text, "targets.csv:7:4: error: period '2026-13'"));

	/* Reviews: 同事/态度 map to peer/attitude; a score of 7 is refused. */
	assert_int_equal(f.c.nreviews, 2);
	assert_int_equal(f.c.reviews[1].relation, REL_PEER);
	assert_int_equal(f.c.reviews[1].dimension, DIM_ATTITUDE);
	assert_int_equal(f.c.reviews[0].reviewer, 1);
	assert_true(f.c.reviews[0].score == 4);   /* its comment is read, not kept */
	assert_non_null(strstr(f.text, "reviews.csv:4:5: error: score '7' is not between 1 and 5"));
	fx_release(&f);
}

static void test_policy_warn(void **state)
{
	struct fx f;
	int k;
	(void)state;
	fx_load_config(&f);
	for (k = 0; k < ROW_PROBLEM_COUNT; k++)
		f.cfg.policy.row_is_error[k] = 0;
	assert_int_equal(fx_ingest(&f), 0);
	assert_int_equal(f.d.errors, 0);
	assert_int_equal(f.d.status, MERIT_OK);
	assert_non_null(strstr(f.text, "sales.csv:11:2: warning: owner 'E9'"));
	/* Warned rows are still not used: E2 keeps 400, not 400 + 100. */
	assert_true(mv(&f, "E2", "revenue")->value == 400);
	fx_release(&f);
}

static void test_missing_column(void **state)
{
	struct fx f;
	(void)state;
	fx_load_config(&f);
	set_file(&f.cfg.inputs[INPUT_SALES], "tests/fixtures/ingest/sales_badheader.csv",
		 "sales_badheader.csv");
	assert_int_equal(fx_ingest(&f), -1);
	assert_int_equal(f.d.status, MERIT_DATAERR);
	assert_non_null(strstr(f.text, "sales_badheader.csv:1: error: input 'sales' has no column for field 'employee_id'"));
	/* The hint names what was looked for and what the header has. */
	assert_non_null(strstr(f.text, "'employee_id', 'Owner ID', '负责人工号'"));
	assert_non_null(strstr(f.text, "'Opportunity ID', 'Owner', 'customer_id'"));
	assert_non_null(strstr(f.text, "[columns.sales] employee_id"));
	fx_release(&f);
}

/*
 * Found by tests/fuzz/fuzz_csv: two amounts of 90,000,000,000,000,000 each
 * overflowed E1's exact revenue in cents (signed overflow, undefined). The
 * second row is now a bad_number problem and is not counted; the third,
 * negative, fits again: 9e16 - 9e16 = 0.
 */
static void test_total_overflow(void **state)
{
	struct fx f;
	(void)state;
	fx_load_config(&f);
	set_file(&f.cfg.inputs[INPUT_SALES], "tests/fixtures/ingest/sales_overflow.csv",
		 "sales_overflow.csv");
	assert_int_equal(fx_ingest(&f), -1);
	assert_int_equal(f.d.status, MERIT_DATAERR);
	assert_non_null(strstr(f.text, "sales_overflow.csv:3:6: error: amount '90000000000000000' "
				       "takes the total of 'E1' out of range"));
	assert_null(strstr(f.text, "sales_overflow.csv:4"));
	assert_true(mv(&f, "E1", "revenue")->value == 0);
	assert_int_equal(mv(&f, "E1", "revenue")->records, 2);
	assert_int_equal(f.c.inputs[INPUT_SALES].rows_used, 2);
	fx_release(&f);
}

static void test_missing_file(void **state)
{
	struct fx f;
	(void)state;
	fx_load_config(&f);
	set_file(&f.cfg.inputs[INPUT_HR], "tests/fixtures/ingest/nope.csv", "nope.csv");
	assert_int_equal(fx_ingest(&f), -1);
	assert_int_equal(f.d.status, MERIT_NOINPUT);
	assert_non_null(strstr(f.text, "cannot open 'tests/fixtures/ingest/nope.csv': No such file or directory"));
	assert_non_null(strstr(f.text, "[input.hr]"));
	assert_int_equal(f.c.nemps, 0);
	fx_release(&f);
}

/*
 * Required HR fields (SPEC 3: employee_id, name, base_salary, hire_date)
 * stay errors under `missing_field = warn`: the row cannot be loaded, and a
 * warning would let the run go on without the employee. E2 has no name.
 */
static void test_required_hr_field_is_error(void **state)
{
	struct fx f;
	(void)state;
	fx_load_config(&f);
	f.cfg.policy.row_is_error[ROW_MISSING_FIELD] = 0;
	set_file(&f.cfg.inputs[INPUT_HR], "tests/fixtures/ingest/hr_required.csv", "hr_required.csv");
	assert_int_equal(fx_ingest(&f), -1);
	assert_int_equal(f.d.status, MERIT_DATAERR);
	assert_non_null(strstr(f.text, "hr_required.csv:3:2: error: name is empty"));
	assert_int_equal(f.c.nemps, 2);
	assert_int_equal(company_find(&f.c, "E2"), -1);
	fx_release(&f);
}

/*
 * A CSV row with fewer cells than the header is a truncated export, one
 * with more non-empty cells is shifted: neither is used. The header ends
 * in two empty cells (Excel's trailing commas), which do not count.
 * W1 100 + W3 300 (extra cells empty) + W5 1,000 = 1,400; W2 (7 cells) and
 * W4 ('y' in cell 11) are reported, not counted.
 */
static void test_row_width(void **state)
{
	struct fx f;
	(void)state;
	fx_load_config(&f);
	set_file(&f.cfg.inputs[INPUT_SALES], "tests/fixtures/ingest/sales_width.csv",
		 "sales_width.csv");
	assert_int_equal(fx_ingest(&f), -1);
	assert_non_null(strstr(f.text, "sales_width.csv:3: error: row has 7 cells, the header has 9"));
	assert_non_null(strstr(f.text, "sales_width.csv:5: error: row has 11 cells, the header has 9 "
				       "(cell 11 is not empty)"));
	assert_int_equal(diag_kind_count(&f.d, "bad_row"), 2);
	assert_true(mv(&f, "E1", "revenue")->value == 1400);
	assert_int_equal(f.c.inputs[INPUT_SALES].rows, 5);
	assert_int_equal(f.c.inputs[INPUT_SALES].rows_used, 3);
	fx_release(&f);
}

/*
 * Money is int64 cents from parse to sum: 9,007,199,254,740,993 cents is
 * 2^53 + 1, which a double cannot hold (it becomes ...992), so through a
 * double the two rows summed to 0; exactly they leave 1 cent.
 */
static void test_money_exact(void **state)
{
	struct fx f;
	(void)state;
	fx_load_config(&f);
	set_file(&f.cfg.inputs[INPUT_SALES], "tests/fixtures/ingest/sales_bigcents.csv",
		 "sales_bigcents.csv");
	fx_ingest(&f);
	assert_true(mv(&f, "E1", "revenue")->value == 1 / 100.0);
	assert_int_equal(mv(&f, "E1", "revenue")->records, 2);
	fx_release(&f);
}

/*
 * 120 won rows of 50,000,000,000,000,000.00 (5e18 cents) for E1: the first
 * counted fits, every other one takes the total past int64 and is reported
 * once, whether it was counted in the first pass or held back as a false
 * duplicate candidate (64-byte filter) and counted in the second.
 */
static void test_overflow_held_back(void **state)
{
	static const struct { size_t bytes; int skim; } runs[] = { { 0, 1 }, { 64, 1 }, { 64, 0 } };
	size_t i, cand, parsed;
	(void)state;
	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		struct fx f;
		fx_load_config(&f);
		set_file(&f.cfg.inputs[INPUT_SALES], "tests/fixtures/ingest/sales_overflow_many.csv",
			 "sales_overflow_many.csv");
		ingest_sales_tune(runs[i].bytes, runs[i].skim);
		assert_int_equal(fx_ingest(&f), -1);
		ingest_sales_tune(0, 1);
		ingest_sales_last(&cand, &parsed);
		if (runs[i].bytes)
			assert_true(cand > 0);
		/* + reviews.csv's score 7 */
		assert_int_equal(diag_kind_count(&f.d, "bad_number"), 119 + 1);
		assert_int_equal(diag_kind_count(&f.d, "duplicate_record"), 0);
		assert_int_equal(f.c.inputs[INPUT_SALES].rows_used, 1);
		assert_int_equal(mv(&f, "E1", "revenue")->records, 1);
		fx_release(&f);
	}
}

/*
 * tests/fixtures/ingest/targets_dups.csv: a second row for the same scope,
 * key (as compute matches it: role by name, department ignoring case;
 * company has none), KPI and period is a duplicate and is not used; only
 * rows 2, 4, 6, 8, 10 and 12 load. A department no HR row has and a period
 * 'auto' in a data row are refused.
 */
static void test_target_duplicates(void **state)
{
	struct fx f;
	size_t i;
	(void)state;
	fx_load_config(&f);
	set_file(&f.cfg.inputs[INPUT_TARGETS], "tests/fixtures/ingest/targets_dups.csv",
		 "targets_dups.csv");
	assert_int_equal(fx_ingest(&f), -1);
	assert_non_null(strstr(f.text, "targets_dups.csv:3:1: error: target for role 'sales' kpi 'won' "
				       "2026-10 appears again (first at line 2)"));
	assert_non_null(strstr(f.text, "targets_dups.csv:5:1: error: target for employee 'E1' kpi "
				       "'sales_achievement' 2026-10 appears again (first at line 4)"));
	assert_non_null(strstr(f.text, "targets_dups.csv:7:1: error: target for department 'Sales East' "
				       "kpi 'won' 2026-Q4 appears again (first at line 6)"));
	assert_non_null(strstr(f.text, "targets_dups.csv:9:1: error: target for company kpi 'won' "
				       "2026-10 appears again (first at line 8)"));
	assert_int_equal(diag_kind_count(&f.d, "duplicate_record"), 4 + 1);   /* + sales.csv's S2 */
	assert_non_null(strstr(f.text, "targets_dups.csv:11:2: error: department 'Sales North' is not "
				       "in the HR export"));
	assert_int_equal(diag_kind_count(&f.d, "unknown_department"), 1);
	assert_non_null(strstr(f.text, "targets_dups.csv:13:4: error: period 'auto' is not allowed in a data row"));
	assert_int_equal(f.c.ntargets, 6);
	for (i = 0; i < f.c.ntargets; i++)
		assert_int_equal(f.c.targets[i].line % 2, 0);
	assert_string_equal(f.c.targets[2].key, "Sales East");
	assert_string_equal(f.c.targets[5].key, "Sales West");   /* the HR spelling */
	fx_release(&f);
}

/*
 * tests/fixtures/ingest/metrics.csv: metric names match the config's after
 * trimming, ignoring ASCII case (" CSAT " is csat); departments match HR's.
 * A name no metric reads and a department no HR row has are reported
 * instead of being dropped silently by compute.
 */
static void test_metric_rows(void **state)
{
	struct fx f;
	(void)state;
	fx_load_ini(&f, "tests/fixtures/ingest/merit_metrics.ini");
	assert_int_equal(fx_ingest(&f), -1);
	assert_non_null(strstr(f.text, "metrics.csv:4:4: error: metric 'cast' is not one of csat, leads"));
	assert_non_null(strstr(f.text, "did you mean 'csat'?"));
	/* 'revenue' is close to no metric the config reads: a metric measured
	 * for something else, noted, not an error. */
	assert_null(strstr(f.text, "metric 'revenue'"));
	assert_non_null(strstr(f.text, "metrics.csv: 1 rows for metrics no [metric.NAME] reads, "
			       "not used: revenue"));
	assert_non_null(strstr(f.text, "metrics.csv:8:2: error: department 'Sales Nort' is not in the HR export"));
	assert_non_null(strstr(f.text, "did you mean 'Sales East'?"));
	assert_non_null(strstr(f.text, "metrics.csv:9:3: error: period 'auto' is not allowed in a data row"));
	assert_int_equal(f.c.nmetric_rows, 4);
	assert_string_equal(f.c.metric_rows[1].metric, "csat");
	assert_string_equal(f.c.metric_rows[1].employee_id, "E2");
	assert_string_equal(f.c.metric_rows[2].department, "Sales East");
	assert_string_equal(f.c.metric_rows[3].department, "Sales West");
	assert_ptr_equal(f.c.metric_rows[3].department, f.c.emps[2].department);
	fx_release(&f);
}

/* A filter far too small for its ids: many false candidates, yet no id added
 * twice is ever missed, and candidates are remembered by hash and line. */
static void test_dupcheck(void **state)
{
	struct dupcheck dc;
	char id[32];
	int i, hits = 0;
	(void)state;
	dupcheck_init(&dc, 0);
	for (i = 0; i < 200000; i++) {
		int n = snprintf(id, sizeof(id), "OPP-%d", i);
		hits += dupcheck_add(&dc, str_hash(id, (size_t)n), i + 2);
	}
	assert_true(hits > 0);               /* 64 KiB for 200k ids: saturated */
	assert_int_equal(dc.ncand, (size_t)hits);
	for (i = 0; i < 1000; i++) {
		int n = snprintf(id, sizeof(id), "OPP-%d", i);
		uint64_t h = str_hash(id, (size_t)n);
		assert_int_equal(dupcheck_add(&dc, h, 300000 + i), 1);
		assert_true(dupcheck_is_candidate_id(&dc, id, (size_t)n));
		assert_true(dupcheck_is_candidate_line(&dc, 300000 + i));
	}
	dupcheck_release(&dc);
	/* Sized for 100 MB: a fresh id is almost never a candidate. */
	dupcheck_init(&dc, 100u << 20);
	hits = 0;
	for (i = 0; i < 100000; i++) {
		int n = snprintf(id, sizeof(id), "R%d", i);
		hits += dupcheck_add(&dc, str_hash(id, (size_t)n), i);
	}
	assert_int_equal(hits, 0);
	dupcheck_release(&dc);
}

/* What a run of the duplicate check produced, to compare runs. */
struct dup_run {
	char *text;
	struct input_stats st;
	double revenue[2];
	size_t candidates, parsed;
};

static void dup_run(struct dup_run *out, size_t filter_bytes, int skim)
{
	struct fx f;
	fx_load_config(&f);
	set_file(&f.cfg.inputs[INPUT_SALES], "tests/fixtures/ingest/sales_dups.csv",
		 "sales_dups.csv");
	ingest_sales_tune(filter_bytes, skim);
	assert_int_equal(fx_ingest(&f), -1);   /* duplicates are errors */
	ingest_sales_tune(0, 1);
	ingest_sales_last(&out->candidates, &out->parsed);
	out->text = xstrdup(f.text);
	out->st = f.c.inputs[INPUT_SALES];
	out->st.encoding = NULL;
	out->revenue[0] = mv(&f, "E1", "revenue")->value;
	out->revenue[1] = mv(&f, "E2", "revenue")->value;
	fx_release(&f);
}

/*
 * tests/fixtures/ingest/sales_dups.csv (BOM, CRLF, 149 rows on 162 lines)
 * has four true duplicates, found in the second pass of the duplicate
 * check: D1 (line 3, whose quoted note runs onto line 4 and holds a
 * fake row "S1,E1,..."), the quoted "Q1" (line 5) met again unquoted with a
 * two-line note, " R5 " quoted with blanks (line 6, so the id is R5), and
 * S2 met again quoted on the last line. A 64-byte filter (one block) is
 * well filled after a hundred ids: a dozen rows become false candidates;
 * then the skimming second pass (csvread_skim) must parse exactly the rows
 * it has to and say exactly what the parse-everything pass and the normal
 * filter (no false candidates: only the 4 duplicates) say.
 */
static void test_duplicates_skimmed(void **state)
{
	struct dup_run normal, fast, slow;
	(void)state;
	dup_run(&normal, 0, 1);
	dup_run(&fast, 64, 1);
	dup_run(&slow, 64, 0);

	assert_int_equal(normal.candidates, 4);
	assert_true(fast.candidates > 10);
	assert_int_equal(fast.candidates, slow.candidates);
	assert_int_equal(slow.parsed, 149);
	/*
	 * Skimmed, the normal run parses 16 rows: the 10 whose note spans two
	 * lines, the 3 with a quoted id, and the other 3 rows of D1, R5 and S2.
	 */
	assert_int_equal(normal.parsed, 16);
	assert_true(fast.parsed < slow.parsed);
	assert_true(fast.parsed >= fast.candidates);

	assert_non_null(strstr(normal.text, "sales_dups.csv:73:1: error: record_id 'D1' appears again (first at line 3)"));
	assert_non_null(strstr(normal.text, "sales_dups.csv:74:1: error: record_id 'Q1' appears again (first at line 5)"));
	assert_non_null(strstr(normal.text, "sales_dups.csv:76:1: error: record_id 'R5' appears again (first at line 6)"));
	assert_non_null(strstr(normal.text, "sales_dups.csv:162:1: error: record_id 'S2' appears again (first at line 7)"));
	assert_null(strstr(normal.text, "'S1' appears again"));   /* the fake row in D1's note */
	assert_string_equal(fast.text, normal.text);
	assert_string_equal(slow.text, normal.text);

	/* E1: S1 1,000 + D1 200 + S2 50 + 70 odd F rows x 10 = 1,950; E2: Q1
	 * 300 + R5 1,500 + 70 even F rows x 10 = 2,500. No duplicate counts. */
	assert_true(normal.revenue[0] == 1950);
	assert_true(normal.revenue[1] == 2500);
	assert_int_equal(normal.st.rows, 149);    /* 5 + F001..F140 + 4 duplicates */
	assert_int_equal(normal.st.rows_used, 145);
	assert_memory_equal(&fast.st, &normal.st, sizeof(normal.st));
	assert_memory_equal(&slow.st, &normal.st, sizeof(normal.st));
	assert_memory_equal(fast.revenue, normal.revenue, sizeof(normal.revenue));
	assert_memory_equal(slow.revenue, normal.revenue, sizeof(normal.revenue));
	free(normal.text);
	free(fast.text);
	free(slow.text);
}

/* ---- the sales file read in parts, on several threads ---- */

/*
 * A generated sales file (BOM, CRLF): rows F00001.., owners E1/E2/E3 in
 * turn, every 4th won row's note on two lines (a quote on both, so no cut
 * is made between them), every 10th row dated in September. `bad_at`,
 * `dup_at`: 0 or the row whose amount is "12,5x" / whose id repeats row 7's.
 * `long_note`: the middle row gets a quoted note of 300 quote-free lines,
 * over the middle of the file, where the cut is looked for. Returns the
 * line of row `want` (0: none) through *line.
 */
static void write_sales(const char *path, int rows, int bad_at, int dup_at, int long_note,
			int want, int *line)
{
	FILE *fp = fopen(path, "wb");
	int i, ln = 2, k;
	assert_non_null(fp);
	fputs("\xEF\xBB\xBFOpportunity ID,Owner ID,customer_id,date,stage,Amount (CNY),"
	      "new_customer,cost,Notes\r\n", fp);
	for (i = 1; i <= rows; i++) {
		char id[16];
		if (i == want)
			*line = ln;
		snprintf(id, sizeof(id), "F%05d", i == dup_at ? 7 : i);
		fprintf(fp, "%s,E%d,C%d,%02d/%02d/2026,%s,", id, 1 + i % 3, i % 37,
			i % 10 ? 10 : 9, 1 + i % 28, i % 5 ? "won" : "lost");
		if (i == bad_at)
			fputs("\"12,5x\"", fp);
		else
			fprintf(fp, "\"%d.%02d\"", i * 7 % 1000, i % 100);
		fprintf(fp, ",%s,%d,", i % 3 ? "No" : "Yes", i % 13);
		if (long_note && i == rows / 2) {
			fputs("\"first", fp);
			for (k = 0; k < 300; k++, ln++)
				fprintf(fp, "\r\nline %d of a long note", k);
			fputs("\"\r\n", fp);
		} else if (i % 4 == 0) {
			fputs("\"two\r\nlines\"\r\n", fp);
			ln++;
		} else {
			fputs("plain\r\n", fp);
		}
		ln++;
	}
	assert_int_equal(fclose(fp), 0);
}

struct parts_run {
	char *text;
	struct input_stats st;
	struct metric_value v[3][5];
	size_t parts;
	int rc;
};

static void parts_run(struct parts_run *out, const char *path, int threads)
{
	static const char *const metrics[5] = { "revenue", "won_deals", "new_customers",
						"biggest", "avg_cost" };
	static const char *const emps[3] = { "E1", "E2", "E3" };
	struct fx f;
	int e, m;
	fx_load_config(&f);
	set_file(&f.cfg.inputs[INPUT_SALES], path, "sales.csv");
	ingest_sales_tune_parts(threads, 4096);
	out->rc = fx_ingest(&f);   /* -1: the fixture's other inputs have errors */
	ingest_sales_tune_parts(0, 0);
	out->parts = ingest_sales_last_parts();
	out->text = xstrdup(f.text);
	out->st = f.c.inputs[INPUT_SALES];
	out->st.encoding = NULL;
	for (e = 0; e < 3; e++)
		for (m = 0; m < 5; m++)
			out->v[e][m] = *mv(&f, emps[e], metrics[m]);
	fx_release(&f);
}

/* Everything a run says and counts is the same with 1 thread and with n. */
static void assert_same_run(const struct parts_run *a, const struct parts_run *b)
{
	assert_int_equal(a->rc, b->rc);
	assert_string_equal(a->text, b->text);
	assert_memory_equal(&a->st, &b->st, sizeof(a->st));
	assert_memory_equal(a->v, b->v, sizeof(a->v));
}

static char parts_dir[4096];

static void parts_path(char *path, size_t n, const char *name)
{
	const char *base = getenv("MERIT_TESTS_TMP");
	if (!parts_dir[0]) {
		snprintf(parts_dir, sizeof(parts_dir), "%s/test_ingest-XXXXXX",
			 base && *base ? base : "/tmp");
		assert_non_null(mkdtemp(parts_dir));
	}
	snprintf(path, n, "%s/%s", parts_dir, name);
}

/*
 * 3,000 rows (~190 KB) cut in 2 and in 3 parts of at least 4 KiB: the
 * two-line notes sit on both sides of every cut (the cut is made only
 * between quote-free lines), and the parts' counts add up to the one
 * pass's exactly. Figures by hand: rows F00001..F03000, all read; 300
 * dated in September (every 10th) set aside; of the other 2,700 every
 * row has an amount, so rows_used = 2,700.
 */
static void test_parts_same_as_one_pass(void **state)
{
	struct parts_run one, two, three, crowded;
	char path[4200];
	size_t cand, parsed;
	int unused;
	(void)state;
	parts_path(path, sizeof(path), "sales.csv");
	write_sales(path, 3000, 0, 0, 0, 0, &unused);
	parts_run(&one, path, 1);
	parts_run(&two, path, 2);
	parts_run(&three, path, 3);
	/* A 64-byte duplicate filter: nearly every id a candidate, settled in
	 * the second pass after the parts, with the same outcome. */
	ingest_sales_tune(64, 1);
	parts_run(&crowded, path, 2);
	ingest_sales_tune(0, 1);
	ingest_sales_last(&cand, &parsed);
	assert_true(cand > 1000);
	assert_int_equal(crowded.parts, 2);
	assert_same_run(&one, &crowded);
	free(crowded.text);
	assert_int_equal(one.parts, 0);     /* one thread: one pass */
	assert_int_equal(two.parts, 2);     /* really read in parts */
	assert_int_equal(three.parts, 3);
	assert_int_equal(one.st.rows, 3000);
	assert_int_equal(one.st.set_aside_other_period, 300);
	assert_int_equal(one.st.rows_used, 2700);
	/* won_deals of E1 (owner 1 + i % 3 = 1: i = 3, 6, ..., 3000) counts the
	 * rows with i % 5 != 0 and i % 10 != 0: of the 1,000 multiples of 3,
	 * 200 are multiples of 5 (lost), so 800 won; none of those is a multiple
	 * of 10 (only multiples of 5 are): 800. */
	assert_true(one.v[0][1].value == 800);
	assert_same_run(&one, &two);
	assert_same_run(&one, &three);
	free(one.text);
	free(two.text);
	free(three.text);
	unlink(path);
}

/*
 * A quoted note of 300 lines over the middle of the file: the cut is
 * looked for there and lands between two of its quote-free lines, inside
 * the quoted cell. The first part then ends inside a row; the reader
 * sees it and reads the file again in one pass: same results, no part.
 */
static void test_parts_cut_inside_quotes(void **state)
{
	struct parts_run one, two;
	char path[4200];
	int unused;
	(void)state;
	parts_path(path, sizeof(path), "sales_note.csv");
	write_sales(path, 3000, 0, 0, 1, 0, &unused);
	parts_run(&one, path, 1);
	parts_run(&two, path, 2);
	assert_int_equal(two.parts, 0);
	assert_int_equal(one.st.rows, 3000);
	assert_same_run(&one, &two);
	free(one.text);
	free(two.text);
	unlink(path);
}

/*
 * Problems in the second part: row 2,400's amount "12,5x" and row 2,700
 * repeating row 7's id. The messages, their lines (counted over the
 * first part's two-line notes) and their order are those of one pass.
 */
static void test_parts_error_in_second_part(void **state)
{
	struct parts_run one, two;
	char path[4200], want[200];
	int bad_line = 0, dup_line = 0, first_line = 0;
	(void)state;
	parts_path(path, sizeof(path), "sales_bad.csv");
	write_sales(path, 3000, 2400, 0, 0, 2400, &bad_line);
	write_sales(path, 3000, 2400, 2700, 0, 2700, &dup_line);
	write_sales(path, 3000, 2400, 2700, 0, 7, &first_line);
	/* Row i starts on line 2 + (i - 1) + the two-line notes before it,
	 * one per multiple of 4 below i: row 2,400: 2 + 2,399 + 599 = 3,000;
	 * row 2,700: 2 + 2,699 + 674 = 3,375; row 7: 2 + 6 + 1 = 9. */
	assert_int_equal(bad_line, 3000);
	assert_int_equal(dup_line, 3375);
	assert_int_equal(first_line, 9);
	parts_run(&one, path, 1);
	parts_run(&two, path, 2);
	assert_int_equal(two.parts, 0);   /* problems: read again in one pass */
	/* Amount is column 6. */
	snprintf(want, sizeof(want), "sales_bad.csv:%d:6: error: amount '12,5x'", bad_line);
	assert_non_null(strstr(two.text, want));
	snprintf(want, sizeof(want), "sales_bad.csv:%d:1: error: record_id 'F00007' appears again "
		 "(first at line %d)", dup_line, first_line);
	assert_non_null(strstr(two.text, want));
	assert_same_run(&one, &two);
	free(one.text);
	free(two.text);
	unlink(path);
	rmdir(parts_dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_company),
		cmocka_unit_test(test_policy_warn),
		cmocka_unit_test(test_missing_column),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_total_overflow),
		cmocka_unit_test(test_required_hr_field_is_error),
		cmocka_unit_test(test_row_width),
		cmocka_unit_test(test_money_exact),
		cmocka_unit_test(test_overflow_held_back),
		cmocka_unit_test(test_target_duplicates),
		cmocka_unit_test(test_metric_rows),
		cmocka_unit_test(test_dupcheck),
		cmocka_unit_test(test_duplicates_skimmed),
		cmocka_unit_test(test_parts_same_as_one_pass),
		cmocka_unit_test(test_parts_cut_inside_quotes),
		cmocka_unit_test(test_parts_error_in_second_part),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
