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
#include "ingest/csvline.h"
#include "ingest/csvread.h"
#include "ingest/dupcheck.h"
#include "ingest/ingest_internal.h"
#include "ingest/loader.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/sha256.h"
#include "util/strbuf.h"
#include "util/threads.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* 32 bytes (one per employee, metric and part): a money field uses the
 * exact cents, any other the doubles, never both (sales_metric.money). */
struct acc {
	union { int64_t cents; double sum; };
	union { int64_t cmin; double min; };
	union { int64_t cmax; double max; };
	uint32_t n;
};

/*
 * A `where` filter's answers by canonical value. A value field's canon is
 * the value set's own string (loader_value()), so its address says which
 * value it is: a pointer compare instead of strcasecmp per row, metric and
 * filter value. Up to FILTER_MEMO values; past that the filter compares.
 */
#define FILTER_MEMO 8
struct filter_memo {
	const char *canon[FILTER_MEMO];
	unsigned char ok[FILTER_MEMO];
	unsigned n;
	int by_value;        /* the field is FT_VALUE: canon is stable */
};

struct sales_metric {
	int m;               /* index into config.metrics */
	const struct metric_def *def;
	int money;           /* the field is FT_MONEY (values in cents) */
	size_t distinct;     /* count_distinct: its column of sales_ctx.distinct */
	struct filter_memo *memo;   /* def->nwhere */
};

struct sales_ctx {
	struct company *c;
	const struct config *cfg;
	struct input_stats *st;      /* where rows are counted */
	/* Money counted per field, absolute, saturating: while the sum of all
	 * parts stays within int64, no total overflows in any order, so parts
	 * may be added up in any order (merge_into). Kept only when the file
	 * is read in parts (in one pass accumulate() checks every total). */
	uint64_t abs_cents[SALES_NFIELDS];
	int track_abs;
	int money_field[SALES_NFIELDS];    /* the FT_MONEY fields, nmoney of them */
	int nmoney;
	struct sales_metric *sm;
	size_t nsm;
	int in_parts;                /* the first pass was read in parts */
	struct acc *acc;             /* nemps x nsm */
	struct u64set *distinct;     /* nemps x ndistinct: the count_distinct metrics' sets */
	size_t ndistinct;
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
	int threads;           /* 0: threads_count() */
	uint64_t part_bytes;   /* 0: PART_MIN_BYTES */
	size_t candidates, parsed, used_parts;
} tune = { 0, 1, 0, 0, 0, 0, 0 };

void ingest_sales_tune(size_t filter_bytes, int skim)
{
	tune.filter_bytes = filter_bytes;
	tune.skim = skim;
}

void ingest_sales_tune_parts(int threads, uint64_t part_bytes)
{
	tune.threads = threads;
	tune.part_bytes = part_bytes;
}

void ingest_sales_last(size_t *candidates, size_t *parsed)
{
	*candidates = tune.candidates;
	*parsed = tune.parsed;
}

size_t ingest_sales_last_parts(void)
{
	return tune.used_parts;
}

static int aggregated_here(const struct metric_def *m)
{
	return m->from == INPUT_SALES &&
	       (m->agg == AGG_SUM || m->agg == AGG_COUNT || m->agg == AGG_COUNT_DISTINCT ||
		m->agg == AGG_AVG || m->agg == AGG_MIN || m->agg == AGG_MAX);
}

static void ctx_init(struct sales_ctx *sc, struct company *c, const struct config *cfg)
{
	size_t i, w;
	memset(sc, 0, sizeof(*sc));
	sc->c = c;
	sc->cfg = cfg;
	sc->st = &c->inputs[INPUT_SALES];
	sc->sm = xcalloc(cfg->nmetrics + 1, sizeof(*sc->sm));
	for (i = 0; i < cfg->nmetrics; i++) {
		const struct metric_def *m = &cfg->metrics[i];
		if (!aggregated_here(m))
			continue;
		sc->sm[sc->nsm].m = (int)i;
		sc->sm[sc->nsm].def = m;
		sc->sm[sc->nsm].money = m->field >= 0 && m->field < SALES_NFIELDS &&
					schema_inputs[INPUT_SALES].fields[m->field].type == FT_MONEY;
		if (m->agg == AGG_COUNT_DISTINCT)
			sc->sm[sc->nsm].distinct = sc->ndistinct++;
		sc->sm[sc->nsm].memo = xcalloc(m->nwhere + 1, sizeof(*sc->sm[sc->nsm].memo));
		for (w = 0; w < m->nwhere; w++) {
			int f = m->where[w].field;
			sc->sm[sc->nsm].memo[w].by_value = f >= 0 && f < SALES_NFIELDS &&
				schema_inputs[INPUT_SALES].fields[f].type == FT_VALUE;
		}
		sc->nsm++;
	}
	for (i = 0; i < SALES_NFIELDS; i++)
		if (schema_inputs[INPUT_SALES].fields[i].type == FT_MONEY)
			sc->money_field[sc->nmoney++] = (int)i;
	sc->acc = xcalloc(c->nemps * sc->nsm + 1, sizeof(*sc->acc));
	sc->distinct = xcalloc(c->nemps * sc->ndistinct + 1, sizeof(*sc->distinct));
	sc->pass = xcalloc(sc->nsm + 1, 1);
}

