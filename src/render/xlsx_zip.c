/*
 * xlsx_zip: how the workbook's zip entries are compressed. Two parts: the
 * zlib level (below), and the worksheets' entries made on every core (at
 * the end of this file).
 *
 * The level: libxlsxwriter 1.1.4 hard-codes Z_DEFAULT_COMPRESSION
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
#include "util/fault.h"
#include "util/threads.h"
#include "util/xalloc.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* minizip's header (Debian libminizip-dev) declares the function this file
 * defines: the compiler then rejects a definition whose prototype drifts
 * from the library's, so a changed ABI breaks the build, not a run. */
#include <minizip/zip.h>
#include <xlsxwriter/packager.h>

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

#if LXW_VERSION_ID == 114
/*
 * The worksheets' zip entries, on every core.
 *
 * libxlsxwriter 1.1.4's _write_worksheet_files() handles one worksheet at a
 * time on workbook_close()'s thread: it copies the sheet's rows (streamed
 * to a temporary file by constant_memory mode) into a second temporary
 * file behind the sheet's header, then reads that back through deflate into
 * the zip. At 100,000 employees that is a third of a run's wall time on one
 * core while the others wait. It is exported and called through the
 * library's PLT, so this definition takes its place (like
 * _write_number_cell in xlsx_cells.c) while xlsx_write() has a level in
 * force on this thread; any other caller gets the library's own.
 *
 * Here each worksheet is assembled by the library's own
 * lxw_worksheet_assemble_xml_file() on a worker, into a FILE whose writes
 * go straight into deflate (no uncompressed copy on disk); the compressed
 * bytes go to a temporary file of the run's folder (so memory does not grow
 * with the sheet). Then, on this thread and in workbook order, each is
 * stored in the zip as a raw entry with its CRC and size: the same zip
 * headers and, since deflate's output does not depend on how its input was
 * cut, the same bytes as the library writes (checked: docs/DECISIONS.md,
 * Workbook). Assembling touches only the worksheet's own data (every format
 * number is set before workbook_close() starts packaging), the same
 * guarantee the fill threads already rely on.
 */
struct sheet_entry {
	lxw_worksheet *ws;
	char name[LXW_FILENAME_LENGTH];
	FILE *out;              /* the compressed bytes */
	z_stream z;
	int z_ready;
	uLong crc;
	uint64_t size;          /* uncompressed */
	off_t weight;           /* rows already streamed: biggest first */
	lxw_error failed;       /* LXW_NO_ERROR, or why the entry cannot be made */
	unsigned char buf[1 << 16];
};

static int deflate_out(struct sheet_entry *e, int flush)
{
	do {
		int rc;
		e->z.next_out = e->buf;
		e->z.avail_out = sizeof(e->buf);
		rc = deflate(&e->z, flush);
		if (rc == Z_STREAM_ERROR)
			return -1;
		if (fwrite(e->buf, 1, sizeof(e->buf) - e->z.avail_out, e->out) !=
		    sizeof(e->buf) - e->z.avail_out)
			return -1;
	} while (e->z.avail_out == 0);
	return 0;
}

static ssize_t cookie_write(void *cookie, const char *data, size_t n)
{
	struct sheet_entry *e = cookie;
	size_t done = 0;
	if (e->failed)
		return -1;
	e->crc = crc32_z(e->crc, (const Bytef *)data, n);
	e->size += n;
	/* stdio may hand a large fwrite() over whole: in pieces zlib's uInt holds. */
	while (done < n) {
		size_t piece = n - done > (1u << 30) ? (1u << 30) : n - done;
		e->z.next_in = (Bytef *)(uintptr_t)(data + done);
		e->z.avail_in = (uInt)piece;
		if (deflate_out(e, Z_NO_FLUSH) < 0) {
			e->failed = LXW_ERROR_ZIP_FILE_ADD;
			return -1;
		}
		done += piece;
	}
	return (ssize_t)n;
}

/* e->out is open (made on the calling thread: lxw_tmpfile's name picking
 * uses rand() and a static counter, not for threads). */
static void assemble_one(struct sheet_entry *e, int level)
{
	static const cookie_io_functions_t io = { NULL, cookie_write, NULL, NULL };
	e->crc = crc32_z(0, NULL, 0);
	if (deflateInit2(&e->z, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		e->failed = LXW_ERROR_MEMORY_MALLOC_FAILED;
		return;
	}
	e->z_ready = 1;
	e->ws->file = fopencookie(e, "w", io);
	if (!e->ws->file) {
		e->failed = LXW_ERROR_MEMORY_MALLOC_FAILED;
		return;
	}
	setvbuf(e->ws->file, NULL, _IOFBF, 1 << 16);
	lxw_worksheet_assemble_xml_file(e->ws);
	if (fclose(e->ws->file) != 0 && !e->failed)
		e->failed = LXW_ERROR_ZIP_FILE_ADD;
	e->ws->file = NULL;
	if (!e->failed && deflate_out(e, Z_FINISH) < 0)
		e->failed = LXW_ERROR_ZIP_FILE_ADD;
	if (!e->failed && (fflush(e->out) != 0 || ferror(e->out)))
		e->failed = LXW_ERROR_ZIP_FILE_ADD;
}

struct assemble_pool {
	struct sheet_entry **order;     /* biggest first */
	size_t n, next;
	int level;
	pthread_mutex_t lock;
};

static void *assemble_worker(void *arg)
{
	struct assemble_pool *p = arg;
	for (;;) {
		size_t i;
		pthread_mutex_lock(&p->lock);
		i = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->n)
			return NULL;
		if (!p->order[i]->failed)
			assemble_one(p->order[i], p->level);
	}
}

