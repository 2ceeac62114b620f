/*
 * config_scoring: how results become scores. [kpi.NAME] scores a metric
 * against a target (linearly or by bands, between floor and cap),
 * [role.NAME] weighs KPIs into a scorecard (weights adding up to 100),
 * [rating] turns a score into a band, and [scoring], [training] and
 * [review360] set the caps, training points and 360 weights. Metrics must be
 * loaded before KPIs, KPIs before roles.
 */
#include "config_internal.h"
#include "util/diag.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const dimension_names[DIM_COUNT] = { "results", "efficiency", "attitude" };
const char *const perspective_names[PERSP_COUNT] = {
	"financial", "customer", "process", "learning"
};
const char *const relation_names[REL_COUNT] = { "self", "peer", "manager", "subordinate" };

/* -------------------------------------------------------------- [kpi.X] */

static const char *const direction_names[] = { "higher", "lower" };
static const char *const scoring_names[] = { "linear", "bands" };

static void parse_score_bands(struct config_loader *L, int line, const char *sec, struct kpi_def *k,
			      const char *text)
{
	struct strlist items = { 0 };
	size_t i;
	config_split(text, ',', &items);
	if (!items.nr)
		config_err(L, line, sec, "bands", "empty value; expected e.g. 100:100, 90:90, 80:70, 0:0");
	k->bands = xcalloc(items.nr + 1, sizeof(*k->bands));
	for (i = 0; i < items.nr; i++) {
		char *t, *sc;
		struct score_band *b = &k->bands[k->nbands];
		if (config_split_pair(items.items[i], &t, &sc) < 0) {
			config_err(L, line, sec, "bands", "'%s' is not achievement:score", items.items[i]);
			diag_hint(L->d, "e.g. bands = 100:100, 90:90, 80:70, 0:0 (achievement in %%)");
			continue;
		}
		if (!config_parse_real(L, line, sec, "bands", t, 0, -1e9, 1e9, &b->threshold) &&
		    !config_parse_real(L, line, sec, "bands", sc, 0, 0, 1e9, &b->score)) {
			if (k->nbands && b->threshold >= k->bands[k->nbands - 1].threshold)
				config_err(L, line, sec, "bands", "thresholds must fall strictly, highest "
					   "first (%g after %g)", b->threshold,
					   k->bands[k->nbands - 1].threshold);
			k->nbands++;
		}
		free(t);
		free(sc);
	}
	strlist_release(&items);
}

static void load_kpi(struct config_loader *L, const struct ini_section *s, const char *name,
		     struct kpi_def *k)
{
	static const char *const keys[] = {
		"label", "metric", "target", "direction", "scoring", "bands", "cap", "floor",
		"dimension", "perspective"
	};
	const char *v, *sec = s->name;
	int line, e;
	size_t i;

	config_check_keys(L, s, keys, ARRAY_SIZE(keys));
	k->name = xstrdup(name);
	k->line = s->line;
	k->metric = -1;
	k->target_from_table = 1;
	k->cap = 120;
	k->floor = 0;
	config_name_label(L, s, "KPI", name, &k->label);
	v = config_val(L, s, "metric", &line);
	if (!v || !*v)
		config_err(L, line, sec, "metric", "missing: which [metric.NAME] the KPI scores");
	else
		k->metric = config_metric_ref(L, line, sec, "metric", v);

	e = DIR_HIGHER;
	config_get_enum(L, s, "direction", direction_names, ARRAY_SIZE(direction_names), &e);
	k->direction = (enum kpi_direction)e;

	v = config_val(L, s, "target", &line);
	if (v) {
		char *t = config_trimdup(v, strlen(v));
		if (strcasecmp(t, "table")) {
			k->target_from_table = 0;
			if (!config_parse_real(L, line, sec, "target", t, 1, 0, 1e15, &k->target) &&
			    k->target == 0 && k->direction == DIR_HIGHER)
				config_err(L, line, sec, "target", "a higher-is-better KPI cannot have "
					   "target 0 (achievement = actual / target)");
		}
		free(t);
	}

	config_get_real(L, s, "cap", 0, 1e6, &k->cap);
	config_get_real(L, s, "floor", 0, 1e6, &k->floor);
	if (k->cap <= 0 || k->floor >= k->cap)
		config_err(L, s->line, sec, "cap", "need 0 <= floor < cap (floor %g, cap %g)",
			   k->floor, k->cap);

