/*
 * letter_internal: what the files of the letter module share, and nothing
 * outside src/render/letter*.c includes. The module's jobs, one file each:
 *   letter_wrap.c     line breaking (public: letter_wrap())
 *   letter_layout.c   the display list: positioned texts, lines, boxes,
 *                     measured with the full font, flowing onto new pages
 *   letter_phrases.c  phrase-bank lookups and number formats
 *   letter_blocks.c   the @blocks: summary, KPI table, chart, strengths,
 *                     areas to improve, dimensions, 360, training, next
 *                     targets, comments, signatures
 *   letter_pdf.c      the font subset and libharu: replaying the display
 *                     list into a PDF file, written 0600
 *   letter.c          one letter from template to file, the workers and
 *                     letters_write()
 *
 * Ownership: strings a letter makes while it is laid out are kept with
 * letter_keep() and freed together when the next letter starts.
 */
#ifndef MERIT_LETTER_INTERNAL_H
#define MERIT_LETTER_INTERNAL_H

#include "render/font_subset.h"
#include "render/letter.h"
#include "render/template.h"
#include "model.h"
#include "util/period.h"
#include "util/strbuf.h"
#include "util/shard.h"
#include "util/strmap.h"

#include <hpdf.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct diag;

/* A4 portrait, points. Nothing is drawn closer than MARGIN to an edge. */
#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN 40.0
#define BODY_L MARGIN
#define BODY_W (PAGE_W - 2 * MARGIN)
#define BODY_TOP (PAGE_H - MARGIN - 31.0)   /* below the header band */
#define BODY_BOTTOM (MARGIN + 19.0)         /* above the footer band */

/* Sizes chosen so that a letter of up to six KPIs without notices fits
 * one A4 page (issue 14), with the body at 9 pt. */
#define FS_BODY 9.0
#define LH_BODY 12.5
#define FS_SMALL 8.0
#define LH_SMALL 11.0
#define FS_TABLE 8.5
#define LH_TABLE 11.0
#define CELL_PAD 2.75

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
	/* letter_pdf.c: the BMP code points drawn, sorted; the PDF shows
	 * codes[k] with the code PDF_CODE_BASE + k, glyph gids[k] of the subset. */
	uint32_t *codes;
	uint16_t *gids;
	size_t ncodes, codes_alloc;
	int zh;                   /* joins wrapped template lines without a space */
};


/*
 * The kinds of document the workers write: one review letter per in-scope
 * employee (letters/<id>.pdf) and one team pack per manager
 * (managers/<id>.pdf, pack.c). One stream of work items: items
 * 0 .. nemps-1 are letters (of in-scope employees), nemps + j the pack of
 * managers[j].
 */
enum doc_kind { DOC_LETTER, DOC_PACK };

/* Read-only state shared by every worker. */
struct letters_shared {
	const struct company *c;
	const struct config *cfg;
	const char *dir;
	const char *shown_dir;           /* for messages: the published folder */
	const char *pack_dir;            /* NULL: no team packs */
	const char *pack_shown_dir;
	size_t *managers, nmanagers;     /* employees who get a pack, HR order */
	struct template *tpl[LOCALE_COUNT];
	struct template *pack_tpl[LOCALE_COUNT];
	struct template_set *bank[LOCALE_COUNT];
	size_t *rev_start, *rev_idx;     /* reviews by reviewee: [start[e], start[e+1]) */
	size_t *trn_start, *trn_idx;     /* training rows by employee */
	int password_field;              /* -1 none, -2 employee_id, else HR field */
	struct shard shard;              /* the work items of this shard only */
	int record_fd;                   /* -1, or the record to append to */
	struct strbuf record_old;        /* the record read at the start (split) */
	struct strmap recorded;          /* "letters/<name>" -> offset of its SHA-256 */
	atomic_size_t written, skipped;

	atomic_size_t next_emp;          /* the next work item */
	atomic_size_t done;              /* letters finished, for the progress bar */
	size_t work;                     /* letters to write */
	atomic_int stop;
	struct diag **diags;             /* per work item, NULL when nothing to say */
	int64_t bytes;                   /* total written, for the benchmark */
	pthread_mutex_t lock;
};

/* One worker's state, reused from letter to letter. */
struct letter {
	const struct letters_shared *sh;
	const struct company *c;
	const struct config *cfg;
	const struct employee *e;        /* the letter's employee, the pack's manager */
	size_t emp;
	enum doc_kind kind;
	const char *dir;                 /* where the document goes */
	const char *shown_dir;           /* that folder as messages name it */
	enum locale loc;
	const struct template_set *bank;
	struct template_vars vars;
	struct strbuf scratch, body, path, pdfbuf;
	char **owned;                    /* strings living until the letter is done */
	size_t nowned, owned_alloc;
	struct layout L;
	struct diag *d;
	HPDF_STATUS hpdf_error, hpdf_detail;
	HPDF_Doc pdf;                    /* reused from document to document */
	int font_fast;                   /* pdf's UTF-8 encoder allows get_font's set-up */
	struct strbuf fontbuf;           /* the subset font file */
	int64_t bytes;
};

/* ---- letter_layout.c: every call records what it draws in L ---- */

/* Marks c as drawn: the font subset must hold it. */
void layout_cp_seen(struct layout *L, uint32_t c);
/* Text s (cleaned to UTF-8 without control characters) at baseline (x, y). */
void layout_text(struct layout *L, double x, double y, double size, uint32_t color, int bold,
		 const char *s, size_t len);
void layout_line(struct layout *L, double x1, double y1, double x2, double y2, double width,
		 uint32_t color, int dash);
