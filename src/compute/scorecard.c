/*
 * scorecard: from metrics to one raw score per in-scope employee (SPEC 5,
 * 6, 8): the target of every KPI of the employee's role, achievement,
 * score (linear or bands), the missing-data policies with reweighting,
 * sub-scores per dimension and perspective, training points, the score cap,
 * and a first rating from the raw score (fairness replaces it later).
 *
 * Targets from the targets input, the rule written down in DECISIONS.md:
 *   - scope precedence employee > role > department > company; within a
 *     scope a row of the run's own period beats a longer period containing
 *     it, which beats shorter periods inside it;
 *   - a longer period's target (a quarter's, for a monthly run) is
 *     prorated by months (× 1/3) when the KPI's metric adds up over time
 *     (sum, count, count_distinct); a rate (avg, ratio, ...) is kept as is;
 *   - shorter periods inside the run (months of a quarterly run) are added
 *     up for an additive metric, averaged for a rate; only the rows present
 *     count, and the source text says how many there were.
 */
#include "compute/scorecard.h"
#include "model.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/strbuf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const scope_names[4] = { "employee", "role", "department", "company" };

int rating_for_score(const struct config *cfg, double score)
{
	double r = num_round4(score);   /* what results.csv prints decides (SPEC 8) */
	size_t i;
	if (!cfg->nbands)
		return -1;
	for (i = 0; i < cfg->nbands; i++)
		if (r >= cfg->bands[i].threshold)
			return (int)i;
	return (int)cfg->nbands - 1;
}

/*
 * The targets indexed once per run. Matching a row used to mean scanning
 * every row for every employee x KPI, quadratic in the headcount (93 % of a
 * 100k-employee run). Rows are grouped by "KPI \x1f scope \x1f key" (the
 * KPI number first, so the key, which may hold any byte, is the unambiguous
 * tail); each group lists its rows in file order, which the precedence
 * rules below rely on. Keys of role and department rows are folded to ASCII
 * lower case, as the strcasecmp matching they replace (merit never calls
 * setlocale, so strcasecmp folds ASCII only); employee ids match exactly.
 */
struct target_index {
	struct strmap map;        /* composite key -> group */
	char **keys;              /* one owned composite key per group */
	size_t *head, *tail;      /* per group: its first and last row */
	size_t *next;             /* per row: the next row of its group */
	size_t ngroups;
	struct strbuf probe;      /* scratch key for lookups */
	size_t *found;            /* scratch: the rows matching one scope */
	size_t nfound, found_alloc;
};

#define NO_ROW ((size_t)-1)

