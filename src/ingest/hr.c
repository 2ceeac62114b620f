/*
 * hr: the HR export -> one struct employee per row (SPEC 3).
 *
 * An employee row must have employee_id, name, base_salary and hire_date
 * (SPEC 3: an empty one is an error even under `missing_field = warn`, which
 * only softens optional fields); a row with a problem is not loaded, except an unknown role made a warning by
 * [policy] unknown_role = warn: that employee is kept with role -1 (no
 * scorecard), because dropping them would turn every sale they made into an
 * unknown-owner error as well. A row set aside is remembered with its first
 * problem (loader_set_aside_hr), so later rows naming it say why. Job
 * titles map to roles through [values.role] patterns; titles with no role
 * are reported once each and summarised by count.
 */
#include "ingest/ingest.h"
#include "ingest/ingest_internal.h"
#include "ingest/loader.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/strbuf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* For the four required fields only: an error whatever [policy] says. */
static int require(struct loader *ld, int field)
{
	if (*loader_text(ld, field))
		return 0;
	loader_error(ld, ROW_MISSING_FIELD, field, "%s is empty",
		     schema_inputs[INPUT_HR].fields[field].name);
	return -1;
}

static enum dept_type dept_type_of(const char *canonical)
{
	int i;
	for (i = 0; i < DEPT_TYPE_COUNT; i++)
		if (!strcmp(canonical, dept_type_names[i]))
			return (enum dept_type)i;
	return DEPT_BUSINESS;
}

/*
 * The monthly salary from base_salary as exported (SPEC 3.1): a year / 12,
 * an hourly rate x hours_per_year / 12, rounded half away from zero to the
 * cent once (salaries are not negative here). -1 past int64.
 */
int ingest_monthly_cents(const struct input_conf *ic, int64_t *cents)
{
	double h = ic->hours_per_year, x;
	switch (ic->salary_period) {
	case SALARY_YEAR:
		*cents = (*cents + 6) / 12;
		return 0;
	case SALARY_HOUR:
		if (h == (double)(int64_t)h && *cents <= (INT64_MAX - 6) / (int64_t)h) {
			*cents = (*cents * (int64_t)h + 6) / 12;
			return 0;
		}
		x = (double)*cents * h / 12;
		if (!(x < 9.2e18))
			return -1;
		*cents = llround(x);
		return 0;
	default:
		return 0;
	}
}

static int role_of(struct loader *ld);

/* Checks one row; fills the typed values. Returns 0 if it can be loaded. */
struct hr_row {
	int64_t salary;
	int32_t hire, leave;
	const char *dept_type, *locale;
	int role;
};

static int check_row(struct loader *ld, struct hr_row *r)
{
	const char *id = loader_text(ld, HR_EMPLOYEE_ID);
	size_t first;
	int rc, bad;
	require(ld, HR_EMPLOYEE_ID);
	require(ld, HR_NAME);
	if (*id && strmap_get(&ld->c->by_id, id, &first))
		loader_problem(ld, ROW_DUPLICATE_EMPLOYEE, HR_EMPLOYEE_ID,
			       "employee_id '%s' appears again (first at line %d)", id,
			       ld->c->emps[first].line);
	if ((rc = loader_money(ld, HR_BASE_SALARY, &r->salary)) == 0)
		require(ld, HR_BASE_SALARY);
	else if (rc > 0 && r->salary < 0)
		loader_problem(ld, ROW_BAD_NUMBER, HR_BASE_SALARY, "base_salary '%s' is negative",
			       loader_text(ld, HR_BASE_SALARY));
	else if (rc > 0 && ingest_monthly_cents(ld->ic, &r->salary) < 0)
		loader_problem(ld, ROW_BAD_NUMBER, HR_BASE_SALARY, "base_salary '%s' is out of range",
			       loader_text(ld, HR_BASE_SALARY));
	r->hire = r->leave = DATE_NONE;
	if (loader_date(ld, HR_HIRE_DATE, &r->hire) == 0)
		require(ld, HR_HIRE_DATE);
	loader_date(ld, HR_LEAVE_DATE, &r->leave);
	if (r->hire != DATE_NONE && r->leave != DATE_NONE && r->leave < r->hire)
		loader_problem(ld, ROW_BAD_DATE, HR_LEAVE_DATE, "leave_date '%s' is before hire_date '%s'",
			       loader_text(ld, HR_LEAVE_DATE), loader_text(ld, HR_HIRE_DATE));
	r->dept_type = "business";
	loader_value(ld, HR_DEPT_TYPE, &r->dept_type);
	r->locale = NULL;
	loader_value(ld, HR_LOCALE, &r->locale);
	/* Every problem of the row is reported, the role's too (SPEC 3.1). */
	bad = ld->bad;
	r->role = role_of(ld);
	if (r->role == -1 && !ld->cfg->policy.row_is_error[ROW_UNKNOWN_ROLE])
		ld->bad = bad;   /* kept with no scorecard (see the top of this file) */
	return ld->bad ? -1 : 0;
}

