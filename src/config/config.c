/*
 * config: the INI file -> struct config, with every section, key and value
 * checked against SPEC sections 2-9 before any input is read.
 *
 * This file reads the file, hands it to config_ini.c (line index, then
 * iniparser) and sends each section to its loader (config_inputs.c,
 * config_metrics.c, config_scoring.c, config_policy.c; see
 * config_internal.h). Sections are handled in dependency order, not file
 * order: value sets before the metrics whose `where` maps through them,
 * metrics before KPIs, KPIs before roles, rating bands before multipliers
 * and forced shares. Errors are collected, not fatal one by one, so one
 * `merit validate` lists every mistake in the file.
 */
#include "config.h"
#include "config_internal.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest INI we read; a real one is a few KiB. */
#define CONFIG_MAX_BYTES (4u << 20)

/* ------------------------------------------------------------- sections */

enum sec_kind {
	K_RUN, K_RATING, K_SCORING, K_TRAINING, K_REVIEW360, K_FAIRNESS, K_BONUS,
	K_BONUS_POOLS, K_POLICY, K_HISTORY, K_LETTERS, K_MAIL,
	K_INPUT, K_COLUMNS, K_VALUES, K_METRIC, K_KPI, K_ROLE, K_DEFAULTS,
	K_COUNT
};
#define K_FIRST_PREFIX K_INPUT

static const char *const sec_names[K_COUNT] = {
	"run", "rating", "scoring", "training", "review360", "fairness", "bonus",
	"bonus.pools", "policy", "history", "letters", "mail",
	"input", "columns", "values", "metric", "kpi", "role", "defaults",
};

static void unknown_section(struct config_loader *L, const struct ini_section *s)
{
	const char *dot = strchr(s->name, '.'), *near;
	config_err(L, s->line, NULL, NULL, "unknown section [%s]", s->name);
	if (dot) {
		char *head = xstrndup(s->name, (size_t)(dot - s->name));
		near = config_nearest(head, sec_names + K_FIRST_PREFIX, K_COUNT - K_FIRST_PREFIX);
		if (near)
			diag_hint(L->d, "did you mean [%s%s]?", near, dot);
		free(head);
		if (near)
			return;
	}
	near = config_nearest(s->name, sec_names, K_FIRST_PREFIX);
	if (near) {
		diag_hint(L->d, "did you mean [%s]?", near);
	} else {
		diag_hint(L->d, "sections: [run], [input.NAME], [columns.NAME], [values.NAME], "
			  "[metric.NAME], [kpi.NAME], [role.NAME], [rating], [scoring], [training], "
			  "[review360], [fairness], [bonus], [bonus.pools], [policy], [history], "
			  "[letters], [mail]");
	}
}

/* -------------------------------------------------------------- defaults */

/* The SPEC defaults live here only: config_load() starts from them, and so
 * does the unit tests' fixture, so a hand-made config cannot drift. */
void config_init(struct config *cfg)
{
	size_t i;
	memset(cfg, 0, sizeof(*cfg));
	cfg->locale = LOCALE_ZH;
	cfg->score_cap = 120;
	cfg->training_points_per_course = 2;
	cfg->training_max_points = 5;
	cfg->fairness.method = FAIR_NONE;
	cfg->fairness.group = xstrdup("department");
	cfg->fairness.group_field = HR_DEPARTMENT;
	cfg->fairness.min_group = 5;
	cfg->bonus.currency = xstrdup("CNY");
	cfg->bonus.cap_months = 3;
	cfg->bonus.min_days = 15;
	strlist_push(&cfg->bonus.ineligible_status, "probation");
	strlist_push(&cfg->bonus.ineligible_status, "试用");
	cfg->policy.on_missing_data = MISSING_REWEIGHT;
	cfg->policy.on_missing_target = MISSING_ERROR;
	for (i = 0; i < ROW_PROBLEM_COUNT; i++)
		cfg->policy.row_is_error[i] = 1;
	cfg->reviews.weight[REL_MANAGER] = 50;
	cfg->reviews.weight[REL_PEER] = 30;
	cfg->reviews.weight[REL_SUBORDINATE] = 20;
	cfg->reviews.weight[REL_SELF] = 0;
	for (i = 0; i < REL_COUNT; i++)
		cfg->reviews.min_reviewers[i] = 1;
	cfg->reviews.min_reviewers[REL_PEER] = 2;
	cfg->warning_after = 2;
	cfg->review_after = 3;
	cfg->promote_after = 3;
	cfg->mail.starttls_required = 1;
	cfg->mail.retries = 3;
	cfg->mail.require_approval = 1;
	for (i = 0; i < INPUT_COUNT; i++) {
		cfg->inputs[i].delimiter = ',';
		cfg->inputs[i].header_row = 1;
		cfg->inputs[i].hours_per_year = CONFIG_HOURS_PER_YEAR;
		cfg->inputs[i].scale = 1;
	}
}

