/*
 * outdir: atomic publication of a run's output folder, and the run lock.
 *
 * Everything is written into a temporary folder beside the target
 * (<root>/.<period>.tmp-XXXXXX) and swapped into place only when every file
 * succeeded, so a failed or killed run leaves the previous output untouched.
 * An flock(2) on <root>/.merit.lock keeps two runs from overlapping: the
 * second gets MERIT_TEMPFAIL (75). The kernel drops the lock when a process
 * dies, so a killed run never leaves a stale lock behind.
 *
 *   struct outdir od = OUTDIR_INIT;
 *   if (outdir_lock(&od, root, d) < 0 || outdir_begin(&od, "2026-10", d) < 0)
 *           goto out;
 *   ... write files under od.tmp ...
 *   if (outdir_commit(&od, d) < 0) goto out;
 *   out: outdir_release(&od);       // removes an uncommitted tmp, unlocks
 */
#ifndef MERIT_OUTDIR_H
#define MERIT_OUTDIR_H

#include <stddef.h>

struct diag;

struct outdir {
	char *root;
	char *final;    /* <root>/<period> */
	char *tmp;      /* the folder being written; NULL after commit */
	int lock_fd;
};
#define OUTDIR_INIT { NULL, NULL, NULL, -1 }

int outdir_lock(struct outdir *od, const char *root, struct diag *d);
/* Creates the temporary folder (0700), removing stale ones of killed runs. */
int outdir_begin(struct outdir *od, const char *name, struct diag *d);
/* Swaps the temporary folder into place (atomically where the kernel can). */
int outdir_commit(struct outdir *od, struct diag *d);
void outdir_release(struct outdir *od);

#endif
