/*
 * gencompany: writes a synthetic company of N employees and M sales rows
 * into a folder, in the same files, headers and value spellings as
 * samples/ (docs/SAMPLE-NAMES.md), plus a merit.ini next to them: a copy of
 * config/merit.ini whose input paths point at the generated files. It is
 * the load for `make bench` and for scale tests.
 *
 *   gencompany -e 10000 -s 1000000 [-p 2026-10] [--seed 1] [-c config/merit.ini] DIR
 *
 * Same arguments, same bytes: one seeded PRNG (splitmix64), no clock, no
 * locale. Fast enough that the sales file is limited by the disk: every row
 * is formatted by hand into a 1 MiB buffer (printf per field would be the
 * bottleneck at 10 million rows).
 *
 * Differences from samples/ that a reader should know: hr.csv is UTF-8
 * (the written merit.ini says `encoding = auto` for every input, so the
 * GB18030 default of the shipped config does not matter), department names
 * are numbered ("销售部-003"), and the special cases (mid-period hires,
 * leavers, probation, out-of-scope people) are sprinkled at fixed rates
 * instead of named one by one. Every KPI that takes its target from the
 * table gets one for every employee who needs it, so a run never stops on
 * a missing target.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "util/date.h"
#include "util/num.h"
#include "util/period.h"

#define EX_USAGE_ 64
#define EX_NOINPUT_ 66
#define EX_CANTCREAT_ 73

/* ------------------------------------------------------------------ PRNG */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n) without division (Lemire's multiply-shift). */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* ---------------------------------------------------------- buffered out */

struct out {
	FILE *f;
	char path[PATH_MAX];
	char *buf;
	size_t len, cap;
	uint64_t bytes;
	int failed;
};

static int out_open(struct out *o, const char *dir, const char *name)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->path, sizeof(o->path), "%s/%s", dir, name);
	o->cap = 1 << 20;
	o->buf = malloc(o->cap);
	o->f = fopen(o->path, "wb");
	if (!o->f || !o->buf) {
		fprintf(stderr, "gencompany: cannot create %s: %s\n", o->path, strerror(errno));
		free(o->buf);
		if (o->f)
			fclose(o->f);
		return -1;
	}
	return 0;
}

static void out_flush(struct out *o)
{
	if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->failed = 1;
	o->bytes += o->len;
	o->len = 0;
}

