/*
 * loader: header mapping and typed cell access shared by the input loaders.
 *
 * The header is mapped once per file, so a row costs one array lookup per
 * field, never a string comparison against header names.
 */
#include "ingest/loader.h"
#include "ingest/sniff.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/sha256.h"
#include "util/strbuf.h"

#include <glob.h>
#include <stdint.h>
#include <stdlib.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *input_name(const struct loader *ld)
{
	return schema_inputs[ld->in].name;
}

static const char *display_of(const struct input_conf *ic)
{
	return ic->file;   /* resolved: a path the user can open from here */
}

static void hint(const struct loader *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Length of the white space at p: ASCII, no-break (U+00A0, U+202F) and
 * ideographic (U+3000) spaces, as spreadsheets put them into headers. */
static size_t space_len(const char *p)
{
	if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		return 1;
	if (!strncmp(p, "\xC2\xA0", 2))
		return 2;
	if (!strncmp(p, "\xE2\x80\xAF", 3) || !strncmp(p, "\xE3\x80\x80", 3))
		return 3;
	return 0;
}

/*
 * s (len bytes) as headers are compared (norm_add appends it to out,
 * header_norm replaces out with it): ASCII case folded, every run of
 * white space one space, leading and trailing ones none. So a header typed
 * "Hire<Alt+Enter>Date", "Full  Name" or "Salary<NBSP>" is the "Hire Date",
 * "Full Name" or "Salary" a user writes in the INI.
 */
static void norm_add(const char *s, size_t len, struct strbuf *out)
{
	const char *end = s + len;
	size_t start = out->len;
	int gap = 0;
	while (s < end) {
		size_t n = space_len(s);
		if (n) {
			gap = out->len > start;
			s += n;
			continue;
		}
		if (gap)
			strbuf_addch(out, ' ');
		gap = 0;
		strbuf_addch(out, *s >= 'A' && *s <= 'Z' ? (char)(*s + 32) : *s);
		s++;
	}
}

static void header_norm(const char *s, size_t len, struct strbuf *out)
{
	strbuf_reset(out);
	norm_add(s, len, out);
}

/* Header cell index named by alias a (trimmed, any case, white space as
 * header_norm says), or -1. Runs once per file and alias, never per row. */
static int header_index(const struct src_row *hdr, size_t ncols, const char *a, size_t len)
{
	struct strbuf want = STRBUF_INIT, cell = STRBUF_INIT;
	size_t j;
	int found = -1;
	if (!len)
		return -1;
	header_norm(a, len, &want);
	for (j = 0; j < ncols && found < 0; j++) {
		header_norm(hdr->cell[j], strlen(hdr->cell[j]), &cell);
		if (cell.len == want.len && !memcmp(cell.buf, want.buf, want.len))
			found = (int)j;
	}
	strbuf_release(&want);
	strbuf_release(&cell);
	return found;
}

/*
 * Maps field f through alias a: a header's name, or (when no header is
 * called a and a holds '+') the headers its parts name, all of them
 * present. Returns 1 when mapped.
 */
static int map_alias(struct loader *ld, int f, const struct src_row *hdr, size_t ncols,
		     const char *a)
{
	size_t len = strlen(a), k = 0;
	const char *p = a;
	int j;
	str_trim(&a, &len);
	if ((j = header_index(hdr, ncols, a, len)) >= 0) {
		ld->col[f] = j;
		return 1;
	}
	if (!memchr(a, '+', len))
		return 0;
	for (p = a; p < a + len && k < LOADER_MAX_JOIN - 1;) {
		const char *q = memchr(p, '+', (size_t)(a + len - p));
		const char *part = p;
		size_t n = (size_t)((q ? q : a + len) - p);
		str_trim(&part, &n);
		if ((j = header_index(hdr, ncols, part, n)) < 0)
			return 0;
		ld->join[f][k++] = j;
		p = q ? q + 1 : a + len;
	}
	ld->join[f][k] = -1;
	ld->col[f] = COL_SYNTH;
	ld->need_synth = 1;
	return 1;
}

/* Echoed header cells: the first few, each cut short, then "and N more". */
#define HEADER_SHOW 12
#define HEADER_CELL_SHOW 40

static void missing_column(struct loader *ld, int f, const struct src_row *hdr, int status,
			   const char *used_by)
{
	struct strbuf names = STRBUF_INIT, found = STRBUF_INIT;
	const struct strlist *al = &ld->ic->aliases[f];
	const char *fname = schema_inputs[ld->in].fields[f].name;
	size_t i;
	strbuf_addf(&names, "'%s'", fname);
	for (i = 0; i < al->nr; i++)
		strbuf_addf(&names, ", '%s'", al->items[i]);
	for (i = 0; i < hdr->n && i < HEADER_SHOW; i++) {
		const char *cell = hdr->cell[i];
		size_t len = strlen(cell), cut = len;
		if (cut > HEADER_CELL_SHOW) {
			cut = HEADER_CELL_SHOW;
			while (cut && ((unsigned char)cell[cut] & 0xC0) == 0x80)
				cut--;
		}
		strbuf_addf(&found, "%s'%.*s%s'", i ? ", " : "", (int)cut, cell,
			    cut < len ? "..." : "");
	}
	if (hdr->n > HEADER_SHOW)
		strbuf_addf(&found, " and %zu more", hdr->n - HEADER_SHOW);
	if (used_by)
		diag_error(ld->d, status, ld->file, hdr->row_line, 0,
			   "input '%s' has no column for field '%s', which %s uses", input_name(ld),
			   fname, used_by);
	else
		diag_error(ld->d, status, ld->file, hdr->row_line, 0,
			   "input '%s' has no column for field '%s'", input_name(ld), fname);
	/* A first line with no known column at all may be some other file
	 * (a password file, a binary): it is not echoed. */
	if (ld->any_mapped)
		diag_hint(ld->d, "looked for %s; the header has %s; add the export's name to "
			  "[columns.%s] %s, or give every row a value in [defaults.%s]",
			  names.buf, found.len ? found.buf : "no columns", input_name(ld), fname,
			  input_name(ld));
	else
		diag_hint(ld->d, "looked for %s; the first line has none of the %s columns "
			  "(%zu cells, not shown): is it the right file?", names.buf,
			  input_name(ld), hdr->n);
	strbuf_release(&names);
	strbuf_release(&found);
}

/* Is field f of this input read from the layout rather than a column? */
static int made_by_layout(const struct loader *ld, int f)
{
	return ld->ic->wide && ld->in == INPUT_TARGETS &&
	       (f == TARGETS_PERIOD || f == TARGETS_TARGET);
}

static int map_wide(struct loader *ld, const struct src_row *hdr)
{
	const struct strlist *m = &ld->ic->months;
	size_t i;
	int missing = 0;
	for (i = 0; i < 12; i++) {
		const char *a = i < m->nr ? m->items[i] : "";
		if (i >= m->nr && m->nr == 4)
			break;   /* by quarter */
		ld->month_col[i] = *a ? header_index(hdr, ld->ncols, a, strlen(a)) : -1;
		if (ld->month_col[i] < 0) {
			diag_error(ld->d, MERIT_DATAERR, ld->file, hdr->row_line, 0,
				   "input '%s' has no column '%s' for %s %zu", input_name(ld),
				   *a ? a : "?", m->nr == 4 ? "quarter" : "month", i + 1);
			diag_hint(ld->d, "[columns.%s] months names the column of each month "
				  "(or quarter), January first", input_name(ld));
			missing = 1;
		}
	}
	if (ld->col[TARGETS_YEAR] == COL_ABSENT && !ld->deflt[TARGETS_YEAR]) {
		missing_column(ld, TARGETS_YEAR, hdr, MERIT_DATAERR, "layout = wide");
		missing = 1;
	}
	ld->col[TARGETS_PERIOD] = ld->col[TARGETS_TARGET] = COL_SYNTH;
	ld->need_synth = 1;
	return missing ? -1 : 0;
}

/* How many fields of the input row's cells name (a canonical name or an
 * alias as a whole header; joins are not tried). */
static size_t fields_named(const struct loader *ld, const struct src_row *row)
{
	const struct input_schema *s = &schema_inputs[ld->in];
	size_t f, i, n = 0, ncols = row->n;
	for (f = 0; f < s->nfields; f++) {
		const struct strlist *al = &ld->ic->aliases[f];
		const char *name = s->fields[f].name;
		int hit = header_index(row, ncols, name, strlen(name)) >= 0;
		for (i = 0; !hit && i < al->nr; i++) {
			const char *a = al->items[i];
			size_t len = strlen(a);
			str_trim(&a, &len);
			hit = header_index(row, ncols, a, len) >= 0;
		}
		n += hit;
	}
	return n;
}

/* Rows read below a header that names no field, looking for the real one. */
#define HEADER_SEARCH 30

/*
 * The header row names no field at all. When a row a little further down
 * names two or more, the rows above it are titles or notes (an HR system's
 * "Staff list, exported ..."): one error that says where the header is and
 * the header_row that reads it, instead of one error per missing column.
 * Returns 1 when that error was given.
 */
static int header_further_down(struct loader *ld, const struct src_row *hdr)
{
	struct src_row row;
	int k, rc;
	for (k = 0; k < HEADER_SEARCH && (rc = source_next(&ld->src, &row, ld->d)) > 0; k++) {
		if (fields_named(ld, &row) < 2)
			continue;
		diag_error(ld->d, MERIT_DATAERR, ld->file, hdr->row_line, 0,
			   "input '%s': line %d is not the header; line %d names its columns",
			   input_name(ld), hdr->row_line, row.row_line);
		diag_hint(ld->d, "set header_row = %d in [input.%s]: the rows above it "
			  "(titles, notes) are then skipped", row.row_line, input_name(ld));
		return 1;
	}
	return 0;
}

static int map_header(struct loader *ld, const struct src_row *hdr)
{
	const struct input_schema *s = &schema_inputs[ld->in];
	size_t f, i;
	int missing = 0;
	/* Excel may end the header with empty cells too (trailing commas). */
	for (ld->ncols = hdr->n; ld->ncols && !*hdr->cell[ld->ncols - 1]; ld->ncols--)
		;
	ld->need_synth = 0;
	ld->any_mapped = 0;
	for (f = 0; f < s->nfields; f++) {
		const struct strlist *al = &ld->ic->aliases[f];
		int mapped = 0;
		ld->is_id[f] = schema_is_id_field(s->fields[f].name);
		ld->col[f] = COL_ABSENT;
		ld->deflt[f] = ld->ic->defaults[f];
		if (s->fields[f].type == FT_VALUE)
			ld->vs[f] = config_valueset(ld->cfg, s->fields[f].valueset);
		/* The canonical name first, then the aliases in INI order. */
		mapped = map_alias(ld, (int)f, hdr, ld->ncols, s->fields[f].name);
		for (i = 0; !mapped && i < al->nr; i++)
			mapped = map_alias(ld, (int)f, hdr, ld->ncols, al->items[i]);
		ld->any_mapped |= mapped;
	}
	if (!ld->any_mapped && header_further_down(ld, hdr))
		return -1;
	for (f = 0; f < s->nfields; f++) {
		if (ld->col[f] != COL_ABSENT || ld->deflt[f] || made_by_layout(ld, (int)f))
			continue;
		if (s->fields[f].required) {
			missing_column(ld, (int)f, hdr, MERIT_DATAERR, NULL);
			missing = 1;
		} else if (ld->ic->used_by[f]) {
			missing_column(ld, (int)f, hdr, MERIT_CONFIG, ld->ic->used_by[f]);
			missing = 1;
		}
	}
	if (ld->ic->wide && ld->in == INPUT_TARGETS && map_wide(ld, hdr) < 0)
		missing = 1;
	return missing ? -1 : 0;
}

/* A symlink or a FIFO/device/folder could make merit read (and quote in
 * its messages) a file nobody meant to give it: refused unless [run]
 * allow_special_inputs = yes. A missing file is left to the open. */
static int check_regular(struct loader *ld, const char *path)
{
	struct stat st;
	const char *what;
	if (ld->cfg->allow_special_inputs || lstat(path, &st) < 0 || S_ISREG(st.st_mode))
		return 0;
	what = S_ISLNK(st.st_mode) ? "a symbolic link" : S_ISDIR(st.st_mode) ? "a folder"
		: "not a regular file";
	diag_error(ld->d, MERIT_NOINPUT, path, 0, 0, "input '%s' is %s", input_name(ld), what);
	diag_hint(ld->d, "point `file =` in [input.%s] at the export itself, or set [run] "
		  "allow_special_inputs = yes", input_name(ld));
	return -1;
}

/* Opens file number i and reads up to its header. */
static int open_file(struct loader *ld, size_t i)
{
	struct src_row hdr;
	int rc;
	source_close(&ld->src);
	ld->nfile = i;
	if (check_regular(ld, ld->files.items[i]) < 0)
		return -1;
	if (source_open(&ld->src, ld->files.items[i], ld->files.items[i], ld->ic, ld->d) < 0) {
		/* The source's own hint (a workbook's sheet names) says more. */
		if (ld->d->nr && !ld->d->msgs[ld->d->nr - 1].hint)
			diag_hint(ld->d, "check `file =` in [input.%s]", input_name(ld));
		return -1;
	}
	ld->file = ld->src.display;
	ld->typed = !strcmp(source_encoding(&ld->src), "xlsx");
	do
		rc = source_next(&ld->src, &hdr, ld->d);
	while (rc > 0 && hdr.row_line < ld->ic->header_row);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		if (ld->ic->header_row > 1)
			return diag_error(ld->d, MERIT_DATAERR, ld->file, 0, 0,
					  "input '%s' has no row at or below header_row = %d",
					  input_name(ld), ld->ic->header_row);
		return diag_error(ld->d, MERIT_DATAERR, ld->file, 0, 0,
				  "input '%s' is empty: no header row", input_name(ld));
	}
	return map_header(ld, &hdr);
}

