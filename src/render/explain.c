/*
 * explain: `merit explain EMPLOYEE_ID` as plain text a finance person can
 * check with a calculator: scope and eligibility, every metric behind the
 * employee's KPIs and how it was obtained, each KPI from target to
 * contribution, sub-scores, training points, the raw score, the rating
 * and why, then fairness and bonus from the fields their stages filled.
 *
 * It only reads the model: the parts of a value (turnover's headcounts,
 * review360's relations, a shared goal's members) are those compute/
 * metrics.c stored with it, so the trace shows the very figures the number
 * came from.
 */
#include "model.h"
#include "render/render.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/strbuf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const agg_words[] = {
	[AGG_SUM] = "sum", [AGG_COUNT] = "count", [AGG_COUNT_DISTINCT] = "count_distinct",
	[AGG_AVG] = "avg", [AGG_MIN] = "min", [AGG_MAX] = "max", [AGG_RATIO] = "ratio",
	[AGG_TURNOVER] = "turnover", [AGG_REVIEW360] = "review360",
};

/* Text from an input (ids, names, cells) as messages show it: control
 * bytes \xNN, invisible characters <U+XXXX> (diag_add_safe), so a name
 * cannot move the cursor of whoever reads the trace. */
static void add_safe(struct strbuf *sb, const char *s)
{
	if (s)
		diag_add_safe(sb, s, strlen(s));
}

/* 1234567.891 -> "1,234,567.89" with `decimals` digits. */
static void add_number(struct strbuf *sb, double v, int decimals)
{
	char tmp[64];
	const char *digits, *dot;
	size_t n;

	if (!isfinite(v)) {
		strbuf_addstr(sb, "-");
		return;
	}
	snprintf(tmp, sizeof(tmp), "%.*f", decimals, v);
	digits = tmp;
	if (*digits == '-') {
		strbuf_addch(sb, '-');
		digits++;
	}
	dot = strchr(digits, '.');
	n = dot ? (size_t)(dot - digits) : strlen(digits);
	num_add_grouped(sb, digits, n);
	if (dot)
		strbuf_addstr(sb, dot);
}

static void add_metric_value(struct strbuf *sb, const struct metric_def *def, double v)
{
	switch (def->format) {
	case FMT_MONEY: add_number(sb, v, 2); break;
	case FMT_INTEGER: add_number(sb, v, 0); break;
	case FMT_PERCENT:
		add_number(sb, v * 100.0, 2);
		strbuf_addstr(sb, " %");
		break;
	default: add_number(sb, v, 4); break;
	}
}

/* "优秀 | Excellent", or one half when both are the same. */
static void add_label(struct strbuf *sb, const struct label *l)
{
	const char *zh = label_get(l, LOCALE_ZH), *en = label_get(l, LOCALE_EN);
	strbuf_addstr(sb, zh);
	if (*en && strcmp(zh, en))
		strbuf_addf(sb, " | %s", en);
}

static void add_where(struct strbuf *sb, const struct metric_def *def)
{
	size_t i, j;
	for (i = 0; i < def->nwhere; i++) {
		const struct metric_filter *f = &def->where[i];
		strbuf_addstr(sb, i ? "," : " where ");
		strbuf_addf(sb, "%s:", schema_inputs[def->from].fields[f->field].name);
		for (j = 0; j < f->values.nr; j++)
			strbuf_addf(sb, "%s%s", j ? "|" : "", f->values.items[j]);
	}
}

static const char *field_name(const struct metric_def *def)
{
	return def->field >= 0 ? schema_inputs[def->from].fields[def->field].name : "";
}

static void explain_turnover(struct strbuf *sb, const struct company *c,
			     const struct metric_def *def, const struct employee *e,
			     const struct metric_detail *why)
{
	const struct period *p = &c->period;
	int company = def->scope == SCOPE_COMPANY;
	static const struct metric_detail none;
	if (!why)
		why = &none;
	strbuf_addf(sb, "leavers / mean headcount x 365 / %d days, %s%s: %u / ((%u + %u) / 2)"
		    " x 365 / %d", p->ndays, company ? "company" : "department ",
		    company ? "" : (e->department ? e->department : ""), why->leavers,
		    why->hc_first, why->hc_last, p->ndays);
}

