/*
 * cmd_status: `merit status -p PERIOD` — where a period stands, one line per
 * section, for people and for scripts (README "Appeals and sign-off"):
 *
 *   run: 2026-10 run 3f2a9c1d0e4b5a6c at 2026-11-01T08:00:00Z, 60 letters in out/2026-10
 *   approval: approved by Wang Fang on 2026-11-02T09:15:00Z, files unchanged
 *   mail: 12 of 60 letters sent      (or: none of 60 letters sent; none)
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
#include "util/diag.h"
#include "util/strbuf.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct status_ctx {
	const struct config *cfg;
	const char *period;       /* "2026-10" */
	const char *folder;       /* <output_root>/<period> */
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
		    s->check.run_started, count_letters(s->folder), s->folder);
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
	if (!sent && !count_letters(s->folder))
		strbuf_addstr(out, "none");
	else if (!sent)
		strbuf_addf(out, "none of %zu letters sent", count_letters(s->folder));
	else
		strbuf_addf(out, "%ld of %zu letters sent", sent, count_letters(s->folder));
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct status_ctx *, struct strbuf *, struct diag *);
} sections[] = {
	{ "run", status_run },
	{ "approval", status_approval },
	{ "mail", status_mail },
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
	if (approval_check(&p.cfg, s.period, folder, &s.check, d) < 0)
		goto out;
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		strbuf_reset(&line);
		if (sections[i].fn(&s, &line, d) < 0)
			goto out;
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
