/*
 * letter: one PDF review letter per in-scope employee (SPEC 10), in the
 * employee's language, from templates/letter.<locale>.txt and the phrase
 * bank templates/phrases.<locale>.ini.
 *
 * A letter is made in three steps, so that the font can be cut down to
 * exactly the characters used before libharu ever sees it:
 *   1. the letter template is rendered to text; each line is a layout
 *      command (title, heading, paragraph, notice, bullet, @block);
 *   2. layout turns the commands into a display list of positioned texts,
 *      lines and boxes, measuring text with the full font through
 *      font_subset and flowing onto new pages as needed; every character
 *      drawn is recorded;
 *   3. the font is subset to those characters, and libharu replays the
 *      display list into an A4 document, written 0600.
 * Workers (pthreads) each own a font face and their libharu documents;
 * their messages are kept per employee and merged in employee order.
 */
#include "render/letter.h"
#include "render/font_subset.h"
#include "render/render.h"
#include "render/template.h"
#include "model.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/date.h"
#include "util/sha256.h"
#include "util/strbuf.h"
#include "util/strmap.h"

#include <errno.h>
#include <fcntl.h>
#include <hpdf.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- UTF-8 and line breaking ------------------------------------------ */

/* Decodes one code point at s (n bytes left); invalid bytes give U+FFFD. */
static uint32_t utf8_next(const unsigned char *s, size_t n, size_t *used)
{
	uint32_t c = s[0], min;
	size_t k, i;
	if (c < 0x80) {
		*used = 1;
		return c;
	}
	if (c >= 0xC2 && c <= 0xDF)
		k = 2, c &= 0x1F, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		k = 3, c &= 0x0F, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		k = 4, c &= 0x07, min = 0x10000;
	else
		goto bad;
	if (k > n)
		goto bad;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*used = k;
	return c;
bad:
	*used = 1;
	return 0xFFFD;
}

static void utf8_put(struct strbuf *sb, uint32_t c)
{
	char b[4];
	size_t n;
	if (c < 0x80) {
		b[0] = (char)c, n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xC0 | c >> 6), b[1] = (char)(0x80 | (c & 0x3F)), n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xE0 | c >> 12), b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (char)(0x80 | (c & 0x3F)), n = 3;
	} else {
		b[0] = (char)(0xF0 | c >> 18), b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3F)), b[3] = (char)(0x80 | (c & 0x3F)), n = 4;
	}
	strbuf_add(sb, b, n);
}

static int is_cjk(uint32_t c)
{
	return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
	       (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x2FFFF);
}

/* Characters that must not start a line (kinsoku): closing punctuation. */
static int no_break_before(uint32_t c)
{
	static const uint32_t cjk[] = {
		0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF01, 0xFF1F, 0xFF09,
		0x3011, 0x300B, 0x300D, 0x300F, 0x3015, 0x3009, 0x3017, 0x3019, 0x301B,
		0x2026, 0x2025, 0x30FC, 0x30FB, 0xFF05, 0xFF3D, 0xFF5D, 0x2019, 0x201D,
		0x00B7,
	};
	size_t i;
	if (c < 0x80)
		return c && strchr(",.;:!?)]}%", (int)c) != NULL;
	for (i = 0; i < sizeof(cjk) / sizeof(cjk[0]); i++)
		if (cjk[i] == c)
			return 1;
	return 0;
}

/* Characters that must not end a line: opening punctuation. */
static int no_break_after(uint32_t c)
{
	static const uint32_t cjk[] = {
		0xFF08, 0x3010, 0x300A, 0x300C, 0x300E, 0x3014, 0x3008, 0x3016, 0x3018,
		0x301A, 0x2018, 0x201C, 0xFF3B, 0xFF5B,
	};
	size_t i;
	if (c < 0x80)
		return c && strchr("([{", (int)c) != NULL;
	for (i = 0; i < sizeof(cjk) / sizeof(cjk[0]); i++)
		if (cjk[i] == c)
			return 1;
	return 0;
}

static int can_break_before(uint32_t prev, uint32_t cur)
{
	if (cur == ' ' || no_break_before(cur) || no_break_after(prev))
		return 0;
	return prev == ' ' || is_cjk(prev) || is_cjk(cur);
}

static void push_line(struct wrap_lines *out, size_t off, size_t end, long width)
{
	struct wrap_line *l;
	ALLOC_GROW(out->v, out->nr + 1, out->alloc);
	l = &out->v[out->nr++];
	l->off = off;
	l->len = end - off;
	l->width = width;
}

struct cpos {
	uint32_t cp;
	size_t off;      /* byte offset in the text */
	int w;
};

/*
 * Greedy: remember the last place a break is allowed; when a character
 * overflows, break there, or cut before the character if the line has no
 * break (a very long word), keeping closing punctuation with its word.
 */
size_t letter_wrap(const char *text, size_t len, long max_width, wrap_width_fn width,
		   void *ctx, struct wrap_lines *out)
{
	struct cpos *cps;
	size_t n = 0, i, start, brk;
	long w;

	out->nr = 0;
	cps = xmalloc((len + 1) * sizeof(*cps));
	for (i = 0; i < len;) {
		size_t used;
		cps[n].off = i;
		cps[n].cp = utf8_next((const unsigned char *)text + i, len - i, &used);
		cps[n].w = cps[n].cp == '\n' ? 0 : width(ctx, cps[n].cp);
		n++;
		i += used;
	}
	cps[n].off = len;
	cps[n].cp = 0;

	start = 0;
	while (start < n) {
		size_t end, j;
		/* Spaces at the start of a wrapped line are dropped. */
		while (start < n && cps[start].cp == ' ')
			start++;
		if (start >= n)
			break;
		w = 0;
		brk = 0;
		for (i = start; i < n; i++) {
			if (cps[i].cp == '\n')
				break;
			if (i > start && can_break_before(cps[i - 1].cp, cps[i].cp))
				brk = i;
			if (w + cps[i].w > max_width && cps[i].cp != ' ' && i > start)
				break;
			w += cps[i].w;
		}
		if (i >= n || cps[i].cp == '\n') {
			end = i;
		} else if (brk > start) {
			end = brk;
		} else {
			/* No break in the line: cut, but keep punctuation with its word. */
			end = i;
			if (end - 1 > start && no_break_before(cps[end].cp))
				end--;
		}
		j = end;
		while (j > start && cps[j - 1].cp == ' ')
			j--;
		for (w = 0, i = start; i < j; i++)
			w += cps[i].w;
		push_line(out, cps[start].off, cps[j].off, w);
		start = end;
		if (start < n && cps[start].cp == '\n')
			start++;    /* "a\n\nb": the second '\n' makes an empty line */
	}
	free(cps);
	return out->nr;
}

