/*
 * letter_blocks: the content blocks a letter template places with "@name"
 * lines: the result summary, the KPI table, the achievement chart,
 * strengths and areas to improve from the phrase bank, dimension scores,
 * 360 feedback, training, next period's targets, the comment box and the
 * signatures. Tables repeat their header on a new page.
 */
#include "render/letter_internal.h"
#include "util/date.h"
#include "util/strbuf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The config's own name tables live in config.c; the phrase-bank keys are
 * part of the template contract, so they are spelled out here. */
static const char *const dim_keys[DIM_COUNT] = { "results", "efficiency", "attitude" };
static const char *const persp_keys[PERSP_COUNT] = {
	"financial", "customer", "process", "learning"
};
static const char *const rel_keys[REL_COUNT] = { "self", "peer", "manager", "subordinate" };


/* The first line of s that fits `width`, with "…" if s was longer. */
const char *letter_fit(struct letter *lt, const char *s, double width, double size)
{
	struct layout *L = &lt->L;
	struct strbuf sb = STRBUF_INIT;
	size_t n = layout_wrap(L, s, width, size);
	if (n <= 1)
		return s;
	n = layout_wrap(L, s, width - layout_str_width(L, "…", size), size);
	strbuf_add(&sb, s + L->wl.v[0].off, L->wl.v[0].len);
	strbuf_addstr(&sb, "…");
	return letter_keep(lt, strbuf_detach(&sb, NULL));
}


static double cell_lines_h(struct letter *lt, const char *s, double w)
{
	size_t n = layout_wrap(&lt->L, s, w - 2 * CELL_PAD, FS_TABLE);
	return (double)(n ? n : 1) * LH_TABLE;
}

/* Row height without drawing, to decide page breaks before a row. */
static double table_row_h(struct letter *lt, const struct table *t, const double *cw, size_t r)
{
	const char **row = t->cells + r * (size_t)t->ncols;
	const char *note = r && t->notes ? t->notes[r - 1] : NULL;
	double h = 0;
	int j;
	for (j = 0; j < t->ncols; j++) {
		double ch = cell_lines_h(lt, row[j], cw[j]);
		if (j == t->flex && note)
			ch += layout_wrap(&lt->L, note, cw[j] - 2 * CELL_PAD, FS_SMALL) * LH_SMALL;
		if (ch > h)
			h = ch;
	}
	return h + 2 * CELL_PAD - 2;
}

static void table_row(struct letter *lt, const struct table *t, const double *cw, size_t r)
{
	struct layout *L = &lt->L;
	const char **row = t->cells + r * (size_t)t->ncols;
	const char *note = r && t->notes ? t->notes[r - 1] : NULL;
	double h = table_row_h(lt, t, cw, r), x, top = L->y;
	int j;
	if (r == 0)
		layout_rect(L, BODY_L, top - h, BODY_W, h, C_HEAD_BG, NO_COLOR);
	else if (r % 2 == 0)
		layout_rect(L, BODY_L, top - h, BODY_W, h, C_ZEBRA, NO_COLOR);
	for (x = BODY_L, j = 0; j < t->ncols; x += cw[j], j++) {
		size_t i, n = layout_wrap(L, row[j], cw[j] - 2 * CELL_PAD, FS_TABLE);
		double y = top - CELL_PAD + 1;
		for (i = 0; i < n; i++, y -= LH_TABLE) {
			struct wrap_line wl = L->wl.v[i];
			double tx = x + CELL_PAD;
			if (t->right[j])
				tx = x + cw[j] - CELL_PAD - (double)wl.width * FS_TABLE / 1000.0;
			layout_text(L, tx, layout_baseline(y, LH_TABLE, FS_TABLE), FS_TABLE, C_TEXT, r == 0,
				row[j] + wl.off, wl.len);
		}
		if (j == t->flex && note) {
			n = layout_wrap(L, note, cw[j] - 2 * CELL_PAD, FS_SMALL);
			for (i = 0; i < n; i++, y -= LH_SMALL)
				layout_text(L, x + CELL_PAD, layout_baseline(y, LH_SMALL, FS_SMALL), FS_SMALL,
					C_GREY, 0, note + L->wl.v[i].off, L->wl.v[i].len);
		}
	}
	layout_line(L, BODY_L, top - h, BODY_L + BODY_W, top - h, r == 0 ? 0.8 : 0.4, C_RULE, 0);
	L->y = top - h;
}

