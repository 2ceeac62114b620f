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

/* mkdir -p with the given mode for the folders it creates; -1 with errno
 * (EINVAL for an empty path). */
int outdir_mkdir_p(const char *path, unsigned mode);
/*
 * Writes a whole file, created or truncated, with exactly `mode` (an old
 * file's mode is reset: pay stays private), never through a symbolic link;
 * -1 with errno on failure. No fsync per file: outdir_commit() syncs the
 * whole folder once before publishing it.
 */
int outdir_write_file(const char *path, const void *data, size_t len, unsigned mode);
/*
 * The same, but atomically: written to ".<name>.tmp<pid>" beside path and
 * renamed over it, so a reader (or another process sharing the folder)
 * sees the old file or the whole new one, never a part. On failure the
 * temporary file is removed; -1 with errno.
 */
int outdir_replace_file(const char *path, const void *data, size_t len, unsigned mode);
/* Removes the temporary files of killed writers in dir: outdir_replace_file's
 * ".<name>.tmp<pid>" and the older "<name>.tmp<pid>". Only under a lock
 * that excludes live writers. */
void outdir_remove_temp_files(const char *dir);
/* All of data to fd, through short writes and EINTR; -1 with errno. */
int outdir_write_fd(int fd, const void *data, size_t len);
/* The folder part of a path ("a/b.ini" -> "a", "b.ini" -> ".", "/b" -> "/");
 * caller frees. */
char *outdir_dirname(const char *path);
/* rm -r, without following symbolic links. */
int outdir_remove_tree(const char *path);

#endif
