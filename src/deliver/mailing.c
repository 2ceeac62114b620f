/*
 * mailing: the batch behind `merit mail`. It only reads the model; the
 * letters themselves were written by `merit run`, and the ledger decides
 * what is due:
 *
 *   not in the ledger                    -> send
 *   in the ledger, same letter SHA-256   -> skip (a re-run sends nothing)
 *   in the ledger, letter changed        -> send only with --resend,
 *                                           else report it
 *
 * With --managers the same batch mails each manager their team pack
 * (managers/<id>.pdf) instead, recorded in a table of its own.
 *
 * Each delivery is recorded right after the server accepted it, so a run
 * that is killed or fails half-way is finished by simply running it again.
 * A file lock in the state folder keeps two `merit mail` runs from sending
 * the same letters at once.
 */
#include "deliver/mailing.h"
#include "config.h"
#include "deliver/ledger_mail.h"
#include "deliver/mime.h"
#include "deliver/smtp.h"
#include "render/mail_template.h"
#include "model.h"
#include "render/letter.h"
#include "render/template.h"
#include "util/diag.h"
#include "util/lockfile.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LETTER_MAX_BYTES (32L << 20)

static const char *const placeholder_names[] = {
	"name", "employee_id", "period", "company", "department", "role", "team_size", NULL
};

struct batch {
	const struct config *cfg;
	const struct company *c;
	const struct mailing_opts *o;
	const char *folder;                 /* "letters" or "managers" (team packs) */
	const char *what;                   /* "letter" or "team pack", for messages */
	struct mailing_stats *st;
	struct diag *d;
	char *from_name, *from_addr, *bcc, *reply_to;
	struct mail_template tmpl[LOCALE_COUNT];
	int tmpl_loaded[LOCALE_COUNT];
	struct ledger_mail *ledger;
	struct smtp_transport *transport;   /* created on the first real send */
	int swept;                          /* a killed dry run's temporaries removed */
	int stop;                           /* a fatal transport error happened */
	char *stop_reason;
	size_t not_attempted;
	int data_status;                    /* first data problem's status */
	int other_status;                   /* first other problem's status */
};

static void data_problem(struct batch *b, int status)
{
	if (!b->data_status)
		b->data_status = status;
}

/* Stops the batch: what follows would fail the same way. */
static void stop_batch(struct batch *b, int status, const char *why)
{
	if (!b->other_status)
		b->other_status = status;
	if (!b->stop) {
		b->stop = 1;
		b->stop_reason = xstrdup(why);
	}
}

static char *employee_where(const struct employee *e)
{
	return xstrfmt("%s <%s>", e->id, e->email && *e->email ? e->email : "no email");
}

static int read_file(const char *path, struct strbuf *out, int *err)
{
	int rc = strbuf_read_file(out, path, (size_t)LETTER_MAX_BYTES);
	*err = rc < 0 ? errno : 0;
	return rc < 0 ? -1 : 0;
}

/* The lock lives beside the ledger; flock is released by the kernel even
 * when the process is killed, so a stale lock cannot block the next run. */
static int take_lock(const char *state_dir, int *fd, struct diag *d)
{
	char *path = xstrfmt("%s/mail.lock", state_dir);
	if (mkdir(state_dir, 0700) < 0 && errno != EEXIST) {
		diag_error(d, MERIT_CANTCREAT, state_dir, 0, 0, "cannot create state folder: %s",
			   strerror(errno));
		free(path);
		return -1;
	}
	*fd = lockfile_take_diag(path, "lock file", "another `merit mail` is running",
				 "wait for it to finish, then run again: it sends only what is missing",
				 d);
	free(path);
	return *fd < 0 ? -1 : 0;
}

