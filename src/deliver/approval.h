/*
 * approval: finance sign-off of a published period (SPEC 11), in the
 * history database next to ledger.c's tables but in tables of its own:
 *
 *   approvals(id, period, run_seq, run_id, run_started, approved_by,
 *             approved_at)
 *   approval_files(approval_id, path, sha256)
 *
 * An approval names the run it approved by the ledger's run sequence
 * (struct ledger_run: a re-run of the same inputs has the same run id but a
 * new sequence, and voids the approval) and the SHA-256 of every file it
 * covers: results.csv, the workbook, every letter and every manager's team
 * pack, paths relative to out/<period>/. Approvals are never deleted: the latest one of a period
 * counts, the older ones are its history.
 *
 * Ownership: struct approval is caller-owned; approval_release() frees what
 * the functions below put in it.
 */
#ifndef MERIT_APPROVAL_H
#define MERIT_APPROVAL_H

#include <stddef.h>

struct config;
struct diag;

struct approval_file {
	char *path;               /* "letters/E1001.pdf" */
	char sha256[65];
};

struct approval {
	char *period;
	long long run_seq;
	char *run_id, *run_started;
	char *by, *at;            /* at: "2026-11-02T09:15:00Z" */
	struct approval_file *files;  /* sorted by path */
	size_t nfiles, alloc;
};

void approval_release(struct approval *a);

/* The files an approval covers in a published period folder, hashed. A
 * missing results.csv or workbook is MERIT_NOINPUT. */
int approval_hash_folder(const char *folder, const char *period, struct approval *a,
			 struct diag *d);

/* Records a (period, run, by, files set); sets a->at. Creates the tables. */
int approval_record(const struct config *cfg, struct approval *a, struct diag *d);

/* The latest approval of a period: 1 and *a filled, 0 when none, -1 on error. */
int approval_latest(const struct config *cfg, const char *period, struct approval *a,
		    struct diag *d);

/* Where a period stands against its latest approval. */
enum approval_state {
	APPROVAL_NONE,            /* never approved */
	APPROVAL_VOID,            /* the period was run again after it */
	APPROVAL_CHANGED,         /* a covered file differs, is gone, or a letter was added */
	APPROVAL_VALID,
};

struct approval_check {
	enum approval_state state;
	struct approval approved; /* filled unless NONE */
	long long run_seq;        /* the period's last run (0: none) */
	char run_id[64], run_started[32];
	char *changed;            /* CHANGED: the first file that differs (owned) */
	size_t nfiles;            /* files in the folder now */
};

/* Compares the published folder of `period` with its latest approval.
 * Returns 0 with *c filled, -1 on error; approval_check_release() frees. */
int approval_check(const struct config *cfg, const char *period, const char *folder,
		   struct approval_check *c, struct diag *d);
void approval_check_release(struct approval_check *c);

/*
 * `merit mail`'s gate: 0 when the latest approval of `period` holds (same
 * run, every covered file unchanged), else -1 and a MERIT_NOPERM (77) error:
 *   error: period 2026-10 is not approved
 *   error: period 2026-10 is not approved: it was run again at T after the
 *          approval by NAME on DATE
 *   out/2026-10/letters/E1002.pdf: error: changed since approval by NAME on DATE
 */
int approval_require(const struct config *cfg, const char *period, const char *folder,
		     struct diag *d);

#endif
