/*
 * metrics: every [metric.NAME] per in-scope employee (SPEC 5).
 *
 * Three steps, so that shared goals and ratios compose:
 *   1. own values: what each employee produced alone. Sales metrics arrive
 *      from ingest (aggregated while streaming); the metrics, reviews,
 *      training inputs are aggregated here, each in one pass over its rows.
 *   2. group values (a department, or the whole company), computed lazily
 *      from the members' own values: sums and counts add up, averages are
 *      weighted by their rows, min/max over members, a ratio is the group's
 *      numerator over the group's denominator, turnover counts the group.
 *   3. final values: scope = employee takes the own value (a ratio takes
 *      its num/den final values), scope = department | company gives every
 *      member the group value. Ratios are resolved depth first, so they may
 *      refer to other ratios in any order; a cycle is a configuration error.
 * Only in-scope employees take part in any group aggregate.
 */
#include "compute/metrics.h"
#include "model.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/strbuf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Rows of the small inputs, per period length (month, quarter, year). */
enum { KIND_MONTH, KIND_QUARTER, KIND_YEAR, KIND_COUNT };

struct acc {
	double sum, min, max;
	uint32_t n;
};

struct mctx {
	struct company *c;
	const struct config *cfg;
	struct diag *d;
	size_t nemps, ndepts, ngroups;   /* groups: departments, then the company */
	size_t *group_of;                /* employee -> department group */
	uint32_t *members;               /* per group: in-scope employees */
	struct metric_value **own;       /* [metric] -> [employee], while resolving it */
	uint32_t **own_why;              /* like own, review360: its detail (company_add_detail) */
	struct metric_value *deptrow;    /* [metric][group]: department rows (metrics input) */
	struct metric_value *grp;        /* [metric][group], memoised */
	uint32_t *grp_why;               /* like grp, turnover: its detail */
	unsigned char *grp_done;
	int *state;                      /* per metric: 0 todo, 1 resolving, 2 done */
	unsigned char *ratio_part;       /* per metric: the num or den of a ratio */
	struct strmap *depts;            /* department name -> group */
};

static void acc_add(struct acc *a, double v)
{
	if (!a->n || v < a->min)
		a->min = v;
	if (!a->n || v > a->max)
		a->max = v;
	a->sum += v;
	a->n++;
}

static struct metric_value acc_value(const struct acc *a, enum metric_agg agg)
{
	struct metric_value v = { 0 };
	if (!a->n)
		return v;
	v.present = 1;
	v.records = a->n;
	switch (agg) {
	case AGG_SUM: v.value = a->sum; break;
	case AGG_COUNT:
	case AGG_COUNT_DISTINCT: v.value = a->n; break;
	case AGG_MIN: v.value = a->min; break;
	case AGG_MAX: v.value = a->max; break;
	default: v.value = a->sum / a->n; break;   /* avg */
	}
	return v;
}

static int period_kind_index(const struct period *p)
{
	return p->nmonths == 1 ? KIND_MONTH : p->nmonths == 3 ? KIND_QUARTER : KIND_YEAR;
}

/*
 * A quarterly run may see a quarterly row and the monthly rows of the same
 * quarter for one employee: adding both would count twice. The longest
 * period present wins (the run's own period is the longest possible).
 */
static struct metric_value acc_pick(const struct acc *per_kind, enum metric_agg agg)
{
	int k;
	for (k = KIND_COUNT - 1; k >= 0; k--)
		if (per_kind[k].n)
			return acc_value(&per_kind[k], agg);
	return acc_value(&per_kind[0], agg);
}

static void build_groups(struct mctx *x, struct strmap *depts)
{
	size_t i, g;
	for (i = 0; i < x->nemps; i++) {
		const char *dept = x->c->emps[i].department ? x->c->emps[i].department : "";
		if (!strmap_get(depts, dept, &g)) {
			g = x->ndepts++;
			strmap_put(depts, dept, g);
		}
		x->group_of[i] = g;
	}
	x->ngroups = x->ndepts + 1;
	x->members = xcalloc(x->ngroups, sizeof(*x->members));
	for (i = 0; i < x->nemps; i++)
		if (x->c->emps[i].in_scope) {
			x->members[x->group_of[i]]++;
			x->members[x->ndepts]++;
		}
}