static int setup_addresses(struct batch *b)
{
	const struct mail_conf *mc = &b->cfg->mail;
	char *name = NULL;
	if (mime_address_parse(mc->from, &b->from_name, &b->from_addr) < 0) {
		diag_config(b->d, b->cfg->path, 0, "mail", "from",
			    mc->from ? "'%s' is not a valid address" : "is not set%s",
			    mc->from ? mc->from : "");
		diag_hint(b->d, "from = 示例贸易 HR <hr@example-trading.cn>");
		return -1;
	}
	if (mc->bcc && *mc->bcc) {
		if (mime_address_parse(mc->bcc, &name, &b->bcc) < 0)
			return diag_config(b->d, b->cfg->path, 0, "mail", "bcc",
					   "'%s' is not a valid address", mc->bcc);
		free(name);
	}
	if (mc->reply_to && *mc->reply_to) {
		if (mime_address_parse(mc->reply_to, &name, &b->reply_to) < 0)
			return diag_config(b->d, b->cfg->path, 0, "mail", "reply_to",
					   "'%s' is not a valid address", mc->reply_to);
		free(name);
	}
	return 0;
}

static const struct mail_template *template_for(struct batch *b, enum locale loc)
{
	if (!b->tmpl_loaded[loc]) {
		/* Team packs have their own words: mail-pack.<locale>.txt. */
		char *path = xstrfmt("%s/%s.%s.txt", b->cfg->letters.templates_dir,
				     b->o->managers ? "mail-pack" : "mail",
				     loc == LOCALE_ZH ? "zh" : "en");
		int rc = mail_template_load(&b->tmpl[loc], path, placeholder_names, b->d);
		free(path);
		if (rc < 0)
			return NULL;
		b->tmpl_loaded[loc] = 1;
	}
	return &b->tmpl[loc];
}

/*
 * The privacy rule. Everything it checks was built from this one employee
 * a few lines earlier; it is here so that a later change which mixes up
 * indexes aborts instead of mailing someone else's pay.
 */
static void assert_private(const struct batch *b, const struct employee *e,
			   const struct mime_message *m, const char *letter_path,
			   const char *const *rcpts, size_t nrcpts)
{
	struct strbuf want = STRBUF_INIT;
	size_t i;
	strbuf_addf(&want, "%s/%s/%s/", b->o->output_root, b->c->period.label, b->folder);
	letter_file_name(e->id, &want);
	if (strcmp(want.buf, letter_path))
		BUG("%s '%s' is not the one of employee '%s'", b->what, letter_path, e->id);
	if (strcmp(m->to_addr, e->email) || nrcpts < 1 || strcmp(rcpts[0], e->email))
		BUG("message for '%s' not addressed to their HR email", e->id);
	for (i = 1; i < nrcpts; i++)
		if (!b->bcc || strcmp(rcpts[i], b->bcc))
			BUG("unexpected envelope recipient for '%s'", e->id);
	if (nrcpts > 2)
		BUG("too many recipients for '%s'", e->id);
	strbuf_release(&want);
}

static const char *role_label(const struct config *cfg, const struct employee *e)
{
	if (e->role >= 0 && (size_t)e->role < cfg->nroles)
		return label_get(&cfg->roles[e->role].label, e->locale);
	return e->role_text ? e->role_text : "";
}

static int write_eml(struct batch *b, const struct employee *e, const struct strbuf *msg)
{
	struct strbuf dir = STRBUF_INIT, path = STRBUF_INIT;
	int ret = -1;
	/* out/<period>/ exists (the letters are read from it) and belongs to
	 * `merit run`: only mail/ is made here, private like the letters. */
	strbuf_addf(&dir, "%s/%s/mail", b->o->output_root, b->c->period.label);
	if (mkdir(dir.buf, 0700) < 0 && errno != EEXIST) {
		diag_error(b->d, MERIT_CANTCREAT, dir.buf, 0, 0, "cannot create folder: %s",
			   strerror(errno));
		goto out;
	}
	/* A manager's pack message must not replace their own letter's. */
	if (b->o->managers) {
		strbuf_addstr(&dir, "/managers");
		if (mkdir(dir.buf, 0700) < 0 && errno != EEXIST) {
			diag_error(b->d, MERIT_CANTCREAT, dir.buf, 0, 0, "cannot create folder: %s",
				   strerror(errno));
			goto out;
		}
	}
	strbuf_addf(&path, "%s/", dir.buf);
	letter_file_name(e->id, &path);
	path.len -= 4;   /* ".pdf" */
	path.buf[path.len] = '\0';
	strbuf_addstr(&path, ".eml");
	/* A dry run killed mid-write left its temporary file here; mail holds
	 * the output lock, so no live run owns one. */
	if (!b->swept) {
		file_remove_temp_files(dir.buf);
		b->swept = 1;
	}
	/* 0600: the message carries the letter, which carries pay. */
	if (file_replace(path.buf, msg->buf, msg->len, 0600) < 0) {
		diag_error(b->d, MERIT_CANTCREAT, path.buf, 0, 0, "cannot write message: %s",
			   strerror(errno));
		goto out;
	}
	b->st->written++;
	diag_note(b->d, "%s: written %s", e->id, path.buf);
	ret = 0;
out:
	strbuf_release(&dir);
	strbuf_release(&path);
	return ret;
}

