/*
 * bench_util: what the benchmark tools share: clocks, peak memory, the
 * machine's load, and rewriting their own section of docs/BENCHMARKS.md
 * (the text between <!-- bench:NAME:begin --> and <!-- bench:NAME:end -->,
 * appended with a heading when the markers are missing). Header-only: each
 * tool is one translation unit.
 */
#ifndef MERIT_BENCH_UTIL_H
#define MERIT_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "util/file.h"
#include "util/strbuf.h"

static inline double bench_wall_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of this process: steadier than wall time on a shared machine. */
static inline double bench_cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline double bench_peak_rss_mb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

/* The 1-minute load average (-1 if unknown): a busy machine stretches wall time. */
static inline double bench_load(void)
{
	double l[1];
	return getloadavg(l, 1) == 1 ? l[0] : -1;
}

/* Replaces section NAME of doc with text; -1 if doc cannot be written. */
static inline int bench_record(const char *doc, const char *name, const char *heading,
			       const char *text)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT, begin = STRBUF_INIT,
		      end = STRBUF_INIT;
	FILE *fp = fopen(doc, "rb");
	char buf[8192];
	size_t n;
	const char *b, *e;
	int rc;

	strbuf_addf(&begin, "<!-- bench:%s:begin -->", name);
	strbuf_addf(&end, "<!-- bench:%s:end -->", name);
	if (fp) {
		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			strbuf_add(&in, buf, n);
		fclose(fp);
	} else {
		strbuf_addstr(&in, "# Benchmarks\n");
	}
	b = strstr(in.buf, begin.buf);
	e = b ? strstr(b, end.buf) : NULL;
	if (b && e) {
		strbuf_add(&out, in.buf, (size_t)(b - in.buf));
		strbuf_addf(&out, "%s\n%s%s", begin.buf, text, e);
	} else {
		strbuf_addstr(&out, in.buf);
		if (in.len && in.buf[in.len - 1] != '\n')
			strbuf_addch(&out, '\n');
		strbuf_addf(&out, "\n## %s\n\n%s\n%s%s\n", heading, begin.buf, text, end.buf);
	}
	rc = file_write(doc, out.buf, out.len, 0644);
	strbuf_release(&in);
	strbuf_release(&out);
	strbuf_release(&begin);
	strbuf_release(&end);
	return rc;
}

#endif
