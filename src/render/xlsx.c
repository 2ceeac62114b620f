/*
 * xlsx: the finance workbook merit-<period>.xlsx (SPEC 10); the only
 * libxlsxwriter user.
 *
 * Sheets: Summary, Employees, KPI detail (continued on "KPI detail 2", ...
 * past Excel's row limit), Departments, Payroll, Audit. Sheet names are
 * fixed English (import macros and the checker find them); headers and
 * words inside follow cfg->locale.
 *
 * The workbook is always written in libxlsxwriter's constant_memory mode:
 * 100,000 employees would otherwise hold millions of cells in memory. That
 * mode applies to every sheet and drops any cell written above the current
 * row, so each sheet is written strictly top to bottom from figures that are
 * all computed first (struct xstats). Charts, defined names, conditional
 * formats and column widths are not cells and can be set at any time.
 *
 * Every text that came from an input goes through put_text() ->
 * worksheet_write_string(), so a name like =HYPERLINK("x") stays text.
 * Formulas are only ever built here from cell references.
 */
#include "model.h"
#include "render/render.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/strbuf.h"
#include "render/xlsx_internal.h"

#include <xlsxwriter.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHEET_SUMMARY "Summary"
#define SHEET_EMPLOYEES "Employees"
#define SHEET_KPI "KPI detail"
#define SHEET_DEPTS "Departments"
#define SHEET_PAYROLL "Payroll"
#define SHEET_AUDIT "Audit"

/* Excel's limits: rows per sheet (header included) and characters per cell. */
#define ROWS_MAX ((size_t)LXW_ROW_MAX)
#define CELL_CHARS_MAX 32767
#define WIDTH_MIN 6.0
#define WIDTH_MAX 60.0

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

static const char *tr(const struct xw *x, const char *zh, const char *en)
{
	return x->loc == LOCALE_ZH ? zh : en;
}

/* ---- text: display width and safe cell contents ---- */

static int is_wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	       (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

/* Decodes one UTF-8 sequence at s; returns its length, 0 if invalid. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
	size_t n, i;
	uint32_t v;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2, v = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3, v = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4, v = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3F);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
	    (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

/* Width in Excel character units: CJK and full-width forms count double. */
static double text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	double w = 0;
	while (*p) {
		uint32_t cp;
		size_t n = utf8_decode(p, &cp);
		if (!n)
			n = 1, cp = '?';
		w += is_wide(cp) ? 2 : 1;
		p += n;
	}
	return w;
}

/*
 * Long header cells wrap onto two lines, so they need about half their
 * width, but never less than their longest word (Latin text breaks only at
 * spaces). Short ones stay on one line.
 */
#define HEADER_ONE_LINE 14
static double header_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	double w = 0, word = 0, longest = 0;
	while (*p) {
		uint32_t cp;
		size_t n = utf8_decode(p, &cp);
		if (!n)
			n = 1, cp = '?';
		w += is_wide(cp) ? 2 : 1;
		if (cp == ' ' || is_wide(cp))
			word = 0;
		else if (++word > longest)
			longest = word;
		p += n;
	}
	if (w <= HEADER_ONE_LINE)
		return w + 2;                                          /* + filter button */
	return (longest > ceil(w / 2) ? longest : ceil(w / 2)) + 2;
}

/*
 * The text as a cell can hold it: invalid UTF-8 becomes U+FFFD, control
 * characters (not allowed in XML) a space, and it is cut at Excel's 32,767
 * characters. Returns s itself when it is already fine (the common case).
 */
static const char *cell_text(struct xw *x, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0;
	int clean = 1;
	while (*p) {
		uint32_t cp;
		size_t n = utf8_decode(p, &cp);
		if (!n || (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F ||
		    ++chars > CELL_CHARS_MAX) {
			clean = 0;
			break;
		}
		p += n;
	}
	if (clean)
		return s;
	strbuf_reset(&x->scratch);
	p = (const unsigned char *)s;
	for (chars = 0; *p && chars < CELL_CHARS_MAX; chars++) {
		uint32_t cp;
		size_t n = utf8_decode(p, &cp);
		if (!n) {
			strbuf_addstr(&x->scratch, "\xEF\xBF\xBD");
			n = 1;
		} else if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F) {
			strbuf_addch(&x->scratch, ' ');
		} else {
			strbuf_add(&x->scratch, p, n);
		}
		p += n;
	}
	return x->scratch.buf;
}

/* ---- cells ---- */

static void note(struct xw *x, lxw_error e)
{
	if (e != LXW_NO_ERROR && x->err == LXW_NO_ERROR)
		x->err = e;
}

static void widen(struct sheet *s, size_t col, double w)
{
	if (col < s->ncols && w > s->width[col])
		s->width[col] = w;
}

static void put_text(struct xw *x, struct sheet *s, size_t row, size_t col, const char *text,
		     lxw_format *f)
{
	if (!text || !*text)
		return;
	text = cell_text(x, text);
	note(x, worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, text, f));
	widen(s, col, text_width(text) * (f == x->bold ? 1.1 : 1.0));
}

/* Width of v printed in nf, without printing it (millions of cells). */
static double num_width(double v, const struct numfmt *nf)
{
	double a = fabs(v) * nf->scale;
	int digits = 1;
	while (a >= 10 && digits < 20)
		a /= 10, digits++;
	return digits + (nf->sep ? (digits - 1) / 3 : 0) + (nf->decimals ? nf->decimals + 1 : 0) +
	       (v < 0) + nf->extra;
}

/*
 * Values are stored to the precision results.csv prints (4 decimals; 6 for
 * ratios shown as percentages), not to 17 digits: that is what readers
 * compare, and it halves the XML that has to be compressed.
 */
static void put_num(struct xw *x, struct sheet *s, size_t row, size_t col, double v,
		    const struct numfmt *nf)
{
	if (!isfinite(v))
		return;
	if (nf->keep > 0 && fabs(v) < 1e11)
		v = round(v * nf->keep) / nf->keep + 0.0;   /* + 0.0: no "-0" */
	note(x, worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col, v, nf->f));
	widen(s, col, num_width(v, nf));
}

static void put_money(struct xw *x, struct sheet *s, size_t row, size_t col, int64_t cents,
		      const struct numfmt *nf)
{
	put_num(x, s, row, col, (double)cents / 100.0, nf);
}

/* A formula with its result cached, so readers that do not recalculate see it. */
static void put_formula(struct xw *x, struct sheet *s, size_t row, size_t col,
			const char *formula, double cached, const struct numfmt *nf)
{
	note(x, worksheet_write_formula_num(s->ws, (lxw_row_t)row, (lxw_col_t)col, formula,
					    nf->f, cached));
	widen(s, col, num_width(cached, nf));
}

/* =SUM(<col><first+1>:<col><last+1>) for rows first..last of one column. */
static void put_sum(struct xw *x, struct sheet *s, size_t row, size_t col, size_t first,
		    size_t last, double cached, const struct numfmt *nf)
{
	char range[LXW_MAX_CELL_RANGE_LENGTH], f[LXW_MAX_CELL_RANGE_LENGTH + 8];
	if (last < first) {
		put_num(x, s, row, col, 0, nf);
		return;
	}
	lxw_rowcol_to_range(range, (lxw_row_t)first, (lxw_col_t)col, (lxw_row_t)last,
			    (lxw_col_t)col);
	snprintf(f, sizeof(f), "=SUM(%s)", range);
	put_formula(x, s, row, col, f, cached, nf);
}

