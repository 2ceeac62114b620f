/*
 * letter_fixture: a config and company for the review letters, built in
 * memory (no INI, no CSV), shared by tests/unit/test_letter.c and
 * tools/bench_letters.c (which is why it uses no cmocka).
 *
 * Ownership: the config points at static tables (metrics, KPIs, roles,
 * bands) and string literals: never config_release() it. Everything added
 * to a company is heap-owned as the loaders own it: company_release()
 * frees it.
 *
 *   struct config cfg;
 *   struct company c;
 *   letter_fixture_config(&cfg);
 *   letter_fixture_company(&c, "2026-10");
 *   e = letter_fixture_employee(&c, "E001", "张伟", LOCALE_ZH, 3);
 *   letter_fixture_kpi(e, LF_SALES, 50, 200000, 231000, NULL);
 */
#ifndef MERIT_TESTS_LETTER_FIXTURE_H
#define MERIT_TESTS_LETTER_FIXTURE_H

#include <stddef.h>

#include "config.h"
#include "model.h"

/* The metrics, by format. */
enum { LF_M_REVENUE, LF_M_RATE, LF_M_COUNT, LF_M_SCORE, LF_M_MINUTES, LF_NMETRICS };

/* The KPIs (indexes into cfg->kpis); each has a typical target in .target. */
enum {
	LF_SALES, LF_CONVERSION, LF_NEW_CUSTOMERS, LF_PEER_REVIEW, LF_CSAT, LF_FIRST_RESPONSE,
	LF_LEADS, LF_LEAD_CONVERSION, LF_MILESTONES, LF_DEFECT_RATE, LF_ON_TIME,
	LF_COMPANY_REVENUE, LF_NKPIS
};

/* The KPI definitions cfg->kpis points at. */
extern struct kpi_def letter_fixture_kpis[LF_NKPIS];

/* Roles: 0 sales (销售), 1 customer_service (客户服务). */
#define LF_NROLES 2

/*
 * 示例贸易有限公司 | Example Trading Co., locale zh, the SPEC 8 bands
 * (优秀 90 x1.5, 合格 80 x1.0, 待改进 0 x0), ¥ with a 3-month cap,
 * training up to 5 points, templates/ and wqy-zenhei, 2 jobs, a fixed
 * config hash.
 */
void letter_fixture_config(struct config *cfg);

/* An empty company for period (YYYY-MM). */
void letter_fixture_company(struct company *c, const char *period);

/* An in-scope, eligible full-month sales employee with room for nkpis KPI
 * results, in department 销售部 (zh) or Sales (en). */
struct employee *letter_fixture_employee(struct company *c, const char *id, const char *name,
					 enum locale loc, size_t nkpis);

/* Appends a KPI result; achievement and score follow from target and
 * actual (score capped at 120). dropped: NULL, or why it was not scored. */
void letter_fixture_kpi(struct employee *e, int kpi, double weight, double target,
			double actual, const char *dropped);

/* Appends a 360 review row (no comment) and returns it. */
struct review_row *letter_fixture_review(struct company *c, size_t reviewer, size_t reviewee,
					 enum review_relation rel, double score);

/* A passed course of `hours` on date (days, util/date.h). */
void letter_fixture_training(struct company *c, size_t emp, const char *course, int32_t date,
			     double hours);

#endif
