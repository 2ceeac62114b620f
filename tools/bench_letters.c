/*
 * bench_letters: times letters_write() on a synthetic company held in
 * memory (no CSV, no config file): Chinese and English employees in equal
 * parts, 4-6 KPIs each with realistic values, 360 reviews for one in three,
 * training for one in five, some flags. Reports letters/s and bytes/letter.
 *
 *   out/build/tools/bench_letters [-n 10000] [-j 2] [--record docs/BENCHMARKS.md]
 *
 * Run from the repository root (it reads templates/). --record rewrites the
 * section between <!-- bench:letters:begin --> and <!-- bench:letters:end -->.
 */
#include "config.h"
#include "model.h"
#include "render/render.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/period.h"
#include "util/strbuf.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define S(x) ((char *)(x))

enum { M_MONEY, M_RATE, M_COUNT, M_SCORE, M_MINUTES, NMETRICS };

static struct metric_def metrics[NMETRICS] = {
	{ .name = S("revenue"), .format = FMT_MONEY },
	{ .name = S("rate"), .format = FMT_PERCENT },
	{ .name = S("count"), .format = FMT_INTEGER },
	{ .name = S("score"), .format = FMT_NUMBER },
	{ .name = S("minutes"), .format = FMT_NUMBER },
};

static struct kpi_def kpis[] = {
	{ .name = S("sales_achievement"), .label = { S("销售业绩完成率"), S("Sales achievement") },
	  .metric = M_MONEY, .dimension = DIM_RESULTS, .perspective = PERSP_FINANCIAL,
	  .target = 300000 },
	{ .name = S("conversion"), .label = { S("赢单率"), S("Conversion") }, .metric = M_RATE,
	  .dimension = DIM_EFFICIENCY, .perspective = PERSP_CUSTOMER, .target = 0.3 },
	{ .name = S("new_customers"), .label = { S("新客户数"), S("New customers") },
	  .metric = M_COUNT, .dimension = DIM_RESULTS, .perspective = PERSP_CUSTOMER,
	  .target = 12 },
	{ .name = S("peer_review"), .label = { S("360 度评价"), S("Peer review") },
	  .metric = M_SCORE, .dimension = DIM_ATTITUDE, .perspective = PERSP_LEARNING,
	  .target = 80 },
	{ .name = S("csat"), .label = { S("客户满意度"), S("Customer satisfaction") },
	  .metric = M_RATE, .dimension = DIM_RESULTS, .perspective = PERSP_CUSTOMER,
	  .target = 0.9 },
	{ .name = S("first_response"), .label = { S("首次响应时长"), S("First response") },
	  .metric = M_MINUTES, .direction = DIR_LOWER, .dimension = DIM_EFFICIENCY,
	  .perspective = PERSP_PROCESS, .target = 15 },
	{ .name = S("company_revenue"), .label = { S("公司收入目标"), S("Company revenue") },
	  .metric = M_MONEY, .dimension = DIM_RESULTS, .perspective = PERSP_FINANCIAL,
	  .target = 50000000 },
};
#define NKPIS (sizeof(kpis) / sizeof(kpis[0]))

static struct role_def roles[] = {
	{ .name = S("sales"), .label = { S("销售"), S("Sales") }, .value_coefficient = 1.2 },
	{ .name = S("customer_service"), .label = { S("客户服务"), S("Customer service") },
	  .value_coefficient = 1.0 },
};

static struct rating_band bands[3] = {
	{ { S("优秀"), S("Excellent") }, 90, 1.5 },
	{ { S("合格"), S("Qualified") }, 80, 1.0 },
	{ { S("待改进"), S("Needs improvement") }, 0, 0 },
};

static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴",
					"徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高" };
static const char *const given[] = { "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳",
				     "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平",
				     "刚", "桂英", "建华", "文", "晓东", "海燕", "志强", "丹" };
static const char *const first[] = { "Emily", "James", "Olivia", "Liam", "Sophia", "Noah",
				     "Grace", "Lucas", "Chloe", "Ethan", "Mia", "Daniel" };
static const char *const last[] = { "Carter", "Smith", "Nguyen", "Brown", "Wilson", "Taylor",
				    "Martin", "Lee", "Walker", "Young", "King", "Hughes" };

