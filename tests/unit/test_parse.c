/*
 * Unit tests of the parsers every input cell goes through: util/num
 * (numbers, money in cents), util/date and util/period, on the spellings
 * real exports use and the ones that must be refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <math.h>
#include <stdlib.h>

#include "util/date.h"
#include "util/num.h"
#include "util/period.h"
#include "util/strbuf.h"

static void test_num(void **state)
{
	double v;
	(void)state;
	assert_int_equal(num_parse("1,234.5", &v), NUM_OK);
	assert_true(v == 1234.5);
	assert_int_equal(num_parse(" ¥12,345.00 ", &v), NUM_OK);
	assert_true(v == 12345.0);
	assert_int_equal(num_parse("￥8", &v), NUM_OK);
	assert_true(v == 8.0);
	assert_int_equal(num_parse("$3.25", &v), NUM_OK);
	assert_true(v == 3.25);
	assert_int_equal(num_parse("92%", &v), NUM_OK);
	assert_true(fabs(v - 0.92) < 1e-12);
	assert_int_equal(num_parse("(1,234.00)", &v), NUM_OK);
	assert_true(v == -1234.0);
	assert_int_equal(num_parse("-0.5", &v), NUM_OK);
	assert_true(v == -0.5);
	assert_int_equal(num_parse("", &v), NUM_EMPTY);
	assert_int_equal(num_parse("   ", &v), NUM_EMPTY);
	assert_int_equal(num_parse("12,5x", &v), NUM_BAD);
	assert_int_equal(num_parse("abc", &v), NUM_BAD);
	assert_int_equal(num_parse("1e5", &v), NUM_BAD);
	assert_int_equal(num_parse("nan", &v), NUM_BAD);
	assert_int_equal(num_parse("0x10", &v), NUM_BAD);
	assert_int_equal(num_parse("1.2.3", &v), NUM_BAD);
	assert_int_equal(num_parse("(12", &v), NUM_BAD);
	assert_int_equal(num_parse("5%%", &v), NUM_BAD);
}

/*
 * A thousands separator stands before exactly three digits: "12,5" was read
 * as 125 (every comma after a digit was dropped); a decimal comma or a typo
 * must be refused, never turned into another number.
 */
static void test_thousands_separators(void **state)
{
	static const struct { const char *text; int want; double v; } cases[] = {
		{ "1,234,567.89", NUM_OK, 1234567.89 },
		{ "¥12,345.00", NUM_OK, 12345.0 },
		{ "12,345元", NUM_OK, 12345.0 },
		{ "(1,234)", NUM_OK, -1234.0 },
		{ "1,234%", NUM_OK, 12.34 },
		{ " 1,234 ", NUM_OK, 1234.0 },
		{ "1\xEF\xBC\x8C" "234", NUM_OK, 1234.0 },     /* full-width '，' */
		{ "999", NUM_OK, 999.0 },
		{ "12,5", NUM_BAD, 0 },
		{ "1,2345", NUM_BAD, 0 },
		{ "1,23", NUM_BAD, 0 },
		{ "1,234,56", NUM_BAD, 0 },
		{ "1,234,5678.00", NUM_BAD, 0 },
		{ "1234,567", NUM_BAD, 0 },
		{ "1,,234", NUM_BAD, 0 },
		{ "1,234 5", NUM_BAD, 0 },
		{ "12,5%", NUM_BAD, 0 },
		{ "(12,5)", NUM_BAD, 0 },
		{ "¥12,5", NUM_BAD, 0 },
		{ "12\xEF\xBC\x8C" "5", NUM_BAD, 0 },
		{ "1,234.5,6", NUM_BAD, 0 },
	};
	size_t i;
	double v;
	int64_t c;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = num_parse(cases[i].text, &v);
		if (rc != cases[i].want)
			fail_msg("num_parse('%s') = %d, wanted %d", cases[i].text, rc, cases[i].want);
		if (rc == NUM_OK && fabs(v - cases[i].v) > 1e-9)
			fail_msg("num_parse('%s') = %g, wanted %g", cases[i].text, v, cases[i].v);
	}
	assert_int_equal(money_parse("¥1,234,567.89", &c), NUM_OK);
	assert_int_equal(c, 123456789);
	assert_int_equal(money_parse("12,5", &c), NUM_BAD);
	assert_int_equal(money_parse("1,2345.00", &c), NUM_BAD);
}