	v = config_val(L, s, "bands", &line);
	e = v ? SCORING_BANDS : SCORING_LINEAR;
	config_get_enum(L, s, "scoring", scoring_names, ARRAY_SIZE(scoring_names), &e);
	k->scoring = (enum kpi_scoring)e;
	if (k->scoring == SCORING_BANDS && !v) {
		config_err(L, line, sec, "bands", "missing: scoring = bands needs "
			   "bands = achievement:score, ... (e.g. 100:100, 90:90, 80:70, 0:0)");
	} else if (v && k->scoring == SCORING_LINEAR) {
		config_err(L, line, sec, "bands", "given, but scoring = linear");
		diag_hint(L->d, "write scoring = bands, or drop the bands");
	} else if (v) {
		parse_score_bands(L, line, sec, k, v);
		for (i = 0; i < k->nbands; i++)
			if (k->bands[i].score > k->cap)
				config_err(L, line, sec, "bands", "score %g is above the cap %g",
					   k->bands[i].score, k->cap);
	}

	v = config_val(L, s, "dimension", &line);
	k->dimension = DIM_RESULTS;
	if (v) {
		const char *c = config_map_value(L, line, sec, "dimension", "dimension", v);
		for (i = 0; c && i < DIM_COUNT; i++)
			if (!strcmp(c, dimension_names[i]))
				k->dimension = (enum dimension)i;
	}
	e = PERSP_FINANCIAL;
	config_get_enum(L, s, "perspective", perspective_names, PERSP_COUNT, &e);
	k->perspective = (enum perspective)e;
}

void config_load_kpis(struct config_loader *L, const struct ini_section **secs, size_t n)
{
	size_t i;
	L->cfg->kpis = xcalloc(n + 1, sizeof(*L->cfg->kpis));
	for (i = 0; i < n; i++) {
		load_kpi(L, secs[i], secs[i]->name + strlen("kpi."), &L->cfg->kpis[i]);
		L->cfg->nkpis++;
	}
}

/* ------------------------------------------------------------- [role.X] */

static void parse_role_kpis(struct config_loader *L, int line, const char *sec, struct role_def *r,
			    const char *text)
{
	struct config *cfg = L->cfg;
	struct strlist items = { 0 };
	double sum = 0;
	size_t i, j;
	int ok = 1;

	config_split(text, ',', &items);
	r->kpis = xcalloc(items.nr + 1, sizeof(*r->kpis));
	for (i = 0; i < items.nr; i++) {
		char *name, *w;
		int ki;
		double weight;
		if (config_split_pair(items.items[i], &name, &w) < 0) {
			config_err(L, line, sec, "kpis", "'%s' is not kpi:weight", items.items[i]);
			diag_hint(L->d, "e.g. kpis = sales_achievement:50, conversion:20, "
				  "new_customers:15, peer_review:15");
			ok = 0;
			continue;
		}
		for (j = 0; name[j]; j++)
			name[j] = (char)tolower((unsigned char)name[j]);
		ki = config_kpi_index(cfg, name);
		if (ki < 0) {
			const char **names = xcalloc(cfg->nkpis + 1, sizeof(*names));
			for (j = 0; j < cfg->nkpis; j++)
				names[j] = cfg->kpis[j].name;
			config_err(L, line, sec, "kpis", "role '%s': unknown KPI '%s'", r->name, name);
			if (!config_suggest(L, name, names, cfg->nkpis))
				diag_hint(L->d, "declare it as [kpi.%s]", name);
			free(names);
			ok = 0;
		}
		for (j = 0; ki >= 0 && j < r->nkpis; j++)
			if (r->kpis[j].kpi == ki) {
				config_err(L, line, sec, "kpis", "role '%s': KPI '%s' listed twice",
					   r->name, name);
				ki = -1;
				ok = 0;
			}
		if (config_parse_real(L, line, sec, "kpis", w, 0, 0, 100, &weight) < 0) {
			ok = 0;
		} else if (weight <= 0) {
			config_err(L, line, sec, "kpis", "role '%s': weight of '%s' must be above 0",
				   r->name, name);
			diag_hint(L->d, "leave the KPI out instead of weighting it 0");
			ok = 0;
		} else if (ki >= 0) {
			r->kpis[r->nkpis].kpi = ki;
			r->kpis[r->nkpis].weight = weight;
			r->nkpis++;
		}
		sum += weight > 0 ? weight : 0;
		free(name);
		free(w);
	}
	if (!items.nr)
		config_err(L, line, sec, "kpis", "role '%s' has no KPIs", r->name);
	else if (ok && fabs(sum - 100) > 1e-9)
		config_err(L, line, sec, "kpis", "role '%s': KPI weights add up to %.10g, not 100",
			   r->name, sum);
	strlist_release(&items);
}

