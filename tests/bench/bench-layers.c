/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bench-layers.h"

#include <stdio.h>

gboolean
bench_layers (const SrModel *model, const char *name, int width, int height,
    const BenchOptions *opt, double peak_per_thread, GError **error)
{
  int s = sr_model_get_scale (model), n = sr_model_get_n_steps (model);
  SrRunner *runner = sr_runner_new (model, width, height, opt->n_threads, error);
  if (runner == NULL)
    return FALSE;
  guint8 *src = g_malloc ((gsize) width * height);
  guint8 *dst = g_malloc ((gsize) width * s * height * s);
  bench_fill_test_frame (src, width, height);
  sr_runner_process_u8 (runner, src, width, dst, (gsize) width * s);   /* warm-up */

  sr_runner_set_profiling (runner, TRUE);
  BenchTiming t = { 0 };
  gint64 start = g_get_monotonic_time (), elapsed;
  do {
    sr_runner_process_u8 (runner, src, width, dst, (gsize) width * s);
    elapsed = g_get_monotonic_time () - start;
    t.frames++;
    t.seconds = elapsed / 1e6;
  } while (!bench_timing_done (&t, opt, elapsed));
  double *seconds = g_new (double, MAX (n, 1));
  sr_runner_get_profile (runner, seconds);

  double thread_seconds = t.seconds * sr_runner_get_n_threads (runner), in_steps = 0;
  for (int i = 0; i < n; i++) {
    double macs;
    char *step = sr_model_describe_step (model, i, &macs);
    const char *kernel = sr_runner_get_step_kernel (runner, i);
    /* the kernel the runner chose for the layer (or SR_CONV_KERNEL forced) */
    char *what = kernel ? g_strdup_printf ("%s: %s", step, kernel) : g_strdup (step);
    g_free (step);
    double ms = 1e3 * seconds[i] / t.frames;   /* thread-milliseconds per frame */
    double gflops = seconds[i] > 0 ? 2 * macs * width * height * t.frames / seconds[i] / 1e9 : 0;
    printf ("| %s | %dx%d | %d | %s | %.1f | %.2f | %.1f | %.1f | %.0f |\n", name, width,
        height, i, what, macs * width * height / 1e6, ms, 100 * seconds[i] / thread_seconds,
        gflops, macs > 0 ? 100 * gflops / peak_per_thread : 0);
    in_steps += seconds[i];
    g_free (what);
  }
  printf ("| %s | %dx%d | | rest: 8-bit input and output, waits | | %.2f | %.1f | | |\n",
      name, width, height, 1e3 * (thread_seconds - in_steps) / t.frames,
      100 * (thread_seconds - in_steps) / thread_seconds);
  g_free (seconds);
  g_free (src);
  g_free (dst);
  sr_runner_free (runner);
  return TRUE;
}
