/*
 * Unit tests of src/compute/teams.c: who gets a team pack. A, B and F
 * name M as their manager, but B is out of scope this period; C names
 * itself and D an unknown id (no team either way); E reports to A. So M's
 * team is A and F (HR order), A's is E, and nobody else has one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "compute/teams.h"
#include "config.h"
#include "model.h"
#include "util/strbuf.h"

#include "../support/fixture.h"

static void test_teams(void **state)
{
	static const struct { const char *id, *mgr; int in_scope; } rows[] = {
		{ "M", "", 1 }, { "A", "M", 1 }, { "B", "M", 0 }, { "C", "C", 1 },
		{ "D", "X404", 1 }, { "E", "A", 1 }, { "F", "M", 1 },
	};
	struct config cfg;
	struct company c;
	size_t i;
	(void)state;
	fixture_config_init(&cfg);
	fixture_company_init(&c, "2026-10");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct employee *e = fixture_add_employee(&c, NULL, rows[i].id, NULL);
		e->manager_id = xstrdup(rows[i].mgr);
		e->in_scope = rows[i].in_scope;
	}
	assert_int_equal(company_team_size(&c, 0), 0);     /* before teams_compute */
	teams_compute(&c);
	/* M: A and F (B is out of scope); A: E. C naming itself and D naming
	 * nobody known make no team. */
	assert_int_equal(c.nmanagers, 2);
	assert_int_equal(company_team_size(&c, 0), 2);
	assert_int_equal(c.team_idx[c.team_start[0]], 1);        /* A, HR order */
	assert_int_equal(c.team_idx[c.team_start[0] + 1], 6);    /* F */
	assert_int_equal(company_team_size(&c, 1), 1);
	assert_int_equal(c.team_idx[c.team_start[1]], 5);        /* E */
	for (i = 2; i < 7; i++)
		assert_int_equal(company_team_size(&c, i), 0);
	fixture_release(&cfg, &c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_teams),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