static void put_header(struct xw *x, struct sheet *s, size_t row, const char *const *labels,
		       size_t n)
{
	size_t i;
	int wraps = 0;
	for (i = 0; i < n; i++) {
		if (!labels[i])
			continue;
		note(x, worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)i,
					       cell_text(x, labels[i]), x->hdr));
		widen(s, i, header_width(labels[i]));
		wraps |= text_width(labels[i]) > HEADER_ONE_LINE;
	}
	if (wraps)   /* two lines; the current row, which constant_memory allows */
		note(x, worksheet_set_row(s->ws, (lxw_row_t)row, 30, NULL));
}

static void put_date(struct xw *x, struct sheet *s, size_t row, size_t col, int32_t day)
{
	lxw_datetime dt = { 0 };
	if (day == DATE_NONE)
		return;
	date_to_ymd(day, &dt.year, &dt.month, &dt.day);
	note(x, worksheet_write_datetime(s->ws, (lxw_row_t)row, (lxw_col_t)col, &dt, x->date));
	widen(s, col, 10);
}

static void sheet_open(struct xw *x, struct sheet *s, const char *name, size_t ncols)
{
	s->name = name;
	s->ws = workbook_add_worksheet(x->wb, name);
	if (!s->ws)
		note(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
	s->ncols = ncols;
	s->width = xcalloc(ncols ? ncols : 1, sizeof(*s->width));
	if (s->ws) {
		/* Printed: landscape A4, one page wide unless the sheet is very wide. */
		worksheet_set_landscape(s->ws);
		worksheet_set_paper(s->ws, 9);
		if (ncols <= 20)
			worksheet_fit_to_pages(s->ws, 1, 0);
	}
}

/*
 * A frozen, filterable header over rows header..last. Call it right after
 * the header: in constant_memory mode libxlsxwriter refuses a filter over
 * rows it has already flushed.
 */
static void sheet_filter(struct xw *x, struct sheet *s, size_t header, size_t last,
			 size_t freeze_cols)
{
	worksheet_freeze_panes(s->ws, (lxw_row_t)header + 1, (lxw_col_t)freeze_cols);
	note(x, worksheet_repeat_rows(s->ws, (lxw_row_t)header, (lxw_row_t)header));
	note(x, worksheet_autofilter(s->ws, (lxw_row_t)header, 0,
				     (lxw_row_t)(last > header ? last : header),
				     (lxw_col_t)(s->ncols - 1)));
}

/* Column widths fitted to what was written. */
static void sheet_close(struct xw *x, struct sheet *s)
{
	size_t i;
	for (i = 0; s->ws && i < s->ncols; i++) {
		/* 10 % spare: viewers without Calibri use wider fonts. */
		double w = s->width[i] * 1.1 + 1;
		w = w < WIDTH_MIN ? WIDTH_MIN : w > WIDTH_MAX ? WIDTH_MAX : w;
		note(x, worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i, w, NULL));
	}
	free(s->width);
	s->width = NULL;
}

/* ---- words ---- */

static const char *rating_label(const struct xw *x, int rating)
{
	if (rating < 0 || (size_t)rating >= x->cfg->nbands)
		return "";
	return label_get(&x->cfg->bands[rating].label, x->loc);
}

static const char *role_label(const struct xw *x, const struct employee *e)
{
	if (e->role >= 0 && (size_t)e->role < x->cfg->nroles)
		return label_get(&x->cfg->roles[e->role].label, x->loc);
	return e->role_text;
}

static const char *reason_text(const struct xw *x, const char *reason)
{
	static const struct { const char *code, *zh, *en; } words[] = {
		{ INELIGIBLE_NOT_IN_SCOPE, "不在本期", "not in the period" },
		{ INELIGIBLE_MIN_DAYS, "在职天数不足", "too few days employed" },
		{ INELIGIBLE_STATUS, "员工状态不符", "status not eligible" },
		{ INELIGIBLE_LEFT, "期末前离职", "left before period end" },
		{ INELIGIBLE_ZERO_POINTS, "绩点为零", "zero points" },
		{ "missing_actual", "缺少实际值", "missing actual" },
		{ "missing_target", "缺少目标", "missing target" },
	};
	size_t i;
	if (!reason)
		return NULL;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(reason, words[i].code))
			return tr(x, words[i].zh, words[i].en);
	return reason;
}

static const struct { unsigned bit; const char *zh, *en; } flag_words[] = {
	{ FLAG_WARNING, "绩效警告", "performance warning" },
	{ FLAG_ROLE_REVIEW, "岗位调整评估", "role review" },
	{ FLAG_PROMOTE, "晋升推荐", "promotion candidate" },
	{ FLAG_TOP_PERFORMER, "荣誉榜", "top performer" },
	{ FLAG_SMALL_GROUP, "小组未标准化", "small group (raw kept)" },
	{ FLAG_REWEIGHTED, "权重重算", "KPI reweighted" },
	{ FLAG_BONUS_CAPPED, "奖金封顶", "bonus capped" },
};
#define NFLAGS (sizeof(flag_words) / sizeof(flag_words[0]))

static const char *flags_text(struct xw *x, unsigned flags, struct strbuf *sb)
{
	size_t i;
	strbuf_reset(sb);
	for (i = 0; i < NFLAGS; i++)
		if (flags & flag_words[i].bit) {
			if (sb->len)
				strbuf_addstr(sb, "; ");
			strbuf_addstr(sb, tr(x, flag_words[i].zh, flag_words[i].en));
		}
	return sb->buf;
}

static const char *dim_label(const struct xw *x, int dim)
{
	static const char *const zh[DIM_COUNT] = { "业绩", "效率", "态度" };
	static const char *const en[DIM_COUNT] = { "Results", "Efficiency", "Attitude" };
	return tr(x, zh[dim], en[dim]);
}

static const char *persp_label(const struct xw *x, int p)
{
	static const char *const zh[PERSP_COUNT] = { "财务", "客户", "内部流程", "学习与成长" };
	static const char *const en[PERSP_COUNT] = { "Financial", "Customer", "Process",
						     "Learning" };
	return tr(x, zh[p], en[p]);
}

/* The format of a KPI's actual and target: that of its metric. */
static const struct numfmt *kpi_numfmt(const struct xw *x, int kpi)
{
	const struct kpi_def *k = &x->cfg->kpis[kpi];
	if (k->metric < 0 || (size_t)k->metric >= x->cfg->nmetrics)
		return &x->num2;
	switch (x->cfg->metrics[k->metric].format) {
	case FMT_PERCENT: return &x->pct;
	case FMT_MONEY: return &x->money;
	case FMT_INTEGER: return &x->integer;
	default: return &x->num2;
	}
}

/* ---- figures computed before any sheet is written ---- */

struct top_key {
	double norm;
	const char *id;
	size_t idx;
};

static int top_cmp(const void *a, const void *b)
{
	const struct top_key *p = a, *q = b;
	if (p->norm != q->norm)
		return p->norm > q->norm ? -1 : 1;
	return strcmp(p->id, q->id);
}

