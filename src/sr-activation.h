/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Element-wise activations, applied in place to a map's planes. */
#pragma once

#include <stddef.h>

typedef enum {
  SR_ACT_NONE,
  SR_ACT_TANH,
  SR_ACT_RELU,
  SR_ACT_PRELU,   /* one learned slope per channel for x < 0 */
} SrActivation;

/* tanh(x) = 1 - 2 / (2^t + 1), t = 2x log2(e) = n + g: the constants the scalar
 * (sr-activation.c) and SIMD (sr-simd-block.h) versions share. 2^g by a degree-5
 * polynomial, highest coefficient first, fitted for relative error (7.6e-8 on
 * [-1/2, 1/2]); beyond |t| = 40, tanh is +-1 in float. */
#define SR_TANH_TWO_LOG2E 2.8853900817779268f
#define SR_TANH_T_CLAMP 40.0f
#define SR_TANH_EXP2_C5 1.3276262907e-03f
#define SR_TANH_EXP2_C4 9.6754767001e-03f
#define SR_TANH_EXP2_C3 5.5507134646e-02f
#define SR_TANH_EXP2_C2 2.4022121727e-01f
#define SR_TANH_EXP2_C1 6.9314694405e-01f
#define SR_TANH_EXP2_C0 1.0000001192e+00f

/* The tanh the engine uses (see sr-activation.c for its error bound). */
float sr_tanh_fast (float x);

/* @act on the first @n floats of each of @channels planes, @plane_stride floats apart.
 * @slopes: one per channel, for SR_ACT_PRELU only. */
void sr_activation_apply (SrActivation act, const float *slopes, float *data,
    int channels, size_t n, size_t plane_stride);
