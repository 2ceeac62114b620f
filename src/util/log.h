/*
 * log: the run's progress line on stderr. Shown only when stderr is a
 * terminal and not -q, so cron and pipes never see it; everything else a run
 * has to say goes through struct diag and main.c.
 */
#ifndef MERIT_LOG_H
#define MERIT_LOG_H

void log_setup(int quiet, int verbose);
/* "[2/5] computing scores" on one rewritten line (TTY only). */
void progress_stage(int step, int nsteps, const char *what);
/* "letters 120/400" style counter within a stage (TTY only). */
void progress_count(const char *what, unsigned long done, unsigned long total);
/* Clears the progress line. */
void progress_done(void);

#endif