static void test_money(void **state)
{
	int64_t c;
	(void)state;
	assert_int_equal(money_parse("1.005", &c), NUM_OK);
	assert_int_equal(c, 101);                   /* half away from zero, exactly */
	assert_int_equal(money_parse("-1.005", &c), NUM_OK);
	assert_int_equal(c, -101);
	assert_int_equal(money_parse("0.1", &c), NUM_OK);
	assert_int_equal(c, 10);
	assert_int_equal(money_parse("¥12,345.67", &c), NUM_OK);
	assert_int_equal(c, 1234567);
	assert_int_equal(money_parse("(1,200.00)", &c), NUM_OK);
	assert_int_equal(c, -120000);
	assert_int_equal(money_parse("12345.004", &c), NUM_OK);
	assert_int_equal(c, 1234500);
	assert_int_equal(money_parse("CNY 9500", &c), NUM_OK);
	assert_int_equal(c, 950000);
	assert_int_equal(money_parse("50%", &c), NUM_BAD);
	assert_int_equal(money_parse("12,5x", &c), NUM_BAD);
	assert_int_equal(money_parse("", &c), NUM_EMPTY);
	assert_int_equal(money_parse("99999999999999999999", &c), NUM_RANGE);
}

/*
 * One double for the num_format_g16 comparison, of kind i % 9, from the
 * random bits x and y: the kinds a workbook holds and the hard cases of
 * exact decimal rounding.
 */
static double g16_case(size_t i, uint64_t x, uint64_t y)
{
	union { uint64_t u; double d; } b;
	double v, p;
	switch (i % 9) {
	case 0:   /* any bits with an exponent from 2^-15 to 2^54: 1e-4 to 1e16 and past */
		b.u = (x & 0xFFFFFFFFFFFFFULL) | ((uint64_t)(1023 - 15 + y % 70) << 52);
		return b.d;
	case 1:   /* any bits at all: subnormals, tiny, huge, inf, NaN decline */
		b.u = x;
		return b.d;
	case 2:   /* a decimal of 1-8 places: ratios, normalised scores, cents */
		return (double)(x % 10000000000000000ULL >> (y % 40)) / pow(10, (double)(1 + y % 8));
	case 3:   /* integers to 10^16 */
		return (double)(x % 10000000000000000ULL >> (y % 50));
	case 4:   /* a few ulps from a power of ten, 1e-5 to 1e17 */
		v = pow(10, (double)(y % 23) - 5);
		for (p = (double)(x % 9); p > 0; p--)
			v = nextafter(v, (x >> 8) & 1 ? INFINITY : 0);
		return v;
	case 5:   /* 17 significant digits ending in 5: a decimal tie at the 17th */
		v = (double)((x % 1000000000000000ULL + 100000000000000000ULL / 100) * 10 + 5);
		return v / pow(10, (double)(y % 22));
	case 6:   /* its neighbours, an ulp or two each side */
		v = (double)((x % 1000000000000000ULL + 1000000000000000ULL) * 10 + 5) / pow(10, (double)(y % 22));
		return nextafter(nextafter(v, (x >> 7) & 1 ? INFINITY : 0), (x >> 6) & 1 ? INFINITY : 0);
	case 7:   /* m / 2^t: exact binary ties of the 17th digit (123456789012345.25) */
		return ldexp((double)(x >> 11), -(int)(y % 60));
	default:  /* num_round4 scores and 1 / n */
		return (y & 1) ? num_round4((double)(x % 1000000000ULL) / 1e6) : 1.0 / (double)(x % 100000 + 1);
	}
}

