/*
 * config_inputs: what the CSV exports look like. [values.NAME] adds aliases
 * to the built-in value sets (stage, yesno, ...), [input.NAME] says which
 * file to read and how it is encoded and delimited, [columns.NAME] adds
 * header aliases per canonical field. Value sets are loaded first: every
 * other section that takes a value (locale, where = stage:won, pay_leavers)
 * maps it through them.
 */
#include "config_internal.h"
#include "util/diag.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ----------------------------------------------------------- value sets */

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

void config_valuesets_builtin(struct config *cfg)
{
	size_t i, j;
	for (i = 0; i < schema_nbuiltin_values; i++) {
		const struct builtin_value *b = &schema_builtin_values[i];
		struct value_alias *va = valueset_value(valueset_get(cfg, b->set, 1),
							b->canonical, 1);
		config_split(b->aliases, ',', &va->aliases);
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
	len = strlen(text);
	str_trim(&text, &len);
	for (i = 0; i < vs->nr; i++) {
		const struct value_alias *va = &vs->values[i];
		if (config_text_is(text, len, va->canonical))
			return va->canonical;
		for (j = 0; j < va->aliases.nr; j++)
			if (config_text_is(text, len, va->aliases.items[j]))
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
const char *config_map_value(struct config_loader *L, int line, const char *sec, const char *key,
			     const char *set, const char *text)
{
	const struct valueset *vs = config_valueset(L->cfg, set);
	const char *c = valueset_map(vs, text);
	struct strbuf sb = STRBUF_INIT;
	if (c)
		return c;
	valueset_names(vs, &sb);
	config_err(L, line, sec, key, "'%s' is not a %s value (%s)", text, set, sb.buf);
	diag_hint(L->d, "use one of those, or add '%s' as an alias in [values.%s]", text, set);
	strbuf_release(&sb);
	return NULL;
}

void config_load_values(struct config_loader *L, const struct ini_section *s, const char *set)
{
	struct valueset *vs = valueset_get(L->cfg, set, 0);
	size_t i, j;
	if (!vs) {
		const char **names = xcalloc(L->cfg->nvaluesets, sizeof(*names));
		const char *near;
		for (i = 0; i < L->cfg->nvaluesets; i++)
			names[i] = L->cfg->valuesets[i].name;
		config_err(L, s->line, s->name, NULL, "unknown value set '%s'", set);
		near = config_nearest(set, names, L->cfg->nvaluesets);
		if (near) {
			diag_hint(L->d, "did you mean [values.%s]?", near);
		} else {
			struct strbuf sb = STRBUF_INIT;
			config_join_names(&sb, names, L->cfg->nvaluesets);
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
		config_check_keys(L, s, known, vs->nr);
		free(known);
	}
	for (i = 0; i < s->nkeys; i++) {
		struct value_alias *va = valueset_value(vs, s->keys[i].name, 0);
		struct strlist add = { 0 };
		int line;
		const char *v;
		if (!va)
			continue;
		v = config_val(L, s, s->keys[i].name, &line);
		config_split(v, ',', &add);
		for (j = 0; j < add.nr; j++) {
			const char *prev = valueset_map(vs, add.items[j]);
			if (prev && strcmp(prev, va->canonical)) {
				config_err(L, line, s->name, s->keys[i].name,
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

/* ----------------------------------------------- [input.X], [columns.X] */

/* The input named by the suffix of [input.X] / [columns.X], or -1. */
static int section_input(struct config_loader *L, const struct ini_section *s, const char *suffix)
{
	const char *names[INPUT_COUNT];
	int in = schema_input_index(suffix);
	size_t i;
	if (in >= 0)
		return in;
	for (i = 0; i < INPUT_COUNT; i++)
		names[i] = schema_inputs[i].name;
	config_err(L, s->line, s->name, NULL, "unknown input '%s'", suffix);
	if (!config_suggest(L, suffix, names, INPUT_COUNT))
		diag_hint(L->d, "inputs: hr, sales, targets, metrics, reviews, training, overrides");
	return -1;
}

static void load_input(struct config_loader *L, const struct ini_section *s, enum input_kind in)
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

	config_check_keys(L, s, keys, ARRAY_SIZE(keys));
	ic->declared = 1;
	v = config_val(L, s, "file", &line);
	if (!v || !*v) {
		config_err(L, line, s->name, "file", "missing: which CSV export to read");
		diag_hint(L->d, "add e.g. file = ../samples/%s.csv (relative to the INI's folder)",
			  schema_inputs[in].name);
	} else {
		ic->file_display = config_trimdup(v, strlen(v));
		ic->file = config_resolve(L->cfg, ic->file_display);
	}
	config_get_enum(L, s, "encoding", encodings, ARRAY_SIZE(encodings), &e);
	ic->encoding = enc_values[e];
	v = config_val(L, s, "date_format", &line);
	if (v) {
		config_split(v, ',', &ic->date_formats);
		for (i = 0; i < ic->date_formats.nr; i++)
			if (!strchr(ic->date_formats.items[i], '%'))
				config_err(L, line, s->name, "date_format",
					   "'%s' is not a strptime format", ic->date_formats.items[i]);
		if (!ic->date_formats.nr)
			config_err(L, line, s->name, "date_format", "empty value; expected e.g. %%m/%%d/%%Y");
	}
	v = config_val(L, s, "delimiter", &line);
	if (v) {
		static const char *const names[] = { "comma", "semicolon", "tab", "pipe" };
		static const char chars[] = { ',', ';', '\t', '|' };
		char *t = config_trimdup(v, strlen(v));
		if (!*t) {
			config_err(L, line, s->name, "delimiter", "empty value");
			diag_hint(L->d, "write delimiter = semicolon (or \";\" quoted: an unquoted "
				  "';' starts a comment)");
		} else if (strlen(t) == 1 && ispunct((unsigned char)*t) && *t != '"') {
			ic->delimiter = *t;
		} else if (!strcmp(t, "\\t")) {
			ic->delimiter = '\t';
		} else {
			int k = config_parse_enum(L, line, s->name, "delimiter", t, names, ARRAY_SIZE(names));
			if (k >= 0)
				ic->delimiter = chars[k];
			else
				diag_hint(L->d, "or one punctuation character; write \";\" quoted, "
					  "since an unquoted ';' starts a comment");
		}
		free(t);
	}
}

static void load_columns(struct config_loader *L, const struct ini_section *s, enum input_kind in)
{
	const struct input_schema *sc = &schema_inputs[in];
	struct input_conf *ic = &L->cfg->inputs[in];
	const char *known[SCHEMA_MAX_FIELDS] = { 0 };
	size_t i, j, f, g;

	for (i = 0; i < sc->nfields; i++)
		known[i] = sc->fields[i].name;
	config_check_keys(L, s, known, sc->nfields);
	for (i = 0; i < s->nkeys; i++) {
		int line, fi = schema_field_index(in, s->keys[i].name);
		const char *v;
		if (fi < 0)
			continue;
		v = config_val(L, s, s->keys[i].name, &line);
		config_split(v, ',', &ic->aliases[fi]);
		/* One header may name only one field, or the mapping is a guess. */
		for (j = 0; j < ic->aliases[fi].nr; j++) {
			const char *a = ic->aliases[fi].items[j];
			for (f = 0; f < sc->nfields; f++) {
				int clash = (int)f != fi && !strcasecmp(a, sc->fields[f].name);
				for (g = 0; !clash && (int)f != fi && g < ic->aliases[f].nr; g++)
					clash = !strcasecmp(a, ic->aliases[f].items[g]);
				if (clash) {
					config_err(L, line, s->name, s->keys[i].name,
						   "header '%s' is also mapped to '%s'", a,
						   sc->fields[f].name);
					break;
				}
			}
		}
	}
}

void config_load_input(struct config_loader *L, const struct ini_section *s, const char *suffix)
{
	int in = section_input(L, s, suffix);
	if (in >= 0)
		load_input(L, s, (enum input_kind)in);
}

void config_load_columns(struct config_loader *L, const struct ini_section *s,
			 const char *suffix)
{
	int in = section_input(L, s, suffix);
	if (in >= 0)
		load_columns(L, s, (enum input_kind)in);
}

/* Declared inputs are known only after every [input.X] was read. */
void config_check_inputs(struct config_loader *L)
{
	size_t i;
	for (i = 0; i < INPUT_COUNT; i++) {
		if (schema_inputs[i].required && !L->cfg->inputs[i].declared) {
			config_err(L, 0, NULL, NULL, "required input '%s' is not declared",
				   schema_inputs[i].name);
			diag_hint(L->d, "add [input.%s] with file = path/to/%s.csv",
				  schema_inputs[i].name, schema_inputs[i].name);
		}
	}
}
