/*
 * period: parsing and arithmetic of reporting periods.
 */
#include "util/period.h"
#include "util/date.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static void period_fill(struct period *p, enum period_kind kind, int year, int first_month)
{
	int last_month;
	p->kind = kind;
	p->year = year;
	p->first_month = first_month;
	p->nmonths = kind == PERIOD_MONTH ? 1 : kind == PERIOD_QUARTER ? 3 : 12;
	last_month = first_month + p->nmonths - 1;
	p->first = date_from_ymd(year, first_month, 1);
	p->last = date_from_ymd(year, last_month, date_days_in_month(year, last_month));
	p->ndays = p->last - p->first + 1;
	if (kind == PERIOD_MONTH)
		snprintf(p->label, sizeof(p->label), "%04d-%02d", year, first_month);
	else if (kind == PERIOD_QUARTER)
		snprintf(p->label, sizeof(p->label), "%04d-Q%d", year, (first_month - 1) / 3 + 1);
	else
		snprintf(p->label, sizeof(p->label), "%04d", year);
}

static int all_digits(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int period_parse(const char *s, int32_t today, struct period *p)
{
	if (!strcmp(s, "auto")) {
		int y, m, d;
		date_to_ymd(today, &y, &m, &d);
		if (--m == 0) {
			m = 12;
			y--;
		}
		period_fill(p, PERIOD_MONTH, y, m);
		return 0;
	}
	return period_parse_fixed(s, p);
}

int period_parse_fixed(const char *s, struct period *p)
{
	size_t len = strlen(s);
	int year;
	if (len < 4 || !all_digits(s, 4))
		return -1;
	year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	if (year < DATE_MIN_YEAR || year > DATE_MAX_YEAR)
		return -1;
	if (len == 4) {
		period_fill(p, PERIOD_YEAR, year, 1);
		return 0;
	}
	if (s[4] != '-')
		return -1;
	if (len == 7 && (s[5] == 'Q' || s[5] == 'q') && s[6] >= '1' && s[6] <= '4') {
		period_fill(p, PERIOD_QUARTER, year, (s[6] - '1') * 3 + 1);
		return 0;
	}
	if (len == 7 && all_digits(s + 5, 2)) {
		int m = (s[5] - '0') * 10 + (s[6] - '0');
		if (m < 1 || m > 12)
			return -1;
		period_fill(p, PERIOD_MONTH, year, m);
		return 0;
	}
	return -1;
}

void period_next(const struct period *p, struct period *next)
{
	int m = p->first_month + p->nmonths, y = p->year;
	if (m > 12) {
		m -= 12;
		y++;
	}
	period_fill(next, p->kind, y, m);
}

double period_share(const struct period *outer, const struct period *inner)
{
	int o0 = outer->year * 12 + outer->first_month - 1, o1 = o0 + outer->nmonths;
	int i0 = inner->year * 12 + inner->first_month - 1, i1 = i0 + inner->nmonths;
	int lo = o0 > i0 ? o0 : i0, hi = o1 < i1 ? o1 : i1;
	if (hi <= lo)
		return 0.0;
	return (double)(hi - lo) / outer->nmonths;
}

int period_within(const struct period *inner, const struct period *outer)
{
	return inner->first >= outer->first && inner->last <= outer->last;
}
