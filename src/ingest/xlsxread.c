/*
 * xlsxread: one sheet of an .xlsx workbook as a stream of text rows.
 *
 * An .xlsx file is a zip of XML parts. Four small ones are read whole
 * first: xl/workbook.xml (sheet names -> relationship ids, the date
 * system), xl/_rels/workbook.xml.rels (ids -> part names),
 * xl/sharedStrings.xml (the strings cells refer to by index) and
 * xl/styles.xml (which cell formats are dates). The sheet itself is read a
 * buffer at a time, one row handed out per call, so a million-row sheet
 * needs no more memory than a ten-row one: inside <sheetData> by a
 * hand-written scanner for plain SpreadsheetML (five times expat's speed),
 * everywhere else, and from the first row the scanner is unsure of, by
 * expat, suspended after every row (see "fast scanner" below).
 *
 * Names are matched on their local part (the prefix dropped), so files
 * written with prefixes (<x:c>, as some .NET exporters do) read the same. A DTD is refused outright: workbooks never carry one, and it is the
 * door to entity-expansion attacks.
 */
#include "ingest/xlsxread.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/sha256.h"
#include "util/strbuf.h"
#include "util/utf8.h"

#include <ctype.h>
#include <errno.h>
#include <expat.h>
#include <minizip/unzip.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_COLS 16384              /* XFD, Excel's last column */
#define CHUNK 65536

/* Where the bytes of a part come from: the zip, or memory (tests). */
struct part {
	unzFile zf;                 /* NULL: read from mem */
	const char *mem;
	size_t memlen, pos;
};

enum cell_type { CT_NUMBER, CT_SHARED, CT_INLINE, CT_BOOL, CT_TEXT, CT_ERROR };

struct xlsxread {
	char *path, *display, *sheet_name;
	unzFile zf;
	struct part sheet;          /* the sheet's bytes */
	unsigned long long sheet_bytes; /* their number, inflated (0: not known) */
	int date1904;

	/* shared strings: texts NUL-separated in one buffer */
	struct strbuf sst;
	size_t *sst_off;
	size_t sst_nr, sst_alloc;

	/* per cellXfs index: is the format a date? */
	unsigned char *xf_date;
	size_t xf_nr, xf_alloc;

	/* the sheet's bytes, read ahead of both parsers: [beg, end) is unread */
	char *buf;
	size_t beg, end, cap;
	int eof;                    /* the part has no more bytes */
	long long fed;              /* bytes given to expat so far */
	enum { M_PREFIX, M_FAST, M_EXPAT } mode;
	long long sd_end;           /* where expat saw <sheetData> end (M_PREFIX) */
	unsigned long line_skew;    /* newlines the fast scanner took from expat */
	size_t fast_rows;           /* rows the fast scanner read */
	int nohash;                 /* skimming: the SHA-256 is not wanted */
	csvread_keep_fn *keep;      /* skimming (fast rows only) */
	void *keep_arg;
	size_t keep_col;

	/* the sheet parser and its state */
	XML_Parser p;
	int done;                   /* the sheet's last bytes were parsed */
	int in_row, row_num, row_ready, any;
	int in_cell, cell_style;
	long cell_col, next_col;
	enum cell_type cell_type;
	int in_value, in_inline, in_phonetic;
	struct strbuf text;         /* the current cell's <v> or <t> text */
	struct strbuf err;          /* set by a handler: stop with this error */
	struct strbuf err_where;    /* "hr.xlsx:Sheet1!C17" */

	/* the current row: cells NUL-separated, their offsets */
	struct strbuf cells;
	size_t *off;
	size_t ncells, off_alloc;
	size_t width;               /* the widest row so far */
	char **cellp;
	int *linep;
	size_t ptr_alloc;

	char sha[65];
};

/* The local part of a name: "c" of "x:c". */
static const char *local(const char *name)
{
	const char *s = name;
	for (; *s; s++)
		if (*s == ':')
			return s + 1;
	return name;
}

/* An attribute by its local name; namespace declarations are not attributes. */
static const char *attr(const char **atts, const char *name)
{
	size_t i;
	for (i = 0; atts[i]; i += 2)
		if (!strcmp(local(atts[i]), name) && strncmp(atts[i], "xmlns", 5))
			return atts[i + 1];
	return NULL;
}

int xlsxread_is_xlsx(const char *path)
{
	size_t n = path ? strlen(path) : 0;
	return n > 5 && (!strcasecmp(path + n - 5, ".xlsx") || !strcasecmp(path + n - 5, ".xlsm"));
}

