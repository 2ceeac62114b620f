/*
 * Unit tests of the KPI engine: scope (SPEC 4), metrics (SPEC 5),
 * scorecard and ratings (SPEC 5, 6, 8) and the explain trace.
 *
 * Each test builds a struct config and a struct company by hand (no INI,
 * no CSV), runs one stage and checks numbers worked out by hand in the
 * comments. The period is 2026-10 (31 days) unless a test says otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "compute/metrics.h"
#include "compute/scope.h"
#include "compute/scorecard.h"
#include "compute/targets.h"
#include "model.h"
#include "render/render.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/strbuf.h"

#include "../support/fixture.h"

#define EPS 1e-9

/* ------------------------------------------------------------ fixtures */

/* An employee of dept with role, hired on hire, leaving on leave (or not). */
static struct employee *add_emp(struct company *c, const struct config *cfg, const char *id,
				const char *dept, int role, const char *hire, const char *leave)
{
	struct employee *e = fixture_add_employee(c, cfg, id, dept);
	e->role = role;
	e->hire_date = fixture_date(hire);
	e->leave_date = leave ? fixture_date(leave) : DATE_NONE;
	return e;
}

/* Re-fetch after an add may have moved the array. */
static struct employee *emp(struct company *c, const char *id)
{
	return fixture_employee(c, id);
}

static const struct kpi_result *kpi_of(const struct employee *e, int kpi)
{
	size_t i;
	for (i = 0; i < e->nkpis; i++)
		if (e->kpis[i].kpi == kpi)
			return &e->kpis[i];
	fail_msg("employee %s has no KPI %d", e->id, kpi);
	return NULL;
}

/* The text (an explain trace) holds want somewhere. */
static void assert_says(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("'%s' not in:\n%s", want, text);
}

/* ---------------------------------------------------------------- scope */

static void test_scope_proration_and_eligibility(void **state)
{
	struct config cfg;
	struct company c;
	(void)state;
	fixture_config_init(&cfg);
	fixture_company_init(&c, "2026-10");
	add_emp(&c, &cfg, "E1", "Sales", 0, "2020-01-01", NULL);
	add_emp(&c, &cfg, "E2", "Sales", 0, "2026-10-16", NULL);          /* mid-month hire */
	add_emp(&c, &cfg, "E3", "Sales", 0, "2019-05-01", "2026-10-10");  /* leaver */
	add_emp(&c, &cfg, "E4", "Sales", 0, "2019-05-01", "2026-10-31");  /* leaves on the last day */
	add_emp(&c, &cfg, "E5", "Sales", 0, "2026-11-01", NULL);          /* hired after */
	add_emp(&c, &cfg, "E6", "Sales", 0, "2019-05-01", "2026-09-30");  /* gone before */
	add_emp(&c, &cfg, "E7", "Sales", 0, "2026-10-20", NULL);          /* 12 days */
	add_emp(&c, &cfg, "E8", "Sales", 0, "2026-10-31", NULL);          /* hired on the last day */
	free(emp(&c, "E2")->status);
	emp(&c, "E2")->status = xstrdup(" Probation ");

	scope_compute(&c, &cfg);

	/* E1: the whole month, 31/31 = 1 */
	assert_true(emp(&c, "E1")->in_scope);
	assert_int_equal(emp(&c, "E1")->days, 31);
	assert_float_equal(emp(&c, "E1")->proration, 1.0, EPS);
	assert_true(emp(&c, "E1")->eligible);
	assert_null(emp(&c, "E1")->ineligible_reason);
	/* E2: 10-16..10-31 inclusive = 16 days, 16/31 = 0.516129...; 16 >= 15
	 * days but the status (case and blanks ignored) is probation */
	assert_int_equal(emp(&c, "E2")->days, 16);
	assert_float_equal(emp(&c, "E2")->proration, 16.0 / 31.0, EPS);
	assert_false(emp(&c, "E2")->eligible);
	assert_string_equal(emp(&c, "E2")->ineligible_reason, INELIGIBLE_STATUS);
	/* E3: 10-01..10-10 = 10 days, gone before the 31st */
	assert_int_equal(emp(&c, "E3")->days, 10);
	assert_float_equal(emp(&c, "E3")->proration, 10.0 / 31.0, EPS);
	assert_string_equal(emp(&c, "E3")->ineligible_reason, INELIGIBLE_LEFT);
	/* E4: leave_date is the last working day: employed on the 31st */
	assert_int_equal(emp(&c, "E4")->days, 31);
	assert_true(emp(&c, "E4")->eligible);
	assert_false(emp(&c, "E5")->in_scope);
	assert_string_equal(emp(&c, "E5")->ineligible_reason, INELIGIBLE_NOT_IN_SCOPE);
	assert_float_equal(emp(&c, "E5")->proration, 0.0, EPS);
	assert_false(emp(&c, "E6")->in_scope);
	/* E7: 10-20..10-31 = 12 days < 15 */
	assert_int_equal(emp(&c, "E7")->days, 12);
	assert_string_equal(emp(&c, "E7")->ineligible_reason, INELIGIBLE_MIN_DAYS);
	/* E8: in scope for one day */
	assert_true(emp(&c, "E8")->in_scope);
	assert_int_equal(emp(&c, "E8")->days, 1);

	/* pay_leavers = yes: E3's 10 days now fail min_days instead */
	cfg.bonus.pay_leavers = 1;
	scope_compute(&c, &cfg);
	assert_string_equal(emp(&c, "E3")->ineligible_reason, INELIGIBLE_MIN_DAYS);

	fixture_release(&cfg, &c);
}

static void test_scope_quarter_min_days(void **state)
{
	struct config cfg;
	struct company c;
	(void)state;
	fixture_config_init(&cfg);
	fixture_company_init(&c, "2026-Q4");
	/* Q4 = 92 days. min_days 15 x 3 months = 45.
	 * E1: 11-17..12-31 = 14 + 31 = 45 days: eligible, 45/92.
	 * E2: 11-18..12-31 = 44 days: not. */
	add_emp(&c, &cfg, "E1", "Sales", 0, "2026-11-17", NULL);
	add_emp(&c, &cfg, "E2", "Sales", 0, "2026-11-18", NULL);
	scope_compute(&c, &cfg);
	assert_int_equal(emp(&c, "E1")->days, 45);
	assert_float_equal(emp(&c, "E1")->proration, 45.0 / 92.0, EPS);
	assert_true(emp(&c, "E1")->eligible);
	assert_int_equal(emp(&c, "E2")->days, 44);
	assert_string_equal(emp(&c, "E2")->ineligible_reason, INELIGIBLE_MIN_DAYS);
	fixture_release(&cfg, &c);
}

/* -------------------------------------------------------------- metrics */

struct mfix {
	struct config cfg;
	struct company c;
	struct diag d;
	int revenue, won, closed, conversion, newcust, csat, csat_min, csat_max, turnover,
	    review, hours, courses, team_rev, dept_rev, dept_conv;
};

/*
 * Sales (dept):  E1 (all month), E2 (hired 10-16), E3 (left 10-10),
 *                E6 (left 09-30: out of scope, has sales that must not count)
 * Service:       E4 (leaves 10-31), E5 (hired 11-01: out), E7, E8 (hired 10-20)
 * Sales metrics as ingest leaves them (own rows of each owner).
 */
/* Own sales rows of e: revenue over rows (also its share of the company and
 * department sums), won and closed deals one row each. */
static void mfix_sales(const struct mfix *f, struct employee *e, double revenue, uint32_t rows,
		       uint32_t won, uint32_t closed)
{
	fixture_set_metric(e, f->revenue, revenue, rows);
	fixture_set_metric(e, f->team_rev, revenue, rows);
	fixture_set_metric(e, f->dept_rev, revenue, rows);
	fixture_set_metric(e, f->won, won, won);
	fixture_set_metric(e, f->closed, closed, closed);
}