void wrap_lines_release(struct wrap_lines *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void letter_file_name(const char *id, struct strbuf *out)
{
	const unsigned char *p = (const unsigned char *)id;
	for (; *p; p++) {
		int dot_bad = *p == '.' && (p == (const unsigned char *)id || p[-1] == '.');
		if (*p < 0x20 || *p == 0x7F || strchr("/\\%:*?\"<>|", *p) || dot_bad)
			strbuf_addf(out, "%%%02X", *p);
		else
			strbuf_addch(out, *p);
	}
	strbuf_addstr(out, ".pdf");
}

/* ---- Display list ------------------------------------------------------ */

/* A4 portrait, points. Nothing is drawn closer than MARGIN to an edge. */
#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN 40.0
#define BODY_L MARGIN
#define BODY_W (PAGE_W - 2 * MARGIN)
#define BODY_TOP (PAGE_H - MARGIN - 34.0)   /* below the header band */
#define BODY_BOTTOM (MARGIN + 22.0)         /* above the footer band */

#define FS_BODY 9.5
#define LH_BODY 13.5
#define FS_SMALL 8.0
#define LH_SMALL 11.0
#define FS_TABLE 8.5
#define LH_TABLE 11.5
#define CELL_PAD 3.5

#define C_TEXT 0x222222
#define C_GREY 0x666666
#define C_RULE 0xB0B8C4
#define C_ACCENT 0x1F4E79
#define C_HEAD_BG 0xDCE6F1
#define C_ZEBRA 0xF4F6F9
#define C_BOX_BG 0xEEF3F8
#define C_NOTICE_BG 0xFFF4E5
#define C_NOTICE_BAR 0xE07B00
#define C_RED 0xB00020
#define C_GOOD 0x2E7D32
#define C_MID 0x1F77B4
#define C_LOW 0xE07B00
#define NO_COLOR 0xFFFFFFFFu

enum dl_kind { DL_TEXT, DL_LINE, DL_RECT };

struct dl_op {
	enum dl_kind kind;
	int page;
	float x, y, w, h;     /* text: baseline origin; line: (x,y)-(x+w,y+h); rect */
	float size;           /* text size, or line width */
	uint32_t fill, stroke;
	unsigned bold : 1, dash : 1;
	size_t off, len;      /* DL_TEXT: bytes of layout.text */
};

struct layout {
	struct font_face *font;
	struct dl_op *ops;
	size_t nops, alloc;
	struct strbuf text;       /* every drawn string, clean UTF-8 */
	int page, npages;
	double y;                 /* top of the free space on the page */
	struct wrap_lines wl;
	uint8_t seen[0x10000 / 8];/* BMP code points drawn */
	uint32_t *cps;            /* every distinct code point drawn */
	size_t ncps, cps_alloc;
	int zh;                   /* joins wrapped template lines without a space */
};

static void cp_seen(struct layout *L, uint32_t c)
{
	if (c < 0x10000) {
		if (L->seen[c >> 3] & (1u << (c & 7)))
			return;
		L->seen[c >> 3] |= (uint8_t)(1u << (c & 7));
	} else {
		size_t i;
		for (i = 0; i < L->ncps; i++)
			if (L->cps[i] == c)
				return;
	}
	ALLOC_GROW(L->cps, L->ncps + 1, L->cps_alloc);
	L->cps[L->ncps++] = c;
}

static struct dl_op *dl_add(struct layout *L, enum dl_kind kind)
{
	struct dl_op *o;
	ALLOC_GROW(L->ops, L->nops + 1, L->alloc);
	o = &L->ops[L->nops++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->page = L->page;
	o->fill = o->stroke = NO_COLOR;
	return o;
}

/* Copies s as clean UTF-8 (control characters dropped, bad bytes U+FFFD). */
static void text_at(struct layout *L, double x, double y, double size, uint32_t color,
		    int bold, const char *s, size_t len)
{
	struct dl_op *o;
	size_t i, used, start = L->text.len;
	for (i = 0; i < len; i += used) {
		uint32_t c = utf8_next((const unsigned char *)s + i, len - i, &used);
		if (c < 0x20 || c == 0x7F)
			continue;
		utf8_put(&L->text, c);
		cp_seen(L, c);
	}
	if (L->text.len == start)
		return;
	o = dl_add(L, DL_TEXT);
	o->x = (float)x, o->y = (float)y, o->size = (float)size;
	o->fill = color;
	o->bold = bold ? 1 : 0;
	o->off = start;
	o->len = L->text.len - start;
}

static void line_at(struct layout *L, double x1, double y1, double x2, double y2,
		    double width, uint32_t color, int dash)
{
	struct dl_op *o = dl_add(L, DL_LINE);
	o->x = (float)x1, o->y = (float)y1, o->w = (float)(x2 - x1), o->h = (float)(y2 - y1);
	o->size = (float)width;
	o->stroke = color;
	o->dash = dash ? 1 : 0;
}

static void rect_at(struct layout *L, double x, double y, double w, double h, uint32_t fill,
		    uint32_t stroke)
{
	struct dl_op *o = dl_add(L, DL_RECT);
	o->x = (float)x, o->y = (float)y, o->w = (float)w, o->h = (float)h;
	o->size = 0.6f;
	o->fill = fill;
	o->stroke = stroke;
}

static int width_cb(void *ctx, uint32_t cp)
{
	return font_face_width(ctx, cp);
}

static double text_width(struct layout *L, const char *s, size_t len, double size)
{
	long w = 0;
	size_t i, used;
	for (i = 0; i < len; i += used)
		w += font_face_width(L->font, utf8_next((const unsigned char *)s + i, len - i, &used));
	return (double)w * size / 1000.0;
}

static double str_width(struct layout *L, const char *s, double size)
{
	return text_width(L, s, strlen(s), size);
}

/* Wraps s to `width` points into L->wl; returns the number of lines. */
static size_t wrap(struct layout *L, const char *s, double width, double size)
{
	return letter_wrap(s, strlen(s), (long)(width * 1000.0 / size), width_cb, L->font, &L->wl);
}

/* Baseline for a line of `size` centred in a slot of height lh below y. */
static double baseline(double y, double lh, double size)
{
	return y - lh / 2 - size * 0.3;
}

static void new_page(struct layout *L)
{
	L->page++;
	if (L->page + 1 > L->npages)
		L->npages = L->page + 1;
	L->y = BODY_TOP;
}

/* Makes room for h points, starting a page if needed (not on an empty one). */
static void ensure(struct layout *L, double h)
{
	if (L->y - h < BODY_BOTTOM && L->y < BODY_TOP)
		new_page(L);
}

/* A wrapped paragraph; each line goes to a new page when it must. */
static void paragraph(struct layout *L, const char *s, double x, double width, double size,
		      double lh, uint32_t color, int bold)
{
	size_t i, n = wrap(L, s, width, size);
	for (i = 0; i < n; i++) {
		struct wrap_line wl = L->wl.v[i];
		ensure(L, lh);
		text_at(L, x, baseline(L->y, lh, size), size, color, bold, s + wl.off, wl.len);
		L->y -= lh;
	}
}

/* ---- Letter data ------------------------------------------------------- */

/* Placeholder names the letter templates and phrase banks may use. */
static const char *const letter_names[] = {
	"name", "employee_id", "department", "role", "grade", "company", "period",
	"period_next", "period_days", "days", "proration", "final_score", "raw_score",
	"rating", "bonus", "cap_months", "bottom_streak", "top_streak", "ineligible_reason",
	"courses", "points", "max_points", "partial", "ineligible", "reweighted",
	"bonus_capped", "top_performer", "small_group", "warning", "role_review", "promote",
	"reviews", "training", "next_targets", "kpi", "achievement", "actual", "target",
	"score", "dimension", "page", "pages", "mean", "n",
	NULL
};

/* Keys every phrase bank must define (the fallbacks of every lookup). */
static const char *const required_keys[] = {
	"labels.confidential", "labels.page", "labels.footer", "labels.final_score",
	"labels.raw_score", "labels.rating", "labels.bonus", "labels.proration",
	"labels.proration_value", "labels.not_eligible", "labels.kpi", "labels.weight",
	"labels.target", "labels.actual", "labels.achievement", "labels.score",
	"labels.not_scored_missing_actual", "labels.not_scored_missing_target",
	"labels.chart_title", "labels.chart_target", "labels.dimension", "labels.perspective",
	"labels.relation", "labels.reviewers", "labels.mean", "labels.self_review",
	"labels.reviews_note", "labels.course", "labels.date", "labels.hours",
	"labels.training_points", "labels.next_target", "labels.comments_hint",
	"labels.sign_employee", "labels.sign_manager", "labels.sign_date", "labels.none",
	"default.strength", "default.improve", "default.support", "default.all_good",
	"default.no_strength",
	NULL
};

/* The config's own name tables live in config.c; the phrase-bank keys are
 * part of the template contract, so they are spelled out here. */
static const char *const dim_keys[DIM_COUNT] = { "results", "efficiency", "attitude" };
static const char *const persp_keys[PERSP_COUNT] = {
	"financial", "customer", "process", "learning"
};
static const char *const rel_keys[REL_COUNT] = { "self", "peer", "manager", "subordinate" };

static const char *const locale_names[LOCALE_COUNT] = { "zh", "en" };

/* Read-only state shared by every worker. */
struct letters_shared {
	const struct company *c;
	const struct config *cfg;
	const char *dir;
	struct template *tpl[LOCALE_COUNT];
	struct template_set *bank[LOCALE_COUNT];
	size_t *rev_start, *rev_idx;     /* reviews by reviewee: [start[e], start[e+1]) */
	size_t *trn_start, *trn_idx;     /* training rows by employee */
	struct strmap next_targets;      /* "scope\x1fkey\x1fkpi" -> target index */
	char **next_keys;
	size_t nnext;
	struct period next;
	int password_field;              /* -1 none, -2 employee_id, else HR field */

	atomic_size_t next_emp;
	atomic_int stop;
	struct diag **diags;             /* per employee, NULL when nothing to say */
	int64_t bytes;                   /* total written, for the benchmark */
	pthread_mutex_t lock;
};

/* One worker's state, reused from letter to letter. */
struct letter {
	const struct letters_shared *sh;
	const struct company *c;
	const struct config *cfg;
	const struct employee *e;
	size_t emp;
	enum locale loc;
	const struct template_set *bank;
	struct template_vars vars;
	struct strbuf scratch, body, path, pdfbuf;
	char **owned;                    /* strings living until the letter is done */
	size_t nowned, owned_alloc;
	struct layout L;
	struct diag *d;
	HPDF_STATUS hpdf_error, hpdf_detail;
	int64_t bytes;
};

static const char *label_text(const struct label *l, enum locale loc)
{
	const char *s = loc == LOCALE_EN ? l->en : l->zh;
	if (!s || !*s)
		s = loc == LOCALE_EN ? l->zh : l->en;
	return s ? s : "";
}

static const char *keep(struct letter *lt, char *s)
{
	ALLOC_GROW(lt->owned, lt->nowned + 1, lt->owned_alloc);
	lt->owned[lt->nowned++] = s;
	return s;
}

static const char *keepf(struct letter *lt, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const char *keepf(struct letter *lt, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	return keep(lt, strbuf_detach(&sb, NULL));
}

/* The phrase-bank entry `key` rendered with the letter's values, or NULL. */
static const char *phrase(struct letter *lt, const char *key)
{
	const struct template *t = template_set_get(lt->bank, key);
	struct strbuf sb = STRBUF_INIT;
	if (!t)
		return NULL;
	template_render(t, template_vars_lookup, &lt->vars, &sb);
	return keep(lt, strbuf_detach(&sb, NULL));
}

/* Labels are checked at load time, so they always exist. */
static const char *lbl(struct letter *lt, const char *name)
{
	char key[64];
	const char *s;
	snprintf(key, sizeof(key), "labels.%s", name);
	s = phrase(lt, key);
	return s ? s : name;
}

static const char *phrase2(struct letter *lt, const char *section, const char *name,
			   const char *key)
{
	char k[160];
	snprintf(k, sizeof(k), "%s.%s.%s", section, name, key);
	return phrase(lt, k);
}

/* Groups digits by thousands: "1234567" -> "1,234,567". */
static void add_grouped(struct strbuf *sb, const char *digits)
{
	size_t n = strlen(digits), i;
	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			strbuf_addch(sb, ',');
		strbuf_addch(sb, digits[i]);
	}
}

/* Up to `dp` decimals, trailing zeros dropped: 12.50 -> "12.5". */
static void add_trimmed(struct strbuf *sb, double v, int dp)
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
static const char *fmt_value(struct letter *lt, int kpi, double v)
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
		add_trimmed(&sb, v * 100.0, 1);
		strbuf_addch(&sb, '%');
	} else if (f == FMT_MONEY) {
		money_format(&sb, money_from_double(v), cfg->bonus.currency_symbol);
	} else if (f == FMT_INTEGER || (fabs(v) >= 1000 && fabs(v - round(v)) < 1e-9)) {
		char b[32];
		if (v < 0)
			strbuf_addch(&sb, '-');
		snprintf(b, sizeof(b), "%.0f", fabs(round(v)));
		add_grouped(&sb, b);
	} else {
		add_trimmed(&sb, v, 2);
	}
	return keep(lt, strbuf_detach(&sb, NULL));
}

static const char *fmt_pct(struct letter *lt, double ratio)
{
	struct strbuf sb = STRBUF_INIT;
	add_trimmed(&sb, ratio * 100.0, 1);
	strbuf_addch(&sb, '%');
	return keep(lt, strbuf_detach(&sb, NULL));
}

/*
 * A score with 2 decimals, or 4 when 2 would round it onto the other side
 * of a rating threshold: what the letter shows must not contradict the
 * rating, which was decided on the 4-decimal value (SPEC 8).
 */
static const char *fmt_score(struct letter *lt, double s)
{
	double s2 = round(s * 100.0) / 100.0;
	size_t i;
	int dp = 2;
	for (i = 0; i < lt->cfg->nbands; i++) {
		double t = lt->cfg->bands[i].threshold;
		if ((s < t) != (s2 < t))
			dp = 4;
	}
	return keepf(lt, "%.*f", dp, s);
}

static const char *fmt_money(struct letter *lt, int64_t cents)
{
	struct strbuf sb = STRBUF_INIT;
	money_format(&sb, cents, lt->cfg->bonus.currency_symbol);
	return keep(lt, strbuf_detach(&sb, NULL));
}

static const char *relation_label(struct letter *lt, int rel)
{
	char k[64];
	const char *s;
	snprintf(k, sizeof(k), "relation.%s", rel_keys[rel]);
	s = phrase(lt, k);
	return s ? s : rel_keys[rel];
}

static const char *dim_label(struct letter *lt, int dim)
{
	char k[64];
	const char *s;
	snprintf(k, sizeof(k), "dimension.%s", dim_keys[dim]);
	s = phrase(lt, k);
	return s ? s : dim_keys[dim];
}

