/*
 * letter_fixture: the in-memory config and company builders shared by the
 * letter tests and the letter benchmark (see letter_fixture.h).
 */
#include "letter_fixture.h"

#include "util/period.h"
#include "util/strbuf.h"
#include "util/strmap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define S(x) ((char *)(x))

static struct metric_def metrics[LF_NMETRICS] = {
	{ .name = S("revenue"), .format = FMT_MONEY },
	{ .name = S("rate"), .format = FMT_PERCENT },
	{ .name = S("count"), .format = FMT_INTEGER },
	{ .name = S("score"), .format = FMT_NUMBER },
	{ .name = S("minutes"), .format = FMT_NUMBER },
};

struct kpi_def letter_fixture_kpis[LF_NKPIS] = {
	{ .name = S("sales_achievement"), .label = { S("销售业绩完成率"), S("Sales achievement") },
	  .metric = LF_M_REVENUE, .dimension = DIM_RESULTS, .perspective = PERSP_FINANCIAL,
	  .target = 300000 },
	{ .name = S("conversion"), .label = { S("赢单率"), S("Conversion") },
	  .metric = LF_M_RATE, .dimension = DIM_EFFICIENCY, .perspective = PERSP_CUSTOMER,
	  .target = 0.3 },
	{ .name = S("new_customers"), .label = { S("新客户数"), S("New customers") },
	  .metric = LF_M_COUNT, .dimension = DIM_RESULTS, .perspective = PERSP_CUSTOMER,
	  .target = 12 },
	{ .name = S("peer_review"), .label = { S("360 度评价"), S("Peer review") },
	  .metric = LF_M_SCORE, .dimension = DIM_ATTITUDE, .perspective = PERSP_LEARNING,
	  .target = 80 },
	{ .name = S("csat"), .label = { S("客户满意度"), S("Customer satisfaction") },
	  .metric = LF_M_RATE, .dimension = DIM_RESULTS, .perspective = PERSP_CUSTOMER,
	  .target = 0.9 },
	{ .name = S("first_response"), .label = { S("首次响应时长"), S("First response") },
	  .metric = LF_M_MINUTES, .direction = DIR_LOWER, .dimension = DIM_EFFICIENCY,
	  .perspective = PERSP_PROCESS, .target = 15 },
	{ .name = S("leads"), .label = { S("线索数量"), S("Leads") },
	  .metric = LF_M_COUNT, .dimension = DIM_RESULTS, .perspective = PERSP_CUSTOMER,
	  .target = 100 },
	{ .name = S("lead_conversion"), .label = { S("有效线索率"), S("Valid lead rate") },
	  .metric = LF_M_RATE, .dimension = DIM_EFFICIENCY, .perspective = PERSP_PROCESS,
	  .target = 0.9 },
	{ .name = S("milestones"), .label = { S("里程碑完成率"), S("Milestones") },
	  .metric = LF_M_RATE, .dimension = DIM_EFFICIENCY, .perspective = PERSP_PROCESS,
	  .target = 0.9 },
	{ .name = S("defect_rate"), .label = { S("缺陷率"), S("Defect rate") },
	  .metric = LF_M_RATE, .direction = DIR_LOWER, .dimension = DIM_RESULTS,
	  .perspective = PERSP_PROCESS, .target = 0.9 },
	{ .name = S("on_time_delivery"), .label = { S("准时交付率"), S("On-time delivery") },
	  .metric = LF_M_RATE, .dimension = DIM_RESULTS, .perspective = PERSP_CUSTOMER,
	  .target = 0.9 },
	{ .name = S("company_revenue"), .label = { S("公司收入目标（共同目标）"),
						  S("Company revenue (shared goal)") },
	  .metric = LF_M_REVENUE, .dimension = DIM_RESULTS, .perspective = PERSP_FINANCIAL,
	  .target = 50000000 },
};

