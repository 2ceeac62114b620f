/*
 * approval: the sign-off tables of the history database (approval.h).
 * Kept apart from ledger.c's results tables, whose rows a re-run replaces:
 * an approval is a fact about one run and stays when the next run comes;
 * approval_check() then finds it void.
 */
#include "deliver/approval.h"
#include "config.h"
#include "deliver/ledger.h"
#include "util/diag.h"
#include "util/sha256.h"
#include "util/strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define APPROVAL_BUSY_MS 5000

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS approvals ("
	" id INTEGER PRIMARY KEY, period TEXT NOT NULL, run_seq INTEGER NOT NULL,"
	" run_id TEXT NOT NULL, run_started TEXT NOT NULL, approved_by TEXT NOT NULL,"
	" approved_at TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS approvals_by_period ON approvals (period, id);"
	"CREATE TABLE IF NOT EXISTS approval_files ("
	" approval_id INTEGER NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL,"
	" PRIMARY KEY (approval_id, path));";

void approval_release(struct approval *a)
{
	size_t i;
	for (i = 0; i < a->nfiles; i++)
		free(a->files[i].path);
	free(a->files);
	free(a->period);
	free(a->run_id);
	free(a->run_started);
	free(a->by);
	free(a->at);
	memset(a, 0, sizeof(*a));
}

static void add_file(struct approval *a, const char *path, const char *sha)
{
	ALLOC_GROW(a->files, a->nfiles + 1, a->alloc);
	a->files[a->nfiles].path = xstrdup(path);
	snprintf(a->files[a->nfiles].sha256, sizeof(a->files[0].sha256), "%s", sha);
	a->nfiles++;
}

static int hash_one(struct approval *a, const char *folder, const char *rel, struct diag *d)
{
	char *full = xstrfmt("%s/%s", folder, rel), hex[65];
	int rc = sha256_file_hex(full, hex);
	if (rc < 0)
		diag_error(d, errno == ENOENT ? MERIT_NOINPUT : MERIT_CANTCREAT, full, 0, 0,
			   "cannot read: %s", strerror(errno));
	else
		add_file(a, rel, hex);
	free(full);
	return rc;
}

static int by_path(const void *x, const void *y)
{
	return strcmp(((const struct approval_file *)x)->path,
		      ((const struct approval_file *)y)->path);
}

/* The PDFs of one subfolder (letters/, managers/); a missing one has none. */
static int hash_pdfs(struct approval *a, const char *folder, const char *sub, struct diag *d)
{
	char *path = xstrfmt("%s/%s", folder, sub);
	DIR *dir = opendir(path);
	struct dirent *de;
	int rc = 0;
	if (!dir && errno != ENOENT)
		rc = diag_error(d, MERIT_CANTCREAT, path, 0, 0, "cannot list: %s", strerror(errno));
	while (dir && rc == 0 && (de = readdir(dir))) {
		size_t n = strlen(de->d_name);
		char *rel;
		if (de->d_name[0] == '.' || n < 5 || strcmp(de->d_name + n - 4, ".pdf"))
			continue;
		rel = xstrfmt("%s/%s", sub, de->d_name);
		rc = hash_one(a, folder, rel, d);
		free(rel);
	}
	if (dir)
		closedir(dir);
	free(path);
	return rc;
}

int approval_hash_folder(const char *folder, const char *period, struct approval *a,
			 struct diag *d)
{
	char *workbook = xstrfmt("merit-%s.xlsx", period);
	int rc = 0;
	if (hash_one(a, folder, "results.csv", d) < 0 || hash_one(a, folder, workbook, d) < 0 ||
	    hash_pdfs(a, folder, "letters", d) < 0 || hash_pdfs(a, folder, "managers", d) < 0)
		rc = -1;
	qsort(a->files, a->nfiles, sizeof(*a->files), by_path);
	free(workbook);
	return rc;
}

static int db_error(struct diag *d, sqlite3 *db, const char *path, const char *what)
{
	int rc = db ? sqlite3_errcode(db) : SQLITE_CANTOPEN;
	diag_error(d, rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? MERIT_TEMPFAIL : MERIT_CANTCREAT,
		   path, 0, 0, "%s: %s", what, db ? sqlite3_errmsg(db) : "cannot open");
	return -1;
}

/* NULL and 0 when the database does not exist (nothing approved yet). */
static int open_db(const struct config *cfg, int write, sqlite3 **db, char **path,
		   struct diag *d)
{
	struct stat st;
	*db = NULL;
	*path = cfg->state_dir ? xstrfmt("%s/history.db", cfg->state_dir) : NULL;
	if (!*path || stat(*path, &st) < 0) {
		if (write)
			return diag_error(d, MERIT_NOINPUT, *path ? *path : cfg->path, 0, 0,
					  "no ledger: nothing was run to approve");
		return 0;
	}
	if (sqlite3_open_v2(*path, db, write ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY,
			    NULL) != SQLITE_OK)
		return db_error(d, *db, *path, "cannot open the ledger");
	sqlite3_busy_timeout(*db, APPROVAL_BUSY_MS);
	return 0;
}

static int insert_files(sqlite3 *db, long long id, const struct approval *a)
{
	sqlite3_stmt *st;
	size_t i;
	int rc = sqlite3_prepare_v2(db, "INSERT INTO approval_files (approval_id, path, sha256) "
				    "VALUES (?1, ?2, ?3)", -1, &st, NULL);
	for (i = 0; rc == SQLITE_OK && i < a->nfiles; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, a->files[i].path, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, a->files[i].sha256, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(st);
	return rc;
}

int approval_record(const struct config *cfg, struct approval *a, struct diag *d)
{
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	char *path, at[32] = "";
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	if (open_db(cfg, 1, &db, &path, d) < 0) {
		free(path);
		return -1;
	}
	if (gmtime_r(&now, &tm))
		strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	free(a->at);
	a->at = xstrdup(at);
	rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, schema, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT INTO approvals (period, run_seq, run_id, "
					"run_started, approved_by, approved_at) VALUES "
					"(?1, ?2, ?3, ?4, ?5, ?6)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, a->period, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, a->run_seq);
		sqlite3_bind_text(st, 3, a->run_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, a->run_started, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, a->by, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, a->at, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		rc = insert_files(db, sqlite3_last_insert_rowid(db), a);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		db_error(d, db, path, "cannot record the approval in the ledger");
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_close(db);
	free(path);
	return rc == SQLITE_OK ? 0 : -1;
}

static char *column(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return xstrdup(t ? (const char *)t : "");
}

int approval_latest(const struct config *cfg, const char *period, struct approval *a,
		    struct diag *d)
{
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	char *path;
	long long id = 0;
	int rc, found = 0;

	memset(a, 0, sizeof(*a));
	if (open_db(cfg, 0, &db, &path, d) < 0) {
		free(path);
		return -1;
	}
	if (!db) {
		free(path);
		return 0;
	}
	rc = sqlite3_prepare_v2(db, "SELECT id, run_seq, run_id, run_started, approved_by, "
				"approved_at FROM approvals WHERE period = ?1 ORDER BY id DESC "
				"LIMIT 1", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		/* no approvals table: nothing was ever approved */
		found = strstr(sqlite3_errmsg(db), "no such table") ? 0 : -1;
		goto out;
	}
	sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		a->period = xstrdup(period);
		a->run_seq = sqlite3_column_int64(st, 1);
		a->run_id = column(st, 2);
		a->run_started = column(st, 3);
		a->by = column(st, 4);
		a->at = column(st, 5);
		found = 1;
	} else if (rc != SQLITE_DONE) {
		found = -1;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (found == 1) {
		rc = sqlite3_prepare_v2(db, "SELECT path, sha256 FROM approval_files WHERE "
					"approval_id = ?1 ORDER BY path", -1, &st, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, id);
			while ((rc = sqlite3_step(st)) == SQLITE_ROW)
				add_file(a, (const char *)sqlite3_column_text(st, 0),
					 (const char *)sqlite3_column_text(st, 1));
		}
		if (rc != SQLITE_DONE)
			found = -1;
	}
out:
	if (found < 0) {
		db_error(d, db, path, "cannot read the approvals in the ledger");
		approval_release(a);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	return found;
}

/* The first path whose hash differs between the approved and the current
 * set (both sorted), or that only one of them has; NULL when they agree. */
static const char *first_difference(const struct approval *was, const struct approval *now)
{
	size_t i = 0, j = 0;
	while (i < was->nfiles || j < now->nfiles) {
		int c = i == was->nfiles ? 1 : j == now->nfiles ? -1
			: strcmp(was->files[i].path, now->files[j].path);
		if (c < 0)
			return was->files[i].path;      /* gone */
		if (c > 0)
			return now->files[j].path;      /* added */
		if (strcmp(was->files[i].sha256, now->files[j].sha256))
			return now->files[j].path;
		i++, j++;
	}
	return NULL;
}

int approval_check(const struct config *cfg, const char *period, const char *folder,
		   struct approval_check *c, struct diag *d)
{
	struct ledger_run run;
	struct approval now;
	const char *diff;
	int found;

	memset(c, 0, sizeof(*c));
	memset(&now, 0, sizeof(now));
	found = ledger_last_run(cfg, period, &run, d);
	if (found < 0)
		return -1;
	if (found) {
		c->run_seq = run.seq;
		memcpy(c->run_id, run.run_id, sizeof(c->run_id));
		memcpy(c->run_started, run.started, sizeof(c->run_started));
	}
	found = approval_latest(cfg, period, &c->approved, d);
	if (found < 0)
		return -1;
	c->state = APPROVAL_NONE;
	if (!found)
		return 0;
	if (c->approved.run_seq != c->run_seq) {
		c->state = APPROVAL_VOID;
		return 0;
	}
	if (approval_hash_folder(folder, period, &now, d) < 0) {
		/* a covered file that cannot be read has changed, for mail */
		approval_release(&now);
		return -1;
	}
	c->nfiles = now.nfiles;
	diff = first_difference(&c->approved, &now);
	c->state = diff ? APPROVAL_CHANGED : APPROVAL_VALID;
	c->changed = diff ? xstrdup(diff) : NULL;
	approval_release(&now);
	return 0;
}

void approval_check_release(struct approval_check *c)
{
	approval_release(&c->approved);
	free(c->changed);
	memset(c, 0, sizeof(*c));
}

int approval_require(const struct config *cfg, const char *period, const char *folder,
		     struct diag *d)
{
	struct approval_check c;
	char *path;
	int rc = -1;
	if (approval_check(cfg, period, folder, &c, d) < 0)
		return -1;
	switch (c.state) {
	case APPROVAL_VALID:
		rc = 0;
		break;
	case APPROVAL_NONE:
		diag_error(d, MERIT_NOPERM, NULL, 0, 0, "period %s is not approved", period);
		diag_hint(d, "after review, finance signs off with: merit approve -c %s -p %s "
			  "--by NAME", cfg->path, period);
		break;
	case APPROVAL_VOID:
		diag_error(d, MERIT_NOPERM, NULL, 0, 0, "period %s is not approved: it was run "
			   "again at %s after the approval by %s on %s", period, c.run_started,
			   c.approved.by, c.approved.at);
		diag_hint(d, "review the new output, then: merit approve -c %s -p %s --by NAME",
			  cfg->path, period);
		break;
	default:
		path = xstrfmt("%s/%s", folder, c.changed);
		diag_error(d, MERIT_NOPERM, path, 0, 0, "changed since approval by %s on %s",
			   c.approved.by, c.approved.at);
		diag_hint(d, "restore the approved file, or re-run the period and approve it again");
		free(path);
		break;
	}
	approval_check_release(&c);
	return rc;
}
