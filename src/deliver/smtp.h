/*
 * smtp: the transport of finished messages over SMTP (the only libcurl
 * user).
 *
 * struct smtp_transport is a heap object (smtp_transport_new /
 * smtp_transport_free) that owns the curl handle and the password, which
 * it wipes when freed.
 *
 *   struct smtp_transport *t = smtp_transport_new(&cfg->mail, cfg_path, &d);
 *   smtp_send(t, m.from_addr, rcpts, nrcpts, msg.buf, msg.len, &result);
 *   smtp_transport_free(t);
 */
#ifndef MERIT_SMTP_H
#define MERIT_SMTP_H

#include <stddef.h>

struct diag;
struct mail_conf;

struct smtp_transport;

/* What happened to one message. */
struct smtp_result {
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
struct smtp_transport *smtp_transport_new(const struct mail_conf *mc, const char *cfg_path,
					  struct diag *d);
void smtp_transport_free(struct smtp_transport *t);

/* Whether the URL's host is this machine: `localhost`, 127.0.0.0/8, ::1. */
int smtp_url_is_loopback(const char *url);

/* The retry delay after `delay` ms: doubled, at most 5 minutes (without the
 * ceiling the 20th retry slept ~6 days and a long overflowed after ~53). */
long smtp_next_delay(long delay);

/* Overwrites with '*' every occurrence in text of each of the n secrets
 * (NULL entries skipped; forms after the first shorter than 4 ignored). */
void smtp_mask_secrets(char *text, const char *const *secrets, size_t n);

/*
 * Sends msg to rcpts (envelope recipients only) from from_addr, honouring
 * the rate limit and retrying transient failures (4xx, connection errors)
 * up to mc->retries times with exponential back-off: base, 2 x base, 4 x
 * base, ... The base is 1 s; MERIT_MAIL_RETRY_BASE_MS overrides it (tests).
 * Returns 0 when sent, -1 otherwise; *r says why either way.
 */
int smtp_send(struct smtp_transport *t, const char *from_addr, const char *const *rcpts,
	      size_t nrcpts, const char *msg, size_t len, struct smtp_result *r);

#endif
