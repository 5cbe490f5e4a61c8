/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Several srupscale streams in one process: one pipeline with @n_streams branches
 * (videotestsrc ! I420 @width x @height ! srupscale ! fakesink), n-threads left at
 * its default, all running at once. */
#pragma once

#include "bench.h"

G_BEGIN_DECLS

typedef struct {
  BenchTiming timing;   /* frames of all streams together */
  int n_threads;        /* threads of the process that were alive in the window */
  int busy_threads;     /* of them, those that used >= 10% of the process's CPU time */
  double busy_cores;    /* the process's CPU time / wall time in the window */
  int peak_computing;   /* the most engine threads computing at once (-1: unknown) */
} BenchStreams;

gboolean bench_streams_run (const char *model_path, int n_streams, int width,
    int height, const BenchOptions *opt, BenchStreams *result, GError **error);

G_END_DECLS
