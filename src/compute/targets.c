/*
 * targets: the targets input indexed once per run, and the target of one
 * KPI for one employee in any period (the run's, or the next one that the
 * letters show), by the rule written down in DECISIONS.md:
 *   - scope precedence employee > role > department > company; at each
 *     scope a row of the period itself wins, else the shortest longer
 *     period containing it, else shorter periods inside it, but only when
 *     they cover all of it (3 months of a quarter); otherwise the next
 *     scope is tried;
 *   - a longer period's target (a quarter's, for a monthly run) is
 *     prorated by months (× 1/3) when the KPI's metric adds up over time
 *     (sum, count, count_distinct); a rate (avg, ratio, ...) is kept as is;
 *   - complete shorter periods are added up for an additive metric and
 *     averaged for a rate;
 *   - incomplete shorter rows (1 month of a quarter) are never used: one
 *     month's target for a quarter would triple the achievement. When they
 *     are all there is, the target is missing (on_missing_target decides)
 *     and a warning names the rows.
 */

#include "compute/targets.h"
#include "model.h"
#include "util/strbuf.h"
#include "util/strmap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * The targets indexed once per run. Matching a row used to mean scanning
 * every row for every employee x KPI, quadratic in the headcount (93 % of a
 * 100k-employee run). Rows are grouped by "KPI \x1f scope \x1f key" (the
 * KPI number first, so the key, which may hold any byte, is the unambiguous
 * tail); each group lists its rows in file order, which the precedence
 * rules below rely on. Keys of role and department rows are folded to ASCII
 * lower case, as the strcasecmp matching they replace (merit never calls
 * setlocale, so strcasecmp folds ASCII only); employee ids match exactly.
 */
struct targets {
	struct strmap map;        /* composite key -> group */
	char **keys;              /* one owned composite key per group */
	size_t *head, *tail;      /* per group: its first and last row */
	size_t *next;             /* per row: the next row of its group */
	size_t ngroups;
};

#define NO_ROW ((size_t)-1)

