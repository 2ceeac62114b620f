/*
 * pack: the managers' team packs (SPEC 11), managers/<manager_id>.pdf, one
 * per manager with at least one in-scope direct report, in the manager's
 * language, from templates/pack.<locale>.txt. A pack is the second kind of
 * document the letter workers write (letter.c): same template language and
 * layout commands, same fonts, subsetting, encryption and 0600 file; this
 * file adds the pack's own @blocks:
 *   @team            one row per report: score, rating, bonus, change since
 *                    the last period, flags
 *   @heatmap         people x KPIs, each cell coloured by achievement
 *   @calibration     the fairness groups of the team: mean and spread
 *                    before and after normalisation, ratings given
 *   @talking_points  per report: the trend chart, the best and the weakest
 *                    KPI phrased from the phrase bank, and for a warning,
 *                    role review or promotion what it means and what to say
 * Everything shown is read from the model (teams, trends, groups).
 */
#include "render/letter_internal.h"
#include "util/strbuf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The flags a manager acts on, in the order shown, and their phrase keys. */
static const struct {
	unsigned flag;
	const char *key;
} pack_flags[] = {
	{ FLAG_WARNING, "warning" }, { FLAG_ROLE_REVIEW, "role_review" },
	{ FLAG_PROMOTE, "promote" }, { FLAG_TOP_PERFORMER, "top_performer" },
};
#define NPACK_FLAGS (sizeof(pack_flags) / sizeof(pack_flags[0]))

/* The team of the pack's manager: c->team_idx[*first .. *end). */
static void team_range(const struct letter *lt, size_t *first, size_t *end)
{
	*first = lt->c->team_start[lt->emp];
	*end = lt->c->team_start[lt->emp + 1];
}

static const struct employee *member(const struct letter *lt, size_t i)
{
	return &lt->c->emps[lt->c->team_idx[i]];
}

static const char *rating_text(struct letter *lt, const struct employee *e)
{
	if (e->rating < 0 || (size_t)e->rating >= lt->cfg->nbands)
		return "—";
	return letter_label_text(&lt->cfg->bands[e->rating].label, lt->loc);
}

void pack_set_vars(struct letter *lt)
{
	template_vars_setf(&lt->vars, "team_size", "%zu", company_team_size(lt->c, lt->emp));
}

/* The report's placeholders for the talking points and flag phrases. */
static void report_vars(struct letter *lt, const struct employee *e)
{
	struct template_vars *v = &lt->vars;
	template_vars_set(v, "report", e->name ? e->name : e->id);
	template_vars_set(v, "report_id", e->id);
	template_vars_set(v, "rating", rating_text(lt, e));
	template_vars_setf(v, "bottom_streak", "%d", e->bottom_streak);
	template_vars_setf(v, "top_streak", "%d", e->top_streak);
}

static const char *flags_text(struct letter *lt, const struct employee *e)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	for (i = 0; i < NPACK_FLAGS; i++)
		if (e->flags & pack_flags[i].flag) {
			if (sb.len)
				strbuf_addstr(&sb, lt->loc == LOCALE_ZH ? "、" : ", ");
			strbuf_addstr(&sb, letter_named(lt, "flag", pack_flags[i].key));
		}
	if (!e->eligible) {
		if (sb.len)
			strbuf_addstr(&sb, lt->loc == LOCALE_ZH ? "、" : ", ");
		strbuf_addstr(&sb, letter_label(lt, "not_eligible"));
	}
	return letter_keep(lt, strbuf_detach(&sb, NULL));
}

/* ---- @team ---------------------------------------------------------------- */

