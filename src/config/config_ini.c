/*
 * config_ini: reading the INI file, the only iniparser user.
 *
 * Two readers look at the file. Our own line index (one pass) records where
 * every section header and key sits, so that each message can say
 * "config/merit.ini:42: [bonus] pool: ..."; iniparser, which keeps no line
 * numbers, owns the values (quotes, inline comments). iniparser 4.1's
 * dictionary scans every entry on each insert and lookup, so one load of a
 * file of N entries costs N^2 (40,000 [metric.*] sections: minutes): it is
 * given the file in pieces of at most INI_PIECE_LINES lines (a piece that
 * starts inside a section repeats its header), through a memfile (no copy
 * on disk that a killed run could leave: util/memfile.h), and each
 * value is copied into its key of the index, where config_val finds it. The index also catches what iniparser 4.1 would
 * silently accept or reject without a line (a key given twice, a section
 * given twice, a comment after a section header, a line over its 1 KiB
 * buffer, a line that is not UTF-8); a UTF-8 BOM is skipped for both.
 */
#include "config_internal.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/memfile.h"
#include "util/utf8.h"

#include <iniparser.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* iniparser 4.1 reads into a 1024-byte buffer, continuation lines included. */
#define INI_MAX_LINE 1000
/* Lines per iniparser load: small enough that its N^2 stays small. */
#define INI_PIECE_LINES 256

/* ----------------------------------------------------------- line index */

static void index_release(struct ini_index *ix)
{
	size_t i, j;
	for (i = 0; i < ix->nr; i++) {
		struct ini_section *s = &ix->secs[i];
		for (j = 0; j < s->nkeys; j++) {
			free(s->keys[j].name);
			free(s->keys[j].raw);
			free(s->keys[j].raw_value);
			free(s->keys[j].value);
		}
		free(s->keys);
		free(s->name);
	}
	free(ix->secs);
	strmap_release(&ix->by_name);
	memset(ix, 0, sizeof(*ix));
}

const struct ini_section *config_section(const struct config_loader *L, const char *name)
{
	size_t i;
	if (!L->ix.by_name.cap || !strmap_get(&L->ix.by_name, name, &i))
		return NULL;
	return &L->ix.secs[i];
}

const struct ini_key *config_sec_key(const struct ini_section *s, const char *name)
{
	size_t i;
	for (i = 0; s && i < s->nkeys; i++)
		if (!strcmp(s->keys[i].name, name))
			return &s->keys[i];
	return NULL;
}

/* One logical line (continuations joined) of the index pass. */
static void index_line(struct config_loader *L, struct ini_section **cur, const char *s,
		       size_t len, int line)
{
	struct ini_index *ix = &L->ix;
	const char *eq;
	size_t i;

	str_trim(&s, &len);
	if (!len || *s == '#' || *s == ';')
		return;
	if (*s == '[') {
		const char *close = memchr(s, ']', len);
		char *name;
		if (!close) {
			config_err(L, line, NULL, NULL, "section header without ']'");
			return;
		}
		if (s[len - 1] != ']') {
			config_err(L, line, NULL, NULL, "text after the section header");
			diag_hint(L->d, "put comments on a line of their own "
				  "(iniparser 4.1 rejects them after [section])");
			return;
		}
		name = config_lowerdup(s + 1, (size_t)(close - s - 1));
		if (!*name) {
			free(name);
			config_err(L, line, NULL, NULL, "empty section name");
			*cur = NULL;
			return;
		}
		if (!ix->by_name.cap)
			strmap_init(&ix->by_name);
		if (strmap_get(&ix->by_name, name, &i)) {
			config_err(L, line, name, NULL,
				   "section appears twice (first at line %d)", ix->secs[i].line);
			diag_hint(L->d, "merge the two, or rename the copy");
			free(name);
			*cur = NULL;
			return;
		}
		strmap_put(&ix->by_name, name, ix->nr);
		ALLOC_GROW(ix->secs, ix->nr + 1, ix->alloc);
		*cur = &ix->secs[ix->nr++];
		memset(*cur, 0, sizeof(**cur));
		(*cur)->name = name;
		(*cur)->line = line;
		return;
	}
	eq = memchr(s, '=', len);
	if (!eq || eq == s) {
		config_err(L, line, NULL, NULL, "expected 'key = value' or '[section]'");
		return;
	}
	if (!*cur) {
		/* After a broken header the keys are reported by that error. */
		if (!ix->nr)
			config_err(L, line, NULL, NULL, "key outside any section");
		return;
	} else {
		struct ini_section *sec = *cur;
		char *name = config_lowerdup(s, (size_t)(eq - s));
		const struct ini_key *old = config_sec_key(sec, name);
		struct ini_key *k;
		if (!*name) {
			free(name);
			config_err(L, line, sec->name, NULL, "empty key name");
			return;
		}
		if (old) {
			config_err(L, line, sec->name, name, "key given twice (first at line %d)",
				   old->line);
			diag_hint(L->d, "iniparser would silently keep the last one; delete one of them");
			free(name);
			return;
		}
		ALLOC_GROW(sec->keys, sec->nkeys + 1, sec->alloc);
		k = &sec->keys[sec->nkeys++];
		k->name = name;
		k->raw = config_trimdup(s, (size_t)(eq - s));
		k->raw_value = config_trimdup(eq + 1, len - (size_t)(eq + 1 - s));
		k->value = NULL;
		k->line = line;
	}
}