static void index_key(struct strbuf *sb, int kpi, int scope, const char *key)
{
	char num[24];
	const char *p;
	int n = 0;
	unsigned v = kpi < 0 ? 0u - (unsigned)kpi : (unsigned)kpi;
	/* no printf: this runs for every employee x KPI x scope */
	do
		num[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	strbuf_reset(sb);
	if (kpi < 0)
		strbuf_addch(sb, '-');
	while (n)
		strbuf_addch(sb, num[--n]);
	strbuf_addch(sb, '\x1f');
	strbuf_addch(sb, (char)('0' + scope));
	strbuf_addch(sb, '\x1f');
	for (p = key; *p; p++)
		strbuf_addch(sb, scope == 0 ? *p : (*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
}

static void target_index_init(struct target_index *ti, const struct company *c)
{
	size_t i, g;
	memset(ti, 0, sizeof(*ti));
	strmap_init(&ti->map);
	strbuf_init(&ti->probe, 64);
	ti->keys = xcalloc(c->ntargets + 1, sizeof(*ti->keys));
	ti->head = xcalloc(c->ntargets + 1, sizeof(*ti->head));
	ti->tail = xcalloc(c->ntargets + 1, sizeof(*ti->tail));
	ti->next = xcalloc(c->ntargets + 1, sizeof(*ti->next));
	for (i = 0; i < c->ntargets; i++) {
		const struct target_row *t = &c->targets[i];
		ti->next[i] = NO_ROW;
		/* rows that no employee can match stay out of every group */
		if (t->scope < 0 || t->scope > 3 || (t->scope < 3 && !t->key))
			continue;
		index_key(&ti->probe, t->kpi, t->scope, t->scope < 3 ? t->key : "");
		if (strmap_get(&ti->map, ti->probe.buf, &g)) {
			ti->next[ti->tail[g]] = i;
			ti->tail[g] = i;
			continue;
		}
		g = ti->ngroups++;
		ti->keys[g] = strbuf_detach(&ti->probe, NULL);
		ti->head[g] = ti->tail[g] = i;
		strmap_put(&ti->map, ti->keys[g], g);
	}
}

static void target_index_release(struct target_index *ti)
{
	size_t g;
	strmap_release(&ti->map);
	for (g = 0; g < ti->ngroups; g++)
		free(ti->keys[g]);
	free(ti->keys);
	free(ti->head);
	free(ti->tail);
	free(ti->next);
	free(ti->found);
	strbuf_release(&ti->probe);
}

/* Appends the rows of one group to ti->found. */
static void index_collect(struct target_index *ti, int kpi, int scope, const char *key)
{
	size_t g, i;
	if (!key)
		return;
	index_key(&ti->probe, kpi, scope, key);
	if (!strmap_get(&ti->map, ti->probe.buf, &g))
		return;
	for (i = ti->head[g]; i != NO_ROW; i = ti->next[i]) {
		ALLOC_GROW(ti->found, ti->nfound + 1, ti->found_alloc);
		ti->found[ti->nfound++] = i;
	}
}

static int cmp_row(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Fills ti->found with the rows of KPI k and the scope that apply to e, in
 * file order. A role matches by its NAME or either label half: up to three
 * keys, whose groups are disjoint unless two keys fold to the same text
 * (then that group is taken once).
 */
static void index_find(struct target_index *ti, const struct config *cfg,
		       const struct employee *e, int k, int scope)
{
	ti->nfound = 0;
	if (scope == 0) {
		index_collect(ti, k, 0, e->id);
	} else if (scope == 1) {
		const char *names[3];
		int i, j;
		if (e->role < 0)
			return;
		names[0] = cfg->roles[e->role].name;
		names[1] = cfg->roles[e->role].label.zh;
		names[2] = cfg->roles[e->role].label.en;
		for (i = 0; i < 3; i++) {
			for (j = 0; j < i; j++)
				if (names[i] && names[j] && !strcasecmp(names[i], names[j]))
					break;
			if (j == i)
				index_collect(ti, k, 1, names[i]);
		}
		if (ti->nfound > 1)   /* qsort(NULL, 0, ..) is undefined */
			qsort(ti->found, ti->nfound, sizeof(*ti->found), cmp_row);
	} else if (scope == 2) {
		index_collect(ti, k, 2, e->department);
	} else {
		index_collect(ti, k, 3, "");
	}
}

static int metric_is_additive(const struct config *cfg, const struct kpi_def *k)
{
	enum metric_agg agg;
	if (k->metric < 0 || (size_t)k->metric >= cfg->nmetrics)
		return 0;
	agg = cfg->metrics[k->metric].agg;
	return agg == AGG_SUM || agg == AGG_COUNT || agg == AGG_COUNT_DISTINCT;
}

static int period_inside(const struct period *in, const struct period *out)
{
	return in->first >= out->first && in->last <= out->last;
}

/*
 * Finds the target of KPI k for employee e; fills *value and the source
 * text. Returns 0 when no row applies.
 */
static int target_from_table(const struct company *c, const struct config *cfg,
			     struct target_index *ti, const struct employee *e, int k,
			     double *value, struct strbuf *src)
{
	const struct period *run = &c->period;
	const char *file = cfg->inputs[INPUT_TARGETS].file_display ?
			   cfg->inputs[INPUT_TARGETS].file_display : "targets";
	int additive = metric_is_additive(cfg, &cfg->kpis[k]);
	int scope;
	size_t i;

	for (scope = 0; scope < 4; scope++) {
		const struct target_row *exact = NULL, *longer = NULL;
		int shorter_months = 0;   /* length of the longest shorter period seen */

		index_find(ti, cfg, e, k, scope);
		for (i = 0; i < ti->nfound; i++) {
			const struct target_row *t = &c->targets[ti->found[i]];
			if (t->period.nmonths == run->nmonths && t->period.first == run->first) {
				if (!exact)
					exact = t;
			} else if (t->period.nmonths > run->nmonths && period_inside(run, &t->period)) {
				if (!longer || t->period.nmonths < longer->period.nmonths)
					longer = t;
			} else if (t->period.nmonths < run->nmonths && period_inside(&t->period, run)) {
				if (t->period.nmonths > shorter_months)
					shorter_months = t->period.nmonths;
			}
		}
		if (exact) {
			*value = exact->value;
			strbuf_addf(src, "%s%s%s %s (%s:%d)", scope_names[scope],
				    scope < 3 ? " " : "", scope < 3 ? exact->key : "",
				    exact->period.label, file, exact->line);
			return 1;
		}
		if (longer) {
			double share = period_share(&longer->period, run);
			int months = (int)lround(share * longer->period.nmonths);
			strbuf_addf(src, "%s%s%s %s", scope_names[scope], scope < 3 ? " " : "",
				    scope < 3 ? longer->key : "", longer->period.label);
			if (additive) {
				*value = longer->value * share;
				strbuf_addf(src, " x %d/%d", months, longer->period.nmonths);
			} else {
				*value = longer->value;
				strbuf_addstr(src, ", a rate: not prorated");
			}
			strbuf_addf(src, " (%s:%d)", file, longer->line);
			return 1;
		}
		if (shorter_months) {
			const struct target_row *first = NULL;
			double sum = 0;
			int n = 0;
			struct strbuf lines = STRBUF_INIT;
			for (i = 0; i < ti->nfound; i++) {
				const struct target_row *t = &c->targets[ti->found[i]];
				if (t->period.nmonths != shorter_months ||
				    !period_inside(&t->period, run))
					continue;
				if (!first)
					first = t;
				sum += t->value;
				strbuf_addf(&lines, "%s%d", n ? "," : "", t->line);
				n++;
			}
			*value = additive ? sum : sum / n;
			strbuf_addf(src, "%s %s%s%s of %d %s target%s (%d of %d expected) (%s:%s)",
				    additive ? "sum" : "mean", scope_names[scope],
				    scope < 3 ? " " : "", scope < 3 ? first->key : "", n,
				    shorter_months == 1 ? "monthly" : "quarterly", n == 1 ? "" : "s",
				    n, run->nmonths / shorter_months, file, lines.buf);
			strbuf_release(&lines);
			return 1;
		}
	}
	return 0;
}

/* Score of an achievement a (1.0 = 100 %; +inf for a lower-is-better KPI
 * whose actual is 0, which then scores the cap or the top band). */
static double kpi_score(const struct kpi_def *k, double a)
{
	double pct = 100.0 * a;
	size_t i;
	if (k->scoring == SCORING_BANDS) {
		/* rounded like ratings, so 72/80 meets a 90 band (SPEC 8) */
		double r = isinf(pct) ? pct : num_round4(pct);
		for (i = 0; i < k->nbands; i++)
			if (r >= k->bands[i].threshold)
				return k->bands[i].score;
		return 0.0;
	}
	if (pct > k->cap)
		return k->cap;
	if (pct < k->floor)
		return k->floor;
	return pct;
}

static const char *hr_file(const struct config *cfg)
{
	return cfg->inputs[INPUT_HR].file ? cfg->inputs[INPUT_HR].file : "hr";
}

/* Sets target, actual, achievement and score of one KPI, or its dropped
 * reason. Returns -1 when a policy says a gap is an error. */
static int score_kpi(const struct company *c, const struct config *cfg,
		     struct target_index *ti, const struct employee *e, struct kpi_result *r,
		     struct diag *d)
{
	const struct kpi_def *k = &cfg->kpis[r->kpi];
	const struct metric_value *mv = e->metrics && k->metric >= 0 ? &e->metrics[k->metric] : NULL;
	struct strbuf src = STRBUF_INIT;
	int bad_target;
	double a;

	if (k->target_from_table) {
		r->has_target = target_from_table(c, cfg, ti, e, r->kpi, &r->target, &src);
	} else {
		r->has_target = 1;
		r->target = k->target;
		strbuf_addf(&src, "[kpi.%s] target = %g", k->name, k->target);
	}
	r->target_source = strbuf_detach(&src, NULL);
	r->has_actual = mv && mv->present;
	r->actual = r->has_actual ? mv->value : 0.0;

	bad_target = !r->has_target || (k->direction == DIR_HIGHER && r->target == 0.0);
	if (bad_target) {
		switch (cfg->policy.on_missing_target) {
		case MISSING_REWEIGHT: r->dropped = "missing_target"; return 0;
		case MISSING_ZERO: r->score = 0; return 0;
		default:
			if (r->has_target)
				diag_row(d, "missing_target", 1, hr_file(cfg), e->line, 0,
					 "employee '%s' KPI '%s': target is 0 (%s)", e->id, k->name,
					 r->target_source);
			else
				diag_row(d, "missing_target", 1, hr_file(cfg), e->line, 0,
					 "employee '%s' KPI '%s': no target for %s", e->id, k->name,
					 c->period.label);
			diag_hint(d, "add a row to the targets input, or set [policy] "
				  "on_missing_target = reweight");
			return -1;
		}
	}
	if (!r->has_actual) {
		switch (cfg->policy.on_missing_data) {
		case MISSING_REWEIGHT: r->dropped = "missing_actual"; return 0;
		case MISSING_ZERO: r->score = 0; return 0;
		default:
			diag_row(d, "missing_data", 1, hr_file(cfg), e->line, 0,
				 "employee '%s' KPI '%s': metric '%s' has no value for %s", e->id,
				 k->name, cfg->metrics[k->metric].name, c->period.label);
			diag_hint(d, "add the data, or set [policy] on_missing_data = reweight");
			return -1;
		}
	}
	if (k->direction == DIR_HIGHER)
		a = r->actual / r->target;
	else
		a = r->actual == 0.0 ? INFINITY : r->target / r->actual;
	r->score = kpi_score(k, a);
	/* An infinite achievement is shown as the one its score stands for. */
	r->achievement = isinf(a) ? r->score / 100.0 : a;
	return 0;
}

static void sub_scores(struct employee *e, const struct config *cfg)
{
	double wd[DIM_COUNT] = { 0 }, sd[DIM_COUNT] = { 0 };
	double wp[PERSP_COUNT] = { 0 }, sp[PERSP_COUNT] = { 0 };
	size_t i;
	for (i = 0; i < e->nkpis; i++) {
		const struct kpi_result *r = &e->kpis[i];
		const struct kpi_def *k = &cfg->kpis[r->kpi];
		if (r->dropped || r->eff_weight <= 0)
			continue;
		wd[k->dimension] += r->eff_weight;
		sd[k->dimension] += r->eff_weight * r->score;
		wp[k->perspective] += r->eff_weight;
		sp[k->perspective] += r->eff_weight * r->score;
	}
	for (i = 0; i < DIM_COUNT; i++)
		e->dim_score[i] = wd[i] > 0 ? sd[i] / wd[i] : NAN;
	for (i = 0; i < PERSP_COUNT; i++)
		e->persp_score[i] = wp[i] > 0 ? sp[i] / wp[i] : NAN;
}

static void reset_scores(struct employee *e)
{
	size_t i;
	for (i = 0; i < e->nkpis; i++)
		free(e->kpis[i].target_source);
	free(e->kpis);
	e->kpis = NULL;
	e->nkpis = 0;
	for (i = 0; i < DIM_COUNT; i++)
		e->dim_score[i] = NAN;
	for (i = 0; i < PERSP_COUNT; i++)
		e->persp_score[i] = NAN;
	e->training_points = 0;
	e->courses_passed = 0;
	e->raw_score = e->norm_score = 0;
	e->rating = -1;
	e->flags &= ~(unsigned)FLAG_REWEIGHTED;
}

static int score_employee(const struct company *c, const struct config *cfg,
			  struct target_index *ti, struct employee *e, int courses, struct diag *d)
{
	const struct role_def *role = &cfg->roles[e->role];
	double kept = 0, raw = 0, points;
	size_t i;
	int failed = 0;

	e->nkpis = role->nkpis;
	e->kpis = xcalloc(role->nkpis + 1, sizeof(*e->kpis));
	for (i = 0; i < role->nkpis; i++) {
		struct kpi_result *r = &e->kpis[i];
		r->kpi = role->kpis[i].kpi;
		r->weight = role->kpis[i].weight;
		if (score_kpi(c, cfg, ti, e, r, d) < 0)
			failed = 1;
		if (!r->dropped)
			kept += r->weight;
	}
	for (i = 0; i < e->nkpis; i++) {
		struct kpi_result *r = &e->kpis[i];
		if (r->dropped) {
			e->flags |= FLAG_REWEIGHTED;
			continue;
		}
		/* dropped KPIs' weight goes to the others in proportion */
		r->eff_weight = kept > 0 ? r->weight * 100.0 / kept : 0;
		r->contribution = r->eff_weight * r->score / 100.0;
		raw += r->contribution;
	}
	sub_scores(e, cfg);

	e->courses_passed = courses;
	points = courses * cfg->training_points_per_course;
	e->training_points = points > cfg->training_max_points ? cfg->training_max_points : points;
	if (kept <= 0 && e->nkpis && !failed)
		diag_warn(d, hr_file(cfg), e->line, 0,
			  "employee '%s': no KPI has data for %s; the raw score is the "
			  "training points only", e->id, c->period.label);
	raw += e->training_points;
	if (cfg->score_cap > 0 && raw > cfg->score_cap)
		raw = cfg->score_cap;
	e->raw_score = num_round4(raw);
	e->norm_score = e->raw_score;
	e->rating = rating_for_score(cfg, e->raw_score);
	return failed ? -1 : 0;
}

int scorecard_compute(struct company *c, const struct config *cfg, struct diag *d)
{
	int *courses = xcalloc(c->nemps + 1, sizeof(*courses));
	struct target_index ti;
	size_t i;
	int ret = 0;

	target_index_init(&ti, c);

	for (i = 0; i < c->ntraining; i++) {
		const struct training_row *t = &c->training[i];
		if (t->passed && t->employee < c->nemps && period_contains(&c->period, t->date))
			courses[t->employee]++;
	}
	for (i = 0; i < c->nemps; i++) {
		struct employee *e = &c->emps[i];
		reset_scores(e);
		if (!e->in_scope)
			continue;
		if (e->role < 0 || (size_t)e->role >= cfg->nroles) {
			/* `[policy] unknown_role = warn` means: leave them out, say so */
			int is_error = cfg->policy.row_is_error[ROW_UNKNOWN_ROLE];
			diag_row(d, "unknown_role", is_error, hr_file(cfg),
				 e->line, 0, "employee '%s': role '%s' is not a [role.NAME] of the "
				 "config%s", e->id, e->role_text ? e->role_text : "",
				 is_error ? "" : "; left out of the period");
			if (is_error) {
				ret = -1;
			} else {
				e->in_scope = e->eligible = 0;
				e->ineligible_reason = INELIGIBLE_NOT_IN_SCOPE;
			}
			continue;
		}
		if (score_employee(c, cfg, &ti, e, courses[i], d) < 0)
			ret = -1;
	}
	free(courses);
	target_index_release(&ti);
	return ret;
}