static const char *persp_label(struct letter *lt, int p)
{
	char k[64];
	const char *s;
	snprintf(k, sizeof(k), "perspective.%s", persp_keys[p]);
	s = phrase(lt, k);
	return s ? s : persp_keys[p];
}

/* ---- Blocks ------------------------------------------------------------ */

/* The first line of s that fits `width`, with "…" if s was longer. */
static const char *fit(struct letter *lt, const char *s, double width, double size)
{
	struct layout *L = &lt->L;
	struct strbuf sb = STRBUF_INIT;
	size_t n = wrap(L, s, width, size);
	if (n <= 1)
		return s;
	n = wrap(L, s, width - str_width(L, "…", size), size);
	strbuf_add(&sb, s + L->wl.v[0].off, L->wl.v[0].len);
	strbuf_addstr(&sb, "…");
	return keep(lt, strbuf_detach(&sb, NULL));
}

struct table {
	int ncols;
	const char **cells;       /* (nrows + 1) x ncols; row 0 is the header */
	const char **notes;       /* per data row, under the flex column; may be NULL */
	size_t nrows;
	const int *right;         /* per column: 1 = right-aligned (numbers) */
	int flex;                 /* the column that takes the remaining width */
};

#define MAX_COLS 8

static double cell_lines_h(struct letter *lt, const char *s, double w)
{
	size_t n = wrap(&lt->L, s, w - 2 * CELL_PAD, FS_TABLE);
	return (double)(n ? n : 1) * LH_TABLE;
}

static void table_row(struct letter *lt, const struct table *t, const double *cw, size_t r)
{
	struct layout *L = &lt->L;
	const char **row = t->cells + r * (size_t)t->ncols;
	const char *note = r && t->notes ? t->notes[r - 1] : NULL;
	double h = 0, x, top;
	int j;
	for (j = 0; j < t->ncols; j++) {
		double ch = cell_lines_h(lt, row[j], cw[j]);
		if (j == t->flex && note)
			ch += wrap(L, note, cw[j] - 2 * CELL_PAD, FS_SMALL) * LH_SMALL;
		if (ch > h)
			h = ch;
	}
	h += 2 * CELL_PAD - 2;
	top = L->y;
	if (r == 0)
		rect_at(L, BODY_L, top - h, BODY_W, h, C_HEAD_BG, NO_COLOR);
	else if (r % 2 == 0)
		rect_at(L, BODY_L, top - h, BODY_W, h, C_ZEBRA, NO_COLOR);
	for (x = BODY_L, j = 0; j < t->ncols; x += cw[j], j++) {
		size_t i, n = wrap(L, row[j], cw[j] - 2 * CELL_PAD, FS_TABLE);
		double y = top - CELL_PAD + 1;
		for (i = 0; i < n; i++, y -= LH_TABLE) {
			struct wrap_line wl = L->wl.v[i];
			double tx = x + CELL_PAD;
			if (t->right[j])
				tx = x + cw[j] - CELL_PAD - (double)wl.width * FS_TABLE / 1000.0;
			text_at(L, tx, baseline(y, LH_TABLE, FS_TABLE), FS_TABLE, C_TEXT, r == 0,
				row[j] + wl.off, wl.len);
		}
		if (j == t->flex && note) {
			n = wrap(L, note, cw[j] - 2 * CELL_PAD, FS_SMALL);
			for (i = 0; i < n; i++, y -= LH_SMALL)
				text_at(L, x + CELL_PAD, baseline(y, LH_SMALL, FS_SMALL), FS_SMALL,
					C_GREY, 0, note + L->wl.v[i].off, L->wl.v[i].len);
		}
	}
	line_at(L, BODY_L, top - h, BODY_L + BODY_W, top - h, r == 0 ? 0.8 : 0.4, C_RULE, 0);
	L->y = top - h;
}

/* Row height without drawing, to decide page breaks before a row. */
static double table_row_h(struct letter *lt, const struct table *t, const double *cw, size_t r)
{
	const char **row = t->cells + r * (size_t)t->ncols;
	const char *note = r && t->notes ? t->notes[r - 1] : NULL;
	double h = 0;
	int j;
	for (j = 0; j < t->ncols; j++) {
		double ch = cell_lines_h(lt, row[j], cw[j]);
		if (j == t->flex && note)
			ch += wrap(&lt->L, note, cw[j] - 2 * CELL_PAD, FS_SMALL) * LH_SMALL;
		if (ch > h)
			h = ch;
	}
	return h + 2 * CELL_PAD - 2;
}

/*
 * Columns get their natural width (widest cell), the flex column the rest;
 * when numbers are so wide that the flex column would drop below 30 % of
 * the width, every other column shrinks in proportion and wraps.
 */
static void table_draw(struct letter *lt, const struct table *t)
{
	struct layout *L = &lt->L;
	double cw[MAX_COLS], others = 0, flexw;
	size_t r;
	int j;
	for (j = 0; j < t->ncols; j++) {
		cw[j] = 0;
		for (r = 0; r <= t->nrows; r++) {
			double w = str_width(L, t->cells[r * (size_t)t->ncols + j], FS_TABLE);
			if (w > cw[j])
				cw[j] = w;
		}
		cw[j] += 2 * CELL_PAD + 1;
		if (j != t->flex)
			others += cw[j];
	}
	flexw = BODY_W - others;
	if (flexw < 0.3 * BODY_W) {
		double k = 0.7 * BODY_W / others;
		for (j = 0; j < t->ncols; j++)
			if (j != t->flex)
				cw[j] *= k;
		flexw = 0.3 * BODY_W;
	}
	cw[t->flex] = flexw;

	ensure(L, table_row_h(lt, t, cw, 0) + (t->nrows ? table_row_h(lt, t, cw, 1) : 0));
	table_row(lt, t, cw, 0);
	for (r = 1; r <= t->nrows; r++) {
		int page = L->page;
		ensure(L, table_row_h(lt, t, cw, r));
		if (L->page != page)
			table_row(lt, t, cw, 0);     /* the header again on the new page */
		table_row(lt, t, cw, r);
	}
	L->y -= 6;
}

static int kpi_scored(const struct kpi_result *k)
{
	return !k->dropped;
}

static void block_summary(struct letter *lt)
{
	struct layout *L = &lt->L;
	const struct employee *e = lt->e;
	const char *lab[6], *val[6];
	int n = 0, i, cols, rows;
	double cw, ch = 34, top, size = 13;

	lab[n] = lbl(lt, "final_score"), val[n++] = fmt_score(lt, e->norm_score);
	lab[n] = lbl(lt, "rating"), val[n++] = template_vars_lookup(&lt->vars, "rating");
	lab[n] = e->eligible ? lbl(lt, "bonus")
			     : keepf(lt, "%s (%s)", lbl(lt, "bonus"), lbl(lt, "not_eligible"));
	val[n++] = fmt_money(lt, e->bonus);
	lab[n] = lbl(lt, "raw_score"), val[n++] = fmt_score(lt, e->raw_score);
	if (e->proration < 1.0 - 1e-9)
		lab[n] = lbl(lt, "proration"), val[n++] = lbl(lt, "proration_value");
	cols = n;            /* one row: the figures side by side */
	cw = BODY_W / cols;
	rows = 1;
	ensure(L, rows * ch + 8);
	top = L->y;
	rect_at(L, BODY_L, top - rows * ch - 8, BODY_W, rows * ch + 8, C_BOX_BG, C_RULE);
	/* One size for the three key figures, the largest at which all fit;
	 * the others shrink on their own. */
	for (i = 0; i < 3; i++)
		while (size > 8 && str_width(L, val[i] ? val[i] : "", size) > cw - 20)
			size -= 0.5;
	for (i = 0; i < n; i++) {
		if (i >= 3) {
			size = 11;
			while (size > 7 && str_width(L, val[i] ? val[i] : "", size) > cw - 20)
				size -= 0.5;
		}
		double x = BODY_L + (i % cols) * cw + 10, y = top - 4 - (i / cols) * ch;
		const char *v = fit(lt, val[i] ? val[i] : "", cw - 20, size);
		const char *l = fit(lt, lab[i], cw - 20, FS_SMALL);
		text_at(L, x, y - 11, FS_SMALL, C_GREY, 0, l, strlen(l));
		text_at(L, x, y - 27, size, i < 3 ? C_ACCENT : C_TEXT, i < 3, v, strlen(v));
	}
	L->y = top - rows * ch - 8 - 6;
}

static void block_kpis(struct letter *lt)
{
	const struct employee *e = lt->e;
	static const int right[6] = { 0, 1, 1, 1, 1, 1 };
	struct table t = { 6, NULL, NULL, e->nkpis, right, 0 };
	size_t i;
	t.cells = xcalloc((e->nkpis + 1) * 6, sizeof(*t.cells));
	t.notes = xcalloc(e->nkpis + 1, sizeof(*t.notes));
	t.cells[0] = lbl(lt, "kpi");
	t.cells[1] = lbl(lt, "weight");
	t.cells[2] = lbl(lt, "target");
	t.cells[3] = lbl(lt, "actual");
	t.cells[4] = lbl(lt, "achievement");
	t.cells[5] = lbl(lt, "score");
	for (i = 0; i < e->nkpis; i++) {
		const struct kpi_result *k = &e->kpis[i];
		const char **row = t.cells + (i + 1) * 6;
		row[0] = label_text(&lt->cfg->kpis[k->kpi].label, lt->loc);
		/* The weight that counted: rescaled when another KPI dropped out. */
		row[1] = kpi_scored(k) ? fmt_pct(lt, k->eff_weight / 100.0) : "—";
		row[2] = k->has_target ? fmt_value(lt, k->kpi, k->target) : "—";
		row[3] = k->has_actual ? fmt_value(lt, k->kpi, k->actual) : "—";
		row[4] = kpi_scored(k) ? fmt_pct(lt, k->achievement) : "—";
		row[5] = kpi_scored(k) ? keepf(lt, "%.1f", k->score) : "—";
		if (k->dropped)
			t.notes[i] = lbl(lt, strcmp(k->dropped, "missing_target")
					      ? "not_scored_missing_actual" : "not_scored_missing_target");
	}
	table_draw(lt, &t);
	free(t.cells);
	free(t.notes);
}

static uint32_t bar_color(double a)
{
	return a >= 1.0 ? C_GOOD : a >= 0.8 ? C_MID : C_LOW;
}

