/*
 * font_subset: HarfBuzz face loading, glyph coverage and widths, and
 * per-letter subsetting into memory for libharu.
 *
 * The subset is shaped for libharu 2.3.0's loader (hpdf_fontdef_tt.c), which
 * for every document looks up all 65,536 UTF-16 code units in the font's
 * (3,1) format-4 cmap with a linear scan of its segments, and which embeds
 * only 13 tables (OS/2 cmap cvt fpgm glyf head hhea hmtx loca maxp name
 * post prep). So the subset:
 *   - keeps only the tables libharu reads (no GSUB/GPOS/vmtx/BDF...);
 *   - gets a cmap we write ourselves: one (3,1) format-4 subtable that maps
 *     the letter's own codes (base + k for its k-th character, see
 *     letter_pdf.c) to the glyphs, with a handful of wide segments whose
 *     glyphIdArray holds 0 in the gaps (characters the font lacks) -- the
 *     lookups then stop after a segment or two;
 *   - gives .notdef an advance of one em, the width of every ideograph:
 *     libharu takes glyph 0's width as the CID font's default width (DW),
 *     and only characters of another width are then listed in /W (with
 *     .notdef's own 0.365 em every ideograph was listed, ~4 KB a letter).
 */
#include "render/font_subset.h"
#include "util/diag.h"
#include "util/strbuf.h"

#include <errno.h>
#include <hb-subset.h>
#include <hb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Widths of the Basic Multilingual Plane are cached: a letter measures the
 * same few hundred characters thousands of times while wrapping. */
#define WIDTH_CACHE 0x10000

/* .notdef's advance in the subset, 1/1000 em (see the top of the file). A
 * character the font lacks is drawn as .notdef, so it is measured so too. */
#define NOTDEF_WIDTH 1000

/* The tables libharu 2.3.0 reads or embeds; the subset keeps no other.
 * cvt/fpgm/prep go with the hinting, and the cmap is written here. */
static const char *const kept_tables[] = {
	"OS/2", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "post",
};
#define NKEPT (sizeof(kept_tables) / sizeof(kept_tables[0]))

/* A cmap's format-4 subtable is at most 65,535 bytes (16-bit length). */
#define CMAP4_MAX 0xFFFF

struct font_face {
	hb_blob_t *blob;
	hb_face_t *face;
	hb_font_t *font;
	unsigned upem;
	int16_t *widths;          /* WIDTH_CACHE entries, -1 = not yet measured */
	hb_tag_t drop[64];        /* the font's tables the subset leaves out */
	unsigned ndrop;
};

/* Every table of the font that libharu does not use, and the cmap. */
static void collect_dropped(struct font_face *f)
{
	hb_tag_t tags[64];
	unsigned n = 64, i, k;
	n = hb_face_get_table_tags(f->face, 0, &n, tags) ? n : 0;
	f->drop[f->ndrop++] = HB_TAG('c', 'm', 'a', 'p');
	for (i = 0; i < n && f->ndrop < 64; i++) {
		for (k = 0; k < NKEPT; k++)
			if (tags[i] == hb_tag_from_string(kept_tables[k], 4))
				break;
		if (k == NKEPT && tags[i] != HB_TAG('c', 'm', 'a', 'p'))
			f->drop[f->ndrop++] = tags[i];
	}
}

