/* Direct convolution with AVX-512: no im2col, no GEMM packing.
 *
 * Pixels are in the vector lanes: a block of 8 output channels x 48 output pixels
 * of one row lives in 24 zmm accumulators; for each input channel and kernel tap,
 * 3 loads of 16 neighbouring input pixels feed 24 FMAs against 8 broadcast weights.
 * The input is first copied into a zero-padded scratch plane, so the inner loop has
 * no border tests; weights are repacked once at load time as
 * [cout / 8][cin][k][k][8] so the 8 broadcasts of a tap are adjacent. Bias and the
 * activation are applied in registers before the one store.
 *
 * This file is compiled with -mavx512f and only called when the CPU has it
 * (sr-conv-dispatch.c). */
#include <immintrin.h>
#include <string.h>

#include "sr-conv.h"
#include "sr-simd-avx512.h"

#define CB SR_BLOCK_CO
#define NV SR_BLOCK_NV

size_t
sr_conv_avx512_packed_floats (const SrConv *conv)
{
  return (size_t) (conv->cout + CB - 1) / CB * CB * conv->cin * conv->k * conv->k;
}

void
sr_conv_avx512_pack (const SrConv *conv, float *packed)
{
  int kk = conv->k * conv->k, nb = (conv->cout + CB - 1) / CB;
  memset (packed, 0, sizeof (float) * sr_conv_avx512_packed_floats (conv));
  for (int b = 0; b < nb; b++)
    for (int ci = 0; ci < conv->cin; ci++)
      for (int t = 0; t < kk; t++)
        for (int c = 0; c < CB && b * CB + c < conv->cout; c++)
          packed[((b * conv->cin + ci) * kk + t) * CB + c] =
              conv->weight[((b * CB + c) * conv->cin + ci) * kk + t];
}

static inline int
padded_stride (int w)
{
  return SR_CONV_PADDED_STRIDE (w);
}

/* The input around @out's region, zero outside the input map (= outside the image). */
static void
pad_input (const SrMap *in, const SrMap *out, int r, int cin, float *pad, int stride)
{
  int ph = out->h + 2 * r, pw = out->w + 2 * r;
  int y0 = out->y0 - r, x0 = out->x0 - r;
  for (int ci = 0; ci < cin; ci++) {
    const float *plane = in->data + (size_t) ci * in->h * in->w;
    for (int py = 0; py < ph; py++) {
      float *dst = pad + ((size_t) ci * ph + py) * stride;
      int iy = y0 + py - in->y0;
      if (iy < 0 || iy >= in->h) {
        memset (dst, 0, sizeof (float) * pw);
        continue;
      }
      int lo = in->x0 - x0, hi = in->x0 + in->w - x0;   /* valid [lo, hi) in pad */
      lo = lo < 0 ? 0 : lo;
      hi = hi > pw ? pw : hi;
      if (hi < lo)
        hi = lo;
      memset (dst, 0, sizeof (float) * lo);
      memcpy (dst + lo, plane + (size_t) iy * in->w + (x0 + lo - in->x0),
          sizeof (float) * (hi - lo));
      memset (dst + hi, 0, sizeof (float) * (pw - hi));
    }
  }
}

void
sr_conv_direct_avx512 (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  const int k = conv->k, r = k / 2, kk = k * k, cin = conv->cin;
  const int ph = out->h + 2 * r, stride = padded_stride (out->w + 2 * r);
  pad_input (in, out, r, cin, scratch, stride);
  const int nb = (conv->cout + CB - 1) / CB;

  for (int b = 0; b < nb; b++) {
    const float *wb = conv->packed + (size_t) b * cin * kk * CB;
    const int nco = conv->cout - b * CB < CB ? conv->cout - b * CB : CB;
    for (int y = 0; y < out->h; y++) {
      for (int x = 0; x < out->w; x += 16 * NV) {
        /* whole vectors (no mask) away from the right edge; every loop over c and
         * j is unrolled, so the accumulators stay in registers */
        __mmask16 mask[NV];
        const int full = sr_block_masks (out->w - x, mask);
        SrBlock acc;
        sr_block_init (acc, conv, b, nco);
        for (int ci = 0; ci < cin; ci++) {
          for (int ky = 0; ky < k; ky++) {
            const float *row = scratch + ((size_t) ci * ph + y + ky) * stride + x;
            const float *wt = wb + ((size_t) ci * kk + ky * k) * CB;
            for (int kx = 0; kx < k; kx++, wt += CB) {
              __m512 v[NV];
#pragma GCC unroll 3
              for (int j = 0; j < NV; j++)
                v[j] = full ? _mm512_loadu_ps (row + kx + 16 * j)
                    : _mm512_maskz_loadu_ps (mask[j], row + kx + 16 * j);
#pragma GCC unroll 8
              for (int c = 0; c < CB; c++) {
                __m512 w = _mm512_set1_ps (wt[c]);
#pragma GCC unroll 3
                for (int j = 0; j < NV; j++)
                  acc[j][c] = _mm512_fmadd_ps (v[j], w, acc[j][c]);
              }
            }
          }
        }
        sr_block_store (acc, conv, b, nco, mask, out, y, x);
      }
    }
  }
}
