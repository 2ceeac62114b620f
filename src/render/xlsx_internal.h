/*
 * xlsx_internal: what the files of the workbook writer share. Not a public
 * API (render.h has xlsx_write()); every name here is used by more than
 * one of them:
 *
 *   xlsx.c          the workbook: lifecycle, formats, xlsx_write()
 *   xlsx_cells.c    cells and sheet frames: safe text, widths, numbers at
 *                   results.csv precision, formulas, filters, colour rules
 *   xlsx_words.c    labels in the run's locale
 *   xlsx_stats.c    figures computed before any sheet is written
 *   xlsx_summary.c  Summary and its charts
 *   xlsx_people.c   Employees and KPI detail (the two big sheets)
 *   xlsx_finance.c  Departments, Payroll, Audit
 *   xlsx_history.c  History: the last twelve periods per employee
 *   xlsx_zip.c      the zip entries: zlib level, worksheets on threads
 *
 * Ownership: struct xw and its struct xstats belong to xlsx_write(); a
 * struct sheet is opened and closed by the writer of that sheet, and its
 * column widths are freed by xlsx_sheet_close().
 */
#ifndef MERIT_XLSX_INTERNAL_H
#define MERIT_XLSX_INTERNAL_H

#include "model.h"
#include "util/strbuf.h"

#include <stddef.h>
#include <stdint.h>
#include <xlsxwriter.h>

#define SHEET_SUMMARY "Summary"
#define SHEET_EMPLOYEES "Employees"
#define SHEET_KPI "KPI detail"
#define SHEET_DEPTS "Departments"
#define SHEET_PAYROLL "Payroll"
#define SHEET_AUDIT "Audit"
#define SHEET_HISTORY "History"

/* Excel's limit: rows per sheet, header included. */
#define ROWS_MAX ((size_t)LXW_ROW_MAX)

/* Summary row of the bonus pool: the defined name Pool points at it. */
#define SUM_POOL_ROW 5

/* A number format and what a value in it looks like, for column widths. */
struct numfmt {
	lxw_format *f;
	int decimals;
	int sep;        /* thousands separators */
	double extra;   /* currency symbol, '%' */
	double scale;   /* shown value / stored value: 100 for percentages */
	double keep;    /* stored to 1/keep: 1e4 = 4 decimals, as results.csv */
};

struct sheet {
	lxw_worksheet *ws;
	const char *name;
	double *width;  /* per column, display characters */
	size_t ncols;
};

/* Group (department) figures, from c->groups or derived when there are none. */
struct grp {
	const char *name;
	size_t n;
	double raw_mean, raw_sd, norm_mean, norm_sd;
	int small;
	const size_t *rating_count;
	int64_t bonus, pool;
};

/* Everything the sheets need that is not a plain per-employee value. */
struct xstats {
	size_t in_scope, eligible, payroll_rows, kpi_rows;
	size_t flag_count[8];           /* by bit number of enum employee_flag */
	size_t *band_count;             /* per rating band */
	int64_t *band_bonus;
	int *kpi_used;                  /* per config KPI: some in-scope employee has it */
	size_t *top;                    /* FLAG_TOP_PERFORMER, best first */
	size_t ntop;
	struct grp *grps;
	size_t ngrps;
	size_t *derived_counts;         /* storage for derived groups' rating counts */
};

struct xw {
	const struct company *c;
	const struct config *cfg;
	enum locale loc;
	lxw_workbook *wb;
	lxw_error err;                  /* first failed write call */
	struct strbuf scratch;
	struct xstats st;
	lxw_format *hdr, *title, *bold, *date, *band_fmt[3];
	struct numfmt money, money_total, pct, score4, score2, num2, integer, coef;
};

/* ---- xlsx_cells.c: every cell goes through these ---- */

/* Keeps the first failed libxlsxwriter call's error in x->err. */
void xlsx_note(struct xw *x, lxw_error e);
/* Text from anywhere (inputs included) as a text cell: made valid UTF-8
 * without control characters, cut at 32,767 characters; NULL or "" writes
 * nothing. */
void xlsx_put_text(struct xw *x, struct sheet *s, size_t row, size_t col, const char *text,
		   lxw_format *f);
/* A number rounded to nf->keep (results.csv precision); NaN writes nothing. */
void xlsx_put_num(struct xw *x, struct sheet *s, size_t row, size_t col, double v,
		  const struct numfmt *nf);
void xlsx_put_money(struct xw *x, struct sheet *s, size_t row, size_t col, int64_t cents,
		    const struct numfmt *nf);
/* A formula with its cached result, e.g. xlsx_put_formula(x, s, 6, 1, "=Pool", 1e3, nf). */
void xlsx_put_formula(struct xw *x, struct sheet *s, size_t row, size_t col,
		      const char *formula, double cached, const struct numfmt *nf);
/* =SUM() of rows first..last of column col (a plain 0 when there are none). */
void xlsx_put_sum(struct xw *x, struct sheet *s, size_t row, size_t col, size_t first,
		  size_t last, double cached, const struct numfmt *nf);
/* Header labels in columns 0..n-1 (NULL skips one); long ones wrap. */
void xlsx_put_header(struct xw *x, struct sheet *s, size_t row, const char *const *labels,
		     size_t n);
