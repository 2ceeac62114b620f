/*
 * sales: the sales export, streamed into per-employee aggregates (SPEC 3, 5).
 *
 * Every `from = sales` metric with agg sum, count, count_distinct, avg, min
 * or max gets one accumulator per employee; each row is typed once and added
 * to the accumulators whose `where` filter it passes. Nothing per row is
 * kept, so memory grows with employees x metrics, never with rows. Metrics
 * with scope department or company are aggregated per owner too; compute
 * folds them into groups.
 *
 * A row counts only when its date lies in the period and it has an amount;
 * otherwise it is set aside and counted by reason (no date, no amount, other
 * period). Duplicate record ids are found with dupcheck.h: rows whose id may
 * have been seen are held back, and a second pass settles them.
 */
#include "ingest/dupcheck.h"
#include "ingest/ingest_internal.h"
#include "ingest/loader.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

struct acc {
	int64_t cents, cmin, cmax;   /* money fields: exact, in cents */
	double sum, min, max;
	uint32_t n;
};

struct sales_metric {
	int m;               /* index into config.metrics */
	const struct metric_def *def;
	int money;           /* the field is FT_MONEY (values in cents) */
};

struct sales_ctx {
	struct company *c;
	const struct config *cfg;
	struct sales_metric *sm;
	size_t nsm;
	struct acc *acc;             /* nemps x nsm */
	struct u64set *distinct;     /* nemps x nsm, count_distinct only */
	unsigned char *pass;         /* nsm: the current row passes the metric's filter */
	/* The current row, typed. */
	const char *canon[SALES_NFIELDS];   /* mapped value or text, for filters */
	int has[SALES_NFIELDS];
	double num[SALES_NFIELDS];          /* numbers and dates */
	int64_t cents[SALES_NFIELDS];       /* money: never through a double */
};

/* ingest_sales_tune(): test settings, and what the last run did. */
static struct {
	size_t filter_bytes;   /* 0: sized from the file */
	int skim;
	size_t candidates, parsed;
} tune = { 0, 1, 0, 0 };

void ingest_sales_tune(size_t filter_bytes, int skim)
{
	tune.filter_bytes = filter_bytes;
	tune.skim = skim;
}

void ingest_sales_last(size_t *candidates, size_t *parsed)
{
	*candidates = tune.candidates;
	*parsed = tune.parsed;
}

static int aggregated_here(const struct metric_def *m)
{
	return m->from == INPUT_SALES &&
	       (m->agg == AGG_SUM || m->agg == AGG_COUNT || m->agg == AGG_COUNT_DISTINCT ||
		m->agg == AGG_AVG || m->agg == AGG_MIN || m->agg == AGG_MAX);
}

static void ctx_init(struct sales_ctx *sc, struct company *c, const struct config *cfg)
{
	size_t i;
	memset(sc, 0, sizeof(*sc));
	sc->c = c;
	sc->cfg = cfg;
	sc->sm = xcalloc(cfg->nmetrics + 1, sizeof(*sc->sm));
	for (i = 0; i < cfg->nmetrics; i++) {
		const struct metric_def *m = &cfg->metrics[i];
		if (!aggregated_here(m))
			continue;
		sc->sm[sc->nsm].m = (int)i;
		sc->sm[sc->nsm].def = m;
		sc->sm[sc->nsm].money = m->field >= 0 && m->field < SALES_NFIELDS &&
					schema_inputs[INPUT_SALES].fields[m->field].type == FT_MONEY;
		sc->nsm++;
	}
	sc->acc = xcalloc(c->nemps * sc->nsm + 1, sizeof(*sc->acc));
	sc->distinct = xcalloc(c->nemps * sc->nsm + 1, sizeof(*sc->distinct));
	sc->pass = xcalloc(sc->nsm + 1, 1);
}

static void ctx_release(struct sales_ctx *sc)
{
	size_t i;
	for (i = 0; i < sc->c->nemps * sc->nsm; i++)
		u64set_release(&sc->distinct[i]);
	free(sc->distinct);
	free(sc->acc);
	free(sc->pass);
	free(sc->sm);
}

static int passes(const struct sales_ctx *sc, const struct metric_def *m)
{
	size_t w, v;
	for (w = 0; w < m->nwhere; w++) {
		const struct metric_filter *f = &m->where[w];
		int ok = 0;
		if (f->field < 0 || f->field >= SALES_NFIELDS || !sc->canon[f->field])
			return 0;
		for (v = 0; v < f->values.nr && !ok; v++)
			ok = !strcasecmp(sc->canon[f->field], f->values.items[v]);
		if (!ok)
			return 0;
	}
	return 1;
}

