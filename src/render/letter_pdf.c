/*
 * letter_pdf: a laid-out letter into a PDF file: the font is subset to the
 * characters drawn (font_subset), libharu replays the display list into an
 * A4 document (optionally RC4-encrypted), and the bytes are written 0600.
 */
#include "render/letter_internal.h"
#include "util/diag.h"
#include "util/fault.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/strbuf.h"
#include "util/utf8.h"

#include <errno.h>
#include <hpdf_utils.h>
#include <stdint.h>
#include <zlib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * libharu 2.3.0's own HPDF_MemCpy and HPDF_MemSet copy and fill one byte at
 * a time, and libharu calls them for every stream write and read, every
 * object it allocates and every page operator (a 512-byte buffer cleared):
 * a fifth of a letter's instructions (docs/BENCHMARKS.md, Letters). The
 * library calls them through its PLT, so these definitions in the program
 * take their place for libharu too (ELF symbol interposition: the
 * executable's definition comes first in the global scope). They keep
 * libharu's exact semantics (its disassembly, docs/DECISIONS.md): the
 * result is the end of what was written, a zero length touches nothing,
 * and overlapping regions are copied forward a byte at a time as the
 * original does (memcpy is undefined there), so every caller sees the same
 * bytes. tests/unit/test_letter.c checks both, and that libharu resolves
 * to them.
 */
HPDF_BYTE *HPDF_MemCpy(HPDF_BYTE *out, const HPDF_BYTE *in, HPDF_UINT n)
{
	uintptr_t o = (uintptr_t)out, i = (uintptr_t)in;
	HPDF_UINT k;
	if (n == 0)
		return out;
	if (o + n <= i || i + n <= o) {
		memcpy(out, in, n);
		return out + n;
	}
	for (k = 0; k < n; k++)
		out[k] = in[k];
	return out + n;
}

void *HPDF_MemSet(void *s, HPDF_BYTE c, HPDF_UINT n)
{
	if (n)
		memset(s, c, n);
	return (HPDF_BYTE *)s + n;
}

/*
 * HPDF_Stream_Read for libharu's memory streams. Embedding the subset
 * (HPDF_TTFontDef_SaveFontData) reads the font back four bytes at a time,
 * ~12,000 reads a letter, each through HPDF_Stream_Read (called through
 * libhpdf's PLT, so this definition takes its place as HPDF_MemCpy's does)
 * and HPDF_MemStream_ReadFunc: a tenth of a letter's instructions. When
 * the bytes asked for are all in the stream's current buffer, this does
 * what HPDF_MemStream_ReadFunc does then (libharu 2.3.0's disassembly):
 * copies them and moves the read position (r_ptr, r_pos) on; *size stays
 * the count asked for and the result is HPDF_OK. Every other case (the
 * read crosses into the next buffer or hits the end, the buffer pointer is
 * not set yet, another kind of stream) goes to the stream's own read_fn,
 * and a stream without one gets HPDF_Stream_Read's own error.
 * test_letter reads two identical streams in the same chunks, one through
 * this and one through HPDF_MemStream_ReadFunc, and compares everything.
 */
HPDF_STATUS HPDF_Stream_Read(HPDF_Stream stream, HPDF_BYTE *ptr, HPDF_UINT *size)
{
	if (!stream->read_fn)
		return HPDF_SetError(stream->error, HPDF_INVALID_OPERATION, 0);
	if (stream->read_fn == HPDF_MemStream_ReadFunc && *size > 0) {
		HPDF_MemStreamAttr a = stream->attr;
		HPDF_UINT count = a->buf ? a->buf->count : 0, idx = a->r_ptr_idx;
		if (count && idx < count && a->r_ptr &&
		    (idx < count - 1 ? a->buf_siz : a->w_pos) - a->r_pos >= *size) {
			memcpy(ptr, a->r_ptr, *size);
			a->r_pos += *size;
			a->r_ptr += *size;
			return HPDF_OK;
		}
	}
	return stream->read_fn(stream, ptr, size);
}

/*
 * The zlib level of a letter's streams. libharu 2.3.0 deflates every
 * stream with deflateInit(Z_DEFAULT_COMPRESSION), level 6, and has no
 * setting for it; deflate was then 44 % of a letter's instructions.
 * Level 2 (zlib's fast matcher) costs 16 % fewer instructions per letter
 * for 1.2 KB more (mean ~22.3 KB, under issue 14's 25 KB): the measurements
 * are in docs/DECISIONS.md. Fixed, so the bytes stay reproducible.
 *
 * How, as xlsx_zip.c does for the workbook: libhpdf calls deflateInit_
 * (what zlib's deflateInit macro expands to) through the dynamic linker,
 * so this definition is the one bound. It is zlib's own deflateInit_ --
 * deflateInit2_ with the default method, window, memory level and strategy
 * -- with only the level changed, and only while pdf_render has a level in
 * force on this thread around HPDF_SaveToStream and the caller asked for
 * the default. Any other caller of deflateInit_ in the process gets zlib's
 * behaviour unchanged.
 */
#define PDF_ZLEVEL 2
#define ZLIB_DEF_MEM_LEVEL 8     /* zlib's DEF_MEM_LEVEL (deflate.h), what deflateInit_ uses */

static _Thread_local int pdf_zlevel = -1;

int deflateInit_(z_streamp strm, int level, const char *version, int stream_size)
{
	if (pdf_zlevel >= 0 && level == Z_DEFAULT_COMPRESSION)
		level = pdf_zlevel;
	return deflateInit2_(strm, level, Z_DEFLATED, MAX_WBITS, ZLIB_DEF_MEM_LEVEL,
			     Z_DEFAULT_STRATEGY, version, stream_size);
}

static void on_hpdf_error(HPDF_STATUS err, HPDF_STATUS detail, void *data)
{
	struct letter *lt = data;
	if (!lt->hpdf_error) {
		lt->hpdf_error = err;
		lt->hpdf_detail = detail;
	}
}

/*
 * The codes in the PDF. libharu 2.3.0's UTF-8 encoder makes every BMP code
 * point a CID (Identity-H: code = CID = code point), so for every document
 * it looks up all 65,536 code points in the font, builds /W over them and
 * writes a 128 KB CIDToGIDMap that it deflates: two thirds of a letter's
 * time went there (docs/BENCHMARKS.md, Letters). The letter gives libharu
 * other codes instead: the k-th of its distinct characters (sorted) is
 * drawn with the code PDF_CODE_BASE + k, the subset's cmap maps that code
 * to the character's glyph (font_face_subset), so libharu's lookups
 * hit one short segment, /W lists the same widths under the new CIDs, the
 * CIDToGIDMap needs only PDF_CODE_BASE + n entries (cut below), and the
 * ToUnicode map says which character each code is. The page looks the
 * same; only the codes differ. PDF_CODE_BASE keeps the codes clear of the
 * C0 controls; codes stop below the surrogates, which UTF-8 cannot carry.
 */
#define PDF_CODE_BASE 0x20u
#define PDF_CODE_END 0xD800u

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* L->codes: the BMP characters drawn, sorted. libharu drew a character
 * past the BMP as a space, and so does this. */
static void pdf_codes(struct layout *L)
{
	size_t i, n = 0;
	int astral = 0, space = 0;
	if (L->codes_alloc < L->ncps + 1) {
		L->codes_alloc = L->ncps + 1 + 64;
		L->codes = xrealloc(L->codes, L->codes_alloc * sizeof(*L->codes));
		L->gids = xrealloc(L->gids, L->codes_alloc * sizeof(*L->gids));
	}
	for (i = 0; i < L->ncps; i++) {
		if (L->cps[i] >= 0x10000) {
			astral = 1;
			continue;
		}
		space |= L->cps[i] == ' ';
		L->codes[n++] = L->cps[i];
	}
	if (astral && !space)
		L->codes[n++] = ' ';
	qsort(L->codes, n, sizeof(*L->codes), cmp_u32);
	/* Tens of thousands of distinct characters in one letter: the rest
	 * have no code and are left out (pdf_encode). */
	if (n > PDF_CODE_END - PDF_CODE_BASE)
		n = PDF_CODE_END - PDF_CODE_BASE;
	L->ncodes = n;
}

/* The code of c, or 0 if it has none. */
static uint32_t pdf_code(const struct layout *L, uint32_t c)
{
	size_t lo = 0, hi = L->ncodes;
	if (c >= 0x10000)
		c = ' ';
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (L->codes[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < L->ncodes && L->codes[lo] == c ? PDF_CODE_BASE + (uint32_t)lo : 0;
}

/* s (clean UTF-8) with each character replaced by its code, as UTF-8 for
 * libharu's encoder. */
static void pdf_encode(const struct layout *L, const char *s, size_t len, struct strbuf *out)
{
	size_t i, used;
	strbuf_reset(out);
	for (i = 0; i < len; i += used) {
		uint32_t code = pdf_code(L, utf8_next(s + i, len - i, &used));
		if (code)
			utf8_put(out, code);
	}
}

static void put_be16(struct strbuf *sb, unsigned v)
{
	strbuf_addch(sb, (char)(v >> 8 & 0xFF));
	strbuf_addch(sb, (char)(v & 0xFF));
}

/* The end of the ToUnicode bfrange starting at code index i: codes and
 * characters run on, within one low byte of each. */
static size_t range_end(const struct layout *L, size_t i)
{
	size_t k = i + 1;
	while (k < L->ncodes && L->codes[k] == L->codes[k - 1] + 1 &&
	       ((PDF_CODE_BASE + k) & 0xFF) && (L->codes[k] & 0xFF))
		k++;
	return k;
}

/*
 * After HPDF_GetFont: the CIDToGIDMap cut to the codes in use, and the
 * ToUnicode map. libharu 2.3.0 names the encoding CMap as the font's
 * /ToUnicode (see shared/LIBNOTES.md): poppler warns about its
 * begincidrange and other readers may extract wrong text. The right one
 * maps each code to its character: one bfrange per run of consecutive
 * codes and characters (a range stays within one low byte of its codes and
 * of its characters, PDF 32000-1, 9.10.3), at most 100 per block. Both
 * streams are replaced in place, keeping libharu's object numbering; when
 * they are not what 2.3.0 makes (another libharu), they are left alone.
 */
static void fix_font(struct letter *lt, HPDF_Font font)
{
	struct layout *L = &lt->L;
	HPDF_FontAttr fa = font->attr;
	HPDF_Dict tu = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
	struct strbuf *sb = &lt->scratch;
	size_t i, k, n = 0, done = 0;

	if (fa && fa->map_stream && fa->map_stream->stream &&
	    fa->map_stream->stream->type == HPDF_STREAM_MEMORY) {
		strbuf_reset(sb);
		for (i = 0; i < PDF_CODE_BASE; i++)
			put_be16(sb, 0);
		for (i = 0; i < L->ncodes; i++)
			put_be16(sb, L->gids[i]);
		HPDF_MemStream_FreeData(fa->map_stream->stream);
		HPDF_Stream_Write(fa->map_stream->stream, (const HPDF_BYTE *)sb->buf,
				  (HPDF_UINT)sb->len);
	}
	if (!tu || !tu->stream || tu->stream->type != HPDF_STREAM_MEMORY)
		return;
	for (i = 0; i < L->ncodes; i = range_end(L, i))
		n++;
	strbuf_reset(sb);
	strbuf_addstr(sb, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
		      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
		      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
		      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	for (i = 0; i < L->ncodes; i = k) {
		k = range_end(L, i);
		if (done % 100 == 0)
			strbuf_addf(sb, "%zu beginbfrange\n", n - done < 100 ? n - done : 100);
		strbuf_addf(sb, "<%04zX> <%04zX> <%04X>\n", PDF_CODE_BASE + i, PDF_CODE_BASE + k - 1,
			    (unsigned)L->codes[i]);
		if (++done % 100 == 0 || done == n)
			strbuf_addstr(sb, "endbfrange\n");
	}
	strbuf_addstr(sb, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	HPDF_MemStream_FreeData(tu->stream);
	HPDF_Stream_Write(tu->stream, (const HPDF_BYTE *)sb->buf, (HPDF_UINT)sb->len);
	/* The dictionary described the encoding CMap: a ToUnicode needs none
	 * of that (its CMap program names itself). */
	HPDF_Dict_RemoveElement(tu, "CMapName");
	HPDF_Dict_RemoveElement(tu, "CIDSystemInfo");
	HPDF_Dict_RemoveElement(tu, "WMode");
}

/* The graphics state replay_page last set, so that an operator goes into
 * the page only when it changes something: each libharu operator call
 * costs ~2,000 instructions (it clears a 512-byte buffer a byte at a
 * time), and the bytes saved are compressed for nothing. */
struct gstate {
	uint32_t fill, stroke;    /* NO_COLOR: not set yet on this page */
	float width;              /* < 0: not set yet */
};

static void set_fill(HPDF_Page pg, struct gstate *g, uint32_t c)
{
	if (g->fill == c)
		return;
	g->fill = c;
	HPDF_Page_SetRGBFill(pg, (float)(c >> 16 & 0xFF) / 255.0f, (float)(c >> 8 & 0xFF) / 255.0f,
			     (float)(c & 0xFF) / 255.0f);
}

static void set_stroke(HPDF_Page pg, struct gstate *g, uint32_t c)
{
	if (g->stroke == c)
		return;
	g->stroke = c;
	HPDF_Page_SetRGBStroke(pg, (float)(c >> 16 & 0xFF) / 255.0f,
			       (float)(c >> 8 & 0xFF) / 255.0f, (float)(c & 0xFF) / 255.0f);
}

static void set_width(HPDF_Page pg, struct gstate *g, float w)
{
	if (g->width == w)
		return;
	g->width = w;
	HPDF_Page_SetLineWidth(pg, w);
}

/* Draws page p's operations; state is set only when it changes. */
static void replay_page(struct letter *lt, HPDF_Page pg, HPDF_Font font, int p)
{
	static const HPDF_UINT16 dash[] = { 3, 2 };
	const struct layout *L = &lt->L;
	struct gstate g = { NO_COLOR, NO_COLOR, -1.0f };
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
			set_fill(pg, &g, o->fill);
			/* wqy-zenhei has no bold face: fill and stroke the outline. */
			if (o->bold) {
				set_stroke(pg, &g, o->fill);
				set_width(pg, &g, o->size * 0.035f);
			}
			if (o->bold != bold) {
				bold = o->bold;
				HPDF_Page_SetTextRenderingMode(pg, bold ? HPDF_FILL_THEN_STROKE : HPDF_FILL);
			}
			pdf_encode(L, L->text.buf + o->off, o->len, &lt->scratch);
			HPDF_Page_TextOut(pg, o->x, o->y, lt->scratch.buf);
			break;
		case DL_LINE:
			if (o->dash != dashed) {
				dashed = o->dash;
				HPDF_Page_SetDash(pg, dashed ? dash : NULL, dashed ? 2 : 0, 0);
			}
			set_width(pg, &g, o->size);
			set_stroke(pg, &g, o->stroke);
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
				set_fill(pg, &g, o->fill);
			if (o->stroke != NO_COLOR) {
				set_stroke(pg, &g, o->stroke);
				set_width(pg, &g, o->size);
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
	*pw = f == -2 ? lt->e->id : employee_hr_text(lt->e, f);
	if (!*pw || !**pw)
		return diag_error(lt->d, MERIT_DATAERR, NULL, 0, 0,
				  "%s for '%s': the password column '%s' is empty",
				  letter_doc_name(lt), lt->e->id, lt->cfg->letters.password);
	return 0;
}

/* Letters hold pay: 0600 even over an old file. Written beside the final
 * name and renamed, so no one (a reader, another shard) sees half a
 * letter; the message names the letter's published path. */
static int write_letter(struct letter *lt)
{
	struct strbuf *path = &lt->path;
	size_t name;
	strbuf_reset(path);
	strbuf_addf(path, "%s/", lt->dir);
	name = path->len;
	letter_file_name(lt->e->id, path);
	if (file_replace(path->buf, lt->pdfbuf.buf, lt->pdfbuf.len, 0600) == 0)
		return 0;
	{
		int e = errno;
		struct strbuf shown = STRBUF_INIT;
		strbuf_addf(&shown, "%s/%s", lt->shown_dir, path->buf + name);
		diag_error(lt->d, MERIT_CANTCREAT, shown.buf, 0, 0, "cannot write the %s of '%s': %s",
			   letter_doc_name(lt), lt->e->id, strerror(e));
		strbuf_release(&shown);
	}
	return -1;
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
 * libharu 2.3.0 loads a TrueType font only from a file
 * (HPDF_LoadTTFontFromFile). Its installed headers expose what that does
 * underneath, done here from memory instead (hpdf_doc.c's
 * LoadTTFontFromStream): the font definition read from a memory stream,
 * registered, and tagged "HPDFAA", which is what the first font of a
 * document gets. No temporary file, no system call. The definition
 * belongs to the document's list (drop_fonts frees it).
 */
static const char *load_font(struct letter *lt, HPDF_Doc pdf)
{
	char tag[] = "HPDFAA";
	HPDF_FontDef def;
	HPDF_Stream st = HPDF_MemStream_New(pdf->mmgr, (HPDF_UINT)lt->fontbuf.len);
	if (!st || HPDF_Stream_Write(st, (const HPDF_BYTE *)lt->fontbuf.buf,
				     (HPDF_UINT)lt->fontbuf.len) != HPDF_OK) {
		if (st)
			HPDF_Stream_Free(st);
		return NULL;
	}
	def = HPDF_TTFontDef_Load(pdf->mmgr, st, HPDF_TRUE);   /* owns st now */
	if (!def || HPDF_Doc_RegisterFontDef(pdf, def) != HPDF_OK)
		return NULL;                                   /* def freed */
	memcpy(pdf->ttfont_tag, tag, 6);
	HPDF_TTFontDef_SetTagName(def, tag);
	return def->base_font;
}

/* Frees the document's font definitions: HPDF_FreeDoc keeps them for a
 * next document, but the next letter has its own subset, under the same
 * name. */
static void drop_fonts(HPDF_Doc pdf)
{
	HPDF_List list = pdf->fontdef_list;
	HPDF_UINT i;
	if (!list)
		return;
	for (i = 0; i < list->count; i++)
		HPDF_FontDef_Free((HPDF_FontDef)HPDF_List_ItemAt(list, i));
	HPDF_List_Clear(list);
}

void letter_pdf_release(struct letter *lt)
{
	if (!lt->pdf)
		return;
	HPDF_FreeDoc(lt->pdf);
	drop_fonts(lt->pdf);
	HPDF_Free(lt->pdf);
	lt->pdf = NULL;
}

/*
 * The font's set-up with the letter's codes only. HPDF_GetFont (libharu
 * 2.3.0's CIDFontType2_New) fills a 65,536-entry code-to-glyph table. With
 * the UTF-8 encoder it looks every BMP code up in the font, whatever the
 * letter draws, then builds /W by walking all 65,535 entries and writes
 * the 128 KB CIDToGIDMap (two bytes at a time) that fix_font then cuts:
 * a third of a letter's instructions. For any other CMap encoder it walks
 * the encoder's code-to-CID table (cid_map) instead and looks up only the
 * codes that have a CID, with the encoder's unicode_map as the character.
 * So for the call the UTF-8 encoder is made to look like such an encoder:
 * its to_unicode_fn is the CMap encoders' own, cid_map holds exactly the
 * letter's codes PDF_CODE_BASE .. PDF_CODE_BASE + n - 1, each its own CID
 * and its own "character" (the subset's cmap maps the code to the glyph,
 * font_face_subset), plus one code past them: libharu stops /W and the map
 * before its largest CID, and that one has no glyph. Everything is put
 * back before HPDF_GetFont returns here, so text is still encoded and
 * measured by the UTF-8 encoder. The font objects come out identical (the
 * /W entries of codes without a glyph or past the last code were the
 * default width, never listed; the map is cut by fix_font either way):
 * byte-identical letters, checked on the samples and the benchmark.
 *
 * The UTF-8 encoder keeps its parse state in the first bytes of cid_map
 * (hpdf_encoder_utf.c); the rest of its cid_map is zero, which pdf_doc
 * checks once per HPDF_Doc (font_fast) before this is ever used. Another
 * libharu whose encoder does not look like that gets the plain call.
 */
#define UTF8_STATE_CIDS 8     /* cid_map[0][0..7] hold the UTF-8 parse state */

static int utf8_encoder_fits(HPDF_Doc pdf)
{
	HPDF_Encoder enc = HPDF_GetEncoder(pdf, "UTF-8");
	HPDF_CMapEncoderAttr a;
	size_t i;
	if (!enc || enc->type != HPDF_ENCODER_TYPE_DOUBLE_BYTE || !enc->attr ||
	    enc->to_unicode_fn == HPDF_CMapEncoder_ToUnicode)
		return 0;
	a = enc->attr;
	for (i = UTF8_STATE_CIDS; i < 256 * 256; i++)
		if (a->cid_map[i >> 8][i & 0xFF])
			return 0;
	return 1;
}

static HPDF_Font get_font(struct letter *lt, HPDF_Doc pdf, const char *fname)
{
	const struct layout *L = &lt->L;
	HPDF_Encoder enc;
	HPDF_CMapEncoderAttr a;
	HPDF_Encoder_ToUnicode_Func utf8_fn;
	HPDF_UINT16 state[UTF8_STATE_CIDS];
	HPDF_UNICODE *umap;
	HPDF_Font font;
	size_t i, n = L->ncodes + 1;

	if (!lt->font_fast || !(enc = HPDF_GetEncoder(pdf, "UTF-8")))
		return HPDF_GetFont(pdf, fname, "UTF-8");
	a = enc->attr;
	umap = xmalloc(n * sizeof(*umap));
	memcpy(state, a->cid_map[0], sizeof(state));
	memset(a->cid_map[0], 0, sizeof(state));
	for (i = 0; i < n; i++) {
		unsigned c = PDF_CODE_BASE + (unsigned)i;
		umap[i] = a->unicode_map[c >> 8][c & 0xFF];
		a->unicode_map[c >> 8][c & 0xFF] = (HPDF_UNICODE)c;
		a->cid_map[c >> 8][c & 0xFF] = (HPDF_UINT16)c;
	}
	utf8_fn = enc->to_unicode_fn;
	enc->to_unicode_fn = HPDF_CMapEncoder_ToUnicode;
	font = HPDF_GetFont(pdf, fname, "UTF-8");
	enc->to_unicode_fn = utf8_fn;
	for (i = 0; i < n; i++) {
		unsigned c = PDF_CODE_BASE + (unsigned)i;
		a->unicode_map[c >> 8][c & 0xFF] = umap[i];
		a->cid_map[c >> 8][c & 0xFF] = 0;
	}
	memcpy(a->cid_map[0], state, sizeof(state));
	free(umap);
	return font;
}

/*
 * The worker's document, empty. One HPDF_Doc serves every letter of a
 * worker (HPDF_NewDoc starts the next): the UTF-8 encoder, 256 KB of
 * tables that libharu fills for every new HPDF_Doc, is then set up once.
 * After a libharu error the document is thrown away, to start clean.
 */
static HPDF_Doc pdf_doc(struct letter *lt)
{
	lt->hpdf_error = 0;
	if (lt->pdf) {
		HPDF_FreeDoc(lt->pdf);
		drop_fonts(lt->pdf);
		if (HPDF_NewDoc(lt->pdf) == HPDF_OK && !lt->hpdf_error)
			return lt->pdf;
		letter_pdf_release(lt);
		lt->hpdf_error = 0;
	}
	lt->pdf = HPDF_New(on_hpdf_error, lt);
	if (lt->pdf && HPDF_UseUTFEncodings(lt->pdf) != HPDF_OK)
		letter_pdf_release(lt);
	/* MERIT_FAULT=letter-font-plain (test build): libharu's own set-up,
	 * which tests/e2e/letters.sh compares with this one byte for byte. */
	lt->font_fast = lt->pdf && utf8_encoder_fits(lt->pdf) && !fault_fail("letter-font-plain");
	return lt->pdf;
}

/*
 * One attempt: subset, build, save into lt->pdfbuf. `pad` adds one unused
 * glyph, drawn invisibly. Returns libharu's first error (0 if none), or -1
 * with lt->d filled when the font could not be subset.
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
		layout_cp_seen(L, pad);
	pdf_codes(L);
	L->ncps = ncps;
	rc = font_face_subset(L->font, L->codes, L->ncodes, PDF_CODE_BASE, L->gids, &lt->fontbuf,
			      lt->d);
	if (rc < 0)
		return -1;
	pdf = pdf_doc(lt);
	if (!pdf)
		return HPDF_FAILD_TO_ALLOC_MEM;
	HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
	fname = load_font(lt, pdf);
	if (!fname && !lt->hpdf_error)
		lt->hpdf_error = HPDF_GetError(pdf) ? HPDF_GetError(pdf) : HPDF_INVALID_FONTDEF_DATA;
	font = fname ? get_font(lt, pdf, fname) : NULL;
	if (font)
		fix_font(lt, font);
	HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "merit " MERIT_VERSION);
	for (p = 0; font && p < L->npages; p++) {
		HPDF_Page pg = HPDF_AddPage(pdf);
		HPDF_Page_SetSize(pg, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
		replay_page(lt, pg, font, p);
		if (p == 0 && pad) {
			strbuf_reset(&lt->scratch);
			utf8_put(&lt->scratch, pdf_code(L, pad));
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
	if (!lt->hpdf_error) {
		pdf_zlevel = PDF_ZLEVEL;
		HPDF_SaveToStream(pdf);
		pdf_zlevel = -1;
	}
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
	if (lt->hpdf_error)
		letter_pdf_release(lt);
	return (long)lt->hpdf_error;
}

int letter_pdf_write(struct letter *lt)
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
				  "%s for '%s': libharu error 0x%04lX (detail %u)",
				  letter_doc_name(lt), lt->e->id,
				  (unsigned long)err, (unsigned)lt->hpdf_detail);
	if (write_letter(lt) < 0)
		return -1;
	lt->bytes += (int64_t)lt->pdfbuf.len;
	return 0;
}

