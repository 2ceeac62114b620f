/*
 * overrides: the decisions of appeals (申诉) and calibration meetings
 * (SPEC 11), read into company.overrides for compute to apply.
 *
 * An override changes what people are paid, so unlike the other inputs
 * nothing here is ever only a warning, whatever [policy] says: a row that
 * cannot be applied exactly as written (unknown employee, KPI or band, no
 * reason or approver, a second decision about the same thing) is an error
 * and the run publishes nothing. Rows whose optional period column names
 * another period are kept out of this run (a file may collect a year of
 * decisions).
 */
#include "ingest/ingest_internal.h"
#include "ingest/loader.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* The text of a required cell, or NULL after an error. */
static const char *required(struct loader *ld, int field, const char *why)
{
	const char *s = loader_text(ld, field);
	if (*s)
		return s;
	loader_error(ld, ROW_MISSING_FIELD, field, "%s is empty", schema_inputs[ld->in].fields[field].name);
	if (why)
		diag_hint(ld->d, "%s", why);
	return NULL;
}

/* 1 when the row is for the run's period (or names none), 0 when for
 * another, -1 after an error. */
static int for_this_period(struct loader *ld)
{
	const char *s = loader_text(ld, OVERRIDES_PERIOD);
	struct period p;
	if (!*s)
		return 1;
	if (period_parse_fixed(s, &p) < 0) {
		loader_error(ld, ROW_BAD_DATE, OVERRIDES_PERIOD,
			     "period '%s' is not a month, quarter or year", s);
		diag_hint(ld->d, "write 2026-10, 2026-Q4 or 2026, or leave it empty");
		return -1;
	}
	return !strcmp(p.label, ld->c->period.label);
}

static int kind_of(struct loader *ld, enum override_kind *kind)
{
	const char *s = required(ld, OVERRIDES_KIND, NULL), *v;
	int i;
	if (!s)
		return -1;
	v = valueset_map(config_valueset(ld->cfg, "override_kind"), s);
	for (i = 0; v && i < OVERRIDE_KIND_COUNT; i++)
		if (!strcmp(v, override_kind_names[i])) {
			*kind = (enum override_kind)i;
			return 0;
		}
	loader_error(ld, ROW_BAD_VALUE, OVERRIDES_KIND,
		     "kind '%s' is not one of actual, target, rating, exclude", s);
	diag_hint(ld->d, "or add '%s' as an alias in [values.override_kind]", s);
	return -1;
}

/* The KPI of an actual or target override: in the config and on the
 * employee's scorecard. */
static int kpi_of(struct loader *ld, long emp)
{
	const struct config *cfg = ld->cfg;
	const char *s = required(ld, OVERRIDES_KPI, "actual and target overrides name the "
				 "[kpi.NAME] they correct");
	const struct employee *e;
	const char **names;
	size_t i;
	int k;
	if (!s)
		return -1;
	k = config_kpi_index(cfg, s);
	if (k < 0) {
		names = xcalloc(cfg->nkpis + 1, sizeof(*names));
		for (i = 0; i < cfg->nkpis; i++)
			names[i] = cfg->kpis[i].name;
		loader_error(ld, ROW_BAD_VALUE, OVERRIDES_KPI, "kpi '%s' is not a [kpi.NAME]", s);
		if (config_nearest(s, names, cfg->nkpis))
			diag_hint(ld->d, "did you mean '%s'?", config_nearest(s, names, cfg->nkpis));
		free(names);
		return -1;
	}
	if (emp < 0)
		return k;
	e = &ld->c->emps[emp];
	if (e->role >= 0 && (size_t)e->role < cfg->nroles) {
		const struct role_def *r = &cfg->roles[e->role];
		for (i = 0; i < r->nkpis; i++)
			if (r->kpis[i].kpi == k)
				return k;
		loader_error(ld, ROW_BAD_VALUE, OVERRIDES_KPI,
			     "kpi '%s' is not on the scorecard of employee '%s' (role %s)", s, e->id,
			     r->name);
		return -1;
	}
	return k;
}

static int value_of(struct loader *ld, struct override_row *o)
{
	const char *s;
	switch (o->kind) {
	case OVERRIDE_ACTUAL:
	case OVERRIDE_TARGET:
		s = required(ld, OVERRIDES_VALUE, "write the corrected figure");
		if (!s)
			return -1;
		if (num_parse(s, &o->value) != NUM_OK) {
			loader_error(ld, ROW_BAD_NUMBER, OVERRIDES_VALUE, "value '%s' is not a number", s);
			return -1;
		}
		return 0;
	case OVERRIDE_RATING:
		s = required(ld, OVERRIDES_VALUE, "write the band the rating becomes");
		if (!s)
			return -1;
		o->band = config_band_find(ld->cfg, s);
		if (o->band < 0) {
			struct strbuf names = STRBUF_INIT;
			size_t i;
			for (i = 0; i < ld->cfg->nbands; i++) {
				const struct label *l = &ld->cfg->bands[i].label;
				strbuf_addf(&names, "%s%s", i ? ", " : "", label_get(l, LOCALE_ZH));
				if (strcmp(label_get(l, LOCALE_ZH), label_get(l, LOCALE_EN)))
					strbuf_addf(&names, " | %s", label_get(l, LOCALE_EN));
			}
			loader_error(ld, ROW_BAD_VALUE, OVERRIDES_VALUE,
				     "band '%s' is not a [rating] band", s);
			diag_hint(ld->d, "write one of %s (either half of the label)", names.buf);
			strbuf_release(&names);
			return -1;
		}
		return 0;
	default:
		if (*loader_text(ld, OVERRIDES_VALUE)) {
			loader_error(ld, ROW_BAD_VALUE, OVERRIDES_VALUE,
				     "value '%s' has no meaning for kind exclude",
				     loader_text(ld, OVERRIDES_VALUE));
			diag_hint(ld->d, "leave value empty: exclude keeps the results and pays no bonus");
			return -1;
		}
		return 0;
	}
}

