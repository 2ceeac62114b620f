/*
 * small: the inputs kept as rows in the company (targets, metrics, reviews,
 * training). They are small (one row per employee and period at most), so
 * there is nothing to stream; every row is checked against HR and the
 * config as it is read, so a row that nothing downstream would match (an
 * unknown metric name or department) is reported here instead of being
 * silently ignored by compute.
 */
#include "ingest/ingest_internal.h"
#include "ingest/loader.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * What the rows of one input are checked against, built once per input:
 * HR's departments, the metric names the config reads from the metrics
 * input, and the targets seen so far.
 */
struct small {
	struct loader ld;
	struct strmap dept_exact;    /* HR spelling -> index into depts */
	struct strmap dept_folded;   /* ASCII lower case -> index into depts */
	const char **depts;          /* interned HR spellings */
	size_t ndepts;
	struct strlist folded;       /* keys of dept_folded */
	const char **metric_names;   /* source names of from = metrics metrics */
	size_t nmetric_names;
	struct strmap seen;          /* target identity -> line of its first row */
	struct strlist seen_keys;
	struct strlist unused;       /* metric names no [metric.NAME] reads */
	size_t unused_rows;
};

static char *fold(const char *s)
{
	char *t = xstrdup(s), *p;
	for (p = t; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return t;
}

static void small_init(struct small *sm)
{
	const struct company *c = sm->ld.c;
	const struct config *cfg = sm->ld.cfg;
	size_t i, j;
	strmap_init(&sm->dept_exact);
	strmap_init(&sm->dept_folded);
	strmap_init(&sm->seen);
	sm->depts = xcalloc(c->nemps + 1, sizeof(*sm->depts));
	for (i = 0; i < c->nemps; i++) {
		const char *d = c->emps[i].department;
		char *f;
		size_t k;
		if (!d || !*d || strmap_get(&sm->dept_exact, d, &k))
			continue;
		strmap_put(&sm->dept_exact, d, sm->ndepts);
		f = fold(d);
		strlist_push(&sm->folded, f);
		free(f);
		/* "Sales East" and "sales east" both in HR: the first spelling wins */
		if (!strmap_get(&sm->dept_folded, sm->folded.items[sm->folded.nr - 1], &k))
			strmap_put(&sm->dept_folded, sm->folded.items[sm->folded.nr - 1], sm->ndepts);
		sm->depts[sm->ndepts++] = d;
	}
	sm->metric_names = xcalloc(cfg->nmetrics + 1, sizeof(*sm->metric_names));
	for (i = 0; i < cfg->nmetrics; i++) {
		const struct metric_def *m = &cfg->metrics[i];
		const char *name = m->source_name ? m->source_name : m->name;
		if (m->from != INPUT_METRICS || m->agg == AGG_RATIO)
			continue;
		for (j = 0; j < sm->nmetric_names && strcmp(sm->metric_names[j], name); j++)
			;
		if (j == sm->nmetric_names)
			sm->metric_names[sm->nmetric_names++] = name;
	}
}

static void small_release(struct small *sm)
{
	strmap_release(&sm->dept_exact);
	strmap_release(&sm->dept_folded);
	strmap_release(&sm->seen);
	strlist_release(&sm->folded);
	strlist_release(&sm->seen_keys);
	strlist_release(&sm->unused);
	free(sm->depts);
	free(sm->metric_names);
}

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
	if (!require(ld, field))
		return -1;
	return loader_employee(ld, field, ROW_UNKNOWN_EMPLOYEE,
			       schema_inputs[ld->in].fields[field].name);
}

/*
 * A period written in a data row: never "auto", which would make the row
 * mean another month depending on the day of the run.
 */
static int period_cell(struct loader *ld, int field, struct period *p)
{
	const char *s = loader_text(ld, field);
	if (!require(ld, field))
		return -1;
	if (period_parse_fixed(s, p) == 0)
		return 0;
	if (!strcasecmp(s, "auto")) {
		loader_problem(ld, ROW_BAD_DATE, field, "period 'auto' is not allowed in a data row");
		diag_hint(ld->d, "auto is for [run] period only; write the month, quarter or year "
			  "the row is for: 2026-10, 2026-Q4 or 2026");
		return -1;
	}
	loader_problem(ld, ROW_BAD_DATE, field, "period '%s' is not a month, quarter or year", s);
	diag_hint(ld->d, "write 2026-10, 2026-Q4 or 2026");
	return -1;
}

/*
 * The HR spelling of a department named in a row (exact, else ignoring
 * ASCII case, as compute compares them), or NULL after an
 * unknown_department problem.
 */
