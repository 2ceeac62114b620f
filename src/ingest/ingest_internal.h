/*
 * ingest_internal: the per-input loaders ingest_load() calls in order.
 * Each returns 0, or -1 when the input cannot be read at all (missing file,
 * missing column, undecodable bytes); row problems only go to the diag.
 */
#ifndef MERIT_INGEST_INTERNAL_H
#define MERIT_INGEST_INTERNAL_H

struct company;
struct config;
struct diag;

int ingest_hr(struct company *c, const struct config *cfg, struct diag *d);
int ingest_sales(struct company *c, const struct config *cfg, struct diag *d);
int ingest_targets(struct company *c, const struct config *cfg, struct diag *d);
int ingest_metrics(struct company *c, const struct config *cfg, struct diag *d);
int ingest_reviews(struct company *c, const struct config *cfg, struct diag *d);
int ingest_training(struct company *c, const struct config *cfg, struct diag *d);

#endif
