/*
 * render: the output files of a run (SPEC 10). Each writer only reads the
 * model and writes one kind of file at the path it is given (inside the
 * run's temporary directory); files holding pay are created 0600.
 */
#ifndef MERIT_RENDER_H
#define MERIT_RENDER_H

#include "util/shard.h"

#include <stddef.h>

struct company;
struct config;
struct diag;
struct strbuf;

/* results.csv: the fixed first columns of SPEC 10, then more. */
int results_csv_write(const struct company *c, const struct config *cfg, const char *path,
		      struct diag *d);

/* The flags as "warning;role_review;..." (fixed order), for text outputs. */
void results_flags_text(unsigned flags, struct strbuf *sb);

/* merit-<period>.xlsx */
int xlsx_write(const struct company *c, const struct config *cfg, const char *path,
	       struct diag *d);

/* letters/<employee_id>.pdf for every in-scope employee, `jobs` in parallel. */
int letters_write(const struct company *c, const struct config *cfg, const char *dir,
		  int jobs, struct diag *d);

/*
 * What letters_write() loads before writing anything: the letter and team
 * pack templates, the phrase files, the password column and the font.
 * `merit validate` calls it so that it fails where `run` would.
 */
int letters_check(const struct config *cfg, struct diag *d);

/* What letters_write_opts() does; zero means the default. */
struct letters_opts {
	const char *dir;        /* where the files go (created 0700) */
	const char *shown_dir;  /* the folder messages name: the published one
				   when dir is a run's temporary folder */
	const char *pack_dir;   /* not NULL: also managers/<manager_id>.pdf, a team
				   pack per manager with an in-scope direct report
				   (SPEC 11), written by the same workers */
	const char *pack_shown_dir;
	int jobs;               /* workers; 0: [letters] jobs, else the online CPUs */
	struct shard shard;     /* only the letters and packs of this shard (SPEC 12);
				   n = 0: all */
	/* Not NULL: a record of the documents written, one "letters/<name>
	 * <sha256>" line each, appended as they are written, under a first line
	 * naming record_key (the run whose results they show). A document the
	 * record lists whose file still has that SHA-256 is not written again,
	 * so a killed shard is simply re-run (and removes the temporary files
	 * a kill left of its own documents); a record of another run is
	 * started afresh. */
	const char *record;
	const char *record_key;
	size_t written, skipped;     /* out: documents written / kept from the record */
};

/* letters_write() with every option; each letter is written atomically. */
int letters_write_opts(const struct company *c, const struct config *cfg,
		       struct letters_opts *o, struct diag *d);

/* `merit explain`: how one employee's result was computed, as text. */
void explain_employee(const struct company *c, const struct config *cfg, size_t emp,
		      struct strbuf *out);

#endif