/*
 * Columns get their natural width (widest cell), the flex column the rest;
 * when numbers are so wide that the flex column would drop below 30 % of
 * the width, every other column shrinks in proportion and wraps.
 */
void letter_table_draw(struct letter *lt, const struct table *t)
{
	struct layout *L = &lt->L;
	double cw[TABLE_MAX_COLS], others = 0, flexw;
	size_t r;
	int j;
	for (j = 0; j < t->ncols; j++) {
		cw[j] = 0;
		for (r = 0; r <= t->nrows; r++) {
			double w = layout_str_width(L, t->cells[r * (size_t)t->ncols + j], FS_TABLE);
			if (w > cw[j])
				cw[j] = w;
		}
		cw[j] += 2 * CELL_PAD + 1;
		if (j != t->flex)
			others += cw[j];
	}
	flexw = BODY_W - others;
	if (flexw < 0.3 * BODY_W) {
		double k = 0.7 * BODY_W / others;
		for (j = 0; j < t->ncols; j++)
			if (j != t->flex)
				cw[j] *= k;
		flexw = 0.3 * BODY_W;
	}
	cw[t->flex] = flexw;

	layout_ensure(L, table_row_h(lt, t, cw, 0) + (t->nrows ? table_row_h(lt, t, cw, 1) : 0));
	table_row(lt, t, cw, 0);
	for (r = 1; r <= t->nrows; r++) {
		int page = L->page;
		layout_ensure(L, table_row_h(lt, t, cw, r));
		if (L->page != page)
			table_row(lt, t, cw, 0);     /* the header again on the new page */
		table_row(lt, t, cw, r);
	}
	L->y -= 4;
}

static int kpi_scored(const struct kpi_result *k)
{
	return !k->dropped;
}

static void block_summary(struct letter *lt)
{
	struct layout *L = &lt->L;
	const struct employee *e = lt->e;
	const char *lab[6], *val[6];
	int n = 0, i, cols, rows, trend;
	double cw, ch = 31, top, size = 13, boxw;

	lab[n] = letter_label(lt, "final_score"), val[n++] = letter_fmt_score(lt, e->norm_score);
	lab[n] = letter_label(lt, "rating"), val[n++] = template_vars_lookup(&lt->vars, "rating");
	/* Chinese text takes full-width brackets. */
	lab[n] = e->eligible ? letter_label(lt, "bonus")
			     : letter_keepf(lt, e->locale == LOCALE_ZH ? "%s（%s）" : "%s (%s)",
					    letter_label(lt, "bonus"), letter_label(lt, "not_eligible"));
	val[n++] = letter_fmt_money(lt, e->bonus);
	lab[n] = letter_label(lt, "raw_score"), val[n++] = letter_fmt_score(lt, e->raw_score);
	if (e->proration < 1.0 - 1e-9)
		lab[n] = letter_label(lt, "proration"), val[n++] = letter_label(lt, "proration_value");
	cols = n;            /* one row: the figures side by side */
	/* With history, the trend (SPEC 11) takes the right of the row: beside
	 * the figures it costs no height, so a one-page letter stays one page. */
	trend = letter_trend_has(lt->c, e);
	boxw = trend ? BODY_W - TREND_SIDE_W - 6 : BODY_W;
	cw = boxw / cols;
	rows = 1;
	layout_ensure(L, rows * ch + 8);
	top = L->y;
	layout_rect(L, BODY_L, top - rows * ch - 8, boxw, rows * ch + 8, C_BOX_BG, C_RULE);
	if (trend)
		letter_trend_draw(lt, e, BODY_L + BODY_W - TREND_SIDE_W, top, TREND_SIDE_W,
				  rows * ch + 8);
	/* One size for the three key figures, the largest at which all fit;
	 * the others shrink on their own. */
	for (i = 0; i < 3; i++)
		while (size > 8 && layout_str_width(L, val[i] ? val[i] : "", size) > cw - 20)
			size -= 0.5;
	for (i = 0; i < n; i++) {
		if (i >= 3) {
			size = 11;
			while (size > 7 && layout_str_width(L, val[i] ? val[i] : "", size) > cw - 20)
				size -= 0.5;
		}
		double x = BODY_L + (i % cols) * cw + 10, y = top - 4 - (i / cols) * ch;
		const char *v = letter_fit(lt, val[i] ? val[i] : "", cw - 20, size);
		const char *l = letter_fit(lt, lab[i], cw - 20, FS_SMALL);
		layout_text(L, x, y - 10, FS_SMALL, C_GREY, 0, l, strlen(l));
		layout_text(L, x, y - 25, size, i < 3 ? C_ACCENT : C_TEXT, i < 3, v, strlen(v));
	}
	L->y = top - rows * ch - 8 - 5;
}