static uint64_t rng = 88172645463325252ull;
static double frand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static void config_build(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->path = S("bench.ini");
	cfg->company.zh = S("示例贸易有限公司");
	cfg->company.en = S("Example Trading Co.");
	cfg->metrics = metrics;
	cfg->nmetrics = NMETRICS;
	cfg->kpis = kpis;
	cfg->nkpis = NKPIS;
	cfg->roles = roles;
	cfg->nroles = 2;
	cfg->bands = bands;
	cfg->nbands = 3;
	cfg->training_max_points = 5;
	cfg->bonus.currency = S("CNY");
	cfg->bonus.currency_symbol = S("¥");
	cfg->bonus.cap_months = 3;
	cfg->letters.templates_dir = S("templates");
	cfg->letters.font = S("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc");
}

static void company_build(struct company *c, size_t n)
{
	static const int sales[] = { 0, 1, 2, 3, 6 }, service[] = { 4, 5, 3, 6 };
	struct period p;
	size_t i, k;
	period_parse("2026-10", 0, &p);
	company_init(c, &p);
	for (i = 0; i < n; i++) {
		struct employee *e = company_add_employee(c);
		int zh = i % 2 == 0, svc = i % 3 == 2;
		const int *set = svc ? service : sales;
		size_t nk = svc ? 4 : 5;
		double sum = 0, wsum = 0;
		char id[32];
		snprintf(id, sizeof(id), "E%05zu", i + 1);
		e->id = xstrdup(id);
		e->name = zh ? xstrfmt("%s%s", surnames[i % 20], given[(i / 20) % 28])
			     : xstrfmt("%s %s", first[i % 12], last[(i / 12) % 12]);
		e->department = company_intern(c, svc ? (zh ? "客服部" : "Service")
						      : (zh ? "销售部" : "Sales"));
		e->role = svc;
		e->locale = zh ? LOCALE_ZH : LOCALE_EN;
		e->in_scope = 1;
		e->eligible = i % 17 != 0;
		e->ineligible_reason = e->eligible ? NULL : INELIGIBLE_STATUS;
		e->days = i % 23 == 0 ? 12 : 31;
		e->proration = e->days / 31.0;
		e->kpis = xcalloc(nk, sizeof(*e->kpis));
		for (k = 0; k < nk; k++) {
			struct kpi_result *r = &e->kpis[e->nkpis++];
			const struct kpi_def *d = &kpis[set[k]];
			double a = 0.55 + 0.7 * frand();
			r->kpi = set[k];
			r->weight = r->eff_weight = k == 0 ? 40 : 60.0 / (double)(nk - 1);
			r->has_target = r->has_actual = 1;
			r->target = d->target;
			r->actual = d->direction == DIR_LOWER ? d->target / a : d->target * a;
			if (d->metric == M_COUNT)
				r->actual = round(r->actual);
			r->achievement = a;
			r->score = fmin(100 * a, 120);
			sum += r->weight * r->score / 100;
			wsum += r->weight;
			e->dim_score[d->dimension] = r->score;
			e->persp_score[d->perspective] = r->score;
		}
		e->raw_score = e->norm_score = round(sum * 10000) / 10000;
		e->rating = e->norm_score >= 90 ? 0 : e->norm_score >= 80 ? 1 : 2;
		e->bonus = e->eligible ? (int64_t)(300000 + 900000 * frand()) : 0;
		if (i % 29 == 0)
			e->flags |= FLAG_WARNING, e->bottom_streak = 2;
		if (i % 31 == 0)
			e->flags |= FLAG_PROMOTE, e->top_streak = 3;
		(void)wsum;
	}
	for (i = 0; i < n; i += 3) {
		static const enum review_relation rel[] = { REL_MANAGER, REL_PEER, REL_PEER, REL_SELF };
		for (k = 0; k < 4; k++) {
			struct review_row *r;
			ALLOC_GROW(c->reviews, c->nreviews + 1, c->reviews_alloc);
			r = &c->reviews[c->nreviews++];
			memset(r, 0, sizeof(*r));
			r->reviewer = (i + k + 1) % n;
			r->reviewee = i;
			r->relation = rel[k];
			r->score = 2 + (double)((i + k) % 4);
		}
	}
	for (i = 0; i < n; i += 5) {
		struct training_row *t;
		ALLOC_GROW(c->training, c->ntraining + 1, c->training_alloc);
		t = &c->training[c->ntraining++];
		memset(t, 0, sizeof(*t));
		t->employee = i;
		t->course = xstrdup(i % 2 ? "Negotiation basics" : "大客户销售技巧");
		t->date = date_from_ymd(2026, 10, 10);
		t->hours = 6;
		t->passed = 1;
		c->emps[i].training_points = 2;
		c->emps[i].courses_passed = 1;
	}
}

