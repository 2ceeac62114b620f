/*
 * date: day-number arithmetic and date parsing.
 *
 * The civil-from-days conversions are Howard Hinnant's algorithms: exact for
 * every date, no tables, no time zones.
 */
#include "util/date.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int32_t date_from_ymd(int y, int m, int d)
{
	int era, yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

void date_to_ymd(int32_t days, int *y, int *m, int *d)
{
	long z = (long)days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long dd = doy - (153 * mp + 2) / 5 + 1;
	long mm = mp + (mp < 10 ? 3 : -9);
	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

int date_days_in_month(int y, int m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dim[m - 1];
}

int date_valid_ymd(int y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= date_days_in_month(y, m);
}

void date_format_iso(int32_t days, char out[16])
{
	int y, m, d;
	if (days == DATE_NONE) {
		out[0] = '\0';
		return;
	}
	date_to_ymd(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
		return;
	}
	/* By hand: an .xlsx sheet formats a date per cell, snprintf was 3 % of it. */
	out[0] = (char)('0' + y / 1000), out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10), out[3] = (char)('0' + y % 10), out[4] = '-';
	out[5] = (char)('0' + m / 10), out[6] = (char)('0' + m % 10), out[7] = '-';
	out[8] = (char)('0' + d / 10), out[9] = (char)('0' + d % 10), out[10] = '\0';
}

static enum date_parse_result finish(int y, int m, int d, int32_t *out)
{
	if (!date_valid_ymd(y, m, d))
		return DATE_BAD;
	if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR)
		return DATE_RANGE;
	*out = date_from_ymd(y, m, d);
	return DATE_OK;
}

/* Reads 1..maxd digits; returns chars consumed or 0. */
static int digits(const char *p, int maxd, int *val)
{
	int n = 0, v = 0;
	while (n < maxd && isdigit((unsigned char)p[n]))
		v = v * 10 + (p[n++] - '0');
	*val = v;
	return n;
}

/* A trailing time of day ("T08:30:00", " 8:30", "Z") is accepted and ignored. */
static int only_time_left(const char *p)
{
	if (!*p)
		return 1;
	if (*p != 'T' && *p != ' ')
		return 0;
	for (p++; *p; p++)
		if (!isdigit((unsigned char)*p) && !strchr(":.+-Z ", *p))
			return 0;
	return 1;
}

static enum date_parse_result parse_builtin(const char *s, int32_t *out)
{
	int y, m, d, n;
	const char *p = s;
	n = digits(p, 4, &y);
	if (n != 4)
		return DATE_BAD;
	p += n;
	if (!strncmp(p, "年", 3)) {
		p += 3;
		if (!(n = digits(p, 2, &m)) || strncmp(p + n, "月", 3))
			return DATE_BAD;
		p += n + 3;
		if (!(n = digits(p, 2, &d)))
			return DATE_BAD;
		p += n;
		if (!strncmp(p, "日", 3))
			p += 3;
	} else {
		char sep = *p;
		if (sep != '-' && sep != '/' && sep != '.')
			return DATE_BAD;
		p++;
		if (!(n = digits(p, 2, &m)) || p[n] != sep)
			return DATE_BAD;
		p += n + 1;
		if (!(n = digits(p, 2, &d)))
			return DATE_BAD;
		p += n;
	}
	if (!only_time_left(p))
		return DATE_BAD;
	return finish(y, m, d, out);
}

enum date_parse_result date_parse(const char *s, const char *const *fmts, size_t nfmts,
				  int32_t *out)
{
	char buf[64];
	size_t len, i;
	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!len)
		return DATE_EMPTY;
	if (len >= sizeof(buf))
		return DATE_BAD;
	memcpy(buf, s, len);
	buf[len] = '\0';
	for (i = 0; i < nfmts; i++) {
		struct tm tm;
		const char *end;
		memset(&tm, 0, sizeof(tm));
		end = strptime(buf, fmts[i], &tm);
		if (!end || !only_time_left(end))
			continue;
		/* %s (seconds since 1970) can put tm_year anywhere up to INT_MAX,
		 * where adding 1900 would overflow. */
		if (tm.tm_year < DATE_MIN_YEAR - 1900 || tm.tm_year > DATE_MAX_YEAR - 1900)
			return DATE_RANGE;
		return finish(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, out);
	}
	return parse_builtin(buf, out);
}

int32_t date_today(void)
{
	const char *env = getenv("MERIT_TODAY");
	struct tm tm;
	time_t now;
	int32_t d;
	if (env && date_parse(env, NULL, 0, &d) == DATE_OK)
		return d;
	now = time(NULL);
	localtime_r(&now, &tm);
	return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}
