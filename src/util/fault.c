/*
 * fault: see fault.h. Only the test build (-DMERIT_TESTING) has a body.
 */
#include "util/fault.h"

#ifdef MERIT_TESTING
#include <signal.h>
#include <stdlib.h>
#include <string.h>

int fault_fail(const char *name)
{
	const char *f = getenv("MERIT_FAULT");
	return f && !strcmp(f, name);
}

void fault_point(const char *name)
{
	if (fault_fail(name))
		raise(SIGKILL);
}
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int fault_unused;
#endif
