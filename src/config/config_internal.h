/*
 * config_internal: what the config_*.c files share while config_load()
 * runs; not part of the public API (that is config.h).
 *
 *   config.c          config_load/release, defaults, section dispatch, lookups
 *   config_ini.c      the line index and iniparser (its only user): where each
 *                     section and key is, and its value
 *   config_parse.c    text -> typed values, unknown-key suggestions
 *   config_inputs.c   [values.*], [input.*], [columns.*], [defaults.*], fields used
 *   config_metrics.c  [metric.*]
 *   config_scoring.c  [kpi.*], [role.*], [rating], [scoring], [training], [review360]
 *   config_policy.c   [run], [fairness], [bonus], [bonus.pools], [policy], [history],
 *                     [letters], [mail]
 *
 * Ownership: a struct config_loader lives on config_load()'s stack; the
 * index and the values it holds die with it. Whatever the
 * section loaders put into L->cfg is owned by the config (config_release()).
 * Every function here reports problems with config_err() into L->d and
 * carries on, so one `merit validate` lists every mistake.
 */
#ifndef MERIT_CONFIG_INTERNAL_H
#define MERIT_CONFIG_INTERNAL_H

#include <stddef.h>

#include "config.h"
#include "util/strmap.h"

struct diag;
struct strbuf;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ----------------------------------------------------------- line index */

struct ini_key {
	char *name;      /* lower-cased, as iniparser stores it */
	char *raw;       /* as written: [bonus.pools] keeps department case */
	char *raw_value; /* text after '=' as written, for truncation hints */
	char *value;     /* iniparser's value (quotes and comments handled) */
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
	struct strmap by_name;   /* section name -> index in secs */
};

/* Everything one config_load() needs; errors go to d, located in file. */
struct config_loader {
	struct config *cfg;
	struct diag *d;
	const char *file;
	struct ini_index ix;
	size_t errors_before;
};

/* config_ini.c. Builds L->ix from the file's bytes (BOM already skipped). */
void config_index_build(struct config_loader *L, const char *buf, size_t len);
/* Has iniparser read the values of buf[0..len) (the file's bytes, BOM and
 * all) into the index's keys; -1 after an error. */
int config_ini_parse(struct config_loader *L, const char *buf, size_t len);
/* Frees L->ix. */
void config_ini_release(struct config_loader *L);
/* The section called name (lower-case), or NULL. */
const struct ini_section *config_section(const struct config_loader *L, const char *name);
/* Key name of s, or NULL (also when s is NULL). */
const struct ini_key *config_sec_key(const struct ini_section *s, const char *name);
/* The value of key in s, or NULL when absent (or s is NULL); *line is the
 * key's line, else the section's (0 when the section is absent too). */
const char *config_val(struct config_loader *L, const struct ini_section *s, const char *key,
		       int *line);

/* ------------------------------------------------- config_parse.c: text */

/* s[0..len) trimmed, as a new string; config_lowerdup() also lower-cases. */
char *config_trimdup(const char *s, size_t len);
char *config_lowerdup(const char *s, size_t n);
/* Splits s at sep into trimmed, non-empty items appended to out. */
void config_split(const char *s, char sep, struct strlist *out);
/* Case-insensitive equality of text[0..len) with s. */
int config_text_is(const char *text, size_t len, const char *s);
/* Splits "name:value" at the last ':' into two new trimmed strings; -1
 * (nothing allocated) when there is no ':' or a side is empty. */
int config_split_pair(const char *item, char **name, char **value);

void label_set(struct label *l, const char *zh, const char *en);
void label_release(struct label *l);
/* Whether either half of l equals t[0..n) (case-insensitive). */
int label_matches(const struct label *l, const char *t, size_t n);

/* ------------------------------------------ config_parse.c: diagnostics */