static struct role_def roles[LF_NROLES] = {
	{ .name = S("sales"), .label = { S("销售"), S("Sales") }, .value_coefficient = 1.2 },
	{ .name = S("customer_service"), .label = { S("客户服务"), S("Customer service") },
	  .value_coefficient = 1.0 },
};

static struct rating_band bands[3] = {
	{ { S("优秀"), S("Excellent") }, 90, 1.5 },
	{ { S("合格"), S("Qualified") }, 80, 1.0 },
	{ { S("待改进"), S("Needs improvement") }, 0, 0 },
};

void letter_fixture_config(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->path = S("test.ini");
	cfg->company.zh = S("示例贸易有限公司");
	cfg->company.en = S("Example Trading Co.");
	cfg->locale = LOCALE_ZH;
	cfg->metrics = metrics;
	cfg->nmetrics = LF_NMETRICS;
	cfg->kpis = letter_fixture_kpis;
	cfg->nkpis = LF_NKPIS;
	cfg->roles = roles;
	cfg->nroles = LF_NROLES;
	cfg->bands = bands;
	cfg->nbands = 3;
	cfg->training_max_points = 5;
	cfg->bonus.currency = S("CNY");
	cfg->bonus.currency_symbol = S("¥");
	cfg->bonus.cap_months = 3;
	cfg->letters.templates_dir = S("templates");
	cfg->letters.font = S("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc");
	cfg->letters.font_index = 0;
	cfg->letters.jobs = 2;
	memcpy(cfg->sha256, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	       65);
}

void letter_fixture_company(struct company *c, const char *period)
{
	struct period p;
	if (period_parse(period, 0, &p) < 0)
		abort();
	company_init(c, &p);
}

struct employee *letter_fixture_employee(struct company *c, const char *id, const char *name,
					 enum locale loc, size_t nkpis)
{
	struct employee *e = company_add_employee(c);
	e->id = xstrdup(id);
	e->name = xstrdup(name);
	e->department = company_intern(c, loc == LOCALE_ZH ? "销售部" : "Sales");
	e->role = 0;
	e->role_text = xstrdup("sales");
	e->locale = loc;
	e->in_scope = 1;
	e->eligible = 1;
	e->days = 31;
	e->proration = 1;
	e->kpis = xcalloc(nkpis ? nkpis : 1, sizeof(*e->kpis));
	strmap_put(&c->by_id, e->id, c->nemps - 1);
	return e;
}

void letter_fixture_kpi(struct employee *e, int kpi, double weight, double target,
			double actual, const char *dropped)
{
	struct kpi_result *k = &e->kpis[e->nkpis++];
	memset(k, 0, sizeof(*k));
	k->kpi = kpi;
	k->weight = weight;
	k->eff_weight = dropped ? 0 : weight;
	k->has_target = 1;
	k->target = target;
	k->has_actual = !dropped;
	k->actual = actual;
	k->dropped = dropped;
	if (!dropped) {
		k->achievement = letter_fixture_kpis[kpi].direction == DIR_LOWER ? target / actual : actual / target;
		k->score = fmin(100 * k->achievement, 120);
		k->contribution = weight * k->score / 100;
	}
}

struct review_row *letter_fixture_review(struct company *c, size_t reviewer, size_t reviewee,
					 enum review_relation rel, double score)
{
	struct review_row *r;
	ALLOC_GROW(c->reviews, c->nreviews + 1, c->reviews_alloc);
	r = &c->reviews[c->nreviews++];
	memset(r, 0, sizeof(*r));
	r->reviewer = reviewer;
	r->reviewee = reviewee;
	r->relation = rel;
	r->score = score;
	return r;
}

void letter_fixture_training(struct company *c, size_t emp, const char *course, int32_t date,
			     double hours)
{
	struct training_row *t;
	ALLOC_GROW(c->training, c->ntraining + 1, c->training_alloc);
	t = &c->training[c->ntraining++];
	memset(t, 0, sizeof(*t));
	t->employee = emp;
	t->course = company_intern(c, course);
	t->date = date;
	t->hours = hours;
	t->passed = 1;
}
