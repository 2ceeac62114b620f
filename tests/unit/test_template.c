/*
 * Unit tests of src/render/template.c beyond the letters' own: inputs the
 * fuzzer found (a NUL byte inside a tag), and the error places.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "render/template.h"
#include "util/diag.h"
#include "util/strbuf.h"

/* "{{" followed by a NUL byte was taken as a tag kind (strchr matches the
 * terminator) and "{{\0name}}" rendered as {{name}}. */
static void test_nul_after_open_is_an_error(void **state)
{
	static const char text[] = "Hi {{\0name}}!";
	struct diag d;
	struct template *t;
	(void)state;
	diag_init(&d);
	t = template_parse(text, sizeof(text) - 1, "t.txt", 1, NULL, &d);
	assert_null(t);
	assert_int_equal(d.status, MERIT_CONFIG);
	assert_non_null(strstr(d.msgs[0].where, "t.txt:1:4"));
	diag_release(&d);
}

static void test_unclosed_section_names_its_line(void **state)
{
	static const char text[] = "Dear {{name}},\n{{#warning}}\nwatch out\n";
	struct diag d;
	struct template *t;
	(void)state;
	diag_init(&d);
	t = template_parse(text, sizeof(text) - 1, "letter.en.txt", 1, NULL, &d);
	assert_null(t);
	assert_int_equal(d.status, MERIT_CONFIG);
	assert_non_null(strstr(d.msgs[0].where, "letter.en.txt:2:"));
	diag_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nul_after_open_is_an_error),
		cmocka_unit_test(test_unclosed_section_names_its_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
