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
	return failed || d->errors > errors ? -1 : 0;
}