static void load_role(struct config_loader *L, const struct ini_section *s, const char *name,
		      struct role_def *r)
{
	static const char *const keys[] = { "label", "kpis", "value_coefficient" };
	const char *v;
	int line;

	config_check_keys(L, s, keys, ARRAY_SIZE(keys));
	r->name = xstrdup(name);
	r->line = s->line;
	r->value_coefficient = 1.0;
	config_name_label(L, s, "role", name, &r->label);
	v = config_val(L, s, "kpis", &line);
	if (!v || !*v)
		config_err(L, line, s->name, "kpis", "missing: role '%s' needs kpis = kpi:weight, ... "
			   "adding up to 100", name);
	else
		parse_role_kpis(L, line, s->name, r, v);
	config_get_real(L, s, "value_coefficient", 0, 100, &r->value_coefficient);
	if (r->value_coefficient <= 0)
		config_err(L, config_val(L, s, "value_coefficient", &line) ? line : s->line, s->name,
			   "value_coefficient", "must be above 0");
}

void config_load_roles(struct config_loader *L, const struct ini_section **secs, size_t n)
{
	struct config *cfg = L->cfg;
	size_t i, j;
	cfg->roles = xcalloc(n + 1, sizeof(*cfg->roles));
	for (i = 0; i < n; i++) {
		load_role(L, secs[i], secs[i]->name + strlen("role."), &cfg->roles[i]);
		cfg->nroles++;
	}
	/* An HR role cell must name exactly one role. */
	for (i = 0; i < n; i++) {
		const struct role_def *a = &cfg->roles[i];
		for (j = 0; j < i; j++) {
			const struct role_def *b = &cfg->roles[j];
			const char *both = label_matches(&b->label, a->name, strlen(a->name)) ? a->name :
				label_matches(&b->label, a->label.zh, strlen(a->label.zh)) ? a->label.zh :
				label_matches(&b->label, a->label.en, strlen(a->label.en)) ? a->label.en :
				label_matches(&a->label, b->name, strlen(b->name)) ? b->name : NULL;
			if (both)
				config_err(L, a->line, secs[i]->name, "label", "'%s' also names [role.%s]; "
					   "an HR role cell would be ambiguous", both, b->name);
		}
	}
}

/* --------------------------------------------- [rating], [scoring], ... */

void config_load_rating(struct config_loader *L, const struct ini_section *s)
{
	static const char *const keys[] = { "bands" };
	static const char *const def =
		"优秀 | Excellent:90, 合格 | Qualified:80, 待改进 | Needs improvement:0";
	struct config *cfg = L->cfg;
	struct strlist items = { 0 };
	const char *v;
	int line;
	size_t i, j;

	config_check_keys(L, s, keys, ARRAY_SIZE(keys));
	v = config_val(L, s, "bands", &line);
	if (!v)
		v = def;
	config_split(v, ',', &items);
	if (!items.nr)
		config_err(L, line, config_secname(s, "rating"), "bands", "empty value; expected "
			   "label:threshold, ... highest first");
	cfg->bands = xcalloc(items.nr + 1, sizeof(*cfg->bands));
	for (i = 0; i < items.nr; i++) {
		struct rating_band *b = &cfg->bands[cfg->nbands];
		char *lab, *th;
		if (config_split_pair(items.items[i], &lab, &th) < 0) {
			config_err(L, line, "rating", "bands", "'%s' is not label:threshold", items.items[i]);
			diag_hint(L->d, "e.g. bands = 优秀 | Excellent:90, 合格 | Qualified:80, "
				  "待改进 | Needs improvement:0");
			continue;
		}
		if (!config_parse_label(L, line, "rating", "bands", lab, &b->label) &&
		    !config_parse_real(L, line, "rating", "bands", th, 0, -1e9, 1e9, &b->threshold)) {
			if (cfg->nbands && b->threshold >= cfg->bands[cfg->nbands - 1].threshold)
				config_err(L, line, "rating", "bands", "thresholds must fall strictly, "
					   "highest first ('%s' at %g after %g)", lab, b->threshold,
					   cfg->bands[cfg->nbands - 1].threshold);
			for (j = 0; j < cfg->nbands; j++)
				if (label_matches(&cfg->bands[j].label, b->label.zh, strlen(b->label.zh)) ||
				    label_matches(&cfg->bands[j].label, b->label.en, strlen(b->label.en)))
					config_err(L, line, "rating", "bands",
						   "two bands are called '%s'", lab);
			b->multiplier = 1.0;
			cfg->nbands++;
		} else {
			label_release(&b->label);
		}
		free(lab);
		free(th);
	}
	/* The bottom band takes every score below the one above it, negative
	 * z-scores included; a positive threshold would suggest a gap. */
	if (cfg->nbands && cfg->bands[cfg->nbands - 1].threshold > 0) {
		config_err(L, line, "rating", "bands", "the bottom band '%s' has threshold %g; it must "
			   "be 0 or below, since it takes every lower score",
			   cfg->bands[cfg->nbands - 1].label.zh, cfg->bands[cfg->nbands - 1].threshold);
		diag_hint(L->d, "write :0 for the last band");
	}
	if (cfg->nbands > 1) {
		cfg->bands[0].multiplier = 1.5;
		cfg->bands[cfg->nbands - 1].multiplier = 0;
	}
	strlist_release(&items);
}

