/*
 * mime: one review letter as an RFC 5322 / MIME message.
 *
 * Building is pure: mime_build() turns a struct mime_message into bytes
 * (CRLF line ends, headers with RFC 2047 encoded-words for any non-ASCII
 * text, multipart/mixed with a base64 UTF-8 text part and the PDF as a
 * base64 attachment). Nothing in a header comes from data unencoded unless
 * it is plain printable ASCII, so a name holding CR/LF cannot add headers.
 *
 * Ownership: struct mime_message only borrows its strings; mime_build()
 * appends to a caller-owned strbuf.
 *
 *   struct mime_message m = { .from_addr = "hr@example.com", ... };
 *   struct strbuf msg = STRBUF_INIT;
 *   mime_build(&m, &msg);
 */
#ifndef MERIT_MIME_H
#define MERIT_MIME_H

#include <stddef.h>
#include <stdint.h>

struct strbuf;

struct mime_message {
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
void mime_build(const struct mime_message *m, struct strbuf *out);

/*
 * Appends text as RFC 2047 encoded-words ("=?UTF-8?B?...?="), each at most
 * 75 characters and never splitting a UTF-8 character, folded with CRLF SP.
 * `used` is how many characters the header line already holds, so the
 * first word still fits in 78.
 */
void mime_encode_words(struct strbuf *out, const char *text, size_t used);

/* 1 if s is a plain ASCII addr-spec we are willing to put in RCPT TO:
 * dot-atom local part, '@', a domain of LDH labels with at least one dot. */
int mime_address_valid(const char *s);

/*
 * Splits "Name <addr>" (or a bare "addr") into a malloc'ed name (NULL when
 * there is none) and a malloc'ed address. Returns -1 if there is no valid
 * address in it.
 */
int mime_address_parse(const char *s, char **name, char **addr);

/* "merit.PERIOD.ID.HASH@DOMAIN": deterministic for one employee, period and
 * letter (HASH covers all three), so a resent changed letter gets a new id
 * and a re-sent identical one the same. Characters outside atext in the id
 * become '_'. domain is the part after '@' of the sender's address. */
char *mime_message_id(const char *period, const char *employee_id,
		      const char *letter_sha256, const char *from_addr);

/* RFC 5322 date "Sat, 31 Oct 2026 00:00:00 +0000" for t (UTC). */
void mime_format_date(struct strbuf *out, int64_t t);

#endif
