/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Winograd F(4x4, 3x3), one SIMD tier of it (see sr-conv-winograd.c for the method):
 * a C template over the operations of sr-simd-avx512.h (sr-conv-winograd-avx512.c)
 * or sr-simd-avx2.h (sr-conv-winograd-avx2.c). Define SR_WINOGRAD_RUN, the name of
 * the function it defines, before including.
 *
 * A layer goes in chunks of SR_WINO_CHUNK 4x4 blocks (in row-major block order, a
 * chunk may span block rows): the chunk's input transform V [36][cin][n], its 36
 * products M = U V [36][cout][n] (positions padded apart: sr_wino_pos_stride), then
 * its output transform, so that V and M stay in L2. Transforms have SR_LANES blocks in the vector lanes. The products are ours, not
 * a BLAS's: a register tile of SR_WINO_ROWS output channels x SR_WINO_NV vectors of
 * blocks (AVX-512: 8 x 48 in 24 zmm accumulators, AVX2: 4 x 24 in 12 ymm) runs over
 * the input channels with one broadcast weight per SR_WINO_NV FMAs; a V tile
 * (cin x 48 floats, 12 kB at cin = 64) stays in L1 while every channel tile passes
 * over it. Its speed owes nothing to a BLAS library's detection of the CPU.
 *
 * A unit may bring a register tile of its own (sr-conv-winograd-bf16.c: bfloat16
 * pairs) by declaring it and defining, before including, SR_WINOGRAD_TILE (its name,
 * product_tile's parameters), SR_WINOGRAD_UNITS (cin) (the 32-bit units of a row of
 * U and of V: one per channel, one per pair) and SR_WINOGRAD_INPUT (the function
 * that fills a chunk's V in that layout, input_transforms' parameters); conv->packed
 * is then as that unit packed it. */
#include <string.h>

#include "sr-conv-tiers.h"

/* B^T x along one dimension, for the six vectors x[0], x[s], ..., x[5s]:
 * B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0;
 *        0 4 0 -5 0 1]. */
SR_ALWAYS_INLINE void
input_1d (const SrVec *x, int s, SrVec *y, int t)
{
  const SrVec four = sr_set1 (4.f), five = sr_set1 (5.f), two = sr_set1 (2.f);
  SrVec d0 = x[0], d1 = x[s], d2 = x[2 * s], d3 = x[3 * s], d4 = x[4 * s], d5 = x[5 * s];
  SrVec a = sr_sub (d4, d2), b = sr_sub (d3, d1);
  y[0] = sr_fmadd (four, d0, sr_fnmadd (five, d2, d4));
  y[t] = sr_fnmadd (four, sr_add (d1, d2), sr_add (d3, d4));
  y[2 * t] = sr_fmadd (four, sr_sub (d1, d2), sr_sub (d4, d3));
  y[3 * t] = sr_fmadd (two, b, a);
  y[4 * t] = sr_fnmadd (two, b, a);
  y[5 * t] = sr_fmadd (four, d1, sr_fnmadd (five, d3, d5));
}

/* The 6 rows of SR_PHASES_READ floats the input transform of @nb blocks from (@by,
 * @bx) reads, of channel @ci of @in, into @rows: a row where it is in @in if the 4 @nb
 * + 2 pixels those blocks need are inside it (the rest of the read may run into the
 * map's next row: it only reaches the lanes of blocks past @nb, which are never
 * stored); a row of zeros above or below @in (= outside the image, as
 * sr_conv_reference reads it); else a copy in @buf with zeros outside @in, which only
 * blocks at a map's left and right edges need. */