static void mfix_init(struct mfix *f)
{
	struct config *cfg = &f->cfg;
	struct company *c = &f->c;
	struct employee *e;

	diag_init(&f->d);
	fixture_config_init(cfg);
	f->revenue = fixture_add_metric(cfg, "revenue", INPUT_SALES, AGG_SUM, SCOPE_EMPLOYEE);
	f->won = fixture_add_metric(cfg, "won_deals", INPUT_SALES, AGG_COUNT, SCOPE_EMPLOYEE);
	f->closed = fixture_add_metric(cfg, "closed_deals", INPUT_SALES, AGG_COUNT, SCOPE_EMPLOYEE);
	f->conversion = fixture_add_ratio(cfg, "conversion", f->won, f->closed, SCOPE_EMPLOYEE);
	f->newcust = fixture_add_metric(cfg, "new_customers", INPUT_SALES, AGG_COUNT_DISTINCT,
					SCOPE_EMPLOYEE);
	f->csat = fixture_add_metric(cfg, "csat", INPUT_METRICS, AGG_AVG, SCOPE_EMPLOYEE);
	f->csat_min = fixture_add_metric(cfg, "csat_min", INPUT_METRICS, AGG_MIN, SCOPE_EMPLOYEE);
	f->csat_max = fixture_add_metric(cfg, "csat_max", INPUT_METRICS, AGG_MAX, SCOPE_EMPLOYEE);
	cfg->metrics[f->csat].source_name = xstrdup("csat");
	cfg->metrics[f->csat_min].source_name = xstrdup("csat");
	cfg->metrics[f->csat_max].source_name = xstrdup("csat");
	f->turnover = fixture_add_metric(cfg, "turnover", INPUT_HR, AGG_TURNOVER, SCOPE_DEPARTMENT);
	f->review = fixture_add_metric(cfg, "peer_review", INPUT_REVIEWS, AGG_REVIEW360, SCOPE_EMPLOYEE);
	f->hours = fixture_add_metric(cfg, "training_hours", INPUT_TRAINING, AGG_SUM, SCOPE_EMPLOYEE);
	cfg->metrics[f->hours].field = TRAINING_HOURS;
	f->courses = fixture_add_metric(cfg, "courses", INPUT_TRAINING, AGG_COUNT_DISTINCT,
					SCOPE_EMPLOYEE);
	f->team_rev = fixture_add_metric(cfg, "team_revenue", INPUT_SALES, AGG_SUM, SCOPE_COMPANY);
	f->dept_rev = fixture_add_metric(cfg, "dept_revenue", INPUT_SALES, AGG_SUM, SCOPE_DEPARTMENT);
	/* declared before its parts: resolution order must not matter */
	f->dept_conv = fixture_add_ratio(cfg, "dept_conversion", f->won, f->closed, SCOPE_DEPARTMENT);

	fixture_company_init(c, "2026-10");
	e = add_emp(c, cfg, "E1", "Sales", 0, "2020-01-01", NULL);
	mfix_sales(f, e, 1000, 4, 4, 10);
	fixture_set_metric(e, f->newcust, 3, 4);
	e = add_emp(c, cfg, "E2", "Sales", 0, "2026-10-16", NULL);
	mfix_sales(f, e, 500, 2, 2, 0);
	e = add_emp(c, cfg, "E3", "Sales", 0, "2019-01-01", "2026-10-10");
	/* no won sales at all: ingest may leave sum/count not present */
	fixture_set_metric(e, f->closed, 5, 5);
	e = add_emp(c, cfg, "E6", "Sales", 0, "2019-01-01", "2026-09-30");
	mfix_sales(f, e, 999, 1, 9, 9);
	add_emp(c, cfg, "E4", "Service", 0, "2019-01-01", "2026-10-31");
	add_emp(c, cfg, "E5", "Service", 0, "2026-11-01", NULL);
	add_emp(c, cfg, "E7", "Service", 0, "2018-01-01", NULL);
	add_emp(c, cfg, "E8", "Service", 0, "2026-10-20", NULL);
}

static void mfix_free(struct mfix *f)
{
	diag_release(&f->d);
	company_release(&f->c);
	config_release(&f->cfg);
}

/* Scope, then metrics into f->d; returns metrics_compute()'s status. */
static int run_metrics(struct mfix *f)
{
	scope_compute(&f->c, &f->cfg);
	return metrics_compute(&f->c, &f->cfg, &f->d);
}

/* Metric m of the employee with that id. */
static const struct metric_value *metric(struct mfix *f, const char *id, int m)
{
	return &emp(&f->c, id)->metrics[m];
}

static void test_metrics_sales_ratio_and_scope(void **state)
{
	struct mfix f;
	(void)state;
	mfix_init(&f);
	assert_int_equal(run_metrics(&f), 0);
	assert_int_equal(f.d.status, MERIT_OK);

	/* own sums and counts pass through; count_distinct came from ingest */
	assert_float_equal(metric(&f, "E1", f.revenue)->value, 1000, EPS);
	assert_int_equal(metric(&f, "E1", f.revenue)->records, 4);
	assert_float_equal(metric(&f, "E1", f.newcust)->value, 3, EPS);
	/* E3 had no won rows: a real 0, present */
	assert_true(metric(&f, "E3", f.revenue)->present);
	assert_float_equal(metric(&f, "E3", f.revenue)->value, 0, EPS);
	/* conversion E1 = 4 / 10 = 0.4; E3 = 0 / 5 = 0 (present);
	 * E2 = 2 / 0: zero denominator -> missing */
	assert_true(metric(&f, "E1", f.conversion)->present);
	assert_float_equal(metric(&f, "E1", f.conversion)->value, 0.4, EPS);
	assert_true(metric(&f, "E3", f.conversion)->present);
	assert_float_equal(metric(&f, "E3", f.conversion)->value, 0.0, EPS);
	assert_false(metric(&f, "E2", f.conversion)->present);
	/* company revenue = in-scope members only: 1000 + 500 + 0 = 1500
	 * (E6's 999 is out of scope); every in-scope employee gets it */
	assert_float_equal(metric(&f, "E1", f.team_rev)->value, 1500, EPS);
	assert_float_equal(metric(&f, "E7", f.team_rev)->value, 1500, EPS);
	/* department revenue: Sales 1500, Service 0 (no sales: a real 0) */
	assert_float_equal(metric(&f, "E2", f.dept_rev)->value, 1500, EPS);
	assert_true(metric(&f, "E4", f.dept_rev)->present);
	assert_float_equal(metric(&f, "E4", f.dept_rev)->value, 0, EPS);
	/* department conversion from the group's num/den, not a mean of
	 * ratios: Sales won 4 + 2 + 0 = 6, closed 10 + 0 + 5 = 15 -> 0.4.
	 * (The mean of the members' ratios would be (0.4 + 0) / 2 = 0.2.)
	 * Service: 0 / 0 -> missing. */
	assert_float_equal(metric(&f, "E3", f.dept_conv)->value, 0.4, EPS);
	assert_float_equal(metric(&f, "E2", f.dept_conv)->value, 0.4, EPS);
	assert_false(metric(&f, "E7", f.dept_conv)->present);
	mfix_free(&f);
}