static void block_chart(struct letter *lt)
{
	struct layout *L = &lt->L;
	const struct employee *e = lt->e;
	double lw = 0, maxa = 1.2, x0, x1, top, row = 13, h, tick;
	const char *title = lbl(lt, "chart_title");
	size_t i;
	if (!e->nkpis)
		return;
	for (i = 0; i < e->nkpis; i++) {
		const struct kpi_result *k = &e->kpis[i];
		double w = str_width(L, label_text(&lt->cfg->kpis[k->kpi].label, lt->loc), FS_SMALL);
		if (w > lw)
			lw = w;
		if (kpi_scored(k) && k->achievement > maxa)
			maxa = k->achievement;
	}
	/* Beyond 200 % the bar is cut (and says so by its number). */
	maxa = fmin(ceil(maxa * 2.0) / 2.0, 2.0);
	lw = fmin(lw + 8, 0.32 * BODY_W);
	x0 = BODY_L + lw;
	x1 = BODY_L + BODY_W - 44;
	h = 16 + e->nkpis * row + 14;
	ensure(L, h);
	top = L->y;
	text_at(L, BODY_L, baseline(top, 14, 9), 9, C_GREY, 0, fit(lt, title, BODY_W, 9),
		strlen(fit(lt, title, BODY_W, 9)));
	top -= 16;
	for (tick = 0; tick <= maxa + 1e-9; tick += 0.5) {
		double x = x0 + tick / maxa * (x1 - x0);
		const char *s = fmt_pct(lt, tick);
		line_at(L, x, top - e->nkpis * row, x, top - e->nkpis * row - 3, 0.5, C_GREY, 0);
		text_at(L, x - str_width(L, s, 7) / 2, top - e->nkpis * row - 11, 7, C_GREY, 0, s,
			strlen(s));
	}
	for (i = 0; i < e->nkpis; i++) {
		const struct kpi_result *k = &e->kpis[i];
		const char *name = fit(lt, label_text(&lt->cfg->kpis[k->kpi].label, lt->loc),
				       lw - 6, FS_SMALL);
		double y = top - i * row, by = y - row / 2 - 4;
		text_at(L, BODY_L, baseline(y, row, FS_SMALL), FS_SMALL, C_TEXT, 0, name,
			strlen(name));
		if (kpi_scored(k)) {
			double a = fmax(k->achievement, 0.0), w = fmin(a, maxa) / maxa * (x1 - x0);
			const char *s = fmt_pct(lt, a);
			if (w > 0)
				rect_at(L, x0, by, w, 8, bar_color(a), NO_COLOR);
			text_at(L, x0 + w + 3, baseline(y, row, 7.5), 7.5, C_TEXT, 0, s, strlen(s));
		} else {
			text_at(L, x0 + 3, baseline(y, row, 7.5), 7.5, C_GREY, 0, "—", strlen("—"));
		}
	}
	line_at(L, x0, top, x0, top - e->nkpis * row, 0.6, C_GREY, 0);
	line_at(L, x0, top - e->nkpis * row, x1, top - e->nkpis * row, 0.6, C_GREY, 0);
	{
		double x = x0 + 1.0 / maxa * (x1 - x0);
		line_at(L, x, top + 2, x, top - e->nkpis * row, 0.9, C_RED, 1);
	}
	L->y = top - e->nkpis * row - 16;
}

static void bullet(struct letter *lt, const char *s)
{
	struct layout *L = &lt->L;
	ensure(L, LH_BODY);
	/* Drawn, not typed: wqy-zenhei has no U+2022 bullet. */
	rect_at(L, BODY_L + 4, L->y - LH_BODY / 2 - 1.5, 3, 3, C_ACCENT, NO_COLOR);
	paragraph(L, s, BODY_L + 16, BODY_W - 16, FS_BODY, LH_BODY, C_TEXT, 0);
	L->y -= 3;
}

/* Sets the per-KPI placeholders the phrase bank uses. */
static void kpi_vars(struct letter *lt, const struct kpi_result *k)
{
	const struct kpi_def *kd = &lt->cfg->kpis[k->kpi];
	template_vars_set(&lt->vars, "kpi", label_text(&kd->label, lt->loc));
	template_vars_set(&lt->vars, "achievement", fmt_pct(lt, k->achievement));
	template_vars_set(&lt->vars, "actual", fmt_value(lt, k->kpi, k->actual));
	template_vars_set(&lt->vars, "target", fmt_value(lt, k->kpi, k->target));
	template_vars_setf(&lt->vars, "score", "%.1f", k->score);
	template_vars_set(&lt->vars, "dimension", dim_label(lt, kd->dimension));
}

/* The first phrase found: the KPI's own, its dimension's, the default. */
static const char *kpi_phrase(struct letter *lt, const struct kpi_result *k, const char *key)
{
	const struct kpi_def *kd = &lt->cfg->kpis[k->kpi];
	const char *s = phrase2(lt, "kpi", kd->name, key);
	if (!s && (unsigned)kd->dimension < DIM_COUNT)
		s = phrase2(lt, "dimension", dim_keys[kd->dimension], key);
	if (!s) {
		char k2[64];
		snprintf(k2, sizeof(k2), "default.%s", key);
		s = phrase(lt, k2);
	}
	return s ? s : "";
}

/* Scored KPIs ordered by achievement, best first (ties: scorecard order). */
static size_t kpis_by_achievement(const struct employee *e, size_t *order)
{
	size_t n = 0, i, j;
	for (i = 0; i < e->nkpis; i++)
		if (kpi_scored(&e->kpis[i]))
			order[n++] = i;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && e->kpis[order[j]].achievement >
				     e->kpis[order[j - 1]].achievement; j--) {
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	return n;
}

static void block_strengths(struct letter *lt)
{
	const struct employee *e = lt->e;
	size_t *order = xmalloc((e->nkpis + 1) * sizeof(*order)), n, i, shown = 0;
	n = kpis_by_achievement(e, order);
	for (i = 0; i < n && shown < 2; i++) {
		const struct kpi_result *k = &e->kpis[order[i]];
		if (k->achievement < 1.0)
			break;
		kpi_vars(lt, k);
		bullet(lt, kpi_phrase(lt, k, "strength"));
		shown++;
	}
	if (!shown)
		bullet(lt, phrase(lt, "default.no_strength"));
	free(order);
}

static void block_improve(struct letter *lt)
{
	const struct employee *e = lt->e;
	size_t *order = xmalloc((e->nkpis + 1) * sizeof(*order)), n, i, shown = 0;
	n = kpis_by_achievement(e, order);
	for (i = n; i-- > 0 && shown < 2;) {
		const struct kpi_result *k = &e->kpis[order[i]];
		struct strbuf sb = STRBUF_INIT;
		if (k->achievement >= 1.0)
			break;
		kpi_vars(lt, k);
		strbuf_addstr(&sb, kpi_phrase(lt, k, "improve"));
		strbuf_addstr(&sb, lt->loc == LOCALE_ZH ? "" : " ");
		strbuf_addstr(&sb, kpi_phrase(lt, k, "support"));
		bullet(lt, keep(lt, strbuf_detach(&sb, NULL)));
		shown++;
	}
	if (!shown)
		bullet(lt, phrase(lt, "default.all_good"));
	free(order);
}

/* Two lines, "Dimension: Results 70.0 · Efficiency 75.0" and the same for
 * the scorecard perspectives: a table would take a third of the page. */
static void block_dimensions(struct letter *lt)
{
	const struct employee *e = lt->e;
	int has_dim[DIM_COUNT] = { 0 }, has_p[PERSP_COUNT] = { 0 }, i, best = -1, worst = -1;
	const char *sep = lt->loc == LOCALE_ZH ? "：" : ": ";
	struct strbuf dims = STRBUF_INIT, ps = STRBUF_INIT;
	size_t k;
	for (k = 0; k < e->nkpis; k++) {
		const struct kpi_def *kd = &lt->cfg->kpis[e->kpis[k].kpi];
		if (!kpi_scored(&e->kpis[k]))
			continue;
		if ((unsigned)kd->dimension < DIM_COUNT)
			has_dim[kd->dimension] = 1;
		if ((unsigned)kd->perspective < PERSP_COUNT)
			has_p[kd->perspective] = 1;
	}
	for (i = 0; i < DIM_COUNT; i++) {
		if (!has_dim[i])
			continue;
		strbuf_addf(&dims, "%s%s %.1f", dims.len ? "  ·  " : "", dim_label(lt, i),
			    e->dim_score[i]);
		if (best < 0 || e->dim_score[i] > e->dim_score[best])
			best = i;
		if (worst < 0 || e->dim_score[i] < e->dim_score[worst])
			worst = i;
	}
	for (i = 0; i < PERSP_COUNT; i++)
		if (has_p[i])
			strbuf_addf(&ps, "%s%s %.1f", ps.len ? "  ·  " : "", persp_label(lt, i),
				    e->persp_score[i]);
	if (!dims.len) {
		bullet(lt, lbl(lt, "none"));
	} else {
		const char *a = keepf(lt, "%s%s%s", lbl(lt, "dimension"), sep, dims.buf);
		const char *b = keepf(lt, "%s%s%s", lbl(lt, "perspective"), sep, ps.buf);
		paragraph(&lt->L, a, BODY_L, BODY_W, FS_BODY, LH_BODY, C_TEXT, 0);
		paragraph(&lt->L, b, BODY_L, BODY_W, FS_BODY, LH_BODY, C_TEXT, 0);
		lt->L.y -= 3;
	}
	strbuf_release(&dims);
	strbuf_release(&ps);
	/* One sentence on the strongest and one on the weakest dimension. */
	if (best >= 0 && e->dim_score[best] >= 90) {
		const char *t = phrase2(lt, "dimension", dim_keys[best], "strength");
		if (t)
			bullet(lt, t);
	}
	if (worst >= 0 && worst != best && e->dim_score[worst] < 80) {
		const char *t = phrase2(lt, "dimension", dim_keys[worst], "improve");
		if (t)
			bullet(lt, t);
	}
}

static void block_reviews(struct letter *lt)
{
	const struct letters_shared *sh = lt->sh;
	const struct company *c = lt->c;
	static const int right[3] = { 0, 1, 1 };
	static const int rel_order[] = { REL_MANAGER, REL_PEER, REL_SUBORDINATE };
	double sum[REL_COUNT] = { 0 };
	size_t cnt[REL_COUNT] = { 0 }, i;
	const char *cells[4 * 3];
	struct table t = { 3, cells, NULL, 0, right, 0 };
	for (i = sh->rev_start[lt->emp]; i < sh->rev_start[lt->emp + 1]; i++) {
		const struct review_row *r = &c->reviews[sh->rev_idx[i]];
		if ((unsigned)r->relation < REL_COUNT) {
			sum[r->relation] += r->score;
			cnt[r->relation]++;
		}
	}
	cells[0] = lbl(lt, "relation");
	cells[1] = lbl(lt, "reviewers");
	cells[2] = lbl(lt, "mean");
	for (i = 0; i < 3; i++) {
		int rel = rel_order[i];
		const char **row;
		if (!cnt[rel])
			continue;
		row = cells + (++t.nrows) * 3;
		row[0] = relation_label(lt, rel);
		row[1] = keepf(lt, "%zu", cnt[rel]);
		row[2] = keepf(lt, "%.1f", sum[rel] / (double)cnt[rel]);
	}
	if (t.nrows)
		table_draw(lt, &t);
	if (cnt[REL_SELF]) {
		template_vars_setf(&lt->vars, "mean", "%.1f", sum[REL_SELF] / (double)cnt[REL_SELF]);
		template_vars_setf(&lt->vars, "n", "%zu", cnt[REL_SELF]);
		paragraph(&lt->L, lbl(lt, "self_review"), BODY_L, BODY_W, FS_BODY, LH_BODY, C_TEXT, 0);
	}
	paragraph(&lt->L, lbl(lt, "reviews_note"), BODY_L, BODY_W, FS_SMALL, LH_SMALL, C_GREY, 0);
	lt->L.y -= 4;
}

