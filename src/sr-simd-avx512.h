/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AVX-512 helpers shared by the direct kernels (include only from files compiled
 * with -mavx512f): the block they compute, its row masks, its bias, and the
 * activations applied in registers before the store. */
#pragma once

#include <immintrin.h>

#include "sr-activation.h"
#include "sr-conv.h"

/* A block: SR_BLOCK_CO output channels x SR_BLOCK_NV vectors of 16 pixels of one
 * row, in SR_BLOCK_CO x SR_BLOCK_NV (24) zmm accumulators. */
#define SR_BLOCK_CO 8
#define SR_BLOCK_NV 3

typedef __m512 SrBlock[SR_BLOCK_NV][SR_BLOCK_CO];

/* Output channels go in blocks of 8, but where 4 or fewer are left (the last layer
 * of ESPCN x2 and FSRCNN x2 has 4, of x3 9 = 8 + 1) in a block of 4 channels x 2
 * rows, still 24 accumulators, rather than 8 channels of which half are padding.
 * The width of the block that starts at output channel @co0: */
static inline int
sr_block_width (int cout, int co0)
{
  return cout - co0 <= 4 ? 4 : SR_BLOCK_CO;
}

/* @cout rounded up to whole blocks. */
static inline int
sr_block_padded_cout (int cout)
{
  int n = 0;
  for (int co0 = 0; co0 < cout; co0 += sr_block_width (cout, co0))
    n += sr_block_width (cout, co0);
  return n;
}

/* Masks of the lanes of a block starting @left pixels before the row's end; TRUE
 * when every lane is in the row (plain loads are then safe). Always inlined, as the
 * helpers below: the accumulators must stay in registers. */
static inline __attribute__ ((always_inline)) int
sr_block_masks (int left, __mmask16 *mask)
{
  for (int j = 0; j < SR_BLOCK_NV; j++) {
    int l = left - 16 * j;
    mask[j] = l >= 16 ? 0xffff : l <= 0 ? 0 : (__mmask16) ((1u << l) - 1);
  }
  return left >= 16 * SR_BLOCK_NV;
}

/* Every accumulator of output channel c (the block's first is @co0) starts at its
 * bias; channels past the layer's (@nco of this block) at zero. A block may use
 * only its first @cb channels (a compile-time constant in every caller). */
static inline __attribute__ ((always_inline)) void
sr_block_init (SrBlock acc, const SrConv *conv, int co0, int nco, const int cb)
{
#pragma GCC unroll 8
  for (int c = 0; c < cb; c++) {
    __m512 bias = _mm512_set1_ps (c < nco ? conv->bias[co0 + c] : 0.f);
#pragma GCC unroll 3
    for (int j = 0; j < SR_BLOCK_NV; j++)
      acc[j][c] = bias;
  }
}

/* tanh as in sr-activation.c, 16 lanes at a time; scalef does the 2^n. */
static inline __m512
sr_tanh16 (__m512 x)
{
  x = _mm512_min_ps (_mm512_max_ps (x, _mm512_set1_ps (-9.f)), _mm512_set1_ps (9.f));
  __m512 t = _mm512_mul_ps (x, _mm512_set1_ps (2.8853900817779268f));
  __m512 n = _mm512_roundscale_ps (t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 f = _mm512_mul_ps (_mm512_sub_ps (t, n), _mm512_set1_ps (0.6931471805599453f));
  __m512 p = _mm512_set1_ps (1.f / 5040);
  p = _mm512_fmadd_ps (p, f, _mm512_set1_ps (1.f / 720));
  p = _mm512_fmadd_ps (p, f, _mm512_set1_ps (1.f / 120));
  p = _mm512_fmadd_ps (p, f, _mm512_set1_ps (1.f / 24));
  p = _mm512_fmadd_ps (p, f, _mm512_set1_ps (1.f / 6));
  p = _mm512_fmadd_ps (p, f, _mm512_set1_ps (1.f / 2));
  p = _mm512_fmadd_ps (p, f, _mm512_set1_ps (1.f));
  p = _mm512_fmadd_ps (p, f, _mm512_set1_ps (1.f));
  __m512 e = _mm512_scalef_ps (p, n);
  __m512 one = _mm512_set1_ps (1.f);
  return _mm512_div_ps (_mm512_sub_ps (e, one), _mm512_add_ps (e, one));
}

static inline __m512
sr_activate16 (__m512 v, SrActivation act, float slope)
{
  switch (act) {
    case SR_ACT_TANH:
      return sr_tanh16 (v);
    case SR_ACT_RELU:
      return _mm512_max_ps (v, _mm512_setzero_ps ());
    case SR_ACT_PRELU:
      return _mm512_add_ps (_mm512_max_ps (v, _mm512_setzero_ps ()),
          _mm512_mul_ps (_mm512_set1_ps (slope), _mm512_min_ps (v, _mm512_setzero_ps ())));
    default:
      return v;
  }
}

/* Activation in registers, then the one masked store of the block's @nco channels
 * at row @y, column @x of @out. */
static inline __attribute__ ((always_inline)) void
sr_block_store (SrBlock acc, const SrConv *conv, int co0, int nco, const int cb,
    const __mmask16 *mask, SrMap *out, int y, int x)
{
  size_t plane = (size_t) out->h * out->w;
#pragma GCC unroll 8
  for (int c = 0; c < cb; c++) {
    if (c >= nco)
      break;
    float slope = conv->slopes ? conv->slopes[co0 + c] : 0.f;
    float *dst = out->data + (size_t) (co0 + c) * plane
        + (size_t) y * out->w + x;
#pragma GCC unroll 3
    for (int j = 0; j < SR_BLOCK_NV; j++)
      _mm512_mask_storeu_ps (dst + 16 * j, mask[j],
          sr_activate16 (acc[j][c], conv->act, slope));
  }
}