static void test_metrics_rows_avg_min_max(void **state)
{
	struct mfix f;
	(void)state;
	mfix_init(&f);
	fixture_add_metric_row(&f.c, "E1", NULL, "2026-10", "csat", 0.9);
	fixture_add_metric_row(&f.c, "E1", NULL, "2026-10", "csat", 0.8);
	fixture_add_metric_row(&f.c, "E1", NULL, "2026-09", "csat", 0.1);      /* other period */
	fixture_add_metric_row(&f.c, "E1", NULL, "2026-10", "nps", 0.2);       /* other metric */
	fixture_add_metric_row(&f.c, NULL, "Service", "2026-10", "csat", 0.95); /* department row */
	fixture_add_metric_row(&f.c, "E7", NULL, "2026-10", "csat", 0.7);
	assert_int_equal(run_metrics(&f), 0);

	/* E1: avg (0.9 + 0.8) / 2 = 0.85 over 2 rows, min 0.8, max 0.9 */
	assert_float_equal(metric(&f, "E1", f.csat)->value, 0.85, EPS);
	assert_int_equal(metric(&f, "E1", f.csat)->records, 2);
	assert_float_equal(metric(&f, "E1", f.csat_min)->value, 0.8, EPS);
	assert_float_equal(metric(&f, "E1", f.csat_max)->value, 0.9, EPS);
	/* E2 (Sales) has no row and Sales no department row: missing */
	assert_false(metric(&f, "E2", f.csat)->present);
	/* E4 (Service) has no own row: the department's 0.95;
	 * E7 has its own 0.7, which wins */
	assert_float_equal(metric(&f, "E4", f.csat)->value, 0.95, EPS);
	assert_float_equal(metric(&f, "E7", f.csat)->value, 0.7, EPS);
	mfix_free(&f);
}

static void test_metrics_rows_quarter_from_months(void **state)
{
	struct mfix f;
	struct period q = fixture_period("2026-Q4");
	(void)state;
	mfix_init(&f);
	f.c.period = q;
	f.cfg.metrics[f.csat].agg = AGG_SUM;   /* additive, to see the months add up */
	fixture_add_metric_row(&f.c, "E1", NULL, "2026-10", "csat", 10);
	fixture_add_metric_row(&f.c, "E1", NULL, "2026-11", "csat", 20);
	fixture_add_metric_row(&f.c, "E1", NULL, "2027-01", "csat", 99);   /* next quarter */
	fixture_add_metric_row(&f.c, "E7", NULL, "2026-10", "csat", 5);
	fixture_add_metric_row(&f.c, "E7", NULL, "2026-Q4", "csat", 40);   /* the quarter's own row */
	assert_int_equal(run_metrics(&f), 0);
	/* E1: months inside Q4 summed: 10 + 20 = 30 over 2 rows;
	 * min of them 10 */
	assert_float_equal(metric(&f, "E1", f.csat)->value, 30, EPS);
	assert_int_equal(metric(&f, "E1", f.csat)->records, 2);
	assert_float_equal(metric(&f, "E1", f.csat_min)->value, 10, EPS);
	/* E7: the quarterly row wins over the monthly one (no double count): 40 */
	assert_float_equal(metric(&f, "E7", f.csat)->value, 40, EPS);
	mfix_free(&f);
}

static void test_metrics_turnover(void **state)
{
	struct mfix f;
	(void)state;
	mfix_init(&f);
	assert_int_equal(run_metrics(&f), 0);
	/*
	 * Service: headcount on 10-01: E4, E7 = 2 (E5 not yet, E8 not yet);
	 * on 10-31: E4 (last day 10-31), E7, E8 = 3. Leavers in October: E4 = 1.
	 * turnover = 1 / ((2 + 3) / 2) x 365 / 31 = 0.4 x 11.774193548 = 4.709677419
	 */
	assert_float_equal(metric(&f, "E7", f.turnover)->value, 0.4 * 365.0 / 31.0, 1e-12);
	assert_float_equal(metric(&f, "E7", f.turnover)->value, 4.709677419, 1e-9);
	/* Sales: on 10-01 E1, E3 = 2 (E6 left 09-30); on 10-31 E1, E2 = 2;
	 * leavers E3 = 1 -> 1 / 2 x 365 / 31 = 5.887096774 */
	assert_float_equal(metric(&f, "E1", f.turnover)->value, 5.887096774, 1e-9);
	/* company scope: leavers 2, headcount (4 + 5) / 2 = 4.5:
	 * 2 / 4.5 x 365 / 31 = 5.232974910 */
	f.cfg.metrics[f.turnover].scope = SCOPE_COMPANY;
	assert_int_equal(metrics_compute(&f.c, &f.cfg, &f.d), 0);
	assert_float_equal(metric(&f, "E1", f.turnover)->value, 5.232974910, 1e-9);
	assert_float_equal(metric(&f, "E8", f.turnover)->value, 5.232974910, 1e-9);
	mfix_free(&f);
}

static void test_metrics_review360(void **state)
{
	struct mfix f;
	(void)state;
	mfix_init(&f);
	/* E1: manager 5 -> 100; peers 4 -> 75 and 3 -> 50 (2 reviewers: kept,
	 * mean 62.5); subordinate 2 -> 25; self 5 (weight 0).
	 * (50 x 100 + 30 x 62.5 + 20 x 25) / 100 = (5000 + 1875 + 500) / 100 = 73.75 */
	fixture_add_review(&f.c, "E7", "E1", REL_MANAGER, 5);
	fixture_add_review(&f.c, "E2", "E1", REL_PEER, 4);
	fixture_add_review(&f.c, "E3", "E1", REL_PEER, 3);
	fixture_add_review(&f.c, "E4", "E1", REL_SUBORDINATE, 2);
	fixture_add_review(&f.c, "E1", "E1", REL_SELF, 5);
	/* E2: manager 4 -> 75; one peer (E3) twice, 5 and 3: one reviewer < 2,
	 * the peer relation drops out; subordinate 3 -> 50.
	 * (50 x 75 + 20 x 50) / (50 + 20) = 4750 / 70 = 67.857142857 */
	fixture_add_review(&f.c, "E1", "E2", REL_MANAGER, 4);
	fixture_add_review(&f.c, "E3", "E2", REL_PEER, 5);
	fixture_add_review(&f.c, "E3", "E2", REL_PEER, 3);
	fixture_add_review(&f.c, "E4", "E2", REL_SUBORDINATE, 3);
	/* E3: only a self review (weight 0): nothing left -> missing */
	fixture_add_review(&f.c, "E3", "E3", REL_SELF, 4);
	assert_int_equal(run_metrics(&f), 0);
	assert_float_equal(metric(&f, "E1", f.review)->value, 73.75, EPS);
	assert_int_equal(metric(&f, "E1", f.review)->records, 4);
	assert_float_equal(metric(&f, "E2", f.review)->value, 4750.0 / 70.0, EPS);
	assert_false(metric(&f, "E3", f.review)->present);
	assert_false(metric(&f, "E4", f.review)->present);   /* no reviews */
	mfix_free(&f);
}

/* An unknown role (unknown_role = warn) is out of the period before metrics
 * run: none of the group aggregates counts them. */
static void test_metrics_unknown_role_counts_nowhere(void **state)
{
	struct mfix f;
	struct employee *e;
	(void)state;
	mfix_init(&f);
	/* E9, Sales, role unknown: 700 of revenue and leaving in October */
	e = add_emp(&f.c, &f.cfg, "E9", "Sales", -1, "2019-01-01", "2026-10-15");
	mfix_sales(&f, e, 700, 1, 1, 1);
	scope_compute(&f.c, &f.cfg);
	assert_false(emp(&f.c, "E9")->in_scope);
	assert_string_equal(emp(&f.c, "E9")->ineligible_reason, INELIGIBLE_UNKNOWN_ROLE);
	assert_int_equal(metrics_compute(&f.c, &f.cfg, &f.d), 0);
	/* company and department revenue as without E9: 1500 (not 2200) */
	assert_float_equal(metric(&f, "E1", f.team_rev)->value, 1500, EPS);
	assert_float_equal(metric(&f, "E1", f.dept_rev)->value, 1500, EPS);
	/* Sales turnover as without E9: 1 / 2 x 365 / 31 (E9 would make it
	 * 2 leavers / 2.5) */
	assert_float_equal(metric(&f, "E1", f.turnover)->value, 5.887096774, 1e-9);
	mfix_free(&f);
}

