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

/* The tanh the engine uses (see sr-activation.c for its error bound). */
float sr_tanh_fast (float x);

/* @slopes: one per channel, for SR_ACT_PRELU only. */
void sr_activation_apply (SrActivation act, const float *slopes, float *data,
    int channels, size_t plane);
