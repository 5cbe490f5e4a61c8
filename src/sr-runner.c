/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sr-runner.h"

#include <cblas.h>
#include <string.h>
#include <time.h>

#include "sr-blas-threads.h"
#include "sr-pixel-store.h"
#include "sr-error.h"
#include "sr-kernel-choice.h"
#include "sr-map-ops.h"
#include "sr-model-private.h"
#include "sr-plan.h"
#include "sr-workers.h"

#define MAX_SIDE 16384
/* Tiles about 40 rows high (low resolution), as wide as tile_width() says: wide rows
 * keep the kernels' vectors full and the halo recomputed around each tile small.
 * Measured on ESPCN x2, 640x360, 2 threads: 32x32 tiles 12.4 fps, 128x32 16.7 fps,
 * 128x64 17.1 fps. */
#define TARGET_TILE_H 40
/* The kernels' natural row: the direct AVX-512 kernel computes rows in blocks of 48
 * pixels (AVX2: 24), Winograd's transforms take 16 blocks of 4 pixels at once (AVX2:
 * 8); 192 pixels is a whole number of each. */
#define KERNEL_ROW 192

/* The frame's columns of tiles are cut into segments, about this many for each thread
 * in all (at least one a column): a thread runs a segment's tiles top to bottom,
 * reusing the rows each layer computed for the tile above (keep_rows), and segments
 * are handed out one at a time, so that a thread slowed by other load takes fewer.
 * Fewer segments recompute less halo, more balance the threads better: 2 threads,
 * 640x360, AMD Zen 4 (family 25 model 17), best frame of 30, wall ms for 1 / 2 / 4 /
 * 8 segments a thread and for every tile its own segment: ESPCN x2 27.0 / 27.1 /
 * 24.5 / 25.0 / 25.9, FSRCNN x2 30.0 / 30.0 / 28.0 / 28.6 / 29.5, SESR-style x2 22.6 /
 * 22.3 / 21.7 / 22.6 / 23.6 (with 1 or 2, 4 columns of unequal width do not share
 * out evenly). */
#define SEGMENTS_PER_THREAD 4
/* ... but no fewer tiles a segment than this where the columns have them: a small
 * frame's segments of one or two tiles reuse almost nothing. Four 320x240 streams in
 * one process against one 640x480 (sr-bench --streams-only, the two in turns, same
 * CPU), input pixels a second: medians of 3 rounds 0.84 and 0.87 with segments of
 * 1-2 tiles, 0.88 and 0.94 with 3. */
#define MIN_SEGMENT_TILES 3

typedef struct {
  float **buffers;   /* plan.n_buffers feature-map buffers */
  float *scratch;    /* the convolution kernels' own room */
  double *step_seconds;   /* while profiling */
  /* per value computed by a convolution with a margin: the rows of its map that the
   * tile below needs too (the layer's halo), kept across tiles; NULL where none */
  float *kept[SR_MAX_STEPS + 1];
  SrRect kept_rect[SR_MAX_STEPS + 1];   /* the rows kept; h == 0: none */
} Workspace;

