/*
 * xlsx_people: the two big sheets, one row per in-scope employee
 * (Employees) and one per employee and KPI (KPI detail, the long form).
 * At 100,000 employees they are ~95 % of the workbook's XML, so they write
 * no cell that says nothing (blank, not "no", where a bonus is not capped),
 * and KPI detail does not repeat the employee's name or department.
 */
#include "render/xlsx_internal.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>

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

	h[EC_ID] = xlsx_tr(x, "工号", "Employee ID");
	h[EC_NAME] = xlsx_tr(x, "姓名", "Name");
	h[EC_DEPT] = xlsx_tr(x, "部门", "Department");
	h[EC_ROLE] = xlsx_tr(x, "岗位", "Role");
	h[EC_GRADE] = xlsx_tr(x, "职级", "Grade");
	h[EC_HIRE] = xlsx_tr(x, "入职日期", "Hire date");
	h[EC_SALARY] = xlsx_tr(x, "月基本工资", "Monthly base salary");
	h[EC_COEF] = xlsx_tr(x, "岗位价值系数", "Value coefficient");
	h[EC_DAYS] = xlsx_tr(x, "在职天数", "Days employed");
	h[EC_PRORATION] = xlsx_tr(x, "在职比例", "Proration");
	h[EC_ELIGIBLE] = xlsx_tr(x, "可获奖金", "Eligible");
	h[EC_REASON] = xlsx_tr(x, "不可获奖原因", "Reason not eligible");
	h[EC_RAW] = xlsx_tr(x, "原始得分", "Raw score");
	h[EC_NORM] = xlsx_tr(x, "标准化得分", "Normalised score");
	h[EC_RATING] = xlsx_tr(x, "评级", "Rating");
	h[EC_POINTS] = xlsx_tr(x, "奖金点数", "Points");
	h[EC_BONUS] = xlsx_tr(x, "奖金", "Bonus");
	h[EC_CAP] = xlsx_tr(x, "奖金上限", "Bonus cap");
	h[EC_CAPPED] = xlsx_tr(x, "已封顶", "Capped");
	h[EC_FLAGS] = xlsx_tr(x, "标记", "Flags");
	h[EC_TRAINING] = xlsx_tr(x, "培训加分", "Training points");
	for (i = 0; i < DIM_COUNT; i++)
		h[col++] = xlsx_dim_label(x, (int)i);
	for (i = 0; i < PERSP_COUNT; i++)
		h[col++] = xlsx_persp_label(x, (int)i);
	for (k = 0; k < cfg->nkpis; k++) {
		if (!x->st.kpi_used[k])
			continue;
		for (i = 0; i < 4; i++, nn++) {
			strbuf_init(&names[nn], 0);
			strbuf_addf(&names[nn], "%s %s", label_get(&cfg->kpis[k].label, x->loc),
				    xlsx_tr(x, kzh[i], ken[i]));
			h[col++] = names[nn].buf;
		}
	}
	xlsx_put_header(x, s, 0, h, s->ncols);
	for (i = 0; i < nn; i++)
		strbuf_release(&names[i]);
	free(names);
	free(h);
}

static void employees_row(struct xw *x, struct sheet *s, size_t row, const struct employee *e,
			  struct strbuf *tmp)
{
	const struct config *cfg = x->cfg;
	const struct role_def *role = e->role >= 0 && (size_t)e->role < cfg->nroles
					      ? &cfg->roles[e->role]
					      : NULL;
	size_t col = EC_FIXED, k, i;

