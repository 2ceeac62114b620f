/*
 * metrics: the metrics declared in [metric.NAME] (SPEC 5), per employee.
 *
 * Sales metrics were aggregated during ingest; this stage adds the metrics,
 * hr (turnover), reviews (review360) and training inputs, then ratios, then
 * the department/company scope (shared goals: every member gets the group's
 * value).
 */
#ifndef MERIT_METRICS_H
#define MERIT_METRICS_H

struct company;
struct config;
struct diag;

int metrics_compute(struct company *c, const struct config *cfg, struct diag *d);

#endif
