/*
 * main: the command line. Parses arguments into struct cmd_opts, calls one
 * cmd_<name>(), prints the collected diagnostics and exits with the status
 * (sysexits numbers, SPEC section 2). The only place that turns a struct diag
 * into text.
 */
#include "cmd.h"
#include "util/diag.h"
#include "util/log.h"
#include "util/num.h"
#include "util/strbuf.h"

#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: merit run      -c FILE [-p PERIOD] [-o DIR] [-j JOBS] [--no-letters] [--dry-run]\n"
	"       merit validate -c FILE [-p PERIOD]\n"
	"       merit explain  -c FILE [-p PERIOD] EMPLOYEE_ID\n"
	"       merit history  -c FILE EMPLOYEE_ID\n"
	"       merit mail     -c FILE [-p PERIOD] [--dry-run] [--only EMPLOYEE_ID]... [--resend]\n"
	"                      [--managers] [--shard K/N|auto]\n"
	"       merit letters  -c FILE -p PERIOD [--shard K/N|auto] [-j JOBS]\n"
	"       merit init     --hr FILE --sales FILE [--targets FILE] [--metrics FILE]\n"
	"                      [--reviews FILE] [--training FILE] [-o FILE] [--force]\n"
	"       merit approve  -c FILE -p PERIOD --by NAME\n"
	"       merit status   -c FILE -p PERIOD\n"
	"       merit --help | --version\n";

static const char help_text[] =
	"\n"
	"Month-end performance reports: KPIs, scores, ratings, fair normalisation,\n"
	"bonuses to the cent, an XLSX workbook and a PDF letter per employee.\n"
	"\n"
	"commands:\n"
	"  run        compute and write out/<period>/ (results.csv, workbook, letters,\n"
	"             managers' team packs, manifest)\n"
	"  validate   check the config and every input; change nothing\n"
	"  explain    show how one employee's result was computed\n"
	"  history    an employee's past periods from the ledger\n"
	"  mail       send every employee their letter over SMTP (--managers: every\n"
	"             manager their team pack); an approved period only\n"
	"  approve    finance sign-off: records who approved which files of a period\n"
	"  status     run, approval and mailing state of a period, one line each\n"
	"  init       write a starter config from the exports (CSV or .xlsx)\n"
	"  letters    the letters and team packs of one shard, into the period\n"
	"             `run --no-letters` published (several machines: README)\n"
	"\n"
	"options:\n"
	"  -c, --config FILE   the INI file (required)\n"
	"  -p, --period P      2026-10 | 2026-Q4 | 2026 | auto (last complete month)\n"
	"  -o, --output DIR    output root (default: [run] output_dir);\n"
	"                      init: the config file to write (default merit.ini)\n"
	"      --hr FILE ...   init: the exports (--sales, --targets, --metrics,\n"
	"                      --reviews, --training)\n"
	"      --force         init: replace an existing config file\n"
	"  -j, --jobs N        parallel letter (and team pack) workers\n"
	"      --no-letters    skip the PDF letters and the managers' team packs\n"
	"      --dry-run       run: compute and render, publish nothing;\n"
	"                      mail: write .eml files instead of sending\n"
	"      --only ID       mail: only this employee (repeatable)\n"
	"      --resend        mail: resend letters that changed since they were sent\n"
	"      --managers      mail: the team packs to the managers, not the letters\n"
	"      --by NAME       approve: who signs off\n"
	"      --shard K/N     letters, mail: only shard K (0..N-1) of N, by employee id;\n"
	"                      auto: from a Kubernetes Indexed Job or a Slurm array\n"
	"  -q, --quiet         print nothing but errors\n"
	"  -v, --verbose       also print warnings and notes\n"
	"  -h, --help          this text\n"
	"  -V, --version       the version\n"
	"\n"
	"exit codes: 0 ok, 64 usage, 65 bad input data, 66 input missing,\n"
	"70 internal, 73 cannot create output, 75 another run holds the lock,\n"
	"77 not approved (mail), 78 bad configuration.\n";

