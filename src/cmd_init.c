/*
 * cmd_init: `merit init --hr FILE --sales FILE [...] [-o FILE] [--force]`
 * writes a starter config from the exports themselves (SPEC 3.2).
 *
 * Each input is sniffed (ingest/sniff.h): encoding, delimiter, header row,
 * date format, null markers, the field each header names. The config
 * written declares the inputs with those findings, maps every header it
 * recognised and marks the rest `; TODO`, adds the value aliases the
 * exports need, and a skeleton scorecard per group of job titles on the
 * standard dimensions (results, efficiency, attitude), so that `merit
 * validate` passes as soon as every required field was found. Every guess
 * carries its evidence in a comment. An existing file is never replaced
 * without --force.
 */
#include "cmd.h"
#include "config.h"
#include "ingest/ingest.h"
#include "ingest/sniff.h"
#include "schema.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* The exports init reads: the first six inputs (overrides are written by
 * people, not exported). */
#define CMD_INIT_INPUTS 6

/* Common job titles -> a role name; titles containing the word group
 * under it. The names are those of the shipped config's scorecards. */
static const struct { const char *word, *role, *english; } title_roles[] = {
	{ "市场拓展", "market_expansion", "Market expansion" },
	{ "客户服务", "customer_service", "Customer service" },
	{ "客服", "customer_service", "Customer service" },
	{ "人力资源", "hr", "HR" },
	{ "人事", "hr", "HR" },
	{ "招聘", "hr", "HR" },
	{ "销售", "sales", "Sales" },
	{ "sales", "sales", "Sales" },
	{ "account executive", "sales", "Sales" },
	{ "business development", "sales", "Sales" },
	{ "commercial", "sales", "Sales" },
	{ "vendeur", "sales", "Sales" },
	{ "vertrieb", "sales", "Sales" },
	{ "verkäufer", "sales", "Sales" },
	{ "vendedor", "sales", "Sales" },
	{ "研发", "rnd", "R&D" },
	{ "开发", "rnd", "R&D" },
	{ "工程师", "rnd", "R&D" },
	{ "engineer", "rnd", "R&D" },
	{ "developer", "rnd", "R&D" },
	{ "生产", "production", "Production" },
	{ "production", "production", "Production" },
	{ "财务", "finance", "Finance" },
	{ "会计", "finance", "Finance" },
	{ "finance", "finance", "Finance" },
	{ "accountant", "finance", "Finance" },
	{ "行政", "admin", "Admin" },
	{ "admin", "admin", "Admin" },
	{ "市场", "market_expansion", "Market expansion" },
	{ "marketing", "market_expansion", "Market expansion" },
	{ "support", "customer_service", "Customer service" },
	{ "service", "customer_service", "Customer service" },
	{ "hr", "hr", "HR" },
	{ "human resources", "hr", "HR" },
};

struct role_group {
	char *name, *english;
	struct strlist titles;
	size_t people;
	int sells;
};

struct init {
	const struct cmd_opts *o;
	struct sniff s[INPUT_COUNT];
	int have[INPUT_COUNT];
	const char *ini_dir;
	struct strbuf out;
	struct strlist todo;          /* what is left, for the summary */
	struct role_group *roles;
	size_t nroles;
	int mapped, wanted;
	int key[INPUT_COUNT];         /* employee_key's HR field, or -1: employee_id */
	struct strbuf key_why[INPUT_COUNT];
};

static int contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle), len = strlen(hay), i;
	for (i = 0; i + n <= len; i++)
		if (!strncasecmp(hay + i, needle, n))
			return 1;
	return 0;
}

/* path as the INI will find it: relative to the INI's folder when both
 * are below the current folder's root, else absolute. */
static char *path_for_ini(const char *path, const char *ini_dir)
{
	char file_abs[PATH_MAX], dir_abs[PATH_MAX];
	struct strbuf sb = STRBUF_INIT;
	const char *f, *dr;
	size_t common = 0, i;
	if (!realpath(path, file_abs) || !realpath(ini_dir, dir_abs))
		return xstrdup(path);
	for (i = 0; file_abs[i] && file_abs[i] == dir_abs[i]; i++)
		if (file_abs[i] == '/')
			common = i;
	if (!dir_abs[i] && file_abs[i] == '/')
		common = i;             /* the file is below the INI's folder */
	f = file_abs + common + 1;
	dr = dir_abs + common;
	if (*dr == '/' && dr[1]) {
		strbuf_addstr(&sb, "../");
		for (dr++; *dr; dr++)
			if (*dr == '/')
				strbuf_addstr(&sb, "../");
	}
	strbuf_addstr(&sb, f);
	return strbuf_detach(&sb, NULL);
}

static const char *input_name(int in)
{
	return schema_inputs[in].name;
}

