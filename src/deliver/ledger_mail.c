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
#include "util/strbuf.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct ledger_mail {
	sqlite3 *db;     /* NULL: a dry run with no database yet (empty) */
	char *path;
	const char *table;   /* mail_sent (letters) or pack_sent (team packs) */
	int empty;       /* read-only and the table does not exist */
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
	if (l->db)
		sqlite3_close(l->db);
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

int ledger_mail_record(struct ledger_mail *l, const char *period, const char *employee_id,
		       const char *message_id, const char *letter_sha256, int64_t sent_at,
		       struct diag *d)
{
	sqlite3_stmt *st = NULL;
	char when[32];
	int rc;
	if (!l->db)
		BUG("ledger_mail_record on a read-only ledger");
	iso_time(when, sent_at);
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
