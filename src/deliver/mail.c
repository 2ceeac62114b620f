/*
 * mail: builds one MIME message per review letter and hands it to an SMTP
 * server through libcurl (the only libcurl user).
 *
 * Message shape (RFC 5322, 2045-2047): CRLF line ends; Date, From, To,
 * Reply-To, Subject, Message-ID, MIME-Version, Auto-Submitted; a
 * multipart/mixed body with a text/plain UTF-8 part and the PDF, both
 * base64 with 76-character lines. Every byte is deterministic given the
 * struct mail_message (the boundary is derived from the Message-ID), so a
 * dry run with a fixed date gives byte-identical .eml files.
 *
 * Transport: one curl easy handle for the whole batch, so the SMTP
 * connection is reused between messages. The password is read here from
 * the environment or a private file, handed to curl and wiped on free; it
 * never goes into a message, a diag or a log, and CURLOPT_VERBOSE stays
 * off. SMTP replies are captured through the header callback (libcurl
 * passes every server response line there), so a failure report can quote
 * what the server said.
 */
#include "deliver/mail.h"
#include "config.h"
#include "render/template.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/sha256.h"
#include "util/strbuf.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- building ---- */

static const char *const weekdays[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

void mail_format_date(struct strbuf *out, int64_t t)
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

void mail_encode_words(struct strbuf *out, const char *text, size_t used)
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
		mail_encode_words(out, value, used);
	strbuf_addstr(out, "\r\n");
}