static int has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* The files `file =` names: itself, or its glob's matches in name order. */
static int expand_files(struct loader *ld)
{
	glob_t g;
	size_t i;
	int rc;
	if (!has_glob(ld->ic->file)) {
		strlist_push(&ld->files, ld->ic->file);
		return 0;
	}
	rc = glob(ld->ic->file, 0, NULL, &g);
	if (rc == GLOB_NOMATCH || (rc == 0 && !g.gl_pathc)) {
		if (rc == 0)
			globfree(&g);
		diag_error(ld->d, MERIT_NOINPUT, NULL, 0, 0, "input '%s': no file matches '%s'",
			   input_name(ld), input_file_shown(ld->ic));
		diag_hint(ld->d, "check `file =` in [input.%s] (relative to the INI's folder)",
			  input_name(ld));
		return -1;
	}
	if (rc != 0)
		return diag_error(ld->d, MERIT_NOINPUT, NULL, 0, 0, "input '%s': cannot list '%s'",
				  input_name(ld), ld->ic->file);
	for (i = 0; i < g.gl_pathc; i++)   /* glob() sorts them */
		strlist_push(&ld->files, g.gl_pathv[i]);
	globfree(&g);
	return 0;
}

void loader_key_text(int hr_field, const char *text, struct strbuf *out)
{
	size_t len = strlen(text), i;
	const char *comma = memchr(text, ',', len);
	strbuf_reset(out);
	if (hr_field == HR_NAME) {
		/* "Last, First" as "First Last"; spaces and case as headers' */
		if (comma && comma > text && !memchr(comma + 1, ',', len - (size_t)(comma - text) - 1)) {
			norm_add(comma + 1, len - (size_t)(comma - text) - 1, out);
			if (out->len) {
				size_t mark = out->len;
				strbuf_addch(out, ' ');
				norm_add(text, (size_t)(comma - text), out);
				if (out->len > mark + 1)
					return;
				strbuf_reset(out);      /* ", First": no surname to move */
			}
		}
		norm_add(text, len, out);
		return;
	}
	strbuf_addstr(out, text);
	strbuf_trim(out);
	if (hr_field == HR_EMAIL)
		for (i = 0; i < out->len; i++)
			if (out->buf[i] >= 'A' && out->buf[i] <= 'Z')
				out->buf[i] = (char)(out->buf[i] - 'A' + 'a');
}

