/*
 * bench_bonus: times fairness_apply + bonus_allocate on a synthetic company
 * held in memory (default 100,000 employees in 50 departments, zscore,
 * caps that bind for some) and prints one Markdown table row. SPEC budget:
 * under 1 s. Exits 1 if the bonuses do not add up to the pool. The row's
 * columns: employees, groups, capped, fairness ms, bonus ms, total ms, and
 * whether Σ bonus + unallocated = pool.
 *
 *   out/build/tools/bench_bonus [EMPLOYEES]
 */
#include "compute/bonus.h"
#include "compute/fairness.h"
#include "config.h"
#include "model.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/period.h"
#include "util/strbuf.h"

#include "bench_util.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static uint64_t rng = 88172645463325252ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

int main(int argc, char **argv)
{
	static struct rating_band bands[3] = {
		{ { (char *)"优秀", (char *)"Excellent" }, 90, 1.5 },
		{ { (char *)"合格", (char *)"Qualified" }, 80, 1.0 },
		{ { (char *)"待改进", (char *)"Needs improvement" }, 0, 0 },
	};
	static struct role_def roles[2] = {
		{ .name = (char *)"sales", .value_coefficient = 1.2 },
		{ .name = (char *)"admin", .value_coefficient = 1.0 },
	};
	long long n = 100000;
	struct config cfg;
	struct company c;
	struct period p;
	struct diag d;
	double t0, t1, t2;
	size_t i;
	int64_t sum = 0;
	size_t capped = 0;
	int ok;

	if (argc > 1 && num_parse_int(argv[1], 1, 10000000, &n) != NUM_OK) {
		fprintf(stderr, "usage: bench_bonus [EMPLOYEES]\n");
		return 64;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.bands = bands;
	cfg.nbands = 3;
	cfg.roles = roles;
	cfg.nroles = 2;
	cfg.fairness.method = FAIR_ZSCORE;
	cfg.fairness.group = (char *)"department";
	cfg.fairness.group_field = HR_DEPARTMENT;
	cfg.fairness.min_group = 5;
	cfg.bonus.pool_cents = 400000000000LL;    /* 4e9 units: caps bind for many */
	cfg.bonus.cap_months = 3;
	period_parse("2026-10", 0, &p);
	company_init(&c, &p);
	for (i = 0; i < (size_t)n; i++) {
		struct employee *e = company_add_employee(&c);
		char dept[16];
		snprintf(dept, sizeof(dept), "D%02u", (unsigned)(next() % 50));
		e->id = xstrfmt("E%07zu", i);
		e->department = company_intern(&c, dept);
		e->base_salary = 300000 + (int64_t)(next() % 4000000);
		e->role = (int)(next() % 2);
		e->raw_score = num_round4(50 + (double)(next() % 700000) / 10000);
		e->in_scope = 1;
		e->eligible = next() % 20 != 0;
		e->days = e->eligible ? 31 : 6;   /* the allocation reads days / 31 */
		e->proration = (double)e->days / 31;
	}
	diag_init(&d);
	t0 = (bench_wall_s() * 1e3);
	if (fairness_apply(&c, &cfg, &d) < 0)
		return 70;
	t1 = (bench_wall_s() * 1e3);
	if (bonus_allocate(&c, &cfg, &d) < 0)
		return 70;
	t2 = (bench_wall_s() * 1e3);
	for (i = 0; i < c.nemps; i++) {
		sum += c.emps[i].bonus;
		capped += !!(c.emps[i].flags & FLAG_BONUS_CAPPED);
	}
	ok = sum + c.unallocated_cents == c.pool_cents;
	/* Columns: employees | groups | capped | fairness ms | bonus ms | total ms | Σ = pool */
	printf("| %lld | %zu | %zu | %.1f | %.1f | %.1f | %s |\n", n, c.ngroups, capped,
	       t1 - t0, t2 - t1, t2 - t0, ok ? "yes" : "NO");
	company_release(&c);
	diag_release(&d);
	return ok ? 0 : 1;
}
