/*
 * fairness: makes scores comparable across groups before anyone is rated
 * (SPEC 7, 统一标准). Every in-scope employee joins the group named by its
 * HR field [fairness] group (department by default); the group's raw scores
 * are normalised (none / zscore / percentile), the rating is taken from the
 * normalised score, an optional forced distribution overrides the bands,
 * and the group statistics before and after are kept for the workbook.
 *
 * Definitions (docs/DECISIONS.md, "Fairness, bonus, ledger"):
 * - Standard deviations are population ones (divide by n).
 * - A group whose raw scores are all equal has s_g = 0; it is detected by
 *   min == max, not by a computed sd, because the floating-point mean of n
 *   equal 4-decimal values need not equal them and would leave a tiny sd.
 * - percentile: a member's percentile in its group is p = (r - 1) / (n - 1)
 *   with r its 1-based rank by raw score ascending, ties sharing the mean
 *   rank (p = 0.5 for a group of one). Its normalised score is the company's
 *   raw score at p, interpolated linearly between the closest ranks of the
 *   sorted company scores v[0..N-1]: h = p (N - 1), v[floor h] +
 *   (h - floor h)(v[floor h + 1] - v[floor h]) (Excel's PERCENTILE.INC).
 * - min_group applies to zscore and percentile: smaller groups keep raw and
 *   get FLAG_SMALL_GROUP.
 * - Top performers (荣誉榜): members of the top band, at most the 10 best by
 *   normalised score (ties by employee_id), company-wide.
 */
#include "compute/fairness.h"
#include "compute/scorecard.h"
#include "model.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/strbuf.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TOP_PERFORMERS_MAX 10

/* A forced-distribution share is read in millionths of a percent, so the
 * quotas N x share / sum are exact integer fractions. */
#define SHARE_SCALE 1000000.0

