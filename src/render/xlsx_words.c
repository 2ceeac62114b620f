/*
 * xlsx_words: the words of the workbook in the run's locale (cfg->locale,
 * zh or en): rating, role, reason and flag labels, sub-score names, and
 * which number format a KPI's values take.
 */
#include "render/xlsx_internal.h"
#include "util/date.h"

#include <string.h>

const char *xlsx_tr(const struct xw *x, const char *zh, const char *en)
{
	return x->loc == LOCALE_ZH ? zh : en;
}

const char *xlsx_rating_label(const struct xw *x, int rating)
{
	if (rating < 0 || (size_t)rating >= x->cfg->nbands)
		return "";
	return label_get(&x->cfg->bands[rating].label, x->loc);
}

const char *xlsx_role_label(const struct xw *x, const struct employee *e)
{
	if (e->role >= 0 && (size_t)e->role < x->cfg->nroles)
		return label_get(&x->cfg->roles[e->role].label, x->loc);
	return e->role_text;
}

const char *xlsx_reason_text(const struct xw *x, const char *reason)
{
	static const struct { const char *code, *zh, *en; } words[] = {
		{ INELIGIBLE_NOT_IN_SCOPE, "不在本期", "not in the period" },
		{ INELIGIBLE_MIN_DAYS, "在职天数不足", "too few days employed" },
		{ INELIGIBLE_STATUS, "员工状态不符", "status not eligible" },
		{ INELIGIBLE_LEFT, "期末前离职", "left before period end" },
		{ INELIGIBLE_ZERO_POINTS, "绩点为零", "zero points" },
		{ INELIGIBLE_UNKNOWN_ROLE, "岗位未配置", "role not in the config" },
		{ INELIGIBLE_EXCLUDED, "复核后不发奖金", "excluded after review" },
		{ "missing_actual", "缺少实际值", "missing actual" },
		{ "missing_target", "缺少目标", "missing target" },
	};
	size_t i;
	if (!reason)
		return NULL;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(reason, words[i].code))
			return xlsx_tr(x, words[i].zh, words[i].en);
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

const char *xlsx_flags_text(struct xw *x, unsigned flags, struct strbuf *sb)
{
	size_t i;
	strbuf_reset(sb);
	for (i = 0; i < NFLAGS; i++)
		if (flags & flag_words[i].bit) {
			if (sb->len)
				strbuf_addstr(sb, "; ");
			strbuf_addstr(sb, xlsx_tr(x, flag_words[i].zh, flag_words[i].en));
		}
	return sb->buf;
}

const char *xlsx_dim_label(const struct xw *x, int dim)
{
	static const char *const zh[DIM_COUNT] = { "业绩", "效率", "态度" };
	static const char *const en[DIM_COUNT] = { "Results", "Efficiency", "Attitude" };
	return xlsx_tr(x, zh[dim], en[dim]);
}

const char *xlsx_persp_label(const struct xw *x, int p)
{
	static const char *const zh[PERSP_COUNT] = { "财务", "客户", "内部流程", "学习与成长" };
	static const char *const en[PERSP_COUNT] = { "Financial", "Customer", "Process",
						     "Learning" };
	return xlsx_tr(x, zh[p], en[p]);
}

const struct numfmt *xlsx_kpi_numfmt(const struct xw *x, int kpi)
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


const char *xlsx_override_text(struct xw *x, const struct override_row *o, struct strbuf *sb)
{
	char date[16];
	strbuf_reset(sb);
	strbuf_addstr(sb, xlsx_tr(x, "复核调整：", "Override: "));
	override_describe(o, x->cfg, x->loc, sb);
	date_format_iso(o->date, date);
	strbuf_addf(sb, "\n%s%s\n%s%s, %s", xlsx_tr(x, "原因：", "Reason: "), o->reason,
		    xlsx_tr(x, "批准：", "Approved by "), o->approved_by, date);
	return sb->buf;
}

void xlsx_override_note(struct xw *x, struct sheet *s, size_t row, size_t col,
			const struct employee *e, enum override_kind kind, int kpi)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	for (i = 0; i < e->noverrides; i++) {
		const struct override_row *o = &x->c->overrides[e->overrides[i]];
		if (o->applied && o->kind == kind && (kpi < 0 || o->kpi == kpi))
			xlsx_put_note(x, s, row, col, xlsx_override_text(x, o, &sb));
	}
	strbuf_release(&sb);
}
