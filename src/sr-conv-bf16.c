/* Direct convolution with AVX512-BF16: the sr-conv-avx512.c kernel with inputs and
 * weights rounded to bfloat16 and accumulated in float32. One VDPBF16PS does two
 * multiply-adds per lane (a pair of input channels), twice the rate of float32 FMAs.
 *
 * Layout: the zero-padded input copy holds channel pairs interleaved per pixel,
 * [cin / 2][rows][cols][2] bfloat16, so one 64-byte load is 16 pixels x 2 channels;
 * weights are packed as [cout / 8][cin / 2][k][k][8] pairs. An odd last channel is
 * paired with zero. Compiled with -mavx512bf16; called only where the CPU has it. */
#include <immintrin.h>
#include <string.h>

#include "sr-conv.h"
#include "sr-simd-avx512.h"

#define CB SR_BLOCK_CO
#define NV SR_BLOCK_NV

static inline guint16
to_bf16 (float f)
{
  guint32 u;
  memcpy (&u, &f, 4);
  u += 0x7fff + ((u >> 16) & 1);   /* round to nearest even */
  return (guint16) (u >> 16);
}

size_t
sr_conv_bf16_packed_floats (const SrConv *conv)
{
  /* pairs of bfloat16 take one float's room */
  return (size_t) (conv->cout + CB - 1) / CB * CB * ((conv->cin + 1) / 2) * conv->k * conv->k;
}

void
sr_conv_bf16_pack (const SrConv *conv, float *packed)
{
  int kk = conv->k * conv->k, nb = (conv->cout + CB - 1) / CB, np = (conv->cin + 1) / 2;
  guint32 *out = (guint32 *) packed;
  memset (out, 0, sizeof (guint32) * sr_conv_bf16_packed_floats (conv));
  for (int b = 0; b < nb; b++)
    for (int p = 0; p < np; p++)
      for (int t = 0; t < kk; t++)
        for (int c = 0; c < CB && b * CB + c < conv->cout; c++) {
          int co = b * CB + c;
          float w0 = conv->weight[(co * conv->cin + 2 * p) * kk + t];
          float w1 = 2 * p + 1 < conv->cin ? conv->weight[(co * conv->cin + 2 * p + 1) * kk + t] : 0.f;
          out[((b * np + p) * kk + t) * CB + c] = to_bf16 (w0) | (guint32) to_bf16 (w1) << 16;
        }
}

/* The input around @out's region as interleaved bfloat16 pairs, zero outside. */
static void
pad_input_bf16 (const SrMap *in, const SrMap *out, int r, int cin, guint32 *pad, int stride)
{
  int ph = out->h + 2 * r, pw = out->w + 2 * r, np = (cin + 1) / 2;
  int y0 = out->y0 - r, x0 = out->x0 - r;
  size_t plane = (size_t) in->h * in->w;
  for (int p = 0; p < np; p++) {
    const float *a = in->data + (size_t) (2 * p) * plane;
    const float *b = 2 * p + 1 < cin ? a + plane : NULL;
    for (int py = 0; py < ph; py++) {
      guint32 *dst = pad + ((size_t) p * ph + py) * stride;
      int iy = y0 + py - in->y0;
      for (int px = 0; px < pw; px++) {
        int ix = x0 + px - in->x0;
        if (iy < 0 || iy >= in->h || ix < 0 || ix >= in->w) {
          dst[px] = 0;
          continue;
        }
        size_t o = (size_t) iy * in->w + ix;
        dst[px] = to_bf16 (a[o]) | (guint32) (b ? to_bf16 (b[o]) : 0) << 16;
      }
    }
  }
}

void
sr_conv_direct_bf16 (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  const int k = conv->k, r = k / 2, kk = k * k, np = (conv->cin + 1) / 2;
  const int ph = out->h + 2 * r, stride = SR_CONV_PADDED_STRIDE (out->w + 2 * r);
  guint32 *pad = (guint32 *) scratch;
  pad_input_bf16 (in, out, r, conv->cin, pad, stride);
  const guint32 *packed = (const guint32 *) conv->packed;
  const int nb = (conv->cout + CB - 1) / CB;

  for (int b = 0; b < nb; b++) {
    const guint32 *wb = packed + (size_t) b * np * kk * CB;
    const int nco = conv->cout - b * CB < CB ? conv->cout - b * CB : CB;
    for (int y = 0; y < out->h; y++) {
      for (int x = 0; x < out->w; x += 16 * NV) {
        /* whole vectors (no mask) away from the right edge; every loop over c and
         * j is unrolled, so the accumulators stay in registers */
        __mmask16 mask[NV];
        const int full = sr_block_masks (out->w - x, mask);
        SrBlock acc;
        sr_block_init (acc, conv, b * CB, nco, CB);
        for (int p = 0; p < np; p++) {
          for (int ky = 0; ky < k; ky++) {
            const guint32 *row = pad + ((size_t) p * ph + y + ky) * stride + x;
            const guint32 *wt = wb + ((size_t) p * kk + ky * k) * CB;
            for (int kx = 0; kx < k; kx++, wt += CB) {
              __m512bh v[NV];
#pragma GCC unroll 3
              for (int j = 0; j < NV; j++)
                v[j] = (__m512bh) (full ? _mm512_loadu_si512 (row + kx + 16 * j)
                    : _mm512_maskz_loadu_epi32 (mask[j], row + kx + 16 * j));
#pragma GCC unroll 8
              for (int c = 0; c < CB; c++) {
                __m512bh w = (__m512bh) _mm512_set1_epi32 ((int) wt[c]);
#pragma GCC unroll 3
                for (int j = 0; j < NV; j++)
                  acc[j][c] = _mm512_dpbf16_ps (acc[j][c], v[j], w);
              }
            }
          }
        }
        sr_block_store (acc, conv, b * CB, nco, CB, mask, out, y, x);
      }
    }
  }
}
