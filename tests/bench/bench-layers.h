/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sr-bench's per-layer profile: where a frame's time goes, step by step. */
#pragma once

#include "bench.h"
#include "srengine.h"

/* Times frames of @model at @width x @height with the runner's profiling on and
 * prints one Markdown table row per step, then the rest (reading and writing the
 * 8-bit planes, waiting at the end of a frame). @peak_per_thread: GFLOP/s of one
 * thread's FMA kernel, for the "% of peak" column. */
gboolean bench_layers (const SrModel *model, const char *name, int width, int height,
    const BenchOptions *opt, double peak_per_thread, GError **error);
