/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bench-pairs.h"

typedef struct {
  SrRunner *runner;
  guint8 *src, *dst;
  gsize dst_stride;
  int width;
  GArray *wall, *cpu;   /* seconds of each frame */
} Side;

static gboolean
side_init (Side *s, const SrModel *model, int width, int height, int n_threads,
    GError **error)
{
  int r = sr_model_get_scale (model);
  s->runner = sr_runner_new (model, width, height, n_threads, error);
  if (s->runner == NULL)
    return FALSE;
  s->width = width;
  s->src = g_malloc ((gsize) width * height);
  for (gsize i = 0; i < (gsize) width * height; i++)
    s->src[i] = (guint8) (i * 2654435761u >> 24);
  s->dst_stride = (gsize) width * r;
  s->dst = g_malloc (s->dst_stride * height * r);
  s->wall = g_array_new (FALSE, FALSE, sizeof (double));
  s->cpu = g_array_new (FALSE, FALSE, sizeof (double));
  /* the warm-up: every page of the workspaces and the output written once */
  sr_runner_process_u8 (s->runner, s->src, width, s->dst, s->dst_stride);
  return TRUE;
}

static void
side_frame (Side *s)
{
  double cpu = bench_cpu_seconds ();
  gint64 t = g_get_monotonic_time ();
  sr_runner_process_u8 (s->runner, s->src, s->width, s->dst, s->dst_stride);
  double wall = (g_get_monotonic_time () - t) / 1e6;
  cpu = bench_cpu_seconds () - cpu;
  g_array_append_val (s->wall, wall);
  g_array_append_val (s->cpu, cpu);
}

/* Frames, total seconds, median and fastest frame of a side; its median CPU time. */
static void
side_result (Side *s, BenchTiming *t, double *cpu_median)
{
  *t = (BenchTiming) { .frames = s->wall->len };
  for (guint i = 0; i < s->wall->len; i++)
    t->seconds += g_array_index (s->wall, double, i);
  bench_timing_set_frame_stats (t, s->wall);
  g_array_sort (s->cpu, bench_compare_doubles);
  *cpu_median = s->cpu->len ? g_array_index (s->cpu, double, s->cpu->len / 2) : 0;
}

static void
side_clear (Side *s)
{
  sr_runner_free (s->runner);
  g_free (s->src);
  g_free (s->dst);
  if (s->wall)
    g_array_free (s->wall, TRUE);
  if (s->cpu)
    g_array_free (s->cpu, TRUE);
}

gboolean
bench_pair (const SrModel *a, const SrModel *b, int width, int height,
    const BenchOptions *opt, BenchPair *pair, GError **error)
{
  Side sa = { 0 }, sb = { 0 };
  gboolean ok = side_init (&sa, a, width, height, opt->n_threads, error)
      && side_init (&sb, b, width, height, opt->n_threads, error);
  if (ok) {
    /* both sides' frames count towards the time; each side gets at least 3 */
    BenchTiming both = { 0 };
    BenchOptions twice = *opt;
    twice.seconds = 2 * opt->seconds;
    twice.frames = 2 * opt->frames;
    gint64 start = g_get_monotonic_time (), elapsed;
    do {
      side_frame (&sa);
      side_frame (&sb);
      both.frames += 2;
      elapsed = g_get_monotonic_time () - start;
    } while (!bench_timing_done (&both, &twice, elapsed) || both.frames < 6);
    side_result (&sa, &pair->a, &pair->cpu_a);
    side_result (&sb, &pair->b, &pair->cpu_b);
  }
  side_clear (&sa);
  side_clear (&sb);
  return ok;
}
