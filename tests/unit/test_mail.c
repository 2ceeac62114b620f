/*
 * Unit tests for deliver/mime.c (MIME building, addresses), render/mail_template.c,
 * deliver/smtp.c (SMTP transport), deliver/ledger_mail.c and deliver/mailing.c (the batch
 * decisions), without the pipeline: a fake company, fake PDF letters, and a
 * real SMTP server on 127.0.0.1 (tests/smtp_sink.py, Debian's aiosmtpd).
 *
 * Run from the repository root (tests/run.sh does). MERIT_PYTHON names a
 * Python with aiosmtpd (default /usr/bin/python3).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "deliver/ledger_mail.h"
#include "deliver/mime.h"
#include "deliver/smtp.h"
#include "render/mail_template.h"
#include "deliver/mailing.h"
#include "model.h"
#include "util/diag.h"
#include "util/period.h"
#include "util/strbuf.h"

#include "../support/fixture.h"

static const char *const tmpdir = fixture_tmp;   /* the group's scratch folder */

/* struct config holds char * (it owns its strings); the literals put there
 * by these tests are never written or freed. */
#define W(s) ((char *)(s))

/* ---- helpers ---- */

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes base64, skipping CR/LF; stops at '=' padding or a non-base64 char. */
static void b64decode(const char *s, size_t len, struct strbuf *out)
{
	unsigned acc = 0;
	int bits = 0;
	size_t i;
	for (i = 0; i < len; i++) {
		int v;
		if (s[i] == '\r' || s[i] == '\n')
			continue;
		v = b64val((unsigned char)s[i]);
		if (v < 0)
			break;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			strbuf_addch(out, (int)((acc >> bits) & 0xff));
		}
	}
}

/* Decodes a header value made of encoded-words; checks each word's size
 * and that no word starts inside a UTF-8 sequence. */
static void decode_words(const char *v, struct strbuf *out)
{
	const char *p = v;
	while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
		const char *end = strstr(p + 10, "?=");
		struct strbuf w = STRBUF_INIT;
		assert_non_null(end);
		assert_true(end + 2 - p <= 75);
		b64decode(p + 10, (size_t)(end - p - 10), &w);
		assert_true(w.len > 0);
		assert_false(((unsigned char)w.buf[0] & 0xc0) == 0x80);
		strbuf_add(out, w.buf, w.len);
		strbuf_release(&w);
		p = end + 2;
	}
}

/* The unfolded value of header `name` in a message (NULL if absent). */
static char *header(const char *msg, const char *name)
{
	size_t n = strlen(name);
	const char *p = msg;
	struct strbuf v = STRBUF_INIT;
	while (*p && !(p[0] == '\r' && p[1] == '\n')) {
		const char *eol = strstr(p, "\r\n");
		if (!strncasecmp(p, name, n) && p[n] == ':') {
			const char *q = p + n + 1;
			for (;;) {
				strbuf_add(&v, q, (size_t)(eol - q));
				if (eol[2] != ' ' && eol[2] != '\t')
					break;
				q = eol + 2;
				eol = strstr(q, "\r\n");
			}
			strbuf_trim(&v);
			return strbuf_detach(&v, NULL);
		}
		p = eol + 2;
	}
	strbuf_release(&v);
	return NULL;
}

/* The nth (0-based) error of a diag: notes and warnings interleave. */
static const struct diag_msg *nth_error(const struct diag *d, size_t n)
{
	size_t i;
	for (i = 0; i < d->nr; i++)
		if (d->msgs[i].severity == DIAG_ERROR && n-- == 0)
			return &d->msgs[i];
	fail_msg("no error #%zu", n);
	return NULL;
}

static void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	chmod(path, mode);
}

static const char zh_subject[] =
	"示例贸易有限公司 2026-10 绩效评估函 — 王建国：本期结果、KPI、优势与改进方向";

/* ---- message building ---- */

static void build_sample(struct strbuf *out, const char *to_name, const unsigned char *pdf,
			 size_t pdf_len)
{
	struct mime_message m = {
		.from_name = "示例贸易 HR", .from_addr = "hr@example-trading.cn",
		.to_name = to_name, .to_addr = "wang.jianguo@example-trading.cn",
		.reply_to = "hr-help@example-trading.cn",
		.subject = zh_subject, .body = "王建国，您好：\n附件是您的评估函。\n",
		.message_id = "merit.2026-10.E1001.0123456789abcdef@example-trading.cn",
		.date = 1793404800,   /* 2026-10-31 00:00:00 UTC, a Saturday */
		.attach_name = "E1001.pdf", .attach = pdf, .attach_len = pdf_len,
	};
	mime_build(&m, out);
}

