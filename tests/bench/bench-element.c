/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bench-element.h"

#include <gst/gst.h>

/* Frames pushed before the clock starts: the first ones meet fresh buffer-pool
 * memory (a first write to a page is slow here) and, for srupscale, follow the
 * model load and its warm-up frame. */
#define WARMUP_FRAMES 2

/* Filled by the sink pad's probe on the streaming thread; read by the main thread
 * once the pipeline has stopped (done is read while it runs). */
typedef struct {
  const BenchOptions *opt;
  int seen;
  gint64 first_us;
  double first_cpu;
  BenchTiming timing;
  int done;
} Probe;

gboolean
bench_element_load_plugin (const char *plugin_file, char **used, GError **error)
{
  GstPlugin *plugin = gst_plugin_load_file (plugin_file, error);
  if (plugin == NULL)
    return FALSE;
  *used = g_strdup (gst_plugin_get_filename (plugin));
  gst_object_unref (plugin);
  return TRUE;
}

/* Times frames by their arrival at the sink, from the first after the warm-up:
 * start-up (caps, model load, warm-up) is left out, every later cost is in. */
static GstPadProbeReturn
on_buffer (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Probe *p = user_data;
  if (g_atomic_int_get (&p->done))
    return GST_PAD_PROBE_OK;
  gint64 now = g_get_monotonic_time ();
  if (++p->seen == WARMUP_FRAMES + 1) {
    p->first_us = now;
    p->first_cpu = bench_cpu_seconds ();
    return GST_PAD_PROBE_OK;
  }
  if (p->seen <= WARMUP_FRAMES)
    return GST_PAD_PROBE_OK;
  p->timing.frames++;
  p->timing.seconds = (now - p->first_us) / 1e6;
  p->timing.cpu_seconds = bench_cpu_seconds () - p->first_cpu;
  if (bench_timing_done (&p->timing, p->opt, now - p->first_us))
    g_atomic_int_set (&p->done, 1);
  return GST_PAD_PROBE_OK;
}

/* Waits for the probe to have enough, for EOS or for an error; a stalled pipeline
 * is given up after a generous time. */
static gboolean
wait_for_frames (GstElement *pipeline, Probe *probe, GError **error)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 give_up = g_get_monotonic_time ()
      + (gint64) (60 + 10 * probe->opt->seconds) * G_USEC_PER_SEC;
  gboolean ok = TRUE;
  while (!g_atomic_int_get (&probe->done)) {
    if (g_get_monotonic_time () > give_up) {
      g_set_error (error, BENCH_ERROR, 0, "pipeline stalled");
      ok = FALSE;
      break;
    }
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, 20 * GST_MSECOND,
        GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
    if (msg == NULL)
      continue;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      GError *gerr = NULL;
      gst_message_parse_error (msg, &gerr, NULL);
      g_set_error (error, BENCH_ERROR, 0, "%s: %s",
          GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), gerr->message);
      g_error_free (gerr);
      ok = FALSE;
    }
    gst_message_unref (msg);
    break;
  }
  gst_object_unref (bus);
  return ok;
}

/* Runs @launch, which names its sink "sink" and, for srupscale, the element "up". */
static gboolean
run_pipeline (const char *launch, const char *model_path, const BenchOptions *opt,
    BenchTiming *timing, GError **error)
{
  GstElement *pipeline = gst_parse_launch (launch, error);
  if (pipeline == NULL)
    return FALSE;
  GstElement *up = gst_bin_get_by_name (GST_BIN (pipeline), "up");
  if (up != NULL) {
    /* a property, not the launch line: a path needs no quoting this way */
    g_object_set (up, "model-location", model_path, "n-threads", opt->n_threads, NULL);
    gst_object_unref (up);
  }
  Probe probe = { .opt = opt };
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, &probe, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);

  gboolean ok = gst_element_set_state (pipeline, GST_STATE_PLAYING)
      != GST_STATE_CHANGE_FAILURE;
  if (!ok)
    g_set_error (error, BENCH_ERROR, 0, "pipeline did not start");
  else
    ok = wait_for_frames (pipeline, &probe, error);
  /* joins the streaming thread: the probe writes nothing after this */
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  if (ok && probe.timing.frames == 0) {
    g_set_error (error, BENCH_ERROR, 0, "no frame after the warm-up");
    ok = FALSE;
  }
  *timing = probe.timing;
  return ok;
}

/* -1 (unbounded) when timed by seconds: the probe stops the pipeline. */
static int
num_buffers (const BenchOptions *opt)
{
  return opt->frames > 0 ? WARMUP_FRAMES + 1 + opt->frames : -1;
}

/* fakesink keeps no last buffer, which would hold one more pool buffer, and does
 * not sync: frames go as fast as they are made. */
#define SINK "fakesink name=sink sync=false enable-last-sample=false"

gboolean
bench_element_srupscale (const char *model_path, int scale, const char *format,
    int width, int height, const BenchOptions *opt, BenchTiming *timing, GError **error)
{
  char *launch = g_strdup_printf ("videotestsrc num-buffers=%d "
      "! video/x-raw,format=%s,width=%d,height=%d "
      "! srupscale name=up scale=%d ! " SINK,
      num_buffers (opt), format, width, height, scale);
  gboolean ok = run_pipeline (launch, model_path, opt, timing, error);
  g_free (launch);
  return ok;
}

gboolean
bench_element_bicubic (int scale, int width, int height,
    const BenchOptions *opt, BenchTiming *timing, GError **error)
{
  /* as many threads as srupscale gets: videoscale's default is one */
  char *launch = g_strdup_printf ("videotestsrc num-buffers=%d "
      "! video/x-raw,format=I420,width=%d,height=%d "
      "! videoscale method=catrom n-threads=%d "
      "! video/x-raw,width=%d,height=%d ! " SINK,
      num_buffers (opt), width, height, opt->n_threads, width * scale, height * scale);
  gboolean ok = run_pipeline (launch, NULL, opt, timing, error);
  g_free (launch);
  return ok;
}
