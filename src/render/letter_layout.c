/*
 * letter_layout: the display list. Texts, lines and boxes are measured with
 * the full font (font_subset) and placed on A4 pages before any PDF exists,
 * so that the font can be cut down to exactly the characters drawn; every
 * code point drawn is recorded on the way.
 */
#include "render/letter_internal.h"
#include "util/strbuf.h"
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

void layout_cp_seen(struct layout *L, uint32_t c)
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
void layout_text(struct layout *L, double x, double y, double size, uint32_t color,
		    int bold, const char *s, size_t len)
{
	struct dl_op *o;
	size_t i, used, start = L->text.len;
	for (i = 0; i < len; i += used) {
		uint32_t c = utf8_next(s + i, len - i, &used);
		if (c < 0x20 || c == 0x7F)
			continue;
		utf8_put(&L->text, c);
		layout_cp_seen(L, c);
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

void layout_line(struct layout *L, double x1, double y1, double x2, double y2,
		    double width, uint32_t color, int dash)
{
	struct dl_op *o = dl_add(L, DL_LINE);
	o->x = (float)x1, o->y = (float)y1, o->w = (float)(x2 - x1), o->h = (float)(y2 - y1);
	o->size = (float)width;
	o->stroke = color;
	o->dash = dash ? 1 : 0;
}

void layout_rect(struct layout *L, double x, double y, double w, double h, uint32_t fill,
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
		w += font_face_width(L->font, utf8_next(s + i, len - i, &used));
	return (double)w * size / 1000.0;
}

double layout_str_width(struct layout *L, const char *s, double size)
{
	return text_width(L, s, strlen(s), size);
}

/* Wraps s to `width` points into L->wl; returns the number of lines. */
size_t layout_wrap(struct layout *L, const char *s, double width, double size)
{
	return letter_wrap(s, strlen(s), (long)(width * 1000.0 / size), width_cb, L->font, &L->wl);
}

/* Baseline for a line of `size` centred in a slot of height lh below y. */
double layout_baseline(double y, double lh, double size)
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
void layout_ensure(struct layout *L, double h)
{
	if (L->y - h < BODY_BOTTOM && L->y < BODY_TOP)
		new_page(L);
}

/* A wrapped paragraph; each line goes to a new page when it must. */
void layout_paragraph(struct layout *L, const char *s, double x, double width, double size,
		      double lh, uint32_t color, int bold)
{
	size_t i, n = layout_wrap(L, s, width, size);
	for (i = 0; i < n; i++) {
		struct wrap_line wl = L->wl.v[i];
		layout_ensure(L, lh);
		layout_text(L, x, layout_baseline(L->y, lh, size), size, color, bold, s + wl.off, wl.len);
		L->y -= lh;
	}
}

