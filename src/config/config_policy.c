/*
 * config_policy: what the run does with the scores. [run] names the company,
 * period, locale and folders; [fairness] normalises scores and may force a
 * distribution over the rating bands; [bonus] and [bonus.pools] share the
 * pool out; [policy] says which row problems are errors; [history] sets the
 * streaks that trigger warnings; [letters] and [mail] configure delivery.
 * [rating] must be loaded first: forced shares and multipliers name bands.
 */
#include "config_internal.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/period.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>

const char *const row_problem_names[ROW_PROBLEM_COUNT] = {
	[ROW_BAD_NUMBER] = "bad_number",
	[ROW_BAD_DATE] = "bad_date",
	[ROW_BAD_VALUE] = "bad_value",
	[ROW_UNKNOWN_OWNER] = "unknown_owner",
	[ROW_DUPLICATE_RECORD] = "duplicate_record",
	[ROW_DUPLICATE_EMPLOYEE] = "duplicate_employee",
	[ROW_MISSING_FIELD] = "missing_field",
	[ROW_UNKNOWN_EMPLOYEE] = "unknown_employee",
	[ROW_UNKNOWN_ROLE] = "unknown_role",
	[ROW_BAD_ROW] = "bad_row",
	[ROW_UNKNOWN_DEPARTMENT] = "unknown_department",
};

/* ---------------------------------------------------------------- [run] */

void config_load_run(struct config_loader *L, const struct ini_section *s)
{
	static const char *const keys[] = { "company", "period", "locale", "output_dir", "state_dir",
					    "allow_special_inputs" };
	struct config *cfg = L->cfg;
	const char *v;
	int line;

	config_check_keys(L, s, keys, ARRAY_SIZE(keys));
	v = config_val(L, s, "company", &line);
	if (v && *v)
		config_parse_label(L, line, s->name, "company", v, &cfg->company);
	v = config_val(L, s, "period", &line);
	if (v && *v) {
		struct period p;
		char *t = config_trimdup(v, strlen(v));
		if (period_parse(t, date_today(), &p) < 0) {
			config_err(L, line, s->name, "period", "'%s' is not a period", t);
			diag_hint(L->d, "write a month 2026-10, a quarter 2026-Q4, a year 2026, or auto");
			free(t);
		} else {
			cfg->period = t;
		}
	}
	v = config_val(L, s, "locale", &line);
	if (v) {
		const char *c = config_map_value(L, line, s->name, "locale", "locale", v);
		if (c)
			cfg->locale = !strcmp(c, "en") ? LOCALE_EN : LOCALE_ZH;
	}
	free(cfg->output_dir);
	cfg->output_dir = config_get_path(L, s, "output_dir", "../out");
	free(cfg->state_dir);
	cfg->state_dir = config_get_path(L, s, "state_dir", "../state");
	v = config_val(L, s, "allow_special_inputs", &line);
	if (v) {
		const char *c = config_map_value(L, line, s->name, "allow_special_inputs", "yesno", v);
		if (c)
			cfg->allow_special_inputs = !strcmp(c, "yes");
	}
}

/* ------------------------------------------------------------ [history] */

void config_load_history(struct config_loader *L, const struct ini_section *s)
{
	static const char *const keys[] = { "warning_after", "review_after", "promote_after" };
	struct config *cfg = L->cfg;
	config_check_keys(L, s, keys, ARRAY_SIZE(keys));
	config_get_int(L, s, "warning_after", 0, 1000, &cfg->warning_after);
	config_get_int(L, s, "review_after", 0, 1000, &cfg->review_after);
	config_get_int(L, s, "promote_after", 0, 1000, &cfg->promote_after);
}

/* ----------------------------------------------------------- [fairness] */

/* "优秀 | Excellent, 合格 | Qualified, ...", for hints naming the bands. */
static void band_names(const struct config *cfg, struct strbuf *sb)
{
	size_t i;
	for (i = 0; i < cfg->nbands; i++)
		strbuf_addf(sb, "%s%s | %s", i ? ", " : "", cfg->bands[i].label.zh,
			    cfg->bands[i].label.en);
}

