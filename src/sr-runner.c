/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sr-runner.h"

#include <cblas.h>
#include <omp.h>
#include <string.h>

#include "sr-error.h"
#include "sr-map-ops.h"
#include "sr-model-private.h"
#include "sr-plan.h"

#define MAX_SIDE 16384
/* Tiles of about 140 x 40 (low resolution): wide rows keep the direct kernel's
 * vectors full and the halo recomputed around each tile small. Measured on ESPCN x2,
 * 640x360, 2 threads: 32x32 tiles 12.4 fps, 128x32 16.7 fps, 128x64 17.1 fps. */
#define TARGET_TILE_H 40
/* The direct AVX-512 kernel works on rows in blocks of 48 pixels (sr-conv-avx512.c). */
#define KERNEL_ROW_BLOCK 48
#define ROW_BLOCKS_PER_TILE 3

typedef struct {
  float **buffers;   /* plan.n_buffers feature-map buffers */
  float *scratch;    /* the convolution kernels' own room */
  double *step_seconds;   /* while profiling */
} Workspace;

struct _SrRunner {
  const SrModel *model;
  SrPlan plan;
  int width, height, n_threads;
  int tile_w, tile_h;
  Workspace *ws;     /* one per thread */
  int n_tiles_x, n_tiles_y;
  gboolean profiling;
};

static void
free_workspaces (SrRunner *r)
{
  if (r->ws == NULL)
    return;
  for (int i = 0; i < r->n_threads; i++) {
    for (int b = 0; b < r->plan.n_buffers; b++)
      g_aligned_free (r->ws[i].buffers[b]);
    g_free (r->ws[i].buffers);
    g_aligned_free (r->ws[i].scratch);
    g_free (r->ws[i].step_seconds);
  }
  g_free (r->ws);
  r->ws = NULL;
}

static float *
alloc_floats (gsize n)
{
  /* Zeroed, so every page is touched now: a first write to a fresh page is slow on
   * these machines and must not land on the first frames. */
  return g_aligned_alloc0 (MAX (n, 1), sizeof (float), 64);
}

/* Floats value @v needs over a tile of @th x @tw (before clipping to the image). */
static gsize
value_floats (const SrRunner *r, int v, int th, int tw, int *oh, int *ow)
{
  const SrValue *val = &r->model->values[v];
  int m = r->plan.margin[v];
  *oh = th * val->level + 2 * m;
  *ow = tw * val->level + 2 * m;
  return (gsize) val->channels * *oh * *ow;
}

static void
alloc_workspaces (SrRunner *r)
{
  const SrModel *m = r->model;
  int tw = MIN (r->tile_w, r->width), th = MIN (r->tile_h, r->height);
  gsize buffer_floats[SR_MAX_STEPS + 1] = { 0 }, scratch_floats = 0;
  for (int v = 0; v <= m->n_steps; v++) {
    int oh, ow, b = r->plan.buffer[v];
    buffer_floats[b] = MAX (buffer_floats[b], value_floats (r, v, th, tw, &oh, &ow));
    if (v > 0 && m->steps[v - 1].kind == SR_STEP_CONV)
      scratch_floats = MAX (scratch_floats,
          sr_conv_scratch_floats (&m->convs[m->steps[v - 1].conv], oh, ow));
  }
  r->ws = g_new0 (Workspace, r->n_threads);
  for (int i = 0; i < r->n_threads; i++) {
    r->ws[i].buffers = g_new0 (float *, r->plan.n_buffers);
    for (int b = 0; b < r->plan.n_buffers; b++)
      r->ws[i].buffers[b] = alloc_floats (buffer_floats[b]);
    r->ws[i].scratch = alloc_floats (scratch_floats);
    r->ws[i].step_seconds = g_new0 (double, MAX (m->n_steps, 1));
  }
  r->n_tiles_x = (r->width + tw - 1) / tw;
  r->n_tiles_y = (r->height + th - 1) / th;
}

/* A tile width that makes the rows of the costliest layer (wider than the tile by
 * its margin on each side, on its own grid) whole blocks of the direct kernel: for
 * ESPCN, conv2's rows are 144 = 3 x 48 pixels, 6% faster than 130 with 128-pixel
 * tiles. */
static int
tile_width (const SrModel *m, const SrPlan *plan)
{
  double most = -1;
  int margin = 0, level = 1;
  for (int i = 0; i < m->n_steps; i++) {
    if (m->steps[i].kind != SR_STEP_CONV)
      continue;
    const SrConv *c = &m->convs[m->steps[i].conv];
    int l = m->values[i + 1].level;
    double cost = (double) c->cin * c->cout * c->k * c->k * l * l;
    if (cost > most) {
      most = cost;
      margin = plan->margin[i + 1];
      level = l;
    }
  }
  return MAX ((KERNEL_ROW_BLOCK * ROW_BLOCKS_PER_TILE - 2 * margin) / level, 16);
}

/* The tile side near @target that cuts @side into equal parts (no thin last tile). */
static int
balanced_tile (int side, int target)
{
  int n = MAX (1, (side + target / 2) / target);
  return (side + n - 1) / n;
}