	xlsx_put_text(x, s, row, EC_ID, e->id, NULL);
	xlsx_put_text(x, s, row, EC_NAME, e->name, NULL);
	xlsx_put_text(x, s, row, EC_DEPT, e->department, NULL);
	xlsx_put_text(x, s, row, EC_ROLE, xlsx_role_label(x, e), NULL);
	xlsx_put_text(x, s, row, EC_GRADE, e->grade, NULL);
	xlsx_put_date(x, s, row, EC_HIRE, e->hire_date);
	xlsx_put_money(x, s, row, EC_SALARY, e->base_salary, &x->money);
	if (role)
		xlsx_put_num(x, s, row, EC_COEF, role->value_coefficient, &x->coef);
	xlsx_put_num(x, s, row, EC_DAYS, e->days, &x->integer);
	xlsx_put_num(x, s, row, EC_PRORATION, e->proration, &x->pct);
	xlsx_put_text(x, s, row, EC_ELIGIBLE, e->eligible ? xlsx_tr(x, "是", "yes") : xlsx_tr(x, "否", "no"),
		 NULL);
	xlsx_put_text(x, s, row, EC_REASON, xlsx_reason_text(x, e->ineligible_reason), NULL);
	if (e->overridden & (1u << OVERRIDE_EXCLUDE)) {
		xlsx_override_note(x, s, row, EC_ELIGIBLE, e, OVERRIDE_EXCLUDE, -1);
		xlsx_override_note(x, s, row, EC_BONUS, e, OVERRIDE_EXCLUDE, -1);
	}
	xlsx_put_num(x, s, row, EC_RAW, e->raw_score, &x->score4);
	xlsx_put_num(x, s, row, EC_NORM, e->norm_score, &x->score4);
	xlsx_put_text(x, s, row, EC_RATING, xlsx_rating_label(x, e->rating), NULL);
	if (e->overridden & (1u << OVERRIDE_RATING))
		xlsx_override_note(x, s, row, EC_RATING, e, OVERRIDE_RATING, -1);
	xlsx_put_num(x, s, row, EC_POINTS, e->points, &x->num2);
	xlsx_put_money(x, s, row, EC_BONUS, e->bonus, &x->money);
	if (e->cap_cents != INT64_MAX)
		xlsx_put_money(x, s, row, EC_CAP, e->cap_cents, &x->money);
	if (e->flags & FLAG_BONUS_CAPPED)   /* blank otherwise: 100,000 "no"s cost time */
		xlsx_put_text(x, s, row, EC_CAPPED, xlsx_tr(x, "是", "yes"), NULL);
	xlsx_put_text(x, s, row, EC_FLAGS, xlsx_flags_text(x, e->flags, tmp), NULL);
	xlsx_put_num(x, s, row, EC_TRAINING, e->training_points, &x->score2);
	for (i = 0; i < DIM_COUNT; i++)
		xlsx_put_num(x, s, row, col++, e->dim_score[i], &x->score2);
	for (i = 0; i < PERSP_COUNT; i++)
		xlsx_put_num(x, s, row, col++, e->persp_score[i], &x->score2);
	for (k = 0; k < cfg->nkpis; k++) {
		const struct kpi_result *r;
		if (!x->st.kpi_used[k])
			continue;
		r = employee_kpi(e, k);
		if (r) {
			const struct numfmt *nf = xlsx_kpi_numfmt(x, (int)k);
			if (r->has_actual)
				xlsx_put_num(x, s, row, col, r->actual, nf);
			if (r->has_target)
				xlsx_put_num(x, s, row, col + 1, r->target, nf);
			if (!r->dropped && r->has_actual && r->has_target)
				xlsx_put_num(x, s, row, col + 2, r->achievement, &x->pct);
			if (!r->dropped)
				xlsx_put_num(x, s, row, col + 3, r->score, &x->score2);
			if (r->overridden & (1u << OVERRIDE_ACTUAL))
				xlsx_override_note(x, s, row, col, e, OVERRIDE_ACTUAL, r->kpi);
			if (r->overridden & (1u << OVERRIDE_TARGET))
				xlsx_override_note(x, s, row, col + 1, e, OVERRIDE_TARGET, r->kpi);
		}
		col += 4;
	}
}

int xlsx_open_employees(struct xw *x, struct sheet *s)
{
	size_t k, col = EC_FIXED + DIM_COUNT + PERSP_COUNT;
	for (k = 0; k < x->cfg->nkpis; k++)
		col += x->st.kpi_used[k] ? 4 : 0;
	if (xlsx_sheet_open(x, s, SHEET_EMPLOYEES, col) < 0)
		return -1;
	if (x->st.in_scope)
		xlsx_rating_colours_prepare(x);
	return 0;
}

void xlsx_fill_employees(struct xw *x, struct sheet *s, size_t n)
{
	const struct company *c = x->c;
	struct strbuf tmp = STRBUF_INIT;
	size_t i, row = 1, k, col;

	if (!n)
		return;
	employees_header(x, s);
	xlsx_sheet_filter(x, s, 0, x->st.in_scope, EC_NAME + 1);
	for (i = 0; i < c->nemps; i++)
		if (c->emps[i].in_scope)
			employees_row(x, s, row++, &c->emps[i], &tmp);
	xlsx_rating_colours(x, s, 1, row - 1, EC_RATING);
	xlsx_score_scale(x, s, 1, row - 1, EC_RAW);
	xlsx_score_scale(x, s, 1, row - 1, EC_NORM);
	xlsx_data_bar(x, s, 1, row - 1, EC_BONUS);
	col = EC_FIXED + DIM_COUNT + PERSP_COUNT;
	for (k = 0; k < x->cfg->nkpis; k++)
		if (x->st.kpi_used[k]) {
			xlsx_score_scale(x, s, 1, row - 1, col + 3);
			col += 4;
		}
	xlsx_sheet_close(x, s);
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
	h[KC_ID] = xlsx_tr(x, "工号", "Employee ID");
	h[KC_KPI] = xlsx_tr(x, "指标", "KPI");
	h[KC_WEIGHT] = xlsx_tr(x, "权重", "Weight");
	h[KC_EFF] = xlsx_tr(x, "有效权重", "Effective weight");
	h[KC_TARGET] = xlsx_tr(x, "目标", "Target");
	h[KC_SOURCE] = xlsx_tr(x, "目标来源", "Target source");
	h[KC_ACTUAL] = xlsx_tr(x, "实际", "Actual");
	h[KC_ACH] = xlsx_tr(x, "完成率", "Achievement");
	h[KC_SCORE] = xlsx_tr(x, "得分", "Score");
	h[KC_CONTRIB] = xlsx_tr(x, "贡献分", "Contribution");
	h[KC_DROPPED] = xlsx_tr(x, "剔除原因", "Dropped");
	xlsx_put_header(x, s, 0, h, KC_COLS);
}