struct _SrRunner {
  const SrModel *model;
  SrPlan plan;
  int width, height, n_threads;
  int tile_w, tile_h;
  Workspace *ws;     /* one per thread */
  int n_tiles_x, n_tiles_y;
  int n_segments;    /* per column of tiles */
  gboolean profiling;
  /* The model's convolutions with the kernels this runner chose for them, and
   * those kernels' packed weights (owned). */
  SrConv convs[SR_MAX_CONVS];
  GPtrArray *packed;
  gboolean forced;            /* SR_CONV_KERNEL chose: the model's kernels */
  /* per convolution and kind: the measured seconds on one tile, < 0 if not a
   * candidate */
  double seconds[SR_MAX_CONVS][SR_KERNEL_N_KINDS];
  gboolean screened[SR_MAX_CONVS][SR_KERNEL_N_KINDS];   /* timed on a slice only */
  gboolean holds_blas;        /* sr_blas_threads_hold_single() taken */
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
    for (int v = 0; v <= r->model->n_steps; v++)
      g_aligned_free (r->ws[i].kept[v]);
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

/* Floats of value @v's rows kept for the tile below: its map's top and bottom halo
 * overlap the next map down by at most twice its margin. Values of the cheap steps
 * (add, shuffle) are computed again whole. */
static gsize
kept_floats (const SrRunner *r, int v)
{
  const SrModel *m = r->model;
  if (v == 0 || m->steps[v - 1].kind != SR_STEP_CONV || r->plan.margin[v] == 0)
    return 0;
  int tw = MIN (r->tile_w, r->width), th = MIN (r->tile_h, r->height), oh, ow;
  value_floats (r, v, th, tw, &oh, &ow);
  return (gsize) m->values[v].channels * 2 * r->plan.margin[v] * ow;
}

/* The kernels' room for value @v's tile with @conv's current kernel. */
static gsize
conv_scratch (const SrRunner *r, const SrConv *conv, int v)
{
  int tw = MIN (r->tile_w, r->width), th = MIN (r->tile_h, r->height), oh, ow;
  value_floats (r, v, th, tw, &oh, &ow);
  return sr_conv_scratch_floats (conv, oh, ow);
}

/* The most room a layer needs: with the kernels chosen, or (@candidates) with any
 * candidate kernel. */
static gsize
scratch_floats (const SrRunner *r, gboolean candidates)
{
  const SrModel *m = r->model;
  gsize most = 0;
  for (int v = 1; v <= m->n_steps; v++) {
    if (m->steps[v - 1].kind != SR_STEP_CONV)
      continue;
    SrConv c = r->convs[m->steps[v - 1].conv];
    most = MAX (most, conv_scratch (r, &c, v));
    for (int k = 0; candidates && k < SR_KERNEL_N_KINDS; k++) {
      if (!sr_kernel_kind_is_candidate (k, &c, m->bf16))
        continue;
      /* the size depends on the kernel only, not on its packed weights */
      c.kernel = sr_kernel_kind_function (k);
      most = MAX (most, conv_scratch (r, &c, v));
    }
  }
  return most;
}

/* The feature-map buffers of every thread (the kernels' scratch comes once they
 * are chosen). */
static void
alloc_workspaces (SrRunner *r)
{
  const SrModel *m = r->model;
  int tw = MIN (r->tile_w, r->width), th = MIN (r->tile_h, r->height);
  gsize buffer_floats[SR_MAX_STEPS + 1] = { 0 };
  for (int v = 0; v <= m->n_steps; v++) {
    int oh, ow, b = r->plan.buffer[v];
    buffer_floats[b] = MAX (buffer_floats[b], value_floats (r, v, th, tw, &oh, &ow));
  }
  r->ws = g_new0 (Workspace, r->n_threads);
  for (int i = 0; i < r->n_threads; i++) {
    r->ws[i].buffers = g_new0 (float *, r->plan.n_buffers);
    for (int b = 0; b < r->plan.n_buffers; b++)
      r->ws[i].buffers[b] = alloc_floats (buffer_floats[b]);
    r->ws[i].step_seconds = g_new0 (double, MAX (m->n_steps, 1));
    for (int v = 1; v <= m->n_steps; v++)
      if (kept_floats (r, v) > 0)
        r->ws[i].kept[v] = alloc_floats (kept_floats (r, v));
  }
  r->n_tiles_x = (r->width + tw - 1) / tw;
  r->n_tiles_y = (r->height + th - 1) / th;
  r->n_segments = CLAMP ((SEGMENTS_PER_THREAD * r->n_threads + r->n_tiles_x - 1)
      / r->n_tiles_x, 1, MAX (1, r->n_tiles_y / MIN_SEGMENT_TILES));
}

static void
alloc_scratch (SrRunner *r)
{
  gsize n = scratch_floats (r, FALSE);
  for (int i = 0; i < r->n_threads; i++)
    r->ws[i].scratch = alloc_floats (n);
}

/* A tile width that makes the rows of one layer (wider than the tile by its margin
 * on each side, on its own grid) KERNEL_ROW pixels: the costliest layer that can run
 * Winograd, else the costliest. For ESPCN's Winograd layer: rows of 48 blocks, which
 * no run of 16 blocks straddles. CPU ms a 640x360 frame, 1 thread, Intel Xeon family
 * 6 model 207, the rule of 144-pixel rows against this one: ESPCN x2 60.8 / 52.4
 * (x3 72.9 / 58.8, x4 74.7 / 63.7; x2 at 960x540 138 / 118), SESR-style x2 57.1 / 50.5
 * (x3 72.5 / 66.9, x4 75.7 / 71.2), FSRCNN x2 68.0 / 64.6 (x3 86.5 / 83.1, x4 68.1 /
 * 64.2), LESRCNN-style x2 1003 / 979. The same on an AMD Zen 4 (family 25 model 17;
 * minimum of 6 interleaved rounds): ESPCN x2 55.1 / 50.3, SESR-style x2 49.1 / 45.8,
 * FSRCNN x2 60.3 / 57.9; rows of 1.5 and 2 times the rule's within -5% / +3% of it. */
static int
tile_width (const SrModel *m, const SrPlan *plan)
{
  double most = -1;
  gboolean most_winograd = FALSE;
  int margin = 0, level = 1, extra = 0;
  for (int i = 0; i < m->n_steps; i++) {
    if (m->steps[i].kind != SR_STEP_CONV)
      continue;
    const SrConv *c = &m->convs[m->steps[i].conv];
    int l = m->values[i + 1].level;
    double cost = (double) c->cin * c->cout * c->k * c->k * l * l;
    /* Winograd layers first: a run of blocks short of 16 costs a whole vector in
     * both transforms, a row short of 48 pixels only part of a direct block */
    /* a 5x5 layer by Winograd runs its blocks on rows 3 pixels longer */
    gboolean wide = sr_kernel_kind_is_candidate (SR_KERNEL_WINOGRAD_5X5, c, FALSE);
    gboolean winograd = wide || sr_kernel_kind_is_candidate (SR_KERNEL_WINOGRAD, c, FALSE);
    if ((winograd && !most_winograd) || (winograd == most_winograd && cost > most)) {
      most_winograd = winograd;
      most = cost;
      margin = plan->margin[i + 1];
      extra = wide ? 3 : 0;
      level = l;
    }
  }
  return MAX ((KERNEL_ROW - 2 * margin - extra) / level, 16);
}

/* The tile side near @target that cuts @side into equal parts (no thin last tile). */
static int
balanced_tile (int side, int target)
{
  int n = MAX (1, (side + target / 2) / target);
  return (side + n - 1) / n;
}

static float *
alloc_packed (gsize n, gpointer runner)
{
  float *p = alloc_floats (n);
  g_ptr_array_add (((SrRunner *) runner)->packed, p);
  return p;
}

static void choose_kernels (SrRunner *r);

/* Kernels, and the workspaces for them, for the current tile size. */
static void
prepare (SrRunner *r)
{
  alloc_workspaces (r);
  choose_kernels (r);
  alloc_scratch (r);
}

/* a + b and a * b, saturating at G_MAXSIZE: a budget only needs to know "too much" */
static gsize
add_sat (gsize a, gsize b)
{
  gsize s;
  return g_size_checked_add (&s, a, b) ? s : G_MAXSIZE;
}

static gsize
mul_sat (gsize a, gsize b)
{
  gsize p;
  return g_size_checked_mul (&p, a, b) ? p : G_MAXSIZE;
}

/* Bytes of every thread's workspace (buffers, and the most scratch any candidate
 * kernel of any layer could take), before any is allocated. */
static gsize
workspace_bytes (SrRunner *r)
{
  const SrModel *m = r->model;
  int tw = MIN (r->tile_w, r->width), th = MIN (r->tile_h, r->height);
  gsize buffer_floats[SR_MAX_STEPS + 1] = { 0 }, floats;
  for (int v = 0; v <= m->n_steps; v++) {
    int oh, ow, b = r->plan.buffer[v];
    buffer_floats[b] = MAX (buffer_floats[b], value_floats (r, v, th, tw, &oh, &ow));
  }
  for (int c = 0; c < m->n_convs; c++)
    r->convs[c] = m->convs[c];
  floats = scratch_floats (r, TRUE);
  for (int b = 0; b < r->plan.n_buffers; b++)
    floats = add_sat (floats, buffer_floats[b]);
  for (int v = 1; v <= m->n_steps; v++)
    floats = add_sat (floats, kept_floats (r, v));
  return mul_sat (mul_sat (floats, sizeof (float)), r->n_threads);
}

/* The runner's layout (threads, plan, tiles), with nothing allocated. */
static SrRunner *
runner_layout (const SrModel *model, int width, int height, int n_threads, GError **error)
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
  /* More threads than cores only wait for one another (and OpenBLAS runs out of
   * buffers for concurrent calls beyond SR_WORKERS_MAX_THREADS). */
  int cores = sr_workers_get_n_cores ();
  r->n_threads = n_threads > 0 ? MIN (n_threads, cores) : cores;
  r->packed = g_ptr_array_new_with_free_func (g_aligned_free);
  sr_plan_make (model, &r->plan);
  r->tile_w = MIN (width, tile_width (model, &r->plan));
  /* deep networks need a wide halo: taller tiles keep its recomputation in check */
  r->tile_h = balanced_tile (height, MAX (TARGET_TILE_H, 4 * r->plan.margin[0]));
  return r;
}

