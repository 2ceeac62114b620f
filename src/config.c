/*
 * config: the INI file -> struct config, with every section, key and value
 * checked against SPEC sections 2-9 before any input is read.
 *
 * Two readers look at the file. Our own line index (one pass) records where
 * every section header and key sits, so that each message can say
 * "config/merit.ini:42: [bonus] pool: ..."; iniparser, which keeps no line
 * numbers, owns the values. The index also catches what iniparser 4.1 would
 * silently accept or reject without a line (a key given twice, a comment
 * after a section header, a line over its 1 KiB buffer, a UTF-8 BOM).
 *
 * Sections are then handled in dependency order, not file order: value sets
 * before the metrics whose `where` maps through them, metrics before KPIs,
 * KPIs before roles, rating bands before multipliers and forced shares.
 * Errors are collected, not fatal one by one, so one `merit validate` lists
 * every mistake in the file.
 */
#include "config.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/period.h"
#include "util/sha256.h"
#include "util/strbuf.h"

#include <iniparser.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const char *const dimension_names[DIM_COUNT] = { "results", "efficiency", "attitude" };
const char *const perspective_names[PERSP_COUNT] = {
	"financial", "customer", "process", "learning"
};
const char *const row_problem_names[ROW_PROBLEM_COUNT] = {
	[ROW_BAD_NUMBER] = "bad_number",
	[ROW_BAD_DATE] = "bad_date",
	[ROW_BAD_VALUE] = "bad_value",
	[ROW_UNKNOWN_OWNER] = "unknown_owner",
	[ROW_DUPLICATE_RECORD] = "duplicate_record",
	[ROW_DUPLICATE_EMPLOYEE] = "duplicate_employee",
	[ROW_MISSING_FIELD] = "missing_field",
	[ROW_UNKNOWN_EMPLOYEE] = "unknown_employee",
	[ROW_UNKNOWN_ROLE] = "unknown_role",
};
const char *const relation_names[REL_COUNT] = { "self", "peer", "manager", "subordinate" };

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The largest INI we read; a real one is a few KiB. */
#define CONFIG_MAX_BYTES (4u << 20)
/* iniparser 4.1 reads into a 1024-byte buffer, continuation lines included. */
#define INI_MAX_LINE 1000

/* ---------------------------------------------------------------- lists */

void strlist_push(struct strlist *l, const char *s)
{
	ALLOC_GROW(l->items, l->nr + 1, l->alloc);
	l->items[l->nr++] = xstrdup(s);
}

void strlist_release(struct strlist *l)
{
	size_t i;
	for (i = 0; i < l->nr; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->nr = l->alloc = 0;
}

const char *label_get(const struct label *l, enum locale loc)
{
	const char *s = loc == LOCALE_EN ? l->en : l->zh;
	return s ? s : "";
}

/* s without surrounding ASCII white space, as a new string. */
static char *trimdup(const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

/* Splits s at sep into trimmed, non-empty items. */
static void split_list(const char *s, char sep, struct strlist *out)
{
	while (s) {
		const char *e = strchr(s, sep);
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char *item = trimdup(s, n);
		if (*item) {
			ALLOC_GROW(out->items, out->nr + 1, out->alloc);
			out->items[out->nr++] = item;
		} else {
			free(item);
		}
		s = e ? e + 1 : NULL;
	}
}

/* Case-insensitive equality of a trimmed view of text with s. */
static int text_is(const char *text, size_t len, const char *s)
{
	return strlen(s) == len && !strncasecmp(text, s, len);
}

static void label_release(struct label *l)
{
	free(l->zh);
	free(l->en);
	l->zh = l->en = NULL;
}

static void label_set(struct label *l, const char *zh, const char *en)
{
	label_release(l);
	l->zh = xstrdup(zh);
	l->en = xstrdup(en ? en : zh);
}

static int label_matches(const struct label *l, const char *t, size_t n)
{
	return (l->zh && text_is(t, n, l->zh)) || (l->en && text_is(t, n, l->en));
}

/* ---------------------------------------------------------- suggestions */

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent
 * transpositions), on bytes; names here are short ASCII. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, r;
	size_t *d = xcalloc((la + 1) * (lb + 1), sizeof(*d));
#define D(x, y) d[(x) * (lb + 1) + (y)]
	for (i = 0; i <= la; i++)
		D(i, 0) = i;
	for (j = 0; j <= lb; j++)
		D(0, j) = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) !=
				      tolower((unsigned char)b[j - 1]);
			size_t best = D(i - 1, j) + 1;
			if (D(i, j - 1) + 1 < best)
				best = D(i, j - 1) + 1;
			if (D(i - 1, j - 1) + cost < best)
				best = D(i - 1, j - 1) + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    D(i - 2, j - 2) + 1 < best)
				best = D(i - 2, j - 2) + 1;
			D(i, j) = best;
		}
	}
	r = D(la, lb);
#undef D
	free(d);
	return r;
}

/*
 * The candidate nearest to word, or NULL when none is close enough to be a
 * likely typo: at most 2 edits, or a third of the candidate's length.
 */
static const char *nearest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1, i;
	for (i = 0; i < n; i++) {
		size_t dist = edit_distance(word, cands[i]);
		size_t limit = strlen(cands[i]) / 3;
		if (limit < 2)
			limit = 2;
		if (dist <= limit && dist < bestd) {
			bestd = dist;
			best = cands[i];
		}
	}
	return best;
}

/* Appends "a, b, c" to sb. */
static void join_names(struct strbuf *sb, const char *const *names, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", names[i]);
}

/* ------------------------------------------------------------ line index */

struct ini_key {
	char *name;      /* lower-cased, as iniparser stores it */
	char *raw;       /* as written: [bonus.pools] keeps department case */
	char *raw_value; /* text after '=' as written, for truncation hints */
	int line;
};

struct ini_section {
	char *name;      /* lower-cased */
	int line;
	struct ini_key *keys;
	size_t nkeys, alloc;
};

struct ini_index {
	struct ini_section *secs;
	size_t nr, alloc;
};

static void index_release(struct ini_index *ix)
{
	size_t i, j;
	for (i = 0; i < ix->nr; i++) {
		struct ini_section *s = &ix->secs[i];
		for (j = 0; j < s->nkeys; j++) {
			free(s->keys[j].name);
			free(s->keys[j].raw);
			free(s->keys[j].raw_value);
		}
		free(s->keys);
		free(s->name);
	}
	free(ix->secs);
	memset(ix, 0, sizeof(*ix));
}

static const struct ini_key *sec_key(const struct ini_section *s, const char *name)
{
	size_t i;
	for (i = 0; s && i < s->nkeys; i++)
		if (!strcmp(s->keys[i].name, name))
			return &s->keys[i];
	return NULL;
}

/* Everything one config_load() needs; errors go to d, located in file. */
struct loader {
	struct config *cfg;
	struct diag *d;
	const char *file;
	dictionary *ini;
	struct ini_index ix;
	size_t errors_before;
};

