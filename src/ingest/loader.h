/*
 * loader: what the per-input loaders (hr.c, sales.c, small.c) share, and
 * the one place that turns an export into canonical rows (SPEC 3, 3.1):
 * opening an input's file or files (a glob, in name order) through a row
 * source (source.h: CSV today), skipping the rows above `header_row`,
 * blanking `null` markers, mapping each file's header to the schema once
 * ([columns.X] aliases, `+` joins, one header for several fields), filling
 * absent or empty fields from [defaults.X], turning a `layout = wide` row
 * into one row per month, and reading typed cells of the current row,
 * reporting problems with file:line:col. The per-input loaders and compute
 * see canonical fields only.
 *
 * Internal to ingest/. A struct loader lives on the caller's stack;
 * loader_close() releases it.
 *
 *   struct loader ld;
 *   if (loader_open(&ld, c, cfg, INPUT_TARGETS, d) <= 0) return ...;
 *   while ((rc = loader_next(&ld)) > 0) {
 *           double v;
 *           if (loader_number(&ld, TARGETS_TARGET, &v) < 0) continue;
 *           ...
 *   }
 *   loader_close(&ld);
 */
#ifndef MERIT_INGEST_LOADER_H
#define MERIT_INGEST_LOADER_H

#include <stdint.h>

#include "ingest/source.h"
#include "model.h"
#include "util/strbuf.h"

struct diag;

#define COL_ABSENT (-1)
#define COL_SYNTH (-2)
#define LOADER_MAX_JOIN 8
#define LOADER_MEMO 8
#define LOADER_MEMO_TEXT 32
#define LOADER_DATE_MEMO 256
#define LOADER_DATE_TEXT 24

struct loader {
	struct company *c;
	const struct config *cfg;
	struct diag *d;
	enum input_kind in;
	const struct input_conf *ic;
	struct input_stats *st;
	const char *file;                 /* the current file's name in messages */
	struct strlist files;             /* the files `file =` names (a glob: several) */
	size_t nfile;                     /* the current one */
	struct source src;
	struct src_row row;
	struct strbuf where;              /* source_locate()'s text */
	/* Column of each field: >= 0, or COL_ABSENT, or COL_SYNTH (joined or
	 * made by layout = wide: text in synth[]). */
	int col[SCHEMA_MAX_FIELDS];
	int join[SCHEMA_MAX_FIELDS][LOADER_MAX_JOIN];   /* COL_SYNTH joins: columns, -1 ends */
	struct strbuf synth[SCHEMA_MAX_FIELDS];
	const char *deflt[SCHEMA_MAX_FIELDS];           /* [defaults.X] or NULL */
	int month_col[12];                /* layout = wide */
	int month;                        /* wide: the month of the current row, 0-11 */
	int need_null;                    /* null markers to blank */
	int need_synth;                   /* some field is COL_SYNTH */
	int any_mapped;                   /* the header names some field: echo it in hints */
	struct strbuf file_sha;           /* several files: "hex  name" lines */
	struct strbuf first_problem;      /* the current row's first problem, for naming it */
	struct strbuf number;             /* decimal = comma: a number as num.h reads it */
	int typed;                        /* the file's numbers are typed cells (.xlsx) */
	/* employee_key other than employee_id: HR key text -> first HR row
	 * with it; key_next chains the other rows with the same text. */
	int keyed;
	/* Not keyed: HR's by_id frozen (strmap_freeze: ids of up to 15 bytes
	 * in the slot itself), looked up on every row: with the ids in HR's
	 * rows that was two cache misses a lookup, a quarter of reading sales. */
	struct strmap_frozen ids;
	/* loader_employee_prefetch()'s cell on this row, its length and hash,
	 * for loader_employee() not to hash it again; NULL: none. */
	const char *pre_text;
	size_t pre_len;
	uint64_t pre_hash;
	/* The next row's cell as it peeked at it (source_peek()), and its
	 * hash: the row's own cell, when it is the same text, is not hashed
	 * again. next_len > STRMAP_FROZEN_INLINE: none. */
	char next_text[STRMAP_FROZEN_INLINE];
	size_t next_len;
	uint64_t next_hash;
	struct strmap keymap;
	struct strlist keymap_keys;
	size_t *key_next;
	/* Employees not in HR, by text: reported at their first row, then
	 * counted and summarised by count at the end of the input. */
	struct strmap unknown_ix;
	struct strlist unknown_vals;
	size_t *unknown_counts, unknown_alloc, unknown_rows;
	/* Per value: its HR row was set aside (not missing), and why. */
	const char **unknown_why;
	size_t unknown_why_alloc;
	const struct valueset *vs[SCHEMA_MAX_FIELDS];
	/* Texts mapped per value field and their canonical values: an export
	 * repeats a handful ("Closed Won", "Closed Lost", "Negotiation") in
	 * any order, and a strcmp or two beats a case-insensitive walk over
	 * every alias. Filled in turn; a longer text is mapped every time. */
	struct loader_memo {
		char text[LOADER_MEMO_TEXT];
		const char *value;    /* NULL: the slot is free */
	} memo[SCHEMA_MAX_FIELDS][LOADER_MEMO];
	unsigned char memo_next[SCHEMA_MAX_FIELDS];
	/* Dates read so far, by text (date_parse() with the input's formats
	 * is a function of the text): a month's rows share a few dozen. */
	struct loader_date_memo {
		char text[LOADER_DATE_TEXT];   /* "": free */
		int32_t day;
	} date_memo[LOADER_DATE_MEMO];
	/* Identifier fields (record_id, employee_id, key): joined with '-',
	 * other texts with a space (SPEC 3.1), and what a totals row lacks. */
	unsigned char is_id[SCHEMA_MAX_FIELDS];
	size_t ncols;                     /* header cells up to the last non-empty one */
	int bad;                          /* the current row had a problem */
	int quiet;                        /* re-reading: mark problems, report none */
	int unknown_is_error;             /* overrides: an unknown employee is an error at
					   * its line whatever [policy] says */
	int part;                         /* loader_open_part(): one part of the file */
	void *user;                       /* the per-input loader's own state */
};

