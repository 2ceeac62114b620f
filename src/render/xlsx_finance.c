/*
 * xlsx_finance: the sheets finance checks and imports: Departments
 * (fairness groups before and after, with totals), Payroll (the lines paid,
 * then Total, Pool, Unallocated and a Check that must be 0, with the
 * defined names PayrollTotal and PayrollCheck) and Audit (version, config
 * and every input with its SHA-256 and row counts).
 */
#include "render/xlsx_internal.h"
#include "util/date.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Departments: name, headcount, raw and normalised mean and SD, small,
 * a count per rating band, then the bonus total (and pool with pools). */
size_t xlsx_depts_bonus_col(const struct xw *x)
{
	return 7 + x->cfg->nbands;
}

static void departments_body(struct xw *x, struct sheet *s)
{
	const struct config *cfg = x->cfg;
	const struct xstats *st = &x->st;
	size_t nb = cfg->nbands, g, b, row, bonus_col = xlsx_depts_bonus_col(x);
	const char **h = xcalloc(s->ncols, sizeof(*h));
	struct strbuf *bh = xcalloc(nb + 1, sizeof(*bh));
	size_t total_n = 0, *total_band = xcalloc(nb + 1, sizeof(size_t));
	int64_t total_bonus = 0, total_pool = 0;
	int pools = cfg->bonus.npools > 0;

	h[0] = xlsx_tr(x, "部门（公平性分组）", "Department (fairness group)");
	h[1] = xlsx_tr(x, "人数", "Headcount");
	h[2] = xlsx_tr(x, "原始平均分", "Raw mean");
	h[3] = xlsx_tr(x, "原始标准差", "Raw SD");
	h[4] = xlsx_tr(x, "标准化平均分", "Normalised mean");
	h[5] = xlsx_tr(x, "标准化标准差", "Normalised SD");
	h[6] = xlsx_tr(x, "小组（保留原始分）", "Small group (raw kept)");
	for (b = 0; b < nb; b++) {
		strbuf_init(&bh[b], 0);
		strbuf_addf(&bh[b], "%s %s", xlsx_rating_label(x, (int)b), xlsx_tr(x, "人数", "count"));
		h[7 + b] = bh[b].buf;
	}
	h[bonus_col] = xlsx_tr(x, "奖金合计", "Bonus total");
	if (pools)
		h[bonus_col + 1] = xlsx_tr(x, "部门奖金池", "Department pool");
	xlsx_put_header(x, s, 0, h, s->ncols);
	/* The filter stops above the totals row, so sorting never moves it. */
	xlsx_sheet_filter(x, s, 0, st->ngrps, 1);

	for (g = 0; g < st->ngrps; g++) {
		const struct grp *gr = &st->grps[g];
		row = g + 1;
		xlsx_put_text(x, s, row, 0, gr->name, NULL);
		xlsx_put_num(x, s, row, 1, (double)gr->n, &x->integer);
		xlsx_put_num(x, s, row, 2, gr->raw_mean, &x->score4);
		xlsx_put_num(x, s, row, 3, gr->raw_sd, &x->score4);
		xlsx_put_num(x, s, row, 4, gr->norm_mean, &x->score4);
		xlsx_put_num(x, s, row, 5, gr->norm_sd, &x->score4);
		xlsx_put_text(x, s, row, 6, gr->small ? xlsx_tr(x, "是", "yes") : xlsx_tr(x, "否", "no"), NULL);
		for (b = 0; b < nb; b++) {
			size_t n = gr->rating_count ? gr->rating_count[b] : 0;
			xlsx_put_num(x, s, row, 7 + b, (double)n, &x->integer);
			total_band[b] += n;
		}
		xlsx_put_money(x, s, row, bonus_col, gr->bonus, &x->money);
		if (pools)
			xlsx_put_money(x, s, row, bonus_col + 1, gr->pool, &x->money);
		total_n += gr->n;
		total_bonus += gr->bonus;
		total_pool += gr->pool;
	}
	row = st->ngrps + 1;
	xlsx_put_text(x, s, row, 0, xlsx_tr(x, "合计", "Total"), x->bold);
	xlsx_put_sum(x, s, row, 1, 1, row - 1, (double)total_n, &x->integer);
	for (b = 0; b < nb; b++)
		xlsx_put_sum(x, s, row, 7 + b, 1, row - 1, (double)total_band[b], &x->integer);
	xlsx_put_sum(x, s, row, bonus_col, 1, row - 1, (double)total_bonus / 100.0, &x->money_total);
	if (pools)
		xlsx_put_sum(x, s, row, bonus_col + 1, 1, row - 1, (double)total_pool / 100.0,
			&x->money_total);
	xlsx_score_scale(x, s, 1, st->ngrps, 4);
	for (b = 0; b < nb; b++)
		strbuf_release(&bh[b]);
	free(bh);
	free(total_band);
	free(h);
}

