/*
 * cmd_validate: `merit validate` — the whole pipeline without output: the
 * config, every input and every computation are checked, nothing is written
 * (the ledger is only read). Prints a one-paragraph summary unless -q.
 */
#include "cmd.h"
#include "pipeline.h"
#include "render/render.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/strbuf.h"

#include <stdio.h>

int cmd_validate(const struct cmd_opts *o, struct diag *d)
{
	struct pipeline p;
	struct strbuf sb = STRBUF_INIT;
	size_t i, in_scope = 0, eligible = 0;
	int rc = -1;

	/* SPEC 3.1: validate loads what run loads, the letters' templates,
	 * phrase files and font too, so that it fails where run would. */
	if (pipeline_load(&p, o->config, o->period, o->output_dir, d) == 0 &&
	    pipeline_compute(&p, d) == 0 && letters_check(&p.cfg, d) == 0)
		rc = 0;
	if (rc == 0 && !o->quiet) {
		const struct company *c = &p.company;
		const struct input_stats *s = &c->inputs[INPUT_SALES];
		for (i = 0; i < c->nemps; i++) {
			in_scope += c->emps[i].in_scope != 0;
			eligible += c->emps[i].eligible != 0;
		}
		strbuf_addf(&sb, "%s: ok, period %s\n", o->config, c->period.label);
		strbuf_addf(&sb, "  employees: %zu in HR, %zu in scope, %zu eligible for a bonus\n",
			    c->nemps, in_scope, eligible);
		strbuf_addf(&sb, "  sales rows: %zu read, %zu in the period; set aside: %zu without "
			    "a date, %zu without an amount, %zu in other periods",
			    s->rows, s->rows_used, s->set_aside_no_date, s->set_aside_no_amount,
			    s->set_aside_other_period);
		if (s->set_aside_duplicate)
			strbuf_addf(&sb, ", %zu duplicate%s", s->set_aside_duplicate,
				    s->set_aside_duplicate == 1 ? "" : "s");
		strbuf_addch(&sb, '\n');
		if (s->no_duplicate_check)
			strbuf_addstr(&sb, "  sales: no record_id column, so duplicate rows are not "
				      "checked\n");
		/* SPEC 3.1: every row set aside by a problem is counted, per input. */
		for (i = 0; i < INPUT_COUNT; i++)
			if (c->inputs[i].set_aside_problem)
				strbuf_addf(&sb, "  %s rows set aside by a problem: %zu\n",
					    schema_inputs[i].name, c->inputs[i].set_aside_problem);
		for (i = 0; i < INPUT_COUNT; i++)
			if (c->inputs[i].totals_rows)
				strbuf_addf(&sb, "  %s: %zu totals row%s (合计, Total, ...) skipped\n",
					    schema_inputs[i].name, c->inputs[i].totals_rows,
					    c->inputs[i].totals_rows == 1 ? "" : "s");
		strbuf_addstr(&sb, "  bonus pool: ");
		money_format(&sb, c->pool_cents, p.cfg.bonus.currency_symbol);
		strbuf_addstr(&sb, ", allocated ");
		money_format(&sb, c->allocated_cents, p.cfg.bonus.currency_symbol);
		strbuf_addf(&sb, "\n  warnings: %zu\n", d->warnings);
		fputs(sb.buf, stdout);
	}
	strbuf_release(&sb);
	pipeline_release(&p);
	return rc < 0 ? (d->status ? d->status : MERIT_SOFTWARE) : MERIT_OK;
}