static void todo(struct init *it, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void todo(struct init *it, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strlist_push(&it->todo, sb.buf);
	strbuf_release(&sb);
}

/* The date formats an input needs (one per distinct decided format). */
static void date_formats(const struct sniff *s, struct strlist *fmts)
{
	size_t j, k;
	for (j = 0; j < s->ncols; j++) {
		const char *f = s->cols[j].date_format;
		if (!f || s->cols[j].field < 0)
			continue;
		for (k = 0; k < fmts->nr && strcmp(fmts->items[k], f); k++)
			;
		if (k == fmts->nr)
			strlist_push(fmts, f);
	}
}

/*
 * A European export writes 1.234,56: propose decimal = comma when a column
 * reads mostly that way (at least 4 in 5 of its cells), with the evidence.
 * Without it those cells are bad numbers, each with the same hint.
 */
static void decimal_comma(const struct sniff *s, struct strbuf *o)
{
	size_t j;
	for (j = 0; j < s->ncols; j++) {
		const struct sniff_col *c = &s->cols[j];
		if (c->decimal_comma && c->decimal_comma * 5 >= c->filled * 4) {
			strbuf_addf(o, "; %zu of %zu cells of '%s' read as 1.234,56 (a decimal "
				    "comma)\ndecimal = comma\n", c->decimal_comma, c->filled,
				    c->header);
			return;
		}
	}
}

/* The KPI a wide quota sheet without a kpi column is for. */
#define WIDE_KPI "sales_achievement"

/* The column of each input that names people (targets: scope decides). */
static const int person_field[CMD_INIT_INPUTS] = {
	[INPUT_HR] = -1, [INPUT_SALES] = SALES_EMPLOYEE_ID, [INPUT_TARGETS] = -1,
	[INPUT_METRICS] = METRICS_EMPLOYEE_ID, [INPUT_REVIEWS] = REVIEWS_REVIEWEE_ID,
	[INPUT_TRAINING] = TRAINING_EMPLOYEE_ID,
};

/* HR fields another export may name people by (SPEC 3.1 employee_key). */
static const int key_fields[] = { HR_EMPLOYEE_ID, HR_EMAIL, HR_NAME, HR_ALT_ID };

/* The HR field whose cells most of col's values are, or -1; *hits, how many. */
static int best_key(const struct init *it, const struct sniff_col *col, size_t *hits)
{
	size_t k, n;
	int best = -1;
	*hits = 0;
	for (k = 0; k < sizeof(key_fields) / sizeof(key_fields[0]); k++) {
		const struct sniff_col *hr = sniff_field(&it->s[INPUT_HR], key_fields[k]);
		if (!hr || !(n = sniff_key_hits(hr, col)) || n <= *hits)
			continue;
		*hits = n;
		best = key_fields[k];
	}
	return *hits * 2 > col->nvalues ? best : -1;
}

/*
 * Who an export's people are, by their cells: a CRM that writes the
 * owner's name or e-mail instead of the employee number gets
 * employee_key = name / email; a column no header matched ("sales_agent")
 * is taken as the people column when most of its values are HR's people.
 */
static void find_keys(struct init *it, int in)
{
	struct sniff *s = &it->s[in];
	const char *hr_name = NULL;
	struct sniff_col *col = NULL;
	/* A wide quota sheet's rows are people's (its scope is employee). */
	int f = in == INPUT_TARGETS && s->nwide ? TARGETS_KEY : person_field[in], k = -1;
	size_t hits = 0, j;
	it->key[in] = -1;
	if (f < 0 || !it->have[INPUT_HR])
		return;
	for (j = 0; j < s->ncols; j++)
		if (s->cols[j].field == f)
			col = &s->cols[j];
	if (col) {
		k = best_key(it, col, &hits);
	} else {
		for (j = 0; j < s->ncols; j++) {
			size_t h;
			int kk;
			/* No header says so: most is not enough (a quantity column
			 * can meet small employee numbers by chance). */
			if (s->cols[j].field >= 0 || s->cols[j].nvalues < 2 ||
			    (kk = best_key(it, &s->cols[j], &h)) < 0 || h <= hits ||
			    h * 5 < s->cols[j].nvalues * 4)
				continue;
			col = &s->cols[j], k = kk, hits = h;
		}
		if (col) {
			col->field = f;
			free(col->how);
			col->how = xstrfmt("%zu of its first %zu values are HR's %ss", hits,
					   col->nvalues, schema_inputs[INPUT_HR].fields[k].name);
		}
	}
	if (!col || k < 0 || k == HR_EMPLOYEE_ID)
		return;
	hr_name = sniff_field(&it->s[INPUT_HR], k)->header;
	it->key[in] = k;
	strbuf_addf(&it->key_why[in], "%zu of the first %zu '%s' values are HR's '%s' (%s)",
		    hits, col->nvalues, col->header, hr_name, schema_inputs[INPUT_HR].fields[k].name);
}

/*
 * How the HR export's base_salary is paid (SPEC 3.1 salary_period): the
 * header's words first ("Annual Salary", "Hourly Rate", 年薪), else the
 * mean, judged as the run's check judges the median (hr.c): under 500 is
 * no month's pay, 50,000 or more is a year's in most currencies.
 * Returns SALARY_*, with the evidence in why.
 */
static enum salary_period salary_unit(const struct init *it, struct strbuf *why)
{
	const struct sniff_col *c = sniff_field(&it->s[INPUT_HR], HR_BASE_SALARY);
	static const char *const yearly[] = { "annual", "year", "per annum", "p.a.", "年薪" };
	static const char *const hourly[] = { "hour", "rate", "时薪" };
	static const char *const monthly[] = { "month", "月" };
	int64_t med, *v;
	size_t i;
	if (!c || !c->ncents)
		return SALARY_MONTH;
	for (i = 0; i < sizeof(monthly) / sizeof(monthly[0]); i++)
		if (contains_ci(c->header, monthly[i]))
			return SALARY_MONTH;
	for (i = 0; i < sizeof(yearly) / sizeof(yearly[0]); i++)
		if (contains_ci(c->header, yearly[i])) {
			strbuf_addf(why, "'%s' says yearly", c->header);
			return SALARY_YEAR;
		}
	for (i = 0; i < sizeof(hourly) / sizeof(hourly[0]); i++)
		if (contains_ci(c->header, hourly[i])) {
			strbuf_addf(why, "'%s' says hourly", c->header);
			return SALARY_HOUR;
		}
	/* as the run's check judges it: by the median, not swayed by a few
	 * executives' pay */
	v = xmalloc(c->ncents * sizeof(*v));
	memcpy(v, c->cents, c->ncents * sizeof(*v));
	med = ingest_median_cents(v, c->ncents);
	free(v);
	if (med >= INGEST_PAY_YEARLY_FROM) {
		strbuf_addf(why, "'%s' has a median of %lld: a year's pay in most currencies (in "
			    "yen or won a month's: then delete this line)", c->header,
			    (long long)(med / 100));
		return SALARY_YEAR;
	}
	if (med < INGEST_PAY_HOURLY_BELOW) {
		strbuf_addf(why, "'%s' has a median of %lld.%02lld: an hourly rate, no month's pay",
			    c->header, (long long)(med / 100), (long long)(med % 100));
		return SALARY_HOUR;
	}
	return SALARY_MONTH;
}

/* Every base salary's month in cents, whatever unit the export pays in. */
static int64_t month_of_pay(const struct init *it)
{
	const struct sniff_col *c = sniff_field(&it->s[INPUT_HR], HR_BASE_SALARY);
	struct strbuf why = STRBUF_INIT;
	struct input_conf ic;
	int64_t sum = c ? c->money_sum : 0;
	memset(&ic, 0, sizeof(ic));
	ic.salary_period = salary_unit(it, &why);
	ic.hours_per_year = CONFIG_HOURS_PER_YEAR;
	strbuf_release(&why);
	return ingest_monthly_cents(&ic, &sum) < 0 ? 0 : sum;
}

static void write_input(struct init *it, int in, const char *path)
{
	struct sniff *s = &it->s[in];
	struct strbuf *o = &it->out;
	struct strlist fmts = { 0 };
	char *rel = path_for_ini(path, it->ini_dir);
	size_t j;
	strbuf_addf(o, "[input.%s]\n", input_name(in));
	strbuf_addf(o, "; %zu data rows looked at%s\n", s->rows,
		    s->more_rows ? " (the first ones; the file has more)" : "");
	strbuf_addf(o, "file = %s\n", rel);
	if (s->xlsx) {
		if (s->nsheets > 1)
			strbuf_addf(o, "; of the workbook's %d sheets, the one whose header names "
				    "most fields\nsheet = %s\n", s->nsheets, s->sheet);
		else
			strbuf_addf(o, "; the workbook's only sheet\nsheet = %s\n", s->sheet);
	} else {
		strbuf_addf(o, "; %s\nencoding = %s\n", s->encoding_why, s->encoding);
		if (s->delimiter != ',')
			strbuf_addf(o, "; %s\ndelimiter = %s\n", s->delimiter_why,
				    s->delimiter == '\t' ? "tab" : s->delimiter == ';' ? "semicolon"
				    : s->delimiter == '|' ? "pipe" : ",");
	}
	if (s->header_row != 1)
		strbuf_addf(o, "; %s\nheader_row = %d\n", s->header_why, s->header_row);
	if (s->nwide)
		strbuf_addf(o, "; a column per %s ('%s' to '%s'): one row per person and year\n"
			    "layout = wide\n", s->nwide == 4 ? "quarter" : "month",
			    s->cols[s->wide[0]].header, s->cols[s->wide[s->nwide - 1]].header);
	if (it->key[in] >= 0)
		strbuf_addf(o, "; %s\nemployee_key = %s\n", it->key_why[in].buf,
			    schema_inputs[INPUT_HR].fields[it->key[in]].name);
	if (in == INPUT_HR) {
		struct strbuf why = STRBUF_INIT;
		enum salary_period sp = salary_unit(it, &why);
		if (sp == SALARY_YEAR)
			strbuf_addf(o, "; %s\nsalary_period = year\n", why.buf);
		else if (sp == SALARY_HOUR)
			strbuf_addf(o, "; %s\nsalary_period = hour\nhours_per_year = %d\n", why.buf,
				    CONFIG_HOURS_PER_YEAR);
		strbuf_release(&why);
	}
	decimal_comma(s, o);
	date_formats(s, &fmts);
	for (j = 0; j < s->ncols; j++) {
		const struct sniff_col *c = &s->cols[j];
		if (c->field >= 0 && c->date_why)
			strbuf_addf(o, "; %s: %s\n", c->header, c->date_why);
	}
	if (fmts.nr) {
		strbuf_addstr(o, "date_format = ");
		for (j = 0; j < fmts.nr; j++)
			strbuf_addf(o, "%s%s", j ? ", " : "", fmts.items[j]);
		strbuf_addch(o, '\n');
	}
	if (s->nulls.nr) {
		strbuf_addstr(o, "; cells that stand for \"no value\" in typed columns\nnull = ");
		for (j = 0; j < s->nulls.nr; j++)
			strbuf_addf(o, "%s%s", j ? ", " : "", s->nulls.items[j]);
		strbuf_addch(o, '\n');
	}
	strbuf_addch(o, '\n');
	strlist_release(&fmts);
	free(rel);
}

/* What a column's cells are, for the comment after its mapping. */
static void column_evidence(const struct sniff_col *c, enum field_type t, struct strbuf *sb)
{
	if (!c->filled) {
		strbuf_addstr(sb, "empty in every row read");
		return;
	}
	switch (t) {
	case FT_MONEY:
		strbuf_addf(sb, "%zu of %zu cells are amounts", c->money, c->filled);
		if (c->decimal_comma)
			strbuf_addf(sb, ", %zu with a decimal comma", c->decimal_comma);
		break;
	case FT_NUMBER:
		strbuf_addf(sb, "%zu of %zu cells are numbers", c->numbers, c->filled);
		if (c->decimal_comma)
			strbuf_addf(sb, ", %zu with a decimal comma", c->decimal_comma);
		break;
	case FT_DATE:
		strbuf_addf(sb, "%zu of %zu cells are dates", c->date_ok, c->filled);
		break;
	default:
		strbuf_addf(sb, "%zu cells, %s%zu distinct", c->filled,
			    c->values_overflow ? "over " : "", c->nvalues);
	}
}

static void write_columns(struct init *it, int in)
{
	const struct input_schema *sc = &schema_inputs[in];
	struct sniff *s = &it->s[in];
	struct strbuf *o = &it->out;
	size_t f, j;
	int any_unmapped = 0;
	strbuf_addf(o, "[columns.%s]\n", input_name(in));
	for (f = 0; f < sc->nfields; f++) {
		const struct sniff_col *c = sniff_field(s, (int)f);
		struct strbuf ev = STRBUF_INIT;
		it->wanted += sc->fields[f].required;
		/* layout = wide makes period and target; scope and kpi are defaults */
		if (!c && s->nwide && (f == TARGETS_PERIOD || f == TARGETS_TARGET ||
				       f == TARGETS_SCOPE || f == TARGETS_KPI)) {
			it->mapped += sc->fields[f].required;
			continue;
		}
		if (!c && s->nwide && f == TARGETS_YEAR) {
			strbuf_addstr(o, "; TODO year = the header of the year column (a wide sheet "
				      "needs one; or [defaults.targets] year = 2026)\n");
			todo(it, "[columns.targets] year: a wide quota sheet needs its year");
			continue;
		}
		if (!c) {
			if (sc->fields[f].required) {
				strbuf_addf(o, "; TODO %s = the export's header for %s (no header "
					    "matched)\n", sc->fields[f].name, sc->fields[f].name);
				todo(it, "[columns.%s] %s: no header matched", input_name(in),
				     sc->fields[f].name);
			}
			continue;
		}
		it->mapped += sc->fields[f].required;
		column_evidence(c, sc->fields[f].type, &ev);
		strbuf_addf(o, "; '%s': %s; %s\n%s = %s\n", c->header, c->how, ev.buf,
			    sc->fields[f].name, c->header);
		if (strstr(c->how, "check"))
			todo(it, "[columns.%s] %s = %s: a guess by spelling", input_name(in),
			     sc->fields[f].name, c->header);
		strbuf_release(&ev);
	}
	if (s->nwide) {
		strbuf_addf(o, "; the %s, %s first\nmonths = ", s->nwide == 4 ? "quarters" : "months",
			    s->nwide == 4 ? "Q1" : "January");
		for (j = 0; j < (size_t)s->nwide; j++)
			strbuf_addf(o, "%s%s", j ? ", " : "", s->cols[s->wide[j]].header);
		strbuf_addch(o, '\n');
	}
	for (j = 0; j < s->ncols; j++)
		if (s->cols[j].field < 0 && *s->cols[j].header && !s->cols[j].in_wide) {
			strbuf_addf(o, "%s'%s'", any_unmapped ? ", " : "; not used: ",
				    s->cols[j].header);
			any_unmapped = 1;
		}
	if (any_unmapped)
		strbuf_addch(o, '\n');
	strbuf_addch(o, '\n');
	if (s->nwide && (!sniff_field(s, TARGETS_SCOPE) || !sniff_field(s, TARGETS_KPI))) {
		strbuf_addstr(o, "; every row is one person's sales target\n[defaults.targets]\n");
		if (!sniff_field(s, TARGETS_SCOPE))
			strbuf_addstr(o, "scope = employee\n");
		if (!sniff_field(s, TARGETS_KPI))
			strbuf_addf(o, "kpi = %s\n", WIDE_KPI);
		strbuf_addch(o, '\n');
	}
}

/* [values.SET] lines for the export's values the built-ins do not know. */
/* Guessed texts of one canonical value: one `value = a, b` line (a key
 * given twice is an error), each text's evidence above it. */
struct guessed {
	const char *value;
	struct strbuf notes, texts;
};

static void write_values(struct init *it, const struct config *builtin)
{
	static const char *const sets[] = { "stage", "yesno", "dept_type", "relation",
					    "dimension", "locale", "scope" };
	struct strbuf *o = &it->out;
	size_t k, in, f, v, g;
	for (k = 0; k < sizeof(sets) / sizeof(sets[0]); k++) {
		const struct valueset *vs = config_valueset(builtin, sets[k]);
		struct strbuf todos = STRBUF_INIT;
		struct guessed *gs = NULL;
		size_t ng = 0;
		for (in = 0; in < INPUT_COUNT; in++) {
			const struct input_schema *sc = &schema_inputs[in];
			if (!it->have[in])
				continue;
			for (f = 0; f < sc->nfields; f++) {
				const struct sniff_col *col = sniff_field(&it->s[in], (int)f);
				if (!col || !sc->fields[f].valueset || strcmp(sc->fields[f].valueset, sets[k]))
					continue;
				for (v = 0; v < col->nvalues; v++) {
					const char *t = col->values[v].text, *value;
					if (valueset_map(vs, t))
						continue;
					value = sniff_guess_value(sets[k], t);
					if (!value) {
						strbuf_addf(&todos, "; TODO '%s' (%zu rows of %s): which %s value?\n",
							    t, col->values[v].count, col->header, sets[k]);
						todo(it, "[values.%s]: '%s' is not a known value", sets[k], t);
						continue;
					}
					for (g = 0; g < ng && strcmp(gs[g].value, value); g++)
						;
					if (g == ng) {
						gs = xrealloc(gs, (ng + 1) * sizeof(*gs));
						gs[ng].value = value;
						strbuf_init(&gs[ng].notes, 0);
						strbuf_init(&gs[ng].texts, 0);
						ng++;
					}
					strbuf_addf(&gs[g].notes, "; '%s' (%zu rows of %s): guessed from its "
						    "words\n", t, col->values[v].count, col->header);
					strbuf_addf(&gs[g].texts, "%s%s", gs[g].texts.len ? ", " : "", t);
				}
			}
		}
		if (ng || todos.len) {
			strbuf_addf(o, "[values.%s]\n", sets[k]);
			for (g = 0; g < ng; g++)
				strbuf_addf(o, "%s%s = %s\n", gs[g].notes.buf, gs[g].value, gs[g].texts.buf);
			strbuf_addf(o, "%s\n", todos.buf);
		}
		for (g = 0; g < ng; g++) {
			strbuf_release(&gs[g].notes);
			strbuf_release(&gs[g].texts);
		}
		free(gs);
		strbuf_release(&todos);
	}
}

/* ------------------------------------------------------------ roles */

static struct role_group *role_for_title(struct init *it, const char *title)
{
	const char *name = NULL, *english = NULL;
	struct strbuf slug = STRBUF_INIT;
	size_t i;
	for (i = 0; i < sizeof(title_roles) / sizeof(title_roles[0]) && !name; i++)
		if (contains_ci(title, title_roles[i].word))
			name = title_roles[i].role, english = title_roles[i].english;
	if (!name) {
		const char *p;
		for (p = title; *p; p++)
			if (isalnum((unsigned char)*p))
				strbuf_addch(&slug, tolower((unsigned char)*p));
			else if (slug.len && slug.buf[slug.len - 1] != '_')
				strbuf_addch(&slug, '_');
		while (slug.len && slug.buf[slug.len - 1] == '_')
			slug.buf[--slug.len] = '\0';
		if (!slug.len || (unsigned char)*title >= 0x80)
			strbuf_addf(&slug, "%srole_%zu", slug.len ? "_" : "", it->nroles + 1);
		name = slug.buf;
		english = title;
	}
	for (i = 0; i < it->nroles; i++)
		if (!strcmp(it->roles[i].name, name)) {
			strbuf_release(&slug);
			return &it->roles[i];
		}
	it->roles = xrealloc(it->roles, (it->nroles + 1) * sizeof(*it->roles));
	memset(&it->roles[it->nroles], 0, sizeof(*it->roles));
	it->roles[it->nroles].name = xstrdup(name);
	it->roles[it->nroles].english = xstrdup(english);
	it->roles[it->nroles].sells = !strcmp(name, "sales");
	strbuf_release(&slug);
	return &it->roles[it->nroles++];
}

static void group_roles(struct init *it)
{
	const struct sniff_col *c = sniff_field(&it->s[INPUT_HR], HR_ROLE);
	size_t v;
	for (v = 0; c && v < c->nvalues; v++) {
		struct role_group *g = role_for_title(it, c->values[v].text);
		strlist_push(&g->titles, c->values[v].text);
		g->people += c->values[v].count;
	}
}

/* The last complete month the sales dates cover, "YYYY-MM", or "auto". */
static void guess_period(struct init *it, char out[16], struct strbuf *why)
{
	const struct sniff_col *c = sniff_field(&it->s[INPUT_SALES], SALES_DATE);
	int y, m, d, py, pm;
	if (!c || c->latest == DATE_NONE) {
		snprintf(out, 16, "auto");
		strbuf_addstr(why, "no sales dates read: the last complete month");
		return;
	}
	date_to_ymd(c->latest, &y, &m, &d);
	py = y, pm = m;
	if (d < date_days_in_month(y, m)) {       /* that month is not over */
		pm = m == 1 ? 12 : m - 1;
		py = m == 1 ? y - 1 : y;
	}
	snprintf(out, 16, "%04d-%02d", py, pm);
	strbuf_addf(why, "the latest sales date is %04d-%02d-%02d: the last month it completes",
		    y, m, d);
}

/* Is any header of the HR export Chinese? Then letters default to zh. */
static int chinese_headers(const struct sniff *s)
{
	size_t j;
	for (j = 0; j < s->ncols; j++)
		if ((unsigned char)s->cols[j].header[0] >= 0x80)
			return 1;
	return 0;
}

/* Does the targets export have rows for kpi `name`? */
static int targets_have(const struct init *it, const char *name)
{
	const struct sniff_col *c = it->have[INPUT_TARGETS] ? sniff_field(&it->s[INPUT_TARGETS],
									 TARGETS_KPI) : NULL;
	size_t v;
	if (it->have[INPUT_TARGETS] && it->s[INPUT_TARGETS].nwide && !c)
		return !strcmp(name, WIDE_KPI);
	for (v = 0; c && v < c->nvalues; v++)
		if (!strcmp(c->values[v].text, name))
			return 1;
	return 0;
}

/* Does the metrics export have rows for metric `name`? */
static int metrics_have(const struct init *it, const char *name)
{
	const struct sniff_col *c = it->have[INPUT_METRICS] ? sniff_field(&it->s[INPUT_METRICS],
									 METRICS_METRIC) : NULL;
	size_t v;
	for (v = 0; c && v < c->nvalues; v++)
		if (!strcmp(c->values[v].text, name))
			return 1;
	return 0;
}

/* `target = table` when the targets export has the KPI, else `number`. */
static void write_target(struct init *it, const char *kpi, const char *number, const char *what)
{
	if (targets_have(it, kpi))
		strbuf_addf(&it->out, "; the targets export has rows for kpi '%s'\ntarget = table\n",
			    kpi);
	else
		strbuf_addf(&it->out, "; TODO: %s (the targets export has no rows for '%s')\n"
			    "target = %s\n", what, kpi, number);
}

/*
 * KPIs the targets export names beyond the skeleton's own: a metric of the
 * same name from the metrics export (new_customers from the sales), so
 * every targets row has its KPI. Not on any scorecard yet.
 */
static void write_target_kpis(struct init *it)
{
	static const char *const own[] = { "sales_achievement", "won_deals", "company_revenue",
					   "peer_review" };
	const struct sniff_col *c = it->have[INPUT_TARGETS] ? sniff_field(&it->s[INPUT_TARGETS],
									 TARGETS_KPI) : NULL;
	struct strbuf *o = &it->out;
	size_t v, k;
	for (v = 0; c && v < c->nvalues; v++) {
		const char *name = c->values[v].text;
		const char *p;
		int skip = 0;
		for (k = 0; k < sizeof(own) / sizeof(own[0]); k++)
			skip |= !strcmp(own[k], name);
		for (p = name; *p && !skip; p++)
			skip = !(isalnum((unsigned char)*p) || *p == '_');
		if (skip)
			continue;
		strbuf_addf(o, "; kpi '%s' has %zu rows in the targets export\n", name,
			    c->values[v].count);
		if (!strcmp(name, "new_customers"))
			strbuf_addstr(o, "[metric.new_customers]\nfrom = sales\nagg = count_distinct\n"
				      "field = customer_id\nwhere = stage:won, new_customer:yes\n");
		else if (metrics_have(it, name))
			strbuf_addf(o, "; the metrics export has rows for metric '%s'\n[metric.%s]\n"
				    "from = metrics\nagg = sum\n", name, name);
		else {
			strbuf_addf(o, "; TODO: where '%s' comes from (not in the metrics export)\n"
				    "[metric.%s]\nfrom = metrics\nagg = sum\n", name, name);
			todo(it, "[metric.%s]: where its actuals come from", name);
		}
		strbuf_addf(o, "\n; TODO: add it to the scorecards it belongs on\n[kpi.%s]\n"
			    "metric = %s\ntarget = table\ndimension = results\n\n", name, name);
	}
}

/* A title as a [values.role] pattern: a comma would split the list and a
 * '*' match any run, so each becomes the one-character wildcard. */
static void title_pattern(struct strbuf *o, const char *title)
{
	for (; *title; title++)
		strbuf_addch(o, *title == ',' || *title == '*' ? '?' : *title);
}

/* [values.role]: the titles of each group beyond the one its label names. */
static void write_role_titles(struct init *it)
{
	const struct sniff_col *c = sniff_field(&it->s[INPUT_HR], HR_ROLE);
	struct strbuf *o = &it->out;
	size_t i, t;
	int any = 0;
	for (i = 0; i < it->nroles; i++) {
		struct role_group *g = &it->roles[i];
		if (g->titles.nr < 2)
			continue;
		if (!any)
			strbuf_addstr(o, "[values.role]\n; job titles -> [role.NAME] (the first "
				      "title of each is its label)\n");
		any = 1;
		strbuf_addf(o, "%s = ", g->name);
		for (t = 1; t < g->titles.nr; t++) {
			strbuf_addstr(o, t > 1 ? ", " : "");
			title_pattern(o, g->titles.items[t]);
		}
		strbuf_addch(o, '\n');
	}
	if (c && c->values_overflow) {
		strbuf_addf(o, "; TODO the export has more than %d job titles: `merit validate` "
			    "names the ones no role takes\n", SNIFF_MAX_DISTINCT);
		todo(it, "[values.role]: more job titles than init read; validate lists the rest");
	}
	if (any || (c && c->values_overflow))
		strbuf_addch(o, '\n');
}

static void write_scoring(struct init *it)
{
	struct strbuf *o = &it->out;
	const struct sniff_col *amount = sniff_field(&it->s[INPUT_SALES], SALES_AMOUNT);
	int reviews = it->have[INPUT_REVIEWS];
	struct strbuf money = STRBUF_INIT;
	int64_t month;
	char number[32];
	size_t i, t;

	strbuf_addstr(o,
		"; =====================================================================\n"
		"; A skeleton scorecard on the standard dimensions (results, efficiency,\n"
		"; attitude). It validates and runs, but the KPIs and targets are\n"
		"; placeholders: config/merit.ini of the merit sources shows complete ones.\n"
		"; =====================================================================\n"
		"[metric.revenue]\nlabel = 销售额 | Revenue\nfrom = sales\nagg = sum\nfield = amount\n"
		"where = stage:won\nformat = money\n\n"
		"[metric.won_deals]\nlabel = 赢单数 | Deals won\nfrom = sales\nagg = count\n"
		"where = stage:won\n\n"
		"[metric.company_revenue]\nlabel = 公司销售额 | Company revenue\nfrom = sales\n"
		"agg = sum\nfield = amount\nwhere = stage:won\nscope = company\nformat = money\n\n");
	if (reviews)
		strbuf_addstr(o, "[metric.peer_review]\nlabel = 360度评价 | 360-degree review\n"
			      "from = reviews\nagg = review360\n\n");
	strbuf_addstr(o, "[kpi.sales_achievement]\nlabel = 销售业绩完成率 | Sales achievement\n"
		      "metric = revenue\n");
	snprintf(number, sizeof(number), "%lld",
		 amount && amount->money_sum > 0 ? (long long)(amount->money_sum / 100 / 12 / 10) + 1 : 100000LL);
	write_target(it, "sales_achievement", number, "per-person targets in the targets export, "
		     "or one number here (a placeholder: a tenth of the sales export's monthly amount)");
	strbuf_addstr(o, "dimension = results\nperspective = financial\n\n");
	strbuf_addstr(o, "[kpi.won_deals]\nlabel = 赢单数 | Deals won\nmetric = won_deals\n");
	write_target(it, "won_deals", "5", "a placeholder of 5 deals a month");
	strbuf_addstr(o, "dimension = efficiency\nperspective = customer\n\n");
	if (amount && amount->money_sum > 0)
		money_format(&money, amount->money_sum, "");
	strbuf_addf(o, "[kpi.company_revenue]\nlabel = 公司业绩 | Company revenue\n"
		    "metric = company_revenue\n; every amount in the sales export: %s\n",
		    money.len ? money.buf : "none");
	snprintf(number, sizeof(number), "%lld",
		 amount && amount->money_sum > 1200 ? (long long)(amount->money_sum / 1200) : 100000LL);
	write_target(it, "company_revenue", number, "the company's monthly revenue target (a "
		     "placeholder: every amount in the sales export over 12)");
	strbuf_addstr(o, "dimension = results\nperspective = financial\n\n");
	if (reviews) {
		strbuf_addstr(o, "[kpi.peer_review]\nlabel = 360度评价 | 360-degree review\n"
			      "metric = peer_review\n; 80 is a solid review (all 4s give 75)\n");
		write_target(it, "peer_review", "80", "80 is a solid review");
		strbuf_addstr(o, "dimension = attitude\nperspective = learning\n\n");
	}
	write_target_kpis(it);
	todo(it, "[kpi.*] targets and [role.*] weights: placeholders");

	for (i = 0; i < it->nroles; i++) {
		struct role_group *g = &it->roles[i];
		strbuf_addf(o, "; %zu people titled ", g->people);
		for (t = 0; t < g->titles.nr; t++)
			strbuf_addf(o, "%s'%s'", t ? ", " : "", g->titles.items[t]);
		strbuf_addf(o, "\n[role.%s]\nlabel = %s | %s\n", g->name, g->titles.items[0], g->english);
		if (g->sells)
			strbuf_addstr(o, reviews ? "kpis = sales_achievement:50, won_deals:20, "
					  "peer_review:15, company_revenue:15\n"
					: "kpis = sales_achievement:60, won_deals:25, company_revenue:15\n");
		else
			strbuf_addstr(o, reviews ? "; TODO: this role's own KPIs; meanwhile the "
					  "shared company goal and the 360 review\n"
					  "kpis = company_revenue:60, peer_review:40\n"
					: "; TODO: this role's own KPIs; meanwhile the shared company goal\n"
					  "kpis = company_revenue:100\n");
		strbuf_addstr(o, "value_coefficient = 1.00\n\n");
	}
	if (!it->nroles)
		todo(it, "[role.*]: no job titles found in the HR export");
	write_role_titles(it);

	strbuf_release(&money);
	month = month_of_pay(it);
	money_format(&money, month, "");
	strbuf_addf(o, "[bonus]\n; TODO: your pool; a placeholder: one month of every base "
		    "salary (%s)\npool = %lld.%02lld\ncurrency = CNY\n\n", money.buf,
		    (long long)(month / 100), (long long)(month % 100));
	todo(it, "[bonus] pool: a placeholder");
	strbuf_addstr(o, "[policy]\n; A KPI whose target is missing drops out for that person "
		      "and the other weights scale up (the letter says so).\n"
		      "on_missing_target = reweight\n");
	strbuf_release(&money);
}

static int write_file(struct init *it, const char *path, struct diag *d)
{
	int fd = open(path, O_WRONLY | O_CREAT | (it->o->force ? O_TRUNC : O_EXCL), 0644);
	ssize_t w = -1;
	if (fd < 0 && errno == EEXIST) {
		diag_error(d, MERIT_CANTCREAT, path, 0, 0, "exists already: not overwritten");
		diag_hint(d, "write elsewhere with -o FILE, or add --force to replace it");
		return -1;
	}
	if (fd >= 0)
		w = write(fd, it->out.buf, it->out.len);
	if (fd < 0 || w != (ssize_t)it->out.len || close(fd) < 0)
		return diag_error(d, MERIT_CANTCREAT, path, 0, 0, "cannot write: %s", strerror(errno));
	return 0;
}

int cmd_init(const struct cmd_opts *o, struct diag *d)
{
	struct init it;
	struct config builtin;
	const char *path = o->output_dir ? o->output_dir : "merit.ini";
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	char period[16];
	struct strbuf why = STRBUF_INIT;
	size_t in, i;
	int rc = -1;

	memset(&it, 0, sizeof(it));
	it.o = o;
	for (in = 0; in < INPUT_COUNT; in++) {
		strbuf_init(&it.key_why[in], 0);
		it.key[in] = -1;
	}
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	it.ini_dir = slash ? dir : ".";
	if (!o->inputs[INPUT_HR] || !o->inputs[INPUT_SALES]) {
		free(dir);
		return diag_error(d, MERIT_USAGE, NULL, 0, 0, "init needs --hr FILE and --sales FILE"),
		       MERIT_USAGE;
	}
	if (!o->force && access(path, F_OK) == 0) {
		diag_error(d, MERIT_CANTCREAT, path, 0, 0, "exists already: not overwritten");
		diag_hint(d, "write elsewhere with -o FILE, or add --force to replace it");
		free(dir);
		return MERIT_CANTCREAT;
	}
	for (in = 0; in < CMD_INIT_INPUTS; in++) {
		if (!o->inputs[in])
			continue;
		if (sniff_file(&it.s[in], o->inputs[in], (enum input_kind)in, d) < 0)
			goto out;
		it.have[in] = 1;
	}
	for (in = 0; in < CMD_INIT_INPUTS; in++)
		if (it.have[in])
			find_keys(&it, (int)in);
	config_init(&builtin);
	config_valuesets_builtin(&builtin);
	group_roles(&it);
	guess_period(&it, period, &why);

	strbuf_addstr(&it.out, "; merit.ini written by `merit init` from the exports. Every guess\n"
		      "; says why; lines with TODO need you. Then:\n"
		      ";   merit validate -c THIS_FILE      (the config and every export)\n"
		      ";   merit explain -c THIS_FILE EMPLOYEE_ID\n"
		      ";   merit run -c THIS_FILE\n\n");
	strbuf_addf(&it.out, "[run]\ncompany = TODO | TODO\n; %s\nperiod = %s\n", why.buf, period);
	strbuf_addf(&it.out, "; the HR export's headers are %s\nlocale = %s\n",
		    chinese_headers(&it.s[INPUT_HR]) ? "Chinese" : "not Chinese",
		    chinese_headers(&it.s[INPUT_HR]) ? "zh" : "en");
	strbuf_addstr(&it.out, "output_dir = out\nstate_dir = state\n\n");
	todo(&it, "[run] company: your company's name");
	for (in = 0; in < CMD_INIT_INPUTS; in++) {
		if (!it.have[in]) {
			if (schema_inputs[in].required) {
				strbuf_addf(&it.out, "; TODO [input.%s] file = the %s export (required)\n\n",
					    input_name((int)in), input_name((int)in));
				todo(&it, "[input.%s]: required; give --%s FILE", input_name((int)in),
				     input_name((int)in));
			}
			continue;
		}
		write_input(&it, (int)in, o->inputs[in]);
		write_columns(&it, (int)in);
	}
	write_values(&it, &builtin);
	write_scoring(&it);
	config_release(&builtin);
	if (write_file(&it, path, d) < 0)
		goto out;
	if (!o->quiet) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "%s: written; %d of %d required fields mapped\n", path, it.mapped,
			    it.wanted);
		strbuf_addstr(&sb, "left to do (each a TODO line in the file):\n");
		for (i = 0; i < it.todo.nr; i++)
			strbuf_addf(&sb, "  %s\n", it.todo.items[i]);
		strbuf_addf(&sb, "then: merit validate -c %s\n", path);
		fputs(sb.buf, stdout);
		strbuf_release(&sb);
	}
	rc = 0;
out:
	for (in = 0; in < INPUT_COUNT; in++)
		if (it.have[in])
			sniff_release(&it.s[in]);
	for (i = 0; i < it.nroles; i++) {
		free(it.roles[i].name);
		free(it.roles[i].english);
		strlist_release(&it.roles[i].titles);
	}
	free(it.roles);
	strlist_release(&it.todo);
	for (in = 0; in < INPUT_COUNT; in++)
		strbuf_release(&it.key_why[in]);
	strbuf_release(&it.out);
	strbuf_release(&why);
	free(dir);
	return rc < 0 ? (d->status ? d->status : MERIT_SOFTWARE) : MERIT_OK;
}
