/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* FMA throughput kernels, AVX2 (256-bit). Compiled with -mavx2 -mfma, and in a file
 * of its own: built with -mavx512f, the compiler could use EVEX encodings here that
 * an AVX2-only CPU does not run. Called only after __builtin_cpu_supports ("avx2")
 * and ("fma") (bench-peak.c). 16 ymm registers hold at most 14 accumulators beside
 * the two constant operands. */
#include <immintrin.h>

#include "bench-peak.h"

static inline __attribute__ ((always_inline)) float
fma_chains (guint64 iters, const int n)
{
  __m256 acc[16];
  /* |a| < 1: no infinities or denormals, which would change the speed */
  const __m256 a = _mm256_set1_ps (0.999999f), b = _mm256_set1_ps (1e-7f);
  for (int j = 0; j < n; j++)
    acc[j] = _mm256_set1_ps ((float) j);
  for (guint64 i = 0; i < iters; i++) {
#pragma GCC unroll 16
    for (int j = 0; j < n; j++)
      acc[j] = _mm256_fmadd_ps (acc[j], a, b);
  }
  for (int j = 1; j < n; j++)
    acc[0] = _mm256_add_ps (acc[0], acc[j]);
  float lanes[8];
  _mm256_storeu_ps (lanes, acc[0]);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] + lanes[6]
      + lanes[7];
}

float
bench_peak_avx2_8 (guint64 iters)
{
  return fma_chains (iters, 8);
}

float
bench_peak_avx2_12 (guint64 iters)
{
  return fma_chains (iters, 12);
}

float
bench_peak_avx2_14 (guint64 iters)
{
  return fma_chains (iters, 14);
}