/* from = metrics: employee rows, department rows (SAMPLE-NAMES.md). */
static void own_from_metrics(struct mctx *x, size_t m, const struct strmap *depts)
{
	const struct metric_def *def = &x->cfg->metrics[m];
	const char *name = def->source_name ? def->source_name : def->name;
	struct acc *emp = xcalloc(x->nemps * KIND_COUNT, sizeof(*emp));
	struct acc *dep = xcalloc(x->ngroups * KIND_COUNT, sizeof(*dep));
	size_t i, g;

	for (i = 0; i < x->c->nmetric_rows; i++) {
		const struct metric_row *r = &x->c->metric_rows[i];
		int k = period_kind_index(&r->period);
		if (strcmp(r->metric, name) || !period_within(&r->period, &x->c->period))
			continue;
		if (r->employee_id) {
			long e = company_find(x->c, r->employee_id);
			if (e >= 0)
				acc_add(&emp[(size_t)e * KIND_COUNT + k], r->value);
		} else if (r->department && strmap_get(depts, r->department, &g)) {
			acc_add(&dep[g * KIND_COUNT + k], r->value);
			/* The company slot collects every department row. */
			acc_add(&dep[x->ndepts * KIND_COUNT + k], r->value);
		}
	}
	for (i = 0; i < x->nemps; i++)
		if (x->c->emps[i].in_scope)
			x->own[m][i] = acc_pick(&emp[i * KIND_COUNT], def->agg);
	for (g = 0; g < x->ngroups; g++)
		x->deptrow[m * x->ngroups + g] = acc_pick(&dep[g * KIND_COUNT], def->agg);
	free(emp);
	free(dep);
}

static int filter_match(const struct metric_filter *f, const char *value)
{
	size_t i;
	for (i = 0; i < f->values.nr; i++)
		if (!strcasecmp(f->values.items[i], value))
			return 1;
	return 0;
}

/* `where = relation:peer|manager`, `where = dimension:attitude`. */
static int review_passes(const struct metric_def *def, const struct review_row *r)
{
	size_t i;
	for (i = 0; i < def->nwhere; i++) {
		const struct metric_filter *f = &def->where[i];
		if (f->field == REVIEWS_RELATION && !filter_match(f, relation_names[r->relation]))
			return 0;
		if (f->field == REVIEWS_DIMENSION && !filter_match(f, dimension_names[r->dimension]))
			return 0;
	}
	return 1;
}

/* cmp_review's order: relation, then reviewer, then file order (the row
 * index), a total order, so any sort gives the same sequence. */