/* Groups by department when the model has no fairness groups. */
static void derive_groups(struct xw *x)
{
	const struct company *c = x->c;
	struct xstats *st = &x->st;
	struct strmap idx;
	double *sum_r, *sq_r, *sum_n, *sq_n;
	size_t i, g, nb = x->cfg->nbands;

	strmap_init(&idx);
	st->grps = xcalloc(c->nemps ? c->nemps : 1, sizeof(*st->grps));
	for (i = 0; i < c->nemps; i++) {
		const struct employee *e = &c->emps[i];
		const char *name = e->department ? e->department : "";
		if (!e->in_scope || strmap_get(&idx, name, &g))
			continue;
		strmap_put(&idx, name, st->ngrps);
		st->grps[st->ngrps++].name = name;
	}
	st->derived_counts = xcalloc(st->ngrps * nb + 1, sizeof(size_t));
	sum_r = xcalloc(st->ngrps + 1, sizeof(double));
	sq_r = xcalloc(st->ngrps + 1, sizeof(double));
	sum_n = xcalloc(st->ngrps + 1, sizeof(double));
	sq_n = xcalloc(st->ngrps + 1, sizeof(double));
	for (i = 0; i < c->nemps; i++) {
		const struct employee *e = &c->emps[i];
		if (!e->in_scope)
			continue;
		strmap_get(&idx, e->department ? e->department : "", &g);
		st->grps[g].n++;
		st->grps[g].bonus += e->bonus;
		sum_r[g] += e->raw_score, sq_r[g] += e->raw_score * e->raw_score;
		sum_n[g] += e->norm_score, sq_n[g] += e->norm_score * e->norm_score;
		if (e->rating >= 0 && (size_t)e->rating < nb)
			st->derived_counts[g * nb + (size_t)e->rating]++;
	}
	for (g = 0; g < st->ngrps; g++) {
		struct grp *gr = &st->grps[g];
		double n = (double)gr->n;
		gr->raw_mean = sum_r[g] / n;
		gr->raw_sd = sqrt(fmax(0, sq_r[g] / n - gr->raw_mean * gr->raw_mean));
		gr->norm_mean = sum_n[g] / n;
		gr->norm_sd = sqrt(fmax(0, sq_n[g] / n - gr->norm_mean * gr->norm_mean));
		gr->rating_count = st->derived_counts + g * nb;
	}
	free(sum_r), free(sq_r), free(sum_n), free(sq_n);
	strmap_release(&idx);
}

static void stats_compute(struct xw *x)
{
	const struct company *c = x->c;
	const struct config *cfg = x->cfg;
	struct xstats *st = &x->st;
	struct top_key *keys;
	size_t i, j, b;

	st->band_count = xcalloc(cfg->nbands + 1, sizeof(size_t));
	st->band_bonus = xcalloc(cfg->nbands + 1, sizeof(int64_t));
	st->kpi_used = xcalloc(cfg->nkpis + 1, sizeof(int));
	keys = xcalloc(c->nemps + 1, sizeof(*keys));
	for (i = 0; i < c->nemps; i++) {
		const struct employee *e = &c->emps[i];
		if (!e->in_scope)
			continue;
		st->in_scope++;
		st->eligible += e->eligible != 0;
		st->payroll_rows += e->eligible && e->bonus > 0;
		for (b = 0; b < 8; b++)
			st->flag_count[b] += (e->flags >> b) & 1;
		if (e->rating >= 0 && (size_t)e->rating < cfg->nbands) {
			st->band_count[e->rating]++;
			st->band_bonus[e->rating] += e->bonus;
		}
		for (j = 0; j < e->nkpis; j++)
			if (e->kpis[j].kpi >= 0 && (size_t)e->kpis[j].kpi < cfg->nkpis) {
				st->kpi_used[e->kpis[j].kpi] = 1;
				st->kpi_rows++;
			}
		if (e->flags & FLAG_TOP_PERFORMER) {
			keys[st->ntop].norm = e->norm_score;
			keys[st->ntop].id = e->id ? e->id : "";
			keys[st->ntop++].idx = i;
		}
	}
	qsort(keys, st->ntop, sizeof(*keys), top_cmp);
	st->top = xcalloc(st->ntop + 1, sizeof(size_t));
	for (i = 0; i < st->ntop; i++)
		st->top[i] = keys[i].idx;
	free(keys);

	if (c->ngroups) {
		st->ngrps = c->ngroups;
		st->grps = xcalloc(c->ngroups, sizeof(*st->grps));
		for (i = 0; i < c->ngroups; i++) {
			const struct group_stats *g = &c->groups[i];
			st->grps[i] = (struct grp){ g->name ? g->name : "", g->n, g->raw_mean,
						    g->raw_sd, g->norm_mean, g->norm_sd, g->small,
						    g->rating_count, g->bonus_total, g->pool_cents };
		}
	} else {
		derive_groups(x);
	}
}

static void stats_release(struct xstats *st)
{
	free(st->band_count);
	free(st->band_bonus);
	free(st->kpi_used);
	free(st->top);
	free(st->grps);
	free(st->derived_counts);
}

/* ---- formats ---- */

static lxw_format *fmt_num(struct xw *x, const char *num_format, int bold)
{
	lxw_format *f = workbook_add_format(x->wb);
	format_set_num_format(f, num_format);
	if (bold)
		format_set_bold(f);
	return f;
}

/* The currency's width: its symbol in the configured format, e.g. "¥". */
static double symbol_width(const char *num_format)
{
	const unsigned char *p = (const unsigned char *)num_format;
	double w = 0;
	while (*p && *p != '#' && *p != '0') {
		uint32_t cp;
		size_t n = utf8_decode(p, &cp);
		if (!n)
			n = 1;
		if (cp != '"' && cp != '[' && cp != ']' && cp != '$' && cp != '\\')
			w += is_wide(cp) ? 2 : 1;
		p += n;
	}
	return w + 1;
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
	x->money = (struct numfmt){ fmt_num(x, money, 0), 2, 1, symbol_width(money), 1, 0 };
	x->money_total = (struct numfmt){ fmt_num(x, money, 1), 2, 1, symbol_width(money), 1, 0 };
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
}

/* Top band green, bottom band red, those between amber. */
static lxw_format *band_format(const struct xw *x, size_t band)
{
	if (band == 0)
		return x->band_fmt[0];
	return band + 1 == x->cfg->nbands ? x->band_fmt[2] : x->band_fmt[1];
}

/* Colours each rating label in rows first..last of a column by its band. */
static void rating_colours(struct xw *x, struct sheet *s, size_t first, size_t last, size_t col)
{
	size_t b;
	if (last < first)
		return;
	for (b = 0; b < x->cfg->nbands && b < 64; b++) {
		struct strbuf v = STRBUF_INIT;
		const char *p = rating_label(x, (int)b);
		lxw_conditional_format cf = { 0 };
		strbuf_addch(&v, '"');
		for (; *p; p++) {
			if (*p == '"')
				strbuf_addch(&v, '"');   /* "" inside a formula string */
			strbuf_addch(&v, *p);
		}
		strbuf_addch(&v, '"');
		cf.type = LXW_CONDITIONAL_TYPE_CELL;
		cf.criteria = LXW_CONDITIONAL_CRITERIA_EQUAL_TO;
		cf.value_string = v.buf;
		cf.format = band_format(x, b);
		note(x, worksheet_conditional_format_range(s->ws, (lxw_row_t)first, (lxw_col_t)col,
							   (lxw_row_t)last, (lxw_col_t)col, &cf));
		strbuf_release(&v);
	}
}

/* Red-amber-green colour scale on a score column. */
static void score_scale(struct xw *x, struct sheet *s, size_t first, size_t last, size_t col)
{
	lxw_conditional_format cf = { 0 };
	if (last < first)
		return;
	cf.type = LXW_CONDITIONAL_3_COLOR_SCALE;
	cf.min_color = 0xF8696B;
	cf.mid_color = 0xFFEB84;
	cf.max_color = 0x63BE7B;
	note(x, worksheet_conditional_format_range(s->ws, (lxw_row_t)first, (lxw_col_t)col,
						   (lxw_row_t)last, (lxw_col_t)col, &cf));
}

static void data_bar(struct xw *x, struct sheet *s, size_t first, size_t last, size_t col)
{
	lxw_conditional_format cf = { 0 };
	if (last < first)
		return;
	cf.type = LXW_CONDITIONAL_DATA_BAR;
	cf.bar_color = 0x5B9BD5;
	note(x, worksheet_conditional_format_range(s->ws, (lxw_row_t)first, (lxw_col_t)col,
						   (lxw_row_t)last, (lxw_col_t)col, &cf));
}