static void
free_layout (SrRunner *r)
{
  g_ptr_array_unref (r->packed);
  g_free (r);
}

gsize
sr_runner_estimate_bytes (const SrModel *model, int width, int height, int n_threads)
{
  SrRunner *r = runner_layout (model, width, height, n_threads, NULL);
  if (r == NULL)
    return G_MAXSIZE;
  gsize need = workspace_bytes (r);
  free_layout (r);
  return need;
}

SrRunner *
sr_runner_new_with_limit (const SrModel *model, int width, int height, int n_threads,
    gsize max_bytes, GError **error)
{
  SrRunner *r = runner_layout (model, width, height, n_threads, error);
  if (r == NULL)
    return NULL;
  gsize need = workspace_bytes (r);
  if (max_bytes > 0 && need > max_bytes) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_SIZE,
        "%dx%d frames through this %s x%d network would need %" G_GSIZE_FORMAT
        " MiB of working memory with %d threads, more than the limit of %"
        G_GSIZE_FORMAT " MiB", width, height, sr_model_get_family (model),
        sr_model_get_scale (model), need == G_MAXSIZE ? G_MAXSIZE >> 20
        : (need + (1 << 20) - 1) >> 20, r->n_threads, max_bytes >> 20);
    free_layout (r);
    return NULL;
  }
  prepare (r);
  return r;
}