/* Sheets of a long form of `total` rows: one more past each ROWS_MAX - 1. */
size_t xlsx_kpi_sheets(const struct xw *x)
{
	return x->st.kpi_rows / (ROWS_MAX - 1) + 1;
}

int xlsx_open_kpi_detail(struct xw *x, struct sheet *s, size_t n)
{
	size_t k;
	for (k = 0; k < n; k++) {
		char name[32];
		if (k)
			snprintf(name, sizeof(name), "%s %zu", SHEET_KPI, k + 1);
		else
			snprintf(name, sizeof(name), "%s", SHEET_KPI);
		if (xlsx_sheet_open(x, &s[k], name, KC_COLS) < 0)   /* libxlsxwriter copies the name */
			return (int)k;
		s[k].name = SHEET_KPI;
	}
	return (int)n;
}

static void kpi_sheet_close(struct xw *x, struct sheet *s, size_t last)
{
	xlsx_score_scale(x, s, 1, last, KC_SCORE);
	xlsx_sheet_close(x, s);
}

static void kpi_row(struct xw *x, struct sheet *s, size_t row, const struct employee *e,
		    const struct kpi_result *r)
{
	const struct numfmt *nf = xlsx_kpi_numfmt(x, r->kpi);
	xlsx_put_text(x, s, row, KC_ID, e->id, NULL);
	xlsx_put_text(x, s, row, KC_KPI, label_get(&x->cfg->kpis[r->kpi].label, x->loc), NULL);
	xlsx_put_num(x, s, row, KC_WEIGHT, r->weight / 100.0, &x->pct);
	xlsx_put_num(x, s, row, KC_EFF, r->eff_weight / 100.0, &x->pct);
	if (r->has_target)
		xlsx_put_num(x, s, row, KC_TARGET, r->target, nf);
	xlsx_put_text(x, s, row, KC_SOURCE, r->target_source, NULL);
	if (r->has_actual)
		xlsx_put_num(x, s, row, KC_ACTUAL, r->actual, nf);
	if (!r->dropped && r->has_actual && r->has_target)
		xlsx_put_num(x, s, row, KC_ACH, r->achievement, &x->pct);
	if (!r->dropped)
		xlsx_put_num(x, s, row, KC_SCORE, r->score, &x->score2);
	xlsx_put_num(x, s, row, KC_CONTRIB, r->contribution, &x->score4);
	xlsx_put_text(x, s, row, KC_DROPPED, xlsx_reason_text(x, r->dropped), NULL);
	if (r->overridden & (1u << OVERRIDE_ACTUAL))
		xlsx_override_note(x, s, row, KC_ACTUAL, e, OVERRIDE_ACTUAL, r->kpi);
	if (r->overridden & (1u << OVERRIDE_TARGET))
		xlsx_override_note(x, s, row, KC_TARGET, e, OVERRIDE_TARGET, r->kpi);
}

/*
 * One row per (in-scope employee, KPI), continued on the next sheet past
 * Excel's row limit. Every sheet xlsx_open_kpi_detail() added gets its
 * header and filter, even a last one that stays empty (an exact multiple
 * of the limit).
 */
void xlsx_fill_kpi_detail(struct xw *x, struct sheet *s, size_t n)
{
	const struct company *c = x->c;
	size_t per = ROWS_MAX - 1, left = x->st.kpi_rows, i, j, cur = 0, row = 1;

	for (i = 0; i < n; i++, left -= left < per ? left : per) {
		kpi_header(x, &s[i]);
		xlsx_sheet_filter(x, &s[i], 0, left < per ? left : per, KC_KPI);
	}
	for (i = 0; i < c->nemps && n; i++) {
		const struct employee *e = &c->emps[i];
		if (!e->in_scope)
			continue;
		for (j = 0; j < e->nkpis; j++) {
			const struct kpi_result *r = &e->kpis[j];
			if (r->kpi < 0 || (size_t)r->kpi >= x->cfg->nkpis)
				continue;
			if (row >= ROWS_MAX && cur + 1 < n) {
				kpi_sheet_close(x, &s[cur++], row - 1);
				row = 1;
			}
			kpi_row(x, &s[cur], row++, e, r);
		}
	}
	for (; cur < n; cur++, row = 1)
		kpi_sheet_close(x, &s[cur], row - 1);
}
