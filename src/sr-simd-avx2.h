/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sr-simd-avx512.h's operations for AVX2 + FMA: 8 float lanes, 16 registers, masks as
 * vectors of all-ones / zero 32-bit lanes. Include only from files compiled with
 * -mavx2 -mfma. */
#pragma once

#include <immintrin.h>

#define SR_LANES 8

typedef __m256 SrVec;
typedef __m256i SrMask;

/* 16 registers: the direct block is 4 channels x 3 vectors (12 accumulators, 3
 * inputs, 1 broadcast weight), and so is a Winograd tile. */
#define SR_BLOCK_CO 4
#define SR_BLOCK_NV 3
#define SR_BLOCK_SMALL_CO 4
#define SR_BLOCK_SMALL_ROWS 1
#define SR_WINO_ROWS 4
#define SR_WINO_NV 3

/* sr-conv-rows.h may run whole and partial spans of a row through one loop: a masked
 * load or store is one instruction here (vmaskmovps) */
#define SR_MASKED_LOADS_FREE 1

#define SR_ALWAYS_INLINE static inline __attribute__ ((always_inline))

SR_ALWAYS_INLINE SrMask
sr_mask_first (int n)
{
  return _mm256_cmpgt_epi32 (_mm256_set1_epi32 (n), _mm256_setr_epi32 (0, 1, 2, 3, 4,
          5, 6, 7));
}

SR_ALWAYS_INLINE SrVec sr_loadu (const float *p) { return _mm256_loadu_ps (p); }
/* masked lanes are neither read nor faulted on */
SR_ALWAYS_INLINE SrVec sr_maskz_loadu (SrMask m, const float *p)
{ return _mm256_maskload_ps (p, m); }
SR_ALWAYS_INLINE void sr_storeu (float *p, SrVec v) { _mm256_storeu_ps (p, v); }
SR_ALWAYS_INLINE void sr_mask_storeu (float *p, SrMask m, SrVec v)
{ _mm256_maskstore_ps (p, m, v); }
SR_ALWAYS_INLINE SrVec sr_set1 (float f) { return _mm256_set1_ps (f); }
SR_ALWAYS_INLINE SrVec sr_zero (void) { return _mm256_setzero_ps (); }
SR_ALWAYS_INLINE SrVec sr_add (SrVec a, SrVec b) { return _mm256_add_ps (a, b); }
SR_ALWAYS_INLINE SrVec sr_sub (SrVec a, SrVec b) { return _mm256_sub_ps (a, b); }
SR_ALWAYS_INLINE SrVec sr_mul (SrVec a, SrVec b) { return _mm256_mul_ps (a, b); }
SR_ALWAYS_INLINE SrVec sr_div (SrVec a, SrVec b) { return _mm256_div_ps (a, b); }
/* 1 / b for b in [1, 2^60] (the 12-bit rcpps with a Newton step would break tanh's
 * error bound; vdivps on ymm is cheap enough) */
SR_ALWAYS_INLINE SrVec sr_recip (SrVec b)
{ return _mm256_div_ps (_mm256_set1_ps (1.f), b); }
SR_ALWAYS_INLINE SrVec sr_min (SrVec a, SrVec b) { return _mm256_min_ps (a, b); }
SR_ALWAYS_INLINE SrVec sr_max (SrVec a, SrVec b) { return _mm256_max_ps (a, b); }
/* a limited to [-bound, bound] */
SR_ALWAYS_INLINE SrVec sr_clamp_abs (SrVec a, float bound)
{ return sr_min (sr_max (a, _mm256_set1_ps (-bound)), _mm256_set1_ps (bound)); }
SR_ALWAYS_INLINE SrVec sr_fmadd (SrVec a, SrVec b, SrVec c)
{ return _mm256_fmadd_ps (a, b, c); }
SR_ALWAYS_INLINE SrVec sr_fnmadd (SrVec a, SrVec b, SrVec c)
{ return _mm256_fnmadd_ps (a, b, c); }
/* PReLU, max(a, 0) + slope x min(a, 0): three operations (vblendvps is three micro-ops
 * on Intel cores) */
