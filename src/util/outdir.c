/*
 * outdir: the temporary-folder-then-rename protocol and the run lock.
 */
#include "util/outdir.h"
#include "util/file.h"
#include "util/diag.h"
#include "util/lockfile.h"
#include "util/fault.h"
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

int outdir_lock(struct outdir *od, const char *root, struct diag *d)
{
	char *lock;
	od->root = xstrdup(root);
	if (file_mkdir_p(root, 0755) < 0)
		return diag_error(d, MERIT_CANTCREAT, root, 0, 0,
				  "cannot create the output folder: %s", strerror(errno));
	lock = xstrfmt("%s/.merit.lock", root);
	od->lock_fd = lockfile_take_diag(lock, "the lock file", "another merit run holds the lock",
					 "wait for it to finish; the lock is released when it exits",
					 d);
	free(lock);
	return od->lock_fd < 0 ? -1 : 0;
}

/*
 * Leftovers of killed runs, of any period: ".<name>.tmp-*" and
 * ".<name>.old-*". Only called under the run lock, so none of them belongs
 * to a live run. A leftover that cannot be removed is a warning: it is
 * never published and the next run tries again.
 */
static void remove_stale(const char *root, struct diag *d)
{
	DIR *dir = opendir(root);
	struct dirent *de;
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' &&
		    (strstr(de->d_name, ".tmp-") || strstr(de->d_name, ".old-"))) {
			char *p = xstrfmt("%s/%s", root, de->d_name);
			if (file_remove_tree(p) < 0)
				diag_warn(d, p, 0, 0, "cannot remove a killed run's leftover: %s",
					  strerror(errno));
			free(p);
		}
	}
	closedir(dir);
}

int outdir_begin(struct outdir *od, const char *name, struct diag *d)
{
	remove_stale(od->root, d);
	od->final = xstrfmt("%s/%s", od->root, name);
	od->tmp = xstrfmt("%s/.%s.tmp-XXXXXX", od->root, name);
	if (!mkdtemp(od->tmp)) {
		diag_error(d, MERIT_CANTCREAT, od->tmp, 0, 0, "cannot create: %s", strerror(errno));
		free(od->tmp);
		od->tmp = NULL;
		return -1;
	}
	return 0;
}

/* fsync a folder (its entries), or with whole_fs every file system buffer
 * of the file system it is on (syncfs: one call for thousands of letters
 * instead of an fsync each). */
static int sync_dir(const char *path, int whole_fs)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;
	if (fd < 0)
		return -1;
	rc = whole_fs ? syncfs(fd) : fsync(fd);
	close(fd);
	return rc;
}

/* 1 with errno EIO when the test build is told to fail step `name`
 * (MERIT_FAULT=name): every result below is checked, and tests/e2e/
 * harden.sh makes each fail to see that it is (issue 15 item 11). */
static int failed_by(const char *name)
{
	if (!fault_fail(name))
		return 0;
	errno = EIO;
	return 1;
}

/* After the swap the run has published: what fails now is reported as a
 * warning (the output is complete; only tidiness or durability suffer). */
static void after_publish(struct outdir *od, const char *previous, struct diag *d)
{
	if (failed_by("sync-published") || sync_dir(od->root, 0) < 0)
		diag_warn(d, od->root, 0, 0, "published, but the folder could not be synced "
			  "(a power loss may undo the publish): %s", strerror(errno));
	if (previous && (failed_by("remove-previous") || file_remove_tree(previous) < 0))
		diag_warn(d, previous, 0, 0, "cannot remove the previous output: %s "
			  "(the next run removes it)", strerror(errno));
}

int outdir_commit(struct outdir *od, struct diag *d)
{
	struct stat st;
	/* The files must be on disk before the rename makes them the output:
	 * after a power loss the folder must not hold empty files. */
	if (sync_dir(od->tmp, 1) < 0)
		return diag_error(d, MERIT_CANTCREAT, od->tmp, 0, 0, "cannot sync: %s",
				  strerror(errno));
	fault_point("before-swap");
	if (lstat(od->final, &st) == 0) {
		/* Swap both names in one step, so readers never see no folder. */
		/* no-exchange: as on a file system without RENAME_EXCHANGE;
		 * publish-aside: the same, then the publish after it fails. */
		int swapped = fault_fail("no-exchange") || fault_fail("publish-aside")
			? (errno = EINVAL, -1)
			: renameat2(AT_FDCWD, od->tmp, AT_FDCWD, od->final, RENAME_EXCHANGE);
		if (swapped == 0) {
			fault_point("after-swap");
			after_publish(od, od->tmp, d);   /* od->tmp now holds the previous output */
			free(od->tmp);
			od->tmp = NULL;
			return 0;
		}
		if (errno != EINVAL && errno != ENOSYS)
			return diag_error(d, MERIT_CANTCREAT, od->final, 0, 0,
					  "cannot replace the previous output: %s", strerror(errno));
		/* No RENAME_EXCHANGE on this file system: move the old one aside. */
		{
			char *old = xstrfmt("%s/.%s.old-%ld", od->root,
					    strrchr(od->final, '/') + 1, (long)getpid());
			if (rename(od->final, old) < 0) {
				diag_error(d, MERIT_CANTCREAT, od->final, 0, 0,
					   "cannot move the previous output aside: %s",
					   strerror(errno));
				free(old);
				return -1;
			}
			if (failed_by("publish-aside") || rename(od->tmp, od->final) < 0) {
				int e = errno;
				diag_error(d, MERIT_CANTCREAT, od->final, 0, 0,
					   "cannot publish the output: %s", strerror(e));
				if (rename(old, od->final) < 0)
					diag_hint(d, "the previous output could not be put back: "
						  "it is in %s (%s)", old, strerror(errno));
				free(old);
				return -1;
			}
			after_publish(od, old, d);
			free(old);
		}
	} else if (rename(od->tmp, od->final) < 0) {
		return diag_error(d, MERIT_CANTCREAT, od->final, 0, 0,
				  "cannot publish the output: %s", strerror(errno));
	} else {
		after_publish(od, NULL, d);
	}
	free(od->tmp);
	od->tmp = NULL;
	return 0;
}

void outdir_release(struct outdir *od)
{
	if (od->tmp)
		file_remove_tree(od->tmp);
	lockfile_release(od->lock_fd);
	free(od->root);
	free(od->final);
	free(od->tmp);
	od->root = od->final = od->tmp = NULL;
	od->lock_fd = -1;
}
