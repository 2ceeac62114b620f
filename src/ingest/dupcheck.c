/*
 * dupcheck: the blocked Bloom filter of dupcheck.h. One 64-byte block per id
 * keeps every probe of an id in one cache line; eight probes of 9 bits each
 * within the block.
 *
 * Size: 1 byte of filter per 16 bytes of CSV (over 20 bits per id), from
 * 64 KiB up to a fixed 16 MiB, reached at 256 MB of CSV (about 3.4 million
 * rows). Past that the filter no longer grows with the file, so memory does
 * not grow with the rows (SPEC 3); what grows instead is the false-positive
 * rate, and with it the candidates the second pass settles exactly: about
 * 0.2 % of the ids at 10 million rows (~20,000 candidates, a few hundred KiB).
 */
#include "ingest/dupcheck.h"
#include "util/strbuf.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Spin locks over the blocks, for threads sharing one filter: a block's
 * eight words must be tested and set as one, or two threads adding the
 * same id at once could both find a bit missing and both call it new. */
#define NLOCKS 1024
struct dupcheck_lock {
	atomic_flag held;
	char pad[64 - sizeof(atomic_flag)];
};

#define MIN_BYTES (64u * 1024)
#define MAX_BYTES (16u * 1024 * 1024)

void dupcheck_init(struct dupcheck *dc, uint64_t file_bytes)
{
	/* ~1 byte of filter per 16 bytes of CSV: a row is rarely under 40 bytes,
	 * so that is over 20 bits per id, up to the fixed MAX_BYTES. */
	size_t bytes = MIN_BYTES;
	while (bytes < MAX_BYTES && bytes < file_bytes / 16)
		bytes *= 2;
	dupcheck_init_bytes(dc, bytes);
}

void dupcheck_init_bytes(struct dupcheck *dc, size_t bytes)
{
	if (bytes < 64 || (bytes & (bytes - 1)))
		BUG("duplicate filter of %zu bytes: not a power of two from 64", bytes);
	memset(dc, 0, sizeof(*dc));
	dc->nblocks = bytes / 64;
	/* Anonymous pages read as zero and cost nothing until touched. Each id
	 * touches a random block, so on big files every lookup would also miss
	 * the TLB: ask for huge pages (ignored where unsupported). */
	dc->bits = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (dc->bits == MAP_FAILED)
		BUG("cannot map %zu bytes for the duplicate filter", bytes);
	madvise(dc->bits, bytes, MADV_HUGEPAGE);
}

void dupcheck_release(struct dupcheck *dc)
{
	if (dc->bits)
		munmap(dc->bits, dc->nblocks * 64);
	free(dc->locks);
	u64set_release(&dc->cand_hash);
	u64set_release(&dc->cand_line);
	memset(dc, 0, sizeof(*dc));
}

static uint64_t *block_of(const struct dupcheck *dc, uint64_t h)
{
	return dc->bits + ((h >> 32) & (dc->nblocks - 1)) * 8;
}

void dupcheck_prefetch(const struct dupcheck *dc, uint64_t h)
{
	__builtin_prefetch(block_of(dc, h), 1);
}

/* Sets the id's eight bits in its block; 1 if they were all set already. */
static int set_bits(uint64_t *block, uint64_t h)
{
	uint64_t x = (h ^ 0x9E3779B97F4A7C15ULL) * 0xC2B2AE3D27D4EB4FULL;
	uint64_t want[8] = { 0 }, missing = 0;
	int k;
	x ^= x >> 29;
	/* The eight bits as masks per word first, then one read-modify-write per
	 * word: no branch on the data, which is random by design. */
	for (k = 0; k < 8; k++) {
		unsigned bit = k < 7 ? (unsigned)(x >> (9 * k)) & 511 : (unsigned)h & 511;
		want[bit >> 6] |= 1ULL << (bit & 63);
	}
	for (k = 0; k < 8; k++) {
		missing |= want[k] & ~block[k];
		block[k] |= want[k];
	}
	return !missing;
}

int dupcheck_add(struct dupcheck *dc, uint64_t h, uint64_t row)
{
	if (!set_bits(block_of(dc, h), h))
		return 0;
	u64set_add(&dc->cand_hash, h);
	u64set_add(&dc->cand_line, row);
	dc->ncand++;
	return 1;
}

int dupcheck_is_candidate_id(const struct dupcheck *dc, const char *id, size_t len)
{
	return u64set_has(&dc->cand_hash, str_hash(id, len));
}

int dupcheck_is_candidate_line(const struct dupcheck *dc, uint64_t row)
{
	return u64set_has(&dc->cand_line, row);
}

void dupcheck_share(struct dupcheck *dc)
{
	size_t i;
	if (dc->locks)
		return;
	dc->locks = xcalloc(NLOCKS, sizeof(*dc->locks));
	for (i = 0; i < NLOCKS; i++)
		atomic_flag_clear(&dc->locks[i].held);
}

int dupcheck_add_shared(struct dupcheck *dc, uint64_t h, uint64_t row, struct dupcheck_part *part)
{
	/* The lock of the block, not of the hash: a filter of fewer blocks
	 * than locks (tests) maps many hashes to one block. */
	size_t block = (size_t)((h >> 32) & (dc->nblocks - 1));
	struct dupcheck_lock *l = &dc->locks[block & (NLOCKS - 1)];
	int seen;
	while (atomic_flag_test_and_set_explicit(&l->held, memory_order_acquire))
		;
	seen = set_bits(block_of(dc, h), h);
	atomic_flag_clear_explicit(&l->held, memory_order_release);
	if (!seen)
		return 0;
	u64set_add(&part->cand_hash, h);
	u64set_add(&part->cand_line, row);
	part->ncand++;
	return 1;
}

void dupcheck_merge(struct dupcheck *dc, struct dupcheck_part *part, uint64_t row_add)
{
	u64set_merge(&dc->cand_hash, &part->cand_hash, 0);
	u64set_merge(&dc->cand_line, &part->cand_line, row_add);
	dc->ncand += part->ncand;
	u64set_release(&part->cand_hash);
	u64set_release(&part->cand_line);
	part->ncand = 0;
}
