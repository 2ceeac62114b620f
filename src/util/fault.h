/*
 * fault: kill points for the tests (a SQLite habit). In a build made with
 * -DMERIT_TESTING (out/build/merit-test, the binary the fault tests use),
 * MERIT_FAULT=NAME in the environment kills the process with SIGKILL at the
 * point NAME, so the atomic-output promise is tested at the worst moments
 * instead of being hoped for; fault_fail(NAME) lets a test make one step
 * fail that cannot be made to fail from outside. The release binary has no such hook: the
 * calls compile to nothing and the variable is never read.
 */
#ifndef MERIT_FAULT_H
#define MERIT_FAULT_H

#ifdef MERIT_TESTING
void fault_point(const char *name);
/* 1 when MERIT_FAULT=NAME: the caller then fails the way NAME says. */
int fault_fail(const char *name);
#else
static inline void fault_point(const char *name)
{
	(void)name;
}

static inline int fault_fail(const char *name)
{
	(void)name;
	return 0;
}
#endif

#endif