enum { OPT_NO_LETTERS = 256, OPT_DRY_RUN, OPT_ONLY, OPT_RESEND, OPT_BY, OPT_FORCE, OPT_MANAGERS,
       OPT_SHARD, OPT_INPUT };    /* OPT_INPUT + enum input_kind: init --hr ... --training */

static const struct option long_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "period", required_argument, NULL, 'p' },
	{ "output", required_argument, NULL, 'o' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "no-letters", no_argument, NULL, OPT_NO_LETTERS },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "resend", no_argument, NULL, OPT_RESEND },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "managers", no_argument, NULL, OPT_MANAGERS },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "hr", required_argument, NULL, OPT_INPUT + 0 },
	{ "sales", required_argument, NULL, OPT_INPUT + 1 },
	{ "targets", required_argument, NULL, OPT_INPUT + 2 },
	{ "metrics", required_argument, NULL, OPT_INPUT + 3 },
	{ "reviews", required_argument, NULL, OPT_INPUT + 4 },
	{ "training", required_argument, NULL, OPT_INPUT + 5 },
	{ "by", required_argument, NULL, OPT_BY },
	{ NULL, 0, NULL, 0 },
};

struct command {
	const char *name;
	int (*fn)(const struct cmd_opts *, struct diag *);
	int min_args, max_args;
};

static const struct command commands[] = {
	{ "run", cmd_run, 0, 0 },
	{ "validate", cmd_validate, 0, 0 },
	{ "explain", cmd_explain, 1, 1 },
	{ "history", cmd_history, 1, 1 },
	{ "mail", cmd_mail, 0, 0 },
	{ "init", cmd_init, 0, 0 },
	{ "approve", cmd_approve, 0, 0 },
	{ "status", cmd_status, 0, 0 },
	{ "letters", cmd_letters, 0, 0 },
};

/* The commit comes from the Makefile (git rev-parse, "unknown" when built
 * from a tarball without .git), so a report can be traced to its source. */
#ifndef MERIT_COMMIT
#define MERIT_COMMIT "unknown"
#endif

static void print_version(void)
{
	printf("merit %s (commit %s)\n", MERIT_VERSION, MERIT_COMMIT);
}

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	fputs("merit: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage_text, stderr);
	return MERIT_USAGE;
}

/* What parse_args() returns when the command should run; anything else is
 * the exit status (0 after --help or --version, MERIT_USAGE). */
#define ARGS_RUN (-1)

static void print_help(void)
{
	fputs(usage_text, stdout);
	fputs(help_text, stdout);
}

/*
 * Fills *o and *cmd from the command line. Options before the command may
 * only be --help and --version; the command's own options come after it.
 * o->only must have room for argc entries.
 */