static void explain_review360(struct strbuf *sb, const struct config *cfg,
			      const struct metric_detail *why)
{
	int rel;
	strbuf_addstr(sb, "25 x (score - 1) per review, mean per relation:");
	for (rel = 0; why && rel < REL_COUNT; rel++) {
		int need = cfg->reviews.min_reviewers[rel] > 0 ? cfg->reviews.min_reviewers[rel] : 1;
		uint32_t n = why->reviews[rel], who = why->reviewers[rel];
		if (!n)
			continue;
		strbuf_addf(sb, "\n      %s: %u review%s by %u reviewer%s, mean ", relation_names[rel],
			    n, n == 1 ? "" : "s", who, who == 1 ? "" : "s");
		add_number(sb, why->mean[rel], 2);
		if (cfg->reviews.weight[rel] <= 0)
			strbuf_addstr(sb, ", weight 0: not counted");
		else if (who < (uint32_t)need)
			strbuf_addf(sb, ", fewer than min_reviewers %d: dropped, the others re-weighted",
				    need);
		else
			strbuf_addf(sb, ", weight %g", cfg->reviews.weight[rel]);
	}
	strbuf_addstr(sb, "\n      weighted mean of the relations kept");
}

/* How one metric of the employee was obtained, then its value. */
static void explain_metric(struct strbuf *sb, const struct company *c, const struct config *cfg,
			   size_t emp, int m)
{
	const struct employee *e = &c->emps[emp];
	const struct metric_def *def = &cfg->metrics[m];
	const struct metric_value *v = e->metrics ? &e->metrics[m] : NULL;

	strbuf_addf(sb, "  %s = ", def->name);
	switch (def->agg) {
	case AGG_RATIO:
		strbuf_addf(sb, "%s / %s", cfg->metrics[def->num].name, cfg->metrics[def->den].name);
		if (v && e->metrics[def->num].present && e->metrics[def->den].present &&
		    def->scope == SCOPE_EMPLOYEE) {
			strbuf_addstr(sb, " = ");
			add_metric_value(sb, &cfg->metrics[def->num], e->metrics[def->num].value);
			strbuf_addstr(sb, " / ");
			add_metric_value(sb, &cfg->metrics[def->den], e->metrics[def->den].value);
		}
		break;
	case AGG_TURNOVER:
		explain_turnover(sb, c, def, e, v ? company_detail(c, (size_t)m, emp) : NULL);
		break;
	case AGG_REVIEW360:
		explain_review360(sb, cfg, v ? company_detail(c, (size_t)m, emp) : NULL);
		break;
	default:
		strbuf_addf(sb, "%s", agg_words[def->agg]);
		if (def->field >= 0 && def->from != INPUT_METRICS)
			strbuf_addf(sb, "(%s)", field_name(def));
		else if (def->agg == AGG_COUNT)
			strbuf_addstr(sb, " of");
		if (def->from == INPUT_METRICS)
			strbuf_addf(sb, " of metric '%s' rows", def->source_name ? def->source_name
				    : def->name);
		else
			strbuf_addf(sb, "%s %s rows", def->agg == AGG_COUNT ? "" : " over",
				    schema_inputs[def->from].name);
		if (def->from == INPUT_TRAINING)
			strbuf_addstr(sb, " of passed courses");
		add_where(sb, def);
		strbuf_addf(sb, " in %s", c->period.label);
		if (v && v->present)
			strbuf_addf(sb, ", %u row%s", v->records, v->records == 1 ? "" : "s");
	}
	if (def->scope != SCOPE_EMPLOYEE && def->agg != AGG_TURNOVER)
		strbuf_addf(sb, ", shared goal: the value of %s%s (%u in-scope members)",
			    def->scope == SCOPE_COMPANY ? "the company" : "department ",
			    def->scope == SCOPE_COMPANY ? "" : (e->department ? e->department : ""),
			    v ? v->members : 0);
	if (v && v->present) {
		strbuf_addstr(sb, " = ");
		add_metric_value(sb, def, v->value);
	} else if (def->agg == AGG_RATIO) {
		strbuf_addstr(sb, ": missing (denominator 0 or a part missing)");
	} else {
		strbuf_addf(sb, ": missing (no %s row for %s)", schema_inputs[def->from].name,
			    c->period.label);
	}
	strbuf_addch(sb, '\n');
}

