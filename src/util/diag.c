/*
 * diag: collecting errors and warnings with their place, for main.c to print.
 */
#include "util/diag.h"
#include "util/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
}

void diag_release(struct diag *d)
{
	size_t i;
	for (i = 0; i < d->nr; i++) {
		free(d->msgs[i].where);
		free(d->msgs[i].text);
		free(d->msgs[i].hint);
	}
	free(d->msgs);
	free(d->kinds);
	diag_init(d);
}

static char *place(const char *file, int line, int col)
{
	if (!file)
		return NULL;
	if (line > 0 && col > 0)
		return xstrfmt("%s:%d:%d", file, line, col);
	if (line > 0)
		return xstrfmt("%s:%d", file, line);
	return xstrdup(file);
}

/* Start of the UTF-8 character holding byte i of s (never splits one). */
static size_t char_start(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	return i;
}

/* A text longer than DIAG_TEXT_MAX keeps its head and its tail (where a
 * message says what is wrong with the value it quotes). Owns s. */
static char *bounded(char *s)
{
	size_t len = s ? strlen(s) : 0, head, tail;
	char *r;
	if (len <= DIAG_TEXT_MAX)
		return s;
	head = char_start(s, DIAG_TEXT_MAX * 3 / 4);
	tail = char_start(s, len - DIAG_TEXT_MAX / 4);
	r = xstrfmt("%.*s...[%zu bytes not shown]...%s", (int)head, s, tail - head, s + tail);
	free(s);
	return r;
}

/* A message past DIAG_MAX_MSGS is only counted (and NULL returned). */
static struct diag_msg *push(struct diag *d, enum diag_severity sev, char *where,
			     const char *fmt, va_list ap)
{
	struct diag_msg *m;
	struct strbuf sb = STRBUF_INIT;
	if (sev == DIAG_ERROR)
		d->errors++;
	else if (sev == DIAG_WARNING)
		d->warnings++;
	if (d->nr >= DIAG_MAX_MSGS) {
		if (sev == DIAG_ERROR)
			d->dropped_errors++;
		else if (sev == DIAG_WARNING)
			d->dropped_warnings++;
		d->last_dropped = 1;
		free(where);
		return NULL;
	}
	ALLOC_GROW(d->msgs, d->nr + 1, d->alloc);
	m = &d->msgs[d->nr++];
	memset(m, 0, sizeof(*m));
	m->severity = sev;
	m->where = bounded(where);
	d->last_dropped = 0;
	strbuf_vaddf(&sb, fmt, ap);
	m->text = bounded(strbuf_detach(&sb, NULL));
	return m;
}

int diag_error(struct diag *d, int status, const char *file, int line, int col,
	       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	push(d, DIAG_ERROR, place(file, line, col), fmt, ap);
	va_end(ap);
	if (!d->status)
		d->status = status;
	return -1;
}

void diag_warn(struct diag *d, const char *file, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	push(d, DIAG_WARNING, place(file, line, col), fmt, ap);
	va_end(ap);
}

void diag_note(struct diag *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	push(d, DIAG_NOTE, NULL, fmt, ap);
	va_end(ap);
}

int diag_config(struct diag *d, const char *file, int line, const char *section,
		const char *key, const char *fmt, ...)
{
	struct strbuf text = STRBUF_INIT;
	struct diag_msg *m;
	va_list ap;
	if (section) {
		struct strbuf subject = STRBUF_INIT;
		const char *p;
		strbuf_addf(&subject, "[%s]", section);
		if (key)
			strbuf_addf(&subject, " %s", key);
		/* The subject becomes part of a format string: escape '%'. */
		for (p = subject.buf; *p; p++) {
			if (*p == '%')
				strbuf_addch(&text, '%');
			strbuf_addch(&text, *p);
		}
		strbuf_addstr(&text, ": ");
		strbuf_release(&subject);
	}
	strbuf_addstr(&text, fmt);
	/* fmt is the caller's literal; it is only extended, never user data. */
	va_start(ap, fmt);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	m = push(d, DIAG_ERROR, place(file ? file : "config", line, 0), text.buf, ap);
#pragma GCC diagnostic pop
	va_end(ap);
	(void)m;
	strbuf_release(&text);
	if (!d->status)
		d->status = MERIT_CONFIG;
	return -1;
}

static struct diag_kind_count *kind_slot(struct diag *d, const char *kind)
{
	size_t i;
	for (i = 0; i < d->nkinds; i++)
		if (!strcmp(d->kinds[i].kind, kind))
			return &d->kinds[i];
	ALLOC_GROW(d->kinds, d->nkinds + 1, d->kinds_alloc);
	d->kinds[d->nkinds].kind = kind;
	d->kinds[d->nkinds].count = 0;
	d->kinds[d->nkinds].is_error = 0;
	return &d->kinds[d->nkinds++];
}

void diag_row(struct diag *d, const char *kind, int is_error, const char *file,
	      int line, int col, const char *fmt, ...)
{
	struct diag_kind_count *k = kind_slot(d, kind);
	struct diag_msg *m;
	va_list ap;
	k->count++;
	k->is_error |= is_error;
	if (is_error && !d->status)
		d->status = MERIT_DATAERR;
	if (k->count > DIAG_ROW_SHOW) {
		if (is_error)
			d->errors++;
		else
			d->warnings++;
		d->last_dropped = 1;
		return;
	}
	va_start(ap, fmt);
	m = push(d, is_error ? DIAG_ERROR : DIAG_WARNING, place(file, line, col), fmt, ap);
	va_end(ap);
	if (m)
		m->kind = kind;
}