static int parse_args(int argc, char **argv, struct cmd_opts *o, const struct command **cmd)
{
	size_t i;
	int c;
	long long jobs;

	opterr = 0;
	/* "+" stops at the first non-option, so options after the subcommand
	 * are parsed in a second pass below, and before it in this one. */
	while ((c = getopt_long(argc, argv, "+hV", long_opts, NULL)) != -1) {
		if (c == 'h') {
			print_help();
			return 0;
		}
		if (c == 'V') {
			print_version();
			return 0;
		}
		return usage_error("'%s' must come after the command", argv[optind - 1]);
	}
	if (optind >= argc)
		return usage_error("no command given%s", "");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[optind], commands[i].name))
			*cmd = &commands[i];
	if (!*cmd)
		return usage_error("unknown command '%s'", argv[optind]);
	argc -= optind;
	argv += optind;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:p:o:j:qvhV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 'p': o->period = optarg; break;
		case 'o':
			if (!*optarg)
				return usage_error("-o wants a folder, not an empty string");
			o->output_dir = optarg;
			break;
		case 'j':
			if (num_parse_int(optarg, 1, 256, &jobs) != NUM_OK)
				return usage_error("-j wants a number from 1 to 256, not '%s'", optarg);
			o->jobs = (int)jobs;
			break;
		case 'q': o->quiet = 1; break;
		case 'v': o->verbose = 1; break;
		case 'h':
			print_help();
			return 0;
		case 'V':
			print_version();
			return 0;
		case OPT_NO_LETTERS: o->no_letters = 1; break;
		case OPT_DRY_RUN: o->dry_run = 1; break;
		case OPT_RESEND: o->resend = 1; break;
		case OPT_MANAGERS: o->managers = 1; break;
		case OPT_BY: o->by = optarg; break;
		case OPT_SHARD: o->shard = optarg; break;
		case OPT_ONLY: o->only[o->nonly++] = optarg; break;
		case OPT_FORCE: o->force = 1; break;
		case OPT_INPUT + 0: case OPT_INPUT + 1: case OPT_INPUT + 2:
		case OPT_INPUT + 3: case OPT_INPUT + 4: case OPT_INPUT + 5:
			o->inputs[c - OPT_INPUT] = optarg;
			break;
		default:
			return usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	o->args = (const char **)argv + optind;
	o->nargs = argc - optind;
	if (o->shard && (*cmd)->fn != cmd_letters && (*cmd)->fn != cmd_mail)
		return usage_error("--shard is for `merit letters` and `merit mail`, not %s",
				   (*cmd)->name);
	if (!o->config && (*cmd)->fn != cmd_init)
		return usage_error("%s needs -c FILE (the INI file)", (*cmd)->name);
	if (o->nargs < (*cmd)->min_args || o->nargs > (*cmd)->max_args)
		return usage_error((*cmd)->min_args ? "%s needs exactly one EMPLOYEE_ID"
				   : "%s takes no further arguments", (*cmd)->name);
	return ARGS_RUN;
}

/* Runs the command, prints what it collected, returns the exit status. */
static int run_command(const struct command *cmd, const struct cmd_opts *o)
{
	struct diag d;
	struct strbuf msg = STRBUF_INIT;
	int status;

	log_setup(o->quiet, o->verbose);
	diag_init(&d);
	status = cmd->fn(o, &d);
	if (!status && d.status)
		status = d.status;
	if (status && !d.status)
		d.status = status;
	diag_format(&d, &msg, status ? (o->verbose ? DIAG_NOTE : DIAG_WARNING)
				     : (o->verbose ? DIAG_NOTE : DIAG_ERROR));
	if (msg.len && !(o->quiet && !status)) {
		/* A message with no place of its own gets the program name. */
		char *line = msg.buf, *nl;
		struct strbuf safe = STRBUF_INIT;
		for (; *line; line = nl + 1) {
			int placeless = !strncmp(line, "error: ", 7) ||
					!strncmp(line, "warning: ", 9) || !strncmp(line, "note: ", 6);
			nl = strchr(line, '\n');
			strbuf_addstr(&safe, placeless ? "merit: " : "");
			strbuf_add(&safe, line, (size_t)(nl - line + 1));
		}
		/* One write, not one per byte: stderr is unbuffered. */
		fwrite(safe.buf, 1, safe.len, stderr);
		strbuf_release(&safe);
	}
	strbuf_release(&msg);
	diag_release(&d);
	return status;
}

int main(int argc, char **argv)
{
	struct cmd_opts o;
	const struct command *cmd = NULL;
	int status;

	/* Under `ulimit -f` a write past the limit must fail with EFBIG (and
	 * the run end with 73 and a message), not kill the process. */
	signal(SIGXFSZ, SIG_IGN);
	/* glibc raises its mmap threshold to the size of each large block
	 * freed (up to 32 MiB), after which the per-employee tables (4-30 MB
	 * at 100,000 people) come from the heap, and the ones freed early
	 * (sales aggregates, input rows) leave holes that are never given
	 * back: 15 MB more peak at 100k. A fixed threshold keeps every table
	 * of 4 MiB or more in its own mapping, returned when freed. */
	mallopt(M_MMAP_THRESHOLD, 4 << 20);

	memset(&o, 0, sizeof(o));
	o.only = xcalloc((size_t)argc, sizeof(*o.only));
	status = parse_args(argc, argv, &o, &cmd);
	if (status == ARGS_RUN)
		status = run_command(cmd, &o);
	free(o.only);
	return status;
}