static void block_team(struct letter *lt)
{
	static const int right[7] = { 0, 0, 1, 0, 1, 1, 0 };
	struct table t = { 7, NULL, NULL, 0, right, 0 };
	size_t first, end, i;
	team_range(lt, &first, &end);
	t.nrows = end - first;
	t.cells = xcalloc((t.nrows + 1) * 7, sizeof(*t.cells));
	t.cells[0] = letter_label(lt, "pack_member");
	t.cells[1] = letter_label(lt, "employee_id");
	t.cells[2] = letter_label(lt, "final_score");
	t.cells[3] = letter_label(lt, "rating");
	t.cells[4] = letter_label(lt, "bonus");
	t.cells[5] = letter_label(lt, "change");
	t.cells[6] = letter_label(lt, "flags");
	for (i = first; i < end; i++) {
		const struct employee *e = member(lt, i);
		const struct trend_point *prev = employee_prev(lt->c, e);
		const char **row = t.cells + (i - first + 1) * 7;
		row[0] = e->name && *e->name ? e->name : e->id;
		row[1] = e->id;
		row[2] = letter_fmt_score(lt, e->norm_score);
		row[3] = rating_text(lt, e);
		row[4] = letter_fmt_money(lt, e->bonus);
		row[5] = prev ? letter_fmt_change(lt, e->norm_score - prev->score) : "—";
		row[6] = flags_text(lt, e);
	}
	letter_table_draw(lt, &t);
	free(t.cells);
}

/* ---- @heatmap ------------------------------------------------------------- */

#define HEAT_ROW 13.0
#define HEAT_FS 6.5

/* Five steps, from "far below target" to "well above": light enough that
 * the percentage printed on each cell stays readable. */
static const struct {
	double from;
	uint32_t color;
	const char *legend;
} heat[] = {
	{ -INFINITY, 0xF4A582, "< 60%" }, { 0.6, 0xFDDBC7, "60–80%" },
	{ 0.8, 0xFFF2CC, "80–100%" }, { 1.0, 0xD9F0D3, "100–120%" },
	{ 1.2, 0xA6DBA0, "≥ 120%" },
};
#define NHEAT (sizeof(heat) / sizeof(heat[0]))

static uint32_t heat_color(double a)
{
	size_t i = NHEAT;
	while (i-- > 1 && a < heat[i].from - 1e-9)
		;
	return heat[i].color;
}

struct heatmap {
	size_t *kpis, nk;            /* config KPI indexes shown, config order */
	double name_w, col_w, head_h;
};

static void heat_header(struct letter *lt, const struct heatmap *h)
{
	struct layout *L = &lt->L;
	double top = L->y, x = BODY_L + h->name_w;
	size_t j, i, n;
	layout_rect(L, BODY_L, top - h->head_h, h->name_w + h->col_w * (double)h->nk, h->head_h,
		    C_HEAD_BG, NO_COLOR);
	for (j = 0; j < h->nk; j++, x += h->col_w) {
		const char *s = letter_label_text(&lt->cfg->kpis[h->kpis[j]].label, lt->loc);
		n = layout_wrap(L, s, h->col_w - 4, HEAT_FS);
		for (i = 0; i < n && i < 3; i++) {
			struct wrap_line wl = L->wl.v[i];
			double w = (double)wl.width * HEAT_FS / 1000.0;
			layout_text(L, x + (h->col_w - w) / 2, top - 3 - HEAT_FS - 8.0 * (double)i,
				    HEAT_FS, C_TEXT, 1, s + wl.off, wl.len);
		}
	}
	L->y = top - h->head_h;
}