/* Two companies' review360 computed at the same time in two threads: the
 * review sort must not share state between calls. */
struct review_job {
	struct mfix f;
	int ok;
};

static void *review_job_run(void *arg)
{
	struct review_job *j = arg;
	struct diag d;
	int round;
	j->ok = 1;
	for (round = 0; round < 200 && j->ok; round++) {
		diag_init(&d);
		if (metrics_compute(&j->f.c, &j->f.cfg, &d) < 0 ||
		    fabs(emp(&j->f.c, "E1")->metrics[j->f.review].value - 73.75) > EPS)
			j->ok = 0;
		diag_release(&d);
	}
	return NULL;
}

static void test_metrics_review_sort_is_reentrant(void **state)
{
	struct review_job *job = calloc(2, sizeof(*job));
	pthread_t th[2];
	int i, k;
	(void)state;
	for (k = 0; k < 2; k++) {
		mfix_init(&job[k].f);
		/* E1 = 73.75 as in test_metrics_review360 */
		fixture_add_review(&job[k].f.c, "E7", "E1", REL_MANAGER, 5);
		fixture_add_review(&job[k].f.c, "E2", "E1", REL_PEER, 4);
		fixture_add_review(&job[k].f.c, "E3", "E1", REL_PEER, 3);
		fixture_add_review(&job[k].f.c, "E4", "E1", REL_SUBORDINATE, 2);
		/* the second company has many more rows, about others, so a sort
		 * reading the wrong company's rows goes wrong (or out of bounds) */
		for (i = 0; k == 1 && i < 2000; i++)
			fixture_add_review(&job[k].f.c, i % 2 ? "E3" : "E4", i % 3 ? "E7" : "E2",
					   (enum review_relation)(i % REL_COUNT), 1 + i % 5);
		scope_compute(&job[k].f.c, &job[k].f.cfg);
	}
	for (k = 0; k < 2; k++)
		assert_int_equal(pthread_create(&th[k], NULL, review_job_run, &job[k]), 0);
	for (k = 0; k < 2; k++)
		pthread_join(th[k], NULL);
	for (k = 0; k < 2; k++) {
		assert_true(job[k].ok);
		mfix_free(&job[k].f);
	}
	free(job);
}

static void test_period_within(void **state)
{
	struct period oct = fixture_period("2026-10"), q4 = fixture_period("2026-Q4");
	struct period sep = fixture_period("2026-09"), y = fixture_period("2026");
	(void)state;
	assert_true(period_within(&oct, &q4));
	assert_true(period_within(&q4, &q4));
	assert_true(period_within(&q4, &y));
	assert_false(period_within(&q4, &oct));
	assert_false(period_within(&sep, &q4));
}

static void test_metrics_training(void **state)
{
	struct mfix f;
	(void)state;
	mfix_init(&f);
	fixture_add_training(&f.c, "E1", "A", "2026-10-05", 3, 1);
	fixture_add_training(&f.c, "E1", "B", "2026-10-06", 2, 1);
	fixture_add_training(&f.c, "E1", "C", "2026-10-07", 4, 0);   /* failed */
	fixture_add_training(&f.c, "E1", "D", "2026-09-30", 1, 1);   /* September */
	fixture_add_training(&f.c, "E1", "A", "2026-10-20", 1, 1);   /* retake */
	assert_int_equal(run_metrics(&f), 0);
	/* hours of passed October courses: 3 + 2 + 1 = 6; distinct courses A, B = 2 */
	assert_float_equal(metric(&f, "E1", f.hours)->value, 6, EPS);
	assert_float_equal(metric(&f, "E1", f.courses)->value, 2, EPS);
	/* nobody else trained: a real 0 */
	assert_true(metric(&f, "E2", f.hours)->present);
	assert_float_equal(metric(&f, "E2", f.hours)->value, 0, EPS);
	mfix_free(&f);
}

static void test_metrics_ratio_cycle_is_config_error(void **state)
{
	struct config cfg;
	struct company c;
	struct diag d;
	int a, b;
	(void)state;
	fixture_config_init(&cfg);
	a = fixture_add_ratio(&cfg, "a", 0, 1, SCOPE_EMPLOYEE);
	b = fixture_add_ratio(&cfg, "b", a, a, SCOPE_EMPLOYEE);
	cfg.metrics[a].num = b;
	cfg.metrics[a].den = b;
	fixture_company_init(&c, "2026-10");
	add_emp(&c, &cfg, "E1", "Sales", 0, "2020-01-01", NULL);
	diag_init(&d);
	scope_compute(&c, &cfg);
	assert_int_equal(metrics_compute(&c, &cfg, &d), -1);
	assert_int_equal(d.status, MERIT_CONFIG);
	diag_release(&d);
	fixture_release(&cfg, &c);
}

/* ------------------------------------------------------------ scorecard */

struct sfix {
	struct config cfg;
	struct company c;
	int revenue, conversion, csat, response;
	int k_sales, k_conv, k_csat, k_resp;
	int sales, senior;
	struct diag d;
};

/*
 * Role sales (销售 | Sales): sales_ach 50 (revenue vs table, linear),
 * conversion 20 (target 0.3, bands), csat 15 (target 0.9, floor 50),
 * response 15 (target 15, lower is better). Role senior: sales_ach 100.
 */
static void sfix_init(struct sfix *f)
{
	static const struct score_band conv_bands[] = {   /* SPEC 5 */
		{ 100, 100 }, { 90, 90 }, { 80, 70 }, { 0, 0 }
	};
	struct config *cfg = &f->cfg;
	struct role_kpi w_sales[4], w_senior[1];
	diag_init(&f->d);
	fixture_config_init(cfg);
	f->revenue = fixture_add_metric(cfg, "revenue", INPUT_SALES, AGG_SUM, SCOPE_EMPLOYEE);
	cfg->metrics[f->revenue].format = FMT_MONEY;
	f->conversion = fixture_add_metric(cfg, "conversion", INPUT_SALES, AGG_AVG,
					   SCOPE_EMPLOYEE);
	f->csat = fixture_add_metric(cfg, "csat", INPUT_METRICS, AGG_AVG, SCOPE_EMPLOYEE);
	f->response = fixture_add_metric(cfg, "response", INPUT_METRICS, AGG_AVG, SCOPE_EMPLOYEE);
	f->k_sales = fixture_add_kpi(cfg, "sales_ach", f->revenue, FIXTURE_TARGET_TABLE,
				     DIR_HIGHER, DIM_RESULTS, PERSP_FINANCIAL);
	f->k_conv = fixture_add_kpi(cfg, "conversion_k", f->conversion, 0.3, DIR_HIGHER,
				    DIM_EFFICIENCY, PERSP_CUSTOMER);
	fixture_kpi_bands(cfg, f->k_conv, conv_bands, 4);
	f->k_csat = fixture_add_kpi(cfg, "csat_k", f->csat, 0.9, DIR_HIGHER, DIM_ATTITUDE,
				    PERSP_CUSTOMER);
	cfg->kpis[f->k_csat].floor = 50;
	f->k_resp = fixture_add_kpi(cfg, "response_k", f->response, 15, DIR_LOWER, DIM_EFFICIENCY,
				    PERSP_PROCESS);
	w_sales[0] = (struct role_kpi){ f->k_sales, 50 };
	w_sales[1] = (struct role_kpi){ f->k_conv, 20 };
	w_sales[2] = (struct role_kpi){ f->k_csat, 15 };
	w_sales[3] = (struct role_kpi){ f->k_resp, 15 };
	w_senior[0] = (struct role_kpi){ f->k_sales, 100 };
	f->sales = fixture_add_role(cfg, "sales", "销售 | Sales", 1.2, w_sales, 4);
	f->senior = fixture_add_role(cfg, "senior", "资深 | Senior", 1.2, w_senior, 1);
	fixture_company_init(&f->c, "2026-10");
}