static const char *department(struct small *sm, int field)
{
	struct loader *ld = &sm->ld;
	const char *text = loader_text(ld, field);
	const char *near;
	char *f;
	size_t k;
	int found;
	if (strmap_get(&sm->dept_exact, text, &k))
		return sm->depts[k];
	f = fold(text);
	found = strmap_get(&sm->dept_folded, f, &k);
	free(f);
	if (found)
		return sm->depts[k];
	loader_problem(ld, ROW_UNKNOWN_DEPARTMENT, field, "department '%s' is not in the HR export",
		       text);
	near = config_nearest(text, sm->depts, sm->ndepts);
	if (near)
		diag_hint(ld->d, "did you mean '%s'?", near);
	else
		diag_hint(ld->d, "write the department as the HR export's department column does");
	return NULL;
}

/*
 * The config's spelling of a metric name (exact, else ignoring ASCII case:
 * "CSAT" is csat), or NULL. A name close to one the config reads is taken
 * for a typo: a bad_value problem with a hint. Any other name is a metric
 * measured elsewhere that this config does not score (exports carry more
 * than a scorecard uses): not an error, counted and noted once per input.
 */
static const char *metric_name(struct small *sm, int field)
{
	struct loader *ld = &sm->ld;
	const char *text = loader_text(ld, field);
	struct strbuf known = STRBUF_INIT;
	const char *near;
	size_t i;
	for (i = 0; i < sm->nmetric_names; i++)
		if (!strcmp(sm->metric_names[i], text))
			return sm->metric_names[i];
	for (i = 0; i < sm->nmetric_names; i++)
		if (!strcasecmp(sm->metric_names[i], text))
			return sm->metric_names[i];
	near = config_nearest(text, sm->metric_names, sm->nmetric_names);
	if (!near) {
		for (i = 0; i < sm->unused.nr && strcmp(sm->unused.items[i], text); i++)
			;
		if (i == sm->unused.nr)
			strlist_push(&sm->unused, text);
		sm->unused_rows++;
		return NULL;
	}
	for (i = 0; i < sm->nmetric_names; i++)
		strbuf_addf(&known, "%s%s", i ? ", " : "", sm->metric_names[i]);
	loader_problem(ld, ROW_BAD_VALUE, field, "metric '%s' is not one of %s", text, known.buf);
	diag_hint(ld->d, "did you mean '%s'?", near);
	strbuf_release(&known);
	return NULL;
}

static int target_is_new(struct small *sm, const struct target_row *t, const char *key)
{
	struct loader *ld = &sm->ld;
	struct strbuf id = STRBUF_INIT;
	size_t first;
	int fresh;
	strbuf_addf(&id, "%d\x1f%s\x1f%d\x1f%s", t->scope, key, t->kpi, t->period.label);
	fresh = !strmap_get(&sm->seen, id.buf, &first);
	if (fresh) {
		strlist_push(&sm->seen_keys, id.buf);
		strmap_put(&sm->seen, sm->seen_keys.items[sm->seen_keys.nr - 1], (size_t)t->line);
	} else if (t->scope == 3) {
		loader_problem(ld, ROW_DUPLICATE_RECORD, TARGETS_SCOPE,
			       "target for company kpi '%s' %s appears again (first at line %zu)",
			       ld->cfg->kpis[t->kpi].name, t->period.label, first);
	} else {
		loader_problem(ld, ROW_DUPLICATE_RECORD, TARGETS_SCOPE,
			       "target for %s '%s' kpi '%s' %s appears again (first at line %zu)",
			       target_scope_names[t->scope], key, ld->cfg->kpis[t->kpi].name,
			       t->period.label, first);
	}
	strbuf_release(&id);
	return fresh;
}

static void target_row(struct small *sm)
{
	struct loader *ld = &sm->ld;
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
		t.scope = index_of(target_scope_names, TARGET_SCOPE_COUNT, scope);
	if (require(ld, TARGETS_KPI) && (t.kpi = config_kpi_index(ld->cfg, kpi)) < 0)
		loader_problem(ld, ROW_BAD_VALUE, TARGETS_KPI, "kpi '%s' is not a [kpi.NAME]", kpi);
	period_cell(ld, TARGETS_PERIOD, &t.period);
	rc = loader_number(ld, TARGETS_TARGET, &t.value);
	if (scope && t.scope == 0 && require(ld, TARGETS_KEY)) {
		long e = employee(ld, TARGETS_KEY);
		if (e >= 0)
			key = c->emps[e].id;   /* employee_key = alt_id: compute matches ids */
	}
	if (scope && t.scope == 1 && require(ld, TARGETS_KEY)) {
		int r = config_role_find(ld->cfg, key);
		if (r < 0)
			loader_problem(ld, ROW_UNKNOWN_ROLE, TARGETS_KEY, "role '%s' matches no [role.NAME]", key);
		else
			key = ld->cfg->roles[r].name;   /* one spelling for compute to match */
	}
	if (scope && t.scope == 2 && require(ld, TARGETS_KEY))
		key = department(sm, TARGETS_KEY);
	if (ld->bad || rc == 0)
		return;   /* an empty target is no target: on_missing_target decides */
	if (t.scope == 3)
		key = "";
	if (!target_is_new(sm, &t, key))
		return;
	t.key = xstrdup(key);
	ALLOC_GROW(c->targets, c->ntargets + 1, c->targets_alloc);
	c->targets[c->ntargets++] = t;
	ld->st->rows_used++;
}