static void test_build_headers(void **state)
{
	struct strbuf msg = STRBUF_INIT, dec = STRBUF_INIT;
	unsigned char pdf[10] = "%PDF-1.4\n";
	char *v;
	const char *p;
	(void)state;
	build_sample(&msg, "王建国", pdf, sizeof(pdf));

	v = header(msg.buf, "Date");
	assert_string_equal(v, "Sat, 31 Oct 2026 00:00:00 +0000");
	free(v);
	v = header(msg.buf, "Message-ID");
	assert_string_equal(v, "<merit.2026-10.E1001.0123456789abcdef@example-trading.cn>");
	free(v);
	v = header(msg.buf, "MIME-Version");
	assert_string_equal(v, "1.0");
	free(v);
	v = header(msg.buf, "Reply-To");
	assert_string_equal(v, "hr-help@example-trading.cn");
	free(v);

	/* The Chinese subject decodes back to exactly the original. */
	v = header(msg.buf, "Subject");
	decode_words(v, &dec);
	assert_string_equal(dec.buf, zh_subject);
	free(v);

	strbuf_reset(&dec);
	v = header(msg.buf, "To");
	decode_words(v, &dec);
	assert_string_equal(dec.buf, "王建国");
	assert_non_null(strstr(v, "<wang.jianguo@example-trading.cn>"));
	free(v);

	/* No Bcc header ever; every line ends in CRLF and fits in 78. */
	assert_null(header(msg.buf, "Bcc"));
	for (p = msg.buf; *p;) {
		const char *eol = strstr(p, "\r\n");
		assert_non_null(eol);
		assert_null(memchr(p, '\n', (size_t)(eol - p)));
		assert_true(eol - p <= 78);
		p = eol + 2;
	}
	strbuf_release(&dec);
	strbuf_release(&msg);
}

static void test_build_attachment(void **state)
{
	struct strbuf msg = STRBUF_INIT, got = STRBUF_INIT, text = STRBUF_INIT;
	unsigned char pdf[3000];
	char *ct, boundary[64];
	const char *part, *body, *end;
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(pdf); i++)
		pdf[i] = (unsigned char)(i * 7 + 3);
	build_sample(&msg, "Wang Jianguo", pdf, sizeof(pdf));

	ct = header(msg.buf, "Content-Type");
	assert_non_null(strstr(ct, "multipart/mixed"));
	assert_int_equal(sscanf(strstr(ct, "boundary=\"") + 10, "%63[^\"]", boundary), 1);
	free(ct);

	/* Text part: UTF-8, base64, decodes to the body with CRLF lines. */
	part = strstr(msg.buf, "Content-Type: text/plain; charset=UTF-8\r\n");
	assert_non_null(part);
	body = strstr(part, "\r\n\r\n") + 4;
	end = strstr(body, "--");
	b64decode(body, (size_t)(end - body), &text);
	assert_string_equal(text.buf, "王建国，您好：\r\n附件是您的评估函。\r\n");

	/* Attachment: application/pdf, lines of at most 76, the exact bytes. */
	part = strstr(msg.buf, "Content-Type: application/pdf; name=\"E1001.pdf\"\r\n");
	assert_non_null(part);
	assert_non_null(strstr(part, "Content-Disposition: attachment; filename=\"E1001.pdf\""));
	body = strstr(part, "\r\n\r\n") + 4;
	end = strstr(body, "--");
	for (const char *p = body; p < end;) {
		const char *eol = strstr(p, "\r\n");
		assert_true(eol - p <= 76);
		p = eol + 2;
	}
	b64decode(body, (size_t)(end - body), &got);
	assert_int_equal(got.len, sizeof(pdf));
	assert_memory_equal(got.buf, pdf, sizeof(pdf));

	/* The closing boundary ends the message. */
	{
		char close[80];
		snprintf(close, sizeof(close), "--%s--\r\n", boundary);
		assert_string_equal(msg.buf + msg.len - strlen(close), close);
	}
	strbuf_release(&msg);
	strbuf_release(&got);
	strbuf_release(&text);
}

static void test_header_injection(void **state)
{
	struct strbuf msg = STRBUF_INIT;
	unsigned char pdf[1] = { 0 };
	char *v;
	(void)state;
	struct strbuf dec = STRBUF_INIT;
	build_sample(&msg, "Eve\r\nBcc: spy@evil.example", pdf, 1);
	assert_null(header(msg.buf, "Bcc"));
	assert_null(strstr(msg.buf, "\r\nBcc:"));
	v = header(msg.buf, "To");
	assert_non_null(strstr(v, "=?UTF-8?B?"));
	/* Decoded, the name shows no line break and no second address
	 * (issue 15 item 7): CR/LF one space, '@' " at ". */
	decode_words(v, &dec);
	assert_string_equal(dec.buf, "Eve Bcc: spy at evil.example");
	free(v);
	strbuf_release(&msg);

	/* Address-like text in a name: the reader's To must not show a
	 * second address. 王建国 <boss@corp.example> -> 王建国 (boss at ...). */
	build_sample(&msg, "王建国 <boss@corp.example>\t", pdf, 1);
	v = header(msg.buf, "To");
	strbuf_reset(&dec);
	decode_words(v, &dec);
	assert_string_equal(dec.buf, "王建国 (boss at corp.example)");
	assert_non_null(strstr(v, " <wang.jianguo@example-trading.cn>"));
	assert_null(strchr(dec.buf, '<'));
	free(v);
	strbuf_release(&msg);

	/* A plain name that becomes plain after cleaning goes as is. */
	build_sample(&msg, "Wang\nJianguo", pdf, 1);
	v = header(msg.buf, "To");
	assert_string_equal(v, "Wang Jianguo <wang.jianguo@example-trading.cn>");
	free(v);
	strbuf_release(&msg);
	strbuf_release(&dec);
}

