/*
 * diag: errors and warnings that carry where and why.
 *
 * Modules never print or exit: they add messages to a caller-owned
 * struct diag and return -1 (or a status). Only main.c formats the messages
 * (diag_format) and maps diag.status to the process exit code.
 *
 * Each message has a place in GNU form ("file:line:col", "file:line" or
 * "file: [section] key"), a text (problem first, subject quoted, no full
 * stop) and an optional hint line saying what to do.
 *
 * Per-row input problems (diag_row) are grouped by kind: the first
 * DIAG_ROW_SHOW of a kind are kept, the rest only counted, so a file with a
 * million bad rows still gives a readable report.
 */
#ifndef MERIT_DIAG_H
#define MERIT_DIAG_H

#include <stddef.h>

struct strbuf;

/* Exit codes: sysexits.h numbers, as SPEC section 2 pins them. */
enum merit_status {
	MERIT_OK = 0,
	MERIT_USAGE = 64,
	MERIT_DATAERR = 65,
	MERIT_NOINPUT = 66,
	MERIT_SOFTWARE = 70,
	MERIT_CANTCREAT = 73,
	MERIT_TEMPFAIL = 75,
	MERIT_NOPERM = 77,      /* mail: the period is not approved (SPEC 11) */
	MERIT_CONFIG = 78,
};

enum diag_severity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

#define DIAG_ROW_SHOW 20
/* Bounds on what a hostile input can make merit print: at most
 * DIAG_MAX_MSGS messages are kept (the rest are counted and reported as
 * "N more ... not shown"), and a text, place or hint longer than
 * DIAG_TEXT_MAX bytes keeps its head and tail around "[N bytes not shown]". */
#define DIAG_MAX_MSGS 200
#define DIAG_TEXT_MAX 400

struct diag_msg {
	enum diag_severity severity;
	char *where;    /* may be NULL */
	char *text;
	char *hint;     /* may be NULL */
	const char *kind; /* row-problem kind (static string) or NULL */
};

struct diag_kind_count {
	const char *kind;
	size_t count;      /* all seen */
	int is_error;
};

struct diag {
	struct diag_msg *msgs;
	size_t nr, alloc;
	struct diag_kind_count *kinds;
	size_t nkinds, kinds_alloc;
	int status;        /* first error's exit status, MERIT_OK if none */
	size_t errors, warnings;
	int last_dropped;  /* the latest message was only counted: no hint for it */
	size_t dropped_errors, dropped_warnings;   /* past DIAG_MAX_MSGS */
};

void diag_init(struct diag *d);
void diag_release(struct diag *d);

/*
 * Adds an error with exit status `status` at file:line:col (file may be
 * NULL, line/col 0 to omit). Returns -1 so callers can `return diag_error(..)`.
 *   return diag_error(d, MERIT_NOINPUT, path, 0, 0, "cannot open: %s", strerror(errno));
 */
int diag_error(struct diag *d, int status, const char *file, int line, int col,
	       const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void diag_warn(struct diag *d, const char *file, int line, int col,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void diag_note(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A configuration error at "file:line: [section] key" (status MERIT_CONFIG). */
int diag_config(struct diag *d, const char *file, int line, const char *section,
		const char *key, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/*
 * A per-row input problem of `kind` ("bad_number", "unknown_owner", ...).
 * is_error=0 makes it a warning (the [policy] said so). Errors set status
 * MERIT_DATAERR. Only the first DIAG_ROW_SHOW of each kind keep their text.
 */
void diag_row(struct diag *d, const char *kind, int is_error, const char *file,
	      int line, int col, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Attaches a hint to the most recent message (ignored if it was dropped). */
void diag_hint(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Moves what `from` collected to the end of `to` and leaves `from` empty:
 * for a stage run on another thread with a diag of its own.
 *   diag_take(d, &part.d);
 */
void diag_take(struct diag *to, struct diag *from);

/* Number of problems of a kind seen so far (kept or not). */
size_t diag_kind_count(const struct diag *d, const char *kind);

/*
 * Appends s[0..n) safe for a terminal, the one rule for text from inputs
 * shown to a person (messages, `merit explain`): control bytes (LF and CR
 * included, tab not) as \xNN, so a value is always on one line and cannot
 * drive the terminal, and invisible characters (BOM, zero-width and
 * no-break spaces, direction marks) as <U+XXXX>.
 */
void diag_add_safe(struct strbuf *out, const char *s, size_t n);

/*
 * Formats every message, GNU style, one per line, hints indented, then a
 * line per row-problem kind that had more than DIAG_ROW_SHOW. Text goes
 * through diag_add_safe, so one message is always one line and an input
 * cannot drive the terminal.
 * min_severity: DIAG_ERROR shows errors only; DIAG_NOTE shows everything.
 */
void diag_format(const struct diag *d, struct strbuf *out, enum diag_severity min_severity);

#endif
