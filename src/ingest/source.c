/*
 * source: the dispatch of source.h and its two sources, thin adapters over
 * csvread.h and xlsxread.h.
 */
#include "ingest/source.h"
#include "ingest/csvread.h"
#include "ingest/xlsxread.h"
#include "util/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* Both readers give a csv_row: the source's row is a view of it. */
static int row_of(int rc, const struct csv_row *cr, struct src_row *row)
{
	if (rc > 0) {
		row->n = cr->n;
		row->cell = cr->cell;
		row->line = cr->line;
		row->row_line = cr->row_line;
	}
	return rc;
}

static int csv_next(void *impl, struct src_row *row, struct diag *d)
{
	struct csv_row cr;
	return row_of(csvread_next(impl, &cr, d), &cr, row);
}

static const char *csv_sha256(const void *impl)
{
	return csvread_sha256(impl);
}

static const char *csv_encoding(const void *impl)
{
	return csvread_encoding(impl);
}

static void csv_skim(void *impl, size_t col, source_keep_fn *keep, void *arg)
{
	csvread_skim(impl, col, keep, arg);
}

static void csv_free(void *impl)
{
	csvread_free(impl);
}

static int csv_peek(const void *impl, size_t col, const char **text, size_t *len)
{
	return csvread_peek_cell(impl, col, text, len);
}

static const struct src_ops csv_ops = {
	csv_next, csv_sha256, csv_encoding, csv_skim, NULL, NULL, csv_free, csv_peek,
};

int csv_source_open(struct source *s, const char *path, const struct input_conf *ic,
		    struct diag *d)
{
	s->impl = csvread_open(path, s->display, ic->encoding, ic->delimiter, d);
	if (!s->impl)
		return -1;
	s->ops = &csv_ops;
	return 0;
}

int csv_source_open_part(struct source *s, const char *path, const char *display,
			 const struct input_conf *ic, uint64_t start, uint64_t stop,
			 struct diag *d)
{
	memset(s, 0, sizeof(*s));
	s->display = xstrdup(display);
	s->impl = csvread_open_part(path, display, ic->encoding, ic->delimiter, start, stop, d);
	if (!s->impl) {
		free(s->display);
		s->display = NULL;
		return -1;
	}
	s->ops = &csv_ops;
	return 0;
}

struct csvread *source_csv(const struct source *s)
{
	return s->ops == &csv_ops ? s->impl : NULL;
}

/* ------------------------------------------------ .xlsx (xlsxread.h) */

static int xlsx_next(void *impl, struct src_row *row, struct diag *d)
{
	struct csv_row cr;
	return row_of(xlsxread_next(impl, &cr, d), &cr, row);
}

static const char *xlsx_sha256(const void *impl)
{
	return xlsxread_sha256(impl);
}

static const char *xlsx_encoding(const void *impl)
{
	(void)impl;
	return "xlsx";
}

/* "hr.xlsx:花名册!J17", or "hr.xlsx:花名册!17:17" for the whole row. */
static void xlsx_locate(const void *impl, const char *display, int line, int col,
			struct strbuf *out)
{
	char ref[16];
	if (col > 0) {
		xlsxread_cellref((size_t)col - 1, line, ref);
		strbuf_addf(out, "%s:%s!%s", display, xlsxread_sheet(impl), ref);
	} else {
		strbuf_addf(out, "%s:%s!%d:%d", display, xlsxread_sheet(impl), line, line);
	}
}

static void xlsx_skim(void *impl, size_t col, source_keep_fn *keep, void *arg)
{
	xlsxread_skim(impl, col, keep, arg);
}

/* A sheet's XML is some five times the CSV of its rows (385 bytes a row
 * against 78 in docs/BENCHMARKS.md); a quarter errs on the large side. */
static unsigned long long xlsx_csv_bytes(const void *impl)
{
	return xlsxread_sheet_bytes(impl) / 4;
}

static void xlsx_free(void *impl)
{
	xlsxread_free(impl);
}

static const struct src_ops xlsx_ops = {
	xlsx_next, xlsx_sha256, xlsx_encoding, xlsx_skim, xlsx_csv_bytes, xlsx_locate, xlsx_free,
	NULL,
};

int xlsx_source_open(struct source *s, const char *path, const struct input_conf *ic,
		     struct diag *d)
{
	s->impl = xlsxread_open(path, s->display, ic->sheet, d);
	if (!s->impl)
		return -1;
	s->ops = &xlsx_ops;
	return 0;
}

int source_open(struct source *s, const char *path, const char *display,
		const struct input_conf *ic, struct diag *d)
{
	memset(s, 0, sizeof(*s));
	s->display = xstrdup(display);
	/* New sources are chosen here, by name. */
	if ((xlsxread_is_xlsx(path) ? xlsx_source_open(s, path, ic, d)
				    : csv_source_open(s, path, ic, d)) < 0) {
		free(s->display);
		s->display = NULL;
		return -1;
	}
	return 0;
}

int source_next(struct source *s, struct src_row *row, struct diag *d)
{
	return s->ops->next(s->impl, row, d);
}

const char *source_sha256(const struct source *s)
{
	return s->ops->sha256(s->impl);
}

const char *source_encoding(const struct source *s)
{
	return s->ops->encoding(s->impl);
}

unsigned long long source_csv_bytes(const struct source *s)
{
	return s->ops->csv_bytes ? s->ops->csv_bytes(s->impl) : 0;
}

int source_peek(const struct source *s, size_t col, const char **text, size_t *len)
{
	return s->ops->peek && s->ops->peek(s->impl, col, text, len);
}

int source_skim(struct source *s, size_t col, source_keep_fn *keep, void *arg)
{
	if (!s->ops->skim)
		return 0;
	s->ops->skim(s->impl, col, keep, arg);
	return 1;
}

void source_locate(const struct source *s, int line, int col, struct strbuf *where,
		   const char **file, int *oline, int *ocol)
{
	if (s->ops && s->ops->locate) {
		strbuf_reset(where);
		s->ops->locate(s->impl, s->display, line, col, where);
		*file = where->buf;
		*oline = *ocol = 0;
		return;
	}
	*file = s->display;
	*oline = line;
	*ocol = col;
}

void source_close(struct source *s)
{
	if (s->ops && s->impl)
		s->ops->free(s->impl);
	free(s->display);
	memset(s, 0, sizeof(*s));
}
