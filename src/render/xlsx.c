/*
 * xlsx: the finance workbook merit-<period>.xlsx (SPEC 10); with the other
 * xlsx_*.c files (see xlsx_internal.h) the only libxlsxwriter user. This
 * file runs the workbook: creates the file privately, sets the document
 * properties and formats, has each sheet written in order, and closes.
 *
 * Sheets: Summary, Employees, KPI detail (continued on "KPI detail 2", ...
 * past Excel's row limit), Departments, Payroll, History, Audit. Sheet names are
 * fixed English (import macros and the checker find them); headers and
 * words inside follow cfg->locale.
 *
 * The workbook is always written in libxlsxwriter's constant_memory mode:
 * 100,000 employees would otherwise hold millions of cells in memory. That
 * mode applies to every sheet and drops any cell written above the current
 * row, so each sheet is written strictly top to bottom from figures that are
 * all computed first (xlsx_stats.c). Charts, defined names, conditional
 * formats and column widths are not cells and can be set at any time.
 */
#include "model.h"
#include "render/render.h"
#include "render/xlsx_internal.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/strbuf.h"
#include "util/threads.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * zlib level of the zip entries. libxlsxwriter's 6 spends half of the
 * time of a 100,000-employee workbook in deflate; 1 is ~4x faster at
 * deflating, for a file ~30 % larger (docs/DECISIONS.md, Workbook). Fixed,
 * so the bytes stay reproducible.
 */
#define ZIP_LEVEL 1

/* ---- formats ---- */

/*
 * One lxw_format per number format and weight. Two equal formats get one
 * style number, but libxlsxwriter caches it only in the first: the second
 * would look it up in the workbook's table at every cell, costing time and
 * making that cell unsafe to write beside a thread that adds a style.
 */
struct numfmt_made {
	const char *num_format;
	int bold;
	lxw_format *f;
};

static lxw_format *fmt_num(struct xw *x, struct numfmt_made *made, size_t *n,
			   const char *num_format, int bold)
{
	lxw_format *f;
	size_t i;
	for (i = 0; i < *n; i++)
		if (made[i].bold == bold && !strcmp(made[i].num_format, num_format))
			return made[i].f;
	f = workbook_add_format(x->wb);
	format_set_num_format(f, num_format);
	if (bold)
		format_set_bold(f);
	made[*n].num_format = num_format;
	made[*n].bold = bold;
	made[(*n)++].f = f;
	return f;
}

static void formats_init(struct xw *x)
{
	/* Green / amber / red, the fills Excel itself offers for good/neutral/bad. */
	static const lxw_color_t bg[3] = { 0xC6EFCE, 0xFFEB9C, 0xFFC7CE };
	static const lxw_color_t fg[3] = { 0x006100, 0x9C5700, 0x9C0006 };
	const char *money = x->cfg->bonus.number_format && *x->cfg->bonus.number_format
				    ? x->cfg->bonus.number_format
				    : "#,##0.00";
	struct numfmt_made made[16];
	size_t nm = 0;
	int i;

	x->hdr = workbook_add_format(x->wb);
	format_set_bold(x->hdr);
	format_set_text_wrap(x->hdr);
	format_set_align(x->hdr, LXW_ALIGN_VERTICAL_TOP);
	format_set_bg_color(x->hdr, 0xDDEBF7);
	format_set_bottom(x->hdr, LXW_BORDER_THIN);
	x->title = workbook_add_format(x->wb);
	format_set_bold(x->title);
	format_set_font_size(x->title, 14);
	x->bold = workbook_add_format(x->wb);
	format_set_bold(x->bold);
	x->date = fmt_num(x, made, &nm, "yyyy-mm-dd", 0);
	/* Money from cents is exact at 4 decimals too; KPI actuals in money
	 * (revenue sums) are rounded like results.csv prints them. */
	x->money = (struct numfmt){ fmt_num(x, made, &nm, money, 0), 2, 1, xlsx_symbol_width(money),
				    1, 1e4 };
	x->money_total = (struct numfmt){ fmt_num(x, made, &nm, money, 1), 2, 1,
					  xlsx_symbol_width(money), 1, 1e4 };
	x->pct = (struct numfmt){ fmt_num(x, made, &nm, "0.0%", 0), 1, 0, 1.0, 100, 1e6 };
	x->score4 = (struct numfmt){ fmt_num(x, made, &nm, "0.0000", 0), 4, 0, 0, 1, 1e4 };
	x->score2 = (struct numfmt){ fmt_num(x, made, &nm, "0.00", 0), 2, 0, 0, 1, 1e4 };
	x->num2 = (struct numfmt){ fmt_num(x, made, &nm, "#,##0.00", 0), 2, 1, 0, 1, 1e4 };
	x->integer = (struct numfmt){ fmt_num(x, made, &nm, "#,##0", 0), 0, 1, 0, 1, 1e4 };
	x->coef = (struct numfmt){ fmt_num(x, made, &nm, "0.00", 0), 2, 0, 0, 1, 1e4 };
	for (i = 0; i < 3; i++) {
		x->band_fmt[i] = workbook_add_format(x->wb);
		format_set_bg_color(x->band_fmt[i], bg[i]);
		format_set_font_color(x->band_fmt[i], fg[i]);
	}
	/*
	 * libxlsxwriter numbers styles in order of first use, and every cell
	 * carries its number (s="10"). Taking the formats of the millions of
	 * cells on Employees and KPI detail first gives them one digit.
	 */
	lxw_format_get_xf_index(x->pct.f);
	lxw_format_get_xf_index(x->score2.f);
	lxw_format_get_xf_index(x->num2.f);
	lxw_format_get_xf_index(x->score4.f);
	lxw_format_get_xf_index(x->money.f);
	lxw_format_get_xf_index(x->integer.f);
	lxw_format_get_xf_index(x->date);
}