static void block_kpis(struct letter *lt)
{
	const struct employee *e = lt->e;
	static const int right[6] = { 0, 1, 1, 1, 1, 1 };
	struct table t = { 6, NULL, NULL, e->nkpis, right, 0 };
	size_t i;
	t.cells = xcalloc((e->nkpis + 1) * 6, sizeof(*t.cells));
	t.notes = xcalloc(e->nkpis + 1, sizeof(*t.notes));
	t.cells[0] = letter_label(lt, "kpi");
	t.cells[1] = letter_label(lt, "weight");
	t.cells[2] = letter_label(lt, "target");
	t.cells[3] = letter_label(lt, "actual");
	t.cells[4] = letter_label(lt, "achievement");
	t.cells[5] = letter_label(lt, "score");
	for (i = 0; i < e->nkpis; i++) {
		const struct kpi_result *k = &e->kpis[i];
		const char **row = t.cells + (i + 1) * 6;
		row[0] = letter_label_text(&lt->cfg->kpis[k->kpi].label, lt->loc);
		/* The weight that counted: rescaled when another KPI dropped out. */
		row[1] = kpi_scored(k) ? letter_fmt_pct(lt, k->eff_weight / 100.0) : "—";
		row[2] = k->has_target ? letter_fmt_value(lt, k->kpi, k->target) : "—";
		row[3] = k->has_actual ? letter_fmt_value(lt, k->kpi, k->actual) : "—";
		row[4] = kpi_scored(k) ? letter_fmt_pct(lt, k->achievement) : "—";
		row[5] = kpi_scored(k) ? letter_keepf(lt, "%.1f", k->score) : "—";
		if (k->dropped)
			t.notes[i] = letter_label(lt, strcmp(k->dropped, "missing_target")
					      ? "not_scored_missing_actual" : "not_scored_missing_target");
	}
	letter_table_draw(lt, &t);
	free(t.cells);
	free(t.notes);
}

static uint32_t bar_color(double a)
{
	return a >= 1.0 ? C_GOOD : a >= 0.8 ? C_MID : C_LOW;
}