static void explain_metrics(struct strbuf *sb, const struct company *c,
			    const struct config *cfg, size_t emp)
{
	const struct employee *e = &c->emps[emp];
	unsigned char *done = xcalloc(cfg->nmetrics + 1, 1);
	size_t i;
	strbuf_addstr(sb, "\nMetrics\n");
	for (i = 0; i < e->nkpis; i++) {
		int m = cfg->kpis[e->kpis[i].kpi].metric;
		if (m < 0 || done[m])
			continue;
		/* a ratio's parts first, so the division can be checked */
		if (cfg->metrics[m].agg == AGG_RATIO) {
			int parts[2] = { cfg->metrics[m].num, cfg->metrics[m].den }, k;
			for (k = 0; k < 2; k++)
				if (parts[k] >= 0 && !done[parts[k]]) {
					explain_metric(sb, c, cfg, emp, parts[k]);
					done[parts[k]] = 1;
				}
		}
		explain_metric(sb, c, cfg, emp, m);
		done[m] = 1;
	}
	free(done);
}

static void explain_kpi(struct strbuf *sb, const struct config *cfg, const struct kpi_result *r)
{
	const struct kpi_def *k = &cfg->kpis[r->kpi];
	const struct metric_def *md = &cfg->metrics[k->metric];

	strbuf_addf(sb, "  %s (", k->name);
	add_label(sb, &k->label);
	strbuf_addf(sb, "), %s is better, %s, %s / %s\n",
		    k->direction == DIR_HIGHER ? "higher" : "lower",
		    k->scoring == SCORING_LINEAR ? "linear" : "bands",
		    dimension_names[k->dimension], perspective_names[k->perspective]);
	strbuf_addstr(sb, "    target ");
	if (r->has_target) {
		add_metric_value(sb, md, r->target);
		strbuf_addstr(sb, " from ");
		add_safe(sb, r->target_source ? r->target_source : "?");
		strbuf_addch(sb, '\n');
	} else if (r->target_source && *r->target_source) {
		/* only rows for part of the period (compute/targets.c) */
		strbuf_addstr(sb, "missing: incomplete rows are not used: ");
		add_safe(sb, r->target_source);
		strbuf_addch(sb, '\n');
	} else {
		strbuf_addstr(sb, "missing: no row of the targets input applies\n");
	}
	strbuf_addf(sb, "    actual %s ", md->name);
	if (r->has_actual)
		add_metric_value(sb, md, r->actual);
	else
		strbuf_addstr(sb, "missing");
	if (r->overridden & (1u << OVERRIDE_ACTUAL))
		strbuf_addstr(sb, " (an override: see Overrides below)");
	strbuf_addch(sb, '\n');

	if (r->dropped) {
		strbuf_addf(sb, "    dropped (%s): weight %g %% moves to the other KPIs in "
			    "proportion ([policy] %s = reweight)\n", r->dropped, r->weight,
			    !strcmp(r->dropped, "missing_target") ? "on_missing_target"
			    : "on_missing_data");
		return;
	}
	if (!r->has_actual || !r->has_target) {
		strbuf_addf(sb, "    score 0 ([policy] %s = zero)\n",
			    r->has_target ? "on_missing_data" : "on_missing_target");
	} else if (k->direction == DIR_LOWER && r->actual == 0.0) {
		strbuf_addstr(sb, "    actual 0 on a lower-is-better KPI scores the top: ");
		add_number(sb, r->score, 4);
		strbuf_addch(sb, '\n');
	} else {
		strbuf_addstr(sb, "    achievement = ");
		strbuf_addstr(sb, k->direction == DIR_HIGHER ? "actual / target = "
			      : "target / actual = ");
		add_metric_value(sb, md, k->direction == DIR_HIGHER ? r->actual : r->target);
		strbuf_addstr(sb, " / ");
		add_metric_value(sb, md, k->direction == DIR_HIGHER ? r->target : r->actual);
		strbuf_addstr(sb, " = ");
		add_number(sb, 100.0 * r->achievement, 4);
		strbuf_addstr(sb, " %\n    score = ");
		if (k->scoring == SCORING_LINEAR) {
			strbuf_addstr(sb, "clamp(");
			add_number(sb, 100.0 * r->achievement, 4);
			strbuf_addf(sb, ", floor %g, cap %g) = ", k->floor, k->cap);
		} else {
			if (r->band >= 0 && (size_t)r->band < k->nbands)
				strbuf_addf(sb, "band %g:%g (the first band whose %g %% is met) = ",
					    k->bands[r->band].threshold, k->bands[r->band].score,
					    k->bands[r->band].threshold);
			else
				strbuf_addstr(sb, "no band met = ");
		}
		add_number(sb, r->score, 4);
		strbuf_addch(sb, '\n');
	}
	strbuf_addf(sb, "    weight %g %%", r->weight);
	if (fabs(r->eff_weight - r->weight) > 1e-9) {
		strbuf_addstr(sb, ", effective ");
		add_number(sb, r->eff_weight, 4);
		strbuf_addstr(sb, " % after reweighting");
	}
	strbuf_addstr(sb, "; contribution = ");
	add_number(sb, r->eff_weight, 4);
	strbuf_addstr(sb, " x ");
	add_number(sb, r->score, 4);
	strbuf_addstr(sb, " / 100 = ");
	add_number(sb, r->contribution, 4);
	strbuf_addch(sb, '\n');
}