/* Titles that matched no role, counted by distinct text (SPEC 3.1). */
struct title_tally {
	struct strmap index;         /* title -> index into titles/counts */
	struct strlist titles;
	size_t *counts;
	size_t alloc, rows;
};

static struct title_tally *tally_of(struct loader *ld)
{
	return (struct title_tally *)ld->user;
}

/*
 * The row's role: its text as a [role.NAME] or label, else a [values.role]
 * pattern; -1 (kept under unknown_role = warn, with no scorecard) after an
 * unknown_role problem, reported once per distinct title and counted; -2
 * after an error when patterns of two roles match.
 */
static int role_of(struct loader *ld)
{
	const struct config *cfg = ld->cfg;
	const char *title = loader_text(ld, HR_ROLE);
	struct title_tally *t = tally_of(ld);
	int first, other, role = config_role_of_title(cfg, title, &first, &other);
	size_t k;
	if (role >= 0)
		return role;
	if (role == -2) {
		const struct role_title *a = &cfg->role_titles[first], *b = &cfg->role_titles[other];
		loader_error(ld, ROW_UNKNOWN_ROLE, HR_ROLE, "title '%s' matches two roles: %s ('%s', "
			     "line %d) and %s ('%s', line %d)", title, cfg->roles[a->role].name,
			     a->pattern, a->line, cfg->roles[b->role].name, b->pattern, b->line);
		diag_hint(ld->d, "make the [values.role] patterns of %s and %s exclusive",
			  cfg->roles[a->role].name, cfg->roles[b->role].name);
		return -2;
	}
	t->rows++;
	if (strmap_get(&t->index, title, &k)) {
		t->counts[k]++;
		if (cfg->policy.row_is_error[ROW_UNKNOWN_ROLE]) {
			ld->bad = 1;   /* reported at its first row; counted in the summary */
			if (!ld->first_problem.len)   /* why, should a later row name it */
				strbuf_addf(&ld->first_problem, "role '%s' matches no [role.NAME]", title);
		}
		return -1;
	}
	ALLOC_GROW(t->counts, t->titles.nr + 1, t->alloc);
	t->counts[t->titles.nr] = 1;
	strlist_push(&t->titles, title);
	strmap_put(&t->index, t->titles.items[t->titles.nr - 1], t->titles.nr - 1);
	loader_problem(ld, ROW_UNKNOWN_ROLE, HR_ROLE, "role '%s' matches no [role.NAME]", title);
	return -1;
}

/* One line for every title with no role, when some repeat: "'Clerk' (120 rows), ...". */
static void report_titles(struct loader *ld, struct title_tally *t)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = t->titles.nr;
	int is_error = ld->cfg->policy.row_is_error[ROW_UNKNOWN_ROLE];
	if (!n || t->rows == n)
		return;
	loader_most_frequent(&sb, &t->titles, t->counts);
	if (is_error)
		diag_error(ld->d, MERIT_DATAERR, ld->ic->file, 0, 0, "%zu rows have one of %zu titles "
			   "that match no [role.NAME]: %s", t->rows, n, sb.buf);
	else
		diag_warn(ld->d, ld->ic->file, 0, 0, "%zu rows have one of %zu titles that match no "
			  "[role.NAME] (kept with no scorecard): %s", t->rows, n, sb.buf);
	diag_hint(ld->d, "map job titles to roles in [values.role] (wildcards * and ?), e.g. "
		  "sales = *Sales Rep*, 销售*");
	strbuf_release(&sb);
}