void xlsxread_cellref(size_t col, int row, char out[16])
{
	char letters[8];
	size_t n = 0, i;
	col++;
	while (col && n < sizeof(letters)) {
		letters[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (i = 0; i < n; i++)
		out[i] = letters[n - 1 - i];
	snprintf(out + n, 16 - n, "%d", row);
}

/* "C17" -> column 2 (0-based) and row 17; -1 when the letters are not a column. */
static long parse_ref(const char *ref, int *row)
{
	long col = 0;
	int n = 0;
	*row = 0;
	while (*ref >= 'A' && *ref <= 'Z' && n < 4) {
		col = col * 26 + (*ref++ - 'A' + 1);
		n++;
	}
	if (!n || col > MAX_COLS)
		return -1;
	while (*ref >= '0' && *ref <= '9' && *row < 10000000)
		*row = *row * 10 + (*ref++ - '0');
	return col - 1;
}

/* ------------------------------------------------------------- parts */

static int part_read(struct part *pt, char *buf, int cap)
{
	size_t n;
	if (pt->zf)
		return unzReadCurrentFile(pt->zf, buf, (unsigned)cap);
	n = pt->memlen - pt->pos;
	if (n > (size_t)cap)
		n = (size_t)cap;
	memcpy(buf, pt->mem + pt->pos, n);
	pt->pos += n;
	return (int)n;
}

/* Opens a part of the zip as the current file; 0 when absent, -1 on error. */
static int part_open_zip(unzFile zf, const char *name, struct part *pt)
{
	memset(pt, 0, sizeof(*pt));
	if (unzLocateFile(zf, name, 0) != UNZ_OK)
		return 0;
	if (unzOpenCurrentFile(zf) != UNZ_OK)
		return -1;
	pt->zf = zf;
	return 1;
}

static void part_close(struct part *pt)
{
	if (pt->zf)
		unzCloseCurrentFile(pt->zf);
	pt->zf = NULL;
}

static void XMLCALL refuse_dtd(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal)
{
	XML_Parser p = ud;
	(void)name, (void)sysid, (void)pubid, (void)has_internal;
	XML_StopParser(p, XML_FALSE);
}

static XML_Parser parser_new(void *ud, XML_StartElementHandler start,
			     XML_EndElementHandler end, XML_CharacterDataHandler chars)
{
	/* Not namespace-aware: prefixes are dropped by local(), and expat
	 * does not build "uri|name" strings for every element of a sheet. */
	XML_Parser p = XML_ParserCreate("UTF-8");
	if (!p)
		BUG("out of memory creating an XML parser");
	XML_SetUserData(p, ud);
	XML_SetElementHandler(p, start, end);
	XML_SetCharacterDataHandler(p, chars);
	/* The handler needs the parser to stop it; it gets it as its arg. */
	XML_UseParserAsHandlerArg(p);
	XML_SetStartDoctypeDeclHandler(p, refuse_dtd);
	return p;
}

static struct xlsxread *reader_of(void *arg)
{
	return XML_GetUserData((XML_Parser)arg);
}

static int xml_error(struct xlsxread *r, XML_Parser p, const char *part, struct diag *d)
{
	enum XML_Error e = XML_GetErrorCode(p);
	diag_error(d, MERIT_DATAERR, r->display, 0, 0, "%s line %lu: %s", part,
		   (unsigned long)XML_GetCurrentLineNumber(p),
		   e == XML_ERROR_ABORTED ? "a DTD is not allowed in a workbook" : XML_ErrorString(e));
	diag_hint(d, "the workbook is damaged: open it in Excel or LibreOffice and save it again");
	return -1;
}

/* Parses a whole small part with its own handlers. */
static int parse_part(struct xlsxread *r, struct part *pt, const char *name,
		      XML_StartElementHandler start, XML_EndElementHandler end,
		      XML_CharacterDataHandler chars, struct diag *d)
{
	XML_Parser p = parser_new(r, start, end, chars);
	int n, rc = 0;
	do {
		void *buf = XML_GetBuffer(p, CHUNK);
		if (!buf)
			BUG("out of memory reading %s", name);
		n = part_read(pt, buf, CHUNK);
		if (n < 0) {
			rc = diag_error(d, MERIT_DATAERR, r->display, 0, 0,
					"%s cannot be unpacked (zip error %d)", name, n);
			break;
		}
		if (XML_ParseBuffer(p, n, n == 0) != XML_STATUS_OK) {
			rc = xml_error(r, p, name, d);
			break;
		}
	} while (n > 0);
	XML_ParserFree(p);
	return rc;
}

/* ----------------------------------------------------- shared strings */

static void XMLCALL sst_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	struct xlsxread *r = reader_of(arg);
	const char *n = local(name);
	(void)atts;
	if (!strcmp(n, "si")) {
		ALLOC_GROW(r->sst_off, r->sst_nr + 1, r->sst_alloc);
		r->sst_off[r->sst_nr++] = r->sst.len;
		r->in_inline = 1;
	} else if (!strcmp(n, "rPh")) {
		r->in_phonetic = 1;     /* furigana: not part of the text */
	} else if (!strcmp(n, "t") && r->in_inline && !r->in_phonetic) {
		r->in_value = 1;
	}
}

static void XMLCALL sst_end(void *arg, const XML_Char *name)
{
	struct xlsxread *r = reader_of(arg);
	const char *n = local(name);
	if (!strcmp(n, "si")) {
		strbuf_addch(&r->sst, '\0');
		r->in_inline = 0;
	} else if (!strcmp(n, "rPh")) {
		r->in_phonetic = 0;
	} else if (!strcmp(n, "t")) {
		r->in_value = 0;
	}
}

static void XMLCALL sst_chars(void *arg, const XML_Char *s, int len)
{
	struct xlsxread *r = reader_of(arg);
	if (r->in_value)
		strbuf_add(&r->sst, s, (size_t)len);
}

/* ------------------------------------------------------------ styles */

/*
 * Is a number format a date? Quoted text, escaped characters ("\-", "_)",
 * "*-") and bracketed parts ([Red], [$-804]) say nothing; what is left is a
 * date when it has a day or year code. A lone "m" is left out: in "h:mm"
 * it means minutes.
 */
static int format_is_date(const char *f)
{
	for (; *f; f++) {
		if (*f == '"') {
			while (f[1] && f[1] != '"')
				f++;
			if (f[1])
				f++;
		} else if (*f == '\\' || *f == '_' || *f == '*') {
			if (f[1])
				f++;
		} else if (*f == '[') {
			while (f[1] && f[1] != ']')
				f++;
		} else if (strchr("dDyY", *f) || !strncmp(f, "年", 3) || !strncmp(f, "日", 3)) {
			return 1;
		}
	}
	return 0;
}

/* Excel's built-in date formats: 14-22 and 45-47 everywhere, 27-36 and
 * 50-58 in the Chinese, Japanese and Korean editions (yyyy"年"m"月"d"日"). */
static int builtin_is_date(long id)
{
	return (id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 36) ||
	       (id >= 50 && id <= 58);
}

struct numfmt { long id; int date; };

struct style_state {
	struct xlsxread *r;
	struct numfmt *fmts;
	size_t nfmts, alloc;
	int in_xfs;
};

/* The leading digits (at most 9) of v, or dflt when there are none or v is NULL. */
static long digits_long(const char *v, size_t len, long dflt)
{
	long x = 0;
	size_t n = 0;
	if (!v)
		return dflt;
	for (; n < len && n < 9 && isdigit((unsigned char)v[n]); n++)
		x = x * 10 + (v[n] - '0');
	return n ? x : dflt;
}

static long attr_long(const char **atts, const char *name, long dflt)
{
	const char *v = attr(atts, name);
	return digits_long(v, v ? strlen(v) : 0, dflt);
}

static void XMLCALL style_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	struct style_state *st = XML_GetUserData((XML_Parser)arg);
	struct xlsxread *r = st->r;
	const char *n = local(name);
	if (!strcmp(n, "numFmt")) {
		const char *code = attr(atts, "formatCode");
		ALLOC_GROW(st->fmts, st->nfmts + 1, st->alloc);
		st->fmts[st->nfmts].id = attr_long(atts, "numFmtId", -1);
		st->fmts[st->nfmts++].date = code && format_is_date(code);
	} else if (!strcmp(n, "cellXfs")) {
		st->in_xfs = 1;
	} else if (!strcmp(n, "xf") && st->in_xfs) {
		long id = attr_long(atts, "numFmtId", 0);
		int date = builtin_is_date(id);
		size_t i;
		for (i = 0; i < st->nfmts; i++)
			if (st->fmts[i].id == id)
				date = st->fmts[i].date;
		ALLOC_GROW(r->xf_date, r->xf_nr + 1, r->xf_alloc);
		r->xf_date[r->xf_nr++] = (unsigned char)date;
	}
}

static void XMLCALL style_end(void *arg, const XML_Char *name)
{
	struct style_state *st = XML_GetUserData((XML_Parser)arg);
	if (!strcmp(local(name), "cellXfs"))
		st->in_xfs = 0;
}

static void XMLCALL ignore_chars(void *arg, const XML_Char *s, int len)
{
	(void)arg, (void)s, (void)len;
}

static int parse_styles(struct xlsxread *r, struct part *pt, struct diag *d)
{
	struct style_state st = { r, NULL, 0, 0, 0 };
	XML_Parser p = parser_new(&st, style_start, style_end, ignore_chars);
	int n, rc = 0;
	do {
		void *buf = XML_GetBuffer(p, CHUNK);
		if (!buf)
			BUG("out of memory reading styles");
		n = part_read(pt, buf, CHUNK);
		if (n < 0 || XML_ParseBuffer(p, n < 0 ? 0 : n, n <= 0) != XML_STATUS_OK) {
			rc = n < 0 ? diag_error(d, MERIT_DATAERR, r->display, 0, 0,
						"xl/styles.xml cannot be unpacked (zip error %d)", n)
				   : xml_error(r, p, "xl/styles.xml", d);
			break;
		}
	} while (n > 0);
	XML_ParserFree(p);
	free(st.fmts);
	return rc;
}

/* ------------------------------------------------- workbook and rels */

struct sheet_entry { char *name, *rid; };

struct book_state {
	struct xlsxread *r;
	struct sheet_entry *sheets;
	size_t nsheets, alloc;
	/* rels: the wanted id's target, and the shared strings and styles parts */
	const char *want_rid;
	char *target, *sst_target, *styles_target;
};