static void explain_scores(struct strbuf *sb, const struct config *cfg, const struct employee *e)
{
	double points = e->courses_passed * cfg->training_points_per_course, sum = 0;
	size_t i;

	strbuf_addstr(sb, "\nSub-scores (mean of the KPI scores, by effective weight)\n  ");
	for (i = 0; i < DIM_COUNT; i++) {
		strbuf_addf(sb, "%s%s ", i ? ", " : "", dimension_names[i]);
		add_number(sb, e->dim_score[i], 4);
	}
	strbuf_addstr(sb, "\n  ");
	for (i = 0; i < PERSP_COUNT; i++) {
		strbuf_addf(sb, "%s%s ", i ? ", " : "", perspective_names[i]);
		add_number(sb, e->persp_score[i], 4);
	}
	strbuf_addf(sb, "\n\nTraining: %d passed course%s in the period x %g points = %g",
		    e->courses_passed, e->courses_passed == 1 ? "" : "s",
		    cfg->training_points_per_course, points);
	if (e->training_points < points)   /* scorecard.c capped it */
		strbuf_addf(sb, ", capped at max_points %g", cfg->training_max_points);
	strbuf_addstr(sb, " -> ");
	add_number(sb, e->training_points, 4);

	strbuf_addstr(sb, "\nRaw score = ");
	for (i = 0; i < e->nkpis; i++) {
		if (e->kpis[i].dropped)
			continue;
		add_number(sb, e->kpis[i].contribution, 4);
		strbuf_addstr(sb, " + ");
		sum += e->kpis[i].contribution;
	}
	add_number(sb, e->training_points, 4);
	strbuf_addstr(sb, " (training) = ");
	sum += e->training_points;
	add_number(sb, sum, 4);
	if (cfg->score_cap > 0 && sum > cfg->score_cap)
		strbuf_addf(sb, ", capped at score_cap %g", cfg->score_cap);
	strbuf_addstr(sb, "; rounded to 4 decimals: ");
	add_number(sb, e->raw_score, 4);
	strbuf_addch(sb, '\n');
}

static void explain_rating(struct strbuf *sb, const struct config *cfg, double score, int band)
{
	if (band < 0 || (size_t)band >= cfg->nbands) {
		strbuf_addstr(sb, "no rating\n");
		return;
	}
	add_label(sb, &cfg->bands[band].label);
	strbuf_addstr(sb, ": ");
	add_number(sb, num_round4(score), 4);
	if (num_round4(score) >= cfg->bands[band].threshold)
		strbuf_addf(sb, " >= %g", cfg->bands[band].threshold);
	else
		strbuf_addf(sb, " is below every threshold (the bottom band)");
	if (band > 0)
		strbuf_addf(sb, " and < %g", cfg->bands[band - 1].threshold);
	strbuf_addch(sb, '\n');
}

