/*
 * ingest_internal: the per-input loaders ingest_load() calls in order.
 * Each returns 0, or -1 when the input cannot be read at all (missing file,
 * missing column, undecodable bytes); row problems only go to the diag.
 */
#ifndef MERIT_INGEST_INTERNAL_H
#define MERIT_INGEST_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

struct company;
struct config;
struct diag;

int ingest_hr(struct company *c, const struct config *cfg, struct diag *d);
int ingest_sales(struct company *c, const struct config *cfg, struct diag *d);
int ingest_targets(struct company *c, const struct config *cfg, struct diag *d);
int ingest_metrics(struct company *c, const struct config *cfg, struct diag *d);
int ingest_reviews(struct company *c, const struct config *cfg, struct diag *d);
int ingest_training(struct company *c, const struct config *cfg, struct diag *d);
/* SPEC 11: every problem an error, whatever [policy] says. */
int ingest_overrides(struct company *c, const struct config *cfg, struct diag *d);

/*
 * For tests of the duplicate check. ingest_sales_tune() sets the Bloom
 * filter's size in bytes (a power of two, at least 64; 0 = sized from the
 * file, the default) and whether the second pass may skim (1, the default)
 * or must parse every row (0, the slow path the fast one has to agree
 * with). ingest_sales_last() tells how many candidates the last run had and
 * how many rows its second pass parsed.
 */
void ingest_sales_tune(size_t filter_bytes, int skim);
void ingest_sales_last(size_t *candidates, size_t *parsed);
/*
 * The sales file is read on several threads, each over a part of it, when
 * it is one CSV file of at least two parts' worth of bytes (sales.c,
 * read_parts). For tests: threads (0: threads_count(), util/threads.h) and the smallest
 * part in bytes (0: 8 MiB); ingest_sales_last_parts() tells how many parts
 * the last run's first pass used (0: it read in one pass).
 */
void ingest_sales_tune_parts(int threads, uint64_t part_bytes);
size_t ingest_sales_last_parts(void);

#endif
