/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define _GNU_SOURCE
#include "bench-streams.h"

#include <dlfcn.h>

#include <gst/gst.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STREAMS 16
/* frames each stream makes before the window opens (model load, warm-up frame,
 * fresh buffer-pool memory) */
#define WARMUP_FRAMES 3

typedef struct {
  const BenchOptions *opt;
  int n_streams;
  gint seen[MAX_STREAMS];   /* buffers at each sink */
  gint window_frames;       /* buffers of all sinks since the window opened */
  gint open;                /* 1 once every stream is past its warm-up */
  gint done;
} Counter;

typedef struct {
  Counter *counter;
  int stream;
} SinkProbe;

static GstPadProbeReturn
on_buffer (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  SinkProbe *p = user_data;
  Counter *c = p->counter;
  g_atomic_int_inc (&c->seen[p->stream]);
  if (g_atomic_int_get (&c->open))
    g_atomic_int_inc (&c->window_frames);
  return GST_PAD_PROBE_OK;
}

/* Per-thread CPU ticks of this process (utime + stime of /proc/self/task/N/stat),
 * by thread id. */
static GHashTable *
thread_ticks (void)
{
  GHashTable *ticks = g_hash_table_new (g_direct_hash, g_direct_equal);
  GDir *dir = g_dir_open ("/proc/self/task", 0, NULL);
  if (dir == NULL)
    return ticks;
  for (const char *name; (name = g_dir_read_name (dir)) != NULL;) {
    char *path = g_strdup_printf ("/proc/self/task/%s/stat", name), *text = NULL;
    if (g_file_get_contents (path, &text, NULL, NULL)) {
      /* the fields after the command, which is in parentheses and may hold spaces */
      const char *rest = strrchr (text, ')');
      unsigned long utime = 0, stime = 0;
      if (rest && sscanf (rest + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
              &utime, &stime) == 2)
        g_hash_table_insert (ticks, GINT_TO_POINTER (atoi (name)),
            GSIZE_TO_POINTER ((gsize) (utime + stime)));
    }
    g_free (text);
    g_free (path);
  }
  g_dir_close (dir);
  return ticks;
}

/* A thread is busy if it used at least a tenth of the process's CPU time in the
 * window: a share, so that it still means something when other load leaves the
 * process a fraction of the cores. */
static void
count_busy (GHashTable *before, GHashTable *after, BenchStreams *r)
{
  GHashTableIter it;
  gpointer tid, value;
  gsize total = 0;
  g_hash_table_iter_init (&it, after);
  while (g_hash_table_iter_next (&it, &tid, &value))
    total += GPOINTER_TO_SIZE (value) - GPOINTER_TO_SIZE (g_hash_table_lookup (before, tid));
  r->n_threads = 0;
  r->busy_threads = 0;
  g_hash_table_iter_init (&it, after);
  while (g_hash_table_iter_next (&it, &tid, &value)) {
    gsize used = GPOINTER_TO_SIZE (value)
        - GPOINTER_TO_SIZE (g_hash_table_lookup (before, tid));
    r->n_threads++;
    if (total > 0 && used * 10 >= total)
      r->busy_threads++;
  }
}

/* The plugin's engine counts the threads computing at once (sr-workers.h); its copy
 * of the engine is inside the plugin file, found through the loaded library. NULL
 * for a build without the counter. */
typedef int (*PeakFunc) (void);

static PeakFunc
plugin_symbol (const char *plugin, const char *name)
{
  void *handle = dlopen (plugin, RTLD_NOW | RTLD_NOLOAD);
  PeakFunc f = handle ? (PeakFunc) dlsym (handle, name) : NULL;
  if (handle)
    dlclose (handle);   /* drops the reference NOLOAD took; the plugin stays */
  return f;
}

static gboolean
all_past (Counter *c, int frames)
{
  for (int i = 0; i < c->n_streams; i++)
    if (g_atomic_int_get (&c->seen[i]) < frames)
      return FALSE;
  return TRUE;
}

