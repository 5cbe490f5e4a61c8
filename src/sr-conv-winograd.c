/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* 3x3 convolution by Winograd's minimal filtering F(4x4, 3x3) (Lavin and Gray,
 * "Fast algorithms for convolutional neural networks", 2016, with the points 0,
 * +-1, +-2 and infinity): each 4x4 block of output comes from a 6x6 block of input
 * with 36 multiplies per input channel instead of 144, 4 times fewer.
 *
 *   V = B^T d B   (6x6 input block d, per input channel)
 *   U = G g G^T   (3x3 filter g, per channel pair: once, at load time, here)
 *   M = sum over input channels of U . V   (36 independent matrix products)
 *   Y = A^T M A   (the 4x4 output block)
 *
 * The transforms and the products are SIMD code of ours, one tier per instruction set
 * (sr-conv-winograd-tier.h): the products used to be OpenBLAS SGEMMs, whose speed
 * depended on OpenBLAS recognising the CPU (0.3.21 runs its SSE3 kernels on a
 * Sapphire Rapids Xeon, a third of the speed). Without SIMD (SR_CPU_PORTABLE) the
 * layer is not given this kernel (sr_kernel_kind_default). */
#include <string.h>

#include "sr-conv-tiers.h"
#include "sr-cpu.h"

size_t
sr_conv_winograd_packed_floats (const SrConv *conv)
{
  return sr_wino_simd_packed_floats (conv);
}

/* U = G g G^T for every (co, ci), stored as [36][cout / 4][cin][4]. */
void
sr_conv_winograd_pack (const SrConv *conv, float *packed)
{
  static const double G[6][3] = { { 1 / 4.0, 0, 0 }, { -1 / 6.0, -1 / 6.0, -1 / 6.0 },
    { -1 / 6.0, 1 / 6.0, -1 / 6.0 }, { 1 / 24.0, 1 / 12.0, 1 / 6.0 },
    { 1 / 24.0, -1 / 12.0, 1 / 6.0 }, { 0, 0, 1 } };
  const int cin = conv->cin, cout4 = (conv->cout + 3) & ~3;
  memset (packed, 0, sizeof (float) * sr_conv_winograd_packed_floats (conv));
  for (int co = 0; co < conv->cout; co++)
    for (int ci = 0; ci < cin; ci++) {
      const float *g = conv->weight + ((size_t) co * cin + ci) * 9;
      double gg[6][3];
      for (int i = 0; i < 6; i++)
        for (int j = 0; j < 3; j++)
          gg[i][j] = G[i][0] * g[j] + G[i][1] * g[3 + j] + G[i][2] * g[6 + j];
      for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
          packed[(size_t) (i * 6 + j) * cout4 * cin + ((size_t) (co / 4) * cin + ci) * 4
              + co % 4] =
              (float) (gg[i][0] * G[j][0] + gg[i][1] * G[j][1] + gg[i][2] * G[j][2]);
    }
}

size_t
sr_conv_winograd_scratch_floats (const SrConv *conv, int out_h, int out_w)
{
  /* a chunk's V and M; the input is read where it is (no padded copy) */
  (void) out_h;
  (void) out_w;
  return sr_wino_chunk_floats (conv->cin) + sr_wino_chunk_floats (conv->cout);
}

gboolean
sr_conv_winograd_available (void)
{
  return sr_cpu_has_simd ();
}

void
sr_conv_winograd (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  switch (sr_cpu_level ()) {
#if SR_X86
    case SR_CPU_AVX512:
      sr_winograd_run_avx512 (conv, in, out, scratch);
      return;
    case SR_CPU_AVX2:
      sr_winograd_run_avx2 (conv, in, out, scratch);
      return;
#endif
#if SR_NEON
    case SR_CPU_NEON:
      sr_winograd_run_neon (conv, in, out, scratch);
      return;
#endif
    default:
      /* never chosen here (sr_conv_winograd_available()); exact and slow if forced */
      sr_conv_reference (conv, in, out, scratch);
      return;
  }
}
