/*
 * config: the INI file as a typed, validated struct (the only iniparser
 * user). Every section and key is in SPEC sections 2-9 and in the
 * documented config/merit.ini; an unknown key is an error that suggests the
 * nearest known one.
 *
 * Ownership: config_load() fills a caller-owned struct config; everything
 * it points to is owned by it and freed by config_release(). Paths in it are
 * already resolved against the INI file's folder.
 *
 *   struct config cfg;
 *   struct diag d;
 *   diag_init(&d);
 *   if (config_load(&cfg, "config/merit.ini", &d) < 0)
 *           return d.status;            // MERIT_CONFIG or MERIT_NOINPUT
 *   ...
 *   config_release(&cfg);
 */
#ifndef MERIT_CONFIG_H
#define MERIT_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h"
#include "util/strlist.h"

struct diag;

enum locale { LOCALE_ZH, LOCALE_EN, LOCALE_COUNT };

/* A bilingual label "中文 | English"; a single text fills both halves. */
struct label {
	char *zh, *en;
};
const char *label_get(const struct label *l, enum locale loc);

/* ENC_UTF16: by its byte-order mark, little-endian without one. auto
 * also recognises UTF-16 by its byte-order mark, or without one by its
 * NUL bytes. ENC_CP1252: Windows-1252 (Excel's "CSV" on a Western
 * European Windows); never guessed. */
enum encoding { ENC_AUTO, ENC_UTF8, ENC_GB18030, ENC_UTF16, ENC_UTF16LE, ENC_UTF16BE, ENC_CP1252 };

/* salary_period: how base_salary is exported (SPEC 3.1). */
enum salary_period { SALARY_MONTH, SALARY_YEAR, SALARY_HOUR };

#define CONFIG_HOURS_PER_YEAR 2080   /* 40 hours x 52 weeks */

/* [input.NAME] + [columns.NAME] + [defaults.NAME] (SPEC 3, 3.1) */
struct input_conf {
	int declared;
	char *file;                 /* resolved against the INI's folder; may be a glob */
	char *file_display;         /* as written in the INI, for messages */
	enum encoding encoding;
	char delimiter;             /* ',' unless `delimiter = ;` or `tab` */
	char *sheet;                /* .xlsx: `sheet =` name or 1-based number; NULL: the first */
	struct strlist date_formats;
	int header_row;             /* the header's row number (default 1) */
	struct strlist nulls;       /* cell texts that mean "empty" */
	enum salary_period salary_period;   /* hr only */
	double hours_per_year;      /* salary_period = hour (default CONFIG_HOURS_PER_YEAR) */
	int employee_key;           /* HR field the employee columns hold (HR_EMPLOYEE_ID) */
	int wide;                   /* layout = wide (targets) */
	double scale;               /* multiplies every number and amount (default 1) */
	int decimal_comma;          /* decimal = comma: "1.234,56" is 1234.56 */
	struct strlist months;      /* wide: the header of each month, January first */
	/* Per canonical field (schema order): header aliases; an alias may
	 * join several headers with '+'. */
	struct strlist aliases[SCHEMA_MAX_FIELDS];
	char *defaults[SCHEMA_MAX_FIELDS];  /* [defaults.NAME], or NULL */
	/* What in the config uses the field ("[metric.won] where"), or NULL:
	 * a used field must have a column or a default (SPEC 3.1). */
	char *used_by[SCHEMA_MAX_FIELDS];
};

/* The input's file as the user wrote it in the INI (for messages and the
 * workbook), or the resolved path when it was not written there. */
static inline const char *input_file_shown(const struct input_conf *ic)
{
	return ic->file_display ? ic->file_display : ic->file;
}

/* [values.role]: a job title pattern (* and ? wildcards) -> a role. */
struct role_title {
	char *pattern;
	int role;                   /* index into config.roles */
	int line;                   /* in the INI */
};

/* [values.NAME]: canonical value -> aliases (built-ins included). */
struct value_alias {
	char *canonical;
	struct strlist aliases;
};
struct valueset {
	char *name;
	struct value_alias *values;
	size_t nr, alloc;
};

enum metric_agg {
	AGG_SUM, AGG_COUNT, AGG_COUNT_DISTINCT, AGG_AVG, AGG_MIN, AGG_MAX,
	AGG_RATIO, AGG_TURNOVER, AGG_REVIEW360
};
enum metric_scope { SCOPE_EMPLOYEE, SCOPE_DEPARTMENT, SCOPE_COMPANY };
enum metric_format { FMT_NUMBER, FMT_INTEGER, FMT_PERCENT, FMT_MONEY };