static void XMLCALL book_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	struct book_state *b = XML_GetUserData((XML_Parser)arg);
	const char *n = local(name);
	if (!strcmp(n, "workbookPr")) {
		const char *v = attr(atts, "date1904");
		b->r->date1904 = v && (!strcmp(v, "1") || !strcmp(v, "true"));
	} else if (!strcmp(n, "sheet")) {
		const char *nm = attr(atts, "name"), *id = attr(atts, "id");
		if (!nm || !id)
			return;
		ALLOC_GROW(b->sheets, b->nsheets + 1, b->alloc);
		b->sheets[b->nsheets].name = xstrdup(nm);
		b->sheets[b->nsheets++].rid = xstrdup(id);
	}
}

static void XMLCALL book_end(void *arg, const XML_Char *name)
{
	(void)arg, (void)name;
}

/* A relationship target is relative to xl/ unless it starts with '/'. */
static char *part_name(const char *target)
{
	if (*target == '/')
		return xstrdup(target + 1);
	return xstrfmt("xl/%s", target);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

static void XMLCALL rels_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	struct book_state *b = XML_GetUserData((XML_Parser)arg);
	const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *t = attr(atts, "Target");
	if (strcmp(local(name), "Relationship") || !t)
		return;
	if (id && b->want_rid && !strcmp(id, b->want_rid) && !b->target)
		b->target = part_name(t);
	else if (type && ends_with(type, "/sharedStrings") && !b->sst_target)
		b->sst_target = part_name(t);
	else if (type && ends_with(type, "/styles") && !b->styles_target)
		b->styles_target = part_name(t);
}

static int parse_book(struct xlsxread *r, struct book_state *b, const char *part,
		      XML_StartElementHandler start, struct diag *d)
{
	XML_Parser p;
	struct part pt;
	int n, rc = 0, open = part_open_zip(r->zf, part, &pt);
	if (open <= 0) {
		diag_error(d, MERIT_DATAERR, r->display, 0, 0, "not an .xlsx workbook: %s %s", part,
			   open < 0 ? "cannot be unpacked" : "is missing");
		diag_hint(d, "save it from Excel or LibreOffice as \"Excel Workbook (.xlsx)\"");
		return -1;
	}
	p = parser_new(b, start, book_end, ignore_chars);
	do {
		void *buf = XML_GetBuffer(p, CHUNK);
		if (!buf)
			BUG("out of memory reading %s", part);
		n = part_read(&pt, buf, CHUNK);
		if (n < 0 || XML_ParseBuffer(p, n < 0 ? 0 : n, n <= 0) != XML_STATUS_OK) {
			rc = n < 0 ? diag_error(d, MERIT_DATAERR, r->display, 0, 0,
						"%s cannot be unpacked (zip error %d)", part, n)
				   : xml_error(r, p, part, d);
			break;
		}
	} while (n > 0);
	XML_ParserFree(p);
	part_close(&pt);
	return rc;
}

/* The sheet wanted: by name, else by 1-based number, else the first. */
static const struct sheet_entry *pick_sheet(struct xlsxread *r, struct book_state *b,
					    const char *want, struct diag *d)
{
	struct strbuf names = STRBUF_INIT;
	size_t i;
	long long k;
	if (!b->nsheets) {
		diag_error(d, MERIT_DATAERR, r->display, 0, 0, "the workbook has no sheets");
		return NULL;
	}
	if (!want || !*want)
		return &b->sheets[0];
	for (i = 0; i < b->nsheets; i++)
		if (!strcmp(b->sheets[i].name, want))
			return &b->sheets[i];
	if (num_parse_int(want, 1, (long long)b->nsheets, &k) == NUM_OK)
		return &b->sheets[k - 1];
	for (i = 0; i < b->nsheets; i++)
		strbuf_addf(&names, "%s'%s'", i ? ", " : "", b->sheets[i].name);
	diag_error(d, MERIT_DATAERR, r->display, 0, 0, "the workbook has no sheet '%s'", want);
	diag_hint(d, "its sheets are %s; set `sheet =` to a name or a number from 1 to %zu",
		  names.buf, b->nsheets);
	strbuf_release(&names);
	return NULL;
}

static void book_release(struct book_state *b)
{
	size_t i;
	for (i = 0; i < b->nsheets; i++) {
		free(b->sheets[i].name);
		free(b->sheets[i].rid);
	}
	free(b->sheets);
	free(b->target);
	free(b->sst_target);
	free(b->styles_target);
}

/* ------------------------------------------------------------- sheet */

