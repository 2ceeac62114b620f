/*
 * teams: the direct reports of every manager, as one index over the
 * employees (a counting sort by manager), so that the team packs and
 * `merit mail --managers` read teams from the model instead of each
 * matching manager ids again.
 */
#include "compute/teams.h"
#include "model.h"
#include "util/strbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The index of e's manager, or SIZE_MAX when e is nobody's in-scope report. */
static size_t manager_of(const struct company *c, size_t i)
{
	const struct employee *e = &c->emps[i];
	long m;
	if (!e->in_scope || !e->manager_id || !*e->manager_id)
		return SIZE_MAX;
	m = company_find(c, e->manager_id);
	return m < 0 || (size_t)m == i ? SIZE_MAX : (size_t)m;
}

void teams_compute(struct company *c)
{
	size_t i, n = c->nemps, *mgr, *pos;

	free(c->team_start);
	free(c->team_idx);
	c->team_start = xcalloc(n + 2, sizeof(*c->team_start));
	c->team_idx = xcalloc(n + 1, sizeof(*c->team_idx));
	c->nmanagers = 0;
	mgr = xmalloc((n + 1) * sizeof(*mgr));
	for (i = 0; i < n; i++) {
		mgr[i] = manager_of(c, i);
		if (mgr[i] != SIZE_MAX)
			c->team_start[mgr[i] + 1]++;
	}
	for (i = 0; i < n; i++) {
		c->nmanagers += c->team_start[i + 1] != 0;
		c->team_start[i + 1] += c->team_start[i];
	}
	pos = xmalloc((n + 1) * sizeof(*pos));
	memcpy(pos, c->team_start, (n + 1) * sizeof(*pos));
	/* HR order within each team: the order the HR export lists people. */
	for (i = 0; i < n; i++)
		if (mgr[i] != SIZE_MAX)
			c->team_idx[pos[mgr[i]]++] = i;
	free(pos);
	free(mgr);
}
