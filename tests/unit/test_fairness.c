/*
 * Unit tests of src/compute/fairness.c: zscore and percentile worked out by
 * hand, the s_g = 0 and small-group rules, forced distributions (sizes,
 * tie-breaks), group statistics and the top-performer flag.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compute/fairness.h"
#include "config.h"
#include "model.h"
#include "util/diag.h"
#include "util/period.h"
#include "util/strbuf.h"

#include "../support/fixture.h"

/* The SPEC bands (90, 80, 0), groups by department. */
static void config_setup(struct config *cfg, enum fairness_method m, int min_group)
{
	fixture_config_init(cfg);
	cfg->fairness.method = m;
	cfg->fairness.min_group = min_group;
}

/* A config, the 2026-10 company, an empty diag; end() frees them. */
static void begin(struct config *cfg, struct company *c, struct diag *d,
		  enum fairness_method m, int min_group)
{
	config_setup(cfg, m, min_group);
	fixture_company_init(c, "2026-10");
	diag_init(d);
}

static void end(struct config *cfg, struct company *c, struct diag *d)
{
	fixture_release(cfg, c);
	diag_release(d);
}

/* An in-scope employee of dept with that raw score. */
static struct employee *add(struct company *c, const char *id, const char *dept, double raw)
{
	struct employee *e = fixture_add_employee(c, NULL, id, dept);
	e->raw_score = raw;
	return e;
}

static const struct employee *emp(struct company *c, const char *id)
{
	return fixture_employee(c, id);
}

#define assert_near(a, b) assert_true(fabs((a) - (b)) < 1e-9)

/*
 * zscore, min_group 5. Sales 65 75 80 85 95: m_g = 80, deviations -15 -5 0
 * 5 15, s_g = sqrt(500 / 5) = 10, z = -1.5 -0.5 0 0.5 1.5. Ops: five times
 * 90, s_g = 0 -> M. Tiny: one person at 70, below min_group: keeps 70 and
 * is flagged. Company (11 people): M = 920 / 11 = 83.636363..., squared
 * deviations sum to 10500 / 11, so S = sqrt(10500 / 121) = 9.315409787...
 * Sales normalised = M + z S: 69.6632, 78.9787, 83.6364, 88.2941, 97.6095.
 */
static void test_zscore_by_hand(void **state)
{
	static const double sales[5] = { 65, 75, 80, 85, 95 };
	static const double want[5] = { 69.6632, 78.9787, 83.6364, 88.2941, 97.6095 };
	struct config cfg;
	struct company c;
	struct diag d;
	char id[16];
	int i;
	(void)state;
	begin(&cfg, &c, &d, FAIR_ZSCORE, 5);
	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "S%d", i);
		add(&c, id, "Sales", sales[i]);
		snprintf(id, sizeof(id), "O%d", i);
		add(&c, id, "Ops", 90);
	}
	add(&c, "T0", "Tiny", 70);
	assert_int_equal(fairness_apply(&c, &cfg, &d), 0);

	assert_near(c.company_raw_mean, 920.0 / 11);
	assert_near(c.company_raw_sd, sqrt(10500.0 / 121));
	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "S%d", i);
		assert_near(emp(&c, id)->norm_score, want[i]);
		snprintf(id, sizeof(id), "O%d", i);
		assert_near(emp(&c, id)->norm_score, 83.6364);
		assert_false(emp(&c, id)->flags & FLAG_SMALL_GROUP);
	}
	assert_near(emp(&c, "T0")->norm_score, 70);
	assert_true(emp(&c, "T0")->flags & FLAG_SMALL_GROUP);
	/* Ratings come from the normalised score: S4 97.6095 excellent, S1
	 * 78.9787 needs improvement, Ops 83.6364 qualified. */
	assert_int_equal(emp(&c, "S4")->rating, 0);
	assert_int_equal(emp(&c, "S1")->rating, 2);
	assert_int_equal(emp(&c, "O0")->rating, 1);

	/* Groups sorted by name; stats before and after. */
	assert_int_equal(c.ngroups, 3);
	assert_string_equal(c.groups[0].name, "Ops");
	assert_string_equal(c.groups[1].name, "Sales");
	assert_string_equal(c.groups[2].name, "Tiny");
	assert_int_equal(emp(&c, "S0")->group, 1);
	assert_int_equal(c.groups[1].n, 5);
	assert_near(c.groups[1].raw_mean, 80);
	assert_near(c.groups[1].raw_sd, 10);
	assert_true(fabs(c.groups[1].norm_mean - 920.0 / 11) < 1e-4);
	assert_true(fabs(c.groups[1].norm_sd - sqrt(10500.0 / 121)) < 1e-4);
	assert_near(c.groups[0].raw_sd, 0);
	assert_true(c.groups[2].small);
	assert_false(c.groups[1].small);
	/* Sales: S4 excellent; S2, S3 qualified; S0, S1 needs improvement. */
	assert_int_equal(c.groups[1].rating_count[0], 1);
	assert_int_equal(c.groups[1].rating_count[1], 2);
	assert_int_equal(c.groups[1].rating_count[2], 2);
	/* The only excellent one is the period's top performer. */
	assert_true(emp(&c, "S4")->flags & FLAG_TOP_PERFORMER);
	assert_false(emp(&c, "S3")->flags & FLAG_TOP_PERFORMER);
	end(&cfg, &c, &d);
}