/* Retry back-off (issue 15 item 10): 1 s doubling reaches the 5-minute
 * ceiling after 9 steps (256 s -> 300 s) and stays there; 1,000 retries
 * never overflow (doubling alone passed LONG_MAX after ~53). */
static void test_retry_delay_ceiling(void **state)
{
	long d = 1000;
	int i;
	(void)state;
	for (i = 0; i < 8; i++)
		d = smtp_next_delay(d);
	assert_int_equal(d, 256000);
	assert_int_equal(smtp_next_delay(d), 300000);
	for (i = 0; i < 1000; i++) {
		d = smtp_next_delay(d);
		assert_true(d > 0 && d <= 300000);
	}
	assert_int_equal(d, 300000);
}

static void test_encode_words_long(void **state)
{
	struct strbuf out = STRBUF_INIT, dec = STRBUF_INIT;
	struct strbuf text = STRBUF_INIT;
	const char *p;
	int i;
	(void)state;
	/* Mixed 1-, 3- and 4-byte characters, long enough for many words. */
	for (i = 0; i < 40; i++)
		strbuf_addstr(&text, "绩效a😀");
	mime_encode_words(&out, text.buf, 9);
	decode_words(out.buf, &dec);
	assert_string_equal(dec.buf, text.buf);
	for (p = out.buf, i = 0; *p; i++) {
		const char *eol = strstr(p, "\r\n");
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		assert_true(n + (i ? 0 : 9) <= 78);
		p += n + (eol ? 2 : 0);
	}
	assert_true(i > 3);
	strbuf_release(&out);
	strbuf_release(&dec);
	strbuf_release(&text);
}

static void test_address_valid(void **state)
{
	char *name, *addr;
	(void)state;
	assert_true(mime_address_valid("li.na@example-trading.cn"));
	assert_true(mime_address_valid("a+b@x.io"));
	assert_false(mime_address_valid(""));
	assert_false(mime_address_valid(NULL));
	assert_false(mime_address_valid("li.na"));
	assert_false(mime_address_valid("li.na@localhost"));
	assert_false(mime_address_valid("@example.com"));
	assert_false(mime_address_valid("a..b@example.com"));
	assert_false(mime_address_valid(".a@example.com"));
	assert_false(mime_address_valid("a b@example.com"));
	assert_false(mime_address_valid("a@exa mple.com"));
	assert_false(mime_address_valid("a@example.com>\r\nRCPT TO:<x@y.z"));
	assert_false(mime_address_valid("李娜@example.com"));
	assert_false(mime_address_valid("a@-x.com"));
	assert_false(mime_address_valid("a@x.com."));

	assert_int_equal(mime_address_parse("示例贸易 HR <hr@example.cn>", &name, &addr), 0);
	assert_string_equal(name, "示例贸易 HR");
	assert_string_equal(addr, "hr@example.cn");
	free(name);
	free(addr);
	assert_int_equal(mime_address_parse("hr@example.cn", &name, &addr), 0);
	assert_null(name);
	assert_string_equal(addr, "hr@example.cn");
	free(addr);
	assert_int_equal(mime_address_parse("HR <hr>", &name, &addr), -1);
}

static void test_message_id_and_date(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *a = mime_message_id("2026-10", "E1001", "aaaa", "HR <hr@example.cn>");
	char *b = mime_message_id("2026-10", "E1001", "aaaa", "hr@example.cn");
	char *c = mime_message_id("2026-10", "E1001", "bbbb", "hr@example.cn");
	char *e = mime_message_id("2026-10", "E/1 x", "aaaa", "hr@example.cn");
	(void)state;
	assert_string_equal(a, b);          /* deterministic */
	assert_string_not_equal(b, c);      /* a changed letter gets a new id */
	assert_int_equal(strncmp(b, "merit.2026-10.E1001.", 20), 0);
	assert_string_equal(strchr(b, '@'), "@example.cn");
	assert_int_equal(strncmp(e, "merit.2026-10.E_1_x.", 20), 0);
	mime_format_date(&sb, 0);
	assert_string_equal(sb.buf, "Thu, 01 Jan 1970 00:00:00 +0000");
	strbuf_reset(&sb);
	mime_format_date(&sb, 1772367305);   /* 2026-03-01 12:15:05 UTC */
	assert_string_equal(sb.buf, "Sun, 01 Mar 2026 12:15:05 +0000");
	strbuf_release(&sb);
	free(a);
	free(b);
	free(c);
	free(e);
}

static void test_template(void **state)
{
	static const char *const names[] = { "name", "period", "company", NULL };
	char path[300];
	struct mail_template mt;
	struct template_vars v;
	struct strbuf subj = STRBUF_INIT, body = STRBUF_INIT;
	struct diag d;
	const char good[] = "Subject: {{company}} {{period}} — {{name}}\r\n\r\n"
			    "Dear {{name}},\r\nsee the letter.\r\n";
	const char bad[] = "Subject: hi\n\nDear {{nmae}},\n";
	(void)state;
	diag_init(&d);
	snprintf(path, sizeof(path), "%s/mail.en.txt", tmpdir);
	write_file(path, good, strlen(good), 0644);
	assert_int_equal(mail_template_load(&mt, path, names, &d), 0);
	template_vars_init(&v);
	template_vars_set(&v, "name", "Li\nNa");
	template_vars_set(&v, "period", "2026-10");
	template_vars_set(&v, "company", "Example Trading Co.");
	mail_template_render(&mt, template_vars_lookup, &v, &subj, &body);
	assert_string_equal(subj.buf, "Example Trading Co. 2026-10 — Li Na");
	assert_string_equal(body.buf, "Dear Li\nNa,\nsee the letter.\n");
	mail_template_release(&mt);
	template_vars_release(&v);

	write_file(path, bad, strlen(bad), 0644);
	assert_int_equal(mail_template_load(&mt, path, names, &d), -1);
	assert_int_equal(d.status, MERIT_CONFIG);
	assert_non_null(strstr(d.msgs[0].where, "mail.en.txt:3"));
	diag_release(&d);
	strbuf_release(&subj);
	strbuf_release(&body);
}