/* ---- Summary ---- */

/* Rows of the Summary, fixed so that defined names and charts can point at them. */
enum {
	SUM_POOL_ROW = 5,
	SUM_BANDS_ROW = 18,    /* header of the rating distribution table */
};

static void summary_kv(struct xw *x, struct sheet *s, size_t row, const char *label)
{
	put_text(x, s, row, 0, label, x->bold);
}

static void chart_common(lxw_chart *ch, const char *title)
{
	chart_title_set_name(ch, title);
	chart_set_style(ch, 10);
}

static void summary_charts(struct xw *x, struct sheet *s, size_t bands_first)
{
	const struct config *cfg = x->cfg;
	size_t nb = cfg->nbands, ng = x->st.ngrps;
	lxw_chart_options opt = { 0 };
	lxw_chart *ch;
	lxw_chart_series *se;

	opt.x_scale = 1.25;
	opt.y_scale = 1.1;
	if (nb) {
		ch = workbook_add_chart(x->wb, LXW_CHART_COLUMN);
		chart_common(ch, tr(x, "评级分布", "Rating distribution"));
		se = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(se, SHEET_SUMMARY, (lxw_row_t)bands_first, 0,
					    (lxw_row_t)(bands_first + nb - 1), 0);
		chart_series_set_values(se, SHEET_SUMMARY, (lxw_row_t)bands_first, 2,
					(lxw_row_t)(bands_first + nb - 1), 2);
		chart_series_set_name(se, tr(x, "人数", "Headcount"));
		chart_series_set_labels(se);
		chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
		note(x, worksheet_insert_chart_opt(s->ws, 1, 8, ch, &opt));
	}
	if (ng) {
		size_t bonus_col = 7 + nb;     /* Departments: see write_departments() */
		ch = workbook_add_chart(x->wb, LXW_CHART_BAR);
		chart_common(ch, tr(x, "各部门奖金", "Bonus by department"));
		se = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(se, SHEET_DEPTS, 1, 0, (lxw_row_t)ng, 0);
		chart_series_set_values(se, SHEET_DEPTS, 1, (lxw_col_t)bonus_col, (lxw_row_t)ng,
					(lxw_col_t)bonus_col);
		chart_series_set_name(se, tr(x, "奖金", "Bonus"));
		chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
		/* In a bar chart y is the category axis: first department on top. */
		chart_axis_set_reverse(ch->y_axis);
		chart_axis_set_num_format(ch->x_axis, "#,##0");
		note(x, worksheet_insert_chart_opt(s->ws, 19, 8, ch, &opt));

		ch = workbook_add_chart(x->wb, LXW_CHART_COLUMN);
		chart_common(ch, tr(x, "各部门平均分：原始与标准化",
				    "Mean score by department: raw vs normalised"));
		se = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(se, SHEET_DEPTS, 1, 0, (lxw_row_t)ng, 0);
		chart_series_set_values(se, SHEET_DEPTS, 1, 2, (lxw_row_t)ng, 2);
		chart_series_set_name(se, tr(x, "原始平均分", "Raw mean"));
		se = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(se, SHEET_DEPTS, 1, 0, (lxw_row_t)ng, 0);
		chart_series_set_values(se, SHEET_DEPTS, 1, 4, (lxw_row_t)ng, 4);
		chart_series_set_name(se, tr(x, "标准化平均分", "Normalised mean"));
		chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
		note(x, worksheet_insert_chart_opt(s->ws, 37, 8, ch, &opt));
	}
}

static void write_summary(struct xw *x, struct sheet *s)
{
	const struct company *c = x->c;
	const struct config *cfg = x->cfg;
	const struct xstats *st = &x->st;
	struct strbuf sb = STRBUF_INIT;
	size_t row, b, i, first, nb = cfg->nbands;
	int64_t band_bonus_total = 0;
	static const struct { unsigned bit; const char *zh, *en; } flag_rows[] = {
		{ FLAG_TOP_PERFORMER, "荣誉榜人数", "Top performers" },
		{ FLAG_WARNING, "绩效警告", "Performance warnings" },
		{ FLAG_ROLE_REVIEW, "岗位调整评估", "Role reviews" },
		{ FLAG_PROMOTE, "晋升推荐", "Promotion candidates" },
		{ FLAG_BONUS_CAPPED, "奖金封顶人数", "Bonuses capped" },
	};
	char ref[64];

	put_text(x, s, 0, 0, label_get(&cfg->company, x->loc), x->title);
	s->width[0] = 0;    /* the title may overflow into empty cells */
	strbuf_addf(&sb, "%s %s", tr(x, "绩效与奖金报告", "Performance and bonus report"),
		    c->period.label);
	put_text(x, s, 1, 0, sb.buf, NULL);
	s->width[0] = 0;

	summary_kv(x, s, 3, tr(x, "期间", "Period"));
	put_text(x, s, 3, 1, c->period.label, NULL);
	summary_kv(x, s, 4, tr(x, "文件日期", "Document date"));
	put_date(x, s, 4, 1, (int32_t)(c->doc_time >= 0 ? c->doc_time / 86400
						       : -((-c->doc_time + 86399) / 86400)));
	summary_kv(x, s, SUM_POOL_ROW, tr(x, "奖金池", "Bonus pool"));
	put_money(x, s, SUM_POOL_ROW, 1, c->pool_cents, &x->money_total);
	summary_kv(x, s, 6, tr(x, "已分配", "Allocated"));
	put_formula(x, s, 6, 1, "=PayrollTotal", (double)c->allocated_cents / 100.0, &x->money);
	summary_kv(x, s, 7, tr(x, "未分配", "Unallocated"));
	put_money(x, s, 7, 1, c->unallocated_cents, &x->money);
	summary_kv(x, s, 8, tr(x, "本期在职人数", "Headcount in scope"));
	put_num(x, s, 8, 1, (double)st->in_scope, &x->integer);
	summary_kv(x, s, 9, tr(x, "可获奖金人数", "Eligible for a bonus"));
	put_num(x, s, 9, 1, (double)st->eligible, &x->integer);
	row = 10;
	for (i = 0; i < sizeof(flag_rows) / sizeof(flag_rows[0]); i++, row++) {
		summary_kv(x, s, row, tr(x, flag_rows[i].zh, flag_rows[i].en));
		for (b = 0; (1u << b) != flag_rows[i].bit; b++)
			;
		put_num(x, s, row, 1, (double)st->flag_count[b], &x->integer);
	}
	summary_kv(x, s, row, tr(x, "性别奖金差距（均值）", "Gender bonus gap (mean)"));
	if (isfinite(c->gender_gap_mean_pct))
		put_num(x, s, row, 1, c->gender_gap_mean_pct / 100.0, &x->pct);
	else
		put_text(x, s, row, 1, tr(x, "无性别数据", "no gender data"), NULL);
	row++;
	summary_kv(x, s, row, tr(x, "性别奖金差距（中位数）", "Gender bonus gap (median)"));
	if (isfinite(c->gender_gap_median_pct))
		put_num(x, s, row, 1, c->gender_gap_median_pct / 100.0, &x->pct);
	else
		put_text(x, s, row, 1, tr(x, "无性别数据", "no gender data"), NULL);

	{
		const char *h[] = { tr(x, "评级", "Rating"), tr(x, "最低分", "From score"),
				    tr(x, "人数", "Headcount"), tr(x, "占比", "Share"),
				    tr(x, "奖金", "Bonus") };
		put_header(x, s, SUM_BANDS_ROW, h, 5);
	}
	first = SUM_BANDS_ROW + 1;
	for (b = 0; b < nb; b++) {
		row = first + b;
		put_text(x, s, row, 0, rating_label(x, (int)b), band_format(x, b));
		put_num(x, s, row, 1, cfg->bands[b].threshold, &x->score2);
		put_num(x, s, row, 2, (double)st->band_count[b], &x->integer);
		put_num(x, s, row, 3, st->in_scope ? (double)st->band_count[b] / (double)st->in_scope : 0,
			&x->pct);
		put_money(x, s, row, 4, st->band_bonus[b], &x->money);
		band_bonus_total += st->band_bonus[b];
	}
	row = first + nb;
	put_text(x, s, row, 0, tr(x, "合计", "Total"), x->bold);
	put_sum(x, s, row, 2, first, row - 1, (double)st->in_scope, &x->integer);
	put_sum(x, s, row, 3, first, row - 1, nb && st->in_scope ? 1.0 : 0.0, &x->pct);
	put_sum(x, s, row, 4, first, row - 1, (double)band_bonus_total / 100.0, &x->money_total);

	row += 2;
	put_text(x, s, row++, 0, tr(x, "荣誉榜", "Top performers"), x->bold);
	{
		const char *h[] = { tr(x, "工号", "Employee ID"), tr(x, "姓名", "Name"),
				    tr(x, "部门", "Department"), tr(x, "岗位", "Role"),
				    tr(x, "标准化得分", "Normalised score"), tr(x, "评级", "Rating"),
				    tr(x, "奖金", "Bonus") };
		put_header(x, s, row++, h, 7);
	}
	for (i = 0; i < st->ntop; i++, row++) {
		const struct employee *e = &c->emps[st->top[i]];
		put_text(x, s, row, 0, e->id, NULL);
		put_text(x, s, row, 1, e->name, NULL);
		put_text(x, s, row, 2, e->department, NULL);
		put_text(x, s, row, 3, role_label(x, e), NULL);
		put_num(x, s, row, 4, e->norm_score, &x->score2);
		put_text(x, s, row, 5, rating_label(x, e->rating), NULL);
		put_money(x, s, row, 6, e->bonus, &x->money);
	}
	if (!st->ntop)
		put_text(x, s, row, 0, tr(x, "（本期无）", "(none this period)"), NULL);

	lxw_rowcol_to_cell_abs(ref, SUM_POOL_ROW, 1, 1, 1);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "=%s!%s", SHEET_SUMMARY, ref);
	note(x, workbook_define_name(x->wb, "Pool", sb.buf));
	summary_charts(x, s, first);
	sheet_close(x, s);
	strbuf_release(&sb);
}

