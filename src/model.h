/*
 * model: the data every pipeline stage shares.
 *
 * ingest builds it (employees from HR, aggregated sales, the small inputs as
 * rows), compute annotates it (scope, metrics, KPIs, scores, fairness,
 * bonus, flags), render and deliver only read it.
 *
 * Ownership: struct company owns everything reachable from it, including
 * every string; company_release() frees it all. Strings that several records
 * share (department names) are interned with company_intern(), so they can
 * be compared by pointer and are freed once.
 */
#ifndef MERIT_MODEL_H
#define MERIT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "util/period.h"
#include "util/strmap.h"

struct strbuf;

enum dept_type { DEPT_BUSINESS, DEPT_MANAGEMENT, DEPT_SERVICE, DEPT_TYPE_COUNT };
extern const char *const dept_type_names[DEPT_TYPE_COUNT];

/* Why an employee gets no bonus (static strings; NULL when eligible). */
#define INELIGIBLE_NOT_IN_SCOPE "not_in_scope"
#define INELIGIBLE_MIN_DAYS     "min_days"
#define INELIGIBLE_STATUS       "status"
#define INELIGIBLE_LEFT         "left_before_period_end"
#define INELIGIBLE_ZERO_POINTS  "zero_points"
#define INELIGIBLE_UNKNOWN_ROLE "unknown_role"   /* [policy] unknown_role = warn */
#define INELIGIBLE_EXCLUDED     "excluded"       /* an exclude override (SPEC 11) */

enum employee_flag {
	FLAG_WARNING = 1 << 0,          /* 绩效警告: warning_after bottom ratings in a row */
	FLAG_ROLE_REVIEW = 1 << 1,      /* 岗位调整评估: review_after in a row */
	FLAG_PROMOTE = 1 << 2,          /* 晋升推荐: promote_after top ratings in a row */
	FLAG_TOP_PERFORMER = 1 << 3,    /* 荣誉榜 of the period */
	FLAG_SMALL_GROUP = 1 << 4,      /* fairness group below min_group: raw kept */
	FLAG_REWEIGHTED = 1 << 5,       /* a KPI dropped out, weights rescaled */
	FLAG_BONUS_CAPPED = 1 << 6,     /* bonus limited by cap_months */
};

/* One KPI of an employee's scorecard, as computed. */
struct kpi_result {           /* 96 bytes, small fields first (100,000 x 5 of these) */
	int kpi;                  /* index into config.kpis */
	int band;                 /* scoring = bands: the band met (index into the
	                             KPI's bands), -1 none or linear */
	unsigned char has_actual;
	unsigned char has_target;
	unsigned char has_next_target;   /* the targets input has one for company.next_period */
	unsigned char overridden; /* bits 1 << OVERRIDE_ACTUAL / OVERRIDE_TARGET */
	double weight;            /* as configured, percent */
	double eff_weight;        /* after reweighting (0 when dropped) */
	double actual;
	double target;
	const char *target_source;   /* "employee E001 2026-10 (targets.csv:12)", interned */
	double next_target;       /* what the letter shows for next period */
	double achievement;       /* ratio: 1.0 = 100 % */
	double score;             /* 0..cap */
	double contribution;      /* eff_weight * score / 100 */
	const char *dropped;      /* NULL, "missing_actual" or "missing_target" */
};

/*
 * Trends (SPEC 11): the employee's results in the periods before this one,
 * read from the ledger by the pipeline (ledger_apply_history), so that the
 * letters, team packs and the History sheet only read the model. Only
 * periods before the run's are read: re-running an old period never sees
 * (or changes) the later ones.
 */
#define TREND_PAST 11             /* + this period: the History sheet's twelve */

struct trend_point {
	int present;              /* 0: no ledger row for that period (a gap) */
	double score;             /* the final (normalised) score as recorded */
	int rating;               /* band index as recorded, -1 none */
	const char *rating_label; /* as recorded, "中文 | English"; interned, may be NULL */
};

/*
 * The parts behind a turnover or review360 value, as metrics.c counted
 * them, so explain shows the very figures the value came from.
 */