/* Total bytes, file count and largest file in dir. */
static void dir_stats(const char *dir, int64_t *bytes, size_t *files, int64_t *max)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	*bytes = 0, *files = 0, *max = 0;
	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat st;
		char *p;
		if (de->d_name[0] == '.')
			continue;
		p = xstrfmt("%s/%s", dir, de->d_name);
		if (stat(p, &st) == 0) {
			*bytes += st.st_size;
			(*files)++;
			if (st.st_size > *max)
				*max = st.st_size;
		}
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(dir);
}

static int record(const char *path, const char *section)
{
	static const char begin[] = "<!-- bench:letters:begin -->",
			  end[] = "<!-- bench:letters:end -->";
	struct strbuf old = STRBUF_INIT, out = STRBUF_INIT;
	FILE *f = fopen(path, "r");
	char buf[4096], *b, *e;
	size_t n;
	if (f) {
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			strbuf_add(&old, buf, n);
		fclose(f);
	} else {
		strbuf_addstr(&old, "# Benchmarks\n");
	}
	b = strstr(old.buf, begin);
	e = b ? strstr(b, end) : NULL;
	if (b && e) {
		strbuf_add(&out, old.buf, (size_t)(b - old.buf));
		strbuf_addf(&out, "%s\n%s%s", begin, section, end);
		strbuf_addstr(&out, e + strlen(end));
	} else {
		strbuf_addstr(&out, old.buf);
		strbuf_addf(&out, "%s\n%s\n%s\n%s\n", old.len && old.buf[old.len - 1] != '\n' ? "\n" : "",
			    begin, section, end);
	}
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(out.buf, f);
	fclose(f);
	strbuf_release(&old);
	strbuf_release(&out);
	return 0;
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct company c;
	struct diag d;
	struct timespec t0, t1;
	struct strbuf sb = STRBUF_INIT, sec = STRBUF_INIT;
	const char *rec = NULL;
	char dir[] = "/tmp/merit-bench-letters-XXXXXX";
	size_t n = 10000, files;
	int jobs = 2, i, rc;
	int64_t bytes, max;
	double secs;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			n = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-j") && i + 1 < argc)
			jobs = (int)strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--record") && i + 1 < argc)
			rec = argv[++i];
		else {
			fprintf(stderr, "usage: bench_letters [-n N] [-j JOBS] [--record FILE]\n");
			return 64;
		}
	}
	config_build(&cfg);
	company_build(&c, n);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 73;
	}
	diag_init(&d);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = letters_write(&c, &cfg, dir, jobs, &d);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	diag_format(&d, &sb, DIAG_NOTE);
	fputs(sb.buf, stderr);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	dir_stats(dir, &bytes, &files, &max);
	strbuf_addf(&sec,
		    "letters_write, synthetic company (tools/bench_letters.c): %zu employees "
		    "(half zh, half en, 4-5 KPIs, 360 reviews for 1 in 3), -j %d, "
		    "%ld CPUs\n\n"
		    "| letters | seconds | letters/s | bytes/letter (mean) | largest letter |\n"
		    "|---|---|---|---|---|\n"
		    "| %zu | %.2f | %.0f | %.0f | %lld |\n",
		    n, jobs, sysconf(_SC_NPROCESSORS_ONLN), files, secs,
		    secs > 0 ? (double)files / secs : 0.0, files ? (double)bytes / (double)files : 0.0,
		    (long long)max);
	fputs(sec.buf, stdout);
	if (rec && record(rec, sec.buf) < 0) {
		perror(rec);
		return 73;
	}
	strbuf_release(&sb);
	strbuf_release(&sec);
	diag_release(&d);
	company_release(&c);
	return rc < 0 ? 1 : 0;
}
