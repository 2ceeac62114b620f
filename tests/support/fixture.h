/*
 * fixture: hand-made configs and companies for the unit tests, so a test
 * can run one stage (scope, metrics, scorecard, fairness, bonus, ledger)
 * on numbers it chose, with no INI and no CSV.
 *
 * Ownership: everything the builders make is heap-owned exactly as
 * config_load() and the loaders own it, so config_release() and
 * company_release() free it all (fixture_release() calls both). A test may
 * change numbers and enums in place; a string or array it puts into the
 * config or company itself must be its own heap copy (xstrdup), since the
 * release functions free it. Failures (a bad period or date) fail the
 * running cmocka test.
 *
 *   struct config cfg;
 *   struct company c;
 *   fixture_config_init(&cfg);
 *   fixture_company_init(&c, "2026-10");
 *   fixture_add_employee(&c, &cfg, "E1", "Sales")->raw_score = 85;
 *   ...
 *   fixture_release(&cfg, &c);
 */
#ifndef MERIT_TESTS_FIXTURE_H
#define MERIT_TESTS_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "model.h"
#include "util/period.h"

/* fixture_add_kpi() target meaning "target = table" (the targets input). */
#define FIXTURE_TARGET_TABLE (-1.0)

/*
 * The config a minimal INI gives (config_init(): score_cap 120, training
 * 2 points a course up to 5, bonus CNY capped at 3 months, min_days 15,
 * probation/试用 ineligible, policy reweight/error, 360 weights 50/30/20/0,
 * history 2/3/3, fairness none by department, min_group 5) plus locale en,
 * path "merit.ini", every input's file_display "<input>.csv", and the
 * SPEC 8 bands 优秀 | Excellent 90 x1.5,
 * 合格 | Qualified 80 x1.0, 待改进 | Needs improvement 0 x0. No metrics,
 * KPIs or roles yet.
 */
void fixture_config_init(struct config *cfg);

/* Appends a rating band (keep them highest threshold first). label is
 * "中文 | English" or one text for both halves. Returns its index. */
int fixture_add_band(struct config *cfg, const char *label, double threshold,
		     double multiplier);

/* Appends a metric with no field, filter or ratio parts, format number,
 * labelled by its name. Returns its index. */
int fixture_add_metric(struct config *cfg, const char *name, enum input_kind from,
		       enum metric_agg agg, enum metric_scope scope);

/* Appends a ratio metric num / den (indexes into cfg->metrics). */
int fixture_add_ratio(struct config *cfg, const char *name, int num, int den,
		      enum metric_scope scope);

/* Appends a linear KPI on metric with cap 120, floor 0; target is a number
 * or FIXTURE_TARGET_TABLE. Returns its index. */
int fixture_add_kpi(struct config *cfg, const char *name, int metric, double target,
		    enum kpi_direction dir, enum dimension dim, enum perspective persp);

/* Makes KPI k score by the n bands (highest threshold first, copied). */
void fixture_kpi_bands(struct config *cfg, int k, const struct score_band *bands, size_t n);

/* Appends a role; label as for bands (NULL: the name), kpis copied (n may
 * be 0).   struct role_kpi w[] = { { k_sales, 60 }, { k_csat, 40 } };
 *          fixture_add_role(cfg, "sales", "销售 | Sales", 1.2, w, 2);   */
int fixture_add_role(struct config *cfg, const char *name, const char *label,
		     double value_coefficient, const struct role_kpi *kpis, size_t n);

/* Appends a [bonus.pools] department pool; pool_cents is left as it is. */
void fixture_add_pool(struct config *cfg, const char *department, int64_t cents);

/* A forced distribution: one share (percent) per rating band, copied. */
void fixture_set_forced(struct config *cfg, const double *shares, int per_group);

/* The period (or date) the text names; fails the test when it does not parse. */
struct period fixture_period(const char *text);
int32_t fixture_date(const char *iso);

/* company_init() for the period the text names. */
void fixture_company_init(struct company *c, const char *period);

/*
 * Appends an employee as HR would give it: id (also the name), department
 * (interned, and as the HR department text; NULL for none), status active,
 * salary 10,000.00, hired 2020-01-01 and still employed, in scope and
 * eligible, role 0, HR line index + 2, a zeroed metric per cfg metric (no
 * metrics when cfg is NULL), and findable by company_find(). The pointer is
 * valid until the next add.
 */
struct employee *fixture_add_employee(struct company *c, const struct config *cfg,
				      const char *id, const char *department);

/* The employee with that id; fails the test when there is none. */
struct employee *fixture_employee(struct company *c, const char *id);

/* Sets metric m of e as present with value v over records rows. */
void fixture_set_metric(struct employee *e, int m, double v, uint32_t records);

/* Rows of the small inputs. Target scope: 0 employee, 1 role, 2 department,
 * 3 company (key "" then); line is the row's line in targets.csv. */
void fixture_add_target(struct company *c, int scope, const char *key, int kpi,
			const char *period, double value, int line);
/* A metrics-input row for an employee (dept NULL) or a department (id NULL). */
void fixture_add_metric_row(struct company *c, const char *emp_id, const char *dept,
			    const char *period, const char *metric, double value);
/* A 360 review (dimension attitude) between two employees already added. */
void fixture_add_review(struct company *c, const char *by, const char *of,
			enum review_relation rel, double score);
/* A training row of an employee already added. */
void fixture_add_training(struct company *c, const char *who, const char *course,
			  const char *date, double hours, int passed);

/* config_release() and company_release(); either may be NULL. */
void fixture_release(struct config *cfg, struct company *c);

/*
 * A private scratch folder for a test binary: the group setup makes
 * "$TMPDIR/merit-<program>-XXXXXX" (/tmp when TMPDIR is unset) and puts its
 * path in fixture_tmp, the group teardown removes it with all in it.
 *   static const char *const tmpdir = fixture_tmp;
 *   return cmocka_run_group_tests(tests, fixture_tmp_setup, fixture_tmp_teardown);
 */
extern char fixture_tmp[];
int fixture_tmp_setup(void **state);
int fixture_tmp_teardown(void **state);
/* Writes len bytes of data to fixture_tmp/name (fails the test when it
 * cannot); returns the path, valid until the next call. */
const char *fixture_tmp_file(const char *name, const char *data, size_t len);

struct diag;
/* The diag as main.c would print it (caller frees). */
char *fixture_diag_text(const struct diag *d);
/* Fails the running test unless the formatted diag contains want. */
void fixture_assert_diag_says(const struct diag *d, const char *want);

#endif