SrRunner *
sr_runner_new (const SrModel *model, int width, int height, int n_threads, GError **error)
{
  return sr_runner_new_with_limit (model, width, height, n_threads,
      SR_DEFAULT_MAX_WORKING_SET, error);
}

static void
release_kernels (SrRunner *r)
{
  if (r->holds_blas)
    sr_blas_threads_release_single ();
  r->holds_blas = FALSE;
  g_ptr_array_set_size (r->packed, 0);
}

void
sr_runner_free (SrRunner *runner)
{
  if (runner == NULL)
    return;
  free_workspaces (runner);
  release_kernels (runner);
  g_ptr_array_unref (runner->packed);
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
  release_kernels (runner);
  runner->tile_w = MAX (tile_w, 1);
  runner->tile_h = MAX (tile_h, 1);
  prepare (runner);
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

/* Where the store reads the output's sub-pixel (i, j) at pixel (y, x) of @tile (on
 * the last value's grid): channel i q + j of @out at (y + offset[i], x + offset[j]). */
typedef struct {
  const SrMap *out;
  SrRect tile;
  int q;
  const int *offset;
} OutputTile;

static inline const float *
output_row (const OutputTile *o, int y, int i, int j)
{
  const SrMap *m = o->out;
  return m->data + (gsize) (i * o->q + j) * sr_map_plane (m)
      + (gsize) (o->tile.y0 + y + o->offset[i] - m->y0) * m->w
      + (o->tile.x0 + o->offset[j] - m->x0);
}

static void
write_output_u16 (const FrameIo *io, const OutputTile *o)
{
  const int q = o->q;
  for (int y = 0; y < o->tile.h; y++)
    for (int i = 0; i < q; i++) {
      gsize row = (gsize) ((o->tile.y0 + y) * q + i);
      const float *phases[SR_MAX_SCALE];
      for (int j = 0; j < q; j++)
        phases[j] = output_row (o, y, i, j);
      sr_store_phases_u16 (phases, q, o->tile.w,
          io->dst_u16 + row * io->dst_stride + (gsize) o->tile.x0 * q * 2, io->words);
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

/* The output store; when the last map has q*q channels, the pixel shuffle is fused
 * into it: channel i * q + j is the sub-pixel (i, j) of each q x q block. */
static void
write_output (const FrameIo *io, const OutputTile *o)
{
  if (io->dst_u16) {
    write_output_u16 (io, o);
    return;
  }
  const int q = o->q;
  for (int y = 0; y < o->tile.h; y++) {
    for (int i = 0; i < q; i++) {
      gsize row = (gsize) ((o->tile.y0 + y) * q + i);
      if (io->dst_u8) {
        /* NaN (which weights huge enough can produce) becomes 0 (sr_pixel_u8) */
        const float *phases[SR_MAX_SCALE];
        for (int j = 0; j < q; j++)
          phases[j] = output_row (o, y, i, j);
        gsize ps = io->dst_pstride;
        sr_store_phases_u8 (phases, q, o->tile.w,
            io->dst_u8 + row * io->dst_stride + (gsize) o->tile.x0 * q * ps, ps);
        continue;
      }
      for (int j = 0; j < q; j++) {
        const float *src = output_row (o, y, i, j);
        float *dst = io->dst_f32 + row * io->dst_stride + (gsize) o->tile.x0 * q + j;
        for (int x = 0; x < o->tile.w; x++)
          dst[x * q] = src[x];
      }
    }
  }
}

/* The maps of every value over @tile, in @ws's buffers. */
static void
tile_maps (const SrRunner *r, const Workspace *ws, SrRect tile, SrMap *maps)
{
  const SrModel *m = r->model;
  for (int v = 0; v <= m->n_steps; v++) {
    SrRect rect = sr_plan_rect (m, &r->plan, v, tile, r->height, r->width);
    maps[v] = (SrMap) { ws->buffers[r->plan.buffer[v]], m->values[v].channels,
      rect.y0, rect.x0, rect.h, rect.w, 0 };
  }
}

static void
run_step (const SrRunner *r, int i, SrMap *maps, float *scratch)
{
  const SrStep *s = &r->model->steps[i];
  SrMap *out = &maps[i + 1];
  switch (s->kind) {
    case SR_STEP_CONV:
      r->convs[s->conv].kernel (&r->convs[s->conv], &maps[s->a], out, scratch);
      break;
    case SR_STEP_ADD:
      sr_map_add (&maps[s->a], &maps[s->b], out, s->act);
      break;
    case SR_STEP_SHUFFLE:
      sr_map_shuffle (&maps[s->a], out, s->r);
      break;
  }
}

/* Copies the rows of @map from row @y0 (of its grid) down into @kept. */
static void
keep_rows (const SrMap *map, int y0, float *kept, SrRect *kept_rect)
{
  int n = map->y0 + map->h - y0;
  kept_rect->h = 0;
  if (n <= 0)
    return;
  size_t plane = sr_map_plane (map), row = map->w;
  for (int c = 0; c < map->c; c++)
    memcpy (kept + c * n * row, map->data + c * plane + (y0 - map->y0) * row,
        sizeof (float) * n * row);
  *kept_rect = (SrRect) { y0, map->x0, n, map->w };
}

/* Copies the kept rows into the top of @map, if they are its top rows; returns how
 * many. */
static int
restore_rows (const float *kept, const SrRect *kept_rect, SrMap *map)
{
  const SrRect *k = kept_rect;
  if (k->h == 0 || k->y0 != map->y0 || k->x0 != map->x0 || k->w != map->w)
    return 0;
  int n = MIN (k->h, map->h);
  size_t plane = sr_map_plane (map), row = map->w;
  for (int c = 0; c < map->c; c++)
    memcpy (map->data + c * plane, kept + c * k->h * row, sizeof (float) * n * row);
  return n;
}

/* Step @i of a tile whose tile above left rows in @ws: the rows kept go in, the
 * kernel computes the rest; then the rows the tile @below (if any) needs are kept. */
static void
run_step_reusing (const SrRunner *r, Workspace *ws, int i, SrMap *maps, const SrRect *below)
{
  const SrModel *m = r->model;
  const SrStep *s = &m->steps[i];
  int v = i + 1;
  if (ws->kept[v] == NULL) {
    run_step (r, i, maps, ws->scratch);
    return;
  }
  SrMap *out = &maps[v];
  int done = restore_rows (ws->kept[v], &ws->kept_rect[v], out);
  SrMap rest = *out;
  rest.plane_stride = sr_map_plane (out);
  rest.data += (size_t) done * out->w;
  rest.y0 += done;
  rest.h -= done;
  if (rest.h > 0)
    r->convs[s->conv].kernel (&r->convs[s->conv], &maps[s->a], &rest, ws->scratch);
  ws->kept_rect[v].h = 0;
  if (below) {
    SrRect next = sr_plan_rect (m, &r->plan, v, *below, r->height, r->width);
    keep_rows (out, next.y0, ws->kept[v], &ws->kept_rect[v]);
  }
}

/* One tile; @below: the next tile down that this thread runs, or NULL. */
static void
process_tile (SrRunner *r, Workspace *ws, const FrameIo *io, SrRect tile,
    const SrRect *below)
{
  const SrModel *m = r->model;
  SrMap maps[SR_MAX_STEPS + 1] = { 0 };
  tile_maps (r, ws, tile, maps);
  read_input (io, &maps[0]);
  gint64 t0 = r->profiling ? g_get_monotonic_time () : 0;
  for (int i = 0; i < m->n_steps; i++) {
    run_step_reusing (r, ws, i, maps, below);
    if (r->profiling) {
      gint64 t1 = g_get_monotonic_time ();
      ws->step_seconds[i] += (t1 - t0) / 1e6;
      t0 = t1;
    }
  }
  int l = m->values[m->n_steps].level;
  OutputTile o = { &maps[m->n_steps], { tile.y0 * l, tile.x0 * l, tile.h * l, tile.w * l },
    m->scale / l, m->out_offset };
  write_output (io, &o);
}

typedef struct {
  SrRunner *runner;
  const FrameIo *io;
  gint next_segment;   /* atomic: segments are handed out one at a time */
} Frame;

static SrRect
tile_at (const SrRunner *r, int row, int column)
{
  int tw = MIN (r->tile_w, r->width), th = MIN (r->tile_h, r->height);
  SrRect tile = { row * th, column * tw, 0, 0 };
  tile.h = MIN (th, r->height - tile.y0);
  tile.w = MIN (tw, r->width - tile.x0);
  return tile;
}

static void
run_tiles (gpointer data, int worker)
{
  Frame *f = data;
  SrRunner *r = f->runner;
  Workspace *ws = &r->ws[worker];
  int n = r->n_tiles_x * r->n_segments;
  for (int s; (s = g_atomic_int_add (&f->next_segment, 1)) < n;) {
    /* the top segment of every column, then the next ones down */
    int column = s % r->n_tiles_x, segment = s / r->n_tiles_x;
    int first = segment * r->n_tiles_y / r->n_segments;
    int end = (segment + 1) * r->n_tiles_y / r->n_segments;
    for (int v = 0; v <= r->model->n_steps; v++)
      ws->kept_rect[v].h = 0;
    SrRect tile = tile_at (r, first, column);
    for (int row = first; row < end; row++) {
      SrRect below = tile_at (r, row + 1, column);
      process_tile (r, ws, f->io, tile, row + 1 < end ? &below : NULL);
      tile = below;
    }
  }
}

static void
run (SrRunner *r, const FrameIo *io)
{
  Frame f = { r, io, 0 };
  sr_workers_run (r->n_threads, run_tiles, &f);
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

/* ---- the kernel of each layer, by measurement ---- */

/* Each layer's candidates are first screened on a slice of the tile (an eighth
 * of its rows: a kernel 20 times slower than the best, as im2col + GEMM is next to
 * our own kernels on an AVX-512 CPU, costs little to rule out), then those within
 * SCREEN_FACTOR of the best are timed in up to FULL_ROUNDS rounds over the whole
 * tile, one run of each candidate per round so that a burst of other load spoils one
 * run of each rather than all runs of one; a candidate's time is its fastest run.
 * Five rounds, not three: the 5x5 Winograd kernel's runs vary more than the direct
 * kernel's (a map 4 times the output's goes through the cache), and with three SESR
 * x4's 5x5 tail kept the direct kernel in 6 of 23 runners on an AMD Zen 4 (family 25
 * model 17), with five in none of 18; whole frames ran 10% slower with it. */
#define SCREEN_FACTOR 3.0
#define FULL_ROUNDS 5
#define CLEAR_LEAD 1.2
/* bfloat16 rounds inputs and weights: precision=bf16 takes it on a layer only where
 * it beats the fastest float32 kernel by this much. On a tile's timing a near tie
 * went either way, and bf16 then ran whole frames slower than float32 (ESPCN x2 and
 * FSRCNN x2 at 0.94x and 0.91x on an Intel Xeon family 6 model 207). */
#define BF16_LEAD 1.1

/* CPU time of the calling thread: a run the scheduler interrupts for other load
 * (this machine's training job, another stream) is not charged for the wait. */
static double
thread_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
time_run (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch, int index,
    SrKernelKind kind)
{
  double t0 = thread_seconds ();
  conv->kernel (conv, in, out, scratch);
  return sr_kernel_choice_adjust (index, kind, thread_seconds () - t0);
}

/* Tries every candidate kernel on the convolution of step @i, on the tile in @maps,
 * keeps the fastest in r->convs and its time in r->seconds; leaves the layer's
 * output over the whole tile in maps[i + 1] for the next layers. */
static void
choose_layer (SrRunner *r, int i, SrMap *maps, float *scratch)
{
  const SrModel *m = r->model;
  int c = m->steps[i].conv;
  const SrConv *model_conv = &m->convs[c];
  const SrMap *in = &maps[m->steps[i].a];
  SrMap *out = &maps[i + 1];
  SrConv trial[SR_KERNEL_N_KINDS];
  gpointer packed[SR_KERNEL_N_KINDS] = { 0 };
  gboolean alive[SR_KERNEL_N_KINDS] = { 0 };
  double screen[SR_KERNEL_N_KINDS], best = G_MAXDOUBLE;
  SrMap slice = *out;
  slice.h = MIN (out->h, MAX (4, (out->h / 8 + 3) & ~3));
  for (int k = 0; k < SR_KERNEL_N_KINDS; k++) {
    r->seconds[c][k] = -1;
    if (!sr_kernel_kind_is_candidate (k, model_conv, m->bf16))
      continue;
    trial[k] = *model_conv;
    guint before = r->packed->len;
    sr_kernel_kind_apply (k, &trial[k], alloc_packed, r);
    packed[k] = r->packed->len > before
        ? g_ptr_array_index (r->packed, r->packed->len - 1) : NULL;
    alive[k] = TRUE;
    screen[k] = time_run (&trial[k], in, &slice, scratch, c, k);
    best = MIN (best, screen[k]);
  }
  for (int k = 0; k < SR_KERNEL_N_KINDS; k++)
    if (alive[k] && screen[k] > best * SCREEN_FACTOR)
      alive[k] = FALSE;
  for (int round = 0; round < FULL_ROUNDS; round++) {
    double first = G_MAXDOUBLE, second = G_MAXDOUBLE;
    for (int k = 0; k < SR_KERNEL_N_KINDS; k++) {
      if (!alive[k])
        continue;
      double s = time_run (&trial[k], in, out, scratch, c, k);
      r->seconds[c][k] = round == 0 ? s : MIN (r->seconds[c][k], s);
      if (r->seconds[c][k] < first) {
        second = first;
        first = r->seconds[c][k];
      } else
        second = MIN (second, r->seconds[c][k]);
    }
    /* a clear lead after two rounds needs no third */
    if (round >= 1 && second > first * CLEAR_LEAD)
      break;
  }
  /* bf16 against float32 with BF16_LEAD, kernels of one precision as they are (the
   * lead on one side only made Winograd-bf16 beat the direct bf16 kernel by 10% too) */
  SrKernelKind chosen = SR_KERNEL_N_KINDS;
  double chosen_weighted = G_MAXDOUBLE;
  for (int k = 0; k < SR_KERNEL_N_KINDS; k++) {
    double weighted = r->seconds[c][k] * (sr_kernel_kind_is_bf16 (k) ? BF16_LEAD : 1.0);
    if (alive[k] && weighted < chosen_weighted) {
      chosen = k;
      chosen_weighted = weighted;
    }
  }
  for (int k = 0; k < SR_KERNEL_N_KINDS; k++) {
    if (k != (int) chosen && packed[k] != NULL)
      g_ptr_array_remove_fast (r->packed, packed[k]);
    /* screened out: its slice's time scaled to the whole tile says by how much */
    r->screened[c][k] = sr_kernel_kind_is_candidate (k, model_conv, m->bf16) && !alive[k];
    if (r->screened[c][k])
      r->seconds[c][k] = screen[k] * out->h / slice.h;
  }
  r->convs[c] = trial[chosen];
  /* the output of the last full run is the chosen kernel's or as good as */
}

/* The candidates run on the calling thread, the others idle, on a tile from the
 * middle of the frame (whole halo), with each layer's input the previous layers'
 * output of a smooth test picture. A few milliseconds per layer, once per size. */
static void
choose_kernels (SrRunner *r)
{
  const SrModel *m = r->model;
  for (int c = 0; c < m->n_convs; c++) {
    r->convs[c] = m->convs[c];
    for (int k = 0; k < SR_KERNEL_N_KINDS; k++)
      r->seconds[c][k] = -1;
  }
  const char *force = g_getenv ("SR_CONV_KERNEL");
  r->forced = force && *force;
  gboolean blas = FALSE;
  if (!r->forced) {
    /* OpenBLAS candidates are timed as they will run: single-threaded */
    sr_blas_threads_hold_single ();
    int saved = sr_blas_threads_enter ();
    SrRect tile = tile_at (r, r->n_tiles_y / 2, r->n_tiles_x / 2);
    SrMap maps[SR_MAX_STEPS + 1] = { 0 };
    tile_maps (r, &r->ws[0], tile, maps);
    /* 8-bit pixel values, as most video is (the bf16 kernel of a first layer takes
     * only those in bfloat16, sr-conv-bf16.c) */
    for (int y = 0; y < maps[0].h; y++)
      for (int x = 0; x < maps[0].w; x++)
        maps[0].data[y * maps[0].w + x] = (float) (128 + 3 * ((x * 7 + y * 3) % 32)) / 255.f;
    float *scratch = alloc_floats (scratch_floats (r, TRUE));
    /* OpenBLAS's first call sets up its buffers: not in a candidate's time */
    float a = 1.f, b = 1.f, ab = 0.f;
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, 1, 1, 1, 1.f, &a, 1, &b, 1,
        0.f, &ab, 1);
    for (int i = 0; i < m->n_steps; i++) {
      if (m->steps[i].kind == SR_STEP_CONV)
        choose_layer (r, i, maps, scratch);
      else
        run_step (r, i, maps, scratch);
    }
    g_aligned_free (scratch);
    sr_blas_threads_leave (saved);
    sr_blas_threads_release_single ();
  }
  for (int c = 0; c < m->n_convs; c++)
    blas |= sr_kernel_kind_uses_openblas (sr_kernel_kind_of (&r->convs[c]));
  /* our threads are the parallelism, one or several: OpenBLAS must not start threads
   * of its own (with n_threads 1 it ran each GEMM on every core, spinning between
   * calls: FSRCNN x2 at 1 thread took 2 cores and twice the CPU time for 5% less
   * wall time) */
  if (blas) {
    sr_blas_threads_hold_single ();
    r->holds_blas = TRUE;
  }
}

const char *
sr_runner_get_step_kernel (const SrRunner *runner, int step)
{
  const SrModel *m = runner->model;
  if (step < 0 || step >= m->n_steps || m->steps[step].kind != SR_STEP_CONV)
    return NULL;
  return sr_kernel_kind_name (sr_kernel_kind_of (&runner->convs[m->steps[step].conv]));
}

double
sr_runner_get_step_seconds (const SrRunner *runner, int step, const char *kernel)
{
  const SrModel *m = runner->model;
  if (step < 0 || step >= m->n_steps || m->steps[step].kind != SR_STEP_CONV)
    return -1;
  for (int k = 0; k < SR_KERNEL_N_KINDS; k++)
    if (g_str_equal (kernel, sr_kernel_kind_name (k)))
      return runner->seconds[m->steps[step].conv][k];
  return -1;
}

char *
sr_runner_describe_kernels (const SrRunner *runner)
{
  const SrModel *m = runner->model;
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "%dx%d in %dx%d tiles, %d threads; ", runner->width,
      runner->height, MIN (runner->tile_w, runner->width),
      MIN (runner->tile_h, runner->height), runner->n_threads);
  for (int i = 0, n = 0; i < m->n_steps; i++) {
    if (m->steps[i].kind != SR_STEP_CONV)
      continue;
    double macs;
    char *what = sr_model_describe_step (m, i, &macs);
    int c = m->steps[i].conv;
    SrKernelKind kind = sr_kernel_kind_of (&runner->convs[c]);
    g_string_append_printf (s, "%s%s: %s", n++ ? "; " : "", what,
        sr_kernel_kind_name (kind));
    g_free (what);
    if (runner->forced) {
      g_string_append (s, " (forced by SR_CONV_KERNEL)");
      continue;
    }
    if (m->bf16 && !sr_kernel_kind_is_bf16 (kind) && (runner->seconds[c][SR_KERNEL_BF16] >= 0
            || runner->seconds[c][SR_KERNEL_WINOGRAD_BF16] >= 0))
      g_string_append_printf (s, ", float32: bf16 not %.0f%% faster here",
          100 * (BF16_LEAD - 1));
    g_string_append (s, " (");
    for (int k = 0, shown = 0; k < SR_KERNEL_N_KINDS; k++)
      if (runner->seconds[c][k] >= 0)
        g_string_append_printf (s, "%s%s %s%.2f ms", shown++ ? ", " : "",
            sr_kernel_kind_name (k), runner->screened[c][k] ? "~" : "",
            1e3 * runner->seconds[c][k]);
    g_string_append (s, ")");
  }
  if (runner->holds_blas)
    g_string_append (s, "; OpenBLAS held at 1 thread (no per-thread setting in this "
        "OpenBLAS)");
  return g_string_free (s, FALSE);
}