static void send_one(struct batch *b, const struct employee *e, const struct strbuf *msg,
		     const struct mime_message *m, const char *const *rcpts, size_t nrcpts,
		     const char *letter_sha)
{
	struct smtp_result r;
	char *where = employee_where(e);
	if (!b->transport) {
		b->transport = smtp_transport_new(&b->cfg->mail, b->cfg->path, b->d);
		if (!b->transport) {
			stop_batch(b, MERIT_CONFIG, "the [mail] settings are not usable");
			b->not_attempted++;
			free(where);
			return;
		}
	}
	if (smtp_send(b->transport, b->from_addr, rcpts, nrcpts, msg->buf, msg->len, &r) < 0) {
		b->st->failed++;
		if (!b->other_status)
			b->other_status = MERIT_TEMPFAIL;
		diag_error(b->d, MERIT_TEMPFAIL, where, 0, 0, "not sent (%d attempt%s): %s",
			   r.attempts, r.attempts == 1 ? "" : "s", r.reply);
		if (r.fatal)
			stop_batch(b, MERIT_TEMPFAIL, r.reply);
		free(where);
		return;
	}
	/* Recorded before anything else can fail: this is what prevents a
	 * second copy when the run is repeated. */
	if (ledger_mail_record(b->ledger, b->c->period.label, e->id, m->message_id, letter_sha,
			       (int64_t)time(NULL), b->d) < 0) {
		diag_hint(b->d, "%s was sent but could not be recorded: do not run "
			  "`merit mail` again before fixing this, or it is sent twice", e->id);
		stop_batch(b, MERIT_CANTCREAT, "the mail ledger cannot be written");
	}
	b->st->sent++;
	diag_note(b->d, "%s: sent", where);
	free(where);
}