void xlsx_write_departments(struct xw *x)
{
	struct sheet s;
	if (xlsx_sheet_open(x, &s, SHEET_DEPTS, xlsx_depts_bonus_col(x) + 2) < 0)
		return;
	departments_body(x, &s);
	xlsx_sheet_close(x, &s);
}

/* ---- Payroll: the lines finance imports, with a total and a check ---- */

enum { PC_ID, PC_NAME, PC_DEPT, PC_CC, PC_AMOUNT, PC_COLS };

static void payroll_body(struct xw *x, struct sheet *s)
{
	const struct company *c = x->c;
	const char *h[PC_COLS];
	size_t i, row = 1, last, total_row, unalloc_row, check_row;
	int64_t sum = 0;
	char a[LXW_MAX_CELL_NAME_LENGTH], b[LXW_MAX_CELL_NAME_LENGTH];
	char f[3 * LXW_MAX_CELL_RANGE_LENGTH + 64];
	struct strbuf name = STRBUF_INIT;

	h[PC_ID] = xlsx_tr(x, "工号", "employee_id");
	h[PC_NAME] = xlsx_tr(x, "姓名", "name");
	h[PC_DEPT] = xlsx_tr(x, "部门", "department");
	h[PC_CC] = xlsx_tr(x, "成本中心", "cost_centre");
	h[PC_AMOUNT] = xlsx_tr(x, "金额", "amount");
	xlsx_put_header(x, s, 0, h, PC_COLS);
	xlsx_sheet_filter(x, s, 0, x->st.payroll_rows, 0);
	for (i = 0; i < c->nemps; i++) {
		const struct employee *e = &c->emps[i];
		if (!e->in_scope || !e->eligible || e->bonus <= 0)
			continue;
		xlsx_put_text(x, s, row, PC_ID, e->id, NULL);
		xlsx_put_text(x, s, row, PC_NAME, e->name, NULL);
		xlsx_put_text(x, s, row, PC_DEPT, e->department, NULL);
		xlsx_put_text(x, s, row, PC_CC, e->cost_centre, NULL);
		xlsx_put_money(x, s, row, PC_AMOUNT, e->bonus, &x->money);
		sum += e->bonus;
		row++;
	}
	last = row - 1;
	total_row = row + 1;
	unalloc_row = total_row + 2;
	check_row = total_row + 3;

	xlsx_put_text(x, s, total_row, PC_CC, xlsx_tr(x, "合计", "Total"), x->bold);
	xlsx_put_sum(x, s, total_row, PC_AMOUNT, 1, last, (double)sum / 100.0, &x->money_total);
	xlsx_put_text(x, s, total_row + 1, PC_CC, xlsx_tr(x, "奖金池", "Pool"), x->bold);
	xlsx_put_formula(x, s, total_row + 1, PC_AMOUNT, "=Pool", (double)c->pool_cents / 100.0,
		    &x->money);
	xlsx_put_text(x, s, unalloc_row, PC_CC, xlsx_tr(x, "未分配", "Unallocated"), x->bold);
	xlsx_put_money(x, s, unalloc_row, PC_AMOUNT, c->unallocated_cents, &x->money);
	xlsx_put_text(x, s, check_row, PC_CC, xlsx_tr(x, "核对（应为 0）", "Check (must be 0)"), x->bold);
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
	xlsx_put_formula(x, s, check_row, PC_AMOUNT, f,
		    (double)(sum + c->unallocated_cents - c->pool_cents) / 100.0, &x->money_total);

	lxw_rowcol_to_cell_abs(a, (lxw_row_t)total_row, PC_AMOUNT, 1, 1);
	strbuf_addf(&name, "=%s!%s", SHEET_PAYROLL, a);
	xlsx_note(x, workbook_define_name(x->wb, "PayrollTotal", name.buf));
	lxw_rowcol_to_cell_abs(a, (lxw_row_t)check_row, PC_AMOUNT, 1, 1);
	strbuf_reset(&name);
	strbuf_addf(&name, "=%s!%s", SHEET_PAYROLL, a);
	xlsx_note(x, workbook_define_name(x->wb, "PayrollCheck", name.buf));
	strbuf_release(&name);
}

