/* Direct convolution with AVX-512: no im2col, no GEMM packing.
 *
 * Pixels are in the vector lanes. A block is 8 output channels x 48 output pixels
 * of one row in 24 zmm accumulators: for each input channel and kernel tap, 3 loads
 * of 16 neighbouring input pixels feed 24 FMAs against 8 broadcast weights (or 4
 * channels x 2 rows: sr_block_width()).
 *
 * The input is first copied into a zero-padded scratch plane, so the inner loop has
 * no border tests; weights are repacked once at load time, block after block, as
 * [cin][k][k][block width] so the broadcasts of a tap are adjacent. Bias and the
 * activation are applied in registers before the one store.
 *
 * This file is compiled with -mavx512f and only called when the CPU has it
 * (sr_conv_choose_kernel). */
#include <immintrin.h>
#include <string.h>

#include "sr-conv.h"
#include "sr-simd-avx512.h"

#define NV SR_BLOCK_NV

size_t
sr_conv_avx512_packed_floats (const SrConv *conv)
{
  return (size_t) sr_block_padded_cout (conv->cout) * conv->cin * conv->k * conv->k;
}

void
sr_conv_avx512_pack (const SrConv *conv, float *packed)
{
  int kk = conv->k * conv->k, cin = conv->cin;
  memset (packed, 0, sizeof (float) * sr_conv_avx512_packed_floats (conv));
  for (int co0 = 0; co0 < conv->cout; co0 += sr_block_width (conv->cout, co0)) {
    int cb = sr_block_width (conv->cout, co0);
    float *dst = packed + (size_t) co0 * cin * kk;   /* every earlier block is full */
    for (int ci = 0; ci < cin; ci++)
      for (int t = 0; t < kk; t++)
        for (int c = 0; c < cb && co0 + c < conv->cout; c++)
          dst[(ci * kk + t) * cb + c] = conv->weight[((co0 + c) * cin + ci) * kk + t];
  }
}

/* Rows @y .. @y + @rb - 1 of the @cb channels from @co0 (@nco of them real), from
 * weights @wb; the input's row y + ky, column x + kx of channel ci is at
 * @src + ci * @plane + (y + ky) * @stride + x + kx. @cb and @rb are constants
 * wherever this is inlined, so every loop over channels, rows and vectors unrolls
 * and the accumulators stay in registers. */
static inline __attribute__ ((always_inline)) void
conv_rows (const SrConv *conv, const float *wb, const float *src, size_t plane,
    int stride, SrMap *out, int co0, int nco, int y, const int cb, const int rb)
{
  const int k = conv->k, kk = k * k, cin = conv->cin;
  for (int x = 0; x < out->w; x += 16 * NV) {
    /* whole vectors (no mask) away from the right edge */
    __mmask16 mask[NV];
    const int full = sr_block_masks (out->w - x, mask);
    SrBlock acc[2];
#pragma GCC unroll 2
    for (int r = 0; r < rb; r++)
      sr_block_init (acc[r], conv, co0, nco, cb);
    for (int ci = 0; ci < cin; ci++) {
      for (int ky = 0; ky < k; ky++) {
        const float *row = src + ci * plane + (size_t) (y + ky) * stride + x;
        const float *wt = wb + ((size_t) ci * kk + ky * k) * cb;
        for (int kx = 0; kx < k; kx++, wt += cb) {
          __m512 v[2][NV];
#pragma GCC unroll 2
          for (int r = 0; r < rb; r++)
#pragma GCC unroll 3
            for (int j = 0; j < NV; j++)
              v[r][j] = full ? _mm512_loadu_ps (row + r * stride + kx + 16 * j)
                  : _mm512_maskz_loadu_ps (mask[j], row + r * stride + kx + 16 * j);
#pragma GCC unroll 8
          for (int c = 0; c < cb; c++) {
            __m512 w = _mm512_set1_ps (wt[c]);
#pragma GCC unroll 2
            for (int r = 0; r < rb; r++)
#pragma GCC unroll 3
              for (int j = 0; j < NV; j++)
                acc[r][j][c] = _mm512_fmadd_ps (v[r][j], w, acc[r][j][c]);
          }
        }
      }
    }
#pragma GCC unroll 2
    for (int r = 0; r < rb; r++)
      sr_block_store (acc[r], conv, co0, nco, cb, mask, out, y + r, x);
  }
}

void
sr_conv_direct_avx512 (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  const int k = conv->k, r = k / 2, kk = k * k, cin = conv->cin;
  const float *src;
  size_t plane;
  int stride;
  if (r == 0) {
    /* a 1x1 convolution reads no border: straight from the input map */
    src = in->data + (size_t) (out->y0 - in->y0) * in->w + (out->x0 - in->x0);
    plane = sr_map_plane (in);
    stride = in->w;
  } else {
    stride = SR_CONV_PADDED_STRIDE (out->w + 2 * r);
    plane = (size_t) (out->h + 2 * r) * stride;
    sr_conv_pad_input (in, out->y0 - r, out->x0 - r, out->h + 2 * r, out->w + 2 * r,
        scratch, stride);
    src = scratch;
  }

  for (int co0 = 0; co0 < conv->cout; co0 += sr_block_width (conv->cout, co0)) {
    const float *wb = conv->packed + (size_t) co0 * cin * kk;
    const int nco = MIN (conv->cout - co0, SR_BLOCK_CO);
    if (sr_block_width (conv->cout, co0) == SR_BLOCK_CO) {
      for (int y = 0; y < out->h; y++)
        conv_rows (conv, wb, src, plane, stride, out, co0, nco, y, SR_BLOCK_CO, 1);
    } else {
      int y = 0;
      for (; y + 2 <= out->h; y += 2)
        conv_rows (conv, wb, src, plane, stride, out, co0, nco, y, 4, 2);
      if (y < out->h)
        conv_rows (conv, wb, src, plane, stride, out, co0, nco, y, 4, 1);
    }
  }
}