/*
 * Would adding cents take an exact total past what int64 holds? Only absurd
 * amounts get there, but a wrapped total would print as a plausible number.
 */
static int sum_overflows(int64_t have, int64_t add)
{
	return (add > 0 && have > INT64_MAX - add) || (add < 0 && have < INT64_MIN - add);
}

/*
 * Adds a checked row to the employee's accumulators whose filter it
 * passes. Every filter is tested once; before anything is added, the money
 * sums are checked, so a row whose amount would overflow a total is counted
 * nowhere. Returns the overflowing money field, or -1 when the row was added.
 */
static int accumulate(struct sales_ctx *sc, size_t emp, const struct loader *ld)
{
	size_t k;
	for (k = 0; k < sc->nsm; k++) {
		const struct metric_def *m = sc->sm[k].def;
		sc->pass[k] = (unsigned char)passes(sc, m);
		if (sc->pass[k] && sc->sm[k].money && m->agg != AGG_COUNT &&
		    m->agg != AGG_COUNT_DISTINCT && sc->has[m->field] &&
		    sum_overflows(sc->acc[emp * sc->nsm + k].cents, sc->cents[m->field]))
			return m->field;
	}
	for (k = 0; k < sc->nsm; k++) {
		const struct metric_def *m = sc->sm[k].def;
		struct acc *a = &sc->acc[emp * sc->nsm + k];
		if (!sc->pass[k])
			continue;
		if (m->agg == AGG_COUNT) {
			a->n++;
			continue;
		}
		if (m->field < 0 || m->field >= SALES_NFIELDS)
			continue;
		if (m->agg == AGG_COUNT_DISTINCT) {
			const char *t = loader_text(ld, m->field);
			if (*t) {
				u64set_add(&sc->distinct[emp * sc->nsm + k], str_hash(t, strlen(t)));
				a->n++;
			}
			continue;
		}
		if (!sc->has[m->field])
			continue;
		if (sc->sm[k].money) {
			int64_t v = sc->cents[m->field];
			a->cents += v;
			if (!a->n || v < a->cmin)
				a->cmin = v;
			if (!a->n || v > a->cmax)
				a->cmax = v;
		} else {
			double v = sc->num[m->field];
			a->sum += v;
			if (!a->n || v < a->min)
				a->min = v;
			if (!a->n || v > a->max)
				a->max = v;
		}
		a->n++;
	}
	return -1;
}

/* Types every mapped cell; sets ld->bad on a problem. */
static void type_row(struct sales_ctx *sc, struct loader *ld)
{
	const struct input_schema *s = &schema_inputs[INPUT_SALES];
	size_t f;
	for (f = 0; f < SALES_NFIELDS; f++) {
		const char *t;
		int32_t day;
		sc->has[f] = 0;
		sc->canon[f] = NULL;
		if (!loader_has(ld, (int)f))
			continue;
		switch (s->fields[f].type) {
		case FT_VALUE:
			if (loader_value(ld, (int)f, &t) > 0)
				sc->canon[f] = t, sc->has[f] = 1;
			break;
		case FT_MONEY:
			if (loader_money(ld, (int)f, &sc->cents[f]) > 0)
				sc->has[f] = 1;
			break;
		case FT_NUMBER:
			if (loader_number(ld, (int)f, &sc->num[f]) > 0)
				sc->has[f] = 1;
			break;
		case FT_DATE:
			if (loader_date(ld, (int)f, &day) > 0)
				sc->num[f] = day, sc->has[f] = 1;
			break;
		default:
			t = loader_text(ld, (int)f);
			if (*t)
				sc->canon[f] = t, sc->has[f] = 1;
			break;
		}
	}
}

/* Checks and types a row, reporting its problems: the owner's index, or -1. */
static long check_row(struct sales_ctx *sc, struct loader *ld)
{
	long emp = -1;
	if (!*loader_text(ld, SALES_EMPLOYEE_ID))
		loader_problem(ld, ROW_UNKNOWN_OWNER, SALES_EMPLOYEE_ID, "owner is empty");
	else
		emp = loader_employee(ld, SALES_EMPLOYEE_ID, ROW_UNKNOWN_OWNER, "owner");
	type_row(sc, ld);
	return ld->bad ? -1 : emp;
}