void xlsx_write_payroll(struct xw *x)
{
	struct sheet s;
	if (xlsx_sheet_open(x, &s, SHEET_PAYROLL, PC_COLS) < 0)
		return;
	payroll_body(x, &s);
	xlsx_sheet_close(x, &s);
}

/* ---- Audit ---- */

/* SPEC 11: every override applied, with its reason, approver and date. */
static void audit_overrides(struct xw *x, struct sheet *s, size_t row)
{
	const struct company *c = x->c;
	const struct input_conf *ic = &x->cfg->inputs[INPUT_OVERRIDES];
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	const char *h[] = { xlsx_tr(x, "工号", "Employee ID"), xlsx_tr(x, "姓名", "Name"),
			    xlsx_tr(x, "类型", "Kind"), xlsx_tr(x, "指标", "KPI"),
			    xlsx_tr(x, "调整前 -> 调整后", "Before -> after"),
			    xlsx_tr(x, "原因", "Reason"), xlsx_tr(x, "批准人", "Approved by"),
			    xlsx_tr(x, "日期", "Date"), xlsx_tr(x, "来源", "Source") };
	if (!c->noverrides)
		return;
	xlsx_put_text(x, s, row++, 0, xlsx_tr(x, "复核调整（申诉、校准）", "Overrides (appeals, calibration)"),
		      x->bold);
	xlsx_put_header(x, s, row++, h, sizeof(h) / sizeof(h[0]));
	for (i = 0; i < c->noverrides; i++, row++) {
		const struct override_row *o = &c->overrides[i];
		const struct employee *e = &c->emps[o->employee];
		const char *arrow;
		xlsx_put_text(x, s, row, 0, e->id, NULL);
		xlsx_put_text(x, s, row, 1, e->name, NULL);
		xlsx_put_text(x, s, row, 2, override_kind_names[o->kind], NULL);
		if (o->kpi >= 0)
			xlsx_put_text(x, s, row, 3, label_get(&x->cfg->kpis[o->kpi].label, x->loc), NULL);
		strbuf_reset(&sb);
		override_describe(o, x->cfg, x->loc, &sb);
		arrow = strstr(sb.buf, ": ");   /* the kind and KPI have their own columns */
		xlsx_put_text(x, s, row, 4, arrow ? arrow + 2 : sb.buf, NULL);
		xlsx_put_text(x, s, row, 5, o->reason, NULL);
		xlsx_put_text(x, s, row, 6, o->approved_by, NULL);
		xlsx_put_date(x, s, row, 7, o->date);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s:%d", input_file_shown(ic), o->line);
		xlsx_put_text(x, s, row, 8, sb.buf, NULL);
	}
	strbuf_release(&sb);
}