/* Top band green, bottom band red, those between amber. */
lxw_format *xlsx_band_format(const struct xw *x, size_t band)
{
	if (band == 0)
		return x->band_fmt[0];
	return band + 1 == x->cfg->nbands ? x->band_fmt[2] : x->band_fmt[1];
}


/* ---- the big sheets on threads ---- */

/*
 * Employees and KPI detail are ~95 % of the cells, each filled on a thread
 * of its own while this one writes the other sheets. In constant_memory
 * mode a worksheet streams its rows to its own temporary file, and what a
 * fill calls (worksheet_write_*, set_row/column, panes, filters,
 * conditional formats, comments) changes its own worksheet only, but for
 * two numbers kept in the workbook: a cell's style (lxw_format_get_xf_index,
 * when its row is flushed) and a conditional format's
 * (lxw_format_get_dxf_index). Each is set once and then only read, so:
 * the sheets are added on this thread in workbook order; every format a
 * fill uses has its number before any thread starts (formats_ready(),
 * xlsx_rating_colours_prepare()); what belongs to the workbook (sheets,
 * formats, charts, defined names) is only ever done on this thread; and
 * the threads are joined before workbook_close(). A fill has its own copy of
 * struct xw for its scratch text and first error. Which thread fills a
 * sheet changes no byte (docs/DECISIONS.md, Workbook).
 */
struct fill {
	struct xw x;
	struct sheet *s;
	size_t n;                       /* sheets open added */
	void (*run)(struct xw *, struct sheet *, size_t);
	pthread_t thread;
	int threaded;
};

static void *fill_run(void *arg)
{
	struct fill *f = arg;
	f->run(&f->x, f->s, f->n);
	return NULL;
}

/*
 * Numbers every format a fill uses, as their first cells would. 0 if one
 * is still unnumbered after that (a format equal to another, which
 * libxlsxwriter looks up at every cell): then no fill may run on a thread.
 */
static int formats_ready(struct xw *x)
{
	lxw_format *used[] = { x->hdr,	   x->date,	x->money.f,   x->pct.f,	  x->score4.f,
			       x->score2.f, x->num2.f, x->integer.f, x->coef.f };
	size_t i;
	int ready = 1;
	for (i = 0; i < sizeof(used) / sizeof(used[0]); i++) {
		lxw_format_get_xf_index(used[i]);
		ready &= used[i]->xf_index != LXW_PROPERTY_UNSET;
	}
	return ready;
}

/* Adds Employees and the KPI detail sheets, in workbook order. */
static void fills_open(struct xw *x, struct fill *f)
{
	size_t n = xlsx_kpi_sheets(x);
	f[0].s = xcalloc(1, sizeof(*f[0].s));
	f[0].n = xlsx_open_employees(x, f[0].s) == 0;
	f[0].run = xlsx_fill_employees;
	f[1].s = xcalloc(n, sizeof(*f[1].s));
	f[1].n = (size_t)xlsx_open_kpi_detail(x, f[1].s, n);
	f[1].run = xlsx_fill_kpi_detail;
}

/* Starts the fills on up to threads - 1 threads, the larger (KPI detail)
 * first; those left run here. */
static void fills_start(struct xw *x, struct fill *f, size_t nf, int threads)
{
	size_t k;
	for (k = 0; k < nf; k++) {
		f[k].x = *x;
		f[k].x.err = LXW_NO_ERROR;
		strbuf_init(&f[k].x.scratch, 0);
	}
	for (k = nf; k-- > 0 && threads > 1; threads--)
		f[k].threaded = pthread_create(&f[k].thread, NULL, fill_run, &f[k]) == 0;
	for (k = 0; k < nf; k++)
		if (!f[k].threaded)
			fill_run(&f[k]);
}