static inline void
input_window (const SrMap *in, const SrMap *out, int ci, int by, int bx, int nb,
    float *buf, const float **rows)
{
  static const float zeros[SR_PHASES_READ];
  const int y = out->y0 - 1 + 4 * by - in->y0, x = out->x0 - 1 + 4 * bx - in->x0;
  const float *end = in->data + (size_t) in->c * sr_map_plane (in);
  const float *plane = in->data + (size_t) ci * sr_map_plane (in);
  const int lo = CLAMP (-x, 0, SR_PHASES_READ), hi = CLAMP (in->w - x, lo, SR_PHASES_READ);
  for (int r = 0; r < 6; r++) {
    if (y + r < 0 || y + r >= in->h) {
      rows[r] = zeros;
      continue;
    }
    const float *src = plane + (size_t) (y + r) * in->w + x;
    if (x >= 0 && x + 4 * nb + 2 <= in->w && src + SR_PHASES_READ <= end) {
      rows[r] = src;
      continue;
    }
    float *dst = buf + r * SR_PHASES_READ;
    memset (dst, 0, sizeof (float) * lo);
    memcpy (dst + lo, src + lo, sizeof (float) * (hi - lo));
    memset (dst + hi, 0, sizeof (float) * (SR_PHASES_READ - hi));
    rows[r] = dst;
  }
}

/* V = B^T d B for @nb (<= SR_LANES) blocks from (@by, @bx0) of channel @ci of @in,
 * position p at v + p * @pos_stride (the blocks from there). B along each of the 6
 * rows first, the row split into its phases in registers as it is loaded from the
 * map, then B^T down the 6 columns. (It went the other way, B^T down the rows into a
 * buffer on the stack, then each buffered row split and B along it; without the
 * buffer's stores and loads, some of them across two stores, the layers took 1-3% less
 * CPU time a frame with AVX-512 and AVX2 on an AMD Zen 4.) */
static __attribute__ ((noinline)) void
input_transform (const SrMap *in, const SrMap *out, int ci, int by, int bx0, float *v,
    size_t pos_stride, int nb)
{
  float buf[6 * SR_PHASES_READ];
  const float *rows[6];
  input_window (in, out, ci, by, bx0, nb, buf, rows);
  SrVec h[6][6];   /* B d: row r's columns (GCC spills some; its stores forward) */
  for (int r = 0; r < 6; r++) {
    SrVec c[6];
    sr_load_phases6 (rows[r], c);
    input_1d (c, 1, h[r], 1);
  }
  SrMask m = sr_mask_first (nb);
  for (int j = 0; j < 6; j++) {
    SrVec y[6];
    input_1d (&h[0][j], 6, y, 1);
    for (int i = 0; i < 6; i++) {
      float *dst = v + (size_t) (6 * i + j) * pos_stride;
      /* each position's rows fill in order, 36 streams at once: more than the
       * hardware prefetcher follows (the next line, 5-8% of the layer) */
      __builtin_prefetch (dst + 16, 1, 3);
      if (nb >= SR_LANES)
        sr_storeu (dst, y[i]);
      else
        sr_mask_storeu (dst, m, y[i]);
    }
  }
}

/* A^T x along one dimension: A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0;
 * 0 1 -1 8 -8 1]. */
SR_ALWAYS_INLINE void
output_1d (const SrVec *x, int s, SrVec *y, int t)
{
  SrVec a = sr_add (x[s], x[2 * s]), b = sr_sub (x[s], x[2 * s]);
  SrVec c = sr_add (x[3 * s], x[4 * s]), d = sr_sub (x[3 * s], x[4 * s]);
  y[0] = sr_add (sr_add (x[0], a), c);
  y[t] = sr_fmadd (sr_set1 (2.f), d, b);
  y[2 * t] = sr_fmadd (sr_set1 (4.f), c, a);
  y[3 * t] = sr_add (sr_fmadd (sr_set1 (8.f), d, b), x[5 * s]);
}

/* Y = A^T M A + bias, activated, for @nb (<= SR_LANES) blocks from (@by, @bx0) of
 * channel @co, whose position p is at mm + p * @pos_stride. Writes rows 4by .. 4by + 3
 * of @out (those inside it), pixels 4bx0 .. 4bx0 + 4nb - 1 (those inside it). */
