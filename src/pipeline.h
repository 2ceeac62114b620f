/*
 * pipeline: config -> period -> ingest -> compute, shared by run, validate,
 * explain and mail. Rendering and delivery are the callers' business.
 *
 *   struct pipeline p;
 *   if (pipeline_load(&p, opts, d) < 0)      // config, period, inputs
 *           goto out;
 *   if (pipeline_compute(&p, d) < 0)         // scope .. bonus, history flags
 *           goto out;
 *   ...
 *   out: pipeline_release(&p);
 */
#ifndef MERIT_PIPELINE_H
#define MERIT_PIPELINE_H

#include "config.h"
#include "model.h"

struct cmd_opts;
struct diag;

struct pipeline {
	struct config cfg;
	struct company company;
	int have_cfg, have_company;
	char *output_root;        /* -o or [run] output_dir, resolved */
	char inputs_hash[65];     /* SHA-256 over the config and every input's hash */
};

/* Both halves below, for commands that need no lock in between. */
int pipeline_load(struct pipeline *p, const struct cmd_opts *o, struct diag *d);
/* Config, period, document time and output root; no input is read yet. */
int pipeline_load_config(struct pipeline *p, const struct cmd_opts *o, struct diag *d);
/* Every input into the company, and the inputs hash. */
int pipeline_load_inputs(struct pipeline *p, struct diag *d);
int pipeline_compute(struct pipeline *p, struct diag *d);
void pipeline_release(struct pipeline *p);

#endif