/* ---- ledger ---- */

static void test_ledger_mail(void **state)
{
	char dir[300];
	const char *sha = "1111111111111111111111111111111111111111111111111111111111111111";
	struct ledger_mail *l;
	struct ledger_mail_entry e;
	struct diag d;
	(void)state;
	diag_init(&d);
	snprintf(dir, sizeof(dir), "%s/state-ledger", tmpdir);

	/* Read-only on a missing database: an empty ledger, nothing created. */
	l = ledger_mail_open(dir, 0, &d);
	assert_non_null(l);
	assert_int_equal(ledger_mail_lookup(l, "2026-10", "E1001", &e, &d), 0);
	ledger_mail_free(l);
	assert_int_equal(access(dir, F_OK), -1);

	l = ledger_mail_open(dir, 1, &d);
	assert_non_null(l);
	assert_int_equal(ledger_mail_lookup(l, "2026-10", "E1001", &e, &d), 0);
	assert_int_equal(ledger_mail_record(l, "2026-10", "E1001", "mid-1", sha, 1793404800, &d), 0);
	assert_int_equal(ledger_mail_record(l, "2026-09", "E1001", "mid-0", sha, 1790000000, &d), 0);
	ledger_mail_free(l);

	/* Committed: another connection, read-only, sees it. */
	l = ledger_mail_open(dir, 0, &d);
	assert_int_equal(ledger_mail_lookup(l, "2026-10", "E1001", &e, &d), 1);
	assert_string_equal(e.message_id, "mid-1");
	assert_string_equal(e.letter_sha256, sha);
	assert_string_equal(e.sent_at, "2026-10-31T00:00:00Z");
	assert_int_equal(ledger_mail_count(l, "2026-10", &d), 1);
	ledger_mail_free(l);

	/* A resend replaces the row: still one per employee and period. */
	l = ledger_mail_open(dir, 1, &d);
	assert_int_equal(ledger_mail_record(l, "2026-10", "E1001", "mid-2", "22", 1793404900, &d), 0);
	assert_int_equal(ledger_mail_count(l, "2026-10", &d), 1);
	assert_int_equal(ledger_mail_lookup(l, "2026-10", "E1001", &e, &d), 1);
	assert_string_equal(e.message_id, "mid-2");
	ledger_mail_free(l);
	assert_int_equal(d.errors, 0);
	diag_release(&d);
}

/* ---- SMTP sink ---- */

struct sink {
	char dir[300];
	long pid;
	int port;
};

static int sink_start(struct sink *s, const char *name, const char *extra)
{
	const char *py = getenv("MERIT_PYTHON");
	char cmd[2048], portf[320], pidf[320];
	FILE *f;
	int i;
	if (!py)
		py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
	snprintf(s->dir, sizeof(s->dir), "%s/%s", tmpdir, name);
	snprintf(portf, sizeof(portf), "%s.port", s->dir);
	snprintf(pidf, sizeof(pidf), "%s.pid", s->dir);
	snprintf(cmd, sizeof(cmd),
		 "%s -W ignore tests/smtp_sink.py --dir '%s' --port-file '%s' %s "
		 ">'%s.log' 2>&1 & echo $! >'%s'", py, s->dir, portf, extra, s->dir, pidf);
	if (system(cmd) != 0)
		return -1;
	for (i = 0; i < 100; i++) {
		f = fopen(portf, "r");
		if (f) {
			int ok = fscanf(f, "%d", &s->port) == 1;
			fclose(f);
			if (ok)
				break;
		}
		usleep(50000);
	}
	f = fopen(pidf, "r");
	if (!f || fscanf(f, "%ld", &s->pid) != 1)
		return -1;
	fclose(f);
	return i < 100 ? 0 : -1;
}

static void sink_stop(struct sink *s)
{
	if (s->pid > 0)
		kill((pid_t)s->pid, SIGTERM);
	s->pid = 0;
}

static int count_files(const char *dir, const char *ext)
{
	DIR *dd = opendir(dir);
	struct dirent *de;
	int n = 0;
	if (!dd)
		return 0;
	while ((de = readdir(dd)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l > strlen(ext) && !strcmp(de->d_name + l - strlen(ext), ext))
			n++;
	}
	closedir(dd);
	return n;
}

static char *slurp(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, NULL);
}

