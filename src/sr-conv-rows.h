/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The direct kernels' block loop, written once for float32 (sr-conv-avx512.c with
 * AVX-512, sr-conv-avx2.c with AVX2) and bfloat16 pairs (sr-conv-bf16.c): a C
 * template over the SIMD operations of sr-simd-avx512.h or sr-simd-avx2.h. Define
 * before including:
 *
 *   SR_CONV_SPAN, SR_CONV_ROWS, SR_CONV_NARROW_BLOCK, SR_CONV_BLOCK, SR_CONV_BLOCKS
 *                        the names of the functions to define
 *   SR_MADD(acc, v, w)   acc += v x w for SR_LANES lanes of 32-bit input elements (a
 *                        float, or a pair of bfloat16) and a broadcast weight
 *
 * and, where a 32-bit element holds two neighbouring taps of one row rather than one
 * (sr-conv-bf16.c pairs the taps of a layer with one input channel):
 *
 *   SR_CONV_TAP_COLS(k)  the elements a kernel row reads (default k)
 *   SR_CONV_TAP_STEP     input columns from one to the next (default 1)
 *
 * Input plane i (a channel, or a pair of channels), row y + ky, element kx of the
 * kernel row is at src + i * plane + (y + ky) * stride + x + SR_CONV_TAP_STEP * kx;
 * the weights of a block are packed as [n_planes][k][SR_CONV_TAP_COLS(k)][block
 * width] (sr_block_width()), the block of output channel co0 at packed + co0 *
 * n_planes * k * SR_CONV_TAP_COLS(k). Both element kinds are 32 bits, so loads and
 * broadcasts are the same instructions; only SR_MADD differs.
 *
 * A layer may say which of a block's channels each tap feeds (@taps_used: a bit per
 * channel, for every tap of the block; NULL: all): the sub-pixel form of a transposed
 * convolution (FSRCNN's last layer) has taps that are zero for some output phases
 * whatever the input channel, 19% of its multiply-adds at x2 (at x3 the layer is
 * dense: sr-subpixel.h). */

#ifndef SR_CONV_TAP_COLS
#define SR_CONV_TAP_COLS(k) (k)
#define SR_CONV_TAP_STEP 1
#endif

/* Pixels @x .. @x + @nv x SR_LANES - 1 (those in the row) of rows @y .. @y + @rb - 1
 * of the @cb channels from @co0 (@nco of them real). @cb, @rb and @nv are constants
 * wherever this is inlined, so every loop over channels, rows and vectors unrolls and
 * the accumulators stay in registers. */
static inline __attribute__ ((always_inline)) void
SR_CONV_SPAN (const SrConv *conv, const float *wb, const guint32 *used, const float *src,
    size_t plane, int stride, int n_planes, SrMap *out, int co0, int nco, int y, int x,
    const int cb, const int rb, const int nv)
{
  const int k = conv->k, cols = SR_CONV_TAP_COLS (k), taps = k * cols;
  /* whole vectors (no mask) away from the right edge */
  SrMask mask[SR_BLOCK_NV];
  const int full = sr_block_masks (out->w - x, mask, nv);
  SrBlock acc[SR_BLOCK_SMALL_ROWS];
#pragma GCC unroll 2
  for (int r = 0; r < rb; r++)
    sr_block_init (acc[r], conv, co0, nco, cb, nv);
  for (int i = 0; i < n_planes; i++) {
    for (int ky = 0; ky < k; ky++) {
      const float *row = src + i * plane + (size_t) (y + ky) * stride + x;
      const float *wt = wb + ((size_t) i * taps + ky * cols) * cb;
      for (int kx = 0; kx < cols; kx++, wt += cb) {
        const guint32 feeds = used ? used[ky * cols + kx] : ~0u;
        if (feeds == 0)
          continue;
        SrVec v[SR_BLOCK_SMALL_ROWS][SR_BLOCK_NV];
#pragma GCC unroll 2
        for (int r = 0; r < rb; r++)
#pragma GCC unroll 3
          for (int j = 0; j < nv; j++)
            v[r][j] = full ? sr_loadu (row + r * stride + SR_CONV_TAP_STEP * kx + SR_LANES * j)
                : sr_maskz_loadu (mask[j],
                    row + r * stride + SR_CONV_TAP_STEP * kx + SR_LANES * j);
#pragma GCC unroll 8
        for (int c = 0; c < cb; c++) {
          if (!(feeds >> c & 1))
            continue;
          SrVec w = sr_tap_weight (sr_tap_weights (wt, cb), c);
#pragma GCC unroll 2
          for (int r = 0; r < rb; r++)
#pragma GCC unroll 3
            for (int j = 0; j < nv; j++)
              SR_MADD (acc[r][j][c], v[r][j], w);
        }
      }
    }
  }
#pragma GCC unroll 2
  for (int r = 0; r < rb; r++)
    sr_block_store (acc[r], conv, co0, nco, cb, nv, mask, full, out, y + r, x);
}

/* Rows @y .. @y + @rb - 1 of the @cb channels from @co0, in blocks of SR_BLOCK_NV
 * vectors; the row's last few pixels in a block of just enough vectors, not in one
 * mostly masked (ESPCN's first layer has rows of 194 pixels: 4 blocks of 48 and 2
 * pixels). */
static inline __attribute__ ((always_inline)) void
SR_CONV_ROWS (const SrConv *conv, const float *wb, const guint32 *used, const float *src,
    size_t plane, int stride, int n_planes, SrMap *out, int co0, int nco, int y,
    const int cb, const int rb)
{
  /* the row's end below takes one or two vectors: a block of three is the full one */
  G_STATIC_ASSERT (SR_BLOCK_NV == 3);
  const int block = SR_LANES * SR_BLOCK_NV;
  int x = 0;
#if SR_MASKED_LOADS_FREE
  for (; out->w - x > block - SR_LANES; x += block)
    SR_CONV_SPAN (conv, wb, used, src, plane, stride, n_planes, out, co0, nco, y, x, cb, rb,
        SR_BLOCK_NV);
#else
  /* whole blocks in a loop of their own: its condition tells the compiler the block
   * needs no mask, and so no partial loads in the loop (merged with the plain ones,
   * they made GCC spill the accumulators) */
  for (; out->w - x >= block; x += block)
    SR_CONV_SPAN (conv, wb, used, src, plane, stride, n_planes, out, co0, nco, y, x, cb, rb,
        SR_BLOCK_NV);
  if (out->w - x > block - SR_LANES) {
    SR_CONV_SPAN (conv, wb, used, src, plane, stride, n_planes, out, co0, nco, y, x, cb, rb,
        SR_BLOCK_NV);
    return;
  }
#endif
  if (x >= out->w)
    return;
  if (out->w - x <= SR_LANES)
    SR_CONV_SPAN (conv, wb, used, src, plane, stride, n_planes, out, co0, nco, y, x, cb, rb, 1);
  else
    SR_CONV_SPAN (conv, wb, used, src, plane, stride, n_planes, out, co0, nco, y, x, cb, rb, 2);
}

/* Rows of a block of @cb channels narrower than a full one, SR_BLOCK_SMALL_ROWS at a
 * time, then the rows left one by one. */
static inline __attribute__ ((always_inline)) void
SR_CONV_NARROW_BLOCK (const SrConv *conv, const float *wb, const guint32 *used,
    const float *src, size_t plane, int stride, int n_planes, SrMap *out, int co0, int nco,
    const int cb)
{
  int y = 0;
  for (; y + SR_BLOCK_SMALL_ROWS <= out->h; y += SR_BLOCK_SMALL_ROWS)
    SR_CONV_ROWS (conv, wb, used, src, plane, stride, n_planes, out, co0, nco, y, cb,
        SR_BLOCK_SMALL_ROWS);
  for (; y < out->h; y++)
    SR_CONV_ROWS (conv, wb, used, src, plane, stride, n_planes, out, co0, nco, y, cb, 1);
}

/* Every row of one block of output channels: a full block one row at a time, a small
 * or one-channel block (sr_block_width()) as SR_CONV_NARROW_BLOCK says. */
static inline __attribute__ ((always_inline)) void
SR_CONV_BLOCK (const SrConv *conv, const float *wb, const guint32 *used, const float *src,
    size_t plane, int stride, int n_planes, SrMap *out, int co0)
{
  const int nco = MIN (conv->cout - co0, SR_BLOCK_CO);
  const int width = sr_block_width (conv->cout, co0);
  if (width == SR_BLOCK_CO) {
    for (int y = 0; y < out->h; y++)
      SR_CONV_ROWS (conv, wb, used, src, plane, stride, n_planes, out, co0, nco, y,
          SR_BLOCK_CO, 1);
  } else if (width == 1)
    SR_CONV_NARROW_BLOCK (conv, wb, used, src, plane, stride, n_planes, out, co0, nco, 1);
  else
    SR_CONV_NARROW_BLOCK (conv, wb, used, src, plane, stride, n_planes, out, co0, nco,
        SR_BLOCK_SMALL_CO);
}

/* The whole layer, block after block. @taps_used: NULL (every tap feeds every
 * channel: the blocks are compiled without the tests), or a word for each tap
 * element and SR_BLOCK_SMALL_CO channels (a block's at co0 / SR_BLOCK_SMALL_CO). */
static void
SR_CONV_BLOCKS (const SrConv *conv, const float *src, size_t plane, int stride,
    int n_planes, SrMap *out, const guint32 *taps_used)
{
  const int taps = conv->k * SR_CONV_TAP_COLS (conv->k);
  const size_t per_channel = (size_t) n_planes * taps;
  G_STATIC_ASSERT (SR_BLOCK_CO % SR_BLOCK_SMALL_CO == 0);
  for (int co0 = 0; co0 < conv->cout; co0 += sr_block_width (conv->cout, co0)) {
    const float *wb = conv->packed + co0 * per_channel;
    if (taps_used)
      SR_CONV_BLOCK (conv, wb, taps_used + co0 / SR_BLOCK_SMALL_CO * taps, src, plane,
          stride, n_planes, out, co0);
    else
      SR_CONV_BLOCK (conv, wb, NULL, src, plane, stride, n_planes, out, co0);
  }
}

#undef SR_CONV_SPAN
#undef SR_CONV_ROWS
#undef SR_CONV_BLOCK
#undef SR_CONV_BLOCKS
#undef SR_CONV_NARROW_BLOCK
#undef SR_MADD
#undef SR_CONV_TAP_COLS
#undef SR_CONV_TAP_STEP
