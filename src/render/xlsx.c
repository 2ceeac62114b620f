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

#include <errno.h>
#include <fcntl.h>
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

static lxw_format *fmt_num(struct xw *x, const char *num_format, int bold)
{
	lxw_format *f = workbook_add_format(x->wb);
	format_set_num_format(f, num_format);
	if (bold)
		format_set_bold(f);
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
	x->date = fmt_num(x, "yyyy-mm-dd", 0);
	/* Money from cents is exact at 4 decimals too; KPI actuals in money
	 * (revenue sums) are rounded like results.csv prints them. */
	x->money = (struct numfmt){ fmt_num(x, money, 0), 2, 1, xlsx_symbol_width(money), 1, 1e4 };
	x->money_total =
		(struct numfmt){ fmt_num(x, money, 1), 2, 1, xlsx_symbol_width(money), 1, 1e4 };
	x->pct = (struct numfmt){ fmt_num(x, "0.0%", 0), 1, 0, 1.0, 100, 1e6 };
	x->score4 = (struct numfmt){ fmt_num(x, "0.0000", 0), 4, 0, 0, 1, 1e4 };
	x->score2 = (struct numfmt){ fmt_num(x, "0.00", 0), 2, 0, 0, 1, 1e4 };
	x->num2 = (struct numfmt){ fmt_num(x, "#,##0.00", 0), 2, 1, 0, 1, 1e4 };
	x->integer = (struct numfmt){ fmt_num(x, "#,##0", 0), 0, 1, 0, 1, 1e4 };
	x->coef = (struct numfmt){ fmt_num(x, "0.00", 0), 2, 0, 0, 1, 1e4 };
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
	size_t warnings = d->warnings;
	lxw_error err;
	int rc = 0;

	memset(&x, 0, sizeof(x));
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
	xlsx_write_employees(&x);
	xlsx_write_kpi_detail(&x);
	xlsx_write_departments(&x);
	xlsx_write_payroll(&x);
	xlsx_write_history(&x);
	xlsx_write_audit(&x, warnings);

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