struct font_face *font_face_load(const char *path, unsigned index, struct diag *d)
{
	struct font_face *f;
	hb_blob_t *blob;
	if (!path || !*path) {
		diag_config(d, NULL, 0, "letters", "font", "no font configured for the letters");
		return NULL;
	}
	if (access(path, R_OK) < 0) {
		diag_config(d, NULL, 0, "letters", "font", "cannot read font '%s': %s", path,
			    strerror(errno));
		diag_hint(d, "install fonts-wqy-zenhei or set [letters] font to a CJK TrueType font");
		return NULL;
	}
	blob = hb_blob_create_from_file(path);
	if (index >= hb_face_count(blob)) {
		hb_blob_destroy(blob);
		diag_config(d, NULL, 0, "letters", "font_index",
			    "font '%s' has no face %u (it is not a TrueType font or collection "
			    "with that many faces)", path, index);
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	f->blob = blob;
	f->face = hb_face_create(blob, index);
	f->font = hb_font_create(f->face);
	f->upem = hb_face_get_upem(f->face);
	if (!f->upem || hb_face_get_glyph_count(f->face) < 2) {
		font_face_free(f);
		diag_config(d, NULL, 0, "letters", "font", "'%s' face %u holds no glyphs", path, index);
		return NULL;
	}
	collect_dropped(f);
	f->widths = xmalloc(WIDTH_CACHE * sizeof(*f->widths));
	memset(f->widths, 0xff, WIDTH_CACHE * sizeof(*f->widths));
	return f;
}

void font_face_free(struct font_face *f)
{
	if (!f)
		return;
	hb_font_destroy(f->font);
	hb_face_destroy(f->face);
	hb_blob_destroy(f->blob);
	free(f->widths);
	free(f);
}

int font_face_has(const struct font_face *f, uint32_t cp)
{
	hb_codepoint_t g;
	return hb_font_get_nominal_glyph(f->font, cp, &g) && g != 0;
}

static int measure(const struct font_face *f, uint32_t cp)
{
	hb_codepoint_t g = 0;
	hb_position_t adv;
	if (!hb_font_get_nominal_glyph(f->font, cp, &g) || g == 0)
		return NOTDEF_WIDTH;
	adv = hb_font_get_glyph_h_advance(f->font, g);
	if (adv < 0)
		adv = 0;
	return (int)((uint32_t)adv * 1000u / f->upem);
}

int font_face_width(struct font_face *f, uint32_t cp)
{
	if (cp < WIDTH_CACHE) {
		if (f->widths[cp] < 0)
			f->widths[cp] = (int16_t)measure(f, cp);
		return f->widths[cp];
	}
	return measure(f, cp);
}

/* ---- The cmap ------------------------------------------------------------ */

struct cmap_pair {
	uint16_t cp, gid;
};

struct cmap_seg {
	uint16_t start, end;
	int16_t delta;
	int array;               /* 1: glyphs from glyphIdArray, 0: cp + delta */
};

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/*
 * libharu finds a code point's segment by scanning from the first, for all
 * 65,536 code units: a segment boundary at cp costs one more comparison for
 * each code unit above cp, while closing a gap of g code points costs g
 * glyphIdArray entries, each read, copied and compressed by libharu. So a
 * gap is closed when g * GAP_COST < 0x10000 - cp. Measured with callgrind
 * over 40 letters (docs/DECISIONS.md): the total is flat for costs of 100
 * to 250 and 5-10 % worse at 15 or 1000.
 */
#define GAP_COST 150

/* Splits the pairs into segments; returns their number, the last 0xFFFF. */
static size_t cmap_segments(const struct cmap_pair *pr, size_t n, unsigned cost,
			    struct cmap_seg *seg, size_t *array_len)
{
	size_t ns = 0, i = 0, j;
	*array_len = 0;
	while (i < n) {
		struct cmap_seg *s = &seg[ns++];
		int same_delta = 1;
		for (j = i + 1; j < n && (unsigned)(pr[j].cp - pr[j - 1].cp) * cost <
					 0x10000u - pr[j - 1].cp; j++)
			same_delta &= pr[j].gid - pr[j].cp == pr[i].gid - pr[i].cp &&
				      pr[j].cp == pr[j - 1].cp + 1;
		s->start = pr[i].cp;
		s->end = pr[j - 1].cp;
		s->array = !same_delta;
		s->delta = same_delta ? (int16_t)(uint16_t)(pr[i].gid - pr[i].cp) : 0;
		if (s->array)
			*array_len += (size_t)(s->end - s->start) + 1;
		i = j;
	}
	seg[ns].start = seg[ns].end = 0xFFFF;
	seg[ns].delta = 1;
	seg[ns].array = 0;
	return ns + 1;
}

/*
 * A cmap table with one (3,1) format-4 subtable for the BMP pairs (sorted by
 * code point), the only subtable libharu needs. Should the subtable pass its
 * 64 KB limit, gaps are made dearer until it fits.
 */
static hb_blob_t *cmap_build(const struct cmap_pair *pr, size_t n)
{
	struct cmap_seg *seg = xmalloc((n + 1) * sizeof(*seg));
	size_t ns, alen, len, i, k, ai = 0;
	unsigned cost = GAP_COST, sr = 1, es = 0;
	unsigned char *t, *sub;
	for (;;) {
		ns = cmap_segments(pr, n, cost, seg, &alen);
		len = 16 + 8 * ns + 2 * alen;
		if (len <= CMAP4_MAX || cost > 0x10000)
			break;
		cost *= 2;
	}
	/* Only runs of consecutive code points left and still too many (some
	 * 8,000 distinct characters): the highest ones go unmapped. */
	while (len > CMAP4_MAX && n > 1) {
		ns = cmap_segments(pr, --n, cost, seg, &alen);
		len = 16 + 8 * ns + 2 * alen;
	}
	while (sr * 2 <= ns)
		sr *= 2, es++;
	t = xcalloc(1, 12 + len);
	put16(t, 0);                          /* version */
	put16(t + 2, 1);                      /* one subtable: (3,1) at 12 */
	put16(t + 4, 3);
	put16(t + 6, 1);
	put16(t + 8, 0);
	put16(t + 10, 12);
	sub = t + 12;
	put16(sub, 4);
	put16(sub + 2, (unsigned)len);
	put16(sub + 4, 0);
	put16(sub + 6, (unsigned)(2 * ns));
	put16(sub + 8, 2 * sr);
	put16(sub + 10, es);
	put16(sub + 12, (unsigned)(2 * ns - 2 * sr));
	for (i = 0, k = 0; i < ns; i++) {
		unsigned char *ro = sub + 16 + 6 * ns + 2 * i;
		put16(sub + 14 + 2 * i, seg[i].end);
		put16(sub + 16 + 2 * ns + 2 * i, seg[i].start);
		put16(sub + 16 + 4 * ns + 2 * i, (uint16_t)seg[i].delta);
		if (!seg[i].array)
			continue;
		/* idRangeOffset: bytes from this entry to the segment's first glyph. */
		put16(ro, (unsigned)(2 * (ns - i) + 2 * ai));
		while (k < n && pr[k].cp < seg[i].start)
			k++;
		for (; k < n && pr[k].cp <= seg[i].end; k++)
			put16(sub + 16 + 8 * ns + 2 * (ai + pr[k].cp - seg[i].start), pr[k].gid);
		ai += (size_t)(seg[i].end - seg[i].start) + 1;
	}
	free(seg);
	return hb_blob_create((const char *)t, (unsigned)(12 + len), HB_MEMORY_MODE_WRITABLE, t,
			      free);
}

/* hmtx with .notdef's advance set to one em (its first longHorMetric). */
static hb_blob_t *hmtx_patch(hb_blob_t *hmtx, unsigned upem)
{
	unsigned len;
	const char *data = hb_blob_get_data(hmtx, &len);
	unsigned char *t;
	if (len < 4)
		return hb_blob_reference(hmtx);
	t = xmalloc(len);
	memcpy(t, data, len);
	put16(t, upem * NOTDEF_WIDTH / 1000);
	return hb_blob_create((const char *)t, len, HB_MEMORY_MODE_WRITABLE, t, free);
}

/* Subsets f to the code points of cps (sorted, distinct, BMP) and returns
 * the font file's bytes; its cmap maps base + k to the glyph of cps[k],
 * which goes into gids[k] (0: the font has none). */
static hb_blob_t *subset_blob(struct font_face *f, const uint32_t *cps, size_t n, unsigned base,
			      uint16_t *gids)
{
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	hb_subset_plan_t *plan;
	hb_set_t *uni, *drop;
	hb_face_t *sub, *out;
	hb_blob_t *blob;
	struct cmap_pair *pr;
	const hb_map_t *to_old, *to_new;
	size_t np = 0, i;

	if (!in)
		BUG("out of memory in hb_subset_input_create_or_fail");
	uni = hb_subset_input_unicode_set(in);
	for (i = 0; i < n; i++)
		hb_set_add(uni, cps[i]);
	drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
	for (i = 0; i < f->ndrop; i++)
		hb_set_add(drop, f->drop[i]);
	/* libharu needs the names 2 (subfamily) and 6 (PostScript name); the
	 * others would only be embedded. */
	hb_set_clear(hb_subset_input_set(in, HB_SUBSET_SETS_NAME_ID));
	hb_set_add(hb_subset_input_set(in, HB_SUBSET_SETS_NAME_ID), 2);
	hb_set_add(hb_subset_input_set(in, HB_SUBSET_SETS_NAME_ID), 6);
	/* Hinting only matters on screens at small sizes; dropping it halves the
	 * subset, and libharu embeds whatever is left. */
	hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
	plan = hb_subset_plan_create_or_fail(f->face, in);
	sub = plan ? hb_subset_plan_execute_or_fail(plan) : NULL;
	if (!sub) {
		hb_subset_plan_destroy(plan);
		hb_subset_input_destroy(in);
		return NULL;
	}

	to_old = hb_subset_plan_unicode_to_old_glyph_mapping(plan);
	to_new = hb_subset_plan_old_to_new_glyph_mapping(plan);
	pr = xmalloc((n + 1) * sizeof(*pr));
	for (i = 0; i < n; i++) {
		hb_codepoint_t g = hb_map_get(to_old, cps[i]);
		if (g == HB_MAP_VALUE_INVALID || (g = hb_map_get(to_new, g)) == HB_MAP_VALUE_INVALID)
			g = 0;
		gids[i] = (uint16_t)g;
		if (!g)
			continue;
		pr[np].cp = (uint16_t)(base + i);
		pr[np++].gid = (uint16_t)g;
	}
	hb_subset_input_destroy(in);     /* it owns uni */

	out = hb_face_builder_create();
	for (i = 0; i < NKEPT; i++) {
		hb_tag_t tag = hb_tag_from_string(kept_tables[i], 4);
		hb_blob_t *t = hb_face_reference_table(sub, tag), *add = t;
		if (!hb_blob_get_length(t)) {
			hb_blob_destroy(t);
			continue;
		}
		if (tag == HB_TAG('h', 'm', 't', 'x'))
			add = hmtx_patch(t, f->upem);
		hb_face_builder_add_table(out, tag, add);
		if (add != t)
			hb_blob_destroy(add);
		hb_blob_destroy(t);
	}
	blob = cmap_build(pr, np);
	hb_face_builder_add_table(out, HB_TAG('c', 'm', 'a', 'p'), blob);
	hb_blob_destroy(blob);
	blob = hb_face_reference_blob(out);
	hb_face_destroy(out);
	hb_face_destroy(sub);
	hb_subset_plan_destroy(plan);
	free(pr);
	return blob;
}

int font_face_subset(struct font_face *f, const uint32_t *cps, size_t n, unsigned base,
		     uint16_t *gids, struct strbuf *out, struct diag *d)
{
	hb_blob_t *blob;
	const char *data;
	unsigned len;

	if (base + n > 0xFFFF)
		BUG("font_face_subset: codes past 0xFFFF");
	blob = subset_blob(f, cps, n, base, gids);
	if (!blob)
		return diag_error(d, MERIT_SOFTWARE, NULL, 0, 0, "cannot subset the letter font");
	data = hb_blob_get_data(blob, &len);
	strbuf_reset(out);
	strbuf_add(out, data, len);
	hb_blob_destroy(blob);
	return 0;
}
