/*
 * strmap and u64set: the two hash tables merit needs. Capacity is a power of
 * two kept at most 70 % full, so probes stay short.
 */
#include "util/strmap.h"
#include "util/strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

uint64_t str_hash(const char *s, size_t len)
{
	/* FNV-1a, then a final mix so the low bits (used for the slot) spread. */
	uint64_t h = 1469598103934665603ULL;
	size_t i;
	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void strmap_release(struct strmap *m)
{
	free(m->slots);
	strmap_init(m);
}

static struct strmap_slot *find(const struct strmap *m, const char *key, uint64_t h)
{
	size_t mask = m->cap - 1, i = h & mask;
	for (;; i = (i + 1) & mask) {
		struct strmap_slot *s = &m->slots[i];
		if (!s->key || (s->hash == h && !strcmp(s->key, key)))
			return s;
	}
}

static void grow(struct strmap *m)
{
	struct strmap_slot *old = m->slots;
	size_t oldcap = m->cap, i;
	m->cap = m->cap ? m->cap * 2 : 64;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	for (i = 0; i < oldcap; i++)
		if (old[i].key)
			*find(m, old[i].key, old[i].hash) = old[i];
	free(old);
}

int strmap_get(const struct strmap *m, const char *key, size_t *value)
{
	struct strmap_slot *s;
	if (!m->cap)
		return 0;
	s = find(m, key, str_hash(key, strlen(key)));
	if (!s->key)
		return 0;
	*value = s->value;
	return 1;
}

/*
 * Zeroed slots aligned to a cache line, so no slot straddles two. Over
 * 2 MiB (65,536 slots: from some 23,000 keys), on huge pages where the system has them: a
 * lookup's slot is anywhere in megabytes, and with 4 KiB pages the TLB
 * missed as well as the cache (the prefetch itself waited on the walk).
 */
#define HUGE_PAGE (2u << 20)
static void alloc_slots(struct strmap_frozen *to, size_t bytes)
{
	if (bytes >= HUGE_PAGE) {
		size_t len = st_add(bytes, HUGE_PAGE);
		void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED) {
			uintptr_t at = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
			madvise((void *)at, bytes, MADV_HUGEPAGE);   /* a hint: may be refused */
			to->mem = p;
			to->mapped = len;
			to->slots = (struct strmap_frozen_slot *)at;
			return;
		}
	}
	to->mem = xcalloc(st_add(bytes, 63), 1);
	to->slots = (struct strmap_frozen_slot *)(((uintptr_t)to->mem + 63) & ~(uintptr_t)63);
}

void strmap_freeze(struct strmap_frozen *to, const struct strmap *from)
{
	size_t i, cap = 0, bytes = 0, off = 0;
	memset(to, 0, sizeof(*to));
	if (!from->nr)
		return;
	/* At most 70 % full, like a strmap; its own size, not from's. */
	for (cap = 16; from->nr * 10 > cap * 7; cap *= 2)
		;
	for (i = 0; i < from->cap; i++)
		if (from->slots[i].key && strlen(from->slots[i].key) > STRMAP_FROZEN_INLINE)
			bytes = st_add(bytes, strlen(from->slots[i].key) + 1);
	alloc_slots(to, st_mult(cap, sizeof(*to->slots)));
	to->arena = bytes ? xmalloc(bytes) : NULL;
	to->cap = cap;
	to->nr = from->nr;
	for (i = 0; i < from->cap; i++) {
		const struct strmap_slot *f = &from->slots[i];
		struct strmap_frozen_slot *s;
		size_t len, j;
		if (!f->key)
			continue;
		len = strlen(f->key);
		if (len >= UINT32_MAX)
			BUG("a strmap key of %zu bytes", len);
		for (j = f->hash & (cap - 1); to->slots[j].size; j = (j + 1) & (cap - 1))
			;
		s = &to->slots[j];
		s->tag = (uint32_t)(f->hash >> 32);
		s->size = (uint32_t)len + 1;
		s->value = f->value;
		if (len <= STRMAP_FROZEN_INLINE) {
			memcpy(s->key.in, f->key, len);
		} else {
			memcpy(to->arena + off, f->key, len + 1);
			s->key.out = to->arena + off;
			off += len + 1;
		}
	}
}

void strmap_frozen_release(struct strmap_frozen *m)
{
	if (m->mapped)
		munmap(m->mem, m->mapped);
	else
		free(m->mem);
	free(m->arena);
	memset(m, 0, sizeof(*m));
}

uint64_t strmap_frozen_prefetch(const struct strmap_frozen *m, const char *key, size_t len)
{
	uint64_t h = str_hash(key, len);
	if (m->cap)
		__builtin_prefetch(&m->slots[h & (m->cap - 1)]);
	return h;
}

int strmap_put(struct strmap *m, const char *key, size_t value)
{
	uint64_t h = str_hash(key, strlen(key));
	struct strmap_slot *s;
	if ((m->nr + 1) * 10 > m->cap * 7)
		grow(m);
	s = find(m, key, h);
	if (s->key) {
		s->value = value;
		return 0;
	}
	s->key = key;
	s->hash = h;
	s->value = value;
	m->nr++;
	return 1;
}

void u64set_init(struct u64set *s)
{
	memset(s, 0, sizeof(*s));
}

void u64set_release(struct u64set *s)
{
	free(s->slots);
	u64set_init(s);
}

static uint64_t *u64_find(const struct u64set *s, uint64_t v)
{
	size_t mask = s->cap - 1, i = (size_t)(v ^ (v >> 29)) & mask;
	for (;; i = (i + 1) & mask)
		if (!s->slots[i] || s->slots[i] == v)
			return &s->slots[i];
}

int u64set_add(struct u64set *s, uint64_t v)
{
	uint64_t *slot;
	if (!v) {
		int was = s->has_zero;
		s->has_zero = 1;
		return !was;
	}
	if ((s->nr + 1) * 10 > s->cap * 7) {
		uint64_t *old = s->slots;
		size_t oldcap = s->cap, i;
		s->cap = s->cap ? s->cap * 2 : 16;
		s->slots = xcalloc(s->cap, sizeof(*s->slots));
		for (i = 0; i < oldcap; i++)
			if (old[i])
				*u64_find(s, old[i]) = old[i];
		free(old);
	}
	slot = u64_find(s, v);
	if (*slot)
		return 0;
	*slot = v;
	s->nr++;
	return 1;
}

int u64set_has(const struct u64set *s, uint64_t v)
{
	if (!v)
		return s->has_zero;
	return s->cap && *u64_find(s, v) == v;
}

size_t u64set_count(const struct u64set *s)
{
	return s->nr + (size_t)s->has_zero;
}

void u64set_merge(struct u64set *into, const struct u64set *from, uint64_t add)
{
	size_t i;
	if (from->has_zero)
		u64set_add(into, add);
	for (i = 0; i < from->cap; i++)
		if (from->slots[i])
			u64set_add(into, from->slots[i] + add);
}