static void block_chart(struct letter *lt)
{
	struct layout *L = &lt->L;
	const struct employee *e = lt->e;
	double lw = 0, maxa = 1.2, x0, x1, x100, top, row = 10.5, h, tick;
	const char *title = letter_label(lt, "chart_title");
	size_t i;
	if (!e->nkpis)
		return;
	for (i = 0; i < e->nkpis; i++) {
		const struct kpi_result *k = &e->kpis[i];
		const char *name = letter_label_text(&lt->cfg->kpis[k->kpi].label, lt->loc);
		double w = layout_str_width(L, name, FS_SMALL);
		if (w > lw)
			lw = w;
		if (kpi_scored(k) && k->achievement > maxa)
			maxa = k->achievement;
	}
	/* Beyond 200 % the bar is cut (and says so by its number). */
	maxa = fmin(ceil(maxa * 2.0) / 2.0, 2.0);
	lw = fmin(lw + 8, 0.32 * BODY_W);
	x0 = BODY_L + lw;
	x1 = BODY_L + BODY_W - 44;
	x100 = x0 + 1.0 / maxa * (x1 - x0);
	h = 14 + e->nkpis * row + 12;
	layout_ensure(L, h);
	top = L->y;
	layout_text(L, BODY_L, layout_baseline(top, 13, 8.5), 8.5, C_GREY, 0,
		    letter_fit(lt, title, BODY_W, 8.5), strlen(letter_fit(lt, title, BODY_W, 8.5)));
	top -= 14;
	for (tick = 0; tick <= maxa + 1e-9; tick += 0.5) {
		double x = x0 + tick / maxa * (x1 - x0);
		const char *s = letter_fmt_pct(lt, tick);
		layout_line(L, x, top - e->nkpis * row, x, top - e->nkpis * row - 3, 0.5, C_GREY, 0);
		layout_text(L, x - layout_str_width(L, s, 7) / 2, top - e->nkpis * row - 11, 7, C_GREY, 0, s,
			strlen(s));
	}
	for (i = 0; i < e->nkpis; i++) {
		const struct kpi_result *k = &e->kpis[i];
		const char *name = letter_fit(lt, letter_label_text(&lt->cfg->kpis[k->kpi].label, lt->loc),
				       lw - 6, FS_SMALL);
		double y = top - i * row, by = y - row / 2 - 3.25;
		layout_text(L, BODY_L, layout_baseline(y, row, FS_SMALL), FS_SMALL, C_TEXT, 0, name,
			strlen(name));
		if (kpi_scored(k)) {
			double a = fmax(k->achievement, 0.0), w = fmin(a, maxa) / maxa * (x1 - x0);
			const char *s = letter_fmt_pct(lt, a);
			double lx = x0 + w + 3, sw = layout_str_width(L, s, 7.5);
			if (w > 0)
				layout_rect(L, x0, by, w, 6.5, bar_color(a), NO_COLOR);
			/* A bar just short of 100 % would put its figure on the
			 * dashed target line: the figure goes past the line. */
			if (lx < x100 + 2 && lx + sw > x100 - 2)
				lx = x100 + 3;
			layout_text(L, lx, layout_baseline(y, row, 7.5), 7.5, C_TEXT, 0, s, strlen(s));
		} else {
			layout_text(L, x0 + 3, layout_baseline(y, row, 7.5), 7.5, C_GREY, 0, "—", strlen("—"));
		}
	}
	layout_line(L, x0, top, x0, top - e->nkpis * row, 0.6, C_GREY, 0);
	layout_line(L, x0, top - e->nkpis * row, x1, top - e->nkpis * row, 0.6, C_GREY, 0);
	layout_line(L, x100, top + 2, x100, top - e->nkpis * row, 0.9, C_RED, 1);
	L->y = top - e->nkpis * row - 12;
}

void letter_bullet(struct letter *lt, const char *s)
{
	struct layout *L = &lt->L;
	layout_ensure(L, LH_BODY);
	/* Drawn, not typed: wqy-zenhei has no U+2022 bullet. */
	layout_rect(L, BODY_L + 4, L->y - LH_BODY / 2 - 1.5, 3, 3, C_ACCENT, NO_COLOR);
	layout_paragraph(L, s, BODY_L + 16, BODY_W - 16, FS_BODY, LH_BODY, C_TEXT, 0);
	L->y -= 2;
}

/* Sets the per-KPI placeholders the phrase bank uses. */
void letter_kpi_vars(struct letter *lt, const struct kpi_result *k)
{
	const struct kpi_def *kd = &lt->cfg->kpis[k->kpi];
	template_vars_set(&lt->vars, "kpi", letter_label_text(&kd->label, lt->loc));
	template_vars_set(&lt->vars, "achievement", letter_fmt_pct(lt, k->achievement));
	template_vars_set(&lt->vars, "actual", letter_fmt_value(lt, k->kpi, k->actual));
	template_vars_set(&lt->vars, "target", letter_fmt_value(lt, k->kpi, k->target));
	template_vars_setf(&lt->vars, "score", "%.1f", k->score);
	template_vars_set(&lt->vars, "dimension",
			  letter_named(lt, "dimension", dim_keys[kd->dimension]));
}

/* The first phrase found: the KPI's own, its dimension's, the default. */
const char *letter_kpi_phrase(struct letter *lt, const struct kpi_result *k, const char *key)
{
	const struct kpi_def *kd = &lt->cfg->kpis[k->kpi];
	const char *s = letter_phrasef(lt, "kpi.%s.%s", kd->name, key);
	if (!s && (unsigned)kd->dimension < DIM_COUNT)
		s = letter_phrasef(lt, "dimension.%s.%s", dim_keys[kd->dimension], key);
	if (!s)
		s = letter_phrasef(lt, "default.%s", key);
	return s ? s : "";
}

/* Scored KPIs ordered by achievement, best first (ties: scorecard order). */
size_t letter_kpis_by_achievement(const struct employee *e, size_t *order)
{
	size_t n = 0, i, j;
	for (i = 0; i < e->nkpis; i++)
		if (kpi_scored(&e->kpis[i]))
			order[n++] = i;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && e->kpis[order[j]].achievement >
				     e->kpis[order[j - 1]].achievement; j--) {
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	return n;
}

