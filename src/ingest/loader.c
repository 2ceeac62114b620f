/*
 * loader: header mapping and typed cell access shared by the input loaders.
 *
 * The header is mapped once per file, so a row costs one array lookup per
 * field, never a string comparison against header names.
 */
#include "ingest/loader.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/strbuf.h"

#include <stdarg.h>
#include <string.h>
#include <strings.h>

static const char *input_name(const struct loader *ld)
{
	return schema_inputs[ld->in].name;
}

static const char *display_of(const struct input_conf *ic)
{
	return ic->file;   /* resolved: a path the user can open from here */
}

/* Does header cell h name field f (canonical name or an INI alias)? */
static int header_matches(const struct input_conf *ic, enum input_kind in, int f,
			  const char *h)
{
	size_t i;
	if (!strcasecmp(h, schema_inputs[in].fields[f].name))
		return 1;
	for (i = 0; i < ic->aliases[f].nr; i++) {
		struct strbuf a = STRBUF_INIT;
		int eq;
		strbuf_addstr(&a, ic->aliases[f].items[i]);
		strbuf_trim(&a);
		eq = !strcasecmp(h, a.buf);
		strbuf_release(&a);
		if (eq)
			return 1;
	}
	return 0;
}

static void missing_column(struct loader *ld, int f, const struct csv_row *hdr)
{
	struct strbuf names = STRBUF_INIT, found = STRBUF_INIT;
	const struct strlist *al = &ld->ic->aliases[f];
	size_t i;
	strbuf_addf(&names, "'%s'", schema_inputs[ld->in].fields[f].name);
	for (i = 0; i < al->nr; i++)
		strbuf_addf(&names, ", '%s'", al->items[i]);
	for (i = 0; i < hdr->n; i++)
		strbuf_addf(&found, "%s'%s'", i ? ", " : "", hdr->cell[i]);
	diag_error(ld->d, MERIT_DATAERR, ld->file, hdr->row_line, 0,
		   "input '%s' has no column for field '%s'", input_name(ld),
		   schema_inputs[ld->in].fields[f].name);
	diag_hint(ld->d, "looked for %s; the header has %s; add the export's name to [columns.%s] %s",
		  names.buf, found.len ? found.buf : "no columns", input_name(ld),
		  schema_inputs[ld->in].fields[f].name);
	strbuf_release(&names);
	strbuf_release(&found);
}

static int map_header(struct loader *ld, const struct csv_row *hdr)
{
	const struct input_schema *s = &schema_inputs[ld->in];
	size_t f, j;
	int missing = 0;
	for (f = 0; f < s->nfields; f++) {
		ld->col[f] = -1;
		for (j = 0; j < hdr->n && ld->col[f] < 0; j++)
			if (header_matches(ld->ic, ld->in, (int)f, hdr->cell[j]))
				ld->col[f] = (int)j;
		if (ld->col[f] < 0 && s->fields[f].required) {
			missing_column(ld, (int)f, hdr);
			missing = 1;
		}
		if (s->fields[f].type == FT_VALUE)
			ld->vs[f] = config_valueset(ld->cfg, s->fields[f].valueset);
	}
	/* Excel may end the header with empty cells too (trailing commas). */
	for (ld->ncols = hdr->n; ld->ncols && !*hdr->cell[ld->ncols - 1]; ld->ncols--)
		;
	return missing ? -1 : 0;
}

static int open_file(struct loader *ld)
{
	struct csv_row hdr;
	int rc;
	ld->r = csvread_open(ld->ic->file, ld->file, ld->ic->encoding, ld->ic->delimiter, ld->d);
	if (!ld->r) {
		diag_hint(ld->d, "check `file =` in [input.%s]", input_name(ld));
		return -1;
	}
	rc = csvread_next(ld->r, &hdr, ld->d);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return diag_error(ld->d, MERIT_DATAERR, ld->file, 0, 0,
				  "input '%s' is empty: no header row", input_name(ld));
	return map_header(ld, &hdr);
}

int loader_open(struct loader *ld, struct company *c, const struct config *cfg,
		enum input_kind in, struct diag *d)
{
	memset(ld, 0, sizeof(*ld));
	ld->c = c;
	ld->cfg = cfg;
	ld->d = d;
	ld->in = in;
	ld->ic = &cfg->inputs[in];
	ld->st = &c->inputs[in];
	if (!ld->ic->declared) {
		if (!schema_inputs[in].required)
			return 0;
		return diag_error(d, MERIT_CONFIG, cfg->path, 0, 0,
				  "required input [input.%s] is not declared", schema_inputs[in].name);
	}
	ld->file = display_of(ld->ic);
	if (open_file(ld) < 0) {
		loader_close(ld);
		return -1;
	}
	ld->st->present = 1;
	ld->st->encoding = csvread_encoding(ld->r);
	return 1;
}

