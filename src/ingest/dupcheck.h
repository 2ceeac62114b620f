/*
 * dupcheck: finding duplicate record ids in a stream without remembering
 * every id (memory must not grow with the number of sales rows).
 *
 * A blocked Bloom filter, sized from the file but never over 16 MiB
 * (anonymous pages, so untouched ones cost nothing), answers "maybe seen" or
 * "surely new" per id. A "maybe" makes the row a candidate: its hash and line
 * are kept (few: around 1e-7 per id up to a few million rows, 0.2 % at ten
 * million), and a second pass over the file settles the candidates exactly
 * by comparing id strings.
 */
#ifndef MERIT_INGEST_DUPCHECK_H
#define MERIT_INGEST_DUPCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "util/strmap.h"

struct dupcheck_lock;

struct dupcheck {
	uint64_t *bits;          /* nblocks blocks of 8 words (64 bytes) */
	struct dupcheck_lock *locks;   /* dupcheck_share(): for threads */
	size_t nblocks;
	struct u64set cand_hash; /* hashes of candidate ids */
	struct u64set cand_line; /* rows (lines) of candidate rows */
	size_t ncand;
};

/* Sizes the filter for a file of file_bytes bytes. */
void dupcheck_init(struct dupcheck *dc, uint64_t file_bytes);
/* A filter of exactly `bytes` (a power of two, at least 64): for tests. */
void dupcheck_init_bytes(struct dupcheck *dc, size_t bytes);
void dupcheck_release(struct dupcheck *dc);
/*
 * Adds the id of hash h (str_hash) of the row identified by row (its line,
 * or loader_row_key() when an input has several files); returns 1 if it may have been added
 * before (the row is then a candidate). The filter lives in RAM, not cache:
 * call dupcheck_prefetch(h) first and do other work in between.
 */
void dupcheck_prefetch(const struct dupcheck *dc, uint64_t h);
int dupcheck_add(struct dupcheck *dc, uint64_t h, uint64_t row);
int dupcheck_is_candidate_id(const struct dupcheck *dc, const char *id, size_t len);
int dupcheck_is_candidate_line(const struct dupcheck *dc, uint64_t row);

/*
 * Several threads adding to one filter (sales read in parts): after
 * dupcheck_share(dc), each thread calls dupcheck_add_shared() with its own
 * struct dupcheck_part (zeroed) for the candidates it finds, and when every
 * thread is done, dupcheck_merge() moves each part's candidates into dc,
 * adding row_add to its row keys (the lines before the part). The filter's
 * bits end the same whatever the threads' timing; which of two rows with
 * one id is the candidate does not, so a caller must treat candidates the
 * same wherever in the file they are (sales.c settles them exactly).
 */
struct dupcheck_part {
	struct u64set cand_hash, cand_line;
	size_t ncand;
};
void dupcheck_share(struct dupcheck *dc);
int dupcheck_add_shared(struct dupcheck *dc, uint64_t h, uint64_t row,
			struct dupcheck_part *part);
void dupcheck_merge(struct dupcheck *dc, struct dupcheck_part *part, uint64_t row_add);

#endif
