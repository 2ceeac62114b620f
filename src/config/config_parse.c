/*
 * config_parse: turning INI text into typed values for the section loaders
 * (numbers, whole numbers, one-of names, "中文 | English" labels, paths,
 * "name:value" lists), and saying what is wrong when it does not fit: each
 * error names the file, line, section and key, and an unknown name gets a
 * "did you mean" hint when a known one is within a typo's reach.
 */
#include "config_internal.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- lists */

const char *label_get(const struct label *l, enum locale loc)
{
	const char *s = loc == LOCALE_EN ? l->en : l->zh;
	return s ? s : "";
}

/* s without surrounding ASCII white space, as a new string. */
char *config_trimdup(const char *s, size_t len)
{
	str_trim(&s, &len);
	return xstrndup(s, len);
}

/* Splits s at sep into trimmed, non-empty items. */
void config_split(const char *s, char sep, struct strlist *out)
{
	while (s) {
		const char *e = strchr(s, sep);
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char *item = config_trimdup(s, n);
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
int config_text_is(const char *text, size_t len, const char *s)
{
	return strlen(s) == len && !strncasecmp(text, s, len);
}

void label_release(struct label *l)
{
	free(l->zh);
	free(l->en);
	l->zh = l->en = NULL;
}

void label_set(struct label *l, const char *zh, const char *en)
{
	label_release(l);
	l->zh = xstrdup(zh);
	l->en = xstrdup(en ? en : zh);
}

int label_matches(const struct label *l, const char *t, size_t n)
{
	return (l->zh && config_text_is(t, n, l->zh)) || (l->en && config_text_is(t, n, l->en));
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
const char *config_nearest(const char *word, const char *const *cands, size_t n)
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

/* Hints "did you mean 'X'?" when a name is within a typo of word; 0 when
 * none is, so the caller can list the known names or say how to add one. */
int config_suggest(struct config_loader *L, const char *word, const char *const *names,
		   size_t n)
{
	const char *near = config_nearest(word, names, n);
	if (near)
		diag_hint(L->d, "did you mean '%s'?", near);
	return near != NULL;
}

/* Appends "a, b, c" to sb. */
void config_join_names(struct strbuf *sb, const char *const *names, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", names[i]);
}
/* ---------------------------------------------------------- diagnostics */

int config_err(struct config_loader *L, int line, const char *sec, const char *key,
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

char *config_lowerdup(const char *s, size_t n)
{
	char *r = config_trimdup(s, n), *p;
	for (p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

const char *config_secname(const struct ini_section *s, const char *fallback)
{
	return s ? s->name : fallback;
}

/* Reports every key of s that is not in known[]. */
void config_check_keys(struct config_loader *L, const struct ini_section *s,
		       const char *const *known, size_t nknown)
{
	size_t i, j;
	for (i = 0; s && i < s->nkeys; i++) {
		const char *k = s->keys[i].name;
		for (j = 0; j < nknown; j++)
			if (!strcmp(known[j], k))
				break;
		if (j < nknown)
			continue;
		config_err(L, s->keys[i].line, s->name, k, "unknown key '%s'", k);
		if (!config_suggest(L, k, known, nknown)) {
			struct strbuf sb = STRBUF_INIT;
			config_join_names(&sb, known, nknown);
			diag_hint(L->d, "known keys in [%s]: %s", s->name, sb.buf);
			strbuf_release(&sb);
		}
	}
}

/* --------------------------------------------------------- typed values */

/* A real number from the INI; percent: whether "90%" (= 0.9) makes sense. */
int config_parse_real(struct config_loader *L, int line, const char *sec, const char *key,
		      const char *text, int percent, double min, double max, double *out)
{
	double v;
	enum num_result r = num_parse(text, &v);
	if (r == NUM_EMPTY)
		return config_err(L, line, sec, key, "empty value; expected a number");
	if (r != NUM_OK)
		return config_err(L, line, sec, key, "'%s' is not a number", text);
	if (!percent && strchr(text, '%')) {
		config_err(L, line, sec, key, "'%s': a percent sign is not allowed here", text);
		diag_hint(L->d, "write the plain number (120, not 120%%)");
		return -1;
	}
	if (v < min || v > max)
		return config_err(L, line, sec, key, "%s is out of range; expected %g to %g", text, min, max);
	*out = v;
	return 0;
}

void config_get_real(struct config_loader *L, const struct ini_section *s, const char *key,
		     double min, double max, double *out)
{
	int line;
	const char *v = config_val(L, s, key, &line);
	if (v)
		config_parse_real(L, line, s->name, key, v, 0, min, max, out);
}

void config_get_int(struct config_loader *L, const struct ini_section *s, const char *key,
		    long long min, long long max, int *out)
{
	int line;
	long long n;
	const char *v = config_val(L, s, key, &line);
	enum num_result r;
	if (!v)
		return;
	r = num_parse_int(v, min, max, &n);
	if (r == NUM_OK)
		*out = (int)n;
	else if (r == NUM_EMPTY)
		config_err(L, line, s->name, key, "empty value; expected a whole number");
	else if (r == NUM_RANGE)
		config_err(L, line, s->name, key, "%s is out of range; expected %lld to %lld", v, min, max);
	else
		config_err(L, line, s->name, key, "'%s' is not a whole number", v);
}

/* Index of text in names[] (case-insensitive), or -1 after an error that
 * names the allowed values. */
int config_parse_enum(struct config_loader *L, int line, const char *sec, const char *key,
		      const char *text, const char *const *names, size_t n)
{
	size_t i, len;
	struct strbuf sb = STRBUF_INIT;
	len = strlen(text);
	str_trim(&text, &len);
	for (i = 0; i < n; i++)
		if (config_text_is(text, len, names[i]))
			return (int)i;
	config_join_names(&sb, names, n);
	config_err(L, line, sec, key, "'%s' is not one of: %s", text, sb.buf);
	strbuf_release(&sb);
	config_suggest(L, text, names, n);
	return -1;
}

void config_get_enum(struct config_loader *L, const struct ini_section *s, const char *key,
		     const char *const *names, size_t n, int *out)
{
	int line, i;
	const char *v = config_val(L, s, key, &line);
	if (!v)
		return;
	i = config_parse_enum(L, line, s->name, key, v, names, n);
	if (i >= 0)
		*out = i;
}

/* "中文 | English"; a single text fills both halves. */
int config_parse_label(struct config_loader *L, int line, const char *sec, const char *key,
		       const char *text, struct label *out)
{
	const char *bar = strchr(text, '|');
	char *zh, *en;
	if (bar && strchr(bar + 1, '|'))
		return config_err(L, line, sec, key, "'%s' has more than one '|'", text);
	zh = config_trimdup(text, bar ? (size_t)(bar - text) : strlen(text));
	en = bar ? config_trimdup(bar + 1, strlen(bar + 1)) : xstrdup(zh);
	if (!*zh && !*en) {
		free(zh);
		free(en);
		return config_err(L, line, sec, key, "empty label");
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
	config_split(p, '/', &parts);
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
char *config_resolve(const struct config *cfg, const char *v)
{
	char *joined, *r;
	if (*v == '/')
		return path_normalise(v);
	joined = xstrfmt("%s/%s", cfg->dir, v);
	r = path_normalise(joined);
	free(joined);
	return r;
}

char *config_get_path(struct config_loader *L, const struct ini_section *s, const char *key,
		      const char *def)
{
	int line;
	const char *v = config_val(L, s, key, &line);
	char *t, *r;
	if (v && !*v)
		config_err(L, line, s->name, key, "empty path");
	if (!v || !*v)
		return def ? config_resolve(L->cfg, def) : NULL;
	t = config_trimdup(v, strlen(v));
	r = config_resolve(L->cfg, t);
	free(t);
	return r;
}

char *config_get_string(struct config_loader *L, const struct ini_section *s, const char *key)
{
	int line;
	const char *v = config_val(L, s, key, &line);
	return v && *v ? config_trimdup(v, strlen(v)) : NULL;
}

/* Splits "name:value" at the last ':' (labels may hold '|', not ':'). */
int config_split_pair(const char *item, char **name, char **value)
{
	const char *c = strrchr(item, ':');
	if (!c)
		return -1;
	*name = config_trimdup(item, (size_t)(c - item));
	*value = config_trimdup(c + 1, strlen(c + 1));
	if (!**name || !**value) {
		free(*name);
		free(*value);
		return -1;
	}
	return 0;
}

/* ----------------------------------------------------------- value sets */

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

/* Field `name` of input `in`, or -1 after an error with a suggestion. */
int config_field_lookup(struct config_loader *L, int line, const char *sec, const char *key,
			enum input_kind in, const char *name)
{
	const struct input_schema *sc = &schema_inputs[in];
	const char *known[SCHEMA_MAX_FIELDS] = { 0 };
	int fi = schema_field_index(in, name);
	size_t i;
	struct strbuf sb = STRBUF_INIT;
	if (fi >= 0)
		return fi;
	for (i = 0; i < sc->nfields; i++)
		known[i] = sc->fields[i].name;
	config_err(L, line, sec, key, "'%s' is not a field of the %s input", name, sc->name);
	if (!config_suggest(L, name, known, sc->nfields)) {
		config_join_names(&sb, known, sc->nfields);
		diag_hint(L->d, "fields of %s: %s", sc->name, sb.buf);
	}
	strbuf_release(&sb);
	return -1;
}

void config_name_label(struct config_loader *L, const struct ini_section *s, const char *what,
		       const char *name, struct label *label)
{
	const char *v;
	int line;
	label_set(label, name, NULL);
	if (!name_ok(name))
		config_err(L, s->line, s->name, NULL, "%s name '%s' may hold only letters, digits, "
			   "'_' and '-'", what, name);
	v = config_val(L, s, "label", &line);
	if (v)
		config_parse_label(L, line, s->name, "label", v, label);
}
