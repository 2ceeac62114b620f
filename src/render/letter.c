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
 * This file holds the letter's values, the template walk, the page frames
 * and the workers; the other steps are in letter_*.c (letter_internal.h).
 */
#include "render/letter_internal.h"
#include "render/render.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/fault.h"
#include "util/log.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/strbuf.h"
#include "util/threads.h"
#include "util/utf8.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Placeholder names the letter templates and phrase banks may use. */
static const char *const letter_names[] = {
	"name", "employee_id", "department", "role", "grade", "company", "period",
	"period_next", "period_days", "days", "proration", "final_score", "raw_score",
	"rating", "bonus", "cap_months", "bottom_streak", "top_streak", "ineligible_reason",
	"courses", "points", "max_points", "partial", "ineligible", "reweighted",
	"bonus_capped", "top_performer", "small_group", "warning", "role_review", "promote",
	"reviews", "training", "next_targets", "kpi", "achievement", "actual", "target",
	"score", "dimension", "page", "pages", "mean", "n", "team_size", "report", "report_id",
	"adjusted", "adjusted_date",
	NULL
};

/* Keys every phrase bank must define (the fallbacks of every lookup); the
 * second list only when team packs are written. */
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


static const char *const pack_required_keys[] = {
	"labels.pack_member", "labels.employee_id", "labels.change", "labels.flags", "labels.group", "labels.people",
	"labels.mean_before", "labels.sd_before", "labels.mean_after", "labels.sd_after",
	"labels.rating_counts", "labels.calibration_note", "labels.heatmap_legend",
	"labels.not_in_role", "flag.warning", "flag.role_review", "flag.promote",
	"flag.top_performer", "default.talk_best", "default.talk_weak", "default.talk_all_good",
	"default.talk_none", "pack.warning", "pack.role_review", "pack.promote",
	NULL
};

static const char *const locale_names[LOCALE_COUNT] = { "zh", "en" };


void letter_file_name(const char *id, struct strbuf *out)
{
	const unsigned char *p = (const unsigned char *)id;
	size_t start = out->len, cut = out->len;
	for (; *p; p++) {
		int dot_bad = *p == '.' && (p == (const unsigned char *)id || p[-1] == '.');
		/* Whole characters only: a cut never splits %XX or UTF-8. */
		if (out->len - start <= LETTER_NAME_KEEP && (*p & 0xC0) != 0x80)
			cut = out->len;
		if (*p < 0x20 || *p == 0x7F || strchr("/\\%:*?\"<>|~", *p) || dot_bad)
			strbuf_addf(out, "%%%02X", *p);
		else
			strbuf_addch(out, *p);
	}
	if (out->len - start > LETTER_NAME_KEEP + LETTER_NAME_HASH) {
		/* Too long for a file name: a prefix and a hash of the whole id.
		 * '~' is escaped above, so such a name is never another id's. */
		char hex[65];
		sha256_hex(id, strlen(id), hex);
		out->len = cut;
		out->buf[cut] = '\0';
		strbuf_addf(out, "~%.16s", hex);
	}
	strbuf_addstr(out, ".pdf");
}


/* ---- One letter ---------------------------------------------------------- */

static int has_next_targets(struct letter *lt)
{
	size_t i;
	for (i = 0; i < lt->e->nkpis; i++)
		if (lt->e->kpis[i].has_next_target)
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
	return letter_keep(lt, copy);
}

/* SPEC 11: "adjusted after review on DATE", the latest decision's date. */
static void set_adjusted(struct letter *lt)
{
	const struct employee *e = lt->e;
	int32_t last = DATE_NONE;
	char date[16];
	size_t i;
	for (i = 0; i < e->noverrides; i++) {
		const struct override_row *o = &lt->c->overrides[e->overrides[i]];
		if (o->applied && (last == DATE_NONE || o->date > last))
			last = o->date;
	}
	template_vars_set(&lt->vars, "adjusted", last != DATE_NONE ? "1" : NULL);
	date_format_iso(last, date);
	template_vars_set(&lt->vars, "adjusted_date", last != DATE_NONE ? letter_keepf(lt, "%s", date) : NULL);
}

