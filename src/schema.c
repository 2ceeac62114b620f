/*
 * schema: the tables behind schema.h. `required` is SPEC 3.1's "always
 * required" list; any other field is needed only when the config uses it
 * (input_conf.used_by). Adding a canonical field is one line
 * here plus one enum entry.
 */
#include "schema.h"

#include <string.h>

static const struct field_def hr_fields[HR_NFIELDS] = {
	[HR_EMPLOYEE_ID] = { "employee_id", FT_TEXT, 1, NULL },
	[HR_NAME] = { "name", FT_TEXT, 1, NULL },
	[HR_EMAIL] = { "email", FT_TEXT, 0, NULL },
	[HR_DEPARTMENT] = { "department", FT_TEXT, 1, NULL },
	[HR_DEPT_TYPE] = { "dept_type", FT_VALUE, 0, "dept_type" },
	[HR_ROLE] = { "role", FT_TEXT, 1, NULL },
	[HR_GRADE] = { "grade", FT_TEXT, 0, NULL },
	[HR_MANAGER_ID] = { "manager_id", FT_TEXT, 0, NULL },
	[HR_BASE_SALARY] = { "base_salary", FT_MONEY, 1, NULL },
	[HR_HIRE_DATE] = { "hire_date", FT_DATE, 1, NULL },
	[HR_LEAVE_DATE] = { "leave_date", FT_DATE, 0, NULL },
	[HR_STATUS] = { "status", FT_TEXT, 0, NULL },
	[HR_GENDER] = { "gender", FT_TEXT, 0, NULL },
	[HR_LOCALE] = { "locale", FT_VALUE, 0, "locale" },
	[HR_COST_CENTRE] = { "cost_centre", FT_TEXT, 0, NULL },
	[HR_ALT_ID] = { "alt_id", FT_TEXT, 0, NULL },
};

static const struct field_def sales_fields[SALES_NFIELDS] = {
	[SALES_RECORD_ID] = { "record_id", FT_TEXT, 0, NULL },
	[SALES_EMPLOYEE_ID] = { "employee_id", FT_TEXT, 1, NULL },
	[SALES_CUSTOMER_ID] = { "customer_id", FT_TEXT, 0, NULL },
	[SALES_DATE] = { "date", FT_DATE, 1, NULL },
	[SALES_STAGE] = { "stage", FT_VALUE, 0, "stage" },
	[SALES_AMOUNT] = { "amount", FT_MONEY, 1, NULL },
	[SALES_NEW_CUSTOMER] = { "new_customer", FT_VALUE, 0, "yesno" },
	[SALES_COST] = { "cost", FT_MONEY, 0, NULL },
};

static const struct field_def targets_fields[TARGETS_NFIELDS] = {
	[TARGETS_SCOPE] = { "scope", FT_VALUE, 1, "scope" },
	[TARGETS_KEY] = { "key", FT_TEXT, 1, NULL },
	[TARGETS_KPI] = { "kpi", FT_TEXT, 1, NULL },
	[TARGETS_PERIOD] = { "period", FT_TEXT, 1, NULL },
	[TARGETS_TARGET] = { "target", FT_NUMBER, 1, NULL },
	[TARGETS_YEAR] = { "year", FT_TEXT, 0, NULL },
};

static const struct field_def metrics_fields[METRICS_NFIELDS] = {
	[METRICS_EMPLOYEE_ID] = { "employee_id", FT_TEXT, 0, NULL },
	[METRICS_DEPARTMENT] = { "department", FT_TEXT, 0, NULL },
	[METRICS_PERIOD] = { "period", FT_TEXT, 1, NULL },
	[METRICS_METRIC] = { "metric", FT_TEXT, 1, NULL },
	[METRICS_VALUE] = { "value", FT_NUMBER, 1, NULL },
};

static const struct field_def reviews_fields[REVIEWS_NFIELDS] = {
	[REVIEWS_REVIEWER_ID] = { "reviewer_id", FT_TEXT, 1, NULL },
	[REVIEWS_REVIEWEE_ID] = { "reviewee_id", FT_TEXT, 1, NULL },
	[REVIEWS_RELATION] = { "relation", FT_VALUE, 1, "relation" },
	[REVIEWS_DIMENSION] = { "dimension", FT_VALUE, 1, "dimension" },
	[REVIEWS_SCORE] = { "score", FT_NUMBER, 1, NULL },
	[REVIEWS_COMMENT] = { "comment", FT_TEXT, 0, NULL },
};