static void add_address_header(struct strbuf *out, const char *name, const char *display,
			       const char *addr)
{
	size_t used = strlen(name) + 2;
	strbuf_addf(out, "%s: ", name);
	if (display && *display) {
		if (plain_phrase(display) && used + strlen(display) < 70) {
			strbuf_addstr(out, display);
		} else {
			mail_encode_words(out, display, used);
		}
		strbuf_addf(out, " <%s>\r\n", addr);
	} else {
		strbuf_addf(out, "%s\r\n", addr);
	}
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

void mail_build(const struct mail_message *m, struct strbuf *out)
{
	struct strbuf body = STRBUF_INIT;
	char hash[65], boundary[40];
	char *fname = safe_ascii_name(m->attach_name);
	const char *p;

	if (!mail_address_valid(m->to_addr) || !mail_address_valid(m->from_addr))
		BUG("mail_build called with an unchecked address");
	/* Base64 and our headers never contain "=_", so no part can hold it. */
	sha256_hex(m->message_id, strlen(m->message_id), hash);
	snprintf(boundary, sizeof(boundary), "=_merit_%.24s", hash);

	strbuf_addstr(out, "Date: ");
	mail_format_date(out, m->date);
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

int mail_address_valid(const char *s)
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

int mail_address_parse(const char *s, char **name, char **addr)
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
	if (!mail_address_valid(*addr)) {
		free(*name);
		free(*addr);
		*name = *addr = NULL;
		return -1;
	}
	return 0;
}

char *mail_message_id(const char *period, const char *employee_id,
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

/* Mail templates: "Subject: ..." on line 1, a blank line, the body; the
 * two halves are parsed as separate templates of render/template.h so
 * their messages keep the file's own line numbers. */
int mail_template_load(struct mail_template *mt, const char *path,
		       const char *const *names, struct diag *d)
{
	struct strbuf raw = STRBUF_INIT;
	char buf[4096], *text, *nl;
	size_t got, i;
	FILE *f = fopen(path, "rb");
	int ret = -1;
	memset(mt, 0, sizeof(*mt));
	if (!f)
		return diag_error(d, MERIT_CONFIG, path, 0, 0, "cannot open mail template: %s",
				  strerror(errno));
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
		/* Templates saved on Windows: drop the CRs, keep the text. */
		for (i = 0; i < got; i++)
			if (buf[i] != '\r')
				strbuf_addch(&raw, buf[i]);
		if (raw.len > 65536)
			break;
	}
	fclose(f);
	if (raw.len > 65536) {
		diag_error(d, MERIT_CONFIG, path, 0, 0, "mail template larger than 64 KiB");
		goto out;
	}
	text = raw.buf;
	if (raw.len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		text += 3;
	nl = strchr(text, '\n');
	if (strncmp(text, "Subject:", 8) || !nl || nl[1] != '\n') {
		diag_error(d, MERIT_CONFIG, path, 1, 1,
			   "mail template must start with a 'Subject: ...' line, then a blank line");
		goto out;
	}
	mt->subject = template_parse(text + 8, (size_t)(nl - text - 8), path, 1, names, d);
	if (!mt->subject)
		goto out;
	mt->body = template_parse(nl + 2, strlen(nl + 2), path, 3, names, d);
	if (!mt->body)
		goto out;
	ret = 0;
out:
	if (ret < 0)
		mail_template_release(mt);
	strbuf_release(&raw);
	return ret;
}

void mail_template_render(const struct mail_template *mt, template_lookup_fn lookup,
			  void *ctx, struct strbuf *subject, struct strbuf *body)
{
	size_t i, from = subject->len;
	template_render(mt->subject, lookup, ctx, subject);
	/* A value with a line break must not make a two-line subject. */
	for (i = from; i < subject->len; i++)
		if (subject->buf[i] == '\n' || subject->buf[i] == '\r' || subject->buf[i] == '\t')
			subject->buf[i] = ' ';
	strbuf_trim(subject);
	template_render(mt->body, lookup, ctx, body);
}

void mail_template_release(struct mail_template *mt)
{
	template_free(mt->subject);
	template_free(mt->body);
	mt->subject = mt->body = NULL;
}

/* ---- transport ---- */

struct mail_transport {
	CURL *curl;
	char *password;
	long interval_ms;          /* rate limit: at least this between attempts */
	long base_ms;              /* first retry delay */
	int retries;
	struct timespec last;
	int have_last;
	struct strbuf reply;       /* the server's last reply, lines joined */
	int reply_complete;
	char errbuf[CURL_ERROR_SIZE];
	const char *upload;        /* the message being sent */
	size_t upload_len, upload_pos;
};

static int is_loopback(const char *url)
{
	const char *h = strstr(url, "://");
	h = h ? h + 3 : url;
	return !strncmp(h, "127.", 4) || !strncmp(h, "localhost", 9) ||
	       !strncmp(h, "[::1]", 5);
}

/* Password from a file: only a regular file of ours, mode 0600 or 0400.
 * O_NOFOLLOW + fstat check the very file we read (no race with a swap). */
static char *read_password_file(const char *path, const char *cfg_path, struct diag *d)
{
	struct stat st;
	char buf[1024];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		diag_config(d, cfg_path, 0, "mail", "password_file", "cannot open '%s': %s", path,
			    errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		diag_config(d, cfg_path, 0, "mail", "password_file", "'%s' is not a regular file",
			    path);
		return NULL;
	}
	if (st.st_uid != geteuid() ||
	    ((st.st_mode & 07777) != 0600 && (st.st_mode & 07777) != 0400)) {
		close(fd);
		diag_config(d, cfg_path, 0, "mail", "password_file",
			    "'%s' must be owned by you and readable only by you (mode %04o, owner %ld)",
			    path, (unsigned)(st.st_mode & 07777), (long)st.st_uid);
		diag_hint(d, "chmod 600 '%s'", path);
		return NULL;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		diag_config(d, cfg_path, 0, "mail", "password_file", "cannot read '%s': %s", path,
			    strerror(errno));
		return NULL;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	if (!n) {
		diag_config(d, cfg_path, 0, "mail", "password_file", "'%s' is empty", path);
		return NULL;
	}
	{
		char *r = xstrdup(buf);
		explicit_bzero(buf, sizeof(buf));
		return r;
	}
}

/* [mail] ca_file: a readable regular file holding at least one PEM
 * certificate. Checked here so a typo or a DER/key file is a config error
 * naming the key, not an obscure TLS failure on the first message. */
static int check_ca_file(const char *path, const char *cfg_path, struct diag *d)
{
	static const char pem[] = "-----BEGIN CERTIFICATE-----";
	struct stat st;
	char buf[8192];
	size_t got, keep = 0;
	int found = 0;
	FILE *f;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		diag_config(d, cfg_path, 0, "mail", "ca_file", "cannot open '%s': %s", path,
			    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		diag_config(d, cfg_path, 0, "mail", "ca_file", "'%s' is not a regular file", path);
		return -1;
	}
	f = fdopen(fd, "rb");
	if (!f)
		BUG("fdopen failed");
	/* Scan in blocks, keeping a tail so a marker across two reads counts. */
	while (!found && (got = fread(buf + keep, 1, sizeof(buf) - 1 - keep, f)) > 0) {
		size_t n = keep + got;
		buf[n] = '\0';
		found = memmem(buf, n, pem, sizeof(pem) - 1) != NULL;
		keep = n < sizeof(pem) ? n : sizeof(pem) - 1;
		memmove(buf, buf + n - keep, keep);
	}
	fclose(f);
	if (!found) {
		diag_config(d, cfg_path, 0, "mail", "ca_file",
			    "'%s' holds no PEM certificate (-----BEGIN CERTIFICATE-----)", path);
		diag_hint(d, "convert a DER certificate with: openssl x509 -inform der -in CERT -out CERT.pem");
		return -1;
	}
	return 0;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *ud)
{
	struct mail_transport *t = ud;
	size_t len = size * nitems, n = len;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	if (t->reply_complete) {
		strbuf_reset(&t->reply);
		t->reply_complete = 0;
	}
	if (t->reply.len < 400) {
		if (t->reply.len)
			strbuf_addch(&t->reply, ' ');
		strbuf_add(&t->reply, buf, n < 200 ? n : 200);
	}
	/* "250-..." continues a reply, "250 ..." ends it. */
	t->reply_complete = n < 4 || buf[3] != '-';
	return len;
}

static size_t on_read(char *buf, size_t size, size_t nitems, void *ud)
{
	struct mail_transport *t = ud;
	size_t n = size * nitems, left = t->upload_len - t->upload_pos;
	if (n > left)
		n = left;
	memcpy(buf, t->upload + t->upload_pos, n);
	t->upload_pos += n;
	return n;
}

static long env_ms(const char *name, long dflt)
{
	const char *s = getenv(name);
	long long v;
	if (!s || !*s || num_parse_int(s, 0, 3600000, &v) != NUM_OK)
		return dflt;
	return (long)v;
}

struct mail_transport *mail_transport_new(const struct mail_conf *mc, const char *cfg_path,
					  struct diag *d)
{
	struct mail_transport *t;
	char *password = NULL;
	const char *url = mc->url, *auth;

	if (!url || !*url) {
		diag_config(d, cfg_path, 0, "mail", "url", "is not set");
		diag_hint(d, "url = smtp://mail.example.com:587 (STARTTLS) or smtps://mail.example.com:465");
		return NULL;
	}
	if (strncmp(url, "smtp://", 7) && strncmp(url, "smtps://", 8)) {
		diag_config(d, cfg_path, 0, "mail", "url", "'%s' is not an smtp:// or smtps:// URL",
			    url);
		return NULL;
	}
	auth = strstr(url, "://") + 3;
	if (memchr(auth, '@', strcspn(auth, "/"))) {
		/* Do not even echo it: the part before '@' may be a password. */
		diag_config(d, cfg_path, 0, "mail", "url", "must not contain a user or password");
		diag_hint(d, "set [mail] user, and password_env or password_file");
		return NULL;
	}
	/* Without a user there is no login, so no password is looked up (the
	 * default INI names password_env for when a user is added). */
	if (mc->user && *mc->user) {
		if (mc->password_env && *mc->password_env) {
			const char *v = getenv(mc->password_env);
			if (!v || !*v) {
				diag_config(d, cfg_path, 0, "mail", "password_env",
					    "environment variable '%s' is not set", mc->password_env);
				return NULL;
			}
			password = xstrdup(v);
		} else if (mc->password_file && *mc->password_file) {
			password = read_password_file(mc->password_file, cfg_path, d);
			if (!password)
				return NULL;
		} else {
			diag_config(d, cfg_path, 0, "mail", "user",
				    "is set, but neither password_env nor password_file is");
			return NULL;
		}
	}
	if (mc->ca_file && check_ca_file(mc->ca_file, cfg_path, d) < 0) {
		if (password) {
			explicit_bzero(password, strlen(password));
			free(password);
		}
		return NULL;
	}
	if (password && !strncmp(url, "smtp://", 7) && !mc->starttls_required &&
	    !is_loopback(url)) {
		explicit_bzero(password, strlen(password));
		free(password);
		diag_config(d, cfg_path, 0, "mail", "starttls",
			    "refusing to send the password unencrypted to '%s'", url);
		diag_hint(d, "use starttls = required, or an smtps:// URL");
		return NULL;
	}

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		BUG("curl_global_init failed");
	t = xcalloc(1, sizeof(*t));
	strbuf_init(&t->reply, 128);
	t->password = password;
	t->retries = mc->retries > 0 ? mc->retries : 0;
	t->interval_ms = mc->messages_per_minute > 0 ? 60000L / mc->messages_per_minute : 0;
	t->base_ms = env_ms("MERIT_MAIL_RETRY_BASE_MS", 1000);
	t->curl = curl_easy_init();
	if (!t->curl)
		BUG("curl_easy_init failed");
	curl_easy_setopt(t->curl, CURLOPT_URL, url);
	curl_easy_setopt(t->curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(t->curl, CURLOPT_VERBOSE, 0L);
	curl_easy_setopt(t->curl, CURLOPT_NOSIGNAL, 1L);
	/* required: TLS or fail; optional: upgrade when offered; none: stay in
	 * plain text even if offered (smtps:// is TLS from the start anyway). */
	curl_easy_setopt(t->curl, CURLOPT_USE_SSL,
			 mc->starttls_required ? (long)CURLUSESSL_ALL
			 : mc->starttls_none ? (long)CURLUSESSL_NONE : (long)CURLUSESSL_TRY);
	/* Certificates are always verified (libcurl's default, never turned
	 * off); ca_file replaces the system store for a company's own CA. */
	if (mc->ca_file)
		curl_easy_setopt(t->curl, CURLOPT_CAINFO, mc->ca_file);
	if (mc->user && *mc->user)
		curl_easy_setopt(t->curl, CURLOPT_USERNAME, mc->user);
	if (password)
		curl_easy_setopt(t->curl, CURLOPT_PASSWORD, password);
	curl_easy_setopt(t->curl, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_easy_setopt(t->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(t->curl, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(t->curl, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(t->curl, CURLOPT_READDATA, t);
	curl_easy_setopt(t->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(t->curl, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(t->curl, CURLOPT_TIMEOUT, 300L);
	return t;
}

void mail_transport_free(struct mail_transport *t)
{
	if (!t)
		return;
	if (t->curl)
		curl_easy_cleanup(t->curl);
	if (t->password) {
		explicit_bzero(t->password, strlen(t->password));
		free(t->password);
	}
	strbuf_release(&t->reply);
	free(t);
	curl_global_cleanup();
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (ms > 0 && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static long ms_since(const struct timespec *a)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	/* Rounded down as a whole, so the limiter never waits too little
	 * (per-field division could round a negative nanosecond part up). */
	return (long)(((long long)(now.tv_sec - a->tv_sec) * 1000000000LL +
		       (now.tv_nsec - a->tv_nsec)) / 1000000);
}

static void rate_limit(struct mail_transport *t)
{
	if (t->interval_ms && t->have_last) {
		long waited = ms_since(&t->last);
		if (waited < t->interval_ms)
			sleep_ms(t->interval_ms - waited);
	}
	clock_gettime(CLOCK_MONOTONIC, &t->last);
	t->have_last = 1;
}

/* The report text: the server's words first, then curl's; never the password. */
static void fill_reply(struct mail_transport *t, CURLcode rc, struct mail_result *r)
{
	struct strbuf sb = STRBUF_INIT;
	char *p;
	if (t->reply.len && r->smtp_code >= 400)
		strbuf_addstr(&sb, t->reply.buf);
	if (rc != CURLE_OK) {
		const char *e = t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc);
		strbuf_addf(&sb, "%s(%s)", sb.len ? " " : "", e);
	}
	if (t->password && *t->password)
		while ((p = strstr(sb.buf, t->password)) != NULL)
			memset(p, '*', strlen(t->password));
	snprintf(r->reply, sizeof(r->reply), "%s", sb.buf);
	strbuf_release(&sb);
}

static void classify(CURLcode rc, long code, struct mail_result *r)
{
	switch (rc) {
	case CURLE_OK:
		return;
	case CURLE_LOGIN_DENIED:
	case CURLE_USE_SSL_FAILED:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_COULDNT_RESOLVE_HOST:
		/* The same for every message: stop instead of hammering. */
		r->permanent = r->fatal = 1;
		return;
	case CURLE_COULDNT_CONNECT:
		r->fatal = 1;   /* transient, but fatal once the retries are used */
		return;
	default:
		break;
	}
	if (code >= 500 && code <= 599)
		r->permanent = 1;
}

int mail_send(struct mail_transport *t, const char *from_addr, const char *const *rcpts,
	      size_t nrcpts, const char *msg, size_t len, struct mail_result *r)
{
	struct curl_slist *list = NULL;
	char *from = xstrfmt("<%s>", from_addr);
	size_t i;
	long delay = t->base_ms;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < nrcpts; i++) {
		char *rc = xstrfmt("<%s>", rcpts[i]);
		if (!mail_address_valid(rcpts[i]))
			BUG("unchecked envelope recipient");
		list = curl_slist_append(list, rc);
		free(rc);
	}
	curl_easy_setopt(t->curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(t->curl, CURLOPT_MAIL_RCPT, list);
	curl_easy_setopt(t->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);

	for (;;) {
		CURLcode rc;
		long code = 0;
		t->upload = msg;
		t->upload_len = len;
		t->upload_pos = 0;
		t->errbuf[0] = '\0';
		strbuf_reset(&t->reply);
		t->reply_complete = 0;
		rate_limit(t);
		rc = curl_easy_perform(t->curl);
		curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
		r->attempts++;
		r->smtp_code = code;
		r->permanent = r->fatal = 0;
		classify(rc, code, r);
		fill_reply(t, rc, r);
		if (rc == CURLE_OK) {
			r->sent = 1;
			break;
		}
		if (r->permanent || r->attempts > t->retries)
			break;
		sleep_ms(delay);
		delay *= 2;
	}
	curl_easy_setopt(t->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(list);
	free(from);
	return r->sent ? 0 : -1;
}
