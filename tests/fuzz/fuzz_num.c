/*
 * fuzz_num: libFuzzer harness for the bounded parsers of src/util: numbers,
 * money, whole numbers, dates and reporting periods, all fed the same text.
 *
 * Besides "no crash, no UB", it checks the promises the rest of merit
 * builds on:
 *   - num_parse never returns NUM_OK with a non-finite value;
 *   - a parsed amount of money prints (money_format, both forms) to text
 *     that money_parse reads back to the same cents;
 *   - money_parse and num_parse agree on the value when both accept;
 *   - num_parse_int stays within [min, max];
 *   - a parsed date is within DATE_MIN_YEAR..DATE_MAX_YEAR and its ISO
 *     form parses back to the same day;
 *   - a parsed period is well formed and its label parses back to it.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "util/date.h"
#include "util/num.h"
#include "util/period.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The formats of the shipped config and of exports seen in the wild; %s is
 * seconds since 1970, as some CRMs export timestamps. */
static const char *const formats[] = { "%m/%d/%Y", "%d.%m.%Y", "%Y%m%d", "%d-%b-%Y", "%s" };

static void money_roundtrip(int64_t cents, const char *symbol)
{
	struct strbuf sb = STRBUF_INIT;
	int64_t back = 0;
	money_format(&sb, cents, symbol);
	CHECK(money_parse(sb.buf, &back) == NUM_OK);
	CHECK(back == cents);
	strbuf_release(&sb);
}

static void check_money(const char *s)
{
	int64_t cents;
	double v;
	if (money_parse(s, &cents) != NUM_OK)
		return;
	money_roundtrip(cents, NULL);
	money_roundtrip(cents, "¥");
	money_roundtrip(cents, "$");
	/* The same text as a real: the same amount, give or take the rounding
	 * of the third decimal and the precision of a double. */
	if (num_parse(s, &v) == NUM_OK)
		CHECK(fabs(v * 100.0 - (double)cents) <= 0.51 + fabs(v) * 1e-12);
}

static void check_num(const char *s)
{
	double v = NAN;
	enum num_result r = num_parse(s, &v);
	CHECK(r == NUM_OK || r == NUM_EMPTY || r == NUM_BAD || r == NUM_RANGE);
	if (r == NUM_OK) {
		CHECK(isfinite(v));
		CHECK(isfinite(num_round4(v)));
	}
}

static void check_int(const char *s)
{
	long long v;
	if (num_parse_int(s, 0, 100, &v) == NUM_OK)
		CHECK(v >= 0 && v <= 100);
	if (num_parse_int(s, -(1LL << 40), 1LL << 40, &v) == NUM_OK)
		CHECK(v >= -(1LL << 40) && v <= (1LL << 40));
	num_parse_int(s, INT64_MIN, INT64_MAX, &v);
}

static void check_date(const char *s)
{
	int32_t day, back;
	char iso[16];
	int y, m, d;
	enum date_parse_result r;
	size_t nf;
	for (nf = 0; nf <= sizeof(formats) / sizeof(formats[0]); nf++) {
		r = date_parse(s, formats, nf, &day);
		if (r != DATE_OK)
			continue;
		date_to_ymd(day, &y, &m, &d);
		CHECK(y >= DATE_MIN_YEAR && y <= DATE_MAX_YEAR);
		CHECK(date_valid_ymd(y, m, d));
		CHECK(date_from_ymd(y, m, d) == day);
		date_format_iso(day, iso);
		CHECK(date_parse(iso, NULL, 0, &back) == DATE_OK && back == day);
	}
}

static void check_period(const char *s)
{
	/* A fixed "today" keeps the harness deterministic. */
	int32_t today = date_from_ymd(2026, 11, 3);
	struct period p, again, next;
	double share;
	if (period_parse(s, today, &p) < 0)
		return;
	CHECK(p.first <= p.last);
	CHECK(p.ndays == p.last - p.first + 1);
	CHECK(p.nmonths == 1 || p.nmonths == 3 || p.nmonths == 12);
	CHECK(p.first_month >= 1 && p.first_month + p.nmonths - 1 <= 12);
	CHECK(period_parse(p.label, today, &again) == 0);
	CHECK(again.first == p.first && again.last == p.last && again.kind == p.kind);
	period_next(&p, &next);
	CHECK(next.first == p.last + 1);
	CHECK(period_share(&p, &p) == 1.0);
	share = period_share(&p, &next);
	CHECK(share == 0.0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	check_num(s);
	check_money(s);
	check_int(s);
	check_date(s);
	check_period(s);
	free(s);
	return 0;
}