struct metric_detail {
	uint32_t leavers, hc_first, hc_last;      /* turnover: the group's */
	uint32_t reviews[REL_COUNT];              /* review360: rows per relation */
	uint32_t reviewers[REL_COUNT];            /* distinct reviewers per relation */
	double mean[REL_COUNT];                   /* mean of 25 x (score - 1) */
};

/* Per-employee, per-metric value. Its evidence for `merit explain`, where
 * there is some, is company_detail(): not a pointer here, which would be
 * a third of the struct for two metrics of 23. */
struct metric_value {          /* 16 bytes: one per metric and employee */
	double value;
	uint32_t records;         /* rows that contributed */
	uint32_t members : 31;    /* a group value: the group's in-scope members */
	uint32_t present : 1;     /* 0: missing (no rows / zero denominator) */
};

struct employee {
	/* From the HR export (strings owned unless interned). */
	char *id, *name, *email, *role_text, *grade, *manager_id, *status, *gender,
	     *cost_centre;
	const char *department;   /* interned */
	/* ingest: one block holding every HR cell as written, the HR_NFIELDS
	 * texts one after another in field order (the named fields point into
	 * it; freed alone); employee_hr_text() finds any of them, for any
	 * group or key field, with no pointer per field kept (12.8 MB at
	 * 100,000 people). NULL: each named string is its own allocation
	 * (tests and tools that build employees by hand). */
	char *hr_block;
	enum dept_type dept_type;
	enum locale locale;
	int64_t base_salary;      /* cents per month */
	int32_t hire_date, leave_date;   /* DATE_NONE when empty */
	int line;                 /* in the HR file */
	int role;                 /* index into config.roles, -1 unknown */

	/* Scope (SPEC 4). */
	int in_scope;
	int days;                 /* employed days within the period */
	double proration;         /* days / period days */
	int eligible;
	const char *ineligible_reason;

	/* Metrics, indexed like config.metrics. */
	struct metric_value *metrics;

	/* Scorecard. */
	struct kpi_result *kpis;
	size_t nkpis;
	double dim_score[DIM_COUNT];      /* weighted mean of the KPIs of each dimension */
	double persp_score[PERSP_COUNT];
	double training_points;
	int courses_passed;
	double raw_score;         /* after training points and score_cap, rounded to 4 dp */
	int raw_rating;           /* the band of raw_score, before fairness (-1 none) */
	double norm_score;        /* after fairness, rounded to 4 dp */
	size_t group;             /* index into company.groups */
	int rating;               /* index into config.bands */
	size_t forced_rank;       /* 1-based rank in a forced distribution, 0 if none */
	size_t forced_n;          /* people ranked together with this one */

	/* Bonus (SPEC 9). */
	double points;
	int64_t cap_cents;        /* INT64_MAX when uncapped */
	int64_t bonus;            /* cents */
	int64_t pool_cents;       /* the pool shared with: the company's or, with
	                             [bonus.pools], the department's */
	double pool_points;       /* the points of everyone eligible in that pool */
	unsigned flags;
	int bottom_streak, top_streak;   /* consecutive periods incl. this one */

	/* Overrides (SPEC 11): indexes into company.overrides, file order. */
	size_t *overrides;
	size_t noverrides;
	unsigned overridden;      /* bits 1 << enum override_kind applied to this employee */

	/* Trends: company.npast points, like company.past (oldest first). */
	struct trend_point *past;
};

/* Fairness group statistics (SPEC 7), before and after normalisation. */
struct group_stats {
	const char *name;         /* interned */
	size_t n;
	double raw_mean, raw_sd, norm_mean, norm_sd;
	int small;                /* n < min_group: raw kept */
	size_t *rating_count;     /* per rating band */
	size_t *forced_size;      /* forced_scope = group: people per band, NULL otherwise */
	int64_t bonus_total;
	int64_t pool_cents;       /* its own pool when [bonus.pools] is used */
};

/* The scope column of the targets input, most specific first. */
enum target_scope { TARGET_EMPLOYEE, TARGET_ROLE, TARGET_DEPARTMENT, TARGET_COMPANY,
		    TARGET_SCOPE_COUNT };