static void cell_error(struct xlsxread *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Stops the parser with a message naming the current cell. */
static void cell_error(struct xlsxread *r, const char *fmt, ...)
{
	char ref[16];
	va_list ap;
	if (r->err.len)
		return;
	xlsxread_cellref((size_t)(r->cell_col < 0 ? 0 : r->cell_col), r->row_num, ref);
	strbuf_addf(&r->err_where, "%s:%s!%s", r->display, r->sheet_name, ref);
	va_start(ap, fmt);
	strbuf_vaddf(&r->err, fmt, ap);
	va_end(ap);
	if (r->mode != M_FAST)      /* the fast scanner checks r->err itself */
		XML_StopParser(r->p, XML_FALSE);
}

/*
 * Rewrites a number as Excel stores it ("1234.5", "1.2E-3", "-7E+20") in
 * plain decimal, moving the decimal point digit by digit: the CSV parsers
 * take no exponents, and no binary rounding creeps in. Returns 0, or -1
 * (out left alone) when s is not such a number.
 */
static int plain_decimal(const char *s, size_t len, struct strbuf *out)
{
	const char *e = s + len;
	char digits[64];
	size_t nd = 0, i;
	long point = -1, exp = 0;
	int neg = 0, esign = 1, ne = 0;
	if (s < e && (*s == '-' || *s == '+'))
		neg = *s++ == '-';
	for (; s < e && *s != 'E' && *s != 'e'; s++) {
		if (*s == '.' && point < 0)
			point = (long)nd;
		else if (isdigit((unsigned char)*s) && nd < sizeof(digits))
			digits[nd++] = *s;
		else
			return -1;
	}
	if (!nd)
		return -1;
	if (point < 0)
		point = (long)nd;
	if (s < e) {
		s++;
		if (s < e && (*s == '-' || *s == '+'))
			esign = *s++ == '-' ? -1 : 1;
		for (; s < e && isdigit((unsigned char)*s) && ne < 4; s++, ne++)
			exp = exp * 10 + (*s - '0');
		if (!ne || s < e || exp > 400)
			return -1;
	}
	point += esign * exp;         /* digits before the point */
	if (neg)
		strbuf_addch(out, '-');
	if (point <= 0) {
		strbuf_addstr(out, "0.");
		for (; point < 0; point++)
			strbuf_addch(out, '0');
		strbuf_add(out, digits, nd);
	} else {
		for (i = 0; i < (size_t)point; i++)
			strbuf_addch(out, i < nd ? digits[i] : '0');
		if ((size_t)point < nd) {
			strbuf_addch(out, '.');
			strbuf_add(out, digits + point, nd - (size_t)point);
		}
	}
	return 0;
}

/* The whole days of a date serial, or -1 (not a serial: left as a number). */
static long serial_days(const char *plain)
{
	long x = 0;
	int n = 0;
	if (*plain == '-')
		return -1;
	for (; isdigit((unsigned char)*plain) && n < 8; plain++, n++)
		x = x * 10 + (*plain - '0');
	if (isdigit((unsigned char)*plain) || (*plain && *plain != '.'))
		return -1;
	return x;
}

/*
 * A date serial as YYYY-MM-DD. 1900 system: serial 1 is 1900-01-01 and
 * Excel counts a 1900-02-29 that never was (serial 60), so from serial 61
 * on day 25569 is 1970-01-01; serial 60 comes out as the text
 * "1900-02-29", which the date parser refuses as it should. 1904 system:
 * serial 0 is 1904-01-01.
 */
static void add_date(struct xlsxread *r, long serial, struct strbuf *out)
{
	char iso[16];
	long days;
	if (r->date1904)
		days = serial - 24107;
	else if (serial == 60) {
		strbuf_addstr(out, "1900-02-29");
		return;
	} else
		days = serial < 60 ? serial - 25568 : serial - 25569;
	if ((!r->date1904 && serial < 1) || days > date_from_ymd(9999, 12, 31)) {
		strbuf_addf(out, "%ld", serial);
		return;
	}
	date_format_iso((int32_t)days, iso);
	strbuf_addstr(out, iso);
}

/* Appends the current cell's value, as text, to the row. */
static void finish_cell(struct xlsxread *r)
{
	const char *s = r->text.buf;
	size_t len = r->text.len;
	size_t start;
	if (r->cell_col < (long)r->ncells)
		return;     /* a column already filled (out of order): keep the first */
	while ((long)r->ncells < r->cell_col) {     /* cells the XML skipped */
		ALLOC_GROW(r->off, r->ncells + 1, r->off_alloc);
		r->off[r->ncells++] = r->cells.len;
		strbuf_addch(&r->cells, '\0');
	}
	ALLOC_GROW(r->off, r->ncells + 1, r->off_alloc);
	r->off[r->ncells++] = start = r->cells.len;
	str_trim(&s, &len);
	switch (r->cell_type) {
	case CT_SHARED: {
		long k = len ? serial_days(s) : -1;
		if (k < 0 || (size_t)k >= r->sst_nr) {
			cell_error(r, "shared string '%.*s' does not exist (the workbook has %zu)",
				   (int)len, s, r->sst_nr);
			break;
		}
		s = r->sst.buf + r->sst_off[k];
		len = strlen(s);
		str_trim(&s, &len);
		strbuf_add(&r->cells, s, len);
		break;
	}
	case CT_BOOL:
		if (len)
			strbuf_addstr(&r->cells, len == 1 && *s == '1' ? "TRUE" : "FALSE");
		break;
	case CT_NUMBER: {
		long serial;
		if (!len)
			break;
		if (plain_decimal(s, len, &r->cells) < 0) {
			strbuf_add(&r->cells, s, len);          /* the parsers will say what */
		} else if (r->cell_style >= 0 && (size_t)r->cell_style < r->xf_nr &&
			   r->xf_date[r->cell_style] &&
			   (serial = serial_days(r->cells.buf + start)) >= 0) {
			r->cells.len = start;
			add_date(r, serial, &r->cells);
		}
		break;
	}
	default:            /* inline and formula strings, errors (#N/A) as text */
		strbuf_add(&r->cells, s, len);
		break;
	}
	r->any |= r->cells.len > start;
	strbuf_addch(&r->cells, '\0');
}

/* <row r="k">: both parsers start a row here. */
static void row_begin(struct xlsxread *r, const char *rnum, size_t len)
{
	long k = digits_long(rnum, len, -1);
	r->row_num = k > 0 ? (int)k : r->row_num + 1;
	r->ncells = 0;
	r->next_col = 0;
	r->any = 0;
	strbuf_reset(&r->cells);
}

static int is_attr(const char *v, size_t len, const char *want)
{
	return strlen(want) == len && !memcmp(v, want, len);
}

/*
 * <c r="C17" t="s" s="3">: both parsers start a cell here (values not
 * NUL-terminated: len bytes, ref and t NULL when absent). 0, or -1 after
 * cell_error().
 */
static int cell_begin(struct xlsxread *r, const char *ref, size_t reflen, const char *t,
		      size_t tlen, const char *style, size_t stylelen)
{
	int row;
	/* parse_ref() stops at the first byte that is no letter or digit,
	 * which the closing quote of an attribute is. */
	r->cell_col = ref ? parse_ref(ref, &row) : r->next_col;
	if (r->cell_col < 0 || r->cell_col >= MAX_COLS) {
		r->cell_col = 0;
		cell_error(r, "cell reference '%.*s' is not a column of a sheet",
			   ref ? (int)reflen : 0, ref ? ref : "");
		return -1;
	}
	r->next_col = r->cell_col + 1;
	r->cell_style = (int)digits_long(style, stylelen, -1);
	r->cell_type = !t || is_attr(t, tlen, "n") ? CT_NUMBER
		: is_attr(t, tlen, "s") ? CT_SHARED
		: is_attr(t, tlen, "inlineStr") ? CT_INLINE
		: is_attr(t, tlen, "b") ? CT_BOOL
		: is_attr(t, tlen, "e") ? CT_ERROR : CT_TEXT;
	strbuf_reset(&r->text);
	return 0;
}

static void XMLCALL sheet_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	struct xlsxread *r = reader_of(arg);
	const char *n = local(name);
	if (!strcmp(n, "row")) {
		const char *k = attr(atts, "r");
		row_begin(r, k, k ? strlen(k) : 0);
		r->in_row = 1;
		if (r->mode == M_PREFIX)
			r->mode = M_EXPAT;  /* a row before <sheetData>: expat reads it all */
	} else if (!strcmp(n, "c") && r->in_row) {
		const char *ref = attr(atts, "r"), *t = attr(atts, "t"), *st = attr(atts, "s");
		if (cell_begin(r, ref, ref ? strlen(ref) : 0, t, t ? strlen(t) : 0, st,
			       st ? strlen(st) : 0) == 0)
			r->in_cell = 1;
	} else if (r->mode == M_PREFIX && !strcmp(name, "sheetData")) {
		/* Where the fast scanner may take over (xlsxread_next). */
		XML_Parser p = arg;
		r->sd_end = XML_GetCurrentByteIndex(p) + XML_GetCurrentByteCount(p);
	} else if (r->in_cell) {
		if (!strcmp(n, "v"))
			r->in_value = 1;
		else if (!strcmp(n, "is"))
			r->in_inline = 1;
		else if (!strcmp(n, "rPh"))
			r->in_phonetic = 1;
		else if (!strcmp(n, "t") && r->in_inline && !r->in_phonetic)
			r->in_value = 1;
	}
}

static void XMLCALL sheet_end(void *arg, const XML_Char *name)
{
	struct xlsxread *r = reader_of(arg);
	const char *n = local(name);
	if (!strcmp(n, "row") && r->in_row) {
		r->in_row = 0;
		if (r->any) {
			r->row_ready = 1;
			XML_StopParser(r->p, XML_TRUE);     /* hand the row out */
		}
	} else if (!strcmp(n, "c") && r->in_cell) {
		r->in_cell = r->in_value = r->in_inline = r->in_phonetic = 0;
		finish_cell(r);
	} else if (!strcmp(n, "v") || !strcmp(n, "t")) {
		r->in_value = 0;
	} else if (!strcmp(n, "rPh")) {
		r->in_phonetic = 0;
	} else if (!strcmp(n, "is")) {
		r->in_inline = 0;
	}
}

