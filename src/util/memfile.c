/*
 * memfile: bytes in memory made readable by path (see memfile.h).
 */
#include "util/memfile.h"
#include "util/file.h"
#include "util/strbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PROC_FD "/proc/self/fd/"

static int fill(int fd, const void *data, size_t len)
{
	int e;
	if (file_write_fd(fd, data, len) == 0)
		return 0;
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

int memfile_create(const void *data, size_t len, struct strbuf *path)
{
	const char *dir;
	int fd = memfd_create("merit", MFD_CLOEXEC), e;

	strbuf_reset(path);
	if (fd >= 0) {
		strbuf_addf(path, PROC_FD "%d", fd);
		if (access(path->buf, R_OK) == 0)
			return fill(fd, data, len) < 0 ? -1 : fd;
		close(fd);
		strbuf_reset(path);
	}
	dir = getenv("TMPDIR");
	strbuf_addf(path, "%s/merit-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path->buf);      /* mode 0600: nobody else reads it */
	if (fd < 0)
		return -1;
	if (fill(fd, data, len) < 0) {
		e = errno;
		unlink(path->buf);
		errno = e;
		return -1;
	}
	return fd;
}

void memfile_close(int fd, const char *path)
{
	if (fd < 0)
		return;
	if (strncmp(path, PROC_FD, strlen(PROC_FD)))
		unlink(path);
	close(fd);
}
