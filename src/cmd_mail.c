/*
 * cmd_mail: `merit mail` — mail every in-scope employee (or the --only ids)
 * the review letter that `merit run` wrote for the period, at their HR email
 * address, or with --dry-run write the messages as .eml files instead.
 *
 * The model is recomputed through the pipeline (names, addresses, locales
 * and who is in scope come from the same inputs as the letters); the
 * letters are read from <output_root>/<period>/letters/. Unless -q, one
 * summary line goes to stdout; per-employee problems are diag messages.
 */
#include "cmd.h"
#include "deliver/approval.h"
#include "deliver/mailing.h"
#include "pipeline.h"
#include "util/diag.h"
#include "util/outdir.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>

/*
 * SPEC 11: nothing is mailed before finance approved the very files that
 * would go out ([mail] require_approval = yes, the default). A dry run
 * sends nothing and may be what reviewers look at, so it needs no approval.
 */
static int approved(const struct pipeline *p, const struct cmd_opts *o, struct diag *d)
{
	char *folder;
	int rc;
	if (o->dry_run || !p->cfg.mail.require_approval)
		return 0;
	folder = xstrfmt("%s/%s", p->output_root, p->company.period.label);
	rc = approval_require(&p->cfg, p->company.period.label, folder, d);
	free(folder);
	return rc;
}

int cmd_mail(const struct cmd_opts *o, struct diag *d)
{
	struct pipeline p;
	struct mailing_opts mo = { 0 };
	struct mailing_stats st;
	struct outdir od = OUTDIR_INIT;
	int status;
	const char *what = o->managers ? " team packs" : "";

	if (o->shard && shard_parse(o->shard, &mo.shard, d) < 0)
		return MERIT_USAGE;
	/* The run lock too: a `merit run` must not swap out/<period> (letters,
	 * mail/) from under a mailing that reads and writes there. Shards,
	 * which run side by side, each lock their own journal instead. */
	if (pipeline_load_config(&p, o->config, o->period, o->output_dir, d) < 0 ||
	    (mo.shard.n <= 1 && outdir_lock(&od, p.output_root, d) < 0) ||
	    approved(&p, o, d) < 0 ||
	    pipeline_load_inputs(&p, d) < 0 || pipeline_compute(&p, d) < 0) {
		outdir_release(&od);
		pipeline_release(&p);
		return d->status ? d->status : MERIT_SOFTWARE;
	}
	mo.output_root = p.output_root;
	mo.only = o->only;
	mo.nonly = o->nonly > 0 ? (size_t)o->nonly : 0;
	mo.resend = o->resend;
	mo.dry_run = o->dry_run;
	mo.managers = o->managers;
	status = mailing_run(&p.cfg, &p.company, &mo, &st, d);
	if (!o->quiet) {
		if (o->dry_run)
			printf("mail %s%s (dry run): %zu message%s written to %s/%s/mail%s, "
			       "%zu already sent\n", p.company.period.label, what, st.written,
			       st.written == 1 ? "" : "s", p.output_root, p.company.period.label,
			       o->managers ? "/managers" : "", st.already_sent);
		else if (mo.shard.n > 1)
			printf("mail %s%s shard %u/%u: %zu sent, %zu already sent, %zu failed\n",
			       p.company.period.label, what, mo.shard.k, mo.shard.n, st.sent,
			       st.already_sent, st.failed);
		else
			printf("mail %s%s: %zu sent, %zu already sent, %zu failed\n",
			       p.company.period.label, what, st.sent, st.already_sent, st.failed);
	}
	outdir_release(&od);
	pipeline_release(&p);
	return status;
}