static struct employee *sfix_emp(struct sfix *f, const char *id, const char *dept, int role,
				 double revenue, double conv, double csat, double resp)
{
	struct employee *e = add_emp(&f->c, &f->cfg, id, dept, role, "2020-01-01", NULL);
	fixture_set_metric(e, f->revenue, revenue, 3);
	fixture_set_metric(e, f->conversion, conv, 10);
	if (!isnan(csat))
		fixture_set_metric(e, f->csat, csat, 1);
	fixture_set_metric(e, f->response, resp, 1);
	return e;
}

static void sfix_free(struct sfix *f)
{
	diag_release(&f->d);
	company_release(&f->c);
	config_release(&f->cfg);
}

/* Scope, then the scorecard into f->d; returns scorecard_compute()'s status. */
static int run_scorecard(struct sfix *f)
{
	scope_compute(&f->c, &f->cfg);
	return scorecard_compute(&f->c, &f->cfg, &f->d);
}

/* Starts f->d afresh, to count one run's messages only. */
static void sfix_new_diag(struct sfix *f)
{
	diag_release(&f->d);
	diag_init(&f->d);
}

/* The result of KPI k for the employee with that id. */
static const struct kpi_result *sfix_kpi(struct sfix *f, const char *id, int k)
{
	return kpi_of(emp(&f->c, id), k);
}

static void test_scorecard_scores_weights_subscores(void **state)
{
	struct sfix f;
	const struct employee *e;
	(void)state;
	sfix_init(&f);
	/* E1: revenue 1500 vs 1000 -> 150 % -> capped 120;
	 * conversion 0.27 / 0.3 = 0.9 -> 90 % -> band 90:90 -> 90;
	 * csat 0.36 / 0.9 = 0.4 -> 40 -> floor 50;
	 * response actual 0 on lower-is-better -> the cap, 120. */
	sfix_emp(&f, "E1", "Sales", f.sales, 1500, 0.27, 0.36, 0);
	fixture_add_target(&f.c, 0, "E1", f.k_sales, "2026-10", 1000, 5);
	assert_int_equal(run_scorecard(&f), 0);
	e = emp(&f.c, "E1");
	assert_int_equal(e->nkpis, 4);
	assert_float_equal(kpi_of(e, f.k_sales)->achievement, 1.5, EPS);
	assert_float_equal(kpi_of(e, f.k_sales)->score, 120, EPS);
	assert_string_equal(kpi_of(e, f.k_sales)->target_source,
			    "employee E1 2026-10 (targets.csv:5)");
	assert_float_equal(kpi_of(e, f.k_conv)->score, 90, EPS);
	assert_float_equal(kpi_of(e, f.k_csat)->score, 50, EPS);
	assert_float_equal(kpi_of(e, f.k_resp)->score, 120, EPS);
	/* no reweighting: eff = weight; contributions 60, 18, 7.5, 18 */
	assert_float_equal(kpi_of(e, f.k_sales)->eff_weight, 50, EPS);
	assert_float_equal(kpi_of(e, f.k_csat)->contribution, 7.5, EPS);
	/* raw = (50x120 + 20x90 + 15x50 + 15x120) / 100 = 10350 / 100 = 103.5 */
	assert_float_equal(e->raw_score, 103.5, EPS);
	assert_int_equal(e->rating, 0);
	assert_false(e->flags & FLAG_REWEIGHTED);
	/* results: sales 120; efficiency: (20x90 + 15x120) / 35 = 3600 / 35;
	 * attitude: 50. financial 120; customer (20x90 + 15x50) / 35 = 2550 / 35;
	 * process 120; learning: no KPI -> NAN */
	assert_float_equal(e->dim_score[DIM_RESULTS], 120, EPS);
	assert_float_equal(e->dim_score[DIM_EFFICIENCY], 3600.0 / 35.0, EPS);
	assert_float_equal(e->dim_score[DIM_ATTITUDE], 50, EPS);
	assert_float_equal(e->persp_score[PERSP_CUSTOMER], 2550.0 / 35.0, EPS);
	assert_float_equal(e->persp_score[PERSP_PROCESS], 120, EPS);
	assert_true(isnan(e->persp_score[PERSP_LEARNING]));

	/* score_cap 100 cuts 103.5 to 100 */
	f.cfg.score_cap = 100;
	assert_int_equal(run_scorecard(&f), 0);
	assert_float_equal(emp(&f.c, "E1")->raw_score, 100, EPS);
	sfix_free(&f);
}

static void test_scorecard_reweight_lower_and_training(void **state)
{
	struct sfix f;
	const struct employee *e;
	(void)state;
	sfix_init(&f);
	/* E2: revenue 800 vs role target 1000 -> 80; conversion 0.3 -> 100 %
	 * -> band 100; csat missing -> dropped (reweight); response 30 vs 15,
	 * lower: 15 / 30 = 0.5 -> 50. Kept weight 50 + 20 + 15 = 85:
	 * raw = (50x80 + 20x100 + 15x50) / 85 = 6750 / 85 = 79.41176... -> 79.4118
	 * plus 1 passed course x 2 points = 81.4118 -> Qualified (>= 80). */
	sfix_emp(&f, "E2", "Sales", f.sales, 800, 0.3, NAN, 30);
	fixture_add_target(&f.c, 1, "sales", f.k_sales, "2026-10", 1000, 4);
	fixture_add_training(&f.c, "E2", "Excel", "2026-10-09", 2, 1);
	fixture_add_training(&f.c, "E2", "Word", "2026-10-09", 2, 0);   /* failed: no point */
	assert_int_equal(run_scorecard(&f), 0);
	e = emp(&f.c, "E2");
	assert_string_equal(kpi_of(e, f.k_csat)->dropped, "missing_actual");
	assert_float_equal(kpi_of(e, f.k_csat)->eff_weight, 0, EPS);
	/* 50 x 100 / 85 = 58.8235... */
	assert_float_equal(kpi_of(e, f.k_sales)->eff_weight, 5000.0 / 85.0, EPS);
	assert_float_equal(kpi_of(e, f.k_resp)->achievement, 0.5, EPS);
	assert_float_equal(kpi_of(e, f.k_resp)->score, 50, EPS);
	assert_true(e->flags & FLAG_REWEIGHTED);
	assert_int_equal(e->courses_passed, 1);
	assert_float_equal(e->training_points, 2, EPS);
	assert_float_equal(e->raw_score, 81.4118, EPS);
	assert_int_equal(e->rating, 1);
	/* the attitude dimension had only csat: no score */
	assert_true(isnan(e->dim_score[DIM_ATTITUDE]));

	/* on_missing_data = zero: csat scores 0 at full weight:
	 * (4000 + 2000 + 0 + 750) / 100 = 67.5 + 2 = 69.5, no flag */
	f.cfg.policy.on_missing_data = MISSING_ZERO;
	assert_int_equal(run_scorecard(&f), 0);
	e = emp(&f.c, "E2");
	assert_null(kpi_of(e, f.k_csat)->dropped);
	assert_float_equal(e->raw_score, 69.5, EPS);
	assert_false(e->flags & FLAG_REWEIGHTED);
	assert_int_equal(f.d.status, MERIT_OK);

	/* on_missing_data = error: exit 65 naming the employee and the KPI */
	f.cfg.policy.on_missing_data = MISSING_ERROR;
	assert_int_equal(run_scorecard(&f), -1);
	assert_int_equal(f.d.status, MERIT_DATAERR);
	assert_non_null(strstr(f.d.msgs[f.d.nr - 1].text, "'E2'"));
	assert_non_null(strstr(f.d.msgs[f.d.nr - 1].text, "'csat_k'"));
	sfix_free(&f);
}