static void set_vars(struct letter *lt)
{
	const struct employee *e = lt->e;
	const struct config *cfg = lt->cfg;
	const struct company *c = lt->c;
	const struct letters_shared *sh = lt->sh;
	struct template_vars *v = &lt->vars;
	const char *role = e->role >= 0 && (size_t)e->role < cfg->nroles
				   ? letter_label_text(&cfg->roles[e->role].label, lt->loc) : e->role_text;
	int partial = e->proration < 1.0 - 1e-9;
	unsigned f = e->flags;

	template_vars_set(v, "name", clean(lt, e->name));
	template_vars_set(v, "employee_id", clean(lt, e->id));
	template_vars_set(v, "department", clean(lt, e->department));
	template_vars_set(v, "role", clean(lt, role));
	template_vars_set(v, "grade", clean(lt, e->grade));
	template_vars_set(v, "company", letter_label_text(&cfg->company, lt->loc));
	template_vars_set(v, "period", c->period.label);
	template_vars_set(v, "period_next", lt->c->next_period.label);
	template_vars_setf(v, "period_days", "%d", c->period.ndays);
	template_vars_setf(v, "days", "%d", e->days);
	template_vars_set(v, "proration", letter_fmt_pct(lt, e->proration));
	template_vars_set(v, "final_score", letter_fmt_score(lt, e->norm_score));
	template_vars_set(v, "raw_score", letter_fmt_score(lt, e->raw_score));
	template_vars_set(v, "rating", e->rating >= 0 && (size_t)e->rating < cfg->nbands
			  ? letter_label_text(&cfg->bands[e->rating].label, lt->loc) : "");
	template_vars_set(v, "bonus", letter_fmt_money(lt, e->bonus));
	{
		struct strbuf sb = STRBUF_INIT;
		letter_add_trimmed(&sb, cfg->bonus.cap_months, 2);
		template_vars_set(v, "cap_months", sb.buf);
		strbuf_release(&sb);
	}
	template_vars_setf(v, "bottom_streak", "%d", e->bottom_streak);
	template_vars_setf(v, "top_streak", "%d", e->top_streak);
	template_vars_setf(v, "courses", "%d", e->courses_passed);
	{
		struct strbuf sb = STRBUF_INIT;
		letter_add_trimmed(&sb, e->training_points, 2);
		template_vars_set(v, "points", sb.buf);
		strbuf_reset(&sb);
		letter_add_trimmed(&sb, cfg->training_max_points, 2);
		template_vars_set(v, "max_points", sb.buf);
		strbuf_release(&sb);
	}
	template_vars_set(v, "ineligible_reason", NULL);
	if (!e->eligible && e->ineligible_reason) {
		const char *s = letter_phrasef(lt, "ineligible.%s", e->ineligible_reason);
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
	set_adjusted(lt);
}

static void flush_para(struct letter *lt, struct strbuf *para)
{
	if (!para->len)
		return;
	layout_paragraph(&lt->L, para->buf, BODY_L, BODY_W, FS_BODY, LH_BODY, C_TEXT, 0);
	lt->L.y -= 3;
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
		return COMMENTS_MIN_H + SIGNATURES_H;
	if (!strncmp(rest, "@summary", 8))
		return 44;
	if (!strncmp(rest, "@kpis", 5) || !strncmp(rest, "@chart", 6) ||
	    !strncmp(rest, "@team", 5) || !strncmp(rest, "@heatmap", 8) ||
	    !strncmp(rest, "@calibration", 12))
		return 4 * LH_TABLE + 4 * CELL_PAD;
	if (!strncmp(rest, "@talking_points", 15))
		return 80;
	return 3 * LH_BODY;
}

/*
 * One item of a "> " box (the team pack's "how to hold the review"):
 * consecutive items share one tinted box, each a bulleted paragraph.
 */
static double box_item_h(struct letter *lt, const char *s, size_t len, int first)
{
	struct layout *L = &lt->L;
	size_t nl;
	strbuf_reset(&lt->scratch);
	strbuf_add(&lt->scratch, s, len);
	nl = layout_wrap(L, lt->scratch.buf, BODY_W - 30, FS_BODY);
	return (double)nl * LH_BODY + (first ? 6 : 0) + 2;
}

/* The whole box from its first item on (the rest of the template): kept on
 * one page when it fits on one. */
static double box_h(struct letter *lt, const char *s, const char *rest)
{
	double h = box_item_h(lt, s, strlen(s), 1) + 5;
	while (rest && *rest) {
		const char *eol = strchr(rest, '\n'), *p = rest;
		size_t n = eol ? (size_t)(eol - rest) : strlen(rest);
		while (*p == ' ' || *p == '\t')
			p++;
		if (p[0] != '>' || p[1] != ' ')
			break;
		h += box_item_h(lt, p + 2, n - (size_t)(p + 2 - rest), 0);
		rest = eol ? eol + 1 : NULL;
	}
	return h;
}

static void box_item(struct letter *lt, const char *s, int first, const char *rest)
{
	struct layout *L = &lt->L;
	size_t nl = layout_wrap(L, s, BODY_W - 30, FS_BODY);
	double h = (double)nl * LH_BODY + (first ? 6 : 0) + 2;
	if (first) {
		double all = box_h(lt, s, rest);
		layout_ensure(L, all < BODY_TOP - BODY_BOTTOM ? all : h);
		nl = layout_wrap(L, s, BODY_W - 30, FS_BODY);
	}
	layout_ensure(L, h);
	layout_rect(L, BODY_L, L->y - h, BODY_W, h, C_BOX_BG, NO_COLOR);
	layout_rect(L, BODY_L, L->y - h, 3, h, C_ACCENT, NO_COLOR);
	if (first)
		L->y -= 6;
	layout_rect(L, BODY_L + 12, L->y - LH_BODY / 2 - 1.5, 3, 3, C_ACCENT, NO_COLOR);
	layout_paragraph(L, s, BODY_L + 22, BODY_W - 30, FS_BODY, LH_BODY, C_TEXT, 0);
	L->y -= 2;
}

static void box_end(struct letter *lt)
{
	struct layout *L = &lt->L;
	layout_rect(L, BODY_L, L->y - 5, BODY_W, 5, C_BOX_BG, NO_COLOR);
	layout_rect(L, BODY_L, L->y - 5, 3, 5, C_ACCENT, NO_COLOR);
	L->y -= 5 + 6;
}

/* Lays out the rendered template, one layout command per line. */
static void layout_body(struct letter *lt)
{
	struct layout *L = &lt->L;
	struct strbuf para = STRBUF_INIT;
	char *line = lt->body.buf, *next;
	int in_box = 0;
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
		if (in_box && !(line[0] == '>' && line[1] == ' ')) {
			box_end(lt);
			in_box = 0;
		}
		if (!*line) {
			if (para.len)
				flush_para(lt, &para);
			else if (L->y < BODY_TOP)
				L->y -= 2;
			continue;
		}
		if (line[0] == '=' && line[1] == ' ') {
			flush_para(lt, &para);
			layout_paragraph(L, line + 2, BODY_L, BODY_W, 14, 18, C_ACCENT, 1);
			L->y -= 3;
		} else if (line[0] == '#' && line[1] == ' ') {
			flush_para(lt, &para);
			/* Keep a heading with (the start of) what follows. */
			layout_ensure(L, 3 + 13.5 + 3 + follow_h(next));
			if (L->y < BODY_TOP)
				L->y -= 3;
			layout_paragraph(L, line + 2, BODY_L, BODY_W, 10.5, 13.5, C_ACCENT, 1);
			layout_line(L, BODY_L, L->y + 1, BODY_L + BODY_W, L->y + 1, 0.5, C_RULE, 0);
			L->y -= 3;
		} else if (line[0] == '!' && line[1] == ' ') {
			size_t nl;
			double h;
			flush_para(lt, &para);
			nl = layout_wrap(L, line + 2, BODY_W - 22, FS_BODY);
			h = (double)nl * LH_BODY + 10;
			layout_ensure(L, h);
			layout_rect(L, BODY_L, L->y - h, BODY_W, h, C_NOTICE_BG, NO_COLOR);
			layout_rect(L, BODY_L, L->y - h, 3, h, C_NOTICE_BAR, NO_COLOR);
			L->y -= 5;
			layout_paragraph(L, line + 2, BODY_L + 12, BODY_W - 22, FS_BODY, LH_BODY, C_TEXT, 0);
			L->y -= 5 + 6;
		} else if (line[0] == '-' && line[1] == ' ') {
			flush_para(lt, &para);
			letter_bullet(lt, line + 2);
		} else if (line[0] == '>' && line[1] == ' ') {
			flush_para(lt, &para);
			box_item(lt, line + 2, !in_box, next);
			in_box = 1;
		} else if (line[0] == '@') {
			flush_para(lt, &para);
			if (letter_block_known(line + 1))
				letter_block(lt, line + 1);
			else
				pack_block(lt, line + 1);
		} else {
			/* Lines of one paragraph join: with a space in English, directly
			 * in Chinese, where a space would show as a gap. */
			if (para.len && !lt->L.zh)
				strbuf_addch(&para, ' ');
			strbuf_addstr(&para, line);
		}
	}
	if (in_box)
		box_end(lt);
	flush_para(lt, &para);
	strbuf_release(&para);
}