static int cerr(struct loader *L, int line, const char *sec, const char *key,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int cerr(struct loader *L, int line, const char *sec, const char *key,
		const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	diag_config(L->d, L->file, line, sec, key, "%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

static char *lowerdup(const char *s, size_t n)
{
	char *r = trimdup(s, n), *p;
	for (p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/* Whether s[0..n) is UTF-8 (labels end up in PDFs and the workbook). */
static int utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, k, need;
	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80)
			need = 0;
		else if (c >= 0xC2 && c <= 0xDF)
			need = 1;
		else if ((c & 0xF0) == 0xE0)
			need = 2;
		else if (c >= 0xF0 && c <= 0xF4)
			need = 3;
		else
			return 0;
		if (need > n - i - 1)
			return 0;
		for (k = 1; k <= need; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
		i += need + 1;
	}
	return 1;
}

/* One logical line (continuations joined) of the index pass. */
static void index_line(struct loader *L, struct ini_section **cur, const char *s,
		       size_t len, int line)
{
	struct ini_index *ix = &L->ix;
	const char *eq;
	size_t i;

	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!len || *s == '#' || *s == ';')
		return;
	if (*s == '[') {
		const char *close = memchr(s, ']', len);
		char *name;
		if (!close) {
			cerr(L, line, NULL, NULL, "section header without ']'");
			return;
		}
		if (s[len - 1] != ']') {
			cerr(L, line, NULL, NULL, "text after the section header");
			diag_hint(L->d, "put comments on a line of their own "
				  "(iniparser 4.1 rejects them after [section])");
			return;
		}
		name = lowerdup(s + 1, (size_t)(close - s - 1));
		if (!*name) {
			free(name);
			cerr(L, line, NULL, NULL, "empty section name");
			*cur = NULL;
			return;
		}
		for (i = 0; i < ix->nr; i++) {
			if (!strcmp(ix->secs[i].name, name)) {
				cerr(L, line, name, NULL,
				     "section appears twice (first at line %d)", ix->secs[i].line);
				diag_hint(L->d, "merge the two, or rename the copy");
				free(name);
				*cur = NULL;
				return;
			}
		}
		ALLOC_GROW(ix->secs, ix->nr + 1, ix->alloc);
		*cur = &ix->secs[ix->nr++];
		memset(*cur, 0, sizeof(**cur));
		(*cur)->name = name;
		(*cur)->line = line;
		return;
	}
	eq = memchr(s, '=', len);
	if (!eq || eq == s) {
		cerr(L, line, NULL, NULL, "expected 'key = value' or '[section]'");
		return;
	}
	if (!*cur) {
		/* After a broken header the keys are reported by that error. */
		if (!ix->nr)
			cerr(L, line, NULL, NULL, "key outside any section");
		return;
	} else {
		struct ini_section *sec = *cur;
		char *name = lowerdup(s, (size_t)(eq - s));
		const struct ini_key *old = sec_key(sec, name);
		struct ini_key *k;
		if (!*name) {
			free(name);
			cerr(L, line, sec->name, NULL, "empty key name");
			return;
		}
		if (old) {
			cerr(L, line, sec->name, name, "key given twice (first at line %d)",
			     old->line);
			diag_hint(L->d, "iniparser would silently keep the last one; delete one of them");
			free(name);
			return;
		}
		ALLOC_GROW(sec->keys, sec->nkeys + 1, sec->alloc);
		k = &sec->keys[sec->nkeys++];
		k->name = name;
		k->raw = trimdup(s, (size_t)(eq - s));
		k->raw_value = trimdup(eq + 1, len - (size_t)(eq + 1 - s));
		k->line = line;
	}
}

/*
 * One pass over the file's bytes, classifying lines the way iniparser 4.1
 * does (a trailing backslash continues a line, '#' and ';' start comments).
 */
static void index_build(struct loader *L, const char *buf, size_t len)
{
	struct strbuf logical = STRBUF_INIT;
	struct ini_section *cur = NULL;
	size_t pos = 0;
	int lineno = 0, start = 0;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		const char *p = buf + pos;
		lineno++;
		pos += n + (nl ? 1 : 0);
		if (!utf8_valid((const unsigned char *)p, n)) {
			cerr(L, lineno, NULL, NULL, "line is not valid UTF-8");
			diag_hint(L->d, "save the INI file as UTF-8 (not GBK/ANSI)");
			continue;
		}
		while (n && isspace((unsigned char)p[n - 1]))
			n--;
		if (!logical.len)
			start = lineno;
		if (n && p[n - 1] == '\\') {
			strbuf_add(&logical, p, n - 1);
			if (logical.len <= INI_MAX_LINE)
				continue;
		} else {
			strbuf_add(&logical, p, n);
		}
		if (logical.len > INI_MAX_LINE) {
			cerr(L, start, NULL, NULL, "line longer than %d bytes", INI_MAX_LINE);
			diag_hint(L->d, "iniparser 4.1 cannot read it; shorten the value");
		} else {
			index_line(L, &cur, logical.buf, logical.len, start);
		}
		strbuf_reset(&logical);
	}
	if (logical.len)
		index_line(L, &cur, logical.buf, logical.len, start);
	strbuf_release(&logical);
}

/* --------------------------------------------------------- value access */

/* The value of key in s, or NULL when absent (or s is NULL); *line is the
 * key's line, else the section's (0 when the section is absent too). */
static const char *val(struct loader *L, const struct ini_section *s, const char *key, int *line)
{
	const struct ini_key *k = sec_key(s, key);
	char *full;
	const char *v;
	*line = s ? s->line : 0;
	if (!k)
		return NULL;
	*line = k->line;
	full = xstrfmt("%s:%s", s->name, k->name);
	v = iniparser_getstring(L->ini, full, NULL);
	free(full);
	return v ? v : "";
}

static const char *secname(const struct ini_section *s, const char *fallback)
{
	return s ? s->name : fallback;
}

/* Reports every key of s that is not in known[]. */
static void check_keys(struct loader *L, const struct ini_section *s,
		       const char *const *known, size_t nknown)
{
	size_t i, j;
	for (i = 0; s && i < s->nkeys; i++) {
		const char *k = s->keys[i].name, *near;
		for (j = 0; j < nknown; j++)
			if (!strcmp(known[j], k))
				break;
		if (j < nknown)
			continue;
		cerr(L, s->keys[i].line, s->name, k, "unknown key '%s'", k);
		near = nearest(k, known, nknown);
		if (near) {
			diag_hint(L->d, "did you mean '%s'?", near);
		} else {
			struct strbuf sb = STRBUF_INIT;
			join_names(&sb, known, nknown);
			diag_hint(L->d, "known keys in [%s]: %s", s->name, sb.buf);
			strbuf_release(&sb);
		}
	}
}

/* A real number from the INI; percent: whether "90%" (= 0.9) makes sense. */
static int parse_real(struct loader *L, int line, const char *sec, const char *key,
		      const char *text, int percent, double min, double max, double *out)
{
	double v;
	enum num_result r = num_parse(text, &v);
	if (r == NUM_EMPTY)
		return cerr(L, line, sec, key, "empty value; expected a number");
	if (r != NUM_OK)
		return cerr(L, line, sec, key, "'%s' is not a number", text);
	if (!percent && strchr(text, '%')) {
		cerr(L, line, sec, key, "'%s': a percent sign is not allowed here", text);
		diag_hint(L->d, "write the plain number (120, not 120%%)");
		return -1;
	}
	if (v < min || v > max)
		return cerr(L, line, sec, key, "%s is out of range; expected %g to %g", text, min, max);
	*out = v;
	return 0;
}

static void get_real(struct loader *L, const struct ini_section *s, const char *key,
		     double min, double max, double *out)
{
	int line;
	const char *v = val(L, s, key, &line);
	if (v)
		parse_real(L, line, s->name, key, v, 0, min, max, out);
}

static void get_int(struct loader *L, const struct ini_section *s, const char *key,
		    long long min, long long max, int *out)
{
	int line;
	long long n;
	const char *v = val(L, s, key, &line);
	enum num_result r;
	if (!v)
		return;
	r = num_parse_int(v, min, max, &n);
	if (r == NUM_OK)
		*out = (int)n;
	else if (r == NUM_EMPTY)
		cerr(L, line, s->name, key, "empty value; expected a whole number");
	else if (r == NUM_RANGE)
		cerr(L, line, s->name, key, "%s is out of range; expected %lld to %lld", v, min, max);
	else
		cerr(L, line, s->name, key, "'%s' is not a whole number", v);
}

/* Index of text in names[] (case-insensitive), or -1 after an error that
 * names the allowed values. */
static int parse_enum(struct loader *L, int line, const char *sec, const char *key,
		      const char *text, const char *const *names, size_t n)
{
	size_t i, len;
	struct strbuf sb = STRBUF_INIT;
	const char *near;
	while (isspace((unsigned char)*text))
		text++;
	len = strlen(text);
	while (len && isspace((unsigned char)text[len - 1]))
		len--;
	for (i = 0; i < n; i++)
		if (text_is(text, len, names[i]))
			return (int)i;
	join_names(&sb, names, n);
	cerr(L, line, sec, key, "'%s' is not one of: %s", text, sb.buf);
	strbuf_release(&sb);
	near = nearest(text, names, n);
	if (near)
		diag_hint(L->d, "did you mean '%s'?", near);
	return -1;
}

static void get_enum(struct loader *L, const struct ini_section *s, const char *key,
		     const char *const *names, size_t n, int *out)
{
	int line, i;
	const char *v = val(L, s, key, &line);
	if (!v)
		return;
	i = parse_enum(L, line, s->name, key, v, names, n);
	if (i >= 0)
		*out = i;
}

/* "中文 | English"; a single text fills both halves. */
static int parse_label(struct loader *L, int line, const char *sec, const char *key,
		       const char *text, struct label *out)
{
	const char *bar = strchr(text, '|');
	char *zh, *en;
	if (bar && strchr(bar + 1, '|'))
		return cerr(L, line, sec, key, "'%s' has more than one '|'", text);
	zh = trimdup(text, bar ? (size_t)(bar - text) : strlen(text));
	en = bar ? trimdup(bar + 1, strlen(bar + 1)) : xstrdup(zh);
	if (!*zh && !*en) {
		free(zh);
		free(en);
		return cerr(L, line, sec, key, "empty label");
	}
	label_set(out, *zh ? zh : en, *en ? en : zh);
	free(zh);
	free(en);
	return 0;
}

/* Collapses "a/./b" and "a/../b": config/../out reads better as out. */
static char *path_normalise(const char *p)
{
	struct strlist parts = { 0 };
	struct strbuf sb = STRBUF_INIT;
	int absolute = *p == '/';
	size_t i, keep = 0;
	split_list(p, '/', &parts);
	for (i = 0; i < parts.nr; i++) {
		char *c = parts.items[i];
		if (!strcmp(c, ".")) {
			free(c);
		} else if (!strcmp(c, "..") && keep && strcmp(parts.items[keep - 1], "..")) {
			free(parts.items[--keep]);
			free(c);
		} else if (!strcmp(c, "..") && absolute) {
			free(c);
		} else {
			parts.items[keep++] = c;
		}
	}
	parts.nr = keep;
	if (absolute)
		strbuf_addch(&sb, '/');
	for (i = 0; i < parts.nr; i++)
		strbuf_addf(&sb, "%s%s", i ? "/" : "", parts.items[i]);
	if (!sb.len)
		strbuf_addch(&sb, '.');
	strlist_release(&parts);
	return strbuf_detach(&sb, NULL);
}

/* A path from the INI, relative to the INI file's folder. */
static char *resolve(const struct config *cfg, const char *v)
{
	char *joined, *r;
	if (*v == '/')
		return path_normalise(v);
	joined = xstrfmt("%s/%s", cfg->dir, v);
	r = path_normalise(joined);
	free(joined);
	return r;
}

static char *get_path(struct loader *L, const struct ini_section *s, const char *key,
		      const char *def)
{
	int line;
	const char *v = val(L, s, key, &line);
	char *t, *r;
	if (v && !*v)
		cerr(L, line, s->name, key, "empty path");
	if (!v || !*v)
		return def ? resolve(L->cfg, def) : NULL;
	t = trimdup(v, strlen(v));
	r = resolve(L->cfg, t);
	free(t);
	return r;
}

static char *get_string(struct loader *L, const struct ini_section *s, const char *key)
{
	int line;
	const char *v = val(L, s, key, &line);
	return v && *v ? trimdup(v, strlen(v)) : NULL;
}

/* Splits "name:value" at the last ':' (labels may hold '|', not ':'). */
static int split_pair(const char *item, char **name, char **value)
{
	const char *c = strrchr(item, ':');
	if (!c)
		return -1;
	*name = trimdup(item, (size_t)(c - item));
	*value = trimdup(c + 1, strlen(c + 1));
	if (!**name || !**value) {
		free(*name);
		free(*value);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ value sets */

static struct valueset *valueset_get(struct config *cfg, const char *name, int create)
{
	size_t i;
	struct valueset *vs;
	for (i = 0; i < cfg->nvaluesets; i++)
		if (!strcmp(cfg->valuesets[i].name, name))
			return &cfg->valuesets[i];
	if (!create)
		return NULL;
	cfg->valuesets = xrealloc(cfg->valuesets, (cfg->nvaluesets + 1) * sizeof(*vs));
	vs = &cfg->valuesets[cfg->nvaluesets++];
	memset(vs, 0, sizeof(*vs));
	vs->name = xstrdup(name);
	return vs;
}

static struct value_alias *valueset_value(struct valueset *vs, const char *canonical, int create)
{
	size_t i;
	struct value_alias *va;
	for (i = 0; i < vs->nr; i++)
		if (!strcmp(vs->values[i].canonical, canonical))
			return &vs->values[i];
	if (!create)
		return NULL;
	ALLOC_GROW(vs->values, vs->nr + 1, vs->alloc);
	va = &vs->values[vs->nr++];
	memset(va, 0, sizeof(*va));
	va->canonical = xstrdup(canonical);
	return va;
}

static void valuesets_builtin(struct config *cfg)
{
	size_t i, j;
	for (i = 0; i < schema_nbuiltin_values; i++) {
		const struct builtin_value *b = &schema_builtin_values[i];
		struct value_alias *va = valueset_value(valueset_get(cfg, b->set, 1),
							b->canonical, 1);
		split_list(b->aliases, ',', &va->aliases);
	}
	/* A set a field names but no built-in fills still exists (empty). */
	for (i = 0; i < INPUT_COUNT; i++)
		for (j = 0; j < schema_inputs[i].nfields; j++)
			if (schema_inputs[i].fields[j].valueset)
				valueset_get(cfg, schema_inputs[i].fields[j].valueset, 1);
}

const char *valueset_map(const struct valueset *vs, const char *text)
{
	size_t i, j, len;
	if (!vs || !text)
		return NULL;
	while (isspace((unsigned char)*text))
		text++;
	len = strlen(text);
	while (len && isspace((unsigned char)text[len - 1]))
		len--;
	for (i = 0; i < vs->nr; i++) {
		const struct value_alias *va = &vs->values[i];
		if (text_is(text, len, va->canonical))
			return va->canonical;
		for (j = 0; j < va->aliases.nr; j++)
			if (text_is(text, len, va->aliases.items[j]))
				return va->canonical;
	}
	return NULL;
}

const struct valueset *config_valueset(const struct config *cfg, const char *name)
{
	return valueset_get((struct config *)cfg, name, 0);
}

/* The canonical values of a set, for hints ("won, lost, open"). */
static void valueset_names(const struct valueset *vs, struct strbuf *sb)
{
	size_t i;
	for (i = 0; vs && i < vs->nr; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", vs->values[i].canonical);
}

/* Maps text through set `name` from the INI; NULL after an error. */
static const char *map_value(struct loader *L, int line, const char *sec, const char *key,
			     const char *set, const char *text)
{
	const struct valueset *vs = config_valueset(L->cfg, set);
	const char *c = valueset_map(vs, text);
	struct strbuf sb = STRBUF_INIT;
	if (c)
		return c;
	valueset_names(vs, &sb);
	cerr(L, line, sec, key, "'%s' is not a %s value (%s)", text, set, sb.buf);
	diag_hint(L->d, "use one of those, or add '%s' as an alias in [values.%s]", text, set);
	strbuf_release(&sb);
	return NULL;
}

static void load_values(struct loader *L, const struct ini_section *s, const char *set)
{
	struct valueset *vs = valueset_get(L->cfg, set, 0);
	size_t i, j;
	if (!vs) {
		const char **names = xcalloc(L->cfg->nvaluesets, sizeof(*names));
		const char *near;
		for (i = 0; i < L->cfg->nvaluesets; i++)
			names[i] = L->cfg->valuesets[i].name;
		cerr(L, s->line, s->name, NULL, "unknown value set '%s'", set);
		near = nearest(set, names, L->cfg->nvaluesets);
		if (near) {
			diag_hint(L->d, "did you mean [values.%s]?", near);
		} else {
			struct strbuf sb = STRBUF_INIT;
			join_names(&sb, names, L->cfg->nvaluesets);
			diag_hint(L->d, "value sets: %s", sb.buf);
			strbuf_release(&sb);
		}
		free(names);
		return;
	}
	{
		const char **known = xcalloc(vs->nr, sizeof(*known));
		for (i = 0; i < vs->nr; i++)
			known[i] = vs->values[i].canonical;
		check_keys(L, s, known, vs->nr);
		free(known);
	}
	for (i = 0; i < s->nkeys; i++) {
		struct value_alias *va = valueset_value(vs, s->keys[i].name, 0);
		struct strlist add = { 0 };
		int line;
		const char *v;
		if (!va)
			continue;
		v = val(L, s, s->keys[i].name, &line);
		split_list(v, ',', &add);
		for (j = 0; j < add.nr; j++) {
			const char *prev = valueset_map(vs, add.items[j]);
			if (prev && strcmp(prev, va->canonical)) {
				cerr(L, line, s->name, s->keys[i].name,
				     "'%s' already maps to '%s'; one text can mean only one value",
				     add.items[j], prev);
				continue;
			}
			if (!prev)
				strlist_push(&va->aliases, add.items[j]);
		}
		strlist_release(&add);
	}
}

/* ----------------------------------------------------------- [input.X] */

static void load_input(struct loader *L, const struct ini_section *s, enum input_kind in)
{
	static const char *const keys[] = { "file", "encoding", "date_format", "delimiter" };
	static const char *const encodings[] = { "auto", "utf-8", "gb18030", "utf8", "gbk", "gb2312" };
	static const enum encoding enc_values[] = {
		ENC_AUTO, ENC_UTF8, ENC_GB18030, ENC_UTF8, ENC_GB18030, ENC_GB18030
	};
	struct input_conf *ic = &L->cfg->inputs[in];
	const char *v;
	int line, e = 0;
	size_t i;

	check_keys(L, s, keys, ARRAY_SIZE(keys));
	ic->declared = 1;
	v = val(L, s, "file", &line);
	if (!v || !*v) {
		cerr(L, line, s->name, "file", "missing: which CSV export to read");
		diag_hint(L->d, "add e.g. file = ../samples/%s.csv (relative to the INI's folder)",
			  schema_inputs[in].name);
	} else {
		ic->file_display = trimdup(v, strlen(v));
		ic->file = resolve(L->cfg, ic->file_display);
	}
	get_enum(L, s, "encoding", encodings, ARRAY_SIZE(encodings), &e);
	ic->encoding = enc_values[e];
	v = val(L, s, "date_format", &line);
	if (v) {
		split_list(v, ',', &ic->date_formats);
		for (i = 0; i < ic->date_formats.nr; i++)
			if (!strchr(ic->date_formats.items[i], '%'))
				cerr(L, line, s->name, "date_format",
				     "'%s' is not a strptime format", ic->date_formats.items[i]);
		if (!ic->date_formats.nr)
			cerr(L, line, s->name, "date_format", "empty value; expected e.g. %%m/%%d/%%Y");
	}
	v = val(L, s, "delimiter", &line);
	if (v) {
		static const char *const names[] = { "comma", "semicolon", "tab", "pipe" };
		static const char chars[] = { ',', ';', '\t', '|' };
		char *t = trimdup(v, strlen(v));
		if (!*t) {
			cerr(L, line, s->name, "delimiter", "empty value");
			diag_hint(L->d, "write delimiter = semicolon (or \";\" quoted: an unquoted "
				  "';' starts a comment)");
		} else if (strlen(t) == 1 && ispunct((unsigned char)*t) && *t != '"') {
			ic->delimiter = *t;
		} else if (!strcmp(t, "\\t")) {
			ic->delimiter = '\t';
		} else {
			int k = parse_enum(L, line, s->name, "delimiter", t, names, ARRAY_SIZE(names));
			if (k >= 0)
				ic->delimiter = chars[k];
			else
				diag_hint(L->d, "or one punctuation character; write \";\" quoted, "
					  "since an unquoted ';' starts a comment");
		}
		free(t);
	}
}

static void load_columns(struct loader *L, const struct ini_section *s, enum input_kind in)
{
	const struct input_schema *sc = &schema_inputs[in];
	struct input_conf *ic = &L->cfg->inputs[in];
	const char *known[SCHEMA_MAX_FIELDS] = { 0 };
	size_t i, j, f, g;

	for (i = 0; i < sc->nfields; i++)
		known[i] = sc->fields[i].name;
	check_keys(L, s, known, sc->nfields);
	for (i = 0; i < s->nkeys; i++) {
		int line, fi = schema_field_index(in, s->keys[i].name);
		const char *v;
		if (fi < 0)
			continue;
		v = val(L, s, s->keys[i].name, &line);
		split_list(v, ',', &ic->aliases[fi]);
		/* One header may name only one field, or the mapping is a guess. */
		for (j = 0; j < ic->aliases[fi].nr; j++) {
			const char *a = ic->aliases[fi].items[j];
			for (f = 0; f < sc->nfields; f++) {
				int clash = (int)f != fi && !strcasecmp(a, sc->fields[f].name);
				for (g = 0; !clash && (int)f != fi && g < ic->aliases[f].nr; g++)
					clash = !strcasecmp(a, ic->aliases[f].items[g]);
				if (clash) {
					cerr(L, line, s->name, s->keys[i].name,
					     "header '%s' is also mapped to '%s'", a, sc->fields[f].name);
					break;
				}
			}
		}
	}
}

/* ------------------------------------------------------------------ [run] */

static void load_run(struct loader *L, const struct ini_section *s)
{
	static const char *const keys[] = { "company", "period", "locale", "output_dir", "state_dir" };
	struct config *cfg = L->cfg;
	const char *v;
	int line;

	check_keys(L, s, keys, ARRAY_SIZE(keys));
	v = val(L, s, "company", &line);
	if (v && *v)
		parse_label(L, line, s->name, "company", v, &cfg->company);
	v = val(L, s, "period", &line);
	if (v && *v) {
		struct period p;
		char *t = trimdup(v, strlen(v));
		if (period_parse(t, date_today(), &p) < 0) {
			cerr(L, line, s->name, "period", "'%s' is not a period", t);
			diag_hint(L->d, "write a month 2026-10, a quarter 2026-Q4, a year 2026, or auto");
			free(t);
		} else {
			cfg->period = t;
		}
	}
	v = val(L, s, "locale", &line);
	if (v) {
		const char *c = map_value(L, line, s->name, "locale", "locale", v);
		if (c)
			cfg->locale = !strcmp(c, "en") ? LOCALE_EN : LOCALE_ZH;
	}
	free(cfg->output_dir);
	cfg->output_dir = get_path(L, s, "output_dir", "../out");
	free(cfg->state_dir);
	cfg->state_dir = get_path(L, s, "state_dir", "../state");
}

/* ---------------------------------------------------------- [metric.X] */

static const char *const agg_names[] = {
	[AGG_SUM] = "sum", [AGG_COUNT] = "count", [AGG_COUNT_DISTINCT] = "count_distinct",
	[AGG_AVG] = "avg", [AGG_MIN] = "min", [AGG_MAX] = "max", [AGG_RATIO] = "ratio",
	[AGG_TURNOVER] = "turnover", [AGG_REVIEW360] = "review360",
};
static const char *const scope_names[] = { "employee", "department", "company" };
static const char *const format_names[] = { "number", "integer", "percent", "money" };

/* Field `name` of input `in`, or -1 after an error with a suggestion. */
static int field_lookup(struct loader *L, int line, const char *sec, const char *key,
			enum input_kind in, const char *name)
{
	const struct input_schema *sc = &schema_inputs[in];
	const char *known[SCHEMA_MAX_FIELDS] = { 0 }, *near;
	int fi = schema_field_index(in, name);
	size_t i;
	struct strbuf sb = STRBUF_INIT;
	if (fi >= 0)
		return fi;
	for (i = 0; i < sc->nfields; i++)
		known[i] = sc->fields[i].name;
	cerr(L, line, sec, key, "'%s' is not a field of the %s input", name, sc->name);
	near = nearest(name, known, sc->nfields);
	if (near) {
		diag_hint(L->d, "did you mean '%s'?", near);
	} else {
		join_names(&sb, known, sc->nfields);
		diag_hint(L->d, "fields of %s: %s", sc->name, sb.buf);
	}
	strbuf_release(&sb);
	return -1;
}

static void parse_where(struct loader *L, int line, const char *sec, struct metric_def *m,
			const char *text)
{
	struct strlist terms = { 0 };
	size_t i, j;
	split_list(text, ',', &terms);
	if (!terms.nr)
		cerr(L, line, sec, "where", "empty value; expected field:value|value, ...");
	m->where = xcalloc(terms.nr ? terms.nr : 1, sizeof(*m->where));
	for (i = 0; i < terms.nr; i++) {
		const char *colon = strchr(terms.items[i], ':');
		struct strlist vals = { 0 };
		char *fname;
		int fi;
		const struct field_def *fd;
		if (!colon) {
			cerr(L, line, sec, "where", "'%s' is not field:value", terms.items[i]);
			diag_hint(L->d, "e.g. where = stage:won|lost, new_customer:yes");
			continue;
		}
		fname = lowerdup(terms.items[i], (size_t)(colon - terms.items[i]));
		fi = field_lookup(L, line, sec, "where", m->from, fname);
		free(fname);
		if (fi < 0)
			continue;
		fd = &schema_inputs[m->from].fields[fi];
		if (fd->type != FT_TEXT && fd->type != FT_VALUE) {
			cerr(L, line, sec, "where", "'%s' is a number or date field; where filters "
			     "text and value fields only", fd->name);
			continue;
		}
		split_list(colon + 1, '|', &vals);
		if (!vals.nr) {
			cerr(L, line, sec, "where", "no value after '%s:'", fd->name);
			continue;
		}
		m->where[m->nwhere].field = fi;
		for (j = 0; j < vals.nr; j++) {
			const char *v = vals.items[j];
			if (fd->type == FT_VALUE)
				v = map_value(L, line, sec, "where", fd->valueset, v);
			if (v)
				strlist_push(&m->where[m->nwhere].values, v);
		}
		m->nwhere++;
		strlist_release(&vals);
	}
	strlist_release(&terms);
}

/* Valid names for metrics, KPIs and roles: they appear in lists
 * ("kpis = a:50, b:50") and in the targets input. */
static int name_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return 0;
	return 1;
}

static void load_metric(struct loader *L, const struct ini_section *s, const char *name,
			struct metric_def *m, char **num, char **den)
{
	static const char *const keys[] = {
		"from", "agg", "field", "where", "num", "den", "name", "scope", "format", "label"
	};
	const char *v, *sec = s->name;
	int line, agg = -1, from = -1, fmt = -1, scope = -1;

	check_keys(L, s, keys, ARRAY_SIZE(keys));
	m->name = xstrdup(name);
	m->line = s->line;
	m->field = m->num = m->den = -1;
	label_set(&m->label, name, NULL);
	if (!name_ok(name))
		cerr(L, s->line, sec, NULL, "metric name '%s' may hold only letters, digits, '_' "
		     "and '-'", name);
	v = val(L, s, "label", &line);
	if (v)
		parse_label(L, line, sec, "label", v, &m->label);

	v = val(L, s, "agg", &line);
	if (!v) {
		struct strbuf sb = STRBUF_INIT;
		join_names(&sb, agg_names, ARRAY_SIZE(agg_names));
		cerr(L, line, sec, "agg", "missing: how to aggregate (%s)", sb.buf);
		strbuf_release(&sb);
		return;
	}
	agg = parse_enum(L, line, sec, "agg", v, agg_names, ARRAY_SIZE(agg_names));
	if (agg < 0)
		return;
	m->agg = (enum metric_agg)agg;

	if (m->agg == AGG_RATIO) {
		static const char *const not_ratio[] = { "from", "field", "where", "name" };
		size_t i;
		for (i = 0; i < ARRAY_SIZE(not_ratio); i++)
			if (val(L, s, not_ratio[i], &line))
				cerr(L, line, sec, not_ratio[i], "has no meaning for agg = ratio, "
				     "which divides metric num by metric den");
		*num = get_string(L, s, "num");
		*den = get_string(L, s, "den");
		if (!*num)
			cerr(L, s->line, sec, "num", "missing: the metric to divide (agg = ratio)");
		if (!*den)
			cerr(L, s->line, sec, "den", "missing: the metric to divide by (agg = ratio)");
	} else {
		if (val(L, s, "num", &line) || val(L, s, "den", &line))
			cerr(L, line, sec, val(L, s, "num", &line) ? "num" : "den",
			     "only agg = ratio takes num and den");
		v = val(L, s, "from", &line);
		if (!v || !*v) {
			cerr(L, line, sec, "from", "missing: which input the metric reads "
			     "(hr, sales, metrics, reviews, training)");
			return;
		}
		from = schema_input_index(v);
		if (from < 0 || from == INPUT_TARGETS) {
			static const char *const srcs[] = { "hr", "sales", "metrics", "reviews", "training" };
			parse_enum(L, line, sec, "from", v, srcs, ARRAY_SIZE(srcs));
			return;
		}
		m->from = (enum input_kind)from;
		if (!L->cfg->inputs[from].declared) {
			cerr(L, line, sec, "from", "reads the %s input, which is not declared", v);
			diag_hint(L->d, "add [input.%s] with file = ..., or drop this metric", v);
		}
		if (m->agg == AGG_TURNOVER && m->from != INPUT_HR)
			cerr(L, line, sec, "from", "turnover is computed from the hr input only");
		if (m->agg == AGG_REVIEW360 && m->from != INPUT_REVIEWS)
			cerr(L, line, sec, "from", "review360 is computed from the reviews input only");

		v = val(L, s, "name", &line);
		if (v && m->from != INPUT_METRICS)
			cerr(L, line, sec, "name", "only metrics read from the metrics input "
			     "take a name (the value of its metric column)");
		if (m->from == INPUT_METRICS)
			m->source_name = v && *v ? trimdup(v, strlen(v)) : xstrdup(name);

		v = val(L, s, "field", &line);
		if (v) {
			char *f = lowerdup(v, strlen(v));
			if (m->agg == AGG_COUNT || m->agg == AGG_TURNOVER || m->agg == AGG_REVIEW360) {
				cerr(L, line, sec, "field", "agg = %s takes no field", agg_names[agg]);
				diag_hint(L->d, "count counts rows; filter them with where = field:value");
			} else {
				m->field = field_lookup(L, line, sec, "field", m->from, f);
			}
			free(f);
		} else if (m->from == INPUT_METRICS && m->agg != AGG_COUNT) {
			m->field = METRICS_VALUE;
		} else if (m->agg == AGG_SUM || m->agg == AGG_AVG || m->agg == AGG_MIN ||
			   m->agg == AGG_MAX || m->agg == AGG_COUNT_DISTINCT) {
			cerr(L, line, sec, "field", "missing: agg = %s needs the field to aggregate",
			     agg_names[agg]);
		}
		if (m->field >= 0 && m->agg != AGG_COUNT_DISTINCT) {
			enum field_type t = schema_inputs[m->from].fields[m->field].type;
			if (t != FT_NUMBER && t != FT_MONEY)
				cerr(L, line, sec, "field", "'%s' is not a number or money field; "
				     "agg = %s needs one", schema_inputs[m->from].fields[m->field].name,
				     agg_names[agg]);
		}
		v = val(L, s, "where", &line);
		if (v)
			parse_where(L, line, sec, m, v);
	}

	m->scope = m->agg == AGG_TURNOVER ? SCOPE_DEPARTMENT : SCOPE_EMPLOYEE;
	get_enum(L, s, "scope", scope_names, ARRAY_SIZE(scope_names), &scope);
	if (scope >= 0)
		m->scope = (enum metric_scope)scope;
	if (m->agg == AGG_TURNOVER && m->scope == SCOPE_EMPLOYEE)
		cerr(L, val(L, s, "scope", &line) ? line : s->line, sec, "scope",
		     "turnover is a group measure: scope = department or company");

	switch (m->agg) {
	case AGG_COUNT:
	case AGG_COUNT_DISTINCT:
		m->format = FMT_INTEGER;
		break;
	case AGG_TURNOVER:
		m->format = FMT_PERCENT;
		break;
	case AGG_SUM:
	case AGG_AVG:
	case AGG_MIN:
	case AGG_MAX:
		m->format = m->field >= 0 &&
			schema_inputs[m->from].fields[m->field].type == FT_MONEY ?
			FMT_MONEY : FMT_NUMBER;
		break;
	default:
		m->format = FMT_NUMBER;
	}
	get_enum(L, s, "format", format_names, ARRAY_SIZE(format_names), &fmt);
	if (fmt >= 0)
		m->format = (enum metric_format)fmt;
}

int config_metric_index(const struct config *cfg, const char *name)
{
	size_t i;
	for (i = 0; i < cfg->nmetrics; i++)
		if (!strcmp(cfg->metrics[i].name, name))
			return (int)i;
	return -1;
}

int config_kpi_index(const struct config *cfg, const char *name)
{
	size_t i;
	for (i = 0; i < cfg->nkpis; i++)
		if (!strcmp(cfg->kpis[i].name, name))
			return (int)i;
	return -1;
}

/* A metric named in the INI (num, den, KPI metric), or -1 after an error. */
static int metric_ref(struct loader *L, int line, const char *sec, const char *key,
		      const char *name)
{
	struct config *cfg = L->cfg;
	char *n = lowerdup(name, strlen(name));
	int i = config_metric_index(cfg, n);
	if (i < 0) {
		const char **names = xcalloc(cfg->nmetrics + 1, sizeof(*names));
		const char *near;
		size_t k;
		for (k = 0; k < cfg->nmetrics; k++)
			names[k] = cfg->metrics[k].name;
		cerr(L, line, sec, key, "unknown metric '%s'", n);
		near = nearest(n, names, cfg->nmetrics);
		if (near)
			diag_hint(L->d, "did you mean '%s'?", near);
		else
			diag_hint(L->d, "declare it as [metric.%s]", n);
		free(names);
	}
	free(n);
	return i;
}

/* Ratios of ratios are fine; a ratio that needs itself is not. Depth-first
 * search over num/den edges, naming the first cycle found. */
static int ratio_cycle(struct loader *L, int m, int *state, int *stack, int depth)
{
	struct metric_def *md = &L->cfg->metrics[m];
	int next[2], i;
	if (state[m] == 2 || md->agg != AGG_RATIO)
		return 0;
	stack[depth] = m;
	if (state[m] == 1) {
		struct strbuf sb = STRBUF_INIT;
		int j = depth - 1;
		while (j > 0 && stack[j] != m)
			j--;
		for (; j <= depth; j++)
			strbuf_addf(&sb, "%s%s", sb.len ? " -> " : "", L->cfg->metrics[stack[j]].name);
		char *sec = xstrfmt("metric.%s", md->name);
		cerr(L, md->line, sec, NULL, "ratio cycle: %s", sb.buf);
		free(sec);
		diag_hint(L->d, "a ratio's num and den must not lead back to itself");
		strbuf_release(&sb);
		return 1;
	}
	state[m] = 1;
	next[0] = md->num;
	next[1] = md->den;
	for (i = 0; i < 2; i++)
		if (next[i] >= 0 && ratio_cycle(L, next[i], state, stack, depth + 1))
			return 1;
	state[m] = 2;
	return 0;
}

static void load_metrics(struct loader *L, const struct ini_section **secs, size_t n)
{
	struct config *cfg = L->cfg;
	char **num = xcalloc(n + 1, sizeof(*num)), **den = xcalloc(n + 1, sizeof(*den));
	int *state, *stack;
	size_t i;

	cfg->metrics = xcalloc(n + 1, sizeof(*cfg->metrics));
	for (i = 0; i < n; i++) {
		load_metric(L, secs[i], secs[i]->name + strlen("metric."), &cfg->metrics[i],
			    &num[i], &den[i]);
		cfg->nmetrics++;
	}
	for (i = 0; i < n; i++) {
		int line;
		if (num[i]) {
			val(L, secs[i], "num", &line);
			cfg->metrics[i].num = metric_ref(L, line, secs[i]->name, "num", num[i]);
		}
		if (den[i]) {
			val(L, secs[i], "den", &line);
			cfg->metrics[i].den = metric_ref(L, line, secs[i]->name, "den", den[i]);
		}
		free(num[i]);
		free(den[i]);
	}
	free(num);
	free(den);
	state = xcalloc(n + 1, sizeof(*state));
	stack = xcalloc(n + 2, sizeof(*stack));
	for (i = 0; i < n; i++)
		if (ratio_cycle(L, (int)i, state, stack, 0))
			break;
	free(state);
	free(stack);
}

/* -------------------------------------------------------------- [kpi.X] */

static const char *const direction_names[] = { "higher", "lower" };
static const char *const scoring_names[] = { "linear", "bands" };

static void parse_score_bands(struct loader *L, int line, const char *sec, struct kpi_def *k,
			      const char *text)
{
	struct strlist items = { 0 };
	size_t i;
	split_list(text, ',', &items);
	if (!items.nr)
		cerr(L, line, sec, "bands", "empty value; expected e.g. 100:100, 90:90, 80:70, 0:0");
	k->bands = xcalloc(items.nr + 1, sizeof(*k->bands));
	for (i = 0; i < items.nr; i++) {
		char *t, *sc;
		struct score_band *b = &k->bands[k->nbands];
		if (split_pair(items.items[i], &t, &sc) < 0) {
			cerr(L, line, sec, "bands", "'%s' is not achievement:score", items.items[i]);
			diag_hint(L->d, "e.g. bands = 100:100, 90:90, 80:70, 0:0 (achievement in %%)");
			continue;
		}
		if (!parse_real(L, line, sec, "bands", t, 0, -1e9, 1e9, &b->threshold) &&
		    !parse_real(L, line, sec, "bands", sc, 0, 0, 1e9, &b->score)) {
			if (k->nbands && b->threshold >= k->bands[k->nbands - 1].threshold)
				cerr(L, line, sec, "bands", "thresholds must fall strictly, highest "
				     "first (%g after %g)", b->threshold,
				     k->bands[k->nbands - 1].threshold);
			k->nbands++;
		}
		free(t);
		free(sc);
	}
	strlist_release(&items);
}

static void load_kpi(struct loader *L, const struct ini_section *s, const char *name,
		     struct kpi_def *k)
{
	static const char *const keys[] = {
		"label", "metric", "target", "direction", "scoring", "bands", "cap", "floor",
		"dimension", "perspective"
	};
	const char *v, *sec = s->name;
	int line, e;
	size_t i;

	check_keys(L, s, keys, ARRAY_SIZE(keys));
	k->name = xstrdup(name);
	k->line = s->line;
	k->metric = -1;
	k->target_from_table = 1;
	k->cap = 120;
	k->floor = 0;
	label_set(&k->label, name, NULL);
	if (!name_ok(name))
		cerr(L, s->line, sec, NULL, "KPI name '%s' may hold only letters, digits, '_' "
		     "and '-'", name);
	v = val(L, s, "label", &line);
	if (v)
		parse_label(L, line, sec, "label", v, &k->label);
	v = val(L, s, "metric", &line);
	if (!v || !*v)
		cerr(L, line, sec, "metric", "missing: which [metric.NAME] the KPI scores");
	else
		k->metric = metric_ref(L, line, sec, "metric", v);

	e = DIR_HIGHER;
	get_enum(L, s, "direction", direction_names, ARRAY_SIZE(direction_names), &e);
	k->direction = (enum kpi_direction)e;

	v = val(L, s, "target", &line);
	if (v) {
		char *t = trimdup(v, strlen(v));
		if (strcasecmp(t, "table")) {
			k->target_from_table = 0;
			if (!parse_real(L, line, sec, "target", t, 1, 0, 1e15, &k->target) &&
			    k->target == 0 && k->direction == DIR_HIGHER)
				cerr(L, line, sec, "target", "a higher-is-better KPI cannot have "
				     "target 0 (achievement = actual / target)");
		}
		free(t);
	}

	get_real(L, s, "cap", 0, 1e6, &k->cap);
	get_real(L, s, "floor", 0, 1e6, &k->floor);
	if (k->cap <= 0 || k->floor >= k->cap)
		cerr(L, s->line, sec, "cap", "need 0 <= floor < cap (floor %g, cap %g)",
		     k->floor, k->cap);

	v = val(L, s, "bands", &line);
	e = v ? SCORING_BANDS : SCORING_LINEAR;
	get_enum(L, s, "scoring", scoring_names, ARRAY_SIZE(scoring_names), &e);
	k->scoring = (enum kpi_scoring)e;
	if (k->scoring == SCORING_BANDS && !v) {
		cerr(L, line, sec, "bands", "missing: scoring = bands needs "
		     "bands = achievement:score, ... (e.g. 100:100, 90:90, 80:70, 0:0)");
	} else if (v && k->scoring == SCORING_LINEAR) {
		cerr(L, line, sec, "bands", "given, but scoring = linear");
		diag_hint(L->d, "write scoring = bands, or drop the bands");
	} else if (v) {
		parse_score_bands(L, line, sec, k, v);
		for (i = 0; i < k->nbands; i++)
			if (k->bands[i].score > k->cap)
				cerr(L, line, sec, "bands", "score %g is above the cap %g",
				     k->bands[i].score, k->cap);
	}

	v = val(L, s, "dimension", &line);
	k->dimension = DIM_RESULTS;
	if (v) {
		const char *c = map_value(L, line, sec, "dimension", "dimension", v);
		for (i = 0; c && i < DIM_COUNT; i++)
			if (!strcmp(c, dimension_names[i]))
				k->dimension = (enum dimension)i;
	}
	e = PERSP_FINANCIAL;
	get_enum(L, s, "perspective", perspective_names, PERSP_COUNT, &e);
	k->perspective = (enum perspective)e;
}

static void load_kpis(struct loader *L, const struct ini_section **secs, size_t n)
{
	size_t i;
	L->cfg->kpis = xcalloc(n + 1, sizeof(*L->cfg->kpis));
	for (i = 0; i < n; i++) {
		load_kpi(L, secs[i], secs[i]->name + strlen("kpi."), &L->cfg->kpis[i]);
		L->cfg->nkpis++;
	}
}

/* ------------------------------------------------------------- [role.X] */

static void parse_role_kpis(struct loader *L, int line, const char *sec, struct role_def *r,
			    const char *text)
{
	struct config *cfg = L->cfg;
	struct strlist items = { 0 };
	double sum = 0;
	size_t i, j;
	int ok = 1;

	split_list(text, ',', &items);
	r->kpis = xcalloc(items.nr + 1, sizeof(*r->kpis));
	for (i = 0; i < items.nr; i++) {
		char *name, *w;
		int ki;
		double weight;
		if (split_pair(items.items[i], &name, &w) < 0) {
			cerr(L, line, sec, "kpis", "'%s' is not kpi:weight", items.items[i]);
			diag_hint(L->d, "e.g. kpis = sales_achievement:50, conversion:20, "
				  "new_customers:15, peer_review:15");
			ok = 0;
			continue;
		}
		for (j = 0; name[j]; j++)
			name[j] = (char)tolower((unsigned char)name[j]);
		ki = config_kpi_index(cfg, name);
		if (ki < 0) {
			const char **names = xcalloc(cfg->nkpis + 1, sizeof(*names));
			const char *near;
			for (j = 0; j < cfg->nkpis; j++)
				names[j] = cfg->kpis[j].name;
			cerr(L, line, sec, "kpis", "role '%s': unknown KPI '%s'", r->name, name);
			near = nearest(name, names, cfg->nkpis);
			if (near)
				diag_hint(L->d, "did you mean '%s'?", near);
			else
				diag_hint(L->d, "declare it as [kpi.%s]", name);
			free(names);
			ok = 0;
		}
		for (j = 0; ki >= 0 && j < r->nkpis; j++)
			if (r->kpis[j].kpi == ki) {
				cerr(L, line, sec, "kpis", "role '%s': KPI '%s' listed twice",
				     r->name, name);
				ki = -1;
				ok = 0;
			}
		if (parse_real(L, line, sec, "kpis", w, 0, 0, 100, &weight) < 0) {
			ok = 0;
		} else if (weight <= 0) {
			cerr(L, line, sec, "kpis", "role '%s': weight of '%s' must be above 0",
			     r->name, name);
			diag_hint(L->d, "leave the KPI out instead of weighting it 0");
			ok = 0;
		} else if (ki >= 0) {
			r->kpis[r->nkpis].kpi = ki;
			r->kpis[r->nkpis].weight = weight;
			r->nkpis++;
		}
		sum += weight > 0 ? weight : 0;
		free(name);
		free(w);
	}
	if (!items.nr)
		cerr(L, line, sec, "kpis", "role '%s' has no KPIs", r->name);
	else if (ok && fabs(sum - 100) > 1e-9)
		cerr(L, line, sec, "kpis", "role '%s': KPI weights add up to %.10g, not 100",
		     r->name, sum);
	strlist_release(&items);
}

static void load_role(struct loader *L, const struct ini_section *s, const char *name,
		      struct role_def *r)
{
	static const char *const keys[] = { "label", "kpis", "value_coefficient" };
	const char *v;
	int line;

	check_keys(L, s, keys, ARRAY_SIZE(keys));
	r->name = xstrdup(name);
	r->line = s->line;
	r->value_coefficient = 1.0;
	label_set(&r->label, name, NULL);
	if (!name_ok(name))
		cerr(L, s->line, s->name, NULL, "role name '%s' may hold only letters, digits, "
		     "'_' and '-'", name);
	v = val(L, s, "label", &line);
	if (v)
		parse_label(L, line, s->name, "label", v, &r->label);
	v = val(L, s, "kpis", &line);
	if (!v || !*v)
		cerr(L, line, s->name, "kpis", "missing: role '%s' needs kpis = kpi:weight, ... "
		     "adding up to 100", name);
	else
		parse_role_kpis(L, line, s->name, r, v);
	get_real(L, s, "value_coefficient", 0, 100, &r->value_coefficient);
	if (r->value_coefficient <= 0)
		cerr(L, val(L, s, "value_coefficient", &line) ? line : s->line, s->name,
		     "value_coefficient", "must be above 0");
}

static void load_roles(struct loader *L, const struct ini_section **secs, size_t n)
{
	struct config *cfg = L->cfg;
	size_t i, j;
	cfg->roles = xcalloc(n + 1, sizeof(*cfg->roles));
	for (i = 0; i < n; i++) {
		load_role(L, secs[i], secs[i]->name + strlen("role."), &cfg->roles[i]);
		cfg->nroles++;
	}
	/* An HR role cell must name exactly one role. */
	for (i = 0; i < n; i++) {
		const struct role_def *a = &cfg->roles[i];
		for (j = 0; j < i; j++) {
			const struct role_def *b = &cfg->roles[j];
			const char *both = label_matches(&b->label, a->name, strlen(a->name)) ? a->name :
				label_matches(&b->label, a->label.zh, strlen(a->label.zh)) ? a->label.zh :
				label_matches(&b->label, a->label.en, strlen(a->label.en)) ? a->label.en :
				label_matches(&a->label, b->name, strlen(b->name)) ? b->name : NULL;
			if (both)
				cerr(L, a->line, secs[i]->name, "label", "'%s' also names [role.%s]; "
				     "an HR role cell would be ambiguous", both, b->name);
		}
	}
}

int config_role_find(const struct config *cfg, const char *text)
{
	size_t i, len;
	if (!text)
		return -1;
	while (isspace((unsigned char)*text))
		text++;
	len = strlen(text);
	while (len && isspace((unsigned char)text[len - 1]))
		len--;
	for (i = 0; i < cfg->nroles; i++)
		if (text_is(text, len, cfg->roles[i].name) ||
		    label_matches(&cfg->roles[i].label, text, len))
			return (int)i;
	return -1;
}

/* ---------------------------------------------- [rating], [scoring], ... */

static void load_rating(struct loader *L, const struct ini_section *s)
{
	static const char *const keys[] = { "bands" };
	static const char *const def =
		"优秀 | Excellent:90, 合格 | Qualified:80, 待改进 | Needs improvement:0";
	struct config *cfg = L->cfg;
	struct strlist items = { 0 };
	const char *v;
	int line;
	size_t i, j;

	check_keys(L, s, keys, ARRAY_SIZE(keys));
	v = val(L, s, "bands", &line);
	if (!v)
		v = def;
	split_list(v, ',', &items);
	if (!items.nr)
		cerr(L, line, secname(s, "rating"), "bands", "empty value; expected "
		     "label:threshold, ... highest first");
	cfg->bands = xcalloc(items.nr + 1, sizeof(*cfg->bands));
	for (i = 0; i < items.nr; i++) {
		struct rating_band *b = &cfg->bands[cfg->nbands];
		char *lab, *th;
		if (split_pair(items.items[i], &lab, &th) < 0) {
			cerr(L, line, "rating", "bands", "'%s' is not label:threshold", items.items[i]);
			diag_hint(L->d, "e.g. bands = 优秀 | Excellent:90, 合格 | Qualified:80, "
				  "待改进 | Needs improvement:0");
			continue;
		}
		if (!parse_label(L, line, "rating", "bands", lab, &b->label) &&
		    !parse_real(L, line, "rating", "bands", th, 0, -1e9, 1e9, &b->threshold)) {
			if (cfg->nbands && b->threshold >= cfg->bands[cfg->nbands - 1].threshold)
				cerr(L, line, "rating", "bands", "thresholds must fall strictly, highest "
				     "first ('%s' at %g after %g)", lab, b->threshold,
				     cfg->bands[cfg->nbands - 1].threshold);
			for (j = 0; j < cfg->nbands; j++)
				if (label_matches(&cfg->bands[j].label, b->label.zh, strlen(b->label.zh)) ||
				    label_matches(&cfg->bands[j].label, b->label.en, strlen(b->label.en)))
					cerr(L, line, "rating", "bands", "two bands are called '%s'", lab);
			b->multiplier = 1.0;
			cfg->nbands++;
		} else {
			label_release(&b->label);
		}
		free(lab);
		free(th);
	}
	/* The bottom band takes every score below the one above it, negative
	 * z-scores included; a positive threshold would suggest a gap. */
	if (cfg->nbands && cfg->bands[cfg->nbands - 1].threshold > 0) {
		cerr(L, line, "rating", "bands", "the bottom band '%s' has threshold %g; it must "
		     "be 0 or below, since it takes every lower score",
		     cfg->bands[cfg->nbands - 1].label.zh, cfg->bands[cfg->nbands - 1].threshold);
		diag_hint(L->d, "write :0 for the last band");
	}
	if (cfg->nbands > 1) {
		cfg->bands[0].multiplier = 1.5;
		cfg->bands[cfg->nbands - 1].multiplier = 0;
	}
	strlist_release(&items);
}

int config_band_find(const struct config *cfg, const char *text)
{
	size_t i, len;
	if (!text)
		return -1;
	while (isspace((unsigned char)*text))
		text++;
	len = strlen(text);
	while (len && isspace((unsigned char)text[len - 1]))
		len--;
	for (i = 0; i < cfg->nbands; i++)
		if (label_matches(&cfg->bands[i].label, text, len))
			return (int)i;
	return -1;
}

static void band_names(const struct config *cfg, struct strbuf *sb)
{
	size_t i;
	for (i = 0; i < cfg->nbands; i++)
		strbuf_addf(sb, "%s%s | %s", i ? ", " : "", cfg->bands[i].label.zh,
			    cfg->bands[i].label.en);
}

static void load_small_sections(struct loader *L, const struct ini_section *scoring,
				const struct ini_section *training, const struct ini_section *hist)
{
	static const char *const k_scoring[] = { "score_cap" };
	static const char *const k_training[] = { "points_per_course", "max_points" };
	static const char *const k_history[] = { "warning_after", "review_after", "promote_after" };
	struct config *cfg = L->cfg;

	check_keys(L, scoring, k_scoring, ARRAY_SIZE(k_scoring));
	get_real(L, scoring, "score_cap", 1, 1e6, &cfg->score_cap);
	check_keys(L, training, k_training, ARRAY_SIZE(k_training));
	get_real(L, training, "points_per_course", 0, 100, &cfg->training_points_per_course);
	get_real(L, training, "max_points", 0, 100, &cfg->training_max_points);
	check_keys(L, hist, k_history, ARRAY_SIZE(k_history));
	get_int(L, hist, "warning_after", 0, 1000, &cfg->warning_after);
	get_int(L, hist, "review_after", 0, 1000, &cfg->review_after);
	get_int(L, hist, "promote_after", 0, 1000, &cfg->promote_after);
}

/* "manager:50, peer:30" with relations mapped through [values.relation]. */
static void parse_relations(struct loader *L, const struct ini_section *s, const char *key,
			    int integer, double *dout, int *iout)
{
	struct strlist items = { 0 };
	const char *v;
	int line;
	size_t i, r;

	v = val(L, s, key, &line);
	if (!v)
		return;
	split_list(v, ',', &items);
	if (!items.nr)
		cerr(L, line, s->name, key, "empty value; expected relation:number, ...");
	for (i = 0; i < items.nr; i++) {
		char *rel, *num;
		const char *c;
		double x;
		if (split_pair(items.items[i], &rel, &num) < 0) {
			cerr(L, line, s->name, key, "'%s' is not relation:number", items.items[i]);
			continue;
		}
		c = map_value(L, line, s->name, key, "relation", rel);
		for (r = 0; c && r < REL_COUNT; r++) {
			if (strcmp(c, relation_names[r]))
				continue;
			if (!parse_real(L, line, s->name, key, num, 0, 0, integer ? 1000 : 100, &x)) {
				if (integer && (x != floor(x) || x < 1))
					cerr(L, line, s->name, key, "'%s' is not a whole number of at "
					     "least 1", num);
				else if (integer)
					iout[r] = (int)x;
				else
					dout[r] = x;
			}
		}
		free(rel);
		free(num);
	}
	strlist_release(&items);
}

static void load_review360(struct loader *L, const struct ini_section *s)
{
	static const char *const keys[] = { "weights", "min_reviewers" };
	struct review_conf *rc = &L->cfg->reviews;
	int line;
	check_keys(L, s, keys, ARRAY_SIZE(keys));
	if (val(L, s, "weights", &line)) {
		double w[REL_COUNT] = { 0 }, sum = 0;
		size_t r;
		size_t before = L->d->errors;
		parse_relations(L, s, "weights", 0, w, NULL);
		for (r = 0; r < REL_COUNT; r++)
			sum += w[r];
		if (L->d->errors == before && fabs(sum - 100) > 1e-9)
			cerr(L, line, s->name, "weights", "relation weights add up to %.10g, not 100 "
			     "(a relation left out weighs 0)", sum);
		memcpy(rc->weight, w, sizeof(w));
	}
	parse_relations(L, s, "min_reviewers", 1, NULL, rc->min_reviewers);
}

static void load_fairness(struct loader *L, const struct ini_section *s)
{
	static const char *const keys[] = { "method", "group", "min_group", "forced", "forced_scope" };
	static const char *const methods[] = { "none", "zscore", "percentile" };
	static const char *const fscopes[] = { "company", "group" };
	struct config *cfg = L->cfg;
	struct fairness_conf *fc = &cfg->fairness;
	const char *v;
	int line, e = FAIR_NONE;

	check_keys(L, s, keys, ARRAY_SIZE(keys));
	get_enum(L, s, "method", methods, ARRAY_SIZE(methods), &e);
	fc->method = (enum fairness_method)e;
	v = val(L, s, "group", &line);
	if (v) {
		char *g = lowerdup(v, strlen(v));
		int fi = field_lookup(L, line, s->name, "group", INPUT_HR, g);
		if (fi >= 0 && schema_inputs[INPUT_HR].fields[fi].type != FT_TEXT &&
		    schema_inputs[INPUT_HR].fields[fi].type != FT_VALUE)
			cerr(L, line, s->name, "group", "'%s' is a number or date; group by a text "
			     "field such as department", g);
		else if (fi >= 0) {
			free(fc->group);
			fc->group = xstrdup(schema_inputs[INPUT_HR].fields[fi].name);
			fc->group_field = fi;
		}
		free(g);
	}
	get_int(L, s, "min_group", 2, 1000000, &fc->min_group);
	e = 0;
	get_enum(L, s, "forced_scope", fscopes, ARRAY_SIZE(fscopes), &e);
	fc->forced_per_group = e;
	v = val(L, s, "forced", &line);
	if (v && *v) {
		struct strlist items = { 0 };
		double sum = 0;
		size_t i, bad = 0;
		split_list(v, '/', &items);
		fc->forced_shares = xcalloc(items.nr + 1, sizeof(double));
		for (i = 0; i < items.nr; i++) {
			if (parse_real(L, line, s->name, "forced", items.items[i], 0, 0, 100,
				       &fc->forced_shares[i]) < 0)
				bad++;
			sum += fc->forced_shares[i];
		}
		if (items.nr != cfg->nbands) {
			struct strbuf sb = STRBUF_INIT;
			band_names(cfg, &sb);
			cerr(L, line, s->name, "forced", "%zu shares for %zu rating bands (%s)",
			     items.nr, cfg->nbands, sb.buf);
			diag_hint(L->d, "give one percentage per band, highest first, e.g. 20/70/10");
			strbuf_release(&sb);
		} else if (!bad && fabs(sum - 100) > 1e-9) {
			cerr(L, line, s->name, "forced", "shares add up to %.10g, not 100", sum);
		} else if (!bad) {
			fc->forced = 1;
		}
		strlist_release(&items);
	}
}

/* ---------------------------------------------------------------- [bonus] */

struct currency { const char *code, *symbol; };
static const struct currency currencies[] = {
	{ "CNY", "¥" }, { "RMB", "¥" }, { "USD", "$" }, { "EUR", "€" }, { "GBP", "£" },
	{ "JPY", "¥" }, { "HKD", "HK$" }, { "TWD", "NT$" }, { "SGD", "S$" },
};

/* An Excel number format showing amounts with the symbol: "¥#,##0.00", or
 * "\"HK$\"#,##0.00" when the symbol holds letters Excel would read as codes. */
static char *money_number_format(const char *symbol)
{
	const char *p;
	for (p = symbol; *p; p++)
		if (isalpha((unsigned char)*p) || *p == '"' || *p == '\\' || *p == '0' ||
		    *p == '#' || *p == '?' || *p == ';')
			return xstrfmt("\"%s\"#,##0.00", symbol);
	return xstrfmt("%s#,##0.00", symbol);
}

static void load_multipliers(struct loader *L, const struct ini_section *s)
{
	struct config *cfg = L->cfg;
	struct strlist items = { 0 };
	const char *v;
	int line;
	size_t i;
	v = val(L, s, "multipliers", &line);
	if (!v)
		return;
	split_list(v, ',', &items);
	for (i = 0; i < items.nr; i++) {
		char *band, *m;
		int b;
		double x;
		if (split_pair(items.items[i], &band, &m) < 0) {
			cerr(L, line, s->name, "multipliers", "'%s' is not band:multiplier",
			     items.items[i]);
			diag_hint(L->d, "e.g. multipliers = 优秀:1.5, 合格:1.0, 待改进:0");
			continue;
		}
		b = config_band_find(cfg, band);
		if (b < 0 && cfg->nbands) {
			struct strbuf sb = STRBUF_INIT;
			band_names(cfg, &sb);
			cerr(L, line, s->name, "multipliers", "'%s' is not a rating band", band);
			diag_hint(L->d, "name a band of [rating] by either half of its label: %s",
				  sb.buf);
			strbuf_release(&sb);
		} else if (b >= 0 && !parse_real(L, line, s->name, "multipliers", m, 0, 0, 100, &x)) {
			cfg->bands[b].multiplier = x;
		}
		free(band);
		free(m);
	}
	strlist_release(&items);
}

static void load_pools(struct loader *L, const struct ini_section *s)
{
	struct bonus_conf *bc = &L->cfg->bonus;
	size_t i;
	if (!s)
		return;
	bc->pools = xcalloc(s->nkeys + 1, sizeof(*bc->pools));
	for (i = 0; i < s->nkeys; i++) {
		const struct ini_key *k = &s->keys[i];
		int line;
		const char *v = val(L, s, k->name, &line);
		int64_t c;
		enum num_result r = money_parse(v, &c);
		if (r != NUM_OK || c < 0) {
			cerr(L, line, s->name, k->raw, "'%s' is not an amount of 0 or more", v);
			diag_hint(L->d, "write the department's pool in currency units, e.g. 120000.00");
			continue;
		}
		bc->pools[bc->npools].department = xstrdup(k->raw);
		bc->pools[bc->npools].cents = c;
		bc->npools++;
	}
}

static void load_bonus(struct loader *L, const struct ini_section *s,
		       const struct ini_section *pools)
{
	static const char *const keys[] = {
		"pool", "currency", "symbol", "number_format", "multipliers", "cap_months",
		"min_days", "ineligible_status", "pay_leavers"
	};
	struct config *cfg = L->cfg;
	struct bonus_conf *bc = &cfg->bonus;
	const char *v;
	int line, have_pool = 0;
	size_t i;

	check_keys(L, s, keys, ARRAY_SIZE(keys));
	load_pools(L, pools);
	v = val(L, s, "pool", &line);
	if (v) {
		enum num_result r = money_parse(v, &bc->pool_cents);
		if (r != NUM_OK || bc->pool_cents < 0) {
			cerr(L, line, "bonus", "pool", "'%s' is not an amount of 0 or more", v);
			diag_hint(L->d, "write the pool in currency units, e.g. pool = 500000.00");
		} else {
			have_pool = 1;
		}
	}
	if (bc->npools) {
		int64_t sum = 0;
		int too_big = 0;
		for (i = 0; i < bc->npools && !too_big; i++) {
			/* Pools are never negative, so only the top can be passed;
			 * a wrapped sum would be a plausible wrong pool. */
			if (bc->pools[i].cents > INT64_MAX - sum) {
				cerr(L, pools->line, pools->name, NULL,
				     "the department pools add up to more than an amount can hold");
				too_big = 1;
			} else {
				sum += bc->pools[i].cents;
			}
		}
		if (!too_big && have_pool && sum != bc->pool_cents) {
			struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
			money_format(&a, bc->pool_cents, NULL);
			money_format(&b, sum, NULL);
			cerr(L, line, "bonus", "pool", "%s is not the sum of [bonus.pools] (%s)",
			     a.buf, b.buf);
			diag_hint(L->d, "drop pool, or make the department pools add up to it");
			strbuf_release(&a);
			strbuf_release(&b);
		}
		bc->pool_cents = sum;
	} else if (!v) {
		cerr(L, line, "bonus", "pool", "missing: the bonus pool to share out");
		diag_hint(L->d, "e.g. [bonus] pool = 500000.00, or one amount per department "
			  "in [bonus.pools]");
	}

	v = val(L, s, "currency", &line);
	if (v) {
		char *c = trimdup(v, strlen(v)), *p;
		for (p = c; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if (strlen(c) != 3 || !isalpha((unsigned char)c[0]) || !isalpha((unsigned char)c[1]) ||
		    !isalpha((unsigned char)c[2])) {
			cerr(L, line, "bonus", "currency", "'%s' is not a 3-letter currency code", v);
			diag_hint(L->d, "e.g. CNY, USD, EUR");
			free(c);
		} else {
			free(bc->currency);
			bc->currency = c;
		}
	}
	v = val(L, s, "symbol", &line);
	free(bc->currency_symbol);
	bc->currency_symbol = NULL;
	if (v && *v)
		bc->currency_symbol = trimdup(v, strlen(v));
	for (i = 0; !bc->currency_symbol && i < ARRAY_SIZE(currencies); i++)
		if (!strcmp(currencies[i].code, bc->currency))
			bc->currency_symbol = xstrdup(currencies[i].symbol);
	if (!bc->currency_symbol)
		bc->currency_symbol = xstrfmt("%s ", bc->currency);
	v = val(L, s, "number_format", &line);
	if (v) {
		const struct ini_key *k = sec_key(s, "number_format");
		if (!strchr(v, '0')) {
			cerr(L, line, "bonus", "number_format", "'%s' has no digit placeholder '0'", v);
			if (k && (strchr(k->raw_value, '#') || strchr(k->raw_value, ';')))
				diag_hint(L->d, "quote it: number_format = \"%s\" (an unquoted '#' "
					  "or ';' starts a comment)", k->raw_value);
		} else {
			bc->number_format = xstrdup(v);
		}
	}
	if (!bc->number_format)
		bc->number_format = money_number_format(bc->currency_symbol);

	load_multipliers(L, s);
	get_real(L, s, "cap_months", 0, 1200, &bc->cap_months);
	get_int(L, s, "min_days", 0, 31, &bc->min_days);
	v = val(L, s, "ineligible_status", &line);
	if (v) {
		strlist_release(&bc->ineligible_status);
		split_list(v, ',', &bc->ineligible_status);
	}
	v = val(L, s, "pay_leavers", &line);
	if (v) {
		const char *c = map_value(L, line, "bonus", "pay_leavers", "yesno", v);
		if (c)
			bc->pay_leavers = !strcmp(c, "yes");
	}
}

/* ---------------------------------------------- [policy], [letters], [mail] */

static void load_policy(struct loader *L, const struct ini_section *s)
{
	static const char *const missing[] = { "reweight", "zero", "error" };
	static const char *const levels[] = { "error", "warn", "warning" };
	const char *keys[2 + ROW_PROBLEM_COUNT];
	struct policy_conf *pc = &L->cfg->policy;
	int e;
	size_t i;

	keys[0] = "on_missing_data";
	keys[1] = "on_missing_target";
	for (i = 0; i < ROW_PROBLEM_COUNT; i++)
		keys[2 + i] = row_problem_names[i];
	check_keys(L, s, keys, ARRAY_SIZE(keys));
	e = pc->on_missing_data;
	get_enum(L, s, "on_missing_data", missing, ARRAY_SIZE(missing), &e);
	pc->on_missing_data = (enum missing_policy)e;
	e = pc->on_missing_target;
	get_enum(L, s, "on_missing_target", missing, ARRAY_SIZE(missing), &e);
	pc->on_missing_target = (enum missing_policy)e;
	for (i = 0; i < ROW_PROBLEM_COUNT; i++) {
		e = 0;
		get_enum(L, s, row_problem_names[i], levels, ARRAY_SIZE(levels), &e);
		pc->row_is_error[i] = e == 0;
	}
}

static void load_letters(struct loader *L, const struct ini_section *s)
{
	static const char *const keys[] = { "templates", "font", "font_index", "password", "jobs" };
	struct letters_conf *lc = &L->cfg->letters;
	const char *v;
	int line;

	check_keys(L, s, keys, ARRAY_SIZE(keys));
	free(lc->templates_dir);
	lc->templates_dir = get_path(L, s, "templates", "../templates");
	free(lc->font);
	lc->font = get_path(L, s, "font", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc");
	get_int(L, s, "font_index", 0, 1000, &lc->font_index);
	get_int(L, s, "jobs", 0, 1024, &lc->jobs);
	v = val(L, s, "password", &line);
	if (v && *v) {
		char *p = lowerdup(v, strlen(v));
		if (strcmp(p, "none")) {
			int fi = field_lookup(L, line, s->name, "password", INPUT_HR, p);
			if (fi >= 0)
				lc->password = xstrdup(schema_inputs[INPUT_HR].fields[fi].name);
			else
				diag_hint(L->d, "password = none, employee_id, or an HR column");
		}
		free(p);
	}
}

static void load_mail(struct loader *L, const struct ini_section *s)
{
	static const char *const keys[] = {
		"url", "user", "password_env", "password_file", "from", "reply_to", "bcc",
		"starttls", "messages_per_minute", "retries"
	};
	static const char *const tls[] = { "required", "optional", "none" };
	struct mail_conf *mc = &L->cfg->mail;
	int line, e = 0;

	check_keys(L, s, keys, ARRAY_SIZE(keys));
	mc->url = get_string(L, s, "url");
	if (mc->url && strncasecmp(mc->url, "smtp://", 7) && strncasecmp(mc->url, "smtps://", 8)) {
		val(L, s, "url", &line);
		cerr(L, line, s->name, "url", "'%s' is not an smtp:// or smtps:// URL", mc->url);
	}
	mc->user = get_string(L, s, "user");
	mc->password_env = get_string(L, s, "password_env");
	mc->password_file = get_path(L, s, "password_file", NULL);
	val(L, s, "password_file", &line);
	if (mc->password_env && mc->password_file)
		cerr(L, line, s->name, "password_file", "give password_env or password_file, not both");
	mc->from = get_string(L, s, "from");
	if (mc->from && !strchr(mc->from, '@')) {
		val(L, s, "from", &line);
		cerr(L, line, s->name, "from", "'%s' is not an e-mail address", mc->from);
	}
	mc->reply_to = get_string(L, s, "reply_to");
	mc->bcc = get_string(L, s, "bcc");
	get_enum(L, s, "starttls", tls, ARRAY_SIZE(tls), &e);
	mc->starttls_required = e == 0;
	mc->starttls_none = e == 2;
	get_int(L, s, "messages_per_minute", 0, 100000, &mc->messages_per_minute);
	get_int(L, s, "retries", 0, 100, &mc->retries);
}

/* ------------------------------------------------------------- sections */

enum sec_kind {
	K_RUN, K_RATING, K_SCORING, K_TRAINING, K_REVIEW360, K_FAIRNESS, K_BONUS,
	K_BONUS_POOLS, K_POLICY, K_HISTORY, K_LETTERS, K_MAIL,
	K_INPUT, K_COLUMNS, K_VALUES, K_METRIC, K_KPI, K_ROLE,
	K_COUNT
};
#define K_FIRST_PREFIX K_INPUT

static const char *const sec_names[K_COUNT] = {
	"run", "rating", "scoring", "training", "review360", "fairness", "bonus",
	"bonus.pools", "policy", "history", "letters", "mail",
	"input", "columns", "values", "metric", "kpi", "role",
};

static void unknown_section(struct loader *L, const struct ini_section *s)
{
	const char *dot = strchr(s->name, '.'), *near;
	cerr(L, s->line, NULL, NULL, "unknown section [%s]", s->name);
	if (dot) {
		char *head = xstrndup(s->name, (size_t)(dot - s->name));
		near = nearest(head, sec_names + K_FIRST_PREFIX, K_COUNT - K_FIRST_PREFIX);
		if (near)
			diag_hint(L->d, "did you mean [%s%s]?", near, dot);
		free(head);
		if (near)
			return;
	}
	near = nearest(s->name, sec_names, K_FIRST_PREFIX);
	if (near) {
		diag_hint(L->d, "did you mean [%s]?", near);
	} else {
		diag_hint(L->d, "sections: [run], [input.NAME], [columns.NAME], [values.NAME], "
			  "[metric.NAME], [kpi.NAME], [role.NAME], [rating], [scoring], [training], "
			  "[review360], [fairness], [bonus], [bonus.pools], [policy], [history], "
			  "[letters], [mail]");
	}
}

/* The input named by the suffix of [input.X] / [columns.X], or -1. */
static int section_input(struct loader *L, const struct ini_section *s, const char *suffix)
{
	const char *names[INPUT_COUNT], *near;
	int in = schema_input_index(suffix);
	size_t i;
	if (in >= 0)
		return in;
	for (i = 0; i < INPUT_COUNT; i++)
		names[i] = schema_inputs[i].name;
	cerr(L, s->line, s->name, NULL, "unknown input '%s'", suffix);
	near = nearest(suffix, names, INPUT_COUNT);
	if (near)
		diag_hint(L->d, "did you mean '%s'?", near);
	else
		diag_hint(L->d, "inputs: hr, sales, targets, metrics, reviews, training");
	return -1;
}

static void config_defaults(struct config *cfg)
{
	size_t i;
	cfg->locale = LOCALE_ZH;
	cfg->score_cap = 120;
	cfg->training_points_per_course = 2;
	cfg->training_max_points = 5;
	cfg->fairness.method = FAIR_NONE;
	cfg->fairness.group = xstrdup("department");
	cfg->fairness.group_field = HR_DEPARTMENT;
	cfg->fairness.min_group = 5;
	cfg->bonus.currency = xstrdup("CNY");
	cfg->bonus.cap_months = 3;
	cfg->bonus.min_days = 15;
	strlist_push(&cfg->bonus.ineligible_status, "probation");
	strlist_push(&cfg->bonus.ineligible_status, "试用");
	cfg->policy.on_missing_data = MISSING_REWEIGHT;
	cfg->policy.on_missing_target = MISSING_ERROR;
	for (i = 0; i < ROW_PROBLEM_COUNT; i++)
		cfg->policy.row_is_error[i] = 1;
	cfg->reviews.weight[REL_MANAGER] = 50;
	cfg->reviews.weight[REL_PEER] = 30;
	cfg->reviews.weight[REL_SUBORDINATE] = 20;
	cfg->reviews.weight[REL_SELF] = 0;
	for (i = 0; i < REL_COUNT; i++)
		cfg->reviews.min_reviewers[i] = 1;
	cfg->reviews.min_reviewers[REL_PEER] = 2;
	cfg->warning_after = 2;
	cfg->review_after = 3;
	cfg->promote_after = 3;
	cfg->mail.starttls_required = 1;
	cfg->mail.retries = 3;
	for (i = 0; i < INPUT_COUNT; i++)
		cfg->inputs[i].delimiter = ',';
}

static void load_sections(struct loader *L)
{
	struct config *cfg = L->cfg;
	const struct ini_section *fixed[K_FIRST_PREFIX] = { 0 };
	const struct ini_section **lists[K_COUNT] = { 0 };
	size_t nlist[K_COUNT] = { 0 }, i;
	int k;

	for (k = K_FIRST_PREFIX; k < K_COUNT; k++)
		lists[k] = xcalloc(L->ix.nr + 1, sizeof(*lists[k]));
	for (i = 0; i < L->ix.nr; i++) {
		const struct ini_section *s = &L->ix.secs[i];
		const char *dot = strchr(s->name, '.');
		for (k = 0; k < K_FIRST_PREFIX; k++)
			if (!strcmp(s->name, sec_names[k]))
				break;
		if (k < K_FIRST_PREFIX) {
			fixed[k] = s;
			continue;
		}
		for (k = K_FIRST_PREFIX; dot && dot[1] && k < K_COUNT; k++)
			if (strlen(sec_names[k]) == (size_t)(dot - s->name) &&
			    !strncmp(s->name, sec_names[k], (size_t)(dot - s->name)))
				break;
		if (!dot || !dot[1] || k == K_COUNT)
			unknown_section(L, s);
		else
			lists[k][nlist[k]++] = s;
	}

	valuesets_builtin(cfg);
	for (i = 0; i < nlist[K_VALUES]; i++)
		load_values(L, lists[K_VALUES][i], lists[K_VALUES][i]->name + strlen("values."));
	for (i = 0; i < nlist[K_INPUT]; i++) {
		int in = section_input(L, lists[K_INPUT][i], lists[K_INPUT][i]->name + strlen("input."));
		if (in >= 0)
			load_input(L, lists[K_INPUT][i], (enum input_kind)in);
	}
	for (i = 0; i < nlist[K_COLUMNS]; i++) {
		int in = section_input(L, lists[K_COLUMNS][i],
				       lists[K_COLUMNS][i]->name + strlen("columns."));
		if (in >= 0)
			load_columns(L, lists[K_COLUMNS][i], (enum input_kind)in);
	}
	for (i = 0; i < INPUT_COUNT; i++) {
		if (schema_inputs[i].required && !cfg->inputs[i].declared) {
			cerr(L, 0, NULL, NULL, "required input '%s' is not declared",
			     schema_inputs[i].name);
			diag_hint(L->d, "add [input.%s] with file = path/to/%s.csv",
				  schema_inputs[i].name, schema_inputs[i].name);
		}
	}
	load_run(L, fixed[K_RUN]);
	load_metrics(L, lists[K_METRIC], nlist[K_METRIC]);
	load_kpis(L, lists[K_KPI], nlist[K_KPI]);
	load_roles(L, lists[K_ROLE], nlist[K_ROLE]);
	if (!nlist[K_ROLE])
		cerr(L, 0, NULL, NULL, "no roles: declare at least one [role.NAME] scorecard");
	load_small_sections(L, fixed[K_SCORING], fixed[K_TRAINING], fixed[K_HISTORY]);
	load_review360(L, fixed[K_REVIEW360]);
	load_rating(L, fixed[K_RATING]);
	load_fairness(L, fixed[K_FAIRNESS]);
	load_bonus(L, fixed[K_BONUS], fixed[K_BONUS_POOLS]);
	load_policy(L, fixed[K_POLICY]);
	load_letters(L, fixed[K_LETTERS]);
	load_mail(L, fixed[K_MAIL]);
	for (k = K_FIRST_PREFIX; k < K_COUNT; k++)
		free(lists[k]);
}

/* ------------------------------------------------------------ iniparser */

/* iniparser reports syntax errors through one global callback; collect them
 * for the diag instead of letting it print to stderr. */
static struct strbuf ini_errors = STRBUF_INIT;

static int ini_error_cb(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&ini_errors, fmt, ap);
	va_end(ap);
	return 0;
}

/* iniparser 4.1 reads from a path only and chokes on a UTF-8 BOM, which
 * Windows editors add: hand it a private copy without one. */
static dictionary *ini_load(struct loader *L, const char *path, const char *buf, size_t len)
{
	dictionary *ini;
	char tmp[4096];
	int fd = -1;
	const char *dir = getenv("TMPDIR");

	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
		FILE *f;
		snprintf(tmp, sizeof(tmp), "%s/merit-ini-XXXXXX", dir && *dir ? dir : "/tmp");
		fd = mkstemp(tmp);
		f = fd < 0 ? NULL : fdopen(fd, "wb");
		if (!f || fwrite(buf + 3, 1, len - 3, f) != len - 3 || fclose(f)) {
			if (fd >= 0) {
				if (!f)
					close(fd);
				unlink(tmp);
			}
			cerr(L, 0, NULL, NULL, "cannot copy the INI without its BOM: %s",
			     strerror(errno));
			return NULL;
		}
		path = tmp;
	}
	strbuf_reset(&ini_errors);
	iniparser_set_error_callback(ini_error_cb);
	ini = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	if (fd >= 0)
		unlink(tmp);
	if (!ini) {
		strbuf_trim(&ini_errors);
		cerr(L, 0, NULL, NULL, "iniparser cannot read the file: %s",
		     ini_errors.len ? ini_errors.buf : "unknown error");
	}
	strbuf_release(&ini_errors);
	return ini;
}

static int read_file(const char *path, struct strbuf *sb, struct diag *d)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t n;
	if (!f) {
		diag_error(d, MERIT_NOINPUT, path, 0, 0, "cannot open the configuration: %s",
			   strerror(errno));
		diag_hint(d, "give the INI file with -c, e.g. -c config/merit.ini");
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		strbuf_add(sb, chunk, n);
		if (sb->len > CONFIG_MAX_BYTES)
			break;
	}
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		return diag_error(d, MERIT_NOINPUT, path, 0, 0, "cannot read the configuration: %s",
				  strerror(e));
	}
	fclose(f);
	if (sb->len > CONFIG_MAX_BYTES)
		return diag_config(d, path, 0, NULL, NULL, "file is larger than %u bytes; "
				   "is it really the INI?", CONFIG_MAX_BYTES);
	if (memchr(sb->buf, 0, sb->len))
		return diag_config(d, path, 0, NULL, NULL, "file contains NUL bytes; "
				   "is it really the INI?");
	return 0;
}

int config_load(struct config *cfg, const char *path, struct diag *d)
{
	struct loader L;
	struct strbuf buf = STRBUF_INIT;
	const char *slash;

	memset(cfg, 0, sizeof(*cfg));
	config_defaults(cfg);
	cfg->path = xstrdup(path);
	slash = strrchr(path, '/');
	cfg->dir = !slash ? xstrdup(".") : slash == path ? xstrdup("/") :
		xstrndup(path, (size_t)(slash - path));

	memset(&L, 0, sizeof(L));
	L.cfg = cfg;
	L.d = d;
	L.file = cfg->path;
	L.errors_before = d->errors;

	if (read_file(path, &buf, d) < 0)
		goto fail;
	sha256_hex(buf.buf, buf.len, cfg->sha256);
	if (buf.len >= 3 && !memcmp(buf.buf, "\xEF\xBB\xBF", 3))
		index_build(&L, buf.buf + 3, buf.len - 3);
	else
		index_build(&L, buf.buf, buf.len);
	if (d->errors != L.errors_before)
		goto fail;
	L.ini = ini_load(&L, path, buf.buf, buf.len);
	if (!L.ini)
		goto fail;
	load_sections(&L);
	if (d->errors != L.errors_before)
		goto fail;
	iniparser_freedict(L.ini);
	index_release(&L.ix);
	strbuf_release(&buf);
	return 0;
fail:
	if (L.ini)
		iniparser_freedict(L.ini);
	index_release(&L.ix);
	strbuf_release(&buf);
	config_release(cfg);
	return -1;
}

/* -------------------------------------------------------------- release */

static void valueset_release(struct valueset *vs)
{
	size_t i;
	for (i = 0; i < vs->nr; i++) {
		free(vs->values[i].canonical);
		strlist_release(&vs->values[i].aliases);
	}
	free(vs->values);
	free(vs->name);
}

void config_release(struct config *cfg)
{
	size_t i, j;
	free(cfg->path);
	free(cfg->dir);
	label_release(&cfg->company);
	free(cfg->period);
	free(cfg->output_dir);
	free(cfg->state_dir);
	for (i = 0; i < INPUT_COUNT; i++) {
		struct input_conf *ic = &cfg->inputs[i];
		free(ic->file);
		free(ic->file_display);
		strlist_release(&ic->date_formats);
		for (j = 0; j < SCHEMA_MAX_FIELDS; j++)
			strlist_release(&ic->aliases[j]);
	}
	for (i = 0; i < cfg->nvaluesets; i++)
		valueset_release(&cfg->valuesets[i]);
	free(cfg->valuesets);
	for (i = 0; i < cfg->nmetrics; i++) {
		struct metric_def *m = &cfg->metrics[i];
		free(m->name);
		free(m->source_name);
		for (j = 0; j < m->nwhere; j++)
			strlist_release(&m->where[j].values);
		free(m->where);
		label_release(&m->label);
	}
	free(cfg->metrics);
	for (i = 0; i < cfg->nkpis; i++) {
		free(cfg->kpis[i].name);
		free(cfg->kpis[i].bands);
		label_release(&cfg->kpis[i].label);
	}
	free(cfg->kpis);
	for (i = 0; i < cfg->nroles; i++) {
		free(cfg->roles[i].name);
		free(cfg->roles[i].kpis);
		label_release(&cfg->roles[i].label);
	}
	free(cfg->roles);
	for (i = 0; i < cfg->nbands; i++)
		label_release(&cfg->bands[i].label);
	free(cfg->bands);
	free(cfg->fairness.group);
	free(cfg->fairness.forced_shares);
	for (i = 0; i < cfg->bonus.npools; i++)
		free(cfg->bonus.pools[i].department);
	free(cfg->bonus.pools);
	free(cfg->bonus.currency);
	free(cfg->bonus.currency_symbol);
	free(cfg->bonus.number_format);
	strlist_release(&cfg->bonus.ineligible_status);
	free(cfg->letters.templates_dir);
	free(cfg->letters.font);
	free(cfg->letters.password);
	free(cfg->mail.url);
	free(cfg->mail.user);
	free(cfg->mail.password_env);
	free(cfg->mail.password_file);
	free(cfg->mail.from);
	free(cfg->mail.reply_to);
	free(cfg->mail.bcc);
	memset(cfg, 0, sizeof(*cfg));
}
