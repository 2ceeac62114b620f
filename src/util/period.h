/*
 * period: the reporting period of a run: a month ("2026-10"), a quarter
 * ("2026-Q4") or a year ("2026"), with its first and last day.
 */
#ifndef MERIT_PERIOD_H
#define MERIT_PERIOD_H

#include <stdint.h>

enum period_kind { PERIOD_MONTH, PERIOD_QUARTER, PERIOD_YEAR };

struct period {
	enum period_kind kind;
	int year;
	int first_month;   /* 1..12 */
	int nmonths;       /* 1, 3 or 12 */
	int32_t first, last; /* day numbers, inclusive */
	int ndays;
	char label[32];    /* canonical spelling: "2026-10", "2026-Q4", "2026" */
};

/*
 * Parses "2026-10", "2026-Q4" (q case-insensitive), "2026" or "auto" (the
 * last complete month before `today`). Returns 0, or -1 if s is none of these.
 */
int period_parse(const char *s, int32_t today, struct period *p);

/*
 * The same without "auto": for periods written in data rows (targets,
 * metrics), which must not depend on the day the run happens.
 *
 *   if (period_parse_fixed("2026-Q4", &p) < 0) ...   // "auto" is refused
 */
int period_parse_fixed(const char *s, struct period *p);

/* The period of the same kind that follows p (next month, quarter, year). */
void period_next(const struct period *p, struct period *next);

static inline int period_contains(const struct period *p, int32_t day)
{
	return day >= p->first && day <= p->last;
}

/*
 * How much of period `outer` (a target's period) falls into `inner` (the
 * run's), counted in months: 1/3 for a monthly run and a quarterly target.
 * 0 when they do not overlap; 1 when inner covers outer.
 */
double period_share(const struct period *outer, const struct period *inner);

/* 1 if period `inner` lies entirely inside `outer` (or is it), else 0:
 *   period_within(&october, &q4) == 1, period_within(&q4, &october) == 0 */
int period_within(const struct period *inner, const struct period *outer);

#endif
