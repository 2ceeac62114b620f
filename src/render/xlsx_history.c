/*
 * xlsx_history: the History sheet (SPEC 11): one row per employee in scope
 * now or with an earlier result, with the final score and rating of each of the last twelve periods (the
 * TREND_PAST before this one, from the ledger via the model, and this one),
 * oldest first; a blank pair where the employee has no result. Below the
 * people, each department's mean score per period (of the people in it
 * now), and a line chart per department drawn from those rows (the 50
 * largest when there are more).
 */
#include "render/xlsx_internal.h"
#include "util/strbuf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HC_FIRST 3              /* id, name, department, then score/rating pairs */
#define CHART_ROWS 15           /* rows a chart takes on the sheet */
#define HISTORY_CHARTS 50       /* department charts at most (charted()) */

/* Period k of the sheet (0 = oldest, c->npast = this one). */
static const char *period_label(const struct company *c, size_t k)
{
	return k < c->npast ? c->past[k] : c->period.label;
}

/* e's score and rating in period k; 0 when there is none. */
static int point(const struct company *c, const struct employee *e, size_t k, double *score,
		 int *rating, const char **label)
{
	*label = NULL;
	if (k == c->npast) {
		*score = e->norm_score;
		*rating = e->rating;
		return e->rating >= 0;
	}
	if (!e->past || !e->past[k].present)
		return 0;
	*score = e->past[k].score;
	*rating = e->past[k].rating;
	*label = e->past[k].rating_label;
	return 1;
}

/* The sheet's people: in scope now, or with a result in an earlier period
 * (someone who left in the last twelve periods keeps their history). */
static int listed(const struct employee *e)
{
	return e->in_scope || e->past;
}

/* Departments of the listed employees, first seen first (interned), and
 * each employee's index among them (SIZE_MAX: not listed or none). One
 * hash lookup a person: a big company has thousands of departments. */
static size_t departments(const struct company *c, const char ***out, size_t **of)
{
	const char **v = xcalloc(c->nemps + 1, sizeof(*v));
	size_t *ix = xcalloc(c->nemps + 1, sizeof(*ix));
	struct strmap seen;
	size_t n = 0, i, j;
	strmap_init(&seen);
	for (i = 0; i < c->nemps; i++) {
		const struct employee *e = &c->emps[i];
		ix[i] = SIZE_MAX;
		if (!listed(e) || !e->department)
			continue;
		if (!strmap_get(&seen, e->department, &j)) {
			j = n;
			v[n++] = e->department;
			strmap_put(&seen, e->department, j);
		}
		ix[i] = j;
	}
	strmap_release(&seen);
	*out = v;
	*of = ix;
	return n;
}

