/*
 * cmd: the subcommands. main.c parses the command line into struct
 * cmd_opts, calls one cmd_<name>(), prints the diag and exits with the
 * returned status (enum merit_status).
 */
#ifndef MERIT_CMD_H
#define MERIT_CMD_H

#include "schema.h"

struct diag;

struct cmd_opts {
	const char *config;       /* -c FILE (required) */
	const char *period;       /* -p PERIOD, NULL: [run] period */
	const char *output_dir;   /* -o DIR, NULL: [run] output_dir */
	int jobs;                 /* -j N, 0: [letters] jobs or the number of CPUs */
	int no_letters;           /* --no-letters */
	int dry_run;              /* --dry-run */
	int quiet;                /* -q: nothing on stdout/stderr on success */
	int verbose;              /* -v */
	int resend;               /* mail --resend */
	int managers;             /* mail --managers: team packs instead of letters */
	const char *by;           /* approve --by NAME */
	const char **only;        /* mail --only ID (repeatable) */
	int nonly;
	const char *inputs[INPUT_COUNT];   /* init: --hr, --sales, ... FILE (enum input_kind order) */
	int force;                /* init --force: replace an existing file */
	const char *shard;        /* letters, mail: --shard K/N or auto (SPEC 12) */
	const char **args;        /* positional arguments after the subcommand */
	int nargs;
};

int cmd_run(const struct cmd_opts *o, struct diag *d);
int cmd_validate(const struct cmd_opts *o, struct diag *d);
int cmd_explain(const struct cmd_opts *o, struct diag *d);
int cmd_history(const struct cmd_opts *o, struct diag *d);
int cmd_mail(const struct cmd_opts *o, struct diag *d);
int cmd_init(const struct cmd_opts *o, struct diag *d);
int cmd_approve(const struct cmd_opts *o, struct diag *d);
int cmd_status(const struct cmd_opts *o, struct diag *d);
int cmd_letters(const struct cmd_opts *o, struct diag *d);

#endif
