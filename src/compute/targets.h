/*
 * targets: the targets input indexed once per run, and the target of one
 * KPI for one employee in any period, by the rules in DECISIONS.md
 * (employee > role > department > company; the period's own row, a longer
 * one prorated, or complete shorter ones). A target given as a number in
 * the INI is not consulted here.
 *
 * Ownership: targets_new() returns an index that points into the company,
 * which must outlive it; targets_free() frees it and accepts NULL. The
 * index is read-only once built, so threads may share it; each lookup
 * brings its own struct targets_scratch.
 *
 *   struct targets *t = targets_new(c);
 *   if (targets_find(t, c, cfg, e, kpi, &c->period, &v, NULL)) ...
 *   targets_free(t);
 */
#ifndef MERIT_TARGETS_H
#define MERIT_TARGETS_H

#include <stddef.h>

#include "util/strbuf.h"

struct company;
struct config;
struct employee;
struct period;
struct target_row;
struct targets;

struct targets *targets_new(const struct company *c);
void targets_free(struct targets *t);

/*
 * The target of KPI `kpi` (index into cfg->kpis) for employee e in period
 * p. Returns 1 and sets *value, or 0 when no complete target applies.
 * source (may be NULL) gets where the value came from; on 0 it describes
 * the incomplete rows found, if any.
 */
int targets_find(const struct targets *t, const struct company *c,
		 const struct config *cfg, const struct employee *e, int kpi,
		 const struct period *p, double *value, struct strbuf *source);

/* A lookup's scratch space, kept apart from the index so the index stays
 * read-only; reused across lookups it saves two allocations per KPI. */
struct targets_scratch {
	struct strbuf probe;      /* composite key being looked up */
	size_t *found;            /* the rows matching one scope */
	size_t nfound, found_alloc;
};
void targets_scratch_init(struct targets_scratch *sc);
void targets_scratch_release(struct targets_scratch *sc);

/*
 * targets_find() with the caller's scratch, for the scorecard's loop over
 * every employee x KPI. kpi must be valid. *partial is set to the first
 * incomplete row found when nothing complete applied (src then describes
 * those rows), else NULL.
 */
int targets_lookup(const struct targets *t, struct targets_scratch *sc,
		   const struct company *c, const struct config *cfg,
		   const struct employee *e, int kpi, const struct period *p,
		   double *value, struct strbuf *src, const struct target_row **partial);

/*
 * Next period's targets, stored for render and deliver to read: sets
 * c->next_period and, for every KPI of every in-scope employee,
 * has_next_target and next_target from the targets input (by the rules
 * that scored this period; a KPI whose target is a number in the INI gets
 * one only if the table has a row for it).
 */
void targets_set_next(struct company *c, const struct config *cfg);

/* The targets input's name for messages: its display path, or "targets". */
const char *targets_file(const struct config *cfg);

#endif