static void mail_employee(struct batch *b, const struct employee *e)
{
	const char *period = b->c->period.label;
	struct strbuf letter_path = STRBUF_INIT, pdf = STRBUF_INIT, msg = STRBUF_INIT;
	struct strbuf subject = STRBUF_INIT, body = STRBUF_INIT;
	struct ledger_mail_entry prev;
	struct template_vars vars;
	struct mime_message m;
	const struct mail_template *t;
	const char *rcpts[2];
	size_t nrcpts = 0;
	char sha[65], *where = employee_where(e), *msgid = NULL;
	int err, seen;

	template_vars_init(&vars);
	if (!mime_address_valid(e->email)) {
		b->st->bad_address++;
		data_problem(b, MERIT_DATAERR);
		diag_error(b->d, MERIT_DATAERR, where, 0, 0, "no valid HR email address%s%s%s",
			   e->email && *e->email ? " ('" : "", e->email ? e->email : "",
			   e->email && *e->email ? "')" : "");
		diag_hint(b->d, "fix the email column of the HR export (line %d)", e->line);
		goto out;
	}
	strbuf_addf(&letter_path, "%s/%s/%s/", b->o->output_root, period, b->folder);
	letter_file_name(e->id, &letter_path);
	if (read_file(letter_path.buf, &pdf, &err) < 0) {
		b->st->no_letter++;
		data_problem(b, MERIT_NOINPUT);
		diag_error(b->d, MERIT_NOINPUT, where, 0, 0, "%s '%s' cannot be read: %s", b->what,
			   letter_path.buf, strerror(err));
		diag_hint(b->d, "run `merit run -p %s` first", period);
		goto out;
	}
	sha256_hex(pdf.buf, pdf.len, sha);
	if (b->stop && b->other_status != MERIT_TEMPFAIL) {
		/* The ledger or the templates failed: nothing more is decided. */
		b->not_attempted++;
		goto out;
	}
	seen = ledger_mail_lookup(b->ledger, period, e->id, &prev, b->d);
	if (seen < 0) {
		stop_batch(b, MERIT_CANTCREAT, "the mail ledger cannot be read");
		goto out;
	}
	if (seen && !strcmp(prev.letter_sha256, sha)) {
		b->st->already_sent++;
		diag_note(b->d, "%s: already sent on %s", where, prev.sent_at);
		goto out;
	}
	if (seen && !b->o->resend) {
		b->st->changed++;
		data_problem(b, MERIT_DATAERR);
		diag_error(b->d, MERIT_DATAERR, where, 0, 0,
			   "%s changed since it was sent on %s, not resent; use --resend", b->what,
			   prev.sent_at);
		goto out;
	}

	if (b->stop) {
		/* Due, but the server already refused us (login, TLS, gone). */
		b->not_attempted++;
		goto out;
	}
	t = template_for(b, e->locale);
	if (!t) {
		stop_batch(b, MERIT_CONFIG, "the mail template has errors");
		goto out;
	}
	template_vars_set(&vars, "name", e->name);
	template_vars_set(&vars, "employee_id", e->id);
	template_vars_set(&vars, "period", period);
	template_vars_set(&vars, "company", label_get(&b->cfg->company, e->locale));
	template_vars_set(&vars, "department", e->department ? e->department : "");
	template_vars_set(&vars, "role", role_label(b->cfg, e));
	template_vars_setf(&vars, "team_size", "%zu", company_team_size(b->c, (size_t)(e - b->c->emps)));
	mail_template_render(t, template_vars_lookup, &vars, &subject, &body);

	msgid = mime_message_id(period, e->id, sha, b->from_addr);
	memset(&m, 0, sizeof(m));
	m.from_name = b->from_name ? b->from_name : label_get(&b->cfg->company, e->locale);
	m.from_addr = b->from_addr;
	m.to_name = e->name;
	m.to_addr = e->email;
	m.reply_to = b->reply_to;
	m.subject = subject.buf;
	m.body = body.buf;
	m.message_id = msgid;
	/* A dry run is reproducible (doc_time honours SOURCE_DATE_EPOCH); a
	 * real message carries the time it was sent, unless pinned. */
	m.date = b->o->dry_run || getenv("SOURCE_DATE_EPOCH") ? b->c->doc_time
							     : (int64_t)time(NULL);
	m.attach_name = strrchr(letter_path.buf, '/') + 1;
	m.attach = pdf.buf;
	m.attach_len = pdf.len;
	rcpts[nrcpts++] = e->email;
	if (b->bcc)
		rcpts[nrcpts++] = b->bcc;
	assert_private(b, e, &m, letter_path.buf, rcpts, nrcpts);
	mime_build(&m, &msg);

	if (b->o->dry_run) {
		if (write_eml(b, e, &msg) < 0)
			stop_batch(b, MERIT_CANTCREAT, "the .eml files cannot be written");
	} else {
		send_one(b, e, &msg, &m, rcpts, nrcpts, sha);
	}
out:
	template_vars_release(&vars);
	strbuf_release(&letter_path);
	/* The letter holds pay: do not leave it in freed memory. */
	if (pdf.len)
		explicit_bzero(pdf.buf, pdf.len);
	strbuf_release(&pdf);
	strbuf_release(&msg);
	strbuf_release(&subject);
	strbuf_release(&body);
	free(msgid);
	free(where);
}

