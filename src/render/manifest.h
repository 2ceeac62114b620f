/*
 * manifest: out/<period>/manifest.json — what a run read and wrote, for
 * audit: version, period, config hash, every input's SHA-256 and row count,
 * every output's SHA-256, warnings and timings.
 *
 * Timings are the only thing that differs between two runs of the same
 * inputs; with SOURCE_DATE_EPOCH set they are left out, so the whole output
 * folder is byte-identical.
 */
#ifndef MERIT_MANIFEST_H
#define MERIT_MANIFEST_H

#include <stddef.h>

struct company;
struct config;
struct diag;

struct manifest_timing {
	const char *stage;
	double ms;
};

struct manifest {
	char run_id[17];          /* derived from the inputs: the same inputs, the same id */
	struct manifest_timing timings[8];
	size_t ntimings;
};

void manifest_init(struct manifest *m);
void manifest_release(struct manifest *m);
void manifest_timing(struct manifest *m, const char *stage, double ms);
/* The run id of period c with these inputs (what manifest_write() records). */
void manifest_run_id(const struct company *c, const char *inputs_hash, char out[17]);
/* The run id recorded in dir/manifest.json; -1 if there is none. */
int manifest_published_run_id(const char *dir, char out[17]);
/* Hashes every file under dir and writes dir/manifest.json; also sets run_id. */
int manifest_write(struct manifest *m, const struct config *cfg, const struct company *c,
		   const char *inputs_hash, const char *dir, struct diag *d);

#endif
