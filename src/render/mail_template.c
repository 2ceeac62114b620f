/*
 * mail_template: the text of one review mail (templates/mail.<locale>.txt):
 * a "Subject: ..." line, a blank line, then the body, both in
 * render/template.h's language. deliver/mailing.c fills it per employee.
 */
#include "render/mail_template.h"
#include "render/template.h"
#include "util/diag.h"
#include "util/strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Mail templates: "Subject: ..." on line 1, a blank line, the body; the
 * two halves are parsed as separate templates of render/template.h so
 * their messages keep the file's own line numbers. */
int mail_template_load(struct mail_template *mt, const char *path,
		       const char *const *names, struct diag *d)
{
	struct strbuf raw = STRBUF_INIT;
	char *text, *nl;
	size_t i, j;
	int ret = -1, rc;
	memset(mt, 0, sizeof(*mt));
	/* Twice the limit raw: CRs are dropped before the size counts. */
	rc = strbuf_read_file(&raw, path, 2 * 65536);
	if (rc == -1 || (rc < 0 && errno != EFBIG)) {
		diag_error(d, MERIT_CONFIG, path, 0, 0, "cannot %s mail template: %s",
			   rc == -1 ? "open" : "read", strerror(errno));
		goto out;
	}
	/* Templates saved on Windows: drop the CRs, keep the text. */
	for (i = j = 0; i < raw.len; i++)
		if (raw.buf[i] != '\r')
			raw.buf[j++] = raw.buf[i];
	raw.len = j;
	raw.buf[j] = '\0';
	if (rc < 0 || raw.len > 65536) {
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