void config_load_fairness(struct config_loader *L, const struct ini_section *s)
{
	static const char *const keys[] = { "method", "group", "min_group", "forced", "forced_scope" };
	static const char *const methods[] = { "none", "zscore", "percentile" };
	static const char *const fscopes[] = { "company", "group" };
	struct config *cfg = L->cfg;
	struct fairness_conf *fc = &cfg->fairness;
	const char *v;
	int line, e = FAIR_NONE;

	config_check_keys(L, s, keys, ARRAY_SIZE(keys));
	config_get_enum(L, s, "method", methods, ARRAY_SIZE(methods), &e);
	fc->method = (enum fairness_method)e;
	v = config_val(L, s, "group", &line);
	if (v) {
		char *g = config_lowerdup(v, strlen(v));
		int fi = config_field_lookup(L, line, s->name, "group", INPUT_HR, g);
		if (fi >= 0 && schema_inputs[INPUT_HR].fields[fi].type != FT_TEXT &&
		    schema_inputs[INPUT_HR].fields[fi].type != FT_VALUE)
			config_err(L, line, s->name, "group", "'%s' is a number or date; group by a text "
				   "field such as department", g);
		else if (fi >= 0) {
			free(fc->group);
			fc->group = xstrdup(schema_inputs[INPUT_HR].fields[fi].name);
			fc->group_field = fi;
		}
		free(g);
	}
	config_get_int(L, s, "min_group", 2, 1000000, &fc->min_group);
	e = 0;
	config_get_enum(L, s, "forced_scope", fscopes, ARRAY_SIZE(fscopes), &e);
	fc->forced_per_group = e;
	v = config_val(L, s, "forced", &line);
	if (v && *v) {
		struct strlist items = { 0 };
		double sum = 0;
		size_t i, bad = 0;
		config_split(v, '/', &items);
		fc->forced_shares = xcalloc(items.nr + 1, sizeof(double));
		for (i = 0; i < items.nr; i++) {
			if (config_parse_real(L, line, s->name, "forced", items.items[i], 0, 0, 100,
					      &fc->forced_shares[i]) < 0)
				bad++;
			sum += fc->forced_shares[i];
		}
		if (items.nr != cfg->nbands) {
			struct strbuf sb = STRBUF_INIT;
			band_names(cfg, &sb);
			config_err(L, line, s->name, "forced", "%zu shares for %zu rating bands (%s)",
				   items.nr, cfg->nbands, sb.buf);
			diag_hint(L->d, "give one percentage per band, highest first, e.g. 20/70/10");
			strbuf_release(&sb);
		} else if (!bad && fabs(sum - 100) > 1e-9) {
			config_err(L, line, s->name, "forced", "shares add up to %.10g, not 100", sum);
		} else if (!bad) {
			fc->forced = 1;
		}
		strlist_release(&items);
	}
}

/* -------------------------------------------------------------- [bonus] */

struct currency { const char *code, *symbol; };
static const struct currency currencies[] = {
	{ "CNY", "¥" }, { "RMB", "¥" }, { "USD", "$" }, { "EUR", "€" }, { "GBP", "£" },
	{ "JPY", "¥" }, { "HKD", "HK$" }, { "TWD", "NT$" }, { "SGD", "S$" },
};

/* An Excel number format showing amounts with the symbol: "¥#,##0.00", or
 * "\"HK$\"#,##0.00" when the symbol holds letters Excel would read as codes. */
static char *money_number_format(const char *symbol)
{
	const char *p;
	for (p = symbol; *p; p++)
		if (isalpha((unsigned char)*p) || *p == '"' || *p == '\\' || *p == '0' ||
		    *p == '#' || *p == '?' || *p == ';')
			return xstrfmt("\"%s\"#,##0.00", symbol);
	return xstrfmt("%s#,##0.00", symbol);
}