static const struct field_def training_fields[TRAINING_NFIELDS] = {
	[TRAINING_EMPLOYEE_ID] = { "employee_id", FT_TEXT, 1, NULL },
	[TRAINING_COURSE] = { "course", FT_TEXT, 1, NULL },
	[TRAINING_DATE] = { "date", FT_DATE, 1, NULL },
	[TRAINING_HOURS] = { "hours", FT_NUMBER, 0, NULL },
	[TRAINING_PASSED] = { "passed", FT_VALUE, 1, "yesno" },
};

static const struct field_def overrides_fields[OVERRIDES_NFIELDS] = {
	[OVERRIDES_EMPLOYEE_ID] = { "employee_id", FT_TEXT, 1, NULL },
	[OVERRIDES_KIND] = { "kind", FT_VALUE, 1, "override_kind" },
	[OVERRIDES_KPI] = { "kpi", FT_TEXT, 0, NULL },
	[OVERRIDES_VALUE] = { "value", FT_TEXT, 0, NULL },
	[OVERRIDES_REASON] = { "reason", FT_TEXT, 1, NULL },
	[OVERRIDES_APPROVED_BY] = { "approved_by", FT_TEXT, 1, NULL },
	[OVERRIDES_DATE] = { "date", FT_DATE, 1, NULL },
	[OVERRIDES_PERIOD] = { "period", FT_TEXT, 0, NULL },
};

const struct input_schema schema_inputs[INPUT_COUNT] = {
	[INPUT_HR] = { "hr", 1, hr_fields, HR_NFIELDS },
	[INPUT_SALES] = { "sales", 1, sales_fields, SALES_NFIELDS },
	[INPUT_TARGETS] = { "targets", 1, targets_fields, TARGETS_NFIELDS },
	[INPUT_METRICS] = { "metrics", 0, metrics_fields, METRICS_NFIELDS },
	[INPUT_REVIEWS] = { "reviews", 0, reviews_fields, REVIEWS_NFIELDS },
	[INPUT_TRAINING] = { "training", 0, training_fields, TRAINING_NFIELDS },
	[INPUT_OVERRIDES] = { "overrides", 0, overrides_fields, OVERRIDES_NFIELDS },
};

const struct builtin_value schema_builtin_values[] = {
	{ "stage", "won", "赢单, Closed Won" },
	{ "stage", "lost", "输单, Closed Lost" },
	{ "stage", "open", "跟进中, Negotiation" },
	{ "yesno", "yes", "y, true, 1, 是" },
	{ "yesno", "no", "n, false, 0, 否" },
	{ "dept_type", "business", "业务, 业务部门, sales" },
	{ "dept_type", "management", "管理, 管理部门, 职能, admin" },
	{ "dept_type", "service", "服务, 服务部门, 客服, support" },
	{ "relation", "self", "自评, 本人" },
	{ "relation", "peer", "同事, 同级, colleague" },
	{ "relation", "manager", "上级, 领导, supervisor" },
	{ "relation", "subordinate", "下属, 下级, report" },
	{ "dimension", "results", "业绩, 结果, result" },
	{ "dimension", "efficiency", "效率" },
	{ "dimension", "attitude", "态度" },
	{ "locale", "zh", "中文, zh-CN, zh_CN, Chinese, 汉语" },
	{ "locale", "en", "英文, en-US, en_US, en-GB, English" },
	{ "scope", "employee", "员工, 个人, person" },
	{ "scope", "role", "岗位" },
	{ "scope", "department", "部门, dept" },
	{ "scope", "company", "公司, 全公司" },
	{ "override_kind", "actual", "实际, 实际值, 更正实际值" },
	{ "override_kind", "target", "目标, 目标值, 更正目标" },
	{ "override_kind", "rating", "评级, 调整评级" },
	{ "override_kind", "exclude", "排除, 不发奖金, withhold" },
};
const size_t schema_nbuiltin_values = sizeof(schema_builtin_values) / sizeof(schema_builtin_values[0]);

int schema_input_index(const char *name)
{
	int i;
	for (i = 0; i < INPUT_COUNT; i++)
		if (!strcmp(schema_inputs[i].name, name))
			return i;
	return -1;
}

int schema_is_id_field(const char *name)
{
	size_t n = strlen(name);
	return !strcmp(name, "key") || (n > 3 && !strcmp(name + n - 3, "_id"));
}

int schema_field_index(enum input_kind in, const char *name)
{
	size_t i;
	for (i = 0; i < schema_inputs[in].nfields; i++)
		if (!strcmp(schema_inputs[in].fields[i].name, name))
			return (int)i;
	return -1;
}
