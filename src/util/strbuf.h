/*
 * strbuf: a growable, always NUL-terminated byte string (after git's strbuf).
 *
 * Ownership: a struct strbuf owns its buffer. Initialise with STRBUF_INIT or
 * strbuf_init(), free with strbuf_release(); strbuf_detach() hands the buffer
 * to the caller (who then free()s it). Allocation failure aborts: merit is a
 * batch tool and cannot do anything useful without memory.
 */
#ifndef MERIT_STRBUF_H
#define MERIT_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf {
	size_t len;
	size_t alloc;
	char *buf;
};

extern char strbuf_empty[];
#define STRBUF_INIT { 0, 0, strbuf_empty }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
/* Returns the buffer (caller frees) and resets sb to empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Appends s as one CSV field (RFC 4180 quoting only when needed). */
void strbuf_add_csv(struct strbuf *sb, const char *s);
/* Removes leading and trailing ASCII white space. */
void strbuf_trim(struct strbuf *sb);

/*
 * Appends the whole file at path (git's strbuf_read_file), at most max
 * bytes (0: no limit). Returns 0; -1 when it cannot be opened; -2 when
 * reading fails, or with errno EFBIG when the file holds more than max
 * bytes (sb then has max + 1 or more). errno says why in both cases.
 */
int strbuf_read_file(struct strbuf *sb, const char *path, size_t max);

/*
 * Narrows the span (*s, *len) to drop leading and trailing ASCII white
 * space (what isspace() is in the C locale). The one trimming rule of merit: CSV
 * cells, INI values and matched names all use it.
 */
static inline void str_trim(const char **s, size_t *len)
{
	/* Inline: it runs on every CSV cell. ASCII white space, no locale. */
	while (*len && ((**s >= '\t' && **s <= '\r') || **s == ' '))
		(*s)++, (*len)--;
	while (*len && (((*s)[*len - 1] >= '\t' && (*s)[*len - 1] <= '\r') || (*s)[*len - 1] == ' '))
		(*len)--;
}

/* Small helpers used everywhere; all abort on allocation failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Grows *arr (of *alloc elements of size sz) to hold at least n elements. */
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