/* Passed courses dated inside the period, in input order. */
static void block_training(struct letter *lt)
{
	const struct letters_shared *sh = lt->sh;
	const struct company *c = lt->c;
	static const int right[3] = { 0, 0, 1 };
	size_t i, n = sh->trn_start[lt->emp + 1] - sh->trn_start[lt->emp];
	const char **cells = xcalloc((n + 1) * 3, sizeof(*cells));
	struct table t = { 3, cells, NULL, 0, right, 0 };
	cells[0] = lbl(lt, "course");
	cells[1] = lbl(lt, "date");
	cells[2] = lbl(lt, "hours");
	for (i = sh->trn_start[lt->emp]; i < sh->trn_start[lt->emp + 1]; i++) {
		const struct training_row *tr = &c->training[sh->trn_idx[i]];
		const char **row = cells + (t.nrows + 1) * 3;
		char iso[16];
		date_format_iso(tr->date, iso);
		row[0] = tr->course ? tr->course : "";
		row[1] = keep(lt, xstrdup(iso));
		row[2] = isfinite(tr->hours) && tr->hours > 0 ? keepf(lt, "%.1f", tr->hours) : "";
		t.nrows++;
	}
	if (t.nrows)
		table_draw(lt, &t);
	paragraph(&lt->L, lbl(lt, "training_points"), BODY_L, BODY_W, FS_BODY, LH_BODY, C_TEXT, 0);
	lt->L.y -= 4;
	free(cells);
}

static int next_target(const struct letter *lt, int kpi, double *value);

static void block_next_targets(struct letter *lt)
{
	const struct employee *e = lt->e;
	static const int right[2] = { 0, 1 };
	const char **cells = xcalloc((e->nkpis + 1) * 2, sizeof(*cells));
	struct table t = { 2, cells, NULL, 0, right, 0 };
	size_t i;
	cells[0] = lbl(lt, "kpi");
	cells[1] = lbl(lt, "next_target");
	for (i = 0; i < e->nkpis; i++) {
		double v;
		const char **row;
		if (!next_target(lt, e->kpis[i].kpi, &v))
			continue;
		row = cells + (++t.nrows) * 2;
		row[0] = label_text(&lt->cfg->kpis[e->kpis[i].kpi].label, lt->loc);
		row[1] = fmt_value(lt, e->kpis[i].kpi, v);
	}
	if (t.nrows)
		table_draw(lt, &t);
	free(cells);
}

/* A ruled box with the hint inside its top: two-way feedback on paper. */
static void block_comments(struct letter *lt)
{
	struct layout *L = &lt->L;
	double h = 58, y, top;
	size_t i, n;
	/* The box and the signatures below it stay on one page. */
	ensure(L, h + 40);
	top = L->y;
	rect_at(L, BODY_L, top - h, BODY_W, h, NO_COLOR, C_RULE);
	n = wrap(L, lbl(lt, "comments_hint"), BODY_W - 16, FS_SMALL);
	for (y = top - 3, i = 0; i < n && i < 2; i++, y -= LH_SMALL)
		text_at(L, BODY_L + 8, baseline(y, LH_SMALL, FS_SMALL), FS_SMALL, C_GREY, 0,
			lbl(lt, "comments_hint") + L->wl.v[i].off, L->wl.v[i].len);
	for (y -= 18; y > top - h + 6; y -= 18)
		line_at(L, BODY_L + 8, y, BODY_L + BODY_W - 8, y, 0.3, C_RULE, 1);
	L->y = top - h - 4;
}

static void block_signatures(struct letter *lt)
{
	struct layout *L = &lt->L;
	const char *who[2] = { lbl(lt, "sign_employee"), lbl(lt, "sign_manager") };
	const char *date = lbl(lt, "sign_date");
	double colw = (BODY_W - 24) / 2, y;
	int i;
	ensure(L, 40);
	y = L->y - 24;
	for (i = 0; i < 2; i++) {
		double x = BODY_L + i * (colw + 24), dw = colw * 0.32;
		const char *w = fit(lt, who[i], colw - dw - 8, FS_SMALL);
		const char *dt = fit(lt, date, dw, FS_SMALL);
		line_at(L, x, y, x + colw - dw - 8, y, 0.6, C_TEXT, 0);
		line_at(L, x + colw - dw, y, x + colw, y, 0.6, C_TEXT, 0);
		text_at(L, x, y - 11, FS_SMALL, C_GREY, 0, w, strlen(w));
		text_at(L, x + colw - dw, y - 11, FS_SMALL, C_GREY, 0, dt, strlen(dt));
	}
	L->y = y - 12;
}

/* ---- Next period's targets ---------------------------------------------- */

static void target_key(struct strbuf *sb, int scope, const char *key, int kpi)
{
	strbuf_reset(sb);
	strbuf_addf(sb, "%d\x1f%s\x1f%d", scope, key ? key : "", kpi);
}

static int role_matches(const struct role_def *r, const char *text)
{
	return !strcasecmp(r->name, text) || (r->label.zh && !strcasecmp(r->label.zh, text)) ||
	       (r->label.en && !strcasecmp(r->label.en, text));
}

/* Indexes the targets rows of the next period by scope, key and KPI. */
static void index_next_targets(struct letters_shared *sh)
{
	const struct company *c = sh->c;
	struct strbuf key = STRBUF_INIT, rk = STRBUF_INIT;
	size_t i, r;
	period_next(&c->period, &sh->next);
	strmap_init(&sh->next_targets);
	sh->next_keys = xcalloc(c->ntargets + 1, sizeof(*sh->next_keys));
	for (i = 0; i < c->ntargets; i++) {
		const struct target_row *t = &c->targets[i];
		const char *k = t->key;
		if (strcmp(t->period.label, sh->next.label))
			continue;
		if (t->scope == 1) {
			for (r = 0; r < sh->cfg->nroles; r++)
				if (t->key && role_matches(&sh->cfg->roles[r], t->key))
					break;
			if (r == sh->cfg->nroles)
				continue;
			strbuf_reset(&rk);
			strbuf_addf(&rk, "%zu", r);
			k = rk.buf;
		} else if (t->scope == 3) {
			k = "";
		}
		target_key(&key, t->scope, k, t->kpi);
		if (strmap_get(&sh->next_targets, key.buf, &r))
			continue;
		sh->next_keys[sh->nnext] = strbuf_detach(&key, NULL);
		strmap_put(&sh->next_targets, sh->next_keys[sh->nnext], i);
		sh->nnext++;
	}
	strbuf_release(&key);
	strbuf_release(&rk);
}

/* The next period's target for a KPI: employee > role > department > company. */
static int next_target(const struct letter *lt, int kpi, double *value)
{
	const struct employee *e = lt->e;
	struct strbuf key = STRBUF_INIT;
	char role[32];
	const char *keys[4];
	size_t idx;
	int s, found = 0;
	if (!lt->sh->nnext)
		return 0;
	snprintf(role, sizeof(role), "%d", e->role);
	keys[0] = e->id, keys[1] = e->role >= 0 ? role : NULL, keys[2] = e->department;
	keys[3] = "";
	for (s = 0; s < 4 && !found; s++) {
		if (!keys[s])
			continue;
		target_key(&key, s, keys[s], kpi);
		if (strmap_get(&lt->sh->next_targets, key.buf, &idx)) {
			*value = lt->c->targets[idx].value;
			found = 1;
		}
	}
	strbuf_release(&key);
	return found;
}

/* ---- One letter ---------------------------------------------------------- */

static int has_next_targets(struct letter *lt)
{
	size_t i;
	double v;
	for (i = 0; i < lt->e->nkpis; i++)
		if (next_target(lt, lt->e->kpis[i].kpi, &v))
			return 1;
	return 0;
}

