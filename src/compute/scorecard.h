/*
 * scorecard: targets, KPI scores, weights, sub-scores, training points and
 * the raw score of every in-scope employee (SPEC 5, 6, 8).
 */
#ifndef MERIT_SCORECARD_H
#define MERIT_SCORECARD_H

struct company;
struct config;
struct diag;

/* Fills employee.kpis, dim/persp scores, training points and raw_score,
 * and a first rating from the raw score. Returns 0 or -1 (diag filled). */
int scorecard_compute(struct company *c, const struct config *cfg, struct diag *d);

/* The rating band of a score after rounding to 4 decimals (SPEC 8). */
int rating_for_score(const struct config *cfg, double score);

#endif