/* "<what> mean 91.4442 sd 9.6370" */
static void add_mean_sd(struct strbuf *sb, const char *what, double mean, double sd)
{
	strbuf_addf(sb, "%s mean ", what);
	add_number(sb, mean, 4);
	strbuf_addstr(sb, " sd ");
	add_number(sb, sd, 4);
}

/* The band fairness gave, before any rating override. */
static int fairness_band(const struct company *c, const struct employee *e)
{
	size_t i;
	for (i = 0; i < e->noverrides; i++) {
		const struct override_row *o = &c->overrides[e->overrides[i]];
		if (o->kind == OVERRIDE_RATING && o->applied)
			return o->band_before;
	}
	return e->rating;
}

static void explain_fairness(struct strbuf *sb, const struct company *c,
			     const struct config *cfg, const struct employee *e)
{
	int band = fairness_band(c, e);

	static const char *const methods[] = { "none", "zscore", "percentile" };
	const struct group_stats *g;

	strbuf_addf(sb, "\nFairness: method %s, group by %s\n", methods[cfg->fairness.method],
		    cfg->fairness.group ? cfg->fairness.group : "department");
	if (e->group >= c->ngroups)
		return;
	g = &c->groups[e->group];
	strbuf_addstr(sb, "  group ");
	add_safe(sb, g->name);
	strbuf_addf(sb, ": %zu people, ", g->n);
	add_mean_sd(sb, "raw", g->raw_mean, g->raw_sd);
	add_mean_sd(sb, "; normalised", g->norm_mean, g->norm_sd);
	add_mean_sd(sb, "\n  company raw", c->company_raw_mean, c->company_raw_sd);
	strbuf_addch(sb, '\n');
	if (g->small) {
		strbuf_addf(sb, "  the group is smaller than min_group %d: raw score kept\n",
			    cfg->fairness.min_group);
	} else if (cfg->fairness.method == FAIR_ZSCORE && g->raw_sd > 0) {
		static const char *const text[] = {
			"  normalised = M + (x - m) / s x S = ", " + (", " - ", ") / ", " x ",
		};
		const double val[] = { c->company_raw_mean, e->raw_score, g->raw_mean, g->raw_sd,
				       c->company_raw_sd };
		size_t k;
		for (k = 0; k < 5; k++) {
			strbuf_addstr(sb, text[k]);
			add_number(sb, val[k], 4);
		}
		strbuf_addch(sb, '\n');
	} else if (cfg->fairness.method == FAIR_PERCENTILE) {
		strbuf_addstr(sb, "  normalised = the company's score at this employee's percentile "
			      "rank in the group\n");
	}
	strbuf_addstr(sb, "  normalised score ");
	add_number(sb, e->norm_score, 4);
	if (cfg->fairness.forced && e->forced_n) {
		size_t b, from = 1;
		strbuf_addf(sb, "\n  forced distribution over %zu people (%s), ranked by normalised "
			    "score, ties by employee_id:", e->forced_n,
			    cfg->fairness.forced_per_group ? "this group" : "the company");
		/* the sizes fairness.c gave each band, for this employee's scope */
		const size_t *sizes = cfg->fairness.forced_per_group ? g->forced_size : c->forced_size;
		for (b = 0; b < cfg->nbands; b++) {
			size_t size = sizes ? sizes[b] : 0;
			strbuf_addf(sb, "\n    %s %g %%: %zu people", label_get(&cfg->bands[b].label,
				    cfg->locale), cfg->fairness.forced_shares[b], size);
			if (size)
				strbuf_addf(sb, " (ranks %zu-%zu)", from, from + size - 1);
			from += size;
		}
		strbuf_addf(sb, "\n  rank %zu of %zu -> %s\n", e->forced_rank, e->forced_n,
			    label_get(&cfg->bands[band].label, cfg->locale));
		return;
	}
	strbuf_addstr(sb, "\n  rating ");
	explain_rating(sb, cfg, e->norm_score, band);
}

