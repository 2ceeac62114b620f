/*
 * config_metrics: [metric.NAME], the measures KPIs score. A metric reads one
 * input (from), filters its rows (where), aggregates a field (agg) and is
 * kept per employee, department or company (scope); agg = ratio divides two
 * other metrics instead, so num/den are resolved once every metric is known,
 * and a ratio that leads back to itself is refused.
 */
#include "config_internal.h"
#include "util/diag.h"
#include "util/strbuf.h"

#include <stdlib.h>
#include <string.h>

static const char *const agg_names[] = {
	[AGG_SUM] = "sum", [AGG_COUNT] = "count", [AGG_COUNT_DISTINCT] = "count_distinct",
	[AGG_AVG] = "avg", [AGG_MIN] = "min", [AGG_MAX] = "max", [AGG_RATIO] = "ratio",
	[AGG_TURNOVER] = "turnover", [AGG_REVIEW360] = "review360",
};
static const char *const scope_names[] = { "employee", "department", "company" };
static const char *const format_names[] = { "number", "integer", "percent", "money" };

static void parse_where(struct config_loader *L, int line, const char *sec, struct metric_def *m,
			const char *text)
{
	struct strlist terms = { 0 };
	size_t i, j;
	config_split(text, ',', &terms);
	if (!terms.nr)
		config_err(L, line, sec, "where", "empty value; expected field:value|value, ...");
	m->where = xcalloc(terms.nr ? terms.nr : 1, sizeof(*m->where));
	for (i = 0; i < terms.nr; i++) {
		const char *colon = strchr(terms.items[i], ':');
		struct strlist vals = { 0 };
		char *fname;
		int fi;
		const struct field_def *fd;
		if (!colon) {
			config_err(L, line, sec, "where", "'%s' is not field:value", terms.items[i]);
			diag_hint(L->d, "e.g. where = stage:won|lost, new_customer:yes");
			continue;
		}
		fname = config_lowerdup(terms.items[i], (size_t)(colon - terms.items[i]));
		fi = config_field_lookup(L, line, sec, "where", m->from, fname);
		free(fname);
		if (fi < 0)
			continue;
		fd = &schema_inputs[m->from].fields[fi];
		if (fd->type != FT_TEXT && fd->type != FT_VALUE) {
			config_err(L, line, sec, "where", "'%s' is a number or date field; where filters "
				   "text and value fields only", fd->name);
			continue;
		}
		config_split(colon + 1, '|', &vals);
		if (!vals.nr) {
			config_err(L, line, sec, "where", "no value after '%s:'", fd->name);
			continue;
		}
		m->where[m->nwhere].field = fi;
		for (j = 0; j < vals.nr; j++) {
			const char *v = vals.items[j];
			if (fd->type == FT_VALUE)
				v = config_map_value(L, line, sec, "where", fd->valueset, v);
			if (v)
				strlist_push(&m->where[m->nwhere].values, v);
		}
		m->nwhere++;
		strlist_release(&vals);
	}
	strlist_release(&terms);
}

static void load_metric(struct config_loader *L, const struct ini_section *s, const char *name,
			struct metric_def *m, char **num, char **den)
{
	static const char *const keys[] = {
		"from", "agg", "field", "where", "num", "den", "name", "scope", "format", "label"
	};
	const char *v, *sec = s->name;
	int line, agg = -1, from = -1, fmt = -1, scope = -1;

	config_check_keys(L, s, keys, ARRAY_SIZE(keys));
	m->name = xstrdup(name);
	m->line = s->line;
	m->field = m->num = m->den = -1;
	config_name_label(L, s, "metric", name, &m->label);

	v = config_val(L, s, "agg", &line);
	if (!v) {
		struct strbuf sb = STRBUF_INIT;
		config_join_names(&sb, agg_names, ARRAY_SIZE(agg_names));
		config_err(L, line, sec, "agg", "missing: how to aggregate (%s)", sb.buf);
		strbuf_release(&sb);
		return;
	}
	agg = config_parse_enum(L, line, sec, "agg", v, agg_names, ARRAY_SIZE(agg_names));
	if (agg < 0)
		return;
	m->agg = (enum metric_agg)agg;

