/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the kernels build on the SIMD operations of sr-simd-avx512.h or sr-simd-avx2.h
 * (which include this after defining them): tanh and the activations in registers,
 * and the direct kernels' block (its masks, bias and store). Written once for every
 * instruction set. */
#pragma once

#include "sr-activation.h"
#include "sr-conv.h"

/* A block: SR_BLOCK_CO output channels x SR_BLOCK_NV vectors of SR_LANES pixels of one
 * row, in SR_BLOCK_CO x SR_BLOCK_NV accumulators. */
typedef SrVec SrBlock[SR_BLOCK_NV][SR_BLOCK_CO];

/* A tap's weights for the @cb channels of a block, and the broadcast of channel @c's.
 * By default each is broadcast from memory (on AVX-512 an operand of the FMA); a tier
 * whose FMAs take a weight by element defines SR_HAS_TAP_WEIGHTS and its own (NEON). */
#ifndef SR_HAS_TAP_WEIGHTS
typedef const float *SrTapWeights;
SR_ALWAYS_INLINE SrTapWeights
sr_tap_weights (const float *wt, const int cb)
{
  (void) cb;
  return wt;
}
SR_ALWAYS_INLINE SrVec
sr_tap_weight (SrTapWeights tw, const int c)
{
  return sr_set1 (tw[c]);
}
#endif

/* Output channels go in blocks of SR_BLOCK_CO, but where SR_BLOCK_SMALL_CO or fewer
 * are left (the last layer of ESPCN x2 and FSRCNN x2 has 4) in a block of that many
 * channels x SR_BLOCK_SMALL_ROWS rows, as many accumulators, rather than a block of
 * which half is padding; and where one is left (x3: 9 = 8 + 1), in a block of one
 * channel, whose loads feed one multiply-add each but none is padding (a block of 4
 * for it did 4 times the work: AMD Zen 4, a 190x40 tile, FSRCNN x3's 3x3 56->9 tail
 * 0.91 -> 0.78 ms, in bfloat16 0.50 -> 0.42). The width of the block from channel @co0: */
static inline int
sr_block_width (int cout, int co0)
{
  int left = cout - co0;
  return left == 1 ? 1 : left <= SR_BLOCK_SMALL_CO ? SR_BLOCK_SMALL_CO : SR_BLOCK_CO;
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

/* Masks of the lanes of a block of @nv vectors starting @left pixels before the
 * row's end; TRUE when every lane is in the row (plain loads are then safe). Always
 * inlined, as the helpers below: the accumulators must stay in registers, and @nv
 * (at most SR_BLOCK_NV) is a constant wherever they are called. */
SR_ALWAYS_INLINE int
sr_block_masks (int left, SrMask *mask, const int nv)
{
  for (int j = 0; j < nv; j++)
    mask[j] = sr_mask_first (left - SR_LANES * j);
  return left >= SR_LANES * nv;
}

/* Every accumulator of output channel c (the block's first is @co0) starts at its
 * bias; channels past the layer's (@nco of this block) at zero. A block may use
 * only its first @cb channels (a compile-time constant in every caller). */
SR_ALWAYS_INLINE void
sr_block_init (SrBlock acc, const SrConv *conv, int co0, int nco, const int cb,
    const int nv)
{
#pragma GCC unroll 8
  for (int c = 0; c < cb; c++) {
    SrVec bias = sr_set1 (c < nco ? conv->bias[co0 + c] : 0.f);
#pragma GCC unroll 3
    for (int j = 0; j < nv; j++)
      acc[j][c] = bias;
  }
}

/* tanh as 1 - 2 / (e^2x + 1), e^2x = 2^t with t = 2x / ln 2 = n + g, n whole,
 * |g| <= 1/2; t is first limited to [-40, 40], beyond which tanh is +-1 in float.
 * 2^g by a degree-5 polynomial fitted for relative error (7.6e-8 on [-1/2, 1/2]).
 * 16 vector operations where the (e - 1) / (e + 1) form with a degree-6 Taylor
 * series took 19: ESPCN's first layer spends as long in tanh as in its 25 taps.
 * Maximum absolute error 1.9e-7 (tests/test-layers.c bounds it by 4e-7). */
static inline SrVec
sr_tanh (SrVec x)
{
  SrVec t = sr_clamp_abs (sr_mul (x, sr_set1 (SR_TANH_TWO_LOG2E)), SR_TANH_T_CLAMP);
  SrVec n = sr_round (t);
  SrVec g = sr_sub (t, n);
  SrVec p = sr_set1 (SR_TANH_EXP2_C5);
  p = sr_fmadd (p, g, sr_set1 (SR_TANH_EXP2_C4));
  p = sr_fmadd (p, g, sr_set1 (SR_TANH_EXP2_C3));
  p = sr_fmadd (p, g, sr_set1 (SR_TANH_EXP2_C2));
  p = sr_fmadd (p, g, sr_set1 (SR_TANH_EXP2_C1));
  p = sr_fmadd (p, g, sr_set1 (SR_TANH_EXP2_C0));
  SrVec one = sr_set1 (1.f);
  SrVec r = sr_recip (sr_add (sr_ldexp (p, n), one));   /* e + 1 >= 1 */
  return sr_fnmadd (sr_set1 (2.f), r, one);
}

static inline SrVec
sr_activate (SrVec v, SrActivation act, float slope)
{
  switch (act) {
    case SR_ACT_TANH:
      return sr_tanh (v);
    case SR_ACT_RELU:
      return sr_max (v, sr_zero ());
    case SR_ACT_PRELU:
      return sr_prelu (v, sr_set1 (slope));
    default:
      return v;
  }
}

/* Activation in registers, then the one masked store of the block's @nco channels
 * (@nv vectors of them) at row @y, column @x of @out. */
SR_ALWAYS_INLINE void
sr_block_store (SrBlock acc, const SrConv *conv, int co0, int nco, const int cb,
    const int nv, const SrMask *mask, int full, SrMap *out, int y, int x)
{
  size_t plane = sr_map_plane (out);
#pragma GCC unroll 8
  for (int c = 0; c < cb; c++) {
    if (c >= nco)
      break;
    float slope = conv->slopes ? conv->slopes[co0 + c] : 0.f;
    float *dst = out->data + (size_t) (co0 + c) * plane
        + (size_t) y * out->w + x;
#pragma GCC unroll 3
    for (int j = 0; j < nv; j++) {
      SrVec v = sr_activate (acc[j][c], conv->act, slope);
      if (full)
        sr_storeu (dst + SR_LANES * j, v);
      else
        sr_mask_storeu (dst + SR_LANES * j, mask[j], v);
    }
  }
}
