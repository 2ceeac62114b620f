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
#include "util/fault.h"
#include "util/log.h"
#include "util/outdir.h"
#include "util/strbuf.h"
#include "util/threads.h"

#include <errno.h>
#include <pthread.h>
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
 * results.csv is written on a thread of its own beside the workbook: both
 * only read the model, and the workbook's last ~40 % (libxlsxwriter
 * zipping it) runs on one core, leaving the other idle. Its messages go to
 * a diag of its own, moved into the run's after the join.
 */
struct results_job {
	const struct company *c;
	const struct config *cfg;
	char *path;
	struct diag d;
	int rc;
	double ms;
};

static void *results_run(void *arg)
{
	struct results_job *j = arg;
	double t = now_ms();
	j->rc = results_csv_write(j->c, j->cfg, j->path, &j->d);
	j->ms = now_ms() - t;
	return NULL;
}

/* dir: the run's temporary folder; final_dir: where it will be published,
 * which messages name (the temporary one is gone when they are read). */
static int render_all(struct pipeline *p, const struct cmd_opts *o, const char *dir,
		      const char *final_dir, struct manifest *m, struct diag *d)
{
	const struct company *c = &p->company;
	struct results_job rj = { c, &p->cfg, NULL, { 0 }, 0, 0 };
	pthread_t results_thread;
	int rc, threaded;
	char *path;
	double t;

	progress_stage(3, 5, "writing results.csv");
	rj.path = xstrfmt("%s/results.csv", dir);
	diag_init(&rj.d);
	threaded = threads_count() > 1 &&
		   pthread_create(&results_thread, NULL, results_run, &rj) == 0;
	if (!threaded)
		results_run(&rj);

	progress_stage(4, 5, "writing the workbook");
	path = xstrfmt("%s/merit-%s.xlsx", dir, c->period.label);
	t = now_ms();
	/* The run's own diag: the Audit sheet counts the run's warnings in it
	 * (so results.csv's messages, from its thread, come after these). */
	rc = xlsx_write(c, &p->cfg, path, d);
	t = now_ms() - t;
	free(path);

	if (threaded)
		pthread_join(results_thread, NULL);
	manifest_timing(m, "results_csv", rj.ms);
	manifest_timing(m, "workbook", t);
	diag_take(d, &rj.d);
	free(rj.path);
	if (rc < 0 || rj.rc < 0)
		return -1;

	if (!o->no_letters) {
		struct letters_opts lo;
		char *shown = xstrfmt("%s/letters", final_dir);
		char *packs = xstrfmt("%s/managers", dir);
		char *packs_shown = xstrfmt("%s/managers", final_dir);
		progress_stage(5, 5, "writing letters and team packs");
		path = xstrfmt("%s/letters", dir);
		memset(&lo, 0, sizeof(lo));
		lo.dir = path;
		lo.shown_dir = shown;
		lo.pack_dir = packs;
		lo.pack_shown_dir = packs_shown;
		lo.jobs = o->jobs;
		t = now_ms();
		rc = letters_write_opts(c, &p->cfg, &lo, d);
		free(path);
		free(shown);
		free(packs);
		free(packs_shown);
		manifest_timing(m, "letters", now_ms() - t);
		if (rc < 0)
			return -1;
	}
	return manifest_write(m, &p->cfg, c, p->inputs_hash, dir, d);
}

/* The published folder's absolute path: the ledger checks it later from
 * any working directory. */
static char *published_path(const char *root, const char *label, struct diag *d)
{
	char *real = realpath(root, NULL), *path;
	if (!real) {
		diag_error(d, MERIT_CANTCREAT, root, 0, 0, "cannot resolve the output folder: %s",
			   strerror(errno));
		return NULL;
	}
	path = xstrfmt("%s/%s", real, label);
	free(real);
	return path;
}

int cmd_run(const struct cmd_opts *o, struct diag *d)
{
	struct pipeline p;
	struct outdir od = OUTDIR_INIT;
	struct manifest m;
	char *published = NULL;
	double t;
	int status = MERIT_SOFTWARE, ledger_fd = -1;

	manifest_init(&m);
	if (pipeline_load_config(&p, o->config, o->period, o->output_dir, d) < 0)
		goto out;
	/* Lock before reading anything, so two runs never interleave. */
	if (outdir_lock(&od, p.output_root, d) < 0)
		goto out;
	/* The ledger has its own lock: two runs with different output folders
	 * share it. Then settle whatever a killed run left pending, so this
	 * run's streaks read what was really published. */
	if (!o->dry_run && (ledger_lock(&p.cfg, 1, &ledger_fd, d) < 0 ||
			    ledger_reconcile(&p.cfg, d) < 0))
		goto out;
	progress_stage(1, 5, "reading inputs");
	t = now_ms();
	if (pipeline_load_inputs(&p, d) < 0)
		goto out;
	manifest_timing(&m, "ingest", now_ms() - t);
	progress_stage(2, 5, "computing scores and bonuses");
	t = now_ms();
	p.no_letters = o->no_letters;
	if (pipeline_compute(&p, d) < 0)
		goto out;
	manifest_timing(&m, "compute", now_ms() - t);
	if (outdir_begin(&od, p.company.period.label, d) < 0)
		goto out;
	if (render_all(&p, o, od.tmp, od.final, &m, d) < 0)
		goto out;
	/* Every stage's error stops the run here, before the ledger and the
	 * publish, even one a stage reported without returning -1. */
	if (d->errors)
		goto out;
	if (o->dry_run) {
		status = MERIT_OK;
		goto out;    /* outdir_release removes the unpublished folder */
	}
	published = published_path(p.output_root, p.company.period.label, d);
	if (!published)
		goto out;
	fault_point("before-ledger");
	/* Ledger first, as pending: if it fails, nothing is published and the
	 * previous output stays. Killed after it, the pending rows are kept or
	 * dropped by the next command according to what was published. */
	if (ledger_record(&p.company, &p.cfg, m.run_id, p.inputs_hash, published, d) < 0)
		goto out;
	fault_point("before-publish");
	if (outdir_commit(&od, d) < 0)
		goto out;
	fault_point("after-publish");
	if (ledger_confirm(&p.cfg, p.company.period.label, d) < 0)
		goto out;
	status = MERIT_OK;
out:
	progress_done();
	ledger_unlock(ledger_fd);
	free(published);
	outdir_release(&od);
	manifest_release(&m);
	pipeline_release(&p);
	if (d->status)
		return d->status;
	return status;
}
