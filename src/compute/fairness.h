/*
 * fairness: normalisation of raw scores within groups, optional forced
 * distribution, ratings from the normalised score, group statistics (SPEC 7).
 */
#ifndef MERIT_FAIRNESS_H
#define MERIT_FAIRNESS_H

struct company;
struct config;
struct diag;

int fairness_apply(struct company *c, const struct config *cfg, struct diag *d);

#endif
