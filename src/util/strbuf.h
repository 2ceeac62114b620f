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

/* Nearly every user of a strbuf also allocates: both come with this header. */
#include "util/xalloc.h"

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

/* A formatted string in a new buffer (the caller frees it). */
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
