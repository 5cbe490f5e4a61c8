/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The direct kernels' block loop, written once for float32 (sr-conv-avx512.c) and
 * bfloat16 pairs (sr-conv-bf16.c): a C template. Define before including:
 *
 *   SR_CONV_ROWS, SR_CONV_BLOCKS   the names of the two functions to define
 *   SR_MADD(acc, v, w)   acc += v x w for 16 lanes of 32-bit input elements (a
 *                        float, or a pair of bfloat16) and a broadcast weight
 *
 * Input plane i (a channel, or a pair of channels), row y + ky, column x + kx is at
 * src + i * plane + (y + ky) * stride + x + kx; the weights of a block are packed
 * as [n_planes][k][k][block width] (sr_block_width()), the block of output channel
 * co0 at packed + co0 * n_planes * k * k. Both element kinds are 32 bits, so loads
 * and broadcasts are the same instructions; only SR_MADD differs. */

/* Rows @y .. @y + @rb - 1 of the @cb channels from @co0 (@nco of them real). @cb and
 * @rb are constants wherever this is inlined, so every loop over channels, rows and
 * vectors unrolls and the accumulators stay in registers. */
static inline __attribute__ ((always_inline)) void
SR_CONV_ROWS (const SrConv *conv, const float *wb, const float *src, size_t plane,
    int stride, int n_planes, SrMap *out, int co0, int nco, int y, const int cb,
    const int rb)
{
  const int k = conv->k, kk = k * k;
  for (int x = 0; x < out->w; x += 16 * SR_BLOCK_NV) {
    /* whole vectors (no mask) away from the right edge */
    __mmask16 mask[SR_BLOCK_NV];
    const int full = sr_block_masks (out->w - x, mask);
    SrBlock acc[2];
#pragma GCC unroll 2
    for (int r = 0; r < rb; r++)
      sr_block_init (acc[r], conv, co0, nco, cb);
    for (int i = 0; i < n_planes; i++) {
      for (int ky = 0; ky < k; ky++) {
        const float *row = src + i * plane + (size_t) (y + ky) * stride + x;
        const float *wt = wb + ((size_t) i * kk + ky * k) * cb;
        for (int kx = 0; kx < k; kx++, wt += cb) {
          __m512 v[2][SR_BLOCK_NV];
#pragma GCC unroll 2
          for (int r = 0; r < rb; r++)
#pragma GCC unroll 3
            for (int j = 0; j < SR_BLOCK_NV; j++)
              v[r][j] = full ? _mm512_loadu_ps (row + r * stride + kx + 16 * j)
                  : _mm512_maskz_loadu_ps (mask[j], row + r * stride + kx + 16 * j);
#pragma GCC unroll 8
          for (int c = 0; c < cb; c++) {
            __m512 w = _mm512_set1_ps (wt[c]);
#pragma GCC unroll 2
            for (int r = 0; r < rb; r++)
#pragma GCC unroll 3
              for (int j = 0; j < SR_BLOCK_NV; j++)
                SR_MADD (acc[r][j][c], v[r][j], w);
          }
        }
      }
    }
#pragma GCC unroll 2
    for (int r = 0; r < rb; r++)
      sr_block_store (acc[r], conv, co0, nco, cb, mask, out, y + r, x);
  }
}

/* The whole layer: every block of output channels, a block of 4 two rows at a time
 * (and a last odd row alone). */
static void
SR_CONV_BLOCKS (const SrConv *conv, const float *src, size_t plane, int stride,
    int n_planes, SrMap *out)
{
  const size_t per_channel = (size_t) n_planes * conv->k * conv->k;
  for (int co0 = 0; co0 < conv->cout; co0 += sr_block_width (conv->cout, co0)) {
    const float *wb = conv->packed + co0 * per_channel;
    const int nco = MIN (conv->cout - co0, SR_BLOCK_CO);
    if (sr_block_width (conv->cout, co0) == SR_BLOCK_CO) {
      for (int y = 0; y < out->h; y++)
        SR_CONV_ROWS (conv, wb, src, plane, stride, n_planes, out, co0, nco, y,
            SR_BLOCK_CO, 1);
    } else {
      int y = 0;
      for (; y + 2 <= out->h; y += 2)
        SR_CONV_ROWS (conv, wb, src, plane, stride, n_planes, out, co0, nco, y, 4, 2);
      if (y < out->h)
        SR_CONV_ROWS (conv, wb, src, plane, stride, n_planes, out, co0, nco, y, 4, 1);
    }
  }
}

#undef SR_CONV_ROWS
#undef SR_CONV_BLOCKS
#undef SR_MADD
