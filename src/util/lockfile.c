/*
 * lockfile: flock(2) on a file, the one lock helper of merit
 * (util/lockfile.h has the contract).
 */
#include "util/lockfile.h"
#include "util/diag.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int lockfile_take(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -2;
	}
	return fd;
}

int lockfile_take_diag(const char *path, const char *what, const char *busy,
		       const char *hint, struct diag *d)
{
	int fd = lockfile_take(path);
	if (fd >= 0)
		return fd;
	if (fd == -1) {
		diag_error(d, MERIT_CANTCREAT, path, 0, 0, "cannot open %s: %s", what,
			   strerror(errno));
	} else if (errno == EWOULDBLOCK) {
		diag_error(d, MERIT_TEMPFAIL, path, 0, 0, "%s", busy);
		diag_hint(d, "%s", hint);
	} else {
		diag_error(d, MERIT_CANTCREAT, path, 0, 0, "cannot lock: %s", strerror(errno));
	}
	return -1;
}

void lockfile_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
