/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sr-activation.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "sr-cpu.h"

/* tanh(x) = 1 - 2 / (e + 1) with e = exp(2x) = 2^t, t = 2x log2(e) = n + g (n whole,
 * |g| <= 1/2), 2^g by the same degree-5 polynomial, fitted for relative error, as the
 * SIMD kernels' sr_tanh (sr-simd-block.h): the portable tier and the SIMD tiers
 * compute the same function. Branch-free and call-free so the compiler vectorises
 * the loop; libm's tanhf took half the time of a whole ESPCN frame. Maximum absolute
 * error against tanh() in double precision: below 4e-7 over all floats
 * (tests/test-layers.c checks it on a dense sweep). */
static inline float
tanh_fast (float x)
{
  float t = x * SR_TANH_TWO_LOG2E;
  t = t < -SR_TANH_T_CLAMP ? -SR_TANH_T_CLAMP : t > SR_TANH_T_CLAMP ? SR_TANH_T_CLAMP : t;
  int n = (int) (t + 64.5f) - 64;             /* round to nearest, for |t| < 64 */
  float g = t - (float) n;
  float p = SR_TANH_EXP2_C5;
  p = p * g + SR_TANH_EXP2_C4;
  p = p * g + SR_TANH_EXP2_C3;
  p = p * g + SR_TANH_EXP2_C2;
  p = p * g + SR_TANH_EXP2_C1;
  p = p * g + SR_TANH_EXP2_C0;
  int32_t bits = (n + 127) << 23;             /* 2^n, exact for |n| <= 40 */
  float scale;
  memcpy (&scale, &bits, sizeof scale);
  return 1.f - 2.f / (p * scale + 1.f);
}

float
sr_tanh_fast (float x)
{
  return tanh_fast (x);
}

/* One copy per instruction set, picked at load time by the CPU it runs on. */
SR_X86_CLONES
void
sr_activation_apply (SrActivation act, const float *slopes, float *data, int channels,
    size_t n, size_t plane_stride)
{
  for (int c = 0; c < channels && act != SR_ACT_NONE; c++) {
    float *p = data + (size_t) c * plane_stride;
    switch (act) {
      case SR_ACT_TANH:
        for (size_t i = 0; i < n; i++)
          p[i] = tanh_fast (p[i]);
        break;
      case SR_ACT_RELU:
        for (size_t i = 0; i < n; i++)
          p[i] = p[i] > 0.f ? p[i] : 0.f;
        break;
      case SR_ACT_PRELU: {
        float a = slopes[c];   /* once: slopes may alias data, as far as GCC knows */
        for (size_t i = 0; i < n; i++)
          p[i] = p[i] > 0.f ? p[i] : a * p[i];
        break;
      }
      default:
        break;
    }
  }
}
