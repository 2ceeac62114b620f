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
#include <string.h>

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
/* Inserts or replaces; returns 1 if the key was new. */
int strmap_put(struct strmap *m, const char *key, size_t value);
/*
 * strmap_frozen: a read-only copy of a strmap for a hot loop's lookups (the
 * loaders' HR ids, looked up on every sales row). A slot is 32 bytes, two
 * to a cache line, and holds a key of up to STRMAP_FROZEN_INLINE bytes
 * itself: a lookup then misses the cache once (the slot) where a strmap
 * misses twice (the slot, then its key elsewhere). Longer keys are in a
 * block of the copy's own, one more read away.
 *
 *   struct strmap_frozen ids;
 *   strmap_freeze(&ids, &by_id);             (by_id may change or go now)
 *   uint64_t h = strmap_frozen_prefetch(&ids, key, len);
 *   ... other work while the slot comes ...
 *   if (strmap_frozen_get_hashed(&ids, key, len, h, &v)) use(v);
 *   strmap_frozen_release(&ids);
 */
#define STRMAP_FROZEN_INLINE 15

struct strmap_frozen_slot {
	uint32_t tag;          /* the hash's high half: most mismatches end here */
	uint32_t size;         /* the key's length + 1; 0: empty */
	size_t value;
	union {
		char in[STRMAP_FROZEN_INLINE + 1];   /* size <= 16: the key, NUL-padded */
		const char *out;                     /* longer: the key in `arena` */
	} key;
};
_Static_assert(sizeof(struct strmap_frozen_slot) == 32, "two slots to a cache line");

struct strmap_frozen {
	struct strmap_frozen_slot *slots;   /* 64-byte aligned within `mem` */
	void *mem;
	size_t mapped;                      /* mem's bytes if mmap'd, else 0 (malloc'd) */
	char *arena;
	size_t cap, nr;
};

/* to = from's keys and values, owning its own copies of the keys. */
void strmap_freeze(struct strmap_frozen *to, const struct strmap *from);
void strmap_frozen_release(struct strmap_frozen *m);
/* Asks the cache for the slot where key (len bytes) starts; returns its
 * hash, str_hash(key, len), for strmap_frozen_get_hashed(). */
uint64_t strmap_frozen_prefetch(const struct strmap_frozen *m, const char *key, size_t len);

/* 1 with *value when key (len bytes, NUL-terminated, hashing to hash) is
 * present, else 0. Inline: a hot loop's call. */
static inline int strmap_frozen_get_hashed(const struct strmap_frozen *m, const char *key,
					   size_t len, uint64_t hash, size_t *value)
{
	size_t mask = m->cap - 1, i = hash & mask;
	uint32_t tag = (uint32_t)(hash >> 32);
	if (!m->cap)
		return 0;
	for (;; i = (i + 1) & mask) {
		const struct strmap_frozen_slot *s = &m->slots[i];
		if (!s->size)
			return 0;
		if (s->tag == tag && s->size - 1 == len &&
		    !memcmp(len <= STRMAP_FROZEN_INLINE ? s->key.in : s->key.out, key, len)) {
			*value = s->value;
			return 1;
		}
	}
}

static inline int strmap_frozen_get(const struct strmap_frozen *m, const char *key,
				    size_t *value)
{
	size_t len = strlen(key);
	return strmap_frozen_get_hashed(m, key, len, str_hash(key, len), value);
}

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