/* num_format_g16 writes what printf("%.16G") does, byte for byte, for every
 * double from 1e-4 to below 1e15 (and on to 1e16), or declines with 0:
 * 2.7 million seeded values here (about 3 s), MERIT_G16_COUNT=N and
 * MERIT_G16_SEED=S for a longer run by hand. */
static void test_format_g16(void **state)
{
	const char *cnt = getenv("MERIT_G16_COUNT"), *seed = getenv("MERIT_G16_SEED");
	uint64_t x = 88172645463325252ULL, y = 0x2545F4914F6CDD1DULL;
	size_t i, count = cnt ? strtoull(cnt, NULL, 10) : 2700000, fast = 0, inrange = 0;
	char want[400], got[32];
	(void)state;
	if (seed)
		x ^= strtoull(seed, NULL, 10) * 0x9E3779B97F4A7C15ULL;
	for (i = 0; i < count; i++) {
		double v;
		size_t n;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		y ^= y << 13, y ^= y >> 7, y ^= y << 17;
		v = g16_case(i, x, y);
		if ((y >> 60) & 1)
			v = -v;
		snprintf(want, sizeof(want), "%.16G", v);
		n = num_format_g16(v, got);
		if (fabs(v) >= 1e-4 && fabs(v) < 1e15) {
			inrange++;
			if (!n)
				fail_msg("num_format_g16(%.17g) declined, printf says '%s'", v, want);
		}
		if (n) {
			fast++;
			if (n != strlen(want) || strcmp(got, want))
				fail_msg("num_format_g16(%.17g) = '%s', printf says '%s'", v, got, want);
		} else if (!strchr(want, 'E') && !strchr(want, 'N') && !strchr(want, 'I')) {
			fail_msg("num_format_g16(%.17g) declined a fixed '%s'", v, want);
		}
	}
	if (cnt)
		print_message("num_format_g16: %zu values, %zu in range, %zu written, all as printf\n",
			      count, inrange, fast);
	assert_true(inrange > count / 2);
	assert_int_equal(num_format_g16(1.0 / 3, got), 18);
	assert_string_equal(got, "0.3333333333333333");
	assert_int_equal(num_format_g16(0.1 + 0.2, got), 3);   /* 16 digits of it are 0.3 */
	assert_string_equal(got, "0.3");
	assert_int_equal(num_format_g16(-0.0, got), 2);
	assert_string_equal(got, "-0");
	/* 99999999999.99999 is 99999999999.9999847.. in binary: 16 digits end in 8
	 * (the old four-decimal path declined it after rounding to 10^15) */
	assert_int_equal(num_format_g16(99999999999.99999, got), 17);
	assert_string_equal(got, "99999999999.99998");
	/* ties of the 17th digit go to the even 16th, as glibc's printf */
	assert_int_equal(num_format_g16(1234567890123456.5, got), 16);
	assert_string_equal(got, "1234567890123456");
	assert_int_equal(num_format_g16(123456789012345.75, got), 17);
	assert_string_equal(got, "123456789012345.8");
	/* 1 - 2^-53, the double below 1: sixteen nines (0.99999999999999988..) */
	assert_int_equal(num_format_g16(nextafter(1.0, 0), got), 18);
	assert_string_equal(got, "0.9999999999999999");
	/* from 0.1's guess of X = -1 to X = -2: 0.09999999999999999167.. */
	assert_int_equal(num_format_g16(nextafter(0.1, 0), got), 19);
	assert_string_equal(got, "0.09999999999999999");
	assert_int_equal(num_format_g16(1.06925, got), 7);
	assert_string_equal(got, "1.06925");
	assert_int_equal(num_format_g16(0.0001, got), 6);
	assert_string_equal(got, "0.0001");
	assert_int_equal(num_format_g16(-0.0001234, got), 10);
	assert_string_equal(got, "-0.0001234");
	assert_int_equal(num_format_g16(0.0000999, got), 0);          /* 9.99E-05 */
	assert_int_equal(num_format_g16(1e16, got), 0);               /* 1E+16 */
	assert_int_equal(num_format_g16(9999999999999998.0, got), 16);
	assert_string_equal(got, "9999999999999998");
}

