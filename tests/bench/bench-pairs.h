/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sr-bench's side-by-side pairs: two models' frames interleaved one for one, so
 * that whatever else loads the machine loads both alike, and their ratio holds
 * where separate measurements minutes apart differ by 10-30%. */
#pragma once

#include "bench.h"
#include "bench-pytorch.h"
#include "srengine.h"

typedef struct {
  BenchTiming a, b;   /* each model's frames: count, seconds, median and fastest */
  double cpu_a, cpu_b;   /* median CPU seconds a frame (all threads) */
} BenchPair;

/* Times frames of @a and @b at @width x @height, alternating (a, b, a, b, ...),
 * after one warm-up frame each, for opt->frames each or opt->seconds x 2 in all. */
gboolean bench_pair (const SrModel *a, const SrModel *b, int width, int height,
    const BenchOptions *opt, BenchPair *pair, GError **error);

/* The same with the engine running @model as A and, as B, the srupscale element
 * (its plugin loaded, weights from @model_path) in the pipeline videotestsrc ! I420
 * @width x @height ! srupscale ! fakesink, held at its sink after each frame until
 * the engine has run one: B's frame is from its release to its arrival there. */
gboolean bench_pair_element (const SrModel *model, const char *model_path, int width,
    int height, const BenchOptions *opt, BenchPair *pair, GError **error);

/* The same with the engine running @model as A and, as B, PyTorch's calls through
 * @server (the same network and size), the child's own timing of each call. */
gboolean bench_pair_pytorch (const SrModel *model, BenchPytorchServer *server, int width,
    int height, const BenchOptions *opt, BenchPair *pair, GError **error);