static void block_strengths(struct letter *lt)
{
	const struct employee *e = lt->e;
	size_t *order = xmalloc((e->nkpis + 1) * sizeof(*order)), n, i, shown = 0;
	n = letter_kpis_by_achievement(e, order);
	for (i = 0; i < n && shown < 2; i++) {
		const struct kpi_result *k = &e->kpis[order[i]];
		if (k->achievement < 1.0)
			break;
		letter_kpi_vars(lt, k);
		letter_bullet(lt, letter_kpi_phrase(lt, k, "strength"));
		shown++;
	}
	if (!shown)
		letter_bullet(lt, letter_phrase(lt, "default.no_strength"));
	free(order);
}

static void block_improve(struct letter *lt)
{
	const struct employee *e = lt->e;
	size_t *order = xmalloc((e->nkpis + 1) * sizeof(*order)), n, i, shown = 0;
	n = letter_kpis_by_achievement(e, order);
	for (i = n; i-- > 0 && shown < 2;) {
		const struct kpi_result *k = &e->kpis[order[i]];
		struct strbuf sb = STRBUF_INIT;
		if (k->achievement >= 1.0)
			break;
		letter_kpi_vars(lt, k);
		strbuf_addstr(&sb, letter_kpi_phrase(lt, k, "improve"));
		strbuf_addstr(&sb, lt->loc == LOCALE_ZH ? "" : " ");
		strbuf_addstr(&sb, letter_kpi_phrase(lt, k, "support"));
		letter_bullet(lt, letter_keep(lt, strbuf_detach(&sb, NULL)));
		shown++;
	}
	if (!shown)
		letter_bullet(lt, letter_phrase(lt, "default.all_good"));
	free(order);
}

/* Two lines, "Dimension: Results 70.0 · Efficiency 75.0" and the same for
 * the scorecard perspectives: a table would take a third of the page. */
static void block_dimensions(struct letter *lt)
{
	const struct employee *e = lt->e;
	int has_dim[DIM_COUNT] = { 0 }, has_p[PERSP_COUNT] = { 0 }, i, best = -1, worst = -1;
	const char *sep = lt->loc == LOCALE_ZH ? "：" : ": ";
	struct strbuf dims = STRBUF_INIT, ps = STRBUF_INIT;
	size_t k;
	for (k = 0; k < e->nkpis; k++) {
		const struct kpi_def *kd = &lt->cfg->kpis[e->kpis[k].kpi];
		if (!kpi_scored(&e->kpis[k]))
			continue;
		if ((unsigned)kd->dimension < DIM_COUNT)
			has_dim[kd->dimension] = 1;
		if ((unsigned)kd->perspective < PERSP_COUNT)
			has_p[kd->perspective] = 1;
	}
	for (i = 0; i < DIM_COUNT; i++) {
		if (!has_dim[i])
			continue;
		strbuf_addf(&dims, "%s%s %.1f", dims.len ? "  ·  " : "",
			    letter_named(lt, "dimension", dim_keys[i]),
			    e->dim_score[i]);
		if (best < 0 || e->dim_score[i] > e->dim_score[best])
			best = i;
		if (worst < 0 || e->dim_score[i] < e->dim_score[worst])
			worst = i;
	}
	for (i = 0; i < PERSP_COUNT; i++)
		if (has_p[i])
			strbuf_addf(&ps, "%s%s %.1f", ps.len ? "  ·  " : "",
				    letter_named(lt, "perspective", persp_keys[i]),
				    e->persp_score[i]);
	if (!dims.len) {
		letter_bullet(lt, letter_label(lt, "none"));
	} else {
		const char *a = letter_keepf(lt, "%s%s%s", letter_label(lt, "dimension"), sep, dims.buf);
		const char *b = letter_keepf(lt, "%s%s%s", letter_label(lt, "perspective"), sep, ps.buf);
		layout_paragraph(&lt->L, a, BODY_L, BODY_W, FS_BODY, LH_BODY, C_TEXT, 0);
		layout_paragraph(&lt->L, b, BODY_L, BODY_W, FS_BODY, LH_BODY, C_TEXT, 0);
		lt->L.y -= 3;
	}
	strbuf_release(&dims);
	strbuf_release(&ps);
	/* One sentence on the strongest and one on the weakest dimension. */
	if (best >= 0 && e->dim_score[best] >= 90) {
		const char *t = letter_phrasef(lt, "dimension.%s.strength", dim_keys[best]);
		if (t)
			letter_bullet(lt, t);
	}
	if (worst >= 0 && worst != best && e->dim_score[worst] < 80) {
		const char *t = letter_phrasef(lt, "dimension.%s.improve", dim_keys[worst]);
		if (t)
			letter_bullet(lt, t);
	}
}

