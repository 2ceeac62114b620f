/*
 * scope: who is in the period, proration and bonus eligibility (SPEC 4).
 */
#ifndef MERIT_SCOPE_H
#define MERIT_SCOPE_H

struct company;
struct config;

/* Sets in_scope, days, proration, eligible and ineligible_reason. */
void scope_compute(struct company *c, const struct config *cfg);

#endif
