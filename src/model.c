/*
 * model: lifecycle of struct company and its string interning.
 */
#include "model.h"
#include "util/date.h"
#include "util/num.h"
#include "util/strbuf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const dept_type_names[DEPT_TYPE_COUNT] = { "business", "management", "service" };
const char *const target_scope_names[TARGET_SCOPE_COUNT] = {
	"employee", "role", "department", "company"
};
const char *const override_kind_names[OVERRIDE_KIND_COUNT] = {
	"actual", "target", "rating", "exclude"
};

void company_init(struct company *c, const struct period *p)
{
	memset(c, 0, sizeof(*c));
	c->period = *p;
	strmap_init(&c->by_id);
	strmap_init(&c->hr_set_aside);
	strmap_init(&c->interned);
	c->gender_gap_mean_pct = NAN;
	c->gender_gap_median_pct = NAN;
}

static void employee_release(struct employee *e)
{
	if (e->hr_block) {
		free(e->hr_block);   /* every text below points into it */
	} else {
		free(e->id);
		free(e->name);
		free(e->email);
		free(e->role_text);
		free(e->grade);
		free(e->manager_id);
		free(e->status);
		free(e->gender);
		free(e->cost_centre);
	}
	free(e->metrics);
	free(e->kpis);
	free(e->overrides);
	free(e->past);
}

void company_release(struct company *c)
{
	size_t i;
	for (i = 0; i < c->nemps; i++)
		employee_release(&c->emps[i]);
	free(c->emps);
	for (i = 0; i < c->ngroups; i++) {
		free(c->groups[i].rating_count);
		free(c->groups[i].forced_size);
	}
	free(c->groups);
	free(c->forced_size);
	company_drop_rows(c, ROWS_METRICS | ROWS_TARGETS | ROWS_REVIEWS);
	free(c->training);
	for (i = 0; i < c->noverrides; i++) {
		free(c->overrides[i].reason);
		free(c->overrides[i].approved_by);
	}
	free(c->overrides);
	free(c->team_start);
	free(c->team_idx);
	free(c->details);
	for (i = 0; i < c->ndetail_of; i++)
		free(c->detail_of[i]);
	free(c->detail_of);
	strmap_release(&c->by_id);
	strmap_release(&c->hr_set_aside);
	strlist_release(&c->hr_set_aside_keys);
	strlist_release(&c->hr_set_aside_why);
	strmap_release(&c->interned);
	for (i = 0; i < c->ninterned; i++)
		free(c->interned_strs[i]);
	free(c->interned_strs);
	memset(c, 0, sizeof(*c));
}

void company_drop_rows(struct company *c, unsigned rows)
{
	size_t i;
	if (rows & ROWS_TARGETS) {
		for (i = 0; i < c->ntargets; i++)
			free(c->targets[i].key);
		free(c->targets);
		c->targets = NULL;
		c->ntargets = c->targets_alloc = 0;
	}
	if (rows & ROWS_METRICS) {
		for (i = 0; i < c->nmetric_rows; i++)
			free(c->metric_rows[i].employee_id);
		free(c->metric_rows);
		c->metric_rows = NULL;
		c->nmetric_rows = c->metric_rows_alloc = 0;
	}
	if (rows & ROWS_REVIEWS) {
		free(c->reviews);
		c->reviews = NULL;
		c->nreviews = c->reviews_alloc = 0;
	}
}

uint32_t company_add_detail(struct company *c)
{
	ALLOC_GROW(c->details, c->ndetails + 1, c->details_alloc);
	memset(&c->details[c->ndetails], 0, sizeof(*c->details));
	if (c->ndetails >= UINT32_MAX - 1)
		BUG("more than 2^32 metric details");
	return (uint32_t)++c->ndetails;
}

void company_link_detail(struct company *c, size_t nmetrics, size_t m, size_t emp, uint32_t ref)
{
	if (!ref && (m >= c->ndetail_of || !c->detail_of[m]))
		return;
	if (!c->detail_of) {
		c->detail_of = xcalloc(nmetrics + 1, sizeof(*c->detail_of));
		c->ndetail_of = nmetrics;
	}
	if (m >= c->ndetail_of || emp >= c->nemps)
		BUG("metric detail %zu/%zu out of range", m, emp);
	if (!c->detail_of[m])
		c->detail_of[m] = xcalloc(c->nemps + 1, sizeof(**c->detail_of));
	c->detail_of[m][emp] = ref;
}