static void XMLCALL sheet_chars(void *arg, const XML_Char *s, int len)
{
	struct xlsxread *r = reader_of(arg);
	if (r->in_value)
		strbuf_add(&r->text, s, (size_t)len);
}

static void emit_row(struct xlsxread *r, struct csv_row *row)
{
	size_t i;
	/* A sheet leaves a row's trailing empty cells out where a CSV writes
	 * them: as wide as the widest row so far (the header), a short row
	 * is not taken for a truncated one. */
	if (r->ncells > r->width)
		r->width = r->ncells;
	while (r->ncells < r->width) {
		ALLOC_GROW(r->off, r->ncells + 1, r->off_alloc);
		r->off[r->ncells++] = r->cells.len;
		strbuf_addch(&r->cells, '\0');
	}
	ALLOC_GROW(r->cellp, r->ncells, r->ptr_alloc);
	r->linep = xrealloc(r->linep, r->ptr_alloc * sizeof(*r->linep));
	for (i = 0; i < r->ncells; i++) {
		r->cellp[i] = r->cells.buf + r->off[i];
		r->linep[i] = r->row_num;
	}
	row->n = r->ncells;
	row->cell = r->cellp;
	row->line = r->linep;
	row->row_line = r->row_num;
}

/* ------------------------------------------------------ fast scanner */

/*
 * The plain SpreadsheetML the common writers emit (Excel, LibreOffice,
 * libxlsxwriter, openpyxl, most exporters), read inside <sheetData> without
 * expat: a row is <row ...> of <c r= t= s=> cells with <v>, <f>, <is><t>
 * and rich-text runs, unprefixed names, quoted ASCII attribute values,
 * text in valid UTF-8 with the five predefined entities and character
 * references. Expat reads the parts around <sheetData> (the prolog, a
 * DTD refused, namespaces) and everything the scanner does not know: at
 * the first byte it is not sure of (a comment, CDATA, a prefix, another
 * entity, a CR, a control character, malformed UTF-8 or tags) it gives
 * the row back to expat, which reads the rest of the sheet from that row
 * on, so what is read, and every message, never depends on this path.
 * The cells go through the same cell_begin() and finish_cell().
 */

enum { FR_ROW, FR_SKIP, FR_END, FR_BAIL, FR_MORE, FR_ERR };

/* What fast_tag() read: <name a="v"> </name> or <name/>; NULL end means
 * "bail", e "more bytes needed". */
struct ftag {
	const char *name;
	size_t nlen;
	int close, empty;
	const char *r, *t, *s;      /* attribute values, NULL when absent */
	size_t rlen, tlen, slen;
};

/* Byte classes, one table lookup in the loops: C_NAME a name character
 * (ASCII, no ':'), C_ATTR one an attribute value takes as is (printable
 * ASCII but < & " '), C_TEXT one text takes as is (printable ASCII but
 * < & ]), C_WS white space (no CR: expat rewrites it). */
enum { C_NAME = 1, C_ATTR = 2, C_TEXT = 4, C_WS = 8 };
static const unsigned char cls[256] = {
	 0,  0,  0,  0,  0,  0,  0,  0,  0,  8,  8,  0,  0,  0,  0,  0,
	 0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
	14,  6,  4,  6,  6,  6,  0,  4,  6,  6,  6,  6,  6,  7,  7,  6,
	 7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  6,  6,  0,  6,  6,  6,
	 6,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,
	 7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  6,  6,  2,  6,  7,
	 6,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,
	 7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  6,  6,  6,  6,  0,
};
#define CLS(c, k) (cls[(unsigned char)(c)] & (k))
#define IS_WS(c) CLS(c, C_WS)
#define IS_NAME(c) CLS(c, C_NAME)
#define IS_START(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') || (c) == '_')

static int name_is(const struct ftag *t, const char *want, size_t len)
{
	return t->nlen == len && !memcmp(t->name, want, len);
}

static const char *fast_tag(const char *p, const char *e, struct ftag *t, unsigned long *nl)
{
	const char *an[8];
	size_t al[8], na = 0, i;
	t->close = t->empty = 0;
	t->r = t->t = t->s = NULL;
	if (++p >= e)
		return e;
	if (*p == '/')
		t->close = 1, p++;
	t->name = p;
	if (p < e && !IS_START(*p))
		return NULL;        /* <!-- -->, <![CDATA[, <?pi?>, or not a tag */
	while (p < e && IS_NAME(*p))
		p++;
	t->nlen = (size_t)(p - t->name);
	for (;;) {
		const char *n, *v, *colon = NULL;
		size_t len;
		char q;
		int ws = 0;
		for (; p < e && IS_WS(*p); p++, ws = 1)
			*nl += *p == '\n';
		if (p >= e)
			return e;
		if (*p == '>')
			return p + 1;
		if (*p == '/' && !t->close) {
			if (p + 1 >= e)
				return e;
			if (p[1] != '>')
				return NULL;
			t->empty = 1;
			return p + 2;
		}
		if (!ws || t->close)        /* also a ':' in the name: a prefix */
			return NULL;
		n = p;
		if (!IS_START(*p))
			return NULL;
		for (; p < e && (IS_NAME(*p) || *p == ':'); p++)
			if (*p == ':')
				colon = p;
		if (p + 1 >= e)
			return e;
		if (p[0] != '=' || (p[1] != '"' && p[1] != '\''))
			return NULL;
		len = (size_t)(p - n);
		q = p[1];
		v = p += 2;
		for (; p < e && *p != q; p++)
			if (!CLS(*p, C_ATTR) && *p != '"' && *p != '\'')
				return NULL;
		if (p >= e)
			return e;
		p++;
		/* expat refuses a repeated attribute; xlsxread matches r, t and s
		 * on their local part, so "x:r" is expat's to read */
		for (i = 0; i < na; i++)
			if (al[i] == len && !memcmp(an[i], n, len))
				return NULL;
		if (na == 8)
			return NULL;
		an[na] = n, al[na++] = len;
		if (colon) {
			if ((size_t)(n + len - colon) == 2 &&
			    (colon[1] == 'r' || colon[1] == 't' || colon[1] == 's'))
				return NULL;
		} else if (len == 1 && *n == 'r') {
			t->r = v, t->rlen = (size_t)(p - 1 - v);
		} else if (len == 1 && *n == 't') {
			t->t = v, t->tlen = (size_t)(p - 1 - v);
		} else if (len == 1 && *n == 's') {
			t->s = v, t->slen = (size_t)(p - 1 - v);
		}
	}
}

/* The length of the valid UTF-8 sequence at p, 0 if none or if it is
 * U+FFFE / U+FFFF, which XML does not allow (expat refuses them too). */
static size_t utf8_len(const char *p, const char *e)
{
	uint32_t cp = 0;
	size_t n = utf8_decode(p, (size_t)(e - p), &cp);
	return cp == 0xfffe || cp == 0xffff ? 0 : n;
}