/* A cell note (Excel comment) marking the cell, e.g. an override (SPEC 11). */
void xlsx_put_note(struct xw *x, struct sheet *s, size_t row, size_t col, const char *text);
/* A date (days since 1970-01-01); DATE_NONE writes nothing. */
void xlsx_put_date(struct xw *x, struct sheet *s, size_t row, size_t col, int32_t day);

/* Adds the sheet (workbook order = call order); -1 if libxlsxwriter refused. */
int xlsx_sheet_open(struct xw *x, struct sheet *s, const char *name, size_t ncols);
/* Frozen, filterable header over rows header..last; call right after the header. */
void xlsx_sheet_filter(struct xw *x, struct sheet *s, size_t header, size_t last,
		       size_t freeze_cols);
/* Column widths fitted to what was written; frees s->width. */
void xlsx_sheet_close(struct xw *x, struct sheet *s);

/* Conditional formats over rows first..last of one column (none if last < first). */
/* Numbers the rating colours' formats as xlsx_rating_colours() first would,
 * for a sheet that calls it on another thread (xlsx.c). */
void xlsx_rating_colours_prepare(struct xw *x);
void xlsx_rating_colours(struct xw *x, struct sheet *s, size_t first, size_t last, size_t col);
void xlsx_score_scale(struct xw *x, struct sheet *s, size_t first, size_t last, size_t col);
void xlsx_data_bar(struct xw *x, struct sheet *s, size_t first, size_t last, size_t col);

/* Display width of the currency symbol of a number format such as "¥#,##0.00". */
double xlsx_symbol_width(const char *num_format);

/* ---- xlsx.c ---- */

/* The fill of a rating band: top green, bottom red, those between amber. */
lxw_format *xlsx_band_format(const struct xw *x, size_t band);

/* ---- xlsx_words.c: labels in x->loc ---- */

const char *xlsx_tr(const struct xw *x, const char *zh, const char *en);
const char *xlsx_rating_label(const struct xw *x, int rating);
const char *xlsx_role_label(const struct xw *x, const struct employee *e);
/* An ineligibility or dropped-KPI code in words; unknown codes as they are. */
const char *xlsx_reason_text(const struct xw *x, const char *reason);
/* The flags in words, "; "-separated, in sb (returned). */
const char *xlsx_flags_text(struct xw *x, unsigned flags, struct strbuf *sb);
const char *xlsx_dim_label(const struct xw *x, int dim);
const char *xlsx_persp_label(const struct xw *x, int p);
/* An override in words for a cell note or the Audit sheet: before -> after,
 * reason, approver and date, in sb (returned). */
const char *xlsx_override_text(struct xw *x, const struct override_row *o, struct strbuf *sb);
/* Notes on the cells of row `row` that the employee's overrides of `kind`
 * changed (of KPI `kpi`, or -1), at column col. */
void xlsx_override_note(struct xw *x, struct sheet *s, size_t row, size_t col,
			const struct employee *e, enum override_kind kind, int kpi);
/* The number format of a KPI's actual and target: that of its metric. */
const struct numfmt *xlsx_kpi_numfmt(const struct xw *x, int kpi);

/* ---- xlsx_stats.c ---- */

void xlsx_stats_compute(struct xw *x);
void xlsx_stats_release(struct xstats *st);

/* ---- the sheets, written in this order (each adds its own sheets) ---- */

void xlsx_write_summary(struct xw *x);
/*
 * The two big sheets are added and filled apart (xlsx.c fills them on
 * threads): open adds the sheet(s) to the workbook, on the workbook's
 * thread and in workbook order; fill writes the n sheets open returned,
 * touching only them (see xlsx.c for what a fill may call).
 */
int xlsx_open_employees(struct xw *x, struct sheet *s);
void xlsx_fill_employees(struct xw *x, struct sheet *s, size_t n);
/* KPI detail: "KPI detail", "KPI detail 2", ... past Excel's row limit;
 * open returns how many of n sheets it added. */
size_t xlsx_kpi_sheets(const struct xw *x);
int xlsx_open_kpi_detail(struct xw *x, struct sheet *s, size_t n);
void xlsx_fill_kpi_detail(struct xw *x, struct sheet *s, size_t n);
void xlsx_write_departments(struct xw *x);
void xlsx_write_payroll(struct xw *x);
void xlsx_write_history(struct xw *x);
void xlsx_write_audit(struct xw *x, size_t warnings);

/* Column of Departments holding the bonus total (the Summary chart reads it). */
size_t xlsx_depts_bonus_col(const struct xw *x);

/* ---- xlsx_zip.c ---- */

/* The zlib level (0-9) of zip entries started on this thread from now on;
 * -1 restores libxlsxwriter's default. */
void xlsx_zip_level_set(int level);

/* xlsx_cells.c: libxlsxwriter 1.1.4's number-cell writer, replaced (it is
 * called through the library's PLT). */
#if LXW_VERSION_ID == 114
/* xlsx_zip.c: its worksheet entries, assembled and compressed on threads. */
struct lxw_packager;
lxw_error _write_worksheet_files(struct lxw_packager *self);
void _write_number_cell(lxw_worksheet *self, char *range, int32_t style_index, lxw_cell *cell);
void _write_inline_string_cell(lxw_worksheet *self, char *range, int32_t style_index,
			       lxw_cell *cell);
#endif

#endif