	if (m->agg == AGG_RATIO) {
		static const char *const not_ratio[] = { "from", "field", "where", "name" };
		size_t i;
		for (i = 0; i < ARRAY_SIZE(not_ratio); i++)
			if (config_val(L, s, not_ratio[i], &line))
				config_err(L, line, sec, not_ratio[i], "has no meaning for agg = ratio, "
					   "which divides metric num by metric den");
		*num = config_get_string(L, s, "num");
		*den = config_get_string(L, s, "den");
		if (!*num)
			config_err(L, s->line, sec, "num", "missing: the metric to divide (agg = ratio)");
		if (!*den)
			config_err(L, s->line, sec, "den", "missing: the metric to divide by (agg = ratio)");
	} else {
		if (config_val(L, s, "num", &line) || config_val(L, s, "den", &line))
			config_err(L, line, sec, config_val(L, s, "num", &line) ? "num" : "den",
				   "only agg = ratio takes num and den");
		v = config_val(L, s, "from", &line);
		if (!v || !*v) {
			config_err(L, line, sec, "from", "missing: which input the metric reads "
				   "(hr, sales, metrics, reviews, training)");
			return;
		}
		from = schema_input_index(v);
		if (from < 0 || from == INPUT_TARGETS || from == INPUT_OVERRIDES) {
			static const char *const srcs[] = { "hr", "sales", "metrics", "reviews", "training" };
			config_parse_enum(L, line, sec, "from", v, srcs, ARRAY_SIZE(srcs));
			return;
		}
		m->from = (enum input_kind)from;
		if (!L->cfg->inputs[from].declared) {
			config_err(L, line, sec, "from", "reads the %s input, which is not declared", v);
			diag_hint(L->d, "add [input.%s] with file = ..., or drop this metric", v);
		}
		if (m->agg == AGG_TURNOVER && m->from != INPUT_HR)
			config_err(L, line, sec, "from", "turnover is computed from the hr input only");
		if (m->agg == AGG_REVIEW360 && m->from != INPUT_REVIEWS)
			config_err(L, line, sec, "from", "review360 is computed from the reviews input only");

		v = config_val(L, s, "name", &line);
		if (v && m->from != INPUT_METRICS)
			config_err(L, line, sec, "name", "only metrics read from the metrics input "
				   "take a name (the value of its metric column)");
		if (m->from == INPUT_METRICS)
			m->source_name = v && *v ? config_trimdup(v, strlen(v)) : xstrdup(name);

		v = config_val(L, s, "field", &line);
		if (v) {
			char *f = config_lowerdup(v, strlen(v));
			if (m->agg == AGG_COUNT || m->agg == AGG_TURNOVER || m->agg == AGG_REVIEW360) {
				config_err(L, line, sec, "field", "agg = %s takes no field", agg_names[agg]);
				diag_hint(L->d, "count counts rows; filter them with where = field:value");
			} else {
				m->field = config_field_lookup(L, line, sec, "field", m->from, f);
			}
			free(f);
		} else if (m->from == INPUT_METRICS && m->agg != AGG_COUNT) {
			m->field = METRICS_VALUE;
		} else if (m->agg == AGG_SUM || m->agg == AGG_AVG || m->agg == AGG_MIN ||
			   m->agg == AGG_MAX || m->agg == AGG_COUNT_DISTINCT) {
			config_err(L, line, sec, "field", "missing: agg = %s needs the field to aggregate",
				   agg_names[agg]);
		}
		if (m->field >= 0 && m->agg != AGG_COUNT_DISTINCT) {
			enum field_type t = schema_inputs[m->from].fields[m->field].type;
			if (t != FT_NUMBER && t != FT_MONEY)
				config_err(L, line, sec, "field", "'%s' is not a number or money field; "
					   "agg = %s needs one", schema_inputs[m->from].fields[m->field].name,
					   agg_names[agg]);
		}
		v = config_val(L, s, "where", &line);
		if (v)
			parse_where(L, line, sec, m, v);
	}

	m->scope = m->agg == AGG_TURNOVER ? SCOPE_DEPARTMENT : SCOPE_EMPLOYEE;
	config_get_enum(L, s, "scope", scope_names, ARRAY_SIZE(scope_names), &scope);
	if (scope >= 0)
		m->scope = (enum metric_scope)scope;
	if (m->agg == AGG_TURNOVER && m->scope == SCOPE_EMPLOYEE)
		config_err(L, config_val(L, s, "scope", &line) ? line : s->line, sec, "scope",
			   "turnover is a group measure: scope = department or company");