/* One `where` term: field:value|value (values canonical after mapping). */
struct metric_filter {
	int field;                 /* schema field index of the metric's input */
	struct strlist values;
};

/* [metric.NAME] */
struct metric_def {
	char *name;
	int line;                  /* of the section header in the INI */
	enum input_kind from;      /* unused for ratio */
	enum metric_agg agg;
	int field;                 /* schema field, or -1 (count, ratio, ...) */
	char *source_name;         /* from = metrics: `name = csat` (default: NAME) */
	struct metric_filter *where;
	size_t nwhere;
	int num, den;              /* ratio: indexes into config.metrics */
	enum metric_scope scope;
	enum metric_format format;
	struct label label;        /* optional; defaults to NAME */
};

enum kpi_direction { DIR_HIGHER, DIR_LOWER };
enum kpi_scoring { SCORING_LINEAR, SCORING_BANDS };
enum dimension { DIM_RESULTS, DIM_EFFICIENCY, DIM_ATTITUDE, DIM_COUNT };
enum perspective {
	PERSP_FINANCIAL, PERSP_CUSTOMER, PERSP_PROCESS, PERSP_LEARNING, PERSP_COUNT
};
extern const char *const dimension_names[DIM_COUNT];     /* "results", ... */
extern const char *const perspective_names[PERSP_COUNT]; /* "financial", ... */

struct score_band {
	double threshold;          /* achievement in %, e.g. 90 */
	double score;
};

/* [kpi.NAME] */
struct kpi_def {
	char *name;
	int line;
	struct label label;
	int metric;                /* index into config.metrics */
	int target_from_table;     /* target = table */
	double target;             /* target = <number> */
	enum kpi_direction direction;
	enum kpi_scoring scoring;
	struct score_band *bands;  /* scoring = bands, highest threshold first */
	size_t nbands;
	double cap, floor;
	enum dimension dimension;
	enum perspective perspective;
};

struct role_kpi {
	int kpi;                   /* index into config.kpis */
	double weight;             /* percent; a role's weights add up to 100 */
};

/* [role.NAME]; an HR row's role matches NAME or either half of the label. */
struct role_def {
	char *name;
	int line;
	struct label label;
	struct role_kpi *kpis;
	size_t nkpis;
	double value_coefficient;
};

/* [rating] bands, highest threshold first; the last is the bottom band. */
struct rating_band {
	struct label label;
	double threshold;
	double multiplier;         /* from [bonus] multipliers (default 1, bottom 0) */
};

enum fairness_method { FAIR_NONE, FAIR_ZSCORE, FAIR_PERCENTILE };

struct fairness_conf {
	enum fairness_method method;
	char *group;               /* an HR field name, default "department" */
	int group_field;           /* its schema index */
	int min_group;             /* default 5 */
	int forced;                /* a forced distribution is configured */
	double *forced_shares;     /* one per rating band, percent, sum 100 */
	int forced_per_group;      /* forced_scope = group (default company) */
};

struct dept_pool {
	char *department;
	int64_t cents;
};

struct bonus_conf {
	int64_t pool_cents;
	struct dept_pool *pools;   /* [bonus.pools]: department = amount */
	size_t npools;
	char *currency;            /* "CNY" */
	char *currency_symbol;     /* "¥" (derived from currency unless set) */
	char *number_format;       /* xlsx format, "¥#,##0.00" */
	double cap_months;         /* 0 = no cap */
	int min_days;              /* per month of the period, default 15 */
	struct strlist ineligible_status;  /* default: probation, 试用 */
	int pay_leavers;
};

enum missing_policy { MISSING_REWEIGHT, MISSING_ZERO, MISSING_ERROR };

/* Kinds of per-row input problems; each can be made a warning in [policy]. */
enum row_problem {
	ROW_BAD_NUMBER, ROW_BAD_DATE, ROW_BAD_VALUE, ROW_UNKNOWN_OWNER,
	ROW_DUPLICATE_RECORD, ROW_DUPLICATE_EMPLOYEE, ROW_MISSING_FIELD,
	ROW_UNKNOWN_EMPLOYEE, ROW_UNKNOWN_ROLE,
	ROW_BAD_ROW,            /* a CSV row with fewer (or more, non-empty) cells than its header */
	ROW_UNKNOWN_DEPARTMENT, /* a targets/metrics department no HR row has */
	ROW_PROBLEM_COUNT
};
/* The [policy] key names: "bad_number", "unknown_owner", ... */
extern const char *const row_problem_names[ROW_PROBLEM_COUNT];