static __attribute__ ((noinline)) void
output_transform (const SrConv *conv, const float *mm, size_t pos_stride, int co,
    int by, int bx0, int nb, SrMap *out)
{
  SrMask m = sr_mask_first (nb);
  /* along the rows first, as each row's 6 values are loaded: 24 values live
   * between the passes instead of 36 (3-5% of a 16->16 layer) */
  SrVec s[24], y[16];
  for (int i = 0; i < 6; i++) {   /* M A: along each row, 6 columns to 4 */
    SrVec x[6];
    for (int j = 0; j < 6; j++) {
      const float *src = mm + (size_t) (6 * i + j) * pos_stride;
      x[j] = nb >= SR_LANES ? sr_loadu (src) : sr_maskz_loadu (m, src);
    }
    output_1d (x, 1, s + 4 * i, 1);
  }
  for (int j = 0; j < 4; j++)   /* A^T (M A): down each column, 6 rows to 4 */
    output_1d (s + j, 4, y + j, 4);
  SrVec bias = sr_set1 (conv->bias[co]);
  float slope = conv->slopes ? conv->slopes[co] : 0.f;
  for (int q = 0; q < 16; q++)
    y[q] = sr_activate (sr_add (y[q], bias), conv->act, slope);

  /* pixel 4t + j of a row is column j of block t */
  int x0 = 4 * bx0, npix = MIN (4 * nb, out->w - x0);
  for (int i = 0; i < 4 && 4 * by + i < out->h; i++) {
    float *dst = out->data + (size_t) co * sr_map_plane (out)
        + (size_t) (4 * by + i) * out->w + x0;
    sr_store_interleave4 (dst, y + 4 * i, npix);
  }
}

/* A register tile's sums, stored: rows r < @nreal of @m (rows @n apart), the
 * columns of @mask where not @full. */
SR_ALWAYS_INLINE void
store_tile (SrVec acc[SR_WINO_ROWS][SR_WINO_NV], float *m, int n, const int rows,
    int nreal, const int full, const SrMask *mask)
{
#pragma GCC unroll 8
  for (int r = 0; r < rows; r++) {
    if (r >= nreal)
      break;
#pragma GCC unroll 4
    for (int j = 0; j < SR_WINO_NV; j++) {
      if (full)
        sr_storeu (m + (size_t) r * n + SR_LANES * j, acc[r][j]);
      else
        sr_mask_storeu (m + (size_t) r * n + SR_LANES * j, mask[j], acc[r][j]);
    }
  }
}

/* The register tile: m[r][j] = sum over ci of u(r, ci) v[ci][j], rows r < @rows (the
 * first @nreal stored, @m's rows @n apart), columns j < SR_LANES x SR_WINO_NV (those
 * of @mask where not @full). u(r, ci) is at u[(r / 4) * cin * 4 + ci * 4 + r % 4]. */
SR_ALWAYS_INLINE void
product_tile (const float *u, int cin, const float *v, int n, float *m, const int rows,
    int nreal, const int full, const SrMask *mask)
{
  SrVec acc[SR_WINO_ROWS][SR_WINO_NV];
#pragma GCC unroll 8
  for (int r = 0; r < rows; r++)
#pragma GCC unroll 4
    for (int j = 0; j < SR_WINO_NV; j++)
      acc[r][j] = sr_zero ();
  for (int ci = 0; ci < cin; ci++) {
    SrVec x[SR_WINO_NV];
#pragma GCC unroll 4
    for (int j = 0; j < SR_WINO_NV; j++)
      x[j] = full ? sr_loadu (v + (size_t) ci * n + SR_LANES * j)
          : sr_maskz_loadu (mask[j], v + (size_t) ci * n + SR_LANES * j);
#pragma GCC unroll 8
    for (int r = 0; r < rows; r++) {
      SrVec w = sr_tap_weight (sr_tap_weights (u + (r / 4) * cin * 4 + ci * 4, 4), r % 4);
#pragma GCC unroll 4
      for (int j = 0; j < SR_WINO_NV; j++)
        acc[r][j] = sr_fmadd (x[j], w, acc[r][j]);
    }
  }
  store_tile (acc, m, n, rows, nreal, full, mask);
}

/* A block row goes in runs of at most SR_LANES blocks, one vector of each transform.
 * Two ways (@b.runs): 0, runs of SR_LANES blocks from the row's start, and chunks of
 * SR_WINO_CHUNK blocks that may end inside a run (it is then transformed twice, as
 * two runs); or @b.runs runs of nearly equal length a row (a row of 47 blocks in 15 +
 * 16 + 16), and chunks of whole runs (fewer blocks, SR_WINO_CHUNK at most). A
 * cursor walks the runs: run @k of block row @by starts at block @bx. */
