/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The SIMD operations the kernel templates (sr-conv-rows.h, sr-conv-winograd-tier.h)
 * are written in, for AVX-512F and DQ: 16 float lanes, 32 registers, mask registers.
 * Include only from files compiled with -mavx512f -mavx512dq; sr-simd-avx2.h has the
 * same names for AVX2. */
#pragma once

#include <immintrin.h>

#define SR_LANES 16

typedef __m512 SrVec;
typedef __mmask16 SrMask;

/* The direct kernels' block: SR_BLOCK_CO output channels x SR_BLOCK_NV vectors of one
 * row (24 zmm accumulators); where SR_BLOCK_SMALL_CO or fewer channels are left, a
 * block of that many channels (or of one, where one is left) x SR_BLOCK_SMALL_ROWS
 * rows (see sr-simd-block.h). */
#define SR_BLOCK_CO 8
#define SR_BLOCK_NV 3
#define SR_BLOCK_SMALL_CO 4
#define SR_BLOCK_SMALL_ROWS 2

/* The Winograd products' register tile: SR_WINO_ROWS output channels x SR_WINO_NV
 * vectors of blocks (sr-conv-winograd-tier.h). */
#define SR_WINO_ROWS 8
#define SR_WINO_NV 3

/* sr-conv-rows.h may run whole and partial spans of a row through one loop: a masked
 * load or store is one instruction here */
#define SR_MASKED_LOADS_FREE 1

#define SR_ALWAYS_INLINE static inline __attribute__ ((always_inline))

/* The first @n lanes (none if n <= 0, all if n >= 16). */
SR_ALWAYS_INLINE SrMask
sr_mask_first (int n)
{
  return n >= 16 ? (SrMask) 0xffff : n <= 0 ? (SrMask) 0 : (SrMask) ((1u << n) - 1);
}

