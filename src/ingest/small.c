/*
 * small: the inputs kept as rows in the company (targets, metrics, reviews,
 * training). They are small (one row per employee and period at most), so
 * there is nothing to stream; every row is checked against HR and the
 * config as it is read.
 */
#include "ingest/ingest_internal.h"
#include "ingest/loader.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/strbuf.h"

#include <string.h>

static const char *const scope_names[] = { "employee", "role", "department", "company" };

static int index_of(const char *const *names, int n, const char *s)
{
	int i;
	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

static int require(struct loader *ld, int field)
{
	if (*loader_text(ld, field))
		return 1;
	loader_problem(ld, ROW_MISSING_FIELD, field, "%s is empty",
		       schema_inputs[ld->in].fields[field].name);
	return 0;
}

/* The employee an id names, or -1 after an unknown_employee problem. */
static long employee(struct loader *ld, int field)
{
	const char *id = loader_text(ld, field);
	long e;
	if (!require(ld, field))
		return -1;
	e = company_find(ld->c, id);
	if (e < 0)
		loader_problem(ld, ROW_UNKNOWN_EMPLOYEE, field, "%s '%s' is not in the HR export",
			       schema_inputs[ld->in].fields[field].name, id);
	return e;
}

static int period_cell(struct loader *ld, int field, struct period *p)
{
	const char *s = loader_text(ld, field);
	if (!require(ld, field))
		return -1;
	if (period_parse(s, date_today(), p) == 0)
		return 0;
	loader_problem(ld, ROW_BAD_DATE, field, "period '%s' is not a month, quarter or year", s);
	diag_hint(ld->d, "write 2026-10, 2026-Q4 or 2026");
	return -1;
}

static void target_row(struct loader *ld)
{
	struct company *c = ld->c;
	const char *scope = NULL, *key = loader_text(ld, TARGETS_KEY);
	const char *kpi = loader_text(ld, TARGETS_KPI);
	struct target_row t;
	int rc;
	memset(&t, 0, sizeof(t));
	t.kpi = -1;
	t.line = ld->row.row_line;
	if (loader_value(ld, TARGETS_SCOPE, &scope) == 0)
		require(ld, TARGETS_SCOPE);
	if (scope)
		t.scope = index_of(scope_names, 4, scope);
	if (require(ld, TARGETS_KPI) && (t.kpi = config_kpi_index(ld->cfg, kpi)) < 0)
		loader_problem(ld, ROW_BAD_VALUE, TARGETS_KPI, "kpi '%s' is not a [kpi.NAME]", kpi);
	period_cell(ld, TARGETS_PERIOD, &t.period);
	rc = loader_number(ld, TARGETS_TARGET, &t.value);
	if (scope && t.scope == 0 && require(ld, TARGETS_KEY))
		employee(ld, TARGETS_KEY);
	if (scope && t.scope == 1 && require(ld, TARGETS_KEY)) {
		int r = config_role_find(ld->cfg, key);
		if (r < 0)
			loader_problem(ld, ROW_UNKNOWN_ROLE, TARGETS_KEY, "role '%s' matches no [role.NAME]", key);
		else
			key = ld->cfg->roles[r].name;   /* one spelling for compute to match */
	}
	if (scope && t.scope == 2)
		require(ld, TARGETS_KEY);
	if (ld->bad || rc == 0)
		return;   /* an empty target is no target: on_missing_target decides */
	t.key = xstrdup(t.scope == 3 ? "" : key);
	ALLOC_GROW(c->targets, c->ntargets + 1, c->targets_alloc);
	c->targets[c->ntargets++] = t;
	ld->st->rows_used++;
}

static void metric_row(struct loader *ld)
{
	struct company *c = ld->c;
	const char *id = loader_text(ld, METRICS_EMPLOYEE_ID);
	const char *dept = loader_text(ld, METRICS_DEPARTMENT);
	struct metric_row m;
	int rc;
	memset(&m, 0, sizeof(m));
	m.line = ld->row.row_line;
	if (*id)
		employee(ld, METRICS_EMPLOYEE_ID);
	else if (!*dept)
		loader_problem(ld, ROW_MISSING_FIELD, METRICS_EMPLOYEE_ID,
			       "employee_id and department are both empty");
	period_cell(ld, METRICS_PERIOD, &m.period);
	require(ld, METRICS_METRIC);
	rc = loader_number(ld, METRICS_VALUE, &m.value);
	if (ld->bad || rc == 0)
		return;   /* an empty value is a missing measurement */
	m.employee_id = *id ? xstrdup(id) : NULL;
	m.department = *id ? NULL : company_intern(c, dept);
	m.metric = xstrdup(loader_text(ld, METRICS_METRIC));
	ALLOC_GROW(c->metric_rows, c->nmetric_rows + 1, c->metric_rows_alloc);
	c->metric_rows[c->nmetric_rows++] = m;
	ld->st->rows_used++;
}

static void review_row(struct loader *ld)
{
	struct company *c = ld->c;
	const char *rel = NULL, *dim = NULL;
	struct review_row r;
	long from, to;
	int rc;
	memset(&r, 0, sizeof(r));
	r.line = ld->row.row_line;
	from = employee(ld, REVIEWS_REVIEWER_ID);
	to = employee(ld, REVIEWS_REVIEWEE_ID);
	if (loader_value(ld, REVIEWS_RELATION, &rel) == 0)
		require(ld, REVIEWS_RELATION);
	if (loader_value(ld, REVIEWS_DIMENSION, &dim) == 0)
		require(ld, REVIEWS_DIMENSION);
	rc = loader_number(ld, REVIEWS_SCORE, &r.score);
	if (rc > 0 && (r.score < 1 || r.score > 5))
		loader_problem(ld, ROW_BAD_NUMBER, REVIEWS_SCORE, "score '%s' is not between 1 and 5",
			       loader_text(ld, REVIEWS_SCORE));
	if (ld->bad || rc == 0 || from < 0 || to < 0)
		return;   /* an empty score is no review */
	r.reviewer = (size_t)from;
	r.reviewee = (size_t)to;
	r.relation = (enum review_relation)index_of(relation_names, REL_COUNT, rel);
	r.dimension = (enum dimension)index_of(dimension_names, DIM_COUNT, dim);
	if ((int)r.relation < 0 || (int)r.dimension < 0)
		BUG("value set and enum names disagree: '%s', '%s'", rel, dim);
	r.comment = xstrdup(loader_text(ld, REVIEWS_COMMENT));
	ALLOC_GROW(c->reviews, c->nreviews + 1, c->reviews_alloc);
	c->reviews[c->nreviews++] = r;
	ld->st->rows_used++;
}

static void training_row(struct loader *ld)
{
	struct company *c = ld->c;
	const char *passed = NULL;
	struct training_row t;
	long e;
	memset(&t, 0, sizeof(t));
	t.line = ld->row.row_line;
	t.date = DATE_NONE;
	e = employee(ld, TRAINING_EMPLOYEE_ID);
	require(ld, TRAINING_COURSE);
	if (loader_date(ld, TRAINING_DATE, &t.date) == 0)
		require(ld, TRAINING_DATE);
	if (loader_number(ld, TRAINING_HOURS, &t.hours) > 0 && t.hours < 0)
		loader_problem(ld, ROW_BAD_NUMBER, TRAINING_HOURS, "hours '%s' is negative",
			       loader_text(ld, TRAINING_HOURS));
	loader_value(ld, TRAINING_PASSED, &passed);
	if (ld->bad || e < 0)
		return;
	t.employee = (size_t)e;
	t.course = xstrdup(loader_text(ld, TRAINING_COURSE));
	t.passed = passed && !strcmp(passed, "yes");
	ALLOC_GROW(c->training, c->ntraining + 1, c->training_alloc);
	c->training[c->ntraining++] = t;
	ld->st->rows_used++;
}

static int load_rows(struct company *c, const struct config *cfg, struct diag *d,
		     enum input_kind in, void (*row)(struct loader *))
{
	struct loader ld;
	int rc = loader_open(&ld, c, cfg, in, d);
	if (rc <= 0)
		return rc;
	while ((rc = loader_next(&ld)) > 0)
		row(&ld);
	loader_close(&ld);
	return rc < 0 ? -1 : 0;
}

int ingest_targets(struct company *c, const struct config *cfg, struct diag *d)
{
	return load_rows(c, cfg, d, INPUT_TARGETS, target_row);
}

int ingest_metrics(struct company *c, const struct config *cfg, struct diag *d)
{
	return load_rows(c, cfg, d, INPUT_METRICS, metric_row);
}

int ingest_reviews(struct company *c, const struct config *cfg, struct diag *d)
{
	return load_rows(c, cfg, d, INPUT_REVIEWS, review_row);
}

int ingest_training(struct company *c, const struct config *cfg, struct diag *d)
{
	return load_rows(c, cfg, d, INPUT_TRAINING, training_row);
}