/* Control characters in HR text would break the layout: spaces instead. */
static const char *clean(struct letter *lt, const char *s)
{
	char *copy, *p;
	if (!s)
		return "";
	copy = xstrdup(s);
	for (p = copy; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = ' ';
	return keep(lt, copy);
}

static void set_vars(struct letter *lt)
{
	const struct employee *e = lt->e;
	const struct config *cfg = lt->cfg;
	const struct company *c = lt->c;
	const struct letters_shared *sh = lt->sh;
	struct template_vars *v = &lt->vars;
	const char *role = e->role >= 0 && (size_t)e->role < cfg->nroles
				   ? label_text(&cfg->roles[e->role].label, lt->loc) : e->role_text;
	int partial = e->proration < 1.0 - 1e-9;
	unsigned f = e->flags;

	template_vars_set(v, "name", clean(lt, e->name));
	template_vars_set(v, "employee_id", clean(lt, e->id));
	template_vars_set(v, "department", clean(lt, e->department));
	template_vars_set(v, "role", clean(lt, role));
	template_vars_set(v, "grade", clean(lt, e->grade));
	template_vars_set(v, "company", label_text(&cfg->company, lt->loc));
	template_vars_set(v, "period", c->period.label);
	template_vars_set(v, "period_next", sh->next.label);
	template_vars_setf(v, "period_days", "%d", c->period.ndays);
	template_vars_setf(v, "days", "%d", e->days);
	template_vars_set(v, "proration", fmt_pct(lt, e->proration));
	template_vars_set(v, "final_score", fmt_score(lt, e->norm_score));
	template_vars_set(v, "raw_score", fmt_score(lt, e->raw_score));
	template_vars_set(v, "rating", e->rating >= 0 && (size_t)e->rating < cfg->nbands
			  ? label_text(&cfg->bands[e->rating].label, lt->loc) : "");
	template_vars_set(v, "bonus", fmt_money(lt, e->bonus));
	{
		struct strbuf sb = STRBUF_INIT;
		add_trimmed(&sb, cfg->bonus.cap_months, 2);
		template_vars_set(v, "cap_months", sb.buf);
		strbuf_release(&sb);
	}
	template_vars_setf(v, "bottom_streak", "%d", e->bottom_streak);
	template_vars_setf(v, "top_streak", "%d", e->top_streak);
	template_vars_setf(v, "courses", "%d", e->courses_passed);
	{
		struct strbuf sb = STRBUF_INIT;
		add_trimmed(&sb, e->training_points, 2);
		template_vars_set(v, "points", sb.buf);
		strbuf_reset(&sb);
		add_trimmed(&sb, cfg->training_max_points, 2);
		template_vars_set(v, "max_points", sb.buf);
		strbuf_release(&sb);
	}
	template_vars_set(v, "ineligible_reason", NULL);
	if (!e->eligible && e->ineligible_reason) {
		char k[96];
		const char *s;
		snprintf(k, sizeof(k), "ineligible.%s", e->ineligible_reason);
		s = phrase(lt, k);
		template_vars_set(v, "ineligible_reason", s ? s : e->ineligible_reason);
	}
	template_vars_set(v, "partial", partial ? "1" : NULL);
	template_vars_set(v, "ineligible", e->eligible ? NULL : "1");
	template_vars_set(v, "reweighted", f & FLAG_REWEIGHTED ? "1" : NULL);
	template_vars_set(v, "bonus_capped", f & FLAG_BONUS_CAPPED ? "1" : NULL);
	template_vars_set(v, "top_performer", f & FLAG_TOP_PERFORMER ? "1" : NULL);
	template_vars_set(v, "small_group", f & FLAG_SMALL_GROUP ? "1" : NULL);
	template_vars_set(v, "warning", f & FLAG_WARNING ? "1" : NULL);
	template_vars_set(v, "role_review", f & FLAG_ROLE_REVIEW ? "1" : NULL);
	template_vars_set(v, "promote", f & FLAG_PROMOTE ? "1" : NULL);
	template_vars_set(v, "reviews", sh->rev_start[lt->emp + 1] > sh->rev_start[lt->emp]
			  ? "1" : NULL);
	template_vars_set(v, "training", sh->trn_start[lt->emp + 1] > sh->trn_start[lt->emp] ||
			  e->training_points > 0 ? "1" : NULL);
	template_vars_set(v, "next_targets", has_next_targets(lt) ? "1" : NULL);
}

static const char *const block_names[] = {
	"summary", "kpis", "chart", "strengths", "improve", "dimensions", "reviews",
	"training", "next_targets", "comments", "signatures", NULL
};

static void block(struct letter *lt, const char *name)
{
	if (!strcmp(name, "summary"))
		block_summary(lt);
	else if (!strcmp(name, "kpis"))
		block_kpis(lt);
	else if (!strcmp(name, "chart"))
		block_chart(lt);
	else if (!strcmp(name, "strengths"))
		block_strengths(lt);
	else if (!strcmp(name, "improve"))
		block_improve(lt);
	else if (!strcmp(name, "dimensions"))
		block_dimensions(lt);
	else if (!strcmp(name, "reviews"))
		block_reviews(lt);
	else if (!strcmp(name, "training"))
		block_training(lt);
	else if (!strcmp(name, "next_targets"))
		block_next_targets(lt);
	else if (!strcmp(name, "comments"))
		block_comments(lt);
	else if (!strcmp(name, "signatures"))
		block_signatures(lt);
}

static void flush_para(struct letter *lt, struct strbuf *para)
{
	if (!para->len)
		return;
	paragraph(&lt->L, para->buf, BODY_L, BODY_W, FS_BODY, LH_BODY, C_TEXT, 0);
	lt->L.y -= 4;
	strbuf_reset(para);
}

/* Height that must fit below a heading: a block's first part, else 3 lines. */
static double follow_h(const char *rest)
{
	while (rest && (*rest == '\n' || *rest == ' ' || *rest == '\r'))
		rest++;
	if (!rest || *rest != '@')
		return 3 * LH_BODY;
	if (!strncmp(rest, "@comments", 9))
		return 58 + 40;
	if (!strncmp(rest, "@summary", 8))
		return 50;
	if (!strncmp(rest, "@kpis", 5) || !strncmp(rest, "@chart", 6))
		return 4 * LH_TABLE + 4 * CELL_PAD;
	return 3 * LH_BODY;
}

/* Lays out the rendered template, one layout command per line. */
static void layout_body(struct letter *lt)
{
	struct layout *L = &lt->L;
	struct strbuf para = STRBUF_INIT;
	char *line = lt->body.buf, *next;
	for (; line && *line; line = next) {
		size_t n;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		n = strlen(line);
		while (n && (line[n - 1] == ' ' || line[n - 1] == '\r' || line[n - 1] == '\t'))
			line[--n] = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line) {
			if (para.len)
				flush_para(lt, &para);
			else if (L->y < BODY_TOP)
				L->y -= 2;
			continue;
		}
		if (line[0] == '=' && line[1] == ' ') {
			flush_para(lt, &para);
			paragraph(L, line + 2, BODY_L, BODY_W, 15, 20, C_ACCENT, 1);
			L->y -= 4;
		} else if (line[0] == '#' && line[1] == ' ') {
			flush_para(lt, &para);
			/* Keep a heading with (the start of) what follows. */
			ensure(L, 5 + 15 + 3 + follow_h(next));
			if (L->y < BODY_TOP)
				L->y -= 5;
			paragraph(L, line + 2, BODY_L, BODY_W, 11, 15, C_ACCENT, 1);
			line_at(L, BODY_L, L->y + 1, BODY_L + BODY_W, L->y + 1, 0.5, C_RULE, 0);
			L->y -= 3;
		} else if (line[0] == '!' && line[1] == ' ') {
			size_t nl;
			double h;
			flush_para(lt, &para);
			nl = wrap(L, line + 2, BODY_W - 22, FS_BODY);
			h = (double)nl * LH_BODY + 10;
			ensure(L, h);
			rect_at(L, BODY_L, L->y - h, BODY_W, h, C_NOTICE_BG, NO_COLOR);
			rect_at(L, BODY_L, L->y - h, 3, h, C_NOTICE_BAR, NO_COLOR);
			L->y -= 5;
			paragraph(L, line + 2, BODY_L + 12, BODY_W - 22, FS_BODY, LH_BODY, C_TEXT, 0);
			L->y -= 5 + 6;
		} else if (line[0] == '-' && line[1] == ' ') {
			flush_para(lt, &para);
			bullet(lt, line + 2);
		} else if (line[0] == '@') {
			flush_para(lt, &para);
			block(lt, line + 1);
		} else {
			/* Lines of one paragraph join: with a space in English, directly
			 * in Chinese, where a space would show as a gap. */
			if (para.len && !lt->L.zh)
				strbuf_addch(&para, ' ');
			strbuf_addstr(&para, line);
		}
	}
	flush_para(lt, &para);
	strbuf_release(&para);
}

/* Header (company, period, confidential mark) and footer (who, page n / m). */
static void page_frames(struct letter *lt)
{
	struct layout *L = &lt->L;
	const char *conf = lbl(lt, "confidential");
	const char *company = template_vars_lookup(&lt->vars, "company");
	const char *period = lt->c->period.label;
	double cw = str_width(L, conf, 9) + 12, pw = str_width(L, period, 9);
	double ytext = PAGE_H - MARGIN - 14, yrule = PAGE_H - MARGIN - 24;
	int p;
	for (p = 0; p < L->npages; p++) {
		const char *s, *foot;
		double avail;
		L->page = p;
		avail = BODY_W - cw - pw - 24;
		s = fit(lt, company, avail, 11);
		text_at(L, BODY_L, ytext, 11, C_ACCENT, 1, s, strlen(s));
		text_at(L, BODY_L + str_width(L, s, 11) + 10, ytext, 9, C_GREY, 0, period,
			strlen(period));
		rect_at(L, BODY_L + BODY_W - cw, ytext - 4, cw, 16, NO_COLOR, C_RED);
		text_at(L, BODY_L + BODY_W - cw + 6, ytext, 9, C_RED, 1, conf, strlen(conf));
		line_at(L, BODY_L, yrule, BODY_L + BODY_W, yrule, 0.8, C_ACCENT, 0);

		template_vars_setf(&lt->vars, "page", "%d", p + 1);
		template_vars_setf(&lt->vars, "pages", "%d", L->npages);
		s = lbl(lt, "page");
		line_at(L, BODY_L, MARGIN + 14, BODY_L + BODY_W, MARGIN + 14, 0.5, C_RULE, 0);
		text_at(L, BODY_L + BODY_W - str_width(L, s, FS_SMALL), MARGIN + 3, FS_SMALL, C_GREY,
			0, s, strlen(s));
		foot = fit(lt, lbl(lt, "footer"), BODY_W - str_width(L, s, FS_SMALL) - 20, FS_SMALL);
		text_at(L, BODY_L, MARGIN + 3, FS_SMALL, C_GREY, 0, foot, strlen(foot));
	}
}

/* ---- PDF ------------------------------------------------------------------ */

static void on_hpdf_error(HPDF_STATUS err, HPDF_STATUS detail, void *data)
{
	struct letter *lt = data;
	if (!lt->hpdf_error) {
		lt->hpdf_error = err;
		lt->hpdf_detail = detail;
	}
}

static void rgb_fill(HPDF_Page pg, uint32_t c)
{
	HPDF_Page_SetRGBFill(pg, (float)(c >> 16 & 0xFF) / 255.0f, (float)(c >> 8 & 0xFF) / 255.0f,
			     (float)(c & 0xFF) / 255.0f);
}

static void rgb_stroke(HPDF_Page pg, uint32_t c)
{
	HPDF_Page_SetRGBStroke(pg, (float)(c >> 16 & 0xFF) / 255.0f,
			       (float)(c >> 8 & 0xFF) / 255.0f, (float)(c & 0xFF) / 255.0f);
}

