/*
 * fuzz_template: libFuzzer harness for src/render/template.c: a letter
 * template (template_parse, then template_render) and a template set
 * (template_set_load) on arbitrary text.
 *
 * The first input byte picks which of the letter's names are set when
 * rendering (bit i sets names[i], to "0" when bit 7 is also set); the rest
 * is the template. Checked: no crash, UB or leak; a template that parses
 * with the name list also parses with no list (NULL allows any name);
 * rendering is deterministic (letters render in parallel from one parse)
 * and its output holds no more than the text plus the values inserted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "render/template.h"
#include "util/diag.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A few of the names templates/letter.*.txt use. */
static const char *const names[] = { "name", "warning", "reviews", "bonus", "period",
				     "kpi.name", "rating", NULL };

/* Every placeholder could insert at most this much. */
#define VALUE "Li Na {{x}}"

static void render_checks(const struct template *t, struct template_vars *v, size_t len)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	template_render(t, template_vars_lookup, v, &a);
	template_render(t, template_vars_lookup, v, &b);
	CHECK(a.len == b.len && !memcmp(a.buf, b.buf, a.len));
	/* Each "{{x}}" of at least 5 bytes inserts at most sizeof(VALUE). */
	CHECK(a.len <= len + (len / 5 + 1) * sizeof(VALUE));
	strbuf_release(&a);
	strbuf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct template_vars v;
	struct template *t, *any;
	struct template_set *set;
	struct diag d;
	const char *text, *path;
	size_t len, i;
	if (size < 1)
		return 0;
	text = (const char *)data + 1;
	len = size - 1;
	template_vars_init(&v);
	for (i = 0; names[i]; i++)
		if (data[0] & (1u << i))
			template_vars_set(&v, names[i], data[0] & 0x80 ? "0" : VALUE);

	diag_init(&d);
	t = template_parse(text, len, "fuzz.txt", 1, names, &d);
	CHECK(t || d.status == MERIT_CONFIG);
	diag_release(&d);

	diag_init(&d);
	any = template_parse(text, len, "fuzz.txt", 1, NULL, &d);
	CHECK(any || d.status == MERIT_CONFIG);
	CHECK(!t || any);
	diag_release(&d);
	if (any)
		render_checks(any, &v, len);
	template_free(t);
	template_free(any);

	path = fuzz_write("phrases.ini", text, len);
	diag_init(&d);
	set = template_set_load(path, NULL, &d);
	CHECK(set || d.status == MERIT_CONFIG);
	if (set) {
		const struct template *one = template_set_get(set, "letter.greeting");
		if (one)
			render_checks(one, &v, len);
	}
	template_set_free(set);
	diag_release(&d);
	template_vars_release(&v);
	return 0;
}
