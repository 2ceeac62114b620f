/*
 * Unit tests of src/compute/bonus.c: hand-computed allocations (arithmetic
 * in the comments), then properties over 2,000 seeded random companies:
 * the pool is paid to the cent, no bonus passes its cap, more points never
 * mean less bonus (uncapped), each bonus is the floor or ceiling of its
 * exact share, and the row order of the input changes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compute/bonus.h"
#include "config.h"
#include "model.h"
#include "util/diag.h"
#include "util/period.h"
#include "util/strbuf.h"

#include "../support/fixture.h"

__extension__ typedef __int128 i128;

/* The SPEC bands (multipliers 1.5, 1.0, 0) and roles 0 sales x1.2, 1 admin
 * x1.0, 2 rd x1.35. */
static void config_setup(struct config *cfg, int64_t pool, double cap_months)
{
	fixture_config_init(cfg);
	fixture_add_role(cfg, "sales", NULL, 1.2, NULL, 0);
	fixture_add_role(cfg, "admin", NULL, 1.0, NULL, 0);
	fixture_add_role(cfg, "rd", NULL, 1.35, NULL, 0);
	cfg->bonus.pool_cents = pool;
	cfg->bonus.cap_months = cap_months;
}

/* One allocation: a config, the 2026-10 company, an empty diag. */
struct bfix {
	struct config cfg;
	struct company c;
	struct diag d;
};

/* Sets up f with that pool and cap; end() frees it all. */
static void begin(struct bfix *f, int64_t pool, double cap_months)
{
	config_setup(&f->cfg, pool, cap_months);
	fixture_company_init(&f->c, "2026-10");
	diag_init(&f->d);
}

static void end(struct bfix *f)
{
	fixture_release(&f->cfg, &f->c);
	diag_release(&f->d);
}

/* bonus_allocate() on f's company and config. */
static int allocate(struct bfix *f)
{
	return bonus_allocate(&f->c, &f->cfg, &f->d);
}

/* An eligible, in-scope employee of Sales; proration x 31 days of 2026-10
 * (the allocation reads the days, exactly; proration is for display). */
static struct employee *add(struct company *c, const char *id, int64_t salary, int rating,
			    int role, double proration)
{
	struct employee *e = fixture_add_employee(c, NULL, id, "Sales");
	e->base_salary = salary;
	e->rating = rating;
	e->role = role;
	e->proration = proration;
	e->days = (int)lround(proration * 31);
	return e;
}

/* The exact points of e x 100 (cents) x 100 x 10 (the decimals of the
 * coefficients 1.2 / 1.0 / 1.35 and multipliers 1.5 / 1.0 / 0) x 31 (days
 * of the period), as an integer: derived here independently of bonus.c. */
static i128 exact_w(const struct employee *e)
{
	static const int coef[] = { 120, 100, 135 }, mult[] = { 15, 10, 0 };
	return (i128)e->base_salary * coef[e->role] * mult[e->rating] * e->days;
}

static int64_t total(const struct company *c)
{
	int64_t s = 0;
	size_t i;
	for (i = 0; i < c->nemps; i++)
		s += c->emps[i].bonus;
	return s;
}

/* The bonuses of the first n employees, in row order, are want[]. */
static void check_bonuses(const struct company *c, const int64_t *want, size_t n)
{
	size_t i;
	assert_true(n <= c->nemps);
	for (i = 0; i < n; i++)
		if (c->emps[i].bonus != want[i])
			fail_msg("%s: bonus %lld, expected %lld", c->emps[i].id,
				 (long long)c->emps[i].bonus, (long long)want[i]);
}

