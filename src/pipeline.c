/*
 * pipeline: the stages every command shares, in their one order:
 * config -> period -> ingest -> scope (and teams) -> metrics -> scorecard
 * (with actual and target overrides) -> next period's targets -> fairness
 * -> rating and exclude overrides -> history (flags, trends) -> bonus. Each
 * stage annotates the model; a stage that reports errors stops the
 * pipeline so later stages never see bad data.
 */
#include "pipeline.h"
#include "compute/bonus.h"
#include "compute/fairness.h"
#include "compute/metrics.h"
#include "compute/overrides.h"
#include "compute/scope.h"
#include "compute/scorecard.h"
#include "compute/targets.h"
#include "compute/teams.h"
#include "deliver/ledger.h"
#include "ingest/ingest.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/sha256.h"
#include "util/strbuf.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

/*
 * Document dates must not change between runs: SOURCE_DATE_EPOCH when set
 * (the reproducible-builds convention), else the period's last day.
 */
static int resolve_doc_time(struct company *c, struct diag *d)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	long long v;
	if (env && *env) {
		if (num_parse_int(env, 0, 253402300799LL, &v) != NUM_OK)
			return diag_error(d, MERIT_USAGE, NULL, 0, 0,
					  "SOURCE_DATE_EPOCH '%s' is not a number of seconds", env);
		c->doc_time = v;
		return 0;
	}
	c->doc_time = (int64_t)c->period.last * 86400;
	return 0;
}

static void hash_inputs(struct pipeline *p)
{
	struct sha256 h;
	int i;
	sha256_init(&h);
	sha256_update(&h, p->cfg.sha256, strlen(p->cfg.sha256));
	for (i = 0; i < INPUT_COUNT; i++)
		if (p->company.inputs[i].present)
			sha256_update(&h, p->company.inputs[i].sha256, 64);
	sha256_final_hex(&h, p->inputs_hash);
}

int pipeline_load_config(struct pipeline *p, const char *config_path, const char *period_arg,
			 const char *output_dir, struct diag *d)
{
	const char *period_text;
	struct period period;

	memset(p, 0, sizeof(*p));
	if (config_load(&p->cfg, config_path, d) < 0)
		return -1;
	p->have_cfg = 1;

	period_text = period_arg ? period_arg : p->cfg.period;
	if (!period_text)
		return diag_error(d, MERIT_USAGE, NULL, 0, 0,
				  "no period: give -p PERIOD or set [run] period");
	if (period_parse(period_text, date_today(), &period) < 0) {
		diag_error(d, period_arg ? MERIT_USAGE : MERIT_CONFIG, NULL, 0, 0,
			   "period '%s' is not a month, quarter or year", period_text);
		diag_hint(d, "write 2026-10, 2026-Q4, 2026 or auto");
		return -1;
	}
	company_init(&p->company, &period);
	p->have_company = 1;
	if (resolve_doc_time(&p->company, d) < 0)
		return -1;
	p->output_root = xstrdup(output_dir ? output_dir : p->cfg.output_dir);
	return 0;
}

int pipeline_load_inputs(struct pipeline *p, struct diag *d)
{
	if (ingest_load(&p->company, &p->cfg, d) < 0 || d->status)
		return -1;
	hash_inputs(p);
	return 0;
}

int pipeline_load(struct pipeline *p, const char *config_path, const char *period,
		  const char *output_dir, struct diag *d)
{
	if (pipeline_load_config(p, config_path, period, output_dir, d) < 0)
		return -1;
	return pipeline_load_inputs(p, d);
}

int pipeline_compute(struct pipeline *p, struct diag *d)
{
	struct company *c = &p->company;
	const struct config *cfg = &p->cfg;

	c->keep_details = p->keep_details;
	scope_compute(c, cfg);
	if (overrides_check(c, cfg, d) < 0)
		return -1;
	teams_compute(c);
	if (metrics_compute(c, cfg, d) < 0 || d->status)
		return -1;
	/* Rows nothing reads any more go before the scorecards are allocated. */
	company_drop_rows(c, ROWS_METRICS | (p->no_letters ? ROWS_REVIEWS : 0));
	if (scorecard_compute(c, cfg, d) < 0 || d->status)
		return -1;
	targets_set_next(c, cfg);
	company_drop_rows(c, ROWS_TARGETS);
	/* The freed rows' small strings (ids, keys) are holes in the heap
	 * that later stages only partly reuse: give their pages back. */
	malloc_trim(0);
	if (fairness_apply(c, cfg, d) < 0 || d->status)
		return -1;
	overrides_apply_results(c);
	if (ledger_apply_history(c, cfg, d) < 0 || d->status)
		return -1;
	if (bonus_allocate(c, cfg, d) < 0 || d->status)
		return -1;
	return 0;
}

void pipeline_release(struct pipeline *p)
{
	if (p->have_company)
		company_release(&p->company);
	if (p->have_cfg)
		config_release(&p->cfg);
	free(p->output_root);
	memset(p, 0, sizeof(*p));
}
