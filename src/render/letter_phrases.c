/*
 * letter_phrases: the words of a letter: phrase-bank entries rendered with
 * the letter's values, labels, and numbers, percentages, scores and money
 * written the way people read them.
 */
#include "render/letter_internal.h"
#include "util/num.h"
#include "util/strbuf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *letter_label_text(const struct label *l, enum locale loc)
{
	const char *s = loc == LOCALE_EN ? l->en : l->zh;
	if (!s || !*s)
		s = loc == LOCALE_EN ? l->zh : l->en;
	return s ? s : "";
}

const char *letter_keep(struct letter *lt, char *s)
{
	ALLOC_GROW(lt->owned, lt->nowned + 1, lt->owned_alloc);
	lt->owned[lt->nowned++] = s;
	return s;
}

const char *letter_keepf(struct letter *lt, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	return letter_keep(lt, strbuf_detach(&sb, NULL));
}

/* The phrase-bank entry `key` rendered with the letter's values, or NULL. */
const char *letter_phrase(struct letter *lt, const char *key)
{
	const struct template *t = template_set_get(lt->bank, key);
	struct strbuf sb = STRBUF_INIT;
	if (!t)
		return NULL;
	template_render(t, template_vars_lookup, &lt->vars, &sb);
	return letter_keep(lt, strbuf_detach(&sb, NULL));
}

/* letter_phrase() of a key made with printf. */
const char *letter_phrasef(struct letter *lt, const char *fmt, ...)
{
	struct strbuf key = STRBUF_INIT;
	const char *s;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&key, fmt, ap);
	va_end(ap);
	s = letter_phrase(lt, key.buf);
	strbuf_release(&key);
	return s;
}

/* "section.name" from the phrase bank, else the name itself (labels are
 * checked at load time, so they always exist). */
const char *letter_named(struct letter *lt, const char *section, const char *name)
{
	const char *s = letter_phrasef(lt, "%s.%s", section, name);
	return s ? s : name;
}

const char *letter_label(struct letter *lt, const char *name)
{
	return letter_named(lt, "labels", name);
}

/* Up to `dp` decimals, trailing zeros dropped: 12.50 -> "12.5". */
void letter_add_trimmed(struct strbuf *sb, double v, int dp)
{
	char b[64];
	size_t n;
	snprintf(b, sizeof(b), "%.*f", dp, v);
	n = strlen(b);
	if (strchr(b, '.')) {
		while (n && b[n - 1] == '0')
			n--;
		if (n && b[n - 1] == '.')
			n--;
	}
	if (n == 2 && !strncmp(b, "-0", 2))
		n = 1, b[0] = '0';
	strbuf_add(sb, b, n);
}

/* A metric value as people read it, by the metric's declared format. */
const char *letter_fmt_value(struct letter *lt, int kpi, double v)
{
	const struct config *cfg = lt->cfg;
	enum metric_format f = FMT_NUMBER;
	struct strbuf sb = STRBUF_INIT;
	int metric = cfg->kpis[kpi].metric;
	if (metric >= 0 && (size_t)metric < cfg->nmetrics)
		f = cfg->metrics[metric].format;
	if (!isfinite(v)) {
		strbuf_addstr(&sb, "—");
	} else if (f == FMT_PERCENT) {
		letter_add_trimmed(&sb, v * 100.0, 1);
		strbuf_addch(&sb, '%');
	} else if (f == FMT_MONEY) {
		money_format(&sb, money_from_double(v), cfg->bonus.currency_symbol);
	} else if (f == FMT_INTEGER || (fabs(v) >= 1000 && fabs(v - round(v)) < 1e-9)) {
		char b[32];
		if (v < 0)
			strbuf_addch(&sb, '-');
		snprintf(b, sizeof(b), "%.0f", fabs(round(v)));
		num_add_grouped(&sb, b, strlen(b));
	} else {
		letter_add_trimmed(&sb, v, 2);
	}
	return letter_keep(lt, strbuf_detach(&sb, NULL));
}

const char *letter_fmt_pct(struct letter *lt, double ratio)
{
	struct strbuf sb = STRBUF_INIT;
	letter_add_trimmed(&sb, ratio * 100.0, 1);
	strbuf_addch(&sb, '%');
	return letter_keep(lt, strbuf_detach(&sb, NULL));
}

/*
 * A score with 2 decimals, or 4 when 2 would round it onto the other side
 * of a rating threshold: what the letter shows must not contradict the
 * rating, which was decided on the 4-decimal value (SPEC 8).
 */
const char *letter_fmt_score(struct letter *lt, double s)
{
	double s2 = round(s * 100.0) / 100.0;
	size_t i;
	int dp = 2;
	for (i = 0; i < lt->cfg->nbands; i++) {
		double t = lt->cfg->bands[i].threshold;
		if ((s < t) != (s2 < t))
			dp = 4;
	}
	return letter_keepf(lt, "%.*f", dp, s);
}

/* A change of score with its sign: "+3.25", "-0.50", "0.00". */
const char *letter_fmt_change(struct letter *lt, double delta)
{
	double r = round(delta * 100.0) / 100.0;
	return letter_keepf(lt, "%s%.2f", r > 0 ? "+" : r < 0 ? "-" : "", fabs(r));
}

const char *letter_fmt_money(struct letter *lt, int64_t cents)
{
	struct strbuf sb = STRBUF_INIT;
	money_format(&sb, cents, lt->cfg->bonus.currency_symbol);
	return letter_keep(lt, strbuf_detach(&sb, NULL));
}