/* <root>/<period>/shards/, where shards keep their journals. */
static char *shards_dir(const struct batch *b)
{
	return xstrfmt("%s/%s/shards", b->o->output_root, b->c->period.label);
}

static const char *journal_prefix(enum ledger_mail_kind kind)
{
	return kind == LEDGER_MAIL_PACKS ? "packs-" : "mail-";
}

/* Opens this shard's journal (shards/mail-K-of-N.log, packs-... for team
 * packs) under a lock of its own: two copies of one shard never send. */
static int open_shard_journal(struct batch *b, enum ledger_mail_kind kind, int *lock_fd)
{
	char name[32], *dir = shards_dir(b), *journal, *lock;
	int rc = -1;
	shard_name(&b->o->shard, name);
	journal = xstrfmt("%s/%s%s.log", dir, journal_prefix(kind), name);
	lock = xstrfmt("%s/%s%s.lock", dir, journal_prefix(kind), name);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		diag_error(b->d, MERIT_CANTCREAT, dir, 0, 0, "cannot create folder: %s",
			   strerror(errno));
		goto out;
	}
	*lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (*lock_fd < 0) {
		diag_error(b->d, MERIT_CANTCREAT, lock, 0, 0, "cannot create lock: %s",
			   strerror(errno));
		goto out;
	}
	if (flock(*lock_fd, LOCK_EX | LOCK_NB) < 0) {
		diag_error(b->d, MERIT_TEMPFAIL, lock, 0, 0, "shard %u/%u is being mailed by "
			   "another process", b->o->shard.k, b->o->shard.n);
		goto out;
	}
	b->ledger = ledger_mail_open_journal(b->cfg->state_dir, kind, journal, b->d);
	rc = b->ledger ? 0 : -1;
out:
	free(dir);
	free(journal);
	free(lock);
	return rc;
}

/* Every shard journal of the period into the ledger (ledger_mail_merge). */
static int merge_journals(struct batch *b, enum ledger_mail_kind kind)
{
	char *dir = shards_dir(b);
	const char *prefix = journal_prefix(kind);
	DIR *dh = opendir(dir);
	struct dirent *de;
	int rc = 0;
	size_t plen = strlen(prefix);
	if (!dh) {
		free(dir);
		return 0;
	}
	while ((de = readdir(dh)) && rc == 0) {
		size_t n = strlen(de->d_name);
		char *path;
		if (strncmp(de->d_name, prefix, plen) || n < 4 || strcmp(de->d_name + n - 4, ".log"))
			continue;
		path = xstrfmt("%s/%s", dir, de->d_name);
		rc = ledger_mail_merge(b->ledger, path, b->d);
		free(path);
	}
	closedir(dh);
	free(dir);
	return rc;
}

/* The employees to mail, in HR order, each once. */
static size_t *select_employees(struct batch *b, size_t *n)
{
	const struct company *c = b->c;
	size_t *v = xcalloc(c->nemps ? c->nemps : 1, sizeof(*v)), i, k;
	char *chosen = xcalloc(c->nemps ? c->nemps : 1, 1);
	*n = 0;
	if (!b->o->nonly) {
		for (i = 0; i < c->nemps; i++)
			if ((b->o->managers ? company_team_size(c, i) > 0 : c->emps[i].in_scope) &&
			    shard_has(&b->o->shard, c->emps[i].id))
				v[(*n)++] = i;
		free(chosen);
		return v;
	}
	for (k = 0; k < b->o->nonly; k++) {
		long idx = company_find(c, b->o->only[k]);
		if (idx < 0) {
			diag_error(b->d, MERIT_USAGE, NULL, 0, 0,
				   "--only '%s': no such employee in the HR export", b->o->only[k]);
			continue;
		}
		if (b->o->managers && !company_team_size(c, (size_t)idx)) {
			diag_error(b->d, MERIT_USAGE, NULL, 0, 0,
				   "--only '%s': no direct report in scope for %s, so there is no "
				   "team pack", b->o->only[k], c->period.label);
			continue;
		}
		if (!b->o->managers && !c->emps[idx].in_scope) {
			diag_error(b->d, MERIT_USAGE, NULL, 0, 0,
				   "--only '%s': not in scope for %s, so there is no letter",
				   b->o->only[k], c->period.label);
			continue;
		}
		chosen[idx] = 1;
	}
	for (i = 0; i < c->nemps; i++)
		if (chosen[i] && shard_has(&b->o->shard, c->emps[i].id))
			v[(*n)++] = i;
	free(chosen);
	return v;
}