static void test_transport_retry_and_fail(void **state)
{
	struct sink s;
	struct mail_conf mc = { 0 };
	struct smtp_transport *t;
	struct smtp_result r;
	struct strbuf msg = STRBUF_INIT;
	struct diag d;
	unsigned char pdf[64] = "%PDF-1.4 fake";
	const char *rcpt[] = { "wang.jianguo@example-trading.cn", "hr-archive@example-trading.cn" };
	char url[64], path[400], *json;
	(void)state;
	diag_init(&d);
	setenv("MERIT_TEST_SMTP_PW", "pw-Unit-7f3!", 1);
	/* DATA 1 fails 451 (retried and then accepted), DATA 3 fails 554. */
	assert_int_equal(sink_start(&s, "sink-unit", "--fail 1:451 --fail 3:554 "
				    "--user merit --password-env MERIT_TEST_SMTP_PW"), 0);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", s.port);
	mc.url = url;
	mc.user = W("merit");
	mc.password_env = W("MERIT_TEST_SMTP_PW");
	mc.starttls_required = 0;
	mc.retries = 2;
	setenv("MERIT_MAIL_RETRY_BASE_MS", "20", 1);
	t = smtp_transport_new(&mc, "test.ini", &d);
	assert_non_null(t);
	build_sample(&msg, "王建国", pdf, sizeof(pdf));

	assert_int_equal(smtp_send(t, "hr@example-trading.cn", rcpt, 2, msg.buf, msg.len, &r), 0);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(count_files(s.dir, ".eml"), 1);
	snprintf(path, sizeof(path), "%s/0001.json", s.dir);
	json = slurp(path);
	assert_non_null(json);
	/* Both envelope recipients; the BCC never appears in the message. */
	assert_non_null(strstr(json, "\"wang.jianguo@example-trading.cn\""));
	assert_non_null(strstr(json, "\"hr-archive@example-trading.cn\""));
	free(json);
	snprintf(path, sizeof(path), "%s/0001.eml", s.dir);
	json = slurp(path);
	assert_null(strstr(json, "hr-archive"));
	free(json);

	/* Permanent failure: not retried, the server's reply is reported. */
	assert_int_equal(smtp_send(t, "hr@example-trading.cn", rcpt, 1, msg.buf, msg.len, &r), -1);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(r.smtp_code, 554);
	assert_true(r.permanent);
	assert_non_null(strstr(r.reply, "554"));
	assert_non_null(strstr(r.reply, "sink told to fail message 3"));
	assert_null(strstr(r.reply, "pw-Unit-7f3!"));
	assert_int_equal(count_files(s.dir, ".eml"), 1);

	assert_int_equal(smtp_send(t, "hr@example-trading.cn", rcpt, 1, msg.buf, msg.len, &r), 0);
	assert_int_equal(count_files(s.dir, ".eml"), 2);
	smtp_transport_free(t);

	/* A wrong password is a fatal, permanent failure. */
	setenv("MERIT_TEST_SMTP_PW", "wrong", 1);
	t = smtp_transport_new(&mc, "test.ini", &d);
	assert_int_equal(smtp_send(t, "hr@example-trading.cn", rcpt, 1, msg.buf, msg.len, &r), -1);
	assert_true(r.fatal);
	assert_null(strstr(r.reply, "wrong"));
	smtp_transport_free(t);
	sink_stop(&s);
	assert_int_equal(d.errors, 0);
	diag_release(&d);
	strbuf_release(&msg);
}

static void test_transport_password_rules(void **state)
{
	struct mail_conf mc = { 0 };
	struct smtp_transport *t;
	struct diag d;
	char pwfile[300];
	(void)state;
	snprintf(pwfile, sizeof(pwfile), "%s/smtp.pw", tmpdir);
	mc.url = W("smtp://127.0.0.1:2525");
	mc.user = W("merit");
	mc.password_file = pwfile;

	diag_init(&d);
	write_file(pwfile, "s3cret\n", 7, 0644);
	assert_null(smtp_transport_new(&mc, "test.ini", &d));
	assert_int_equal(d.status, MERIT_CONFIG);
	assert_non_null(strstr(d.msgs[0].text, "password_file"));
	assert_non_null(strstr(d.msgs[0].text, "0644"));
	assert_null(strstr(d.msgs[0].text, "s3cret"));
	diag_release(&d);

	diag_init(&d);
	chmod(pwfile, 0600);
	t = smtp_transport_new(&mc, "test.ini", &d);
	assert_non_null(t);
	smtp_transport_free(t);
	assert_int_equal(d.errors, 0);

	/* Not over the network in clear text. */
	mc.url = W("smtp://mail.example.com:25");
	mc.starttls_required = 0;
	assert_null(smtp_transport_new(&mc, "test.ini", &d));
	assert_non_null(strstr(d.msgs[0].text, "unencrypted"));
	diag_release(&d);

	/* Credentials inside the URL are refused without echoing them. */
	diag_init(&d);
	mc.url = W("smtp://merit:s3cret@127.0.0.1:25");
	assert_null(smtp_transport_new(&mc, "test.ini", &d));
	assert_null(strstr(d.msgs[0].text, "s3cret"));
	diag_release(&d);

	diag_init(&d);
	mc.url = W("smtp://127.0.0.1:25");
	mc.password_file = NULL;
	mc.password_env = W("MERIT_TEST_UNSET_VAR");
	unsetenv("MERIT_TEST_UNSET_VAR");
	assert_null(smtp_transport_new(&mc, "test.ini", &d));
	assert_non_null(strstr(d.msgs[0].text, "MERIT_TEST_UNSET_VAR"));
	diag_release(&d);
}

