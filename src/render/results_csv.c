/*
 * results_csv: results.csv, the Employees sheet as plain UTF-8 CSV for
 * machines (SPEC 10). The first ten columns are an interface and fixed; the
 * rest follow in a stable order: the overrides applied (SPEC 11), HR facts, scope, fairness, bonus, flags,
 * sub-scores, then actual/target/achievement/score for every KPI of the
 * config, then every metric's value.
 */
#include "model.h"
#include "render/render.h"
#include "util/diag.h"
#include "util/fault.h"
#include "util/num.h"
#include "util/file.h"
#include "util/strbuf.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void add_num(struct strbuf *sb, double v, int present)
{
	strbuf_addch(sb, ',');
	if (present && isfinite(v))
		num_add_round4(sb, v);
}

/* Appends s as one CSV field (RFC 4180 quoting only when needed). */
static void add_csv_field(struct strbuf *sb, const char *s)
{
	const char *p;
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		strbuf_addstr(sb, s);
		return;
	}
	strbuf_addch(sb, '"');
	for (p = s; *p; p++) {
		if (*p == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *p);
	}
	strbuf_addch(sb, '"');
}

/*
 * Text from the inputs, neutralised against CSV injection: a spreadsheet
 * opening results.csv would run a cell beginning with = + - @ (or a tab or
 * CR before one) as a formula (`=cmd|' /C calc'!A0`). Such a cell gets a
 * leading apostrophe, the OWASP advice: Excel and LibreOffice then show it
 * as text. The workbook needs nothing: it writes every text as a string
 * cell, never a formula. Numbers are written by add_num, never here.
 */
static void add_cell(struct strbuf *sb, const char *s)
{
	if (!s)
		s = "";
	if (*s && strchr("=+-@\t\r", *s)) {
		struct strbuf tmp = STRBUF_INIT;
		strbuf_addch(&tmp, '\'');
		strbuf_addstr(&tmp, s);
		add_csv_field(sb, tmp.buf);
		strbuf_release(&tmp);
		return;
	}
	add_csv_field(sb, s);
}

static void add_text(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, ',');
	add_cell(sb, s);
}

/* Flag words in a fixed order, ';'-separated. */
void results_flags_text(unsigned flags, struct strbuf *sb)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ FLAG_WARNING, "warning" }, { FLAG_ROLE_REVIEW, "role_review" },
		{ FLAG_PROMOTE, "promote" }, { FLAG_TOP_PERFORMER, "top_performer" },
		{ FLAG_SMALL_GROUP, "small_group" }, { FLAG_REWEIGHTED, "reweighted" },
		{ FLAG_BONUS_CAPPED, "capped" },
	};
	size_t i;
	int any = 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit) {
			if (any++)
				strbuf_addch(sb, ';');
			strbuf_addstr(sb, names[i].name);
		}
}

/* SPEC 11: every applied override of the employee, "; "-separated. */
static void add_overrides(struct strbuf *sb, const struct company *c, const struct config *cfg,
			  const struct employee *e)
{
	struct strbuf text = STRBUF_INIT;
	size_t i;
	for (i = 0; i < e->noverrides; i++) {
		const struct override_row *o = &c->overrides[e->overrides[i]];
		if (!o->applied)
			continue;
		if (text.len)
			strbuf_addstr(&text, "; ");
		override_describe(o, cfg, cfg->locale, &text);
	}
	add_text(sb, text.buf);
	strbuf_release(&text);
}

static void header(struct strbuf *sb, const struct config *cfg)
{
	size_t i;
	strbuf_addstr(sb, "employee_id,name,department,role,proration,eligible,raw_score,"
		      "norm_score,rating,bonus,overrides,eligible_reason,dept_type,grade,base_salary,"
		      "in_scope_days,group,value_coefficient,points,bonus_cap,flags,"
		      "training_points");
	for (i = 0; i < DIM_COUNT; i++)
		strbuf_addf(sb, ",dim_%s", dimension_names[i]);
	for (i = 0; i < PERSP_COUNT; i++)
		strbuf_addf(sb, ",bsc_%s", perspective_names[i]);
	for (i = 0; i < cfg->nkpis; i++) {
		const char *k = cfg->kpis[i].name;
		strbuf_addf(sb, ",%s_actual,%s_target,%s_achievement,%s_score", k, k, k, k);
	}
	for (i = 0; i < cfg->nmetrics; i++)
		strbuf_addf(sb, ",metric_%s", cfg->metrics[i].name);
	strbuf_addstr(sb, "\n");
}

