/*
 * mail: one review letter as an RFC 5322 / MIME message, and its transport
 * over SMTP (the only libcurl user).
 *
 * Building is pure: mail_build() turns a struct mail_message into bytes
 * (CRLF line ends, headers with RFC 2047 encoded-words for any non-ASCII
 * text, multipart/mixed with a base64 UTF-8 text part and the PDF as a
 * base64 attachment). Nothing in a header comes from data unencoded unless
 * it is plain printable ASCII, so a name holding CR/LF cannot add headers.
 *
 * Ownership: struct mail_message only borrows its strings; mail_build()
 * appends to a caller-owned strbuf. struct mail_transport is a heap object
 * (mail_transport_new / mail_transport_free) that owns the curl handle and
 * the password, which it wipes when freed.
 *
 *   struct mail_message m = { .from_addr = "hr@example.com", ... };
 *   struct strbuf msg = STRBUF_INIT;
 *   mail_build(&m, &msg);
 *   struct mail_transport *t = mail_transport_new(&cfg->mail, &d);
 *   mail_send(t, m.from_addr, rcpts, nrcpts, msg.buf, msg.len, &result);
 */
#ifndef MERIT_MAIL_H
#define MERIT_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "render/template.h"

struct diag;
struct mail_conf;
struct strbuf;

struct mail_message {
	const char *from_name, *from_addr;    /* name may be NULL or UTF-8 */
	const char *to_name, *to_addr;
	const char *reply_to;                 /* an address, or NULL */
	const char *subject;                  /* UTF-8 */
	const char *body;                     /* UTF-8, '\n' line ends */
	const char *message_id;               /* without the angle brackets */
	int64_t date;                         /* seconds since the epoch, UTC */
	const char *attach_name;              /* ASCII file name, "E001.pdf" */
	const void *attach;
	size_t attach_len;
};

/* Appends the whole message (headers, CRLF, MIME body) to out. */
void mail_build(const struct mail_message *m, struct strbuf *out);

/*
 * Appends text as RFC 2047 encoded-words ("=?UTF-8?B?...?="), each at most
 * 75 characters and never splitting a UTF-8 character, folded with CRLF SP.
 * `used` is how many characters the header line already holds, so the
 * first word still fits in 78.
 */
void mail_encode_words(struct strbuf *out, const char *text, size_t used);

/* 1 if s is a plain ASCII addr-spec we are willing to put in RCPT TO:
 * dot-atom local part, '@', a domain of LDH labels with at least one dot. */
int mail_address_valid(const char *s);

/*
 * Splits "Name <addr>" (or a bare "addr") into a malloc'ed name (NULL when
 * there is none) and a malloc'ed address. Returns -1 if there is no valid
 * address in it.
 */
int mail_address_parse(const char *s, char **name, char **addr);

/* "merit.PERIOD.ID.HASH@DOMAIN": deterministic for one employee, period and
 * letter (HASH covers all three), so a resent changed letter gets a new id
 * and a re-sent identical one the same. Characters outside atext in the id
 * become '_'. domain is the part after '@' of the sender's address. */
char *mail_message_id(const char *period, const char *employee_id,
		      const char *letter_sha256, const char *from_addr);

/* RFC 5322 date "Sat, 31 Oct 2026 00:00:00 +0000" for t (UTC). */
void mail_format_date(struct strbuf *out, int64_t t);

/*
 * A mail template (templates/mail.<locale>.txt): first line "Subject: ...",
 * a blank line, then the body, in render/template.h's language. names are
 * the allowed placeholders (NULL-terminated). Errors are MERIT_CONFIG at
 * file:line:col. mail_template_render() appends the subject (trimmed) and
 * the body.
 */
struct mail_template {
	struct template *subject, *body;
};
int mail_template_load(struct mail_template *mt, const char *path,
		       const char *const *names, struct diag *d);
void mail_template_render(const struct mail_template *mt, template_lookup_fn lookup,
			  void *ctx, struct strbuf *subject, struct strbuf *body);
void mail_template_release(struct mail_template *mt);

/* ---- transport ---- */

struct mail_transport;

/* What happened to one message. */
struct mail_result {
	int sent;            /* the server accepted it (250 after DATA) */
	int permanent;       /* a 5xx or an authentication failure: do not retry */
	int fatal;           /* stop the whole batch (login denied, no server) */
	long smtp_code;      /* last reply code, 0 if none */
	int attempts;
	char reply[512];     /* last SMTP reply and curl's error, for the report */
};

/*
 * Checks the [mail] settings and reads the password (from the environment
 * variable password_env, or password_file if it is a regular file of ours
 * with mode 0600 or 0400; never from anywhere else). Returns NULL and fills
 * d (status MERIT_CONFIG, placed at cfg_path) if something is wrong: no
 * url, a url with credentials in it, an unset variable, a password file
 * others could read, a password that would cross the network in clear, or
 * a ca_file that cannot be read or holds no PEM certificate (ca_file, when
 * set, is the only CA store trusted: CURLOPT_CAINFO).
 */
struct mail_transport *mail_transport_new(const struct mail_conf *mc, const char *cfg_path,
					  struct diag *d);
void mail_transport_free(struct mail_transport *t);

/*
 * Sends msg to rcpts (envelope recipients only) from from_addr, honouring
 * the rate limit and retrying transient failures (4xx, connection errors)
 * up to mc->retries times with exponential back-off: base, 2 x base, 4 x
 * base, ... The base is 1 s; MERIT_MAIL_RETRY_BASE_MS overrides it (tests).
 * Returns 0 when sent, -1 otherwise; *r says why either way.
 */
int mail_send(struct mail_transport *t, const char *from_addr, const char *const *rcpts,
	      size_t nrcpts, const char *msg, size_t len, struct mail_result *r);

#endif
