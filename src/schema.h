/*
 * schema: the canonical inputs and their fields (SPEC section 3).
 *
 * Config uses it to validate [columns.X] keys and metric fields; ingest uses
 * it to map headers and type cells. Field indexes are the enums below, so a
 * loader reads row[SALES_AMOUNT], never a string lookup per row.
 */
#ifndef MERIT_SCHEMA_H
#define MERIT_SCHEMA_H

#include <stddef.h>

enum input_kind {
	INPUT_HR, INPUT_SALES, INPUT_TARGETS, INPUT_METRICS, INPUT_REVIEWS, INPUT_TRAINING,
	INPUT_OVERRIDES,
	INPUT_COUNT
};

enum field_type {
	FT_TEXT,    /* kept as written (trimmed) */
	FT_NUMBER,  /* num_parse */
	FT_MONEY,   /* money_parse, int64 cents */
	FT_DATE,    /* date_parse with the input's date_format */
	FT_VALUE,   /* mapped through a [values.X] set to a canonical value */
};

struct field_def {
	const char *name;
	enum field_type type;
	int required;          /* always needed: a column or a [defaults.X] value */
	const char *valueset;  /* FT_VALUE: "stage", "yesno", ... */
};

struct input_schema {
	const char *name;      /* "hr", "sales", ... as in [input.NAME] */
	int required;          /* the input must be declared */
	const struct field_def *fields;
	size_t nfields;
};

enum hr_field {
	HR_EMPLOYEE_ID, HR_NAME, HR_EMAIL, HR_DEPARTMENT, HR_DEPT_TYPE, HR_ROLE, HR_GRADE,
	HR_MANAGER_ID, HR_BASE_SALARY, HR_HIRE_DATE, HR_LEAVE_DATE, HR_STATUS, HR_GENDER,
	HR_LOCALE, HR_COST_CENTRE, HR_ALT_ID,
	HR_NFIELDS
};

enum sales_field {
	SALES_RECORD_ID, SALES_EMPLOYEE_ID, SALES_CUSTOMER_ID, SALES_DATE, SALES_STAGE,
	SALES_AMOUNT, SALES_NEW_CUSTOMER, SALES_COST,
	SALES_NFIELDS
};

enum targets_field {
	TARGETS_SCOPE, TARGETS_KEY, TARGETS_KPI, TARGETS_PERIOD, TARGETS_TARGET,
	TARGETS_YEAR,   /* layout = wide only: the year of the month columns */
	TARGETS_NFIELDS
};

enum metrics_field {
	METRICS_EMPLOYEE_ID, METRICS_DEPARTMENT, METRICS_PERIOD, METRICS_METRIC, METRICS_VALUE,
	METRICS_NFIELDS
};

enum reviews_field {
	REVIEWS_REVIEWER_ID, REVIEWS_REVIEWEE_ID, REVIEWS_RELATION, REVIEWS_DIMENSION,
	REVIEWS_SCORE, REVIEWS_COMMENT,
	REVIEWS_NFIELDS
};

enum training_field {
	TRAINING_EMPLOYEE_ID, TRAINING_COURSE, TRAINING_DATE, TRAINING_HOURS, TRAINING_PASSED,
	TRAINING_NFIELDS
};

/* SPEC 11; period is optional: a row for another period is not applied. */
enum overrides_field {
	OVERRIDES_EMPLOYEE_ID, OVERRIDES_KIND, OVERRIDES_KPI, OVERRIDES_VALUE, OVERRIDES_REASON,
	OVERRIDES_APPROVED_BY, OVERRIDES_DATE, OVERRIDES_PERIOD,
	OVERRIDES_NFIELDS
};

#define SCHEMA_MAX_FIELDS 16

extern const struct input_schema schema_inputs[INPUT_COUNT];

/* Index of input `name` ("sales"), or -1. */
int schema_input_index(const char *name);
/* Index of field `name` in input `in`, or -1. */
int schema_field_index(enum input_kind in, const char *name);
/* 1 for a field whose text identifies a person or a record (employee_id,
 * record_id, key...): joined columns meet with '-', a total row has it
 * empty, and init lets a column of numbers be one. */
int schema_is_id_field(const char *name);

/*
 * Built-in value sets (SPEC 3): canonical values and their built-in aliases.
 * The INI's [values.NAME] adds aliases; it never needs to repeat these.
 */
struct builtin_value {
	const char *set;        /* "stage" */
	const char *canonical;  /* "won" */
	const char *aliases;    /* comma-separated: "赢单, Closed Won" */
};
extern const struct builtin_value schema_builtin_values[];
extern const size_t schema_nbuiltin_values;

#endif
