/*
 * strmap: a string -> size_t hash map (open addressing, linear probing),
 * and u64set, a set of 64-bit hashes.
 *
 * Ownership: strmap does not copy keys; the caller keeps each key alive (and
 * unchanged) for as long as the map is used, which suits keys that live in
 * the model (employee ids, department names).
 */
#ifndef MERIT_STRMAP_H
#define MERIT_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	const char *key;   /* NULL: empty */
	uint64_t hash;
	size_t value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap, nr;
};

uint64_t str_hash(const char *s, size_t len);

void strmap_init(struct strmap *m);
void strmap_release(struct strmap *m);
/* Returns 1 and sets *value if key is present, else 0. */
int strmap_get(const struct strmap *m, const char *key, size_t *value);
/* Asks the cache for key's first slot, ahead of a strmap_get(key). */
void strmap_prefetch(const struct strmap *m, const char *key);
/* Inserts or replaces; returns 1 if the key was new. */
int strmap_put(struct strmap *m, const char *key, size_t value);
/*
 * to = a copy of from (same keys, values and slots) whose keys are copied
 * into one block, *arena (the caller frees it after strmap_release(to)): a
 * lookup then reads the slots and that block, not keys spread over the
 * heap, which a hot loop's cache misses on a big map were most of.
 */
void strmap_copy_packed(struct strmap *to, char **arena, const struct strmap *from);

struct u64set {
	uint64_t *slots;   /* 0 marks empty; a real 0 is stored as has_zero */
	size_t cap, nr;
	int has_zero;
};

void u64set_init(struct u64set *s);
void u64set_release(struct u64set *s);
/* Returns 1 if v was new. */
int u64set_add(struct u64set *s, uint64_t v);
int u64set_has(const struct u64set *s, uint64_t v);
size_t u64set_count(const struct u64set *s);
/* Adds every value of `from`, plus `add` (0: the values as they are), to `into`. */
void u64set_merge(struct u64set *into, const struct u64set *from, uint64_t add);

#endif