static void test_scorecard_training_cap(void **state)
{
	struct sfix f;
	(void)state;
	sfix_init(&f);
	/* senior: sales_ach only, 900 / 1000 -> 90. Four passed courses x 2 = 8,
	 * capped at max_points 5: raw 95 */
	sfix_emp(&f, "E1", "Sales", f.senior, 900, 0, 0, 0);
	fixture_add_target(&f.c, 3, "", f.k_sales, "2026-10", 1000, 2);
	fixture_add_training(&f.c, "E1", "A", "2026-10-01", 1, 1);
	fixture_add_training(&f.c, "E1", "B", "2026-10-02", 1, 1);
	fixture_add_training(&f.c, "E1", "C", "2026-10-03", 1, 1);
	fixture_add_training(&f.c, "E1", "D", "2026-10-31", 1, 1);
	fixture_add_training(&f.c, "E1", "E", "2026-11-01", 1, 1);   /* next month */
	assert_int_equal(run_scorecard(&f), 0);
	assert_int_equal(emp(&f.c, "E1")->courses_passed, 4);
	assert_float_equal(emp(&f.c, "E1")->training_points, 5, EPS);
	assert_float_equal(emp(&f.c, "E1")->raw_score, 95, EPS);
	sfix_free(&f);
}

static void test_targets_find_precedence(void **state)
{
	struct sfix f;
	(void)state;
	sfix_init(&f);
	/* revenue 600 everywhere; the target decides the score (600 / t) */
	sfix_emp(&f, "E1", "Sales", f.sales, 600, 0.3, 0.9, 15);
	sfix_emp(&f, "E2", "Sales", f.sales, 600, 0.3, 0.9, 15);
	sfix_emp(&f, "E3", "Sales", f.senior, 600, 0, 0, 0);
	sfix_emp(&f, "E4", "Service", f.senior, 600, 0, 0, 0);
	fixture_add_target(&f.c, 3, "", f.k_sales, "2026-10", 4000, 2);
	fixture_add_target(&f.c, 2, "Sales", f.k_sales, "2026-10", 3000, 3);
	fixture_add_target(&f.c, 1, "销售", f.k_sales, "2026-10", 2000, 4);   /* role by its zh label */
	fixture_add_target(&f.c, 0, "E1", f.k_sales, "2026-10", 1000, 5);
	fixture_add_target(&f.c, 0, "E1", f.k_sales, "2026-09", 7, 6);       /* other month */
	fixture_add_target(&f.c, 0, "E2", f.k_conv, "2026-10", 0.5, 7);      /* other KPI */
	assert_int_equal(run_scorecard(&f), 0);
	/* E1: employee row 1000 */
	assert_float_equal(sfix_kpi(&f, "E1", f.k_sales)->target, 1000, EPS);
	/* E2: no employee row: role 2000 */
	assert_float_equal(sfix_kpi(&f, "E2", f.k_sales)->target, 2000, EPS);
	assert_string_equal(sfix_kpi(&f, "E2", f.k_sales)->target_source,
			    "role 销售 2026-10 (targets.csv:4)");
	/* E3 (senior, Sales): department 3000; 600 / 3000 = 20 % -> 20 */
	assert_float_equal(sfix_kpi(&f, "E3", f.k_sales)->target, 3000, EPS);
	assert_float_equal(emp(&f.c, "E3")->raw_score, 20, EPS);
	/* E4 (senior, Service): company 4000 */
	assert_float_equal(sfix_kpi(&f, "E4", f.k_sales)->target, 4000, EPS);
	assert_string_equal(sfix_kpi(&f, "E4", f.k_sales)->target_source,
			    "company 2026-10 (targets.csv:2)");
	/* a number in the config is the target as is */
	assert_float_equal(sfix_kpi(&f, "E2", f.k_conv)->target, 0.3, EPS);
	sfix_free(&f);
}

static void test_targets_find_periods(void **state)
{
	struct sfix f;
	struct period q = fixture_period("2026-Q4");
	(void)state;
	sfix_init(&f);
	sfix_emp(&f, "E1", "Sales", f.senior, 600, 0, 0, 0);
	/* monthly run, quarterly company target 12000: revenue adds up over
	 * time, so one month's share is 12000 x 1/3 = 4000 */
	fixture_add_target(&f.c, 3, "", f.k_sales, "2026-Q4", 12000, 9);
	assert_int_equal(run_scorecard(&f), 0);
	assert_float_equal(sfix_kpi(&f, "E1", f.k_sales)->target, 4000, EPS);
	assert_string_equal(sfix_kpi(&f, "E1", f.k_sales)->target_source,
			    "company 2026-Q4 x 1/3 (targets.csv:9)");
	/* a rate is not prorated: conversion target 0.3 a quarter is 0.3 a month */
	f.cfg.kpis[f.k_sales].metric = f.conversion;
	assert_int_equal(run_scorecard(&f), 0);
	assert_float_equal(sfix_kpi(&f, "E1", f.k_sales)->target, 12000, EPS);
	f.cfg.kpis[f.k_sales].metric = f.revenue;

	/* quarterly run, monthly employee targets for two of the three months:
	 * 1000 + 1100 would be a quarter's target made of two months. The
	 * employee scope has no complete target, so the company's quarter row
	 * (12000, exact) applies, and the source says what was passed over. */
	f.c.period = q;
	fixture_add_target(&f.c, 0, "E1", f.k_sales, "2026-10", 1000, 10);
	fixture_add_target(&f.c, 0, "E1", f.k_sales, "2026-11", 1100, 11);
	assert_int_equal(run_scorecard(&f), 0);
	assert_float_equal(sfix_kpi(&f, "E1", f.k_sales)->target, 12000, EPS);
	assert_string_equal(sfix_kpi(&f, "E1", f.k_sales)->target_source,
			    "company 2026-Q4 (targets.csv:9); incomplete, not used: "
			    "employee E1 2026-10, 2026-11 (2 of 3 months) (targets.csv:10,11)");
	assert_int_equal(f.d.warnings, 0);

	/* the third month completes the quarter: 1000 + 1100 + 900 = 3000, and
	 * now the employee scope wins */
	fixture_add_target(&f.c, 0, "E1", f.k_sales, "2026-12", 900, 12);
	assert_int_equal(run_scorecard(&f), 0);
	assert_float_equal(sfix_kpi(&f, "E1", f.k_sales)->target, 3000, EPS);
	assert_string_equal(sfix_kpi(&f, "E1", f.k_sales)->target_source,
			    "employee E1 2026-10 + 2026-11 + 2026-12 (targets.csv:10,11,12)");
	/* a rate takes the mean of the months: 3000 / 3 = 1000 */
	f.cfg.kpis[f.k_sales].metric = f.conversion;
	assert_int_equal(run_scorecard(&f), 0);
	assert_float_equal(sfix_kpi(&f, "E1", f.k_sales)->target, 1000, EPS);
	f.cfg.kpis[f.k_sales].metric = f.revenue;
	sfix_free(&f);
}

/* The review's case: a quarterly run where the employee has one monthly row
 * and the role a quarterly one (samples: E1001 new_customers, 2026-Q4). */
static void test_scorecard_partial_months_lose_to_role_quarter(void **state)
{
	struct sfix f;
	(void)state;
	sfix_init(&f);
	f.c.period = fixture_period("2026-Q4");
	sfix_emp(&f, "E1", "Sales", f.senior, 9, 0, 0, 0);
	fixture_add_target(&f.c, 1, "senior", f.k_sales, "2026-Q4", 9, 6);
	fixture_add_target(&f.c, 0, "E1", f.k_sales, "2026-10", 4, 54);
	assert_int_equal(run_scorecard(&f), 0);
	/* 9 / 9 = 100 %, not 9 / 4 = 225 % */
	assert_float_equal(sfix_kpi(&f, "E1", f.k_sales)->target, 9, EPS);
	assert_float_equal(sfix_kpi(&f, "E1", f.k_sales)->achievement, 1.0, EPS);
	sfix_free(&f);
}

