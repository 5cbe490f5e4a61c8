/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The convolution kernels a layer can run on, as kinds the runner measures and
 * chooses from (sr-runner.c times each candidate on a real tile at each new frame
 * size and keeps the fastest, layer by layer).
 *
 * The kinds are the entry points of sr-conv.h; which instruction-set tier runs
 * under an entry point is sr-conv's business. */
#pragma once

#include "sr-conv.h"

typedef enum {
  SR_KERNEL_REFERENCE,
  SR_KERNEL_GEMM,       /* im2col + OpenBLAS SGEMM: every CPU */
  SR_KERNEL_DIRECT,     /* our direct convolution */
  SR_KERNEL_WINOGRAD,   /* Winograd F(4x4, 3x3), 3x3 layers of 8+ channels */
  SR_KERNEL_BF16,       /* direct, bfloat16 products, float32 sums */
  SR_KERNEL_WINOGRAD_BF16,   /* Winograd, its products in bfloat16 */
  SR_KERNEL_WINOGRAD_5X5,    /* 5x5 layers as four 3x3 blocks by Winograd */
  SR_KERNEL_N_KINDS
} SrKernelKind;

const char *sr_kernel_kind_name (SrKernelKind kind);
/* The entry point of @kind (the function a layer's kernel pointer holds). */
SrConvKernel sr_kernel_kind_function (SrKernelKind kind);
/* The kind of @conv's current kernel (the model's, or one SR_CONV_KERNEL forced). */
SrKernelKind sr_kernel_kind_of (const SrConv *conv);
/* TRUE if this CPU runs @kind on @conv and it is a candidate at that precision
 * (@bf16: bfloat16 allowed; the float32 kinds are candidates too, so bfloat16 is
 * never slower than float32). The reference kernel is never a candidate. */
gboolean sr_kernel_kind_is_candidate (SrKernelKind kind, const SrConv *conv,
    gboolean bf16);
/* TRUE if @kind rounds to bfloat16 (a candidate only where precision=bf16 allows). */
gboolean sr_kernel_kind_is_bf16 (SrKernelKind kind);
/* TRUE if @kind calls OpenBLAS (which must then run single-threaded in our
 * threads: sr-blas-threads.h). */
gboolean sr_kernel_kind_uses_openblas (SrKernelKind kind);
/* The kind a layer runs before any measurement: the one SR_CONV_KERNEL forces
 * (reference | gemm | direct, also spelt avx512 (at the CPU's SIMD level) | winograd
 * (on every centred 3x3 layer), for tests and measurements), else the fastest by rule
 * at this precision. SR_CONV_KERNEL=bf16 runs in bfloat16 every layer but a 1x1 one of
 * one input channel, where the CPU can (Winograd's where it fits, else direct): the
 * cost of every bfloat16 kernel precision=bf16 may choose. SR_CPU_LEVEL (sr-cpu.h)
 * lowers the SIMD level. */
SrKernelKind sr_kernel_kind_default (const SrConv *conv, gboolean bf16);
/* Sets @conv's kernel to @kind, with its packed weights in memory from @alloc. */
void sr_kernel_kind_apply (SrKernelKind kind, SrConv *conv,
    float *(*alloc) (gsize n, gpointer user), gpointer user);

/* For tests: every measured time goes through @clock (conv is the convolution's
 * index in the model) before the runner compares it, so that a test decides which
 * candidate is the fastest. NULL: the measured times as they are. */
typedef double (*SrKernelClock) (int conv, SrKernelKind kind, double seconds,
    gpointer user);
void sr_kernel_choice_set_clock (SrKernelClock clock, gpointer user);
double sr_kernel_choice_adjust (int conv, SrKernelKind kind, double seconds);