/* Header (company, period, confidential mark) and footer (who, page n / m). */
static void page_frames(struct letter *lt)
{
	struct layout *L = &lt->L;
	const char *conf = letter_label(lt, "confidential");
	const char *company = template_vars_lookup(&lt->vars, "company");
	const char *period = lt->c->period.label;
	double cw = layout_str_width(L, conf, 9) + 12, pw = layout_str_width(L, period, 9);
	double ytext = PAGE_H - MARGIN - 14, yrule = PAGE_H - MARGIN - 24;
	int p;
	for (p = 0; p < L->npages; p++) {
		const char *s, *foot;
		double avail;
		L->page = p;
		avail = BODY_W - cw - pw - 24;
		s = letter_fit(lt, company, avail, 11);
		layout_text(L, BODY_L, ytext, 11, C_ACCENT, 1, s, strlen(s));
		layout_text(L, BODY_L + layout_str_width(L, s, 11) + 10, ytext, 9, C_GREY, 0, period,
			strlen(period));
		layout_rect(L, BODY_L + BODY_W - cw, ytext - 4, cw, 16, NO_COLOR, C_RED);
		layout_text(L, BODY_L + BODY_W - cw + 6, ytext, 9, C_RED, 1, conf, strlen(conf));
		layout_line(L, BODY_L, yrule, BODY_L + BODY_W, yrule, 0.8, C_ACCENT, 0);

		template_vars_setf(&lt->vars, "page", "%d", p + 1);
		template_vars_setf(&lt->vars, "pages", "%d", L->npages);
		s = letter_label(lt, "page");
		layout_line(L, BODY_L, MARGIN + 14, BODY_L + BODY_W, MARGIN + 14, 0.5, C_RULE, 0);
		layout_text(L, BODY_L + BODY_W - layout_str_width(L, s, FS_SMALL), MARGIN + 3, FS_SMALL, C_GREY,
			0, s, strlen(s));
		foot = letter_fit(lt, letter_label(lt, "footer"),
				  BODY_W - layout_str_width(L, s, FS_SMALL) - 20, FS_SMALL);
		layout_text(L, BODY_L, MARGIN + 3, FS_SMALL, C_GREY, 0, foot, strlen(foot));
	}
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
			  "%s for '%s': the font has no glyph for %s%s%s; %s as empty boxes",
			  letter_doc_name(lt), lt->e->id, list.buf, missing > 8 ? " and more" : "",
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

/* One document: employee emp's letter, or (DOC_PACK) manager emp's team pack. */
static int letter_make(struct letter *lt, size_t emp, enum doc_kind kind, struct diag *d)
{
	lt->emp = emp;
	lt->e = &lt->c->emps[emp];
	lt->kind = kind;
	lt->dir = kind == DOC_PACK ? lt->sh->pack_dir : lt->sh->dir;
	lt->shown_dir = kind == DOC_PACK ? lt->sh->pack_shown_dir : lt->sh->shown_dir;
	lt->loc = (unsigned)lt->e->locale < LOCALE_COUNT ? lt->e->locale : lt->cfg->locale;
	lt->bank = lt->sh->bank[lt->loc];
	lt->d = d;
	letter_reset(lt);
	lt->L.zh = lt->loc == LOCALE_ZH;
	set_vars(lt);
	if (kind == DOC_PACK)
		pack_set_vars(lt);
	template_render(kind == DOC_PACK ? lt->sh->pack_tpl[lt->loc] : lt->sh->tpl[lt->loc],
			template_vars_lookup, &lt->vars, &lt->body);
	layout_body(lt);
	page_frames(lt);
	layout_cp_seen(&lt->L, ' ');
	check_glyphs(lt);
	return letter_pdf_write(lt);
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
	strbuf_init(&lt->fontbuf, 0);
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
	strbuf_release(&lt->fontbuf);
	letter_pdf_release(lt);
	strbuf_release(&lt->L.text);
	free(lt->L.ops);
	free(lt->L.cps);
	free(lt->L.codes);
	free(lt->L.gids);
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

/* ---- Shards: the work of one machine, and its record ------------------ */

/* The employee behind work item i: a letter's, or a pack's manager. */
static const struct employee *item_emp(const struct letters_shared *sh, size_t i)
{
	size_t nemps = sh->c->nemps;
	return &sh->c->emps[i < nemps ? i : sh->managers[i - nemps]];
}

/* "letters/<name>" or "managers/<name>": how the record names a document. */
static void record_name(const struct letters_shared *sh, size_t i, struct strbuf *sb)
{
	strbuf_reset(sb);
	strbuf_addstr(sb, i < sh->c->nemps ? "letters/" : "managers/");
	letter_file_name(item_emp(sh, i)->id, sb);
}

/* 1 if the record lists item i and its file still has the recorded hash. */
static int already_written(const struct letters_shared *sh, size_t i, struct strbuf *name)
{
	size_t off;
	char hex[65];
	const char *dir = i < sh->c->nemps ? sh->dir : sh->pack_dir;
	int ok;
	record_name(sh, i, name);
	if (!strmap_get(&sh->recorded, name->buf, &off))
		return 0;
	{
		char *path = xstrfmt("%s/%s", dir, strchr(name->buf, '/') + 1);
		ok = sha256_file_hex(path, hex) == 0 && !strcmp(hex, sh->record_old.buf + off);
		free(path);
	}
	return ok;
}

/* Appends "<name> <sha256>" after a document was written: one write(2) on an
 * O_APPEND file, so lines of two workers never mix. A line cut by a kill
 * has no newline and is ignored when the record is read. */
static void record_written(struct letters_shared *sh, struct letter *lt, size_t i)
{
	struct strbuf line = STRBUF_INIT;
	char hex[65];
	if (sh->record_fd < 0)
		return;
	record_name(sh, i, &line);
	sha256_hex(lt->pdfbuf.buf, lt->pdfbuf.len, hex);
	strbuf_addf(&line, " %s\n", hex);
	if (file_write_fd(sh->record_fd, line.buf, line.len) < 0)
		diag_warn(lt->d, NULL, 0, 0, "cannot add to the shard record: %s (a re-run "
			  "writes this document again)", strerror(errno));
	strbuf_release(&line);
}

/*
 * A shard killed between writing ".<name>.tmp<pid>" and renaming it left
 * that file behind: its re-run removes the ones of its own documents (and
 * only those: other shards may be writing theirs right now).
 */
static void remove_stale_temps(struct letters_shared *sh)
{
	struct strmap mine;
	struct strbuf *names = xcalloc(sh->c->nemps + sh->nmanagers + 1, sizeof(*names));
	size_t i, n = 0;
	int k;
	strmap_init(&mine);
	for (i = 0; i < sh->c->nemps + sh->nmanagers; i++) {
		if ((i < sh->c->nemps && !sh->c->emps[i].in_scope) ||
		    !shard_has(&sh->shard, item_emp(sh, i)->id))
			continue;
		strbuf_init(&names[n], 0);
		record_name(sh, i, &names[n]);
		strmap_put(&mine, names[n].buf, i);
		n++;
	}
	for (k = 0; k < 2; k++) {
		const char *dir = k ? sh->pack_dir : sh->dir;
		DIR *dh = dir ? opendir(dir) : NULL;
		struct dirent *de;
		struct strbuf key = STRBUF_INIT;
		while (dh && (de = readdir(dh))) {
			const char *t = strstr(de->d_name, ".tmp");
			size_t ignored;
			if (de->d_name[0] != '.' || !t || t == de->d_name ||
			    strspn(t + 4, "0123456789") != strlen(t + 4) || !t[4])
				continue;
			strbuf_reset(&key);
			strbuf_addf(&key, "%s/%.*s", k ? "managers" : "letters",
				    (int)(t - de->d_name - 1), de->d_name + 1);
			if (strmap_get(&mine, key.buf, &ignored)) {
				char *path = xstrfmt("%s/%s", dir, de->d_name);
				unlink(path);
				free(path);
			}
		}
		if (dh)
			closedir(dh);
		strbuf_release(&key);
	}
	for (i = 0; i < n; i++)
		strbuf_release(&names[i]);
	free(names);
	strmap_release(&mine);
}

/*
 * Reads the record (if it is this run's) and opens it for appending; a
 * record of another run, or none, starts a new one. Keys point into
 * sh->record_old, split in place.
 */
static int record_open(struct letters_shared *sh, const char *path, const char *key,
		       struct diag *d)
{
	struct strbuf head = STRBUF_INIT;
	int fd, fresh = 1;
	char *p, *end;
	strbuf_addf(&head, "merit shard record %s\n", key);
	if (strbuf_read_file(&sh->record_old, path, (size_t)1 << 30) >= 0 &&
	    sh->record_old.len >= head.len && !memcmp(sh->record_old.buf, head.buf, head.len)) {
		fresh = 0;
		for (p = sh->record_old.buf + head.len; (end = strchr(p, '\n')); p = end + 1) {
			char *sp = strchr(p, ' ');
			*end = '\0';
			if (!sp || end - sp != 65)
				continue;
			*sp = '\0';
			strmap_put(&sh->recorded, p, (size_t)(sp + 1 - sh->record_old.buf));
		}
	}
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW |
		  (fresh ? O_TRUNC : 0), 0600);
	if (fd < 0 || (fresh && file_write_fd(fd, head.buf, head.len) < 0)) {
		diag_error(d, MERIT_CANTCREAT, path, 0, 0, "cannot write the shard record: %s",
			   strerror(errno));
		if (fd >= 0)
			close(fd);
		strbuf_release(&head);
		return -1;
	}
	sh->record_fd = fd;
	strbuf_release(&head);
	return 0;
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct letters_shared *sh = w->sh;
	struct letter *lt = xmalloc(sizeof(*lt));
	letter_init(lt, sh, w->font);
	w->font = NULL;                  /* the letter owns it now */
	while (!atomic_load(&sh->stop)) {
		size_t i = atomic_fetch_add(&sh->next_emp, 1), nemps = sh->c->nemps;
		struct diag d;
		if (i >= nemps + sh->nmanagers)
			break;
		if (i < nemps && !sh->c->emps[i].in_scope)
			continue;
		if (!shard_has(&sh->shard, item_emp(sh, i)->id))
			continue;
		if (sh->recorded.nr && already_written(sh, i, &lt->scratch)) {
			atomic_fetch_add(&sh->skipped, 1);
			progress_count("letters", (unsigned long)atomic_fetch_add(&sh->done, 1) + 1,
				       (unsigned long)sh->work);
			continue;
		}
		diag_init(&d);
		if ((i < nemps ? letter_make(lt, i, DOC_LETTER, &d)
			       : letter_make(lt, sh->managers[i - nemps], DOC_PACK, &d)) == 0) {
			record_written(sh, lt, i);
			atomic_fetch_add(&sh->written, 1);
		}
		progress_count("letters", (unsigned long)atomic_fetch_add(&sh->done, 1) + 1,
			       (unsigned long)sh->work);
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
		ln++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '@')
			continue;
		for (e = p + strlen(p); e > p && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ');)
			*--e = '\0';
		if (!letter_block_known(p + 1) && !pack_block_known(p + 1)) {
			rc = diag_error(d, MERIT_CONFIG, path, ln, (int)(p - line) + 1,
					"unknown letter block '%s'", p);
			diag_hint(d, "blocks: @summary @kpis @chart @strengths @improve @dimensions "
				     "@reviews @training @next_targets @comments @signatures; "
				     "team packs also @team @heatmap @calibration @talking_points");
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
	if (access(dir, F_OK) < 0) {
		diag_error(d, MERIT_CONFIG, dir, 0, 0, "the letter templates folder does not exist");
		diag_hint(d, "set [letters] templates = the folder of letter.zh.txt (relative to "
			  "the INI's folder), or `make install` to put them in %s/templates",
			  MERIT_DATADIR);
		return -1;
	}
	for (loc = 0; loc < LOCALE_COUNT; loc++) {
		size_t i;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/letter.%s.txt", dir, locale_names[loc]);
		sh->tpl[loc] = template_load(path.buf, letter_names, d);
		if (!sh->tpl[loc] || check_blocks(path.buf, d) < 0)
			rc = -1;
		if (sh->pack_dir) {
			strbuf_reset(&path);
			strbuf_addf(&path, "%s/pack.%s.txt", dir, locale_names[loc]);
			sh->pack_tpl[loc] = template_load(path.buf, letter_names, d);
			if (!sh->pack_tpl[loc] || check_blocks(path.buf, d) < 0)
				rc = -1;
		}
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
		for (i = 0; sh->pack_dir && pack_required_keys[i]; i++)
			if (!template_set_get(sh->bank[loc], pack_required_keys[i]))
				rc = diag_error(d, MERIT_CONFIG, path.buf, 0, 0,
						"missing entry '%s' (team packs)",
						pack_required_keys[i]);
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
		template_free(sh->pack_tpl[loc]);
		template_set_free(sh->bank[loc]);
	}
	free(sh->rev_start);
	free(sh->rev_idx);
	free(sh->trn_start);
	free(sh->trn_idx);
	free(sh->managers);
	if (sh->diags) {
		for (i = 0; i < sh->c->nemps + sh->nmanagers; i++)
			if (sh->diags[i]) {
				diag_release(sh->diags[i]);
				free(sh->diags[i]);
			}
		free(sh->diags);
	}
	pthread_mutex_destroy(&sh->lock);
	if (sh->record_fd >= 0)
		close(sh->record_fd);
	strmap_release(&sh->recorded);
	strbuf_release(&sh->record_old);
}

static int jobs_for(int jobs, const struct config *cfg, size_t work)
{
	/* Without -j or [letters] jobs: the cores this process may use
	 * (a container's cpuset, taskset) or MERIT_THREADS, as every stage. */
	long n = jobs > 0 ? jobs : cfg->letters.jobs > 0 ? cfg->letters.jobs : threads_count();
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
	struct letters_opts o;
	memset(&o, 0, sizeof(o));
	o.dir = dir;
	o.jobs = jobs;
	return letters_write_opts(c, cfg, &o, d);
}

int letters_check(const struct config *cfg, struct diag *d)
{
	struct letters_shared sh;
	struct font_face *f;
	int rc = 0;
	memset(&sh, 0, sizeof(sh));
	sh.cfg = cfg;
	sh.pack_dir = "";   /* run writes the team packs too: check their templates */
	pthread_mutex_init(&sh.lock, NULL);
	if (load_templates(&sh, d) < 0 || password_field(cfg, d) == -3)
		rc = -1;
	f = font_face_load(cfg->letters.font, (unsigned)cfg->letters.font_index, d);
	if (!f)
		rc = -1;
	else
		font_face_free(f);
	shared_release(&sh);
	return rc;
}

/* The managers who get a team pack: at least one in-scope direct report. */
static void list_managers(struct letters_shared *sh)
{
	const struct company *c = sh->c;
	size_t m;
	sh->managers = xcalloc(c->nmanagers + 1, sizeof(*sh->managers));
	for (m = 0; m < c->nemps && sh->nmanagers < c->nmanagers; m++)
		if (company_team_size(c, m))
			sh->managers[sh->nmanagers++] = m;
}

int letters_write_opts(const struct company *c, const struct config *cfg,
		       struct letters_opts *o, struct diag *d)
{
	const char *dir = o->dir, *pack_dir = o->pack_dir;
	int jobs = o->jobs;
	struct letters_shared sh;
	struct worker *w;
	size_t i, work = 0;
	int n, k, rc = 0;

	memset(&sh, 0, sizeof(sh));
	sh.c = c;
	sh.cfg = cfg;
	sh.dir = dir;
	sh.shown_dir = o->shown_dir ? o->shown_dir : dir;
	sh.pack_dir = pack_dir;
	sh.pack_shown_dir = o->pack_shown_dir ? o->pack_shown_dir : pack_dir;
	sh.shard = o->shard;
	sh.record_fd = -1;
	strbuf_init(&sh.record_old, 0);
	strmap_init(&sh.recorded);
	atomic_init(&sh.written, 0);
	atomic_init(&sh.skipped, 0);
	pthread_mutex_init(&sh.lock, NULL);
	if (load_templates(&sh, d) < 0 || (sh.password_field = password_field(cfg, d)) == -3) {
		shared_release(&sh);
		return -1;
	}
	for (k = 0; k < 2; k++) {
		const char *folder = k ? pack_dir : dir;
		if (folder && mkdir(folder, 0700) < 0 && errno != EEXIST) {
			diag_error(d, MERIT_CANTCREAT, k ? sh.pack_shown_dir : sh.shown_dir, 0, 0,
				   "cannot create the %s folder: %s", k ? "team packs" : "letters",
				   strerror(errno));
			shared_release(&sh);
			return -1;
		}
	}
	if (pack_dir)
		list_managers(&sh);
	if (o->record && record_open(&sh, o->record, o->record_key ? o->record_key : "", d) < 0) {
		shared_release(&sh);
		return -1;
	}
	if (o->record)
		remove_stale_temps(&sh);
	for (i = 0; i < c->nemps + sh.nmanagers; i++)
		work += (i >= c->nemps || c->emps[i].in_scope) && shard_has(&sh.shard, item_emp(&sh, i)->id);
	sh.work = work;
	n = jobs_for(jobs, cfg, work);
	w = xcalloc((size_t)n, sizeof(*w));
	/* Load the first face here: a bad font is one config error, not n. */
	w[0].font = font_face_load(cfg->letters.font, (unsigned)cfg->letters.font_index, d);
	if (!w[0].font) {
		free(w);
		shared_release(&sh);
		return -1;
	}
	index_inputs(&sh);
	sh.diags = xcalloc(c->nemps + sh.nmanagers + 1, sizeof(*sh.diags));
	atomic_init(&sh.next_emp, 0);
	atomic_init(&sh.done, 0);
	atomic_init(&sh.stop, 0);

	for (k = 0; k < n; k++) {
		w[k].sh = &sh;
		if (k > 0)
			w[k].font = font_face_load(fault_fail("worker-font")
						   ? "/nonexistent/merit-fault.ttf" : cfg->letters.font,
						   (unsigned)cfg->letters.font_index, d);
		if (!w[k].font) {
			/* The error is in d: stop the running workers and fail,
			 * so the run stops before the ledger and the publish. */
			atomic_store(&sh.stop, 1);
			rc = -1;
			break;
		}
		if (n == 1) {
			worker_run(&w[k]);
		} else if (pthread_create(&w[k].thread, NULL, worker_run, &w[k]) == 0) {
			w[k].started = 1;
		} else {
			font_face_free(w[k].font);
			w[k].font = NULL; /* worker 0's fallback below must not reuse it */
			break;            /* the workers already running do the rest */
		}
	}
	for (k = 0; k < n; k++)
		if (w[k].started)
			pthread_join(w[k].thread, NULL);
	if (n > 1 && !w[0].started && rc == 0) {
		/* Not even one thread: write the letters here. */
		if (!w[0].font)
			w[0].font = font_face_load(cfg->letters.font,
						   (unsigned)cfg->letters.font_index, d);
		if (w[0].font)
			worker_run(&w[0]);
	}
	for (i = 0; i < c->nemps + sh.nmanagers; i++)
		if (sh.diags[i]) {
			if (sh.diags[i]->errors)
				rc = -1;
			diag_take(d, sh.diags[i]);
		}
	free(w);
	o->written = atomic_load(&sh.written);
	o->skipped = atomic_load(&sh.skipped);
	shared_release(&sh);
	return rc;
}

