/*
 * scorecard: from metrics to one raw score per in-scope employee (SPEC 5,
 * 6, 8): the target of every KPI of the employee's role (compute/targets.c),
 * achievement, score (linear or bands), the missing-data policies with
 * reweighting, sub-scores per dimension and perspective, training points,
 * the score cap, and a first rating from the raw score (fairness replaces
 * it later).
 */
#include "compute/overrides.h"
#include "compute/scorecard.h"
#include "compute/targets.h"
#include "model.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/strbuf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int scorecard_rating(const struct config *cfg, double score)
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
/* Score of an achievement a (1.0 = 100 %; +inf for a lower-is-better KPI
 * whose actual is 0, which then scores the cap or the top band); *band is
 * the band met (-1 none or linear), kept for explain. */
static double kpi_score(const struct kpi_def *k, double a, int *band)
{
	double pct = 100.0 * a;
	size_t i;
	*band = -1;
	if (k->scoring == SCORING_BANDS) {
		/* rounded like ratings, so 72/80 meets a 90 band (SPEC 8) */
		double r = isinf(pct) ? pct : num_round4(pct);
		for (i = 0; i < k->nbands; i++)
			if (r >= k->bands[i].threshold) {
				*band = (int)i;
				return k->bands[i].score;
			}
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
static int score_kpi(struct company *c, const struct config *cfg,
		     const struct targets *ti, struct targets_scratch *sc,
		     struct employee *e, struct kpi_result *r, struct diag *d)
{
	const struct kpi_def *k = &cfg->kpis[r->kpi];
	const struct metric_value *mv = e->metrics && k->metric >= 0 ? &e->metrics[k->metric] : NULL;
	struct strbuf src = STRBUF_INIT;
	int bad_target;
	double a;

	if (k->target_from_table) {
		const struct target_row *partial;
		r->has_target = targets_lookup(ti, sc, c, cfg, e, r->kpi, &c->period, &r->target,
					      &src, &partial);
		if (partial) {
			diag_row(d, "partial_target", 0, targets_file(cfg), partial->line, 0,
				 "employee '%s' KPI '%s': no complete target for %s, only %s; "
				 "incomplete targets are not used", e->id, k->name, c->period.label,
				 src.buf);
			diag_hint(d, "add the missing rows, or one row for %s", c->period.label);
		}
	} else {
		r->has_target = 1;
		r->target = k->target;
		strbuf_addf(&src, "[kpi.%s] target = %g", k->name, k->target);
	}
	/* Interned: most KPIs of most people name one role's or department's
	 * row, and 100,000 people x 5 KPIs were 500,000 strings. */
	r->target_source = company_intern(c, src.buf);
	strbuf_release(&src);
	r->has_actual = mv && mv->present;
	r->actual = r->has_actual ? mv->value : 0.0;
	overrides_apply_kpi(c, cfg, e, r);

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
	r->score = kpi_score(k, a, &r->band);
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
	e->rating = e->raw_rating = -1;
	e->flags &= ~(unsigned)FLAG_REWEIGHTED;
}

static int score_employee(struct company *c, const struct config *cfg,
			  const struct targets *ti, struct targets_scratch *sc,
			  struct employee *e, int courses, struct diag *d)
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
		r->band = -1;
		r->weight = role->kpis[i].weight;
		if (score_kpi(c, cfg, ti, sc, e, r, d) < 0)
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
	e->rating = e->raw_rating = scorecard_rating(cfg, e->raw_score);
	return failed ? -1 : 0;
}

int scorecard_compute(struct company *c, const struct config *cfg, struct diag *d)
{
	int *courses = xcalloc(c->nemps + 1, sizeof(*courses));
	struct targets *ti = targets_new(c);
	struct targets_scratch sc;
	size_t i;
	int ret = 0;

	targets_scratch_init(&sc);
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
		/* scope_compute leaves an unknown role out of the period */
		if (e->role < 0 || (size_t)e->role >= cfg->nroles)
			BUG("employee '%s' in scope without a role of the config", e->id);
		if (score_employee(c, cfg, ti, &sc, e, courses[i], d) < 0)
			ret = -1;
	}
	free(courses);
	targets_scratch_release(&sc);
	targets_free(ti);
	return ret;
}
