/*
 * cmd_status: `merit status -p PERIOD` — where a period stands, one line per
 * section, for people and for scripts (README "Appeals and sign-off"):
 *
 *   run: 2026-10 run 3f2a9c1d0e4b5a6c at 2026-11-01T08:00:00Z, 60 letters in out/2026-10
 *   approval: approved by Wang Fang on 2026-11-02T09:15:00Z, files unchanged
 *   mail: 12 of 60 letters sent      (or: none of 60 letters sent; none)
 *   shards: 2 of 3 complete (0, 2); not complete: 1; 3 mail journals to merge
 *
 * Each line starts with its section name and a colon; the word after it
 * says the state (run: none | <period>; approval: none | approved | void |
 * changed; mail: none | <n>). Reads the ledger and the published
 * folder only, takes no lock and changes nothing.
 *
 * A section is one function in sections[] below: a new one (shards, say)
 * is a function and a row there.
 */
#include "cmd.h"
#include "deliver/approval.h"
#include "deliver/ledger.h"
#include "deliver/ledger_mail.h"
#include "pipeline.h"
#include "render/manifest.h"
#include "util/diag.h"
#include "util/shard.h"
#include "util/strbuf.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct status_ctx {
	const struct config *cfg;
	const char *period;       /* "2026-10" */
	const char *folder;       /* <output_root>/<period> */
	size_t letters;           /* letters published in the folder */
	struct approval_check check;
};

/* Letters published in the folder. */
static size_t count_letters(const char *folder)
{
	char *path = xstrfmt("%s/letters", folder);
	DIR *dir = opendir(path);
	struct dirent *de;
	size_t n = 0;
	while (dir && (de = readdir(dir))) {
		size_t len = strlen(de->d_name);
		n += de->d_name[0] != '.' && len > 4 && !strcmp(de->d_name + len - 4, ".pdf");
	}
	if (dir)
		closedir(dir);
	free(path);
	return n;
}

static int status_run(struct status_ctx *s, struct strbuf *out, struct diag *d)
{
	(void)d;
	if (!s->check.run_seq) {
		strbuf_addf(out, "none (period %s has no run in the ledger)", s->period);
		return 0;
	}
	strbuf_addf(out, "%s run %s at %s, %zu letters in %s", s->period, s->check.run_id,
		    s->check.run_started, s->letters, s->folder);
	return 0;
}

static int status_approval(struct status_ctx *s, struct strbuf *out, struct diag *d)
{
	const struct approval *a = &s->check.approved;
	(void)d;
	switch (s->check.state) {
	case APPROVAL_NONE:
		strbuf_addstr(out, "none");
		break;
	case APPROVAL_VOID:
		strbuf_addf(out, "void (approved by %s on %s; run again at %s)", a->by, a->at,
			    s->check.run_started);
		break;
	case APPROVAL_CHANGED:
		strbuf_addf(out, "changed (%s differs from the approval by %s on %s)",
			    s->check.changed, a->by, a->at);
		break;
	default:
		strbuf_addf(out, "approved by %s on %s, files unchanged", a->by, a->at);
		break;
	}
	if (!s->cfg->mail.require_approval)
		strbuf_addstr(out, "; not required to mail ([mail] require_approval = no)");
	return 0;
}

static int status_mail(struct status_ctx *s, struct strbuf *out, struct diag *d)
{
	struct ledger_mail *l;
	long sent;
	if (!s->cfg->state_dir) {
		strbuf_addstr(out, "none");
		return 0;
	}
	l = ledger_mail_open(s->cfg->state_dir, 0, d);
	if (!l)
		return -1;
	sent = ledger_mail_count(l, s->period, d);
	ledger_mail_free(l);
	if (sent < 0)
		return -1;
	if (!sent && !s->letters)
		strbuf_addstr(out, "none");
	else if (!sent)
		strbuf_addf(out, "none of %zu letters sent", s->letters);
	else
		strbuf_addf(out, "%ld of %zu letters sent", sent, s->letters);
	return 0;
}

/*
 * `merit letters --shard K/N` (SPEC 12) leaves shards/letters-K-of-N.done,
 * holding the run id, when shard K is complete; a .done of an older run
 * does not count. Mail shards leave journals (mail-K-of-N.log) until the
 * next `merit mail` without --shard merges them. A period without shards
 * has no shards line (returns 1).
 */