/* ---- Employees ---- */

/* Fixed columns of the Employees sheet, before dimensions, perspectives, KPIs. */
enum {
	EC_ID, EC_NAME, EC_DEPT, EC_ROLE, EC_GRADE, EC_HIRE, EC_SALARY, EC_COEF, EC_DAYS,
	EC_PRORATION, EC_ELIGIBLE, EC_REASON, EC_RAW, EC_NORM, EC_RATING, EC_POINTS, EC_BONUS,
	EC_CAP, EC_CAPPED, EC_FLAGS, EC_TRAINING, EC_FIXED
};

static void employees_header(struct xw *x, struct sheet *s)
{
	const struct config *cfg = x->cfg;
	const char **h = xcalloc(s->ncols, sizeof(*h));
	struct strbuf *names = xcalloc(cfg->nkpis * 4 + 1, sizeof(*names));
	size_t col = EC_FIXED, k, i, nn = 0;
	static const char *const kzh[4] = { "实际", "目标", "完成率", "得分" };
	static const char *const ken[4] = { "actual", "target", "achievement", "score" };

	h[EC_ID] = tr(x, "工号", "Employee ID");
	h[EC_NAME] = tr(x, "姓名", "Name");
	h[EC_DEPT] = tr(x, "部门", "Department");
	h[EC_ROLE] = tr(x, "岗位", "Role");
	h[EC_GRADE] = tr(x, "职级", "Grade");
	h[EC_HIRE] = tr(x, "入职日期", "Hire date");
	h[EC_SALARY] = tr(x, "月基本工资", "Monthly base salary");
	h[EC_COEF] = tr(x, "岗位价值系数", "Value coefficient");
	h[EC_DAYS] = tr(x, "在职天数", "Days employed");
	h[EC_PRORATION] = tr(x, "在职比例", "Proration");
	h[EC_ELIGIBLE] = tr(x, "可获奖金", "Eligible");
	h[EC_REASON] = tr(x, "不可获奖原因", "Reason not eligible");
	h[EC_RAW] = tr(x, "原始得分", "Raw score");
	h[EC_NORM] = tr(x, "标准化得分", "Normalised score");
	h[EC_RATING] = tr(x, "评级", "Rating");
	h[EC_POINTS] = tr(x, "奖金点数", "Points");
	h[EC_BONUS] = tr(x, "奖金", "Bonus");
	h[EC_CAP] = tr(x, "奖金上限", "Bonus cap");
	h[EC_CAPPED] = tr(x, "已封顶", "Capped");
	h[EC_FLAGS] = tr(x, "标记", "Flags");
	h[EC_TRAINING] = tr(x, "培训加分", "Training points");
	for (i = 0; i < DIM_COUNT; i++)
		h[col++] = dim_label(x, (int)i);
	for (i = 0; i < PERSP_COUNT; i++)
		h[col++] = persp_label(x, (int)i);
	for (k = 0; k < cfg->nkpis; k++) {
		if (!x->st.kpi_used[k])
			continue;
		for (i = 0; i < 4; i++, nn++) {
			strbuf_init(&names[nn], 0);
			strbuf_addf(&names[nn], "%s %s", label_get(&cfg->kpis[k].label, x->loc),
				    tr(x, kzh[i], ken[i]));
			h[col++] = names[nn].buf;
		}
	}
	put_header(x, s, 0, h, s->ncols);
	for (i = 0; i < nn; i++)
		strbuf_release(&names[i]);
	free(names);
	free(h);
}

static const struct kpi_result *find_kpi(const struct employee *e, size_t kpi)
{
	size_t i;
	for (i = 0; i < e->nkpis; i++)
		if ((size_t)e->kpis[i].kpi == kpi)
			return &e->kpis[i];
	return NULL;
}

static void employees_row(struct xw *x, struct sheet *s, size_t row, const struct employee *e,
			  struct strbuf *tmp)
{
	const struct config *cfg = x->cfg;
	const struct role_def *role = e->role >= 0 && (size_t)e->role < cfg->nroles
					      ? &cfg->roles[e->role]
					      : NULL;
	size_t col = EC_FIXED, k, i;

