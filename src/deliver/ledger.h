/*
 * ledger: the history of past periods in SQLite (state_dir/history.db), the
 * only SQLite user. Gives the streaks behind warning / role-review /
 * promotion flags, and records a finished run (SPEC 9).
 */
#ifndef MERIT_LEDGER_H
#define MERIT_LEDGER_H

struct company;
struct config;
struct diag;
struct strbuf;

/* Reads earlier periods (read-only) and sets bottom/top streaks and flags.
 * A missing ledger is an empty history. */
int ledger_apply_history(struct company *c, const struct config *cfg, struct diag *d);

/* Replaces this period's rows in one transaction. Call only after the
 * outputs are in place. */
int ledger_record(const struct company *c, const struct config *cfg, const char *run_id,
		  const char *inputs_hash, struct diag *d);

/* `merit history`: the employee's past periods as a text table. */
int ledger_history(const struct config *cfg, const char *employee_id, struct strbuf *out,
		   struct diag *d);

#endif