/*
 * percentile. Group A: 50 60 60 70 80 -> ranks 1, 2.5, 2.5, 4, 5 (the tie
 * shares the mean rank), p = (r - 1) / 4 = 0, .375, .375, .75, 1. Group B:
 * 10 20 30 40 50 -> p = 0, .25, .5, .75, 1. Company sorted: 10 20 30 40 50
 * 50 60 60 70 80; at p: h = 9p, v[floor h] + frac(h) (next - v[floor h]):
 * p 0 -> 10; .375 -> h 3.375 -> 40 + .375 x 10 = 43.75; .75 -> h 6.75 -> 60
 * + .75 x 0 = 60; 1 -> 80; .25 -> h 2.25 -> 30 + .25 x 10 = 32.5;
 * .5 -> h 4.5 -> 50 + .5 x 0 = 50.
 */
static void test_percentile_ties(void **state)
{
	struct config cfg;
	struct company c;
	struct diag d;
	(void)state;
	begin(&cfg, &c, &d, FAIR_PERCENTILE, 5);
	add(&c, "A1", "A", 60);
	add(&c, "A2", "A", 50);
	add(&c, "A3", "A", 80);
	add(&c, "A4", "A", 60);
	add(&c, "A5", "A", 70);
	add(&c, "B1", "B", 10);
	add(&c, "B2", "B", 20);
	add(&c, "B3", "B", 30);
	add(&c, "B4", "B", 40);
	add(&c, "B5", "B", 50);
	assert_int_equal(fairness_apply(&c, &cfg, &d), 0);
	assert_near(emp(&c, "A2")->norm_score, 10);
	assert_near(emp(&c, "A1")->norm_score, 43.75);
	assert_near(emp(&c, "A4")->norm_score, 43.75);
	assert_near(emp(&c, "A5")->norm_score, 60);
	assert_near(emp(&c, "A3")->norm_score, 80);
	assert_near(emp(&c, "B1")->norm_score, 10);
	assert_near(emp(&c, "B2")->norm_score, 32.5);
	assert_near(emp(&c, "B3")->norm_score, 50);
	assert_near(emp(&c, "B4")->norm_score, 60);
	assert_near(emp(&c, "B5")->norm_score, 80);
	end(&cfg, &c, &d);
}

/* method none: norm = raw, nobody flagged even in a group of one. */
static void test_none_keeps_raw(void **state)
{
	struct config cfg;
	struct company c;
	struct diag d;
	(void)state;
	begin(&cfg, &c, &d, FAIR_NONE, 5);
	add(&c, "E1", "X", 89.99995);   /* rounds to 90.0000: excellent */
	add(&c, "E2", "Y", 80);
	add(&c, "E3", "Y", 79.9999);
	c.emps[2].in_scope = 0;
	assert_int_equal(fairness_apply(&c, &cfg, &d), 0);
	assert_near(emp(&c, "E1")->norm_score, 90);
	assert_int_equal(emp(&c, "E1")->rating, 0);
	assert_int_equal(emp(&c, "E2")->rating, 1);
	assert_false(emp(&c, "E1")->flags & FLAG_SMALL_GROUP);
	/* Out of scope: in no statistic. */
	assert_int_equal(c.groups[1].n, 1);
	end(&cfg, &c, &d);
}

static void run_forced(struct company *c, const double *shares, int per_group)
{
	struct config cfg;
	struct diag d;
	config_setup(&cfg, FAIR_NONE, 5);
	fixture_set_forced(&cfg, shares, per_group);
	diag_init(&d);
	assert_int_equal(fairness_apply(c, &cfg, &d), 0);
	fixture_release(&cfg, NULL);
	diag_release(&d);
}

/*
 * 20/70/10 over 10 people: 2 excellent, 7 qualified, 1 needs improvement,
 * whatever the thresholds say. E03 and E05 tie at 90 for the second
 * excellent slot: the lower employee_id (E03) gets it.
 */