/*
 * One pass over the file's bytes, classifying lines the way iniparser 4.1
 * does (a trailing backslash continues a line, '#' and ';' start comments).
 */
void config_index_build(struct config_loader *L, const char *buf, size_t len)
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
		if (!utf8_valid(p, n)) {
			config_err(L, lineno, NULL, NULL, "line is not valid UTF-8");
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
			config_err(L, start, NULL, NULL, "line longer than %d bytes", INI_MAX_LINE);
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

const char *config_val(struct config_loader *L, const struct ini_section *s, const char *key,
		       int *line)
{
	const struct ini_key *k = config_sec_key(s, key);
	(void)L;
	*line = s ? s->line : 0;
	if (!k)
		return NULL;
	*line = k->line;
	return k->value ? k->value : "";
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

/* iniparser 4.1 reads from a path only (and chokes on a UTF-8 BOM, which
 * the pieces never hold): the piece goes through a memfile, nothing on
 * disk. */
static dictionary *load_piece(const char *text, size_t len)
{
	struct strbuf path = STRBUF_INIT;
	dictionary *ini = NULL;
	int fd = memfile_create(text, len, &path);
	if (fd >= 0) {
		ini = iniparser_load(path.buf);
		memfile_close(fd, path.buf);
	}
	strbuf_release(&path);
	return ini;
}

/* Copies the values of keys [*sec, *key) .. up to line `end` (exclusive)
 * from ini into the index, advancing the position. */
static void take_values(struct ini_index *ix, dictionary *ini, size_t *si, size_t *ki, int end)
{
	struct strbuf full = STRBUF_INIT;
	for (; *si < ix->nr; (*si)++, *ki = 0) {
		struct ini_section *s = &ix->secs[*si];
		for (; *ki < s->nkeys; (*ki)++) {
			struct ini_key *k = &s->keys[*ki];
			const char *v;
			if (k->line >= end)
				goto out;
			strbuf_reset(&full);
			strbuf_addf(&full, "%s:%s", s->name, k->name);
			v = iniparser_getstring(ini, full.buf, NULL);
			free(k->value);
			k->value = v ? xstrdup(v) : NULL;
		}
	}
out:
	strbuf_release(&full);
}

/* The header of the section holding line `line` (the index knows), or
 * NULL before the first section. */
static const struct ini_section *section_at(const struct ini_index *ix, size_t *hint, int line)
{
	while (*hint + 1 < ix->nr && ix->secs[*hint + 1].line <= line)
		(*hint)++;
	return ix->nr && ix->secs[*hint].line <= line ? &ix->secs[*hint] : NULL;
}

int config_ini_parse(struct config_loader *L, const char *buf, size_t len)
{
	struct strbuf piece = STRBUF_INIT;
	size_t pos = 0, si = 0, ki = 0, hint = 0;
	int lineno = 0, nlines = 0, continued = 0, rc = 0, first = 1;

	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		buf += 3, len -= 3;
	strbuf_reset(&ini_errors);
	iniparser_set_error_callback(ini_error_cb);
	while (rc == 0 && pos <= len) {
		const char *p = buf + pos, *nl = pos < len ? memchr(p, '\n', len - pos) : NULL;
		size_t n = nl ? (size_t)(nl - p) : len - pos, t = n;
		int cut = pos == len;
		lineno++;
		/* A piece ends before a line that starts a logical line, once it
		 * is long enough (or at the end of the file). */
		if (!cut && !continued && nlines >= INI_PIECE_LINES)
			cut = 1;
		if (cut && piece.len) {
			dictionary *ini = load_piece(piece.buf, piece.len);
			if (!ini) {
				strbuf_trim(&ini_errors);
				rc = config_err(L, first, NULL, NULL, "iniparser cannot read lines "
						"%d to %d: %s", first, lineno - 1,
						ini_errors.len ? ini_errors.buf : strerror(errno));
				break;
			}
			take_values(&L->ix, ini, &si, &ki, pos == len ? INT32_MAX : lineno);
			iniparser_freedict(ini);
			strbuf_reset(&piece);
			nlines = 0;
		}
		if (pos == len)
			break;
		if (!nlines) {
			/* A piece inside a section starts with its header again. */
			const struct ini_section *s = section_at(&L->ix, &hint, lineno);
			first = lineno;
			if (s && s->line < lineno)
				strbuf_addf(&piece, "[%s]\n", s->name);
		}
		strbuf_add(&piece, p, n);
		strbuf_addch(&piece, '\n');
		nlines++;
		while (t && isspace((unsigned char)p[t - 1]))
			t--;
		continued = t && p[t - 1] == '\\';
		pos += n + (nl ? 1 : 0);
		if (!nl)
			pos = len;
	}
	iniparser_set_error_callback(NULL);
	strbuf_release(&ini_errors);
	strbuf_release(&piece);
	return rc;
}

void config_ini_release(struct config_loader *L)
{
	index_release(&L->ix);
}