/* Draws page p's operations; state is set only when it changes. */
static void replay_page(struct letter *lt, HPDF_Page pg, HPDF_Font font, int p)
{
	static const HPDF_UINT16 dash[] = { 3, 2 };
	const struct layout *L = &lt->L;
	int in_text = 0, bold = 0, dashed = 0;
	double size = -1;
	size_t i;
	for (i = 0; i < L->nops; i++) {
		const struct dl_op *o = &L->ops[i];
		if (o->page != p)
			continue;
		if (o->kind != DL_TEXT && in_text) {
			HPDF_Page_EndText(pg);
			in_text = 0;
		}
		switch (o->kind) {
		case DL_TEXT:
			if (!in_text) {
				HPDF_Page_BeginText(pg);
				in_text = 1;
			}
			if (o->size != size) {
				size = o->size;
				HPDF_Page_SetFontAndSize(pg, font, (HPDF_REAL)size);
			}
			rgb_fill(pg, o->fill);
			/* wqy-zenhei has no bold face: fill and stroke the outline. */
			if (o->bold) {
				rgb_stroke(pg, o->fill);
				HPDF_Page_SetLineWidth(pg, o->size * 0.035f);
			}
			if (o->bold != bold) {
				bold = o->bold;
				HPDF_Page_SetTextRenderingMode(pg, bold ? HPDF_FILL_THEN_STROKE : HPDF_FILL);
			}
			strbuf_reset(&lt->scratch);
			strbuf_add(&lt->scratch, L->text.buf + o->off, o->len);
			HPDF_Page_TextOut(pg, o->x, o->y, lt->scratch.buf);
			break;
		case DL_LINE:
			if (o->dash != dashed) {
				dashed = o->dash;
				HPDF_Page_SetDash(pg, dashed ? dash : NULL, dashed ? 2 : 0, 0);
			}
			HPDF_Page_SetLineWidth(pg, o->size);
			rgb_stroke(pg, o->stroke);
			HPDF_Page_MoveTo(pg, o->x, o->y);
			HPDF_Page_LineTo(pg, o->x + o->w, o->y + o->h);
			HPDF_Page_Stroke(pg);
			break;
		case DL_RECT:
			if (dashed) {
				dashed = 0;
				HPDF_Page_SetDash(pg, NULL, 0, 0);
			}
			if (o->fill != NO_COLOR)
				rgb_fill(pg, o->fill);
			if (o->stroke != NO_COLOR) {
				rgb_stroke(pg, o->stroke);
				HPDF_Page_SetLineWidth(pg, o->size);
			}
			HPDF_Page_Rectangle(pg, o->x, o->y, o->w, o->h);
			if (o->fill != NO_COLOR && o->stroke != NO_COLOR)
				HPDF_Page_FillStroke(pg);
			else if (o->fill != NO_COLOR)
				HPDF_Page_Fill(pg);
			else
				HPDF_Page_Stroke(pg);
			break;
		}
	}
	if (in_text)
		HPDF_Page_EndText(pg);
}

/* The letter's password, "" for none; -1 when the employee has none. */
static int password_for(struct letter *lt, const char **pw)
{
	int f = lt->sh->password_field;
	*pw = "";
	if (f == -1)
		return 0;
	*pw = f == -2 ? lt->e->id : lt->e->hr_text[f];
	if (!*pw || !**pw)
		return diag_error(lt->d, MERIT_DATAERR, NULL, 0, 0,
				  "letter for '%s': the password column '%s' is empty",
				  lt->e->id, lt->cfg->letters.password);
	return 0;
}

static int write_file(const char *path, const char *data, size_t len, struct diag *d)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	int failed = 0, e = 0;
	if (fd < 0)
		return diag_error(d, MERIT_CANTCREAT, path, 0, 0, "cannot create letter: %s",
				  strerror(errno));
	/* An old file keeps its mode through O_TRUNC: pay is private. */
	if (fchmod(fd, 0600) < 0)
		failed = 1, e = errno;
	while (!failed && len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			failed = 1, e = errno;
			break;
		}
		data += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0 && !failed)
		failed = 1, e = errno;
	if (failed) {
		unlink(path);
		return diag_error(d, MERIT_CANTCREAT, path, 0, 0, "cannot write letter: %s",
				  strerror(e));
	}
	return 0;
}

/* A character the letter does not use yet, for pdf_write's second try. */
static uint32_t pad_char(struct layout *L)
{
	static const uint32_t cand[] = { 0x3000, 0x00A0, '~', '^', '`', '_', 0x2002 };
	size_t i, j;
	for (i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
		int used = 0;
		for (j = 0; j < L->ncps; j++)
			used |= L->cps[j] == cand[i];
		if (!used && font_face_has(L->font, cand[i]))
			return cand[i];
	}
	return 0;
}

/*
 * One attempt: subset, build, save into lt->pdfbuf. `pad` adds one unused
 * glyph, drawn invisibly. Returns libharu's first error (0 if none), or -1
 * with lt->d filled when the subset could not be written.
 */
static long pdf_render(struct letter *lt, const char *pw, uint32_t pad)
{
	struct layout *L = &lt->L;
	HPDF_Doc pdf;
	HPDF_Font font;
	const char *fname;
	HPDF_UINT32 size;
	size_t ncps = L->ncps;
	int p, rc;

	if (pad)
		cp_seen(L, pad);
	rc = font_face_subset_file(L->font, L->cps, L->ncps, &lt->path, lt->d);
	L->ncps = ncps;
	if (rc < 0)
		return -1;
	lt->hpdf_error = 0;
	pdf = HPDF_New(on_hpdf_error, lt);
	if (!pdf) {
		unlink(lt->path.buf);
		return HPDF_FAILD_TO_ALLOC_MEM;
	}
	HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(pdf);
	fname = HPDF_LoadTTFontFromFile(pdf, lt->path.buf, HPDF_TRUE);
	/* libharu has read the subset: the file is not needed any more. */
	unlink(lt->path.buf);
	font = fname ? HPDF_GetFont(pdf, fname, "UTF-8") : NULL;
	HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "merit " MERIT_VERSION);
	for (p = 0; font && p < L->npages; p++) {
		HPDF_Page pg = HPDF_AddPage(pdf);
		HPDF_Page_SetSize(pg, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
		replay_page(lt, pg, font, p);
		if (p == 0 && pad) {
			strbuf_reset(&lt->scratch);
			utf8_put(&lt->scratch, pad);
			HPDF_Page_BeginText(pg);
			HPDF_Page_SetFontAndSize(pg, font, 1);
			HPDF_Page_SetTextRenderingMode(pg, HPDF_INVISIBLE);
			HPDF_Page_TextOut(pg, (HPDF_REAL)BODY_L, (HPDF_REAL)BODY_TOP, lt->scratch.buf);
			HPDF_Page_EndText(pg);
		}
	}
	if (*pw) {
		/* The owner password only guards permissions; derive it so runs agree. */
		char owner[65];
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "merit-owner\x1f%s\x1f%s", lt->cfg->sha256, lt->e->id);
		sha256_hex(sb.buf, sb.len, owner);
		strbuf_release(&sb);
		HPDF_SetPassword(pdf, owner, pw);
		HPDF_SetEncryptionMode(pdf, HPDF_ENCRYPT_R3, 16);
		HPDF_SetPermission(pdf, HPDF_ENABLE_READ | HPDF_ENABLE_PRINT);
	}
	if (!font && !lt->hpdf_error)
		lt->hpdf_error = HPDF_INVALID_FONT_NAME;
	if (!lt->hpdf_error)
		HPDF_SaveToStream(pdf);
	if (!lt->hpdf_error) {
		size = HPDF_GetStreamSize(pdf);
		strbuf_reset(&lt->pdfbuf);
		strbuf_grow(&lt->pdfbuf, size);
		HPDF_ReadFromStream(pdf, (HPDF_BYTE *)lt->pdfbuf.buf, &size);
		lt->pdfbuf.len = size;
		/* Reading to the very end reports "end of stream": not an error. */
		if (lt->hpdf_error == HPDF_STREAM_EOF)
			lt->hpdf_error = 0;
	}
	HPDF_Free(pdf);
	return (long)lt->hpdf_error;
}

static int pdf_write(struct letter *lt)
{
	const char *pw;
	long err;
	uint32_t pad;
	if (password_for(lt, &pw) < 0)
		return -1;
	err = pdf_render(lt, pw, 0);
	/*
	 * libharu 2.3.0 fails to save (HPDF_INVALID_OBJECT) for a few exact
	 * sets of glyphs (1 letter in ~5,000 in the benchmark; any one glyph
	 * more or less avoids it). Try once more with one unused glyph added,
	 * drawn invisibly: deterministic, so re-runs still give the same bytes.
	 */
	if (err == HPDF_INVALID_OBJECT && (pad = pad_char(&lt->L)))
		err = pdf_render(lt, pw, pad);
	if (err < 0)
		return -1;
	if (err)
		return diag_error(lt->d, MERIT_SOFTWARE, NULL, 0, 0,
				  "letter for '%s': libharu error 0x%04lX (detail %u)", lt->e->id,
				  (unsigned long)err, (unsigned)lt->hpdf_detail);
	strbuf_reset(&lt->path);
	strbuf_addf(&lt->path, "%s/", lt->sh->dir);
	letter_file_name(lt->e->id, &lt->path);
	if (write_file(lt->path.buf, lt->pdfbuf.buf, lt->pdfbuf.len, lt->d) < 0)
		return -1;
	lt->bytes += (int64_t)lt->pdfbuf.len;
	return 0;
}

/* Characters the font cannot draw would print as empty boxes: say so. */
static void check_glyphs(struct letter *lt)
{
	struct strbuf list = STRBUF_INIT;
	size_t i, missing = 0;
	int in_name = 0;
	for (i = 0; i < lt->L.ncps; i++) {
		uint32_t c = lt->L.cps[i];
		if (font_face_has(lt->L.font, c))
			continue;
		if (missing++ < 8) {
			strbuf_addf(&list, "%sU+%04X '", list.len ? ", " : "", (unsigned)c);
			utf8_put(&list, c);
			strbuf_addch(&list, '\'');
		}
		if (lt->e->name) {
			struct strbuf ch = STRBUF_INIT;
			utf8_put(&ch, c);
			if (strstr(lt->e->name, ch.buf))
				in_name = 1;
			strbuf_release(&ch);
		}
	}
	if (missing) {
		diag_warn(lt->d, lt->cfg->letters.font, 0, 0,
			  "letter for '%s': the font has no glyph for %s%s%s; %s as empty boxes",
			  lt->e->id, list.buf, missing > 8 ? " and more" : "",
			  in_name ? " (in the name)" : "", missing > 1 ? "they print" : "it prints");
		diag_hint(lt->d, "set [letters] font to a font that covers these characters");
	}
	strbuf_release(&list);
}

static void letter_reset(struct letter *lt)
{
	size_t i;
	for (i = 0; i < lt->nowned; i++)
		free(lt->owned[i]);
	lt->nowned = 0;
	lt->L.nops = 0;
	strbuf_reset(&lt->L.text);
	memset(lt->L.seen, 0, sizeof(lt->L.seen));
	lt->L.ncps = 0;
	lt->L.page = 0;
	lt->L.npages = 1;
	lt->L.y = BODY_TOP;
	strbuf_reset(&lt->body);
}

static int letter_make(struct letter *lt, size_t emp, struct diag *d)
{
	lt->emp = emp;
	lt->e = &lt->c->emps[emp];
	lt->loc = (unsigned)lt->e->locale < LOCALE_COUNT ? lt->e->locale : lt->cfg->locale;
	lt->bank = lt->sh->bank[lt->loc];
	lt->d = d;
	letter_reset(lt);
	lt->L.zh = lt->loc == LOCALE_ZH;
	set_vars(lt);
	template_render(lt->sh->tpl[lt->loc], template_vars_lookup, &lt->vars, &lt->body);
	layout_body(lt);
	page_frames(lt);
	cp_seen(&lt->L, ' ');
	check_glyphs(lt);
	return pdf_write(lt);
}