	put_text(x, s, row, EC_ID, e->id, NULL);
	put_text(x, s, row, EC_NAME, e->name, NULL);
	put_text(x, s, row, EC_DEPT, e->department, NULL);
	put_text(x, s, row, EC_ROLE, role_label(x, e), NULL);
	put_text(x, s, row, EC_GRADE, e->grade, NULL);
	put_date(x, s, row, EC_HIRE, e->hire_date);
	put_money(x, s, row, EC_SALARY, e->base_salary, &x->money);
	if (role)
		put_num(x, s, row, EC_COEF, role->value_coefficient, &x->coef);
	put_num(x, s, row, EC_DAYS, e->days, &x->integer);
	put_num(x, s, row, EC_PRORATION, e->proration, &x->pct);
	put_text(x, s, row, EC_ELIGIBLE, e->eligible ? tr(x, "是", "yes") : tr(x, "否", "no"),
		 NULL);
	put_text(x, s, row, EC_REASON, reason_text(x, e->ineligible_reason), NULL);
	put_num(x, s, row, EC_RAW, e->raw_score, &x->score4);
	put_num(x, s, row, EC_NORM, e->norm_score, &x->score4);
	put_text(x, s, row, EC_RATING, rating_label(x, e->rating), NULL);
	put_num(x, s, row, EC_POINTS, e->points, &x->num2);
	put_money(x, s, row, EC_BONUS, e->bonus, &x->money);
	if (e->cap_cents != INT64_MAX)
		put_money(x, s, row, EC_CAP, e->cap_cents, &x->money);
	if (e->flags & FLAG_BONUS_CAPPED)   /* blank otherwise: 100,000 "no"s cost time */
		put_text(x, s, row, EC_CAPPED, tr(x, "是", "yes"), NULL);
	put_text(x, s, row, EC_FLAGS, flags_text(x, e->flags, tmp), NULL);
	put_num(x, s, row, EC_TRAINING, e->training_points, &x->score2);
	for (i = 0; i < DIM_COUNT; i++)
		put_num(x, s, row, col++, e->dim_score[i], &x->score2);
	for (i = 0; i < PERSP_COUNT; i++)
		put_num(x, s, row, col++, e->persp_score[i], &x->score2);
	for (k = 0; k < cfg->nkpis; k++) {
		const struct kpi_result *r;
		if (!x->st.kpi_used[k])
			continue;
		r = find_kpi(e, k);
		if (r) {
			const struct numfmt *nf = kpi_numfmt(x, (int)k);
			if (r->has_actual)
				put_num(x, s, row, col, r->actual, nf);
			if (r->has_target)
				put_num(x, s, row, col + 1, r->target, nf);
			if (!r->dropped && r->has_actual && r->has_target)
				put_num(x, s, row, col + 2, r->achievement, &x->pct);
			if (!r->dropped)
				put_num(x, s, row, col + 3, r->score, &x->score2);
		}
		col += 4;
	}
}

static void write_employees(struct xw *x, struct sheet *s)
{
	const struct company *c = x->c;
	struct strbuf tmp = STRBUF_INIT;
	size_t i, row = 1, k, col;

	employees_header(x, s);
	sheet_filter(x, s, 0, x->st.in_scope, EC_NAME + 1);
	for (i = 0; i < c->nemps; i++)
		if (c->emps[i].in_scope)
			employees_row(x, s, row++, &c->emps[i], &tmp);
	rating_colours(x, s, 1, row - 1, EC_RATING);
	score_scale(x, s, 1, row - 1, EC_RAW);
	score_scale(x, s, 1, row - 1, EC_NORM);
	data_bar(x, s, 1, row - 1, EC_BONUS);
	col = EC_FIXED + DIM_COUNT + PERSP_COUNT;
	for (k = 0; k < x->cfg->nkpis; k++)
		if (x->st.kpi_used[k]) {
			score_scale(x, s, 1, row - 1, col + 3);
			col += 4;
		}
	sheet_close(x, s);
	strbuf_release(&tmp);
}

/* ---- KPI detail (long form), split over sheets of at most ROWS_MAX rows ---- */

/* No name or dimension: Employees has them, and every column here is 500,000 cells. */
enum {
	KC_ID, KC_KPI, KC_WEIGHT, KC_EFF, KC_TARGET, KC_SOURCE, KC_ACTUAL, KC_ACH, KC_SCORE,
	KC_CONTRIB, KC_DROPPED, KC_COLS
};

static void kpi_header(struct xw *x, struct sheet *s)
{
	const char *h[KC_COLS];
	h[KC_ID] = tr(x, "工号", "Employee ID");
	h[KC_KPI] = tr(x, "指标", "KPI");
	h[KC_WEIGHT] = tr(x, "权重", "Weight");
	h[KC_EFF] = tr(x, "有效权重", "Effective weight");
	h[KC_TARGET] = tr(x, "目标", "Target");
	h[KC_SOURCE] = tr(x, "目标来源", "Target source");
	h[KC_ACTUAL] = tr(x, "实际", "Actual");
	h[KC_ACH] = tr(x, "完成率", "Achievement");
	h[KC_SCORE] = tr(x, "得分", "Score");
	h[KC_CONTRIB] = tr(x, "贡献分", "Contribution");
	h[KC_DROPPED] = tr(x, "剔除原因", "Dropped");
	put_header(x, s, 0, h, KC_COLS);
}

/* Header and filter of KPI detail sheet `n` (0-based) of a long form of `total` rows. */
static void kpi_sheet_open(struct xw *x, struct sheet *s, size_t n, size_t total)
{
	size_t per = ROWS_MAX - 1, rows = total - n * per;
	kpi_header(x, s);
	sheet_filter(x, s, 0, rows < per ? rows : per, KC_KPI);
}

static void kpi_sheet_close(struct xw *x, struct sheet *s, size_t last)
{
	score_scale(x, s, 1, last, KC_SCORE);
	sheet_close(x, s);
}

static void write_kpi_detail(struct xw *x, struct sheet *sheets, size_t nsheets)
{
	const struct company *c = x->c;
	const struct config *cfg = x->cfg;
	size_t i, j, cur = 0, row = 1;

	kpi_sheet_open(x, &sheets[0], 0, x->st.kpi_rows);
	for (i = 0; i < c->nemps; i++) {
		const struct employee *e = &c->emps[i];
		if (!e->in_scope)
			continue;
		for (j = 0; j < e->nkpis; j++) {
			const struct kpi_result *r = &e->kpis[j];
			const struct numfmt *nf;
			struct sheet *s;
			if (r->kpi < 0 || (size_t)r->kpi >= cfg->nkpis)
				continue;
			if (row >= ROWS_MAX && cur + 1 < nsheets) {
				kpi_sheet_close(x, &sheets[cur], row - 1);
				cur++;
				kpi_sheet_open(x, &sheets[cur], cur, x->st.kpi_rows);
				row = 1;
			}
			s = &sheets[cur];
			nf = kpi_numfmt(x, r->kpi);
			put_text(x, s, row, KC_ID, e->id, NULL);
			put_text(x, s, row, KC_KPI, label_get(&cfg->kpis[r->kpi].label, x->loc), NULL);
			put_num(x, s, row, KC_WEIGHT, r->weight / 100.0, &x->pct);
			put_num(x, s, row, KC_EFF, r->eff_weight / 100.0, &x->pct);
			if (r->has_target)
				put_num(x, s, row, KC_TARGET, r->target, nf);
			put_text(x, s, row, KC_SOURCE, r->target_source, NULL);
			if (r->has_actual)
				put_num(x, s, row, KC_ACTUAL, r->actual, nf);
			if (!r->dropped && r->has_actual && r->has_target)
				put_num(x, s, row, KC_ACH, r->achievement, &x->pct);
			if (!r->dropped)
				put_num(x, s, row, KC_SCORE, r->score, &x->score2);
			put_num(x, s, row, KC_CONTRIB, r->contribution, &x->score4);
			put_text(x, s, row, KC_DROPPED, reason_text(x, r->dropped), NULL);
			row++;
		}
	}
	kpi_sheet_close(x, &sheets[cur], row - 1);
	for (cur++; cur < nsheets; cur++)
		sheet_close(x, &sheets[cur]);
}

/* ---- Departments ---- */

