/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sr-simd-avx512.h's operations for AArch64 Advanced SIMD (NEON): 4 float lanes, 32
 * registers. NEON is part of every AArch64 CPU, so this needs no compiler flag and
 * no run-time check. NEON has no masked loads and stores: a mask is the count of
 * leading lanes, and a partial vector is loaded and stored lane by lane (only at a
 * row's last pixels and a chunk's last blocks). */
#pragma once

#include <arm_neon.h>
#include <string.h>

#define SR_LANES 4

typedef float32x4_t SrVec;
typedef int SrMask;   /* lanes 0 .. SrMask - 1 */

/* 32 registers as on AVX-512: the direct block is 8 channels x 3 vectors (24
 * accumulators, 3 inputs, the tap's 8 weights in 2), and so is a Winograd tile. The
 * small block is 4 channels x 1 row x 3 vectors: with 2 rows (24 accumulators, 6
 * inputs) GCC 12 spilled a third of the accumulators in the inner loop. */
#define SR_BLOCK_CO 8
#define SR_BLOCK_NV 3
#define SR_BLOCK_SMALL_CO 4
#define SR_BLOCK_SMALL_ROWS 1
#define SR_WINO_ROWS 8
#define SR_WINO_NV 3

/* sr-conv-rows.h runs whole spans in a loop of their own: a partial vector is loaded
 * lane by lane here */
#define SR_MASKED_LOADS_FREE 0

#define SR_ALWAYS_INLINE static inline __attribute__ ((always_inline))

SR_ALWAYS_INLINE SrMask
sr_mask_first (int n)
{
  return n >= SR_LANES ? SR_LANES : n <= 0 ? 0 : n;
}

SR_ALWAYS_INLINE SrVec sr_loadu (const float *p) { return vld1q_f32 (p); }
/* lanes past @m are zero and not read: lane by lane (a call to memcpy per partial
 * vector would cost more than the taps around it) */
SR_ALWAYS_INLINE SrVec
sr_maskz_loadu (SrMask m, const float *p)
{
  if (m >= SR_LANES)
    return vld1q_f32 (p);
  SrVec v = vdupq_n_f32 (0.f);
  if (m >= 1)
    v = vld1q_lane_f32 (p, v, 0);
  if (m >= 2)
    v = vld1q_lane_f32 (p + 1, v, 1);
  if (m >= 3)
    v = vld1q_lane_f32 (p + 2, v, 2);
  return v;
}
SR_ALWAYS_INLINE void sr_storeu (float *p, SrVec v) { vst1q_f32 (p, v); }
SR_ALWAYS_INLINE void
sr_mask_storeu (float *p, SrMask m, SrVec v)
{
  if (m >= SR_LANES) {
    vst1q_f32 (p, v);
    return;
  }
  if (m >= 1)
    vst1q_lane_f32 (p, v, 0);
  if (m >= 2)
    vst1q_lane_f32 (p + 1, v, 1);
  if (m >= 3)
    vst1q_lane_f32 (p + 2, v, 2);
}
SR_ALWAYS_INLINE SrVec sr_set1 (float f) { return vdupq_n_f32 (f); }
SR_ALWAYS_INLINE SrVec sr_zero (void) { return vdupq_n_f32 (0.f); }
SR_ALWAYS_INLINE SrVec sr_add (SrVec a, SrVec b) { return vaddq_f32 (a, b); }
SR_ALWAYS_INLINE SrVec sr_sub (SrVec a, SrVec b) { return vsubq_f32 (a, b); }
SR_ALWAYS_INLINE SrVec sr_mul (SrVec a, SrVec b) { return vmulq_f32 (a, b); }
SR_ALWAYS_INLINE SrVec sr_div (SrVec a, SrVec b) { return vdivq_f32 (a, b); }
/* 1 / b: AArch64 divides vectors exactly (frecpe's 8 bits and two Newton steps would
 * cost as much) */
