/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What sr-bench's parts share: the options, and a timing. */
#pragma once

#include <glib.h>
#include <sys/resource.h>

G_BEGIN_DECLS

/* Errors of sr-bench's own making (a pipeline that stalls, a script that fails). */
#define BENCH_ERROR (bench_error_quark ())
GQuark bench_error_quark (void);

typedef struct {
  gboolean quick;
  int frames;           /* > 0: exactly this many timed frames; 0: for @seconds */
  double seconds;
  char *sizes;          /* "640x360,960x540" */
  char *models_dir;
  char *plugin;         /* the srupscale plugin file to load */
  gboolean no_pytorch;
  gboolean no_element;
  gboolean streams_only;   /* only the several-streams table */
  gboolean pairs_only;     /* only the side-by-side pairs */
  int n_threads;        /* the engine's, the element's and PyTorch's: every core */
} BenchOptions;

/* @frames frames in @seconds of wall time, during which the process used
 * @cpu_seconds of CPU time; frames == 0: not measured. Where each frame was timed
 * alone, also the median and the fastest frame (0: not recorded): on a shared
 * machine the mean swings with other tenants' load, the fastest frame much less. */
typedef struct {
  int frames;
  double seconds;
  double cpu_seconds;
  double median_frame_seconds, fastest_frame_seconds;
} BenchTiming;

static inline int
bench_compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Sorts @frame_seconds (one per timed frame) and keeps its median and minimum. */
static inline void
bench_timing_set_frame_stats (BenchTiming *t, GArray *frame_seconds)
{
  if (frame_seconds->len == 0)
    return;
  g_array_sort (frame_seconds, bench_compare_doubles);
  t->fastest_frame_seconds = g_array_index (frame_seconds, double, 0);
  t->median_frame_seconds = g_array_index (frame_seconds, double, frame_seconds->len / 2);
}

/* This process's environment with the pairs @vars (name, value, ..., NULL; may be
 * NULL) set: for the child processes that run under another setting. g_strfreev it. */
static inline char **
bench_environ_with (const char *const *vars)
{
  char **env = g_get_environ ();
  for (const char *const *v = vars; v && v[0] && v[1]; v += 2)
    env = g_environ_setenv (env, v[0], v[1], TRUE);
  return env;
}

/* A @width x @height test frame with texture everywhere (the content does not change
 * the engine's speed, but a flat frame would make that a hidden assumption). */
static inline void
bench_fill_test_frame (guint8 *p, int width, int height)
{
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      p[(gsize) y * width + x] = (guint8) ((x * 7 + y * 13 + ((x * y) >> 3)) ^ (x >> 2));
}

/* User and system time of the whole process, all threads. */
static inline double
bench_cpu_seconds (void)
{
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
      + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* The part of @n_threads cores the process had: well below 1 means other load
 * took cores away (or threads waited); OpenMP threads spinning at a barrier count
 * as busy. */
static inline double
bench_timing_cpu_share (const BenchTiming *t, int n_threads)
{
  return t->seconds > 0 ? t->cpu_seconds / (t->seconds * n_threads) : 0.0;
}

static inline double
bench_timing_fps (const BenchTiming *t)
{
  return t->frames > 0 && t->seconds > 0 ? t->frames / t->seconds : 0.0;
}

static inline gboolean
bench_timing_done (const BenchTiming *t, const BenchOptions *opt, gint64 elapsed_us)
{
  if (opt->frames > 0)
    return t->frames >= opt->frames;
  /* at least 3 frames: one slow frame alone says little */
  return elapsed_us >= opt->seconds * G_USEC_PER_SEC && t->frames >= 3;
}

G_END_DECLS