/* num_add_round4 appends what printf("%.4f", num_round4(x)) does, byte for
 * byte: on random bits, scores with 1-8 decimals, values next to a half at
 * the fifth decimal, tiny negatives, and past the exact range (1e11). */
static void test_format_round4(void **state)
{
	uint64_t x = 0x9E3779B97F4A7C15ULL;
	size_t i;
	char want[400];
	struct strbuf got = STRBUF_INIT;
	(void)state;
	for (i = 0; i < 1000000; i++) {
		double v;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		switch (i % 6) {
		case 0: { union { uint64_t u; double d; } u = { x }; v = isfinite(u.d) ? u.d : 2.5; break; }
		case 1: v = (double)(x % 100000000000ULL) / pow(10, (double)(1 + (x >> 59) % 8)); break;
		case 2: v = ((double)(x % 2000000) + 0.5) / 1e5; break;     /* x.xxxx5 */
		case 3: v = nextafter(((double)(x % 2000000) + 0.5) / 1e5, (x >> 40) & 1 ? 1e300 : -1e300); break;
		case 4: v = (double)(x % 1000) * 1e-7; break;               /* 0 to 0.0001 */
		default: v = (double)(x % 1000000000000000000ULL) / pow(10, (double)((x >> 58) % 10)); break;
		}
		if (x & 2)
			v = -v;
		strbuf_reset(&got);
		num_add_round4(&got, v);
		snprintf(want, sizeof(want), "%.4f", num_round4(v));
		if (got.len != strlen(want) || strcmp(got.buf, want))
			fail_msg("num_add_round4(%.17g) = '%s', printf says '%s'", v, got.buf, want);
	}
	/* -0.00004 rounds to q = -0: num_round4 makes it 0, not "-0.0000". */
	strbuf_reset(&got);
	num_add_round4(&got, -0.00004);
	assert_string_equal(got.buf, "0.0000");
	strbuf_reset(&got);
	num_add_round4(&got, -0.0001);     /* q = -1 */
	assert_string_equal(got.buf, "-0.0001");
	strbuf_reset(&got);
	num_add_round4(&got, 1.06925);     /* 10692.5 -> 10693: away from 0 */
	assert_string_equal(got.buf, "1.0693");
	strbuf_reset(&got);
	num_add_round4(&got, -812000);
	assert_string_equal(got.buf, "-812000.0000");
	/* q = 1e15 is past the proof: printf's 100000000000.0000 */
	strbuf_reset(&got);
	num_add_round4(&got, 1e11);
	assert_string_equal(got.buf, "100000000000.0000");
	strbuf_release(&got);
}

/* The currencies and signs exports are kept in beyond yuan and dollars. */
static void test_money_currencies(void **state)
{
	static const struct { const char *text; int want; int64_t cents; } cases[] = {
		{ "€1,234.56", NUM_OK, 123456 },     { "1,234.56 €", NUM_OK, 123456 },
		{ "£99", NUM_OK, 9900 },             { "HK$1,000", NUM_OK, 100000 },
		{ "US$ 1,000.50", NUM_OK, 100050 },  { "EUR 12.00", NUM_OK, 1200 },
		{ "＄100", NUM_OK, 10000 },          { "5000円", NUM_OK, 500000 },
		{ "1,234.00-", NUM_OK, -123400 },    /* SAP's trailing minus */
		{ "CHF 1'234.50", NUM_OK, 123450 },  { "1’234.50", NUM_OK, 123450 },
		{ "1\xC2\xA0" "234.56", NUM_OK, 123456 }, /* a no-break space groups */
		{ "-1.00-", NUM_BAD, 0 },            { "1.00-2", NUM_BAD, 0 },
		{ "2026-10-05", NUM_BAD, 0 },        { "1'23.00", NUM_BAD, 0 },
		{ "E12", NUM_BAD, 0 },
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t c = 0;
		int rc = money_parse(cases[i].text, &c);
		if (rc != cases[i].want || (rc == NUM_OK && c != cases[i].cents))
			fail_msg("money_parse('%s') = %d, %lld cents; wanted %d, %lld", cases[i].text,
				 rc, (long long)c, cases[i].want, (long long)cases[i].cents);
	}
}

