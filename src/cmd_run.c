/*
 * cmd_run: `merit run` — the month-end job. Loads and computes under the
 * run lock, renders every output into a temporary folder, records the period
 * in the ledger, then publishes the folder in one rename.
 */
#include "cmd.h"
#include "deliver/ledger.h"
#include "pipeline.h"
#include "render/manifest.h"
#include "render/render.h"
#include "util/diag.h"
#include "util/log.h"
#include "util/outdir.h"
#include "util/strbuf.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/*
 * Fault injection for the tests (a SQLite habit): MERIT_FAULT=NAME kills the
 * run with SIGKILL at the point NAME, so the atomic-output promise is tested
 * at the worst moments instead of being hoped for.
 */
static void fault_point(const char *name)
{
	const char *f = getenv("MERIT_FAULT");
	if (f && !strcmp(f, name))
		raise(SIGKILL);
}

static int render_all(struct pipeline *p, const struct cmd_opts *o, const char *dir,
		      struct manifest *m, struct diag *d)
{
	const struct company *c = &p->company;
	char *path;
	int rc;
	double t;

	progress_stage(3, 5, "writing results.csv");
	path = xstrfmt("%s/results.csv", dir);
	t = now_ms();
	rc = results_csv_write(c, &p->cfg, path, d);
	free(path);
	manifest_timing(m, "results_csv", now_ms() - t);
	if (rc < 0)
		return -1;

	progress_stage(4, 5, "writing the workbook");
	path = xstrfmt("%s/merit-%s.xlsx", dir, c->period.label);
	t = now_ms();
	rc = xlsx_write(c, &p->cfg, path, d);
	free(path);
	manifest_timing(m, "workbook", now_ms() - t);
	if (rc < 0)
		return -1;

	if (!o->no_letters) {
		int jobs = o->jobs ? o->jobs : p->cfg.letters.jobs;
		if (jobs <= 0) {
			long n = sysconf(_SC_NPROCESSORS_ONLN);
			jobs = n > 0 ? (int)n : 1;
		}
		progress_stage(5, 5, "writing letters");
		path = xstrfmt("%s/letters", dir);
		t = now_ms();
		rc = letters_write(c, &p->cfg, path, jobs, d);
		free(path);
		manifest_timing(m, "letters", now_ms() - t);
		if (rc < 0)
			return -1;
	}
	return manifest_write(m, &p->cfg, c, p->inputs_hash, dir, d);
}

int cmd_run(const struct cmd_opts *o, struct diag *d)
{
	struct pipeline p;
	struct outdir od = OUTDIR_INIT;
	struct manifest m;
	double t;
	int status = MERIT_SOFTWARE;

	manifest_init(&m);
	if (pipeline_load_config(&p, o, d) < 0)
		goto out;
	/* Lock before reading anything, so two runs never interleave. */
	if (outdir_lock(&od, p.output_root, d) < 0)
		goto out;
	progress_stage(1, 5, "reading inputs");
	t = now_ms();
	if (pipeline_load_inputs(&p, d) < 0)
		goto out;
	manifest_timing(&m, "ingest", now_ms() - t);
	progress_stage(2, 5, "computing scores and bonuses");
	t = now_ms();
	if (pipeline_compute(&p, d) < 0)
		goto out;
	manifest_timing(&m, "compute", now_ms() - t);
	if (outdir_begin(&od, p.company.period.label, d) < 0)
		goto out;
	if (render_all(&p, o, od.tmp, &m, d) < 0)
		goto out;
	if (o->dry_run) {
		status = MERIT_OK;
		goto out;    /* outdir_release removes the unpublished folder */
	}
	fault_point("before-ledger");
	/* Ledger first: if it fails, nothing is published and the previous
	 * output stays; a re-run replaces the period in both. */
	if (ledger_record(&p.company, &p.cfg, m.run_id, p.inputs_hash, d) < 0)
		goto out;
	fault_point("before-publish");
	if (outdir_commit(&od, d) < 0)
		goto out;
	status = MERIT_OK;
out:
	progress_done();
	outdir_release(&od);
	manifest_release(&m);
	pipeline_release(&p);
	if (d->status)
		return d->status;
	return status;
}