/* "employee", "role", "department", "company": the words of the input. */
extern const char *const target_scope_names[TARGET_SCOPE_COUNT];

struct target_row {
	int scope;                /* enum target_scope */
	char *key;
	int kpi;                  /* index into config.kpis */
	struct period period;
	double value;
	int line;
};

struct metric_row {            /* the metrics input */
	char *employee_id;        /* NULL when the row is for a department */
	const char *department;   /* interned; NULL when for an employee */
	struct period period;
	const char *metric;       /* interned */
	double value;
	int line;
};

/* 24 bytes: 100,000 people have a million of them. The comment column is
 * read (SPEC 3) but no output shows it, so it is not kept. */
struct review_row {
	uint32_t reviewer, reviewee;   /* employee indexes */
	int line;
	unsigned char relation;   /* enum review_relation */
	unsigned char dimension;  /* enum dimension */
	double score;             /* 1..5 */
};

struct training_row {
	size_t employee;
	const char *course;       /* interned */
	int32_t date;
	double hours;
	int passed;
	int line;
};

/*
 * An override (SPEC 11): a decision after an appeal or a calibration
 * meeting, recorded instead of an edited export. ingest fills the first
 * part; compute applies it at its stage and fills the values before and
 * after, so every output shows the same "before -> after".
 */
enum override_kind { OVERRIDE_ACTUAL, OVERRIDE_TARGET, OVERRIDE_RATING, OVERRIDE_EXCLUDE,
		     OVERRIDE_KIND_COUNT };
/* "actual", "target", "rating", "exclude": the words of the input. */
extern const char *const override_kind_names[OVERRIDE_KIND_COUNT];

struct override_row {
	size_t employee;          /* employee index */
	enum override_kind kind;
	int kpi;                  /* actual, target: index into config.kpis; else -1 */
	double value;             /* actual, target: the corrected value */
	int band;                 /* rating: index into config.bands; else -1 */
	char *reason, *approved_by;   /* owned */
	int32_t date;             /* when it was decided */
	int line;
	/* Set by compute when applied. */
	int applied;
	int had_before;           /* actual, target: a value existed (0: missing) */
	double before;            /* actual, target */
	int band_before;          /* rating */
	int eligible_before;      /* exclude */
	const char *reason_before;    /* exclude: the ineligibility reason, if any */
};

/* What was read from each input, for the Audit sheet and the manifest. */
struct input_stats {
	int present;
	char sha256[65];
	const char *encoding;     /* "utf-8" or "gb18030" as detected */
	size_t files;             /* files read (`file =` a glob: several) */
	size_t rows;              /* data rows read */
	size_t rows_used;         /* counted in some period aggregate */
	size_t set_aside_no_date, set_aside_no_amount, set_aside_other_period,
	       set_aside_open;
	size_t set_aside_duplicate;  /* a record_id seen before */
	size_t set_aside_problem;    /* a row problem (bad cell, unknown owner, ...) */
	size_t totals_rows;          /* 合计 / Total rows: not data, skipped */
	int no_duplicate_check;      /* sales without record_id: nothing to compare */
};

struct company {
	struct period period;
	struct period next_period;   /* the one after period: next targets are for it */
	int64_t doc_time;         /* fixed document time: SOURCE_DATE_EPOCH, else the
	                             period's last day 00:00 UTC (reproducible files) */
	struct employee *emps;    /* HR order */
	size_t nemps, emps_alloc;
	struct strmap by_id;      /* employee id -> index */
	/* Ingest only: HR rows set aside by a problem, so that later rows that
	 * name them say why (SPEC 3.1). Key "<kind>:<text>" (kind i, a, e, n:
	 * employee_id, alt_id, email, name; email and name ASCII lower-cased)
	 * -> index into set_aside_why ("hr.csv:286, set aside: ..."). */
	struct strmap hr_set_aside;
	struct strlist hr_set_aside_keys, hr_set_aside_why;

	struct group_stats *groups;
	size_t ngroups;
	double company_raw_mean, company_raw_sd;
	size_t *forced_size;      /* a company-wide forced distribution: people per band */