static void audit_body(struct xw *x, struct sheet *s, size_t warnings)
{
	const struct company *c = x->c;
	const struct config *cfg = x->cfg;
	size_t i, row;
	char date[16];
	const char *h[] = { xlsx_tr(x, "输入", "Input"), xlsx_tr(x, "文件", "File"), "SHA-256",
			    xlsx_tr(x, "编码", "Encoding"), xlsx_tr(x, "读取行数", "Rows read"),
			    xlsx_tr(x, "计入行数", "Rows used"), xlsx_tr(x, "无日期", "Set aside: no date"),
			    xlsx_tr(x, "无金额", "Set aside: no amount"),
			    xlsx_tr(x, "非本期", "Set aside: other period"),
			    xlsx_tr(x, "未成交", "Set aside: open") };

	xlsx_put_text(x, s, 0, 0, xlsx_tr(x, "审计信息", "Audit"), x->title);
	xlsx_put_text(x, s, 2, 0, xlsx_tr(x, "merit 版本", "merit version"), x->bold);
	xlsx_put_text(x, s, 2, 1, MERIT_VERSION, NULL);
	xlsx_put_text(x, s, 3, 0, xlsx_tr(x, "期间", "Period"), x->bold);
	xlsx_put_text(x, s, 3, 1, c->period.label, NULL);
	xlsx_put_text(x, s, 4, 0, xlsx_tr(x, "文件日期", "Document date"), x->bold);
	date_format_iso((int32_t)(c->doc_time / 86400), date);
	xlsx_put_text(x, s, 4, 1, date, NULL);
	xlsx_put_text(x, s, 5, 0, xlsx_tr(x, "配置文件", "Configuration"), x->bold);
	xlsx_put_text(x, s, 5, 1, cfg->path, NULL);
	xlsx_put_text(x, s, 6, 0, xlsx_tr(x, "配置 SHA-256", "Configuration SHA-256"), x->bold);
	xlsx_put_text(x, s, 6, 1, cfg->sha256, NULL);
	xlsx_put_text(x, s, 7, 0, xlsx_tr(x, "警告数", "Warnings"), x->bold);
	xlsx_put_num(x, s, 7, 1, (double)warnings, &x->integer);
	/* Column widths of A-B fit these values; the input table below sets the rest. */
	xlsx_put_header(x, s, 9, h, sizeof(h) / sizeof(h[0]));
	worksheet_freeze_panes(s->ws, 10, 0);
	row = 10;
	for (i = 0; i < INPUT_COUNT; i++) {
		const struct input_stats *in = &c->inputs[i];
		const struct input_conf *ic = &cfg->inputs[i];
		if (!in->present && !ic->declared)
			continue;
		xlsx_put_text(x, s, row, 0, schema_inputs[i].name, NULL);
		xlsx_put_text(x, s, row, 1, input_file_shown(ic), NULL);
		xlsx_put_text(x, s, row, 2, in->present ? in->sha256 : NULL, NULL);
		xlsx_put_text(x, s, row, 3, in->encoding, NULL);
		if (in->present) {
			xlsx_put_num(x, s, row, 4, (double)in->rows, &x->integer);
			xlsx_put_num(x, s, row, 5, (double)in->rows_used, &x->integer);
			xlsx_put_num(x, s, row, 6, (double)in->set_aside_no_date, &x->integer);
			xlsx_put_num(x, s, row, 7, (double)in->set_aside_no_amount, &x->integer);
			xlsx_put_num(x, s, row, 8, (double)in->set_aside_other_period, &x->integer);
			xlsx_put_num(x, s, row, 9, (double)in->set_aside_open, &x->integer);
		}
		row++;
	}
	audit_overrides(x, s, row + 1);
}

void xlsx_write_audit(struct xw *x, size_t warnings)
{
	struct sheet s;
	if (xlsx_sheet_open(x, &s, SHEET_AUDIT, 10) < 0)
		return;
	audit_body(x, &s, warnings);
	xlsx_sheet_close(x, &s);
}
