/*
 * memfile: bytes in memory made readable by path, for the libraries that
 * only open files by name (iniparser 4.1, libharu's TrueType loader), with
 * nothing on disk that a killed run could leave behind.
 *
 * The bytes go into an anonymous memory file (memfd_create) and the path is
 * /proc/self/fd/N: it has no name in any folder, and the kernel frees it
 * with the last descriptor, whatever happens to the process. Without
 * memfd or /proc (a minimal chroot), a mkstemp file (0600) in $TMPDIR, else
 * /tmp, that memfile_close removes.
 *
 *   struct strbuf path = STRBUF_INIT;
 *   int fd = memfile_create(data, len, &path);
 *   if (fd < 0) ...errno...
 *   HPDF_LoadTTFontFromFile(pdf, path.buf, HPDF_TRUE);
 *   memfile_close(fd, path.buf);
 */
#ifndef MERIT_MEMFILE_H
#define MERIT_MEMFILE_H

#include <stddef.h>

struct strbuf;

/* A descriptor (>= 0) and its path in *path (reset first), or -1 with errno. */
int memfile_create(const void *data, size_t len, struct strbuf *path);
/* Closes fd; removes path when it is a named fallback file. */
void memfile_close(int fd, const char *path);

#endif
