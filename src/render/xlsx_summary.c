/*
 * xlsx_summary: the Summary sheet, what finance reads first: pool,
 * allocated (=PayrollTotal), unallocated, headcounts, flag counts, gender
 * bonus gap, the rating distribution with totals, top performers, the
 * defined name Pool, and three charts (rating distribution, bonus by
 * department, raw vs normalised mean by department).
 */
#include "render/xlsx_internal.h"
#include "util/strbuf.h"

#include <math.h>
#include <stdio.h>

/* Rows of the Summary are fixed, so that defined names and charts can point
 * at them: SUM_POOL_ROW (xlsx_internal.h) and the rating table's header. */
#define SUM_BANDS_ROW 18

static void summary_kv(struct xw *x, struct sheet *s, size_t row, const char *label)
{
	xlsx_put_text(x, s, row, 0, label, x->bold);
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
		chart_common(ch, xlsx_tr(x, "评级分布", "Rating distribution"));
		se = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(se, SHEET_SUMMARY, (lxw_row_t)bands_first, 0,
					    (lxw_row_t)(bands_first + nb - 1), 0);
		chart_series_set_values(se, SHEET_SUMMARY, (lxw_row_t)bands_first, 2,
					(lxw_row_t)(bands_first + nb - 1), 2);
		chart_series_set_name(se, xlsx_tr(x, "人数", "Headcount"));
		chart_series_set_labels(se);
		chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
		xlsx_note(x, worksheet_insert_chart_opt(s->ws, 1, 8, ch, &opt));
	}
	if (ng) {
		size_t bonus_col = xlsx_depts_bonus_col(x);
		ch = workbook_add_chart(x->wb, LXW_CHART_BAR);
		chart_common(ch, xlsx_tr(x, "各部门奖金", "Bonus by department"));
		se = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(se, SHEET_DEPTS, 1, 0, (lxw_row_t)ng, 0);
		chart_series_set_values(se, SHEET_DEPTS, 1, (lxw_col_t)bonus_col, (lxw_row_t)ng,
					(lxw_col_t)bonus_col);
		chart_series_set_name(se, xlsx_tr(x, "奖金", "Bonus"));
		chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
		/* In a bar chart y is the category axis: first department on top. */
		chart_axis_set_reverse(ch->y_axis);
		chart_axis_set_num_format(ch->x_axis, "#,##0");
		xlsx_note(x, worksheet_insert_chart_opt(s->ws, 19, 8, ch, &opt));

		ch = workbook_add_chart(x->wb, LXW_CHART_COLUMN);
		chart_common(ch, xlsx_tr(x, "各部门平均分：原始与标准化",
				    "Mean score by department: raw vs normalised"));
		se = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(se, SHEET_DEPTS, 1, 0, (lxw_row_t)ng, 0);
		chart_series_set_values(se, SHEET_DEPTS, 1, 2, (lxw_row_t)ng, 2);
		chart_series_set_name(se, xlsx_tr(x, "原始平均分", "Raw mean"));
		se = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(se, SHEET_DEPTS, 1, 0, (lxw_row_t)ng, 0);
		chart_series_set_values(se, SHEET_DEPTS, 1, 4, (lxw_row_t)ng, 4);
		chart_series_set_name(se, xlsx_tr(x, "标准化平均分", "Normalised mean"));
		chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
		xlsx_note(x, worksheet_insert_chart_opt(s->ws, 37, 8, ch, &opt));
	}
}

