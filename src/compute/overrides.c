/*
 * overrides: each decision applied at its stage (see overrides.h). The
 * value before is kept in the override itself, so results.csv, the
 * workbook, explain, the letters and the ledger all show one "before ->
 * after" and none of them recomputes anything.
 */
#include "compute/overrides.h"
#include "model.h"
#include "util/diag.h"
#include "util/strbuf.h"

#include <stdlib.h>

/* The overrides file as ingest's messages name it. */
static const char *overrides_file(const struct config *cfg)
{
	const struct input_conf *ic = &cfg->inputs[INPUT_OVERRIDES];
	return ic->file ? ic->file : "overrides";
}

int overrides_check(const struct company *c, const struct config *cfg, struct diag *d)
{
	const char *file = overrides_file(cfg);
	size_t i;
	int ret = 0;
	for (i = 0; i < c->noverrides; i++) {
		const struct override_row *o = &c->overrides[i];
		const struct employee *e = &c->emps[o->employee];
		if (e->in_scope)
			continue;
		diag_error(d, MERIT_DATAERR, file, o->line, 0,
			   "employee '%s' is not in period %s: the %s override cannot apply",
			   e->id, c->period.label, override_kind_names[o->kind]);
		diag_hint(d, "check the employee_id, or give the row a period column for the "
			  "period it was decided for");
		ret = -1;
	}
	return ret;
}

void overrides_apply_kpi(struct company *c, const struct config *cfg, struct employee *e,
			 struct kpi_result *r)
{
	char *src;
	size_t i;
	for (i = 0; i < e->noverrides; i++) {
		struct override_row *o = &c->overrides[e->overrides[i]];
		if (o->kpi != r->kpi)
			continue;
		if (o->kind == OVERRIDE_ACTUAL) {
			o->had_before = r->has_actual;
			o->before = r->actual;
			r->has_actual = 1;
			r->actual = o->value;
		} else if (o->kind == OVERRIDE_TARGET) {
			o->had_before = r->has_target;
			o->before = r->target;
			r->has_target = 1;
			r->target = o->value;
			src = xstrfmt("override (%s:%d)", cfg->inputs[INPUT_OVERRIDES].file_display
				      ? cfg->inputs[INPUT_OVERRIDES].file_display
				      : overrides_file(cfg), o->line);
			r->target_source = company_intern(c, src);
			free(src);
		} else {
			continue;
		}
		o->applied = 1;
		r->overridden |= 1u << o->kind;
		e->overridden |= 1u << o->kind;
	}
}

void overrides_apply_results(struct company *c)
{
	size_t i;
	for (i = 0; i < c->noverrides; i++) {
		struct override_row *o = &c->overrides[i];
		struct employee *e = &c->emps[o->employee];
		if (o->kind == OVERRIDE_RATING) {
			o->band_before = e->rating;
			e->rating = o->band;
			/* fairness counted the group's ratings and picked the honour
			 * roll from the top band: both follow the decision */
			if (e->group < c->ngroups && c->groups[e->group].rating_count) {
				if (o->band_before >= 0)
					c->groups[e->group].rating_count[o->band_before]--;
				c->groups[e->group].rating_count[o->band]++;
			}
			if (o->band != 0)
				e->flags &= ~(unsigned)FLAG_TOP_PERFORMER;
		} else if (o->kind == OVERRIDE_EXCLUDE) {
			o->eligible_before = e->eligible;
			o->reason_before = e->ineligible_reason;
			e->eligible = 0;
			e->ineligible_reason = INELIGIBLE_EXCLUDED;
		} else {
			continue;
		}
		o->applied = 1;
		e->overridden |= 1u << o->kind;
	}
}
