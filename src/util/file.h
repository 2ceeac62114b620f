/*
 * file: the file helpers every module uses: a whole file written with an
 * exact mode (never through a symbolic link), the same atomically, all of
 * a buffer to a descriptor, mkdir -p, rm -r, the folder part of a path.
 * Each returns -1 with errno on failure; strings returned are the
 * caller's to free.
 *
 *   if (file_replace("out/2026-10/letters/E1.pdf", pdf, len, 0600) < 0)
 *           ... errno says why ...
 */
#ifndef MERIT_FILE_H
#define MERIT_FILE_H

#include <stddef.h>

/* mkdir -p with the given mode for the folders it creates; -1 with errno
 * (EINVAL for an empty path). */
int file_mkdir_p(const char *path, unsigned mode);
/*
 * Writes a whole file, created or truncated, with exactly `mode` (an old
 * file's mode is reset: pay stays private), never through a symbolic link;
 * -1 with errno on failure. No fsync per file: outdir_commit() syncs the
 * whole folder once before publishing it.
 */
int file_write(const char *path, const void *data, size_t len, unsigned mode);
/* Opens path as file_write() does, for a file written in pieces
 * (file_write_fd(), then close()): the fd, or -1 with errno. */
int file_open_write(const char *path, unsigned mode);
/*
 * The same, but atomically: written to ".<name>.tmp<pid>" beside path and
 * renamed over it, so a reader (or another process sharing the folder)
 * sees the old file or the whole new one, never a part. On failure the
 * temporary file is removed; -1 with errno.
 */
int file_replace(const char *path, const void *data, size_t len, unsigned mode);
/* Removes the temporary files of killed writers in dir: file_replace's
 * ".<name>.tmp<pid>" and the older "<name>.tmp<pid>". Only under a lock
 * that excludes live writers. */
void file_remove_temp_files(const char *dir);
/* All of data to fd, through short writes and EINTR; -1 with errno. */
int file_write_fd(int fd, const void *data, size_t len);
/* The folder part of a path ("a/b.ini" -> "a", "b.ini" -> ".", "/b" -> "/");
 * caller frees. */
char *file_dirname(const char *path);
/* rm -r, without following symbolic links. */
int file_remove_tree(const char *path);

#endif