/* "&amp;" ... "&#x4E2D;" at p as UTF-8 into out; the bytes read, 0: bail. */
static size_t fast_ref(const char *p, const char *e, struct strbuf *out)
{
	static const struct { const char *name; char c; } pre[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' },
	};
	const char *q = p + 1;
	unsigned long cp = 0;
	size_t i;
	int hex = 0, nd = 0;
	for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		size_t n = strlen(pre[i].name);
		if ((size_t)(e - p) >= n && !memcmp(p, pre[i].name, n)) {
			if (out)
				strbuf_addch(out, pre[i].c);
			return n;
		}
	}
	if (q >= e || *q++ != '#')
		return 0;
	if (q < e && *q == 'x')
		hex = 1, q++;
	for (; q < e && nd < 7; q++, nd++) {
		int v = *q >= '0' && *q <= '9' ? *q - '0'
			: hex && *q >= 'a' && *q <= 'f' ? *q - 'a' + 10
			: hex && *q >= 'A' && *q <= 'F' ? *q - 'A' + 10 : -1;
		if (v < 0)
			break;
		cp = cp * (hex ? 16 : 10) + (unsigned long)v;
	}
	if (!nd || q >= e || *q != ';')
		return 0;
	if (!(cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
	      (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff)))
		return 0;
	if (out)
		utf8_put(out, (uint32_t)cp);
	return (size_t)(q + 1 - p);
}

/*
 * Character data up to the next '<', appended to out when out is not NULL.
 * Returns the '<', NULL to bail, e for more bytes.
 */
static const char *fast_text(const char *p, const char *e, struct strbuf *out, unsigned long *nl)
{
	const char *run = p;
	while (p < e) {
		unsigned char c = (unsigned char)*p;
		size_t n;
		if (CLS(c, C_TEXT)) {
			p++;
			continue;
		}
		if (c == '<')
			break;
		if (c == '\n' || c == '\t') {
			*nl += c == '\n';
			p++;
			continue;
		}
		if (c == ']') {         /* "]]>" is not allowed in text */
			if (e - p < 3)
				return e;
			if (p[1] == ']' && p[2] == '>')
				return NULL;
			p++;
			continue;
		}
		if (c >= 0x80) {
			if (e - p < 4 && (c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2) > e - p)
				return e;
			if (!(n = utf8_len(p, e)))
				return NULL;
			p += n;
			continue;
		}
		if (c != '&')
			return NULL;        /* CR (expat turns it into LF), controls, DEL */
		if (out && p > run)
			strbuf_add(out, run, (size_t)(p - run));
		if (!memchr(p, ';', (size_t)(e - p) < 12 ? (size_t)(e - p) : 12))
			return (size_t)(e - p) < 12 ? e : NULL;
		if (!(n = fast_ref(p, e, out)))
			return NULL;
		p += n;
		run = p;
	}
	if (p >= e)
		return e;
	if (out && p > run)
		strbuf_add(out, run, (size_t)(p - run));
	return p;
}

/* Skips white space, then expects a tag; NULL / e as fast_tag(). */
static const char *fast_next_tag(const char *p, const char *e, struct ftag *t, unsigned long *nl)
{
	for (; p < e && IS_WS(*p); p++)
		*nl += *p == '\n';
	if (p >= e)
		return e;
	if (*p != '<')
		return NULL;        /* text between elements: expat's */
	return fast_tag(p, e, t, nl);
}

/* Do the bytes at p spell the literal lit (a tag written the common way)? */
#define LIT(p, e, lit) ((size_t)((e) - (p)) >= sizeof(lit) - 1 && !memcmp((p), (lit), sizeof(lit) - 1))

/* <name>text</name> after its start tag t, the text into out (or dropped). */
static const char *fast_leaf(const char *p, const char *e, const struct ftag *t, struct strbuf *out,
			     unsigned long *nl)
{
	struct ftag c;
	if (t->empty)
		return p;
	p = fast_text(p, e, out, nl);
	if (!p || p == e)
		return p;
	if ((size_t)(e - p) >= t->nlen + 3 && p[1] == '/' && !memcmp(p + 2, t->name, t->nlen) &&
	    p[2 + t->nlen] == '>')
		return p + t->nlen + 3;
	p = fast_tag(p, e, &c, nl);
	if (!p || p == e)
		return p;
	return c.close && c.nlen == t->nlen && !memcmp(c.name, t->name, t->nlen) ? p : NULL;
}

#define TAG(p, e, t, nl) do { \
	(p) = fast_next_tag((p), (e), (t), (nl)); \
	if (!(p) || (p) == (e)) \
		return (p); \
} while (0)

/* <rPr> of a rich-text run: empty elements only (<b/>, <sz val="11"/>). */
static const char *fast_rpr(const char *p, const char *e, unsigned long *nl)
{
	struct ftag t;
	for (;;) {
		TAG(p, e, &t, nl);
		if (t.close)
			return name_is(&t, "rPr", 3) ? p : NULL;
		if (!t.empty)
			return NULL;
	}
}

/* The content of <is> (after its start tag) up to </is>: <t>, <r>, <rPh>. */
static const char *fast_inline(const char *p, const char *e, struct strbuf *out, unsigned long *nl)
{
	struct ftag t, u;
	for (;;) {
		TAG(p, e, &t, nl);
		if (t.close)
			return name_is(&t, "is", 2) ? p : NULL;
		if (name_is(&t, "t", 1)) {
			p = fast_leaf(p, e, &t, out, nl);
		} else if (name_is(&t, "phoneticPr", 10) && t.empty) {
			continue;
		} else if ((name_is(&t, "r", 1) || name_is(&t, "rPh", 3)) && !t.empty) {
			int ph = t.nlen == 3;   /* furigana: not part of the text */
			for (;;) {
				TAG(p, e, &u, nl);
				if (u.close) {
					if (u.nlen != t.nlen || memcmp(u.name, t.name, t.nlen))
						return NULL;
					break;
				}
				if (name_is(&u, "t", 1))
					p = fast_leaf(p, e, &u, ph ? NULL : out, nl);
				else if (!ph && name_is(&u, "rPr", 3))
					p = u.empty ? p : fast_rpr(p, e, nl);
				else
					return NULL;
				if (!p || p == e)
					return p;
			}
			continue;
		} else {
			return NULL;
		}
		if (!p || p == e)
			return p;
	}
}

/* A cell's content after <c ...> up to </c>: <v>, <f>, <is>. */
static const char *fast_cell(const char *p, const char *e, struct strbuf *out, unsigned long *nl)
{
	static const struct ftag v = { "v", 1, 0, 0, NULL, NULL, NULL, 0, 0, 0 };
	static const struct ftag t1 = { "t", 1, 0, 0, NULL, NULL, NULL, 0, 0, 0 };
	struct ftag t;
	for (;;) {
		/* The common spellings first: <v>1</v>, <is><t>x</t></is>, </c>. */
		if (LIT(p, e, "</c>"))
			return p + 4;
		if (LIT(p, e, "<v>")) {
			p = fast_leaf(p + 3, e, &v, out, nl);
			if (!p || p == e)
				return p;
			continue;
		}
		if (LIT(p, e, "<is><t>")) {
			p = fast_leaf(p + 7, e, &t1, out, nl);
			if (!p || p == e)
				return p;
			if (LIT(p, e, "</is>"))
				p += 5;
			else if (!(p = fast_inline(p, e, out, nl)) || p == e)
				return p;
			continue;
		}
		TAG(p, e, &t, nl);
		if (t.close)
			return name_is(&t, "c", 1) ? p : NULL;
		if (name_is(&t, "v", 1))
			p = fast_leaf(p, e, &t, out, nl);
		else if (name_is(&t, "f", 1))
			p = fast_leaf(p, e, &t, NULL, nl);
		else if (name_is(&t, "is", 2))
			p = t.empty ? p : fast_inline(p, e, out, nl);
		else
			return NULL;
		if (!p || p == e)
			return p;
	}
}

/*
 * <c r="B7" s="1" t="inlineStr"> as the writers spell it: r, s and t at
 * most once each, in any order, one space apart, values of letters and
 * digits. NULL for anything else (fast_tag() reads it then); never "more".
 */
