/*
 * smtp: hands finished messages to an SMTP server through libcurl (the
 * only libcurl user).
 *
 * One curl easy handle for the whole batch, so the SMTP connection is
 * reused between messages. The password is read here from the environment
 * or a private file, handed to curl and wiped on free; it never goes into
 * a message, a diag or a log, and CURLOPT_VERBOSE stays off. SMTP replies
 * are captured through the header callback (libcurl passes every server
 * response line there), so a failure report can quote what the server
 * said.
 */
#include "deliver/smtp.h"
#include "config.h"
#include "deliver/mime.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/sha256.h"
#include "util/strbuf.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <strings.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct smtp_transport {
	CURL *curl;
	char *password;
	char *secrets[4];          /* base64 forms of the login, masked in replies */
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

/* Retries wait 1 s, 2 s, 4 s ... but never more than this. */
#define RETRY_MAX_MS (5L * 60 * 1000)

/*
 * Whether the URL's host, as curl parses it, is this machine: `localhost`
 * exactly, an address in 127.0.0.0/8, or ::1. A prefix test would let
 * smtp://localhost.evil.example or smtp://127.0.0.1.evil.example through.
 */
int smtp_url_is_loopback(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL;
	int yes = 0;
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host) {
		struct in_addr a4;
		struct in6_addr a6;
		size_t n = strlen(host);
		if (!strcasecmp(host, "localhost"))
			yes = 1;
		else if (inet_pton(AF_INET, host, &a4) == 1)
			yes = (ntohl(a4.s_addr) >> 24) == 127;
		else if (n > 2 && host[0] == '[' && host[n - 1] == ']') {
			char *in = xstrndup(host + 1, n - 2);
			yes = inet_pton(AF_INET6, in, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
			free(in);
		}
	}
	curl_free(host);
	curl_url_cleanup(u);
	return yes;
}

/*
 * What a server may echo of the login: the password itself, and the
 * base64 that AUTH PLAIN ("\0user\0password") and AUTH LOGIN (user,
 * password) send. Each is masked in reports, not only the literal.
 */
static void collect_secrets(struct smtp_transport *t, const char *user, const char *pw)
{
	size_t ul = user ? strlen(user) : 0, pl = strlen(pw), k = 0;
	char *plain = xmalloc(ul + pl + 2);
	plain[0] = '\0';
	if (ul)
		memcpy(plain + 1, user, ul);
	plain[ul + 1] = '\0';
	memcpy(plain + ul + 2, pw, pl);
	t->secrets[k++] = xstrdup(pw);
	t->secrets[k++] = base64_encode(plain, ul + pl + 2);
	t->secrets[k++] = base64_encode(pw, pl);
	if (ul)
		t->secrets[k++] = base64_encode(user, ul);
	explicit_bzero(plain, ul + pl + 2);
	free(plain);
}

void smtp_mask_secrets(char *text, const char *const *secrets, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		char *p;
		size_t len = secrets[i] ? strlen(secrets[i]) : 0;
		/* Very short forms (a 1-character password) would mask at random. */
		if (len < 4 && i > 0)
			continue;
		while (len && (p = strstr(text, secrets[i])) != NULL)
			memset(p, '*', len);
	}
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
	struct smtp_transport *t = ud;
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
	struct smtp_transport *t = ud;
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

