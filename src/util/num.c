/*
 * num: number and money parsing and money formatting.
 *
 * Both parsers first normalise the text into a plain "[-]digits[.digits]"
 * string (stripping separators, signs and currency), then convert: strtod
 * for reals, integer arithmetic for cents.
 */
#include "util/num.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* UTF-8 and ASCII currency markers, skipped wherever they stand: the
 * signs and ISO codes of the currencies exports are kept in (a prefixed
 * dollar before the plain one). No-break spaces (U+00A0, U+202F: French
 * "1 234,56") are skipped as spaces are. */
static const char *const currency[] = {
	"¥", "￥", "元", "円", "€", "£", "₹", "₩", "＄", "US$", "HK$", "NT$", "S$", "A$", "C$",
	"R$", "$", "CNY", "RMB", "USD", "EUR", "GBP", "HKD", "JPY", "SGD", "AUD", "CAD", "CHF",
	"TWD", "KRW", "INR", "\xC2\xA0", "\xE2\x80\xAF",
};

static size_t skip_currency(const char *p)
{
	size_t i;
	/* Fast exit for digits and separators: this runs once per character of
	 * every number in a million-row export. The first bytes of every marker. */
	if (!*p || !strchr("\xC2\xE2\xE5\xEF$ACEGHIJKNRSTU", *p))
		return 0;
	for (i = 0; i < sizeof(currency) / sizeof(currency[0]); i++) {
		size_t n = strlen(currency[i]);
		if (!strncmp(p, currency[i], n))
			return n;
	}
	return 0;
}

/*
 * Thousands grouping: `run` counts the digits since the start or the last
 * separator, `grouped` is set by the first separator. A separator needs 1-3
 * digits before it (the first) or exactly 3 (the others), and the last
 * group ends after exactly 3 digits: "12,5" is a decimal comma or a typo,
 * never 125, so it is refused rather than guessed.
 */
#define GROUP_OPEN 0     /* no separator yet */
#define GROUP_IN 1       /* inside a group after a separator */
#define GROUP_CLOSED 2   /* the integer part ended; no digit may follow */

static int separator_ok(int state, int run)
{
	return state == GROUP_OPEN ? run >= 1 && run <= 3 : state == GROUP_IN && run == 3;
}

static size_t separator_len(const char *p)
{
	if (*p == ',' || *p == '\'')           /* Swiss 1'234.50 */
		return 1;
	if (!strncmp(p, "\xE2\x80\x99", 3))   /* 1’234.50, a typographic apostrophe */
		return 3;
	if (!strncmp(p, "\xEF\xBC\x8C", 3))   /* full-width comma U+FF0C */
		return 3;
	return 0;
}

/*
 * Normalises s into out ("-123.45"); sets *percent if a trailing % was seen.
 * Returns NUM_OK, NUM_EMPTY or NUM_BAD.
 */