SrRunner *
sr_runner_new (const SrModel *model, int width, int height, int n_threads, GError **error)
{
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_SIZE,
        "cannot process a %dx%d frame: each side must be from 1 to %d pixels", width,
        height, MAX_SIDE);
    return NULL;
  }
  SrRunner *r = g_new0 (SrRunner, 1);
  r->model = model;
  r->width = width;
  r->height = height;
  r->n_threads = n_threads > 0 ? n_threads : omp_get_num_procs ();
  sr_plan_make (model, &r->plan);
  r->tile_w = MIN (width, tile_width (model, &r->plan));
  /* deep networks need a wide halo: taller tiles keep its recomputation in check */
  r->tile_h = balanced_tile (height, MAX (TARGET_TILE_H, 4 * r->plan.margin[0]));
  /* Parallelism is ours, over tiles: OpenBLAS must not start threads of its own
   * inside them. */
  openblas_set_num_threads (1);
  alloc_workspaces (r);
  return r;
}

void
sr_runner_free (SrRunner *runner)
{
  if (runner == NULL)
    return;
  free_workspaces (runner);
  g_free (runner);
}

int
sr_runner_get_n_threads (const SrRunner *runner)
{
  return runner->n_threads;
}

void
sr_runner_set_tile_size (SrRunner *runner, int tile_w, int tile_h)
{
  free_workspaces (runner);
  runner->tile_w = MAX (tile_w, 1);
  runner->tile_h = MAX (tile_h, 1);
  alloc_workspaces (runner);
}

typedef struct {
  const guint8 *src_u8;
  const float *src_f32;
  gsize src_stride, src_pstride;
  guint8 *dst_u8;
  float *dst_f32;
  gsize dst_stride, dst_pstride;
  /* 16-bit words (sr_runner_process_u16): strides in bytes */
  const guint8 *src_u16;
  guint8 *dst_u16;
  const SrWordLayout *words;
} FrameIo;

static inline guint16
load_word (const guint8 *p, gboolean big_endian)
{
  return big_endian ? (guint16) (p[0] << 8 | p[1]) : (guint16) (p[1] << 8 | p[0]);
}

static inline void
store_word (guint8 *p, guint16 v, gboolean big_endian)
{
  p[big_endian ? 0 : 1] = v >> 8;
  p[big_endian ? 1 : 0] = v & 0xff;
}

static void
read_input_u16 (const FrameIo *io, const SrMap *in)
{
  const SrWordLayout *l = io->words;
  float to_unit = 1.f / l->one;
  for (int y = 0; y < in->h; y++) {
    float *dst = in->data + (gsize) y * in->w;
    const guint8 *src = io->src_u16 + (gsize) (in->y0 + y) * io->src_stride
        + (gsize) in->x0 * 2;
    for (int x = 0; x < in->w; x++)
      dst[x] = (load_word (src + 2 * x, l->big_endian) >> l->shift) * to_unit;
  }
}

static void
write_output_u16 (const FrameIo *io, const SrMap *out, int q)
{
  const SrWordLayout *l = io->words;
  gsize plane = sr_map_plane (out);
  float top = l->max;
  for (int y = 0; y < out->h; y++)
    for (int i = 0; i < q; i++) {
      gsize row = (gsize) ((out->y0 + y) * q + i);
      for (int j = 0; j < q; j++) {
        const float *src = out->data + (gsize) (i * q + j) * plane + (gsize) y * out->w;
        guint8 *dst = io->dst_u16 + row * io->dst_stride + ((gsize) out->x0 * q + j) * 2;
        for (int x = 0; x < out->w; x++) {
          float v = src[x] * l->one + 0.5f;
          guint16 w = v <= 0.f ? 0 : v >= top ? l->max : (guint16) v;
          store_word (dst + (gsize) x * q * 2, (guint16) (w << l->shift), l->big_endian);
        }
      }
    }
}

static void
read_input (const FrameIo *io, const SrMap *in)
{
  if (io->src_u16) {
    read_input_u16 (io, in);
    return;
  }
  for (int y = 0; y < in->h; y++) {
    float *dst = in->data + (gsize) y * in->w;
    if (io->src_u8) {
      gsize ps = io->src_pstride;
      const guint8 *src = io->src_u8 + (gsize) (in->y0 + y) * io->src_stride + in->x0 * ps;
      for (int x = 0; x < in->w; x++)
        dst[x] = src[x * ps] * (1.f / 255.f);
    } else {
      const float *src = io->src_f32 + (gsize) (in->y0 + y) * io->src_stride + in->x0;
      for (int x = 0; x < in->w; x++)
        dst[x] = src[x];
    }
  }
}

static inline guint8
to_u8 (float v)
{
  v = v * 255.f + 0.5f;
  return v <= 0.f ? 0 : v >= 255.f ? 255 : (guint8) v;
}

/* The output store; when the last map has q*q channels, the pixel shuffle is fused
 * into it: channel i * q + j is the sub-pixel (i, j) of each q x q block. */