static void write_departments(struct xw *x, struct sheet *s)
{
	const struct config *cfg = x->cfg;
	const struct xstats *st = &x->st;
	size_t nb = cfg->nbands, g, b, row, bonus_col = 7 + nb;
	const char **h = xcalloc(s->ncols, sizeof(*h));
	struct strbuf *bh = xcalloc(nb + 1, sizeof(*bh));
	size_t total_n = 0, *total_band = xcalloc(nb + 1, sizeof(size_t));
	int64_t total_bonus = 0, total_pool = 0;
	int pools = cfg->bonus.npools > 0;

	h[0] = tr(x, "部门（公平性分组）", "Department (fairness group)");
	h[1] = tr(x, "人数", "Headcount");
	h[2] = tr(x, "原始平均分", "Raw mean");
	h[3] = tr(x, "原始标准差", "Raw SD");
	h[4] = tr(x, "标准化平均分", "Normalised mean");
	h[5] = tr(x, "标准化标准差", "Normalised SD");
	h[6] = tr(x, "小组（保留原始分）", "Small group (raw kept)");
	for (b = 0; b < nb; b++) {
		strbuf_init(&bh[b], 0);
		strbuf_addf(&bh[b], "%s %s", rating_label(x, (int)b), tr(x, "人数", "count"));
		h[7 + b] = bh[b].buf;
	}
	h[bonus_col] = tr(x, "奖金合计", "Bonus total");
	if (pools)
		h[bonus_col + 1] = tr(x, "部门奖金池", "Department pool");
	put_header(x, s, 0, h, s->ncols);
	/* The filter stops above the totals row, so sorting never moves it. */
	sheet_filter(x, s, 0, st->ngrps, 1);

	for (g = 0; g < st->ngrps; g++) {
		const struct grp *gr = &st->grps[g];
		row = g + 1;
		put_text(x, s, row, 0, gr->name, NULL);
		put_num(x, s, row, 1, (double)gr->n, &x->integer);
		put_num(x, s, row, 2, gr->raw_mean, &x->score4);
		put_num(x, s, row, 3, gr->raw_sd, &x->score4);
		put_num(x, s, row, 4, gr->norm_mean, &x->score4);
		put_num(x, s, row, 5, gr->norm_sd, &x->score4);
		put_text(x, s, row, 6, gr->small ? tr(x, "是", "yes") : tr(x, "否", "no"), NULL);
		for (b = 0; b < nb; b++) {
			size_t n = gr->rating_count ? gr->rating_count[b] : 0;
			put_num(x, s, row, 7 + b, (double)n, &x->integer);
			total_band[b] += n;
		}
		put_money(x, s, row, bonus_col, gr->bonus, &x->money);
		if (pools)
			put_money(x, s, row, bonus_col + 1, gr->pool, &x->money);
		total_n += gr->n;
		total_bonus += gr->bonus;
		total_pool += gr->pool;
	}
	row = st->ngrps + 1;
	put_text(x, s, row, 0, tr(x, "合计", "Total"), x->bold);
	put_sum(x, s, row, 1, 1, row - 1, (double)total_n, &x->integer);
	for (b = 0; b < nb; b++)
		put_sum(x, s, row, 7 + b, 1, row - 1, (double)total_band[b], &x->integer);
	put_sum(x, s, row, bonus_col, 1, row - 1, (double)total_bonus / 100.0, &x->money_total);
	if (pools)
		put_sum(x, s, row, bonus_col + 1, 1, row - 1, (double)total_pool / 100.0,
			&x->money_total);
	score_scale(x, s, 1, st->ngrps, 4);
	sheet_close(x, s);
	for (b = 0; b < nb; b++)
		strbuf_release(&bh[b]);
	free(bh);
	free(total_band);
	free(h);
}

/* ---- Payroll: the lines finance imports, with a total and a check ---- */

enum { PC_ID, PC_NAME, PC_DEPT, PC_CC, PC_AMOUNT, PC_COLS };

static void write_payroll(struct xw *x, struct sheet *s)
{
	const struct company *c = x->c;
	const char *h[PC_COLS];
	size_t i, row = 1, last, total_row, unalloc_row, check_row;
	int64_t sum = 0;
	char a[LXW_MAX_CELL_NAME_LENGTH], b[LXW_MAX_CELL_NAME_LENGTH];
	char f[3 * LXW_MAX_CELL_RANGE_LENGTH + 64];
	struct strbuf name = STRBUF_INIT;

	h[PC_ID] = tr(x, "工号", "employee_id");
	h[PC_NAME] = tr(x, "姓名", "name");
	h[PC_DEPT] = tr(x, "部门", "department");
	h[PC_CC] = tr(x, "成本中心", "cost_centre");
	h[PC_AMOUNT] = tr(x, "金额", "amount");
	put_header(x, s, 0, h, PC_COLS);
	sheet_filter(x, s, 0, x->st.payroll_rows, 0);
	for (i = 0; i < c->nemps; i++) {
		const struct employee *e = &c->emps[i];
		if (!e->in_scope || !e->eligible || e->bonus <= 0)
			continue;
		put_text(x, s, row, PC_ID, e->id, NULL);
		put_text(x, s, row, PC_NAME, e->name, NULL);
		put_text(x, s, row, PC_DEPT, e->department, NULL);
		put_text(x, s, row, PC_CC, e->cost_centre, NULL);
		put_money(x, s, row, PC_AMOUNT, e->bonus, &x->money);
		sum += e->bonus;
		row++;
	}
	last = row - 1;
	total_row = row + 1;
	unalloc_row = total_row + 2;
	check_row = total_row + 3;

	put_text(x, s, total_row, PC_CC, tr(x, "合计", "Total"), x->bold);
	put_sum(x, s, total_row, PC_AMOUNT, 1, last, (double)sum / 100.0, &x->money_total);
	put_text(x, s, total_row + 1, PC_CC, tr(x, "奖金池", "Pool"), x->bold);
	put_formula(x, s, total_row + 1, PC_AMOUNT, "=Pool", (double)c->pool_cents / 100.0,
		    &x->money);
	put_text(x, s, unalloc_row, PC_CC, tr(x, "未分配", "Unallocated"), x->bold);
	put_money(x, s, unalloc_row, PC_AMOUNT, c->unallocated_cents, &x->money);
	put_text(x, s, check_row, PC_CC, tr(x, "核对（应为 0）", "Check (must be 0)"), x->bold);
	/* ROUND: a recalculated sum of binary doubles may miss 0 by 1e-10. */
	if (last >= 1) {
		lxw_rowcol_to_cell(a, 1, PC_AMOUNT);
		lxw_rowcol_to_cell(b, (lxw_row_t)last, PC_AMOUNT);
	}
	{
		char u[LXW_MAX_CELL_NAME_LENGTH];
		lxw_rowcol_to_cell(u, (lxw_row_t)unalloc_row, PC_AMOUNT);
		if (last >= 1)
			snprintf(f, sizeof(f), "=ROUND(SUM(%s:%s)+%s-Pool,2)", a, b, u);
		else
			snprintf(f, sizeof(f), "=ROUND(%s-Pool,2)", u);
	}
	put_formula(x, s, check_row, PC_AMOUNT, f,
		    (double)(sum + c->unallocated_cents - c->pool_cents) / 100.0, &x->money_total);

	lxw_rowcol_to_cell_abs(a, (lxw_row_t)total_row, PC_AMOUNT, 1, 1);
	strbuf_addf(&name, "=%s!%s", SHEET_PAYROLL, a);
	note(x, workbook_define_name(x->wb, "PayrollTotal", name.buf));
	lxw_rowcol_to_cell_abs(a, (lxw_row_t)check_row, PC_AMOUNT, 1, 1);
	strbuf_reset(&name);
	strbuf_addf(&name, "=%s!%s", SHEET_PAYROLL, a);
	note(x, workbook_define_name(x->wb, "PayrollCheck", name.buf));
	strbuf_release(&name);
	sheet_close(x, s);
}

/* ---- Audit ---- */