static int date_of(struct loader *ld, int32_t *day)
{
	const struct strlist *f = &ld->ic->date_formats;
	const char *s = required(ld, OVERRIDES_DATE, "the letter says when the result was adjusted");
	if (!s)
		return -1;
	if (date_parse(s, (const char *const *)f->items, f->nr, day) == DATE_OK)
		return 0;
	loader_error(ld, ROW_BAD_DATE, OVERRIDES_DATE, "date '%s' is not a date", s);
	diag_hint(ld->d, "expected 2026-10-05, 2026/10/05 or 2026.10.05");
	return -1;
}

/* One decision per employee, kind and KPI: a second one is an error at
 * its line, naming the first. */
static int first_time(struct loader *ld, struct strmap *seen, struct strlist *keys,
		      const struct override_row *o)
{
	struct strbuf id = STRBUF_INIT;
	size_t first;
	int fresh;
	strbuf_addf(&id, "%zu\x1f%d\x1f%d", o->employee, (int)o->kind, o->kpi);
	fresh = !strmap_get(seen, id.buf, &first);
	if (fresh) {
		strlist_push(keys, id.buf);
		strmap_put(seen, keys->items[keys->nr - 1], (size_t)o->line);
	} else if (o->kpi >= 0) {
		loader_error(ld, ROW_DUPLICATE_RECORD, OVERRIDES_KIND,
			     "a second %s override of employee '%s' kpi '%s' (first at line %zu)",
			     override_kind_names[o->kind], ld->c->emps[o->employee].id,
			     ld->cfg->kpis[o->kpi].name, first);
	} else {
		loader_error(ld, ROW_DUPLICATE_RECORD, OVERRIDES_KIND,
			     "a second %s override of employee '%s' (first at line %zu)",
			     override_kind_names[o->kind], ld->c->emps[o->employee].id, first);
	}
	if (!fresh)
		diag_hint(ld->d, "keep one decision per employee and %s", o->kpi >= 0 ? "KPI" : "kind");
	strbuf_release(&id);
	return fresh;
}

static void override_row(struct loader *ld, struct strmap *seen, struct strlist *keys)
{
	struct company *c = ld->c;
	struct override_row o;
	const char *id, *reason, *by;
	long emp = -1;
	int here = for_this_period(ld);
	struct employee *e;

	memset(&o, 0, sizeof(o));
	o.kpi = o.band = -1;
	o.line = ld->row.row_line;
	id = required(ld, OVERRIDES_EMPLOYEE_ID, NULL);
	if (id)
		emp = loader_employee(ld, OVERRIDES_EMPLOYEE_ID, ROW_UNKNOWN_EMPLOYEE, "employee_id");
	if (kind_of(ld, &o.kind) == 0) {
		if (o.kind == OVERRIDE_ACTUAL || o.kind == OVERRIDE_TARGET)
			o.kpi = kpi_of(ld, emp);
		else if (*loader_text(ld, OVERRIDES_KPI))
			loader_error(ld, ROW_BAD_VALUE, OVERRIDES_KPI,
				     "kpi '%s' has no meaning for kind %s",
				     loader_text(ld, OVERRIDES_KPI), override_kind_names[o.kind]);
		value_of(ld, &o);
	}
	reason = required(ld, OVERRIDES_REASON, "say why: the appeal or meeting that decided it");
	by = required(ld, OVERRIDES_APPROVED_BY, "name who approved the decision");
	date_of(ld, &o.date);
	if (ld->bad || here < 0 || emp < 0)
		return;
	if (here == 0) {
		ld->st->set_aside_other_period++;
		return;
	}
	o.employee = (size_t)emp;
	if (!first_time(ld, seen, keys, &o))
		return;
	o.reason = xstrdup(reason);
	o.approved_by = xstrdup(by);
	ALLOC_GROW(c->overrides, c->noverrides + 1, c->overrides_alloc);
	c->overrides[c->noverrides] = o;
	e = &c->emps[emp];
	e->overrides = xrealloc(e->overrides, (e->noverrides + 1) * sizeof(*e->overrides));
	e->overrides[e->noverrides++] = c->noverrides++;
	ld->st->rows_used++;
}

int ingest_overrides(struct company *c, const struct config *cfg, struct diag *d)
{
	struct loader ld;
	struct strmap seen;
	struct strlist keys;
	int rc;

	rc = loader_open(&ld, c, cfg, INPUT_OVERRIDES, d);
	if (rc <= 0)
		return rc;
	/* A decision about someone merit cannot find is never dropped quietly. */
	ld.unknown_is_error = 1;
	strmap_init(&seen);
	memset(&keys, 0, sizeof(keys));
	while ((rc = loader_next(&ld)) > 0)
		override_row(&ld, &seen, &keys);
	loader_close(&ld);
	strmap_release(&seen);
	strlist_release(&keys);
	return rc < 0 ? -1 : 0;
}
