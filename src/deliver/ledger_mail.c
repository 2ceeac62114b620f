/*
 * ledger_mail: the mail_sent table (letters) and the pack_sent table
 * (managers' team packs) in the history database. Kept apart from
 * ledger.c's results tables (another owner, replaced per period by `merit
 * run`): what was mailed must survive a re-run of the period, since it is
 * what stops a second copy from going out.
 */
#include "deliver/ledger_mail.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/strbuf.h"
#include "util/strmap.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct journal_row {
	char *period, *employee_id, *message_id, *sha, *sent_at;
};

struct ledger_mail {
	sqlite3 *db;     /* NULL: a dry run with no database yet (empty) */
	char *path;
	const char *table;   /* mail_sent (letters) or pack_sent (team packs) */
	int empty;       /* read-only and the table does not exist */
	/* A shard's journal: its rows (the last of an id wins) and its file. */
	int jfd;
	char *jpath;
	struct journal_row *rows;
	size_t nrows, rows_alloc;
	struct strmap jmap;   /* employee_id -> index in rows */
};

/* The table's name goes between the two halves; both kinds have the same
 * columns (letter_sha256 is the SHA-256 of the PDF sent, letter or pack). */
static const char schema[] =
	" ("
	" period TEXT NOT NULL,"
	" employee_id TEXT NOT NULL,"
	" message_id TEXT NOT NULL,"
	" letter_sha256 TEXT NOT NULL,"
	" sent_at TEXT NOT NULL,"
	" PRIMARY KEY (period, employee_id))";

/* Prepares the SQL statement head + the ledger's table + tail. */
static int prepare(struct ledger_mail *l, const char *head, const char *tail, sqlite3_stmt **st)
{
	char *sql = xstrfmt("%s%s%s", head, l->table, tail);
	int rc = sqlite3_prepare_v2(l->db, sql, -1, st, NULL);
	free(sql);
	return rc;
}

static int db_error(struct ledger_mail *l, struct diag *d, const char *what)
{
	return diag_error(d, MERIT_CANTCREAT, l->path, 0, 0, "%s: %s", what,
			  l->db ? sqlite3_errmsg(l->db) : "cannot open");
}

struct ledger_mail *ledger_mail_open(const char *state_dir, int create, struct diag *d)
{
	return ledger_mail_open_kind(state_dir, create, LEDGER_MAIL_LETTERS, d);
}

struct ledger_mail *ledger_mail_open_kind(const char *state_dir, int create,
					  enum ledger_mail_kind kind, struct diag *d)
{
	struct ledger_mail *l = xcalloc(1, sizeof(*l));
	struct stat st;
	l->jfd = -1;
	strmap_init(&l->jmap);
	int flags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;

	l->table = kind == LEDGER_MAIL_PACKS ? "pack_sent" : "mail_sent";
	l->path = xstrfmt("%s/history.db", state_dir);
	if (!create && stat(l->path, &st) < 0) {
		l->empty = 1;
		return l;
	}
	if (create && mkdir(state_dir, 0700) < 0 && errno != EEXIST) {
		diag_error(d, MERIT_CANTCREAT, state_dir, 0, 0, "cannot create state folder: %s",
			   strerror(errno));
		ledger_mail_free(l);
		return NULL;
	}
	if (sqlite3_open_v2(l->path, &l->db, flags | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		db_error(l, d, "cannot open history database");
		ledger_mail_free(l);
		return NULL;
	}
	/* `merit run` may be writing its results tables at the same time. */
	sqlite3_busy_timeout(l->db, 10000);
	if (create) {
		char *sql = xstrfmt("CREATE TABLE IF NOT EXISTS %s%s", l->table, schema);
		int rc = sqlite3_exec(l->db, sql, NULL, NULL, NULL);
		free(sql);
		if (rc != SQLITE_OK) {
			db_error(l, d, "cannot create the mail table");
			ledger_mail_free(l);
			return NULL;
		}
	} else {
		sqlite3_stmt *st_ = NULL;
		int rc = prepare(l, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '",
				 "'", &st_);
		if (rc != SQLITE_OK) {
			db_error(l, d, "cannot read history database");
			ledger_mail_free(l);
			return NULL;
		}
		l->empty = sqlite3_step(st_) != SQLITE_ROW;
		sqlite3_finalize(st_);
	}
	return l;
}

void ledger_mail_free(struct ledger_mail *l)
{
	if (!l)
		return;
	size_t i;
	if (l->db)
		sqlite3_close(l->db);
	if (l->jfd >= 0)
		close(l->jfd);
	for (i = 0; i < l->nrows; i++) {
		free(l->rows[i].period);
		free(l->rows[i].employee_id);
		free(l->rows[i].message_id);
		free(l->rows[i].sha);
		free(l->rows[i].sent_at);
	}
	free(l->rows);
	strmap_release(&l->jmap);
	free(l->jpath);
	free(l->path);
	free(l);
}

static void copy_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	snprintf(dst, n, "%s", s ? (const char *)s : "");
}

