/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The machine's fp32 peak, measured: chains of independent FMAs, enough of them to
 * cover the FMA latency on every port, on one thread and on all of them. The
 * engine's GFLOP/s are reported as a percentage of the best of these. */
#pragma once

#include "bench.h"

G_BEGIN_DECLS

/* Runs @iters rounds of one FMA on each accumulator; returns a value made from the
 * accumulators, so that the work cannot be optimised away. */
typedef float (*BenchPeakKernel) (guint64 iters);

typedef struct {
  const char *isa;            /* "avx512" or "avx2" */
  int n_acc;                  /* independent accumulators (vector registers) */
  int lanes;                  /* floats per vector */
  int n_threads;
  double gflops;
  double cpu_share;           /* of the fastest run: see bench_timing_cpu_share() */
} BenchPeak;

/* One accumulator count per function: the count must be a compile-time constant
 * for the accumulators to live in registers. */
float bench_peak_avx512_16 (guint64 iters);
float bench_peak_avx512_24 (guint64 iters);
float bench_peak_avx512_30 (guint64 iters);
float bench_peak_avx2_8 (guint64 iters);
float bench_peak_avx2_12 (guint64 iters);
float bench_peak_avx2_14 (guint64 iters);

/* Measures every variant this CPU runs, on 1 thread and on @n_threads, each for
 * about @seconds (best of three). Returns an array of BenchPeak, empty when the CPU
 * has neither AVX2+FMA nor AVX-512F. */
GArray *bench_peak_measure (int n_threads, double seconds);
/* The fastest entry of @peaks with @n_threads threads, or NULL. */
const BenchPeak *bench_peak_best (GArray *peaks, int n_threads);

G_END_DECLS