/* SPEC 11: each decision with its value before and after, why and by whom. */
static void explain_overrides(struct strbuf *sb, const struct company *c,
			      const struct config *cfg, const struct employee *e)
{
	const struct input_conf *ic = &cfg->inputs[INPUT_OVERRIDES];
	struct strbuf tmp = STRBUF_INIT;
	size_t i;
	char date[16];
	if (!e->noverrides)
		return;
	strbuf_addstr(sb, "\nOverrides (after review)\n");
	for (i = 0; i < e->noverrides; i++) {
		const struct override_row *o = &c->overrides[e->overrides[i]];
		strbuf_reset(&tmp);
		override_describe(o, cfg, cfg->locale, &tmp);
		strbuf_addstr(sb, "  ");
		add_safe(sb, tmp.buf);
		strbuf_addf(sb, " (%s:%d)\n", input_file_shown(ic),
			    o->line);
		date_format_iso(o->date, date);
		strbuf_addstr(sb, "    reason: ");
		add_safe(sb, o->reason);
		strbuf_addstr(sb, "\n    approved by ");
		add_safe(sb, o->approved_by);
		strbuf_addf(sb, " on %s\n", date);
	}
	strbuf_release(&tmp);
}

static void explain_bonus(struct strbuf *sb, const struct config *cfg, const struct employee *e)
{
	const struct role_def *role = &cfg->roles[e->role];
	const char *sym = cfg->bonus.currency_symbol;
	double mult = e->rating >= 0 ? cfg->bands[e->rating].multiplier : 0;
	/* the pool and its points as bonus.c shared them (a department's pool
	 * matched as it matches it) */
	int64_t pool = e->pool_cents;
	double total = e->pool_points;

	strbuf_addstr(sb, "\nBonus\n");
	if (!e->eligible) {
		strbuf_addf(sb, "  not eligible (%s): 0\n", e->ineligible_reason ?
			    e->ineligible_reason : "?");
		return;
	}
	strbuf_addstr(sb, "  points = base salary x value coefficient x multiplier x proration = ");
	add_number(sb, e->base_salary / 100.0, 2);
	strbuf_addf(sb, " x %g x %g x ", role->value_coefficient, mult);
	add_number(sb, e->proration, 4);
	strbuf_addstr(sb, " = ");
	add_number(sb, e->points, 4);
	strbuf_addstr(sb, "\n  share = pool x points / sum of points = ");
	money_format(sb, pool, sym);
	strbuf_addstr(sb, " x ");
	add_number(sb, e->points, 4);
	strbuf_addstr(sb, " / ");
	add_number(sb, total, 4);
	strbuf_addstr(sb, " = ");
	add_number(sb, total > 0 ? pool / 100.0 * e->points / total : 0, 2);
	strbuf_addch(sb, '\n');
	if (e->cap_cents != INT64_MAX) {
		strbuf_addf(sb, "  cap = %g months x base salary = ", cfg->bonus.cap_months);
		money_format(sb, e->cap_cents, sym);
		strbuf_addstr(sb, e->flags & FLAG_BONUS_CAPPED ? " (reached: the excess goes to "
			      "the uncapped)\n" : " (not reached)\n");
	}
	strbuf_addstr(sb, "  bonus (largest remainder to the cent, after caps) = ");
	money_format(sb, e->bonus, sym);
	strbuf_addch(sb, '\n');
}

static const char *reason_text(const struct employee *e, const struct config *cfg,
			       const struct period *p, struct strbuf *tmp)
{
	const char *r = e->ineligible_reason;
	char day[16];
	strbuf_reset(tmp);
	if (!r)
		return "eligible";
	if (!strcmp(r, INELIGIBLE_MIN_DAYS)) {
		strbuf_addf(tmp, "not eligible (%s): %d days employed < min_days %d x %d month%s",
			    r, e->days, cfg->bonus.min_days, p->nmonths, p->nmonths == 1 ? "" : "s");
	} else if (!strcmp(r, INELIGIBLE_STATUS)) {
		strbuf_addf(tmp, "not eligible (%s): status '", r);
		add_safe(tmp, e->status);
		strbuf_addstr(tmp, "' is in [bonus] ineligible_status");
	} else if (!strcmp(r, INELIGIBLE_LEFT)) {
		date_format_iso(e->leave_date, day);
		strbuf_addf(tmp, "not eligible (%s): last working day %s, before the period's "
			    "last day, and pay_leavers = no", r, day);
	} else
		strbuf_addf(tmp, "not eligible (%s)", r);
	return tmp->buf;
}

