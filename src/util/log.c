/*
 * log: a progress line for interactive use; silent for cron.
 */
#include "util/log.h"

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int show_progress;
/* Letter workers report from several threads: one line at a time, and at
 * most one redraw per percent so a terminal is not flooded. */
static pthread_mutex_t progress_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long last_drawn = (unsigned long)-1;

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
	unsigned long pct;
	if (!show_progress || !total)
		return;
	pct = done * 100 / total;
	pthread_mutex_lock(&progress_lock);
	if (pct != last_drawn || done == total) {
		last_drawn = pct;
		filled = (int)(done * (unsigned long)width / total);
		fprintf(stderr, "\r\033[K%s [%.*s%*s] %lu/%lu", what, filled,
			"##############################", width - filled, "", done, total);
		fflush(stderr);
	}
	pthread_mutex_unlock(&progress_lock);
}

void progress_done(void)
{
	if (!show_progress)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
}
