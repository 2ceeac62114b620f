/*
 * font_subset: HarfBuzz face loading, glyph coverage and widths, and
 * per-letter subsetting into a private temporary file for libharu.
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

struct font_face {
	hb_blob_t *blob;
	hb_face_t *face;
	hb_font_t *font;
	unsigned upem;
	int16_t *widths;          /* WIDTH_CACHE entries, -1 = not yet measured */
};

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
	/* A missing character is drawn as glyph 0 (.notdef), so measure that. */
	hb_font_get_nominal_glyph(f->font, cp, &g);
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

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int font_face_subset_file(struct font_face *f, const uint32_t *cps, size_t n,
			  struct strbuf *path, struct diag *d)
{
	hb_subset_input_t *in;
	hb_face_t *sub;
	hb_blob_t *blob;
	const char *data, *tmp;
	unsigned len;
	size_t i;
	int fd, rc = 0;

	in = hb_subset_input_create_or_fail();
	if (!in)
		BUG("out of memory in hb_subset_input_create_or_fail");
	for (i = 0; i < n; i++)
		hb_set_add(hb_subset_input_unicode_set(in), cps[i]);
	/* Hinting only matters on screens at small sizes; dropping it halves the
	 * subset, and libharu embeds whatever is left. */
	hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
	sub = hb_subset_or_fail(f->face, in);
	hb_subset_input_destroy(in);
	if (!sub)
		return diag_error(d, MERIT_SOFTWARE, NULL, 0, 0, "cannot subset the letter font");
	blob = hb_face_reference_blob(sub);
	data = hb_blob_get_data(blob, &len);

	/* $TMPDIR if set; else /dev/shm, a tmpfs, where creating and deleting
	 * the file is a tenth of the cost on a disk file system (the file lives
	 * for a few milliseconds); else /tmp. */
	tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
	strbuf_reset(path);
	strbuf_addf(path, "%s/merit-font-XXXXXX", tmp);
	fd = mkstemp(path->buf);      /* mode 0600: nobody else reads or swaps it */
	if (fd < 0) {
		rc = diag_error(d, MERIT_CANTCREAT, path->buf, 0, 0,
				"cannot create a temporary font file: %s", strerror(errno));
	} else {
		int failed = write_all(fd, data, len) < 0, e = errno;
		if (close(fd) < 0 && !failed) {
			failed = 1;
			e = errno;
		}
		if (failed) {
			unlink(path->buf);
			rc = diag_error(d, MERIT_CANTCREAT, path->buf, 0, 0,
					"cannot write a temporary font file: %s", strerror(e));
		}
	}
	hb_blob_destroy(blob);
	hb_face_destroy(sub);
	return rc;
}
