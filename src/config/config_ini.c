/*
 * config_ini: reading the INI file, the only iniparser user.
 *
 * Two readers look at the file. Our own line index (one pass) records where
 * every section header and key sits, so that each message can say
 * "config/merit.ini:42: [bonus] pool: ..."; iniparser, which keeps no line
 * numbers, owns the values. The index also catches what iniparser 4.1 would
 * silently accept or reject without a line (a key given twice, a section
 * given twice, a comment after a section header, a line over its 1 KiB
 * buffer, a line that is not UTF-8); a UTF-8 BOM is skipped for both.
 */
#include "config_internal.h"
#include "util/diag.h"
#include "util/strbuf.h"
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
		}
		free(s->keys);
		free(s->name);
	}
	free(ix->secs);
	memset(ix, 0, sizeof(*ix));
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
		for (i = 0; i < ix->nr; i++) {
			if (!strcmp(ix->secs[i].name, name)) {
				config_err(L, line, name, NULL,
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
int config_ini_parse(struct config_loader *L, const char *path, const char *buf, size_t len)
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
			return config_err(L, 0, NULL, NULL, "cannot copy the INI without its BOM: %s",
					  strerror(errno));
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
		config_err(L, 0, NULL, NULL, "iniparser cannot read the file: %s",
			   ini_errors.len ? ini_errors.buf : "unknown error");
	}
	strbuf_release(&ini_errors);
	L->ini = ini;
	return ini ? 0 : -1;
}

void config_ini_release(struct config_loader *L)
{
	if (L->ini)
		iniparser_freedict(L->ini);
	L->ini = NULL;
	index_release(&L->ix);
}