static const char *group_key(const struct employee *e, int field)
{
	const char *s = employee_hr_text(e, field);
	if ((!s || !*s) && field == HR_DEPARTMENT)
		s = e->department;
	return s && *s ? s : "(none)";
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Builds c->groups sorted by name and sets e->group for every employee
 * whose group exists (out-of-scope employees of an empty group keep 0). */
static void build_groups(struct company *c, const struct config *cfg, int field)
{
	const char **names = xcalloc(c->nemps ? c->nemps : 1, sizeof(*names));
	size_t i, n = 0, k;

	for (i = 0; i < c->ngroups; i++) {
		free(c->groups[i].rating_count);
		free(c->groups[i].forced_size);
	}
	free(c->groups);
	free(c->forced_size);
	c->forced_size = NULL;
	c->groups = NULL;
	c->ngroups = 0;

	for (i = 0; i < c->nemps; i++)
		if (c->emps[i].in_scope)
			names[n++] = company_intern(c, group_key(&c->emps[i], field));
	qsort(names, n, sizeof(*names), cmp_str_ptr);
	/* Interned, so equal names are equal pointers once sorted together. */
	for (i = k = 0; i < n; i++)
		if (!k || names[k - 1] != names[i])
			names[k++] = names[i];

	c->groups = xcalloc(k ? k : 1, sizeof(*c->groups));
	c->ngroups = k;
	for (i = 0; i < k; i++) {
		c->groups[i].name = names[i];
		c->groups[i].rating_count = xcalloc(cfg->nbands ? cfg->nbands : 1, sizeof(size_t));
	}
	for (i = 0; i < c->nemps; i++) {
		struct employee *e = &c->emps[i];
		const char *name = company_intern(c, group_key(e, field));
		const char **hit = k ? bsearch(&name, names, k, sizeof(*names), cmp_str_ptr) : NULL;
		e->group = hit ? (size_t)(hit - names) : 0;
	}
	free(names);
}

struct stats {
	double mean, sd, min, max;
};

static struct stats stats_of(const double *v, size_t n)
{
	struct stats s = { 0, 0, 0, 0 };
	double sum = 0, sq = 0;
	size_t i;
	if (!n)
		return s;
	s.min = s.max = v[0];
	for (i = 0; i < n; i++) {
		sum += v[i];
		if (v[i] < s.min)
			s.min = v[i];
		if (v[i] > s.max)
			s.max = v[i];
	}
	s.mean = sum / n;
	if (s.min == s.max) {
		s.mean = s.min;
		return s;
	}
	for (i = 0; i < n; i++)
		sq += (v[i] - s.mean) * (v[i] - s.mean);
	s.sd = sqrt(sq / n);
	return s;
}

/* The company's score at percentile p of sorted v[0..n-1] (PERCENTILE.INC). */
static double value_at_percentile(const double *v, size_t n, double p)
{
	double h = p * (double)(n - 1);
	size_t lo = (size_t)floor(h);
	if (lo >= n - 1)
		return v[n - 1];
	return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

struct ranked {
	size_t emp;
	double score;
	const char *id;
};

static int cmp_ranked_asc(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Best first: norm desc, then employee_id asc (SPEC 7's tie rule). */
static int cmp_ranked_desc(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Percentile normalisation of one group's members (m[0..n-1] any order). */
static void percentile_group(struct company *c, struct ranked *m, size_t n,
			     const double *company_sorted, size_t ncompany)
{
	size_t i = 0, j;
	qsort(m, n, sizeof(*m), cmp_ranked_asc);
	while (i < n) {
		double rank, p;
		for (j = i; j + 1 < n && m[j + 1].score == m[i].score; j++)
			;
		rank = ((double)(i + 1) + (double)(j + 1)) / 2;   /* ties share the mean rank */
		p = n > 1 ? (rank - 1) / (double)(n - 1) : 0.5;
		for (; i <= j; i++)
			c->emps[m[i].emp].norm_score =
				num_round4(value_at_percentile(company_sorted, ncompany, p));
	}
}

/*
 * Band sizes of a forced distribution over n people: floor(n x share) with
 * the leftover slots to the largest fractional parts, ties to the higher
 * band. Integer arithmetic on shares in millionths of a percent, divided by
 * their actual sum, so the sizes add up to n even if the shares are a hair
 * off 100.
 */
static void forced_sizes(const double *shares, size_t nbands, size_t n, size_t *sizes)
{
	int64_t *units = xcalloc(nbands, sizeof(*units));
	int64_t *rem = xcalloc(nbands, sizeof(*rem));
	int64_t total = 0;
	size_t b, given = 0;

	for (b = 0; b < nbands; b++) {
		units[b] = shares[b] > 0 ? llround(shares[b] * SHARE_SCALE) : 0;
		total += units[b];
	}
	for (b = 0; b < nbands; b++) {
		sizes[b] = total ? (size_t)((int64_t)n * units[b] / total) : 0;
		rem[b] = total ? (int64_t)n * units[b] % total : 0;
		given += sizes[b];
	}
	if (!total && nbands)
		sizes[nbands - 1] = n, given = n;
	while (given < n) {
		size_t best = 0;
		for (b = 1; b < nbands; b++)
			if (rem[b] > rem[best])   /* strict: ties stay with the higher band */
				best = b;
		sizes[best]++;
		rem[best] = -1;
		given++;
	}
	free(units);
	free(rem);
}

/* Returns the band sizes it gave (caller frees): explain shows them. */
static size_t *forced_apply(struct company *c, const struct config *cfg, struct ranked *m,
			    size_t n)
{
	size_t *sizes = xcalloc(cfg->nbands ? cfg->nbands : 1, sizeof(*sizes));
	size_t b, i = 0, k;
	for (k = 0; k < n; k++)
		m[k].score = c->emps[m[k].emp].norm_score;
	qsort(m, n, sizeof(*m), cmp_ranked_desc);
	forced_sizes(cfg->fairness.forced_shares, cfg->nbands, n, sizes);
	for (b = 0; b < cfg->nbands; b++)
		for (k = 0; k < sizes[b] && i < n; k++, i++) {
			struct employee *e = &c->emps[m[i].emp];
			e->rating = (int)b;
			e->forced_rank = i + 1;
			e->forced_n = n;
		}
	return sizes;
}

/* Group statistics before/after and the rating counts; members of group g
 * are bym[start[g] .. start[g + 1]). */
static void group_stats_fill(struct company *c, const struct config *cfg,
			     const struct ranked *bym, const size_t *start, double *scratch)
{
	size_t g, k;
	for (g = 0; g < c->ngroups; g++) {
		struct group_stats *gs = &c->groups[g];
		size_t n = start[g + 1] - start[g];
		const struct ranked *m = bym + start[g];
		struct stats s;
		memset(gs->rating_count, 0, cfg->nbands * sizeof(size_t));
		for (k = 0; k < n; k++) {
			const struct employee *e = &c->emps[m[k].emp];
			scratch[k] = e->raw_score;
			if (e->rating >= 0 && (size_t)e->rating < cfg->nbands)
				gs->rating_count[e->rating]++;
		}
		gs->n = n;
		s = stats_of(scratch, n);
		gs->raw_mean = s.mean;
		gs->raw_sd = s.sd;
		for (k = 0; k < n; k++)
			scratch[k] = c->emps[m[k].emp].norm_score;
		s = stats_of(scratch, n);
		gs->norm_mean = s.mean;
		gs->norm_sd = s.sd;
	}
}

static void mark_top_performers(struct company *c, struct ranked *all, size_t n)
{
	size_t i, marked = 0;
	for (i = 0; i < n; i++)
		all[i].score = c->emps[all[i].emp].norm_score;
	qsort(all, n, sizeof(*all), cmp_ranked_desc);
	for (i = 0; i < n && marked < TOP_PERFORMERS_MAX; i++)
		if (c->emps[all[i].emp].rating == 0) {
			c->emps[all[i].emp].flags |= FLAG_TOP_PERFORMER;
			marked++;
		}
}

/* zscore within one group of n >= min_group members: M + (x - m_g)/s_g x S. */
static void zscore_group(struct company *c, const struct ranked *m, size_t n,
			 const struct stats *company, double *scratch)
{
	struct stats s;
	size_t k;
	for (k = 0; k < n; k++)
		scratch[k] = c->emps[m[k].emp].raw_score;
	s = stats_of(scratch, n);
	for (k = 0; k < n; k++) {
		struct employee *e = &c->emps[m[k].emp];
		double z = s.min == s.max ? 0 : (e->raw_score - s.mean) / s.sd;
		e->norm_score = num_round4(company->mean + z * company->sd);
	}
}

/* Copies all[] into bym[] so each group's members are contiguous (counting
 * sort, stable); start[] gets ngroups + 1 offsets. */
static void split_by_group(const struct company *c, const struct ranked *all, size_t n,
			   struct ranked *bym, size_t *start)
{
	size_t g, i;
	memset(start, 0, (c->ngroups + 1) * sizeof(*start));
	for (i = 0; i < n; i++)
		start[c->emps[all[i].emp].group + 1]++;
	for (g = 0; g < c->ngroups; g++)
		start[g + 1] += start[g];
	{
		size_t *fill = xcalloc(c->ngroups + 1, sizeof(*fill));
		memcpy(fill, start, (c->ngroups + 1) * sizeof(*fill));
		for (i = 0; i < n; i++)
			bym[fill[c->emps[all[i].emp].group]++] = all[i];
		free(fill);
	}
}

int fairness_apply(struct company *c, const struct config *cfg, struct diag *d)
{
	const struct fairness_conf *fc = &cfg->fairness;
	int field = fc->group ? fc->group_field : HR_DEPARTMENT;
	size_t cap = c->nemps ? c->nemps : 1, nin = 0, i, g;
	size_t min_group = fc->min_group > 0 ? (size_t)fc->min_group : 0;
	struct ranked *all, *bym;
	double *sorted, *scratch;
	size_t *start;
	struct stats company;

	if (!cfg->nbands)
		return diag_error(d, MERIT_CONFIG, cfg->path, 0, 0, "no rating bands configured");
	build_groups(c, cfg, field);

	all = xcalloc(cap, sizeof(*all));
	bym = xcalloc(cap, sizeof(*bym));
	sorted = xcalloc(cap, sizeof(*sorted));
	scratch = xcalloc(cap, sizeof(*scratch));
	start = xcalloc(c->ngroups + 1, sizeof(*start));
	for (i = 0; i < c->nemps; i++) {
		struct employee *e = &c->emps[i];
		e->flags &= ~(unsigned)(FLAG_SMALL_GROUP | FLAG_TOP_PERFORMER);
		if (!e->in_scope)
			continue;
		e->norm_score = e->raw_score;
		all[nin].emp = i;
		all[nin].score = e->raw_score;
		all[nin].id = e->id ? e->id : "";
		sorted[nin] = e->raw_score;
		nin++;
	}
	company = stats_of(sorted, nin);
	c->company_raw_mean = company.mean;
	c->company_raw_sd = company.sd;
	qsort(sorted, nin, sizeof(*sorted), cmp_double);
	split_by_group(c, all, nin, bym, start);

	for (g = 0; g < c->ngroups && fc->method != FAIR_NONE; g++) {
		struct ranked *m = bym + start[g];
		size_t n = start[g + 1] - start[g], k;
		c->groups[g].small = n < min_group;
		if (c->groups[g].small) {
			for (k = 0; k < n; k++)
				c->emps[m[k].emp].flags |= FLAG_SMALL_GROUP;
		} else if (fc->method == FAIR_PERCENTILE) {
			percentile_group(c, m, n, sorted, nin);
		} else {
			zscore_group(c, m, n, &company, scratch);
		}
	}

	for (i = 0; i < nin; i++) {
		struct employee *e = &c->emps[all[i].emp];
		e->norm_score = num_round4(e->norm_score);
		e->rating = scorecard_rating(cfg, e->norm_score);
	}

	if (fc->forced && fc->forced_shares) {
		if (fc->forced_per_group) {
			for (g = 0; g < c->ngroups; g++)
				c->groups[g].forced_size = forced_apply(c, cfg, bym + start[g],
									start[g + 1] - start[g]);
		} else {
			struct ranked *copy = xcalloc(cap, sizeof(*copy));
			memcpy(copy, all, nin * sizeof(*copy));
			c->forced_size = forced_apply(c, cfg, copy, nin);
			free(copy);
		}
	}

	group_stats_fill(c, cfg, bym, start, scratch);
	mark_top_performers(c, all, nin);
	free(all);
	free(bym);
	free(sorted);
	free(scratch);
	free(start);
	return 0;
}