static void row(struct strbuf *sb, const struct company *c, const struct config *cfg,
		const struct employee *e)
{
	const struct role_def *role = e->role >= 0 ? &cfg->roles[e->role] : NULL;
	size_t i;

	add_cell(sb, e->id);
	add_text(sb, e->name);
	add_text(sb, e->department);
	add_text(sb, role ? role->name : e->role_text);
	add_num(sb, e->proration, 1);
	add_text(sb, e->eligible ? "yes" : "no");
	add_num(sb, e->raw_score, 1);
	add_num(sb, e->norm_score, 1);
	add_text(sb, e->rating >= 0 ? label_get(&cfg->bands[e->rating].label, cfg->locale) : "");
	strbuf_addch(sb, ',');
	money_format(sb, e->bonus, NULL);
	add_overrides(sb, c, cfg, e);
	add_text(sb, e->ineligible_reason);
	add_text(sb, dept_type_names[e->dept_type]);
	add_text(sb, e->grade);
	strbuf_addch(sb, ',');
	money_format(sb, e->base_salary, NULL);
	strbuf_addf(sb, ",%d", e->days);
	add_text(sb, c->ngroups ? c->groups[e->group].name : e->department);
	add_num(sb, role ? role->value_coefficient : 0, role != NULL);
	add_num(sb, e->points, 1);
	strbuf_addch(sb, ',');
	if (e->cap_cents != INT64_MAX)
		money_format(sb, e->cap_cents, NULL);
	strbuf_addch(sb, ',');
	results_flags_text(e->flags, sb);
	add_num(sb, e->training_points, 1);
	for (i = 0; i < DIM_COUNT; i++)
		add_num(sb, e->dim_score[i], 1);
	for (i = 0; i < PERSP_COUNT; i++)
		add_num(sb, e->persp_score[i], 1);
	for (i = 0; i < cfg->nkpis; i++) {
		const struct kpi_result *k = employee_kpi(e, i);
		add_num(sb, k ? k->actual : 0, k && k->has_actual);
		add_num(sb, k ? k->target : 0, k && k->has_target);
		add_num(sb, k ? k->achievement : 0, k && k->has_actual && k->has_target && !k->dropped);
		add_num(sb, k ? k->score : 0, k && !k->dropped);
	}
	for (i = 0; i < cfg->nmetrics; i++)
		add_num(sb, e->metrics ? e->metrics[i].value : 0, e->metrics && e->metrics[i].present);
	strbuf_addch(sb, '\n');
}

int results_csv_write(const struct company *c, const struct config *cfg, const char *path,
		      struct diag *d)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int fd = file_open_write(path, 0600), rc = fd < 0 ? -1 : 0;
	/* Written a megabyte at a time: the whole file of 100,000 people is
	 * 50 MB that would otherwise sit in memory at once. */
	header(&sb, cfg);
	for (i = 0; i < c->nemps && rc == 0; i++) {
		if (c->emps[i].in_scope)
			row(&sb, c, cfg, &c->emps[i]);
		if (sb.len >= (1u << 20)) {
			rc = file_write_fd(fd, sb.buf, sb.len);
			strbuf_reset(&sb);
		}
	}
	if (rc == 0 && fault_fail("results-csv-write")) {
		errno = ENOSPC;     /* tests: the write fails as on a full disk */
		rc = -1;
	}
	if (rc == 0)
		rc = file_write_fd(fd, sb.buf, sb.len);
	if (fd >= 0 && close(fd) < 0)
		rc = -1;
	strbuf_release(&sb);
	if (rc < 0)
		return diag_error(d, MERIT_CANTCREAT, path, 0, 0, "cannot write: %s", strerror(errno));
	return 0;
}