#define assert_bonuses(c, ...)                                                   \
	check_bonuses(c, (const int64_t[]){ __VA_ARGS__ },                       \
		      sizeof((const int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t))

/* Pool 100.00 over three equal points: 10000 / 3 = 3333 rem 1 each, so one
 * cent is left and goes to the lowest employee_id: 33.34 / 33.33 / 33.33,
 * whatever the row order. */
static void test_three_equal_points(void **state)
{
	struct bfix f;
	(void)state;
	begin(&f, 10000, 0);
	add(&f.c, "E3", 500000, 1, 1, 1.0);
	add(&f.c, "E1", 500000, 1, 1, 1.0);
	add(&f.c, "E2", 500000, 1, 1, 1.0);
	assert_int_equal(allocate(&f), 0);
	assert_bonuses(&f.c, 3333, 3334, 3333);   /* E3, E1, E2 */
	assert_int_equal(f.c.allocated_cents, 10000);
	assert_int_equal(f.c.unallocated_cents, 0);
	/* points = 5000.00 x 1.0 x 1.0 x 1.0 */
	assert_true(f.c.emps[0].points == 5000.0);
	assert_int_equal(f.d.warnings, 0);
	end(&f);
}

/*
 * Caps: salaries 1000.00 each, cap_months 0.5 -> caps 500.00. A is
 * excellent (1.5), B and C qualified (1.0): points 1500, 1000, 1000, W 3500.
 * Pool 1400.00: A's share 1400 x 1500 / 3500 = 600.00 > 500.00, so A is
 * fixed at 500.00; the other 900.00 over B and C: 450.00 each (below caps).
 * D is bottom band (multiplier 0): eligible, 0 points, bonus 0. E is
 * ineligible: 0 whatever the rating.
 */
static void test_cap_redistributes(void **state)
{
	struct bfix f;
	struct employee *e;
	(void)state;
	begin(&f, 140000, 0.5);
	add(&f.c, "A", 100000, 0, 1, 1.0);
	add(&f.c, "B", 100000, 1, 1, 1.0);
	add(&f.c, "C", 100000, 1, 1, 1.0);
	add(&f.c, "D", 100000, 2, 1, 1.0);
	e = add(&f.c, "E", 100000, 0, 1, 1.0);
	e->eligible = 0;
	e->ineligible_reason = INELIGIBLE_STATUS;
	assert_int_equal(allocate(&f), 0);
	assert_bonuses(&f.c, 50000, 45000, 45000, 0, 0);   /* A to E */
	assert_true(f.c.emps[0].flags & FLAG_BONUS_CAPPED);
	assert_int_equal(f.c.emps[0].cap_cents, 50000);
	assert_false(f.c.emps[1].flags & FLAG_BONUS_CAPPED);
	assert_true(f.c.emps[3].eligible);
	assert_true(f.c.emps[4].points == 0);
	assert_string_equal(f.c.emps[4].ineligible_reason, INELIGIBLE_STATUS);
	assert_int_equal(f.c.allocated_cents, 140000);
	end(&f);
}

/* The cap in integers: 0.95 x 12,345.30 = 11,728.035 -> 11,728.04 (half
 * away from zero). Through doubles, 0.95 x 12345.3 = 11728.03499.., which
 * rounded to 11,728.03. */
static void test_cap_exact_cents(void **state)
{
	struct bfix f;
	(void)state;
	begin(&f, 2000000, 0.95);
	add(&f.c, "A", 1234530, 1, 1, 1.0);
	assert_int_equal(allocate(&f), 0);
	assert_int_equal(f.c.emps[0].cap_cents, 1172804);
	assert_int_equal(f.c.emps[0].bonus, 1172804);
	assert_int_equal(f.c.unallocated_cents, 2000000 - 1172804);
	end(&f);

	/* 3 months of 0.01: 0.03; 0.5 x 0.01 = 0.005 -> 0.01 */
	begin(&f, 100, 3);
	add(&f.c, "A", 1, 1, 1, 1.0);
	assert_int_equal(allocate(&f), 0);
	assert_int_equal(f.c.emps[0].cap_cents, 3);
	end(&f);
	begin(&f, 100, 0.5);
	add(&f.c, "A", 1, 1, 1, 1.0);
	assert_int_equal(allocate(&f), 0);
	assert_int_equal(f.c.emps[0].cap_cents, 1);
	end(&f);
}

/* Points beyond exact arithmetic are refused, naming the employee (exit
 * 65): 10^12 units of salary x 1.0 x 1.0 = 10^12 points > 9 x 10^11 (the 4
 * decimals shown would not be exact); at 10^15 points, cents x 100 x 10 x
 * 31 days = 3.1 x 10^21 does not fit in 64 bits. 9 x 10^11 itself is fine. */
static void test_points_out_of_range(void **state)
{
	static const int64_t salaries[] = { 100000000000000, 100000000000000000 };
	struct bfix f;
	size_t i;
	(void)state;
	for (i = 0; i < 2; i++) {
		begin(&f, 10000, 0);
		add(&f.c, "A", 500000, 1, 1, 1.0);
		add(&f.c, "BIG", salaries[i], 1, 1, 1.0);
		assert_int_equal(allocate(&f), -1);
		assert_int_equal(f.d.status, MERIT_DATAERR);
		assert_int_equal(f.d.errors, 1);
		assert_non_null(strstr(f.d.msgs[0].text, "employee 'BIG': bonus points"));
		end(&f);
	}
	begin(&f, 10000, 0);
	add(&f.c, "A", 90000000000000, 1, 1, 1.0);   /* 9 x 10^11 units */
	add(&f.c, "B", 90000000000000, 1, 1, 1.0);
	assert_int_equal(allocate(&f), 0);
	assert_int_equal(f.c.emps[0].bonus + f.c.emps[1].bonus, 10000);
	end(&f);
}

/*
 * Exact points (issue 15 item 15): A earns 5,000.00 for 15 of 31 days, B
 * 10,000.00 for the month (both x 1.0 x 1.0): points 75000/31 = 2419.3548..
 * and 10000, W = 385000/31. Pool 26,000.00:
 *   A = 2600000 x 75000 / 385000 = 39000000 / 77 = 506493.506..
 *   B = 2600000 x 310000 / 385000 = 161200000 / 77 = 2093506.493..
 * floors 506493 + 2093506 = 2599999: the cent goes to A (.506 > .493).
 * On the 4-decimal points 2419.3548 A's share is 506493.4999.. and the
 * cent went to B (506493 / 2093507): the bug this pins. The points shown
 * stay 2419.3548.
 */
static void test_prorated_exact(void **state)
{
	struct bfix f;
	(void)state;
	begin(&f, 2600000, 0);
	add(&f.c, "A", 500000, 1, 1, 15.0 / 31);
	add(&f.c, "B", 1000000, 1, 1, 1.0);
	assert_int_equal(allocate(&f), 0);
	assert_bonuses(&f.c, 506494, 2093506);
	assert_true(f.c.emps[0].points == 2419.3548);
	assert_true(f.c.emps[1].points == 10000.0);
	end(&f);
}

/* Everyone capped: caps 100.00 + 100.00 = 200.00 < pool 300.00, so 100.00
 * is unallocated and reported as a warning. */
static void test_all_capped(void **state)
{
	struct bfix f;
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	begin(&f, 30000, 0.1);
	add(&f.c, "A", 100000, 0, 0, 1.0);
	add(&f.c, "B", 100000, 1, 2, 0.5);
	assert_int_equal(allocate(&f), 0);
	assert_bonuses(&f.c, 10000, 10000);
	assert_int_equal(f.c.unallocated_cents, 10000);
	assert_int_equal(f.c.allocated_cents, 20000);
	assert_int_equal(f.d.warnings, 1);
	diag_format(&f.d, &sb, DIAG_WARNING);
	assert_non_null(strstr(sb.buf, "bonus pool: 100.00 left unallocated"));
	strbuf_release(&sb);
	end(&f);
}

/* One cent over points 1, 2, 3 (salaries 1.00, 2.00, 3.00): shares 1/6,
 * 2/6, 3/6 of a cent, all floors 0, the cent goes to the largest remainder. */
static void test_one_cent(void **state)
{
	struct bfix f;
	(void)state;
	begin(&f, 1, 0);
	add(&f.c, "E1", 100, 1, 1, 1.0);
	add(&f.c, "E2", 200, 1, 1, 1.0);
	add(&f.c, "E3", 300, 1, 1, 1.0);
	assert_int_equal(allocate(&f), 0);
	assert_bonuses(&f.c, 0, 0, 1);
	end(&f);
}

/* Department pools: each department's bonuses add up to its own pool; an
 * eligible employee of a department without a pool is a config error. */
static void test_department_pools(void **state)
{
	struct bfix f;
	struct employee *e;
	(void)state;
	begin(&f, 0, 0);
	fixture_add_pool(&f.cfg, "Sales", 100001);
	fixture_add_pool(&f.cfg, "R&D", 50000);
	add(&f.c, "S1", 800000, 0, 0, 1.0);
	add(&f.c, "S2", 600000, 1, 0, 1.0);
	e = add(&f.c, "R1", 900000, 1, 2, 1.0);
	e->department = company_intern(&f.c, "R&D");
	assert_int_equal(allocate(&f), 0);
	assert_int_equal(f.c.emps[0].bonus + f.c.emps[1].bonus, 100001);
	assert_int_equal(f.c.emps[2].bonus, 50000);
	assert_int_equal(f.c.pool_cents, 150001);
	assert_int_equal(f.c.allocated_cents, 150001);

	e = add(&f.c, "X1", 500000, 1, 1, 1.0);
	e->department = company_intern(&f.c, "Finance");
	assert_int_equal(allocate(&f), -1);
	assert_int_equal(f.d.status, MERIT_CONFIG);
	end(&f);
}

/* Gap = (men - women) / men x 100 among the eligible: men 100.00 and 200.00
 * (mean = median = 150.00), women 60.00, 90.00 and 120.00 (mean = median =
 * 90.00): 40 % both ways. Pool 570.00 split by points equal to the wanted
 * bonuses (salaries x 1.0 x 1.0). */
static void test_gender_gap(void **state)
{
	static const struct { const char *id, *g; int64_t salary; } rows[] = {
		{ "M1", "男", 10000 }, { "M2", "M", 20000 },
		{ "F1", "女", 6000 }, { "F2", "female", 9000 }, { "F3", "F", 12000 },
	};
	struct bfix f;
	size_t i;
	(void)state;
	begin(&f, 57000, 0);
	for (i = 0; i < 5; i++)
		add(&f.c, rows[i].id, rows[i].salary, 1, 1, 1.0)->gender = xstrdup(rows[i].g);
	assert_int_equal(allocate(&f), 0);
	assert_int_equal(f.c.emps[0].bonus, 10000);
	assert_int_equal(f.c.emps[4].bonus, 12000);
	assert_true(fabs(f.c.gender_gap_mean_pct - 40.0) < 1e-9);
	assert_true(fabs(f.c.gender_gap_median_pct - 40.0) < 1e-9);
	end(&f);
}

/* ---- properties over random companies ---- */

static uint64_t rng_state;

static uint64_t xorshift(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static uint64_t rnd(uint64_t n)
{
	return n ? xorshift() % n : 0;
}

struct spec {
	char id[16];
	int64_t salary;
	int rating, role, eligible;
	double proration;
};

static void build(struct company *c, const struct spec *s, const size_t *order, size_t n)
{
	size_t i;
	fixture_company_init(c, "2026-10");
	for (i = 0; i < n; i++) {
		const struct spec *x = &s[order[i]];
		add(c, x->id, x->salary, x->rating, x->role, x->proration)->eligible = x->eligible;
	}
}

static int cmp_points_bonus(const void *a, const void *b)
{
	const struct employee *x = *(const struct employee *const *)a;
	const struct employee *y = *(const struct employee *const *)b;
	if (x->points != y->points)
		return x->points < y->points ? -1 : 1;
	return (x->bonus > y->bonus) - (x->bonus < y->bonus);
}

static void check_properties(const struct company *c, int64_t pool, unsigned seed)
{
	const struct employee **u = calloc(c->nemps + 1, sizeof(*u));
	int64_t sum_caps = 0, capped_total = 0, R;
	i128 W = 0;
	size_t i, nu = 0;
	int any = 0;

	for (i = 0; i < c->nemps; i++) {
		const struct employee *e = &c->emps[i];
		if (!e->eligible || e->points <= 0) {
			if (e->bonus != 0)
				fail_msg("seed %u: %s has no points but bonus %lld", seed, e->id,
					 (long long)e->bonus);
			continue;
		}
		any = 1;
		if (e->bonus > e->cap_cents || e->bonus < 0)
			fail_msg("seed %u: %s bonus %lld outside [0, cap %lld]", seed, e->id,
				 (long long)e->bonus, (long long)e->cap_cents);
		sum_caps = e->cap_cents == INT64_MAX || sum_caps == INT64_MAX
			? INT64_MAX : sum_caps + e->cap_cents;
		if (e->flags & FLAG_BONUS_CAPPED) {
			if (e->bonus != e->cap_cents)
				fail_msg("seed %u: %s flagged capped but below cap", seed, e->id);
			capped_total += e->bonus;
		} else {
			u[nu++] = e;
			W += exact_w(e);
		}
	}
	/* Everything is paid unless all are capped: then exactly pool - Σ caps. */
	assert_int_equal(c->allocated_cents + c->unallocated_cents, pool);
	assert_int_equal(total(c), c->allocated_cents);
	if (!any)
		assert_int_equal(c->unallocated_cents, pool);
	else if (sum_caps != INT64_MAX && sum_caps < pool)
		assert_int_equal(c->unallocated_cents, pool - sum_caps);
	else if (c->unallocated_cents != 0)
		fail_msg("seed %u: %lld unallocated though not all capped", seed,
			 (long long)c->unallocated_cents);

	/* Each uncapped bonus is the floor or ceiling of its exact share of
	 * what the caps left. */
	R = pool - capped_total - c->unallocated_cents;
	for (i = 0; i < nu && W > 0; i++) {
		i128 num = (i128)R * exact_w(u[i]);
		int64_t fl = (int64_t)(num / W);
		if (u[i]->bonus != fl && !(u[i]->bonus == fl + 1 && num % W))
			fail_msg("seed %u: %s bonus %lld, exact share floor %lld", seed, u[i]->id,
				 (long long)u[i]->bonus, (long long)fl);
	}
	/* Monotone: sorted by (points, bonus) the bonuses never go down. */
	qsort(u, nu, sizeof(*u), cmp_points_bonus);
	for (i = 1; i < nu; i++)
		if (u[i]->bonus < u[i - 1]->bonus)
			fail_msg("seed %u: %s has more points than %s but less bonus", seed,
				 u[i]->id, u[i - 1]->id);
	free(u);
}

static void test_random_properties(void **state)
{
	static const int64_t salary_set[] = { 500000, 800000, 1200000 };
	struct spec *s = calloc(200, sizeof(*s));
	size_t *order = calloc(200, sizeof(*order)), *rev = calloc(200, sizeof(*rev));
	unsigned seed;
	(void)state;

	for (seed = 1; seed <= 2000; seed++) {
		struct config cfg;
		struct company c1, c2;
		struct diag d;
		size_t n, i;
		int ties, kind;
		int64_t pool;
		double cap;

		rng_state = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)seed * 0x2545F4914F6CDD1DULL);
		n = 1 + rnd(200);
		ties = rnd(3) == 0;
		kind = (int)rnd(6);
		pool = kind == 0 ? 1 : kind == 1 ? 10000000000LL : (int64_t)rnd(100000000) + 1;
		cap = rnd(4) == 0 ? 0 : rnd(5) == 0 ? 0.001 : 0.1 + (double)rnd(30) / 10;
		for (i = 0; i < n; i++) {
			snprintf(s[i].id, sizeof(s[i].id), "E%04zu", i);
			s[i].salary = ties ? salary_set[rnd(3)] : 300000 + (int64_t)rnd(5000000);
			s[i].rating = ties ? 1 : (int)rnd(3);
			s[i].role = ties ? 1 : (int)rnd(3);
			s[i].eligible = rnd(10) != 0;
			s[i].proration = ties ? 1.0 : (double)(1 + rnd(31)) / 31;
			order[i] = i;
		}
		/* Shuffle (Fisher-Yates) for the second, reordered company. */
		for (i = n; i > 1; i--) {
			size_t j = rnd(i), t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
		config_setup(&cfg, pool, cap);
		diag_init(&d);
		for (i = 0; i < n; i++)
			rev[i] = i;
		build(&c1, s, rev, n);
		build(&c2, s, order, n);
		assert_int_equal(bonus_allocate(&c1, &cfg, &d), 0);
		assert_int_equal(bonus_allocate(&c2, &cfg, &d), 0);
		check_properties(&c1, pool, seed);
		for (i = 0; i < n; i++)
			if (c2.emps[i].bonus != c1.emps[order[i]].bonus)
				fail_msg("seed %u: %s gets %lld in one row order, %lld in another", seed,
					 c2.emps[i].id, (long long)c2.emps[i].bonus,
					 (long long)c1.emps[order[i]].bonus);
		fixture_release(&cfg, &c1);
		company_release(&c2);
		diag_release(&d);
	}
	free(s);
	free(order);
	free(rev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_equal_points),
		cmocka_unit_test(test_cap_redistributes),
		cmocka_unit_test(test_cap_exact_cents),
		cmocka_unit_test(test_points_out_of_range),
		cmocka_unit_test(test_prorated_exact),
		cmocka_unit_test(test_all_capped),
		cmocka_unit_test(test_one_cent),
		cmocka_unit_test(test_department_pools),
		cmocka_unit_test(test_gender_gap),
		cmocka_unit_test(test_random_properties),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