/* employee_key = alt_id, email or name: HR's key texts -> rows. */
static void build_keymap(struct loader *ld)
{
	const struct company *c = ld->c;
	struct strbuf k = STRBUF_INIT;
	size_t i, first;
	ld->keyed = 1;
	strmap_init(&ld->keymap);
	ld->key_next = xcalloc(c->nemps + 1, sizeof(*ld->key_next));
	for (i = 0; i < c->nemps; i++) {
		const char *t = employee_hr_text(&c->emps[i], ld->ic->employee_key);
		ld->key_next[i] = SIZE_MAX;
		loader_key_text(ld->ic->employee_key, t ? t : "", &k);
		if (!k.len)
			continue;
		if (strmap_get(&ld->keymap, k.buf, &first)) {
			while (ld->key_next[first] != SIZE_MAX)
				first = ld->key_next[first];
			ld->key_next[first] = i;
			continue;
		}
		strlist_push(&ld->keymap_keys, k.buf);
		strmap_put(&ld->keymap, ld->keymap_keys.items[ld->keymap_keys.nr - 1], i);
	}
	strbuf_release(&k);
}

/* SPEC 4: hired on or before the period's last day and not gone before its first. */
static int in_period(const struct company *c, const struct employee *e)
{
	return e->hire_date <= c->period.last &&
	       (e->leave_date == DATE_NONE || e->leave_date >= c->period.first);
}

static char key_kind(int hr_field)
{
	return hr_field == HR_ALT_ID ? 'a' : hr_field == HR_EMAIL ? 'e' : hr_field == HR_NAME ? 'n' : 'i';
}