gboolean
bench_streams_run (const char *model_path, int n_streams, int width, int height,
    const BenchOptions *opt, BenchStreams *result, GError **error)
{
  n_streams = CLAMP (n_streams, 1, MAX_STREAMS);
  GString *launch = g_string_new (NULL);
  for (int i = 0; i < n_streams; i++)
    g_string_append_printf (launch, "videotestsrc "
        "! video/x-raw,format=I420,width=%d,height=%d ! srupscale name=up%d scale=2 "
        "! fakesink name=sink%d sync=false enable-last-sample=false ", width, height, i, i);
  GstElement *pipeline = gst_parse_launch (launch->str, error);
  g_string_free (launch, TRUE);
  if (pipeline == NULL)
    return FALSE;
  Counter counter = { .opt = opt, .n_streams = n_streams };
  SinkProbe probes[MAX_STREAMS];
  for (int i = 0; i < n_streams; i++) {
    char name[16];
    g_snprintf (name, sizeof name, "up%d", i);
    GstElement *up = gst_bin_get_by_name (GST_BIN (pipeline), name);
    /* n-threads stays at its default: the case this measures */
    g_object_set (up, "model-location", model_path, NULL);
    gst_object_unref (up);
    g_snprintf (name, sizeof name, "sink%d", i);
    GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), name);
    GstPad *pad = gst_element_get_static_pad (sink, "sink");
    probes[i] = (SinkProbe) { &counter, i };
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, &probes[i], NULL);
    gst_object_unref (pad);
    gst_object_unref (sink);
  }

  gboolean ok = gst_element_set_state (pipeline, GST_STATE_PLAYING)
      != GST_STATE_CHANGE_FAILURE;
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 give_up = g_get_monotonic_time () + (gint64) (60 + 10 * opt->seconds) * G_USEC_PER_SEC;
  gint64 start = 0;
  double cpu0 = 0;
  GHashTable *before = NULL;
  int want = opt->frames > 0 ? opt->frames : 3;
  while (ok) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, 10 * GST_MSECOND,
        GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
    if (msg) {
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
        GError *gerr = NULL;
        gst_message_parse_error (msg, &gerr, NULL);
        g_set_error (error, BENCH_ERROR, 0, "%s: %s", GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)),
            gerr->message);
        g_error_free (gerr);
      } else
        g_set_error (error, BENCH_ERROR, 0, "end of stream before the end of timing");
      gst_message_unref (msg);
      ok = FALSE;
      break;
    }
    gint64 now = g_get_monotonic_time ();
    if (now > give_up) {
      g_set_error (error, BENCH_ERROR, 0, "streams stalled");
      ok = FALSE;
      break;
    }
    if (!counter.open && all_past (&counter, WARMUP_FRAMES)) {
      PeakFunc reset = plugin_symbol (opt->plugin, "sr_workers_reset_peak_busy");
      if (reset)
        reset ();
      before = thread_ticks ();
      cpu0 = bench_cpu_seconds ();
      start = g_get_monotonic_time ();
      g_atomic_int_set (&counter.open, 1);
      continue;
    }
    if (counter.open) {
      int frames = g_atomic_int_get (&counter.window_frames);
      gboolean enough = opt->frames > 0 ? frames >= want * n_streams
          : (now - start >= opt->seconds * G_USEC_PER_SEC && frames >= want * n_streams);
      if (enough) {
        result->timing.frames = frames;
        result->timing.seconds = (now - start) / 1e6;
        result->timing.cpu_seconds = bench_cpu_seconds () - cpu0;
        GHashTable *after = thread_ticks ();
        count_busy (before, after, result);
        result->busy_cores = result->timing.cpu_seconds / result->timing.seconds;
        PeakFunc peak = plugin_symbol (opt->plugin, "sr_workers_get_peak_busy");
        result->peak_computing = peak ? peak () : -1;
        g_hash_table_unref (after);
        break;
      }
    }
  }
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  g_clear_pointer (&before, g_hash_table_unref);
  return ok;
}
