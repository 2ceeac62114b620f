/*
 * log: a progress line for interactive use; silent for cron.
 */
#include "util/log.h"

#include <stdio.h>
#include <unistd.h>

static int show_progress;

void log_setup(int quiet, int verbose)
{
	(void)verbose;
	show_progress = !quiet && isatty(STDERR_FILENO);
}

void progress_stage(int step, int nsteps, const char *what)
{
	if (!show_progress)
		return;
	fprintf(stderr, "\r\033[K[%d/%d] %s", step, nsteps, what);
	fflush(stderr);
}

void progress_count(const char *what, unsigned long done, unsigned long total)
{
	int width = 30, filled;
	if (!show_progress || !total)
		return;
	filled = (int)(done * (unsigned long)width / total);
	fprintf(stderr, "\r\033[K%s [%.*s%*s] %lu/%lu", what, filled,
		"##############################", width - filled, "", done, total);
	fflush(stderr);
}

void progress_done(void)
{
	if (!show_progress)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
}