void diag_hint(struct diag *d, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	struct diag_msg *m;
	va_list ap;
	/*
	 * A row problem past the shown limit was not stored: its hint neither.
	 * The last stored message may be of another kind, still under its
	 * limit, so ask what happened last, not what the last message is.
	 */
	if (!d->nr || d->last_dropped)
		return;
	m = &d->msgs[d->nr - 1];
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(m->hint);
	m->hint = bounded(strbuf_detach(&sb, NULL));
}

static struct diag_msg *add(struct diag *d, enum diag_severity sev, char *where,
			    const char *fmt, ...)
{
	struct diag_msg *m;
	va_list ap;
	va_start(ap, fmt);
	m = push(d, sev, where, fmt, ap);
	va_end(ap);
	return m;
}

void diag_take(struct diag *to, struct diag *from)
{
	size_t i, errors = from->errors, warnings = from->warnings;
	for (i = 0; i < from->nr; i++) {
		const struct diag_msg *f = &from->msgs[i];
		struct diag_msg *m = add(to, f->severity, f->where ? xstrdup(f->where) : NULL, "%s",
					 f->text);
		if (m && f->hint)
			m->hint = xstrdup(f->hint);
		if (m)
			m->kind = f->kind;
		errors -= f->severity == DIAG_ERROR;
		warnings -= f->severity == DIAG_WARNING;
	}
	/* Problems from only counted (past a limit) stay counted. */
	to->errors += errors;
	to->warnings += warnings;
	to->dropped_errors += from->dropped_errors;
	to->dropped_warnings += from->dropped_warnings;
	for (i = 0; i < from->nkinds; i++) {
		struct diag_kind_count *k = kind_slot(to, from->kinds[i].kind);
		k->count += from->kinds[i].count;
		k->is_error |= from->kinds[i].is_error;
	}
	if (!to->status)
		to->status = from->status;
	diag_release(from);
}

size_t diag_kind_count(const struct diag *d, const char *kind)
{
	size_t i;
	for (i = 0; i < d->nkinds; i++)
		if (!strcmp(d->kinds[i].kind, kind))
			return d->kinds[i].count;
	return 0;
}

static const char *sev_name(enum diag_severity s)
{
	return s == DIAG_ERROR ? "error" : s == DIAG_WARNING ? "warning" : "note";
}

/*
 * The length of an invisible character at s (a byte-order mark inside a
 * cell, a zero-width or no-break space, a direction mark), with its code
 * point in *cp; else 0. "owner 'E1002' is not in the HR export" must show
 * why two ids that look alike differ.
 */
static size_t invisible_at(const unsigned char *s, size_t n, unsigned *cp)
{
	if (n >= 2 && s[0] == 0xC2 && (s[1] == 0xA0 || s[1] == 0xAD)) {
		*cp = s[1];
		return 2;
	}
	if (n < 3)
		return 0;
	*cp = (unsigned)(s[0] & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
	if (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		return 3;
	if (s[0] == 0xE2 && s[1] == 0x80 && ((s[2] >= 0x8B && s[2] <= 0x8F) ||
					     (s[2] >= 0xA8 && s[2] <= 0xAF)))
		return 3;
	if (s[0] == 0xE2 && s[1] == 0x81 && s[2] >= 0xA0 && s[2] <= 0xAF)
		return 3;
	return 0;
}

void diag_add_safe(struct strbuf *out, const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		unsigned cp;
		size_t k = ch >= 0xC2 ? invisible_at((const unsigned char *)s + i, n - i, &cp) : 0;
		if (k) {
			strbuf_addf(out, "<U+%04X>", cp);
			i += k - 1;
		} else if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			strbuf_addf(out, "\\x%02x", ch);
		} else {
			strbuf_addch(out, (char)ch);
		}
	}
}

static void add_escaped(struct strbuf *out, const char *s)
{
	diag_add_safe(out, s, strlen(s));
}

void diag_format(const struct diag *d, struct strbuf *out, enum diag_severity min_severity)
{
	size_t i;
	for (i = 0; i < d->nr; i++) {
		const struct diag_msg *m = &d->msgs[i];
		if (m->severity > min_severity)
			continue;
		if (m->where) {
			add_escaped(out, m->where);
			strbuf_addstr(out, ": ");
		}
		strbuf_addf(out, "%s: ", sev_name(m->severity));
		add_escaped(out, m->text);
		strbuf_addch(out, '\n');
		if (m->hint) {
			strbuf_addstr(out, "  hint: ");
			add_escaped(out, m->hint);
			strbuf_addch(out, '\n');
		}
	}
	if (d->dropped_errors)
		strbuf_addf(out, "error: and %zu more errors not shown (%zu in all)\n",
			    d->dropped_errors, d->errors);
	if (d->dropped_warnings && min_severity >= DIAG_WARNING)
		strbuf_addf(out, "warning: and %zu more warnings not shown (%zu in all)\n",
			    d->dropped_warnings, d->warnings);
	for (i = 0; i < d->nkinds; i++) {
		const struct diag_kind_count *k = &d->kinds[i];
		enum diag_severity s = k->is_error ? DIAG_ERROR : DIAG_WARNING;
		if (k->count <= DIAG_ROW_SHOW || s > min_severity)
			continue;
		strbuf_addf(out, "%s: %zu more '%s' problems not shown (%zu in all)\n",
			    sev_name(s), k->count - DIAG_ROW_SHOW, k->kind, k->count);
	}
}