static void heat_row(struct letter *lt, const struct heatmap *h, const struct employee *e)
{
	struct layout *L = &lt->L;
	double top = L->y, x = BODY_L + h->name_w;
	const char *name = letter_fit(lt, e->name && *e->name ? e->name : e->id, h->name_w - 6,
				      FS_SMALL);
	size_t j;
	layout_text(L, BODY_L + 3, layout_baseline(top, HEAT_ROW, FS_SMALL), FS_SMALL, C_TEXT, 0,
		    name, strlen(name));
	for (j = 0; j < h->nk; j++, x += h->col_w) {
		const struct kpi_result *k = employee_kpi(e, h->kpis[j]);
		const char *s = NULL;
		if (!k) {
			/* Not one of the role's KPIs: a blank grey cell. */
			layout_rect(L, x + 0.5, top - HEAT_ROW + 0.5, h->col_w - 1, HEAT_ROW - 1, 0xF0F0F0,
				    NO_COLOR);
			continue;
		}
		if (k->dropped) {
			s = "—";
		} else {
			layout_rect(L, x + 0.5, top - HEAT_ROW + 0.5, h->col_w - 1, HEAT_ROW - 1,
				    heat_color(k->achievement), NO_COLOR);
			s = letter_fmt_pct(lt, k->achievement);
		}
		layout_text(L, x + (h->col_w - layout_str_width(L, s, HEAT_FS)) / 2,
			    layout_baseline(top, HEAT_ROW, HEAT_FS), HEAT_FS, C_TEXT, 0, s, strlen(s));
	}
	layout_line(L, BODY_L, top - HEAT_ROW, BODY_L + h->name_w + h->col_w * (double)h->nk,
		    top - HEAT_ROW, 0.3, C_RULE, 0);
	L->y = top - HEAT_ROW;
}

static void heat_legend(struct letter *lt)
{
	struct layout *L = &lt->L;
	const char *title = letter_label(lt, "heatmap_legend");
	double x = BODY_L, y;
	size_t i;
	layout_ensure(L, 14);
	y = L->y - 10;
	layout_text(L, x, y, FS_SMALL - 1, C_GREY, 0, title, strlen(title));
	x += layout_str_width(L, title, FS_SMALL - 1) + 8;
	for (i = 0; i < NHEAT; i++) {
		layout_rect(L, x, y - 1.5, 14, 8, heat[i].color, NO_COLOR);
		layout_text(L, x + 17, y, FS_SMALL - 1, C_GREY, 0, heat[i].legend,
			    strlen(heat[i].legend));
		x += 17 + layout_str_width(L, heat[i].legend, FS_SMALL - 1) + 10;
	}
	layout_rect(L, x, y - 1.5, 14, 8, 0xF0F0F0, NO_COLOR);
	layout_text(L, x + 17, y, FS_SMALL - 1, C_GREY, 0, letter_label(lt, "not_in_role"),
		    strlen(letter_label(lt, "not_in_role")));
	L->y -= 18;
}

static void block_heatmap(struct letter *lt)
{
	struct layout *L = &lt->L;
	const struct config *cfg = lt->cfg;
	struct heatmap h;
	unsigned char *used = xcalloc(cfg->nkpis + 1, 1);
	size_t first, end, i, j, lines = 1;
	team_range(lt, &first, &end);
	memset(&h, 0, sizeof(h));
	h.kpis = xcalloc(cfg->nkpis + 1, sizeof(*h.kpis));
	for (i = first; i < end; i++) {
		const struct employee *e = member(lt, i);
		double w = layout_str_width(L, e->name && *e->name ? e->name : e->id, FS_SMALL);
		for (j = 0; j < e->nkpis; j++)
			if (e->kpis[j].kpi >= 0 && (size_t)e->kpis[j].kpi < cfg->nkpis)
				used[e->kpis[j].kpi] = 1;
		h.name_w = fmax(h.name_w, w + 10);
	}
	for (j = 0; j < cfg->nkpis; j++)
		if (used[j])
			h.kpis[h.nk++] = j;
	if (h.nk && first < end) {
		h.name_w = fmin(h.name_w, 0.25 * BODY_W);
		h.col_w = fmin((BODY_W - h.name_w) / (double)h.nk, 70);
		for (j = 0; j < h.nk; j++) {
			size_t n = layout_wrap(L, letter_label_text(&cfg->kpis[h.kpis[j]].label, lt->loc),
					       h.col_w - 4, HEAT_FS);
			if (n > lines)
				lines = n > 3 ? 3 : n;
		}
		h.head_h = 8.0 * (double)lines + 6;
		layout_ensure(L, h.head_h + HEAT_ROW);
		heat_header(lt, &h);
		for (i = first; i < end; i++) {
			int page = L->page;
			layout_ensure(L, HEAT_ROW);
			if (L->page != page)
				heat_header(lt, &h);     /* the header again on a new page */
			heat_row(lt, &h, member(lt, i));
		}
		heat_legend(lt);
	}
	free(h.kpis);
	free(used);
}