/* Most people this period first, then the table's order. */
static int by_people(const void *a, const void *b, void *arg)
{
	const size_t *people = arg, x = *(const size_t *)a, y = *(const size_t *)b;
	if (people[x] != people[y])
		return people[x] > people[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int by_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * The departments that get a chart, in the table's order: all of them up
 * to HISTORY_CHARTS, else the HISTORY_CHARTS with most people this period.
 * Thousands of charts help nobody and libxlsxwriter holds them all in
 * memory at once when the workbook closes (17 MB for 8,334); the table
 * keeps every department's means.
 */
static size_t charted(const size_t *cnt, size_t np, size_t ndept, size_t **out)
{
	size_t *people = xcalloc(ndept + 1, sizeof(*people));
	size_t *pick = xcalloc(ndept + 1, sizeof(*pick)), i, n;
	for (i = 0; i < ndept; i++) {
		pick[i] = i;
		people[i] = cnt[i * np + np - 1];
	}
	n = ndept;
	if (n > HISTORY_CHARTS) {
		qsort_r(pick, ndept, sizeof(*pick), by_people, people);
		n = HISTORY_CHARTS;
		qsort(pick, n, sizeof(*pick), by_index);
	}
	free(people);
	*out = pick;
	return n;
}

static void history_body(struct xw *x, struct sheet *s)
{
	const struct company *c = x->c;
	size_t np = c->npast + 1, k, i, row = 0, ndept, first_dept_row, ncharts, *of, *pick;
	const char **h = xcalloc(s->ncols, sizeof(*h)), **dept;
	struct strbuf *hb = xcalloc(2 * np, sizeof(*hb));
	double *sum, v;
	size_t *cnt;
	int r;
	const char *label;

	h[0] = xlsx_tr(x, "工号", "Employee ID");
	h[1] = xlsx_tr(x, "姓名", "Name");
	h[2] = xlsx_tr(x, "部门", "Department");
	for (k = 0; k < np; k++) {
		strbuf_init(&hb[2 * k], 0);
		strbuf_init(&hb[2 * k + 1], 0);
		strbuf_addf(&hb[2 * k], "%s %s", period_label(c, k), xlsx_tr(x, "得分", "score"));
		strbuf_addf(&hb[2 * k + 1], "%s %s", period_label(c, k), xlsx_tr(x, "评级", "rating"));
		h[HC_FIRST + 2 * k] = hb[2 * k].buf;
		h[HC_FIRST + 2 * k + 1] = hb[2 * k + 1].buf;
	}
	xlsx_put_header(x, s, row, h, s->ncols);
	for (i = 0, k = 0; i < c->nemps; i++)
		k += listed(&c->emps[i]) != 0;
	xlsx_sheet_filter(x, s, 0, k, 3);

	ndept = departments(c, &dept, &of);
	sum = xcalloc(ndept * np + 1, sizeof(*sum));
	cnt = xcalloc(ndept * np + 1, sizeof(*cnt));
	for (i = 0; i < c->nemps; i++) {
		const struct employee *e = &c->emps[i];
		size_t d = of[i] == SIZE_MAX ? ndept : of[i];
		if (!listed(e))
			continue;
		row++;
		xlsx_put_text(x, s, row, 0, e->id, NULL);
		xlsx_put_text(x, s, row, 1, e->name, NULL);
		xlsx_put_text(x, s, row, 2, e->department, NULL);
		for (k = 0; k < np; k++) {
			if (!point(c, e, k, &v, &r, &label))
				continue;
			xlsx_put_num(x, s, row, HC_FIRST + 2 * k, v, &x->score4);
			/* A band the current config still has reads in today's words;
			 * otherwise the label the ledger recorded. */
			if (r >= 0 && (size_t)r < x->cfg->nbands)
				xlsx_put_text(x, s, row, HC_FIRST + 2 * k + 1, xlsx_rating_label(x, r),
					      xlsx_band_format(x, (size_t)r));
			else
				xlsx_put_text(x, s, row, HC_FIRST + 2 * k + 1, label, NULL);
			if (d < ndept) {
				sum[d * np + k] += v;
				cnt[d * np + k]++;
			}
		}
	}

	/* Department means, one column per period, the source of the charts. */
	row += 2;
	h[0] = xlsx_tr(x, "部门平均分", "Department mean score");
	h[1] = h[2] = NULL;
	for (k = 0; k < np; k++) {
		h[HC_FIRST + k] = period_label(c, k);
		h[HC_FIRST + np + k] = NULL;
	}
	xlsx_put_header(x, s, row, h, s->ncols);
	first_dept_row = row + 1;
	for (i = 0; i < ndept; i++) {
		row++;
		xlsx_put_text(x, s, row, 0, dept[i], NULL);
		for (k = 0; k < np; k++)
			if (cnt[i * np + k])
				xlsx_put_num(x, s, row, HC_FIRST + k,
					     sum[i * np + k] / (double)cnt[i * np + k], &x->score4);
	}

	/* A line chart per department (charted()), to the right of the table;
	 * a period without scores is a gap in the line. */
	ncharts = charted(cnt, np, ndept, &pick);
	if (ncharts < ndept) {
		/* Below the table (constant_memory writes rows in order). */
		struct strbuf note = STRBUF_INIT;
		strbuf_addf(&note, "%s%zu%s%zu%s", xlsx_tr(x, "图表：人数最多的 ", "Charts: the "),
			    ncharts, xlsx_tr(x, " 个部门（共 ", " largest of "), ndept,
			    xlsx_tr(x, " 个）；上表列出每个部门",
				    " departments; the table above has every department"));
		xlsx_put_text(x, s, row + 2, 0, note.buf, NULL);
		strbuf_release(&note);
	}
	for (i = 0; i < ncharts; i++) {
		lxw_chart *ch = workbook_add_chart(x->wb, LXW_CHART_LINE);
		lxw_chart_series *se;
		lxw_chart_options opt = { 0 };
		lxw_row_t dr = (lxw_row_t)(first_dept_row + pick[i]);
		if (!ch)
			break;
		chart_title_set_name(ch, dept[pick[i]]);
		chart_set_style(ch, 10);
		chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
		chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);
		se = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(se, SHEET_HISTORY, (lxw_row_t)(first_dept_row - 1),
					    HC_FIRST, (lxw_row_t)(first_dept_row - 1),
					    (lxw_col_t)(HC_FIRST + np - 1));
		chart_series_set_values(se, SHEET_HISTORY, dr, HC_FIRST, dr,
					(lxw_col_t)(HC_FIRST + np - 1));
		chart_series_set_name(se, xlsx_tr(x, "平均分", "Mean score"));
		chart_series_set_marker_type(se, LXW_CHART_MARKER_CIRCLE);
		opt.x_scale = 0.9;
		opt.y_scale = 0.9;
		xlsx_note(x, worksheet_insert_chart_opt(s->ws, (lxw_row_t)(1 + i * CHART_ROWS),
							(lxw_col_t)(s->ncols + 1), ch, &opt));
	}

	for (k = 0; k < 2 * np; k++)
		strbuf_release(&hb[k]);
	free(hb);
	free(h);
	free(dept);
	free(of);
	free(pick);
	free(sum);
	free(cnt);
}

void xlsx_write_history(struct xw *x)
{
	struct sheet s;
	if (xlsx_sheet_open(x, &s, SHEET_HISTORY, HC_FIRST + 2 * (x->c->npast + 1)) < 0)
		return;
	history_body(x, &s);
	xlsx_sheet_close(x, &s);
}