static void load_multipliers(struct config_loader *L, const struct ini_section *s)
{
	struct config *cfg = L->cfg;
	struct strlist items = { 0 };
	const char *v;
	int line;
	size_t i;
	v = config_val(L, s, "multipliers", &line);
	if (!v)
		return;
	config_split(v, ',', &items);
	for (i = 0; i < items.nr; i++) {
		char *band, *m;
		int b;
		double x;
		if (config_split_pair(items.items[i], &band, &m) < 0) {
			config_err(L, line, s->name, "multipliers", "'%s' is not band:multiplier",
				   items.items[i]);
			diag_hint(L->d, "e.g. multipliers = 优秀:1.5, 合格:1.0, 待改进:0");
			continue;
		}
		b = config_band_find(cfg, band);
		if (b < 0 && cfg->nbands) {
			struct strbuf sb = STRBUF_INIT;
			band_names(cfg, &sb);
			config_err(L, line, s->name, "multipliers", "'%s' is not a rating band", band);
			diag_hint(L->d, "name a band of [rating] by either half of its label: %s",
				  sb.buf);
			strbuf_release(&sb);
		} else if (b >= 0 && !config_parse_real(L, line, s->name, "multipliers", m, 0, 0, 100, &x)) {
			cfg->bands[b].multiplier = x;
		}
		free(band);
		free(m);
	}
	strlist_release(&items);
}

static void load_pools(struct config_loader *L, const struct ini_section *s)
{
	struct bonus_conf *bc = &L->cfg->bonus;
	size_t i;
	if (!s)
		return;
	bc->pools = xcalloc(s->nkeys + 1, sizeof(*bc->pools));
	for (i = 0; i < s->nkeys; i++) {
		const struct ini_key *k = &s->keys[i];
		int line;
		const char *v = config_val(L, s, k->name, &line);
		int64_t c;
		enum num_result r = money_parse(v, &c);
		if (r != NUM_OK || c < 0) {
			config_err(L, line, s->name, k->raw, "'%s' is not an amount of 0 or more", v);
			diag_hint(L->d, "write the department's pool in currency units, e.g. 120000.00");
			continue;
		}
		bc->pools[bc->npools].department = xstrdup(k->raw);
		bc->pools[bc->npools].cents = c;
		bc->npools++;
	}
}

