/*
 * cmd_history: `merit history EMPLOYEE_ID` — the employee's past periods
 * from the ledger (scores, ratings, bonuses, flags) as a text table. Reads
 * only the config and the ledger; deliver/ledger.c gives the rows, the
 * table is laid out here, then the overrides and approvals (SPEC 11).
 */
#include "cmd.h"
#include "config.h"
#include "deliver/approval.h"
#include "deliver/ledger.h"
#include "render/render.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/strbuf.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_padded(struct strbuf *sb, const char *s, size_t width, int right)
{
	size_t w = utf8_width(s);
	if (right)
		for (; w < width; w++)
			strbuf_addch(sb, ' ');
	strbuf_addstr(sb, s);
	if (!right)
		for (; w < width; w++)
			strbuf_addch(sb, ' ');
}

#define HISTORY_COLS 6

/* The rows as a table: a header line, then one line per period, columns
 * two spaces apart, numbers right-aligned, trailing blanks trimmed. */
static void history_table(const struct ledger_period *rows, size_t n, struct strbuf *out)
{
	static const char *const head[HISTORY_COLS] = {
		"period", "raw", "norm", "rating", "bonus", "flags"
	};
	static const int right[HISTORY_COLS] = { 0, 1, 1, 0, 1, 0 };
	size_t ncells = n * HISTORY_COLS, width[HISTORY_COLS], i, k;
	char **cells = xcalloc(ncells + 1, sizeof(*cells));

	for (i = 0; i < n; i++) {
		struct strbuf sb = STRBUF_INIT;
		char **c = &cells[i * HISTORY_COLS];
		c[0] = xstrdup(rows[i].period);
		c[1] = xstrfmt("%.4f", num_round4(rows[i].raw_score));
		c[2] = xstrfmt("%.4f", num_round4(rows[i].norm_score));
		c[3] = xstrdup(rows[i].rating_label);
		money_format(&sb, rows[i].bonus_cents, NULL);
		c[4] = strbuf_detach(&sb, NULL);
		results_flags_text(rows[i].flags, &sb);
		c[5] = strbuf_detach(&sb, NULL);
	}
	for (k = 0; k < HISTORY_COLS; k++) {
		width[k] = utf8_width(head[k]);
		for (i = k; i < ncells; i += HISTORY_COLS)
			if (utf8_width(cells[i]) > width[k])
				width[k] = utf8_width(cells[i]);
	}
	for (i = 0; i < ncells + HISTORY_COLS; i += HISTORY_COLS) {
		struct strbuf line = STRBUF_INIT;
		for (k = 0; k < HISTORY_COLS; k++) {
			const char *s = i ? cells[i - HISTORY_COLS + k] : head[k];
			if (k)
				strbuf_addstr(&line, "  ");
			add_padded(&line, s, k + 1 < HISTORY_COLS ? width[k] : 0, right[k]);
		}
		strbuf_trim(&line);
		strbuf_addstr(out, line.buf);
		strbuf_addch(out, '\n');
		strbuf_release(&line);
	}
	for (i = 0; i < ncells; i++)
		free(cells[i]);
	free(cells);
}

/*
 * SPEC 11, below the table: each period's overrides of the employee and
 * its finance approval, one line each:
 *   2026-10  override rating: Needs improvement -> Qualified (reason; approved by X on DATE)
 *   2026-10  approved by Wang Fang on 2026-11-02T09:15:00Z (run 3f2a9c1d0e4b5a6c)
 * An approval the period's next run voided says so.
 */
static int history_notes(const struct config *cfg, const struct ledger_period *rows, size_t n,
			 struct strbuf *out, struct diag *d)
{
	size_t i;
	int first = 1;
	for (i = 0; i < n; i++) {
		const char *p = rows[i].overrides, *nl;
		struct approval a;
		struct ledger_run run;
		int found;
		for (; p && *p; p = nl ? nl + 1 : NULL) {
			nl = strchr(p, '\n');
			strbuf_addf(out, "%s%s  override %.*s\n", first ? "\n" : "", rows[i].period,
				    (int)(nl ? (size_t)(nl - p) : strlen(p)), p);
			first = 0;
			if (!nl)
				break;
		}
		found = approval_latest(cfg, rows[i].period, &a, d);
		if (found < 0 || ledger_last_run(cfg, rows[i].period, &run, d) < 0) {
			approval_release(&a);
			return -1;
		}
		if (found) {
			strbuf_addf(out, "%s%s  approved by %s on %s (run %s)", first ? "\n" : "",
				    rows[i].period, a.by, a.at, a.run_id);
			if (a.run_seq != run.seq)
				strbuf_addf(out, ", void: run again at %s", run.started);
			strbuf_addch(out, '\n');
			first = 0;
		}
		approval_release(&a);
	}
	return 0;
}

int cmd_history(const struct cmd_opts *o, struct diag *d)
{
	struct config cfg;
	struct strbuf sb = STRBUF_INIT;
	struct ledger_period *rows;
	size_t n;
	int status = MERIT_OK;

	if (config_load(&cfg, o->config, d) < 0)
		return d->status ? d->status : MERIT_CONFIG;
	if (ledger_history(&cfg, o->args[0], &rows, &n, d) < 0) {
		status = d->status ? d->status : MERIT_SOFTWARE;
	} else {
		history_table(rows, n, &sb);
		if (history_notes(&cfg, rows, n, &sb, d) < 0)
			status = d->status ? d->status : MERIT_SOFTWARE;
		else
			fputs(sb.buf, stdout);
		ledger_periods_free(rows, n);
	}
	strbuf_release(&sb);
	config_release(&cfg);
	return status;
}
