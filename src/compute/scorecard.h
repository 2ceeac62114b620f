/*
 * scorecard: targets, KPI scores, weights, sub-scores, training points and
 * the raw score of every in-scope employee (SPEC 5, 6, 8).
 *
 * The targets lookup is public so that the letters show next period's
 * targets by the very rules that scored this one.
 */
#ifndef MERIT_SCORECARD_H
#define MERIT_SCORECARD_H

struct company;
struct config;
struct diag;
struct employee;
struct period;
struct strbuf;
struct scorecard_targets;

/* Fills employee.kpis, dim/persp scores, training points and raw_score,
 * and a first rating from the raw score. Returns 0 or -1 (diag filled). */
int scorecard_compute(struct company *c, const struct config *cfg, struct diag *d);

/* The rating band of a score after rounding to 4 decimals (SPEC 8):
 *   scorecard_rating(cfg, 89.99999999999999) == 0 with bands 90, 80, 0 */
int scorecard_rating(const struct config *cfg, double score);

/*
 * The targets input of c indexed for scorecard_target(). Read-only once
 * built, so threads may share it; it points into c, which must outlive it.
 * scorecard_targets_free() frees it and accepts NULL.
 */
struct scorecard_targets *scorecard_targets_new(const struct company *c);
void scorecard_targets_free(struct scorecard_targets *t);

/*
 * The target of KPI `kpi` (index into cfg->kpis) for employee e in period
 * p from the targets input, by the rules in DECISIONS.md (employee > role >
 * department > company; the period's own row, a longer one prorated, or
 * complete shorter ones). A target given as a number in the INI is not
 * consulted here.
 * Returns 1 and sets *value, or 0 when no complete target applies. source
 * (may be NULL) gets where the value came from; on 0 it describes the
 * incomplete rows found, if any.
 *   struct period next;
 *   period_next(&c->period, &next);
 *   if (scorecard_target(t, c, cfg, e, kpi, &next, &v, NULL)) ...
 */
int scorecard_target(const struct scorecard_targets *t, const struct company *c,
		     const struct config *cfg, const struct employee *e, int kpi,
		     const struct period *p, double *value, struct strbuf *source);

#endif
