/*
 * mime: one review letter as an RFC 5322 / MIME message (RFC 2045-2047).
 *
 * Message shape: CRLF line ends; Date, From, To, Reply-To, Subject,
 * Message-ID, MIME-Version, Auto-Submitted; a multipart/mixed body with a
 * text/plain UTF-8 part and the PDF, both base64 with 76-character lines.
 * Every byte is deterministic given the struct mime_message (the boundary
 * is derived from the Message-ID), so a dry run with a fixed date gives
 * byte-identical .eml files. Nothing here touches the network: the bytes go
 * to deliver/smtp.c or into an .eml file.
 */
#include "deliver/mime.h"
#include "util/date.h"
#include "util/sha256.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- building ---- */
/* ---- building ---- */

static const char *const weekdays[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

void mime_format_date(struct strbuf *out, int64_t t)
{
	/* Floor division, so times before 1970 still land on the right day. */
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400;
	int y, m, d;
	date_to_ymd((int32_t)days, &y, &m, &d);
	strbuf_addf(out, "%s, %02d %s %04d %02d:%02d:%02d +0000",
		    weekdays[((days % 7) + 11) % 7], d, months[m - 1], y,
		    (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

static int is_atext(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* Printable ASCII that needs no encoding in an unstructured header (and
 * holds no "=?" that a reader could take for an encoded-word). */
static int plain_text(const char *s, size_t maxlen)
{
	size_t n = 0;
	for (; *s; s++, n++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e || (s[0] == '=' && s[1] == '?'))
			return 0;
	return n <= maxlen;
}

/* A display name that can go into a phrase as is: atext and spaces. */
static int plain_phrase(const char *s)
{
	if (!*s || *s == ' ')
		return 0;
	for (; *s; s++)
		if (!is_atext((unsigned char)*s) && *s != ' ')
			return 0;
	return 1;
}

void mime_encode_words(struct strbuf *out, const char *text, size_t used)
{
	static const size_t overhead = 12;   /* "=?UTF-8?B?" + "?=" */
	size_t len = strlen(text), i = 0, line = used;
	int fold = 0;
	while (i < len) {
		/* Base64 groups that fit both in 75 and in a 78-character line;
		 * a folded line starts with one space. */
		size_t start = fold ? 1 : line;
		size_t groups = start + overhead < 78 ? (78 - start - overhead) / 4 : 0;
		size_t take;
		char *b64;
		if (groups > 15)
			groups = 15;
		if (groups < 2) {
			fold = 1;   /* no room after the header name: fold first */
			continue;
		}
		take = groups * 3;
		if (take > len - i)
			take = len - i;
		/* Never split a UTF-8 sequence between two words (RFC 2047 5). */
		while (take > 1 && i + take < len && ((unsigned char)text[i + take] & 0xc0) == 0x80)
			take--;
		if (fold)
			strbuf_addstr(out, "\r\n ");
		b64 = base64_encode(text + i, take);
		strbuf_addf(out, "=?UTF-8?B?%s?=", b64);
		line = start + overhead + strlen(b64);
		free(b64);
		i += take;
		fold = 1;
	}
}

/* An unstructured header: as is when plain, else encoded-words. */
static void add_text_header(struct strbuf *out, const char *name, const char *value)
{
	size_t used = strlen(name) + 2;
	strbuf_addf(out, "%s: ", name);
	if (plain_text(value, 78 - used))
		strbuf_addstr(out, value);
	else
		mime_encode_words(out, value, used);
	strbuf_addstr(out, "\r\n");
}

/*
 * A display name as it may be shown: encoded-words decode to any bytes, so
 * a name from the HR export holding "\r\nBcc: x" or "Bob <boss@corp>"
 * would show a line break or a second address in the reader's To field.
 * Control bytes (CR, LF, tab, ...) become one space, '<' and '>' become
 * '(' and ')', '@' becomes " at ", runs of spaces one, the ends trimmed.
 * Caller frees.
 */
static char *display_clean(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		const char *put = c < 0x20 || c == 0x7f ? " " : c == '<' ? "(" : c == '>' ? ")"
				  : c == '@' ? " at " : NULL;
		if (!put) {
			strbuf_addch(&sb, (char)c);
			continue;
		}
		for (; *put; put++)
			if (*put != ' ' || (sb.len && sb.buf[sb.len - 1] != ' '))
				strbuf_addch(&sb, *put);
	}
	strbuf_trim(&sb);
	return strbuf_detach(&sb, NULL);
}

static void add_address_header(struct strbuf *out, const char *name, const char *display_in,
			       const char *addr)
{
	size_t used = strlen(name) + 2;
	char *display = display_in ? display_clean(display_in) : NULL;
	strbuf_addf(out, "%s: ", name);
	if (display && *display) {
		if (plain_phrase(display) && used + strlen(display) < 70) {
			strbuf_addstr(out, display);
		} else {
			mime_encode_words(out, display, used);
		}
		strbuf_addf(out, " <%s>\r\n", addr);
	} else {
		strbuf_addf(out, "%s\r\n", addr);
	}
	free(display);
}

/* base64 with CRLF every 76 characters (RFC 2045 6.8). */
static void add_base64_lines(struct strbuf *out, const void *data, size_t len)
{
	char *b64 = base64_encode(data, len);
	size_t n = strlen(b64), i;
	for (i = 0; i < n; i += 76) {
		strbuf_add(out, b64 + i, n - i < 76 ? n - i : 76);
		strbuf_addstr(out, "\r\n");
	}
	free(b64);
}

static char *safe_ascii_name(const char *s)
{
	char *r = xstrdup(s && *s ? s : "letter.pdf");
	char *p;
	for (p = r; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_'))
			*p = '_';
	return r;
}

void mime_build(const struct mime_message *m, struct strbuf *out)
{
	struct strbuf body = STRBUF_INIT;
	char hash[65], boundary[40];
	char *fname = safe_ascii_name(m->attach_name);
	const char *p;

	if (!mime_address_valid(m->to_addr) || !mime_address_valid(m->from_addr))
		BUG("mime_build called with an unchecked address");
	/* Base64 and our headers never contain "=_", so no part can hold it. */
	sha256_hex(m->message_id, strlen(m->message_id), hash);
	snprintf(boundary, sizeof(boundary), "=_merit_%.24s", hash);

	strbuf_addstr(out, "Date: ");
	mime_format_date(out, m->date);
	strbuf_addstr(out, "\r\n");
	add_address_header(out, "From", m->from_name, m->from_addr);
	add_address_header(out, "To", m->to_name, m->to_addr);
	if (m->reply_to && *m->reply_to)
		strbuf_addf(out, "Reply-To: %s\r\n", m->reply_to);
	add_text_header(out, "Subject", m->subject ? m->subject : "");
	strbuf_addf(out, "Message-ID: <%s>\r\n", m->message_id);
	strbuf_addstr(out, "MIME-Version: 1.0\r\n");
	strbuf_addstr(out, "Auto-Submitted: auto-generated\r\n");
	strbuf_addf(out, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n", boundary);
	strbuf_addstr(out, "\r\nThis is a MIME message with a PDF attachment.\r\n");

	/* Text in canonical form (CRLF) before it is base64-encoded. */
	for (p = m->body ? m->body : ""; *p; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n')
			strbuf_addch(&body, '\r');
		strbuf_addch(&body, *p);
	}
	strbuf_addf(out, "--%s\r\n", boundary);
	strbuf_addstr(out, "Content-Type: text/plain; charset=UTF-8\r\n"
			   "Content-Transfer-Encoding: base64\r\n\r\n");
	add_base64_lines(out, body.buf, body.len);

	strbuf_addf(out, "--%s\r\n", boundary);
	strbuf_addf(out, "Content-Type: application/pdf; name=\"%s\"\r\n", fname);
	strbuf_addf(out, "Content-Disposition: attachment; filename=\"%s\"\r\n", fname);
	strbuf_addstr(out, "Content-Transfer-Encoding: base64\r\n\r\n");
	add_base64_lines(out, m->attach, m->attach_len);
	strbuf_addf(out, "--%s--\r\n", boundary);

	strbuf_release(&body);
	free(fname);
}

int mime_address_valid(const char *s)
{
	const char *at, *p;
	int dots = 0;
	size_t label = 0;
	if (!s || !*s || strlen(s) > 254)
		return 0;
	at = strrchr(s, '@');
	if (!at || at == s || at - s > 64 || s[0] == '.' || at[-1] == '.')
		return 0;
	for (p = s; p < at; p++)
		if (!(is_atext((unsigned char)*p) || (*p == '.' && p[1] != '.')))
			return 0;
	for (p = at + 1; *p; p++) {
		if (*p == '.') {
			if (!label || p[-1] == '-')
				return 0;
			dots++;
			label = 0;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9') || (*p == '-' && label)) {
			label++;
		} else {
			return 0;
		}
	}
	return dots > 0 && label > 0 && p[-1] != '-';
}

static char *trimmed(const char *b, const char *e)
{
	while (b < e && (*b == ' ' || *b == '\t' || *b == '"'))
		b++;
	while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '"'))
		e--;
	return xstrndup(b, (size_t)(e - b));
}

int mime_address_parse(const char *s, char **name, char **addr)
{
	const char *lt = s ? strchr(s, '<') : NULL, *gt;
	*name = *addr = NULL;
	if (!s)
		return -1;
	if (lt) {
		gt = strchr(lt, '>');
		if (!gt)
			return -1;
		*addr = trimmed(lt + 1, gt);
		*name = trimmed(s, lt);
		if (!**name) {
			free(*name);
			*name = NULL;
		}
	} else {
		*addr = trimmed(s, s + strlen(s));
	}
	if (!mime_address_valid(*addr)) {
		free(*name);
		free(*addr);
		*name = *addr = NULL;
		return -1;
	}
	return 0;
}

char *mime_message_id(const char *period, const char *employee_id,
		      const char *letter_sha256, const char *from_addr)
{
	struct sha256 h;
	char hex[65];
	const char *at = strrchr(from_addr, '@');
	char *id = xstrdup(employee_id), *p, *r;
	sha256_init(&h);
	sha256_update(&h, period, strlen(period) + 1);
	sha256_update(&h, employee_id, strlen(employee_id) + 1);
	sha256_update(&h, letter_sha256, strlen(letter_sha256));
	sha256_final_hex(&h, hex);
	/* Dots would need care in a dot-atom ("a..b"): map them too. */
	for (p = id; *p; p++)
		if (!is_atext((unsigned char)*p) || *p == '/')
			*p = '_';
	r = xstrfmt("merit.%s.%s.%.16s@%.*s", period, id, hex,
		    at ? (int)strspn(at + 1, "abcdefghijklmnopqrstuvwxyz"
				     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") : 9,
		    at ? at + 1 : "localhost");
	free(id);
	return r;
}
