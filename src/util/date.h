/*
 * date: calendar dates as whole days since 1970-01-01 (proleptic Gregorian),
 * and the date formats that real HR and CRM exports use.
 *
 * A day number is a plain int32_t: comparing and subtracting dates is integer
 * arithmetic, and no time zone is ever involved. DATE_NONE marks "no date".
 */
#ifndef MERIT_DATE_H
#define MERIT_DATE_H

#include <stddef.h>
#include <stdint.h>

#define DATE_NONE INT32_MIN
/* Dates outside [1900-01-01, 2199-12-31] are rejected as not sensible. */
#define DATE_MIN_YEAR 1900
#define DATE_MAX_YEAR 2199

int32_t date_from_ymd(int y, int m, int d);
void date_to_ymd(int32_t days, int *y, int *m, int *d);
int date_days_in_month(int y, int m);
int date_valid_ymd(int y, int m, int d);

/* Writes "YYYY-MM-DD" (11 bytes with the NUL); "" for DATE_NONE. */
void date_format_iso(int32_t days, char out[16]);

enum date_parse_result {
	DATE_OK = 0,
	DATE_EMPTY = 1,     /* blank cell: a missing value, not an error */
	DATE_BAD = -1,      /* matches no format */
	DATE_RANGE = -2,    /* a real date, but outside the sensible range */
};

/*
 * Parses s (surrounding white space ignored). The strptime(3) formats in
 * fmts are tried first, then the built-ins: 2026-10-05, 2026/10/05,
 * 2026.10.05, 2026年10月5日, each optionally followed by a time of day
 * ("T08:30", " 08:30:00"), which is ignored.
 */
enum date_parse_result date_parse(const char *s, const char *const *fmts, size_t nfmts,
				  int32_t *out);

/* Today's local date; MERIT_TODAY=YYYY-MM-DD in the environment overrides it
 * (for tests and for re-running a past month's cron job). */
int32_t date_today(void);

#endif