static void test_forced_20_70_10(void **state)
{
	static const struct { const char *id; double s; } rows[] = {
		{ "E05", 90 }, { "E01", 99 }, { "E03", 90 }, { "E02", 85 }, { "E04", 80 },
		{ "E06", 75 }, { "E07", 70 }, { "E08", 65 }, { "E09", 60 }, { "E10", 55 },
	};
	double shares[3] = { 20, 70, 10 };
	struct company c;
	size_t i;
	(void)state;
	fixture_company_init(&c, "2026-10");
	for (i = 0; i < 10; i++)
		add(&c, rows[i].id, "All", rows[i].s);
	run_forced(&c, shares, 0);
	assert_int_equal(emp(&c, "E01")->rating, 0);
	assert_int_equal(emp(&c, "E03")->rating, 0);
	assert_int_equal(emp(&c, "E05")->rating, 1);
	assert_int_equal(emp(&c, "E09")->rating, 1);   /* 60 < 80, but forced */
	assert_int_equal(emp(&c, "E10")->rating, 2);
	assert_int_equal(c.groups[0].rating_count[0], 2);
	assert_int_equal(c.groups[0].rating_count[1], 7);
	assert_int_equal(c.groups[0].rating_count[2], 1);
	company_release(&c);
}

/* SPEC's example: N = 4 at 33.3/33.4/33.3 -> quotas 1.332, 1.336, 1.332,
 * floors 1/1/1, the one slot left goes to the largest fraction (.336): 1/2/1.
 * And 50/0/50 over 3: 1.5, 0, 1.5, floors 1/0/1, the tie in fractions goes
 * to the higher band: 2/0/1. */
static void test_forced_sizes(void **state)
{
	double spec[3] = { 33.3, 33.4, 33.3 }, half[3] = { 50, 0, 50 };
	struct company c;
	(void)state;
	fixture_company_init(&c, "2026-10");
	add(&c, "E4", "G", 75);
	add(&c, "E2", "G", 85);
	add(&c, "E1", "G", 90);
	add(&c, "E3", "G", 80);
	run_forced(&c, spec, 0);
	assert_int_equal(emp(&c, "E1")->rating, 0);
	assert_int_equal(emp(&c, "E2")->rating, 1);
	assert_int_equal(emp(&c, "E3")->rating, 1);
	assert_int_equal(emp(&c, "E4")->rating, 2);
	company_release(&c);

	fixture_company_init(&c, "2026-10");
	add(&c, "E1", "G", 70);
	add(&c, "E2", "G", 70);
	add(&c, "E3", "G", 70);
	run_forced(&c, half, 0);
	assert_int_equal(emp(&c, "E1")->rating, 0);
	assert_int_equal(emp(&c, "E2")->rating, 0);
	assert_int_equal(emp(&c, "E3")->rating, 2);
	company_release(&c);
}

/* Per group: each group of 2 at 50/0/50 gets one excellent and one needs
 * improvement, though group Y's scores are all below group X's. */
static void test_forced_per_group(void **state)
{
	double half[3] = { 50, 0, 50 };
	struct company c;
	(void)state;
	fixture_company_init(&c, "2026-10");
	add(&c, "X1", "X", 95);
	add(&c, "X2", "X", 92);
	add(&c, "Y1", "Y", 40);
	add(&c, "Y2", "Y", 30);
	run_forced(&c, half, 1);
	assert_int_equal(emp(&c, "X1")->rating, 0);
	assert_int_equal(emp(&c, "X2")->rating, 2);
	assert_int_equal(emp(&c, "Y1")->rating, 0);
	assert_int_equal(emp(&c, "Y2")->rating, 2);
	company_release(&c);
}

/* At most 10 top performers: 12 excellent people, the 10 best get the flag
 * (the two lowest, E11 and E12, do not). */
static void test_top_performers_capped(void **state)
{
	struct config cfg;
	struct company c;
	struct diag d;
	char id[16];
	size_t i, n = 0;
	(void)state;
	begin(&cfg, &c, &d, FAIR_NONE, 5);
	for (i = 1; i <= 12; i++) {
		snprintf(id, sizeof(id), "E%02zu", i);
		add(&c, id, "G", 110 - (double)i);
	}
	assert_int_equal(fairness_apply(&c, &cfg, &d), 0);
	for (i = 0; i < c.nemps; i++)
		n += !!(c.emps[i].flags & FLAG_TOP_PERFORMER);
	assert_int_equal(n, 10);
	assert_false(emp(&c, "E11")->flags & FLAG_TOP_PERFORMER);
	assert_true(emp(&c, "E10")->flags & FLAG_TOP_PERFORMER);
	end(&cfg, &c, &d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zscore_by_hand),
		cmocka_unit_test(test_percentile_ties),
		cmocka_unit_test(test_none_keeps_raw),
		cmocka_unit_test(test_forced_20_70_10),
		cmocka_unit_test(test_forced_sizes),
		cmocka_unit_test(test_forced_per_group),
		cmocka_unit_test(test_top_performers_capped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