struct smtp_transport *smtp_transport_new(const struct mail_conf *mc, const char *cfg_path,
					  struct diag *d)
{
	struct smtp_transport *t;
	char *password = NULL;
	int bad = 0;
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
	if (!strncmp(url, "smtp://", 7) && !mc->starttls_required &&
	    !smtp_url_is_loopback(url) && (password || !mc->allow_unencrypted)) {
		/* The letters hold pay: never in clear text to another machine
		 * unless the config says so in words; the password never. */
		if (password) {
			explicit_bzero(password, strlen(password));
			free(password);
		}
		diag_config(d, cfg_path, 0, "mail", "starttls",
			    "refusing to send %s unencrypted to '%s' (not this machine)",
			    password ? "the password" : "the letters", url);
		diag_hint(d, password ? "use starttls = required, or an smtps:// URL"
			  : "use starttls = required or an smtps:// URL; only for a relay on a "
			    "trusted network set [mail] allow_unencrypted = yes");
		return NULL;
	}

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		BUG("curl_global_init failed");
	t = xcalloc(1, sizeof(*t));
	strbuf_init(&t->reply, 128);
	t->password = password;
	if (password)
		collect_secrets(t, mc->user, password);
	t->retries = mc->retries > 0 ? mc->retries : 0;
	t->interval_ms = mc->messages_per_minute > 0 ? 60000L / mc->messages_per_minute : 0;
	t->base_ms = env_ms("MERIT_MAIL_RETRY_BASE_MS", 1000);
	t->curl = curl_easy_init();
	if (!t->curl)
		BUG("curl_easy_init failed");
	bad |= curl_easy_setopt(t->curl, CURLOPT_URL, url) != CURLE_OK;
	bad |= curl_easy_setopt(t->curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps") != CURLE_OK;
	bad |= curl_easy_setopt(t->curl, CURLOPT_VERBOSE, 0L) != CURLE_OK;
	bad |= curl_easy_setopt(t->curl, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	/* required: TLS or fail; optional: upgrade when offered; none: stay in
	 * plain text even if offered (smtps:// is TLS from the start anyway). */
	bad |= curl_easy_setopt(t->curl, CURLOPT_USE_SSL,
			 mc->starttls_required ? (long)CURLUSESSL_ALL
			 : mc->starttls_none ? (long)CURLUSESSL_NONE : (long)CURLUSESSL_TRY) != CURLE_OK;
	/* Certificates are always verified (libcurl's default, never turned
	 * off); ca_file replaces the system store for a company's own CA. */
	if (mc->ca_file)
		bad |= curl_easy_setopt(t->curl, CURLOPT_CAINFO, mc->ca_file) != CURLE_OK;
	if (mc->user && *mc->user)
		bad |= curl_easy_setopt(t->curl, CURLOPT_USERNAME, mc->user) != CURLE_OK;
	if (password)
		bad |= curl_easy_setopt(t->curl, CURLOPT_PASSWORD, password) != CURLE_OK;
	bad |= curl_easy_setopt(t->curl, CURLOPT_ERRORBUFFER, t->errbuf) != CURLE_OK;
	bad |= curl_easy_setopt(t->curl, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK;
	bad |= curl_easy_setopt(t->curl, CURLOPT_HEADERDATA, t) != CURLE_OK;
	bad |= curl_easy_setopt(t->curl, CURLOPT_READFUNCTION, on_read) != CURLE_OK;
	bad |= curl_easy_setopt(t->curl, CURLOPT_READDATA, t) != CURLE_OK;
	bad |= curl_easy_setopt(t->curl, CURLOPT_UPLOAD, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(t->curl, CURLOPT_CONNECTTIMEOUT, 30L) != CURLE_OK;
	bad |= curl_easy_setopt(t->curl, CURLOPT_TIMEOUT, 300L) != CURLE_OK;
	if (bad) {
		/* An option this libcurl does not take (an old release): sending
		 * without it could mean no TLS or no certificate check. */
		smtp_transport_free(t);
		diag_error(d, MERIT_SOFTWARE, NULL, 0, 0,
			   "libcurl refused a mail option (TLS, certificate or login setting)");
		diag_hint(d, "update libcurl (Debian 12 ships 7.88)");
		return NULL;
	}
	/* curl documents that SIGPIPE may still be raised with NOSIGNAL: a
	 * server closing mid-batch must be an error, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	return t;
}

void smtp_transport_free(struct smtp_transport *t)
{
	if (!t)
		return;
	if (t->curl)
		curl_easy_cleanup(t->curl);
	if (t->password) {
		explicit_bzero(t->password, strlen(t->password));
		free(t->password);
	}
	for (size_t i = 0; i < sizeof(t->secrets) / sizeof(t->secrets[0]); i++)
		if (t->secrets[i]) {
			explicit_bzero(t->secrets[i], strlen(t->secrets[i]));
			free(t->secrets[i]);
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

static void rate_limit(struct smtp_transport *t)
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
static void fill_reply(struct smtp_transport *t, CURLcode rc, struct smtp_result *r)
{
	struct strbuf sb = STRBUF_INIT;
	if (t->reply.len && r->smtp_code >= 400)
		strbuf_addstr(&sb, t->reply.buf);
	if (rc != CURLE_OK) {
		const char *e = t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc);
		strbuf_addf(&sb, "%s(%s)", sb.len ? " " : "", e);
	}
	smtp_mask_secrets(sb.buf, (const char *const *)t->secrets,
			  sizeof(t->secrets) / sizeof(t->secrets[0]));
	snprintf(r->reply, sizeof(r->reply), "%s", sb.buf);
	strbuf_release(&sb);
}

static void classify(CURLcode rc, long code, struct smtp_result *r)
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

long smtp_next_delay(long delay)
{
	return delay > RETRY_MAX_MS / 2 ? RETRY_MAX_MS : delay * 2;
}

int smtp_send(struct smtp_transport *t, const char *from_addr, const char *const *rcpts,
	      size_t nrcpts, const char *msg, size_t len, struct smtp_result *r)
{
	struct curl_slist *list = NULL, *tmp;
	char *from = xstrfmt("<%s>", from_addr);
	size_t i;
	long delay = t->base_ms;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < nrcpts; i++) {
		char *rc = xstrfmt("<%s>", rcpts[i]);
		if (!mime_address_valid(rcpts[i]))
			BUG("unchecked envelope recipient");
		tmp = curl_slist_append(list, rc);
		free(rc);
		if (!tmp) {
			curl_slist_free_all(list);
			free(from);
			snprintf(r->reply, sizeof(r->reply), "out of memory building the recipients");
			r->fatal = 1;
			return -1;
		}
		list = tmp;
	}
	if (curl_easy_setopt(t->curl, CURLOPT_MAIL_FROM, from) != CURLE_OK ||
	    curl_easy_setopt(t->curl, CURLOPT_MAIL_RCPT, list) != CURLE_OK ||
	    curl_easy_setopt(t->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len) != CURLE_OK) {
		curl_easy_setopt(t->curl, CURLOPT_MAIL_RCPT, NULL);
		curl_slist_free_all(list);
		free(from);
		snprintf(r->reply, sizeof(r->reply), "libcurl refused the message's settings");
		r->fatal = 1;
		return -1;
	}

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
		delay = smtp_next_delay(delay);
	}
	curl_easy_setopt(t->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(list);
	free(from);
	return r->sent ? 0 : -1;
}