static enum num_result normalise(const char *s, char *out, size_t outsz, int *percent)
{
	const char *p = s;
	size_t n = 0, sep;
	int neg = 0, paren = 0, seen_digit = 0, seen_dot = 0, seen_sign = 0, trailing = 0;
	int group = GROUP_OPEN, run = 0;
	*percent = 0;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return NUM_EMPTY;
	for (;;) {
		size_t c;
		if (!*p)
			break;
		/* Digits and separators first: most of every amount. Nothing
		 * below takes them before these two branches would. */
		if (isdigit((unsigned char)*p)) {
			if (paren == 2 || *percent || trailing)
				return NUM_BAD;   /* nothing but currency may follow ')', '%', a trailing '-' */
			if (n + 2 >= outsz)
				return NUM_BAD;
			if (group == GROUP_CLOSED && !seen_dot)
				return NUM_BAD;   /* "1,234 5" */
			if (!n && neg)
				out[n++] = '-';
			out[n++] = *p++;
			seen_digit = 1;
			run++;
			continue;
		}
		if ((sep = separator_len(p)) && seen_digit && !seen_dot) {
			if (paren == 2 || *percent || trailing || !separator_ok(group, run))
				return NUM_BAD;
			group = GROUP_IN;
			run = 0;
			p += sep;
			continue;
		}
		/* Anything but a digit or a separator ends a thousands group
		 * (inside one, both were taken above). */
		if (group == GROUP_IN) {
			if (run != 3)
				return NUM_BAD;
			group = GROUP_CLOSED;
		}
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if ((c = skip_currency(p))) {
			p += c;
			continue;
		}
		if (*p == '(' && !seen_digit && !paren && !seen_sign) {
			paren = 1;
			p++;
			continue;
		}
		if (*p == ')' && paren == 1 && seen_digit) {
			paren = 2;
			p++;
			continue;
		}
		if ((*p == '-' || *p == '+') && !seen_digit && !seen_sign && !paren) {
			neg = *p == '-';
			seen_sign = 1;
			p++;
			continue;
		}
		if (*p == '-' && seen_digit && !seen_sign && !paren) {
			trailing = 1;       /* SAP, DATEV: "1,234.00-" */
			seen_sign = 1;
			p++;
			continue;
		}
		if (*p == '%' && seen_digit && !*percent) {
			*percent = 1;
			p++;
			continue;
		}
		if (paren == 2 || *percent || trailing)
			return NUM_BAD;   /* nothing but currency may follow ')', '%', a trailing '-' */
		if (*p == '.' && !seen_dot) {
			if (n + 3 >= outsz)
				return NUM_BAD;
			if (!seen_digit) {
				if (neg)
					out[n++] = '-';
				out[n++] = '0';
			}
			out[n++] = '.';
			seen_dot = 1;
			p++;
			continue;
		}
		return NUM_BAD;
	}
	if (!seen_digit || paren == 1 || (group == GROUP_IN && run != 3))
		return NUM_BAD;
	if (paren == 2 || trailing) {
		if (neg)
			return NUM_BAD;
		memmove(out + 1, out, n);
		out[0] = '-';
		n++;
	}
	out[n] = '\0';
	return NUM_OK;
}

enum num_result num_parse(const char *s, double *out)
{
	char buf[128], *end;
	int percent;
	double v;
	enum num_result r = normalise(s, buf, sizeof(buf), &percent);
	if (r != NUM_OK)
		return r;
	errno = 0;
	v = strtod(buf, &end);
	if (*end)
		return NUM_BAD;
	if (errno == ERANGE || !isfinite(v))
		return NUM_RANGE;
	*out = percent ? v / 100.0 : v;
	return NUM_OK;
}

/*
 * The cents of the decimals at *p (the digits after the point): the first
 * two, and one more when the third is 5 or over (half away from zero, the
 * sign applied after). *p moves past them; *n counts them.
 */
static int64_t decimal_cents(const char **p, size_t *n)
{
	const char *q = *p;
	int64_t c = 0;
	for (; *q >= '0' && *q <= '9'; q++) {
		size_t k = (size_t)(q - *p);
		if (k == 0)
			c += (*q - '0') * 10;
		else if (k == 1)
			c += *q - '0';
		else if (k == 2)
			c += *q >= '5';
	}
	*n = (size_t)(q - *p);
	*p = q;
	return c;
}

/*
 * The usual amount, read in one pass: an optional '-', '¥', '￥' or '$'
 * (each at most once, either order), then digits, grouped by ',' in threes
 * or not at all, then '.' and decimals, nothing else. The same cents as
 * normalise() and the conversion below (at most 15 whole digits, so no
 * total is out of range; 60 decimals, so no buffer is too short); 0 for
 * anything else, which goes the long way.
 */