static void out_mem(struct out *o, const void *p, size_t n)
{
	if (o->cap - o->len < n) {
		out_flush(o);
		if (n > o->cap) {
			if (fwrite(p, 1, n, o->f) != n)
				o->failed = 1;
			o->bytes += n;
			return;
		}
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static void out_str(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

static void out_ch(struct out *o, char c)
{
	if (o->len == o->cap)
		out_flush(o);
	o->buf[o->len++] = c;
}

/* v in decimal, left-padded with zeros to at least `width` digits. */
static void out_uint(struct out *o, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	if (o->cap - o->len < (size_t)n)
		out_flush(o);
	while (n)
		o->buf[o->len++] = tmp[--n];
}

/* Whole units with thousands separators: 12,345 */
static void out_grouped(struct out *o, uint64_t v)
{
	char tmp[32];
	int n = 0, digits = 0;
	do {
		if (digits && digits % 3 == 0)
			tmp[n++] = ',';
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
		digits++;
	} while (v);
	if (o->cap - o->len < (size_t)n)
		out_flush(o);
	while (n)
		o->buf[o->len++] = tmp[--n];
}

/* Cents as "12345.67" */
static void out_cents(struct out *o, int64_t cents)
{
	if (cents < 0) {
		out_ch(o, '-');
		cents = -cents;
	}
	out_uint(o, (uint64_t)cents / 100, 1);
	out_ch(o, '.');
	out_uint(o, (uint64_t)cents % 100, 2);
}

/*
 * A CRM amount in one of the spellings real exports use: "¥12,345.00",
 * "12,345.00", 12345.00, and refunds as accounting negatives "(1,200.00)".
 * Separators force CSV quotes.
 */
static void out_crm_money(struct out *o, int64_t cents, unsigned style)
{
	uint64_t a = (uint64_t)(cents < 0 ? -cents : cents);
	if (cents < 0) {
		out_str(o, "\"(");
		out_grouped(o, a / 100);
		out_ch(o, '.');
		out_uint(o, a % 100, 2);
		out_str(o, ")\"");
		return;
	}
	if (style == 2) {
		out_cents(o, cents);
		return;
	}
	out_str(o, style == 0 ? "\"¥" : "\"");
	out_grouped(o, a / 100);
	out_ch(o, '.');
	out_uint(o, a % 100, 2);
	out_ch(o, '"');
}

static void out_date(struct out *o, int32_t day, char sep)
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	out_uint(o, (uint64_t)y, 4);
	out_ch(o, sep);
	out_uint(o, (uint64_t)m, 2);
	out_ch(o, sep);
	out_uint(o, (uint64_t)d, 2);
}

static void out_fixed(struct out *o, double x, int decimals)
{
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "%.*f", decimals, x);
	out_str(o, tmp);
}

static int out_close(struct out *o)
{
	int bad;
	out_flush(o);
	bad = o->failed | ferror(o->f);
	if (fclose(o->f) != 0)
		bad = 1;
	free(o->buf);
	if (bad)
		fprintf(stderr, "gencompany: cannot write %s: %s\n", o->path, strerror(errno));
	return bad ? -1 : 0;
}

/* ------------------------------------------------------------- company */

struct role_info {
	const char *name, *label, *dept_type;  /* NAME, HR's 岗位, HR's 部门类型 */
	unsigned share;                        /* percent of the headcount */
	int salary_min, salary_max;            /* monthly CNY, staff grades */
};

enum { R_SALES, R_MARKET, R_SERVICE, R_HR, R_FINANCE, R_ADMIN, R_RND, R_PRODUCTION, NROLES };

static const struct role_info roles[NROLES] = {
	{ "sales", "销售", "业务", 35, 9000, 18000 },
	{ "market_expansion", "市场拓展", "业务", 8, 10000, 16000 },
	{ "customer_service", "客户服务", "服务", 12, 8000, 11000 },
	{ "hr", "人力资源", "管理", 4, 10000, 20000 },
	{ "finance", "财务", "管理", 5, 11000, 25000 },
	{ "admin", "行政", "管理", 5, 8000, 15000 },
	{ "rnd", "研发", "业务", 15, 17000, 38000 },
	{ "production", "生产", "业务", 16, 8000, 10000 },
};

/* Special cases, the same kinds the samples name one by one. */
enum emp_kind { K_NORMAL, K_MID_HIRE, K_LEAVER, K_PROBATION, K_FUTURE, K_GONE };

struct emp {
	uint32_t dept;
	uint8_t role, kind, is_head, en, female;
	int32_t hire, leave;       /* DATE_NONE while employed */
	uint32_t salary;           /* CNY per month */
	int64_t won_cents;         /* won amounts inside the period */
	uint32_t name_a, name_b;
};

struct dept {
	uint8_t role;
	uint32_t first, n;         /* employees [first, first + n); first is the head */
};

struct company {
	uint32_t nemp, ndept;
	struct emp *emps;
	struct dept *depts;
	uint32_t *sellers;         /* in-scope sales employees, the CRM owners */
	uint32_t nsellers;
	struct period p;
};

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
	"胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
	"邓", "曹", "彭", "曾", "萧", "田", "董", "潘", "袁", "蔡", "蒋", "余",
};
static const char *const given[] = {
	"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
	"杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建国", "晓燕",
	"志强", "雪", "婷", "浩然", "子涵", "雨萱", "俊杰", "欣怡", "思远", "嘉怡", "宇轩",
};
static const char *const en_first[] = {
	"Emily", "Daniel", "Sophie", "Michael", "Olivia", "James", "Hannah", "Lucas",
	"Chloe", "Thomas", "Grace", "Noah",
};
static const char *const en_last[] = {
	"Carter", "Brooks", "Martin", "Chen", "Walker", "Schmidt", "Dubois", "Rossi",
	"Taylor", "Novak", "Murphy", "Kim",
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int in_scope(const struct company *c, const struct emp *e)
{
	return e->hire <= c->p.last && (e->leave == DATE_NONE || e->leave >= c->p.first);
}

static int build_company(struct company *c, uint32_t nemp, struct rng *r)
{
	uint32_t count[NROLES], sum = 0, ndept[NROLES], i, k;
	int role;

	for (role = 0; role < NROLES; role++) {
		count[role] = (uint32_t)((uint64_t)nemp * roles[role].share / 100);
		if (count[role] == 0)
			count[role] = 1;
		sum += count[role];
	}
	/* Sales absorbs the rounding, as the biggest group. */
	if (sum > nemp && count[R_SALES] <= sum - nemp)
		return -1;
	count[R_SALES] = count[R_SALES] + nemp - sum;

	c->nemp = nemp;
	c->ndept = 0;
	for (role = 0; role < NROLES; role++) {
		/* About 12 people a department. */
		ndept[role] = (count[role] + 6) / 12;
		if (ndept[role] == 0)
			ndept[role] = 1;
		c->ndept += ndept[role];
	}
	c->emps = calloc(nemp, sizeof(*c->emps));
	c->depts = calloc(c->ndept, sizeof(*c->depts));
	c->sellers = calloc(count[R_SALES], sizeof(*c->sellers));
	if (!c->emps || !c->depts || !c->sellers)
		return -1;

	{
		uint32_t d = 0, e = 0;
		for (role = 0; role < NROLES; role++) {
			for (k = 0; k < ndept[role]; k++, d++) {
				uint32_t n = count[role] / ndept[role] + (k < count[role] % ndept[role]);
				c->depts[d].role = (uint8_t)role;
				c->depts[d].first = e;
				c->depts[d].n = n;
				for (i = 0; i < n; i++, e++) {
					c->emps[e].dept = d;
					c->emps[e].role = (uint8_t)role;
					c->emps[e].is_head = i == 0;
				}
			}
		}
	}

	for (i = 0; i < nemp; i++) {
		struct emp *e = &c->emps[i];
		const struct role_info *ri = &roles[e->role];
		uint32_t u = rng_below(r, 1000);
		int32_t span = c->p.last - c->p.first + 1;

		e->en = rng_below(r, 100) < 4;
		e->female = rng_below(r, 100) < 48;
		e->name_a = rng_below(r, 1000);
		e->name_b = rng_below(r, 1000);
		e->salary = (uint32_t)(ri->salary_min +
			rng_below(r, (uint32_t)(ri->salary_max - ri->salary_min + 1)));
		e->salary -= e->salary % 100;
		if (e->is_head) {
			e->salary = e->salary * 18 / 10 / 100 * 100;
			if (e->salary > 45000)
				e->salary = 45000;
		}
		e->hire = c->p.first - 60 - (int32_t)rng_below(r, 365 * 10);
		e->leave = DATE_NONE;
		e->kind = K_NORMAL;
		/* Heads and sellers stay normal: every department keeps its head
		 * and every CRM row has an owner employed for the whole period. */
		if (e->is_head || e->role == R_SALES)
			;
		else if (u < 10) {
			e->kind = K_MID_HIRE;
			e->hire = c->p.first + span / 2;
		} else if (u < 20) {
			e->kind = K_LEAVER;
			e->leave = c->p.first + span * 2 / 3;
		} else if (u < 40) {
			e->kind = K_PROBATION;
			e->hire = c->p.first - 30 - (int32_t)rng_below(r, 60);
		} else if (u < 43) {
			e->kind = K_FUTURE;
			e->hire = c->p.last + 1 + (int32_t)rng_below(r, 20);
		} else if (u < 46) {
			e->kind = K_GONE;
			e->leave = c->p.first - 1 - (int32_t)rng_below(r, 25);
		}
		if (e->role == R_SALES)
			c->sellers[c->nsellers++] = i;
	}
	return 0;
}

static void out_emp_id(struct out *o, uint32_t i)
{
	out_ch(o, 'E');
	out_uint(o, (uint64_t)i + 1, 7);
}

static void out_name(struct out *o, const struct emp *e)
{
	if (e->en) {
		out_str(o, en_first[e->name_a % COUNT(en_first)]);
		out_ch(o, ' ');
		out_str(o, en_last[e->name_b % COUNT(en_last)]);
		return;
	}
	out_str(o, surnames[e->name_a % COUNT(surnames)]);
	out_str(o, given[e->name_b % COUNT(given)]);
}

/* Department names are looked up per row; cache them once. */
static char **dept_names(const struct company *c)
{
	char **names = calloc(c->ndept, sizeof(*names));
	uint32_t d, seen[NROLES] = { 0 };
	if (!names)
		return NULL;
	for (d = 0; d < c->ndept; d++) {
		char tmp[64];
		snprintf(tmp, sizeof(tmp), "%s部-%03u", roles[c->depts[d].role].label,
			 (unsigned)++seen[c->depts[d].role]);
		names[d] = strdup(tmp);
		if (!names[d])
			return NULL;
	}
	return names;
}

static int write_hr(const struct company *c, const char *dir, char **dnames)
{
	struct out o;
	uint32_t i;
	static const char *const grades[] = { "P2", "P3", "P3", "P4", "P4", "P5", "P6" };

	if (out_open(&o, dir, "hr.csv") < 0)
		return -1;
	out_str(&o, "工号,姓名,邮箱,部门,部门类型,岗位,职级,直属上级,月基本工资,"
		    "入职日期,离职日期,状态,性别,语言,成本中心\r\n");
	for (i = 0; i < c->nemp; i++) {
		const struct emp *e = &c->emps[i];
		const struct dept *d = &c->depts[e->dept];
		out_emp_id(&o, i);
		out_ch(&o, ',');
		out_name(&o, e);
		out_str(&o, ",e");
		out_uint(&o, (uint64_t)i + 1, 7);
		out_str(&o, "@example-trading.cn,");
		out_str(&o, dnames[e->dept]);
		out_ch(&o, ',');
		out_str(&o, roles[e->role].dept_type);
		out_ch(&o, ',');
		out_str(&o, roles[e->role].label);
		out_ch(&o, ',');
		out_str(&o, e->is_head ? "M1" : grades[(e->name_a + e->name_b) % COUNT(grades)]);
		out_ch(&o, ',');
		if (!e->is_head)
			out_emp_id(&o, d->first);
		out_ch(&o, ',');
		out_uint(&o, e->salary, 1);
		out_str(&o, ".00,");
		out_date(&o, e->hire, '/');
		out_ch(&o, ',');
		if (e->leave != DATE_NONE)
			out_date(&o, e->leave, '/');
		out_ch(&o, ',');
		out_str(&o, e->leave != DATE_NONE ? "离职" :
			    e->kind == K_PROBATION || e->kind == K_FUTURE ? "试用" : "在职");
		out_ch(&o, ',');
		out_str(&o, e->female ? "女" : "男");
		out_str(&o, e->en ? ",en," : ",zh,");
		out_str(&o, "CC-");
		out_uint(&o, (uint64_t)e->dept + 1, 4);
		out_str(&o, "\r\n");
	}
	return out_close(&o);
}

/* ---------------------------------------------------------------- sales */

static const char *const sales_notes[] = {
	"\"Customer asked for \"\"net 60\"\" payment terms, approved by finance\"",
	"\"客户要求分两批发货，\n第一批月底前到货\"",
	"\"Lost to competitor on delivery time,\nasked to be contacted for next tender\"",
	"\"Renewal of annual contract, price +3%\"",
	"老客户转介绍，首单试用",
};

/* A day's "MM/DD/YYYY", computed once per calendar day. */
struct day_table {
	int32_t first;
	int32_t n;
	char (*text)[11];
};

static int day_table_init(struct day_table *t, int32_t first, int32_t last)
{
	int32_t i;
	t->first = first;
	t->n = last - first + 1;
	t->text = malloc((size_t)t->n * sizeof(*t->text));
	if (!t->text)
		return -1;
	for (i = 0; i < t->n; i++) {
		int y, m, d;
		date_to_ymd(first + i, &y, &m, &d);
		snprintf(t->text[i], sizeof(t->text[i]), "%02d/%02d/%04d", m, d, y);
	}
	return 0;
}

static int write_sales(struct company *c, const char *dir, uint64_t nrows, struct rng *r,
		       uint64_t *bytes)
{
	struct out o;
	struct day_table days;
	uint64_t i, next_account = 1, pool;
	int32_t span = c->p.last - c->p.first + 1;
	int32_t before = 30, after = 15;

	if (c->nsellers == 0)
		return 0;
	/* Existing accounts: about 20 per seller. */
	pool = (uint64_t)c->nsellers * 20;
	next_account = pool + 1;
	if (day_table_init(&days, c->p.first - before, c->p.last + after) < 0)
		return -1;
	if (out_open(&o, dir, "sales.csv") < 0) {
		free(days.text);
		return -1;
	}
	out_str(&o, "\xef\xbb\xbfOpportunity ID,Owner Employee ID,Account ID,Close Date,"
		    "Stage,Amount,New Customer,Acquisition Cost,Notes\r\n");
	for (i = 0; i < nrows; i++) {
		uint32_t owner = c->sellers[rng_below(r, c->nsellers)];
		uint32_t u = rng_below(r, 100), du = rng_below(r, 100);
		int stage = u < 45 ? 0 : u < 75 ? 1 : 2;   /* won, lost, open */
		int32_t day;
		int has_day = 1, has_amount = 1, isnew = rng_below(r, 100) < 20;
		int64_t cents = (int64_t)(2000 + rng_below(r, 40000)) * 100;
		unsigned style = rng_below(r, 10);

		if (rng_below(r, 10) == 0)
			cents += (int64_t)rng_below(r, 200000) * 100;
		if (du < 88)
			day = c->p.first + (int32_t)rng_below(r, (uint32_t)span);
		else if (du < 94)
			day = c->p.first - 1 - (int32_t)rng_below(r, (uint32_t)before);
		else if (du < 97)
			day = c->p.last + 1 + (int32_t)rng_below(r, (uint32_t)after);
		else {
			day = c->p.first;
			has_day = stage != 2;  /* open deals without a close date */
		}
		if (stage == 2 && rng_below(r, 10) == 0)
			has_amount = 0;
		if (stage == 0 && rng_below(r, 1000) < 3) {
			cents = -(int64_t)(100 + rng_below(r, 5000)) * 100;  /* refund */
			isnew = 0;
		}

		out_str(&o, "OPP-");
		out_uint(&o, i + 1, 9);
		out_ch(&o, ',');
		out_emp_id(&o, owner);
		out_str(&o, ",ACC-");
		out_uint(&o, isnew ? next_account++ : 1 + rng_below(r, (uint32_t)pool), 7);
		out_ch(&o, ',');
		if (has_day)
			out_mem(&o, days.text[day - days.first], 10);
		out_str(&o, stage == 0 ? ",Closed Won," : stage == 1 ? ",Closed Lost," : ",Negotiation,");
		if (has_amount)
			out_crm_money(&o, cents, style < 4 ? 0 : style < 7 ? 1 : 2);
		out_str(&o, isnew ? ",Yes," : ",No,");
		if (isnew || rng_below(r, 10) == 0)
			out_cents(&o, (int64_t)(200 + rng_below(r, 2800)) * 100);
		out_ch(&o, ',');
		if (rng_below(r, 100) < 3)
			out_str(&o, sales_notes[rng_below(r, COUNT(sales_notes))]);
		out_str(&o, "\r\n");

		if (stage == 0 && has_day && has_amount && day >= c->p.first && day <= c->p.last)
			c->emps[owner].won_cents += cents;
	}
	free(days.text);
	if (out_close(&o) < 0)
		return -1;
	*bytes = o.bytes;
	return 0;
}

/* -------------------------------------------------------------- targets */

static void target_row(struct out *o, const char *scope, const char *key, uint32_t emp,
		       const char *kpi, const char *period, double target)
{
	out_str(o, scope);
	out_ch(o, ',');
	if (key)
		out_str(o, key);
	else if (emp != UINT32_MAX)
		out_emp_id(o, emp);
	out_ch(o, ',');
	out_str(o, kpi);
	out_ch(o, ',');
	out_str(o, period);
	out_ch(o, ',');
	out_fixed(o, target, 0);
	out_ch(o, '\n');
}

static int write_targets(const struct company *c, const char *dir, uint64_t nsales,
			 char **dnames, struct rng *r)
{
	struct out o;
	struct period next;
	char quarter[16];
	uint32_t i, d;
	double total = 0, new_per_seller;
	const char *P = c->p.label;

	period_next(&c->p, &next);
	snprintf(quarter, sizeof(quarter), "%d-Q%d", c->p.year, (c->p.first_month + 2) / 3);
	if (out_open(&o, dir, "targets.csv") < 0)
		return -1;
	out_str(&o, "scope,key,kpi,period,target\n");
	for (i = 0; i < c->nsellers; i++) {
		uint32_t e = c->sellers[i];
		double won = (double)c->emps[e].won_cents / 100.0;
		/* Achievement lands between 60 % and 130 %, so ratings spread. */
		double t = won / (0.6 + 0.7 * rng_unit(r));
		t = t < 10000 ? 10000 : (double)((int64_t)(t / 1000) * 1000);
		total += t;
		target_row(&o, "employee", NULL, e, "sales_achievement", P, t);
		target_row(&o, "employee", NULL, e, "sales_achievement", next.label, t * 1.05);
		if (strcmp(quarter, P) != 0)
			target_row(&o, "employee", NULL, e, "sales_achievement", quarter, t * 3.1);
	}
	/* Expected distinct new customers won per seller in the period. */
	new_per_seller = c->nsellers ? (double)nsales * 0.88 * 0.45 * 0.2 / c->nsellers : 1;
	if (new_per_seller < 1)
		new_per_seller = 1;
	target_row(&o, "role", "sales", 0, "new_customers", P, new_per_seller);
	target_row(&o, "role", "sales", 0, "new_customers", next.label, new_per_seller);
	target_row(&o, "company", "", 0, "company_revenue", P, total);
	target_row(&o, "company", "", 0, "company_revenue", next.label, total * 1.08);
	if (strcmp(quarter, P) != 0)
		target_row(&o, "company", "", 0, "company_revenue", quarter, total * 3.2);
	for (i = 0; i < c->nemp; i++) {
		if (c->emps[i].role == R_MARKET && in_scope(c, &c->emps[i]))
			target_row(&o, "employee", NULL, i, "leads", P,
				   c->emps[i].is_head ? 60 : 120 + 10 * rng_below(r, 5));
	}
	target_row(&o, "role", "finance", 0, "process_savings", P, 20000);
	target_row(&o, "role", "finance", 0, "process_savings", next.label, 20000);
	for (d = 0; d < c->ndept; d++) {
		if (c->depts[d].role == R_PRODUCTION)
			target_row(&o, "department", dnames[d], 0, "output", P, 1200);
	}
	return out_close(&o);
}

/* -------------------------------------------------------------- metrics */

static void metric_row(struct out *o, uint32_t e, const char *period, const char *metric)
{
	out_emp_id(o, e);
	out_str(o, ",,");
	out_str(o, period);
	out_ch(o, ',');
	out_str(o, metric);
	out_ch(o, ',');
}

/* A ratio as "92.3%" or 0.923, the two spellings exports use. */
static void out_ratio(struct out *o, struct rng *r, double lo, double hi)
{
	double x = lo + (hi - lo) * rng_unit(r);
	if (rng_below(r, 10) < 4) {
		out_fixed(o, x * 100, 1);
		out_ch(o, '%');
	} else {
		out_fixed(o, x, 3);
	}
}

static int write_metrics(const struct company *c, const char *dir, struct rng *r)
{
	struct out o;
	uint32_t i;
	const char *P = c->p.label;

	if (out_open(&o, dir, "metrics.csv") < 0)
		return -1;
	out_str(&o, "employee_id,department,period,metric,value\n");
	for (i = 0; i < c->nemp; i++) {
		const struct emp *e = &c->emps[i];
		if (!in_scope(c, e))
			continue;
		switch (e->role) {
		case R_SERVICE:
			metric_row(&o, i, P, "csat");
			out_ratio(&o, r, 0.82, 0.99);
			out_ch(&o, '\n');
			metric_row(&o, i, P, "first_response_minutes");
			out_fixed(&o, 5 + 18 * rng_unit(r), 1);
			out_ch(&o, '\n');
			break;
		case R_HR:
		case R_FINANCE:
		case R_ADMIN:
			metric_row(&o, i, P, "email_reply_hours");
			out_fixed(&o, 2 + 30 * rng_unit(r), 1);
			out_ch(&o, '\n');
			metric_row(&o, i, P, "decision_accuracy");
			out_ratio(&o, r, 0.68, 0.98);
			out_ch(&o, '\n');
			if (e->role == R_FINANCE) {
				metric_row(&o, i, P, "process_savings");
				out_cents(&o, (int64_t)(8000 + rng_below(r, 22000)) * 100);
				out_ch(&o, '\n');
			}
			break;
		case R_MARKET: {
			uint32_t leads = e->is_head ? 40 + rng_below(r, 40) : 80 + rng_below(r, 120);
			metric_row(&o, i, P, "leads");
			out_uint(&o, leads, 1);
			out_ch(&o, '\n');
			metric_row(&o, i, P, "valid_leads");
			out_uint(&o, (uint64_t)(leads * (0.4 + 0.35 * rng_unit(r))), 1);
			out_ch(&o, '\n');
			break;
		}
		case R_RND:
			metric_row(&o, i, P, "milestone_completion");
			out_fixed(&o, 0.72 + 0.28 * rng_unit(r), 2);
			out_ch(&o, '\n');
			metric_row(&o, i, P, "defect_rate");
			out_fixed(&o, 0.004 + 0.035 * rng_unit(r), 3);
			out_ch(&o, '\n');
			break;
		case R_PRODUCTION:
			metric_row(&o, i, P, "output_units");
			out_uint(&o, e->is_head ? 500 + rng_below(r, 200) : 900 + rng_below(r, 600), 1);
			out_ch(&o, '\n');
			metric_row(&o, i, P, "defect_rate");
			out_fixed(&o, 0.005 + 0.03 * rng_unit(r), 3);
			out_ch(&o, '\n');
			metric_row(&o, i, P, "on_time_delivery");
			out_ratio(&o, r, 0.86, 1.0);
			out_ch(&o, '\n');
			break;
		default:
			break;
		}
	}
	return out_close(&o);
}

/* -------------------------------------------------------------- reviews */

static const char *const review_comments[] = {
	"工作认真负责，沟通顺畅",
	"Reliable and easy to work with",
	"\"目标完成出色，主动承担额外工作\"",
	"\"Meets expectations; could follow up faster, e.g. on \"\"urgent\"\" tickets\"",
	"需要在跨部门沟通上多花心思",
};

static void review(struct out *o, struct rng *r, uint32_t from, uint32_t to,
		   const char *relation, unsigned level)
{
	static const char *const dims[] = { "results", "efficiency", "attitude" };
	unsigned k;
	for (k = 0; k < 3; k++) {
		int s = (int)level + (int)rng_below(r, 3) - 1;
		s = s < 1 ? 1 : s > 5 ? 5 : s;
		out_emp_id(o, from);
		out_ch(o, ',');
		out_emp_id(o, to);
		out_ch(o, ',');
		out_str(o, relation);
		out_ch(o, ',');
		out_str(o, dims[k]);
		out_ch(o, ',');
		out_uint(o, (uint64_t)s, 1);
		out_ch(o, ',');
		if (k == 0 && rng_below(r, 10) < 3)
			out_str(o, review_comments[rng_below(r, COUNT(review_comments))]);
		out_ch(o, '\n');
	}
}

/* A random in-scope member of department d other than `not`, or UINT32_MAX. */
static uint32_t pick_member(const struct company *c, uint32_t d, uint32_t not, struct rng *r)
{
	const struct dept *dp = &c->depts[d];
	int tries;
	for (tries = 0; tries < 8 && dp->n > 1; tries++) {
		uint32_t e = dp->first + rng_below(r, dp->n);
		if (e != not && in_scope(c, &c->emps[e]))
			return e;
	}
	return UINT32_MAX;
}

static int write_reviews(const struct company *c, const char *dir, struct rng *r)
{
	struct out o;
	uint32_t i;

	if (out_open(&o, dir, "reviews.csv") < 0)
		return -1;
	out_str(&o, "reviewer_id,reviewee_id,relation,dimension,score,comment\n");
	for (i = 0; i < c->nemp; i++) {
		const struct emp *e = &c->emps[i];
		unsigned level = 3 + rng_below(r, 3) - (rng_below(r, 10) == 0);
		uint32_t head = c->depts[e->dept].first, k, p;
		if (!in_scope(c, e))
			continue;
		if (!e->is_head)
			review(&o, r, head, i, "manager", level);
		for (k = 0; k < 2; k++) {
			if (e->is_head) {
				uint32_t d = rng_below(r, c->ndept);
				p = c->depts[d].first;
				if (p == i)
					continue;
			} else {
				p = pick_member(c, e->dept, i, r);
				if (p == UINT32_MAX || p == head)
					continue;
			}
			review(&o, r, p, i, "peer", level);
			if (e->is_head) {
				p = pick_member(c, e->dept, i, r);
				if (p != UINT32_MAX)
					review(&o, r, p, i, "subordinate", level);
			}
		}
		review(&o, r, i, i, "self", level < 5 ? level + 1 : 5);
	}
	return out_close(&o);
}

/* ------------------------------------------------------------- training */

static int write_training(const struct company *c, const char *dir, struct rng *r)
{
	static const char *const courses[] = {
		"大客户销售技巧", "Excel 数据分析进阶", "Negotiation Skills", "信息安全意识培训",
		"Lean Production Basics", "客户服务礼仪", "Business English", "安全生产规范",
	};
	static const char *const passed[] = { "yes", "yes", "是", "yes", "no", "否" };
	struct out o;
	uint32_t i, n = c->nemp / 2;
	int32_t span = c->p.last - c->p.first + 1;

	if (out_open(&o, dir, "training.csv") < 0)
		return -1;
	out_str(&o, "employee_id,course,date,hours,passed\n");
	for (i = 0; i < n; i++) {
		uint32_t e = rng_below(r, c->nemp);
		int32_t day = rng_below(r, 10) < 8 ? c->p.first + (int32_t)rng_below(r, (uint32_t)span)
						 : c->p.first - 1 - (int32_t)rng_below(r, 30);
		if (!in_scope(c, &c->emps[e]))
			continue;
		out_emp_id(&o, e);
		out_ch(&o, ',');
		out_str(&o, courses[rng_below(r, COUNT(courses))]);
		out_ch(&o, ',');
		out_date(&o, day, '-');
		out_ch(&o, ',');
		out_uint(&o, 2 + 2 * rng_below(r, 6), 1);
		out_ch(&o, ',');
		out_str(&o, passed[rng_below(r, COUNT(passed))]);
		out_ch(&o, '\n');
	}
	return out_close(&o);
}

/* ------------------------------------------------------------ merit.ini */

static char *trim(char *s)
{
	char *end;
	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* The value of `key = value ; comment`, without the comment, into out. */
static void ini_value(const char *eq, char *out, size_t outsz)
{
	size_t n = 0;
	const char *p = eq + 1;
	while (*p == ' ' || *p == '\t')
		p++;
	while (p[n] && p[n] != '\n' && p[n] != '\r' &&
	       !((p[n] == ';' || p[n] == '#') && n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')))
		n++;
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/*
 * Copies the config, pointing it at the generated folder: [input.X] file =
 * X.csv with encoding = auto, [run] period/output_dir/state_dir local to
 * the folder, and any other relative path (templates_dir, font, ...) made
 * absolute against the source config's folder so it still resolves.
 */
static int write_ini(const struct company *c, const char *dir, const char *config)
{
	char srcdir[PATH_MAX], line[4096], section[128] = "", val[PATH_MAX];
	char *slash;
	FILE *in;
	struct out o;

	if (!realpath(config, srcdir)) {
		fprintf(stderr, "gencompany: cannot read %s: %s\n"
			"hint: pass the config with -c FILE, or --no-ini\n", config, strerror(errno));
		return -2;
	}
	slash = strrchr(srcdir, '/');
	if (slash)
		*(slash == srcdir ? slash + 1 : slash) = '\0';
	in = fopen(config, "r");
	if (!in) {
		fprintf(stderr, "gencompany: cannot read %s: %s\n", config, strerror(errno));
		return -2;
	}
	if (out_open(&o, dir, "merit.ini") < 0) {
		fclose(in);
		return -1;
	}
	out_str(&o, "; Generated by gencompany from ");
	out_str(&o, config);
	out_str(&o, ": the inputs are the CSV files of this folder.\n");
	while (fgets(line, sizeof(line), in)) {
		char *t = trim(line), *eq = strchr(t, '=');
		char key[128];
		size_t klen;

		if (*t == '[') {
			char *end = strchr(t, ']');
			size_t n = end ? (size_t)(end - t - 1) : 0;
			if (n >= sizeof(section))
				n = sizeof(section) - 1;
			memcpy(section, t + 1, n);
			section[n] = '\0';
		}
		if (*t == ';' || *t == '#' || *t == '[' || !eq) {
			out_str(&o, line);
			out_ch(&o, '\n');
			continue;
		}
		klen = (size_t)(eq - t);
		while (klen > 0 && (t[klen - 1] == ' ' || t[klen - 1] == '\t'))
			klen--;
		if (klen >= sizeof(key))
			klen = sizeof(key) - 1;
		memcpy(key, t, klen);
		key[klen] = '\0';
		ini_value(eq, val, sizeof(val));

		if (strncmp(section, "input.", 6) == 0 && strcmp(key, "file") == 0) {
			out_str(&o, "file = ");
			out_str(&o, section + 6);
			out_str(&o, ".csv\n");
		} else if (strncmp(section, "input.", 6) == 0 && strcmp(key, "encoding") == 0) {
			out_str(&o, "encoding = auto\n");
		} else if (strcmp(section, "run") == 0 && strcmp(key, "period") == 0) {
			out_str(&o, "period = ");
			out_str(&o, c->p.label);
			out_ch(&o, '\n');
		} else if (strcmp(section, "run") == 0 &&
			   (strcmp(key, "output_dir") == 0 || strcmp(key, "state_dir") == 0)) {
			out_str(&o, key);
			out_str(&o, strcmp(key, "output_dir") == 0 ? " = out\n" : " = state\n");
		} else if (val[0] && val[0] != '/' &&
			   (strncmp(val, "./", 2) == 0 || strncmp(val, "../", 3) == 0 ||
			    strstr(key, "_dir") || strcmp(key, "templates") == 0 ||
			    strcmp(key, "font") == 0 || strcmp(key, "file") == 0 ||
			    strstr(key, "_file"))) {
			out_str(&o, key);
			out_str(&o, " = ");
			out_str(&o, srcdir);
			out_ch(&o, '/');
			out_str(&o, val);
			out_ch(&o, '\n');
		} else {
			out_str(&o, line);
			out_ch(&o, '\n');
		}
	}
	fclose(in);
	return out_close(&o);
}

/* ------------------------------------------------------------------ main */

static int mkdir_p(const char *path)
{
	char tmp[PATH_MAX];
	size_t i, n = strlen(path);
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] == '/' || tmp[i] == '\0') {
			char save = tmp[i];
			tmp[i] = '\0';
			if (mkdir(tmp, 0777) < 0 && errno != EEXIST)
				return -1;
			tmp[i] = save;
		}
	}
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: gencompany -e EMPLOYEES -s SALES_ROWS [-p PERIOD] [--seed S]\n"
	      "                  [-c CONFIG | --no-ini] DIR\n"
	      "Writes hr.csv, sales.csv, targets.csv, metrics.csv, reviews.csv,\n"
	      "training.csv and merit.ini (from CONFIG, default config/merit.ini) into DIR.\n",
	      f);
}

static int parse_count(const char *opt, const char *s, long long min, long long max,
		       long long *out)
{
	if (num_parse_int(s, min, max, out) != NUM_OK) {
		fprintf(stderr, "gencompany: %s '%s' is not a whole number in [%lld, %lld]\n",
			opt, s, min, max);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 'S' },
		{ "no-ini", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long long nemp = -1, nsales = -1, seed = 1;
	const char *period = "2026-10", *config = "config/merit.ini", *dir;
	int opt, no_ini = 0, rc;
	struct company c;
	struct rng r;
	char **dnames;
	uint64_t sales_bytes = 0;

	while ((opt = getopt_long(argc, argv, "e:s:p:c:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'e':
			if (parse_count("-e", optarg, 8, 50000000, &nemp) < 0)
				return EX_USAGE_;
			break;
		case 's':
			if (parse_count("-s", optarg, 0, 4000000000LL, &nsales) < 0)
				return EX_USAGE_;
			break;
		case 'S':
			if (parse_count("--seed", optarg, 0, LLONG_MAX, &seed) < 0)
				return EX_USAGE_;
			break;
		case 'p':
			period = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'N':
			no_ini = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE_;
		}
	}
	if (nemp < 0 || nsales < 0 || optind != argc - 1) {
		usage(stderr);
		return EX_USAGE_;
	}
	dir = argv[optind];

	memset(&c, 0, sizeof(c));
	if (period_parse(period, date_today(), &c.p) < 0) {
		fprintf(stderr, "gencompany: period '%s' is not YYYY-MM, YYYY-Qn, YYYY or auto\n",
			period);
		return EX_USAGE_;
	}
	/* One stream per file: changing how one file is drawn leaves the
	 * others' bytes alone. */
	r.s = (uint64_t)seed;
	if (build_company(&c, (uint32_t)nemp, &r) < 0) {
		fprintf(stderr, "gencompany: cannot build a company of %lld employees\n", nemp);
		return EX_USAGE_;
	}
	if (mkdir_p(dir) < 0) {
		fprintf(stderr, "gencompany: cannot create %s: %s\n", dir, strerror(errno));
		return EX_CANTCREAT_;
	}
	dnames = dept_names(&c);
	if (!dnames) {
		fputs("gencompany: out of memory\n", stderr);
		return EX_CANTCREAT_;
	}
	rc = write_hr(&c, dir, dnames);
	r.s = (uint64_t)seed ^ 0x5a1e5ULL;
	if (!rc)
		rc = write_sales(&c, dir, (uint64_t)nsales, &r, &sales_bytes);
	r.s = (uint64_t)seed ^ 0x7a26e7ULL;
	if (!rc)
		rc = write_targets(&c, dir, (uint64_t)nsales, dnames, &r);
	r.s = (uint64_t)seed ^ 0x3e7c5ULL;
	if (!rc)
		rc = write_metrics(&c, dir, &r);
	r.s = (uint64_t)seed ^ 0x4e71e35ULL;
	if (!rc)
		rc = write_reviews(&c, dir, &r);
	r.s = (uint64_t)seed ^ 0x74a1ULL;
	if (!rc)
		rc = write_training(&c, dir, &r);
	if (!rc && !no_ini) {
		rc = write_ini(&c, dir, config);
		if (rc == -2)
			return EX_NOINPUT_;
	}
	for (uint32_t d = 0; d < c.ndept; d++)
		free(dnames[d]);
	free(dnames);
	free(c.emps);
	free(c.depts);
	free(c.sellers);
	return rc ? EX_CANTCREAT_ : 0;
}
