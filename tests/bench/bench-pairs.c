/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bench-pairs.h"

#include <gst/gst.h>

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
  bench_fill_test_frame (s->src, width, height);
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

/* Two sides taking turns, each for opt's frames or seconds (so twice that in all) and
 * at least 3 frames. */
typedef struct {
  BenchTiming both;
  BenchOptions twice;
  gint64 start;
} Turns;

static Turns
turns_begin (const BenchOptions *opt)
{
  Turns t = { .twice = *opt, .start = g_get_monotonic_time () };
  t.twice.seconds = 2 * opt->seconds;
  t.twice.frames = 2 * opt->frames;
  return t;
}

/* Whether another turn is due, the last one counted. */
static gboolean
turns_due (Turns *t)
{
  return !bench_timing_done (&t->both, &t->twice, g_get_monotonic_time () - t->start)
      || t->both.frames < 6;
}

gboolean
bench_pair (const SrModel *a, const SrModel *b, int width, int height,
    const BenchOptions *opt, BenchPair *pair, GError **error)
{
  Side sa = { 0 }, sb = { 0 };
  gboolean ok = side_init (&sa, a, width, height, opt->n_threads, error)
      && side_init (&sb, b, width, height, opt->n_threads, error);
  if (ok) {
    for (Turns t = turns_begin (opt); turns_due (&t); t.both.frames += 2) {
      side_frame (&sa);
      side_frame (&sb);
    }
    side_result (&sa, &pair->a, &pair->cpu_a);
    side_result (&sb, &pair->b, &pair->cpu_b);
  }
  side_clear (&sa);
  side_clear (&sb);
  return ok;
}

/* ---- the element as side B ---- */

#define ELEMENT_WARMUP_FRAMES 2

/* The pipeline's streaming thread waits in the sink pad's probe after each frame
 * until the main thread lets the next one through. */
typedef struct {
  GMutex lock;
  GCond cond;
  int released;       /* frames allowed to reach the sink */
  int arrived;
  gint64 arrived_us;
  gboolean stop;
} Gate;

static GstPadProbeReturn
on_frame (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Gate *g = user_data;
  g_mutex_lock (&g->lock);
  g->arrived++;
  g->arrived_us = g_get_monotonic_time ();
  g_cond_broadcast (&g->cond);
  while (!g->stop && g->released < g->arrived + 1)
    g_cond_wait (&g->cond, &g->lock);
  g_mutex_unlock (&g->lock);
  return GST_PAD_PROBE_OK;
}

/* Waits until @n frames have arrived, watching the bus for an error; @arrived_us
 * (may be NULL) gets the time the last of them reached the sink. */
