/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Runs a model over whole luma frames of one size, tile by tile, in parallel.
 *
 * Everything a frame needs is allocated by sr_runner_new(): processing a frame
 * allocates nothing. Tiles carry a halo of context so the tiled result is exactly
 * the whole-frame result. */
#pragma once

#include <glib.h>

#include "sr-model.h"

G_BEGIN_DECLS

typedef struct _SrRunner SrRunner;

/* @n_threads: 0 uses every core; never more than the cores (sr-workers.h: the
 * runners of a process share one budget of a thread per core). The model must
 * outlive the runner, and not change its precision while the runner lives.
 *
 * Each convolution's kernel is chosen here by measurement: every candidate kernel
 * this CPU runs at the model's precision (direct, Winograd, GEMM; bf16 too if
 * asked for, so that bf16 is never slower than float32) is timed on one tile of
 * this size, and the fastest is kept (a few milliseconds a layer). With
 * SR_CONV_KERNEL set, the model's kernels (the forced ones) run as they are. */
/* More threads than this are not used (Debian's OpenBLAS serves at most 128
 * concurrent callers; more crash it). */
#define SR_MAX_THREADS 64
/* sr_runner_new() refuses a frame size whose workspaces would need more. */
#define SR_DEFAULT_MAX_WORKING_SET ((gsize) 1 << 30)

/* The same as sr_runner_new() with a limit of @max_bytes (0: none) on the
 * workspaces; sr_runner_new() refuses (SR_ERROR_BAD_SIZE) beyond
 * SR_DEFAULT_MAX_WORKING_SET. */
SrRunner *sr_runner_new_with_limit (const SrModel *model, int width, int height,
    int n_threads, gsize max_bytes, GError **error);
/* The bytes of the workspaces sr_runner_new() would allocate at most (G_MAXSIZE for
 * a size it refuses), allocating nothing. */
gsize sr_runner_estimate_bytes (const SrModel *model, int width, int height,
    int n_threads);
SrRunner *sr_runner_new (const SrModel *model, int width, int height, int n_threads,
    GError **error);
void sr_runner_free (SrRunner *runner);

int sr_runner_get_n_threads (const SrRunner *runner);
/* Low-resolution tile size (by default about 140 x 40); for tests and tuning. The
 * kernels are chosen again for it. */
void sr_runner_set_tile_size (SrRunner *runner, int tile_w, int tile_h);

/* 8-bit luma in, 8-bit luma (scale times the size) out. Strides in bytes. */
void sr_runner_process_u8 (SrRunner *runner, const guint8 *src, gsize src_stride,
    guint8 *dst, gsize dst_stride);
/* The same on luma interleaved with other components (packed AYUV, say): a pixel's
 * luma byte follows the previous one's by @src_pixel_stride (@dst_pixel_stride)
 * bytes; the other bytes of @dst are left as they are. */
void sr_runner_process_u8_interleaved (SrRunner *runner, const guint8 *src,
    gsize src_pixel_stride, gsize src_stride, guint8 *dst, gsize dst_pixel_stride,
    gsize dst_stride);
/* Luma of more than 8 bits, one 16-bit word a pixel (10-bit video: I420_10LE,
 * P010_10LE, ...). A word holds the value shifted left by @shift (6 for P010, 0 for
 * I420_10LE); the value @one is read as 1.0 and values are stored clamped to
 * 0..@max. 10-bit video has @one = 1020 (4 x 255: its levels are 8-bit video's
 * shifted left by 2, BT.2020 / BT.709) and @max = 1023. */
typedef struct {
  guint16 one, max;
  int shift;
  gboolean big_endian;
} SrWordLayout;

/* Strides in bytes. */
void sr_runner_process_u16 (SrRunner *runner, const guint8 *src, gsize src_stride,
    guint8 *dst, gsize dst_stride, const SrWordLayout *layout);
/* Float luma in [0,1]; the output is not clamped. Strides in floats. */
void sr_runner_process_f32 (SrRunner *runner, const float *src, gsize src_stride,
    float *dst, gsize dst_stride);

/* Profiling, for benchmarks: while on, the time each step of the model takes
 * (sr_model_describe_step) is summed over tiles and threads. @seconds gets
 * sr_model_get_n_steps() values: thread-seconds since profiling was switched on. */
void sr_runner_set_profiling (SrRunner *runner, gboolean on);
void sr_runner_get_profile (const SrRunner *runner, double *seconds);

/* The kernel chosen for step @step ("direct", "winograd", "bf16", "winograd-bf16",
 * "gemm", "reference"), NULL if the step is not a convolution. */
const char *sr_runner_get_step_kernel (const SrRunner *runner, int step);
/* What @kernel took on the measured tile for step @step, in seconds; < 0 if it was
 * not a candidate (or not measured: SR_CONV_KERNEL forced the choice). */
double sr_runner_get_step_seconds (const SrRunner *runner, int step, const char *kernel);
/* One line: the size, the tiles, the threads, and each convolution's kernel with
 * the candidates' times; free it. */
char *sr_runner_describe_kernels (const SrRunner *runner);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrRunner, sr_runner_free)

G_END_DECLS
