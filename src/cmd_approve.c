/*
 * cmd_approve: `merit approve -p PERIOD --by NAME` — finance signs off the
 * published output of a period (SPEC 11): who, when, the run (its id and
 * its sequence in the ledger) and the SHA-256 of results.csv, the workbook
 * and every letter go into the ledger. `merit mail` then sends only while
 * those files are unchanged and the period was not run again.
 *
 * Takes the run lock (and the ledger's), so an approval never interleaves
 * with a run: it always approves one complete, published run.
 */
#include "cmd.h"
#include "deliver/approval.h"
#include "deliver/ledger.h"
#include "pipeline.h"
#include "util/diag.h"
#include "util/outdir.h"
#include "util/strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static size_t count_under(const struct approval *a, const char *dir)
{
	size_t i, n = 0;
	for (i = 0; i < a->nfiles; i++)
		n += !strncmp(a->files[i].path, dir, strlen(dir));
	return n;
}

int cmd_approve(const struct cmd_opts *o, struct diag *d)
{
	struct pipeline p;
	struct outdir od = OUTDIR_INIT;
	struct approval a;
	struct ledger_run run;
	struct stat st;
	char *folder = NULL;
	const char *period;
	int ledger_fd = -1, found;

	memset(&a, 0, sizeof(a));
	if (!o->period || !o->by || !*o->by) {
		diag_error(d, MERIT_USAGE, NULL, 0, 0, "approve needs -p PERIOD and --by NAME");
		diag_hint(d, "merit approve -c FILE -p 2026-10 --by \"Wang Fang (Finance)\"");
		return MERIT_USAGE;
	}
	if (pipeline_load_config(&p, o->config, o->period, o->output_dir, d) < 0 ||
	    outdir_lock(&od, p.output_root, d) < 0)
		goto out;
	period = p.company.period.label;
	folder = xstrfmt("%s/%s", p.output_root, period);
	if (stat(folder, &st) < 0) {
		diag_error(d, MERIT_NOINPUT, folder, 0, 0, "no published output for period %s: %s",
			   period, strerror(errno));
		diag_hint(d, "run the period first: merit run -c %s -p %s", o->config, period);
		goto out;
	}
	/* settle what a killed run left pending, so the run approved is the
	 * one whose output is published */
	if (ledger_lock(&p.cfg, 0, &ledger_fd, d) < 0 || ledger_reconcile(&p.cfg, d) < 0)
		goto out;
	found = ledger_last_run(&p.cfg, period, &run, d);
	if (found < 0)
		goto out;
	if (!found) {
		diag_error(d, MERIT_NOINPUT, folder, 0, 0, "period %s has no run in the ledger",
			   period);
		diag_hint(d, "approve what `merit run` published with this config's state_dir");
		goto out;
	}
	a.period = xstrdup(period);
	a.run_seq = run.seq;
	a.run_id = xstrdup(run.run_id);
	a.run_started = xstrdup(run.started);
	a.by = xstrdup(o->by);
	if (approval_hash_folder(folder, period, &a, d) < 0 || approval_record(&p.cfg, &a, d) < 0)
		goto out;
	if (!o->quiet)
		printf("approved %s by %s at %s: run %s of %s, %zu files (results.csv, the workbook, "
		       "%zu letters, %zu team pack%s)\n", period, a.by, a.at, a.run_id, a.run_started,
		       a.nfiles, count_under(&a, "letters/"), count_under(&a, "managers/"),
		       count_under(&a, "managers/") == 1 ? "" : "s");
out:
	approval_release(&a);
	free(folder);
	ledger_unlock(ledger_fd);
	outdir_release(&od);
	pipeline_release(&p);
	return d->status ? d->status : MERIT_OK;
}
