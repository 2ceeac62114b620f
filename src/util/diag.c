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

static struct diag_msg *push(struct diag *d, enum diag_severity sev, char *where,
			     const char *fmt, va_list ap)
{
	struct diag_msg *m;
	struct strbuf sb = STRBUF_INIT;
	ALLOC_GROW(d->msgs, d->nr + 1, d->alloc);
	m = &d->msgs[d->nr++];
	memset(m, 0, sizeof(*m));
	m->severity = sev;
	m->where = where;
	d->last_dropped = 0;
	strbuf_vaddf(&sb, fmt, ap);
	m->text = strbuf_detach(&sb, NULL);
	if (sev == DIAG_ERROR)
		d->errors++;
	else if (sev == DIAG_WARNING)
		d->warnings++;
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
	push(d, is_error ? DIAG_ERROR : DIAG_WARNING, place(file, line, col), fmt, ap)->kind = kind;
	va_end(ap);
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
	m->hint = strbuf_detach(&sb, NULL);
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

void diag_format(const struct diag *d, struct strbuf *out, enum diag_severity min_severity)
{
	size_t i;
	for (i = 0; i < d->nr; i++) {
		const struct diag_msg *m = &d->msgs[i];
		if (m->severity > min_severity)
			continue;
		if (m->where)
			strbuf_addf(out, "%s: ", m->where);
		strbuf_addf(out, "%s: %s\n", sev_name(m->severity), m->text);
		if (m->hint)
			strbuf_addf(out, "  hint: %s\n", m->hint);
	}
	for (i = 0; i < d->nkinds; i++) {
		const struct diag_kind_count *k = &d->kinds[i];
		enum diag_severity s = k->is_error ? DIAG_ERROR : DIAG_WARNING;
		if (k->count <= DIAG_ROW_SHOW || s > min_severity)
			continue;
		strbuf_addf(out, "%s: %zu more '%s' problems not shown (%zu in all)\n",
			    sev_name(s), k->count - DIAG_ROW_SHOW, k->kind, k->count);
	}
}