	struct target_row *targets;
	size_t ntargets, targets_alloc;
	struct metric_row *metric_rows;
	size_t nmetric_rows, metric_rows_alloc;
	struct review_row *reviews;
	size_t nreviews, reviews_alloc;
	struct training_row *training;
	size_t ntraining, training_alloc;
	struct override_row *overrides;   /* file order */
	size_t noverrides, overrides_alloc;

	struct input_stats inputs[INPUT_COUNT];

	/* Trends: the labels of the TREND_PAST periods before this one, oldest
	 * first (every employee's `past` follows them). */
	char past[TREND_PAST][32];
	size_t npast;

	/* Teams (SPEC 11): the in-scope direct reports of employee m, in HR
	 * order, are team_idx[team_start[m] .. team_start[m + 1]); a manager is
	 * an employee with at least one. NULL until teams_compute(). */
	size_t *team_start, *team_idx;
	size_t nmanagers;

	int64_t pool_cents, allocated_cents, unallocated_cents;
	double gender_gap_mean_pct, gender_gap_median_pct;   /* NAN when no gender */

	/* Evidence of turnover and review360 values (metrics.c), one array:
	 * detail_of[m][emp] is 1 + an index into details, 0 none; detail_of[m]
	 * is NULL for a metric without any (ndetail_of: config.nmetrics). */
	struct metric_detail *details;
	size_t ndetails, details_alloc;
	int keep_details;         /* set by explain, the one reader: else none is kept */
	uint32_t **detail_of;
	size_t ndetail_of;

	struct strmap interned;
	char **interned_strs;
	size_t ninterned, interned_alloc;
};

void company_init(struct company *c, const struct period *p);
void company_release(struct company *c);
/* Returns the one shared copy of s (owned by the company). */
const char *company_intern(struct company *c, const char *s);
/*
 * Frees input rows that no later stage reads, so the peak of the stages
 * after them is lower (memory by headcount, issue 14): the metrics input
 * once metrics are computed, the targets once next period's targets are
 * set, the reviews once metrics are computed unless letters read them.
 */
enum company_rows { ROWS_METRICS = 1, ROWS_TARGETS = 2, ROWS_REVIEWS = 4 };
void company_drop_rows(struct company *c, unsigned rows);
/* Index of an employee id, or -1. */
long company_find(const struct company *c, const char *id);
/*
 * An applied override as "kind: before -> after" ("actual KPI: ..." for a
 * KPI's figures; numbers as results.csv writes them, trailing zeros cut;
 * "missing" where there was no value; band labels in `loc`), appended to sb:
 *   rating: 合格 -> 优秀         exclude: eligible -> excluded
 */
void override_describe(const struct override_row *o, const struct config *cfg,
		       enum locale loc, struct strbuf *sb);
/* A zeroed metric_detail owned by the company (freed with it): its
 * reference (1 + index into c->details; the pointer moves with the next). */
uint32_t company_add_detail(struct company *c);
/* Records detail `ref` as the evidence of employee emp's metric m (of
 * nmetrics); ref 0 records none. */
void company_link_detail(struct company *c, size_t nmetrics, size_t m, size_t emp, uint32_t ref);
/* The evidence behind employee emp's value of metric m, or NULL. */
const struct metric_detail *company_detail(const struct company *c, size_t m, size_t emp);
/* Appends a zeroed employee and returns it (its index is nemps - 1). */
struct employee *company_add_employee(struct company *c);
/* HR cell `field` (enum hr_field) of the employee as written, "" when
 * empty; for employees built by hand, only the named fields. */
const char *employee_hr_text(const struct employee *e, int field);
/* The employee's result for config KPI `kpi` (index into cfg->kpis), or
 * NULL when the KPI is not in the employee's role. */
const struct kpi_result *employee_kpi(const struct employee *e, size_t kpi);
/* Number of in-scope direct reports of employee m (0 before teams_compute). */
size_t company_team_size(const struct company *c, size_t m);
/* The employee's result in the period just before this one, or NULL when
 * the ledger has none (the "change since last period" of the team pack). */
const struct trend_point *employee_prev(const struct company *c, const struct employee *e);

#endif