void layout_rect(struct layout *L, double x, double y, double w, double h, uint32_t fill,
		 uint32_t stroke);
/* Width of s in points at `size`. */
double layout_str_width(struct layout *L, const char *s, double size);
/* Wraps s to `width` points into L->wl; returns the number of lines. */
size_t layout_wrap(struct layout *L, const char *s, double width, double size);
/* Baseline for a line of `size` centred in a slot of height lh below y. */
double layout_baseline(double y, double lh, double size);
/* Makes room for h points, starting a page if needed (not on an empty one). */
void layout_ensure(struct layout *L, double h);
/* A wrapped paragraph; each line goes to a new page when it must. */
void layout_paragraph(struct layout *L, const char *s, double x, double width, double size,
		      double lh, uint32_t color, int bold);

/* ---- letter_phrases.c ---- */

/* The label's text in loc, else in the other language, else "". */
const char *letter_label_text(const struct label *l, enum locale loc);
/* Keeps s (heap) until the letter is done; returns it. */
const char *letter_keep(struct letter *lt, char *s);
const char *letter_keepf(struct letter *lt, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The phrase-bank entry `key` rendered with the letter's values, or NULL. */
const char *letter_phrase(struct letter *lt, const char *key);
const char *letter_phrasef(struct letter *lt, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The entry "section.name", else name itself. */
const char *letter_named(struct letter *lt, const char *section, const char *name);
/* The entry "labels.name" (checked at load time). */
const char *letter_label(struct letter *lt, const char *name);
/* Up to `dp` decimals, trailing zeros dropped: 12.50 -> "12.5". */
void letter_add_trimmed(struct strbuf *sb, double v, int dp);
/* A value of KPI kpi as people read it, by its metric's format. */
const char *letter_fmt_value(struct letter *lt, int kpi, double v);
const char *letter_fmt_pct(struct letter *lt, double ratio);
/* 2 decimals, or 4 when 2 would round across a rating threshold. */
const char *letter_fmt_score(struct letter *lt, double s);
const char *letter_fmt_money(struct letter *lt, int64_t cents);
/* A change of score, 2 decimals with its sign: "+3.25", "-0.50", "0.00". */
const char *letter_fmt_change(struct letter *lt, double delta);

/* ---- letter_blocks.c ---- */

struct table {
	int ncols;
	const char **cells;       /* (nrows + 1) x ncols; row 0 is the header */
	const char **notes;       /* per data row, under the flex column; may be NULL */
	size_t nrows;
	const int *right;         /* per column: 1 = right-aligned (numbers) */
	int flex;                 /* the column that takes the remaining width */
};
#define TABLE_MAX_COLS 8

/* A table across the body; rows flow onto new pages, the header repeats. */
void letter_table_draw(struct letter *lt, const struct table *t);
/* Scored KPIs of e by achievement, best first, into order; returns how many. */
size_t letter_kpis_by_achievement(const struct employee *e, size_t *order);
/* Sets the per-KPI placeholders ({{kpi}}, {{achievement}}, ...) for k. */
void letter_kpi_vars(struct letter *lt, const struct kpi_result *k);
/* The first phrase found: kpi.NAME.key, dimension.DIM.key, default.key ("" if none). */
const char *letter_kpi_phrase(struct letter *lt, const struct kpi_result *k, const char *key);

/* 1 if an "@name" line names a block. */
int letter_block_known(const char *name);
/* Lays out block `name` at L->y (nothing for an unknown name). */
void letter_block(struct letter *lt, const char *name);
/* The first line of s that fits `width`, with "…" if s was longer. */
const char *letter_fit(struct letter *lt, const char *s, double width, double size);
/* A bulleted paragraph. */
void letter_bullet(struct letter *lt, const char *s);

/* ---- letter_trend.c ---- */

/* Width of the trend chart beside the letter's result figures. */
#define TREND_SIDE_W 180.0

/* 1 if e has a result in one of the earlier periods the chart shows. */
int letter_trend_has(const struct company *c, const struct employee *e);
/* e's score over the last six periods against the band edges, in the box
 * with top-left corner (x, top), w x h points; nothing without history. */
void letter_trend_draw(struct letter *lt, const struct employee *e, double x, double top,
		       double w, double h);

/* ---- pack.c: the managers' team packs ---- */

/* 1 if an "@name" line names a pack block. */
int pack_block_known(const char *name);
/* Lays out pack block `name` (nothing for an unknown name). */
void pack_block(struct letter *lt, const char *name);
/* Placeholders of the pack (team_size) for manager lt->e. */
void pack_set_vars(struct letter *lt);

/* Height of the smallest comment box and of the signature lines. */
#define COMMENTS_MIN_H 40.0
#define SIGNATURES_H 32.0

/* ---- letter.c ---- */

/* "letter" or "team pack", for messages. */
static inline const char *letter_doc_name(const struct letter *lt)
{
	return lt->kind == DOC_PACK ? "team pack" : "letter";
}

/* ---- letter_pdf.c ---- */

/* libhpdf 2.3.0 exports its memory streams' read function but declares it
 * in no header; letter_pdf.c's HPDF_Stream_Read recognises it. */
HPDF_STATUS HPDF_MemStream_ReadFunc(HPDF_Stream stream, HPDF_BYTE *ptr, HPDF_UINT *size);

/* Subsets the font, builds the PDF and writes <dir>/<id>.pdf (0600).
 * Returns 0, or -1 with lt->d filled. */
int letter_pdf_write(struct letter *lt);
/* Frees the worker's libharu document. */
void letter_pdf_release(struct letter *lt);

#endif
