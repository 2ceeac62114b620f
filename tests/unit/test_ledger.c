/*
 * Unit tests of src/deliver/ledger.c against real SQLite files in a temp
 * folder: streaks and flags over three consecutive months, re-running a
 * month without double counting, a gap breaking a streak, a damaged ledger
 * left byte-for-byte unchanged, and read-only use creating nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "deliver/ledger.h"
#include "model.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/period.h"
#include "util/strbuf.h"

#include "../support/fixture.h"

static const char *const tmpdir = fixture_tmp;   /* the group's scratch folder */

/* The SPEC bands and history thresholds (warning after 2 bottom ratings,
 * role review after 3, promotion after 3 top), the ledger in state_dir. */
static void config_setup(struct config *cfg, const char *state_dir)
{
	fixture_config_init(cfg);
	cfg->state_dir = xstrdup(state_dir);
}

/* X is rated bottom, Y top, Z in the middle; W is out of scope. */
static void company_month(struct company *c, const char *period, int x_rating)
{
	static const struct { const char *id; int rating; } rows[] = {
		{ "X", 2 }, { "Y", 0 }, { "Z", 1 }, { "W", 0 },
	};
	size_t i;
	fixture_company_init(c, period);
	for (i = 0; i < 4; i++) {
		struct employee *e = fixture_add_employee(c, NULL, rows[i].id, NULL);
		e->rating = i == 0 ? x_rating : rows[i].rating;
		e->in_scope = i != 3;
		e->raw_score = e->norm_score = 70 + 10.0 * (double)i;
		e->bonus = 12345 * (int64_t)i;
	}
}

/* Applies history for `period` and returns X's bottom streak; records the
 * month when `record` is set. */
static int month(const struct config *cfg, const char *period, int record, unsigned *x_flags,
		 unsigned *y_flags)
{
	struct company c;
	struct diag d;
	int streak;
	diag_init(&d);
	company_month(&c, period, 2);
	assert_int_equal(ledger_apply_history(&c, cfg, &d), 0);
	assert_int_equal(d.nr, 0);
	streak = c.emps[0].bottom_streak;
	*x_flags = c.emps[0].flags;
	*y_flags = c.emps[1].flags;
	assert_int_equal(c.emps[2].bottom_streak, 0);
	assert_int_equal(c.emps[2].top_streak, 0);
	assert_int_equal(c.emps[2].flags, 0);
	if (record) {
		assert_int_equal(ledger_record(&c, cfg, period, "hash", "/nowhere", &d), 0);
		assert_int_equal(ledger_confirm(cfg, period, &d), 0);
	}
	company_release(&c);
	diag_release(&d);
	return streak;
}

