/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The srupscale element against hostile input (issue 10): buffers whose
 * GstVideoMeta lies about strides and offsets, frames whose working set would pass
 * the max-memory limit (RGBA 5800x5800 at x4: a 2.1 GB output), a FIFO as the model
 * at start and while playing, hostile headers through model-location, and the
 * thread count at its maximum. Each ends in an element error a person understands
 * (or a correct result), within the time and memory bound of sr-hostile.h. */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sr-hostile.h"

/* Runs @desc until preroll or an error; returns "message | debug" of the error. */
static char *
pipeline_error (const char *desc)
{
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &error);
  fail_unless (pipeline != NULL && error == NULL, "%s", error ? error->message : "");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  fail_unless (msg != NULL, "neither finished nor failed: %s", desc);
  char *message = NULL;
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *e;
    char *debug;
    gst_message_parse_error (msg, &e, &debug);
    message = g_strdup_printf ("%s | %s | %s", GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)),
        e->message, debug ? debug : "");
    g_error_free (e);
    g_free (debug);
  }
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  return message;
}

static void
expect_pipeline_error (const char *desc, const char *says)
{
  SrHostileBound b;
  sr_hostile_begin (&b, desc);
  char *err = pipeline_error (desc);
  fail_unless (err != NULL, "no error: %s", desc);
  GST_INFO ("error as posted: %s", err);
  fail_unless (g_str_has_prefix (err, "srupscale"), "%s", err);
  fail_unless (strstr (err, says) != NULL, "\"%s\" lacks \"%s\"", err, says);
  g_free (err);
  sr_hostile_end (&b);
}

/* A GRAY8 33x7 frame of @size bytes, its meta saying @offset and @stride. */
static GstBuffer *
gray_with_meta (gsize size, gsize offset, gint stride)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, size, NULL);
  gst_buffer_memset (buf, 0, 77, size);
  gsize offsets[GST_VIDEO_MAX_PLANES] = { offset };
  gint strides[GST_VIDEO_MAX_PLANES] = { stride };
  gst_buffer_add_video_meta_full (buf, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_FORMAT_GRAY8,
      33, 7, 1, offsets, strides);
  return buf;
}

/* Pushes @buf through a fresh element; returns the flow and the error (or NULL),
 * and the output's first byte in @first when there is one. */
static GstFlowReturn
push_gray (GstBuffer *buf, char **error_text, int *first)
{
  GstHarness *h = gst_harness_new ("srupscale");
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, "video/x-raw,format=GRAY8,width=33,height=7,"
      "framerate=30/1");
  GstFlowReturn flow = gst_harness_push (h, buf);
  *error_text = NULL;
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (msg) {
    GError *e;
    char *debug;
    gst_message_parse_error (msg, &e, &debug);
    *error_text = g_strdup_printf ("%s | %s", e->message, debug ? debug : "");
    g_error_free (e);
    g_free (debug);
    gst_message_unref (msg);
  }
  if (flow == GST_FLOW_OK) {
    GstBuffer *out = gst_harness_pull (h);
    guint8 b;
    gst_buffer_extract (out, 0, &b, 1);
    *first = b;
    gst_buffer_unref (out);
  }
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  return flow;
}

/* 10: a meta saying stride 100 for 7 rows of a 300-byte buffer made the element
 * read past it; offsets past the rows' room likewise. An honest padded stride
 * upscales as the packed frame does. */
GST_START_TEST (test_lying_video_meta)
{
  struct {
    gsize size, offset;
    gint stride;
  } lies[] = {
    { 300, 0, 100 },      /* the case: 6 * 100 + 33 bytes > 300 */
    { 300, 250, 33 },     /* rows begin too late */
    { 300, 0, 20 },       /* rows overlap: stride shorter than a row */
    { 300, 0, -33 },      /* upwards */
    { 230, 0, 33 },       /* one byte short of the last row */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (lies); i++) {
    SrHostileBound b;
    sr_hostile_begin (&b, "lying meta");
    char *err;
    int first;
    GstFlowReturn flow = push_gray (gray_with_meta (lies[i].size, lies[i].offset,
            lies[i].stride), &err, &first);
    /* an error of ours, or GStreamer's own refusal to map (then the frame is
     * dropped with a warning): never a read outside the buffer */
    if (flow == GST_FLOW_ERROR) {
      fail_unless (err != NULL);
      fail_unless (strstr (err, "does not fit its memory") != NULL, "%s", err);
    } else {
      fail_unless (err == NULL, "%s", err);
    }
    GST_INFO ("case %" G_GSIZE_FORMAT ": flow %s, %s", i, gst_flow_get_name (flow), err);
    g_free (err);
    sr_hostile_end (&b);
  }
  /* the case is ours to refuse */
  char *err;
  int packed_first = -1, padded_first = -1;
  fail_unless_equals_int (push_gray (gray_with_meta (300, 0, 100), &err, &packed_first),
      GST_FLOW_ERROR);
  fail_unless (strstr (err, "plane 0 needs 633 bytes") != NULL, "%s", err);
  g_free (err);
  fail_unless_equals_int (push_gray (gray_with_meta (231, 0, 33), &err, &packed_first),
      GST_FLOW_OK);
  fail_unless_equals_int (push_gray (gray_with_meta (40 * 7 + 5, 5, 40), &err,
          &padded_first), GST_FLOW_OK);
  fail_unless_equals_int (packed_first, padded_first);
}
GST_END_TEST;