int mailing_run(const struct config *cfg, const struct company *c,
		const struct mailing_opts *o, struct mailing_stats *st, struct diag *d)
{
	struct batch b;
	size_t *sel = NULL, nsel = 0, i;
	int lock_fd = -1, status = MERIT_OK, loc;
	enum ledger_mail_kind kind;
	size_t errors_before = d->errors;

	memset(st, 0, sizeof(*st));
	memset(&b, 0, sizeof(b));
	b.cfg = cfg;
	b.c = c;
	b.o = o;
	b.st = st;
	b.d = d;
	b.folder = o->managers ? "managers" : "letters";
	b.what = o->managers ? "team pack" : "letter";

	if (setup_addresses(&b) < 0) {
		status = MERIT_CONFIG;
		goto out;
	}
	sel = select_employees(&b, &nsel);
	if (d->errors > errors_before) {
		status = MERIT_USAGE;
		goto out;
	}
	kind = o->managers ? LEDGER_MAIL_PACKS : LEDGER_MAIL_LETTERS;
	if (o->shard.n > 1 && !o->dry_run) {
		/* A shard: its own journal and its own lock, no SQLite writer. */
		if (open_shard_journal(&b, kind, &lock_fd) < 0) {
			status = d->status ? d->status : MERIT_CANTCREAT;
			goto out;
		}
	} else {
		if (!o->dry_run && take_lock(cfg->state_dir, &lock_fd, d) < 0) {
			status = d->status ? d->status : MERIT_CANTCREAT;
			goto out;
		}
		b.ledger = ledger_mail_open_kind(cfg->state_dir, !o->dry_run, kind, d);
		if (!b.ledger || (!o->dry_run && merge_journals(&b, kind) < 0)) {
			status = MERIT_CANTCREAT;
			goto out;
		}
	}

	for (i = 0; i < nsel; i++)
		mail_employee(&b, &c->emps[sel[i]]);
	if (b.not_attempted)
		diag_error(d, MERIT_TEMPFAIL, NULL, 0, 0,
			   "%zu message%s not attempted: %s", b.not_attempted,
			   b.not_attempted == 1 ? "" : "s", b.stop_reason);
	if (o->dry_run)
		diag_note(d, "mail %s (dry run): %zu written, %zu already sent, %zu changed, "
			  "%zu without address, %zu without %s", c->period.label, st->written,
			  st->already_sent, st->changed, st->bad_address, st->no_letter, b.what);
	else
		diag_note(d, "mail %s: %zu sent, %zu already sent, %zu changed, %zu failed, "
			  "%zu without address, %zu without %s", c->period.label, st->sent,
			  st->already_sent, st->changed, st->failed, st->bad_address, st->no_letter,
			  b.what);

	/* Set-up problems (config, files) first, then data problems: running
	 * again fixes neither. Delivery failures last: a re-run may. */
	if (b.other_status && b.other_status != MERIT_TEMPFAIL)
		status = b.other_status;
	else if (b.data_status)
		status = b.data_status;
	else
		status = b.other_status;
out:
	for (loc = 0; loc < LOCALE_COUNT; loc++)
		if (b.tmpl_loaded[loc])
			mail_template_release(&b.tmpl[loc]);
	smtp_transport_free(b.transport);
	ledger_mail_free(b.ledger);
	if (lock_fd >= 0)
		close(lock_fd);
	free(sel);
	free(b.from_name);
	free(b.from_addr);
	free(b.bcc);
	free(b.reply_to);
	free(b.stop_reason);
	return status;
}
