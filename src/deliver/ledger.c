/*
 * ledger: the history of past periods in SQLite at <state_dir>/history.db,
 * the only SQLite user (SPEC 9). It answers one question for the current
 * run — how many periods in a row has this employee been rated in the
 * bottom (or top) band? — and records each finished run.
 *
 * Schema (PRAGMA user_version = 2):
 *   runs(run_id, period, started, inputs_hash, version): one row per
 *           published run, re-runs included (an audit log, never replaced)
 *   results(period, employee_id, raw_score, norm_score, rating_band_index,
 *           rating_label, bonus_cents, flags, run_id,
 *           PRIMARY KEY (period, employee_id))
 *   pending_runs / pending_results: the same for a run recorded before its
 *           output was published (version 2). A run writes them, publishes
 *           its folder, then confirms (moves them into runs / results). A
 *           run killed in between leaves them; the next command that can
 *           take the ledger lock reconciles: the rows move in when the
 *           published manifest.json carries the pending run's id, and are
 *           dropped when it does not. So `results` always agrees with the
 *           published output, whatever the moment a run died.
 *   overrides(run_id, period, employee_id, change, reason, approved_by,
 *           decided): the overrides a run applied (SPEC 11), keyed by its
 *           run id like runs (an audit log, never replaced); history shows
 *           those of the run whose results are the period's. Created
 *           when first needed, so older ledgers need no migration.
 * rating_label keeps the band's full "中文 | English" label, so the history
 * reads the same whatever the run's locale was. Bands are compared by
 * index: 0 is the top band, nbands - 1 the bottom band of the current config.
 *
 * Reading never creates anything (validate and explain read too): a missing
 * file is an empty history. Writing replaces the period's rows in one
 * BEGIN IMMEDIATE transaction, so re-running a period never double counts
 * and a failure leaves the ledger as it was. A damaged or unwritable ledger
 * is MERIT_CANTCREAT (73); one locked by another process past the busy
 * timeout is MERIT_TEMPFAIL (75), like a second run holding the run lock.
 */
#include "deliver/ledger.h"
#include "model.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/lockfile.h"
#include "util/num.h"
#include "util/file.h"
#include "util/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef MERIT_VERSION
#define MERIT_VERSION "dev"
#endif

#define LEDGER_SCHEMA 2
#define LEDGER_BUSY_MS 5000

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS runs ("
	" run_id TEXT NOT NULL, period TEXT NOT NULL, started TEXT NOT NULL,"
	" inputs_hash TEXT, version TEXT);"
	"CREATE TABLE IF NOT EXISTS results ("
	" period TEXT NOT NULL, employee_id TEXT NOT NULL, raw_score REAL, norm_score REAL,"
	" rating_band_index INTEGER, rating_label TEXT, bonus_cents INTEGER NOT NULL,"
	" flags INTEGER NOT NULL, run_id TEXT NOT NULL,"
	" PRIMARY KEY (period, employee_id));"
	"CREATE INDEX IF NOT EXISTS results_by_employee ON results (employee_id, period);"
	"CREATE TABLE IF NOT EXISTS pending_runs ("
	" period TEXT NOT NULL PRIMARY KEY, run_id TEXT NOT NULL, output TEXT NOT NULL,"
	" started TEXT NOT NULL, inputs_hash TEXT, version TEXT);"
	"CREATE TABLE IF NOT EXISTS pending_results ("
	" period TEXT NOT NULL, employee_id TEXT NOT NULL, raw_score REAL, norm_score REAL,"
	" rating_band_index INTEGER, rating_label TEXT, bonus_cents INTEGER NOT NULL,"
	" flags INTEGER NOT NULL, run_id TEXT NOT NULL,"
	" PRIMARY KEY (period, employee_id));"
	"PRAGMA user_version = 2;";

static char *ledger_path(const struct config *cfg)
{
	return cfg->state_dir ? xstrfmt("%s/history.db", cfg->state_dir) : NULL;
}

/* Maps an SQLite failure to a diag error that names the file. */
static int ledger_error(struct diag *d, sqlite3 *db, int rc, const char *path, const char *what)
{
	int busy = rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
	int damaged = rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT;
	diag_error(d, busy ? MERIT_TEMPFAIL : MERIT_CANTCREAT, path, 0, 0, "%s: %s", what,
		   db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	if (busy)
		diag_hint(d, "another merit run is using the ledger; try again when it has finished");
	else if (damaged)
		diag_hint(d, "the ledger is damaged: restore it from a backup, or move it aside "
			  "to start a new history (streaks restart)");
	return -1;
}

/* Opens an existing ledger read-only; *db = NULL (and 0) when it is missing. */
static int open_readonly(const char *path, sqlite3 **db, struct diag *d)
{
	struct stat st;
	int rc;
	*db = NULL;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return diag_error(d, MERIT_CANTCREAT, path, 0, 0, "cannot read the ledger: %s",
				  strerror(errno));
	}
	rc = sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		ledger_error(d, *db, rc, path, "cannot open the ledger");
		sqlite3_close(*db);
		*db = NULL;
		return -1;
	}
	sqlite3_busy_timeout(*db, LEDGER_BUSY_MS);
	return 0;
}