static int by_weight(const void *a, const void *b)
{
	const struct sheet_entry *x = *(struct sheet_entry *const *)a;
	const struct sheet_entry *y = *(struct sheet_entry *const *)b;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return x < y ? -1 : x > y;      /* entries are in workbook order */
}

/* Copies e's compressed bytes into the zip as a raw deflate entry. */
static int store_entry(lxw_packager *self, struct sheet_entry *e, int level)
{
	zip_fileinfo fi = self->zipfile_info;
	size_t got;
	/* minizip marks a text entry (zlib's guess from its first block) in
	 * the central directory when it closes one it deflated itself; for a
	 * raw one it keeps what it was opened with. */
	if (e->z.data_type == Z_TEXT)
		fi.internal_fa = Z_TEXT;
	if (zipOpenNewFileInZip4_64(self->zipfile, e->name, &fi, NULL, 0, NULL, 0,
				    NULL, Z_DEFLATED, level, 1, -MAX_WBITS, 8,
				    Z_DEFAULT_STRATEGY, NULL, 0, 0, 0, self->use_zip64) != ZIP_OK)
		return -1;
	rewind(e->out);
	while ((got = fread(e->buf, 1, sizeof(e->buf), e->out)) > 0)
		if (zipWriteInFileInZip(self->zipfile, e->buf, (unsigned)got) < 0)
			return -1;
	if (ferror(e->out))
		return -1;
	return zipCloseFileInZipRaw64(self->zipfile, e->size, e->crc) == ZIP_OK ? 0 : -1;
}

typedef lxw_error (*write_sheets_fn)(lxw_packager *self);

lxw_error _write_worksheet_files(lxw_packager *self)
{
	struct assemble_pool pool;
	struct sheet_entry *e, **all;
	lxw_sheet *sheet;
	pthread_t *tid;
	size_t n = 0, i, nthreads;
	int *started;
	int level = level_in_force;
	lxw_error err = LXW_NO_ERROR;

	nthreads = (size_t)threads_count();
	/* One core: the library's own (which this reproduces byte for byte;
	 * tests/e2e/xlsx_threads.sh compares the two). */
	if (level < 0 || nthreads < 2) {
		static write_sheets_fn real;
		if (!real)
			*(void **)&real = dlsym(RTLD_NEXT, "_write_worksheet_files");
		return real ? real(self) : LXW_ERROR_ZIP_FILE_ADD;
	}
	STAILQ_FOREACH(sheet, self->workbook->sheets, list_pointers)
		n += !sheet->is_chartsheet;
	e = xcalloc(n ? n : 1, sizeof(*e));
	all = xcalloc(n ? n : 1, sizeof(*all));
	n = 0;
	STAILQ_FOREACH(sheet, self->workbook->sheets, list_pointers) {
		lxw_worksheet *ws;
		if (sheet->is_chartsheet)
			continue;
		ws = sheet->u.worksheet;
		snprintf(e[n].name, sizeof(e[n].name), "xl/worksheets/sheet%zu.xml", n + 1);
		if (ws->optimize_row)
			lxw_worksheet_write_single_row(ws);
		e[n].ws = ws;
		e[n].out = fault_fail("xlsx-sheet-entry") ? NULL : lxw_tmpfile(self->tmpdir);
		if (!e[n].out)
			e[n].failed = LXW_ERROR_CREATING_TMPFILE;
		if (ws->optimize_tmpfile && fflush(ws->optimize_tmpfile) == 0)
			e[n].weight = ftello(ws->optimize_tmpfile);
		all[n] = &e[n];
		n++;
	}
	qsort(all, n, sizeof(*all), by_weight);

	pool.order = all;
	pool.n = n;
	pool.next = 0;
	pool.level = level;
	pthread_mutex_init(&pool.lock, NULL);
	if (nthreads > n)
		nthreads = n;
	tid = xcalloc(nthreads ? nthreads : 1, sizeof(*tid));
	started = xcalloc(nthreads ? nthreads : 1, sizeof(*started));
	/* This thread is a worker too; one that fails to start is simply
	 * missing (the others take its sheets). */
	for (i = 1; i < nthreads; i++)
		started[i] = pthread_create(&tid[i], NULL, assemble_worker, &pool) == 0;
	assemble_worker(&pool);
	for (i = 1; i < nthreads; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
	pthread_mutex_destroy(&pool.lock);

	for (i = 0; i < n; i++) {
		if (err == LXW_NO_ERROR && (e[i].failed || store_entry(self, &e[i], level) < 0))
			err = e[i].failed ? e[i].failed : LXW_ERROR_ZIP_FILE_ADD;
		if (e[i].z_ready)
			deflateEnd(&e[i].z);
		if (e[i].out)
			fclose(e[i].out);
	}
	free(started);
	free(tid);
	free(all);
	free(e);
	return err;
}
#endif