static void explain_header(struct strbuf *sb, const struct company *c, const struct config *cfg,
			   const struct employee *e)
{
	const struct period *p = &c->period;
	struct strbuf tmp = STRBUF_INIT;
	char a[16], b[16], hire[16], leave[16];

	strbuf_addstr(sb, "Employee ");
	add_safe(sb, e->id);
	strbuf_addch(sb, ' ');
	add_safe(sb, e->name);
	strbuf_addstr(sb, ", department ");
	add_safe(sb, e->department);
	strbuf_addstr(sb, ", role ");
	if (e->role >= 0 && (size_t)e->role < cfg->nroles) {
		strbuf_addf(sb, "%s (", cfg->roles[e->role].name);
		add_label(sb, &cfg->roles[e->role].label);
		strbuf_addf(sb, "), value coefficient %.2f\n", cfg->roles[e->role].value_coefficient);
	} else {
		strbuf_addch(sb, '\'');
		add_safe(sb, e->role_text);
		strbuf_addstr(sb, "' (not a role of the config)\n");
	}
	date_format_iso(p->first, a);
	date_format_iso(p->last, b);
	date_format_iso(e->hire_date, hire);
	date_format_iso(e->leave_date, leave);
	strbuf_addf(sb, "Period %s: %s to %s, %d days\n", p->label, a, b, p->ndays);
	strbuf_addf(sb, "Employed from %s to %s: ", hire, *leave ? leave : "(still employed)");
	if (e->in_scope) {
		strbuf_addf(sb, "%d days in the period, proration = %d / %d = ", e->days, e->days,
			    p->ndays);
		add_number(sb, e->proration, 4);
	} else if (e->ineligible_reason && !strcmp(e->ineligible_reason, INELIGIBLE_UNKNOWN_ROLE)) {
		strbuf_addstr(sb, "left out of the period: role '");
		add_safe(sb, e->role_text);
		strbuf_addstr(sb, "' matches no [role.NAME] ([policy] unknown_role = warn)");
	} else {
		strbuf_addstr(sb, "not in the period");
	}
	strbuf_addf(sb, "\nBonus eligibility: %s\n", reason_text(e, cfg, p, &tmp));
	strbuf_release(&tmp);
}

void explain_employee(const struct company *c, const struct config *cfg, size_t emp,
		      struct strbuf *out)
{
	const struct employee *e = &c->emps[emp];
	size_t i;

	explain_header(out, c, cfg, e);
	if (!e->in_scope || e->role < 0 || (size_t)e->role >= cfg->nroles)
		return;
	explain_metrics(out, c, cfg, emp);
	strbuf_addstr(out, "\nKPIs\n");
	for (i = 0; i < e->nkpis; i++)
		explain_kpi(out, cfg, &e->kpis[i]);
	if (e->flags & FLAG_REWEIGHTED)
		strbuf_addstr(out, "  (a KPI dropped out: the other weights were scaled up to 100)\n");
	explain_scores(out, cfg, e);
	strbuf_addstr(out, "Rating from the raw score: ");
	explain_rating(out, cfg, e->raw_score, e->raw_rating);
	/* fairness and bonus are filled by their own stages (compute/fairness.c,
	 * compute/bonus.c); before those ran there is nothing to show */
	if (c->ngroups > 0)
		explain_fairness(out, c, cfg, e);
	explain_overrides(out, c, cfg, e);
	if (c->ngroups > 0 || c->pool_cents)
		explain_bonus(out, cfg, e);
	if (e->flags) {
		struct strbuf f = STRBUF_INIT;
		results_flags_text(e->flags, &f);
		strbuf_addf(out, "\nFlags: %s\n", f.buf);
		strbuf_release(&f);
	}
}
