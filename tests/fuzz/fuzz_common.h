/*
 * fuzz_common: what the libFuzzer harnesses share: one private temporary
 * folder per process and a helper that writes the input into a file there.
 *
 * The loaders under test take paths, not buffers, so each input goes
 * through a real file; a per-process folder keeps parallel fuzzing jobs
 * (-jobs=N) from overwriting each other's files.
 */
#ifndef MERIT_FUZZ_COMMON_H
#define MERIT_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ftw.h>

/* An invariant of the code under test: a failure is a finding, so abort
 * (libFuzzer saves the input) with the place and the condition. */
#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,   \
				__LINE__, #cond);                                    \
			abort();                                                     \
		}                                                                    \
	} while (0)

static char fuzz_dir[64];

static int fuzz_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* libFuzzer leaves through exit(): clean the folder up then. */
static void fuzz_cleanup(void)
{
	if (fuzz_dir[0])
		nftw(fuzz_dir, fuzz_rm, 8, FTW_DEPTH | FTW_PHYS);
}

/* Creates the folder once; aborts when it cannot, since nothing can run. */
static inline const char *fuzz_tmpdir(void)
{
	if (!fuzz_dir[0]) {
		snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/merit-fuzz-XXXXXX");
		if (!mkdtemp(fuzz_dir))
			abort();
		atexit(fuzz_cleanup);
	}
	return fuzz_dir;
}

/* Writes len bytes to <tmpdir>/name and returns the path (static buffer). */
static inline const char *fuzz_write(const char *name, const void *data, size_t len)
{
	static char path[128];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", fuzz_tmpdir(), name);
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (len && fwrite(data, 1, len, f) != len)
		abort();
	if (fclose(f))
		abort();
	return path;
}

/* A NUL-terminated copy of the input (the parsers take C strings). */
static inline char *fuzz_cstr(const uint8_t *data, size_t len)
{
	char *s = malloc(len + 1);
	if (!s)
		abort();
	memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

#endif