static void summary_body(struct xw *x, struct sheet *s)
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

	xlsx_put_text(x, s, 0, 0, label_get(&cfg->company, x->loc), x->title);
	s->width[0] = 0;    /* the title may overflow into empty cells */
	strbuf_addf(&sb, "%s %s", xlsx_tr(x, "绩效与奖金报告", "Performance and bonus report"),
		    c->period.label);
	xlsx_put_text(x, s, 1, 0, sb.buf, NULL);
	s->width[0] = 0;

	summary_kv(x, s, 3, xlsx_tr(x, "期间", "Period"));
	xlsx_put_text(x, s, 3, 1, c->period.label, NULL);
	summary_kv(x, s, 4, xlsx_tr(x, "文件日期", "Document date"));
	xlsx_put_date(x, s, 4, 1, (int32_t)(c->doc_time >= 0 ? c->doc_time / 86400
						       : -((-c->doc_time + 86399) / 86400)));
	summary_kv(x, s, SUM_POOL_ROW, xlsx_tr(x, "奖金池", "Bonus pool"));
	xlsx_put_money(x, s, SUM_POOL_ROW, 1, c->pool_cents, &x->money_total);
	summary_kv(x, s, 6, xlsx_tr(x, "已分配", "Allocated"));
	xlsx_put_formula(x, s, 6, 1, "=PayrollTotal", (double)c->allocated_cents / 100.0, &x->money);
	summary_kv(x, s, 7, xlsx_tr(x, "未分配", "Unallocated"));
	xlsx_put_money(x, s, 7, 1, c->unallocated_cents, &x->money);
	summary_kv(x, s, 8, xlsx_tr(x, "本期在职人数", "Headcount in scope"));
	xlsx_put_num(x, s, 8, 1, (double)st->in_scope, &x->integer);
	summary_kv(x, s, 9, xlsx_tr(x, "可获奖金人数", "Eligible for a bonus"));
	xlsx_put_num(x, s, 9, 1, (double)st->eligible, &x->integer);
	row = 10;
	for (i = 0; i < sizeof(flag_rows) / sizeof(flag_rows[0]); i++, row++) {
		summary_kv(x, s, row, xlsx_tr(x, flag_rows[i].zh, flag_rows[i].en));
		for (b = 0; (1u << b) != flag_rows[i].bit; b++)
			;
		xlsx_put_num(x, s, row, 1, (double)st->flag_count[b], &x->integer);
	}
	summary_kv(x, s, row, xlsx_tr(x, "性别奖金差距（均值）", "Gender bonus gap (mean)"));
	if (isfinite(c->gender_gap_mean_pct))
		xlsx_put_num(x, s, row, 1, c->gender_gap_mean_pct / 100.0, &x->pct);
	else
		xlsx_put_text(x, s, row, 1, xlsx_tr(x, "无性别数据", "no gender data"), NULL);
	row++;
	summary_kv(x, s, row, xlsx_tr(x, "性别奖金差距（中位数）", "Gender bonus gap (median)"));
	if (isfinite(c->gender_gap_median_pct))
		xlsx_put_num(x, s, row, 1, c->gender_gap_median_pct / 100.0, &x->pct);
	else
		xlsx_put_text(x, s, row, 1, xlsx_tr(x, "无性别数据", "no gender data"), NULL);

	{
		const char *h[] = { xlsx_tr(x, "评级", "Rating"), xlsx_tr(x, "最低分", "From score"),
				    xlsx_tr(x, "人数", "Headcount"), xlsx_tr(x, "占比", "Share"),
				    xlsx_tr(x, "奖金", "Bonus") };
		xlsx_put_header(x, s, SUM_BANDS_ROW, h, 5);
	}
	first = SUM_BANDS_ROW + 1;
	for (b = 0; b < nb; b++) {
		row = first + b;
		xlsx_put_text(x, s, row, 0, xlsx_rating_label(x, (int)b), xlsx_band_format(x, b));
		xlsx_put_num(x, s, row, 1, cfg->bands[b].threshold, &x->score2);
		xlsx_put_num(x, s, row, 2, (double)st->band_count[b], &x->integer);
		xlsx_put_num(x, s, row, 3, st->in_scope ? (double)st->band_count[b] / (double)st->in_scope : 0,
			&x->pct);
		xlsx_put_money(x, s, row, 4, st->band_bonus[b], &x->money);
		band_bonus_total += st->band_bonus[b];
	}
	row = first + nb;
	xlsx_put_text(x, s, row, 0, xlsx_tr(x, "合计", "Total"), x->bold);
	xlsx_put_sum(x, s, row, 2, first, row - 1, (double)st->in_scope, &x->integer);
	xlsx_put_sum(x, s, row, 3, first, row - 1, nb && st->in_scope ? 1.0 : 0.0, &x->pct);
	xlsx_put_sum(x, s, row, 4, first, row - 1, (double)band_bonus_total / 100.0, &x->money_total);

	row += 2;
	xlsx_put_text(x, s, row++, 0, xlsx_tr(x, "荣誉榜", "Top performers"), x->bold);
	{
		const char *h[] = { xlsx_tr(x, "工号", "Employee ID"), xlsx_tr(x, "姓名", "Name"),
				    xlsx_tr(x, "部门", "Department"), xlsx_tr(x, "岗位", "Role"),
				    xlsx_tr(x, "标准化得分", "Normalised score"), xlsx_tr(x, "评级", "Rating"),
				    xlsx_tr(x, "奖金", "Bonus") };
		xlsx_put_header(x, s, row++, h, 7);
	}
	for (i = 0; i < st->ntop; i++, row++) {
		const struct employee *e = &c->emps[st->top[i]];
		xlsx_put_text(x, s, row, 0, e->id, NULL);
		xlsx_put_text(x, s, row, 1, e->name, NULL);
		xlsx_put_text(x, s, row, 2, e->department, NULL);
		xlsx_put_text(x, s, row, 3, xlsx_role_label(x, e), NULL);
		xlsx_put_num(x, s, row, 4, e->norm_score, &x->score2);
		xlsx_put_text(x, s, row, 5, xlsx_rating_label(x, e->rating), NULL);
		xlsx_put_money(x, s, row, 6, e->bonus, &x->money);
	}
	if (!st->ntop)
		xlsx_put_text(x, s, row, 0, xlsx_tr(x, "（本期无）", "(none this period)"), NULL);

	lxw_rowcol_to_cell_abs(ref, SUM_POOL_ROW, 1, 1, 1);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "=%s!%s", SHEET_SUMMARY, ref);
	xlsx_note(x, workbook_define_name(x->wb, "Pool", sb.buf));
	summary_charts(x, s, first);
	strbuf_release(&sb);
}

void xlsx_write_summary(struct xw *x)
{
	struct sheet s;
	if (xlsx_sheet_open(x, &s, SHEET_SUMMARY, 7) < 0)
		return;
	summary_body(x, &s);
	xlsx_sheet_close(x, &s);
}

