/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bfloat16 pairs, the operands of VDPBF16PS: for the units compiled with
 * -mavx512bf16 (sr-conv-bf16.c, sr-conv-winograd-bf16.c). A 32-bit lane holds two
 * bfloat16 values, the first in its low half; VDPBF16PS multiplies both halves by the
 * other operand's and adds both products to a float32 lane. */
#pragma once

#include <glib.h>
#include <immintrin.h>
#include <string.h>

static inline guint16
sr_to_bf16 (float f)
{
  guint32 u;
  memcpy (&u, &f, 4);
  u += 0x7fff + ((u >> 16) & 1);   /* round to nearest even */
  return (guint16) (u >> 16);
}

static inline guint32
sr_bf16_pair (float first, float second)
{
  return sr_to_bf16 (first) | (guint32) sr_to_bf16 (second) << 16;
}

/* Elements [0, n) of two float rows as interleaved bfloat16 pairs (@a in the low half
 * of each 32-bit word), 16 at a time; @b NULL pairs @a with zero. @dst may be @a:
 * each 16 are read before they are written. */
static inline void
sr_pair_row_bf16 (const float *a, const float *b, int n, guint32 *dst)
{
  for (int x = 0; x < n; x += 16) {
    __mmask16 m = n - x >= 16 ? 0xffff : (__mmask16) ((1u << (n - x)) - 1);
    __m512i lo = _mm512_cvtepu16_epi32 ((__m256i) _mm512_cvtneps_pbh (
            _mm512_maskz_loadu_ps (m, a + x)));
    __m512i hi = b ? _mm512_slli_epi32 (_mm512_cvtepu16_epi32 ((__m256i)
            _mm512_cvtneps_pbh (_mm512_maskz_loadu_ps (m, b + x))), 16)
        : _mm512_setzero_si512 ();
    _mm512_mask_storeu_epi32 (dst + x, m, _mm512_or_si512 (lo, hi));
  }
}