SR_ALWAYS_INLINE SrVec sr_prelu (SrVec a, SrVec slope)
{ return _mm256_fmadd_ps (slope, sr_min (a, sr_zero ()), sr_max (a, sr_zero ())); }
SR_ALWAYS_INLINE SrVec sr_round (SrVec a)
{ return _mm256_round_ps (a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
/* a x 2^n for whole n (|n| < 126): n goes into the exponent bits of a factor */
SR_ALWAYS_INLINE SrVec
sr_ldexp (SrVec a, SrVec n)
{
  __m256i e = _mm256_slli_epi32 (_mm256_add_epi32 (_mm256_cvtps_epi32 (n),
          _mm256_set1_epi32 (127)), 23);
  return _mm256_mul_ps (a, _mm256_castsi256_ps (e));
}

/* out[k] lane t = p[4t + k], k = 0 .. 5: column k of 8 Winograd blocks 4 pixels
 * apart (reads p[0 .. SR_PHASES_READ - 1]): a 4 x 4 transpose in each 128-bit half;
 * columns 4 and 5 are columns 0 and 1 one block on, rotated across the lanes. */
#define SR_PHASES_READ 40
SR_ALWAYS_INLINE void
sr_load_phases6 (const float *p, SrVec *out)
{
  __m256 l0 = _mm256_loadu_ps (p), l1 = _mm256_loadu_ps (p + 8);
  __m256 l2 = _mm256_loadu_ps (p + 16), l3 = _mm256_loadu_ps (p + 24);
  /* blocks (0 | 4), (1 | 5), (2 | 6), (3 | 7) in the two halves */
  __m256 a = _mm256_permute2f128_ps (l0, l2, 0x20), c = _mm256_permute2f128_ps (l0, l2, 0x31);
  __m256 b = _mm256_permute2f128_ps (l1, l3, 0x20), d = _mm256_permute2f128_ps (l1, l3, 0x31);
  __m256 t0 = _mm256_unpacklo_ps (a, c), t1 = _mm256_unpackhi_ps (a, c);
  __m256 t2 = _mm256_unpacklo_ps (b, d), t3 = _mm256_unpackhi_ps (b, d);
  out[0] = _mm256_shuffle_ps (t0, t2, 0x44);
  out[1] = _mm256_shuffle_ps (t0, t2, 0xee);
  out[2] = _mm256_shuffle_ps (t1, t3, 0x44);
  out[3] = _mm256_shuffle_ps (t1, t3, 0xee);
  /* lane t of column 4 is lane t + 1 of column 0, lane 7 is p[32]; column 5 the same
   * of column 1 and p[33] */
  const __m256i rotate = _mm256_setr_epi32 (1, 2, 3, 4, 5, 6, 7, 0);
  __m256 l4 = _mm256_loadu_ps (p + 32);
  out[4] = _mm256_blend_ps (_mm256_permutevar8x32_ps (out[0], rotate),
      _mm256_permutevar8x32_ps (l4, _mm256_set1_epi32 (0)), 0x80);
  out[5] = _mm256_blend_ps (_mm256_permutevar8x32_ps (out[1], rotate),
      _mm256_permutevar8x32_ps (l4, _mm256_set1_epi32 (1)), 0x80);
}

/* The inverse: dst[4t + k] = r[k] lane t, for the first @n of those 32 pixels. */
SR_ALWAYS_INLINE void
sr_store_interleave4 (float *dst, const SrVec *r, int n)
{
  __m256 t0 = _mm256_unpacklo_ps (r[0], r[1]), t1 = _mm256_unpackhi_ps (r[0], r[1]);
  __m256 t2 = _mm256_unpacklo_ps (r[2], r[3]), t3 = _mm256_unpackhi_ps (r[2], r[3]);
  __m256 u0 = _mm256_shuffle_ps (t0, t2, 0x44), u1 = _mm256_shuffle_ps (t0, t2, 0xee);
  __m256 u2 = _mm256_shuffle_ps (t1, t3, 0x44), u3 = _mm256_shuffle_ps (t1, t3, 0xee);
  __m256 q[4] = { _mm256_permute2f128_ps (u0, u1, 0x20), _mm256_permute2f128_ps (u2, u3, 0x20),
    _mm256_permute2f128_ps (u0, u1, 0x31), _mm256_permute2f128_ps (u2, u3, 0x31) };
  for (int k = 0; k < 4 && n > 8 * k; k++) {
    if (n - 8 * k >= 8)
      _mm256_storeu_ps (dst + 8 * k, q[k]);
    else
      _mm256_maskstore_ps (dst + 8 * k, sr_mask_first (n - 8 * k), q[k]);
  }
}

#include "sr-simd-block.h"