/* One line, "Mean (1–5): Manager 4.0 (Reviewers 1) · Peer 3.5 (Reviewers 2)",
 * like the dimensions: a table took a fifth of the page. */
static void block_reviews(struct letter *lt)
{
	const struct letters_shared *sh = lt->sh;
	const struct company *c = lt->c;
	static const int rel_order[] = { REL_MANAGER, REL_PEER, REL_SUBORDINATE };
	double sum[REL_COUNT] = { 0 };
	size_t cnt[REL_COUNT] = { 0 }, i;
	int zh = lt->loc == LOCALE_ZH;
	struct strbuf sb = STRBUF_INIT;
	for (i = sh->rev_start[lt->emp]; i < sh->rev_start[lt->emp + 1]; i++) {
		const struct review_row *r = &c->reviews[sh->rev_idx[i]];
		if ((unsigned)r->relation < REL_COUNT) {
			sum[r->relation] += r->score;
			cnt[r->relation]++;
		}
	}
	for (i = 0; i < 3; i++) {
		int rel = rel_order[i];
		if (!cnt[rel])
			continue;
		strbuf_addf(&sb, "%s%s %.1f%s%s %zu%s", sb.len ? "  ·  " : "",
			    letter_named(lt, "relation", rel_keys[rel]), sum[rel] / (double)cnt[rel],
			    zh ? "（" : " (", letter_label(lt, "reviewers"), cnt[rel], zh ? "）" : ")");
	}
	if (sb.len)
		layout_paragraph(&lt->L, letter_keepf(lt, "%s%s%s", letter_label(lt, "mean"),
						      zh ? "：" : ": ", sb.buf),
				 BODY_L, BODY_W, FS_BODY, LH_BODY, C_TEXT, 0);
	strbuf_release(&sb);
	if (cnt[REL_SELF]) {
		template_vars_setf(&lt->vars, "mean", "%.1f", sum[REL_SELF] / (double)cnt[REL_SELF]);
		template_vars_setf(&lt->vars, "n", "%zu", cnt[REL_SELF]);
		layout_paragraph(&lt->L, letter_label(lt, "self_review"), BODY_L, BODY_W, FS_BODY, LH_BODY,
			 C_TEXT, 0);
	}
	layout_paragraph(&lt->L, letter_label(lt, "reviews_note"), BODY_L, BODY_W, FS_SMALL, LH_SMALL,
			 C_GREY, 0);
	lt->L.y -= 4;
}

/* Passed courses dated inside the period, in input order, one bullet each
 * ("Course · 2026-10-10 · Hours 6.0"): a table's header row cost a line. */
static void block_training(struct letter *lt)
{
	const struct letters_shared *sh = lt->sh;
	const struct company *c = lt->c;
	size_t i;
	for (i = sh->trn_start[lt->emp]; i < sh->trn_start[lt->emp + 1]; i++) {
		const struct training_row *tr = &c->training[sh->trn_idx[i]];
		char iso[16];
		date_format_iso(tr->date, iso);
		if (isfinite(tr->hours) && tr->hours > 0)
			letter_bullet(lt, letter_keepf(lt, "%s  ·  %s  ·  %s %.1f",
						       tr->course ? tr->course : "", iso,
						       letter_label(lt, "hours"), tr->hours));
		else
			letter_bullet(lt, letter_keepf(lt, "%s  ·  %s", tr->course ? tr->course : "",
						       iso));
	}
	layout_paragraph(&lt->L, letter_label(lt, "training_points"), BODY_L, BODY_W, FS_BODY, LH_BODY,
			 C_TEXT, 0);
	lt->L.y -= 3;
}

/* "Sales achievement ¥300,000.00  ·  Conversion 30%": one or two lines
 * under the section's heading instead of a table of its own. */
