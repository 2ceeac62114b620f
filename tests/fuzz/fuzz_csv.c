/*
 * fuzz_csv: libFuzzer harness for CSV ingest on arbitrary bytes.
 *
 * The first input byte picks the options, the rest is the file:
 *   bits 0-1  encoding: auto, utf-8, gb18030 (3 = auto again)
 *   bits 2-3  delimiter: ',', ';', tab, '|' (as `delimiter =` allows)
 *   bits 4-5  which input of the fixture company the bytes replace in the
 *             loader pass: hr, sales, targets, reviews
 *
 * Two passes over the same bytes:
 *   1. csvread alone: every row has cells, each cell a C string no longer
 *      than the file, line numbers never go backwards and never pass the
 *      file's line count, and a reader that reaches the end has a SHA-256.
 *   2. ingest_load() of tests/fixtures/ingest/merit.ini with one input
 *      replaced: header mapping, typed cells (numbers, money, dates, value
 *      aliases), duplicate checks and the diag all run on the bytes; the
 *      result must be 0 or -1 with an exit status SPEC 2 knows.
 * Leaks are caught by LeakSanitizer at the end of each run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz_common.h"
#include "ingest/csvread.h"
#include "ingest/ingest.h"
#include "model.h"
#include "util/diag.h"
#include "util/period.h"
#include "util/strbuf.h"

#ifndef MERIT_SRCDIR
#define MERIT_SRCDIR "."
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct config cfg;
static struct period period;
static const enum input_kind replaced[] = { INPUT_HR, INPUT_SALES, INPUT_TARGETS, INPUT_REVIEWS };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct diag d;
	(void)argc, (void)argv;
	diag_init(&d);
	if (config_load(&cfg, MERIT_SRCDIR "/tests/fixtures/ingest/merit.ini", &d) < 0) {
		fprintf(stderr, "fuzz_csv: cannot load the fixture config\n");
		abort();
	}
	diag_release(&d);
	if (period_parse("2026-10", 0, &period) < 0)
		abort();
	return 0;
}

static int count_lines(const uint8_t *s, size_t n)
{
	int lines = 1;
	size_t i;
	for (i = 0; i < n; i++)
		lines += s[i] == '\n';
	return lines;
}

static void read_all(const char *path, enum encoding enc, char delim, const uint8_t *data,
		     size_t size)
{
	struct diag d;
	struct csvread *r;
	struct csv_row row;
	int rc, last = 0, maxline = count_lines(data, size);
	diag_init(&d);
	r = csvread_open(path, "fuzz.csv", enc, delim, &d);
	CHECK(r);
	while ((rc = csvread_next(r, &row, &d)) > 0) {
		size_t i;
		int any = 0;
		CHECK(row.n > 0);
		CHECK(row.row_line >= last && row.row_line >= 1 && row.row_line <= maxline);
		last = row.row_line;
		for (i = 0; i < row.n; i++) {
			/* GB18030 text grows by half in UTF-8; nothing grows more. */
			CHECK(strlen(row.cell[i]) <= size + size / 2);
			CHECK(row.line[i] >= row.row_line && row.line[i] <= maxline);
			any |= row.cell[i][0] != '\0';
		}
		CHECK(any);
	}
	if (rc == 0) {
		CHECK(strlen(csvread_sha256(r)) == 64);
		CHECK(d.nr == 0);
	} else {
		CHECK(rc == -1 && d.status == MERIT_DATAERR && d.errors > 0);
	}
	csvread_free(r);
	diag_release(&d);
}

/* Points input `in` at path for one run, restoring the fixture afterwards. */
static void ingest_with(enum input_kind in, const char *path, enum encoding enc, char delim)
{
	struct input_conf *ic = &cfg.inputs[in];
	char *file = ic->file;
	enum encoding old_enc = ic->encoding;
	char old_delim = ic->delimiter;
	struct company c;
	struct diag d;
	struct strbuf sb = STRBUF_INIT;
	int rc;
	ic->file = (char *)path;
	ic->encoding = enc;
	ic->delimiter = delim;
	diag_init(&d);
	company_init(&c, &period);
	rc = ingest_load(&c, &cfg, &d);
	CHECK(rc == 0 || rc == -1);
	/* MERIT_CONFIG: the header lacks a column the config needs (SPEC 3.1). */
	if (rc < 0)
		CHECK(d.status == MERIT_DATAERR || d.status == MERIT_NOINPUT ||
		      d.status == MERIT_CONFIG);
	/* The report main.c would print must format too. */
	diag_format(&d, &sb, DIAG_NOTE);
	strbuf_release(&sb);
	company_release(&c);
	diag_release(&d);
	ic->file = file;
	ic->encoding = old_enc;
	ic->delimiter = old_delim;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum encoding encs[] = { ENC_AUTO, ENC_UTF8, ENC_GB18030, ENC_AUTO };
	static const char delims[] = { ',', ';', '\t', '|' };
	enum encoding enc;
	char delim;
	const char *path;
	if (size < 1)
		return 0;
	enc = encs[data[0] & 3];
	delim = delims[(data[0] >> 2) & 3];
	path = fuzz_write("fuzz.csv", data + 1, size - 1);
	read_all(path, enc, delim, data + 1, size - 1);
	ingest_with(replaced[(data[0] >> 4) & 3], path, enc, delim);
	return 0;
}