/*
 * money_parse()'s shortcut for plain amounts against the long way
 * (money_parse_full), on random texts made of what amounts hold: every
 * result and every cent the same, and the shortcut taken for most.
 */
static void test_money_shortcut_matches(void **state)
{
	static const char *const bits[] = {
		"0", "1", "5", "9", "12", "345", "999", ",", ",", ".", "-", "-", "+", "$",
		"\xC2\xA5", "\xEF\xBF\xA5", "(", ")", " ", "%", "x", "0000000", "4999",
	};
	unsigned long seed = 7;
	int iter, plain = 0;
	(void)state;
	for (iter = 0; iter < 200000; iter++) {
		struct strbuf text = STRBUF_INIT;
		int64_t a = 0, b = 0;
		enum num_result ra, rb;
		int k, nbits;
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		nbits = 1 + (int)((seed >> 33) % 9);
		for (k = 0; k < nbits; k++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			/* Mostly digits and commas: plain amounts, the shortcut's. */
			strbuf_addstr(&text, bits[(seed >> 33) %
					  (iter % 3 ? 11 : sizeof(bits) / sizeof(bits[0]))]);
		}
		ra = money_parse(text.buf, &a);
		rb = money_parse_full(text.buf, &b);
		if (ra != rb || (ra == NUM_OK && a != b))
			fail_msg("'%s': %d %lld, the long way %d %lld", text.buf, ra, (long long)a,
				 rb, (long long)b);
		{
			int64_t c = 0;
			plain += money_parse_plain(text.buf, &c);
		}
		strbuf_release(&text);
	}
	assert_true(plain > 20000);   /* the shortcut itself read most of them */
	/* The shortcut's bound, 15 whole digits: 999...9 x 100 + 99 + 1
	 * (the third decimal rounds up) = 10^17; 16 digits go the long way. */
	{
		int64_t c;
		assert_int_equal(money_parse("999,999,999,999,999.995", &c), NUM_OK);
		assert_true(c == 100000000000000000LL);
		assert_int_equal(money_parse_plain("999,999,999,999,999.995", &c), 1);
		assert_int_equal(money_parse("1234567890123456.78", &c), NUM_OK);
		assert_true(c == 123456789012345678LL);
		assert_int_equal(money_parse_plain("1234567890123456.78", &c), 0);
	}
}

