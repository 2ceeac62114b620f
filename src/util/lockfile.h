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

/*
 * Opens path (created 0600, never through a symbolic link) and locks it
 * without waiting. Returns the descriptor that holds the lock; -1 when the
 * file cannot be opened, -2 when it cannot be locked (errno EWOULDBLOCK:
 * another process holds it), errno set in both cases.
 */
int lockfile_take(const char *path);

/* Drops the lock; -1 (no lock) is fine. */
void lockfile_release(int fd);

#endif