void config_load_scoring(struct config_loader *L, const struct ini_section *s)
{
	static const char *const keys[] = { "score_cap" };
	config_check_keys(L, s, keys, ARRAY_SIZE(keys));
	config_get_real(L, s, "score_cap", 1, 1e6, &L->cfg->score_cap);
}

void config_load_training(struct config_loader *L, const struct ini_section *s)
{
	static const char *const keys[] = { "points_per_course", "max_points" };
	struct config *cfg = L->cfg;
	config_check_keys(L, s, keys, ARRAY_SIZE(keys));
	config_get_real(L, s, "points_per_course", 0, 100, &cfg->training_points_per_course);
	config_get_real(L, s, "max_points", 0, 100, &cfg->training_max_points);
}

/* "manager:50, peer:30" with relations mapped through [values.relation]. */
static void parse_relations(struct config_loader *L, const struct ini_section *s, const char *key,
			    int integer, double *dout, int *iout)
{
	struct strlist items = { 0 };
	const char *v;
	int line;
	size_t i, r;

	v = config_val(L, s, key, &line);
	if (!v)
		return;
	config_split(v, ',', &items);
	if (!items.nr)
		config_err(L, line, s->name, key, "empty value; expected relation:number, ...");
	for (i = 0; i < items.nr; i++) {
		char *rel, *num;
		const char *c;
		double x;
		if (config_split_pair(items.items[i], &rel, &num) < 0) {
			config_err(L, line, s->name, key, "'%s' is not relation:number", items.items[i]);
			continue;
		}
		c = config_map_value(L, line, s->name, key, "relation", rel);
		for (r = 0; c && r < REL_COUNT; r++) {
			if (strcmp(c, relation_names[r]))
				continue;
			if (!config_parse_real(L, line, s->name, key, num, 0, 0, integer ? 1000 : 100, &x)) {
				if (integer && (x != floor(x) || x < 1))
					config_err(L, line, s->name, key, "'%s' is not a whole number of at "
						   "least 1", num);
				else if (integer)
					iout[r] = (int)x;
				else
					dout[r] = x;
			}
		}
		free(rel);
		free(num);
	}
	strlist_release(&items);
}

void config_load_review360(struct config_loader *L, const struct ini_section *s)
{
	static const char *const keys[] = { "weights", "min_reviewers" };
	struct review_conf *rc = &L->cfg->reviews;
	int line;
	config_check_keys(L, s, keys, ARRAY_SIZE(keys));
	if (config_val(L, s, "weights", &line)) {
		double w[REL_COUNT] = { 0 }, sum = 0;
		size_t r;
		size_t before = L->d->errors;
		parse_relations(L, s, "weights", 0, w, NULL);
		for (r = 0; r < REL_COUNT; r++)
			sum += w[r];
		if (L->d->errors == before && fabs(sum - 100) > 1e-9)
			config_err(L, line, s->name, "weights", "relation weights add up to %.10g, not 100 "
				   "(a relation left out weighs 0)", sum);
		memcpy(rc->weight, w, sizeof(w));
	}
	parse_relations(L, s, "min_reviewers", 1, NULL, rc->min_reviewers);
}
