/*
 * ledger: the history of past periods in SQLite (state_dir/history.db), the
 * only SQLite user. Gives the streaks behind warning / role-review /
 * promotion flags, and records a finished run (SPEC 9).
 */
#ifndef MERIT_LEDGER_H
#define MERIT_LEDGER_H

#include <stddef.h>
#include <stdint.h>

struct company;
struct config;
struct diag;

/* Reads earlier periods (read-only): sets bottom/top streaks and flags, and
 * each employee's trend (company.past, employee.past). A missing ledger is
 * an empty history. */
int ledger_apply_history(struct company *c, const struct config *cfg, struct diag *d);

/*
 * Records this period's rows as pending, for the run whose output folder
 * (an absolute path) will carry run_id in its manifest.json. Call when the
 * outputs are complete, just before publishing; ledger_confirm after.
 */
int ledger_record(const struct company *c, const struct config *cfg, const char *run_id,
		  const char *inputs_hash, const char *output, struct diag *d);

/* The published period's pending rows replace its confirmed ones. */
int ledger_confirm(const struct config *cfg, const char *period, struct diag *d);

/* Settles the pending rows of runs that died: kept when their output was
 * published (its manifest has their run id), dropped when it was not.
 * The caller holds the ledger lock. */
int ledger_reconcile(const struct config *cfg, struct diag *d);

/* The last published (confirmed) run of a period. seq grows with every
 * run, re-runs of the same inputs included (their run_id is the same). */
struct ledger_run {
	long long seq;
	char run_id[64];
	char started[32];          /* "2026-11-01T08:00:00Z" */
};
/* 1 with *r filled, 0 when the period has no run in the ledger, -1 on error. */
int ledger_last_run(const struct config *cfg, const char *period, struct ledger_run *r,
		    struct diag *d);

/* Creates [run] state_dir 0700, and makes an existing one 0700. */
int ledger_ensure_state_dir(const struct config *cfg, struct diag *d);

/* The ledger's own lock (state_dir/.history.lock, flock): one run per
 * ledger even when their output folders differ. Busy is MERIT_TEMPFAIL.
 * *fd = -1 (and 0) when there is no state_dir; create makes the folder
 * (0700) first, else it must exist. ledger_unlock(-1) is a no-op. */
int ledger_lock(const struct config *cfg, int create, int *fd, struct diag *d);
void ledger_unlock(int fd);

/* One recorded period of one employee, as `merit history` shows it. */
struct ledger_period {
	char *period;              /* "2026-10" */
	double raw_score, norm_score;
	char *rating_label;
	int64_t bonus_cents;
	unsigned flags;            /* FLAG_* of model.h */
	char *run_id;              /* the run whose results these are */
	char *overrides;           /* SPEC 11: "change (reason; approved by X on DATE)"
	                              lines, '\n'-separated; NULL when none */
};

/* `merit history`: the employee's recorded periods, oldest first, into a
 * malloc'ed array (free with ledger_periods_free). No ledger, or no period
 * for the employee, is MERIT_NOINPUT. */
int ledger_history(const struct config *cfg, const char *employee_id,
		   struct ledger_period **rows, size_t *nrows, struct diag *d);
void ledger_periods_free(struct ledger_period *rows, size_t n);

#endif