static const char *fast_ctag(const char *p, const char *e, struct ftag *t)
{
	static const struct ftag c = { "c", 1, 0, 0, NULL, NULL, NULL, 0, 0, 0 };
	*t = c;
	if (!LIT(p, e, "<c "))
		return NULL;
	p += 2;
	for (;;) {
		const char **v;
		size_t *len;
		const char *q;
		if (e - p < 5)
			return NULL;
		if (p[0] == '>')
			return p + 1;
		if (p[0] == '/')
			return p[1] == '>' ? (t->empty = 1, p + 2) : NULL;
		if (p[0] != ' ' || p[2] != '=' || p[3] != '"')
			return NULL;
		v = p[1] == 'r' ? &t->r : p[1] == 's' ? &t->s : p[1] == 't' ? &t->t : NULL;
		len = p[1] == 'r' ? &t->rlen : p[1] == 's' ? &t->slen : &t->tlen;
		if (!v || *v)
			return NULL;
		for (q = p += 4; p < e && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
					   (*p >= '0' && *p <= '9')); p++)
			;
		if (p >= e || *p != '"')
			return NULL;
		*v = q, *len = (size_t)(p - q);
		p++;
	}
}

/*
 * One row at r->beg. FR_ROW / FR_SKIP (a row with no value, or skimmed
 * out) move r->beg past it; FR_END leaves r->beg at </sheetData>; FR_MORE
 * and FR_BAIL leave it at the row (r->row_num as it was); FR_ERR: r->err.
 */
static int fast_row(struct xlsxread *r)
{
	const char *p = r->buf + r->beg, *e = r->buf + r->end;
	unsigned long nl = 0;
	int row_num = r->row_num;
	struct ftag t;
	for (; p < e && IS_WS(*p); p++)
		nl += *p == '\n';
	if (e - p < 12)
		return r->eof ? FR_BAIL : FR_MORE;
	if (!memcmp(p, "</sheetData>", 12)) {
		r->line_skew += nl;
		r->beg = (size_t)(p - r->buf);
		return FR_END;
	}
	if (*p != '<')
		return FR_BAIL;     /* text between rows: expat's */
	p = fast_tag(p, e, &t, &nl);
	if (p == e)
		return r->eof ? FR_BAIL : FR_MORE;
	if (!p || t.close || !name_is(&t, "row", 3))
		return FR_BAIL;
	row_begin(r, t.r, t.rlen);
	if (!t.empty) {
		for (;;) {
			struct ftag c;
			const char *q = fast_ctag(p, e, &c);
			if (q) {
				p = q;
			} else if (LIT(p, e, "</row>")) {
				p += 6;
				break;
			} else if (!(p = fast_next_tag(p, e, &c, &nl)) || p == e) {
				break;
			}
			if (c.close) {
				if (!name_is(&c, "row", 3))
					p = NULL;
				break;
			}
			if (!name_is(&c, "c", 1)) {
				p = NULL;
				break;
			}
			if (cell_begin(r, c.r, c.rlen, c.t, c.tlen, c.s, c.slen) < 0)
				return FR_ERR;
			if (!c.empty && (!(p = fast_cell(p, e, &r->text, &nl)) || p == e))
				break;
			finish_cell(r);
			if (r->err.len)
				return FR_ERR;
		}
		if (!p || p == e) {
			r->row_num = row_num;
			return !p || r->eof ? FR_BAIL : FR_MORE;
		}
	}
	r->beg = (size_t)(p - r->buf);
	r->line_skew += nl;
	r->fast_rows++;
	if (!r->any)
		return FR_SKIP;
	if (r->keep && r->keep_col < r->ncells) {
		const char *s = r->cells.buf + r->off[r->keep_col];
		if (!r->keep(s, strlen(s), r->row_num, r->keep_arg))
			return FR_SKIP;
	}
	return FR_ROW;
}

/* ------------------------------------------------------- the sheet */

/* Reads more of the sheet into r->buf: the bytes read, 0 at the end, -1. */
static int fill(struct xlsxread *r)
{
	int n;
	if (r->beg) {
		memmove(r->buf, r->buf + r->beg, r->end - r->beg);
		r->end -= r->beg;
		r->beg = 0;
	}
	if (r->cap - r->end < CHUNK) {
		r->cap = r->cap ? r->cap * 2 : 4 * CHUNK;
		r->buf = xrealloc(r->buf, r->cap);
	}
	n = part_read(&r->sheet, r->buf + r->end, (int)(r->cap - r->end));
	if (n > 0)
		r->end += (size_t)n;
	else if (n == 0)
		r->eof = 1;
	return n;
}

/* Gives expat len bytes from r->beg; the status of XML_Parse. */
static enum XML_Status feed(struct xlsxread *r, size_t len)
{
	enum XML_Status st;
	int final = r->eof && r->beg + len == r->end;
	r->done = final;
	st = XML_Parse(r->p, r->buf + r->beg, (int)len, final);
	r->beg += len;
	r->fed += (long long)len;
	return st;
}

/*
 * Until <sheetData> is found, expat reads: the prolog up to the end of
 * that start tag, and no further. Then the fast scanner goes on from there
 * when expat agrees it was the sheetData element (not text in a comment).
 */
static enum XML_Status feed_prefix(struct xlsxread *r)
{
	const char *q = memmem(r->buf + r->beg, r->end - r->beg, "<sheetData", 10), *gt;
	enum XML_Status st;
	size_t len;
	if (!q || !(gt = memchr(q, '>', (size_t)(r->buf + r->end - q)))) {
		if (r->eof || r->end - r->beg > 16 * CHUNK)
			r->mode = M_EXPAT;      /* no sheetData, or a prolog too long */
		return XML_STATUS_OK;
	}
	len = (size_t)(gt + 1 - (r->buf + r->beg));
	r->sd_end = -1;
	st = feed(r, len);
	if (r->mode == M_PREFIX)
		r->mode = st == XML_STATUS_OK && r->sd_end == r->fed && gt[-1] != '/' ? M_FAST
											: M_EXPAT;
	return st;
}