static void
write_output (const FrameIo *io, const SrMap *out, int q)
{
  if (io->dst_u16) {
    write_output_u16 (io, out, q);
    return;
  }
  gsize plane = sr_map_plane (out);
  for (int y = 0; y < out->h; y++) {
    for (int i = 0; i < q; i++) {
      gsize row = (gsize) ((out->y0 + y) * q + i);
      for (int j = 0; j < q; j++) {
        const float *src = out->data + (gsize) (i * q + j) * plane + (gsize) y * out->w;
        if (io->dst_u8) {
          gsize ps = io->dst_pstride;
          guint8 *dst = io->dst_u8 + row * io->dst_stride + ((gsize) out->x0 * q + j) * ps;
          for (int x = 0; x < out->w; x++)
            dst[x * q * ps] = to_u8 (src[x]);
        } else {
          float *dst = io->dst_f32 + row * io->dst_stride + (gsize) out->x0 * q + j;
          for (int x = 0; x < out->w; x++)
            dst[x * q] = src[x];
        }
      }
    }
  }
}

static void
process_tile (SrRunner *r, Workspace *ws, const FrameIo *io, SrRect tile)
{
  const SrModel *m = r->model;
  SrMap maps[SR_MAX_STEPS + 1] = { 0 };
  for (int v = 0; v <= m->n_steps; v++) {
    SrRect rect = sr_plan_rect (m, &r->plan, v, tile, r->height, r->width);
    maps[v] = (SrMap) { ws->buffers[r->plan.buffer[v]], m->values[v].channels,
      rect.y0, rect.x0, rect.h, rect.w };
  }
  read_input (io, &maps[0]);
  double t0 = r->profiling ? omp_get_wtime () : 0;
  for (int i = 0; i < m->n_steps; i++) {
    const SrStep *s = &m->steps[i];
    SrMap *out = &maps[i + 1];
    switch (s->kind) {
      case SR_STEP_CONV:
        m->convs[s->conv].kernel (&m->convs[s->conv], &maps[s->a], out, ws->scratch);
        break;
      case SR_STEP_ADD:
        sr_map_add (&maps[s->a], &maps[s->b], out, s->act);
        break;
      case SR_STEP_SHUFFLE:
        sr_map_shuffle (&maps[s->a], out, s->r);
        break;
    }
    if (r->profiling) {
      double t1 = omp_get_wtime ();
      ws->step_seconds[i] += t1 - t0;
      t0 = t1;
    }
  }
  write_output (io, &maps[m->n_steps], m->scale / m->values[m->n_steps].level);
}

static void
run (SrRunner *r, const FrameIo *io)
{
  int tw = MIN (r->tile_w, r->width), th = MIN (r->tile_h, r->height);
  int n_tiles = r->n_tiles_x * r->n_tiles_y;
#pragma omp parallel for schedule(dynamic, 1) num_threads(r->n_threads)
  for (int t = 0; t < n_tiles; t++) {
    SrRect tile;
    tile.y0 = (t / r->n_tiles_x) * th;
    tile.x0 = (t % r->n_tiles_x) * tw;
    tile.h = MIN (th, r->height - tile.y0);
    tile.w = MIN (tw, r->width - tile.x0);
    process_tile (r, &r->ws[omp_get_thread_num ()], io, tile);
  }
}

void
sr_runner_process_u8_interleaved (SrRunner *runner, const guint8 *src,
    gsize src_pixel_stride, gsize src_stride, guint8 *dst, gsize dst_pixel_stride,
    gsize dst_stride)
{
  FrameIo io = { .src_u8 = src, .src_stride = src_stride, .src_pstride = src_pixel_stride,
    .dst_u8 = dst, .dst_stride = dst_stride, .dst_pstride = dst_pixel_stride };
  run (runner, &io);
}

void
sr_runner_process_u8 (SrRunner *runner, const guint8 *src, gsize src_stride, guint8 *dst,
    gsize dst_stride)
{
  sr_runner_process_u8_interleaved (runner, src, 1, src_stride, dst, 1, dst_stride);
}

void
sr_runner_process_u16 (SrRunner *runner, const guint8 *src, gsize src_stride,
    guint8 *dst, gsize dst_stride, const SrWordLayout *layout)
{
  FrameIo io = { .src_u16 = src, .src_stride = src_stride, .dst_u16 = dst,
    .dst_stride = dst_stride, .words = layout };
  run (runner, &io);
}

void
sr_runner_process_f32 (SrRunner *runner, const float *src, gsize src_stride, float *dst,
    gsize dst_stride)
{
  FrameIo io = { .src_f32 = src, .src_stride = src_stride, .dst_f32 = dst,
    .dst_stride = dst_stride };
  run (runner, &io);
}

void
sr_runner_set_profiling (SrRunner *runner, gboolean on)
{
  runner->profiling = on;
  for (int i = 0; i < runner->n_threads; i++)
    memset (runner->ws[i].step_seconds, 0, sizeof (double) * runner->model->n_steps);
}

void
sr_runner_get_profile (const SrRunner *runner, double *seconds)
{
  for (int s = 0; s < runner->model->n_steps; s++) {
    seconds[s] = 0;
    for (int i = 0; i < runner->n_threads; i++)
      seconds[s] += runner->ws[i].step_seconds[s];
  }
}
