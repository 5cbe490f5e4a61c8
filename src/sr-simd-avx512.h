/* AVX-512 helpers shared by the direct kernels (include only from files compiled
 * with -mavx512f): the activations, applied in registers before a store. */
#pragma once

#include <immintrin.h>

#include "sr-activation.h"

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
