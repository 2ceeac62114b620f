/*
 * overrides: applies the decisions of appeals and calibration meetings
 * (SPEC 11, company.overrides as ingest read them) at their stage of the
 * pipeline, and records in each override the value before and after:
 *
 *   scope_compute      -> overrides_check          every override names an
 *                                                  employee in the period
 *   scorecard_compute  -> overrides_apply_kpi      actual, target: before scoring
 *   fairness_apply     -> overrides_apply_results  rating (after forced
 *                                                  distribution), exclude
 *   bonus_allocate                                 sees the final ratings and
 *                                                  eligibility, so the pool
 *                                                  still adds up to the cent
 */
#ifndef MERIT_OVERRIDES_H
#define MERIT_OVERRIDES_H

struct company;
struct config;
struct diag;
struct employee;
struct kpi_result;

/* An override of an employee outside the period is an error (65) at the
 * override's file:line: the decision would silently do nothing. */
int overrides_check(const struct company *c, const struct config *cfg, struct diag *d);

/* Called by the scorecard once r's actual and target are known and before
 * they are scored: replaces them by e's actual / target overrides of r's KPI. */
void overrides_apply_kpi(struct company *c, const struct config *cfg, struct employee *e,
			 struct kpi_result *r);

/* Ratings and exclusions, after fairness and before the history flags and
 * the bonus. */
void overrides_apply_results(struct company *c);

#endif