/* Counts a checked row in the period's aggregates, or sets it aside. */
static void count_row(struct sales_ctx *sc, size_t emp, struct loader *ld)
{
	int f;
	struct input_stats *st = &sc->c->inputs[INPUT_SALES];
	if (!sc->has[SALES_DATE]) {
		st->set_aside_no_date++;
		if (sc->canon[SALES_STAGE] && !strcmp(sc->canon[SALES_STAGE], "open"))
			st->set_aside_open++;
		return;
	}
	if (!sc->has[SALES_AMOUNT]) {
		st->set_aside_no_amount++;
		return;
	}
	if (!period_contains(&sc->c->period, (int32_t)sc->num[SALES_DATE])) {
		st->set_aside_other_period++;
		return;
	}
	if ((f = accumulate(sc, emp, ld)) >= 0) {
		loader_problem(ld, ROW_BAD_NUMBER, f, "%s '%s' takes the total of '%s' out of range",
			       schema_inputs[INPUT_SALES].fields[f].name, loader_text(ld, f),
			       loader_text(ld, SALES_EMPLOYEE_ID));
		return;
	}
	st->rows_used++;
}

static void finish(struct sales_ctx *sc)
{
	size_t e, k;
	for (e = 0; e < sc->c->nemps; e++) {
		for (k = 0; k < sc->nsm; k++) {
			const struct acc *a = &sc->acc[e * sc->nsm + k];
			struct metric_value *mv = &sc->c->emps[e].metrics[sc->sm[k].m];
			int money = sc->sm[k].money;
			mv->records = a->n;
			mv->present = 1;
			switch (sc->sm[k].def->agg) {
			case AGG_SUM:
				mv->value = money ? (double)a->cents / 100.0 : a->sum;
				break;
			case AGG_COUNT:
				mv->value = a->n;
				break;
			case AGG_COUNT_DISTINCT:
				mv->value = (double)u64set_count(&sc->distinct[e * sc->nsm + k]);
				break;
			case AGG_AVG:
				mv->present = a->n > 0;
				mv->value = !a->n ? 0 : money ? (double)a->cents / 100.0 / a->n
							      : a->sum / a->n;
				break;
			case AGG_MIN:
				mv->present = a->n > 0;
				mv->value = !a->n ? 0 : money ? (double)a->cmin / 100.0 : a->min;
				break;
			case AGG_MAX:
				mv->present = a->n > 0;
				mv->value = !a->n ? 0 : money ? (double)a->cmax / 100.0 : a->max;
				break;
			default:
				break;
			}
		}
	}
}

/*
 * Second pass: only rows whose id hash is a candidate matter. The first
 * time an id string is met it is remembered with its line; a later row with
 * the same string is a true duplicate. Held-back rows that turn out to be
 * first occurrences (Bloom false positives) are counted now; their problems
 * were reported in the first pass, so this one is quiet.
 *
 * A candidate is a few rows in a million, so the pass skims: csvread skips
 * every line that is one row with an unquoted id that is not a candidate
 * without parsing it (csvread_skim), and parses the rest as the first pass
 * did, so ids, lines and messages are the same.
 */
static int candidate_cell(const char *text, size_t len, int line, void *dc)
{
	(void)line;
	return len && dupcheck_is_candidate_id(dc, text, len);
}

static int settle_candidates(struct sales_ctx *sc, struct loader *ld, const struct dupcheck *dc)
{
	struct strmap seen;
	struct strlist keys = { NULL, 0, 0 };
	int rc;
	strmap_init(&seen);
	if (loader_reopen(ld) < 0)
		return -1;
	if (tune.skim)
		loader_skim(ld, SALES_RECORD_ID, candidate_cell, (void *)dc);
	while ((rc = loader_next(ld)) > 0) {
		const char *id = loader_text(ld, SALES_RECORD_ID);
		size_t len = strlen(id), first;
		uint64_t key = loader_row_key(ld);
		tune.parsed++;
		if (!len || !dupcheck_is_candidate_id(dc, id, len))
			continue;
		if (strmap_get(&seen, id, &first)) {
			struct strbuf place = STRBUF_INIT;
			loader_row_place(ld, (uint64_t)first, &place);
			loader_problem(ld, ROW_DUPLICATE_RECORD, SALES_RECORD_ID,
				       "record_id '%s' appears again (first at %s)", id, place.buf);
			strbuf_release(&place);
			sc->c->inputs[INPUT_SALES].set_aside_duplicate++;
			continue;
		}
		strlist_push(&keys, id);
		strmap_put(&seen, keys.items[keys.nr - 1], (size_t)key);
		if (dupcheck_is_candidate_line(dc, key)) {
			long emp;
			/* Quiet only for what the first pass already said; an
			 * overflow is only found now, when the row is counted. */
			ld->quiet = 1;
			emp = check_row(sc, ld);
			ld->quiet = 0;
			if (emp >= 0)
				count_row(sc, (size_t)emp, ld);
		}
	}
	strmap_release(&seen);
	strlist_release(&keys);
	return rc < 0 ? -1 : 0;
}

