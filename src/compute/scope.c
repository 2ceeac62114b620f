/*
 * scope: who is in the period, for how many days, and who may get a bonus
 * (SPEC 4). An employee whose role is not in the config is not in scope
 * (reason unknown_role): ingest kept them only because of `[policy]
 * unknown_role = warn`, and without a scorecard there is nothing to rate.
 *
 * Dates are day numbers and both ends are inclusive: hire_date is the first
 * working day and leave_date the last one, so someone who leaves on the
 * period's last day worked the whole period and is still employed on it.
 */
#include "compute/scope.h"
#include "model.h"
#include "util/date.h"

#include "util/strbuf.h"

#include <string.h>
#include <strings.h>

/* Exact match after trimming ASCII blanks, ASCII case ignored ("Probation"
 * and "probation"); Chinese statuses compare byte for byte. */
static int status_matches(const char *status, const char *word)
{
	size_t n = strlen(status);
	str_trim(&status, &n);
	return strlen(word) == n && !strncasecmp(status, word, n);
}

static int status_ineligible(const struct config *cfg, const char *status)
{
	size_t i;
	if (!status || !*status)
		return 0;
	for (i = 0; i < cfg->bonus.ineligible_status.nr; i++)
		if (status_matches(status, cfg->bonus.ineligible_status.items[i]))
			return 1;
	return 0;
}

/*
 * The first reason that applies, in the order an HR reader finds most
 * telling: leaving explains a short stay better than the day count does,
 * and a probation status is the rule, the day count only its symptom.
 */
static const char *ineligible_reason(const struct employee *e, const struct config *cfg,
				     const struct period *p)
{
	if (!e->in_scope)
		return INELIGIBLE_NOT_IN_SCOPE;
	if (!cfg->bonus.pay_leavers && e->leave_date != DATE_NONE && e->leave_date < p->last)
		return INELIGIBLE_LEFT;
	if (status_ineligible(cfg, e->status))
		return INELIGIBLE_STATUS;
	if (e->days < cfg->bonus.min_days * p->nmonths)
		return INELIGIBLE_MIN_DAYS;
	return NULL;
}

void scope_compute(struct company *c, const struct config *cfg)
{
	const struct period *p = &c->period;
	size_t i;

	for (i = 0; i < c->nemps; i++) {
		struct employee *e = &c->emps[i];
		/* No hire date cannot pass ingest; treat it as "always there"
		 * rather than dropping a person silently. */
		int32_t start = e->hire_date == DATE_NONE ? p->first : e->hire_date;
		int32_t end = e->leave_date == DATE_NONE ? p->last : e->leave_date;
		int unknown_role = e->role < 0;   /* ingest's config_role_find found none */

		e->in_scope = start <= p->last && end >= p->first && end >= start;
		/* An unknown role (kept by `[policy] unknown_role = warn`, which
		 * ingest reported) has no scorecard: out of the period here, before
		 * metrics, so no group aggregate (turnover, shared goals) counts
		 * someone the reports then leave out. */
		if (e->in_scope && unknown_role) {
			e->in_scope = 0;
			e->days = 0;
			e->proration = 0;
			e->ineligible_reason = INELIGIBLE_UNKNOWN_ROLE;
			e->eligible = 0;
			continue;
		}
		if (start < p->first)
			start = p->first;
		if (end > p->last)
			end = p->last;
		e->days = e->in_scope ? end - start + 1 : 0;
		e->proration = (double)e->days / p->ndays;
		e->ineligible_reason = ineligible_reason(e, cfg, p);
		e->eligible = e->ineligible_reason == NULL;
	}
}
