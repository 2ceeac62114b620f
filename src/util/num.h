/*
 * num: the one bounded parser for numbers and money found in exports and
 * in the INI (after curl's strparse: nothing else calls strtod/strtoll).
 *
 * Accepted, surrounding white space ignored: an optional sign, thousands
 * separators (',' and the full-width '，'), a currency sign (¥ ￥ $) or code
 * (CNY, RMB, USD) before or after the number, a trailing '%' (the value is
 * then divided by 100: "85%" is 0.85), and accounting negatives
 * "(1,234.00)". Exponents, hex, inf and nan are refused.
 */
#ifndef MERIT_NUM_H
#define MERIT_NUM_H

#include <stddef.h>
#include <stdint.h>

struct strbuf;

enum num_result {
	NUM_OK = 0,
	NUM_EMPTY = 1,   /* blank: a missing value, not an error */
	NUM_BAD = -1,    /* not a number */
	NUM_RANGE = -2,  /* a number, but too large */
};

/* A real number. */
enum num_result num_parse(const char *s, double *out);

/*
 * Money into integer cents, exactly: the decimal digits are read as integers
 * and never pass through binary floating point. More than two decimals round
 * half away from zero ("1.005" is 101 cents). A '%' is refused.
 */
enum num_result money_parse(const char *s, int64_t *cents);
/* The same without its shortcut for plain amounts ("12,345.67"), and the
 * shortcut alone (1 when it read s, 0 when s goes the long way): for tests. */
enum num_result money_parse_full(const char *s, int64_t *cents);
int money_parse_plain(const char *s, int64_t *cents);

/* A whole number in [min, max] (INI counts, days, years). */
enum num_result num_parse_int(const char *s, long long min, long long max, long long *out);

/* Rounds to 4 decimals, half away from zero: the value printed and compared. */
double num_round4(double x);
/* Appends printf("%.4f", num_round4(x)), the same bytes without printf
 * below 1e11 (results.csv writes every number so). */
void num_add_round4(struct strbuf *sb, double x);

/*
 * printf("%.16G", v) without printf, exactly, for 0 and every double that
 * "%.16G" writes in fixed notation (about 1e-4 <= |v| < 1e16): the same
 * characters into out (NUL-terminated), their number returned. Returns 0
 * for the rest (exponent notation, inf, NaN): then use snprintf.
 * tests/unit/test_parse.c compares it with snprintf on millions of values.
 */
size_t num_format_g16(double v, char out[32]);

/* Appends the n decimal digits at `digits` grouped by thousands, the one
 * grouping rule of every human-readable figure: "1234567" -> "1,234,567". */
void num_add_grouped(struct strbuf *sb, const char *digits, size_t n);

/*
 * Appends cents as "1234.56" (machine form: no separators, '.' decimal,
 * '-' sign) or, with `symbol` non-NULL, as "¥1,234.56" / "-¥1,234.56".
 */
void money_format(struct strbuf *sb, int64_t cents, const char *symbol);

/* Cents of x units, rounded half away from zero (only for derived amounts such
 * as cap = 3 x salary; never for amounts read from input). */
int64_t money_from_double(double units);

/* "12,5", "1.234,56": a decimal comma (the last ',' followed by 1 or 2
 * digits, or a '.' before a ','), which [input.X] decimal = comma reads;
 * the loader hints it, init proposes it. */
int num_looks_decimal_comma(const char *s);
/* Appends s with ',' and '.' trading places ("1.234,56" -> "1,234.56") and
 * no-break spaces between thousands dropped: what num_parse reads. */
void num_from_decimal_comma(struct strbuf *out, const char *s);

#endif
