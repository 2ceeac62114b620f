/*
 * file: whole-file writes, atomic replacement, mkdir -p, rm -r and the
 * folder part of a path (util/file.h has the contracts).
 */
#include "util/file.h"
#include "util/strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_mkdir_p(const char *path, unsigned mode)
{
	char *p, *s;
	int rc = 0;
	if (!*path) {
		errno = EINVAL;
		return -1;
	}
	p = xstrdup(path);
	for (s = p + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;
			*s = '\0';
			if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST) {
				rc = -1;
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return rc;
}

int file_write_fd(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int file_open_write(const char *path, unsigned mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
	int e;
	if (fd >= 0 && fchmod(fd, (mode_t)mode) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int file_write(const char *path, const void *data, size_t len, unsigned mode)
{
	int fd = file_open_write(path, mode);
	int e;
	if (fd < 0)
		return -1;
	if (file_write_fd(fd, data, len) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

int file_replace(const char *path, const void *data, size_t len, unsigned mode)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	char *tmp = xstrfmt("%.*s.%s.tmp%ld", (int)dirlen, path, path + dirlen, (long)getpid());
	int rc = file_write(tmp, data, len, mode);
	if (rc == 0)
		rc = rename(tmp, path);
	if (rc < 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
	}
	free(tmp);
	return rc;
}

/* "....tmp" followed by one or more digits, at the end of name. */
static int is_temp_name(const char *name)
{
	const char *t = strstr(name, ".tmp"), *p;
	for (; t; t = strstr(t + 1, ".tmp")) {
		for (p = t + 4; *p >= '0' && *p <= '9'; p++)
			;
		if (p > t + 4 && !*p)
			return 1;
	}
	return 0;
}

void file_remove_temp_files(const char *dir)
{
	DIR *dd = opendir(dir);
	struct dirent *de;
	if (!dd)
		return;
	while ((de = readdir(dd)))
		if (is_temp_name(de->d_name)) {
			char *p = xstrfmt("%s/%s", dir, de->d_name);
			unlink(p);
			free(p);
		}
	closedir(dd);
}

char *file_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int file_remove_tree(const char *path)
{
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
