/* 2-D convolution, stride 1, odd square kernel, zero 'same' padding at the image
 * border (see sr-map.h), with bias and activation fused into its output.
 *
 * The kernel that computes a layer is a function pointer chosen per layer, so a
 * faster kernel for one layer shape can be swapped in without touching the others.
 * sr_conv_reference() is the plain loop every other kernel is tested against. */
#pragma once

#include <stddef.h>

#include "sr-activation.h"
#include "sr-map.h"

typedef struct _SrConv SrConv;

/* Fills @out (its region and channel count set by the caller) from @in. @scratch has
 * room for sr_conv_scratch_floats() floats for @out's size. */
typedef void (*SrConvKernel) (const SrConv *conv, const SrMap *in, SrMap *out,
    float *scratch);

struct _SrConv {
  int cin, cout, k;
  const float *weight;      /* [cout][cin][k][k] */
  const float *bias;        /* [cout] */
  SrActivation act;
  const float *slopes;      /* [cout], PReLU only */
  SrConvKernel kernel;
};

static inline int
sr_conv_radius (const SrConv *conv)
{
  return conv->k / 2;
}

size_t sr_conv_scratch_floats (const SrConv *conv, int out_h, int out_w);

void sr_conv_reference (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch);

/* im2col then one OpenBLAS SGEMM: out[cout][h*w] = W[cout][cin*k*k] x col. */
void sr_conv_gemm (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch);