typedef struct {
  int by, bx, k;
} RunCursor;

/* The chunk's runs from @c into @runs (their number), its blocks into @n; moves @c to
 * the next chunk. (The transforms' loops then read a run's place, not divide it out
 * of a block number for every channel.) */
static inline int
chunk_runs (SrWinoBlocks b, RunCursor *c, SrWinoRun *runs, int *n)
{
  int count = 0;
  *n = 0;
  while (c->by < b.bh && *n < SR_WINO_CHUNK) {
    int nb = b.runs == 0 ? MIN (SR_LANES, b.bw - c->bx) : (c->k + 1) * b.bw / b.runs - c->bx;
    if (*n + nb > SR_WINO_CHUNK) {
      if (b.runs != 0)
        break;
      nb = SR_WINO_CHUNK - *n;
    }
    runs[count++] = (SrWinoRun) { c->by, c->bx, nb, *n };
    *n += nb;
    c->bx += nb;
    c->k++;
    if (c->bx == b.bw)
      *c = (RunCursor) { c->by + 1, 0, 0 };
  }
  return count;
}

/* The float32 products' hooks (see the top of this file for another unit's): the
 * tile, the units of a tile's rows of U and V (input channels), and what fills V (a
 * row of floats a channel). */
#ifndef SR_WINOGRAD_TILE
#define SR_WINOGRAD_TILE product_tile
#define SR_WINOGRAD_UNITS(cin) (cin)
#define SR_WINOGRAD_INPUT input_transforms
#endif

/* The chunk's V: its @count @runs of every input channel, channel ci's row at v + ci
 * * @ns, positions @vstride apart. */
static inline void
input_transforms (const SrConv *conv, const SrMap *in, const SrMap *out,
    const SrWinoRun *runs, int count, float *v, int ns, size_t vstride)
{
  for (int ci = 0; ci < conv->cin; ci++)
    for (const SrWinoRun *r = runs; r < runs + count; r++)
      input_transform (in, out, ci, r->by, r->bx, v + (size_t) ci * ns + r->offset, vstride,
          r->nb);
}

/* M[p] = U[p] V[p] for the 36 positions p of a chunk of @n blocks (rows @ns floats
 * apart, positions @vstride and @mstride). Kept out of line, as input_transform and
 * output_transform: GCC inlined all three into the layer's loop once that loop was
 * simpler, and 3x3 layers took 6-9% longer (16->16, 12->12, 64->32, AVX-512, AMD
 * Zen 4). */
static __attribute__ ((noinline)) void
products (const float *packed, const float *v, float *mm, int cin, int cout, int n, int ns,
    size_t vstride, size_t mstride)
{
  const int units = SR_WINOGRAD_UNITS (cin), cout4 = (cout + 3) & ~3;
  const int width = SR_LANES * SR_WINO_NV;
  for (int p = 0; p < SR_WINO_NPOS; p++) {
    const float *up = packed + (size_t) p * cout4 * units;
    const float *vp = v + (size_t) p * vstride;
    float *mp = mm + (size_t) p * mstride;
    for (int j0 = 0; j0 < n; j0 += width) {
      SrMask mask[SR_WINO_NV];
      for (int j = 0; j < SR_WINO_NV; j++)
        mask[j] = sr_mask_first (n - j0 - SR_LANES * j);
      const int full = n - j0 >= width;
      int co0 = 0;
      for (; cout - co0 >= SR_WINO_ROWS; co0 += SR_WINO_ROWS) {
        if (full)
          SR_WINOGRAD_TILE (up + (size_t) co0 * units, units, vp + j0, ns,
              mp + (size_t) co0 * ns + j0, SR_WINO_ROWS, SR_WINO_ROWS, 1, mask);
        else
          SR_WINOGRAD_TILE (up + (size_t) co0 * units, units, vp + j0, ns,
              mp + (size_t) co0 * ns + j0, SR_WINO_ROWS, SR_WINO_ROWS, 0, mask);
      }
      for (; co0 < cout; co0 += 4)   /* 1 to 4 channels left (in a packed group of 4) */
        SR_WINOGRAD_TILE (up + (size_t) co0 * units, units, vp + j0, ns,
            mp + (size_t) co0 * ns + j0, 4, MIN (4, cout - co0), 0, mask);
    }
  }
}

