/*
 * template: parsing templates into a flat list of operations once, and
 * rendering them many times (once per letter) without re-parsing.
 *
 * A section is an operation that knows the index of its end, so rendering is
 * one loop that jumps over a section whose name is not set: no recursion, no
 * tree to free.
 */
#include "render/template.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/strmap.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum op_kind { OP_TEXT, OP_VAR, OP_SECTION, OP_END };

struct op {
	enum op_kind kind;
	int inverted;              /* OP_SECTION: {{^name}} */
	size_t off, len;           /* OP_TEXT: bytes of template.text */
	char *name;                /* OP_VAR, OP_SECTION */
	size_t end;                /* OP_SECTION: index of its OP_END */
	size_t at;                 /* OP_SECTION: offset of its tag, for messages */
};

struct template {
	char *text;
	struct op *ops;
	size_t nops, alloc;
};

struct template_set {
	char **keys;
	struct template **tpls;
	size_t nr, alloc;
	struct strmap map;
};

static struct op *add_op(struct template *t, enum op_kind kind)
{
	struct op *o;
	ALLOC_GROW(t->ops, t->nops + 1, t->alloc);
	o = &t->ops[t->nops++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	return o;
}

static void add_text(struct template *t, size_t off, size_t len)
{
	struct op *o;
	if (!len)
		return;
	o = add_op(t, OP_TEXT);
	o->off = off;
	o->len = len;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int valid_name(const char *s, size_t n)
{
	size_t i;
	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

static int name_known(const char *const *names, const char *name)
{
	if (!names)
		return 1;
	for (; *names; names++)
		if (!strcmp(*names, name))
			return 1;
	return 0;
}

static void hint_known(struct diag *d, const char *const *names)
{
	struct strbuf sb = STRBUF_INIT;
	for (; *names; names++)
		strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", *names);
	diag_hint(d, "known names: %s", sb.buf);
	strbuf_release(&sb);
}

/* Where the text starts in its file, for messages. */
struct origin {
	const char *file;
	int line, col;
};

/* Line and column (1-based, in bytes) of an offset: a cursor that only
 * moves forward, so the tags of a template are located in one pass over it
 * (rescanning from the start for each tag was quadratic: 200,000 tags on
 * one line took 72 s). An offset behind the cursor starts again from 0
 * (only for an unclosed section's message at the end). */
struct cursor {
	const char *text;
	const struct origin *org;
	size_t pos, line_start;
	int line, first;      /* first: still on the origin's line */
};

static void cursor_init(struct cursor *cur, const char *text, const struct origin *org)
{
	cur->text = text;
	cur->org = org;
	cur->pos = cur->line_start = 0;
	cur->line = org->line;
	cur->first = 1;
}

static void where(struct cursor *cur, size_t at, int *line, int *col)
{
	const char *nl;
	if (at < cur->pos)
		cursor_init(cur, cur->text, cur->org);
	while ((nl = memchr(cur->text + cur->pos, '\n', at - cur->pos))) {
		cur->line++;
		cur->pos = cur->line_start = (size_t)(nl - cur->text) + 1;
		cur->first = 0;
	}
	cur->pos = at;
	*line = cur->line;
	*col = (int)(at - cur->line_start) + (cur->first ? cur->org->col : 1);
}

/*
 * A section or comment tag alone on its line (white space around it only)
 * takes the whole line with it. Returns 1 and the range to drop if so.
 */
static int standalone(const char *s, size_t len, size_t open, size_t close_end,
		      size_t *drop_from, size_t *drop_to)
{
	size_t ls = open, e = close_end;
	while (ls > 0 && s[ls - 1] != '\n') {
		if (!is_blank(s[ls - 1]))
			return 0;
		ls--;
	}
	while (e < len && s[e] != '\n') {
		if (!is_blank(s[e]))
			return 0;
		e++;
	}
	*drop_from = ls;
	*drop_to = e < len ? e + 1 : e;
	return 1;
}

static struct template *parse(const char *text, size_t len, const struct origin *org,
			      const char *const *names, struct diag *d)
{
	const char *file = org->file;
	struct template *t = xcalloc(1, sizeof(*t));
	size_t *stack = NULL, depth = 0, stack_alloc = 0, pos = 0;
	int ln, col, bad = 0;
	struct cursor cur;

	t->text = xstrndup(text, len);
	text = t->text;
	cursor_init(&cur, text, org);
	while (pos < len) {
		const char *open = memmem(text + pos, len - pos, "{{", 2), *close, *nm;
		size_t o, c, nlen, from, to;
		char kind;
		if (!open) {
			add_text(t, pos, len - pos);
			break;
		}
		o = (size_t)(open - text);
		close = memmem(open + 2, len - o - 2, "}}", 2);
		if (!close) {
			where(&cur, o, &ln, &col);
			diag_error(d, MERIT_CONFIG, file, ln, col, "'{{' is never closed with '}}'");
			bad = 1;
			break;
		}
		c = (size_t)(close - text);
		nm = open + 2;
		while (nm < close && is_blank(*nm))
			nm++;
		kind = nm < close && *nm && strchr("#^/!", *nm) ? *nm++ : 0;
		while (nm < close && is_blank(*nm))
			nm++;
		nlen = (size_t)(close - nm);
		while (nlen && is_blank(nm[nlen - 1]))
			nlen--;

		if (kind && standalone(text, len, o, c + 2, &from, &to)) {
			add_text(t, pos, from - pos);
			pos = to;
		} else {
			add_text(t, pos, o - pos);
			pos = c + 2;
		}
		if (kind == '!')
			continue;

		where(&cur, o, &ln, &col);
		if (!valid_name(nm, nlen)) {
			diag_error(d, MERIT_CONFIG, file, ln, col, "bad placeholder '%.*s'",
				   (int)(c + 2 - o), open);
			diag_hint(d, "names are letters, digits, '_', '.' and '-': {{name}}");
			bad = 1;
			continue;
		}
		if (kind == '/') {
			struct op *sec;
			if (!depth) {
				diag_error(d, MERIT_CONFIG, file, ln, col,
					   "'{{/%.*s}}' closes no open section", (int)nlen, nm);
				bad = 1;
				continue;
			}
			sec = &t->ops[stack[depth - 1]];
			if (strlen(sec->name) != nlen || memcmp(sec->name, nm, nlen)) {
				diag_error(d, MERIT_CONFIG, file, ln, col,
					   "'{{/%.*s}}' closes section '%s'", (int)nlen, nm, sec->name);
				bad = 1;
				continue;
			}
			sec->end = t->nops;
			add_op(t, OP_END);
			depth--;
			continue;
		}
		{
			struct op *op = add_op(t, kind ? OP_SECTION : OP_VAR);
			op->name = xstrndup(nm, nlen);
			op->inverted = kind == '^';
			if (!name_known(names, op->name)) {
				diag_error(d, MERIT_CONFIG, file, ln, col, "unknown placeholder '%.*s'",
					   (int)(c + 2 - o), open);
				hint_known(d, names);
				bad = 1;
			}
			if (kind) {
				op->at = o;
				ALLOC_GROW(stack, depth + 1, stack_alloc);
				stack[depth++] = t->nops - 1;
			}
		}
	}
	if (depth) {
		/* Located outermost first (the cursor only moves forward),
		 * reported innermost first. */
		int *at = xcalloc(depth * 2, sizeof(*at));
		size_t i;
		for (i = 0; i < depth; i++)
			where(&cur, t->ops[stack[i]].at, &at[2 * i], &at[2 * i + 1]);
		while (depth) {
			struct op *sec = &t->ops[stack[--depth]];
			diag_error(d, MERIT_CONFIG, file, at[2 * depth], at[2 * depth + 1],
				   "section '%s' is never closed", sec->name);
			diag_hint(d, "end it with {{/%s}}", sec->name);
		}
		free(at);
		bad = 1;
	}
	free(stack);
	if (bad) {
		template_free(t);
		return NULL;
	}
	return t;
}

struct template *template_parse(const char *text, size_t len, const char *file, int line,
				const char *const *names, struct diag *d)
{
	struct origin org = { file, line, 1 };
	return parse(text, len, &org, names, d);
}

static int read_file(const char *path, struct strbuf *sb, struct diag *d)
{
	int rc = strbuf_read_file(sb, path, 0);
	if (rc < 0)
		return diag_error(d, MERIT_CONFIG, path, 0, 0, "cannot %s template: %s",
				  rc == -1 ? "open" : "read", strerror(errno));
	if (sb->len >= 3 && !memcmp(sb->buf, "\xEF\xBB\xBF", 3)) {
		memmove(sb->buf, sb->buf + 3, sb->len - 2);
		sb->len -= 3;
	}
	return 0;
}

struct template *template_load(const char *path, const char *const *names, struct diag *d)
{
	struct strbuf sb = STRBUF_INIT;
	struct template *t = NULL;
	if (read_file(path, &sb, d) == 0)
		t = template_parse(sb.buf, sb.len, path, 1, names, d);
	strbuf_release(&sb);
	return t;
}

void template_free(struct template *t)
{
	size_t i;
	if (!t)
		return;
	for (i = 0; i < t->nops; i++)
		free(t->ops[i].name);
	free(t->ops);
	free(t->text);
	free(t);
}

static int is_set(const char *v)
{
	return v && *v && strcmp(v, "0");
}

void template_render(const struct template *t, template_lookup_fn lookup, void *ctx,
		     struct strbuf *out)
{
	size_t i = 0;
	while (i < t->nops) {
		const struct op *op = &t->ops[i];
		const char *v;
		switch (op->kind) {
		case OP_TEXT:
			strbuf_add(out, t->text + op->off, op->len);
			break;
		case OP_VAR:
			if ((v = lookup(ctx, op->name)))
				strbuf_addstr(out, v);
			break;
		case OP_SECTION:
			if (is_set(lookup(ctx, op->name)) == op->inverted) {
				i = op->end + 1;
				continue;
			}
			break;
		case OP_END:
			break;
		}
		i++;
	}
}

static char *trim(char *s)
{
	char *e;
	while (is_blank(*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_blank(e[-1]))
		*--e = '\0';
	return s;
}

/* `\n` is a line break and `\\` a backslash; anything else stays as is. */
static void unescape(const char *s, struct strbuf *out)
{
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			strbuf_addch(out, '\n');
			s++;
		} else if (s[0] == '\\' && s[1] == '\\') {
			strbuf_addch(out, '\\');
			s++;
		} else {
			strbuf_addch(out, *s);
		}
	}
}

struct template_set *template_set_load(const char *path, const char *const *names,
				       struct diag *d)
{
	struct strbuf file = STRBUF_INIT, section = STRBUF_INIT, key = STRBUF_INIT,
		      val = STRBUF_INIT;
	struct template_set *s;
	struct origin org = { path, 0, 1 };
	char *line, *next;
	int ln = 0, bad = 0;

	if (read_file(path, &file, d) < 0) {
		strbuf_release(&file);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	strmap_init(&s->map);
	for (line = file.buf; line && *line; line = next) {
		char *p, *eq;
		size_t idx;
		ln++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		p = trim(line);
		if (!*p || *p == ';' || *p == '#')
			continue;
		if (*p == '[') {
			char *e = strchr(p, ']');
			if (!e || e[1]) {
				diag_error(d, MERIT_CONFIG, path, ln, 1, "bad section header '%s'", p);
				bad = 1;
				continue;
			}
			strbuf_reset(&section);
			strbuf_add(&section, p + 1, (size_t)(e - p - 1));
			strbuf_trim(&section);
			continue;
		}
		eq = strchr(p, '=');
		if (!eq) {
			diag_error(d, MERIT_CONFIG, path, ln, 1, "expected 'key = text', got '%s'", p);
			bad = 1;
			continue;
		}
		*eq = '\0';
		strbuf_reset(&key);
		if (section.len)
			strbuf_addf(&key, "%s.", section.buf);
		strbuf_addstr(&key, trim(p));
		strbuf_reset(&val);
		org.line = ln;
		org.col = (int)(trim(eq + 1) - line) + 1;
		unescape(trim(eq + 1), &val);
		if (strmap_get(&s->map, key.buf, &idx)) {
			diag_error(d, MERIT_CONFIG, path, ln, 1, "'%s' is defined twice", key.buf);
			bad = 1;
			continue;
		}
		ALLOC_GROW(s->keys, s->nr + 1, s->alloc);
		/* tpls grows in step with keys: same count, same capacity. */
		s->tpls = xrealloc(s->tpls, s->alloc * sizeof(*s->tpls));
		s->tpls[s->nr] = parse(val.buf, val.len, &org, names, d);
		if (!s->tpls[s->nr]) {
			bad = 1;
			continue;
		}
		s->keys[s->nr] = strbuf_detach(&key, NULL);
		strmap_put(&s->map, s->keys[s->nr], s->nr);
		s->nr++;
	}
	strbuf_release(&file);
	strbuf_release(&section);
	strbuf_release(&key);
	strbuf_release(&val);
	if (bad) {
		template_set_free(s);
		return NULL;
	}
	return s;
}

const struct template *template_set_get(const struct template_set *s, const char *key)
{
	size_t idx;
	return strmap_get(&s->map, key, &idx) ? s->tpls[idx] : NULL;
}

void template_set_free(struct template_set *s)
{
	size_t i;
	if (!s)
		return;
	for (i = 0; i < s->nr; i++) {
		free(s->keys[i]);
		template_free(s->tpls[i]);
	}
	free(s->keys);
	free(s->tpls);
	strmap_release(&s->map);
	free(s);
}

void template_vars_init(struct template_vars *v)
{
	memset(v, 0, sizeof(*v));
}

void template_vars_release(struct template_vars *v)
{
	size_t i;
	for (i = 0; i < v->nr; i++) {
		free(v->names[i]);
		free(v->values[i]);
	}
	free(v->names);
	free(v->values);
	template_vars_init(v);
}

void template_vars_set(struct template_vars *v, const char *name, const char *value)
{
	size_t i, alloc = v->alloc;   /* both arrays grow alike */
	for (i = 0; i < v->nr; i++)
		if (!strcmp(v->names[i], name)) {
			free(v->values[i]);
			v->values[i] = value ? xstrdup(value) : NULL;
			return;
		}
	ALLOC_GROW(v->names, v->nr + 1, alloc);
	ALLOC_GROW(v->values, v->nr + 1, v->alloc);
	v->names[v->nr] = xstrdup(name);
	v->values[v->nr] = value ? xstrdup(value) : NULL;
	v->nr++;
}

void template_vars_setf(struct template_vars *v, const char *name, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	template_vars_set(v, name, sb.buf);
	strbuf_release(&sb);
}

const char *template_vars_lookup(void *vars, const char *name)
{
	struct template_vars *v = vars;
	size_t i;
	for (i = 0; i < v->nr; i++)
		if (!strcmp(v->names[i], name))
			return v->values[i];
	return NULL;
}
