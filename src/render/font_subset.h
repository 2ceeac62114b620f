/*
 * font_subset: the letter font, cut down to exactly the characters of one
 * letter (the only HarfBuzz user).
 *
 * libharu 2.3.0 parses and embeds the whole TrueType file in every document
 * (510 KB and 100 ms for wqy-zenhei); a per-letter subset is ~10 KB and a few
 * ms. The subset's bytes go to libharu from memory (letter_pdf.c).
 *
 * Ownership: font_face_load() returns a face the caller frees with
 * font_face_free(). A face is not thread-safe (it caches widths): load one
 * per worker.
 *
 *   struct font_face *f = font_face_load(cfg->letters.font, cfg->letters.font_index, d);
 *   font_face_width(f, 0x4E2D);            // 1000 (1/1000 em)
 *   font_face_subset(f, sorted_cps, n, 0x20, gids, &fontbuf, d);
 */
#ifndef MERIT_FONT_SUBSET_H
#define MERIT_FONT_SUBSET_H

#include <stddef.h>
#include <stdint.h>

struct diag;
struct strbuf;
struct font_face;

/* Loads face `index` of a .ttf/.ttc. NULL (MERIT_CONFIG in d) if it cannot. */
struct font_face *font_face_load(const char *path, unsigned index, struct diag *d);
void font_face_free(struct font_face *f);

/* 1 if the font maps code point cp to a glyph (not the .notdef box). */
int font_face_has(const struct font_face *f, uint32_t cp);

/* Advance width of cp in 1/1000 em, truncated the way libharu converts the
 * font's units, so layout measures exactly what the PDF draws. A character
 * the font lacks is 1000: it prints as .notdef, one em wide in the subset. */
int font_face_width(struct font_face *f, uint32_t cp);

/*
 * The font file of a subset holding the n code points of cps (sorted,
 * distinct, all below U+10000), with only the tables libharu reads and a
 * cmap it can search quickly (see font_subset.c), into *out (reset first).
 * The subset's cmap maps the code base + k to the glyph of cps[k], and
 * gids[k] receives that glyph (0: the font has none, it prints as
 * .notdef): the PDF shows cps[k] with the code base + k (letter_pdf.c says
 * why); base + n must not pass 0xFFFF. Returns 0, or -1 with
 * MERIT_SOFTWARE in d.
 */
int font_face_subset(struct font_face *f, const uint32_t *cps, size_t n, unsigned base,
		     uint16_t *gids, struct strbuf *out, struct diag *d);

#endif