static int status_shards(struct status_ctx *s, struct strbuf *out, struct diag *d)
{
	char *path = xstrfmt("%s/shards", s->folder), run_id[17], want[40];
	DIR *dir = opendir(path);
	struct dirent *de;
	unsigned n = 0, k, kk, nn;
	unsigned char *done = NULL;
	size_t journals = 0, ndone = 0;
	char kind[16];
	(void)d;
	int rc = 0;
	if (!dir || manifest_published_run_id(s->folder, run_id) < 0) {
		rc = 1;
		goto out;
	}
	snprintf(want, sizeof(want), "\"run_id\": \"%s\"", run_id);
	while ((de = readdir(dir))) {
		if (sscanf(de->d_name, "mail-%u-of-%u.lo%1[g]", &kk, &nn, kind) == 3 ||
		    sscanf(de->d_name, "packs-%u-of-%u.lo%1[g]", &kk, &nn, kind) == 3)
			journals++;
		if (sscanf(de->d_name, "letters-%u-of-%u.%15s", &kk, &nn, kind) != 3 || kk >= nn ||
		    nn > SHARD_MAX)
			continue;
		if (nn != n) {
			/* Shards of another N (an earlier split): the largest N wins. */
			if (nn < n)
				continue;
			free(done);
			n = nn;
			done = xcalloc(n, 1);
			ndone = 0;
		}
		if (!strcmp(kind, "done") && !done[kk]) {
			struct strbuf sb = STRBUF_INIT;
			char *f = xstrfmt("%s/%s", path, de->d_name);
			if (strbuf_read_file(&sb, f, 4096) == 0 && strstr(sb.buf, want)) {
				done[kk] = 1;
				ndone++;
			}
			strbuf_release(&sb);
			free(f);
		}
	}
	if (!n && !journals) {
		rc = 1;
	} else if (!n) {
		strbuf_addstr(out, "no letter shards");
	} else {
		const char *sep = "";
		strbuf_addf(out, "%zu of %u complete", ndone, n);
		if (ndone && ndone < n) {
			strbuf_addstr(out, " (");
			for (k = 0; k < n; k++)
				if (done[k]) {
					strbuf_addf(out, "%s%u", sep, k);
					sep = ", ";
				}
			strbuf_addch(out, ')');
		}
		if (ndone < n) {
			strbuf_addstr(out, "; not complete:");
			for (sep = " ", k = 0; k < n; k++)
				if (!done[k]) {
					strbuf_addf(out, "%s%u", sep, k);
					sep = ", ";
				}
		}
	}
	if (journals)
		strbuf_addf(out, "; %zu mail journal%s to merge (`merit mail` without --shard)",
			    journals, journals == 1 ? "" : "s");
out:
	if (dir)
		closedir(dir);
	free(done);
	free(path);
	return rc;
}

static const struct {
	const char *name;
	int (*fn)(struct status_ctx *, struct strbuf *, struct diag *);
} sections[] = {
	{ "run", status_run },
	{ "approval", status_approval },
	{ "mail", status_mail },
	{ "shards", status_shards },
};

int cmd_status(const struct cmd_opts *o, struct diag *d)
{
	struct pipeline p;
	struct status_ctx s;
	struct strbuf out = STRBUF_INIT, line = STRBUF_INIT;
	char *folder = NULL;
	size_t i;

	memset(&s, 0, sizeof(s));
	if (!o->period) {
		diag_error(d, MERIT_USAGE, NULL, 0, 0, "status needs -p PERIOD");
		return MERIT_USAGE;
	}
	if (pipeline_load_config(&p, o->config, o->period, o->output_dir, d) < 0)
		goto out;
	folder = xstrfmt("%s/%s", p.output_root, p.company.period.label);
	s.cfg = &p.cfg;
	s.period = p.company.period.label;
	s.folder = folder;
	s.letters = count_letters(folder);
	if (approval_check(&p.cfg, s.period, folder, &s.check, d) < 0)
		goto out;
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		strbuf_reset(&line);
		int rc = sections[i].fn(&s, &line, d);
		if (rc < 0)
			goto out;
		if (rc == 0)      /* 1: nothing to say (shards of a one-machine run) */
			strbuf_addf(&out, "%s: %s\n", sections[i].name, line.buf);
	}
	fputs(out.buf, stdout);
out:
	approval_check_release(&s.check);
	strbuf_release(&line);
	strbuf_release(&out);
	free(folder);
	pipeline_release(&p);
	return d->status ? d->status : MERIT_OK;
}
