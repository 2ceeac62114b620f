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

int ingest_load(struct company *c, const struct config *cfg, struct diag *d)
{
	static int (*const loaders[])(struct company *, const struct config *, struct diag *) = {
		ingest_sales, ingest_targets, ingest_metrics, ingest_reviews, ingest_training,
		ingest_overrides,
	};
	size_t errors = d->errors, i;
	int failed = 0;
	if (ingest_hr(c, cfg, d) < 0)
		return -1;
	for (i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++)
		if (loaders[i](c, cfg, d) < 0)
			failed = 1;
	shrink_tables(c);
	return failed || d->errors > errors ? -1 : 0;
}