struct policy_conf {
	enum missing_policy on_missing_data;    /* default reweight */
	enum missing_policy on_missing_target;  /* default error */
	int row_is_error[ROW_PROBLEM_COUNT];    /* default 1 (error) */
};

enum review_relation { REL_SELF, REL_PEER, REL_MANAGER, REL_SUBORDINATE, REL_COUNT };
extern const char *const relation_names[REL_COUNT];

struct review_conf {
	double weight[REL_COUNT];      /* default self 0, peer 30, manager 50, subordinate 20 */
	int min_reviewers[REL_COUNT];  /* default peer 2, others 1 */
};

struct letters_conf {
	char *templates_dir;       /* default ../templates */
	char *font;                /* CJK TrueType font (.ttf or .ttc) */
	int font_index;            /* face index in a .ttc */
	char *password;            /* NULL/"none", "employee_id" or an HR column */
	int jobs;                  /* default -j */
};

struct mail_conf {
	char *url;                 /* smtp://host:port or smtps:// */
	char *user;
	char *password_env;        /* name of an environment variable */
	char *password_file;       /* a file readable only by its owner */
	char *ca_file;             /* PEM CA certificates to trust (CURLOPT_CAINFO);
				    * NULL = the system's CA store */
	char *from, *reply_to, *bcc;
	int starttls_required;     /* default 1 */
	int starttls_none;         /* starttls = none: never upgrade (local test servers) */
	int allow_unencrypted;     /* none/optional to another machine allowed */
	int messages_per_minute;   /* 0 = unlimited */
	int retries;
	int require_approval;      /* SPEC 11: mail only an approved period (default 1) */
};

struct config {
	char *path;                /* the INI as given */
	char *dir;                 /* its folder */
	char sha256[65];

	/* [run] */
	struct label company;
	char *period;              /* may be NULL */
	enum locale locale;
	char *output_dir;
	char *state_dir;
	int allow_special_inputs;  /* input files may be symlinks, FIFOs, devices */

	struct input_conf inputs[INPUT_COUNT];
	struct valueset *valuesets;
	size_t nvaluesets;

	struct metric_def *metrics;
	size_t nmetrics;
	struct kpi_def *kpis;
	size_t nkpis;
	struct role_def *roles;
	size_t nroles;
	struct role_title *role_titles;
	size_t nrole_titles;

	struct rating_band *bands;
	size_t nbands;
	double score_cap;          /* [scoring] score_cap, default 120 */
	double training_points_per_course;   /* [training] */
	double training_max_points;

	struct fairness_conf fairness;
	struct bonus_conf bonus;
	struct policy_conf policy;
	struct review_conf reviews;
	int warning_after, review_after, promote_after;   /* [history] */
	struct letters_conf letters;
	struct mail_conf mail;
};

int config_load(struct config *cfg, const char *path, struct diag *d);
void config_release(struct config *cfg);
/* The config an INI without optional keys gives (SPEC defaults: locale zh,
 * score_cap 120, bonus CNY capped at 3 months, ...), with no inputs,
 * metrics, KPIs, roles or rating bands yet; for configs made by hand (the
 * unit tests' fixture). config_release() frees it. */
void config_init(struct config *cfg);

/* Index helpers; -1 when absent. */
int config_metric_index(const struct config *cfg, const char *name);
int config_kpi_index(const struct config *cfg, const char *name);
/* Matches a role by NAME or either half of its label (case-insensitive). */
int config_role_find(const struct config *cfg, const char *text);
/*
 * A job title's role: config_role_find(), else the [values.role] patterns
 * (any case). Returns the role, -1 when none matches, -2 when patterns of
 * two roles match (*other then is the second role; *first the first).
 */
int config_role_of_title(const struct config *cfg, const char *title, int *first, int *other);
/* The name in cands nearest to word (a likely typo: at most 2 edits, or a
 * third of its length; ASCII case ignored), or NULL: for "did you mean"
 * hints, e.g. config_nearest("cast", names, n) gives "csat". */
const char *config_nearest(const char *word, const char *const *cands, size_t n);
/* Rating band named by either half of its label. */
int config_band_find(const struct config *cfg, const char *text);
const struct valueset *config_valueset(const struct config *cfg, const char *name);
/* Adds the built-in value sets (stage, yesno, ...) to a config_init()
 * config, as config_load() does before reading [values.*]. */
void config_valuesets_builtin(struct config *cfg);
/* The canonical value for text in a set (case-insensitive, trimmed), or NULL. */
const char *valueset_map(const struct valueset *vs, const char *text);

#endif
