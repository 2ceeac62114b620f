/*
 * bench_xlsx: times xlsx_write() on a synthetic company built in memory
 * (no ingest, no compute), and reports seconds and peak RSS.
 *
 *   bench_xlsx [-n EMPLOYEES] [-o DIR] [--doc docs/BENCHMARKS.md]
 *
 * Default 100,000 employees in 60 departments, 4 roles, 8 KPIs (5 per
 * employee), one in ten with a Chinese name. With --doc, the result table
 * replaces what is between <!-- bench:xlsx:begin --> and
 * <!-- bench:xlsx:end --> in that file (appended if the markers are
 * missing); the rest of the file is left as it is.
 */
#include "model.h"
#include "render/render.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/period.h"
#include "util/strbuf.h"

#include "bench_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NKPIS 8
#define NROLES 4
#define NDEPTS 60

static struct label L(const char *zh, const char *en)
{
	struct label l = { (char *)zh, (char *)en };
	return l;
}

static uint64_t rng_state = 42;
static uint64_t rng(void)   /* splitmix64: same company every run */
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double uniform(double lo, double hi)
{
	return lo + (hi - lo) * (double)(rng() >> 11) / 9007199254740992.0;
}

static struct rating_band bands[3];
static struct metric_def metrics[NKPIS];
static struct kpi_def kpis[NKPIS];
static struct role_kpi role_kpis[NROLES][5];
static struct role_def roles[NROLES];

static void build_config(struct config *cfg)
{
	static const char *const kzh[NKPIS] = { "销售业绩完成率", "转化率", "新客户数", "360 评估",
						"客户满意度", "首次响应时间", "邮件回复时长",
						"决策准确率" };
	static const char *const ken[NKPIS] = { "Sales achievement", "Conversion", "New customers",
						"360 review", "Customer satisfaction",
						"First response", "Email reply", "Decision accuracy" };
	static const enum metric_format fmt[NKPIS] = { FMT_MONEY, FMT_PERCENT, FMT_INTEGER,
						       FMT_NUMBER, FMT_PERCENT, FMT_NUMBER,
						       FMT_NUMBER, FMT_PERCENT };
	size_t r, k;

	memset(cfg, 0, sizeof(*cfg));
	cfg->path = (char *)"bench/merit.ini";
	memset(cfg->sha256, 'c', 64);
	cfg->company = L("示例贸易有限公司", "Example Trading Co.");
	cfg->locale = LOCALE_ZH;
	bands[0] = (struct rating_band){ L("优秀", "Excellent"), 90, 1.5 };
	bands[1] = (struct rating_band){ L("合格", "Qualified"), 80, 1.0 };
	bands[2] = (struct rating_band){ L("待改进", "Needs improvement"), 0, 0 };
	cfg->bands = bands;
	cfg->nbands = 3;
	for (k = 0; k < NKPIS; k++) {
		metrics[k].name = (char *)ken[k];
		metrics[k].format = fmt[k];
		kpis[k].name = (char *)ken[k];
		kpis[k].label = L(kzh[k], ken[k]);
		kpis[k].metric = (int)k;
		kpis[k].dimension = (enum dimension)(k % DIM_COUNT);
		kpis[k].perspective = (enum perspective)(k % PERSP_COUNT);
	}
	cfg->metrics = metrics;
	cfg->nmetrics = NKPIS;
	cfg->kpis = kpis;
	cfg->nkpis = NKPIS;
	for (r = 0; r < NROLES; r++) {
		for (k = 0; k < 5; k++)
			role_kpis[r][k] = (struct role_kpi){ (int)((r + k) % NKPIS), 20 };
		roles[r].name = (char *)"role";
		roles[r].label = L("岗位", "Role");
		roles[r].kpis = role_kpis[r];
		roles[r].nkpis = 5;
		roles[r].value_coefficient = 1.0 + 0.1 * (double)r;
	}
	cfg->roles = roles;
	cfg->nroles = NROLES;
	cfg->bonus.number_format = (char *)"¥#,##0.00";
	cfg->inputs[INPUT_HR].declared = 1;
	cfg->inputs[INPUT_HR].file_display = (char *)"hr.csv";
}