static void ctx_release(struct sales_ctx *sc)
{
	size_t i;
	for (i = 0; i < sc->c->nemps * sc->ndistinct; i++)
		u64set_release(&sc->distinct[i]);
	free(sc->distinct);
	free(sc->acc);
	free(sc->pass);
	for (i = 0; i < sc->nsm; i++)
		free(sc->sm[i].memo);
	free(sc->sm);
}

static int filter_match(const struct metric_filter *f, const char *canon)
{
	size_t v;
	for (v = 0; v < f->values.nr; v++)
		if (!strcasecmp(canon, f->values.items[v]))
			return 1;
	return 0;
}

static int passes(const struct sales_ctx *sc, const struct sales_metric *sm)
{
	const struct metric_def *m = sm->def;
	size_t w;
	for (w = 0; w < m->nwhere; w++) {
		const struct metric_filter *f = &m->where[w];
		struct filter_memo *fm = &sm->memo[w];
		const char *canon;
		unsigned i;
		int ok;
		if (f->field < 0 || f->field >= SALES_NFIELDS || !(canon = sc->canon[f->field]))
			return 0;
		if (!fm->by_value) {
			ok = filter_match(f, canon);
		} else {
			for (i = 0; i < fm->n && fm->canon[i] != canon; i++)
				;
			if (i < fm->n) {
				ok = fm->ok[i];
			} else {
				ok = filter_match(f, canon);
				if (fm->n < FILTER_MEMO) {
					fm->canon[fm->n] = canon;
					fm->ok[fm->n++] = (unsigned char)ok;
				}
			}
		}
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
		sc->pass[k] = (unsigned char)passes(sc, &sc->sm[k]);
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
				u64set_add(&sc->distinct[emp * sc->ndistinct + sc->sm[k].distinct],
					   str_hash(t, strlen(t)));
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
	if (emp >= 0) {
		/* The owner's accumulators are somewhere in nemps x nsm of
		 * them, rarely in the cache: asked for now, they are there
		 * when count_row() adds to them (the wait was half of its
		 * time). Inline: GCC takes a function that only prefetches
		 * for one without effects, and drops the call. */
		const char *a = (const char *)&sc->acc[(size_t)emp * sc->nsm];
		const char *a_end = (const char *)&sc->acc[((size_t)emp + 1) * sc->nsm];
		const char *d = (const char *)&sc->distinct[(size_t)emp * sc->ndistinct];
		const char *d_end = (const char *)&sc->distinct[((size_t)emp + 1) * sc->ndistinct];
		for (; a < a_end; a += 64)
			__builtin_prefetch(a, 1);
		for (; d < d_end; d += 64)
			__builtin_prefetch(d, 1);
	}
	type_row(sc, ld);
	return ld->bad ? -1 : emp;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Counts a checked row in the period's aggregates, or sets it aside. */
static void count_row(struct sales_ctx *sc, size_t emp, struct loader *ld)
{
	int f, i;
	struct input_stats *st = sc->st;
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
	for (i = 0; sc->track_abs && i < sc->nmoney; i++) {
		f = sc->money_field[i];
		if (sc->has[f])
			sc->abs_cents[f] = sat_add(sc->abs_cents[f], sc->cents[f] < 0
					? (uint64_t)-(sc->cents[f] + 1) + 1 : (uint64_t)sc->cents[f]);
	}
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
				mv->value = (double)u64set_count(
					&sc->distinct[e * sc->ndistinct + sc->sm[k].distinct]);
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
	int rc, again = 0;
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
			if (sc->in_parts) {
				/* A duplicate is a message, and its rows may have
				 * been counted by their parts: read again in one
				 * pass, which says everything in file order. */
				again = 1;
				break;
			}
			loader_row_place(ld, (uint64_t)first, &place);
			loader_problem(ld, ROW_DUPLICATE_RECORD, SALES_RECORD_ID,
				       "record_id '%s' appears again (first at %s)", id, place.buf);
			strbuf_release(&place);
			sc->st->set_aside_duplicate++;
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
	if (again || (sc->in_parts && ld->d->nr))
		return 0;
	return rc < 0 ? -1 : 1;
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

/* ---- reading the file in parts, one thread each ---- */

/*
 * Parts are worth their threads only from a few MiB each; MERIT_THREADS
 * caps the threads (1: one pass, as on one core).
 */
#define PART_MIN_BYTES (8u << 20)
#define SPLIT_WINDOW (1u << 20)

struct sales_part {
	struct loader ld;
	struct sales_ctx own, *sc;   /* part 0 counts into the caller's context */
	struct input_stats st;
	struct diag d;
	struct dupcheck_part cand;
	struct dupcheck *dc;
	int dup_check;
	uint64_t start, stop;
	int rc, lines;
	enum encoding decided;
};


/*
 * The first pass over the rows ld reads: the whole file in order, or (cand
 * set) one part of it on its own thread, the filter then shared. A row
 * whose id may have been seen is held back for the second pass.
 */
static int first_pass(struct sales_ctx *sc, struct loader *ld, struct dupcheck *dc,
		      int dup_check, struct dupcheck_part *cand)
{
	int rc;
	while ((rc = loader_next(ld)) > 0) {
		const char *id = dup_check ? loader_text(ld, SALES_RECORD_ID) : "";
		/* The owner's slot, asked for now, is on its way while the id
		 * is hashed for the duplicate check (a cache miss a row). */
		loader_employee_prefetch(ld, SALES_EMPLOYEE_ID);
		size_t len = strlen(id);
		uint64_t h = len ? str_hash(id, len) : 0;
		long emp;
		if (len)
			dupcheck_prefetch(dc, h);   /* typing the row hides the miss */
		emp = check_row(sc, ld);
		if (len && (cand ? dupcheck_add_shared(dc, h, loader_row_key(ld), cand)
				 : dupcheck_add(dc, h, loader_row_key(ld))))
			continue;
		if (emp >= 0)
			count_row(sc, (size_t)emp, ld);
	}
	return rc;
}

/* One part's first pass, on its own thread. */
static void *read_part(void *arg)
{
	struct sales_part *p = arg;
	p->rc = first_pass(p->sc, &p->ld, p->dc, p->dup_check, &p->cand);
	if (p->rc == 0) {
		const struct csvread *r = source_csv(&p->ld.src);
		p->lines = csvread_lines(r);
		p->decided = csvread_decided(r);
	}
	return NULL;
}

/*
 * Where to cut: near each n-th of the file, at a likely row start
 * (csvline_row_start()). 1 with cut[0..n], 0 when no cut was found.
 */
static int find_cuts(const char *path, char delim, uint64_t bytes, size_t n, uint64_t *cut)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	size_t k, got, at;
	int ok = fp != NULL;
	cut[0] = 0;
	cut[n] = bytes;
	buf = xmalloc(SPLIT_WINDOW);
	for (k = 1; ok && k < n; k++) {
		uint64_t nominal = bytes / n * k;
		if (fseeko(fp, (off_t)nominal, SEEK_SET) < 0) {
			ok = 0;
			break;
		}
		got = fread(buf, 1, SPLIT_WINDOW, fp);
		at = csvline_row_start(buf, got, delim);
		ok = at < got && nominal + at > cut[k - 1];
		cut[k] = nominal + at;
	}
	free(buf);
	if (fp)
		fclose(fp);
	return ok;
}

/*
 * The SHA-256 of the file for the manifest, on one more thread beside the
 * parts: part 0, which hashed the file while reading (its part, then the
 * rest), took 10-20 % longer than the other parts, and the run waits for
 * the slowest part.
 */
struct file_hash {
	const char *path;
	char hex[65];
	int rc;
};

static void *hash_file(void *arg)
{
	struct file_hash *fh = arg;
	fh->rc = sha256_file_hex(fh->path, fh->hex);
	return NULL;
}

/* Adds part p's aggregates to sc. 0 when a money total could overflow. */
static int merge_into(struct sales_ctx *sc, struct sales_ctx *p)
{
	size_t i, n = sc->c->nemps * sc->nsm;
	int f;
	for (f = 0; f < SALES_NFIELDS; f++) {
		sc->abs_cents[f] = sat_add(sc->abs_cents[f], p->abs_cents[f]);
		if (sc->abs_cents[f] > (uint64_t)INT64_MAX)
			return 0;
	}
	for (i = 0; i < n; i++) {
		struct acc *a = &sc->acc[i];
		const struct acc *b = &p->acc[i];
		if (!b->n)
			continue;
		if (!a->n) {
			*a = *b;
		} else if (sc->sm[i % sc->nsm].money) {
			a->cents += b->cents;
			if (b->cmin < a->cmin)
				a->cmin = b->cmin;
			if (b->cmax > a->cmax)
				a->cmax = b->cmax;
			a->n += b->n;
		} else {
			a->sum += b->sum;
			if (b->min < a->min)
				a->min = b->min;
			if (b->max > a->max)
				a->max = b->max;
			a->n += b->n;
		}
	}
	for (i = 0; i < sc->c->nemps * sc->ndistinct; i++)
		if (u64set_count(&p->distinct[i]))
			u64set_merge(&sc->distinct[i], &p->distinct[i], 0);
	return 1;
}

static void merge_stats(struct input_stats *to, const struct input_stats *from)
{
	to->rows += from->rows;
	to->rows_used += from->rows_used;
	to->set_aside_no_date += from->set_aside_no_date;
	to->set_aside_no_amount += from->set_aside_no_amount;
	to->set_aside_other_period += from->set_aside_other_period;
	to->set_aside_open += from->set_aside_open;
	to->totals_rows += from->totals_rows;   /* 0: a totals row's note reads again in one pass */
}

/*
 * The first pass on n threads, each over its part of the one file. Every
 * count is a sum, a minimum, a maximum or a set, so the parts add up to
 * what one pass counts (money stays exact: merge_into() checks that no
 * order could overflow). Anything else one pass would say in order, a
 * problem in any part, a duplicate, a cut that was not between rows, an
 * encoding the parts disagree on, makes this return 0: the caller then
 * reads the file in one pass, so messages and their order never depend
 * on the threads. 1 when the parts' counts are in sc and c's stats.
 */
static int read_parts(struct sales_ctx *sc, struct loader *ld, struct dupcheck *dc,
		      int dup_check, uint64_t bytes, size_t n)
{
	struct sales_part *part = xcalloc(n, sizeof(*part));
	struct input_stats *st = &sc->c->inputs[INPUT_SALES];
	pthread_t *tid = xcalloc(n, sizeof(*tid));
	uint64_t *cut = xcalloc(n + 1, sizeof(*cut));
	uint64_t lines = 0;
	enum encoding enc = ENC_AUTO;
	struct file_hash fh = { ld->files.items[0], "", -1 };
	pthread_t hash_tid;
	size_t k, opened = 0, started = 0;
	int hashing = 0;
	int ok = find_cuts(ld->files.items[0], ld->ic->delimiter ? ld->ic->delimiter : ',', bytes,
			   n, cut);

	dupcheck_share(dc);
	for (k = 0; ok && k < n; k++) {
		struct sales_part *p = &part[k];
		diag_init(&p->d);
		p->st = *st;
		p->dc = dc;
		p->dup_check = dup_check;
		p->sc = k ? &p->own : sc;
		if (k)
			ctx_init(&p->own, sc->c, sc->cfg);
		p->sc->st = &p->st;
		p->sc->track_abs = 1;
		if (loader_open_part(&p->ld, ld, &p->st, cut[k], cut[k + 1], &p->d) < 0)
			ok = 0;
		else
			opened = k + 1;
	}
	if (ok)
		hashing = pthread_create(&hash_tid, NULL, hash_file, &fh) == 0;
	for (k = 1; ok && k < n; k++) {
		if (pthread_create(&tid[k], NULL, read_part, &part[k]) != 0)
			break;
		started = k;
	}
	if (ok) {
		read_part(&part[0]);
		for (k = 1; k <= started; k++)
			pthread_join(tid[k], NULL);
		ok = started == n - 1;
	}
	if (hashing)
		pthread_join(hash_tid, NULL);
	else if (ok)
		hash_file(&fh);
	ok = ok && fh.rc == 0;   /* unreadable: one pass says so */
	for (k = 0; ok && k < n; k++) {
		const struct sales_part *p = &part[k];
		ok = p->rc == 0 && !p->d.nr && !p->d.errors && !p->d.warnings &&
		     !p->st.set_aside_problem;
		if (ok && p->decided != ENC_AUTO) {
			ok = enc == ENC_AUTO || enc == p->decided;
			enc = p->decided;
		}
	}
	sc->st = st;
	if (ok) {
		memcpy(st->sha256, fh.hex, sizeof(fh.hex));
		st->encoding = enc == ENC_GB18030 ? "gb18030" : "utf-8";
	}
	for (k = 0; k < n; k++) {
		struct sales_part *p = &part[k];
		if (ok) {
			merge_stats(st, &p->st);
			dupcheck_merge(dc, &p->cand, lines);
			lines += (uint64_t)p->lines;
			if (k && !merge_into(sc, &p->own))
				ok = 0;
		}
		u64set_release(&p->cand.cand_hash);
		u64set_release(&p->cand.cand_line);
		if (k < opened)
			loader_close_part(&p->ld);
		if (k && p->own.sm)
			ctx_release(&p->own);
		diag_release(&p->d);
	}
	free(part);
	free(tid);
	free(cut);
	return ok;
}

/* How many parts the first pass may use: 1 unless the file is one big CSV. */
static size_t parts_for(const struct loader *ld, uint64_t bytes)
{
	size_t n = tune.threads ? (size_t)tune.threads : (size_t)threads_count();
	uint64_t min = tune.part_bytes ? tune.part_bytes : PART_MIN_BYTES;
	if (ld->files.nr != 1 || !source_csv(&ld->src))
		return 1;
	if (bytes / min < n)
		n = (size_t)(bytes / min);
	return n ? n : 1;
}

/*
 * The parts' pass, then its duplicate candidates settled with messages
 * held back (any message: 0, read again in one pass). 1 when done.
 */
static int try_parts(struct sales_ctx *sc, struct loader *ld, struct dupcheck *dc, int dup_check,
		     uint64_t bytes, size_t n)
{
	struct diag quiet;
	struct diag *d = ld->d;
	int rc;
	if (!read_parts(sc, ld, dc, dup_check, bytes, n))
		return 0;
	tune.candidates = dc->ncand;
	if (!dc->ncand)
		return 1;
	diag_init(&quiet);
	ld->d = &quiet;
	sc->in_parts = 1;
	rc = settle_candidates(sc, ld, dc);
	sc->in_parts = 0;
	ld->d = d;
	diag_release(&quiet);
	/* The candidates counted now must not overflow in any order either. */
	for (int f = 0; rc > 0 && f < SALES_NFIELDS; f++)
		if (sc->abs_cents[f] > (uint64_t)INT64_MAX)
			rc = 0;
	return rc > 0;
}

int ingest_sales(struct company *c, const struct config *cfg, struct diag *d)
{
	struct loader ld;
	struct sales_ctx sc;
	struct dupcheck dc;
	struct stat stbuf;
	struct input_stats opened;
	uint64_t bytes = 0;
	size_t i, nparts;
	int dup_check, done = 0;
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
	tune.used_parts = 0;
	opened = c->inputs[INPUT_SALES];
	nparts = parts_for(&ld, bytes);
	if (nparts > 1) {
		done = try_parts(&sc, &ld, &dc, dup_check, bytes, nparts);
		if (done) {
			tune.used_parts = nparts;
		} else {
			/* Start over in one pass, as if the parts had never run. */
			ctx_release(&sc);
			ctx_init(&sc, c, cfg);
			dupcheck_release(&dc);
			if (tune.filter_bytes)
				dupcheck_init_bytes(&dc, tune.filter_bytes);
			else
				dupcheck_init(&dc, bytes);
			c->inputs[INPUT_SALES] = opened;
			tune.parsed = 0;
			if (loader_reopen(&ld) < 0)
				rc = -1;
			ld.st = &c->inputs[INPUT_SALES];
		}
	}
	if (!done && rc >= 0) {
		rc = first_pass(&sc, &ld, &dc, dup_check, NULL);
		tune.candidates = dc.ncand;
		if (rc == 0 && dc.ncand)
			rc = settle_candidates(&sc, &ld, &dc) < 0 ? -1 : 0;
	} else if (done) {
		rc = 0;
	}
	if (rc == 0) {
		finish(&sc);
		report_set_aside(&sc, &ld);
	}
	loader_close(&ld);
	dupcheck_release(&dc);
	ctx_release(&sc);
	return rc < 0 ? -1 : 0;
}