static void add_employee(struct loader *ld, const struct hr_row *r)
{
	struct company *c = ld->c;
	struct employee *e = company_add_employee(c);
	size_t i;
	const char *text[HR_NFIELDS];
	char *at[HR_NFIELDS];
	size_t len[HR_NFIELDS], total = 0;
	char *p;
	/* Every cell of the row in one block (employee.hr_block): 100,000
	 * people are 2.5 million strings otherwise, most of their bytes
	 * malloc's headers and rounding. The named fields are the same texts. */
	for (i = 0; i < HR_NFIELDS; i++) {
		text[i] = loader_text(ld, (int)i);
		len[i] = strlen(text[i]);
		total += len[i] + 1;
	}
	p = e->hr_block = xmalloc(total);
	for (i = 0; i < HR_NFIELDS; i++) {
		memcpy(p, text[i], len[i] + 1);
		at[i] = p;
		p += len[i] + 1;
	}
	e->id = at[HR_EMPLOYEE_ID];
	e->name = at[HR_NAME];
	e->email = at[HR_EMAIL];
	e->role_text = at[HR_ROLE];
	e->grade = at[HR_GRADE];
	e->manager_id = at[HR_MANAGER_ID];
	e->status = at[HR_STATUS];
	e->gender = *at[HR_GENDER] ? at[HR_GENDER] : NULL;
	e->cost_centre = at[HR_COST_CENTRE];
	e->department = company_intern(c, loader_text(ld, HR_DEPARTMENT));
	e->dept_type = dept_type_of(r->dept_type);
	e->locale = !r->locale ? ld->cfg->locale : !strcmp(r->locale, "en") ? LOCALE_EN : LOCALE_ZH;
	e->base_salary = r->salary;
	e->hire_date = r->hire;
	e->leave_date = r->leave;
	e->line = loader_line(ld, HR_EMPLOYEE_ID);
	e->role = r->role;
	e->metrics = xcalloc(ld->cfg->nmetrics ? ld->cfg->nmetrics : 1, sizeof(*e->metrics));
	strmap_put(&c->by_id, e->id, c->nemps - 1);
	ld->st->rows_used++;
}

static int cmp_cents(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int64_t ingest_median_cents(int64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_cents);
	return n ? v[n / 2] : 0;
}

/*
 * SPEC 3.1: salaries read as monthly that look hourly or yearly get a
 * warning with the key that fixes them. Judged on the median, so a few
 * part-timers or executives do not trip it: under 500 a month is no
 * monthly salary anywhere; 50,000 or more is a yearly one in the
 * currencies where a month's pay has four or five digits (in yen or won a
 * monthly figure is that large, so no yearly check there).
 */
static void check_plausible(const struct company *c, const struct config *cfg, const char *file,
			    struct diag *d)
{
	static const char *const small_units[] = {
		"CNY", "RMB", "USD", "EUR", "GBP", "HKD", "SGD", "AUD", "CAD", "CHF", "NZD",
	};
	int64_t *v, med;
	size_t i, n = c->nemps;
	int small_unit = 0;
	if (!n || cfg->inputs[INPUT_HR].salary_period != SALARY_MONTH)
		return;
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = c->emps[i].base_salary;
	med = ingest_median_cents(v, n);
	free(v);
	for (i = 0; i < sizeof(small_units) / sizeof(small_units[0]); i++)
		small_unit |= cfg->bonus.currency && !strcasecmp(cfg->bonus.currency, small_units[i]);
	if (med < INGEST_PAY_HOURLY_BELOW) {
		diag_warn(d, file, 0, 0, "base_salary: the median is %lld.%02lld a month, which "
			  "looks like an hourly rate", (long long)(med / 100), (long long)(med % 100));
		diag_hint(d, "if the export holds hourly rates, set salary_period = hour (and "
			  "hours_per_year) in [input.hr]");
	} else if (small_unit && med >= INGEST_PAY_YEARLY_FROM) {
		diag_warn(d, file, 0, 0, "base_salary: the median is %lld.%02lld a month, which "
			  "looks like a yearly salary", (long long)(med / 100), (long long)(med % 100));
		diag_hint(d, "if the export holds yearly salaries, set salary_period = year in "
			  "[input.hr]");
	}
}

int ingest_hr(struct company *c, const struct config *cfg, struct diag *d)
{
	struct loader ld;
	int rc = loader_open(&ld, c, cfg, INPUT_HR, d);
	if (rc <= 0)
		return rc;
	struct title_tally tally;
	memset(&tally, 0, sizeof(tally));
	strmap_init(&tally.index);
	ld.user = &tally;
	while ((rc = loader_next(&ld)) > 0) {
		struct hr_row r;
		if (check_row(&ld, &r) == 0)
			add_employee(&ld, &r);
		else
			loader_set_aside_hr(&ld);
	}
	if (rc == 0 && !c->inputs[INPUT_HR].rows)
		rc = diag_error(d, MERIT_DATAERR, ld.file, 0, 0, "the HR export has no rows");
	if (rc == 0) {
		report_titles(&ld, &tally);
		check_plausible(c, cfg, cfg->inputs[INPUT_HR].file, d);
	}
	loader_close(&ld);
	strmap_release(&tally.index);
	strlist_release(&tally.titles);
	free(tally.counts);
	return rc < 0 ? -1 : 0;
}