/* A chunk of @n blocks in @count @runs: input transforms, products, output
 * transforms. */
static void
run_chunk (const SrConv *conv, const SrMap *in, SrMap *out, const SrWinoRun *runs,
    int count, int n, float *v, float *mm)
{
  const int cin = conv->cin, cout = conv->cout;
  /* rows of V and M a whole number of vectors apart: aligned loads in the products */
  const int ns = (n + SR_LANES - 1) & ~(SR_LANES - 1);
  const size_t vstride = sr_wino_pos_stride ((size_t) cin * ns);
  const size_t mstride = sr_wino_pos_stride ((size_t) cout * ns);
  SR_WINOGRAD_INPUT (conv, in, out, runs, count, v, ns, vstride);
  products (conv->packed, v, mm, cin, cout, n, ns, vstride, mstride);
  for (int co = 0; co < cout; co++)
    for (const SrWinoRun *r = runs; r < runs + count; r++)
      output_transform (conv, mm + (size_t) co * ns + r->offset, mstride, co, r->by, r->bx,
          r->nb, out);
}

/* Transforms (@runs) and products (@vectors: a register tile computes all its
 * SR_WINO_NV vectors, masked or not) of a layer of @b's blocks. */
static void
schedule_cost (SrWinoBlocks b, int *runs, int *vectors)
{
  const int tile = SR_LANES * SR_WINO_NV;
  SrWinoRun chunk[SR_WINO_CHUNK];
  RunCursor c = { 0, 0, 0 };
  *runs = *vectors = 0;
  while (c.by < b.bh) {
    int n;
    *runs += chunk_runs (b, &c, chunk, &n);
    *vectors += (n + tile - 1) / tile * SR_WINO_NV;
  }
}

/* The way to cut @b's rows (its @runs): runs of equal length in chunks of whole runs
 * where they beat runs of SR_LANES in chunks of SR_WINO_CHUNK, that is where they take
 * no more product vectors and save at least an eighth of the transforms; else 0. A 3x3
 * layer on maps 40 rows high, AVX-512, AMD Zen 4 (family 25 model 17), microseconds
 * with runs of SR_LANES / of equal length: 188 pixels wide (47 blocks a row, 39 runs'
 * transforms against 30) 16->16 179 / 168, in bfloat16 145 / 127, 12->12 119 / 109,
 * 64->32 943 / 928; 184 pixels alike; 72 pixels (18 blocks, 22 runs against 20) 80 /
 * 82, 64->32 399 / 416; 196 pixels (49 blocks: 3 runs a chunk, 42 vectors against 33)
 * 16->16 190 / 228. */
static int
row_runs (SrWinoBlocks b)
{
  SrWinoBlocks equal = b;
  equal.runs = (b.bw + SR_LANES - 1) / SR_LANES;
  int runs, vectors, equal_runs, equal_vectors;
  b.runs = 0;
  schedule_cost (b, &runs, &vectors);
  schedule_cost (equal, &equal_runs, &equal_vectors);
  return equal_vectors <= vectors && 8 * equal_runs <= 7 * runs ? equal.runs : 0;
}

void
SR_WINOGRAD_RUN (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  G_STATIC_ASSERT (SR_WINO_CHUNK >= SR_LANES);   /* a chunk holds a whole run */
  SrWinoBlocks b = sr_wino_blocks (out->h, out->w);
  b.runs = row_runs (b);
  float *v = scratch;                                  /* [36][cin][n] */
  float *mm = v + sr_wino_chunk_floats (conv->cin);   /* [36][cout][n] */
  SrWinoRun runs[SR_WINO_CHUNK];
  RunCursor c = { 0, 0, 0 };
  while (c.by < b.bh) {
    int n, count = chunk_runs (b, &c, runs, &n);
    run_chunk (conv, in, out, runs, count, n, v, mm);
  }
}