static void letter_init(struct letter *lt, const struct letters_shared *sh,
			struct font_face *font)
{
	memset(lt, 0, sizeof(*lt));
	lt->sh = sh;
	lt->c = sh->c;
	lt->cfg = sh->cfg;
	lt->L.font = font;
	template_vars_init(&lt->vars);
	strbuf_init(&lt->scratch, 0);
	strbuf_init(&lt->body, 0);
	strbuf_init(&lt->path, 0);
	strbuf_init(&lt->pdfbuf, 0);
	strbuf_init(&lt->L.text, 0);
}

static void letter_release(struct letter *lt)
{
	letter_reset(lt);
	free(lt->owned);
	template_vars_release(&lt->vars);
	strbuf_release(&lt->scratch);
	strbuf_release(&lt->body);
	strbuf_release(&lt->path);
	strbuf_release(&lt->pdfbuf);
	strbuf_release(&lt->L.text);
	free(lt->L.ops);
	free(lt->L.cps);
	wrap_lines_release(&lt->L.wl);
	font_face_free(lt->L.font);
}

/* ---- Workers and the run ------------------------------------------------- */

struct worker {
	struct letters_shared *sh;
	struct font_face *font;
	pthread_t thread;
	int started;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct letters_shared *sh = w->sh;
	struct letter *lt = xmalloc(sizeof(*lt));
	letter_init(lt, sh, w->font);
	w->font = NULL;                  /* the letter owns it now */
	while (!atomic_load(&sh->stop)) {
		size_t i = atomic_fetch_add(&sh->next_emp, 1);
		struct diag d;
		if (i >= sh->c->nemps)
			break;
		if (!sh->c->emps[i].in_scope)
			continue;
		diag_init(&d);
		letter_make(lt, i, &d);
		if (d.nr) {
			/* Kept per employee and merged in employee order afterwards,
			 * so the report does not depend on thread timing. */
			sh->diags[i] = xmalloc(sizeof(d));
			*sh->diags[i] = d;
			if (d.status == MERIT_CANTCREAT || d.status == MERIT_SOFTWARE)
				atomic_store(&sh->stop, 1);
		} else {
			diag_release(&d);
		}
	}
	pthread_mutex_lock(&sh->lock);
	sh->bytes += lt->bytes;
	pthread_mutex_unlock(&sh->lock);
	letter_release(lt);
	free(lt);
	return NULL;
}

static void merge_diag(struct diag *d, const struct diag *from)
{
	size_t i;
	for (i = 0; i < from->nr; i++) {
		const struct diag_msg *m = &from->msgs[i];
		if (m->severity == DIAG_ERROR)
			diag_error(d, from->status ? from->status : MERIT_SOFTWARE, m->where, 0, 0,
				   "%s", m->text);
		else if (m->severity == DIAG_WARNING)
			diag_warn(d, m->where, 0, 0, "%s", m->text);
		else
			diag_note(d, "%s", m->text);
		if (m->hint)
			diag_hint(d, "%s", m->hint);
	}
}

/* Every "@block" line of a letter template must name a known block. */
static int check_blocks(const char *path, struct diag *d)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int ln = 0, rc = 0;
	if (!f)
		return 0;      /* template_load has reported it */
	while (getline(&line, &cap, f) > 0) {
		char *p = line, *e;
		size_t i;
		ln++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '@')
			continue;
		for (e = p + strlen(p); e > p && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ');)
			*--e = '\0';
		for (i = 0; block_names[i]; i++)
			if (!strcmp(block_names[i], p + 1))
				break;
		if (!block_names[i]) {
			rc = diag_error(d, MERIT_CONFIG, path, ln, (int)(p - line) + 1,
					"unknown letter block '%s'", p);
			diag_hint(d, "blocks: @summary @kpis @chart @strengths @improve @dimensions "
				     "@reviews @training @next_targets @comments @signatures");
		}
	}
	free(line);
	fclose(f);
	return rc;
}

static int load_templates(struct letters_shared *sh, struct diag *d)
{
	const char *dir = sh->cfg->letters.templates_dir ? sh->cfg->letters.templates_dir
							 : "templates";
	struct strbuf path = STRBUF_INIT;
	int loc, rc = 0;
	for (loc = 0; loc < LOCALE_COUNT; loc++) {
		size_t i;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/letter.%s.txt", dir, locale_names[loc]);
		sh->tpl[loc] = template_load(path.buf, letter_names, d);
		if (!sh->tpl[loc] || check_blocks(path.buf, d) < 0)
			rc = -1;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/phrases.%s.ini", dir, locale_names[loc]);
		sh->bank[loc] = template_set_load(path.buf, letter_names, d);
		if (!sh->bank[loc]) {
			rc = -1;
			continue;
		}
		for (i = 0; required_keys[i]; i++)
			if (!template_set_get(sh->bank[loc], required_keys[i]))
				rc = diag_error(d, MERIT_CONFIG, path.buf, 0, 0,
						"missing entry '%s'", required_keys[i]);
	}
	strbuf_release(&path);
	return rc;
}

/* Counting sort of row indexes by employee: start[e]..start[e+1]. */
static void index_rows(size_t nemps, size_t nrows, const size_t *owner, size_t **start,
		       size_t **idx)
{
	size_t i, *pos;
	*start = xcalloc(nemps + 2, sizeof(**start));
	*idx = xcalloc(nrows + 1, sizeof(**idx));
	for (i = 0; i < nrows; i++)
		if (owner[i] < nemps)
			(*start)[owner[i] + 1]++;
	for (i = 0; i < nemps; i++)
		(*start)[i + 1] += (*start)[i];
	pos = xmalloc((nemps + 1) * sizeof(*pos));
	memcpy(pos, *start, (nemps + 1) * sizeof(*pos));
	for (i = 0; i < nrows; i++)
		if (owner[i] < nemps)
			(*idx)[pos[owner[i]]++] = i;
	free(pos);
}

static void index_inputs(struct letters_shared *sh)
{
	const struct company *c = sh->c;
	size_t i, *owner = xmalloc((c->nreviews + c->ntraining + 1) * sizeof(*owner));
	for (i = 0; i < c->nreviews; i++)
		owner[i] = c->reviews[i].reviewee;
	index_rows(c->nemps, c->nreviews, owner, &sh->rev_start, &sh->rev_idx);
	/* Training: the passed courses of the period only (those earn points). */
	for (i = 0; i < c->ntraining; i++) {
		const struct training_row *t = &c->training[i];
		owner[i] = t->passed && period_contains(&c->period, t->date) ? t->employee
									       : SIZE_MAX;
	}
	index_rows(c->nemps, c->ntraining, owner, &sh->trn_start, &sh->trn_idx);
	free(owner);
}

static int password_field(const struct config *cfg, struct diag *d)
{
	const char *pw = cfg->letters.password;
	int f;
	if (!pw || !*pw || !strcasecmp(pw, "none"))
		return -1;
	if (!strcmp(pw, "employee_id"))
		return -2;
	f = schema_field_index(INPUT_HR, pw);
	if (f < 0 || f >= HR_NFIELDS) {
		diag_config(d, cfg->path, 0, "letters", "password",
			    "'%s' is neither none, employee_id nor an HR column", pw);
		return -3;
	}
	return f;
}

static void shared_release(struct letters_shared *sh)
{
	size_t i;
	int loc;
	for (loc = 0; loc < LOCALE_COUNT; loc++) {
		template_free(sh->tpl[loc]);
		template_set_free(sh->bank[loc]);
	}
	free(sh->rev_start);
	free(sh->rev_idx);
	free(sh->trn_start);
	free(sh->trn_idx);
	for (i = 0; i < sh->nnext; i++)
		free(sh->next_keys[i]);
	free(sh->next_keys);
	strmap_release(&sh->next_targets);
	if (sh->diags) {
		for (i = 0; i < sh->c->nemps; i++)
			if (sh->diags[i]) {
				diag_release(sh->diags[i]);
				free(sh->diags[i]);
			}
		free(sh->diags);
	}
	pthread_mutex_destroy(&sh->lock);
}

static int jobs_for(int jobs, const struct config *cfg, size_t work)
{
	long n = jobs > 0 ? jobs : cfg->letters.jobs > 0 ? cfg->letters.jobs
							 : sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > 64)
		n = 64;
	if ((size_t)n > work)
		n = work ? (long)work : 1;
	return (int)n;
}

int letters_write(const struct company *c, const struct config *cfg, const char *dir, int jobs,
		  struct diag *d)
{
	struct letters_shared sh;
	struct worker *w;
	size_t i, work = 0;
	int n, k, rc = 0;

	memset(&sh, 0, sizeof(sh));
	sh.c = c;
	sh.cfg = cfg;
	sh.dir = dir;
	pthread_mutex_init(&sh.lock, NULL);
	strmap_init(&sh.next_targets);
	if (load_templates(&sh, d) < 0 || (sh.password_field = password_field(cfg, d)) == -3) {
		shared_release(&sh);
		return -1;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		diag_error(d, MERIT_CANTCREAT, dir, 0, 0, "cannot create the letters folder: %s",
			   strerror(errno));
		shared_release(&sh);
		return -1;
	}
	for (i = 0; i < c->nemps; i++)
		work += c->emps[i].in_scope != 0;
	n = jobs_for(jobs, cfg, work);
	w = xcalloc((size_t)n, sizeof(*w));
	/* Load the first face here: a bad font is one config error, not n. */
	w[0].font = font_face_load(cfg->letters.font, (unsigned)cfg->letters.font_index, d);
	if (!w[0].font) {
		free(w);
		shared_release(&sh);
		return -1;
	}
	strmap_release(&sh.next_targets);
	index_next_targets(&sh);
	index_inputs(&sh);
	sh.diags = xcalloc(c->nemps + 1, sizeof(*sh.diags));
	atomic_init(&sh.next_emp, 0);
	atomic_init(&sh.stop, 0);

	for (k = 0; k < n; k++) {
		w[k].sh = &sh;
		if (k > 0)
			w[k].font = font_face_load(cfg->letters.font,
						   (unsigned)cfg->letters.font_index, d);
		if (!w[k].font)
			break;
		if (n == 1) {
			worker_run(&w[k]);
		} else if (pthread_create(&w[k].thread, NULL, worker_run, &w[k]) == 0) {
			w[k].started = 1;
		} else {
			font_face_free(w[k].font);
			break;            /* the workers already running do the rest */
		}
	}
	for (k = 0; k < n; k++)
		if (w[k].started)
			pthread_join(w[k].thread, NULL);
	if (n > 1 && !w[0].started) {
		/* Not even one thread: write the letters here. */
		if (!w[0].font)
			w[0].font = font_face_load(cfg->letters.font,
						   (unsigned)cfg->letters.font_index, d);
		if (w[0].font)
			worker_run(&w[0]);
	}
	for (i = 0; i < c->nemps; i++)
		if (sh.diags[i]) {
			merge_diag(d, sh.diags[i]);
			if (sh.diags[i]->errors)
				rc = -1;
		}
	free(w);
	shared_release(&sh);
	return rc;
}
