/*
 * teams: who manages whom, for the managers' team packs (SPEC 11).
 */
#ifndef MERIT_TEAMS_H
#define MERIT_TEAMS_H

struct company;

/*
 * Fills company.team_start / team_idx / nmanagers from each in-scope
 * employee's manager_id (an HR employee id; unknown ids and employees who
 * name themselves are no one's report). Call after scope_compute().
 */
void teams_compute(struct company *c);

#endif