/* ---- @calibration --------------------------------------------------------- */

static void block_calibration(struct letter *lt)
{
	const struct company *c = lt->c;
	const struct config *cfg = lt->cfg;
	static const int right[7] = { 0, 1, 1, 1, 1, 1, 0 };
	struct table t = { 7, NULL, NULL, 0, right, 6 };
	unsigned char *seen = xcalloc(c->ngroups + 1, 1);
	size_t first, end, i, b;
	team_range(lt, &first, &end);
	t.cells = xcalloc((end - first + 1) * 7, sizeof(*t.cells));
	t.cells[0] = letter_label(lt, "group");
	t.cells[1] = letter_label(lt, "people");
	t.cells[2] = letter_label(lt, "mean_before");
	t.cells[3] = letter_label(lt, "sd_before");
	t.cells[4] = letter_label(lt, "mean_after");
	t.cells[5] = letter_label(lt, "sd_after");
	t.cells[6] = letter_label(lt, "rating_counts");
	/* The groups the team's people were calibrated in, first seen first. */
	for (i = first; i < end; i++) {
		const struct employee *e = member(lt, i);
		const struct group_stats *g;
		struct strbuf sb = STRBUF_INIT;
		const char **row;
		if (e->group >= c->ngroups || seen[e->group])
			continue;
		seen[e->group] = 1;
		g = &c->groups[e->group];
		row = t.cells + (++t.nrows) * 7;
		row[0] = g->name ? g->name : "";
		row[1] = letter_keepf(lt, "%zu", g->n);
		row[2] = letter_keepf(lt, "%.2f", g->raw_mean);
		row[3] = letter_keepf(lt, "%.2f", g->raw_sd);
		row[4] = letter_keepf(lt, "%.2f", g->norm_mean);
		row[5] = letter_keepf(lt, "%.2f", g->norm_sd);
		for (b = 0; g->rating_count && b < cfg->nbands; b++)
			strbuf_addf(&sb, "%s%s %zu", b ? " · " : "",
				    letter_label_text(&cfg->bands[b].label, lt->loc), g->rating_count[b]);
		row[6] = letter_keep(lt, strbuf_detach(&sb, NULL));
	}
	if (t.nrows)
		letter_table_draw(lt, &t);
	template_vars_setf(&lt->vars, "n", "%d", cfg->fairness.min_group);
	layout_paragraph(&lt->L, letter_label(lt, "calibration_note"), BODY_L, BODY_W, FS_SMALL,
			 LH_SMALL, C_GREY, 0);
	lt->L.y -= 4;
	free(t.cells);
	free(seen);
}

/* ---- @talking_points ------------------------------------------------------ */

#define TREND_W 190.0
#define TREND_H 44.0

static void bullet_at(struct letter *lt, const char *s, double width)
{
	struct layout *L = &lt->L;
	layout_ensure(L, LH_BODY);
	layout_rect(L, BODY_L + 4, L->y - LH_BODY / 2 - 1.5, 3, 3, C_ACCENT, NO_COLOR);
	layout_paragraph(L, s, BODY_L + 16, width - 16, FS_BODY, LH_BODY, C_TEXT, 0);
	L->y -= 2;
}