static int32_t ymd(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

static void test_date(void **state)
{
	/* us: with the INI's date_format = %m/%d/%Y (tried first, the
	 * built-ins still work); y 0: the day is not checked. */
	static const struct { const char *text; int us, want, y, m, d; } cases[] = {
		{ "2026-10-05", 0, DATE_OK, 2026, 10, 5 },
		{ "2026/10/05", 0, DATE_OK, 2026, 10, 5 },
		{ "2026.10.5", 0, DATE_OK, 2026, 10, 5 },
		{ "2026年10月5日", 0, DATE_OK, 2026, 10, 5 },
		{ "2026-10-05T08:30:00", 0, DATE_OK, 2026, 10, 5 },
		{ "10/05/2026", 1, DATE_OK, 2026, 10, 5 },
		{ "2026-01-31", 1, DATE_OK, 2026, 1, 31 },
		{ "10/05/2026", 0, DATE_BAD, 0, 0, 0 },
		{ "2026-02-30", 0, DATE_BAD, 0, 0, 0 },
		{ "2024-02-29", 0, DATE_OK, 0, 0, 0 },
		{ "2026-13-01", 0, DATE_BAD, 0, 0, 0 },
		{ "1850-01-01", 0, DATE_RANGE, 0, 0, 0 },
		{ "2200-01-01", 0, DATE_RANGE, 0, 0, 0 },
		{ "  ", 0, DATE_EMPTY, 0, 0, 0 },
		{ "soon", 0, DATE_BAD, 0, 0, 0 },
	};
	const char *us[] = { "%m/%d/%Y" };
	const char *epoch[] = { "%s" };
	int32_t d;
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = date_parse(cases[i].text, cases[i].us ? us : NULL, cases[i].us, &d);
		if (rc != cases[i].want)
			fail_msg("date_parse('%s') = %d, wanted %d", cases[i].text, rc, cases[i].want);
		if (cases[i].y)
			assert_int_equal(d, ymd(cases[i].y, cases[i].m, cases[i].d));
	}
	/*
	 * Seconds since 1970 (date_format = %s): 2026-09-21 00:00 UTC parses;
	 * a number so large that its year is near INT_MAX used to overflow
	 * tm_year + 1900 (found while writing tests/fuzz/fuzz_num) and is now
	 * simply out of range.
	 */
	setenv("TZ", "UTC", 1);
	assert_int_equal(date_parse("1790000000", epoch, 1, &d), DATE_OK);
	assert_int_equal(d, date_from_ymd(2026, 9, 21));
	assert_int_equal(date_parse("67768036191676799", epoch, 1, &d), DATE_RANGE);
	assert_int_equal(date_from_ymd(1970, 1, 1), 0);
}

static void test_period(void **state)
{
	struct period p;
	(void)state;
	assert_int_equal(period_parse("auto", ymd(2026, 1, 15), &p), 0);
	assert_string_equal(p.label, "2025-12");
	assert_int_equal(p.first, ymd(2025, 12, 1));
	assert_int_equal(p.last, ymd(2025, 12, 31));
	assert_int_equal(period_parse("2026-Q4", 0, &p), 0);
	assert_int_equal(p.first, ymd(2026, 10, 1));
	assert_int_equal(p.last, ymd(2026, 12, 31));
	assert_int_equal(p.ndays, 92);
	assert_int_equal(period_parse("2026-q1", 0, &p), 0);
	assert_string_equal(p.label, "2026-Q1");
	assert_int_equal(p.ndays, 90);
	assert_int_equal(period_parse("2024-02", 0, &p), 0);
	assert_int_equal(p.ndays, 29);
	assert_int_equal(period_parse("2026", 0, &p), 0);
	assert_int_equal(p.ndays, 365);
	assert_true(period_contains(&p, ymd(2026, 12, 31)));
	assert_false(period_contains(&p, ymd(2027, 1, 1)));
	assert_int_equal(period_parse("2026-13", 0, &p), -1);
	assert_int_equal(period_parse("2026-Q5", 0, &p), -1);
	assert_int_equal(period_parse("26-10", 0, &p), -1);
	assert_int_equal(period_parse("", 0, &p), -1);
}

/* A data row's period never depends on today's date: "auto" is only for
 * [run] period. */
static void test_period_fixed(void **state)
{
	struct period p;
	(void)state;
	assert_int_equal(period_parse_fixed("auto", &p), -1);
	assert_int_equal(period_parse_fixed("AUTO", &p), -1);
	assert_int_equal(period_parse_fixed("2026-10", &p), 0);
	assert_string_equal(p.label, "2026-10");
	assert_int_equal(period_parse_fixed("2026-q4", &p), 0);
	assert_string_equal(p.label, "2026-Q4");
	assert_int_equal(period_parse_fixed("2026", &p), 0);
	assert_int_equal(p.nmonths, 12);
	assert_int_equal(period_parse_fixed("2026-13", &p), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_num),
		cmocka_unit_test(test_thousands_separators),
		cmocka_unit_test(test_money),
		cmocka_unit_test(test_money_currencies),
		cmocka_unit_test(test_format_g16),
		cmocka_unit_test(test_format_round4),
		cmocka_unit_test(test_money_shortcut_matches),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_period_fixed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
