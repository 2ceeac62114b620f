/*
 * lockfile: one process at a time, by flock(2) on a file: the run lock of
 * an output folder, the ledger's lock, the mail batch's. The kernel drops
 * the lock when the process dies, so a killed run leaves none behind.
 *
 *   int fd = lockfile_take("out/.merit.lock");
 *   if (fd < 0) ... errno == EWOULDBLOCK: another process holds it
 *   ...
 *   lockfile_release(fd);
 */
#ifndef MERIT_LOCKFILE_H
#define MERIT_LOCKFILE_H

struct diag;

/*
 * Opens path (created 0600, never through a symbolic link) and locks it
 * without waiting. Returns the descriptor that holds the lock; -1 when the
 * file cannot be opened, -2 when it cannot be locked (errno EWOULDBLOCK:
 * another process holds it), errno set in both cases.
 */
int lockfile_take(const char *path);

/*
 * lockfile_take() that says in d why it failed, at path: "cannot open
 * <what>: <reason>" (73), `busy` with the hint line `hint` (75) when
 * another process holds the lock, "cannot lock: <reason>" (73) otherwise.
 * Returns the descriptor, or -1.
 *   fd = lockfile_take_diag(path, "the ledger lock",
 *                           "another merit run is using this ledger",
 *                           "wait for it to finish", d);
 */
int lockfile_take_diag(const char *path, const char *what, const char *busy,
		       const char *hint, struct diag *d);

/* Drops the lock; -1 (no lock) is fine. */
void lockfile_release(int fd);

#endif
