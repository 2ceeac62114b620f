/*
 * manifest: manifest.json. A tiny JSON writer is enough here: the document
 * is flat, written once, and must be byte-stable (fixed key order, fixed
 * number formatting).
 */
#include "render/manifest.h"
#include "model.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void manifest_init(struct manifest *m)
{
	memset(m, 0, sizeof(*m));
}

void manifest_release(struct manifest *m)
{
	memset(m, 0, sizeof(*m));
}

void manifest_timing(struct manifest *m, const char *stage, double ms)
{
	if (m->ntimings < sizeof(m->timings) / sizeof(m->timings[0])) {
		m->timings[m->ntimings].stage = stage;
		m->timings[m->ntimings].ms = ms;
		m->ntimings++;
	}
}

static void json_str(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '"');
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			strbuf_addf(sb, "\\%c", ch);
		else if (ch == '\n')
			strbuf_addstr(sb, "\\n");
		else if (ch < 0x20)
			strbuf_addf(sb, "\\u%04x", ch);
		else
			strbuf_addch(sb, ch);
	}
	strbuf_addch(sb, '"');
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/*
 * Every regular file below dir, in byte order of the relative path. A file
 * that cannot be listed, examined or read is an error: a manifest that
 * silently misses an output would certify less than was published.
 */
static int hash_outputs(struct strbuf *sb, const char *dir, const char *rel, int *first,
			struct diag *d)
{
	struct dirent **list;
	int n, i, rc = 0;
	char *path = rel ? xstrfmt("%s/%s", dir, rel) : xstrdup(dir);
	n = scandir(path, &list, NULL, by_name);
	if (n < 0)
		rc = diag_error(d, MERIT_CANTCREAT, path, 0, 0, "cannot list: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		char *sub, *full;
		struct stat st;
		if (rc < 0 || name[0] == '.' || !strcmp(name, "manifest.json")) {
			free(list[i]);
			continue;
		}
		sub = rel ? xstrfmt("%s/%s", rel, name) : xstrdup(name);
		full = xstrfmt("%s/%s", dir, sub);
		if (lstat(full, &st) < 0) {
			rc = diag_error(d, MERIT_CANTCREAT, full, 0, 0, "cannot examine: %s",
					strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			rc = hash_outputs(sb, dir, sub, first, d);
		} else if (S_ISREG(st.st_mode)) {
			char hex[65];
			if (sha256_file_hex(full, hex) < 0) {
				rc = diag_error(d, MERIT_CANTCREAT, full, 0, 0, "cannot read back: %s",
						strerror(errno));
			} else {
				strbuf_addstr(sb, *first ? "\n    " : ",\n    ");
				*first = 0;
				strbuf_addstr(sb, "{\"path\": ");
				json_str(sb, sub);
				strbuf_addf(sb, ", \"bytes\": %lld, \"sha256\": \"%s\"}",
					    (long long)st.st_size, hex);
			}
		}
		free(sub);
		free(full);
		free(list[i]);
	}
	if (n >= 0)
		free(list);
	free(path);
	return rc;
}

void manifest_run_id(const struct company *c, const char *inputs_hash, char out[17])
{
	/* The same inputs and period give the same id; another period, another. */
	char hex[65], *seed = xstrfmt("%s %s %s", c->period.label, inputs_hash, MERIT_VERSION);
	sha256_hex(seed, strlen(seed), hex);
	free(seed);
	memcpy(out, hex, 16);
	out[16] = '\0';
}

int manifest_published_run_id(const char *dir, char out[17])
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xstrfmt("%s/manifest.json", dir);
	const char *p;
	int rc = -1;
	if (strbuf_read_file(&sb, path, (size_t)64 << 20) == 0 &&
	    (p = strstr(sb.buf, "\"run_id\": \"")) && strlen(p += 11) > 16 && p[16] == '"') {
		memcpy(out, p, 16);
		out[16] = '\0';
		rc = 0;
	}
	strbuf_release(&sb);
	free(path);
	return rc;
}

