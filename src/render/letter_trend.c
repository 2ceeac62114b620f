/*
 * letter_trend: the small trend chart of letters and team packs (SPEC 11):
 * an employee's final score over the last TREND_SHOWN periods, this one
 * included, against the rating bands' edges. Every period has its slot on
 * the x axis, so a period without a result is a gap in the line, not a
 * shorter chart. The figures come from the model (company.past,
 * employee.past, read from the ledger by the pipeline).
 */
#include "render/letter_internal.h"
#include "util/strbuf.h"

#include <math.h>
#include <string.h>

/* The chart's periods: the last TREND_SHOWN - 1 past ones and this one. */
#define TREND_SHOWN 6

/* Slot k's score (0 = oldest shown); 0 when that period has no result. */
static int trend_value(const struct company *c, const struct employee *e, int k, double *v)
{
	size_t first = c->npast >= TREND_SHOWN - 1 ? c->npast - (TREND_SHOWN - 1) : 0;
	size_t slots = c->npast - first + 1, idx = first + (size_t)k;
	if ((size_t)k + 1 == slots) {
		*v = e->norm_score;
		return e->in_scope && e->rating >= 0;
	}
	if (!e->past || idx >= c->npast || !e->past[idx].present)
		return 0;
	*v = e->past[idx].score;
	return 1;
}

static const char *trend_label(const struct company *c, int k, int slots)
{
	return k + 1 == slots ? c->period.label : c->past[c->npast - (size_t)(slots - 1) + (size_t)k];
}

int letter_trend_has(const struct company *c, const struct employee *e)
{
	size_t k;
	if (!e->past)
		return 0;
	for (k = c->npast >= TREND_SHOWN - 1 ? c->npast - (TREND_SHOWN - 1) : 0; k < c->npast; k++)
		if (e->past[k].present)
			return 1;
	return 0;
}

/*
 * Draws the chart into the box whose top-left corner is (x, top), w x h
 * points: period labels under the axis, each score above its point, the
 * band edges as dashed lines named at the right. Nothing when the employee
 * has no earlier result.
 */
void letter_trend_draw(struct letter *lt, const struct employee *e, double x, double top,
		       double w, double h)
{
	struct layout *L = &lt->L;
	const struct company *c = lt->c;
	const struct config *cfg = lt->cfg;
	int slots = (int)(c->npast >= TREND_SHOWN - 1 ? TREND_SHOWN : c->npast + 1), k, prev = 0;
	double v, lo = INFINITY, hi = -INFINITY, px0, px1, py0, py1, step, lastx = 0, lasty = 0;
	size_t b;

	if (!letter_trend_has(c, e))
		return;
	for (k = 0; k < slots; k++)
		if (trend_value(c, e, k, &v)) {
			lo = fmin(lo, v);
			hi = fmax(hi, v);
		}
	/* The band edges near the scores, so the reader sees which band each
	 * point fell in; the bottom band's 0 is no edge worth a line. */
	for (b = 0; b < cfg->nbands; b++) {
		double t = cfg->bands[b].threshold;
		if (t <= 0)
			continue;
		lo = fmin(lo, t);
		hi = fmax(hi, t);
	}
	lo = fmax(0, floor((lo - 5) / 5) * 5);
	hi = ceil((hi + 5) / 5) * 5;
	px0 = x + 4;
	px1 = x + w - 4;
	py1 = top - 9;                /* room for the value labels */
	py0 = top - h + 9;            /* room for the period labels */
	step = (px1 - px0) / slots;
	layout_rect(L, x, top - h, w, h, C_BOX_BG, C_RULE);
	/* Each band is a zone of the plot (the top band tinted green, the
	 * bottom one orange), its edge a dashed line, and its name small at the
	 * left, in the middle of its zone when the zone is tall enough for it:
	 * inside the plot, so that the chart fits beside the result figures. */
	for (b = 0, lasty = py1; b < cfg->nbands; b++) {
		double t = cfg->bands[b].threshold, y = t <= lo ? py0 : py0 + (t - lo) / (hi - lo) * (py1 - py0);
		const char *name = letter_label_text(&cfg->bands[b].label, lt->loc);
		uint32_t tint = b == 0 ? 0xDDEFD9 : b + 1 == cfg->nbands ? 0xFBE3D6 : NO_COLOR;
		if (y >= lasty)
			continue;        /* the zone lies above the plot */
		if (tint != NO_COLOR)
			layout_rect(L, px0, y, px1 - px0, lasty - y, tint, NO_COLOR);
		if (t > lo)
			layout_line(L, px0, y, px1, y, 0.4, C_GREY, 1);
		if (lasty - y >= 6.5)
			layout_text(L, px0 + 2, (y + lasty) / 2 - 2, 5.5, C_GREY, 0, name, strlen(name));
		lasty = y;
		if (y <= py0)
			break;
	}
	for (k = 0; k < slots; k++) {
		const char *pl = trend_label(c, k, slots);
		double cx = px0 + step * (k + 0.5), cy;
		layout_text(L, cx - layout_str_width(L, pl, 6) / 2, top - h + 2.5, 6,
			    k + 1 == slots ? C_TEXT : C_GREY, 0, pl, strlen(pl));
		if (!trend_value(c, e, k, &v)) {
			prev = 0;        /* a gap: the line does not bridge it */
			continue;
		}
		cy = py0 + (v - lo) / (hi - lo) * (py1 - py0);
		if (prev)
			layout_line(L, lastx, lasty, cx, cy, 1.0, C_ACCENT, 0);
		layout_rect(L, cx - 1.8, cy - 1.8, 3.6, 3.6, k + 1 == slots ? C_RED : C_ACCENT, NO_COLOR);
		prev = 1;
		lastx = cx;
		lasty = cy;
	}
	/* The scores last, each on a small white chip above its point, so that
	 * no line or band edge runs through the digits. */
	for (k = 0; k < slots; k++) {
		double cx = px0 + step * (k + 0.5), cy, tw;
		const char *s;
		if (!trend_value(c, e, k, &v))
			continue;
		cy = fmin(py0 + (v - lo) / (hi - lo) * (py1 - py0) + 3.5, top - 6.5);
		s = letter_fmt_score(lt, v);
		tw = layout_str_width(L, s, 6);
		layout_rect(L, cx - tw / 2 - 1, cy - 1.2, tw + 2, 6.2, 0xFFFFFF, NO_COLOR);
		layout_text(L, cx - tw / 2, cy, 6, C_TEXT, 0, s, strlen(s));
	}
}
