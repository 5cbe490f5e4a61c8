/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Winograd F(4x4, 3x3) with its products in bfloat16: the AVX-512 tier's transforms
 * (sr-conv-winograd-tier.h) in float32, the 36 products U V with U and V rounded to
 * bfloat16 pairs of input channels, one VDPBF16PS (two multiply-adds a lane) where the
 * float32 products take two FMAs, summed in float32.
 *
 * Where it pays: on an AMD Zen 4 (family 25 model 17), one tile on one thread,
 * ESPCN's 3x3 64->32 layer ran 1.27-1.35 times as fast as the float32 Winograd kernel,
 * SESR's 16->16 layers 1.1-1.2 times. Where VDPBF16PS gives no more multiply-adds a
 * cycle than FMA (reported for the Intel Xeon family 6 model 207), the runner's
 * measurement keeps float32 (it asks bfloat16 for a 10% lead).
 *
 * Rounding: the transformed values (B^T d B, entries of B up to 5; U through G's
 * sixths and twenty-fourths) are rounded to 8 significant bits, then the output
 * transform (A's entries up to 8) adds them up: a larger error than the direct bf16
 * kernel's, still within precision=bf16's budget (tests/meson.build, bf16-cost-*).
 *
 * Compiled with -mavx512bf16; called only where the CPU has it. */
#include "sr-simd-avx512.h"
#include "sr-bf16.h"

#include "sr-conv-tiers.h"

SR_ALWAYS_INLINE void product_tile_bf16 (const float *u, int np, const float *v, int n,
    float *m, const int rows, int nreal, const int full, const SrMask *mask);
static void input_transforms_paired (const SrConv *conv, const SrMap *in,
    const SrMap *out, const SrWinoRun *runs, int count, float *v, int ns, size_t vstride);

#define SR_WINOGRAD_RUN sr_winograd_run_avx512_bf16
#define SR_WINOGRAD_TILE product_tile_bf16
#define SR_WINOGRAD_UNITS(cin) (((cin) + 1) / 2)
#define SR_WINOGRAD_INPUT input_transforms_paired
#include "sr-conv-winograd-tier.h"

/* U as pairs of input channels: [36][cout / 4][cin / 2][4] 32-bit words, (ci, ci + 1)
 * in one word; an odd last channel is paired with zero. */
size_t
sr_conv_winograd_bf16_packed_floats (const SrConv *conv)
{
  return (size_t) SR_WINO_NPOS * ((conv->cout + 3) & ~3) * ((conv->cin + 1) / 2);
}

void
sr_conv_winograd_bf16_pack (const SrConv *conv, float *packed)
{
  const int cin = conv->cin, np = (cin + 1) / 2, cout4 = (conv->cout + 3) & ~3;
  float *u = g_new (float, sr_conv_winograd_packed_floats (conv));   /* load time */
  sr_conv_winograd_pack (conv, u);   /* [36][cout / 4][cin][4] in float32 */
  guint32 *out = (guint32 *) packed;
  for (int p = 0; p < SR_WINO_NPOS; p++)
    for (int g = 0; g < cout4 / 4; g++)
      for (int q = 0; q < np; q++)
        for (int r = 0; r < 4; r++) {
          const float *group = u + (size_t) p * cout4 * cin + (size_t) g * cin * 4;
          float second = 2 * q + 1 < cin ? group[(2 * q + 1) * 4 + r] : 0.f;
          out[(size_t) p * cout4 * np + ((size_t) g * np + q) * 4 + r] =
              sr_bf16_pair (group[2 * q * 4 + r], second);
        }
  g_free (u);
}

/* The chunk's V as bfloat16 pairs of input channels: pair q's row (32-bit words, the
 * first channel in the low half) at v + q * @ns, positions @vstride apart. The two
 * channels' transforms go to a small buffer that stays in L1, then each position's
 * two vectors become one of pairs on their way to V. (V was written in float32 first
 * and paired in place, one more pass over it: 1 thread, AMD Zen 4, a frame in
 * bfloat16 took 1/1.29 of float32's time for ESPCN x2 and 1/1.19 for SESR-style x2,
 * now 1/1.35 and 1/1.21.) */
static __attribute__ ((noinline)) void
input_transforms_paired (const SrConv *conv, const SrMap *in, const SrMap *out,
    const SrWinoRun *runs, int count, float *v, int ns, size_t vstride)
{
  float first[SR_WINO_NPOS * SR_LANES] __attribute__ ((aligned (64)));
  float second[SR_WINO_NPOS * SR_LANES] __attribute__ ((aligned (64)));
  /* word j of a pair vector: bfloat16 j of the first channel, then of the second */
  __m512i interleave;
  {
    guint16 idx[32];
    for (int j = 0; j < 16; j++) {
      idx[2 * j] = j;
      idx[2 * j + 1] = 16 + j;
    }
    interleave = _mm512_loadu_si512 (idx);
  }
  const int cin = conv->cin;
  for (int q = 0; q < (cin + 1) / 2; q++)
    for (const SrWinoRun *r = runs; r < runs + count; r++) {
      input_transform (in, out, 2 * q, r->by, r->bx, first, SR_LANES, r->nb);
      if (2 * q + 1 < cin)
        input_transform (in, out, 2 * q + 1, r->by, r->bx, second, SR_LANES, r->nb);
      else
        memset (second, 0, sizeof second);
      guint32 *dst = (guint32 *) v + (size_t) q * ns + r->offset;
      const __mmask16 m = sr_mask_first (r->nb);
      for (int p = 0; p < SR_WINO_NPOS; p++) {
        __m512bh both = _mm512_cvtne2ps_pbh (_mm512_load_ps (second + p * SR_LANES),
            _mm512_load_ps (first + p * SR_LANES));
        _mm512_mask_storeu_epi32 (dst + (size_t) p * vstride, m,
            _mm512_permutexvar_epi16 (interleave, (__m512i) both));
      }
    }
}

/* product_tile (sr-conv-winograd-tier.h) over channel pairs: m[r][j] = sum over q of
 * the dot product of the bfloat16 pairs u(r, q) and v[q][j]; u(r, q) is the 32-bit
 * word at u[(r / 4) * np * 4 + q * 4 + r % 4]. */
SR_ALWAYS_INLINE void
product_tile_bf16 (const float *u, int np, const float *v, int n, float *m,
    const int rows, int nreal, const int full, const SrMask *mask)
{
  const guint32 *uw = (const guint32 *) u, *vw = (const guint32 *) v;
  SrVec acc[SR_WINO_ROWS][SR_WINO_NV];
#pragma GCC unroll 8
  for (int r = 0; r < rows; r++)
#pragma GCC unroll 4
    for (int j = 0; j < SR_WINO_NV; j++)
      acc[r][j] = sr_zero ();
  for (int q = 0; q < np; q++) {
    __m512i x[SR_WINO_NV];
#pragma GCC unroll 4
    for (int j = 0; j < SR_WINO_NV; j++)
      x[j] = full ? _mm512_loadu_si512 (vw + (size_t) q * n + SR_LANES * j)
          : _mm512_maskz_loadu_epi32 (mask[j], vw + (size_t) q * n + SR_LANES * j);
#pragma GCC unroll 8
    for (int r = 0; r < rows; r++) {
      __m512i w = _mm512_set1_epi32 ((int) uw[(r / 4) * np * 4 + q * 4 + r % 4]);
#pragma GCC unroll 4
      for (int j = 0; j < SR_WINO_NV; j++)
        acc[r][j] = _mm512_dpbf16_ps (acc[r][j], (__m512bh) x[j], (__m512bh) w);
    }
  }
  store_tile (acc, m, n, rows, nreal, full, mask);
}

void
sr_conv_winograd_bf16 (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  sr_winograd_run_avx512_bf16 (conv, in, out, scratch);
}