/* Issue 15 item 4: the loopback test on the parsed host, masked base64,
 * and no letters in clear text to another machine unless allowed. */
static void test_transport_leaks(void **state)
{
	struct mail_conf mc = { 0 };
	struct smtp_transport *t;
	struct diag d;
	/* "\0merit\0s3cret" in base64 (AUTH PLAIN): AG1lcml0AHMzY3JldA==;
	 * "s3cret" alone (AUTH LOGIN): czNjcmV0; "merit": bWVyaXQ=. */
	char reply[] = "535 5.7.8 AUTH PLAIN AG1lcml0AHMzY3JldA== failed; LOGIN czNjcmV0 "
		       "bWVyaXQ= s3cret";
	const char *secrets[] = { "s3cret", "AG1lcml0AHMzY3JldA==", "czNjcmV0", "bWVyaXQ=" };
	(void)state;
	assert_true(smtp_url_is_loopback("smtp://127.0.0.1:25"));
	assert_true(smtp_url_is_loopback("smtp://127.255.0.9"));
	assert_true(smtp_url_is_loopback("smtp://localhost:2525"));
	assert_true(smtp_url_is_loopback("smtp://[::1]:25"));
	assert_false(smtp_url_is_loopback("smtp://localhost.evil.example:25"));
	assert_false(smtp_url_is_loopback("smtp://127.0.0.1.evil.example:25"));
	assert_false(smtp_url_is_loopback("smtp://[::1].evil.example:25"));
	assert_false(smtp_url_is_loopback("smtp://128.0.0.1:25"));
	assert_false(smtp_url_is_loopback("smtp://mail.example.com:25"));

	smtp_mask_secrets(reply, secrets, 4);
	assert_string_equal(reply, "535 5.7.8 AUTH PLAIN ******************** failed; LOGIN "
			    "******** ******** ******");

	/* A password to localhost.evil.example in clear text: refused. */
	diag_init(&d);
	setenv("MERIT_TEST_PW", "s3cret", 1);
	mc.url = W("smtp://localhost.evil.example:25");
	mc.user = W("merit");
	mc.password_env = W("MERIT_TEST_PW");
	mc.starttls_none = 1;
	assert_null(smtp_transport_new(&mc, "test.ini", &d));
	assert_non_null(strstr(d.msgs[0].text, "refusing to send the password"));
	diag_release(&d);

	/* No password, but the letters: refused too, unless allowed in words. */
	diag_init(&d);
	mc.user = mc.password_env = NULL;
	mc.url = W("smtp://127.0.0.1.evil.example:25");
	assert_null(smtp_transport_new(&mc, "test.ini", &d));
	assert_non_null(strstr(d.msgs[0].text, "refusing to send the letters"));
	assert_non_null(strstr(d.msgs[0].hint, "allow_unencrypted = yes"));
	diag_release(&d);
	diag_init(&d);
	mc.allow_unencrypted = 1;
	t = smtp_transport_new(&mc, "test.ini", &d);
	assert_non_null(t);
	smtp_transport_free(t);
	assert_int_equal(d.errors, 0);
	diag_release(&d);
	unsetenv("MERIT_TEST_PW");
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* messages_per_minute = 120: attempts at least 500 ms apart, so three
 * messages take at least 1 s (a lower bound the limiter guarantees: it
 * sleeps, and sleeping never ends early). The upper bound only catches a
 * limiter that waits far too long; it is generous so a loaded machine
 * does not fail it. Without a limit the same three go out at once. */
static void test_transport_rate_limit(void **state)
{
	struct sink s;
	struct mail_conf mc = { 0 };
	struct smtp_transport *t;
	struct smtp_result r;
	struct strbuf msg = STRBUF_INIT;
	struct diag d;
	unsigned char pdf[64] = "%PDF-1.4 fake";
	const char *rcpt[] = { "wang.jianguo@example-trading.cn" };
	char url[64];
	long start, first, limited;
	int i, ok = 0, stored;
	(void)state;
	diag_init(&d);
	assert_int_equal(sink_start(&s, "sink-rate", ""), 0);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", s.port);
	mc.url = url;
	mc.messages_per_minute = 120;
	t = smtp_transport_new(&mc, "test.ini", &d);
	build_sample(&msg, "王建国", pdf, sizeof(pdf));

	start = now_ms();
	first = -1;
	for (i = 0; t && i < 3; i++) {
		ok += smtp_send(t, "hr@example-trading.cn", rcpt, 1, msg.buf, msg.len, &r) == 0;
		if (i == 0)
			first = now_ms() - start;
	}
	limited = now_ms() - start;
	smtp_transport_free(t);
	stored = count_files(s.dir, ".eml");
	sink_stop(&s);

	assert_int_equal(ok, 3);
	assert_int_equal(stored, 3);
	print_message("rate limit: 1st message after %ld ms, 3 after %ld ms\n", first, limited);
	assert_true(limited >= 1000);
	assert_true(limited < 8000);
	assert_int_equal(d.errors, 0);
	diag_release(&d);
	strbuf_release(&msg);
}

/* ---- the batch, on a fake company ---- */

struct fake {
	struct config cfg;
	struct company c;
	char root[300], state[300], templates[300];
};

static void fake_employee(struct fake *f, const char *id, const char *name,
			  const char *email, enum locale loc, int in_scope, int letter)
{
	struct employee *e = company_add_employee(&f->c);
	e->id = xstrdup(id);
	e->name = xstrdup(name);
	e->email = xstrdup(email);
	e->locale = loc;
	e->in_scope = in_scope;
	e->line = (int)f->c.nemps + 1;
	if (letter) {
		char path[400], body[64];
		int n = snprintf(body, sizeof(body), "%%PDF-1.4 letter of %s", id);
		snprintf(path, sizeof(path), "%s/2026-10/letters/%s.pdf", f->root, id);
		write_file(path, body, (size_t)n, 0600);
	}
}

static void fake_setup(struct fake *f, const char *name)
{
	struct period p;
	char path[400];
	size_t i;
	memset(f, 0, sizeof(*f));
	snprintf(f->root, sizeof(f->root), "%s/%s-out", tmpdir, name);
	snprintf(f->state, sizeof(f->state), "%s/%s-state", tmpdir, name);
	snprintf(f->templates, sizeof(f->templates), "%s/%s-tmpl", tmpdir, name);
	mkdir(f->root, 0755);
	snprintf(path, sizeof(path), "%s/2026-10", f->root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/2026-10/letters", f->root);
	mkdir(path, 0755);
	mkdir(f->templates, 0755);
	snprintf(path, sizeof(path), "%s/mail.zh.txt", f->templates);
	write_file(path, "Subject: {{company}} {{period}} 绩效评估函 — {{name}}\n\n{{name}}，您好：\n",
		   strlen("Subject: {{company}} {{period}} 绩效评估函 — {{name}}\n\n{{name}}，您好：\n"),
		   0644);
	snprintf(path, sizeof(path), "%s/mail.en.txt", f->templates);
	write_file(path, "Subject: Your review {{period}}\n\nDear {{name}},\n",
		   strlen("Subject: Your review {{period}}\n\nDear {{name}},\n"), 0644);

	f->cfg.path = W("test.ini");
	f->cfg.company.zh = W("示例贸易有限公司");
	f->cfg.company.en = W("Example Trading Co.");
	f->cfg.state_dir = f->state;
	f->cfg.letters.templates_dir = f->templates;
	f->cfg.mail.from = W("示例贸易 HR <hr@example-trading.cn>");
	f->cfg.mail.starttls_required = 0;
	f->cfg.mail.retries = 0;

	assert_int_equal(period_parse("2026-10", 0, &p), 0);
	company_init(&f->c, &p);
	f->c.doc_time = 1793404800;
	fake_employee(f, "E1001", "王建国", "wang.jianguo@example-trading.cn", LOCALE_ZH, 1, 1);
	fake_employee(f, "E1002", "Emily Carter", "emily.carter@example-trading.cn", LOCALE_EN, 1, 1);
	fake_employee(f, "E1003", "李娜", "li.na@example-trading.cn", LOCALE_ZH, 1, 1);
	fake_employee(f, "E1004", "张伟", "", LOCALE_ZH, 1, 1);                      /* no email */
	fake_employee(f, "E1005", "刘洋", "liu.yang@example-trading.cn", LOCALE_ZH, 1, 0); /* no letter */
	fake_employee(f, "E1006", "Old Timer", "old@example-trading.cn", LOCALE_EN, 0, 0); /* out of scope */
	for (i = 0; i < f->c.nemps; i++)
		strmap_put(&f->c.by_id, f->c.emps[i].id, i);
}

static void fake_release(struct fake *f)
{
	company_release(&f->c);
}

static void test_mailing_dry_run(void **state)
{
	struct fake f;
	struct mailing_opts o = { 0 };
	struct mailing_stats st;
	struct diag d;
	char path[500], *eml, *v;
	struct strbuf dec = STRBUF_INIT;
	struct stat sb;
	(void)state;
	fake_setup(&f, "dry");
	diag_init(&d);
	o.output_root = f.root;
	o.dry_run = 1;
	/* E1004 (no address) and E1005 (no letter) are errors, not skipped. */
	assert_int_equal(mailing_run(&f.cfg, &f.c, &o, &st, &d), MERIT_DATAERR);
	assert_int_equal(st.written, 3);
	assert_int_equal(st.bad_address, 1);
	assert_int_equal(st.no_letter, 1);
	assert_int_equal(d.errors, 2);
	assert_string_equal(nth_error(&d, 0)->where, "E1004 <no email>");
	assert_non_null(strstr(nth_error(&d, 1)->text, "2026-10/letters/E1005.pdf"));
	assert_non_null(strstr(nth_error(&d, 1)->hint, "merit run"));

	snprintf(path, sizeof(path), "%s/2026-10/mail/E1001.eml", f.root);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	eml = slurp(path);
	v = header(eml, "Subject");
	decode_words(v, &dec);
	assert_string_equal(dec.buf, "示例贸易有限公司 2026-10 绩效评估函 — 王建国");
	free(v);
	v = header(eml, "Date");   /* the document time: reproducible */
	assert_string_equal(v, "Sat, 31 Oct 2026 00:00:00 +0000");
	free(v);
	assert_non_null(strstr(eml, "filename=\"E1001.pdf\""));
	free(eml);
	snprintf(path, sizeof(path), "%s/2026-10/mail/E1002.eml", f.root);
	eml = slurp(path);
	v = header(eml, "Subject");
	assert_string_equal(v, "Your review 2026-10");
	free(v);
	free(eml);
	snprintf(path, sizeof(path), "%s/2026-10/mail/E1006.eml", f.root);
	assert_int_equal(access(path, F_OK), -1);
	/* A dry run records nothing and creates no database. */
	snprintf(path, sizeof(path), "%s/history.db", f.state);
	assert_int_equal(access(path, F_OK), -1);
	diag_release(&d);
	strbuf_release(&dec);
	fake_release(&f);
}

static void test_mailing_send_resend(void **state)
{
	struct fake f;
	struct mailing_opts o = { 0 };
	struct mailing_stats st;
	struct diag d;
	struct sink s;
	const char *only[] = { "E1001", "E1002", "E1003" };
	const char *bad_only[] = { "E1006", "E9999" };
	char url[64], path[500], *json;
	(void)state;
	fake_setup(&f, "send");
	assert_int_equal(sink_start(&s, "sink-batch", "--fail 2:451"), 0);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", s.port);
	f.cfg.mail.url = url;
	o.output_root = f.root;
	o.only = only;
	o.nonly = 3;

	/* The 2nd message fails (no retries): exit 75, the others are sent. */
	diag_init(&d);
	assert_int_equal(mailing_run(&f.cfg, &f.c, &o, &st, &d), MERIT_TEMPFAIL);
	assert_int_equal(st.sent, 2);
	assert_int_equal(st.failed, 1);
	assert_string_equal(nth_error(&d, 0)->where, "E1002 <emily.carter@example-trading.cn>");
	assert_non_null(strstr(nth_error(&d, 0)->text, "451"));
	diag_release(&d);

	/* Run again: only the missing one goes out. */
	diag_init(&d);
	assert_int_equal(mailing_run(&f.cfg, &f.c, &o, &st, &d), MERIT_OK);
	assert_int_equal(st.sent, 1);
	assert_int_equal(st.already_sent, 2);
	diag_release(&d);
	assert_int_equal(count_files(s.dir, ".eml"), 3);

	/* Each message went to exactly one employee's own address, and carries
	 * that employee's letter (the fake PDFs name their owner). */
	for (int i = 1; i <= 3; i++) {
		char *eml, want[200];
		int owners = 0;
		snprintf(path, sizeof(path), "%s/%04d.json", s.dir, i);
		json = slurp(path);
		snprintf(path, sizeof(path), "%s/%04d.eml", s.dir, i);
		eml = slurp(path);
		for (size_t k = 0; k < f.c.nemps; k++) {
			const struct employee *e = &f.c.emps[k];
			snprintf(want, sizeof(want), "\"rcpt_tos\": [\"%s\"]", e->email);
			if (strstr(json, want)) {
				owners++;
				assert_non_null(strstr(eml, e->id));
				snprintf(want, sizeof(want), "filename=\"%s.pdf\"", e->id);
				assert_non_null(strstr(eml, want));
			}
		}
		assert_int_equal(owners, 1);
		free(json);
		free(eml);
	}

	/* A changed letter is reported, not resent... */
	snprintf(path, sizeof(path), "%s/2026-10/letters/E1003.pdf", f.root);
	write_file(path, "%PDF-1.4 corrected", 18, 0600);
	diag_init(&d);
	assert_int_equal(mailing_run(&f.cfg, &f.c, &o, &st, &d), MERIT_DATAERR);
	assert_int_equal(st.sent, 0);
	assert_int_equal(st.changed, 1);
	assert_non_null(strstr(nth_error(&d, 0)->text, "use --resend"));
	diag_release(&d);
	/* ...unless --resend. */
	o.resend = 1;
	diag_init(&d);
	assert_int_equal(mailing_run(&f.cfg, &f.c, &o, &st, &d), MERIT_OK);
	assert_int_equal(st.sent, 1);
	assert_int_equal(st.already_sent, 2);
	diag_release(&d);
	assert_int_equal(count_files(s.dir, ".eml"), 4);

	/* --only with an unknown or out-of-scope id is a usage error. */
	o.only = bad_only;
	o.nonly = 2;
	diag_init(&d);
	assert_int_equal(mailing_run(&f.cfg, &f.c, &o, &st, &d), MERIT_USAGE);
	assert_int_equal(d.errors, 2);
	diag_release(&d);

	sink_stop(&s);
	fake_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_headers),
		cmocka_unit_test(test_build_attachment),
		cmocka_unit_test(test_header_injection),
		cmocka_unit_test(test_encode_words_long),
		cmocka_unit_test(test_address_valid),
		cmocka_unit_test(test_message_id_and_date),
		cmocka_unit_test(test_template),
		cmocka_unit_test(test_ledger_mail),
		cmocka_unit_test(test_retry_delay_ceiling),
		cmocka_unit_test(test_transport_retry_and_fail),
		cmocka_unit_test(test_transport_password_rules),
		cmocka_unit_test(test_transport_leaks),
		cmocka_unit_test(test_transport_rate_limit),
		cmocka_unit_test(test_mailing_dry_run),
		cmocka_unit_test(test_mailing_send_resend),
	};
	return cmocka_run_group_tests(tests, fixture_tmp_setup, fixture_tmp_teardown);
}