void config_load_bonus(struct config_loader *L, const struct ini_section *s,
		       const struct ini_section *pools)
{
	static const char *const keys[] = {
		"pool", "currency", "symbol", "number_format", "multipliers", "cap_months",
		"min_days", "ineligible_status", "pay_leavers"
	};
	struct config *cfg = L->cfg;
	struct bonus_conf *bc = &cfg->bonus;
	const char *v;
	int line, have_pool = 0;
	size_t i;

	config_check_keys(L, s, keys, ARRAY_SIZE(keys));
	load_pools(L, pools);
	v = config_val(L, s, "pool", &line);
	if (v) {
		enum num_result r = money_parse(v, &bc->pool_cents);
		if (r != NUM_OK || bc->pool_cents < 0) {
			config_err(L, line, "bonus", "pool", "'%s' is not an amount of 0 or more", v);
			diag_hint(L->d, "write the pool in currency units, e.g. pool = 500000.00");
		} else {
			have_pool = 1;
		}
	}
	if (bc->npools) {
		int64_t sum = 0;
		int too_big = 0;
		for (i = 0; i < bc->npools && !too_big; i++) {
			/* Pools are never negative, so only the top can be passed;
			 * a wrapped sum would be a plausible wrong pool. */
			if (bc->pools[i].cents > INT64_MAX - sum) {
				config_err(L, pools->line, pools->name, NULL,
					   "the department pools add up to more than an amount can hold");
				too_big = 1;
			} else {
				sum += bc->pools[i].cents;
			}
		}
		if (!too_big && have_pool && sum != bc->pool_cents) {
			struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
			money_format(&a, bc->pool_cents, NULL);
			money_format(&b, sum, NULL);
			config_err(L, line, "bonus", "pool", "%s is not the sum of [bonus.pools] (%s)",
				   a.buf, b.buf);
			diag_hint(L->d, "drop pool, or make the department pools add up to it");
			strbuf_release(&a);
			strbuf_release(&b);
		}
		bc->pool_cents = sum;
	} else if (!v) {
		config_err(L, line, "bonus", "pool", "missing: the bonus pool to share out");
		diag_hint(L->d, "e.g. [bonus] pool = 500000.00, or one amount per department "
			  "in [bonus.pools]");
	}

	v = config_val(L, s, "currency", &line);
	if (v) {
		char *c = config_trimdup(v, strlen(v)), *p;
		for (p = c; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if (strlen(c) != 3 || !isalpha((unsigned char)c[0]) || !isalpha((unsigned char)c[1]) ||
		    !isalpha((unsigned char)c[2])) {
			config_err(L, line, "bonus", "currency", "'%s' is not a 3-letter currency code", v);
			diag_hint(L->d, "e.g. CNY, USD, EUR");
			free(c);
		} else {
			free(bc->currency);
			bc->currency = c;
		}
	}
	v = config_val(L, s, "symbol", &line);
	free(bc->currency_symbol);
	bc->currency_symbol = NULL;
	if (v && *v)
		bc->currency_symbol = config_trimdup(v, strlen(v));
	for (i = 0; !bc->currency_symbol && i < ARRAY_SIZE(currencies); i++)
		if (!strcmp(currencies[i].code, bc->currency))
			bc->currency_symbol = xstrdup(currencies[i].symbol);
	if (!bc->currency_symbol)
		bc->currency_symbol = xstrfmt("%s ", bc->currency);
	v = config_val(L, s, "number_format", &line);
	if (v) {
		const struct ini_key *k = config_sec_key(s, "number_format");
		if (!strchr(v, '0')) {
			config_err(L, line, "bonus", "number_format", "'%s' has no digit placeholder '0'", v);
			if (k && (strchr(k->raw_value, '#') || strchr(k->raw_value, ';')))
				diag_hint(L->d, "quote it: number_format = \"%s\" (an unquoted '#' "
					  "or ';' starts a comment)", k->raw_value);
		} else {
			bc->number_format = xstrdup(v);
		}
	}
	if (!bc->number_format)
		bc->number_format = money_number_format(bc->currency_symbol);

	load_multipliers(L, s);
	config_get_real(L, s, "cap_months", 0, 1200, &bc->cap_months);
	config_get_int(L, s, "min_days", 0, 31, &bc->min_days);
	v = config_val(L, s, "ineligible_status", &line);
	if (v) {
		strlist_release(&bc->ineligible_status);
		config_split(v, ',', &bc->ineligible_status);
	}
	v = config_val(L, s, "pay_leavers", &line);
	if (v) {
		const char *c = config_map_value(L, line, "bonus", "pay_leavers", "yesno", v);
		if (c)
			bc->pay_leavers = !strcmp(c, "yes");
	}
}

/* ------------------------------------------ [policy], [letters], [mail] */

void config_load_policy(struct config_loader *L, const struct ini_section *s)
{
	static const char *const missing[] = { "reweight", "zero", "error" };
	static const char *const levels[] = { "error", "warn", "warning" };
	const char *keys[2 + ROW_PROBLEM_COUNT];
	struct policy_conf *pc = &L->cfg->policy;
	int e;
	size_t i;

	keys[0] = "on_missing_data";
	keys[1] = "on_missing_target";
	for (i = 0; i < ROW_PROBLEM_COUNT; i++)
		keys[2 + i] = row_problem_names[i];
	config_check_keys(L, s, keys, ARRAY_SIZE(keys));
	e = pc->on_missing_data;
	config_get_enum(L, s, "on_missing_data", missing, ARRAY_SIZE(missing), &e);
	pc->on_missing_data = (enum missing_policy)e;
	e = pc->on_missing_target;
	config_get_enum(L, s, "on_missing_target", missing, ARRAY_SIZE(missing), &e);
	pc->on_missing_target = (enum missing_policy)e;
	for (i = 0; i < ROW_PROBLEM_COUNT; i++) {
		e = 0;
		config_get_enum(L, s, row_problem_names[i], levels, ARRAY_SIZE(levels), &e);
		pc->row_is_error[i] = e == 0;
	}
}

/*
 * The templates of the checkout this binary was built in, or NULL: make
 * puts it at <checkout>/out/build[-asan]/merit, and templates/ is at the
 * checkout's top (the letter template proves it is that folder).
 */
static char *build_tree_templates(void)
{
	char exe[4096], *slash, *probe;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int up;
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (up = 0; up < 3; up++) {   /* merit, build, out */
		if (!(slash = strrchr(exe, '/')))
			return NULL;
		*slash = '\0';
	}
	probe = xstrfmt("%s/templates/letter.zh.txt", exe);
	n = access(probe, R_OK);
	free(probe);
	return n == 0 ? xstrfmt("%s/templates", exe) : NULL;
}

void config_load_letters(struct config_loader *L, const struct ini_section *s)
{
	static const char *const keys[] = { "templates", "font", "font_index", "password", "jobs" };
	struct letters_conf *lc = &L->cfg->letters;
	const char *v;
	int line;

	config_check_keys(L, s, keys, ARRAY_SIZE(keys));
	free(lc->templates_dir);
	lc->templates_dir = config_get_path(L, s, "templates", "../templates");
	/* Unset and no templates/ beside the config's folder (an installed
	 * /etc/merit/merit.ini): the ones `make install` put in the data dir,
	 * else, for a merit run from its build tree, that tree's own. */
	if (!config_val(L, s, "templates", &line) && access(lc->templates_dir, F_OK) < 0) {
		char *tree = build_tree_templates();
		free(lc->templates_dir);
		if (access(MERIT_DATADIR "/templates", F_OK) < 0 && tree) {
			lc->templates_dir = tree;
		} else {
			lc->templates_dir = xstrdup(MERIT_DATADIR "/templates");
			free(tree);
		}
	}
	free(lc->font);
	lc->font = config_get_path(L, s, "font", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc");
	config_get_int(L, s, "font_index", 0, 1000, &lc->font_index);
	config_get_int(L, s, "jobs", 0, 1024, &lc->jobs);
	v = config_val(L, s, "password", &line);
	if (v && *v) {
		char *p = config_lowerdup(v, strlen(v));
		if (strcmp(p, "none")) {
			int fi = config_field_lookup(L, line, s->name, "password", INPUT_HR, p);
			if (fi >= 0)
				lc->password = xstrdup(schema_inputs[INPUT_HR].fields[fi].name);
			else
				diag_hint(L->d, "password = none, employee_id, or an HR column");
		}
		free(p);
	}
}

void config_load_mail(struct config_loader *L, const struct ini_section *s)
{
	static const char *const keys[] = {
		"url", "user", "password_env", "password_file", "from", "reply_to", "bcc",
		"starttls", "messages_per_minute", "retries", "ca_file", "allow_unencrypted", "require_approval"
	};
	static const char *const tls[] = { "required", "optional", "none" };
	struct mail_conf *mc = &L->cfg->mail;
	int line, e = 0;

	config_check_keys(L, s, keys, ARRAY_SIZE(keys));
	mc->url = config_get_string(L, s, "url");
	if (mc->url && strncasecmp(mc->url, "smtp://", 7) && strncasecmp(mc->url, "smtps://", 8)) {
		config_val(L, s, "url", &line);
		config_err(L, line, s->name, "url", "'%s' is not an smtp:// or smtps:// URL", mc->url);
	}
	mc->user = config_get_string(L, s, "user");
	mc->password_env = config_get_string(L, s, "password_env");
	mc->password_file = config_get_path(L, s, "password_file", NULL);
	config_val(L, s, "password_file", &line);
	if (mc->password_env && mc->password_file)
		config_err(L, line, s->name, "password_file", "give password_env or password_file, not both");
	/* Opened and checked for a PEM certificate by smtp_transport_new(). */
	free(mc->ca_file);
	mc->ca_file = config_get_path(L, s, "ca_file", NULL);
	mc->from = config_get_string(L, s, "from");
	if (mc->from && !strchr(mc->from, '@')) {
		config_val(L, s, "from", &line);
		config_err(L, line, s->name, "from", "'%s' is not an e-mail address", mc->from);
	}
	mc->reply_to = config_get_string(L, s, "reply_to");
	mc->bcc = config_get_string(L, s, "bcc");
	config_get_enum(L, s, "starttls", tls, ARRAY_SIZE(tls), &e);
	mc->starttls_required = e == 0;
	mc->starttls_none = e == 2;
	{
		const char *v = config_val(L, s, "allow_unencrypted", &line);
		if (v) {
			const char *c = config_map_value(L, line, s->name, "allow_unencrypted",
							 "yesno", v);
			if (c)
				mc->allow_unencrypted = !strcmp(c, "yes");
		}
	}
	config_get_int(L, s, "messages_per_minute", 0, 100000, &mc->messages_per_minute);
	config_get_int(L, s, "retries", 0, 100, &mc->retries);
	{
		const char *v = config_val(L, s, "require_approval", &line), *c;
		if (v && (c = config_map_value(L, line, "mail", "require_approval", "yesno", v)))
			mc->require_approval = !strcmp(c, "yes");
	}
}
