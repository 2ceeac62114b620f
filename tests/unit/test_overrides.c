/*
 * Unit tests of src/compute/overrides.c and override_describe() (model.c):
 * each kind applied at its stage with the value before kept, the side
 * effects a rating override must have (the group's rating counts, the
 * honour roll), the scope check, and the one text every output shows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compute/overrides.h"
#include "config.h"
#include "model.h"
#include "util/diag.h"
#include "util/strbuf.h"

#include "../support/fixture.h"

/* Appends an override of employee emp (what ingest would have read). */
static struct override_row *add_override(struct company *c, size_t emp, enum override_kind kind,
					 int kpi, double value, int band, int line)
{
	struct override_row *o;
	struct employee *e = &c->emps[emp];
	ALLOC_GROW(c->overrides, c->noverrides + 1, c->overrides_alloc);
	o = &c->overrides[c->noverrides];
	memset(o, 0, sizeof(*o));
	o->employee = emp;
	o->kind = kind;
	o->kpi = kpi;
	o->value = value;
	o->band = band;
	o->reason = xstrdup("appeal");
	o->approved_by = xstrdup("committee");
	o->date = fixture_date("2026-11-05");
	o->line = line;
	e->overrides = xrealloc(e->overrides, (e->noverrides + 1) * sizeof(*e->overrides));
	e->overrides[e->noverrides++] = c->noverrides;
	return &c->overrides[c->noverrides++];
}

static void describe(const struct override_row *o, const struct config *cfg, char *out,
		     size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	override_describe(o, cfg, LOCALE_EN, &sb);
	snprintf(out, n, "%s", sb.buf);
	strbuf_release(&sb);
}

/* actual and target: replaced before scoring, the old values kept; a
 * missing actual reads "missing". Only the override's own KPI changes. */
static void test_kpi_overrides(void **state)
{
	struct config cfg;
	struct company c;
	struct employee *e;
	struct kpi_result r[2];
	char text[128];
	int m, k0, k1;
	(void)state;
	fixture_config_init(&cfg);
	m = fixture_add_metric(&cfg, "revenue", INPUT_SALES, AGG_SUM, SCOPE_EMPLOYEE);
	k0 = fixture_add_kpi(&cfg, "sales", m, 100000, DIR_HIGHER, DIM_RESULTS, PERSP_FINANCIAL);
	k1 = fixture_add_kpi(&cfg, "other", m, 5, DIR_HIGHER, DIM_RESULTS, PERSP_FINANCIAL);
	fixture_company_init(&c, "2026-10");
	fixture_add_employee(&c, &cfg, "E1", "Sales");
	add_override(&c, 0, OVERRIDE_ACTUAL, k0, 130000, -1, 2);
	add_override(&c, 0, OVERRIDE_TARGET, k0, 125000.5, -1, 3);
	e = &c.emps[0];
	memset(r, 0, sizeof(r));
	r[0].kpi = k0;
	r[0].has_target = 1;
	r[0].target = 100000;
	r[0].target_source = "[kpi.sales] target = 100000";
	r[1].kpi = k1;
	r[1].has_actual = 1;
	r[1].actual = 7;
	overrides_apply_kpi(&c, &cfg, e, &r[0]);
	overrides_apply_kpi(&c, &cfg, e, &r[1]);
	assert_true(r[0].has_actual && r[0].actual == 130000);
	assert_true(r[0].has_target && r[0].target == 125000.5);
	assert_string_equal(r[0].target_source, "override (overrides.csv:3)");
	assert_int_equal(r[0].overridden, (1u << OVERRIDE_ACTUAL) | (1u << OVERRIDE_TARGET));
	assert_true(r[1].actual == 7 && r[1].overridden == 0);
	describe(&c.overrides[0], &cfg, text, sizeof(text));
	assert_string_equal(text, "actual sales: missing -> 130000");
	describe(&c.overrides[1], &cfg, text, sizeof(text));
	assert_string_equal(text, "target sales: 100000 -> 125000.5");
	fixture_release(&cfg, &c);
}

/* rating after fairness: the group's counts move with it and a rating out
 * of the top band leaves the honour roll; exclude keeps the rating and
 * takes the bonus eligibility, with the reason. */
static void test_rating_and_exclude(void **state)
{
	struct config cfg;
	struct company c;
	size_t counts[3] = { 1, 1, 0 };
	char text[128];
	(void)state;
	fixture_config_init(&cfg);
	fixture_company_init(&c, "2026-10");
	fixture_add_employee(&c, &cfg, "E1", "Sales")->rating = 0;
	fixture_add_employee(&c, &cfg, "E2", "Sales")->rating = 1;
	c.emps[0].flags = FLAG_TOP_PERFORMER;
	c.groups = xcalloc(1, sizeof(*c.groups));
	c.ngroups = 1;
	c.groups[0].rating_count = xcalloc(3, sizeof(size_t));
	memcpy(c.groups[0].rating_count, counts, sizeof(counts));
	add_override(&c, 0, OVERRIDE_RATING, -1, 0, 2, 2);   /* 优秀 -> 待改进 */
	add_override(&c, 1, OVERRIDE_EXCLUDE, -1, 0, -1, 3);
	overrides_apply_results(&c);
	assert_int_equal(c.emps[0].rating, 2);
	assert_int_equal(c.emps[0].flags & FLAG_TOP_PERFORMER, 0);
	assert_int_equal(c.groups[0].rating_count[0], 0);
	assert_int_equal(c.groups[0].rating_count[1], 1);
	assert_int_equal(c.groups[0].rating_count[2], 1);
	assert_int_equal(c.emps[1].rating, 1);
	assert_int_equal(c.emps[1].eligible, 0);
	assert_string_equal(c.emps[1].ineligible_reason, INELIGIBLE_EXCLUDED);
	assert_int_equal(c.emps[1].overridden, 1u << OVERRIDE_EXCLUDE);
	describe(&c.overrides[0], &cfg, text, sizeof(text));
	assert_string_equal(text, "rating: Excellent -> Needs improvement");
	describe(&c.overrides[1], &cfg, text, sizeof(text));
	assert_string_equal(text, "exclude: eligible -> excluded");
	fixture_release(&cfg, &c);
}

/* An override of someone outside the period: 65 at the override's line. */
static void test_out_of_scope(void **state)
{
	struct config cfg;
	struct company c;
	struct diag d;
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	fixture_config_init(&cfg);
	cfg.inputs[INPUT_OVERRIDES].file = xstrdup("/data/overrides.csv");
	fixture_company_init(&c, "2026-10");
	fixture_add_employee(&c, &cfg, "E1", "Sales");
	fixture_add_employee(&c, &cfg, "E2", "Sales")->in_scope = 0;
	add_override(&c, 0, OVERRIDE_RATING, -1, 0, 1, 2);
	diag_init(&d);
	assert_int_equal(overrides_check(&c, &cfg, &d), 0);
	add_override(&c, 1, OVERRIDE_EXCLUDE, -1, 0, -1, 3);
	assert_int_equal(overrides_check(&c, &cfg, &d), -1);
	assert_int_equal(d.status, MERIT_DATAERR);
	diag_format(&d, &sb, DIAG_ERROR);
	assert_non_null(strstr(sb.buf, "/data/overrides.csv:3: error: employee 'E2' is not in "
			       "period 2026-10: the exclude override cannot apply"));
	strbuf_release(&sb);
	diag_release(&d);
	fixture_release(&cfg, &c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kpi_overrides),
		cmocka_unit_test(test_rating_and_exclude),
		cmocka_unit_test(test_out_of_scope),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
