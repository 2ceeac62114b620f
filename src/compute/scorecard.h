/*
 * scorecard: KPI scores, weights, sub-scores, training points and the raw
 * score of every in-scope employee (SPEC 5, 6, 8); targets come from
 * compute/targets.h.
 */
#ifndef MERIT_SCORECARD_H
#define MERIT_SCORECARD_H

struct company;
struct config;
struct diag;

/* Fills employee.kpis, dim/persp scores, training points and raw_score,
 * and a first rating from the raw score. Returns 0 or -1 (diag filled). */
int scorecard_compute(struct company *c, const struct config *cfg, struct diag *d);

/* The rating band of a score after rounding to 4 decimals (SPEC 8):
 *   scorecard_rating(cfg, 89.99999999999999) == 0 with bands 90, 80, 0 */
int scorecard_rating(const struct config *cfg, double score);

#endif