/* 1 and 4: RGBA 5800x5800 at x4 needs a 2.1 GB output frame and 2.2 GB of colour
 * planes: refused at negotiation, before any of it is allocated, with what it
 * would need; the limit is the max-memory property. */
GST_START_TEST (test_memory_budget)
{
  expect_pipeline_error ("videotestsrc num-buffers=1 ! "
      "video/x-raw,format=RGBA,width=5800,height=5800 ! srupscale scale=4 ! fakesink",
      "Upscaling 5800x5800 video by 4 would need ");
  expect_pipeline_error ("videotestsrc num-buffers=1 ! "
      "video/x-raw,format=RGBA,width=5800,height=5800 ! srupscale scale=4 ! fakesink",
      "MiB of memory, more than the max-memory limit of 1024 MiB");
  expect_pipeline_error ("videotestsrc num-buffers=1 ! "
      "video/x-raw,format=I420,width=64,height=48 ! srupscale max-memory=1 ! fakesink",
      "max-memory limit of 1 MiB");
  char *err = pipeline_error ("videotestsrc num-buffers=1 ! "
      "video/x-raw,format=I420,width=64,height=48 ! srupscale max-memory=0 ! fakesink");
  fail_unless (err == NULL, "%s", err);
}
GST_END_TEST;

/* 6, 3, 9: a FIFO as the model hung the pipeline in open(); hostile headers. */
GST_START_TEST (test_hostile_model_locations)
{
  g_autofree char *dir = g_dir_make_tmp ("srupscale-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo.safetensors", NULL);
  fail_unless_equals_int (mkfifo (fifo, 0600), 0);
  g_autofree char *deep = g_build_filename (dir, "deep.safetensors", NULL);
  GString *h = g_string_new ("{\"x\":");
  for (int i = 0; i < 100000; i++)
    g_string_append_c (h, '[');
  for (int i = 0; i < 100000; i++)
    g_string_append_c (h, ']');
  g_string_append_c (h, '}');
  sr_hostile_write (deep, h->str, NULL, 0, 0);
  g_string_free (h, TRUE);
  g_autofree char *dtype = g_build_filename (dir, "dtype.safetensors", NULL);
  sr_hostile_write (dtype, "{\"a\":{\"dtype\":[\"F32\"],\"shape\":[1],"
      "\"data_offsets\":[0,4]}}", NULL, 0, 4);
  struct {
    const char *path, *says;
  } cases[] = {
    { fifo, "not a regular file" },
    { deep, "nests deeper than" },
    { dtype, "dtype (not a string)" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *desc = g_strdup_printf ("videotestsrc num-buffers=1 ! "
        "srupscale model-location=\"%s\" ! fakesink", cases[i].path);
    expect_pipeline_error (desc, cases[i].says);
  }

  /* set while playing: an error at the next frame, and a prompt teardown */
  SrHostileBound b;
  sr_hostile_begin (&b, "FIFO while playing");
  GstHarness *harness = gst_harness_new ("srupscale");
  gst_harness_set_src_caps_str (harness, "video/x-raw,format=GRAY8,width=16,height=16,"
      "framerate=30/1");
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_GRAY8, 16, 16);
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info.size, NULL);
  fail_unless_equals_int (gst_harness_push (harness, gst_buffer_ref (buf)), GST_FLOW_OK);
  gst_buffer_unref (gst_harness_pull (harness));
  g_object_set (harness->element, "model-location", fifo, NULL);
  fail_unless_equals_int (gst_harness_push (harness, buf), GST_FLOW_ERROR);
  gst_harness_teardown (harness);
  sr_hostile_end (&b);

  g_unlink (fifo);
  g_unlink (deep);
  g_unlink (dtype);
  g_rmdir (dir);
}
GST_END_TEST;

/* 2: n-threads=256 crashed inside OpenBLAS; the engine runs at most one thread a
 * core (and never more than SR_MAX_THREADS), so 256 asked for runs a frame. */
GST_START_TEST (test_thread_maximum)
{
  SrHostileBound b;
  sr_hostile_begin (&b, "256 threads asked for");
  /* a CI machine of 2 cores under ASan and other jobs: the bound is for a hang */
  b.max_seconds = 60;
  char *err = pipeline_error ("videotestsrc num-buffers=2 ! "
      "video/x-raw,format=I420,width=640,height=360 ! srupscale n-threads=256 ! fakesink");
  fail_unless (err == NULL, "%s", err);
  sr_hostile_end (&b);
}
GST_END_TEST;

static Suite *
hostile_suite (void)
{
  Suite *s = suite_create ("srupscale-hostile");
  TCase *tc = tcase_create ("hostile");
  tcase_set_timeout (tc, 300);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_lying_video_meta);
  tcase_add_test (tc, test_memory_budget);
  tcase_add_test (tc, test_hostile_model_locations);
  tcase_add_test (tc, test_thread_maximum);
  return s;
}

GST_CHECK_MAIN (hostile);
