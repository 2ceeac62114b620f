/*
 * shard: which employees one machine of N does (SPEC 12). An employee
 * belongs to shard K of N when the first 16 hex digits of SHA-256 of
 * their employee_id, read as an unsigned 64-bit number, modulo N is K:
 * stable across machines, runs and builds, and checkable by hand:
 *   python3 -c "import hashlib;print(int(hashlib.sha256(b'E1001').hexdigest()[:16],16)%3)"
 *
 * --shard K/N (0 <= K < N, N <= SHARD_MAX) or --shard auto, which reads a
 * Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with the count in
 * MERIT_SHARDS: set it to the Job's .spec.completions) or a Slurm job
 * array (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of
 * SLURM_ARRAY_TASK_COUNT; MIN defaults to 0).
 *
 *   struct shard s;
 *   if (shard_parse("2/8", &s, d) < 0) ...;     // s.k = 2, s.n = 8
 *   if (shard_has(&s, e->id)) ... this machine's
 */
#ifndef MERIT_SHARD_H
#define MERIT_SHARD_H

struct diag;

#define SHARD_MAX 100000

struct shard {
	unsigned k, n;     /* n == 0: no sharding, everyone */
};

/* "K/N" or "auto"; -1 with MERIT_USAGE in d (what is wrong and a hint). */
int shard_parse(const char *arg, struct shard *s, struct diag *d);
/* 1 if the employee id belongs to shard s (always, when s->n is 0). */
int shard_has(const struct shard *s, const char *employee_id);
/* "K-of-N", for file names. */
void shard_name(const struct shard *s, char out[32]);

#endif
