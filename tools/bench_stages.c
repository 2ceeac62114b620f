/*
 * bench_stages: times the two halves of the pipeline apart, so ingest speed
 * and the cost of computing scores can be judged separately (the ingest
 * acceptance figures in docs/BENCHMARKS.md). Loads config and inputs with
 * pipeline_load(), then runs pipeline_compute(), each timed with
 * clock_gettime(CLOCK_MONOTONIC) and the CPU time of the process, and
 * prints one line of key=value pairs:
 *
 *   out/build/tools/bench_stages -c out/bench/10k-1m/merit.ini
 *   sales_mb=75.3 ingest_s=0.61 ingest_cpu_s=0.60 sales_mbps=123 compute_s=0.02
 *   compute_cpu_s=0.02 compute_pct=3.3 rss_load_mb=40.1 rss_peak_mb=41.0
 *
 * compute_pct is compute time as a percentage of ingest time (CPU time,
 * which other processes on the machine disturb less than wall time).
 * Exits 1 with merit's messages on stderr when a stage fails.
 */
#include "config.h"
#include "ingest/ingest_internal.h"
#include "pipeline.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/strbuf.h"

#include "bench_util.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

static int fail(struct diag *d)
{
	struct strbuf sb = STRBUF_INIT;
	diag_format(d, &sb, DIAG_ERROR);
	fputs(sb.buf, stderr);
	strbuf_release(&sb);
	return 1;
}

/* The best of `repeat` runs: on a shared 2-core machine other processes
 * only ever add time, so the minimum is the steadiest estimate. */
int main(int argc, char **argv)
{
	const char *config;
	struct pipeline p;
	struct diag d;
	struct stat st;
	double wi = 1e99, ci = 1e99, wc = 1e99, cc = 1e99, rss_load = 0, mb = 0;
	int ret = 0, r, repeat = 3;

	long long n;
	int usage = argc != 3 && argc != 5;
	if (argc == 5 && (strcmp(argv[3], "-n") || num_parse_int(argv[4], 1, 100, &n) != NUM_OK))
		usage = 1;
	else if (argc == 5)
		repeat = (int)n;
	if (usage || strcmp(argv[1], "-c")) {
		fputs("usage: bench_stages -c merit.ini [-n REPEAT]\n", stderr);
		return 64;
	}
	config = argv[2];
	for (r = 0; r < repeat && !ret; r++) {
		double w0, c0, w1, c1;
		diag_init(&d);
		w0 = bench_wall_s();
		c0 = bench_cpu_s();
		if (pipeline_load(&p, config, NULL, NULL, &d) < 0) {
			ret = fail(&d);
		} else {
			w1 = bench_wall_s();
			c1 = bench_cpu_s();
			if (bench_peak_rss_mb() > rss_load)
				rss_load = bench_peak_rss_mb();
			if (pipeline_compute(&p, &d) < 0) {
				ret = fail(&d);
			} else {
				double w2 = bench_wall_s(), c2 = bench_cpu_s();
				wi = w1 - w0 < wi ? w1 - w0 : wi;
				ci = c1 - c0 < ci ? c1 - c0 : ci;
				wc = w2 - w1 < wc ? w2 - w1 : wc;
				cc = c2 - c1 < cc ? c2 - c1 : cc;
				mb = stat(p.cfg.inputs[INPUT_SALES].file, &st) == 0 ?
				     (double)st.st_size / 1048576.0 : 0;
			}
		}
		pipeline_release(&p);
		diag_release(&d);
	}
	if (!ret)
		printf("sales_mb=%.1f ingest_s=%.3f ingest_cpu_s=%.3f sales_mbps=%.0f "
		       "compute_s=%.3f compute_cpu_s=%.3f compute_pct=%.1f "
		       "rss_load_mb=%.1f rss_peak_mb=%.1f repeat=%d sales_parts=%zu\n",
		       mb, wi, ci, ci > 0 ? mb / ci : 0.0, wc, cc, ci > 0 ? 100.0 * cc / ci : 0.0,
		       rss_load, bench_peak_rss_mb(), repeat, ingest_sales_last_parts());
	return ret;
}
