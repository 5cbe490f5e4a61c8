/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bench-peak.h"

typedef struct {
  const char *isa;
  int n_acc;
  int lanes;
  BenchPeakKernel fn;
} Variant;

static const Variant variants[] = {
  {"avx512", 16, 16, bench_peak_avx512_16},
  {"avx512", 24, 16, bench_peak_avx512_24},
  {"avx512", 30, 16, bench_peak_avx512_30},
  {"avx2", 8, 8, bench_peak_avx2_8},
  {"avx2", 12, 8, bench_peak_avx2_12},
  {"avx2", 14, 8, bench_peak_avx2_14},
};

/* Where the kernels' results go, so that no call can be dropped as dead. */
static volatile float peak_sink;

static gboolean
cpu_runs (const Variant *v)
{
  __builtin_cpu_init ();
  if (g_str_equal (v->isa, "avx512"))
    return __builtin_cpu_supports ("avx512f");
  return __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma");
}

/* @iters rounds on each of @n_threads threads, all started together. */
static BenchTiming
run_once (const Variant *v, guint64 iters, int n_threads)
{
  float sum = 0.f;
  double cpu = bench_cpu_seconds ();
  gint64 start = g_get_monotonic_time ();
#pragma omp parallel num_threads(n_threads) reduction(+:sum)
  sum += v->fn (iters);
  gint64 end = g_get_monotonic_time ();
  peak_sink = sum;
  return (BenchTiming) { .frames = 1, .seconds = (end - start) / 1e6,
    .cpu_seconds = bench_cpu_seconds () - cpu };
}

/* Rounds that take about @seconds on one thread; doubling from a small count also
 * brings the core out of any low-power state before the timed runs. */
static guint64
calibrate (const Variant *v, double seconds)
{
  guint64 iters = 1 << 12;
  double t;
  while ((t = run_once (v, iters, 1).seconds) < seconds / 4 && iters < (G_GUINT64_CONSTANT (1) << 40))
    iters *= 2;
  return MAX (1, (guint64) (iters * (seconds / MAX (t, 1e-6))));
}

/* Best of three: on a shared machine the fastest run is the one least disturbed. */
static void
measure (const Variant *v, guint64 iters, BenchPeak *p)
{
  BenchTiming best = { .seconds = G_MAXDOUBLE };
  for (int rep = 0; rep < 3; rep++) {
    BenchTiming t = run_once (v, iters, p->n_threads);
    if (t.seconds < best.seconds)
      best = t;
  }
  double flop = 2.0 * v->lanes * v->n_acc * (double) iters * p->n_threads;
  p->gflops = flop / best.seconds / 1e9;
  p->cpu_share = bench_timing_cpu_share (&best, p->n_threads);
}

GArray *
bench_peak_measure (int n_threads, double seconds)
{
  GArray *peaks = g_array_new (FALSE, TRUE, sizeof (BenchPeak));
  int counts[2] = { 1, n_threads };
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++) {
    const Variant *v = &variants[i];
    if (!cpu_runs (v))
      continue;
    guint64 iters = calibrate (v, seconds);
    for (int c = 0; c < (n_threads > 1 ? 2 : 1); c++) {
      BenchPeak p = { v->isa, v->n_acc, v->lanes, counts[c], 0, 0 };
      measure (v, iters, &p);
      g_array_append_val (peaks, p);
    }
  }
  return peaks;
}

const BenchPeak *
bench_peak_best (GArray *peaks, int n_threads)
{
  const BenchPeak *best = NULL;
  for (guint i = 0; i < peaks->len; i++) {
    const BenchPeak *p = &g_array_index (peaks, BenchPeak, i);
    if (p->n_threads == n_threads && (best == NULL || p->gflops > best->gflops))
      best = p;
  }
  return best;
}