/*
 * Opens input `in` and maps its header. Returns 1 when ready, 0 when the
 * input is not declared (nothing to do), -1 with d set.
 */
int loader_open(struct loader *ld, struct company *c, const struct config *cfg,
		enum input_kind in, struct diag *d);
/* Opens again for a second pass (same mapping); stats are not touched. */
int loader_reopen(struct loader *ld);
/*
 * After loader_reopen(): rows whose cell of `field` keep() rejects may be
 * skipped unparsed (csvread_skim); loader_next() still returns every row it
 * could not rule out, so test the field again there.
 */
void loader_skim(struct loader *ld, int field, source_keep_fn *keep, void *arg);
/*
 * Next data row: 1, 0 at the end (stats final), -1 on a fatal file error.
 * A row with fewer cells than the header, or with more whose extra cells
 * are not all empty, is reported (bad_row, in the first pass only) and
 * skipped: its cells cannot be trusted to be in their columns.
 */
int loader_next(struct loader *ld);
void loader_close(struct loader *ld);
/*
 * A part of a one-file CSV input, for reading it on several threads: a
 * loader with the header mapping of `whole` (open, not read past its
 * header) over the rows that start in bytes [start, stop) of the file
 * (csvread_open_part()), counting into st and reporting into d, both the
 * part's own. Its line numbers count from 1 at start. The parts share
 * whole's mapping read-only, so whole stays open until every part is
 * closed with loader_close_part(). 0, or -1 with d set.
 */
int loader_open_part(struct loader *part, const struct loader *whole, struct input_stats *st,
		     uint64_t start, uint64_t stop, struct diag *d);
void loader_close_part(struct loader *part);

/* The cell of a field, trimmed, else its [defaults.X] value, else "".
 * Inline: called for every field of every row (issue 10's A/B,
 * docs/BENCHMARKS.md). */
