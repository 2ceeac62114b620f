/*
 * sniff: what an export looks like, found from the export itself, for
 * `merit init`: its encoding, delimiter, header row, the field each header
 * names, each column's type, date format and null markers, and the
 * distinct values of the value columns, each with the evidence that
 * decided it ("96 of 100 rows parse as %d/%m/%Y").
 *
 * It reads with the same readers as ingest (csvread.h, xlsxread.h) and
 * judges cells with the same parsers (num.h, date.h), so what sniff says
 * parses is what a run will parse. At most SNIFF_MAX_ROWS data rows are
 * looked at.
 *
 * Ownership: sniff_file() fills a caller-owned struct sniff that
 * sniff_release() frees.
 *
 *   struct sniff s;
 *   if (sniff_file(&s, "exports/hr.csv", INPUT_HR, d) < 0) return -1;
 *   printf("%s, header on row %d\n", s.encoding, s.header_row);
 *   sniff_release(&s);
 */
#ifndef MERIT_INGEST_SNIFF_H
#define MERIT_INGEST_SNIFF_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "schema.h"
#include "util/strmap.h"

struct diag;

#define SNIFF_MAX_ROWS 20000
#define SNIFF_MAX_DISTINCT 64

struct sniff_value {
	char *text;
	size_t count;
};

struct sniff_col {
	char *header;
	int field;                  /* canonical field of the input, or -1 */
	char *how;                  /* why that field ("dictionary: Salesforce") */
	size_t filled;              /* non-empty cells (null markers excluded) */
	size_t numbers, money;      /* cells num_parse / money_parse accept */
	size_t decimal_comma;       /* cells that read only with decimal = comma */
	int64_t money_sum;          /* of the money cells, in cents (saturating) */
	int64_t *cents;             /* hr: every amount read (decimal-comma ones too) */
	size_t ncents, cents_alloc;
	size_t dates_builtin;       /* cells date_parse takes without a format */
	char *date_format;          /* decided strptime format, or NULL */
	size_t date_ok;             /* cells that parse with it (or built-in) */
	int32_t latest;             /* the latest date read that way, or DATE_NONE */
	char *date_why;             /* the evidence, e.g. "a day above 12 ..." */
	struct sniff_value *values; /* distinct texts, most frequent first */
	size_t nvalues;
	int values_overflow;        /* more than SNIFF_MAX_DISTINCT */
	int in_wide;                /* targets: one of the wide sheet's period columns */
	int key_rule;               /* hr: the field whose matching rule keys follow
				       (loader_key_text): its own, or name's when unmapped */
	struct u64set keys;         /* hr: every cell as a key compares (loader_key_text's
				       name rules), hashed: who another export names */
	/* internal: day/month evidence of a/b/yyyy cells */
	size_t dmy_cells;
	int max_first, max_second;
	int32_t latest_builtin, latest_dm, latest_md;
	size_t ok_dm, ok_md;        /* a/b/yyyy cells valid as d/m, as m/d */
	char dmy_sep;
	int dmy_short_year;
};

struct sniff {
	enum input_kind in;
	int xlsx;
	char *sheet;                /* xlsx: the sheet read */
	int nsheets;                /* xlsx: sheets in the workbook (up to 50 looked at) */
	const char *encoding;       /* "auto", "utf-8", "gb18030", "utf-16" */
	char *encoding_why;
	char delimiter;
	char *delimiter_why;
	int header_row;
	char *header_why;
	size_t rows;                /* data rows looked at */
	int more_rows;              /* the file had more than SNIFF_MAX_ROWS */
	struct sniff_col *cols;
	size_t ncols;
	struct strlist nulls;       /* null markers seen in typed columns */
	/* targets: a quota sheet with a column per month (nwide 12) or per
	 * quarter (4), found by the headers ("Jan", "2026-01", "10月", "Q4",
	 * "第四季度"): wide[i] is the column of month/quarter i+1; 0 if none. */
	size_t wide[12];
	int nwide;
};

/* Looks at the export at path as input `in`. 0, or -1 with d set. */
int sniff_file(struct sniff *s, const char *path, enum input_kind in, struct diag *d);
void sniff_release(struct sniff *s);

/* The column mapped to field f, or NULL. */
const struct sniff_col *sniff_field(const struct sniff *s, int f);

/* How many of col's distinct values (the first SNIFF_MAX_DISTINCT) are
 * cells of the HR column hr, compared as the run compares that field's
 * keys (loader_key_text: ids trimmed, e-mails in any case, names also
 * "Last, First" = "First Last"): the evidence for employee_key. */
size_t sniff_key_hits(const struct sniff_col *hr, const struct sniff_col *col);

/*
 * The canonical value of a value set ("stage", "yesno", "dept_type") an
 * unknown export text most likely means, from words in it ("Closed - Won",
 * "已成交" -> "won"), or NULL when nothing suggests one.
 */
const char *sniff_guess_value(const char *set, const char *text);
/* Whether a cell text is one exports write for "no value" (NULL, N/A,
 * #N/A, -, 无, ...): init proposes it for `null =`, the loader hints it. */
int sniff_is_null_word(const char *t);

#endif
