/*
 * bonus: points, caps and the allocation of the pool to the cent (SPEC 9).
 *
 * points = base_salary (units) x value_coefficient x multiplier(rating) x
 * proration, exactly (SPEC 9): nothing is rounded before the cents. Each
 * factor is an integer over a denominator every employee of the period
 * shares: the salary in cents over 100, the coefficient and the multiplier
 * as the decimals the config wrote (1.35 = 135 / 10^2, the scale being the
 * most decimals any role or band uses), the proration as days / days in the
 * period. So the integer w = cents x coef x mult x days is the points times
 * one common constant, and every share pool x w_i / W is an exact rational
 * number computed with 128-bit integers: the floor, the remainder that
 * decides who gets the leftover cents (largest remainder, ties by
 * employee_id ascending) and the cap test never pass through floating point.
 * The 4-decimal points in results.csv, the workbook and explain are w over
 * that constant rounded for display only (before issue 15 item 15 the
 * rounded value was what was shared: a 15/31 proration could move a cent).
 *
 * Points above 9 x 10^11 are refused (exit 65 naming the employee): past
 * 2^53 / 10^4 the 4 decimals shown are no longer exact; a w beyond 64 bits
 * (coefficients with many decimals), with which cap x w and pool x w could
 * pass 128, is refused the same way.
 *
 * Caps = cap_months x monthly base salary, in integers too: cap_months is
 * taken once as millionths of a month and cap = salary (cents) x millionths
 * / 10^6, half away from zero. They are water-filling: whoever's
 * exact share exceeds the cap is fixed at the cap and the rest of the pool
 * is shared among the others, until nobody exceeds. Removing someone whose
 * cap/w is below the current rate R/W only raises the rate, so the capped
 * set is a prefix of the employees sorted by cap/w; one sorted pass finds
 * it (same fixed point as repeating the allocation, in O(n log n)). The
 * rounding is done once, at the end, over the uncapped: a share not above
 * its cap cannot round above it (the extra cent only goes to a non-zero
 * remainder, i.e. to an exact share strictly above its floor).
 *
 * Choices (docs/DECISIONS.md): an eligible employee with 0 points (e.g. the
 * bottom band's multiplier 0) stays eligible with bonus 0 and no reason; with
 * [bonus.pools], an eligible employee of a department without a pool is a
 * configuration error; gender gap = (men - women) / men x 100 over the
 * eligible, by mean and by median.
 */
#include "compute/bonus.h"
#include "model.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

__extension__ typedef __int128 i128;

/* Above this, points x 10^4 is no longer an exact integer in a double
 * (2^53 = 9.007e15), so the 4 decimals shown could not be exact. */
#define POINTS_MAX 900000000000.0
/* Config decimals (coefficients, multipliers in [0, 100]) are read back to
 * at most this many digits. */
#define DECIMALS_MAX 9
#define MILLION 1000000

struct share {
	size_t emp;
	const char *id;
	int64_t w;          /* exact points x the period's common constant */
	int64_t cap;        /* cents, INT64_MAX when uncapped */
	i128 rem;           /* remainder of pool x w mod W */
	int capped;
};