SR_ALWAYS_INLINE SrVec sr_loadu (const float *p) { return _mm512_loadu_ps (p); }
SR_ALWAYS_INLINE SrVec sr_maskz_loadu (SrMask m, const float *p)
{ return _mm512_maskz_loadu_ps (m, p); }
SR_ALWAYS_INLINE void sr_storeu (float *p, SrVec v) { _mm512_storeu_ps (p, v); }
SR_ALWAYS_INLINE void sr_mask_storeu (float *p, SrMask m, SrVec v)
{ _mm512_mask_storeu_ps (p, m, v); }
SR_ALWAYS_INLINE SrVec sr_set1 (float f) { return _mm512_set1_ps (f); }
SR_ALWAYS_INLINE SrVec sr_zero (void) { return _mm512_setzero_ps (); }
SR_ALWAYS_INLINE SrVec sr_add (SrVec a, SrVec b) { return _mm512_add_ps (a, b); }
SR_ALWAYS_INLINE SrVec sr_sub (SrVec a, SrVec b) { return _mm512_sub_ps (a, b); }
SR_ALWAYS_INLINE SrVec sr_mul (SrVec a, SrVec b) { return _mm512_mul_ps (a, b); }
SR_ALWAYS_INLINE SrVec sr_div (SrVec a, SrVec b) { return _mm512_div_ps (a, b); }
SR_ALWAYS_INLINE SrVec sr_min (SrVec a, SrVec b) { return _mm512_min_ps (a, b); }
SR_ALWAYS_INLINE SrVec sr_max (SrVec a, SrVec b) { return _mm512_max_ps (a, b); }
/* a x b + c, and c - a x b */
SR_ALWAYS_INLINE SrVec sr_fmadd (SrVec a, SrVec b, SrVec c)
{ return _mm512_fmadd_ps (a, b, c); }
SR_ALWAYS_INLINE SrVec sr_fnmadd (SrVec a, SrVec b, SrVec c)
{ return _mm512_fnmadd_ps (a, b, c); }
SR_ALWAYS_INLINE SrVec sr_round (SrVec a)
{ return _mm512_roundscale_ps (a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
/* 1 / b for normal b > 0: vdivps on zmm takes about 10 cycles a vector, as long as
 * the 25 FMAs of a 5x5 tap set, so a 14-bit reciprocal and one Newton step instead (a
 * few units in the last place: tanh's error bound holds, tests/test-layers.c) */
SR_ALWAYS_INLINE SrVec
sr_recip (SrVec b)
{
  __m512 r = _mm512_rcp14_ps (b);
  return _mm512_fmadd_ps (r, _mm512_fnmadd_ps (b, r, _mm512_set1_ps (1.f)), r);
}
/* a limited to [-bound, bound], in one vrangeps (AVX512DQ): the smaller in
 * magnitude of a and bound, with a's sign; NaN stays NaN */
SR_ALWAYS_INLINE SrVec
sr_clamp_abs (SrVec a, float bound)
{
  return _mm512_range_ps (a, _mm512_set1_ps (bound), 0x02);
}
/* a x 2^n for whole n */
SR_ALWAYS_INLINE SrVec sr_ldexp (SrVec a, SrVec n) { return _mm512_scalef_ps (a, n); }
/* PReLU, a where a >= 0 else a x slope: a compare into a mask and a masked multiply */
SR_ALWAYS_INLINE SrVec
sr_prelu (SrVec a, SrVec slope)
{
  return _mm512_mask_mul_ps (a, _mm512_cmp_ps_mask (a, _mm512_setzero_ps (), _CMP_LT_OQ),
      a, slope);
}

/* out[k] lane t = p[4t + k], k = 0 .. 5: columns k of 16 Winograd blocks 4 pixels
 * apart (reads p[0 .. SR_PHASES_READ - 1]). Two phases of 8 blocks per permute, then halves joined:
 * 10 shuffles for 6 columns (columns 4 and 5 are 0 and 1 of the next block). */
#define SR_PHASES_READ 80
SR_ALWAYS_INLINE void
sr_load_phases6 (const float *p, SrVec *out)
{
  __m512 l0 = _mm512_loadu_ps (p), l1 = _mm512_loadu_ps (p + 16);
  __m512 l2 = _mm512_loadu_ps (p + 32), l3 = _mm512_loadu_ps (p + 48);
  __m512 l4 = _mm512_loadu_ps (p + 64);
  const __m512i i01 = _mm512_setr_epi32 (0, 4, 8, 12, 16, 20, 24, 28,
      1, 5, 9, 13, 17, 21, 25, 29);
  const __m512i i23 = _mm512_setr_epi32 (2, 6, 10, 14, 18, 22, 26, 30,
      3, 7, 11, 15, 19, 23, 27, 31);
  const __m512i next1 = _mm512_setr_epi32 (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
      15, 17);
  __m512 a01 = _mm512_permutex2var_ps (l0, i01, l1);   /* blocks 0-7: columns 0 | 1 */
  __m512 a23 = _mm512_permutex2var_ps (l0, i23, l1);
  __m512 b01 = _mm512_permutex2var_ps (l2, i01, l3);   /* blocks 8-15 */
  __m512 b23 = _mm512_permutex2var_ps (l2, i23, l3);
  out[0] = _mm512_shuffle_f32x4 (a01, b01, 0x44);
  out[1] = _mm512_shuffle_f32x4 (a01, b01, 0xee);
  out[2] = _mm512_shuffle_f32x4 (a23, b23, 0x44);
  out[3] = _mm512_shuffle_f32x4 (a23, b23, 0xee);
  /* lane t of column 4 is lane t + 1 of column 0, lane 15 is p[64]; column 5 the
   * same of column 1 and p[65] */
  out[4] = _mm512_castsi512_ps (_mm512_alignr_epi32 (_mm512_castps_si512 (l4),
          _mm512_castps_si512 (out[0]), 1));
  out[5] = _mm512_permutex2var_ps (out[1], next1, l4);
}

/* The inverse: dst[4t + k] = r[k] lane t, for the first @n of those 64 pixels. */
SR_ALWAYS_INLINE void
sr_store_interleave4 (float *dst, const SrVec *r, int n)
{
  const __m512i pair_lo = _mm512_setr_epi32 (0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21,
      6, 22, 7, 23);
  const __m512i pair_hi = _mm512_setr_epi32 (8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13,
      29, 14, 30, 15, 31);
  const __m512i quad_lo = _mm512_setr_epi64 (0, 8, 1, 9, 2, 10, 3, 11);
  const __m512i quad_hi = _mm512_setr_epi64 (4, 12, 5, 13, 6, 14, 7, 15);
  __m512d p01l = _mm512_castps_pd (_mm512_permutex2var_ps (r[0], pair_lo, r[1]));
  __m512d p01h = _mm512_castps_pd (_mm512_permutex2var_ps (r[0], pair_hi, r[1]));
  __m512d p23l = _mm512_castps_pd (_mm512_permutex2var_ps (r[2], pair_lo, r[3]));
  __m512d p23h = _mm512_castps_pd (_mm512_permutex2var_ps (r[2], pair_hi, r[3]));
  __m512 q[4] = {
    _mm512_castpd_ps (_mm512_permutex2var_pd (p01l, quad_lo, p23l)),
    _mm512_castpd_ps (_mm512_permutex2var_pd (p01l, quad_hi, p23l)),
    _mm512_castpd_ps (_mm512_permutex2var_pd (p01h, quad_lo, p23h)),
    _mm512_castpd_ps (_mm512_permutex2var_pd (p01h, quad_hi, p23h)),
  };
  for (int k = 0; k < 4 && n > 16 * k; k++)
    _mm512_mask_storeu_ps (dst + 16 * k, sr_mask_first (n - 16 * k), q[k]);
}

#include "sr-simd-block.h"