static void metric_row(struct small *sm)
{
	struct loader *ld = &sm->ld;
	struct company *c = ld->c;
	const char *id = loader_text(ld, METRICS_EMPLOYEE_ID);
	const char *dept = NULL, *name = NULL;
	struct metric_row m;
	long e;
	int rc;
	memset(&m, 0, sizeof(m));
	m.line = ld->row.row_line;
	if (*id) {
		/* employee_key = email or name: compute matches HR ids */
		if ((e = employee(ld, METRICS_EMPLOYEE_ID)) >= 0)
			id = c->emps[e].id;
	} else if (!*loader_text(ld, METRICS_DEPARTMENT))
		loader_problem(ld, ROW_MISSING_FIELD, METRICS_EMPLOYEE_ID,
			       "employee_id and department are both empty");
	else
		dept = department(sm, METRICS_DEPARTMENT);
	period_cell(ld, METRICS_PERIOD, &m.period);
	if (require(ld, METRICS_METRIC))
		name = metric_name(sm, METRICS_METRIC);
	rc = loader_number(ld, METRICS_VALUE, &m.value);
	if (ld->bad || rc == 0 || !name)
		return;   /* an empty value is a missing measurement */
	m.employee_id = *id ? xstrdup(id) : NULL;
	m.department = *id ? NULL : dept;
	m.metric = company_intern(c, name);   /* a few names over many rows */
	ALLOC_GROW(c->metric_rows, c->nmetric_rows + 1, c->metric_rows_alloc);
	c->metric_rows[c->nmetric_rows++] = m;
	ld->st->rows_used++;
}

static void review_row(struct small *sm)
{
	struct loader *ld = &sm->ld;
	struct company *c = ld->c;
	const char *rel = NULL, *dim = NULL;
	struct review_row r;
	long from, to;
	int rc, relation, dimension;
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
	r.reviewer = (uint32_t)from;
	r.reviewee = (uint32_t)to;
	relation = index_of(relation_names, REL_COUNT, rel);
	dimension = index_of(dimension_names, DIM_COUNT, dim);
	if (relation < 0 || dimension < 0)
		BUG("value set and enum names disagree: '%s', '%s'", rel, dim);
	r.relation = (unsigned char)relation;
	r.dimension = (unsigned char)dimension;
	ALLOC_GROW(c->reviews, c->nreviews + 1, c->reviews_alloc);
	c->reviews[c->nreviews++] = r;
	ld->st->rows_used++;
}

static void training_row(struct small *sm)
{
	struct loader *ld = &sm->ld;
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
	t.course = company_intern(c, loader_text(ld, TRAINING_COURSE));
	t.passed = passed && !strcmp(passed, "yes");
	ALLOC_GROW(c->training, c->ntraining + 1, c->training_alloc);
	c->training[c->ntraining++] = t;
	ld->st->rows_used++;
}

static int load_rows(struct company *c, const struct config *cfg, struct diag *d,
		     enum input_kind in, void (*row)(struct small *))
{
	struct small sm;
	int rc;
	memset(&sm, 0, sizeof(sm));
	rc = loader_open(&sm.ld, c, cfg, in, d);
	if (rc <= 0)
		return rc;
	small_init(&sm);
	while ((rc = loader_next(&sm.ld)) > 0)
		row(&sm);
	if (sm.unused_rows) {
		struct strbuf names = STRBUF_INIT;
		size_t i;
		for (i = 0; i < sm.unused.nr; i++)
			strbuf_addf(&names, "%s%s", i ? ", " : "", sm.unused.items[i]);
		diag_note(d, "%s: %zu rows for metrics no [metric.NAME] reads, not used: %s",
			  cfg->inputs[in].file, sm.unused_rows, names.buf);
		strbuf_release(&names);
	}
	loader_close(&sm.ld);
	small_release(&sm);
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