static void index_key(struct strbuf *sb, int kpi, int scope, const char *key)
{
	char num[24];
	const char *p;
	int n = 0;
	unsigned v = kpi < 0 ? 0u - (unsigned)kpi : (unsigned)kpi;
	/* no printf: this runs for every employee x KPI x scope */
	do
		num[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	strbuf_reset(sb);
	if (kpi < 0)
		strbuf_addch(sb, '-');
	while (n)
		strbuf_addch(sb, num[--n]);
	strbuf_addch(sb, '\x1f');
	strbuf_addch(sb, (char)('0' + scope));
	strbuf_addch(sb, '\x1f');
	for (p = key; *p; p++)
		strbuf_addch(sb, scope == 0 ? *p : (*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
}

struct targets *targets_new(const struct company *c)
{
	struct targets *ti = xcalloc(1, sizeof(*ti));
	struct strbuf key = STRBUF_INIT;
	size_t i, g;
	strmap_init(&ti->map);
	ti->keys = xcalloc(c->ntargets + 1, sizeof(*ti->keys));
	ti->head = xcalloc(c->ntargets + 1, sizeof(*ti->head));
	ti->tail = xcalloc(c->ntargets + 1, sizeof(*ti->tail));
	ti->next = xcalloc(c->ntargets + 1, sizeof(*ti->next));
	for (i = 0; i < c->ntargets; i++) {
		const struct target_row *t = &c->targets[i];
		ti->next[i] = NO_ROW;
		/* rows that no employee can match stay out of every group */
		if (t->scope < 0 || t->scope > 3 || (t->scope < 3 && !t->key))
			continue;
		index_key(&key, t->kpi, t->scope, t->scope < 3 ? t->key : "");
		if (strmap_get(&ti->map, key.buf, &g)) {
			ti->next[ti->tail[g]] = i;
			ti->tail[g] = i;
			continue;
		}
		g = ti->ngroups++;
		ti->keys[g] = strbuf_detach(&key, NULL);
		ti->head[g] = ti->tail[g] = i;
		strmap_put(&ti->map, ti->keys[g], g);
	}
	strbuf_release(&key);
	return ti;
}

void targets_free(struct targets *ti)
{
	size_t g;
	if (!ti)
		return;
	strmap_release(&ti->map);
	for (g = 0; g < ti->ngroups; g++)
		free(ti->keys[g]);
	free(ti->keys);
	free(ti->head);
	free(ti->tail);
	free(ti->next);
	free(ti);
}

void targets_scratch_init(struct targets_scratch *sc)
{
	memset(sc, 0, sizeof(*sc));
	strbuf_init(&sc->probe, 64);
}

void targets_scratch_release(struct targets_scratch *sc)
{
	strbuf_release(&sc->probe);
	free(sc->found);
}

/* Appends the rows of one group to sc->found. */
static void index_collect(const struct targets *ti, struct targets_scratch *sc, int kpi,
			  int scope, const char *key)
{
	size_t g, i;
	if (!key)
		return;
	index_key(&sc->probe, kpi, scope, key);
	if (!strmap_get(&ti->map, sc->probe.buf, &g))
		return;
	for (i = ti->head[g]; i != NO_ROW; i = ti->next[i]) {
		ALLOC_GROW(sc->found, sc->nfound + 1, sc->found_alloc);
		sc->found[sc->nfound++] = i;
	}
}

static int cmp_row(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Fills sc->found with the rows of KPI k and the scope that apply to e, in
 * file order. A role matches by its NAME or either label half: up to three
 * keys, whose groups are disjoint unless two keys fold to the same text
 * (then that group is taken once).
 */
static void index_find(const struct targets *ti, struct targets_scratch *sc,
		       const struct config *cfg, const struct employee *e, int k, int scope)
{
	sc->nfound = 0;
	if (scope == TARGET_EMPLOYEE) {
		index_collect(ti, sc, k, scope, e->id);
	} else if (scope == TARGET_ROLE) {
		const char *names[3];
		int i, j;
		if (e->role < 0 || (size_t)e->role >= cfg->nroles)
			return;
		names[0] = cfg->roles[e->role].name;
		names[1] = cfg->roles[e->role].label.zh;
		names[2] = cfg->roles[e->role].label.en;
		for (i = 0; i < 3; i++) {
			for (j = 0; j < i; j++)
				if (names[i] && names[j] && !strcasecmp(names[i], names[j]))
					break;
			if (j == i)
				index_collect(ti, sc, k, scope, names[i]);
		}
		if (sc->nfound > 1)   /* qsort(NULL, 0, ..) is undefined */
			qsort(sc->found, sc->nfound, sizeof(*sc->found), cmp_row);
	} else if (scope == TARGET_DEPARTMENT) {
		index_collect(ti, sc, k, scope, e->department);
	} else {
		index_collect(ti, sc, k, scope, "");
	}
}

static int metric_is_additive(const struct config *cfg, const struct kpi_def *k)
{
	enum metric_agg agg;
	if (k->metric < 0 || (size_t)k->metric >= cfg->nmetrics)
		return 0;
	agg = cfg->metrics[k->metric].agg;
	return agg == AGG_SUM || agg == AGG_COUNT || agg == AGG_COUNT_DISTINCT;
}

/* Shorter periods inside a run: months (of a quarter or a year) and
 * quarters (of a year), by their position in the run. */
enum { SHORT_MONTH, SHORT_QUARTER, SHORT_KINDS };
static const int short_months[SHORT_KINDS] = { 1, 3 };

/* What the rows of one scope offer for period p. */
struct scope_rows {
	int scope;
	const struct target_row *exact, *longer;
	const struct target_row *part[SHORT_KINDS][12];   /* first row per slot */
	int nparts[SHORT_KINDS];
};

static int month_index(const struct period *p)
{
	return p->year * 12 + p->first_month - 1;
}

static void scope_rows_collect(struct scope_rows *sr, const struct company *c,
			       const struct targets_scratch *sc, const struct period *p)
{
	size_t i;
	for (i = 0; i < sc->nfound; i++) {
		const struct target_row *t = &c->targets[sc->found[i]];
		const struct period *tp = &t->period;
		int j, slot;
		if (tp->nmonths == p->nmonths && tp->first == p->first) {
			if (!sr->exact)
				sr->exact = t;
		} else if (tp->nmonths > p->nmonths && period_within(p, tp)) {
			if (!sr->longer || tp->nmonths < sr->longer->period.nmonths)
				sr->longer = t;
		} else if (tp->nmonths < p->nmonths && period_within(tp, p)) {
			j = tp->nmonths == 1 ? SHORT_MONTH : tp->nmonths == 3 ? SHORT_QUARTER : -1;
			if (j < 0)
				continue;
			slot = (month_index(tp) - month_index(p)) / short_months[j];
			if (slot < 0 || slot >= 12 || sr->part[j][slot])
				continue;   /* a repeated period: the first row counts */
			sr->part[j][slot] = t;
			sr->nparts[j]++;
		}
	}
}

static int scope_rows_complete(const struct scope_rows *sr, const struct period *p, int j)
{
	return short_months[j] < p->nmonths && sr->nparts[j] == p->nmonths / short_months[j];
}

/* "employee E1", "role sales", "department 销售一部", "company". */
static void add_scope(struct strbuf *src, int scope, const struct target_row *t)
{
	strbuf_addstr(src, target_scope_names[scope]);
	if (scope != TARGET_COMPANY)
		strbuf_addf(src, " %s", t->key);
}

/* The shorter rows of kind j, in period order: "2026-10 + 2026-11" with
 * sep " + ", and their lines into *lines. */
static void add_parts(struct strbuf *src, struct strbuf *lines, const struct scope_rows *sr,
		      int j, const char *sep)
{
	int slot, n = 0;
	for (slot = 0; slot < 12; slot++) {
		const struct target_row *t = sr->part[j][slot];
		if (!t)
			continue;
		strbuf_addf(src, "%s%s", n ? sep : "", t->period.label);
		strbuf_addf(lines, "%s%d", lines->len ? "," : "", t->line);
		n++;
	}
}

/* The incomplete rows of a scope: "employee E1 2026-10, 2026-11 (2 of 3
 * months) (targets.csv:10,11)". Returns the first such row. */
static const struct target_row *add_partial(struct strbuf *src, const struct scope_rows *sr,
					    const struct period *p, const char *file)
{
	const struct target_row *first = NULL;
	struct strbuf lines = STRBUF_INIT;
	int j, slot;
	for (j = SHORT_KINDS - 1; j >= 0; j--) {
		if (!sr->nparts[j])
			continue;
		for (slot = 0; slot < 12 && !first; slot++)
			first = sr->part[j][slot];
		if (lines.len)
			strbuf_addstr(src, ", ");
		else
			add_scope(src, sr->scope, first);
		strbuf_addch(src, ' ');
		add_parts(src, &lines, sr, j, ", ");
		strbuf_addf(src, " (%d of %d %s)", sr->nparts[j], p->nmonths / short_months[j],
			    j == SHORT_MONTH ? "months" : "quarters");
	}
	strbuf_addf(src, " (%s:%s)", file, lines.buf);
	strbuf_release(&lines);
	return first;
}

/* Takes the target of one scope when it has a complete one: 1, else 0. */
static int scope_rows_pick(const struct scope_rows *sr, const struct period *p, int additive,
			   const char *file, double *value, struct strbuf *src)
{
	const struct target_row *t = sr->exact ? sr->exact : sr->longer;
	int j, slot;
	if (t) {
		add_scope(src, sr->scope, t);
		strbuf_addf(src, " %s", t->period.label);
		if (t == sr->exact) {
			*value = t->value;
		} else if (additive) {
			double share = period_share(&t->period, p);
			*value = t->value * share;
			strbuf_addf(src, " x %d/%d", (int)lround(share * t->period.nmonths),
				    t->period.nmonths);
		} else {
			*value = t->value;
			strbuf_addstr(src, ", a rate: not prorated");
		}
		strbuf_addf(src, " (%s:%d)", file, t->line);
		return 1;
	}
	for (j = SHORT_KINDS - 1; j >= 0; j--) {
		struct strbuf lines = STRBUF_INIT;
		double sum = 0;
		int n = 0;
		if (!scope_rows_complete(sr, p, j))
			continue;
		for (slot = 0; slot < 12; slot++)
			if (sr->part[j][slot]) {
				sum += sr->part[j][slot]->value;
				n++;
			}
		*value = additive ? sum : sum / n;
		for (slot = 0; !sr->part[j][slot]; slot++)
			;
		add_scope(src, sr->scope, sr->part[j][slot]);
		strbuf_addstr(src, additive ? " " : " mean of ");
		add_parts(src, &lines, sr, j, additive ? " + " : ", ");
		strbuf_addf(src, " (%s:%s)", file, lines.buf);
		strbuf_release(&lines);
		return 1;
	}
	return 0;
}

const char *targets_file(const struct config *cfg)
{
	const char *f = cfg->inputs[INPUT_TARGETS].file_display;
	return f ? f : "targets";
}

int targets_lookup(const struct targets *ti, struct targets_scratch *sc,
		   const struct company *c, const struct config *cfg,
		   const struct employee *e, int k, const struct period *p,
		   double *value, struct strbuf *src, const struct target_row **partial)
{
	const char *file = targets_file(cfg);
	int additive = metric_is_additive(cfg, &cfg->kpis[k]);
	struct scope_rows sr, incomplete;
	int scope, found = 0;

	incomplete.scope = -1;
	*partial = NULL;
	for (scope = 0; scope < TARGET_SCOPE_COUNT && !found; scope++) {
		memset(&sr, 0, sizeof(sr));
		sr.scope = scope;
		index_find(ti, sc, cfg, e, k, scope);
		scope_rows_collect(&sr, c, sc, p);
		found = scope_rows_pick(&sr, p, additive, file, value, src);
		if (!found && incomplete.scope < 0 && (sr.nparts[0] || sr.nparts[1]))
			incomplete = sr;
	}
	if (incomplete.scope < 0)
		return found;
	if (found) {
		/* say what a higher scope offered, so nobody wonders why it lost */
		strbuf_addstr(src, "; incomplete, not used: ");
		add_partial(src, &incomplete, p, file);
		return 1;
	}
	*partial = add_partial(src, &incomplete, p, file);
	return 0;
}

int targets_find(const struct targets *ti, const struct company *c,
		 const struct config *cfg, const struct employee *e, int kpi,
		 const struct period *p, double *value, struct strbuf *source)
{
	struct targets_scratch sc;
	struct strbuf scratch_src = STRBUF_INIT;
	const struct target_row *partial;
	int found;
	if (kpi < 0 || (size_t)kpi >= cfg->nkpis)
		return 0;
	targets_scratch_init(&sc);
	found = targets_lookup(ti, &sc, c, cfg, e, kpi, p, value,
			       source ? source : &scratch_src, &partial);
	targets_scratch_release(&sc);
	strbuf_release(&scratch_src);
	return found;
}

void targets_set_next(struct company *c, const struct config *cfg)
{
	struct targets *ti = targets_new(c);
	struct targets_scratch sc;
	struct strbuf src = STRBUF_INIT;
	const struct target_row *partial;
	size_t i, k;

	period_next(&c->period, &c->next_period);
	targets_scratch_init(&sc);
	for (i = 0; i < c->nemps; i++) {
		struct employee *e = &c->emps[i];
		if (!e->in_scope)
			continue;
		for (k = 0; k < e->nkpis; k++) {
			struct kpi_result *r = &e->kpis[k];
			r->has_next_target = 0;
			if (r->kpi < 0 || (size_t)r->kpi >= cfg->nkpis)
				continue;
			strbuf_reset(&src);
			r->has_next_target = targets_lookup(ti, &sc, c, cfg, e, r->kpi, &c->next_period,
							    &r->next_target, &src, &partial);
		}
	}
	strbuf_release(&src);
	targets_scratch_release(&sc);
	targets_free(ti);
}
