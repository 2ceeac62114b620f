/*
 * shard: parsing --shard and the employee -> shard mapping (shard.h).
 */
#include "util/shard.h"
#include "util/diag.h"
#include "util/num.h"
#include "util/sha256.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bad(struct diag *d, const char *what, const char *hint)
{
	diag_error(d, MERIT_USAGE, NULL, 0, 0, "--shard: %s", what);
	diag_hint(d, "%s", hint);
	return -1;
}

/* A whole number in [lo, hi] from an environment variable; -1 if unset. */
static int env_num(const char *name, long long lo, long long hi, long long *v, struct diag *d)
{
	const char *s = getenv(name);
	if (!s || !*s)
		return -1;
	if (num_parse_int(s, lo, hi, v) != NUM_OK) {
		diag_error(d, MERIT_USAGE, NULL, 0, 0, "--shard auto: %s='%s' is not a number "
			   "from %lld to %lld", name, s, lo, hi);
		return -2;
	}
	return 0;
}

static int parse_auto(struct shard *s, struct diag *d)
{
	long long k, n, min = 0;
	int rc = env_num("JOB_COMPLETION_INDEX", 0, SHARD_MAX - 1, &k, d);
	if (rc == -2)
		return -1;
	if (rc == 0) {
		if ((rc = env_num("MERIT_SHARDS", 1, SHARD_MAX, &n, d)) == -2)
			return -1;
		if (rc < 0)
			return bad(d, "auto: JOB_COMPLETION_INDEX is set but MERIT_SHARDS is not",
				   "set MERIT_SHARDS to the Job's .spec.completions (see README)");
	} else if ((rc = env_num("SLURM_ARRAY_TASK_ID", 0, 1LL << 31, &k, d)) == 0) {
		if (env_num("SLURM_ARRAY_TASK_MIN", 0, 1LL << 31, &min, d) == -2 ||
		    (rc = env_num("SLURM_ARRAY_TASK_COUNT", 1, SHARD_MAX, &n, d)) == -2)
			return -1;
		if (rc < 0)
			return bad(d, "auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT "
				      "is not", "run it as a Slurm job array (sbatch --array=0-N)");
		k -= min;
	} else if (rc == -2) {
		return -1;
	} else {
		return bad(d, "auto: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor "
			      "SLURM_ARRAY_TASK_ID (Slurm job array) is set",
			   "give the shard as --shard K/N, e.g. --shard 0/4");
	}
	if (k < 0 || k >= n) {
		diag_error(d, MERIT_USAGE, NULL, 0, 0, "--shard auto: index %lld is not below the "
			   "count %lld", k, n);
		diag_hint(d, "a Slurm array must be contiguous (--array=0-%lld); MERIT_SHARDS must "
			  "equal the Job's completions", n - 1);
		return -1;
	}
	s->k = (unsigned)k;
	s->n = (unsigned)n;
	return 0;
}

int shard_parse(const char *arg, struct shard *s, struct diag *d)
{
	const char *slash;
	long long k, n;
	char kbuf[24];
	memset(s, 0, sizeof(*s));
	if (!strcmp(arg, "auto"))
		return parse_auto(s, d);
	slash = strchr(arg, '/');
	if (!slash || (size_t)(slash - arg) >= sizeof(kbuf))
		return bad(d, "wants K/N or auto", "e.g. --shard 0/4 ... --shard 3/4 (K counts from 0)");
	memcpy(kbuf, arg, (size_t)(slash - arg));
	kbuf[slash - arg] = '\0';
	if (num_parse_int(slash + 1, 1, SHARD_MAX, &n) != NUM_OK)
		return bad(d, "N (the number of shards) must be a whole number from 1 to 100000",
			   "e.g. --shard 0/4");
	if (num_parse_int(kbuf, 0, n - 1, &k) != NUM_OK) {
		diag_error(d, MERIT_USAGE, NULL, 0, 0, "--shard %s: K must be a whole number from 0 "
			   "to %lld", arg, n - 1);
		diag_hint(d, "shards count from 0: --shard 0/%lld ... --shard %lld/%lld", n, n - 1, n);
		return -1;
	}
	s->k = (unsigned)k;
	s->n = (unsigned)n;
	return 0;
}

int shard_has(const struct shard *s, const char *employee_id)
{
	char hex[65];
	uint64_t h;
	if (s->n <= 1)
		return 1;
	sha256_hex(employee_id, strlen(employee_id), hex);
	hex[16] = '\0';
	h = strtoull(hex, NULL, 16);
	return h % s->n == s->k;
}

void shard_name(const struct shard *s, char out[32])
{
	snprintf(out, 32, "%u-of-%u", s->k, s->n);
}
