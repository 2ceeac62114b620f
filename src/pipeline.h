/*
 * pipeline: config -> period -> ingest -> compute, shared by run, validate,
 * explain and mail. Rendering and delivery are the callers' business.
 *
 *   struct pipeline p;
 *   if (pipeline_load(&p, "merit.ini", "2026-10", NULL, d) < 0)   // config, period, inputs
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

struct diag;

struct pipeline {
	struct config cfg;
	struct company company;
	int have_cfg, have_company;
	/* Set before pipeline_compute() when no letter will be rendered: the
	 * review rows (only letters read them after metrics) are freed early. */
	int no_letters;
	/* Set before pipeline_compute() by explain: turnover and review360
	 * values keep their parts (company_detail), 80 bytes a value. */
	int keep_details;
	char *output_root;        /* -o or [run] output_dir, resolved */
	char inputs_hash[65];     /* SHA-256 over the config and every input's hash */
};

/* Both halves below, for commands that need no lock in between. */
int pipeline_load(struct pipeline *p, const char *config_path, const char *period,
		  const char *output_dir, struct diag *d);
/*
 * The config at config_path, the period (period, else [run] period; "auto"
 * allowed), the document time and the output root (output_dir, else [run]
 * output_dir); no input is read yet. A bad period given here is a usage
 * error (64), one from the config a config error (78).
 */
int pipeline_load_config(struct pipeline *p, const char *config_path, const char *period,
			 const char *output_dir, struct diag *d);
/* Every input into the company, and the inputs hash. */
int pipeline_load_inputs(struct pipeline *p, struct diag *d);
int pipeline_compute(struct pipeline *p, struct diag *d);
void pipeline_release(struct pipeline *p);

#endif
