/*
 * bonus: points, caps and the allocation of the pool to the cent (SPEC 9).
 */
#ifndef MERIT_BONUS_H
#define MERIT_BONUS_H

struct company;
struct config;
struct diag;

/* Needs ratings. Sets points, cap_cents, bonus, FLAG_BONUS_CAPPED and the
 * company totals; afterwards the bonuses add up to the pool exactly (less
 * any unallocated remainder, reported). */
int bonus_allocate(struct company *c, const struct config *cfg, struct diag *d);

#endif