void loader_set_aside_hr(struct loader *ld)
{
	static const int fields[] = { HR_EMPLOYEE_ID, HR_ALT_ID, HR_EMAIL, HR_NAME };
	struct company *c = ld->c;
	struct strbuf key = STRBUF_INIT, norm = STRBUF_INIT, why = STRBUF_INIT;
	size_t i, have;
	const char *file;
	int line = ld->row.row_line, col = 0;
	source_locate(&ld->src, line, 0, &ld->where, &file, &line, &col);
	if (line)
		strbuf_addf(&why, "%s:%d, set aside: %s", file, line, ld->first_problem.buf);
	else
		strbuf_addf(&why, "%s, set aside: %s", file, ld->first_problem.buf);
	strlist_push(&c->hr_set_aside_why, why.buf);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		loader_key_text(fields[i], loader_text(ld, fields[i]), &norm);
		if (!norm.len)
			continue;
		strbuf_reset(&key);
		strbuf_addf(&key, "%c:%s", key_kind(fields[i]), norm.buf);
		if (strmap_get(&c->hr_set_aside, key.buf, &have))
			continue;   /* the first set-aside row with it names it */
		strlist_push(&c->hr_set_aside_keys, key.buf);
		strmap_put(&c->hr_set_aside, c->hr_set_aside_keys.items[c->hr_set_aside_keys.nr - 1],
			   c->hr_set_aside_why.nr - 1);
	}
	strbuf_release(&key);
	strbuf_release(&norm);
	strbuf_release(&why);
}

static const char *const key_names[] = {
	[HR_EMPLOYEE_ID] = "employee_id", [HR_ALT_ID] = "alt_id", [HR_EMAIL] = "email",
	[HR_NAME] = "name",
};

/*
 * Counts an employee text not in HR. Returns 1 when it was met before in
 * this input: the row is set aside (and an error, as its first row was,
 * when [policy] says so) without another message; 0 for the first time.
 */
static int tally_unknown(struct loader *ld, const char *text, const char *why)
{
	size_t k;
	if (!ld->st)
		return 0;   /* a second pass: reported the first time */
	if (!ld->unknown_vals.nr && !ld->unknown_rows)
		strmap_init(&ld->unknown_ix);
	ld->unknown_rows++;
	if (strmap_get(&ld->unknown_ix, text, &k)) {
		ld->unknown_counts[k]++;
		ld->bad = 1;
		if (!ld->first_problem.len && why)
			strbuf_addf(&ld->first_problem, "'%s' is %s", text, why);
		else if (!ld->first_problem.len)
			strbuf_addf(&ld->first_problem, "'%s' is not in the HR export", text);
		return 1;
	}
	ALLOC_GROW(ld->unknown_counts, ld->unknown_vals.nr + 1, ld->unknown_alloc);
	ALLOC_GROW(ld->unknown_why, ld->unknown_vals.nr + 1, ld->unknown_why_alloc);
	ld->unknown_counts[ld->unknown_vals.nr] = 1;
	ld->unknown_why[ld->unknown_vals.nr] = why;
	strlist_push(&ld->unknown_vals, text);
	strmap_put(&ld->unknown_ix, ld->unknown_vals.items[ld->unknown_vals.nr - 1],
		   ld->unknown_vals.nr - 1);
	return 0;
}

/* Most rows first, then in order of appearance (arg: the counts). */
static int by_count(const void *a, const void *b, void *arg)
{
	const size_t *counts = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	size_t cx = counts[x], cy = counts[y];
	return cx != cy ? (cx < cy) - (cx > cy) : (x > y) - (x < y);
}

void loader_most_frequent(struct strbuf *sb, const struct strlist *names, const size_t *counts)
{
	size_t n = names->nr, shown = n < 30 ? n : 30, i;
	size_t *order = xcalloc(n + 1, sizeof(*order));
	for (i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), by_count, (void *)counts);
	for (i = 0; i < shown; i++)
		strbuf_addf(sb, "%s'%s' (%zu row%s)", i ? ", " : "", names->items[order[i]],
			    counts[order[i]], counts[order[i]] == 1 ? "" : "s");
	if (n > shown)
		strbuf_addf(sb, " and %zu more", n - shown);
	free(order);
}

/* SPEC 3.1: repeated problems summarised by distinct value, most frequent first. */
/*
 * One summary line for the employees of one kind: not in the HR export
 * (aside 0), or in it on a row a problem set aside (aside 1). Those are
 * two causes with two fixes, so never one count.
 */
static void report_unknown_kind(struct loader *ld, int aside)
{
	struct strbuf sb = STRBUF_INIT;
	struct strlist names = { 0 };
	size_t *counts = xcalloc(ld->unknown_vals.nr + 1, sizeof(*counts));
	size_t i, n = 0, rows = 0;
	enum row_problem kind = ld->in == INPUT_SALES ? ROW_UNKNOWN_OWNER : ROW_UNKNOWN_EMPLOYEE;
	int is_error = ld->cfg->policy.row_is_error[kind];
	for (i = 0; i < ld->unknown_vals.nr; i++) {
		if (!ld->unknown_why[i] != !aside)
			continue;
		strlist_push(&names, ld->unknown_vals.items[i]);
		counts[n++] = ld->unknown_counts[i];
		rows += ld->unknown_counts[i];
	}
	if (n && rows != n) {
		struct strbuf who = STRBUF_INIT;
		loader_most_frequent(&sb, &names, counts);
		if (n == 1)
			strbuf_addstr(&who, "an employee");
		else
			strbuf_addf(&who, "one of %zu employees", n);
		if (aside && is_error)
			diag_error(ld->d, MERIT_DATAERR, ld->ic->file, 0, 0, "%zu rows name %s whose "
				   "HR row was set aside: %s", rows, who.buf, sb.buf);
		else if (aside)
			diag_warn(ld->d, ld->ic->file, 0, 0, "%zu rows name %s whose HR row was set "
				  "aside (these rows are set aside too): %s", rows, who.buf, sb.buf);
		else if (is_error)
			diag_error(ld->d, MERIT_DATAERR, ld->ic->file, 0, 0, "%zu rows name %s not "
				   "in the HR export: %s", rows, who.buf, sb.buf);
		else
			diag_warn(ld->d, ld->ic->file, 0, 0, "%zu rows name %s not in the HR export "
				  "(set aside): %s", rows, who.buf, sb.buf);
		strbuf_release(&who);
		if (aside)
			diag_hint(ld->d, "the HR rows' own problems are reported at their lines; "
				  "fixed there, these rows count again");
		else
			diag_hint(ld->d, "check that the HR export is complete and that [columns.%s] "
				  "maps the column that holds HR's %s", input_name(ld),
				  key_names[ld->keyed ? ld->ic->employee_key : HR_EMPLOYEE_ID]);
	}
	strlist_release(&names);
	free(counts);
	strbuf_release(&sb);
}

