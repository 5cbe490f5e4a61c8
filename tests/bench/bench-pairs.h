/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sr-bench's side-by-side pairs: two models' frames interleaved one for one, so
 * that whatever else loads the machine loads both alike, and their ratio holds
 * where separate measurements minutes apart differ by 10-30%. */
#pragma once

#include "bench.h"
#include "srengine.h"

typedef struct {
  BenchTiming a, b;   /* each model's frames: count, seconds, median and fastest */
  double cpu_a, cpu_b;   /* median CPU seconds a frame (all threads) */
} BenchPair;

/* Times frames of @a and @b at @width x @height, alternating (a, b, a, b, ...),
 * after one warm-up frame each, for opt->frames each or opt->seconds x 2 in all. */
gboolean bench_pair (const SrModel *a, const SrModel *b, int width, int height,
    const BenchOptions *opt, BenchPair *pair, GError **error);