/* What a flag means and what to say, in a notice box. */
static void notice_at(struct letter *lt, const char *s, double width)
{
	struct layout *L = &lt->L;
	size_t nl = layout_wrap(L, s, width - 22, FS_BODY);
	double h = (double)nl * LH_BODY + 8;
	layout_ensure(L, h);
	layout_rect(L, BODY_L, L->y - h, width, h, C_NOTICE_BG, NO_COLOR);
	layout_rect(L, BODY_L, L->y - h, 3, h, C_NOTICE_BAR, NO_COLOR);
	L->y -= 4;
	layout_paragraph(L, s, BODY_L + 12, width - 22, FS_BODY, LH_BODY, C_TEXT, 0);
	L->y -= 4 + 4;
}

static void talking_points_of(struct letter *lt, const struct employee *e)
{
	struct layout *L = &lt->L;
	size_t *order = xmalloc((e->nkpis + 1) * sizeof(*order)), n, i;
	int trend = letter_trend_has(lt->c, e);
	double width = trend ? BODY_W - TREND_W - 10 : BODY_W, top;
	int page;
	const char *head = letter_keepf(lt, "%s  %s · %s · %s", e->name && *e->name ? e->name : e->id,
					e->id, rating_text(lt, e), letter_fmt_score(lt, e->norm_score));

	report_vars(lt, e);
	layout_ensure(L, LH_BODY + 2 * LH_BODY + (trend ? TREND_H : 0));
	layout_paragraph(L, head, BODY_L, BODY_W, FS_BODY, LH_BODY + 2, C_ACCENT, 1);
	L->y -= 2;
	top = L->y;
	page = L->page;
	if (trend)
		letter_trend_draw(lt, e, BODY_L + BODY_W - TREND_W, top, TREND_W, TREND_H);
	n = letter_kpis_by_achievement(e, order);
	if (!n) {
		bullet_at(lt, letter_phrase(lt, "default.talk_none"), width);
	} else {
		letter_kpi_vars(lt, &e->kpis[order[0]]);
		bullet_at(lt, letter_kpi_phrase(lt, &e->kpis[order[0]], "talk_best"), width);
		if (n > 1 && e->kpis[order[n - 1]].achievement < 1.0) {
			letter_kpi_vars(lt, &e->kpis[order[n - 1]]);
			bullet_at(lt, letter_kpi_phrase(lt, &e->kpis[order[n - 1]], "talk_weak"), width);
		} else {
			bullet_at(lt, letter_phrase(lt, "default.talk_all_good"), width);
		}
	}
	for (i = 0; i < NPACK_FLAGS; i++) {
		const char *s;
		if (!(e->flags & pack_flags[i].flag) || pack_flags[i].flag == FLAG_TOP_PERFORMER)
			continue;
		s = letter_phrasef(lt, "pack.%s", pack_flags[i].key);
		if (s)
			notice_at(lt, s, width);
	}
	if (trend && L->page == page && L->y > top - TREND_H)
		L->y = top - TREND_H;
	L->y -= 8;
	free(order);
}

static void block_talking_points(struct letter *lt)
{
	size_t first, end, i;
	team_range(lt, &first, &end);
	for (i = first; i < end; i++)
		talking_points_of(lt, member(lt, i));
}

static const struct {
	const char *name;
	void (*lay_out)(struct letter *lt);
} blocks[] = {
	{ "team", block_team }, { "heatmap", block_heatmap },
	{ "calibration", block_calibration }, { "talking_points", block_talking_points },
};
#define NBLOCKS (sizeof(blocks) / sizeof(blocks[0]))

int pack_block_known(const char *name)
{
	size_t i;
	for (i = 0; i < NBLOCKS; i++)
		if (!strcmp(blocks[i].name, name))
			return 1;
	return 0;
}

void pack_block(struct letter *lt, const char *name)
{
	size_t i;
	/* A pack block in a letter template has no team to show. */
	if (!company_team_size(lt->c, lt->emp))
		return;
	for (i = 0; i < NBLOCKS; i++)
		if (!strcmp(blocks[i].name, name))
			blocks[i].lay_out(lt);
}