int money_parse_plain(const char *s, int64_t *cents)
{
	const unsigned char *p = (const unsigned char *)s;
	int neg = 0, cur = 0, digits = 0, groups = 0, run = 0, k;
	size_t n;
	int64_t v = 0;
	for (k = 0; k < 2; k++) {
		if (*p == '-' && !neg) {
			neg = 1;
			p++;
		} else if (!cur && (*p == '$' || (p[0] == 0xC2 && p[1] == 0xA5))) {
			cur = 1;
			p += *p == '$' ? 1 : 2;
		} else if (!cur && p[0] == 0xEF && p[1] == 0xBF && p[2] == 0xA5) {
			cur = 1;
			p += 3;
		}
	}
	for (;; p++) {
		if (*p >= '0' && *p <= '9') {
			if (++digits > 15)
				return 0;
			v = v * 10 + (*p - '0');
			run++;
		} else if (*p == ',' && separator_ok(groups ? GROUP_IN : GROUP_OPEN, run)) {
			groups++;
			run = 0;
		} else {
			break;
		}
	}
	if (!digits || (groups && run != 3))
		return 0;
	v *= 100;
	if (*p == '.') {
		const char *q = (const char *)p + 1;
		v += decimal_cents(&q, &n);
		if (n > 60)
			return 0;
		p = (const unsigned char *)q;
	}
	if (*p)
		return 0;
	*cents = neg ? -v : v;
	return 1;
}

enum num_result money_parse(const char *s, int64_t *cents)
{
	return money_parse_plain(s, cents) ? NUM_OK : money_parse_full(s, cents);
}

enum num_result money_parse_full(const char *s, int64_t *cents)
{
	char buf[128];
	const char *p;
	int percent, neg = 0;
	size_t n;
	int64_t v = 0;
	enum num_result r = normalise(s, buf, sizeof(buf), &percent);
	if (r != NUM_OK)
		return r;
	if (percent)
		return NUM_BAD;
	p = buf;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (; *p && *p != '.'; p++) {
		if (v > (INT64_MAX / 100 - 9) / 10)
			return NUM_RANGE;
		v = v * 10 + (*p - '0');
	}
	v *= 100;
	if (*p == '.') {
		p++;
		v += decimal_cents(&p, &n);
	}
	*cents = neg ? -v : v;
	return NUM_OK;
}