int xlsxread_next(struct xlsxread *r, struct csv_row *row, struct diag *d)
{
	enum XML_Status st = XML_STATUS_OK;
	XML_ParsingStatus ps;
	r->row_ready = 0;
	XML_GetParsingStatus(r->p, &ps);
	if (ps.parsing == XML_SUSPENDED)
		st = XML_ResumeParser(r->p);
	while (st == XML_STATUS_OK && !r->row_ready && !r->done) {
		int n;
		if (r->mode == M_FAST) {
			switch (fast_row(r)) {
			case FR_ROW:
				r->row_ready = 1;
				continue;
			case FR_SKIP:
				continue;
			case FR_ERR:
				return diag_error(d, MERIT_DATAERR, r->err_where.buf, 0, 0, "%s", r->err.buf);
			case FR_MORE:
				/* a row of over 64 MiB: expat's, which needs no whole row */
				if (r->end - r->beg > 1024 * CHUNK)
					r->mode = M_EXPAT;
				break;
			default:        /* FR_END, FR_BAIL: expat from here */
				r->mode = M_EXPAT;
				continue;
			}
		} else if (r->beg < r->end && r->mode == M_PREFIX) {
			size_t before = r->beg;
			st = feed_prefix(r);
			if (r->beg != before || r->mode != M_PREFIX)
				continue;
		} else if (r->beg < r->end || (r->eof && !r->done)) {
			st = feed(r, r->end - r->beg);
			continue;
		}
		n = fill(r);
		if (n < 0) {
			diag_error(d, MERIT_DATAERR, r->display, 0, 0, "%s: cannot be unpacked (zip error %d)",
				   r->sheet_name, n);
			diag_hint(d, "the workbook is damaged or truncated: save it again");
			return -1;
		}
	}
	if (st == XML_STATUS_ERROR) {
		if (r->err.len)
			return diag_error(d, MERIT_DATAERR, r->err_where.buf, 0, 0, "%s", r->err.buf);
		diag_error(d, MERIT_DATAERR, r->display, 0, 0, "%s: malformed sheet XML at line %lu: %s",
			   r->sheet_name,
			   (unsigned long)XML_GetCurrentLineNumber(r->p) + r->line_skew,
			   XML_GetErrorCode(r->p) == XML_ERROR_ABORTED
			   ? "a DTD is not allowed in a workbook"
			   : XML_ErrorString(XML_GetErrorCode(r->p)));
		diag_hint(d, "the workbook is damaged: open it in Excel or LibreOffice and save it again");
		return -1;
	}
	if (!r->row_ready) {
		if (!r->sha[0] && !r->nohash && r->path && sha256_file_hex(r->path, r->sha) < 0)
			r->sha[0] = '\0';
		return 0;
	}
	emit_row(r, row);
	return 1;
}

void xlsxread_skim(struct xlsxread *r, size_t col, csvread_keep_fn *keep, void *arg)
{
	r->keep = keep;
	r->keep_arg = arg;
	r->keep_col = col;
	r->nohash = 1;
}

void xlsxread_set_fast(struct xlsxread *r, int on)
{
	if (!on && r->mode == M_PREFIX)
		r->mode = M_EXPAT;
}

unsigned long long xlsxread_sheet_bytes(const struct xlsxread *r)
{
	return r->sheet_bytes;
}

size_t xlsxread_fast_rows(const struct xlsxread *r)
{
	return r->fast_rows;
}

/* ------------------------------------------------------ open and free */

static struct xlsxread *reader_new(const char *path, const char *display)
{
	struct xlsxread *r = xcalloc(1, sizeof(*r));
	r->path = path ? xstrdup(path) : NULL;
	r->display = xstrdup(display ? display : path);
	strbuf_init(&r->sst, 0);
	strbuf_init(&r->text, 0);
	strbuf_init(&r->err, 0);
	strbuf_init(&r->err_where, 0);
	strbuf_init(&r->cells, 0);
	return r;
}

static void start_sheet(struct xlsxread *r)
{
	r->p = parser_new(r, sheet_start, sheet_end, sheet_chars);
}

struct xlsxread *xlsxread_open_mem(const char *display, const char *sheet_name,
				   const char *sst, size_t sstlen, const char *styles,
				   size_t styleslen, int date1904, const char *sheet,
				   size_t sheetlen, struct diag *d)
{
	struct xlsxread *r = reader_new(NULL, display);
	struct part pt = { 0 };
	r->sheet_name = xstrdup(sheet_name);
	r->date1904 = date1904;
	pt.mem = sst, pt.memlen = sstlen;
	if (sst && parse_part(r, &pt, "xl/sharedStrings.xml", sst_start, sst_end, sst_chars, d) < 0)
		goto fail;
	r->in_inline = r->in_value = r->in_phonetic = 0;
	pt.mem = styles, pt.memlen = styleslen, pt.pos = 0;
	if (styles && parse_styles(r, &pt, d) < 0)
		goto fail;
	r->sheet.mem = sheet, r->sheet.memlen = sheetlen;
	start_sheet(r);
	return r;
fail:
	xlsxread_free(r);
	return NULL;
}

/* Reads the optional part `name` (shared strings or styles). */
static int read_optional(struct xlsxread *r, const char *name, int styles, struct diag *d)
{
	struct part pt;
	int rc, open = part_open_zip(r->zf, name, &pt);
	if (open == 0)
		return 0;
	if (open < 0)
		return diag_error(d, MERIT_DATAERR, r->display, 0, 0, "%s cannot be unpacked", name);
	rc = styles ? parse_styles(r, &pt, d)
		    : parse_part(r, &pt, name, sst_start, sst_end, sst_chars, d);
	part_close(&pt);
	r->in_inline = r->in_value = r->in_phonetic = 0;
	return rc;
}

struct xlsxread *xlsxread_open(const char *path, const char *display, const char *sheet,
			       struct diag *d)
{
	struct xlsxread *r = reader_new(path, display);
	struct book_state b = { 0 };
	const struct sheet_entry *se;
	FILE *f = fopen(path, "rb");
	if (!f) {
		diag_error(d, MERIT_NOINPUT, r->display, 0, 0, "cannot open: %s", strerror(errno));
		goto fail;
	}
	fclose(f);
	r->zf = unzOpen64(path);
	if (!r->zf) {
		diag_error(d, MERIT_DATAERR, r->display, 0, 0, "not an .xlsx workbook (not a zip file)");
		diag_hint(d, "an .xls (Excel 97-2003) file must be saved as .xlsx or CSV first");
		goto fail;
	}
	b.r = r;
	if (parse_book(r, &b, "xl/workbook.xml", book_start, d) < 0 ||
	    !(se = pick_sheet(r, &b, sheet, d)))
		goto fail;
	r->sheet_name = xstrdup(se->name);
	b.want_rid = se->rid;
	if (parse_book(r, &b, "xl/_rels/workbook.xml.rels", rels_start, d) < 0)
		goto fail;
	if (!b.target) {
		diag_error(d, MERIT_DATAERR, r->display, 0, 0, "sheet '%s' has no part in the workbook",
			   se->name);
		goto fail;
	}
	if (read_optional(r, b.sst_target ? b.sst_target : "xl/sharedStrings.xml", 0, d) < 0 ||
	    read_optional(r, b.styles_target ? b.styles_target : "xl/styles.xml", 1, d) < 0)
		goto fail;
	if (part_open_zip(r->zf, b.target, &r->sheet) <= 0) {
		diag_error(d, MERIT_DATAERR, r->display, 0, 0, "sheet '%s' (%s) is missing or damaged",
			   se->name, b.target);
		goto fail;
	}
	{
		unz_file_info64 info;
		if (unzGetCurrentFileInfo64(r->zf, &info, NULL, 0, NULL, 0, NULL, 0) == UNZ_OK)
			r->sheet_bytes = info.uncompressed_size;
	}
	book_release(&b);
	start_sheet(r);
	return r;
fail:
	book_release(&b);
	xlsxread_free(r);
	return NULL;
}

const char *xlsxread_sheet(const struct xlsxread *r)
{
	return r->sheet_name;
}

const char *xlsxread_sha256(const struct xlsxread *r)
{
	return r->sha;
}

void xlsxread_free(struct xlsxread *r)
{
	if (!r)
		return;
	if (r->p)
		XML_ParserFree(r->p);
	part_close(&r->sheet);
	if (r->zf)
		unzClose(r->zf);
	free(r->path);
	free(r->display);
	free(r->sheet_name);
	strbuf_release(&r->sst);
	free(r->sst_off);
	free(r->xf_date);
	strbuf_release(&r->text);
	strbuf_release(&r->err);
	strbuf_release(&r->err_where);
	strbuf_release(&r->cells);
	free(r->off);
	free(r->cellp);
	free(r->linep);
	free(r->buf);
	free(r);
}
