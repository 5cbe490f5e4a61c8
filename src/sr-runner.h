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

/* @n_threads: 0 uses every core. The model must outlive the runner. */
SrRunner *sr_runner_new (const SrModel *model, int width, int height, int n_threads,
    GError **error);
void sr_runner_free (SrRunner *runner);

int sr_runner_get_n_threads (const SrRunner *runner);
/* Low-resolution tile size (by default about 140 x 40); for tests and tuning. */
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrRunner, sr_runner_free)

G_END_DECLS
