/*
 * threads: the thread count of the parallel stages (threads.h).
 */
#include "util/threads.h"
#include "util/num.h"

#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

int threads_count(void)
{
	const char *env = getenv("MERIT_THREADS");
	cpu_set_t set;
	long long v;
	long n;
	if (env && *env && num_parse_int(env, 1, 1024, &v) == NUM_OK)
		return (int)v;
	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set) < 1024 ? CPU_COUNT(&set) : 1024;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)(n < 1024 ? n : 1024) : 1;
}