/* Records an error at line of the INI (sec and key may be NULL); -1. */
int config_err(struct config_loader *L, int line, const char *sec, const char *key,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The candidate nearest to word, or NULL when none is a likely typo. */
const char *config_nearest(const char *word, const char *const *cands, size_t n);
/* Hints "did you mean 'X'?" and returns 1 when a name in names[] is within
 * a typo of word; 0 (no hint) otherwise. */
int config_suggest(struct config_loader *L, const char *word, const char *const *names,
		   size_t n);
/* Appends "a, b, c" to sb. */
void config_join_names(struct strbuf *sb, const char *const *names, size_t n);
/* Reports every key of s (may be NULL) that is not in known[]. */
void config_check_keys(struct config_loader *L, const struct ini_section *s,
		       const char *const *known, size_t nknown);
const char *config_secname(const struct ini_section *s, const char *fallback);

/* ----------------------------------------- config_parse.c: typed values */

/* A number in min..max; percent: whether "90%" (= 0.9) is allowed. */
int config_parse_real(struct config_loader *L, int line, const char *sec, const char *key,
		      const char *text, int percent, double min, double max, double *out);
/* Index of text in names[] (case-insensitive), or -1 after an error. */
int config_parse_enum(struct config_loader *L, int line, const char *sec, const char *key,
		      const char *text, const char *const *names, size_t n);
/* "中文 | English"; a single text fills both halves. */
int config_parse_label(struct config_loader *L, int line, const char *sec, const char *key,
		       const char *text, struct label *out);
/* The get_ forms read key of s and leave *out alone when it is absent. */
void config_get_real(struct config_loader *L, const struct ini_section *s, const char *key,
		     double min, double max, double *out);
void config_get_int(struct config_loader *L, const struct ini_section *s, const char *key,
		    long long min, long long max, int *out);
void config_get_enum(struct config_loader *L, const struct ini_section *s, const char *key,
		     const char *const *names, size_t n, int *out);
/* The trimmed value as a new string, or NULL when absent or empty. */
char *config_get_string(struct config_loader *L, const struct ini_section *s, const char *key);
/* A path relative to the INI's folder, normalised; new string. */
char *config_resolve(const struct config *cfg, const char *v);
/* config_resolve() of key's value, or of def (may be NULL) when absent. */
char *config_get_path(struct config_loader *L, const struct ini_section *s, const char *key,
		      const char *def);
/* The NAME of [metric.NAME] (what = "metric"), [kpi.NAME] or [role.NAME]
 * must be letters, digits, '_' and '-'; its `label` key defaults to NAME. */
void config_name_label(struct config_loader *L, const struct ini_section *s, const char *what,
		       const char *name, struct label *label);
/* Field `name` of input `in`, or -1 after an error with a suggestion. */
int config_field_lookup(struct config_loader *L, int line, const char *sec, const char *key,
			enum input_kind in, const char *name);

/* ------------------------------------------------------ section loaders */

/* config_inputs.c (config_valuesets_builtin() is in config.h) */
/* Maps text through value set `set`; NULL after an error. */
const char *config_map_value(struct config_loader *L, int line, const char *sec,
			     const char *key, const char *set, const char *text);
void config_load_values(struct config_loader *L, const struct ini_section *s, const char *set);
void config_load_input(struct config_loader *L, const struct ini_section *s, const char *suffix);
void config_load_columns(struct config_loader *L, const struct ini_section *s,
			 const char *suffix);
void config_load_defaults(struct config_loader *L, const struct ini_section *s,
			  const char *suffix);
void config_check_inputs(struct config_loader *L);
/* [values.role], after the roles. */
void config_load_role_titles(struct config_loader *L, const struct ini_section *s);
/* Marks the fields the config uses (input_conf.used_by); after every section. */
void config_fields_used(struct config_loader *L);

/* config_metrics.c */
void config_load_metrics(struct config_loader *L, const struct ini_section **secs, size_t n);
/* A metric named in the INI (num, den, KPI metric), or -1 after an error. */
int config_metric_ref(struct config_loader *L, int line, const char *sec, const char *key,
		      const char *name);

/* config_scoring.c */
void config_load_kpis(struct config_loader *L, const struct ini_section **secs, size_t n);
void config_load_roles(struct config_loader *L, const struct ini_section **secs, size_t n);
void config_load_scoring(struct config_loader *L, const struct ini_section *s);
void config_load_training(struct config_loader *L, const struct ini_section *s);
void config_load_review360(struct config_loader *L, const struct ini_section *s);
void config_load_rating(struct config_loader *L, const struct ini_section *s);

/* config_policy.c */
void config_load_run(struct config_loader *L, const struct ini_section *s);
void config_load_history(struct config_loader *L, const struct ini_section *s);
void config_load_fairness(struct config_loader *L, const struct ini_section *s);
void config_load_bonus(struct config_loader *L, const struct ini_section *s,
		       const struct ini_section *pools);
void config_load_policy(struct config_loader *L, const struct ini_section *s);
void config_load_letters(struct config_loader *L, const struct ini_section *s);
void config_load_mail(struct config_loader *L, const struct ini_section *s);

#endif