static void load_sections(struct config_loader *L)
{
	struct config *cfg = L->cfg;
	const struct ini_section *fixed[K_FIRST_PREFIX] = { 0 };
	const struct ini_section **lists[K_COUNT] = { 0 };
	size_t nlist[K_COUNT] = { 0 }, i;
	int k;

	for (k = K_FIRST_PREFIX; k < K_COUNT; k++)
		lists[k] = xcalloc(L->ix.nr + 1, sizeof(*lists[k]));
	for (i = 0; i < L->ix.nr; i++) {
		const struct ini_section *s = &L->ix.secs[i];
		const char *dot = strchr(s->name, '.');
		for (k = 0; k < K_FIRST_PREFIX; k++)
			if (!strcmp(s->name, sec_names[k]))
				break;
		if (k < K_FIRST_PREFIX) {
			fixed[k] = s;
			continue;
		}
		for (k = K_FIRST_PREFIX; dot && dot[1] && k < K_COUNT; k++)
			if (strlen(sec_names[k]) == (size_t)(dot - s->name) &&
			    !strncmp(s->name, sec_names[k], (size_t)(dot - s->name)))
				break;
		if (!dot || !dot[1] || k == K_COUNT)
			unknown_section(L, s);
		else
			lists[k][nlist[k]++] = s;
	}

	config_valuesets_builtin(cfg);
	for (i = 0; i < nlist[K_VALUES]; i++)
		if (strcmp(lists[K_VALUES][i]->name, "values.role"))   /* after the roles */
			config_load_values(L, lists[K_VALUES][i],
					   lists[K_VALUES][i]->name + strlen("values."));
	for (i = 0; i < nlist[K_INPUT]; i++)
		config_load_input(L, lists[K_INPUT][i], lists[K_INPUT][i]->name + strlen("input."));
	for (i = 0; i < nlist[K_COLUMNS]; i++)
		config_load_columns(L, lists[K_COLUMNS][i],
				    lists[K_COLUMNS][i]->name + strlen("columns."));
	for (i = 0; i < nlist[K_DEFAULTS]; i++)
		config_load_defaults(L, lists[K_DEFAULTS][i],
				     lists[K_DEFAULTS][i]->name + strlen("defaults."));
	config_check_inputs(L);
	config_load_run(L, fixed[K_RUN]);
	config_load_metrics(L, lists[K_METRIC], nlist[K_METRIC]);
	config_load_kpis(L, lists[K_KPI], nlist[K_KPI]);
	config_load_roles(L, lists[K_ROLE], nlist[K_ROLE]);
	if (!nlist[K_ROLE])
		config_err(L, 0, NULL, NULL, "no roles: declare at least one [role.NAME] scorecard");
	for (i = 0; i < nlist[K_VALUES]; i++)
		if (!strcmp(lists[K_VALUES][i]->name, "values.role"))
			config_load_role_titles(L, lists[K_VALUES][i]);
	config_load_scoring(L, fixed[K_SCORING]);
	config_load_training(L, fixed[K_TRAINING]);
	config_load_history(L, fixed[K_HISTORY]);
	config_load_review360(L, fixed[K_REVIEW360]);
	config_load_rating(L, fixed[K_RATING]);
	config_load_fairness(L, fixed[K_FAIRNESS]);
	config_load_bonus(L, fixed[K_BONUS], fixed[K_BONUS_POOLS]);
	config_load_policy(L, fixed[K_POLICY]);
	config_load_letters(L, fixed[K_LETTERS]);
	config_load_mail(L, fixed[K_MAIL]);
	config_fields_used(L);
	for (k = K_FIRST_PREFIX; k < K_COUNT; k++)
		free(lists[k]);
}

/* ------------------------------------------------------------- the file */

static int read_file(const char *path, struct strbuf *sb, struct diag *d)
{
	int rc = strbuf_read_file(sb, path, CONFIG_MAX_BYTES);
	if (rc == -1) {
		diag_error(d, MERIT_NOINPUT, path, 0, 0, "cannot open the configuration: %s",
			   strerror(errno));
		diag_hint(d, "give the INI file with -c, e.g. -c config/merit.ini");
		return -1;
	}
	if (rc < 0 && errno == EFBIG)
		return diag_config(d, path, 0, NULL, NULL, "file is larger than %u bytes; "
				   "is it really the INI?", CONFIG_MAX_BYTES);
	if (rc < 0)
		return diag_error(d, MERIT_NOINPUT, path, 0, 0, "cannot read the configuration: %s",
				  strerror(errno));
	if (memchr(sb->buf, 0, sb->len))
		return diag_config(d, path, 0, NULL, NULL, "file contains NUL bytes; "
				   "is it really the INI?");
	return 0;
}