int manifest_write(struct manifest *m, const struct config *cfg, const struct company *c,
		   const char *inputs_hash, const char *dir, struct diag *d)
{
	struct strbuf sb = STRBUF_INIT;
	char *path;
	int i, first = 1;
	size_t k, nw = 0;
	const char *sde = getenv("SOURCE_DATE_EPOCH");

	manifest_run_id(c, inputs_hash, m->run_id);

	strbuf_addstr(&sb, "{\n  \"version\": ");
	json_str(&sb, MERIT_VERSION);
	strbuf_addstr(&sb, ",\n  \"period\": ");
	json_str(&sb, c->period.label);
	strbuf_addf(&sb, ",\n  \"run_id\": \"%s\",\n  \"config\": {\"path\": ", m->run_id);
	json_str(&sb, cfg->path);
	strbuf_addf(&sb, ", \"sha256\": \"%s\"},\n  \"inputs_sha256\": \"%s\",\n  \"inputs\": [",
		    cfg->sha256, inputs_hash);
	for (i = 0; i < INPUT_COUNT; i++) {
		const struct input_stats *s = &c->inputs[i];
		if (!s->present)
			continue;
		strbuf_addstr(&sb, first ? "\n    " : ",\n    ");
		first = 0;
		strbuf_addstr(&sb, "{\"name\": ");
		json_str(&sb, schema_inputs[i].name);
		strbuf_addstr(&sb, ", \"file\": ");
		json_str(&sb, cfg->inputs[i].file_display);
		strbuf_addstr(&sb, ", \"encoding\": ");
		json_str(&sb, s->encoding ? s->encoding : "utf-8");
		strbuf_addf(&sb, ", \"sha256\": \"%s\", \"files\": %zu, \"rows\": %zu, "
			    "\"rows_used\": %zu, \"set_aside\": {\"no_date\": %zu, "
			    "\"no_amount\": %zu, \"other_period\": %zu, \"open\": %zu, "
			    "\"duplicate\": %zu, \"problem\": %zu}",
			    s->sha256, s->files, s->rows, s->rows_used, s->set_aside_no_date,
			    s->set_aside_no_amount, s->set_aside_other_period, s->set_aside_open,
			    s->set_aside_duplicate, s->set_aside_problem);
		if (s->totals_rows)   /* only where there were: older manifests unchanged */
			strbuf_addf(&sb, ", \"totals_rows\": %zu", s->totals_rows);
		if (i == INPUT_SALES)
			strbuf_addf(&sb, ", \"duplicate_check\": %s",
				    s->no_duplicate_check ? "false" : "true");
		strbuf_addch(&sb, '}');
	}
	strbuf_addstr(&sb, "\n  ],\n  \"outputs\": [");
	first = 1;
	if (hash_outputs(&sb, dir, NULL, &first, d) < 0) {
		strbuf_release(&sb);
		return -1;
	}
	strbuf_addstr(&sb, "\n  ],\n  \"warnings\": [");
	for (k = 0; k < d->nr; k++) {
		const struct diag_msg *w = &d->msgs[k];
		struct strbuf line = STRBUF_INIT;
		if (w->severity != DIAG_WARNING)
			continue;
		if (w->where)
			strbuf_addf(&line, "%s: ", w->where);
		strbuf_addstr(&line, w->text);
		strbuf_addstr(&sb, nw++ ? ",\n    " : "\n    ");
		json_str(&sb, line.buf);
		strbuf_release(&line);
	}
	strbuf_addf(&sb, "%s],\n  \"warning_count\": %zu", nw ? "\n  " : "", d->warnings);
	if (!sde || !*sde) {
		strbuf_addstr(&sb, ",\n  \"timings_ms\": {");
		for (k = 0; k < m->ntimings; k++)
			strbuf_addf(&sb, "%s\"%s\": %.1f", k ? ", " : "", m->timings[k].stage,
				    m->timings[k].ms);
		strbuf_addstr(&sb, "}");
	}
	strbuf_addstr(&sb, "\n}\n");

	path = xstrfmt("%s/manifest.json", dir);
	if (file_write(path, sb.buf, sb.len, 0600) < 0) {
		diag_error(d, MERIT_CANTCREAT, path, 0, 0, "cannot write: %s", strerror(errno));
		free(path);
		strbuf_release(&sb);
		return -1;
	}
	free(path);
	strbuf_release(&sb);
	return 0;
}