static gboolean
gate_wait (Gate *g, GstBus *bus, int n, gint64 *arrived_us, GError **error)
{
  gint64 give_up = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  g_mutex_lock (&g->lock);
  while (g->arrived < n) {
    if (!g_cond_wait_until (&g->cond, &g->lock, g_get_monotonic_time () + 20000)) {
      g_mutex_unlock (&g->lock);
      GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
      if (msg != NULL || g_get_monotonic_time () > give_up) {
        GError *gerr = NULL;
        if (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
          gst_message_parse_error (msg, &gerr, NULL);
        g_set_error (error, BENCH_ERROR, 0, "the element's pipeline: %s",
            gerr ? gerr->message : msg ? "end of stream" : "stalled");
        g_clear_error (&gerr);
        if (msg)
          gst_message_unref (msg);
        return FALSE;
      }
      g_mutex_lock (&g->lock);
    }
  }
  if (arrived_us)
    *arrived_us = g->arrived_us;
  g_mutex_unlock (&g->lock);
  return TRUE;
}

/* Lets one more frame through and times it to its arrival at the sink. */
static gboolean
element_frame (Gate *g, GstBus *bus, GArray *wall, GArray *cpu, GError **error)
{
  double cpu0 = bench_cpu_seconds ();
  g_mutex_lock (&g->lock);
  int n = g->arrived + 1;
  gint64 t0 = g_get_monotonic_time ();
  g->released++;
  g_cond_broadcast (&g->cond);
  g_mutex_unlock (&g->lock);
  gint64 arrived_us;
  if (!gate_wait (g, bus, n, &arrived_us, error))
    return FALSE;
  double seconds = (arrived_us - t0) / 1e6, c = bench_cpu_seconds () - cpu0;
  g_array_append_val (wall, seconds);
  g_array_append_val (cpu, c);
  return TRUE;
}

gboolean
bench_pair_element (const SrModel *model, const char *model_path, int width,
    int height, const BenchOptions *opt, BenchPair *pair, GError **error)
{
  char *launch = g_strdup_printf ("videotestsrc ! video/x-raw,format=I420,width=%d,"
      "height=%d ! srupscale name=up scale=%d ! fakesink name=sink sync=false "
      "enable-last-sample=false", width, height, sr_model_get_scale (model));
  GstElement *pipeline = gst_parse_launch (launch, error);
  g_free (launch);
  if (pipeline == NULL)
    return FALSE;
  GstElement *up = gst_bin_get_by_name (GST_BIN (pipeline), "up");
  g_object_set (up, "model-location", model_path, "n-threads", opt->n_threads, NULL);
  gst_object_unref (up);
  Gate gate = { .released = ELEMENT_WARMUP_FRAMES };
  g_mutex_init (&gate.lock);
  g_cond_init (&gate.cond);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_frame, &gate, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
  GstBus *bus = gst_element_get_bus (pipeline);

  Side engine = { 0 };
  GArray *wall = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *cpu = g_array_new (FALSE, FALSE, sizeof (double));
  gboolean ok = side_init (&engine, model, width, height, opt->n_threads, error);
  if (ok && gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    g_set_error (error, BENCH_ERROR, 0, "the element's pipeline did not start");
    ok = FALSE;
  }
  ok = ok && gate_wait (&gate, bus, ELEMENT_WARMUP_FRAMES, NULL, error);
  for (Turns t = turns_begin (opt); ok && turns_due (&t); t.both.frames += 2) {
    side_frame (&engine);
    ok = element_frame (&gate, bus, wall, cpu, error);
  }
  if (ok) {
    side_result (&engine, &pair->a, &pair->cpu_a);
    Side element = { .wall = wall, .cpu = cpu };
    side_result (&element, &pair->b, &pair->cpu_b);
  }
  /* lets the streaming thread go, then joins it */
  g_mutex_lock (&gate.lock);
  gate.stop = TRUE;
  g_cond_broadcast (&gate.cond);
  g_mutex_unlock (&gate.lock);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
  side_clear (&engine);
  g_array_free (wall, TRUE);
  g_array_free (cpu, TRUE);
  return ok;
}

/* ---- PyTorch as side B ---- */

gboolean
bench_pair_pytorch (const SrModel *model, BenchPytorchServer *server, int width,
    int height, const BenchOptions *opt, BenchPair *pair, GError **error)
{
  Side engine = { 0 };
  GArray *wall = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *cpu = g_array_new (FALSE, FALSE, sizeof (double));
  gboolean ok = side_init (&engine, model, width, height, opt->n_threads, error);
  for (Turns t = turns_begin (opt); ok && turns_due (&t); t.both.frames += 2) {
    double seconds, c;
    side_frame (&engine);
    ok = bench_pytorch_server_frame (server, &seconds, &c, error);
    if (ok) {
      g_array_append_val (wall, seconds);
      g_array_append_val (cpu, c);
    }
  }
  if (ok) {
    side_result (&engine, &pair->a, &pair->cpu_a);
    Side torch = { .wall = wall, .cpu = cpu };
    side_result (&torch, &pair->b, &pair->cpu_b);
  }
  side_clear (&engine);
  g_array_free (wall, TRUE);
  g_array_free (cpu, TRUE);
  return ok;
}