int config_load(struct config *cfg, const char *path, struct diag *d)
{
	struct config_loader L;
	struct strbuf buf = STRBUF_INIT;

	config_init(cfg);
	cfg->path = xstrdup(path);
	cfg->dir = file_dirname(path);

	memset(&L, 0, sizeof(L));
	L.cfg = cfg;
	L.d = d;
	L.file = cfg->path;
	L.errors_before = d->errors;

	if (read_file(path, &buf, d) < 0)
		goto fail;
	sha256_hex(buf.buf, buf.len, cfg->sha256);
	if (buf.len >= 3 && !memcmp(buf.buf, "\xEF\xBB\xBF", 3))
		config_index_build(&L, buf.buf + 3, buf.len - 3);
	else
		config_index_build(&L, buf.buf, buf.len);
	if (d->errors != L.errors_before)
		goto fail;
	if (config_ini_parse(&L, buf.buf, buf.len) < 0)
		goto fail;
	load_sections(&L);
	if (d->errors != L.errors_before)
		goto fail;
	config_ini_release(&L);
	strbuf_release(&buf);
	return 0;
fail:
	config_ini_release(&L);
	strbuf_release(&buf);
	config_release(cfg);
	return -1;
}

/* -------------------------------------------------------------- release */

static void valueset_release(struct valueset *vs)
{
	size_t i;
	for (i = 0; i < vs->nr; i++) {
		free(vs->values[i].canonical);
		strlist_release(&vs->values[i].aliases);
	}
	free(vs->values);
	free(vs->name);
}

void config_release(struct config *cfg)
{
	size_t i, j;
	free(cfg->path);
	free(cfg->dir);
	label_release(&cfg->company);
	free(cfg->period);
	free(cfg->output_dir);
	free(cfg->state_dir);
	for (i = 0; i < INPUT_COUNT; i++) {
		struct input_conf *ic = &cfg->inputs[i];
		free(ic->file);
		free(ic->file_display);
		free(ic->sheet);
		strlist_release(&ic->date_formats);
		strlist_release(&ic->nulls);
		strlist_release(&ic->months);
		for (j = 0; j < SCHEMA_MAX_FIELDS; j++) {
			strlist_release(&ic->aliases[j]);
			free(ic->defaults[j]);
			free(ic->used_by[j]);
		}
	}
	for (i = 0; i < cfg->nrole_titles; i++)
		free(cfg->role_titles[i].pattern);
	free(cfg->role_titles);
	for (i = 0; i < cfg->nvaluesets; i++)
		valueset_release(&cfg->valuesets[i]);
	free(cfg->valuesets);
	for (i = 0; i < cfg->nmetrics; i++) {
		struct metric_def *m = &cfg->metrics[i];
		free(m->name);
		free(m->source_name);
		for (j = 0; j < m->nwhere; j++)
			strlist_release(&m->where[j].values);
		free(m->where);
		label_release(&m->label);
	}
	free(cfg->metrics);
	for (i = 0; i < cfg->nkpis; i++) {
		free(cfg->kpis[i].name);
		free(cfg->kpis[i].bands);
		label_release(&cfg->kpis[i].label);
	}
	free(cfg->kpis);
	for (i = 0; i < cfg->nroles; i++) {
		free(cfg->roles[i].name);
		free(cfg->roles[i].kpis);
		label_release(&cfg->roles[i].label);
	}
	free(cfg->roles);
	for (i = 0; i < cfg->nbands; i++)
		label_release(&cfg->bands[i].label);
	free(cfg->bands);
	free(cfg->fairness.group);
	free(cfg->fairness.forced_shares);
	for (i = 0; i < cfg->bonus.npools; i++)
		free(cfg->bonus.pools[i].department);
	free(cfg->bonus.pools);
	free(cfg->bonus.currency);
	free(cfg->bonus.currency_symbol);
	free(cfg->bonus.number_format);
	strlist_release(&cfg->bonus.ineligible_status);
	free(cfg->letters.templates_dir);
	free(cfg->letters.font);
	free(cfg->letters.password);
	free(cfg->mail.url);
	free(cfg->mail.user);
	free(cfg->mail.password_env);
	free(cfg->mail.password_file);
	free(cfg->mail.ca_file);
	free(cfg->mail.from);
	free(cfg->mail.reply_to);
	free(cfg->mail.bcc);
	memset(cfg, 0, sizeof(*cfg));
}

/* -------------------------------------------------------------- lookups */

int config_metric_index(const struct config *cfg, const char *name)
{
	size_t i;
	for (i = 0; i < cfg->nmetrics; i++)
		if (!strcmp(cfg->metrics[i].name, name))
			return (int)i;
	return -1;
}

int config_kpi_index(const struct config *cfg, const char *name)
{
	size_t i;
	for (i = 0; i < cfg->nkpis; i++)
		if (!strcmp(cfg->kpis[i].name, name))
			return (int)i;
	return -1;
}

int config_role_find(const struct config *cfg, const char *text)
{
	size_t i, len;
	if (!text)
		return -1;
	len = strlen(text);
	str_trim(&text, &len);
	for (i = 0; i < cfg->nroles; i++)
		if (config_text_is(text, len, cfg->roles[i].name) ||
		    label_matches(&cfg->roles[i].label, text, len))
			return (int)i;
	return -1;
}

int config_band_find(const struct config *cfg, const char *text)
{
	size_t i, len;
	if (!text)
		return -1;
	len = strlen(text);
	str_trim(&text, &len);
	for (i = 0; i < cfg->nbands; i++)
		if (label_matches(&cfg->bands[i].label, text, len))
			return (int)i;
	return -1;
}