static int cmp_review(const void *pa, const void *pb, void *rows_)
{
	const struct review_row *rows = rows_;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	const struct review_row *x = &rows[a], *y = &rows[b];
	if (x->relation != y->relation)
		return x->relation < y->relation ? -1 : 1;
	if (x->reviewer != y->reviewer)
		return x->reviewer < y->reviewer ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* One reviewee's row indexes into cmp_review's order. */
static void sort_reviews(const struct review_row *rows, uint32_t *idx, size_t n)
{
	qsort_r(idx, n, sizeof(*idx), cmp_review, (void *)rows);
}

/* Where a value's parts go: a new company detail when explain keeps them
 * (returns its reference), else scratch (returns 0: nothing to link). */
static uint32_t detail_new(struct company *c, struct metric_detail *scratch,
			   struct metric_detail **why)
{
	uint32_t ref;
	if (!c->keep_details) {
		*why = scratch;
		return 0;
	}
	ref = company_add_detail(c);
	*why = &c->details[ref - 1];
	return ref;
}

/*
 * review360 of one reviewee from its sorted rows [lo, hi): 25 × (s − 1) per
 * row, a mean per relation, relations with too few distinct reviewers or a
 * zero weight drop out, the rest are weighted and re-normalised.
 */
static struct metric_value review360(const struct mctx *x, const uint32_t *idx,
				     size_t lo, size_t hi, uint32_t *why_ref)
{
	struct metric_detail scratch = { 0 }, *why;
	uint32_t ref = detail_new(x->c, &scratch, &why);
	const struct review_conf *rc = &x->cfg->reviews;
	double sum[REL_COUNT] = { 0 }, wsum = 0, total = 0;
	uint32_t n[REL_COUNT] = { 0 }, reviewers[REL_COUNT] = { 0 }, used = 0;
	struct metric_value v = { 0 };
	size_t i;
	int rel;

	for (i = lo; i < hi; i++) {
		const struct review_row *r = &x->c->reviews[idx[i]];
		const struct review_row *prev = i > lo ? &x->c->reviews[idx[i - 1]] : NULL;
		sum[r->relation] += 25.0 * (r->score - 1.0);
		n[r->relation]++;
		if (!prev || r->relation != prev->relation || r->reviewer != prev->reviewer)
			reviewers[r->relation]++;
	}
	for (rel = 0; rel < REL_COUNT; rel++) {
		int need = rc->min_reviewers[rel] > 0 ? rc->min_reviewers[rel] : 1;
		why->reviews[rel] = n[rel];
		why->reviewers[rel] = reviewers[rel];
		why->mean[rel] = n[rel] ? sum[rel] / n[rel] : 0;
		if (!n[rel] || reviewers[rel] < (uint32_t)need || rc->weight[rel] <= 0)
			continue;
		total += rc->weight[rel] * (sum[rel] / n[rel]);
		wsum += rc->weight[rel];
		used += n[rel];
	}
	if (wsum > 0) {
		v.present = 1;
		v.value = total / wsum;
		v.records = used;
	}
	*why_ref = ref;
	return v;
}

/* from = reviews: review360, or a plain aggregate of the 1-5 scores. */
static void own_from_reviews(struct mctx *x, size_t m)
{
	const struct metric_def *def = &x->cfg->metrics[m];
	uint32_t *idx;            /* row indexes, grouped by reviewee */
	uint32_t *start = xcalloc(x->nemps + 2, sizeof(*start));
	size_t n = 0, i, who;

	/* Grouped by reviewee with a counting sort, then each reviewee's few
	 * rows sorted: the order of one qsort over all, without its copy. */
	for (i = 0; i < x->c->nreviews; i++) {
		const struct review_row *r = &x->c->reviews[i];
		if (r->reviewee < x->nemps && x->c->emps[r->reviewee].in_scope &&
		    review_passes(def, r))
			start[r->reviewee + 2]++;
	}
	for (i = 2; i < x->nemps + 2; i++)
		start[i] += start[i - 1];
	n = start[x->nemps + 1];
	idx = xmalloc((n + 1) * sizeof(*idx));
	for (i = 0; i < x->c->nreviews; i++) {
		const struct review_row *r = &x->c->reviews[i];
		if (r->reviewee < x->nemps && x->c->emps[r->reviewee].in_scope &&
		    review_passes(def, r))
			idx[start[r->reviewee + 1]++] = (uint32_t)i;
	}
	/* start[who] .. start[who + 1]: the reviewee's rows, in file order */
	for (who = 0; who < x->nemps; who++) {
		size_t lo = start[who], hi = start[who + 1];
		if (lo == hi)
			continue;
		sort_reviews(x->c->reviews, idx + lo, hi - lo);
		if (def->agg == AGG_REVIEW360) {
			uint32_t none;
			x->own[m][who] = review360(x, idx, lo, hi,
						   x->own_why[m] ? &x->own_why[m][who] : &none);
		} else {
			struct acc a = { 0 };
			size_t j;
			for (j = lo; j < hi; j++)
				acc_add(&a, x->c->reviews[idx[j]].score);
			x->own[m][who] = acc_value(&a, def->agg);
		}
	}
	free(start);
	free(idx);
}

/* from = training: passed courses dated in the period; count, or hours. */
static void own_from_training(struct mctx *x, size_t m)
{
	const struct metric_def *def = &x->cfg->metrics[m];
	struct acc *a = xcalloc(x->nemps ? x->nemps : 1, sizeof(*a));
	struct u64set seen;
	size_t i, j;

	u64set_init(&seen);

	for (i = 0; i < x->c->ntraining; i++) {
		const struct training_row *t = &x->c->training[i];
		int ok = t->passed && t->employee < x->nemps && t->date != DATE_NONE &&
			 period_contains(&x->c->period, t->date);
		for (j = 0; ok && j < def->nwhere; j++)
			if (def->where[j].field == TRAINING_COURSE)
				ok = filter_match(&def->where[j], t->course ? t->course : "");
		/* count_distinct counts a course passed twice (a retake) once */
		if (ok && def->agg == AGG_COUNT_DISTINCT) {
			const char *course = t->course ? t->course : "";
			ok = u64set_add(&seen, str_hash(course, strlen(course)) ^
					((uint64_t)t->employee * 0x9E3779B97F4A7C15ULL));
		}
		if (ok)
			acc_add(&a[t->employee], isnan(t->hours) ? 0.0 : t->hours);
	}
	u64set_release(&seen);
	for (i = 0; i < x->nemps; i++) {
		struct metric_value *v = &x->own[m][i];
		if (!x->c->emps[i].in_scope)
			continue;
		*v = acc_value(&a[i], def->agg);
		/* No course is a real zero, as with sales (SPEC 5). */
		if (def->agg == AGG_SUM || def->agg == AGG_COUNT || def->agg == AGG_COUNT_DISTINCT)
			v->present = 1;
	}
	free(a);
}

static void own_from_sales(struct mctx *x, size_t m)
{
	const struct metric_def *def = &x->cfg->metrics[m];
	size_t i;
	for (i = 0; i < x->nemps; i++) {
		const struct employee *e = &x->c->emps[i];
		struct metric_value *v = &x->own[m][i];
		if (!e->in_scope)
			continue;
		if (e->metrics)
			*v = e->metrics[m];
		if (def->agg == AGG_SUM || def->agg == AGG_COUNT || def->agg == AGG_COUNT_DISTINCT)
			v->present = 1;   /* no sales rows: a real zero */
	}
}

static int in_group(const struct mctx *x, size_t i, size_t g)
{
	return x->c->emps[i].in_scope && (g == x->ndepts || x->group_of[i] == g);
}

/* Leavers in the period / mean headcount of its first and last day,
 * annualised (SPEC 5). The dates alone put everyone counted in scope; the
 * in_scope test leaves out those scope_compute removed for another reason
 * (an unknown role), as every other group aggregate does. */
static struct metric_value turnover(const struct mctx *x, size_t g, uint32_t *why_ref)
{
	const struct period *p = &x->c->period;
	struct metric_value v = { 0 };
	struct metric_detail scratch = { 0 }, *why;
	uint32_t ref = detail_new(x->c, &scratch, &why);
	uint32_t leavers = 0, hc_first = 0, hc_last = 0;
	size_t i;
	for (i = 0; i < x->nemps; i++) {
		const struct employee *e = &x->c->emps[i];
		int hired_first, hired_last;
		if (!e->in_scope || (g != x->ndepts && x->group_of[i] != g))
			continue;
		hired_first = e->hire_date == DATE_NONE || e->hire_date <= p->first;
		hired_last = e->hire_date == DATE_NONE || e->hire_date <= p->last;
		if (hired_first && (e->leave_date == DATE_NONE || e->leave_date >= p->first))
			hc_first++;
		if (hired_last && (e->leave_date == DATE_NONE || e->leave_date >= p->last))
			hc_last++;
		if (e->leave_date != DATE_NONE && period_contains(p, e->leave_date))
			leavers++;
	}
	why->leavers = leavers;
	why->hc_first = hc_first;
	why->hc_last = hc_last;
	*why_ref = ref;
	if (hc_first + hc_last == 0)
		return v;
	v.present = 1;
	v.value = leavers / ((hc_first + hc_last) / 2.0) * 365.0 / p->ndays;
	v.records = leavers;
	return v;
}

static struct metric_value ratio_of(struct metric_value num, struct metric_value den)
{
	struct metric_value v = { 0 };
	if (!num.present || !den.present || den.value == 0.0)
		return v;
	v.present = 1;
	v.value = num.value / den.value;
	v.records = den.records;
	return v;
}

/* Members' own values combined by the metric's aggregate (resolve() made
 * them: a ratio resolves its parts first and keeps them). */
static struct metric_value combine_members(struct mctx *x, size_t m, size_t g)
{
	enum metric_agg agg = x->cfg->metrics[m].agg;
	struct metric_value v = { 0 };
	double wsum = 0, sum = 0;
	size_t i, nmembers = 0;

	if (!x->own[m])
		BUG("metric '%s' combined before it was resolved", x->cfg->metrics[m].name);
	for (i = 0; i < x->nemps; i++) {
		const struct metric_value *o = &x->own[m][i];
		if (!in_group(x, i, g) || !o->present)
			continue;
		if (agg == AGG_MIN ? (!nmembers || o->value < v.value) :
		    agg == AGG_MAX ? (!nmembers || o->value > v.value) : 0)
			v.value = o->value;
		if (agg == AGG_AVG) {
			/* weighted by rows: the mean over every row of the group */
			double w = o->records ? o->records : 1;
			sum += o->value * w;
			wsum += w;
		} else {
			sum += o->value;
		}
		v.records += o->records;
		nmembers++;
	}
	if (!nmembers)
		return v;
	v.present = 1;
	if (agg == AGG_AVG)
		v.value = sum / wsum;
	else if (agg == AGG_REVIEW360)
		v.value = sum / nmembers;
	else if (agg != AGG_MIN && agg != AGG_MAX)
		v.value = sum;   /* sum, count, count_distinct */
	return v;
}

static struct metric_value group_value(struct mctx *x, size_t m, size_t g)
{
	const struct metric_def *def = &x->cfg->metrics[m];
	size_t slot = m * x->ngroups + g;
	struct metric_value v;

	if (x->grp_done[slot])
		return x->grp[slot];
	if (def->agg == AGG_RATIO) {
		v = ratio_of(group_value(x, (size_t)def->num, g), group_value(x, (size_t)def->den, g));
	} else if (def->agg == AGG_TURNOVER) {
		v = turnover(x, g, &x->grp_why[slot]);
	} else if (def->from == INPUT_METRICS && g < x->ndepts && x->deptrow[slot].present) {
		v = x->deptrow[slot];   /* the department's own figure wins */
	} else {
		v = combine_members(x, m, g);
		if (!v.present && def->from == INPUT_METRICS && g == x->ndepts)
			v = x->deptrow[slot];
	}
	v.members = x->members[g];
	x->grp[slot] = v;
	x->grp_done[slot] = 1;
	return v;
}

/*
 * The employees' own values of metric m, computed when m is resolved and
 * freed after: one [employee] column at a time instead of a [metric]
 * [employee] table (74 MB at 100,000 people and 23 metrics).
 */
static void own_compute(struct mctx *x, size_t m)
{
	const struct metric_def *def = &x->cfg->metrics[m];
	x->own[m] = xcalloc(x->nemps + 1, sizeof(*x->own[m]));
	if (def->agg == AGG_REVIEW360 && x->c->keep_details)
		x->own_why[m] = xcalloc(x->nemps + 1, sizeof(*x->own_why[m]));
	switch (def->from) {
	case INPUT_SALES: own_from_sales(x, m); break;
	case INPUT_METRICS: own_from_metrics(x, m, x->depts); break;
	case INPUT_REVIEWS: own_from_reviews(x, m); break;
	case INPUT_TRAINING: own_from_training(x, m); break;
	default: break;   /* hr offers turnover only (config checks) */
	}
}

static int resolve(struct mctx *x, size_t m)
{
	const struct metric_def *def = &x->cfg->metrics[m];
	size_t i;

	if (x->state[m] == 2)
		return 0;
	if (x->state[m] == 1)
		return diag_error(x->d, MERIT_CONFIG, x->cfg->path, def->line, 0,
				  "metric '%s' depends on itself through its ratio", def->name);
	x->state[m] = 1;
	if (def->agg != AGG_RATIO && def->agg != AGG_TURNOVER)
		own_compute(x, m);
	if (def->agg == AGG_RATIO) {
		if (def->num < 0 || def->den < 0 || (size_t)def->num >= x->cfg->nmetrics ||
		    (size_t)def->den >= x->cfg->nmetrics)
			return diag_error(x->d, MERIT_CONFIG, x->cfg->path, def->line, 0,
					  "ratio metric '%s' has no num or den metric", def->name);
		if (resolve(x, (size_t)def->num) < 0 || resolve(x, (size_t)def->den) < 0)
			return -1;
	}
	for (i = 0; i < x->nemps; i++) {
		struct employee *e = &x->c->emps[i];
		struct metric_value *f = &e->metrics[m];
		size_t g = def->scope == SCOPE_COMPANY ? x->ndepts : x->group_of[i];
		uint32_t why = 0;
		if (!e->in_scope)
			continue;
		if (def->agg == AGG_TURNOVER || def->scope != SCOPE_EMPLOYEE) {
			*f = group_value(x, m, g);
			why = x->grp_why[m * x->ngroups + g];
		} else if (def->agg == AGG_RATIO) {
			*f = ratio_of(e->metrics[def->num], e->metrics[def->den]);
		} else if (!x->own[m][i].present && def->from == INPUT_METRICS) {
			*f = x->deptrow[m * x->ngroups + g];   /* the department's row */
		} else {
			*f = x->own[m][i];
			why = x->own_why[m] ? x->own_why[m][i] : 0;
		}
		company_link_detail(x->c, x->cfg->nmetrics, m, i, why);
	}
	x->state[m] = 2;
	/* A ratio's group values read its parts' own values later; no other
	 * metric reads this one's. */
	if (!x->ratio_part[m]) {
		free(x->own[m]);
		x->own[m] = NULL;
	}
	free(x->own_why[m]);   /* what resolved values keep is linked now */
	x->own_why[m] = NULL;
	return 0;
}

int metrics_compute(struct company *c, const struct config *cfg, struct diag *d)
{
	struct mctx x;
	struct strmap depts;
	size_t nm = cfg->nmetrics, i, m;
	int ret = 0;

	memset(&x, 0, sizeof(x));
	x.c = c;
	x.cfg = cfg;
	x.d = d;
	x.nemps = c->nemps;
	x.group_of = xcalloc(c->nemps + 1, sizeof(*x.group_of));
	strmap_init(&depts);
	build_groups(&x, &depts);
	x.own = xcalloc(nm + 1, sizeof(*x.own));
	x.own_why = xcalloc(nm + 1, sizeof(*x.own_why));
	x.ratio_part = xcalloc(nm + 1, 1);
	for (m = 0; m < nm; m++)
		if (cfg->metrics[m].agg == AGG_RATIO)
			for (i = 0; i < 2; i++) {
				int part = i ? cfg->metrics[m].den : cfg->metrics[m].num;
				if (part >= 0 && (size_t)part < nm)
					x.ratio_part[part] = 1;
			}
	x.depts = &depts;
	x.deptrow = xcalloc(nm * x.ngroups + 1, sizeof(*x.deptrow));
	x.grp = xcalloc(nm * x.ngroups + 1, sizeof(*x.grp));
	x.grp_why = xcalloc(nm * x.ngroups + 1, sizeof(*x.grp_why));
	x.grp_done = xcalloc(nm * x.ngroups + 1, 1);
	x.state = xcalloc(nm + 1, sizeof(*x.state));
	/*
	 * resolve() writes the final values straight into e->metrics of the
	 * in-scope employees (the others keep what ingest left them; they count
	 * nowhere): no second [metric][employee] table, which at 100,000
	 * people and 23 metrics was 74 MB of the peak.
	 */
	for (i = 0; i < c->nemps; i++)
		if (!c->emps[i].metrics)
			c->emps[i].metrics = xcalloc(nm + 1, sizeof(*c->emps[i].metrics));

	for (m = 0; m < nm && ret == 0; m++)
		ret = resolve(&x, m);

	strmap_release(&depts);
	free(x.group_of);
	free(x.members);
	for (m = 0; m < nm; m++) {
		free(x.own[m]);   /* left by a resolve() that failed */
		free(x.own_why[m]);
	}
	free(x.own);
	free(x.own_why);
	free(x.grp_why);
	free(x.ratio_part);
	free(x.deptrow);
	free(x.grp);
	free(x.grp_done);
	free(x.state);
	return ret;
}