const struct metric_detail *company_detail(const struct company *c, size_t m, size_t emp)
{
	uint32_t ref;
	if (m >= c->ndetail_of || !c->detail_of[m] || emp >= c->nemps)
		return NULL;
	ref = c->detail_of[m][emp];
	return ref ? &c->details[ref - 1] : NULL;
}

const char *company_intern(struct company *c, const char *s)
{
	size_t idx;
	char *copy;
	if (strmap_get(&c->interned, s, &idx))
		return c->interned_strs[idx];
	copy = xstrdup(s);
	ALLOC_GROW(c->interned_strs, c->ninterned + 1, c->interned_alloc);
	c->interned_strs[c->ninterned] = copy;
	strmap_put(&c->interned, copy, c->ninterned);
	c->ninterned++;
	return copy;
}

long company_find(const struct company *c, const char *id)
{
	size_t idx;
	return strmap_get(&c->by_id, id, &idx) ? (long)idx : -1;
}

struct employee *company_add_employee(struct company *c)
{
	struct employee *e;
	ALLOC_GROW(c->emps, c->nemps + 1, c->emps_alloc);
	e = &c->emps[c->nemps++];
	memset(e, 0, sizeof(*e));
	e->hire_date = e->leave_date = DATE_NONE;
	e->role = -1;
	e->rating = -1;
	e->cap_cents = INT64_MAX;
	return e;
}

const char *employee_hr_text(const struct employee *e, int field)
{
	const char *p = e->hr_block, *s = NULL;
	int i;
	if (field < 0 || field >= HR_NFIELDS)
		return "";
	if (p) {
		for (i = 0; i < field; i++)
			p += strlen(p) + 1;
		return p;
	}
	switch (field) {
	case HR_EMPLOYEE_ID: s = e->id; break;
	case HR_NAME: s = e->name; break;
	case HR_EMAIL: s = e->email; break;
	case HR_DEPARTMENT: s = e->department; break;
	case HR_ROLE: s = e->role_text; break;
	case HR_GRADE: s = e->grade; break;
	case HR_MANAGER_ID: s = e->manager_id; break;
	case HR_STATUS: s = e->status; break;
	case HR_GENDER: s = e->gender; break;
	case HR_COST_CENTRE: s = e->cost_centre; break;
	default: break;
	}
	return s ? s : "";
}

/* A linear scan: an employee has a handful of KPIs. */
const struct kpi_result *employee_kpi(const struct employee *e, size_t kpi)
{
	size_t i;
	for (i = 0; i < e->nkpis; i++)
		if (e->kpis[i].kpi >= 0 && (size_t)e->kpis[i].kpi == kpi)
			return &e->kpis[i];
	return NULL;
}

/* A figure at results.csv precision without trailing zeros: 812000, 0.85. */
static void add_figure(struct strbuf *sb, int present, double v)
{
	size_t start = sb->len;
	if (!present) {
		strbuf_addstr(sb, "missing");
		return;
	}
	num_add_round4(sb, v);
	while (sb->len > start && sb->buf[sb->len - 1] == '0')
		sb->len--;
	if (sb->len > start && sb->buf[sb->len - 1] == '.')
		sb->len--;
	sb->buf[sb->len] = '\0';
}

static const char *band_text(const struct config *cfg, int band, enum locale loc)
{
	return band >= 0 && (size_t)band < cfg->nbands ? label_get(&cfg->bands[band].label, loc)
						       : "none";
}

void override_describe(const struct override_row *o, const struct config *cfg,
		       enum locale loc, struct strbuf *sb)
{
	strbuf_addstr(sb, override_kind_names[o->kind]);
	switch (o->kind) {
	case OVERRIDE_ACTUAL:
	case OVERRIDE_TARGET:
		strbuf_addf(sb, " %s: ", cfg->kpis[o->kpi].name);
		add_figure(sb, o->had_before, o->before);
		strbuf_addstr(sb, " -> ");
		add_figure(sb, 1, o->value);
		break;
	case OVERRIDE_RATING:
		strbuf_addf(sb, ": %s -> %s", band_text(cfg, o->band_before, loc),
			    band_text(cfg, o->band, loc));
		break;
	default:
		strbuf_addstr(sb, o->eligible_before ? ": eligible -> excluded"
						     : ": not eligible -> excluded");
		break;
	}
}

size_t company_team_size(const struct company *c, size_t m)
{
	if (!c->team_start || m >= c->nemps)
		return 0;
	return c->team_start[m + 1] - c->team_start[m];
}

const struct trend_point *employee_prev(const struct company *c, const struct employee *e)
{
	if (!c->npast || !e->past || !e->past[c->npast - 1].present)
		return NULL;
	return &e->past[c->npast - 1];
}
