/*
 * xalloc: the allocation helpers every module uses, and BUG().
 *
 * Allocation failure ends the program (exit 70 with a message): merit is a
 * batch tool and can do nothing useful without memory, so callers never
 * check. BUG() is for broken invariants, not for bad input (git's BUG()).
 */
#ifndef MERIT_XALLOC_H
#define MERIT_XALLOC_H

#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/*
 * Size arithmetic that cannot wrap (git's st_add / st_mult): a size past
 * SIZE_MAX would allocate a small buffer and then write far past it, so it
 * ends the program like any allocation that cannot be made (exit 70).
 */
_Noreturn void merit_size_overflow(size_t a, size_t b);
static inline size_t st_add(size_t a, size_t b)
{
	if (a > SIZE_MAX - b)
		merit_size_overflow(a, b);
	return a + b;
}

static inline size_t st_mult(size_t a, size_t b)
{
	if (b && a > SIZE_MAX / b)
		merit_size_overflow(a, b);
	return a * b;
}

/* Grows arr (of alloc elements) to hold at least n elements. */
#define ALLOC_GROW(arr, n, alloc) do { \
	if ((size_t)(n) > (alloc)) { \
		(alloc) = (alloc) < 16 ? 16 : (alloc); \
		while ((alloc) < (size_t)(n)) \
			(alloc) = (alloc) > SIZE_MAX / 2 ? (size_t)(n) : (alloc) * 2; \
		(arr) = xrealloc((arr), st_mult((alloc), sizeof(*(arr)))); \
	} } while (0)

/* Bugs, not input errors: print where and abort (git's BUG()). */
#define BUG(...) merit_bug(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void merit_bug(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