enum num_result num_parse_int(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;
	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return NUM_EMPTY;
	errno = 0;
	v = strtoll(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (end == s || *end)
		return NUM_BAD;
	if (errno == ERANGE || v < min || v > max)
		return NUM_RANGE;
	*out = v;
	return NUM_OK;
}

/*
 * round(a x 10^k) for a = m x 2^e (m < 2^53), exactly: m x 5^k < 2^53 x 5^20
 * < 2^100 fits 128 bits, and the factor 2^k joins 2^e as one shift. What a
 * right shift drops decides the rounding: past half up, exactly half to
 * the even neighbour, as glibc's printf does in the default rounding mode
 * (printf("%.0f", 2.5) is "2"; "%.16G" of 1234567890123456.5 ends in 6,
 * of ...457.5 in 8).
 */
__extension__ typedef unsigned __int128 u128;

static uint64_t scale_round(uint64_t m, int e, int k)
{
	static const uint64_t pow5[21] = {
		1ULL, 5ULL, 25ULL, 125ULL, 625ULL, 3125ULL, 15625ULL, 78125ULL, 390625ULL,
		1953125ULL, 9765625ULL, 48828125ULL, 244140625ULL, 1220703125ULL,
		6103515625ULL, 30517578125ULL, 152587890625ULL, 762939453125ULL,
		3814697265625ULL, 19073486328125ULL, 95367431640625ULL,
	};
	u128 p = (u128)m * pow5[k], half, rest;
	int sh = -(e + k);
	uint64_t n;
	if (sh <= 0)
		return (uint64_t)(p << -sh);   /* an integer: a x 10^k < 10^17 here */
	n = (uint64_t)(p >> sh);
	half = (u128)1 << (sh - 1);
	rest = p & ((half << 1) - 1);
	return n + (rest > half || (rest == half && (n & 1)));
}

/* "00" to "99": decimal digits written two at a time. */
static const char digit_pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* The 8 decimal digits of v < 10^8. */
static void put8(char *out, uint32_t v)
{
	int i;
	for (i = 6; i >= 0; i -= 2, v /= 100)
		memcpy(out + i, digit_pairs + 2 * (v % 100), 2);
}

/*
 * "%.16G" rounds v to 16 significant digits, N x 10^(X-15) with N in
 * [10^15, 10^16), and prints it in fixed notation when -4 <= X < 16, with
 * 15 - X decimals, trailing zeros and a bare point dropped. X is found from
 * v's binary exponent (floor(E log10 2) or one more, told apart by a power
 * of ten); N = round(|v| x 10^(15-X)) exactly (scale_round); an N of 10^16
 * or below 10^15 (a guess off by one at a power of ten, or a rounding up
 * to the next power) moves X by one and rounds again from v itself,
 * never from N. Every other double (exponent notation, inf, NaN): 0.
 */
size_t num_format_g16(double v, char out[32])
{
	static const double pow10d[] = { 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4,
					 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
					 1e14, 1e15, 1e16 };
	union { double d; uint64_t u; } bits = { v };
	double a = fabs(v);
	uint64_t m, n = 0, hi, lo;
	int e, x, tries;
	size_t len = 0, i, point;
	char digits[16];
	if (v == 0) {
		memcpy(out, signbit(v) ? "-0" : "0", 3 - !signbit(v));
		return 2u - !signbit(v);
	}
	if (!(a >= 9e-5 && a < 1e16))           /* NaN too */
		return 0;
	e = (int)((bits.u >> 52) & 0x7ff) - 1023;  /* 2^e <= a < 2^(e+1), e in [-14, 53] */
	m = (bits.u & 0xFFFFFFFFFFFFFULL) | (1ULL << 52);
	/* floor(e log10 2), 1233/4096 being log10 2 to 4e-6: exact for these e */
	x = e >= 0 ? (e * 1233) >> 12 : -((-e * 1233 + 4095) >> 12);
	x += a >= pow10d[x + 5];
	for (tries = 0; tries < 3; tries++) {
		if (x < -5 || x > 15)
			return 0;
		n = scale_round(m, e - 52, 15 - x);
		if (n >= 10000000000000000ULL)
			x++;
		else if (n < 1000000000000000ULL)
			x--;
		else
			break;
	}
	if (tries == 3 || x < -4)
		return 0;
	hi = n / 100000000;
	lo = n % 100000000;
	put8(digits, (uint32_t)hi);
	put8(digits + 8, (uint32_t)lo);
	if (v < 0)
		out[len++] = '-';
	if (x >= 0) {                        /* 123.45 */
		point = (size_t)x + 1;
		memcpy(out + len, digits, point);
		len += point;
	} else {                             /* 0.00012345 */
		point = 0;
		out[len++] = '0';
	}
	if (x < 15) {
		out[len++] = '.';
		for (i = 0; (int)i < -x - 1; i++)
			out[len++] = '0';
		memcpy(out + len, digits + point, 16 - point);
		len += 16 - point;
		/* %G drops trailing zeros of the fraction, and the point with them:
		 * the last eight digits at once when they are (1234.5 has 11). */
		if (!lo && len - 8 > (size_t)(v < 0) + point)
			len -= 8;
		while (out[len - 1] == '0')
			len--;
		if (out[len - 1] == '.')
			len--;
	}
	out[len] = '\0';
	return len;
}

double num_round4(double x)
{
	double r = round(x * 10000.0) / 10000.0;
	return r == 0.0 ? 0.0 : r;   /* no "-0.0000" */
}

/*
 * Appends "%.4f" of num_round4(x) without printf. q = round(x * 10000) is the
 * integer-valued double num_round4 divides; r = q / 10000 its correctly
 * rounded quotient. For |q| < 1e15, |r| < 1e11 < 2^37, so ulp(r) <= 2^-52 *
 * 2^36 = 2^-16 and |r - q/10^4| <= ulp(r)/2 = 2^-17 < 7.7e-6 < 5e-5: the
 * 4-decimal number nearest r is q/10^4 itself, with no tie, so "%.4f"
 * prints q's digits with a point before the last four. q = +-0 is r = 0,
 * which num_round4 makes "0.0000"; any other negative q (even -1, r =
 * -0.0001) prints with '-' as printf does. |q| >= 1e15 (or inf, NaN):
 * printf itself.
 */
void num_add_round4(struct strbuf *sb, double x)
{
	double q = round(x * 10000.0);
	uint64_t u;
	uint32_t d;
	char out[24], *p = out + sizeof(out);
	if (!(fabs(q) < 1e15)) {
		strbuf_addf(sb, "%.4f", num_round4(x));
		return;
	}
	u = (uint64_t)fabs(q);
	d = (uint32_t)(u % 10000);            /* written from the right: the decimals */
	u /= 10000;
	p -= 4;
	memcpy(p, digit_pairs + 2 * (d / 100), 2);
	memcpy(p + 2, digit_pairs + 2 * (d % 100), 2);
	*--p = '.';
	for (; u >= 100; u /= 100) {
		p -= 2;
		memcpy(p, digit_pairs + 2 * (u % 100), 2);
	}
	if (u >= 10) {
		p -= 2;
		memcpy(p, digit_pairs + 2 * u, 2);
	} else {
		*--p = (char)('0' + u);           /* "0.0001" keeps its 0 */
	}
	if (q < 0)                            /* not -0: "0.0000" */
		*--p = '-';
	strbuf_add(sb, p, (size_t)(out + sizeof(out) - p));
}

void num_add_grouped(struct strbuf *sb, const char *digits, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			strbuf_addch(sb, ',');
		strbuf_addch(sb, digits[i]);
	}
}

