/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One process-wide set of worker threads with a budget of one running thread per
 * core, shared by every runner of the process.
 *
 * A runner asks to run a job on up to N threads: the calling thread always takes
 * part, and waits (asleep) until a core of the budget is free; it then takes as
 * many more free cores as it may, for pool workers that join the job. So however
 * many streams a process runs, no more threads than cores compute at once: with 4
 * streams on 2 cores, two frames are computed at a time, each on one thread,
 * instead of 4 x 2 threads fighting over 2 cores. The workers sleep on a condition
 * variable between jobs (OpenMP's teams spin for milliseconds after a parallel
 * region, which takes a core from the other streams). Nothing is allocated per job. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The most threads a job runs on, whatever the machine: OpenBLAS (Debian's has
 * 128 memory buffers for concurrent calls) and the workspaces each thread owns
 * set it. */
#define SR_WORKERS_MAX_THREADS 64

/* Participant @worker (0 = the caller, then 1 .. n - 1) of a job of n threads. */
typedef void (*SrWorkFunc) (gpointer data, int worker);

/* Cores of the budget: the processors this process may run on (at most
 * SR_WORKERS_MAX_THREADS). */
int sr_workers_get_n_cores (void);

/* Runs @func on the calling thread and on up to @max_threads - 1 workers, as many
 * as the budget has free cores when the job starts, and returns when every one has
 * returned. The number of threads it ran on. */
int sr_workers_run (int max_threads, SrWorkFunc func, gpointer data);

/* For tests and benchmarks: the most threads that were computing at once (callers
 * inside sr_workers_run and workers in a job) since the last reset. */
int sr_workers_get_peak_busy (void);
void sr_workers_reset_peak_busy (void);

G_END_DECLS
