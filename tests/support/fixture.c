/*
 * fixture: builders for hand-made configs and companies (see fixture.h).
 * Every string is copied, so config_release() and company_release() can
 * free what these functions make the same way they free a loaded run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/strbuf.h"

/* "中文 | English" -> both halves; one text fills both (as config_load). */
static void label_of(struct label *l, const char *text)
{
	const char *bar = strstr(text, " | ");
	if (!bar) {
		l->zh = xstrdup(text);
		l->en = xstrdup(text);
		return;
	}
	l->zh = xstrndup(text, (size_t)(bar - text));
	l->en = xstrdup(bar + 3);
}

void fixture_config_init(struct config *cfg)
{
	int i;
	config_init(cfg);
	cfg->path = xstrdup("merit.ini");
	cfg->locale = LOCALE_EN;
	for (i = 0; i < INPUT_COUNT; i++)
		cfg->inputs[i].file_display = xstrfmt("%s.csv", schema_inputs[i].name);
	/* SPEC 8 default bands */
	fixture_add_band(cfg, "优秀 | Excellent", 90, 1.5);
	fixture_add_band(cfg, "合格 | Qualified", 80, 1.0);
	fixture_add_band(cfg, "待改进 | Needs improvement", 0, 0);
}

int fixture_add_band(struct config *cfg, const char *label, double threshold,
		     double multiplier)
{
	struct rating_band *b;
	cfg->bands = xrealloc(cfg->bands, (cfg->nbands + 1) * sizeof(*b));
	b = &cfg->bands[cfg->nbands];
	memset(b, 0, sizeof(*b));
	label_of(&b->label, label);
	b->threshold = threshold;
	b->multiplier = multiplier;
	return (int)cfg->nbands++;
}

int fixture_add_metric(struct config *cfg, const char *name, enum input_kind from,
		       enum metric_agg agg, enum metric_scope scope)
{
	struct metric_def *m;
	cfg->metrics = xrealloc(cfg->metrics, (cfg->nmetrics + 1) * sizeof(*m));
	m = &cfg->metrics[cfg->nmetrics];
	memset(m, 0, sizeof(*m));
	m->name = xstrdup(name);
	m->from = from;
	m->agg = agg;
	m->scope = scope;
	m->field = -1;
	m->num = m->den = -1;
	m->format = FMT_NUMBER;
	label_of(&m->label, name);
	return (int)cfg->nmetrics++;
}

int fixture_add_ratio(struct config *cfg, const char *name, int num, int den,
		      enum metric_scope scope)
{
	int m = fixture_add_metric(cfg, name, INPUT_SALES, AGG_RATIO, scope);
	cfg->metrics[m].num = num;
	cfg->metrics[m].den = den;
	return m;
}

int fixture_add_kpi(struct config *cfg, const char *name, int metric, double target,
		    enum kpi_direction dir, enum dimension dim, enum perspective persp)
{
	struct kpi_def *k;
	cfg->kpis = xrealloc(cfg->kpis, (cfg->nkpis + 1) * sizeof(*k));
	k = &cfg->kpis[cfg->nkpis];
	memset(k, 0, sizeof(*k));
	k->name = xstrdup(name);
	label_of(&k->label, name);
	k->metric = metric;
	k->target_from_table = target == FIXTURE_TARGET_TABLE;
	k->target = k->target_from_table ? 0 : target;
	k->direction = dir;
	k->scoring = SCORING_LINEAR;
	k->cap = 120;
	k->floor = 0;
	k->dimension = dim;
	k->perspective = persp;
	return (int)cfg->nkpis++;
}

void fixture_kpi_bands(struct config *cfg, int k, const struct score_band *bands, size_t n)
{
	struct kpi_def *kpi = &cfg->kpis[k];
	free(kpi->bands);
	kpi->scoring = SCORING_BANDS;
	kpi->nbands = n;
	kpi->bands = xcalloc(n, sizeof(*bands));
	memcpy(kpi->bands, bands, n * sizeof(*bands));
}

int fixture_add_role(struct config *cfg, const char *name, const char *label,
		     double value_coefficient, const struct role_kpi *kpis, size_t n)
{
	struct role_def *r;
	cfg->roles = xrealloc(cfg->roles, (cfg->nroles + 1) * sizeof(*r));
	r = &cfg->roles[cfg->nroles];
	memset(r, 0, sizeof(*r));
	r->name = xstrdup(name);
	label_of(&r->label, label ? label : name);
	r->value_coefficient = value_coefficient;
	if (n) {
		r->kpis = xcalloc(n, sizeof(*kpis));
		memcpy(r->kpis, kpis, n * sizeof(*kpis));
	}
	r->nkpis = n;
	return (int)cfg->nroles++;
}

void fixture_add_pool(struct config *cfg, const char *department, int64_t cents)
{
	struct dept_pool *p;
	cfg->bonus.pools = xrealloc(cfg->bonus.pools, (cfg->bonus.npools + 1) * sizeof(*p));
	p = &cfg->bonus.pools[cfg->bonus.npools++];
	p->department = xstrdup(department);
	p->cents = cents;
}

void fixture_set_forced(struct config *cfg, const double *shares, int per_group)
{
	free(cfg->fairness.forced_shares);
	cfg->fairness.forced = 1;
	cfg->fairness.forced_shares = xcalloc(cfg->nbands, sizeof(*shares));
	memcpy(cfg->fairness.forced_shares, shares, cfg->nbands * sizeof(*shares));
	cfg->fairness.forced_per_group = per_group;
}

