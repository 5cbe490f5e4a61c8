/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* FMA throughput kernels, AVX-512. Compiled with -mavx512f -mfma and called only
 * after __builtin_cpu_supports ("avx512f") (bench-peak.c).
 *
 * Each accumulator is one dependency chain: an FMA waits for the previous one on
 * the same accumulator (4 cycles on current cores), so the number of chains must
 * be at least latency x FMA ports for the units never to idle. 32 zmm registers
 * hold at most 30 accumulators beside the two constant operands. */
#include <immintrin.h>

#include "bench-peak.h"

static inline __attribute__ ((always_inline)) float
fma_chains (guint64 iters, const int n)
{
  __m512 acc[32];
  /* |a| < 1: the chains converge to b / (1 - a), never to infinities or
   * denormals, which would change the speed */
  const __m512 a = _mm512_set1_ps (0.999999f), b = _mm512_set1_ps (1e-7f);
  for (int j = 0; j < n; j++)
    acc[j] = _mm512_set1_ps ((float) j);
  for (guint64 i = 0; i < iters; i++) {
#pragma GCC unroll 32
    for (int j = 0; j < n; j++)
      acc[j] = _mm512_fmadd_ps (acc[j], a, b);
  }
  for (int j = 1; j < n; j++)
    acc[0] = _mm512_add_ps (acc[0], acc[j]);
  return _mm512_reduce_add_ps (acc[0]);
}

float
bench_peak_avx512_16 (guint64 iters)
{
  return fma_chains (iters, 16);
}

float
bench_peak_avx512_24 (guint64 iters)
{
  return fma_chains (iters, 24);
}

float
bench_peak_avx512_30 (guint64 iters)
{
  return fma_chains (iters, 30);
}
