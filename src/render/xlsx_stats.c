/*
 * xlsx_stats: the figures every sheet needs beyond per-employee values,
 * computed in one pass before any sheet is written (constant_memory mode
 * writes each sheet top to bottom, so totals, counts for autofilters and
 * the KPI union must be known in advance): headcounts, counts per rating
 * band and flag, the KPIs some in-scope employee has, top performers best
 * first, and the department groups (derived when the model has none).
 */
#include "render/xlsx_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

void xlsx_stats_compute(struct xw *x)
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

void xlsx_stats_release(struct xstats *st)
{
	free(st->band_count);
	free(st->band_bonus);
	free(st->kpi_used);
	free(st->top);
	free(st->grps);
	free(st->derived_counts);
}

