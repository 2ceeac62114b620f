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
#include <stdarg.h>
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
		/* [values.role] (job titles -> roles) is read apart, but is a set
		 * to name and suggest like the others. */
		size_t nnames = L->cfg->nvaluesets + 1;
		const char **names = xcalloc(nnames, sizeof(*names));
		const char *near;
		for (i = 0; i < L->cfg->nvaluesets; i++)
			names[i] = L->cfg->valuesets[i].name;
		names[i] = "role";
		config_err(L, s->line, s->name, NULL, "unknown value set '%s'", set);
		near = config_nearest(set, names, nnames);
		if (near) {
			diag_hint(L->d, "did you mean [values.%s]?", near);
		} else {
			struct strbuf sb = STRBUF_INIT;
			config_join_names(&sb, names, nnames);
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

/* Adds hint to the message the key's parser just reported, when the parser
 * gave none (a "did you mean" stays): every misuse of a SPEC 3.1 key comes
 * with what the key means. */
static void hint_if_bare(struct config_loader *L, size_t before, const char *hint)
{
	if (L->d->nr > before && !L->d->msgs[L->d->nr - 1].hint)
		diag_hint(L->d, "%s", hint);
}

/* config_get_enum() with hint_if_bare(). */
static void get_enum_hinted(struct config_loader *L, const struct ini_section *s, const char *key,
			    const char *const *names, size_t n, int *out, const char *hint)
{
	size_t before = L->d->nr;
	config_get_enum(L, s, key, names, n, out);
	hint_if_bare(L, before, hint);
}

/* header_row, null, salary_period, hours_per_year, employee_key, layout, scale. */
static void load_input_shape(struct config_loader *L, const struct ini_section *s,
			     enum input_kind in)
{
	static const char *const periods[] = { "month", "year", "hour" };
	static const char *const layouts[] = { "long", "wide" };
	static const char *const keys[] = { "employee_id", "alt_id", "email", "name" };
	static const char *const decimals[] = { "point", "comma" };
	static const int key_fields[] = { HR_EMPLOYEE_ID, HR_ALT_ID, HR_EMAIL, HR_NAME };
	struct input_conf *ic = &L->cfg->inputs[in];
	const char *v;
	int line, k = 0;
	size_t before = L->d->nr;

	config_get_int(L, s, "header_row", 1, 1000000, &ic->header_row);
	hint_if_bare(L, before, "header_row is the header's row number as a spreadsheet "
		     "shows it (1 = the first line); rows above it are skipped");
	v = config_val(L, s, "null", &line);
	if (v)
		config_split(v, ',', &ic->nulls);
	if ((v = config_val(L, s, "salary_period", &line)) && in != INPUT_HR) {
		config_err(L, line, s->name, "salary_period", "only [input.hr] has a base_salary");
		diag_hint(L->d, "move the key to [input.hr]");
	}
	k = 0;
	get_enum_hinted(L, s, "salary_period", periods, ARRAY_SIZE(periods), &k,
			"salary_period says how base_salary is exported: month, "
			"year (divided by 12) or hour (times hours_per_year / 12)");
	ic->salary_period = (enum salary_period)k;
	before = L->d->nr;
	config_get_real(L, s, "hours_per_year", 1, 8784, &ic->hours_per_year);
	hint_if_bare(L, before, "hours_per_year: the hours a year the hourly rate is paid "
		     "for, e.g. 2080 (40 hours x 52 weeks)");
	if ((v = config_val(L, s, "hours_per_year", &line)) && ic->salary_period != SALARY_HOUR) {
		config_err(L, line, s->name, "hours_per_year", "used only with salary_period = hour");
		diag_hint(L->d, "set salary_period = hour, or remove hours_per_year");
	}
	if ((v = config_val(L, s, "employee_key", &line))) {
		if (in == INPUT_HR) {
			config_err(L, line, s->name, "employee_key",
				   "[input.hr] is what employee_key refers to");
			diag_hint(L->d, "set employee_key in the input whose employee column holds "
				  "another HR field (alt_id, email or name)");
		}
		k = 0;
		get_enum_hinted(L, s, "employee_key", keys, ARRAY_SIZE(keys), &k,
				"employee_key names the HR field this input's employee "
				"column holds; alt_id is [columns.hr] alt_id (a second id)");
		ic->employee_key = key_fields[k];
	}
	if ((v = config_val(L, s, "layout", &line))) {
		k = 0;
		get_enum_hinted(L, s, "layout", layouts, ARRAY_SIZE(layouts), &k,
				"layout = wide reads a quota sheet with one column per "
				"month; long (the default) one row per target");
		ic->wide = k == 1;
		if (ic->wide && in != INPUT_TARGETS) {
			config_err(L, line, s->name, "layout",
				   "layout = wide is for [input.targets] (one column per month)");
			diag_hint(L->d, "remove the key: other inputs have one row per record");
			ic->wide = 0;
		}
	}
	before = L->d->nr;
	config_get_real(L, s, "scale", 1e-9, 1e9, &ic->scale);
	hint_if_bare(L, before, "scale multiplies every number and amount of the input: "
		     "1000 when the export is in thousands");
	k = 0;
	get_enum_hinted(L, s, "decimal", decimals, ARRAY_SIZE(decimals), &k,
			"decimal = comma reads 1.234,56 as 1234.56 (European "
			"exports); point (the default) reads 1,234.56");
	ic->decimal_comma = k == 1;
}

static void load_input(struct config_loader *L, const struct ini_section *s, enum input_kind in)
{
	static const char *const keys[] = {
		"file", "encoding", "date_format", "delimiter", "header_row", "null",
		"salary_period", "hours_per_year", "employee_key", "layout", "scale", "sheet",
		"decimal",
	};
	static const char *const encodings[] = {
		"auto", "utf-8", "gb18030", "utf8", "gbk", "gb2312", "utf-16", "utf16",
		"utf-16le", "utf-16be", "windows-1252", "cp1252", "latin1", "latin-1", "iso-8859-1",
	};
	static const enum encoding enc_values[] = {
		ENC_AUTO, ENC_UTF8, ENC_GB18030, ENC_UTF8, ENC_GB18030, ENC_GB18030, ENC_UTF16,
		ENC_UTF16, ENC_UTF16LE, ENC_UTF16BE, ENC_CP1252, ENC_CP1252, ENC_CP1252, ENC_CP1252,
		ENC_CP1252,
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
	get_enum_hinted(L, s, "encoding", encodings, ARRAY_SIZE(encodings), &e,
			"auto reads UTF-8, GB18030 and UTF-16; a Western European export from "
			"Excel on Windows is windows-1252 (auto cannot tell it from GB18030)");
	ic->encoding = enc_values[e];
	v = config_val(L, s, "sheet", &line);
	if (v) {
		free(ic->sheet);
		ic->sheet = config_trimdup(v, strlen(v));
		if (!*ic->sheet) {
			config_err(L, line, s->name, "sheet", "empty value; a sheet name or its number (1 = the first)");
			diag_hint(L->d, "remove the key to read the first sheet");
		}
	}
	v = config_val(L, s, "date_format", &line);
	if (v) {
		config_split(v, ',', &ic->date_formats);
		for (i = 0; i < ic->date_formats.nr; i++)
			if (!strchr(ic->date_formats.items[i], '%')) {
				config_err(L, line, s->name, "date_format",
					   "'%s' is not a strptime format", ic->date_formats.items[i]);
				diag_hint(L->d, "write the format with %% fields, e.g. %%d.%%m.%%Y "
					  "for 31.10.2026; several are separated by commas");
			}
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
	load_input_shape(L, s, in);
}

/* Checks the `+` joins of one alias list: no empty part. */
static void check_joins(struct config_loader *L, int line, const struct ini_section *s,
			const char *key, const struct strlist *al)
{
	size_t j;
	for (j = 0; j < al->nr; j++) {
		const char *a = al->items[j];
		size_t n = strlen(a);
		if (a[0] == '+' || a[n - 1] == '+' || strstr(a, "++")) {
			config_err(L, line, s->name, key, "'%s': a '+' joins two header names", a);
			diag_hint(L->d, "write e.g. name = FirstName + LastName");
		}
	}
}

/*
 * One header may feed several fields (SPEC 3.1: where people are known
 * only by name, employee_id = Agent and name = Agent), so aliases are not
 * checked against each other.
 */
static void load_columns(struct config_loader *L, const struct ini_section *s, enum input_kind in)
{
	const struct input_schema *sc = &schema_inputs[in];
	struct input_conf *ic = &L->cfg->inputs[in];
	const char *known[SCHEMA_MAX_FIELDS + 1] = { 0 };
	size_t i, nknown = sc->nfields;
	int line;
	const char *v;

	for (i = 0; i < sc->nfields; i++)
		known[i] = sc->fields[i].name;
	if (in == INPUT_TARGETS)
		known[nknown++] = "months";
	config_check_keys(L, s, known, nknown);
	for (i = 0; i < s->nkeys; i++) {
		int fi = schema_field_index(in, s->keys[i].name);
		if (fi < 0)
			continue;
		v = config_val(L, s, s->keys[i].name, &line);
		config_split(v, ',', &ic->aliases[fi]);
		check_joins(L, line, s, s->keys[i].name, &ic->aliases[fi]);
	}
	if (in == INPUT_TARGETS && (v = config_val(L, s, "months", &line))) {
		config_split(v, ',', &ic->months);
		/* 4: a quota sheet by quarter (one target row per quarter, which a
		 * monthly run prorates as any quarter's target) */
		if (ic->months.nr != 12 && ic->months.nr != 4) {
			config_err(L, line, s->name, "months", "%zu headers; a year has 12 months "
				   "or 4 quarters", ic->months.nr);
			diag_hint(L->d, "name the column of each month, January first "
				  "(months = M01, M02, ..., M12), or of each quarter "
				  "(months = Q1, Q2, Q3, Q4)");
		}
	}
}

/* [defaults.X]: a field's value where its column is absent or its cell empty. */
static void load_defaults(struct config_loader *L, const struct ini_section *s,
			  enum input_kind in)
{
	const struct input_schema *sc = &schema_inputs[in];
	struct input_conf *ic = &L->cfg->inputs[in];
	const char *known[SCHEMA_MAX_FIELDS] = { 0 };
	size_t i;

	for (i = 0; i < sc->nfields; i++)
		known[i] = sc->fields[i].name;
	config_check_keys(L, s, known, sc->nfields);
	for (i = 0; i < s->nkeys; i++) {
		int line, fi = schema_field_index(in, s->keys[i].name);
		const struct field_def *f;
		const char *v;
		char *t;
		if (fi < 0)
			continue;
		f = &sc->fields[fi];
		v = config_val(L, s, s->keys[i].name, &line);
		t = config_trimdup(v, strlen(v));
		if (!*t) {
			config_err(L, line, s->name, f->name, "empty value");
			diag_hint(L->d, "remove the key, or give the value every row should take");
			free(t);
			continue;
		}
		if (f->type == FT_VALUE &&
		    !config_map_value(L, line, s->name, f->name, f->valueset, t)) {
			free(t);
			continue;
		}
		if (f->type == FT_NUMBER || f->type == FT_MONEY) {
			double x;
			if (config_parse_real(L, line, s->name, f->name, t, 0, -1e15, 1e15, &x) < 0) {
				free(t);
				continue;
			}
		}
		free(ic->defaults[fi]);
		ic->defaults[fi] = t;
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

void config_load_defaults(struct config_loader *L, const struct ini_section *s,
			  const char *suffix)
{
	int in = section_input(L, s, suffix);
	if (in >= 0)
		load_defaults(L, s, (enum input_kind)in);
}

/* Declared inputs are known only after every [input.X] was read. */
void config_check_inputs(struct config_loader *L)
{
	const struct input_conf *t = &L->cfg->inputs[INPUT_TARGETS];
	size_t i;
	if (t->wide && !t->months.nr) {
		config_err(L, 0, "input.targets", "layout", "layout = wide needs the month columns");
		diag_hint(L->d, "add [columns.targets] months = M01, M02, ..., M12 (the header of "
			  "each month, January first) and year = the year's header");
	} else if (!t->wide && t->months.nr) {
		config_err(L, 0, "columns.targets", "months", "months are read only with layout = wide");
		diag_hint(L->d, "add layout = wide to [input.targets], or remove months");
	}
	for (i = 0; i < INPUT_COUNT; i++) {
		if (schema_inputs[i].required && !L->cfg->inputs[i].declared) {
			config_err(L, 0, NULL, NULL, "required input '%s' is not declared",
				   schema_inputs[i].name);
			diag_hint(L->d, "add [input.%s] with file = path/to/%s.csv",
				  schema_inputs[i].name, schema_inputs[i].name);
		}
	}
}

/* ------------------------------------------------------ [values.role] */

/*
 * A job title against a pattern: '*' any run of characters, '?' one
 * character (UTF-8), ASCII letters in any case. Not fnmatch(3): its
 * brackets and backslashes mean something, and titles contain both.
 */
static int title_match(const char *p, const char *t)
{
	const char *star = NULL, *resume = NULL;
	while (*t) {
		if (*p == '*') {
			star = ++p;
			resume = t;
			continue;
		}
		if (*p == '?') {
			p++;
			t++;
			while ((*t & 0xC0) == 0x80)
				t++;
			continue;
		}
		if (*p && tolower((unsigned char)*p) == tolower((unsigned char)*t)) {
			p++;
			t++;
			continue;
		}
		if (!star)
			return 0;
		p = star;
		t = ++resume;
		while ((*t & 0xC0) == 0x80)
			t = ++resume;
	}
	while (*p == '*')
		p++;
	return !*p;
}

int config_role_of_title(const struct config *cfg, const char *title, int *first, int *other)
{
	size_t i, len = strlen(title);
	int found = config_role_find(cfg, title);
	char *t;
	*first = *other = -1;
	if (found >= 0 || !cfg->nrole_titles)
		return found;
	str_trim(&title, &len);
	t = xstrndup(title, len);
	for (i = 0; i < cfg->nrole_titles; i++) {
		const struct role_title *rt = &cfg->role_titles[i];
		if (!title_match(rt->pattern, t))
			continue;
		if (*first < 0) {
			*first = (int)i;
		} else if (cfg->role_titles[*first].role != rt->role) {
			*other = (int)i;
			break;
		}
	}
	free(t);
	if (*other >= 0)
		return -2;
	return *first >= 0 ? cfg->role_titles[*first].role : -1;
}

void config_load_role_titles(struct config_loader *L, const struct ini_section *s)
{
	struct config *cfg = L->cfg;
	size_t i, j, nt = 0;
	for (i = 0; i < s->nkeys; i++) {
		int line, r;
		const char *v = config_val(L, s, s->keys[i].name, &line);
		struct strlist pats = { 0 };
		r = config_role_find(cfg, s->keys[i].name);
		if (r < 0) {
			const char **names = xcalloc(cfg->nroles + 1, sizeof(*names));
			for (j = 0; j < cfg->nroles; j++)
				names[j] = cfg->roles[j].name;
			config_err(L, line, s->name, s->keys[i].name, "no [role.%s] to map titles to",
				   s->keys[i].name);
			if (!config_suggest(L, s->keys[i].name, names, cfg->nroles))
				diag_hint(L->d, "each key of [values.role] is the NAME of a [role.NAME]");
			free(names);
			continue;
		}
		config_split(v, ',', &pats);
		for (j = 0; j < pats.nr; j++) {
			ALLOC_GROW(cfg->role_titles, cfg->nrole_titles + 1, nt);
			cfg->role_titles[cfg->nrole_titles].pattern = xstrdup(pats.items[j]);
			cfg->role_titles[cfg->nrole_titles].role = r;
			cfg->role_titles[cfg->nrole_titles].line = line;
			cfg->nrole_titles++;
		}
		strlist_release(&pats);
	}
}

/* ------------------------------------------------------- required-by-use */

static void use(struct config *cfg, enum input_kind in, int field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void use(struct config *cfg, enum input_kind in, int field, const char *fmt, ...)
{
	struct input_conf *ic = &cfg->inputs[in];
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	if (field < 0 || (size_t)field >= schema_inputs[in].nfields || ic->used_by[field])
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ic->used_by[field] = strbuf_detach(&sb, NULL);
}

static int has_key(const struct config_loader *L, const char *sec, const char *key)
{
	return config_sec_key(config_section(L, sec), key) != NULL;
}

/*
 * SPEC 3.1: a field is needed when something in the config uses it. Run
 * once after every section is loaded; the loader checks each used field
 * against the export's header (only it knows which columns exist).
 */
void config_fields_used(struct config_loader *L)
{
	struct config *cfg = L->cfg;
	size_t i, w;
	for (i = 0; i < cfg->nmetrics; i++) {
		const struct metric_def *m = &cfg->metrics[i];
		if (m->agg == AGG_RATIO || m->agg == AGG_TURNOVER || m->agg == AGG_REVIEW360)
			continue;
		use(cfg, m->from, m->field, "[metric.%s] field", m->name);
		for (w = 0; w < m->nwhere; w++)
			use(cfg, m->from, m->where[w].field, "[metric.%s] where", m->name);
	}
	/* Turnover counts leavers: without a leave_date column every
	 * department's turnover would be 0, not unknown. */
	for (i = 0; i < cfg->nmetrics; i++)
		if (cfg->metrics[i].agg == AGG_TURNOVER)
			use(cfg, INPUT_HR, HR_LEAVE_DATE, "[metric.%s] agg = turnover",
			    cfg->metrics[i].name);
	if (cfg->fairness.method != FAIR_NONE || cfg->fairness.forced_per_group)
		use(cfg, INPUT_HR, cfg->fairness.group_field, "[fairness] group");
	if (has_key(L, "bonus", "ineligible_status") && cfg->bonus.ineligible_status.nr)
		use(cfg, INPUT_HR, HR_STATUS, "[bonus] ineligible_status");
	if (cfg->mail.url)
		use(cfg, INPUT_HR, HR_EMAIL, "[mail] (letters are mailed to it)");
	if (cfg->letters.password && strcmp(cfg->letters.password, "employee_id"))
		use(cfg, INPUT_HR, schema_field_index(INPUT_HR, cfg->letters.password),
		    "[letters] password");
	for (i = 0; i < INPUT_COUNT; i++)
		if (i != INPUT_HR && cfg->inputs[i].employee_key != HR_EMPLOYEE_ID)
			use(cfg, INPUT_HR, cfg->inputs[i].employee_key, "[input.%s] employee_key",
			    schema_inputs[i].name);
}
