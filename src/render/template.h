/*
 * template: a tiny template language for letters and mails, loaded at run
 * time so that editing a template changes the output without a rebuild.
 *
 *   Dear {{name}},                   a placeholder: the value, as is
 *   {{#warning}}...{{/warning}}      a section: kept when `warning` is set
 *                                    (non-empty and not "0"); may nest
 *   {{^reviews}}...{{/reviews}}      an inverted section: kept when not set
 *   {{! a comment }}                 dropped
 *
 * A line holding nothing but a section or comment tag disappears entirely,
 * so templates can put tags on lines of their own. The loader is told which
 * names exist; an unknown name, an unclosed section or a stray `{{` is a
 * MERIT_CONFIG error at file:line:col.
 *
 * A template set is a file of named one-line templates (phrase banks,
 * labels), INI-shaped: `[section]` then `key = text`; the template is
 * found as "section.key". `\n` in a value is a line break.
 *
 * Ownership: template_load()/template_set_load() return objects freed with
 * template_free()/template_set_free(). Rendering only reads a template, so
 * one loaded template may be rendered by several threads at once.
 *
 *   static const char *const names[] = { "name", "warning", NULL };
 *   struct template *t = template_load("templates/letter.en.txt", names, d);
 *   struct template_vars v;
 *   template_vars_init(&v);
 *   template_vars_set(&v, "name", "Li Na");
 *   template_render(t, template_vars_lookup, &v, &out);
 */
#ifndef MERIT_TEMPLATE_H
#define MERIT_TEMPLATE_H

#include <stddef.h>

struct diag;
struct strbuf;
struct template;
struct template_set;

/*
 * Parses text (len bytes) that starts at line `line` of `file` (for
 * messages). names: NULL-terminated list of allowed placeholder and section
 * names, or NULL to allow any. NULL on error.
 */
struct template *template_parse(const char *text, size_t len, const char *file, int line,
				const char *const *names, struct diag *d);
/* Reads and parses a file; a missing file is MERIT_CONFIG too. */
struct template *template_load(const char *path, const char *const *names, struct diag *d);
void template_free(struct template *t);

/* Returns the value of a name, or NULL when it has none (renders as ""). */
typedef const char *(*template_lookup_fn)(void *ctx, const char *name);

/* Appends the rendered text to out. */
void template_render(const struct template *t, template_lookup_fn lookup, void *ctx,
		     struct strbuf *out);

/* Named templates from an INI-shaped file; NULL on error. */
struct template_set *template_set_load(const char *path, const char *const *names,
				       struct diag *d);
/* The template "section.key", or NULL. */
const struct template *template_set_get(const struct template_set *s, const char *key);
void template_set_free(struct template_set *s);

/* A simple name -> value set, usable as the lookup callback's context. */
struct template_vars {
	char **names, **values;
	size_t nr, alloc;
};
void template_vars_init(struct template_vars *v);
void template_vars_release(struct template_vars *v);
/* Sets (copies) or, with value NULL, unsets a name. */
void template_vars_set(struct template_vars *v, const char *name, const char *value);
void template_vars_setf(struct template_vars *v, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* template_lookup_fn over a struct template_vars. */
const char *template_vars_lookup(void *vars, const char *name);

#endif