static void note_set_aside(struct diag *d, const char *file, size_t n, const char *why)
{
	if (n)
		diag_note(d, "%s: %zu row%s set aside: %s", file, n, n == 1 ? "" : "s", why);
}

/* SPEC 3: the run says how many rows it set aside and why (shown with -v). */
static void report_set_aside(const struct sales_ctx *sc, const struct loader *ld)
{
	const struct input_stats *st = &sc->c->inputs[INPUT_SALES];
	struct strbuf why = STRBUF_INIT;
	if (st->set_aside_open == st->set_aside_no_date)
		strbuf_addf(&why, "no date (open deal%s not yet closed)",
			    st->set_aside_open == 1 ? "" : "s");
	else if (st->set_aside_open)
		strbuf_addf(&why, "no date (%zu of them open deals not yet closed)",
			    st->set_aside_open);
	else
		strbuf_addstr(&why, "no date");
	note_set_aside(ld->d, ld->file, st->set_aside_no_date, why.buf);
	note_set_aside(ld->d, ld->file, st->set_aside_no_amount, "no amount");
	strbuf_reset(&why);
	strbuf_addf(&why, "dated outside %s", sc->c->period.label);
	note_set_aside(ld->d, ld->file, st->set_aside_other_period, why.buf);
	strbuf_release(&why);
}

int ingest_sales(struct company *c, const struct config *cfg, struct diag *d)
{
	struct loader ld;
	struct sales_ctx sc;
	struct dupcheck dc;
	struct stat stbuf;
	uint64_t bytes = 0;
	size_t i;
	int dup_check;
	int rc = loader_open(&ld, c, cfg, INPUT_SALES, d);
	if (rc <= 0)
		return rc;
	ctx_init(&sc, c, cfg);
	for (i = 0; i < ld.files.nr; i++)
		if (stat(ld.files.items[i], &stbuf) == 0)
			bytes += (uint64_t)stbuf.st_size;
	/* A zipped workbook holds more rows than its size says. */
	if (ld.files.nr == 1 && source_csv_bytes(&ld.src) > bytes)
		bytes = source_csv_bytes(&ld.src);
	if (tune.filter_bytes)
		dupcheck_init_bytes(&dc, tune.filter_bytes);
	else
		dupcheck_init(&dc, bytes);
	/* SPEC 3.1: without record_id there is no duplicate check (the
	 * summary says so); an order-line export repeats its order number. */
	dup_check = loader_has(&ld, SALES_RECORD_ID);
	c->inputs[INPUT_SALES].no_duplicate_check = !dup_check;
	tune.parsed = 0;
	while ((rc = loader_next(&ld)) > 0) {
		const char *id = dup_check ? loader_text(&ld, SALES_RECORD_ID) : "";
		size_t len = strlen(id);
		uint64_t h = len ? str_hash(id, len) : 0;
		long emp;
		if (len)
			dupcheck_prefetch(&dc, h);   /* typing the row hides the miss */
		emp = check_row(&sc, &ld);
		if (len && dupcheck_add(&dc, h, loader_row_key(&ld)))
			continue;   /* held back until the second pass */
		if (emp >= 0)
			count_row(&sc, (size_t)emp, &ld);
	}
	tune.candidates = dc.ncand;
	if (rc == 0 && dc.ncand)
		rc = settle_candidates(&sc, &ld, &dc);
	if (rc == 0) {
		finish(&sc);
		report_set_aside(&sc, &ld);
	}
	loader_close(&ld);
	dupcheck_release(&dc);
	ctx_release(&sc);
	return rc < 0 ? -1 : 0;
}