static inline const char *loader_text(const struct loader *ld, int field)
{
	int j = ld->col[field];
	const char *s = "";
	if (j >= 0) {
		if ((size_t)j < ld->row.n)
			s = ld->row.cell[j];
	} else if (j == COL_SYNTH) {
		s = ld->synth[field].buf;
	}
	if (!*s && ld->deflt[field])
		s = ld->deflt[field];
	return s;
}

/* Whether the field has a column or a default (it may be read at all). */
static inline int loader_has(const struct loader *ld, int field)
{
	return ld->col[field] != COL_ABSENT || ld->deflt[field];
}
int loader_line(const struct loader *ld, int field);
/*
 * The current row's identity across every file of the input (file number
 * in the high bits, row line in the low ones), and its place for messages
 * ("line 12" in a single file, "sales-02.csv:12" otherwise).
 */
uint64_t loader_row_key(const struct loader *ld);
void loader_row_place(const struct loader *ld, uint64_t key, struct strbuf *out);

/*
 * Typed cells: 1 with the value, 0 when empty, -1 after reporting a
 * problem (bad_number / bad_date / bad_value) and marking the row bad.
 */
int loader_number(struct loader *ld, int field, double *out);
int loader_money(struct loader *ld, int field, int64_t *cents);
int loader_date(struct loader *ld, int field, int32_t *out);
int loader_value(struct loader *ld, int field, const char **canonical);

/*
 * The employee a cell names (through the input's employee_key): the HR
 * row's index, or -1 after an unknown_employee / unknown_owner problem of
 * `kind` (naming the HR row when it was set aside, with why), or -1 after
 * an error when the key matches several in-scope HR rows. what is how
 * the message names the cell ("owner", "employee_id").
 */
long loader_employee_slow(struct loader *ld, int field, enum row_problem kind,
			 const char *what);
static inline long loader_employee(struct loader *ld, int field, enum row_problem kind,
				   const char *what)
{
	size_t e;
	/* The usual row: an employee_id that HR has (one hash lookup, inline). */
	if (!ld->keyed) {
		const char *text = loader_text(ld, field);
		size_t len;
		uint64_t h;
		if (text == ld->pre_text) {
			len = ld->pre_len;
			h = ld->pre_hash;
		} else {
			len = strlen(text);
			h = str_hash(text, len);
		}
		if (strmap_frozen_get_hashed(&ld->ids, text, len, h, &e))
			return (long)e;
	}
	return loader_employee_slow(ld, field, kind, what);
}
/*
 * Hashes the employee id the cell names for loader_employee() on the same
 * row (which then does not hash it again), and asks the cache for the HR
 * slot of the next row's, peeked at in the file (source_peek()): that one
 * is in the cache when its row comes. With 100,000 employees the slots
 * are megabytes, and a slot asked for within the row came too late.
 */
void loader_employee_prefetch(struct loader *ld, int field);
/* Records the HR row being read as set aside (hr.c), with its first problem. */
void loader_set_aside_hr(struct loader *ld);
/* Normalised key text of an HR field for matching: trimmed; email in any
 * case; a name as headers compare (any case, every run of white space,
 * no-break ones too, as one space) and "Last, First" read as "First Last"
 * (HR systems list people by surname, CRMs write them as they are called). */
void loader_key_text(int hr_field, const char *text, struct strbuf *out);

/*
 * Appends "'Clerk' (3 rows), 'Driver' (2 rows)": names[i] with counts[i],
 * most rows first, then in order of appearance, at most 30 and then
 * " and N more" (the one-line summaries of SPEC 3.1's repeated problems).
 */
void loader_most_frequent(struct strbuf *sb, const struct strlist *names, const size_t *counts);

/* Reports a problem of `kind` at the field's cell and marks the row bad. */
void loader_problem(struct loader *ld, enum row_problem kind, int field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The same, but an error whatever [policy] says of `kind` (SPEC 3: an
 * empty required HR field is an error). */
void loader_error(struct loader *ld, enum row_problem kind, int field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