	switch (m->agg) {
	case AGG_COUNT:
	case AGG_COUNT_DISTINCT:
		m->format = FMT_INTEGER;
		break;
	case AGG_TURNOVER:
		m->format = FMT_PERCENT;
		break;
	case AGG_SUM:
	case AGG_AVG:
	case AGG_MIN:
	case AGG_MAX:
		m->format = m->field >= 0 &&
			schema_inputs[m->from].fields[m->field].type == FT_MONEY ?
			FMT_MONEY : FMT_NUMBER;
		break;
	default:
		m->format = FMT_NUMBER;
	}
	config_get_enum(L, s, "format", format_names, ARRAY_SIZE(format_names), &fmt);
	if (fmt >= 0)
		m->format = (enum metric_format)fmt;
}

/* A metric named in the INI (num, den, KPI metric), or -1 after an error. */
int config_metric_ref(struct config_loader *L, int line, const char *sec, const char *key,
		      const char *name)
{
	struct config *cfg = L->cfg;
	char *n = config_lowerdup(name, strlen(name));
	int i = config_metric_index(cfg, n);
	if (i < 0) {
		const char **names = xcalloc(cfg->nmetrics + 1, sizeof(*names));
		size_t k;
		for (k = 0; k < cfg->nmetrics; k++)
			names[k] = cfg->metrics[k].name;
		config_err(L, line, sec, key, "unknown metric '%s'", n);
		if (!config_suggest(L, n, names, cfg->nmetrics))
			diag_hint(L->d, "declare it as [metric.%s]", n);
		free(names);
	}
	free(n);
	return i;
}

/* Ratios of ratios are fine; a ratio that needs itself is not. Depth-first
 * search over num/den edges, naming the first cycle found. */
static int ratio_cycle(struct config_loader *L, int m, int *state, int *stack, int depth)
{
	struct metric_def *md = &L->cfg->metrics[m];
	int next[2], i;
	if (state[m] == 2 || md->agg != AGG_RATIO)
		return 0;
	stack[depth] = m;
	if (state[m] == 1) {
		struct strbuf sb = STRBUF_INIT;
		int j = depth - 1;
		while (j > 0 && stack[j] != m)
			j--;
		for (; j <= depth; j++)
			strbuf_addf(&sb, "%s%s", sb.len ? " -> " : "", L->cfg->metrics[stack[j]].name);
		char *sec = xstrfmt("metric.%s", md->name);
		config_err(L, md->line, sec, NULL, "ratio cycle: %s", sb.buf);
		free(sec);
		diag_hint(L->d, "a ratio's num and den must not lead back to itself");
		strbuf_release(&sb);
		return 1;
	}
	state[m] = 1;
	next[0] = md->num;
	next[1] = md->den;
	for (i = 0; i < 2; i++)
		if (next[i] >= 0 && ratio_cycle(L, next[i], state, stack, depth + 1))
			return 1;
	state[m] = 2;
	return 0;
}

void config_load_metrics(struct config_loader *L, const struct ini_section **secs, size_t n)
{
	struct config *cfg = L->cfg;
	char **num = xcalloc(n + 1, sizeof(*num)), **den = xcalloc(n + 1, sizeof(*den));
	int *state, *stack;
	size_t i;

	cfg->metrics = xcalloc(n + 1, sizeof(*cfg->metrics));
	for (i = 0; i < n; i++) {
		load_metric(L, secs[i], secs[i]->name + strlen("metric."), &cfg->metrics[i],
			    &num[i], &den[i]);
		cfg->nmetrics++;
	}
	for (i = 0; i < n; i++) {
		int line;
		if (num[i]) {
			config_val(L, secs[i], "num", &line);
			cfg->metrics[i].num = config_metric_ref(L, line, secs[i]->name, "num", num[i]);
		}
		if (den[i]) {
			config_val(L, secs[i], "den", &line);
			cfg->metrics[i].den = config_metric_ref(L, line, secs[i]->name, "den", den[i]);
		}
		free(num[i]);
		free(den[i]);
	}
	free(num);
	free(den);
	state = xcalloc(n + 1, sizeof(*state));
	stack = xcalloc(n + 2, sizeof(*stack));
	for (i = 0; i < n; i++)
		if (ratio_cycle(L, (int)i, state, stack, 0))
			break;
	free(state);
	free(stack);
}

