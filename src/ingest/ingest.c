/*
 * ingest: the order of loading (SPEC 3). HR comes first because every other
 * input names employees; if HR cannot be read at all nothing else is tried.
 * Otherwise every input is read even after problems, so one run reports all
 * of them together.
 */
#include "ingest/ingest.h"
#include "ingest/ingest_internal.h"
#include "model.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/threads.h"

#include <pthread.h>

/*
 * ALLOC_GROW doubles, so a table is up to half empty when its input ends
 * (131,072 slots for 100,000 employees). Nothing is appended after ingest,
 * so give the slack back: the peak of the compute stages that follow is
 * lower by that much.
 */
#define SHRINK_TO_FIT(arr, n, alloc) do { \
	if ((n) && (n) < (alloc)) { \
		(arr) = xrealloc((arr), (n) * sizeof(*(arr))); \
		(alloc) = (n); \
	} } while (0)

static void shrink_tables(struct company *c)
{
	SHRINK_TO_FIT(c->emps, c->nemps, c->emps_alloc);
	SHRINK_TO_FIT(c->targets, c->ntargets, c->targets_alloc);
	SHRINK_TO_FIT(c->metric_rows, c->nmetric_rows, c->metric_rows_alloc);
	SHRINK_TO_FIT(c->reviews, c->nreviews, c->reviews_alloc);
	SHRINK_TO_FIT(c->training, c->ntraining, c->training_alloc);
}

/*
 * The inputs after HR, on two threads: sales (itself read in parts on
 * every core, then a serial tail: duplicate candidates, totals) on this
 * one, the small inputs beside it on another, so they fill the cores the
 * sales tail leaves idle. They share nothing they write: sales writes its
 * own aggregates, then each employee's sales metric values (hr.c's
 * e->metrics arrays); the others append to their own tables of the company,
 * intern names (which sales never does) and set e->overrides. HR's tables
 * are only read. Each side reports into a diag of its own, taken sales
 * first, so the messages, their order and the first error's status are as
 * when they were read one after the other.
 */
struct rest_job {
	struct company *c;
	const struct config *cfg;
	struct diag d;
	int failed;
};

static void *load_rest(void *arg)
{
	static int (*const loaders[])(struct company *, const struct config *, struct diag *) = {
		ingest_targets, ingest_metrics, ingest_reviews, ingest_training, ingest_overrides,
	};
	struct rest_job *j = arg;
	size_t i;
	for (i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++)
		if (loaders[i](j->c, j->cfg, &j->d) < 0)
			j->failed = 1;
	return NULL;
}

int ingest_load(struct company *c, const struct config *cfg, struct diag *d)
{
	struct rest_job rest = { c, cfg, { 0 }, 0 };
	struct diag sd;
	pthread_t tid;
	size_t errors = d->errors;
	int failed = 0, threaded;
	if (ingest_hr(c, cfg, d) < 0)
		return -1;
	diag_init(&sd);
	diag_init(&rest.d);
	threaded = threads_count() > 1 && pthread_create(&tid, NULL, load_rest, &rest) == 0;
	if (ingest_sales(c, cfg, &sd) < 0)
		failed = 1;
	if (threaded)
		pthread_join(tid, NULL);
	else
		load_rest(&rest);
	diag_take(d, &sd);
	diag_take(d, &rest.d);
	failed |= rest.failed;
	shrink_tables(c);
	return failed || d->errors > errors ? -1 : 0;
}