static void write_audit(struct xw *x, struct sheet *s, size_t warnings)
{
	const struct company *c = x->c;
	const struct config *cfg = x->cfg;
	size_t i, row;
	char date[16];
	const char *h[] = { tr(x, "输入", "Input"), tr(x, "文件", "File"), "SHA-256",
			    tr(x, "编码", "Encoding"), tr(x, "读取行数", "Rows read"),
			    tr(x, "计入行数", "Rows used"), tr(x, "无日期", "Set aside: no date"),
			    tr(x, "无金额", "Set aside: no amount"),
			    tr(x, "非本期", "Set aside: other period"),
			    tr(x, "未成交", "Set aside: open") };

	put_text(x, s, 0, 0, tr(x, "审计信息", "Audit"), x->title);
	put_text(x, s, 2, 0, tr(x, "merit 版本", "merit version"), x->bold);
	put_text(x, s, 2, 1, MERIT_VERSION, NULL);
	put_text(x, s, 3, 0, tr(x, "期间", "Period"), x->bold);
	put_text(x, s, 3, 1, c->period.label, NULL);
	put_text(x, s, 4, 0, tr(x, "文件日期", "Document date"), x->bold);
	date_format_iso((int32_t)(c->doc_time / 86400), date);
	put_text(x, s, 4, 1, date, NULL);
	put_text(x, s, 5, 0, tr(x, "配置文件", "Configuration"), x->bold);
	put_text(x, s, 5, 1, cfg->path, NULL);
	put_text(x, s, 6, 0, tr(x, "配置 SHA-256", "Configuration SHA-256"), x->bold);
	put_text(x, s, 6, 1, cfg->sha256, NULL);
	put_text(x, s, 7, 0, tr(x, "警告数", "Warnings"), x->bold);
	put_num(x, s, 7, 1, (double)warnings, &x->integer);
	/* Column widths of A-B fit these values; the input table below sets the rest. */
	put_header(x, s, 9, h, sizeof(h) / sizeof(h[0]));
	worksheet_freeze_panes(s->ws, 10, 0);
	row = 10;
	for (i = 0; i < INPUT_COUNT; i++) {
		const struct input_stats *in = &c->inputs[i];
		const struct input_conf *ic = &cfg->inputs[i];
		if (!in->present && !ic->declared)
			continue;
		put_text(x, s, row, 0, schema_inputs[i].name, NULL);
		put_text(x, s, row, 1, ic->file_display ? ic->file_display : ic->file, NULL);
		put_text(x, s, row, 2, in->present ? in->sha256 : NULL, NULL);
		put_text(x, s, row, 3, in->encoding, NULL);
		if (in->present) {
			put_num(x, s, row, 4, (double)in->rows, &x->integer);
			put_num(x, s, row, 5, (double)in->rows_used, &x->integer);
			put_num(x, s, row, 6, (double)in->set_aside_no_date, &x->integer);
			put_num(x, s, row, 7, (double)in->set_aside_no_amount, &x->integer);
			put_num(x, s, row, 8, (double)in->set_aside_other_period, &x->integer);
			put_num(x, s, row, 9, (double)in->set_aside_open, &x->integer);
		}
		row++;
	}
	sheet_close(x, s);
}

/* ---- the workbook ---- */

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

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

int xlsx_write(const struct company *c, const struct config *cfg, const char *path,
	       struct diag *d)
{
	struct xw x;
	lxw_workbook_options opt = { 0 };
	lxw_doc_properties props = { 0 };
	struct sheet summary = { 0 }, emps = { 0 }, depts = { 0 }, payroll = { 0 }, audit = { 0 };
	struct sheet *kpi;
	struct strbuf title = STRBUF_INIT;
	char **kpi_names;
	size_t nkpi_sheets, i, ncols, warnings = d->warnings;
	lxw_error err;
	int rc = 0;
	char author[] = "merit " MERIT_VERSION;

	memset(&x, 0, sizeof(x));
	x.c = c;
	x.cfg = cfg;
	x.loc = cfg->locale;
	strbuf_init(&x.scratch, 0);
	stats_compute(&x);
	if (x.st.in_scope >= ROWS_MAX) {
		stats_release(&x.st);
		strbuf_release(&x.scratch);
		return diag_error(d, MERIT_CANTCREAT, path, 0, 0,
				  "%zu employees do not fit in one worksheet (at most %zu rows)",
				  x.st.in_scope, ROWS_MAX - 1);
	}
	if (create_private(path) < 0) {
		stats_release(&x.st);
		strbuf_release(&x.scratch);
		return diag_error(d, MERIT_CANTCREAT, path, 0, 0, "cannot create: %s",
				  strerror(errno));
	}
	opt.constant_memory = 1;
	opt.tmpdir = dir_of(path);     /* the run's private folder, not a shared /tmp */
	opt.use_zip64 = 1;             /* large companies pass 4 GB of XML uncompressed */
	x.wb = workbook_new_opt(path, &opt);
	if (!x.wb) {
		free(opt.tmpdir);
		stats_release(&x.st);
		strbuf_release(&x.scratch);
		unlink(path);
		return diag_error(d, MERIT_CANTCREAT, path, 0, 0, "cannot start the workbook");
	}
	strbuf_addf(&title, "%s %s", tr(&x, "绩效与奖金", "Performance and bonus"),
		    c->period.label);
	props.title = title.buf;
	props.company = (char *)label_get(&cfg->company, x.loc);
	props.author = author;
	props.created = (time_t)c->doc_time;   /* never "now": reproducible bytes */
	note(&x, workbook_set_properties(x.wb, &props));
	formats_init(&x);

	nkpi_sheets = x.st.kpi_rows / (ROWS_MAX - 1) + 1;
	kpi = xcalloc(nkpi_sheets, sizeof(*kpi));
	kpi_names = xcalloc(nkpi_sheets, sizeof(*kpi_names));
	ncols = EC_FIXED + DIM_COUNT + PERSP_COUNT;
	for (i = 0; i < cfg->nkpis; i++)
		ncols += x.st.kpi_used[i] ? 4 : 0;

	sheet_open(&x, &summary, SHEET_SUMMARY, 7);
	sheet_open(&x, &emps, SHEET_EMPLOYEES, ncols);
	for (i = 0; i < nkpi_sheets; i++) {
		kpi_names[i] = i ? xstrfmt("%s %zu", SHEET_KPI, i + 1) : xstrdup(SHEET_KPI);
		sheet_open(&x, &kpi[i], kpi_names[i], KC_COLS);
	}
	sheet_open(&x, &depts, SHEET_DEPTS, 9 + cfg->nbands);
	sheet_open(&x, &payroll, SHEET_PAYROLL, PC_COLS);
	sheet_open(&x, &audit, SHEET_AUDIT, 10);
	if (x.err == LXW_NO_ERROR) {
		write_summary(&x, &summary);
		write_employees(&x, &emps);
		write_kpi_detail(&x, kpi, nkpi_sheets);
		write_departments(&x, &depts);
		write_payroll(&x, &payroll);
		write_audit(&x, &audit, warnings);
	}

	/* Close even after an error: it frees the workbook and its temporary files. */
	xlsx_zip_level_set(getenv("XL") ? atoi(getenv("XL")) : -1);
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

	for (i = 0; i < nkpi_sheets; i++) {
		free(kpi_names[i]);
		free(kpi[i].width);
	}
	free(kpi_names);
	free(kpi);
	free(summary.width), free(emps.width), free(depts.width), free(payroll.width),
		free(audit.width);
	free(opt.tmpdir);
	strbuf_release(&title);
	strbuf_release(&x.scratch);
	stats_release(&x.st);
	if (rc < 0)
		unlink(path);   /* no half-written pay file left behind */
	return rc;
}
