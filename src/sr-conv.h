/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* 2-D convolution, stride 1, square kernel, zero 'same' padding at the image border
 * (see sr-map.h), with bias and activation fused into its output. An odd kernel is
 * centred on its output pixel; a window can be moved by `shift` (FSRCNN x3's
 * sub-pixel form is a 4x4 kernel over input offsets -1 .. 2).
 *
 * The kernel that computes a layer is a function pointer chosen per layer, so a
 * faster kernel for one layer shape can be swapped in without touching the others.
 * sr_conv_reference() is the plain loop every other kernel is tested against.
 *
 * Kinds: im2col + OpenBLAS (the portable one), direct (pixels in SIMD lanes), Winograd
 * F(4x4, 3x3) for 3x3 layers (and 5x5 ones as four 3x3 blocks), and direct and
 * Winograd in bfloat16. The SIMD kinds have a tier per instruction set (AVX-512, AVX2
 * + FMA, NEON), picked inside each kind by sr_cpu_level() (sr-cpu.h), so a kind's
 * function pointer is the same on every CPU. None of their speed depends on
 * OpenBLAS's detection of the CPU. */
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
 * bfloat16 alike), or Winograd's transformed chunk where it may run, whichever is
 * larger, so switching between those keeps a workspace valid. */
size_t sr_conv_scratch_floats (const SrConv *conv, int out_h, int out_w);

void sr_conv_reference (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch);

/* im2col then one OpenBLAS SGEMM: out[cout][h*w] = W[cout][cin*k*k] x col. */
void sr_conv_gemm (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch);

/* Direct convolution (sr-conv-direct-tier.h), at the CPU's SIMD level (sr-cpu.h):
 * AVX-512 or AVX2 + FMA, with conv->packed filled by sr_conv_direct_pack() at that
 * same level. Not chosen without SIMD (sr_conv_direct_available()): called there
 * anyway, it runs sr_conv_reference(). */
void sr_conv_direct (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch);
size_t sr_conv_direct_packed_floats (const SrConv *conv);
void sr_conv_direct_pack (const SrConv *conv, float *packed);
gboolean sr_conv_direct_available (void);

/* The direct kernel with AVX512-BF16: inputs and weights rounded to bfloat16, float32
 * sums (sr-conv-bf16.c). Faster, less exact: only where asked for (precision=bf16,
 * SR_CONV_KERNEL=bf16), and only at SR_CPU_AVX512 on a CPU with AVX512-BF16
 * (sr_conv_bf16_available()). */
void sr_conv_direct_bf16 (const SrConv *conv, const SrMap *in, SrMap *out,
    float *scratch);
size_t sr_conv_bf16_packed_floats (const SrConv *conv);
void sr_conv_bf16_pack (const SrConv *conv, float *packed);
gboolean sr_conv_bf16_available (void);

/* 3x3 only (shift 0), by Winograd's F(4x4, 3x3) (sr-conv-winograd.c): 4 times fewer
 * multiplies than the direct kernel, a little more rounding; at the CPU's SIMD level,
 * with conv->packed from sr_conv_winograd_pack(). Not chosen without SIMD
 * (sr_conv_winograd_available()): called there anyway, it runs sr_conv_reference(). */
void sr_conv_winograd (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch);
size_t sr_conv_winograd_packed_floats (const SrConv *conv);
void sr_conv_winograd_pack (const SrConv *conv, float *packed);
size_t sr_conv_winograd_scratch_floats (const SrConv *conv, int out_h, int out_w);
gboolean sr_conv_winograd_available (void);
/* TRUE where sr_conv_winograd may be chosen for @conv: centred 3x3 layers of 8+
 * channels on both sides, on a CPU that runs it (any other centred 3x3 layer runs it
 * only when SR_CONV_KERNEL=winograd forces it, in tests). */
gboolean sr_conv_winograd_eligible (const SrConv *conv);
/* TRUE where sr_conv_winograd is the float32 kernel before any measurement: eligible
 * layers with enough channel pairs (sr-conv.c has the figures). */
gboolean sr_conv_winograd_pays (const SrConv *conv);

/* 5x5 layers as four 3x3 blocks by Winograd (sr-conv-winograd-5x5.c): any shift, on
 * the layers whose blocks sr_conv_winograd may run (sr_conv_winograd_5x5_eligible()),
 * with conv->packed from sr_conv_winograd_5x5_pack(). */
void sr_conv_winograd_5x5 (const SrConv *conv, const SrMap *in, SrMap *out,
    float *scratch);
size_t sr_conv_winograd_5x5_packed_floats (const SrConv *conv);
void sr_conv_winograd_5x5_pack (const SrConv *conv, float *packed);
size_t sr_conv_winograd_5x5_scratch_floats (const SrConv *conv, int out_h, int out_w);
gboolean sr_conv_winograd_5x5_eligible (const SrConv *conv);

/* Winograd with its products in bfloat16 (sr-conv-winograd-bf16.c): the transforms
 * in float32, U and V rounded to bfloat16. Where sr_conv_winograd runs and
 * sr_conv_bf16_available(), and only where bfloat16 was asked for; its scratch is
 * sr_conv_winograd's. */
void sr_conv_winograd_bf16 (const SrConv *conv, const SrMap *in, SrMap *out,
    float *scratch);
size_t sr_conv_winograd_bf16_packed_floats (const SrConv *conv);
void sr_conv_winograd_bf16_pack (const SrConv *conv, float *packed);
/* TRUE where this CPU runs sr_conv_winograd_bf16 on @conv and its rounding is allowed:
 * centred 3x3 layers of 8+ channels on both sides, activated (sr-conv.c says why). */
gboolean sr_conv_winograd_bf16_fits (const SrConv *conv);