static void build_company(struct company *c, const struct config *cfg, size_t n)
{
	static const char *const family[] = { "王", "李", "张", "刘", "陈", "欧阳" };
	struct period p;
	char buf[64];
	size_t i, k, g;
	int64_t total = 0;

	period_parse("2026-10", 0, &p);
	company_init(c, &p);
	c->doc_time = (int64_t)p.last * 86400;
	for (i = 0; i < n; i++) {
		struct employee *e = company_add_employee(c);
		const struct role_def *role;
		snprintf(buf, sizeof(buf), "E%06zu", i + 1);
		e->id = xstrdup(buf);
		if (i % 10 == 0)
			e->name = xstrfmt("%s%s", family[i % 6], "小明");
		else
			e->name = xstrfmt("Employee Number %zu", i + 1);
		snprintf(buf, sizeof(buf), "部门-%03zu", i % NDEPTS);
		e->department = company_intern(c, buf);
		e->role = (int)(i % NROLES);
		e->grade = xstrdup("P5");
		e->cost_centre = xstrfmt("CC-%03zu", i % NDEPTS);
		e->base_salary = 800000 + (int64_t)(rng() % 2000000);
		e->hire_date = 18000 + (int32_t)(rng() % 2000);
		e->leave_date = DATE_NONE;
		e->in_scope = 1;
		e->days = 31;
		e->proration = 1;
		e->eligible = i % 25 != 0;
		e->ineligible_reason = e->eligible ? NULL : INELIGIBLE_STATUS;
		role = &cfg->roles[e->role];
		e->kpis = xcalloc(role->nkpis, sizeof(*e->kpis));
		e->nkpis = role->nkpis;
		for (k = 0; k < role->nkpis; k++) {
			struct kpi_result *r = &e->kpis[k];
			r->kpi = role->kpis[k].kpi;
			r->weight = r->eff_weight = role->kpis[k].weight;
			r->has_actual = r->has_target = 1;
			r->target = 100000;
			r->actual = uniform(50000, 130000);
			r->target_source = "role sales 2026-10 (targets.csv:12)";
			r->achievement = r->actual / r->target;
			r->score = 100 * r->achievement;
			r->contribution = r->weight * r->score / 100;
			e->raw_score += r->contribution;
		}
		for (k = 0; k < DIM_COUNT; k++)
			e->dim_score[k] = uniform(60, 110);
		for (k = 0; k < PERSP_COUNT; k++)
			e->persp_score[k] = uniform(60, 110);
		e->norm_score = e->raw_score;
		e->rating = e->norm_score >= 90 ? 0 : e->norm_score >= 80 ? 1 : 2;
		e->points = (double)e->base_salary / 100 * role->value_coefficient;
		e->cap_cents = 3 * e->base_salary;
		e->bonus = e->eligible && e->rating < 2 ? 100000 + (int64_t)(rng() % 900000) : 0;
		e->flags = e->norm_score > 112 ? FLAG_TOP_PERFORMER : 0;
		total += e->bonus;
		strmap_put(&c->by_id, e->id, c->nemps - 1);
	}
	c->ngroups = NDEPTS;
	c->groups = xcalloc(NDEPTS, sizeof(*c->groups));
	for (g = 0; g < NDEPTS; g++) {
		snprintf(buf, sizeof(buf), "部门-%03zu", g);
		c->groups[g].name = company_intern(c, buf);
		c->groups[g].rating_count = xcalloc(3, sizeof(size_t));
	}
	for (i = 0; i < n; i++) {
		struct group_stats *gs = &c->groups[i % NDEPTS];
		c->emps[i].group = i % NDEPTS;
		gs->n++;
		gs->raw_mean += c->emps[i].raw_score;
		gs->rating_count[c->emps[i].rating]++;
		gs->bonus_total += c->emps[i].bonus;
	}
	for (g = 0; g < NDEPTS; g++)
		c->groups[g].norm_mean = c->groups[g].raw_mean /= (double)c->groups[g].n;
	c->pool_cents = c->allocated_cents = total;
	c->gender_gap_mean_pct = c->gender_gap_median_pct = 0.0 / 0.0;
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct company c;
	struct diag d;
	struct stat st;
	struct strbuf table = STRBUF_INIT;
	const char *dir = "out/bench", *doc = NULL;
	size_t n = 100000;
	double t0, t1, c0, c1, load = bench_load();
	long rss_model, rss_peak;
	char *path;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			n = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--doc") && i + 1 < argc)
			doc = argv[++i];
		else {
			fprintf(stderr, "usage: bench_xlsx [-n EMPLOYEES] [-o DIR] [--doc FILE]\n");
			return 64;
		}
	}
	if (file_mkdir_p(dir, 0700) < 0) {
		fprintf(stderr, "bench_xlsx: %s: %s\n", dir, strerror(errno));
		return 73;
	}
	path = xstrfmt("%s/bench-%zu.xlsx", dir, n);
	build_config(&cfg);
	build_company(&c, &cfg, n);
	rss_model = (long)(bench_peak_rss_mb() * 1024);
	diag_init(&d);
	t0 = bench_wall_s();
	c0 = bench_cpu_s();
	rc = xlsx_write(&c, &cfg, path, &d);
	t1 = bench_wall_s();
	c1 = bench_cpu_s();
	rss_peak = (long)(bench_peak_rss_mb() * 1024);
	if (rc < 0) {
		struct strbuf sb = STRBUF_INIT;
		diag_format(&d, &sb, DIAG_NOTE);
		fprintf(stderr, "%s", sb.buf);
		return 70;
	}
	stat(path, &st);
	strbuf_addf(&table,
		    "| employees | KPI rows | xlsx_write wall | CPU | peak RSS (process) | RSS of the model alone | file |\n"
		    "|---:|---:|---:|---:|---:|---:|---:|\n"
		    "| %zu | %zu | %.2f s | %.2f s | %.1f MB | %.1f MB | %.1f MB |\n\n"
		    "tools/bench_xlsx (synthetic company built in memory, 8 KPIs, 5 per "
		    "employee, locale zh), %ld-core machine, load average %.1f at the start; "
		    "goal: < 10 s and < 200 MB.\n",
		    n, n * 5, t1 - t0, c1 - c0, (double)rss_peak / 1024, (double)rss_model / 1024,
		    (double)st.st_size / 1e6, sysconf(_SC_NPROCESSORS_ONLN), load);
	fputs(table.buf, stdout);
	if (doc && bench_record(doc, "xlsx", "Workbook (xlsx_write)", table.buf) < 0) {
		fprintf(stderr, "bench_xlsx: cannot write %s: %s\n", doc, strerror(errno));
		return 73;
	}
	if (!getenv("BENCH_KEEP"))
		unlink(path);
	free(path);
	strbuf_release(&table);
	diag_release(&d);
	company_release(&c);
	return 0;
}