static void block_next_targets(struct letter *lt)
{
	const struct employee *e = lt->e;
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	for (i = 0; i < e->nkpis; i++) {
		if (!e->kpis[i].has_next_target)
			continue;
		strbuf_addf(&sb, "%s%s %s", sb.len ? "  ·  " : "",
			    letter_label_text(&lt->cfg->kpis[e->kpis[i].kpi].label, lt->loc),
			    letter_fmt_value(lt, e->kpis[i].kpi, e->kpis[i].next_target));
	}
	if (sb.len) {
		layout_paragraph(&lt->L, sb.buf, BODY_L, BODY_W, FS_BODY, LH_BODY, C_TEXT, 0);
		lt->L.y -= 3;
	}
	strbuf_release(&sb);
}

/* A ruled box with the hint inside its top: two-way feedback on paper. */
static void block_comments(struct letter *lt)
{
	struct layout *L = &lt->L;
	double h = COMMENTS_MIN_H, y, top, room;
	size_t i, n;
	/* The box and the signatures below it stay on one page. */
	layout_ensure(L, h + SIGNATURES_H);
	top = L->y;
	/* Room left on the page goes to the employee's own words (up to about
	 * ten lines): never a new page for it, never a cramped box beside an
	 * empty half page. */
	room = top - BODY_BOTTOM - SIGNATURES_H - 8;
	if (room > h)
		h = room < 200 ? room : 200;
	layout_rect(L, BODY_L, top - h, BODY_W, h, NO_COLOR, C_RULE);
	n = layout_wrap(L, letter_label(lt, "comments_hint"), BODY_W - 16, FS_SMALL);
	for (y = top - 3, i = 0; i < n && i < 2; i++, y -= LH_SMALL)
		layout_text(L, BODY_L + 8, layout_baseline(y, LH_SMALL, FS_SMALL), FS_SMALL, C_GREY, 0,
			letter_label(lt, "comments_hint") + L->wl.v[i].off, L->wl.v[i].len);
	for (y -= 17; y > top - h + 5; y -= 17)
		layout_line(L, BODY_L + 8, y, BODY_L + BODY_W - 8, y, 0.3, C_RULE, 1);
	L->y = top - h - 4;
}

static void block_signatures(struct letter *lt)
{
	struct layout *L = &lt->L;
	const char *who[2] = { letter_label(lt, "sign_employee"), letter_label(lt, "sign_manager") };
	const char *date = letter_label(lt, "sign_date");
	double colw = (BODY_W - 24) / 2, y;
	int i;
	layout_ensure(L, SIGNATURES_H);
	y = L->y - 18;
	for (i = 0; i < 2; i++) {
		double x = BODY_L + i * (colw + 24), dw = colw * 0.32;
		const char *w = letter_fit(lt, who[i], colw - dw - 8, FS_SMALL);
		const char *dt = letter_fit(lt, date, dw, FS_SMALL);
		layout_line(L, x, y, x + colw - dw - 8, y, 0.6, C_TEXT, 0);
		layout_line(L, x + colw - dw, y, x + colw, y, 0.6, C_TEXT, 0);
		layout_text(L, x, y - 11, FS_SMALL, C_GREY, 0, w, strlen(w));
		layout_text(L, x + colw - dw, y - 11, FS_SMALL, C_GREY, 0, dt, strlen(dt));
	}
	L->y = y - 14;
}

static const struct {
	const char *name;
	void (*lay_out)(struct letter *lt);
} blocks[] = {
	{ "summary", block_summary }, { "kpis", block_kpis }, { "chart", block_chart },
	{ "strengths", block_strengths }, { "improve", block_improve },
	{ "dimensions", block_dimensions }, { "reviews", block_reviews },
	{ "training", block_training }, { "next_targets", block_next_targets },
	{ "comments", block_comments }, { "signatures", block_signatures },
};
#define NBLOCKS (sizeof(blocks) / sizeof(blocks[0]))

int letter_block_known(const char *name)
{
	size_t i;
	for (i = 0; i < NBLOCKS; i++)
		if (!strcmp(blocks[i].name, name))
			return 1;
	return 0;
}

void letter_block(struct letter *lt, const char *name)
{
	size_t i;
	for (i = 0; i < NBLOCKS; i++)
		if (!strcmp(blocks[i].name, name))
			blocks[i].lay_out(lt);
}
