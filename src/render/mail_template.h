/*
 * mail_template: the text of a review mail (templates/mail.<locale>.txt):
 * first line "Subject: ...", a blank line, then the body, in
 * render/template.h's language. names are the allowed placeholders
 * (NULL-terminated). Errors are MERIT_CONFIG at file:line:col.
 * mail_template_render() appends the subject (trimmed, on one line) and
 * the body. The struct owns its two parsed templates:
 * mail_template_release() frees them.
 */
#ifndef MERIT_MAIL_TEMPLATE_H
#define MERIT_MAIL_TEMPLATE_H

#include "render/template.h"

struct diag;
struct strbuf;

struct mail_template {
	struct template *subject, *body;
};
int mail_template_load(struct mail_template *mt, const char *path,
		       const char *const *names, struct diag *d);
void mail_template_render(const struct mail_template *mt, template_lookup_fn lookup,
			  void *ctx, struct strbuf *subject, struct strbuf *body);
void mail_template_release(struct mail_template *mt);

#endif