struct period fixture_period(const char *text)
{
	struct period p;
	assert_int_equal(period_parse(text, 0, &p), 0);
	return p;
}

int32_t fixture_date(const char *iso)
{
	int32_t d;
	assert_int_equal(date_parse(iso, NULL, 0, &d), DATE_OK);
	return d;
}

void fixture_company_init(struct company *c, const char *period)
{
	struct period p = fixture_period(period);
	company_init(c, &p);
}

struct employee *fixture_add_employee(struct company *c, const struct config *cfg,
				      const char *id, const char *department)
{
	struct employee *e = company_add_employee(c);
	e->id = xstrdup(id);
	e->name = xstrdup(id);
	if (department)
		e->department = company_intern(c, department);
	e->status = xstrdup("active");
	e->base_salary = 1000000;   /* 10,000.00 */
	e->hire_date = date_from_ymd(2020, 1, 1);
	e->leave_date = DATE_NONE;
	e->line = (int)c->nemps + 1;
	e->in_scope = 1;
	e->eligible = 1;
	if (cfg)
		e->metrics = xcalloc(cfg->nmetrics + 1, sizeof(*e->metrics));
	strmap_put(&c->by_id, e->id, c->nemps - 1);
	return e;
}

struct employee *fixture_employee(struct company *c, const char *id)
{
	long i = company_find(c, id);
	size_t k;
	if (i >= 0 && !strcmp(c->emps[i].id, id))
		return &c->emps[i];
	/* a test may have reordered the employees */
	for (k = 0; k < c->nemps; k++)
		if (!strcmp(c->emps[k].id, id))
			return &c->emps[k];
	fail_msg("no employee %s", id);
	return NULL;
}

void fixture_set_metric(struct employee *e, int m, double v, uint32_t records)
{
	e->metrics[m].present = 1;
	e->metrics[m].value = v;
	e->metrics[m].records = records;
}

void fixture_add_target(struct company *c, int scope, const char *key, int kpi,
			const char *period, double value, int line)
{
	struct target_row *t;
	ALLOC_GROW(c->targets, c->ntargets + 1, c->targets_alloc);
	t = &c->targets[c->ntargets++];
	memset(t, 0, sizeof(*t));
	t->scope = scope;
	t->key = xstrdup(key);
	t->kpi = kpi;
	t->period = fixture_period(period);
	t->value = value;
	t->line = line;
}

void fixture_add_metric_row(struct company *c, const char *emp_id, const char *dept,
			    const char *period, const char *metric, double value)
{
	struct metric_row *r;
	ALLOC_GROW(c->metric_rows, c->nmetric_rows + 1, c->metric_rows_alloc);
	r = &c->metric_rows[c->nmetric_rows++];
	memset(r, 0, sizeof(*r));
	r->employee_id = emp_id ? xstrdup(emp_id) : NULL;
	r->department = dept ? company_intern(c, dept) : NULL;
	r->period = fixture_period(period);
	r->metric = company_intern(c, metric);
	r->value = value;
	r->line = (int)c->nmetric_rows + 1;
}

void fixture_add_review(struct company *c, const char *by, const char *of,
			enum review_relation rel, double score)
{
	struct review_row *r;
	ALLOC_GROW(c->reviews, c->nreviews + 1, c->reviews_alloc);
	r = &c->reviews[c->nreviews++];
	memset(r, 0, sizeof(*r));
	r->reviewer = (size_t)company_find(c, by);
	r->reviewee = (size_t)company_find(c, of);
	r->relation = rel;
	r->dimension = DIM_ATTITUDE;
	r->score = score;
}

void fixture_add_training(struct company *c, const char *who, const char *course,
			  const char *date, double hours, int passed)
{
	struct training_row *t;
	ALLOC_GROW(c->training, c->ntraining + 1, c->training_alloc);
	t = &c->training[c->ntraining++];
	memset(t, 0, sizeof(*t));
	t->employee = (size_t)company_find(c, who);
	t->course = company_intern(c, course);
	t->date = fixture_date(date);
	t->hours = hours;
	t->passed = passed;
}

void fixture_release(struct config *cfg, struct company *c)
{
	if (cfg)
		config_release(cfg);
	if (c)
		company_release(c);
}

char *fixture_diag_text(const struct diag *d)
{
	struct strbuf sb = STRBUF_INIT;
	diag_format(d, &sb, DIAG_NOTE);
	return strbuf_detach(&sb, NULL);
}

void fixture_assert_diag_says(const struct diag *d, const char *want)
{
	char *text = fixture_diag_text(d);
	if (!strstr(text, want))
		fail_msg("'%s' not in:\n%s", want, text);
	free(text);
}

char fixture_tmp[256];

int fixture_tmp_setup(void **state)
{
	const char *base = getenv("TMPDIR");
	int n = snprintf(fixture_tmp, sizeof(fixture_tmp), "%s/merit-%s-XXXXXX",
			 base && *base ? base : "/tmp", program_invocation_short_name);
	(void)state;
	if (n < 0 || (size_t)n >= sizeof(fixture_tmp))
		return -1;
	return mkdtemp(fixture_tmp) ? 0 : -1;
}

int fixture_tmp_teardown(void **state)
{
	(void)state;
	return file_remove_tree(fixture_tmp) == 0 ? 0 : -1;
}

const char *fixture_tmp_file(const char *name, const char *data, size_t len)
{
	static char path[512];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", fixture_tmp, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}