static void report_unknown(struct loader *ld)
{
	if (!ld->unknown_vals.nr || ld->unknown_rows == ld->unknown_vals.nr)
		return;
	report_unknown_kind(ld, 0);
	report_unknown_kind(ld, 1);
}

static void report(struct loader *ld, enum row_problem kind, int is_error, int field,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* loader_employee() when the inline lookup found nobody, or the input is
 * keyed by another HR field. */
long loader_employee_slow(struct loader *ld, int field, enum row_problem kind,
			 const char *what)
{
	const struct company *c = ld->c;
	const char *text = loader_text(ld, field);
	int kf = ld->keyed ? ld->ic->employee_key : HR_EMPLOYEE_ID;
	struct strbuf k = STRBUF_INIT, key = STRBUF_INIT;
	size_t e = 0, why = 0;
	long found = -1;
	int aside, err;
	if (!ld->keyed) {
		strbuf_addstr(&k, text);    /* loader_employee() looked it up in ids, by_id's frozen copy */
	} else {
		loader_key_text(kf, text, &k);
		if (strmap_get(&ld->keymap, k.buf, &e)) {
			size_t n = 0, in = 0, i;
			for (i = e; i != SIZE_MAX; i = ld->key_next[i]) {
				n++;
				if (in_period(c, &c->emps[i])) {
					if (!in++)
						found = (long)i;
				}
			}
			if (n == 1) {
				found = (long)e;
			} else if (in != 1) {
				struct strbuf rows = STRBUF_INIT;
				for (i = e; i != SIZE_MAX; i = ld->key_next[i])
					if (!in || in_period(c, &c->emps[i]))
						strbuf_addf(&rows, "%s%s (line %d)", rows.len ? ", " : "",
							    c->emps[i].id, c->emps[i].line);
				loader_error(ld, kind, field, "%s '%s' matches %zu HR rows by %s: %s", what,
					     text, in ? in : n, key_names[kf], rows.buf);
				hint(ld, "an %s must name one employee: make it unique in the HR export, "
				     "or key this input by another field (employee_key)", key_names[kf]);
				strbuf_release(&rows);
				found = -2;
			}
			if (found != -1) {
				strbuf_release(&k);
				return found < 0 ? -1 : found;
			}
		}
	}
	strbuf_addf(&key, "%c:%s", key_kind(kf), k.buf);
	aside = c->hr_set_aside_why.nr && strmap_get(&c->hr_set_aside, key.buf, &why);
	if (!ld->unknown_is_error &&
	    tally_unknown(ld, text, aside ? c->hr_set_aside_why.items[why] : NULL)) {
		strbuf_release(&k);
		strbuf_release(&key);
		return -1;
	}
	err = ld->unknown_is_error || ld->cfg->policy.row_is_error[kind];
	if (aside)
		report(ld, kind, err, field, "%s '%s' is %s", what, text,
		       c->hr_set_aside_why.items[why]);
	else if (kf == HR_EMPLOYEE_ID)
		report(ld, kind, err, field, "%s '%s' is not in the HR export", what, text);
	else
		report(ld, kind, err, field, "%s '%s' matches no %s in the HR export", what, text,
		       key_names[kf]);
	strbuf_release(&k);
	strbuf_release(&key);
	return -1;
}

int loader_open(struct loader *ld, struct company *c, const struct config *cfg,
		enum input_kind in, struct diag *d)
{
	memset(ld, 0, sizeof(*ld));
	ld->next_len = SIZE_MAX;   /* nothing peeked at */
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
	ld->need_null = ld->ic->nulls.nr > 0;
	if (expand_files(ld) < 0 || open_file(ld, 0) < 0) {
		loader_close(ld);
		return -1;
	}
	if (in != INPUT_HR && ld->ic->employee_key != HR_EMPLOYEE_ID)
		build_keymap(ld);
	else if (in != INPUT_HR)
		strmap_freeze(&ld->ids, &c->by_id);
	ld->st->present = 1;
	ld->st->encoding = source_encoding(&ld->src);
	ld->st->files = ld->files.nr;
	return 1;
}

int loader_reopen(struct loader *ld)
{
	ld->st = NULL;      /* a second pass counts nothing again */
	return open_file(ld, 0);
}

void loader_skim(struct loader *ld, int field, source_keep_fn *keep, void *arg)
{
	/* Several files: each would need the skim again; a rare case, parsed. */
	if (ld->col[field] >= 0 && ld->files.nr == 1)
		source_skim(&ld->src, (size_t)ld->col[field], keep, arg);
}


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

/* Blanks the cells that hold a `null` marker ("NULL", "-", ...). */
static void blank_nulls(struct loader *ld)
{
	const struct strlist *nl = &ld->ic->nulls;
	size_t i, k;
	for (i = 0; i < ld->row.n; i++) {
		char *cell = ld->row.cell[i];
		if (!*cell)
			continue;
		for (k = 0; k < nl->nr; k++)
			if (!strcasecmp(cell, nl->items[k])) {
				*cell = '\0';
				break;
			}
	}
}


/*
 * A totals row (合计, 小计, Total, Sum, ...) closes many exports: its first
 * cell says so and it names nobody. It is not data, so it is skipped with
 * a note rather than reported cell by cell as a row naming no one. A row
 * with an id in it is data whatever its first cell says. Returns the cell
 * that says so, or NULL.
 */
static const char *totals_row(const struct loader *ld)
{
#define WORD(w) { w, sizeof(w) - 1 }
	static const struct { const char *w; size_t n; } words[] = {
		WORD("合计"), WORD("总计"), WORD("小计"), WORD("总和"), WORD("合計"),
		WORD("總計"), WORD("小計"), WORD("總和"), WORD("total"), WORD("totals"),
		WORD("grand total"), WORD("subtotal"), WORD("sub-total"), WORD("sum"),
	};
#undef WORD
	/* The longest word and a full-width colon: any longer first cell (an
	 * id, every data row) is data without a look at the words. */
	enum { LONGEST = 11 + 3 };
	const char *first = NULL;
	size_t i, n;
	int f;
	for (i = 0; i < ld->row.n && !first; i++)
		if (*ld->row.cell[i])
			first = ld->row.cell[i];
	if (!first)
		return NULL;
	/* A first cell that starts like no word (a data row's id, most of the
	 * time) is data without measuring it. | 0x20: ASCII letters in either
	 * case; it lets a few other bytes through, which the words then test. */
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if ((*first | 0x20) == (words[i].w[0] | 0x20))
			break;
	if (i == sizeof(words) / sizeof(words[0]))
		return NULL;
	if ((n = strnlen(first, LONGEST + 1)) > LONGEST)
		return NULL;
	/* "合计：" and "Total:" */
	if (n >= 3 && !strcmp(first + n - 3, "\xef\xbc\x9a"))
		n -= 3;
	else if (n && first[n - 1] == ':')
		n--;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (words[i].n == n && !strncasecmp(first, words[i].w, n))
			break;
	if (i == sizeof(words) / sizeof(words[0]))
		return NULL;
	for (f = 0; f < (int)schema_inputs[ld->in].nfields; f++) {
		const char *v;
		if (ld->col[f] < 0 || !ld->is_id[f])
			continue;
		v = (size_t)ld->col[f] < ld->row.n ? ld->row.cell[ld->col[f]] : "";
		if (*v && v != first)
			return NULL;
	}
	return first;
}

static const char *cell_at(const struct loader *ld, int j)
{
	return j >= 0 && (size_t)j < ld->row.n ? ld->row.cell[j] : "";
}

static void build_joins(struct loader *ld)
{
	size_t f, k;
	for (f = 0; f < schema_inputs[ld->in].nfields; f++) {
		if (ld->col[f] != COL_SYNTH || made_by_layout(ld, (int)f))
			continue;
		strbuf_reset(&ld->synth[f]);
		for (k = 0; k < LOADER_MAX_JOIN && ld->join[f][k] >= 0; k++) {
			const char *t = cell_at(ld, ld->join[f][k]);
			if (!*t)
				continue;
			if (ld->synth[f].len)
				strbuf_addch(&ld->synth[f], ld->is_id[f] ? '-' : ' ');
			strbuf_addstr(&ld->synth[f], t);
		}
	}
}

/*
 * layout = wide: the next non-empty month (or quarter) cell of the current
 * row, from ld->month on, as TARGETS_PERIOD "YYYY-MM" ("YYYY-Qn") and
 * TARGETS_TARGET; 0 when the row has no more.
 */
static int next_month(struct loader *ld)
{
	int quarters = ld->ic->months.nr == 4;
	for (; ld->month < (quarters ? 4 : 12); ld->month++) {
		const char *t = cell_at(ld, ld->month_col[ld->month]);
		const char *year = loader_text(ld, TARGETS_YEAR);
		if (!*t)
			continue;
		strbuf_reset(&ld->synth[TARGETS_TARGET]);
		strbuf_addstr(&ld->synth[TARGETS_TARGET], t);
		strbuf_reset(&ld->synth[TARGETS_PERIOD]);
		if (*year)
			strbuf_addf(&ld->synth[TARGETS_PERIOD], quarters ? "%s-Q%d" : "%s-%02d",
				    year, ld->month + 1);
		return 1;
	}
	return 0;
}

/* Reads the next physical row of the input, going on to its next file. */
static int next_physical(struct loader *ld)
{
	for (;;) {
		int rc = source_next(&ld->src, &ld->row, ld->d);
		if (rc != 0)
			return rc;
		if (ld->st) {
			const char *sha = source_sha256(&ld->src);
			if (ld->files.nr > 1)
				strbuf_addf(&ld->file_sha, "%s  %s\n", sha, ld->file);
			else
				memcpy(ld->st->sha256, sha, strlen(sha) + 1);
		}
		if (ld->nfile + 1 >= ld->files.nr)
			return 0;
		if (open_file(ld, ld->nfile + 1) < 0)
			return -1;
	}
}

int loader_next(struct loader *ld)
{
	const char *word;
	int rc;
	ld->pre_text = NULL;   /* its cell may hold another text now */
	/* The row just done was set aside by a problem: every such row is
	 * counted (SPEC 3.1), whatever input it is in. */
	if (ld->bad && ld->st)
		ld->st->set_aside_problem++;
	ld->bad = 0;
	if (ld->ic->wide && ld->in == INPUT_TARGETS && ld->month < (int)ld->ic->months.nr) {
		ld->month++;
		ld->bad = 0;
		strbuf_reset(&ld->first_problem);
		if (next_month(ld))
			return 1;
	}
	strbuf_reset(&ld->first_problem);
	for (;;) {
		rc = next_physical(ld);
		ld->bad = 0;
		if (rc <= 0)
			break;
		if (ld->st)
			ld->st->rows++;
		/* before row_fits: a totals row may be shorter than the header */
		if ((word = totals_row(ld))) {
			if (ld->st)
				ld->st->rows--;   /* not a data row */
			if (ld->st && !ld->st->totals_rows++)
				diag_note(ld->d, "%s:%d: a totals row ('%s'), not data: skipped",
					  ld->file, ld->row.row_line, word);
			continue;
		}
		if (!row_fits(ld))
			continue;
		if (ld->need_null)
			blank_nulls(ld);
		if (ld->need_synth)
			build_joins(ld);
		if (!(ld->ic->wide && ld->in == INPUT_TARGETS))
			return 1;
		ld->month = 0;
		if (next_month(ld))
			return 1;
	}
	if (rc == 0 && ld->st) {
		/* A part's unknown employees are only tallied: its reader falls
		 * back to one pass over the file when a part has any problem. */
		if (!ld->part)
			report_unknown(ld);
		if (ld->files.nr > 1) {
			struct sha256 sha;
			sha256_init(&sha);
			sha256_update(&sha, ld->file_sha.buf, ld->file_sha.len);
			sha256_final_hex(&sha, ld->st->sha256);
		}
		ld->st->encoding = source_encoding(&ld->src);
	}
	return rc;
}

/* What a loader and each of its parts own alone. */
static void release_own(struct loader *ld)
{
	size_t f;
	source_close(&ld->src);
	for (f = 0; f < SCHEMA_MAX_FIELDS; f++)
		strbuf_release(&ld->synth[f]);
	strbuf_release(&ld->where);
	strbuf_release(&ld->file_sha);
	strbuf_release(&ld->first_problem);
	strbuf_release(&ld->number);
	if (ld->unknown_rows)
		strmap_release(&ld->unknown_ix);
	strlist_release(&ld->unknown_vals);
	free(ld->unknown_counts);
	ld->unknown_counts = NULL;
	free(ld->unknown_why);
	ld->unknown_why = NULL;
}

#define LOOKAHEAD_MIN_BYTES (2u << 20)

void loader_employee_prefetch(struct loader *ld, int field)
{
	const char *text, *next;
	size_t len, n;
	if (ld->keyed)
		return;
	text = loader_text(ld, field);
	len = strlen(text);
	if (len == ld->next_len && !memcmp(text, ld->next_text, len))
		ld->pre_hash = ld->next_hash;   /* asked for a row ago */
	else
		ld->pre_hash = strmap_frozen_prefetch(&ld->ids, text, len);
	ld->pre_text = text;
	ld->pre_len = len;
	ld->next_len = SIZE_MAX;
	/* Peeking costs some 240 instructions a row: a loss while the slots
	 * fit in a core's L2 (1 MiB on the bench host; 10,000 employees take
	 * 512 KiB), a gain past it (100,000 take 8 MiB: docs/DECISIONS.md,
	 * "The owner lookup"). */
	if (ld->ids.cap * sizeof(*ld->ids.slots) >= LOOKAHEAD_MIN_BYTES &&
	    ld->col[field] >= 0 && source_peek(&ld->src, (size_t)ld->col[field], &next, &n) &&
	    n <= sizeof(ld->next_text)) {
		memcpy(ld->next_text, next, n);
		ld->next_len = n;
		ld->next_hash = strmap_frozen_prefetch(&ld->ids, next, n);
	}
}

void loader_close(struct loader *ld)
{
	release_own(ld);
	strlist_release(&ld->files);
	strmap_release(&ld->keymap);
	strlist_release(&ld->keymap_keys);
	strmap_frozen_release(&ld->ids);
	free(ld->key_next);
	ld->key_next = NULL;
}

int loader_open_part(struct loader *part, const struct loader *whole, struct input_stats *st,
		     uint64_t start, uint64_t stop, struct diag *d)
{
	size_t f;
	int rc;
	if (whole->files.nr != 1)
		BUG("a loader part of an input with %zu files", whole->files.nr);
	*part = *whole;
	part->d = d;
	part->st = st;
	memset(&part->src, 0, sizeof(part->src));
	memset(&part->row, 0, sizeof(part->row));
	strbuf_init(&part->where, 0);
	strbuf_init(&part->file_sha, 0);
	strbuf_init(&part->first_problem, 0);
	strbuf_init(&part->number, 0);
	/* The memos hold no pointer into whole: a part keeps what it learnt. */
	for (f = 0; f < SCHEMA_MAX_FIELDS; f++)
		strbuf_init(&part->synth[f], 0);
	memset(&part->unknown_ix, 0, sizeof(part->unknown_ix));
	memset(&part->unknown_vals, 0, sizeof(part->unknown_vals));
	part->unknown_counts = NULL;
	part->unknown_why = NULL;
	part->unknown_why_alloc = 0;
	part->unknown_alloc = part->unknown_rows = 0;
	part->bad = part->quiet = 0;
	part->part = 1;
	if (csv_source_open_part(&part->src, whole->files.items[0], whole->file, whole->ic, start,
				 stop, d) < 0)
		return -1;
	part->file = part->src.display;
	if (start)
		return 0;
	/* The first part starts at the file's start: past the header again. */
	do
		rc = source_next(&part->src, &part->row, d);
	while (rc > 0 && part->row.row_line < part->ic->header_row);
	if (rc <= 0) {
		release_own(part);
		return rc < 0 ? -1 : diag_error(d, MERIT_SOFTWARE, part->file, 0, 0,
						"no header in the first part");
	}
	return 0;
}

void loader_close_part(struct loader *part)
{
	release_own(part);
}

/* The column a field's messages name: its own, a join's first, a month's. */
static int col_of(const struct loader *ld, int field)
{
	int j = ld->col[field];
	if (j >= 0)
		return j;
	if (j != COL_SYNTH)
		return -1;
	if (made_by_layout(ld, field))
		return field == TARGETS_TARGET ? ld->month_col[ld->month] : -1;
	return ld->join[field][0];
}

int loader_line(const struct loader *ld, int field)
{
	int j = col_of(ld, field);
	if (j < 0 || (size_t)j >= ld->row.n)
		return ld->row.row_line;
	return ld->row.line[j];
}

uint64_t loader_row_key(const struct loader *ld)
{
	return (uint64_t)ld->nfile << 32 | (uint32_t)ld->row.row_line;
}

void loader_row_place(const struct loader *ld, uint64_t key, struct strbuf *out)
{
	size_t file = (size_t)(key >> 32);
	int line = (int)(key & 0xffffffffu);
	if (ld->files.nr > 1 && file < ld->files.nr)
		strbuf_addf(out, "%s:%d", ld->files.items[file], line);
	else    /* a sheet (a source with its own places) has rows, not lines */
		strbuf_addf(out, "%s %d", ld->src.ops && ld->src.ops->locate ? "row" : "line", line);
}

static void problem(struct loader *ld, enum row_problem kind, int is_error, int field,
		    const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void problem(struct loader *ld, enum row_problem kind, int is_error, int field,
		    const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	int col = field >= 0 ? col_of(ld, field) + 1 : 0;
	int line = field >= 0 ? loader_line(ld, field) : ld->row.row_line;
	const char *file;
	ld->bad = 1;
	if (ld->quiet)
		return;
	strbuf_vaddf(&sb, fmt, ap);
	if (!ld->first_problem.len)
		strbuf_addstr(&ld->first_problem, sb.buf);
	source_locate(&ld->src, line, col, &ld->where, &file, &line, &col);
	diag_row(ld->d, row_problem_names[kind], is_error, file, line, col, "%s", sb.buf);
	strbuf_release(&sb);
}

static void report(struct loader *ld, enum row_problem kind, int is_error, int field,
		   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	problem(ld, kind, is_error, field, fmt, ap);
	va_end(ap);
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

/*
 * The text of a number field as num.h reads it. With decimal = comma, ','
 * and '.' trade places ("1.234,56" -> "1,234.56") and no-break spaces
 * between thousands go; a typed .xlsx number ("1234.5") has no comma and
 * is left as it is.
 */
static const char *comma_text(struct loader *ld, const char *s)
{
	if (ld->typed && !strchr(s, ','))
		return s;
	strbuf_reset(&ld->number);
	num_from_decimal_comma(&ld->number, s);
	return ld->number.buf;
}

static inline const char *number_text(struct loader *ld, int field)
{
	const char *s = loader_text(ld, field);
	return ld->ic->decimal_comma ? comma_text(ld, s) : s;
}

static void null_hint(struct loader *ld, const char *s)
{
	hint(ld, "if '%s' means empty, add it to `null =` in [input.%s] (e.g. null = NULL, "
	     "N/A, -)", s, input_name(ld));
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
	if (r == NUM_RANGE) {
		loader_problem(ld, ROW_BAD_NUMBER, field, "%s '%s' is out of range",
			       field_name(ld, field), s);
	} else {
		loader_problem(ld, ROW_BAD_NUMBER, field, "%s '%s' is not %s",
			       field_name(ld, field), s, what);
		if (sniff_is_null_word(s))
			null_hint(ld, s);
		else if (!ld->ic->decimal_comma && num_looks_decimal_comma(s))
			hint(ld, "if the export writes decimal commas (1.234,56), set decimal = "
			     "comma in [input.%s]", input_name(ld));
	}
	return -1;
}

int loader_number(struct loader *ld, int field, double *out)
{
	int rc = number_result(ld, field, num_parse(number_text(ld, field), out), "a number");
	if (rc > 0)
		*out *= ld->ic->scale;
	return rc;
}

/*
 * cents x scale, rounded half away from zero to the cent; exact in integers
 * when the scale is whole (1000: values in thousands). NUM_RANGE past int64.
 */
static enum num_result scale_cents(int64_t *cents, double scale)
{
	double x;
	if (scale == 1)
		return NUM_OK;
	if (scale == (double)(int64_t)scale && scale > 0) {
		int64_t k = (int64_t)scale;
		if (*cents > INT64_MAX / k || *cents < INT64_MIN / k)
			return NUM_RANGE;
		*cents *= k;
		return NUM_OK;
	}
	x = (double)*cents * scale;
	if (!(x > -9.2e18 && x < 9.2e18))
		return NUM_RANGE;
	*cents = llround(x);
	return NUM_OK;
}

int loader_money(struct loader *ld, int field, int64_t *cents)
{
	enum num_result r = money_parse(number_text(ld, field), cents);
	if (r == NUM_OK)
		r = scale_cents(cents, ld->ic->scale);
	return number_result(ld, field, r, "an amount of money");
}

/* The date memo's slot for text s of len bytes (FNV-1a, folded). */
static struct loader_date_memo *date_slot(struct loader *ld, const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;
	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return &ld->date_memo[(h ^ h >> 16) % LOADER_DATE_MEMO];
}

int loader_date(struct loader *ld, int field, int32_t *out)
{
	const char *s = loader_text(ld, field);
	const struct strlist *f = &ld->ic->date_formats;
	struct loader_date_memo *m = NULL;
	size_t len = *s ? strnlen(s, LOADER_DATE_TEXT) : 0;
	if (len && len < LOADER_DATE_TEXT) {
		m = date_slot(ld, s, len);
		if (!strcmp(m->text, s)) {
			*out = m->day;
			return 1;
		}
	}
	switch (date_parse(s, (const char *const *)f->items, f->nr, out)) {
	case DATE_OK:
		if (m) {
			memcpy(m->text, s, len + 1);
			m->day = *out;
		}
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
		if (sniff_is_null_word(s))
			null_hint(ld, s);
		else if (f->nr)
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
	struct loader_memo *m = ld->memo[field];
	size_t i, len;
	if (!*s)
		return 0;
	for (i = 0; i < LOADER_MEMO && m[i].value; i++)
		if (m[i].text[0] == s[0] && !strcmp(m[i].text, s)) {
			*canonical = m[i].value;
			return 1;
		}
	v = ld->vs[field] ? valueset_map(ld->vs[field], s) : builtin_map(set, s);
	if (v) {
		if ((len = strlen(s)) < LOADER_MEMO_TEXT) {
			m += ld->memo_next[field]++ % LOADER_MEMO;
			memcpy(m->text, s, len + 1);
			m->value = v;
		}
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