/* Only incomplete rows anywhere: no target (the policy decides) and one
 * warning naming the employee, the KPI and the months found. */
static void test_scorecard_only_partial_targets(void **state)
{
	struct sfix f;
	const struct kpi_result *r;
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	sfix_init(&f);
	f.c.period = fixture_period("2026-Q4");
	sfix_emp(&f, "E1", "Sales", f.sales, 600, 0.3, 0.9, 15);
	fixture_add_target(&f.c, 0, "E1", f.k_sales, "2026-11", 1000, 7);
	fixture_add_target(&f.c, 2, "Sales", f.k_sales, "2026-10", 3000, 8);
	f.cfg.policy.on_missing_target = MISSING_REWEIGHT;
	assert_int_equal(run_scorecard(&f), 0);
	r = sfix_kpi(&f, "E1", f.k_sales);
	assert_false(r->has_target);
	assert_string_equal(r->dropped, "missing_target");
	assert_int_equal(f.d.warnings, 1);
	assert_int_equal(f.d.errors, 0);
	/* the highest scope with rows is named, at its first row */
	assert_string_equal(f.d.msgs[0].text, "employee 'E1' KPI 'sales_ach': no complete target "
			    "for 2026-Q4, only employee E1 2026-11 (1 of 3 months) "
			    "(targets.csv:7); incomplete targets are not used");
	assert_string_equal(f.d.msgs[0].where, "targets.csv:7");
	/* explain says why the target is missing */
	explain_employee(&f.c, &f.cfg, 0, &sb);
	assert_says(sb.buf, "target missing: incomplete rows are not used: employee "
			    "E1 2026-11 (1 of 3 months) (targets.csv:7)");
	strbuf_release(&sb);

	/* on_missing_target = error: the warning, then the error */
	f.cfg.policy.on_missing_target = MISSING_ERROR;
	sfix_new_diag(&f);
	assert_int_equal(run_scorecard(&f), -1);
	assert_int_equal(f.d.warnings, 1);
	assert_int_equal(f.d.errors, 1);
	assert_non_null(strstr(f.d.msgs[1].text, "employee 'E1' KPI 'sales_ach': no target"));
	sfix_free(&f);
}

/* Quarters of a yearly run: complete quarters make the year even where the
 * months are incomplete; the longest complete kind wins. */
static void test_scorecard_year_from_quarters(void **state)
{
	struct sfix f;
	(void)state;
	sfix_init(&f);
	f.c.period = fixture_period("2026");
	sfix_emp(&f, "E1", "Sales", f.senior, 600, 0, 0, 0);
	fixture_add_target(&f.c, 0, "E1", f.k_sales, "2026-Q1", 100, 2);
	fixture_add_target(&f.c, 0, "E1", f.k_sales, "2026-Q2", 200, 3);
	fixture_add_target(&f.c, 0, "E1", f.k_sales, "2026-Q3", 300, 4);
	fixture_add_target(&f.c, 0, "E1", f.k_sales, "2026-01", 7, 5);
	fixture_add_target(&f.c, 0, "E1", f.k_sales, "2026-Q4", 400, 6);
	fixture_add_target(&f.c, 0, "E1", f.k_sales, "2026-Q4", 999, 7);   /* repeated: first counts */
	assert_int_equal(run_scorecard(&f), 0);
	/* 100 + 200 + 300 + 400 = 1000 */
	assert_float_equal(sfix_kpi(&f, "E1", f.k_sales)->target, 1000, EPS);
	assert_string_equal(sfix_kpi(&f, "E1", f.k_sales)->target_source,
			    "employee E1 2026-Q1 + 2026-Q2 + 2026-Q3 + 2026-Q4 (targets.csv:2,3,4,6)");
	sfix_free(&f);
}

/* The letters ask for next period's targets through targets_find: the
 * same precedence, period and case rules as the scored period. */
static void test_targets_find_next_period(void **state)
{
	struct sfix f;
	struct targets *t;
	struct strbuf src = STRBUF_INIT;
	struct period next;
	double v = -1;
	(void)state;
	sfix_init(&f);
	sfix_emp(&f, "E1", "Sales", f.senior, 600, 0, 0, 0);
	sfix_emp(&f, "E2", "Sales", f.sales, 600, 0, 0, 0);
	period_next(&f.c.period, &next);   /* 2026-11 */
	/* department key in another case, a quarter containing November */
	fixture_add_target(&f.c, 2, "SALES", f.k_sales, "2026-Q4", 9000, 2);
	/* role by its English label, in capitals, for November itself */
	fixture_add_target(&f.c, 1, "SALES", f.k_sales, "2026-11", 2500, 3);
	t = targets_new(&f.c);
	/* E1 (senior): the department's quarter, additive: 9000 x 1/3 = 3000 */
	assert_int_equal(targets_find(t, &f.c, &f.cfg, emp(&f.c, "E1"), f.k_sales, &next, &v,
					  &src), 1);
	assert_float_equal(v, 3000, EPS);
	assert_string_equal(src.buf, "department SALES 2026-Q4 x 1/3 (targets.csv:2)");
	/* E2 (sales | Sales): the role row wins over the department */
	assert_int_equal(targets_find(t, &f.c, &f.cfg, emp(&f.c, "E2"), f.k_sales, &next, &v,
					  NULL), 1);
	assert_float_equal(v, 2500, EPS);
	/* nothing for December's successor */
	next = fixture_period("2027-01");
	assert_int_equal(targets_find(t, &f.c, &f.cfg, emp(&f.c, "E2"), f.k_sales, &next, &v,
					  NULL), 0);
	targets_free(t);
	targets_free(NULL);
	strbuf_release(&src);
	sfix_free(&f);
}

static void test_scorecard_missing_and_zero_target(void **state)
{
	struct sfix f;
	const struct employee *e;
	(void)state;
	sfix_init(&f);
	sfix_emp(&f, "E1", "Sales", f.sales, 500, 0.3, 0.9, 15);
	sfix_emp(&f, "E2", "Sales", f.sales, 500, 0.3, 0.9, 15);
	fixture_add_target(&f.c, 0, "E2", f.k_sales, "2026-10", 0, 3);   /* zero, higher is better */
	/* default on_missing_target = error: both named, exit 65 */
	assert_int_equal(run_scorecard(&f), -1);
	assert_int_equal(f.d.status, MERIT_DATAERR);
	assert_int_equal(f.d.errors, 2);
	assert_non_null(strstr(f.d.msgs[0].text, "employee 'E1' KPI 'sales_ach': no target"));
	assert_non_null(strstr(f.d.msgs[1].text, "employee 'E2' KPI 'sales_ach': target is 0"));

	/* reweight: sales_ach drops out, the other 50 points of weight spread:
	 * conversion 100 (band), csat 0.9 / 0.9 -> 100, response 15 / 15 -> 100;
	 * raw = (20x100 + 15x100 + 15x100) / 50 = 100 */
	f.cfg.policy.on_missing_target = MISSING_REWEIGHT;
	sfix_new_diag(&f);
	assert_int_equal(run_scorecard(&f), 0);
	e = emp(&f.c, "E1");
	assert_string_equal(kpi_of(e, f.k_sales)->dropped, "missing_target");
	assert_float_equal(kpi_of(e, f.k_conv)->eff_weight, 40, EPS);
	assert_float_equal(e->raw_score, 100, EPS);
	assert_true(e->flags & FLAG_REWEIGHTED);

	/* zero: sales_ach scores 0 at weight 50: raw = 50 */
	f.cfg.policy.on_missing_target = MISSING_ZERO;
	sfix_new_diag(&f);
	assert_int_equal(run_scorecard(&f), 0);
	assert_float_equal(emp(&f.c, "E2")->raw_score, 50, EPS);
	sfix_free(&f);
}