int ledger_mail_lookup(struct ledger_mail *l, const char *period, const char *employee_id,
		       struct ledger_mail_entry *e, struct diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc;
	memset(e, 0, sizeof(*e));
	if (l->nrows) {
		size_t i;
		if (strmap_get(&l->jmap, employee_id, &i) && !strcmp(l->rows[i].period, period)) {
			snprintf(e->message_id, sizeof(e->message_id), "%s", l->rows[i].message_id);
			snprintf(e->letter_sha256, sizeof(e->letter_sha256), "%s", l->rows[i].sha);
			snprintf(e->sent_at, sizeof(e->sent_at), "%s", l->rows[i].sent_at);
			return 1;
		}
	}
	if (l->empty)
		return 0;
	if (prepare(l, "SELECT message_id, letter_sha256, sent_at FROM ",
		    " WHERE period = ?1 AND employee_id = ?2", &st) != SQLITE_OK)
		return db_error(l, d, "cannot read mail_sent");
	sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, employee_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		copy_col(e->message_id, sizeof(e->message_id), st, 0);
		copy_col(e->letter_sha256, sizeof(e->letter_sha256), st, 1);
		copy_col(e->sent_at, sizeof(e->sent_at), st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(l, d, "cannot read mail_sent");
	return rc == SQLITE_ROW;
}

static void iso_time(char out[32], int64_t t)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t s = t - days * 86400;
	int y, m, dd;
	date_to_ymd((int32_t)days, &y, &m, &dd);
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, dd, (int)(s / 3600),
		 (int)(s / 60 % 60), (int)(s % 60));
}

/* A journal field: bytes below 0x20, '%' and DEL as %XX, so tabs and
 * newlines in an id cannot break the line. */
static void journal_field(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch < 0x20 || ch == '%' || ch == 0x7F)
			strbuf_addf(sb, "%%%02X", ch);
		else
			strbuf_addch(sb, ch);
	}
}

