/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* 2-D convolution, stride 1, square kernel, zero 'same' padding at the image border
 * (see sr-map.h), with bias and activation fused into its output. An odd kernel is
 * centred on its output pixel; a window can be moved by `shift` (FSRCNN x3's
 * sub-pixel form is a 4x4 kernel over input offsets -1 .. 2).
 *
 * The kernel that computes a layer is a function pointer chosen per layer, so a
 * faster kernel for one layer shape can be swapped in without touching the others.
 * sr_conv_reference() is the plain loop every other kernel is tested against. */
#pragma once

#include <glib.h>
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
  const float *packed;      /* the weights as a kernel wants them, or NULL */
  int shift;                /* taps at input offsets first .. first + k - 1, where
                             * first = shift - k / 2 (0: centred) */
};

/* Row stride of the zero-padded input copy the direct kernels make. */
#define SR_CONV_PADDED_STRIDE(w) (((w) + 15) & ~15)

/* Input offset of the first tap (row and column alike). */
static inline int
sr_conv_first_tap (const SrConv *conv)
{
  return conv->shift - conv->k / 2;
}

/* Context the layer reads around an output pixel, on its wider side. */
static inline int
sr_conv_radius (const SrConv *conv)
{
  int first = sr_conv_first_tap (conv), last = first + conv->k - 1;
  return -first > last ? -first : last;
}

/* The @ph x @pw block of every channel of @in whose corner is at (@y0, @x0) of the
 * grid, zero outside the map (= outside the image), plane after plane with rows
 * @stride floats apart: the copy the direct kernels read without border tests. */
void sr_conv_pad_input (const SrMap *in, int y0, int x0, int ph, int pw, float *pad,
    int stride);

/* Room the layer's kernel needs for an output of @out_h x @out_w: the im2col matrix
 * for sr_conv_gemm, a padded copy of the input for the direct kernels (float32 and
 * bfloat16 alike, so switching between those keeps a workspace valid). */
size_t sr_conv_scratch_floats (const SrConv *conv, int out_h, int out_w);

void sr_conv_reference (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch);

/* im2col then one OpenBLAS SGEMM: out[cout][h*w] = W[cout][cin*k*k] x col. */
void sr_conv_gemm (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch);

/* Direct AVX-512 convolution (sr-conv-avx512.c): only on CPUs with AVX-512F, and
 * with conv->packed filled by sr_conv_avx512_pack(). */
void sr_conv_direct_avx512 (const SrConv *conv, const SrMap *in, SrMap *out,
    float *scratch);
size_t sr_conv_avx512_packed_floats (const SrConv *conv);
void sr_conv_avx512_pack (const SrConv *conv, float *packed);

/* The same with AVX512-BF16: inputs and weights rounded to bfloat16, float32 sums
 * (sr-conv-bf16.c). Faster, less exact: only where asked for (SR_CONV_KERNEL=bf16). */
void sr_conv_direct_bf16 (const SrConv *conv, const SrMap *in, SrMap *out,
    float *scratch);
size_t sr_conv_bf16_packed_floats (const SrConv *conv);
void sr_conv_bf16_pack (const SrConv *conv, float *packed);

/* 3x3 only, by Winograd's F(2x2, 3x3) (sr-conv-winograd.c): 2.25 times fewer
 * multiplies; AVX-512F CPUs only, conv->packed from sr_conv_winograd_pack(). */
void sr_conv_winograd (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch);
size_t sr_conv_winograd_packed_floats (const SrConv *conv);
void sr_conv_winograd_pack (const SrConv *conv, float *packed);
size_t sr_conv_winograd_scratch_floats (const SrConv *conv, int out_h, int out_w);

/* Picks the fastest kernel this CPU runs for @conv (in bfloat16 if @bf16 and the CPU
 * has AVX512-BF16), packing its weights into memory from @alloc when that kernel
 * wants them. SR_CONV_KERNEL=reference|gemm|avx512|winograd in the environment
 * forces one (avx512: the direct kernel everywhere; winograd: on every 3x3 layer),
 * for tests and measurements; SR_CONV_KERNEL=bf16 runs the layers with more than one
 * input channel in bfloat16 where the CPU can. */
void sr_conv_choose_kernel (SrConv *conv, gboolean bf16,
    float *(*alloc) (gsize n, gpointer user), gpointer user);
