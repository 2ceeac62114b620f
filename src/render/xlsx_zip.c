/*
 * xlsx_zip: chooses the zlib compression level of the workbook's zip
 * entries, which libxlsxwriter 1.1.4 hard-codes to Z_DEFAULT_COMPRESSION
 * (6). At 100,000 employees half of xlsx_write's time is deflate at level 6
 * (docs/DECISIONS.md, Workbook; docs/BENCHMARKS.md).
 *
 * How: Debian's libxlsxwriter.so.4 does not bundle minizip, it calls
 * zipOpenNewFileInZip4_64() in libminizip.so.1 through the dynamic linker.
 * This file defines that function, so the program's definition is the one
 * bound (an executable's symbols come first in the lookup order, and ld
 * exports it because a linked shared library refers to it). It changes
 * only the level argument, and only while xlsx_zip_level_set() has a level
 * in force on this thread (xlsx_write() sets it around workbook_close()),
 * then calls the real function: dlsym(RTLD_NEXT), else the same symbol in
 * an explicitly opened libminizip.so.1.
 *
 * Falls back to the default silently: with no level in force the arguments
 * pass through unchanged; where this definition is not the one bound (a
 * libxlsxwriter with minizip linked in privately) it is simply never called
 * and the workbook is compressed at level 6, still valid. Only if the real
 * function cannot be found at all does the zip entry fail, and then
 * workbook_close() reports it (MERIT_CANTCREAT), never a corrupt file.
 */
#include "render/xlsx_internal.h"

#include <dlfcn.h>
#include <stddef.h>

/* minizip's header (Debian libminizip-dev) declares the function this file
 * defines: the compiler then rejects a definition whose prototype drifts
 * from the library's, so a changed ABI breaks the build, not a run. */
#include <minizip/zip.h>

typedef int (*open4_fn)(zipFile file, const char *filename, const zip_fileinfo *zipfi,
			const void *extra_local, uInt size_local, const void *extra_global,
			uInt size_global, const char *comment, int method, int level, int raw,
			int window_bits, int mem_level, int strategy, const char *password,
			uLong crc_for_crypting, uLong version_made_by, uLong flag_base,
			int zip64);


static _Thread_local int level_in_force = -1;

void xlsx_zip_level_set(int level)
{
	level_in_force = level >= 0 && level <= 9 ? level : -1;
}

static open4_fn real_open4(void)
{
	/* Resolved once per process; a racing second lookup finds the same. */
	static open4_fn fn;
	void *h;
	if (fn)
		return fn;
	*(void **)&fn = dlsym(RTLD_NEXT, "zipOpenNewFileInZip4_64");
	if (!fn && (h = dlopen("libminizip.so.1", RTLD_LAZY | RTLD_LOCAL)) != NULL)
		*(void **)&fn = dlsym(h, "zipOpenNewFileInZip4_64");
	return fn;
}

int zipOpenNewFileInZip4_64(zipFile file, const char *filename, const zip_fileinfo *zipfi,
			    const void *extra_local, uInt size_local,
			    const void *extra_global, uInt size_global, const char *comment,
			    int method, int level, int raw, int window_bits, int mem_level,
			    int strategy, const char *password, uLong crc_for_crypting,
			    uLong version_made_by, uLong flag_base, int zip64)
{
	open4_fn fn = real_open4();
	if (!fn)
		return ZIP_INTERNALERROR;
	if (level_in_force >= 0 && !raw)
		level = level_in_force;
	return fn(file, filename, zipfi, extra_local, size_local, extra_global, size_global,
		  comment, method, level, raw, window_bits, mem_level, strategy, password,
		  crc_for_crypting, version_made_by, flag_base, zip64);
}