/* Joins the threads; the first error in workbook order is the fills'. */
static lxw_error fills_finish(struct fill *f, size_t nf)
{
	lxw_error err = LXW_NO_ERROR;
	size_t k;
	for (k = 0; k < nf; k++) {
		if (f[k].threaded)
			pthread_join(f[k].thread, NULL);
		if (err == LXW_NO_ERROR)
			err = f[k].x.err;
		strbuf_release(&f[k].x.scratch);
		free(f[k].s);
	}
	return err;
}

/* ---- the workbook ---- */

/*
 * The file holds pay: create it 0600 before libxlsxwriter opens it, since
 * fopen(3) of an existing file keeps its mode.
 */
static int create_private(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	if (fchmod(fd, 0600) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

/* Title, company, author and a fixed creation time: never "now". */
static void set_properties(struct xw *x, struct strbuf *title)
{
	lxw_doc_properties props = { 0 };
	static char author[] = "merit " MERIT_VERSION;

	strbuf_addf(title, "%s %s", xlsx_tr(x, "绩效与奖金", "Performance and bonus"),
		    x->c->period.label);
	props.title = title->buf;
	props.company = (char *)label_get(&x->cfg->company, x->loc);
	props.author = author;
	props.created = (time_t)x->c->doc_time;   /* reproducible bytes */
	xlsx_note(x, workbook_set_properties(x->wb, &props));
}

int xlsx_write(const struct company *c, const struct config *cfg, const char *path,
	       struct diag *d)
{
	struct xw x;
	lxw_workbook_options opt = { 0 };
	struct strbuf title = STRBUF_INIT;
	struct fill fill[2];            /* Employees, KPI detail */
	size_t warnings = d->warnings;
	lxw_error err, before, filled;
	int rc = 0;

	memset(&x, 0, sizeof(x));
	memset(fill, 0, sizeof(fill));
	x.c = c;
	x.cfg = cfg;
	x.loc = cfg->locale;
	strbuf_init(&x.scratch, 0);
	xlsx_stats_compute(&x);
	if (x.st.in_scope >= ROWS_MAX) {
		xlsx_stats_release(&x.st);
		strbuf_release(&x.scratch);
		return diag_error(d, MERIT_CANTCREAT, path, 0, 0,
				  "%zu employees do not fit in one worksheet (at most %zu rows)",
				  x.st.in_scope, ROWS_MAX - 1);
	}
	if (create_private(path) < 0) {
		xlsx_stats_release(&x.st);
		strbuf_release(&x.scratch);
		return diag_error(d, MERIT_CANTCREAT, path, 0, 0, "cannot create: %s",
				  strerror(errno));
	}
	opt.constant_memory = 1;
	opt.tmpdir = file_dirname(path);     /* the run's private folder, not a shared /tmp */
	opt.use_zip64 = 1;             /* large companies pass 4 GB of XML uncompressed */
	x.wb = workbook_new_opt(path, &opt);
	if (!x.wb) {
		free(opt.tmpdir);
		xlsx_stats_release(&x.st);
		strbuf_release(&x.scratch);
		unlink(path);
		return diag_error(d, MERIT_CANTCREAT, path, 0, 0, "cannot start the workbook");
	}
	set_properties(&x, &title);
	formats_init(&x);

	/* Workbook order is the order the sheets are added in. */
	xlsx_write_summary(&x);
	fills_open(&x, fill);
	fills_start(&x, fill, 2, formats_ready(&x) ? threads_count() : 1);
	before = x.err;
	x.err = LXW_NO_ERROR;
	xlsx_write_departments(&x);
	xlsx_write_payroll(&x);
	xlsx_write_history(&x);
	xlsx_write_audit(&x, warnings);
	filled = fills_finish(fill, 2);
	x.err = before != LXW_NO_ERROR ? before : filled != LXW_NO_ERROR ? filled : x.err;

	/* Close even after an error: it frees the workbook and its temporary
	 * files. The zip entries are compressed here, at ZIP_LEVEL. */
	xlsx_zip_level_set(ZIP_LEVEL);
	err = workbook_close(x.wb);
	xlsx_zip_level_set(-1);
	if (x.err != LXW_NO_ERROR)
		err = x.err;
	if (err != LXW_NO_ERROR)
		rc = diag_error(d, MERIT_CANTCREAT, path, 0, 0, "cannot write the workbook: %s",
				lxw_strerror(err));
	else if (chmod(path, 0600) < 0)
		rc = diag_error(d, MERIT_CANTCREAT, path, 0, 0, "cannot make private: %s",
				strerror(errno));

	free(opt.tmpdir);
	strbuf_release(&title);
	strbuf_release(&x.scratch);
	xlsx_stats_release(&x.st);
	if (rc < 0)
		unlink(path);   /* no half-written pay file left behind */
	return rc;
}
