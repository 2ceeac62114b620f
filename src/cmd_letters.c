/*
 * cmd_letters: `merit letters -c FILE -p PERIOD [--shard K/N|auto]` — the
 * letters and team packs of one shard (SPEC 12), into the period that
 * `merit run --no-letters` published. Shards share out/<period>/ on a
 * shared file system; each writes only its own employees' files, each file
 * atomically, so several machines (or processes) can run at once with no
 * lock and no database between them.
 *
 * Computing is global and cheap, so every shard recomputes the whole period
 * from the same inputs and checks it against the published manifest's run
 * id: a shard never adds letters of other inputs to published results.
 *
 * What a shard leaves in out/<period>/shards/:
 *   letters-K-of-N.record   "merit shard record <run id>", then one line per
 *                           document written: "letters/<file> <sha256>"
 *                           (a re-run keeps what it lists with that hash)
 *   letters-K-of-N.done     written last, atomically: the shard is complete
 */
#include "cmd.h"
#include "pipeline.h"
#include "render/manifest.h"
#include "render/render.h"
#include "util/diag.h"
#include "util/log.h"
#include "util/file.h"
#include "util/strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cmd_letters(const struct cmd_opts *o, struct diag *d)
{
	struct pipeline p;
	struct letters_opts lo;
	struct shard s = { 0, 1 };
	struct strbuf sb = STRBUF_INIT;
	char run_id[17], published[17], name[32];
	char *period_dir = NULL, *shards_dir = NULL, *letters = NULL, *packs = NULL, *record = NULL;
	char *done = NULL;
	int status = MERIT_SOFTWARE;

	if (o->shard && shard_parse(o->shard, &s, d) < 0)
		return MERIT_USAGE;
	if (!o->period) {
		diag_error(d, MERIT_USAGE, NULL, 0, 0, "letters needs -p PERIOD");
		diag_hint(d, "every shard must name the same period, e.g. -p 2026-10");
		return MERIT_USAGE;
	}
	if (pipeline_load(&p, o->config, o->period, o->output_dir, d) < 0 || pipeline_compute(&p, d) < 0)
		goto out;
	period_dir = xstrfmt("%s/%s", p.output_root, p.company.period.label);
	manifest_run_id(&p.company, p.inputs_hash, run_id);
	if (manifest_published_run_id(period_dir, published) < 0) {
		diag_error(d, MERIT_NOINPUT, period_dir, 0, 0, "no published run for %s",
			   p.company.period.label);
		diag_hint(d, "run `merit run -c %s -p %s --no-letters` first, once, then the shards",
			  o->config, p.company.period.label);
		goto out;
	}
	if (strcmp(run_id, published)) {
		diag_error(d, MERIT_DATAERR, period_dir, 0, 0, "the published run (%s) was made from "
			   "other inputs or another merit than these (%s): its letters would not "
			   "match its results", published, run_id);
		diag_hint(d, "run `merit run -c %s -p %s --no-letters` again, then the shards",
			  o->config, p.company.period.label);
		goto out;
	}
	shards_dir = xstrfmt("%s/shards", period_dir);
	if (mkdir(shards_dir, 0700) < 0 && errno != EEXIST) {
		diag_error(d, MERIT_CANTCREAT, shards_dir, 0, 0, "cannot create folder: %s",
			   strerror(errno));
		goto out;
	}
	shard_name(&s, name);
	letters = xstrfmt("%s/letters", period_dir);
	packs = xstrfmt("%s/managers", period_dir);
	record = xstrfmt("%s/letters-%s.record", shards_dir, name);
	done = xstrfmt("%s/letters-%s.done", shards_dir, name);
	/* A re-run is not complete until it finishes again. */
	if (unlink(done) < 0 && errno != ENOENT) {
		diag_error(d, MERIT_CANTCREAT, done, 0, 0, "cannot remove: %s", strerror(errno));
		goto out;
	}
	memset(&lo, 0, sizeof(lo));
	lo.dir = letters;
	lo.pack_dir = packs;
	lo.jobs = o->jobs;
	lo.shard = s;
	lo.record = record;
	lo.record_key = run_id;
	progress_stage(1, 1, "writing letters and team packs");
	if (letters_write_opts(&p.company, &p.cfg, &lo, d) < 0) {
		status = d->status ? d->status : MERIT_CANTCREAT;
		goto out;
	}
	strbuf_addf(&sb, "{\n  \"run_id\": \"%s\",\n  \"shard\": \"%u/%u\",\n  \"written\": %zu,\n"
		    "  \"kept\": %zu\n}\n", run_id, s.k, s.n, lo.written, lo.skipped);
	if (file_replace(done, sb.buf, sb.len, 0600) < 0) {
		diag_error(d, MERIT_CANTCREAT, done, 0, 0, "cannot write: %s", strerror(errno));
		goto out;
	}
	if (!o->quiet)
		printf("letters %s shard %u/%u: %zu written, %zu kept from an earlier try\n",
		       p.company.period.label, s.k, s.n, lo.written, lo.skipped);
	status = MERIT_OK;
out:
	progress_done();
	strbuf_release(&sb);
	free(period_dir);
	free(shards_dir);
	free(letters);
	free(packs);
	free(record);
	free(done);
	pipeline_release(&p);
	if (d->status)
		return d->status;
	return status;
}