static void test_three_months(void **state)
{
	struct config cfg;
	struct diag d;
	struct ledger_period *rows;
	size_t nrows;
	struct stat st;
	char *dir = xstrfmt("%s/state", tmpdir), *db = xstrfmt("%s/history.db", dir);
	unsigned xf, yf;
	(void)state;
	config_setup(&cfg, dir);

	/* Month 1: no ledger yet; reading it must not create the folder. */
	assert_int_equal(month(&cfg, "2026-08", 0, &xf, &yf), 1);
	assert_int_equal(stat(dir, &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(month(&cfg, "2026-08", 1, &xf, &yf), 1);
	assert_int_equal(xf, 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(db, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* Month 2: two bottom ratings in a row -> warning only. */
	assert_int_equal(month(&cfg, "2026-09", 1, &xf, &yf), 2);
	assert_true(xf & FLAG_WARNING);
	assert_false(xf & FLAG_ROLE_REVIEW);
	assert_false(yf & FLAG_PROMOTE);
	/* Re-running month 2 replaces it: still 2, not 3. */
	assert_int_equal(month(&cfg, "2026-09", 1, &xf, &yf), 2);

	/* Month 3: role review for X, promotion for Y (3 top in a row). */
	assert_int_equal(month(&cfg, "2026-10", 1, &xf, &yf), 3);
	assert_true(xf & FLAG_WARNING);
	assert_true(xf & FLAG_ROLE_REVIEW);
	assert_true(yf & FLAG_PROMOTE);

	/* A month with no row (2026-11 never ran) breaks the streak. */
	assert_int_equal(month(&cfg, "2026-12", 0, &xf, &yf), 1);
	assert_false(xf & FLAG_WARNING);

	/* History: each month once (2026-09 re-run replaced), oldest first,
	 * full band label, flags and bonus. */
	diag_init(&d);
	assert_int_equal(ledger_history(&cfg, "X", &rows, &nrows, &d), 0);
	assert_int_equal(nrows, 3);
	assert_string_equal(rows[0].period, "2026-08");
	assert_string_equal(rows[1].period, "2026-09");
	assert_string_equal(rows[2].period, "2026-10");
	assert_string_equal(rows[2].rating_label, "待改进 | Needs improvement");
	assert_int_equal(rows[2].flags & (FLAG_WARNING | FLAG_ROLE_REVIEW),
			 FLAG_WARNING | FLAG_ROLE_REVIEW);
	ledger_periods_free(rows, nrows);
	assert_int_equal(ledger_history(&cfg, "Y", &rows, &nrows, &d), 0);
	assert_int_equal(rows[0].bonus_cents, 12345);
	ledger_periods_free(rows, nrows);
	/* W was never in scope, so never recorded. */
	assert_int_equal(ledger_history(&cfg, "W", &rows, &nrows, &d), -1);
	assert_int_equal(d.status, MERIT_NOINPUT);
	assert_null(rows);
	diag_release(&d);
	fixture_release(&cfg, NULL);
	free(db);
	free(dir);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = xmalloc(1 << 16);
	assert_non_null(f);
	*len = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

/* Garbage where the ledger should be: a clear error naming the file, exit
 * status 73, and not one byte changed. */
static void test_corrupt_ledger(void **state)
{
	struct config cfg;
	struct company c;
	struct diag d;
	struct strbuf sb = STRBUF_INIT;
	char *dir = xstrfmt("%s/bad", tmpdir), *db = xstrfmt("%s/history.db", dir);
	char garbage[4096], *after;
	size_t i, len;
	FILE *f;
	(void)state;
	for (i = 0; i < sizeof(garbage); i++)
		garbage[i] = (char)(i * 7 + 3);
	assert_int_equal(file_mkdir_p(dir, 0700), 0);
	f = fopen(db, "wb");
	assert_non_null(f);
	fwrite(garbage, 1, sizeof(garbage), f);
	fclose(f);

	config_setup(&cfg, dir);
	company_month(&c, "2026-10", 2);
	diag_init(&d);
	assert_int_equal(ledger_record(&c, &cfg, "run", "hash", "/nowhere", &d), -1);
	assert_int_equal(d.status, MERIT_CANTCREAT);
	diag_format(&d, &sb, DIAG_ERROR);
	assert_non_null(strstr(sb.buf, db));
	assert_non_null(strstr(sb.buf, "not a database"));
	after = read_all(db, &len);
	assert_int_equal(len, sizeof(garbage));
	assert_memory_equal(after, garbage, sizeof(garbage));
	free(after);

	/* Reading it fails the same way (validate/explain must not go on). */
	diag_release(&d);
	diag_init(&d);
	assert_int_equal(ledger_apply_history(&c, &cfg, &d), -1);
	assert_int_equal(d.status, MERIT_CANTCREAT);
	fixture_release(&cfg, &c);
	diag_release(&d);
	strbuf_release(&sb);
	free(db);
	free(dir);
}

/* `merit history` with no ledger: an error, and still nothing created. */
static void test_history_without_ledger(void **state)
{
	struct config cfg;
	struct diag d;
	struct ledger_period *rows;
	size_t nrows;
	struct stat st;
	char *dir = xstrfmt("%s/none", tmpdir);
	(void)state;
	config_setup(&cfg, dir);
	diag_init(&d);
	assert_int_equal(ledger_history(&cfg, "X", &rows, &nrows, &d), -1);
	assert_int_equal(d.status, MERIT_NOINPUT);
	assert_int_equal(stat(dir, &st), -1);
	diag_release(&d);
	fixture_release(&cfg, NULL);
	free(dir);
}

/* Y's bonus in the ledger's confirmed rows (123.45 or 246.90), -1 when none. */
static long long bonus_of_y(const struct config *cfg)
{
	struct ledger_period *rows;
	size_t nrows;
	struct diag d;
	long long v = -1;
	diag_init(&d);
	if (ledger_history(cfg, "Y", &rows, &nrows, &d) == 0) {
		v = rows[nrows - 1].bonus_cents;
		ledger_periods_free(rows, nrows);
	}
	diag_release(&d);
	return v;
}

/*
 * A run killed between recording and confirming (issue 15, item 1): the
 * pending rows count only when the published manifest carries their run
 * id. Y's bonus is 123.45 in run "old", 246.90 in run "new".
 */
static void test_pending_reconciled(void **state)
{
	struct config cfg;
	struct company c;
	struct diag d;
	struct stat st;
	char *dir = xstrfmt("%s/pending", tmpdir), *pub = xstrfmt("%s/out/2026-10", tmpdir);
	char *manifest = xstrfmt("%s/manifest.json", pub);
	const char *old_manifest = "{\n  \"version\": \"0\",\n  \"run_id\": \"old\"\n}\n";
	const char *new_manifest = "{\n  \"version\": \"0\",\n  \"run_id\": \"new\"\n}\n";
	(void)state;
	config_setup(&cfg, dir);
	diag_init(&d);
	assert_int_equal(file_mkdir_p(pub, 0700), 0);

	company_month(&c, "2026-10", 2);
	assert_int_equal(ledger_record(&c, &cfg, "old", "h", pub, &d), 0);
	assert_int_equal(ledger_confirm(&cfg, "2026-10", &d), 0);
	assert_int_equal(file_write(manifest, old_manifest, strlen(old_manifest), 0600), 0);
	assert_int_equal(bonus_of_y(&cfg), 12345);

	/* Killed after recording, before publishing: readers keep "old". */
	c.emps[1].bonus = 24690;
	assert_int_equal(ledger_record(&c, &cfg, "new", "h", pub, &d), 0);
	assert_int_equal(bonus_of_y(&cfg), 12345);
	assert_int_equal(ledger_reconcile(&cfg, &d), 0);   /* dropped: not published */
	assert_int_equal(bonus_of_y(&cfg), 12345);

	/* Killed after publishing, before confirming: "new" is what people
	 * see, so any command settles it in. */
	assert_int_equal(ledger_record(&c, &cfg, "new", "h", pub, &d), 0);
	assert_int_equal(file_write(manifest, new_manifest, strlen(new_manifest), 0600), 0);
	assert_int_equal(bonus_of_y(&cfg), 24690);
	assert_int_equal(d.nr, 0);

	/* A state folder made 0755 by hand is made private by the next lock. */
	assert_int_equal(chmod(dir, 0755), 0);
	{
		int fd;
		assert_int_equal(ledger_lock(&cfg, 1, &fd, &d), 0);
		assert_int_equal(stat(dir, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0700);
		/* A second lock on the same ledger is busy (75), whatever the
		 * output folder. */
		{
			int fd2;
			assert_int_equal(ledger_lock(&cfg, 1, &fd2, &d), -1);
			assert_int_equal(d.status, MERIT_TEMPFAIL);
		}
		ledger_unlock(fd);
	}
	fixture_release(&cfg, &c);
	diag_release(&d);
	free(manifest);
	free(pub);
	free(dir);
}

/*
 * Trends (SPEC 11): the eleven periods before the run's, read into the
 * model. Recorded: 2026-06, 2026-08, 2026-09 (X scores 70 + k, k = month
 * - 6, so 70, 72, 73). For 2026-10 the slots are 2025-11 .. 2026-09:
 * 2026-06 is slot 7, 2026-07 (not run) slot 8 is a gap, 2026-08 slot 9,
 * 2026-09 slot 10. W was never in scope: no trend at all. Re-reading for
 * 2026-08 sees 2026-06 only, never the later 2026-09.
 */
static void trend_month(const struct config *cfg, const char *period, double x_score)
{
	struct company c;
	struct diag d;
	diag_init(&d);
	company_month(&c, period, 2);
	c.emps[0].norm_score = x_score;
	assert_int_equal(ledger_apply_history(&c, cfg, &d), 0);
	assert_int_equal(ledger_record(&c, cfg, period, "hash", "/nowhere", &d), 0);
	assert_int_equal(ledger_confirm(cfg, period, &d), 0);
	company_release(&c);
	diag_release(&d);
}

static void test_trends(void **state)
{
	struct config cfg;
	struct company c;
	struct diag d;
	char *dir = xstrfmt("%s/trends", tmpdir);
	const struct employee *x, *z;
	(void)state;
	config_setup(&cfg, dir);
	diag_init(&d);
	trend_month(&cfg, "2026-06", 70);
	trend_month(&cfg, "2026-08", 72);
	trend_month(&cfg, "2026-09", 73);

	company_month(&c, "2026-10", 2);
	assert_int_equal(ledger_apply_history(&c, &cfg, &d), 0);
	assert_int_equal(c.npast, 11);
	assert_string_equal(c.past[0], "2025-11");
	assert_string_equal(c.past[10], "2026-09");
	x = &c.emps[0];
	z = &c.emps[2];
	assert_non_null(x->past);
	assert_true(x->past[7].present && x->past[7].score == 70);
	assert_false(x->past[8].present);                 /* 2026-07: a gap */
	assert_true(x->past[9].present && x->past[9].score == 72);
	assert_true(x->past[10].present && x->past[10].score == 73);
	assert_int_equal(x->past[10].rating, 2);
	assert_false(x->past[6].present);
	/* Z scored 70 + 10 * 2 = 90 every month, band 1. */
	assert_true(z->past[10].present && z->past[10].score == 90 && z->past[10].rating == 1);
	assert_ptr_equal(employee_prev(&c, z), &z->past[10]);
	assert_null(c.emps[3].past);                      /* W: never recorded */
	company_release(&c);

	/* Re-running 2026-08 reads 2025-09 .. 2026-07: 2026-06 only. */
	company_month(&c, "2026-08", 2);
	assert_int_equal(ledger_apply_history(&c, &cfg, &d), 0);
	assert_string_equal(c.past[10], "2026-07");
	assert_true(c.emps[0].past[9].present && c.emps[0].past[9].score == 70);
	assert_false(c.emps[0].past[10].present);
	assert_null(employee_prev(&c, &c.emps[0]));
	assert_int_equal(d.nr, 0);
	fixture_release(&cfg, &c);
	diag_release(&d);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_months),
		cmocka_unit_test(test_corrupt_ledger),
		cmocka_unit_test(test_history_without_ledger),
		cmocka_unit_test(test_pending_reconciled),
		cmocka_unit_test(test_trends),
	};
	return cmocka_run_group_tests(tests, fixture_tmp_setup, fixture_tmp_teardown);
}
