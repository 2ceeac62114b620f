/*
 * threads: how many threads merit's parallel stages (the sales file's
 * parts, the workbook's sheets) may use. One knob for all of them, so a
 * test or a shared machine sets it once:
 *
 *   MERIT_THREADS=1 merit run ...    every stage on one thread
 *
 * Whatever the count, the outputs are the same bytes: a stage splits its
 * work in a fixed way and only runs the parts on more or fewer threads.
 */
#ifndef MERIT_THREADS_H
#define MERIT_THREADS_H

/* MERIT_THREADS when set (1-1024), else the cores this process may run
 * on (as nproc counts them: taskset, a container's cpuset). */
int threads_count(void);

#endif