static char *journal_unescape(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;
	size_t i;
	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n) {
			char hex[3] = { s[i + 1], s[i + 2], 0 };
			*o++ = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static void journal_add(struct ledger_mail *l, struct journal_row *r)
{
	ALLOC_GROW(l->rows, l->nrows + 1, l->rows_alloc);
	l->rows[l->nrows] = *r;
	/* The key is the row's own heap string: it does not move with the
	 * array. A later row of the same id replaces the earlier one. */
	strmap_put(&l->jmap, r->employee_id, l->nrows);
	l->nrows++;
}

/* Reads a journal's complete lines (a line cut by a kill is left out). */
static int journal_read(struct ledger_mail *l, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char *p, *end;
	if (strbuf_read_file(&sb, path, (size_t)1 << 30) < 0) {
		int e = errno;
		strbuf_release(&sb);
		errno = e;
		return e == ENOENT ? 0 : -1;
	}
	for (p = sb.buf; (end = strchr(p, '\n')); p = end + 1) {
		char *f[5];
		int k = 0;
		char *q = p;
		struct journal_row r;
		while (k < 5) {
			char *tab = memchr(q, '\t', (size_t)(end - q));
			f[k++] = q;
			if (!tab)
				break;
			q = tab + 1;
		}
		if (k != 5)
			continue;
		r.period = journal_unescape(f[0], (size_t)(f[1] - f[0] - 1));
		r.employee_id = journal_unescape(f[1], (size_t)(f[2] - f[1] - 1));
		r.message_id = journal_unescape(f[2], (size_t)(f[3] - f[2] - 1));
		r.sha = journal_unescape(f[3], (size_t)(f[4] - f[3] - 1));
		r.sent_at = journal_unescape(f[4], (size_t)(end - f[4]));
		journal_add(l, &r);
	}
	strbuf_release(&sb);
	return 0;
}

struct ledger_mail *ledger_mail_open_journal(const char *state_dir, enum ledger_mail_kind kind,
					     const char *journal, struct diag *d)
{
	struct ledger_mail *l = ledger_mail_open_kind(state_dir, 0, kind, d);
	if (!l)
		return NULL;
	l->jpath = xstrdup(journal);
	if (journal_read(l, journal) < 0 ||
	    (l->jfd = open(journal, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
			   0600)) < 0) {
		diag_error(d, MERIT_CANTCREAT, journal, 0, 0, "cannot open the shard's mail "
			   "journal: %s", strerror(errno));
		ledger_mail_free(l);
		return NULL;
	}
	return l;
}

static int insert_row(struct ledger_mail *l, const char *period, const char *employee_id,
		      const char *message_id, const char *letter_sha256, const char *when,
		      struct diag *d);

int ledger_mail_merge(struct ledger_mail *l, const char *journal, struct diag *d)
{
	struct ledger_mail *j = xcalloc(1, sizeof(*j));
	size_t i;
	int rc = 0;
	j->jfd = -1;
	strmap_init(&j->jmap);
	if (journal_read(j, journal) < 0) {
		rc = diag_error(d, MERIT_CANTCREAT, journal, 0, 0, "cannot read the shard's mail "
				"journal: %s", strerror(errno));
		goto out;
	}
	if (!j->nrows && access(journal, F_OK) < 0)
		goto out;
	if (sqlite3_exec(l->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		rc = db_error(l, d, "cannot merge a shard's mail journal");
		goto out;
	}
	for (i = 0; i < j->nrows && rc == 0; i++) {
		const struct journal_row *r = &j->rows[i];
		rc = insert_row(l, r->period, r->employee_id, r->message_id, r->sha, r->sent_at, d);
	}
	if (rc < 0 || sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
		rc = rc < 0 ? rc : db_error(l, d, "cannot merge a shard's mail journal");
		goto out;
	}
	/* Merged: a kill before this unlink merges the same rows again. */
	if (unlink(journal) < 0)
		rc = diag_error(d, MERIT_CANTCREAT, journal, 0, 0, "merged but cannot be removed: "
				"%s", strerror(errno));
out:
	ledger_mail_free(j);
	return rc;
}

int ledger_mail_record(struct ledger_mail *l, const char *period, const char *employee_id,
		       const char *message_id, const char *letter_sha256, int64_t sent_at,
		       struct diag *d)
{
	char when[32];
	iso_time(when, sent_at);
	if (l->jfd >= 0) {
		/* A shard: one line, on disk before the next message goes out. */
		struct strbuf sb = STRBUF_INIT;
		struct journal_row r;
		int rc;
		journal_field(&sb, period);
		strbuf_addch(&sb, '\t');
		journal_field(&sb, employee_id);
		strbuf_addch(&sb, '\t');
		journal_field(&sb, message_id);
		strbuf_addch(&sb, '\t');
		journal_field(&sb, letter_sha256);
		strbuf_addch(&sb, '\t');
		journal_field(&sb, when);
		strbuf_addch(&sb, '\n');
		rc = file_write_fd(l->jfd, sb.buf, sb.len) < 0 || fdatasync(l->jfd) < 0 ? -1 : 0;
		strbuf_release(&sb);
		if (rc < 0)
			return diag_error(d, MERIT_CANTCREAT, l->jpath, 0, 0, "cannot record sent "
					  "mail: %s", strerror(errno));
		r.period = xstrdup(period);
		r.employee_id = xstrdup(employee_id);
		r.message_id = xstrdup(message_id);
		r.sha = xstrdup(letter_sha256);
		r.sent_at = xstrdup(when);
		journal_add(l, &r);
		return 0;
	}
	return insert_row(l, period, employee_id, message_id, letter_sha256, when, d);
}

static int insert_row(struct ledger_mail *l, const char *period, const char *employee_id,
		      const char *message_id, const char *letter_sha256, const char *when,
		      struct diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc;
	if (!l->db)
		BUG("ledger_mail_record on a read-only ledger");
	/* One statement in autocommit mode is its own transaction: durable
	 * when step returns, whatever happens to the process afterwards. */
	if (prepare(l, "INSERT OR REPLACE INTO ",
		    " (period, employee_id, message_id, letter_sha256, sent_at)"
		    " VALUES (?1, ?2, ?3, ?4, ?5)", &st) != SQLITE_OK)
		return db_error(l, d, "cannot record sent mail");
	sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, employee_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, message_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, letter_sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, when, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(l, d, "cannot record sent mail");
	return 0;
}

long ledger_mail_count(struct ledger_mail *l, const char *period, struct diag *d)
{
	sqlite3_stmt *st = NULL;
	long n = -1;
	if (l->empty)
		return 0;
	if (prepare(l, "SELECT count(*) FROM ", " WHERE period = ?1", &st) != SQLITE_OK)
		return db_error(l, d, "cannot read mail_sent");
	sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (n < 0)
		return db_error(l, d, "cannot read mail_sent");
	return n;
}