int loader_reopen(struct loader *ld)
{
	csvread_free(ld->r);
	ld->r = NULL;
	ld->st = NULL;      /* a second pass counts nothing again */
	return open_file(ld);
}

void loader_skim(struct loader *ld, int field, csvread_keep_fn *keep, void *arg)
{
	if (ld->col[field] >= 0)
		csvread_skim(ld->r, (size_t)ld->col[field], keep, arg);
}

static void hint(const struct loader *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Does the row have as many cells as the header? Fewer is a truncated
 * export (a missing trailing cell cannot be told from a shifted one); more
 * is fine only when the extra cells are empty (Excel's trailing commas).
 */
static int row_fits(struct loader *ld)
{
	size_t i, n = ld->row.n;
	for (i = ld->ncols; i < n && !*ld->row.cell[i]; i++)
		;
	if (n >= ld->ncols && i == n)
		return 1;
	if (!ld->st)
		return 0;   /* a second pass: reported the first time */
	if (n < ld->ncols)
		loader_problem(ld, ROW_BAD_ROW, -1, "row has %zu cells, the header has %zu",
			       n, ld->ncols);
	else
		loader_problem(ld, ROW_BAD_ROW, -1, "row has %zu cells, the header has %zu "
			       "(cell %zu is not empty)", n, ld->ncols, i + 1);
	hint(ld, "a row cut short or with extra cells is not used: is a delimiter or a "
	     "quote missing, or was the export truncated?");
	return 0;
}

int loader_next(struct loader *ld)
{
	int rc;
	do {
		rc = csvread_next(ld->r, &ld->row, ld->d);
		ld->bad = 0;
		if (rc > 0 && ld->st)
			ld->st->rows++;
	} while (rc > 0 && !row_fits(ld));
	if (rc == 0 && ld->st) {
		memcpy(ld->st->sha256, csvread_sha256(ld->r), 65);
		ld->st->encoding = csvread_encoding(ld->r);
	}
	return rc;
}

void loader_close(struct loader *ld)
{
	size_t f;
	csvread_free(ld->r);
	ld->r = NULL;
	for (f = 0; f < SCHEMA_MAX_FIELDS; f++) {
		strbuf_release(&ld->memo_text[f]);
		ld->memo_value[f] = NULL;
	}
}

const char *loader_text(const struct loader *ld, int field)
{
	int j = ld->col[field];
	if (j < 0 || (size_t)j >= ld->row.n)
		return "";
	return ld->row.cell[j];
}

int loader_line(const struct loader *ld, int field)
{
	int j = ld->col[field];
	if (j < 0 || (size_t)j >= ld->row.n)
		return ld->row.row_line;
	return ld->row.line[j];
}

static void problem(struct loader *ld, enum row_problem kind, int is_error, int field,
		    const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void problem(struct loader *ld, enum row_problem kind, int is_error, int field,
		    const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	int col = field >= 0 && ld->col[field] >= 0 ? ld->col[field] + 1 : 0;
	int line = field >= 0 ? loader_line(ld, field) : ld->row.row_line;
	ld->bad = 1;
	if (ld->quiet)
		return;
	strbuf_vaddf(&sb, fmt, ap);
	diag_row(ld->d, row_problem_names[kind], is_error, ld->file, line, col, "%s", sb.buf);
	strbuf_release(&sb);
}

void loader_problem(struct loader *ld, enum row_problem kind, int field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	problem(ld, kind, ld->cfg->policy.row_is_error[kind], field, fmt, ap);
	va_end(ap);
}

void loader_error(struct loader *ld, enum row_problem kind, int field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	problem(ld, kind, 1, field, fmt, ap);
	va_end(ap);
}

/* diag_hint, unless re-reading quietly (the hint would land on another message). */
static void hint(const struct loader *ld, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	if (ld->quiet)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	diag_hint(ld->d, "%s", sb.buf);
	strbuf_release(&sb);
}

static const char *field_name(const struct loader *ld, int field)
{
	return schema_inputs[ld->in].fields[field].name;
}

/* num_parse's and money_parse's result as loader_* returns it: 1, 0 for an
 * empty cell, -1 after a bad_number problem saying what was expected. */
static int number_result(struct loader *ld, int field, enum num_result r, const char *what)
{
	const char *s = loader_text(ld, field);
	if (r == NUM_OK)
		return 1;
	if (r == NUM_EMPTY)
		return 0;
	if (r == NUM_RANGE)
		loader_problem(ld, ROW_BAD_NUMBER, field, "%s '%s' is out of range",
			       field_name(ld, field), s);
	else
		loader_problem(ld, ROW_BAD_NUMBER, field, "%s '%s' is not %s",
			       field_name(ld, field), s, what);
	return -1;
}

int loader_number(struct loader *ld, int field, double *out)
{
	return number_result(ld, field, num_parse(loader_text(ld, field), out), "a number");
}

int loader_money(struct loader *ld, int field, int64_t *cents)
{
	return number_result(ld, field, money_parse(loader_text(ld, field), cents),
			     "an amount of money");
}

int loader_date(struct loader *ld, int field, int32_t *out)
{
	const char *s = loader_text(ld, field);
	const struct strlist *f = &ld->ic->date_formats;
	switch (date_parse(s, (const char *const *)f->items, f->nr, out)) {
	case DATE_OK:
		return 1;
	case DATE_EMPTY:
		return 0;
	case DATE_RANGE:
		loader_problem(ld, ROW_BAD_DATE, field, "%s '%s' is outside %d-%d",
			       field_name(ld, field), s, DATE_MIN_YEAR, DATE_MAX_YEAR);
		return -1;
	default:
		loader_problem(ld, ROW_BAD_DATE, field, "%s '%s' is not a date",
			       field_name(ld, field), s);
		if (f->nr)
			hint(ld, "expected %s, 2026-10-05, 2026/10/05, 2026.10.05 or 2026年10月5日",
			     f->items[0]);
		else
			hint(ld, "expected 2026-10-05, 2026/10/05, 2026.10.05, 2026年10月5日 or set `date_format =` in [input.%s]",
			     input_name(ld));
		return -1;
	}
}

/* Built-in aliases, for a value set the config did not define at all. */
static const char *builtin_map(const char *set, const char *text)
{
	size_t i;
	for (i = 0; i < schema_nbuiltin_values; i++) {
		const struct builtin_value *b = &schema_builtin_values[i];
		const char *p = b->aliases;
		if (strcmp(b->set, set))
			continue;
		if (!strcasecmp(text, b->canonical))
			return b->canonical;
		while (*p) {
			size_t n = strcspn(p, ",");
			const char *q = p + n;
			while (*p == ' ')
				p++, n--;
			if (n == strlen(text) && !strncasecmp(p, text, n))
				return b->canonical;
			p = *q ? q + 1 : q;
		}
	}
	return NULL;
}

static void allowed_values(const struct loader *ld, int field, struct strbuf *sb)
{
	const struct valueset *vs = ld->vs[field];
	const char *set = schema_inputs[ld->in].fields[field].valueset;
	size_t i;
	if (vs) {
		for (i = 0; i < vs->nr; i++)
			strbuf_addf(sb, "%s%s", i ? ", " : "", vs->values[i].canonical);
		return;
	}
	for (i = 0; i < schema_nbuiltin_values; i++)
		if (!strcmp(schema_builtin_values[i].set, set))
			strbuf_addf(sb, "%s%s", sb->len ? ", " : "", schema_builtin_values[i].canonical);
}

int loader_value(struct loader *ld, int field, const char **canonical)
{
	const char *s = loader_text(ld, field);
	const char *set = schema_inputs[ld->in].fields[field].valueset;
	const char *v;
	struct strbuf allowed = STRBUF_INIT;
	if (!*s)
		return 0;
	if (ld->memo_value[field] && !strcmp(ld->memo_text[field].buf, s)) {
		*canonical = ld->memo_value[field];
		return 1;
	}
	v = ld->vs[field] ? valueset_map(ld->vs[field], s) : builtin_map(set, s);
	if (v) {
		strbuf_reset(&ld->memo_text[field]);
		strbuf_addstr(&ld->memo_text[field], s);
		ld->memo_value[field] = v;
		*canonical = v;
		return 1;
	}
	allowed_values(ld, field, &allowed);
	loader_problem(ld, ROW_BAD_VALUE, field, "%s '%s' is not one of %s", field_name(ld, field),
		       s, allowed.buf);
	hint(ld, "map it to one of them in [values.%s]", set);
	strbuf_release(&allowed);
	return -1;
}