/* Ascending cap / w, compared exactly by cross-multiplying. */
static int cmp_cap_ratio(const void *a, const void *b)
{
	const struct share *x = a, *y = b;
	i128 l = (i128)x->cap * y->w, r = (i128)y->cap * x->w;
	if (l != r)
		return l < r ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int cmp_remainder(const void *a, const void *b)
{
	const struct share *x = a, *y = b;
	if (x->rem != y->rem)
		return x->rem > y->rem ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* R x w / W > cap, exactly. R x w < 2^126 always fits; cap x W may not
 * (an uncapped INT64_MAX times a large Σw), and then it is the larger. */
static int exceeds(int64_t R, int64_t w, int64_t cap, i128 W)
{
	i128 rhs;
	if (__builtin_mul_overflow((i128)cap, W, &rhs))
		return 0;
	return (i128)R * w > rhs;
}

/*
 * Shares `pool` among s[0..n-1] (all with w > 0) in proportion to w, capped.
 * Writes each bonus into c->emps[].bonus; returns the unallocated cents
 * (non-zero only when everybody is capped).
 */
static int64_t allocate(struct company *c, struct share *s, size_t n, int64_t pool)
{
	i128 W = 0;
	int64_t R = pool, given = 0;
	size_t i, first = 0, k;

	for (i = 0; i < n; i++)
		W += s[i].w;
	qsort(s, n, sizeof(*s), cmp_cap_ratio);
	/* Water-filling: exceeds iff R x w / W > cap iff R x w > cap x W. */
	while (first < n && exceeds(R, s[first].w, s[first].cap, W)) {
		s[first].capped = 1;
		c->emps[s[first].emp].bonus = s[first].cap;
		c->emps[s[first].emp].flags |= FLAG_BONUS_CAPPED;
		R -= s[first].cap;
		W -= s[first].w;
		first++;
	}
	if (first == n)
		return R;
	for (i = first; i < n; i++) {
		i128 num = (i128)R * s[i].w;
		int64_t fl = (int64_t)(num / W);
		s[i].rem = num % W;
		c->emps[s[i].emp].bonus = fl;
		given += fl;
	}
	qsort(s + first, n - first, sizeof(*s), cmp_remainder);
	/* Σ floors > R - (n - first), so fewer leftover cents than people. */
	for (k = first; given < R && k < n; k++, given++)
		c->emps[s[k].emp].bonus++;
	return 0;
}

/* The exact points of the period: w = cents x coef x mult x days, with
 * coef and mult integers at the scales below; points = w / denom. */
struct exact {
	int64_t coef_scale, mult_scale;   /* 10^k */
	i128 denom;                       /* 100 x coef_scale x mult_scale x period days */
};

static int64_t pow10_of(int k)
{
	int64_t p = 1;
	while (k-- > 0)
		p *= 10;
	return p;
}

/* The fewest decimals that give x back: the number the config wrote, since
 * a decimal of up to 15 significant digits survives the trip through a
 * double (1.35 -> 2: 135 / 100 == 1.35). DECIMALS_MAX at most. */
static int decimals_of(double x)
{
	int k;
	for (k = 0; k < DECIMALS_MAX; k++) {
		double p = (double)pow10_of(k);
		if ((double)llround(x * p) / p == x)
			return k;
	}
	return DECIMALS_MAX;
}

static void exact_init(struct exact *x, const struct config *cfg, int ndays)
{
	int kc = 0, km = 0, k;
	size_t i;
	for (i = 0; i < cfg->nroles; i++)
		if ((k = decimals_of(cfg->roles[i].value_coefficient)) > kc)
			kc = k;
	for (i = 0; i < cfg->nbands; i++)
		if ((k = decimals_of(cfg->bands[i].multiplier)) > km)
			km = k;
	x->coef_scale = pow10_of(kc);
	x->mult_scale = pow10_of(km);
	x->denom = (i128)100 * x->coef_scale * x->mult_scale * (ndays > 0 ? ndays : 1);
}

/* w of e into *w; -1 when it does not fit in 64 bits (then cap x w and
 * pool x w, below, could overflow 128). */
static int exact_points(const struct exact *x, const struct employee *e,
			const struct config *cfg, int64_t *w)
{
	double coef = e->role >= 0 && (size_t)e->role < cfg->nroles
		? cfg->roles[e->role].value_coefficient : 1.0;
	double mult = e->rating >= 0 && (size_t)e->rating < cfg->nbands
		? cfg->bands[e->rating].multiplier : 0.0;
	i128 v = e->base_salary > 0 && e->days > 0 ? e->base_salary : 0;
	if (__builtin_mul_overflow(v, (i128)llround(coef * (double)x->coef_scale), &v) ||
	    __builtin_mul_overflow(v, (i128)llround(mult * (double)x->mult_scale), &v) ||
	    __builtin_mul_overflow(v, (i128)e->days, &v) || v > INT64_MAX)
		return -1;
	*w = (int64_t)v;
	return 0;
}

/* w / denom to 4 decimals, half up (w >= 0): for display only. */
static double exact_display(const struct exact *x, int64_t w)
{
	i128 num = (i128)w * 20000;   /* < 2^78 */
	return (double)((num / x->denom + 1) / 2) / 10000.0;
}

/* cap_months in millionths of a month, read once: 3 -> 3000000. The
 * config bounds it to [0, 1200], so it fits easily. */
static int64_t cap_millionths(const struct config *cfg)
{
	return cfg->bonus.cap_months > 0 ? (int64_t)llround(cfg->bonus.cap_months * MILLION) : 0;
}

/* base_salary x cap_millionths / 10^6 in cents, half away from zero, in
 * integers: 0.95 x 12,345.30 = 11,728.035 -> 11,728.04 (the double product
 * is 11,728.03499.. and would round down). INT64_MAX when uncapped. */
static int64_t cap_of(int64_t base_salary, int64_t millionths)
{
	i128 num, q;
	if (millionths <= 0)
		return INT64_MAX;
	num = (i128)base_salary * millionths;
	q = num >= 0 ? (num + MILLION / 2) / MILLION : -((-num + MILLION / 2) / MILLION);
	return q > INT64_MAX ? INT64_MAX : q < 0 ? 0 : (int64_t)q;
}

static const struct dept_pool *pool_for(const struct config *cfg, const char *dept)
{
	size_t i;
	for (i = 0; i < cfg->bonus.npools; i++)
		if (dept && !strcmp(cfg->bonus.pools[i].department, dept))
			return &cfg->bonus.pools[i];
	for (i = 0; i < cfg->bonus.npools; i++)
		if (dept && !strcasecmp(cfg->bonus.pools[i].department, dept))
			return &cfg->bonus.pools[i];
	return NULL;
}

/* -1 unknown, 0 man, 1 woman (the common spellings in HR exports). */
static int gender_of(const char *g)
{
	static const char *const men[] = { "m", "male", "man", "men", "男", "男性" };
	static const char *const women[] = { "f", "female", "woman", "women", "女", "女性" };
	size_t i;
	if (!g)
		return -1;
	while (isspace((unsigned char)*g))
		g++;
	for (i = 0; i < sizeof(men) / sizeof(men[0]); i++)
		if (!strcasecmp(g, men[i]))
			return 0;
	for (i = 0; i < sizeof(women) / sizeof(women[0]); i++)
		if (!strcasecmp(g, women[i]))
			return 1;
	return -1;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static double median_of(int64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_i64);
	return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
}

static void gender_gap(struct company *c)
{
	int64_t *v[2];
	size_t n[2] = { 0, 0 }, i;
	double sum[2] = { 0, 0 }, mean[2], med[2];
	int s;

	c->gender_gap_mean_pct = c->gender_gap_median_pct = NAN;
	v[0] = xcalloc(c->nemps ? c->nemps : 1, sizeof(int64_t));
	v[1] = xcalloc(c->nemps ? c->nemps : 1, sizeof(int64_t));
	for (i = 0; i < c->nemps; i++) {
		const struct employee *e = &c->emps[i];
		int g = e->in_scope && e->eligible ? gender_of(e->gender) : -1;
		if (g < 0)
			continue;
		v[g][n[g]++] = e->bonus;
		sum[g] += (double)e->bonus;
	}
	if (n[0] && n[1]) {
		for (s = 0; s < 2; s++) {
			mean[s] = sum[s] / (double)n[s];
			med[s] = median_of(v[s], n[s]);
		}
		if (mean[0] > 0)
			c->gender_gap_mean_pct = (mean[0] - mean[1]) / mean[0] * 100;
		if (med[0] > 0)
			c->gender_gap_median_pct = (med[0] - med[1]) / med[0] * 100;
	}
	free(v[0]);
	free(v[1]);
}

static void warn_unallocated(struct diag *d, const char *what, int64_t cents)
{
	struct strbuf sb = STRBUF_INIT;
	money_format(&sb, cents, NULL);
	if (what)
		diag_warn(d, NULL, 0, 0, "bonus pool of department '%s': %s left unallocated",
			  what, sb.buf);
	else
		diag_warn(d, NULL, 0, 0, "bonus pool: %s left unallocated", sb.buf);
	strbuf_release(&sb);
}

/* Allocates one pool among the eligible employees whose pool_of[] is `which`
 * (pool_of NULL: everybody); `what` names a department's pool (NULL: the
 * company's) in a warning. */
static void allocate_pool(struct company *c, struct share *buf, const int64_t *wv,
			  const long *pool_of, long which, const char *what, int64_t pool,
			  struct diag *d)
{
	size_t i, n = 0;
	int64_t left;
	double points = 0;
	for (i = 0; i < c->nemps; i++) {
		const struct employee *e = &c->emps[i];
		if (!e->in_scope || !e->eligible || (pool_of && pool_of[i] != which))
			continue;
		points += e->points;
		if (wv[i] <= 0)
			continue;
		buf[n].emp = i;
		buf[n].id = e->id ? e->id : "";
		buf[n].w = wv[i];
		buf[n].cap = e->cap_cents;
		buf[n].capped = 0;
		n++;
	}
	/* what explain shows as "pool x points / sum of points" */
	for (i = 0; i < c->nemps; i++) {
		struct employee *e = &c->emps[i];
		if (e->in_scope && e->eligible && (!pool_of || pool_of[i] == which)) {
			e->pool_cents = pool;
			e->pool_points = points;
		}
	}
	left = n ? allocate(c, buf, n, pool) : pool;
	if (left) {
		c->unallocated_cents += left;
		warn_unallocated(d, what, left);
		diag_hint(d, n ? "every eligible employee is at the cap_months cap; raise [bonus] "
			  "cap_months or lower the pool"
			  : "no eligible employee has bonus points (multiplier x salary x proration > 0)");
	}
}

int bonus_allocate(struct company *c, const struct config *cfg, struct diag *d)
{
	const struct bonus_conf *bc = &cfg->bonus;
	size_t cap = c->nemps ? c->nemps : 1, i, p;
	struct share *buf = xcalloc(cap, sizeof(*buf));
	int64_t *wv = xcalloc(cap, sizeof(*wv));
	long *pool_of = bc->npools ? xcalloc(cap, sizeof(*pool_of)) : NULL;
	int64_t cap_mill = cap_millionths(cfg);
	int rc = 0, too_big = 0;
	struct exact x;

	exact_init(&x, cfg, c->period.ndays);
	c->pool_cents = c->allocated_cents = c->unallocated_cents = 0;
	for (i = 0; i < c->nemps; i++) {
		struct employee *e = &c->emps[i];
		const struct dept_pool *dp;
		e->bonus = 0;
		e->points = 0;
		e->cap_cents = INT64_MAX;
		e->pool_cents = 0;
		e->pool_points = 0;
		e->flags &= ~(unsigned)FLAG_BONUS_CAPPED;
		if (!e->in_scope || !e->eligible)
			continue;
		if (exact_points(&x, e, cfg, &wv[i]) < 0) {
			diag_error(d, MERIT_DATAERR, cfg->inputs[INPUT_HR].file, e->line, 0,
				   "employee '%s': bonus points beyond exact arithmetic "
				   "(salary in cents x coefficient x multiplier x days passes 2^63)",
				   e->id ? e->id : "");
			diag_hint(d, "check the base_salary column (cents or units?) and the "
				  "decimals of value_coefficient and multipliers");
			too_big = 1;
			continue;
		}
		e->points = exact_display(&x, wv[i]);
		if (e->points > POINTS_MAX) {
			diag_error(d, MERIT_DATAERR, cfg->inputs[INPUT_HR].file, e->line, 0,
				   "employee '%s': bonus points %.4g exceed %.0f, beyond exact "
				   "arithmetic", e->id ? e->id : "", e->points, POINTS_MAX);
			diag_hint(d, "points = base_salary x value_coefficient x multiplier x "
				  "proration; check the base_salary column (cents or units?)");
			too_big = 1;
			continue;
		}
		e->cap_cents = cap_of(e->base_salary, cap_mill);
		if (!pool_of)
			continue;
		dp = pool_for(cfg, e->department);
		pool_of[i] = dp ? dp - bc->pools : -1;
		if (!dp && e->points > 0)
			rc = diag_error(d, MERIT_CONFIG, cfg->path, 0, 0,
					"[bonus.pools]: no pool for department '%s' (employee %s)",
					e->department ? e->department : "", e->id ? e->id : "");
	}
	if (rc < 0 || too_big) {
		if (rc < 0)
			diag_hint(d, "add `DEPARTMENT = amount` to [bonus.pools] for every "
				  "department with eligible employees");
		free(buf);
		free(wv);
		free(pool_of);
		return -1;
	}

	if (!pool_of) {
		c->pool_cents = bc->pool_cents;
		allocate_pool(c, buf, wv, NULL, 0, NULL, bc->pool_cents, d);
	}
	for (p = 0; pool_of && p < bc->npools; p++) {
		c->pool_cents += bc->pools[p].cents;
		allocate_pool(c, buf, wv, pool_of, (long)p, bc->pools[p].department,
			      bc->pools[p].cents, d);
	}

	for (i = 0; i < c->ngroups; i++)
		c->groups[i].bonus_total = 0, c->groups[i].pool_cents = 0;
	for (i = 0; i < c->nemps; i++) {
		const struct employee *e = &c->emps[i];
		c->allocated_cents += e->bonus;
		if (e->in_scope && e->group < c->ngroups)
			c->groups[e->group].bonus_total += e->bonus;
	}
	/* A group's own pool is meaningful only when groups are departments. */
	if (pool_of && (!cfg->fairness.group || cfg->fairness.group_field == HR_DEPARTMENT))
		for (i = 0; i < c->ngroups; i++) {
			const struct dept_pool *dp = pool_for(cfg, c->groups[i].name);
			c->groups[i].pool_cents = dp ? dp->cents : 0;
		}
	gender_gap(c);
	free(buf);
	free(wv);
	free(pool_of);
	return 0;
}