SR_ALWAYS_INLINE SrVec sr_recip (SrVec b) { return vdivq_f32 (vdupq_n_f32 (1.f), b); }
SR_ALWAYS_INLINE SrVec sr_min (SrVec a, SrVec b) { return vminq_f32 (a, b); }
SR_ALWAYS_INLINE SrVec sr_max (SrVec a, SrVec b) { return vmaxq_f32 (a, b); }
/* a limited to [-bound, bound] */
SR_ALWAYS_INLINE SrVec sr_clamp_abs (SrVec a, float bound)
{ return vminq_f32 (vmaxq_f32 (a, vdupq_n_f32 (-bound)), vdupq_n_f32 (bound)); }
/* a x b + c, and c - a x b, fused */
SR_ALWAYS_INLINE SrVec sr_fmadd (SrVec a, SrVec b, SrVec c) { return vfmaq_f32 (c, a, b); }
SR_ALWAYS_INLINE SrVec sr_fnmadd (SrVec a, SrVec b, SrVec c) { return vfmsq_f32 (c, a, b); }
/* PReLU: a x slope where a < 0 (a compare, a multiply, a bitwise select) */
SR_ALWAYS_INLINE SrVec
sr_prelu (SrVec a, SrVec slope)
{
  return vbslq_f32 (vcltzq_f32 (a), vmulq_f32 (a, slope), a);
}
/* to nearest, ties to even (as the x86 tiers' rounding) */
SR_ALWAYS_INLINE SrVec sr_round (SrVec a) { return vrndnq_f32 (a); }
/* a x 2^n for whole n (|n| < 126): n goes into the exponent bits of a factor */
SR_ALWAYS_INLINE SrVec
sr_ldexp (SrVec a, SrVec n)
{
  int32x4_t e = vshlq_n_s32 (vaddq_s32 (vcvtnq_s32_f32 (n), vdupq_n_s32 (127)), 23);
  return vmulq_f32 (a, vreinterpretq_f32_s32 (e));
}

/* out[k] lane t = p[4t + k], k = 0 .. 5: column k of 4 Winograd blocks 4 pixels
 * apart (reads p[0 .. SR_PHASES_READ - 1]): one de-interleaving load for columns 0 to
 * 3; columns 4 and 5 are 0 and 1 of the next block. */
#define SR_PHASES_READ 20
SR_ALWAYS_INLINE void
sr_load_phases6 (const float *p, SrVec *out)
{
  float32x4x4_t q = vld4q_f32 (p);
  float32x4_t next = vld1q_f32 (p + 16);   /* p[16] and p[17]: block 4's columns 0, 1 */
  out[0] = q.val[0];
  out[1] = q.val[1];
  out[2] = q.val[2];
  out[3] = q.val[3];
  out[4] = vextq_f32 (q.val[0], next, 1);
  out[5] = vextq_f32 (q.val[1], vextq_f32 (next, next, 1), 1);
}

/* The inverse: dst[4t + k] = r[k] lane t, for the first @n of those 16 pixels. */
SR_ALWAYS_INLINE void
sr_store_interleave4 (float *dst, const SrVec *r, int n)
{
  float32x4x4_t q = { { r[0], r[1], r[2], r[3] } };
  if (n >= 4 * SR_LANES) {
    vst4q_f32 (dst, q);
    return;
  }
  float pixels[4 * SR_LANES];   /* a row's last blocks only */
  vst4q_f32 (pixels, q);
  memcpy (dst, pixels, sizeof (float) * (n > 0 ? n : 0));
}

/* A tap's weights for the @cb (4 or 8) channels of a block, in one or two registers,
 * and channel @c's as a lane of them: the FMAs take it by element. Eight scalar
 * broadcasts took eight registers, and GCC spilled accumulators. */
#define SR_HAS_TAP_WEIGHTS 1
typedef struct {
  float32x4_t q[2];
} SrTapWeights;
SR_ALWAYS_INLINE SrTapWeights
sr_tap_weights (const float *wt, const int cb)
{
  SrTapWeights tw;
  tw.q[0] = cb >= 4 ? vld1q_f32 (wt) : vld1q_dup_f32 (wt);   /* cb 1: one weight */
  tw.q[1] = cb > 4 ? vld1q_f32 (wt + 4) : tw.q[0];
  return tw;
}
SR_ALWAYS_INLINE SrVec sr_tap_weight (SrTapWeights tw, const int c)
{ return vdupq_n_f32 (tw.q[c >> 2][c & 3]); }

#include "sr-simd-block.h"