static void test_scorecard_all_dropped_and_unknown_role(void **state)
{
	struct sfix f;
	struct employee *e;
	(void)state;
	sfix_init(&f);
	/* senior with no revenue value: its one KPI drops; raw = training only */
	e = sfix_emp(&f, "E1", "Sales", f.senior, 0, 0, 0, 0);
	e->metrics[f.revenue].present = 0;
	fixture_add_target(&f.c, 3, "", f.k_sales, "2026-10", 1000, 2);
	fixture_add_training(&f.c, "E1", "A", "2026-10-01", 1, 1);
	assert_int_equal(run_scorecard(&f), 0);
	assert_float_equal(emp(&f.c, "E1")->raw_score, 2, EPS);
	assert_int_equal(f.d.warnings, 1);
	assert_int_equal(emp(&f.c, "E1")->rating, 2);

	/* an unknown role (kept by unknown_role = warn, which ingest reported
	 * once) is out of the period from scope on: no scorecard, no second
	 * message */
	add_emp(&f.c, &f.cfg, "E9", "Sales", -1, "2020-01-01", NULL);
	sfix_new_diag(&f);
	assert_int_equal(run_scorecard(&f), 0);
	assert_int_equal(f.d.errors, 0);
	assert_int_equal(f.d.warnings, 1);   /* E1's, as above */
	assert_null(strstr(f.d.msgs[0].text, "E9"));
	assert_false(emp(&f.c, "E9")->in_scope);
	assert_false(emp(&f.c, "E9")->eligible);
	assert_string_equal(emp(&f.c, "E9")->ineligible_reason, INELIGIBLE_UNKNOWN_ROLE);
	assert_int_equal(emp(&f.c, "E9")->nkpis, 0);
	sfix_free(&f);
}

/* -------------------------------------------------------------- ratings */

static void test_rating_boundaries(void **state)
{
	/* score -> band index (0 Excellent >= 90, 1 Qualified >= 80, 2 the rest) */
	static const struct { double score; int band; } cases[] = {
		/* SPEC 8: 100 x 0.72 / 0.8 is 89.99999999999999 in binary; rounded
		 * to 4 decimals it is 90.0000, which is the top band */
		{ 100 * (0.72 / 0.8), 0 },
		{ 90, 0 },
		{ 120, 0 },
		{ 89.9999, 1 },
		{ 89.99994, 1 },   /* 89.9999 */
		{ 80, 1 },
		{ 79.9999, 2 },
		{ 0, 2 },
		{ -3, 2 },         /* below all: bottom */
	};
	struct config cfg;
	size_t i;
	(void)state;
	fixture_config_init(&cfg);
	assert_true(100 * (0.72 / 0.8) < 90);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (scorecard_rating(&cfg, cases[i].score) != cases[i].band)
			fail_msg("score %.17g: band %d, expected %d", cases[i].score,
				 scorecard_rating(&cfg, cases[i].score), cases[i].band);
	config_release(&cfg);
}

static void test_bands_boundary_uses_rounding(void **state)
{
	struct sfix f;
	(void)state;
	sfix_init(&f);
	/* conversion 0.72 vs 0.8 -> 100 x 0.9 = 89.99999999999999 %: the 90
	 * band after rounding, as with ratings -> 90 */
	f.cfg.kpis[f.k_conv].target = 0.8;
	sfix_emp(&f, "E1", "Sales", f.sales, 1000, 0.72, 0.9, 15);
	fixture_add_target(&f.c, 3, "", f.k_sales, "2026-10", 1000, 2);
	assert_int_equal(run_scorecard(&f), 0);
	assert_float_equal(sfix_kpi(&f, "E1", f.k_conv)->score, 90, EPS);
	/* 0.6 / 0.8 = 75 %: band 0:0 */
	sfix_emp(&f, "E2", "Sales", f.sales, 1000, 0.6, 0.9, 15);
	assert_int_equal(run_scorecard(&f), 0);
	assert_float_equal(sfix_kpi(&f, "E2", f.k_conv)->score, 0, EPS);
	sfix_free(&f);
}

/* -------------------------------------------------------------- explain */

static void test_explain_trace(void **state)
{
	struct sfix f;
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	sfix_init(&f);
	sfix_emp(&f, "E1", "Sales", f.sales, 123456, 0.27, NAN, 0);
	fixture_add_target(&f.c, 0, "E1", f.k_sales, "2026-10", 100000, 12);
	assert_int_equal(run_scorecard(&f), 0);
	explain_employee(&f.c, &f.cfg, 0, &sb);
	assert_says(sb.buf, "Employee E1 E1, department Sales, role sales (销售 | Sales)");
	assert_says(sb.buf, "31 days in the period, proration = 31 / 31 = 1.0000");
	assert_says(sb.buf, "revenue = sum over sales rows in 2026-10, 3 rows = "
			    "123,456.00");
	assert_says(sb.buf, "target 100,000.00 from employee E1 2026-10 "
			    "(targets.csv:12)");
	/* 123456 / 100000 = 123.456 % -> clamp to the cap 120 */
	assert_says(sb.buf, "clamp(123.4560, floor 0, cap 120) = 120.0000");
	assert_says(sb.buf, "dropped (missing_actual)");
	/* weights 50, 20, 15 kept (85): sales 58.8235 x 120 / 100 = 70.5882 */
	assert_says(sb.buf, "contribution = 58.8235 x 120.0000 / 100 = 70.5882");
	/* raw = (50x120 + 20x90 + 15x120) / 85 = 9600 / 85 = 112.9412 */
	assert_says(sb.buf, "rounded to 4 decimals: 112.9412");
	assert_says(sb.buf, "优秀 | Excellent: 112.9412 >= 90");
	strbuf_release(&sb);
	sfix_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scope_proration_and_eligibility),
		cmocka_unit_test(test_scope_quarter_min_days),
		cmocka_unit_test(test_metrics_sales_ratio_and_scope),
		cmocka_unit_test(test_metrics_rows_avg_min_max),
		cmocka_unit_test(test_metrics_rows_quarter_from_months),
		cmocka_unit_test(test_metrics_turnover),
		cmocka_unit_test(test_metrics_review360),
		cmocka_unit_test(test_metrics_training),
		cmocka_unit_test(test_metrics_unknown_role_counts_nowhere),
		cmocka_unit_test(test_metrics_review_sort_is_reentrant),
		cmocka_unit_test(test_period_within),
		cmocka_unit_test(test_metrics_ratio_cycle_is_config_error),
		cmocka_unit_test(test_scorecard_scores_weights_subscores),
		cmocka_unit_test(test_scorecard_reweight_lower_and_training),
		cmocka_unit_test(test_scorecard_training_cap),
		cmocka_unit_test(test_targets_find_precedence),
		cmocka_unit_test(test_targets_find_periods),
		cmocka_unit_test(test_scorecard_partial_months_lose_to_role_quarter),
		cmocka_unit_test(test_scorecard_only_partial_targets),
		cmocka_unit_test(test_scorecard_year_from_quarters),
		cmocka_unit_test(test_targets_find_next_period),
		cmocka_unit_test(test_scorecard_missing_and_zero_target),
		cmocka_unit_test(test_scorecard_all_dropped_and_unknown_role),
		cmocka_unit_test(test_rating_boundaries),
		cmocka_unit_test(test_bands_boundary_uses_rounding),
		cmocka_unit_test(test_explain_trace),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
