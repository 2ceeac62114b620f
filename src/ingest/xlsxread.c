/*
 * xlsxread: one sheet of an .xlsx workbook as a stream of text rows.
 *
 * An .xlsx file is a zip of XML parts. Four small ones are read whole
 * first: xl/workbook.xml (sheet names -> relationship ids, the date
 * system), xl/_rels/workbook.xml.rels (ids -> part names),
 * xl/sharedStrings.xml (the strings cells refer to by index) and
 * xl/styles.xml (which cell formats are dates). The sheet itself is fed to
 * expat a buffer at a time and the parser is suspended after every row, so
 * a million-row sheet needs no more memory than a ten-row one.
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
	int date1904;

	/* shared strings: texts NUL-separated in one buffer */
	struct strbuf sst;
	size_t *sst_off;
	size_t sst_nr, sst_alloc;

	/* per cellXfs index: is the format a date? */
	unsigned char *xf_date;
	size_t xf_nr, xf_alloc;

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
	while (isupper((unsigned char)*ref) && n < 4) {
		col = col * 26 + (*ref++ - 'A' + 1);
		n++;
	}
	if (!n || col > MAX_COLS)
		return -1;
	while (isdigit((unsigned char)*ref) && *row < 10000000)
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

static long attr_long(const char **atts, const char *name, long dflt)
{
	const char *v = attr(atts, name);
	long x = 0;
	int n = 0;
	if (!v)
		return dflt;
	while (isdigit((unsigned char)*v) && n++ < 9)
		x = x * 10 + (*v++ - '0');
	return n ? x : dflt;
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
	XML_StopParser(r->p, XML_FALSE);
}

/*
 * Rewrites a number as Excel stores it ("1234.5", "1.2E-3", "-7E+20") in
 * plain decimal, moving the decimal point digit by digit: the CSV parsers
 * take no exponents, and no binary rounding creeps in. Returns 0, or -1
 * (out left alone) when s is not such a number.
 */
static int plain_decimal(const char *s, struct strbuf *out)
{
	char digits[64];
	size_t nd = 0, i;
	long point = -1, exp = 0;
	int neg = 0, esign = 1, ne = 0;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s && *s != 'E' && *s != 'e'; s++) {
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
	if (*s) {
		s++;
		if (*s == '-' || *s == '+')
			esign = *s++ == '-' ? -1 : 1;
		for (; isdigit((unsigned char)*s) && ne < 4; s++, ne++)
			exp = exp * 10 + (*s - '0');
		if (!ne || *s || exp > 400)
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
		struct strbuf plain = STRBUF_INIT;
		long serial;
		if (!len)
			break;
		strbuf_add(&plain, s, len);
		if (plain_decimal(plain.buf, &r->cells) < 0) {
			strbuf_add(&r->cells, s, len);          /* the parsers will say what */
		} else if (r->cell_style >= 0 && (size_t)r->cell_style < r->xf_nr &&
			   r->xf_date[r->cell_style] &&
			   (serial = serial_days(r->cells.buf + start)) >= 0) {
			r->cells.len = start;
			add_date(r, serial, &r->cells);
		}
		strbuf_release(&plain);
		break;
	}
	default:            /* inline and formula strings, errors (#N/A) as text */
		strbuf_add(&r->cells, s, len);
		break;
	}
	r->any |= r->cells.len > start;
	strbuf_addch(&r->cells, '\0');
}

static void XMLCALL sheet_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	struct xlsxread *r = reader_of(arg);
	const char *n = local(name);
	if (!strcmp(n, "row")) {
		long k = attr_long(atts, "r", -1);
		r->row_num = k > 0 ? (int)k : r->row_num + 1;
		r->in_row = 1;
		r->ncells = 0;
		r->next_col = 0;
		r->any = 0;
		strbuf_reset(&r->cells);
	} else if (!strcmp(n, "c") && r->in_row) {
		const char *ref = attr(atts, "r"), *t = attr(atts, "t");
		int row;
		r->cell_col = ref ? parse_ref(ref, &row) : r->next_col;
		if (r->cell_col < 0 || r->cell_col >= MAX_COLS) {
			r->cell_col = 0;
			cell_error(r, "cell reference '%s' is not a column of a sheet", ref ? ref : "");
			return;
		}
		r->next_col = r->cell_col + 1;
		r->cell_style = (int)attr_long(atts, "s", -1);
		r->cell_type = !t || !strcmp(t, "n") ? CT_NUMBER
			: !strcmp(t, "s") ? CT_SHARED
			: !strcmp(t, "inlineStr") ? CT_INLINE
			: !strcmp(t, "b") ? CT_BOOL
			: !strcmp(t, "e") ? CT_ERROR : CT_TEXT;
		r->in_cell = 1;
		strbuf_reset(&r->text);
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

int xlsxread_next(struct xlsxread *r, struct csv_row *row, struct diag *d)
{
	enum XML_Status st = XML_STATUS_OK;
	XML_ParsingStatus ps;
	r->row_ready = 0;
	XML_GetParsingStatus(r->p, &ps);
	if (ps.parsing == XML_SUSPENDED)
		st = XML_ResumeParser(r->p);
	while (st == XML_STATUS_OK && !r->done) {
		void *buf = XML_GetBuffer(r->p, CHUNK);
		int n;
		if (!buf)
			BUG("out of memory reading a sheet");
		n = part_read(&r->sheet, buf, CHUNK);
		if (n < 0) {
			diag_error(d, MERIT_DATAERR, r->display, 0, 0, "%s: cannot be unpacked (zip error %d)",
				   r->sheet_name, n);
			diag_hint(d, "the workbook is damaged or truncated: save it again");
			return -1;
		}
		r->done = n == 0;
		st = XML_ParseBuffer(r->p, n, n == 0);
	}
	if (st == XML_STATUS_ERROR) {
		if (r->err.len)
			return diag_error(d, MERIT_DATAERR, r->err_where.buf, 0, 0, "%s", r->err.buf);
		diag_error(d, MERIT_DATAERR, r->display, 0, 0, "%s: malformed sheet XML at line %lu: %s",
			   r->sheet_name, (unsigned long)XML_GetCurrentLineNumber(r->p),
			   XML_GetErrorCode(r->p) == XML_ERROR_ABORTED
			   ? "a DTD is not allowed in a workbook"
			   : XML_ErrorString(XML_GetErrorCode(r->p)));
		diag_hint(d, "the workbook is damaged: open it in Excel or LibreOffice and save it again");
		return -1;
	}
	if (!r->row_ready) {
		if (!r->sha[0] && r->path && sha256_file_hex(r->path, r->sha) < 0)
			r->sha[0] = '\0';
		return 0;
	}
	emit_row(r, row);
	return 1;
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
	free(r);
}