/* The schema version, or -1 with the SQLite code in *rc. */
static int schema_version(sqlite3 *db, int *rc)
{
	sqlite3_stmt *st;
	int v = -1;
	*rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	if (*rc != SQLITE_OK)
		return -1;
	*rc = sqlite3_step(st);
	if (*rc == SQLITE_ROW) {
		v = sqlite3_column_int(st, 0);
		*rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return v;
}

static int check_version(sqlite3 *db, const char *path, int *version, struct diag *d)
{
	int rc;
	*version = schema_version(db, &rc);
	if (*version < 0)
		return ledger_error(d, db, rc, path, "cannot read the ledger");
	if (*version > LEDGER_SCHEMA) {
		diag_error(d, MERIT_CANTCREAT, path, 0, 0,
			   "ledger schema version %d is newer than this merit understands (%d)",
			   *version, LEDGER_SCHEMA);
		diag_hint(d, "use the merit release that wrote it");
		return -1;
	}
	return 0;
}

static void reconcile_if_idle(const struct config *cfg, sqlite3 *db);

/* The period of the same kind just before p, as its canonical label. */
static void period_prev_label(int *year, int *month, enum period_kind kind, char out[32])
{
	int step = kind == PERIOD_MONTH ? 1 : kind == PERIOD_QUARTER ? 3 : 12;
	*month -= step;
	while (*month < 1) {
		*month += 12;
		(*year)--;
	}
	if (kind == PERIOD_MONTH)
		snprintf(out, 32, "%04d-%02d", *year, *month);
	else if (kind == PERIOD_QUARTER)
		snprintf(out, 32, "%04d-Q%d", *year, (*month - 1) / 3 + 1);
	else
		snprintf(out, 32, "%04d", *year);
}

/*
 * One earlier period's ratings: employee id -> band. The ids are copies
 * owned by `ids`; the map's keys point into them.
 */
struct period_ratings {
	struct strlist ids;
	struct strmap band;
};

static int read_period(sqlite3_stmt *st, const char *label, struct period_ratings *pr)
{
	int rc;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, label, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (!id || sqlite3_column_type(st, 1) == SQLITE_NULL)
			continue;
		strlist_push(&pr->ids, id);
		strmap_put(&pr->band, pr->ids.items[pr->ids.nr - 1],
			   (size_t)sqlite3_column_int(st, 1));
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Streaks, walking back one period at a time from the one before the
 * run's: an employee's streak grows while the earlier period rated them in
 * the same (top or bottom) band and stops at the first gap or other band.
 * One query per period walked, not per employee: the walk ends when no
 * streak is still growing. Returns -1 on an SQLite error.
 */
static int read_streaks(sqlite3_stmt *st, struct company *c, int bottom)
{
	int year = c->period.year, month = c->period.first_month, rc = 0;
	size_t i, growing = 0;
	char label[32];
	unsigned char *open = xcalloc(c->nemps + 1, 1);   /* bit 1 bottom, bit 2 top */

	for (i = 0; i < c->nemps; i++) {
		const struct employee *e = &c->emps[i];
		if (e->bottom_streak)
			open[i] |= 1;
		if (e->top_streak)
			open[i] |= 2;
		growing += open[i] != 0;
	}
	while (growing) {
		struct period_ratings pr;
		memset(&pr, 0, sizeof(pr));
		strmap_init(&pr.band);
		period_prev_label(&year, &month, c->period.kind, label);
		rc = read_period(st, label, &pr);
		for (i = 0; rc == 0 && i < c->nemps; i++) {
			struct employee *e = &c->emps[i];
			size_t band;
			int found;
			if (!open[i])
				continue;
			found = strmap_get(&pr.band, e->id, &band);
			if ((open[i] & 1) && found && (int)band == bottom)
				e->bottom_streak++;
			else
				open[i] &= (unsigned char)~1u;
			if ((open[i] & 2) && found && band == 0)
				e->top_streak++;
			else
				open[i] &= (unsigned char)~2u;
			if (!open[i])
				growing--;
		}
		strmap_release(&pr.band);
		strlist_release(&pr.ids);
		if (rc < 0)
			break;
	}
	free(open);
	return rc;
}

/* The labels of the TREND_PAST periods before the run's, oldest first. */
static void past_labels(struct company *c)
{
	int year = c->period.year, month = c->period.first_month;
	size_t k;
	c->npast = TREND_PAST;
	for (k = TREND_PAST; k-- > 0;)
		period_prev_label(&year, &month, c->period.kind, c->past[k]);
}

/*
 * Trends: each employee's results in the TREND_PAST periods before the
 * run's (one query per period). Only earlier periods are read, so a re-run
 * of an old period shows the history as it was then. `past` is allocated
 * for employees with at least one earlier result only. -1 on an SQLite error.
 */
static int read_trends(sqlite3 *db, struct company *c)
{
	sqlite3_stmt *st;
	size_t k;
	int rc = sqlite3_prepare_v2(db, "SELECT employee_id, norm_score, rating_band_index, "
				    "rating_label FROM results WHERE period = ?1", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return -1;
	for (k = 0; k < c->npast; k++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, c->past[k], -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *id = (const char *)sqlite3_column_text(st, 0);
			const char *label = (const char *)sqlite3_column_text(st, 3);
			long i = id ? company_find(c, id) : -1;
			struct trend_point *tp;
			if (i < 0 || sqlite3_column_type(st, 1) == SQLITE_NULL)
				continue;
			if (!c->emps[i].past)
				c->emps[i].past = xcalloc(c->npast, sizeof(*c->emps[i].past));
			tp = &c->emps[i].past[k];
			tp->present = 1;
			tp->score = sqlite3_column_double(st, 1);
			tp->rating = sqlite3_column_type(st, 2) == SQLITE_NULL
					     ? -1 : sqlite3_column_int(st, 2);
			tp->rating_label = label && *label ? company_intern(c, label) : NULL;
		}
		if (rc != SQLITE_DONE)
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_OK ? 0 : -1;
}

static void set_flags(struct employee *e, const struct config *cfg)
{
	e->flags &= ~(unsigned)(FLAG_WARNING | FLAG_ROLE_REVIEW | FLAG_PROMOTE);
	if (cfg->warning_after > 0 && e->bottom_streak >= cfg->warning_after)
		e->flags |= FLAG_WARNING;
	if (cfg->review_after > 0 && e->bottom_streak >= cfg->review_after)
		e->flags |= FLAG_ROLE_REVIEW;
	if (cfg->promote_after > 0 && e->top_streak >= cfg->promote_after)
		e->flags |= FLAG_PROMOTE;
}

int ledger_apply_history(struct company *c, const struct config *cfg, struct diag *d)
{
	char *path = ledger_path(cfg);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int bottom = cfg->nbands ? (int)cfg->nbands - 1 : 0, version = 0, rc = 0;
	size_t i;

	if (path && open_readonly(path, &db, d) < 0)
		goto fail;
	if (db && check_version(db, path, &version, d) < 0)
		goto fail;
	if (db)
		reconcile_if_idle(cfg, db);
	if (db && version > 0) {
		rc = sqlite3_prepare_v2(db, "SELECT employee_id, rating_band_index FROM results "
					"WHERE period = ?1", -1, &st, NULL);
		if (rc != SQLITE_OK) {
			ledger_error(d, db, rc, path, "cannot read the ledger");
			goto fail;
		}
	}
	/* This period counts itself: a streak starts at 1. A one-band config
	 * makes the same band top and bottom: both count. */
	for (i = 0; i < c->nemps; i++) {
		struct employee *e = &c->emps[i];
		int rated = e->in_scope && e->rating >= 0;
		e->bottom_streak = rated && e->rating == bottom;
		e->top_streak = rated && e->rating == 0;
	}
	if (st && read_streaks(st, c, bottom) < 0)
		goto step_fail;
	past_labels(c);
	if (st && read_trends(db, c) < 0)
		goto step_fail;
	for (i = 0; i < c->nemps; i++)
		set_flags(&c->emps[i], cfg);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	return 0;

step_fail:
	ledger_error(d, db, sqlite3_errcode(db), path, "cannot read the ledger");
fail:
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	return -1;
}

/* "中文 | English", or the one text when both halves are the same. */
static void band_label(const struct config *cfg, int band, struct strbuf *sb)
{
	const struct label *l;
	strbuf_reset(sb);
	if (band < 0 || (size_t)band >= cfg->nbands)
		return;
	l = &cfg->bands[band].label;
	if (l->zh)
		strbuf_addstr(sb, l->zh);
	if (l->en && (!l->zh || strcmp(l->zh, l->en))) {
		if (sb->len)
			strbuf_addstr(sb, " | ");
		strbuf_addstr(sb, l->en);
	}
}

static int insert_results(sqlite3 *db, const struct company *c, const struct config *cfg,
			  const char *run_id)
{
	sqlite3_stmt *st;
	struct strbuf label = STRBUF_INIT;
	size_t i;
	int rc = sqlite3_prepare_v2(db, "INSERT INTO pending_results (period, employee_id, "
				    "raw_score, norm_score, rating_band_index, rating_label, "
				    "bonus_cents, flags, run_id) "
				    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	for (i = 0; i < c->nemps && rc == SQLITE_OK; i++) {
		const struct employee *e = &c->emps[i];
		if (!e->in_scope)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, c->period.label, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, e->id, -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 3, e->raw_score);
		sqlite3_bind_double(st, 4, e->norm_score);
		if (e->rating >= 0)
			sqlite3_bind_int(st, 5, e->rating);
		else
			sqlite3_bind_null(st, 5);
		band_label(cfg, e->rating, &label);
		sqlite3_bind_text(st, 6, label.buf, (int)label.len, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 7, e->bonus);
		sqlite3_bind_int64(st, 8, e->flags);
		sqlite3_bind_text(st, 9, run_id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	strbuf_release(&label);
	return rc;
}

static const char overrides_sql[] =
	"CREATE TABLE IF NOT EXISTS overrides ("
	" run_id TEXT NOT NULL, period TEXT NOT NULL, employee_id TEXT NOT NULL,"
	" change TEXT NOT NULL, reason TEXT NOT NULL, approved_by TEXT NOT NULL,"
	" decided TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS overrides_by_run ON overrides (run_id, employee_id);";

/* SPEC 11: the ledger keeps every override the run applied. */
static int insert_overrides(sqlite3 *db, const struct company *c, const struct config *cfg,
			    const char *run_id)
{
	sqlite3_stmt *st = NULL;
	struct strbuf change = STRBUF_INIT;
	char date[16];
	size_t i;
	int rc;
	if (!c->noverrides)
		return SQLITE_OK;
	rc = sqlite3_exec(db, overrides_sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return rc;
	/* the same inputs give the same run id: a re-run replaces its own rows */
	rc = sqlite3_prepare_v2(db, "DELETE FROM overrides WHERE run_id = ?1", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		sqlite3_finalize(st);
		st = NULL;
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT INTO overrides (run_id, period, employee_id, change, "
				"reason, approved_by, decided) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
				-1, &st, NULL);
	for (i = 0; i < c->noverrides && rc == SQLITE_OK; i++) {
		const struct override_row *o = &c->overrides[i];
		if (!o->applied)
			continue;
		strbuf_reset(&change);
		override_describe(o, cfg, cfg->locale, &change);
		date_format_iso(o->date, date);
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, c->period.label, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, c->emps[o->employee].id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, change.buf, (int)change.len, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, o->reason, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, o->approved_by, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, date, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	strbuf_release(&change);
	return rc;
}

static int insert_run(sqlite3 *db, const struct company *c, const char *run_id,
		      const char *inputs_hash, const char *output)
{
	sqlite3_stmt *st;
	char started[32] = "";
	time_t now = time(NULL);
	struct tm tm;
	int rc;
	if (gmtime_r(&now, &tm))
		strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", &tm);
	rc = sqlite3_prepare_v2(db, "INSERT INTO pending_runs (run_id, period, output, started, "
				"inputs_hash, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &st,
				NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->period.label, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, output, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, started, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, inputs_hash ? inputs_hash : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, MERIT_VERSION, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Runs each statement of `sql` (';'-separated) with ?1 bound to period. */
static int exec_period(sqlite3 *db, const char *sql, const char *period)
{
	const char *tail = sql;
	int rc = SQLITE_OK;
	while (rc == SQLITE_OK && *tail) {
		sqlite3_stmt *st = NULL;
		rc = sqlite3_prepare_v2(db, tail, -1, &st, &tail);
		if (rc != SQLITE_OK || !st)
			break;
		if (sqlite3_bind_parameter_count(st))
			sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
	}
	return rc;
}

static const char drop_pending_sql[] =
	"DELETE FROM pending_results WHERE period = ?1;"
	"DELETE FROM pending_runs WHERE period = ?1;";

/* The pending run of a period becomes its published one. */
static const char promote_sql[] =
	"DELETE FROM results WHERE period = ?1;"
	"INSERT INTO results (period, employee_id, raw_score, norm_score, rating_band_index,"
	" rating_label, bonus_cents, flags, run_id) SELECT period, employee_id, raw_score,"
	" norm_score, rating_band_index, rating_label, bonus_cents, flags, run_id"
	" FROM pending_results WHERE period = ?1;"
	"INSERT INTO runs (run_id, period, started, inputs_hash, version)"
	" SELECT run_id, period, started, inputs_hash, version FROM pending_runs"
	" WHERE period = ?1;"
	"DELETE FROM pending_results WHERE period = ?1;"
	"DELETE FROM pending_runs WHERE period = ?1;";

/*
 * Opens the ledger read-write in a BEGIN IMMEDIATE transaction, creating it
 * (and the schema) when create is set. *db = NULL and 0 when it is missing
 * and create is not set.
 */
static int open_write(const struct config *cfg, const char *path, int create, sqlite3 **db,
		      struct diag *d)
{
	int rc, version = 0;
	struct stat st;
	*db = NULL;
	if (!create && stat(path, &st) < 0)
		return 0;
	if (create && ledger_ensure_state_dir(cfg, d) < 0)
		return -1;
	if (create) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return diag_error(d, MERIT_CANTCREAT, path, 0, 0,
					  "cannot open the ledger: %s", strerror(errno));
		close(fd);
	}
	rc = sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK)
		goto sql_fail;
	sqlite3_busy_timeout(*db, LEDGER_BUSY_MS);
	rc = sqlite3_exec(*db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto sql_fail;
	if (check_version(*db, path, &version, d) < 0)
		goto fail;
	if (version < LEDGER_SCHEMA && (create || version > 0) &&
	    (rc = sqlite3_exec(*db, schema_sql, NULL, NULL, NULL)) != SQLITE_OK)
		goto sql_fail;
	return 0;
sql_fail:
	ledger_error(d, *db, rc, path, "cannot write the ledger");
fail:
	sqlite3_exec(*db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(*db);
	*db = NULL;
	return -1;
}

static int close_write(sqlite3 *db, int rc, const char *path, const char *what, struct diag *d)
{
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		ledger_error(d, db, rc, path, what);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

int ledger_record(const struct company *c, const struct config *cfg, const char *run_id,
		  const char *inputs_hash, const char *output, struct diag *d)
{
	char *path = ledger_path(cfg);
	sqlite3 *db = NULL;
	int rc, status;

	if (!path)
		return diag_error(d, MERIT_CONFIG, cfg->path, 0, 0,
				  "[run] state_dir is not set: nowhere to keep the ledger");
	if (open_write(cfg, path, 1, &db, d) < 0) {
		free(path);
		return -1;
	}
	rc = exec_period(db, drop_pending_sql, c->period.label);
	if (rc == SQLITE_OK)
		rc = insert_results(db, c, cfg, run_id);
	if (rc == SQLITE_OK)
		rc = insert_overrides(db, c, cfg, run_id);
	if (rc == SQLITE_OK)
		rc = insert_run(db, c, run_id, inputs_hash, output);
	status = close_write(db, rc, path, "cannot record the period in the ledger", d);
	free(path);
	return status;
}

int ledger_confirm(const struct config *cfg, const char *period, struct diag *d)
{
	char *path = ledger_path(cfg);
	sqlite3 *db = NULL;
	int status = -1;
	if (path && open_write(cfg, path, 0, &db, d) == 0 && db)
		status = close_write(db, exec_period(db, promote_sql, period), path,
				     "cannot confirm the published period in the ledger", d);
	free(path);
	return status;
}

/* The "run_id" a published manifest.json carries, or "" when unreadable. */
static void manifest_run_id(const char *folder, char out[64])
{
	char *path = xstrfmt("%s/manifest.json", folder);
	static const char key[] = "\"run_id\": \"";
	char buf[4096];
	FILE *f = fopen(path, "re");
	size_t n = 0;
	out[0] = '\0';
	if (f) {
		char *p;
		/* run_id comes right after the version and period: the head is enough. */
		n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		fclose(f);
		p = strstr(buf, key);
		if (p) {
			size_t len;
			p += sizeof(key) - 1;
			len = strcspn(p, "\"");
			if (len < 64 && p[len] == '"') {
				memcpy(out, p, len);
				out[len] = '\0';
			}
		}
	}
	free(path);
}

/* Settles every pending run: promoted when its output folder is published
 * with its id, dropped otherwise. The caller holds the ledger lock. */
static int reconcile(sqlite3 *db)
{
	sqlite3_stmt *st;
	struct strlist periods, promote;
	size_t i;
	int rc = sqlite3_prepare_v2(db, "SELECT period, run_id, output FROM pending_runs", -1,
				    &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	memset(&periods, 0, sizeof(periods));
	memset(&promote, 0, sizeof(promote));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *period = (const char *)sqlite3_column_text(st, 0);
		const char *run_id = (const char *)sqlite3_column_text(st, 1);
		const char *output = (const char *)sqlite3_column_text(st, 2);
		char published[64];
		if (!period || !run_id || !output)
			continue;
		manifest_run_id(output, published);
		strlist_push(!strcmp(published, run_id) ? &promote : &periods, period);
	}
	sqlite3_finalize(st);
	rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	for (i = 0; rc == SQLITE_OK && i < promote.nr; i++)
		rc = exec_period(db, promote_sql, promote.items[i]);
	for (i = 0; rc == SQLITE_OK && i < periods.nr; i++)
		rc = exec_period(db, drop_pending_sql, periods.items[i]);
	strlist_release(&periods);
	strlist_release(&promote);
	return rc;
}

int ledger_reconcile(const struct config *cfg, struct diag *d)
{
	char *path = ledger_path(cfg);
	sqlite3 *db = NULL;
	int status = 0;
	if (path && open_write(cfg, path, 0, &db, d) < 0)
		status = -1;
	else if (db)
		status = close_write(db, reconcile(db), path,
				     "cannot reconcile the ledger with the published output", d);
	free(path);
	return status;
}

/* Whether the ledger holds a run recorded but not yet confirmed. */
static int has_pending(sqlite3 *db)
{
	sqlite3_stmt *st;
	int found = 0;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pending_runs LIMIT 1", -1, &st, NULL) !=
	    SQLITE_OK)
		return 0;    /* a version 1 ledger: no such table */
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/*
 * Readers settle a dead run's pending rows when no run holds the ledger
 * (a run holding it may be about to publish them). Best effort: a reader
 * that cannot lock or write still reads the confirmed rows only.
 */
static void reconcile_if_idle(const struct config *cfg, sqlite3 *db)
{
	struct diag quiet;
	int fd = -1;
	if (!has_pending(db))
		return;
	diag_init(&quiet);
	if (ledger_lock(cfg, 0, &fd, &quiet) == 0)
		ledger_reconcile(cfg, &quiet);
	ledger_unlock(fd);
	diag_release(&quiet);
}

int ledger_last_run(const struct config *cfg, const char *period, struct ledger_run *r,
		    struct diag *d)
{
	char *path = ledger_path(cfg);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc, version = 0, found = -1;

	memset(r, 0, sizeof(*r));
	if (!path)
		return 0;
	if (open_readonly(path, &db, d) < 0 || (db && check_version(db, path, &version, d) < 0))
		goto out;
	found = 0;
	if (!db || version < 1)
		goto out;
	rc = sqlite3_prepare_v2(db, "SELECT rowid, run_id, started FROM runs WHERE period = ?1 "
				"ORDER BY rowid DESC LIMIT 1", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	if (rc == SQLITE_ROW) {
		const unsigned char *id = sqlite3_column_text(st, 1), *at = sqlite3_column_text(st, 2);
		r->seq = sqlite3_column_int64(st, 0);
		snprintf(r->run_id, sizeof(r->run_id), "%s", id ? (const char *)id : "");
		snprintf(r->started, sizeof(r->started), "%s", at ? (const char *)at : "");
		found = 1;
	} else if (rc != SQLITE_DONE) {
		ledger_error(d, db, rc, path, "cannot read the ledger");
		found = -1;
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	return found;
}

int ledger_ensure_state_dir(const struct config *cfg, struct diag *d)
{
	struct stat st;
	if (file_mkdir_p(cfg->state_dir, 0700) < 0)
		return diag_error(d, MERIT_CANTCREAT, cfg->state_dir, 0, 0,
				  "cannot create the state folder: %s", strerror(errno));
	/* It holds everyone's pay history: only the owner may read it, even
	 * when it was made by hand or by an older release with 0755. */
	if (stat(cfg->state_dir, &st) == 0 && (st.st_mode & 077) &&
	    chmod(cfg->state_dir, st.st_mode & 0700) < 0)
		return diag_error(d, MERIT_CANTCREAT, cfg->state_dir, 0, 0,
				  "cannot make the state folder private (0700): %s",
				  strerror(errno));
	return 0;
}

int ledger_lock(const struct config *cfg, int create, int *fd, struct diag *d)
{
	char *lock;
	*fd = -1;
	if (!cfg->state_dir)
		return 0;
	if (create && ledger_ensure_state_dir(cfg, d) < 0)
		return -1;
	lock = xstrfmt("%s/.history.lock", cfg->state_dir);
	*fd = lockfile_take_diag(lock, "the ledger lock", "another merit run is using this ledger",
				 "wait for it to finish (its output folder may be another one)", d);
	free(lock);
	return *fd < 0 ? -1 : 0;
}

void ledger_unlock(int fd)
{
	lockfile_release(fd);
}

/* Each period's overrides of the employee, from the run whose results the
 * period keeps; no overrides table yet is none. */
static int read_overrides(sqlite3 *db, const char *employee_id, struct ledger_period *r,
			  size_t n)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = sqlite3_prepare_v2(db, "SELECT change, reason, approved_by, decided FROM overrides "
				    "WHERE run_id = ?1 AND employee_id = ?2 ORDER BY rowid",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return strstr(sqlite3_errmsg(db), "no such table") ? SQLITE_OK : rc;
	for (i = 0; i < n && rc == SQLITE_OK; i++) {
		struct strbuf sb = STRBUF_INIT;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, r[i].run_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, employee_id, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			strbuf_addf(&sb, "%s%s (%s; approved by %s on %s)", sb.len ? "\n" : "",
				    (const char *)sqlite3_column_text(st, 0),
				    (const char *)sqlite3_column_text(st, 1),
				    (const char *)sqlite3_column_text(st, 2),
				    (const char *)sqlite3_column_text(st, 3));
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		r[i].overrides = sb.len ? strbuf_detach(&sb, NULL) : NULL;
		strbuf_release(&sb);
	}
	sqlite3_finalize(st);
	return rc;
}

int ledger_history(const struct config *cfg, const char *employee_id,
		   struct ledger_period **rows, size_t *nrows, struct diag *d)
{
	char *path = ledger_path(cfg);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	struct ledger_period *r = NULL;
	size_t n = 0, alloc = 0;
	int rc, version = 0, status = -1;

	*rows = NULL;
	*nrows = 0;
	if (!path) {
		diag_error(d, MERIT_CONFIG, cfg->path, 0, 0,
			   "[run] state_dir is not set: no ledger to read");
		goto out;
	}
	if (open_readonly(path, &db, d) < 0)
		goto out;
	if (!db) {
		diag_error(d, MERIT_NOINPUT, path, 0, 0, "no ledger yet");
		diag_hint(d, "`merit run` records every period in it");
		goto out;
	}
	if (check_version(db, path, &version, d) < 0)
		goto out;
	reconcile_if_idle(cfg, db);
	if (version > 0) {
		rc = sqlite3_prepare_v2(db, "SELECT period, raw_score, norm_score, rating_label, "
					"bonus_cents, flags, run_id FROM results WHERE employee_id = ?1 "
					"ORDER BY period", -1, &st, NULL);
		if (rc != SQLITE_OK) {
			ledger_error(d, db, rc, path, "cannot read the ledger");
			goto out;
		}
		sqlite3_bind_text(st, 1, employee_id, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const unsigned char *label = sqlite3_column_text(st, 3);
			ALLOC_GROW(r, n + 1, alloc);
			r[n].period = xstrdup((const char *)sqlite3_column_text(st, 0));
			r[n].raw_score = sqlite3_column_double(st, 1);
			r[n].norm_score = sqlite3_column_double(st, 2);
			r[n].rating_label = xstrdup(label ? (const char *)label : "");
			r[n].bonus_cents = sqlite3_column_int64(st, 4);
			r[n].flags = (unsigned)sqlite3_column_int64(st, 5);
			r[n].run_id = xstrdup(sqlite3_column_text(st, 6)
					      ? (const char *)sqlite3_column_text(st, 6) : "");
			r[n].overrides = NULL;
			n++;
		}
		if (rc != SQLITE_DONE) {
			ledger_error(d, db, rc, path, "cannot read the ledger");
			goto out;
		}
	}
	if (!n) {
		diag_error(d, MERIT_NOINPUT, path, 0, 0,
			   "employee '%s' has no periods in the ledger", employee_id);
		goto out;
	}
	if (read_overrides(db, employee_id, r, n) != SQLITE_OK) {
		ledger_error(d, db, sqlite3_errcode(db), path, "cannot read the ledger");
		goto out;
	}
	status = 0;
out:
	if (status < 0) {
		ledger_periods_free(r, n);
	} else {
		*rows = r;
		*nrows = n;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	return status;
}

void ledger_periods_free(struct ledger_period *rows, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(rows[i].period);
		free(rows[i].rating_label);
		free(rows[i].run_id);
		free(rows[i].overrides);
	}
	free(rows);
}
