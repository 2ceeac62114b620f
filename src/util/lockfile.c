/*
 * lockfile: flock(2) on a file, the one lock helper of merit
 * (util/lockfile.h has the contract).
 */
#include "util/lockfile.h"

#include <errno.h>
#include <fcntl.h>
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

void lockfile_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