void money_format(struct strbuf *sb, int64_t cents, const char *symbol)
{
	char digits[32];
	uint64_t u = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	uint64_t units = u / 100;
	int len;
	if (cents < 0)
		strbuf_addch(sb, '-');
	if (!symbol) {
		strbuf_addf(sb, "%llu.%02llu", (unsigned long long)units,
			    (unsigned long long)(u % 100));
		return;
	}
	strbuf_addstr(sb, symbol);
	len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)units);
	num_add_grouped(sb, digits, (size_t)len);
	strbuf_addf(sb, ".%02llu", (unsigned long long)(u % 100));
}

int64_t money_from_double(double units)
{
	return (int64_t)llround(units * 100.0);
}

/* "12,5", "1.234,56": a decimal comma (the last ',' followed by 1 or 2
 * digits, or a '.' before a ','), which decimal = comma reads. */
int num_looks_decimal_comma(const char *s)
{
	const char *c = strrchr(s, ','), *dot = strchr(s, '.');
	size_t digits = 0;
	if (!c)
		return 0;
	if (dot && dot < c)
		return 1;
	for (c++; *c >= '0' && *c <= '9'; c++)
		digits++;
	/* what may follow the cents: blanks, %, a currency ("12,50 €"), SAP's '-' */
	for (;;) {
		size_t k = skip_currency(c);
		if (k)
			c += k;
		else if (*c == ' ' || *c == '%' || *c == '-')
			c++;
		else
			break;
	}
	return !*c && (digits == 1 || digits == 2);
}

void num_from_decimal_comma(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == ',' || *s == '.')
			strbuf_addch(out, *s == ',' ? '.' : ',');
		else if (!strncmp(s, "\xC2\xA0", 2))
			s += 1;
		else if (!strncmp(s, "\xE2\x80\xAF", 3))
			s += 2;
		else
			strbuf_addch(out, *s);
	}
}
