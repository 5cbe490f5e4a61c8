/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The srupscale element: every format at every scale, caps in both directions,
 * properties changed while playing, and bad model files, through GstHarness and
 * small pipelines. */
#include <gst/app/gstappsink.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <math.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sr-image.h"
#include "sr-test-model.h"

static const char *formats[] = { "I420", "YV12", "NV12", "NV21", "Y42B", "Y444", "GRAY8",
  "RGB", "BGR", "RGBx", "BGRx", "xRGB", "xBGR", "RGBA", "BGRA", "ARGB", "ABGR",
  "I420_10LE", "I420_10BE", "P010_10LE", "P010_10BE", "I422_10LE", "I422_10BE",
  "Y444_10LE", "Y444_10BE" };

/* Where component @c of pixel (@x, @y) starts. GStreamer 1.22 gives the V offset of
 * P010 in 16-bit words (1), not bytes as for every other format: a 16-bit component
 * cannot start at an odd byte, so such an offset is taken as words. */
static guint8 *
comp_at (const GstVideoFrame *f, guint c, int x, int y)
{
  const GstVideoFormatInfo *fi = f->info.finfo;
  guint offset = fi->poffset[c];
  if (GST_VIDEO_FORMAT_INFO_DEPTH (fi, c) > 8 && offset % 2)
    offset *= 2;
  return (guint8 *) f->data[fi->plane[c]] + offset
      + y * GST_VIDEO_FRAME_COMP_STRIDE (f, c) + x * GST_VIDEO_FRAME_COMP_PSTRIDE (f, c);
}

/* Component @c at (@x, @y) of a frame of any of these formats, in the format's own
 * depth (0..1023 for the 10-bit ones, whatever their word layout). */
static guint
comp_get (const GstVideoFrame *f, guint c, int x, int y)
{
  const GstVideoFormatInfo *fi = f->info.finfo;
  const guint8 *d = comp_at (f, c, x, y);
  if (GST_VIDEO_FORMAT_INFO_DEPTH (fi, c) <= 8)
    return d[0];
  guint word = GST_VIDEO_FORMAT_INFO_IS_LE (fi) ? GST_READ_UINT16_LE (d)
      : GST_READ_UINT16_BE (d);
  return word >> GST_VIDEO_FORMAT_INFO_SHIFT (fi, c);
}

static void
comp_set (GstVideoFrame *f, guint c, int x, int y, guint v)
{
  const GstVideoFormatInfo *fi = f->info.finfo;
  guint8 *d = comp_at (f, c, x, y);
  if (GST_VIDEO_FORMAT_INFO_DEPTH (fi, c) <= 8) {
    d[0] = v;
    return;
  }
  guint16 word = v << GST_VIDEO_FORMAT_INFO_SHIFT (fi, c);
  if (GST_VIDEO_FORMAT_INFO_IS_LE (fi))
    GST_WRITE_UINT16_LE (d, word);
  else
    GST_WRITE_UINT16_BE (d, word);
}

/* Bits a component has beyond 8 (2 for the 10-bit formats). */
static int
extra_bits (const GstVideoFrame *f, guint c)
{
  return GST_VIDEO_FORMAT_INFO_DEPTH (f->info.finfo, c) - 8;
}

/* Fills every component of every pixel with @values[component] (8-bit levels,
 * shifted up to the format's depth as video levels are). */
static void
fill_frame (GstVideoFrame *f, const guint8 *values)
{
  for (guint c = 0; c < GST_VIDEO_FRAME_N_COMPONENTS (f); c++)
    for (int y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT (f, c); y++)
      for (int x = 0; x < GST_VIDEO_FRAME_COMP_WIDTH (f, c); x++)
        comp_set (f, c, x, y, (guint) values[c] << extra_bits (f, c));
}

/* The largest distance of a component from @values, away from the border (where
 * the network sees its zero padding), in 8-bit levels (rounded up). */
static int
max_interior_error (GstVideoFrame *f, const guint8 *values, int border)
{
  int worst = 0;
  for (guint c = 0; c < GST_VIDEO_FRAME_N_COMPONENTS (f); c++) {
    int w = GST_VIDEO_FRAME_COMP_WIDTH (f, c), h = GST_VIDEO_FRAME_COMP_HEIGHT (f, c);
    int bx = border * w / GST_VIDEO_FRAME_WIDTH (f), by = border * h / GST_VIDEO_FRAME_HEIGHT (f);
    int extra = extra_bits (f, c);
    for (int y = by; y < h - by; y++)
      for (int x = bx; x < w - bx; x++) {
        int e = abs ((int) comp_get (f, c, x, y) - ((int) values[c] << extra));
        worst = MAX (worst, (e + (1 << extra) - 1) >> extra);
      }
  }
  return worst;
}

static GstBuffer *
flat_buffer (const GstVideoInfo *info, const guint8 *values)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info->size, NULL);
  GstVideoFrame f;
  fail_unless (gst_video_frame_map (&f, info, buf, GST_MAP_WRITE));
  fill_frame (&f, values);
  gst_video_frame_unmap (&f);
  return buf;
}

/* Odd sizes, a non-square PAR and an unusual framerate: all must come out right. */
GST_START_TEST (test_every_format_and_scale)
{
  const guint8 yuv[4] = { 150, 100, 180, 255 }, rgb[4] = { 200, 100, 50, 180 };
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++) {
    for (int scale = 2; scale <= 4; scale++) {
      GstHarness *h = gst_harness_new ("srupscale");
      g_object_set (h->element, "scale", scale, NULL);
      g_autofree char *caps = g_strdup_printf ("video/x-raw,format=%s,width=37,height=21,"
          "framerate=25/1,pixel-aspect-ratio=4/3", formats[i]);
      gst_harness_set_src_caps_str (h, caps);
      GstVideoInfo in_info;
      GstCaps *in_caps = gst_caps_from_string (caps);
      fail_unless (gst_video_info_from_caps (&in_info, in_caps));
      gst_caps_unref (in_caps);
      const guint8 *values = GST_VIDEO_INFO_IS_RGB (&in_info) ? rgb : yuv;
      fail_unless_equals_int (gst_harness_push (h, flat_buffer (&in_info, values)),
          GST_FLOW_OK);
      GstBuffer *out = gst_harness_pull (h);
      fail_unless (out != NULL);

      GstCaps *out_caps = gst_pad_get_current_caps (h->sinkpad);
      GstVideoInfo out_info;
      fail_unless (gst_video_info_from_caps (&out_info, out_caps));
      fail_unless_equals_int (out_info.width, 37 * scale);
      fail_unless_equals_int (out_info.height, 21 * scale);
      fail_unless_equals_int (GST_VIDEO_INFO_FORMAT (&out_info),
          GST_VIDEO_INFO_FORMAT (&in_info));
      fail_unless_equals_int (out_info.fps_n, 25);
      fail_unless_equals_int (out_info.fps_d, 1);
      fail_unless_equals_int (out_info.par_n, 4);
      fail_unless_equals_int (out_info.par_d, 3);
      fail_unless (gst_buffer_get_size (out) >= out_info.size);

      /* a flat picture stays flat, in every component (alpha included) */
      GstVideoFrame f;
      fail_unless (gst_video_frame_map (&f, &out_info, out, GST_MAP_READ));
      int err = max_interior_error (&f, values, 6 * scale);
      gst_video_frame_unmap (&f);
      GST_INFO ("%s x%d: flat frame error %d", formats[i], scale, err);
      /* the network keeps flat luma within a few levels; RGB adds the 8-bit YCbCr
       * round trip and the matrix's gain of 1.16 on luma errors */
      if (err > (GST_VIDEO_INFO_IS_RGB (&in_info) ? 5 : 4))
        fail ("%s x%d: a flat frame comes out off by %d", formats[i], scale, err);

      gst_caps_unref (out_caps);
      gst_buffer_unref (out);
      gst_harness_teardown (h);
    }
  }
}
GST_END_TEST;

/* Runs @desc until its first sample or an error; returns the error message or NULL. */
static char *
run_pipeline (const char *desc, const char *sink_caps, GstCaps **src_caps,
    GstSample **sample)
{
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &error);
  fail_unless (pipeline != NULL && error == NULL, "%s", error ? error->message : "");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  if (sink_caps) {
    /* set after linking, so that it is negotiation, not linking, that must fail */
    GstCaps *caps = gst_caps_from_string (sink_caps);
    g_object_set (sink, "caps", caps, NULL);
    gst_caps_unref (caps);
  }
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  GstBus *bus = gst_element_get_bus (pipeline);
  char *message = NULL;
  GstMessage *msg;
  /* warnings are collected into the message too, before the error or preroll */
  GString *warnings = g_string_new (NULL);
  while ((msg = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND,
              GST_MESSAGE_ERROR | GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_WARNING))
      && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
    GError *e;
    gst_message_parse_warning (msg, &e, NULL);
    g_string_append_printf (warnings, "%s warns: %s | ",
        GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), e->message);
    g_error_free (e);
    gst_message_unref (msg);
  }
  fail_unless (msg != NULL, "pipeline neither prerolled nor failed: %s", desc);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *e;
    char *debug;
    gst_message_parse_error (msg, &e, &debug);
    message = g_strdup_printf ("%s%s | %s | %s", warnings->str,
        GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), e->message, debug ? debug : "");
    g_error_free (e);
    g_free (debug);
  } else if (sample) {
    *sample = gst_app_sink_pull_preroll (GST_APP_SINK (sink));
  }
  if (src_caps) {
    GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
    GstPad *pad = gst_element_get_static_pad (src, "src");
    *src_caps = gst_pad_get_current_caps (pad);
    gst_object_unref (pad);
    gst_object_unref (src);
  }
  gst_message_unref (msg);
  g_string_free (warnings, TRUE);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  return message;
}

/* Downstream's size decides the input size: 1920x1080 at x3 asks for 640x360. */
GST_START_TEST (test_negotiates_from_downstream)
{
  GstCaps *src_caps = NULL;
  char *err = run_pipeline ("videotestsrc name=src num-buffers=1 ! srupscale scale=3 ! "
      "video/x-raw,width=1920,height=1080 ! appsink name=sink", NULL, &src_caps, NULL);
  fail_unless (err == NULL, "%s", err);
  GstStructure *s = gst_caps_get_structure (src_caps, 0);
  int w, h;
  fail_unless (gst_structure_get_int (s, "width", &w));
  fail_unless (gst_structure_get_int (s, "height", &h));
  fail_unless_equals_int (w, 640);
  fail_unless_equals_int (h, 360);
  gst_caps_unref (src_caps);
}
GST_END_TEST;

/* 1000 is not 3 times any width: negotiation fails with an error, no crash. */
GST_START_TEST (test_impossible_size_fails_cleanly)
{
  char *err = run_pipeline ("videotestsrc name=src num-buffers=1 ! srupscale name=up "
      "scale=3 ! appsink name=sink", "video/x-raw,width=1000,height=600", NULL, NULL);
  fail_unless (err != NULL);
  GST_INFO ("error as posted: %s", err);
  fail_unless (strstr (err, "not-negotiated") != NULL, "%s", err);
  fail_unless (strstr (err, "up warns: Downstream wants 1000x600, which is not 3 "
          "times any input size") != NULL, "%s", err);
  g_free (err);
}
GST_END_TEST;

static char *
model_error (const char *location, int scale)
{
  g_autofree char *desc = g_strdup_printf ("videotestsrc name=src num-buffers=1 ! "
      "srupscale scale=%d model-location=\"%s\" ! appsink name=sink", scale, location);
  return run_pipeline (desc, NULL, NULL, NULL);
}

/* Missing, truncated, corrupt and wrong-scale files: an element error that says
 * what is wrong, and the process goes on. */
GST_START_TEST (test_bad_model_location)
{
  const char *models = g_getenv ("SR_MODELS_DIR");
  fail_unless (models != NULL);
  g_autofree char *good = g_build_filename (models, "espcn_x3.safetensors", NULL);
  char *contents;
  gsize len;
  fail_unless (g_file_get_contents (good, &contents, &len, NULL));
  g_autofree char *dir = g_dir_make_tmp ("srupscale-XXXXXX", NULL);
  g_autofree char *truncated = g_build_filename (dir, "truncated.safetensors", NULL);
  g_autofree char *garbage = g_build_filename (dir, "garbage.safetensors", NULL);
  fail_unless (g_file_set_contents (truncated, contents, len / 2, NULL));
  fail_unless (g_file_set_contents (garbage, "this is not a model at all", -1, NULL));
  g_free (contents);

  struct {
    const char *path;
    int scale;
    const char *says;
  } cases[] = {
    { "/nonexistent/model.safetensors", 2, "/nonexistent/model.safetensors" },
    { truncated, 3, "truncated" },
    { garbage, 2, "not a safetensors file" },
    { good, 2, "x3 model but the scale property is 2" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *err = model_error (cases[i].path, cases[i].scale);
    fail_unless (err != NULL, "%s loaded", cases[i].path);
    GST_INFO ("error as posted: %s", err);
    fail_unless (g_str_has_prefix (err, "srupscale"), "%s", err);
    fail_unless (strstr (err, "Could not load the upscaling model") != NULL, "%s", err);
    fail_unless (strstr (err, cases[i].says) != NULL, "%s lacks \"%s\"", err,
        cases[i].says);
    g_free (err);
  }
  g_unlink (truncated);
  g_unlink (garbage);
  g_rmdir (dir);
  /* and a good file loads */
  char *err = model_error (good, 3);
  fail_unless (err == NULL, "%s", err);
}
GST_END_TEST;

/* model=<family> at every scale: the models the plugin's resource list ships
 * (models/srupscale-models.gresource.xml) upscale a frame; any other says it is
 * not built in, and which are. */
GST_START_TEST (test_every_builtin_model)
{
  const char *models = g_getenv ("SR_MODELS_DIR");
  g_autofree char *xml_path = g_build_filename (models, "srupscale-models.gresource.xml",
      NULL);
  g_autofree char *xml = NULL;
  fail_unless (g_file_get_contents (xml_path, &xml, NULL, NULL));
  static const char *families[] = { "espcn", "fsrcnn", "lesrcnn", "sesr" };
  int shipped = 0;
  for (gsize f = 0; f < G_N_ELEMENTS (families); f++)
    for (int scale = 2; scale <= 4; scale++) {
      g_autofree char *file = g_strdup_printf ("<file>%s_x%d.safetensors</file>",
          families[f], scale);
      gboolean builtin = strstr (xml, file) != NULL;
      g_autofree char *desc = g_strdup_printf ("videotestsrc name=src num-buffers=1 ! "
          "video/x-raw,format=I420,width=48,height=34 ! srupscale model=%s scale=%d ! "
          "appsink name=sink", families[f], scale);
      GstSample *sample = NULL;
      char *err = run_pipeline (desc, NULL, NULL, &sample);
      if (builtin) {
        fail_unless (err == NULL, "%s x%d: %s", families[f], scale, err);
        GstVideoInfo info;
        fail_unless (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
        fail_unless_equals_int (GST_VIDEO_INFO_WIDTH (&info), 48 * scale);
        fail_unless_equals_int (GST_VIDEO_INFO_HEIGHT (&info), 34 * scale);
        gst_sample_unref (sample);
        shipped++;
        /* and the network that ran is the one asked for */
        GstHarness *h = gst_harness_new ("srupscale");
        gst_util_set_object_arg (G_OBJECT (h->element), "model", families[f]);
        g_object_set (h->element, "scale", scale, NULL);
        gst_harness_set_src_caps_str (h, "video/x-raw,format=GRAY8,width=16,height=12,"
            "framerate=30/1");
        GstVideoInfo gray;
        gst_video_info_set_format (&gray, GST_VIDEO_FORMAT_GRAY8, 16, 12);
        const guint8 v[1] = { 90 };
        fail_unless_equals_int (gst_harness_push (h, flat_buffer (&gray, v)), GST_FLOW_OK);
        gst_buffer_unref (gst_harness_pull (h));
        g_autofree char *model_info = NULL;
        g_object_get (h->element, "model-info", &model_info, NULL);
        g_autofree char *want = g_strdup_printf ("%s x%d", families[f], scale);
        fail_unless (model_info && g_str_has_prefix (model_info, want), "asked %s, runs %s",
            want, model_info);
        gst_harness_teardown (h);
      } else {
        g_autofree char *says = g_strdup_printf ("no built-in %s weights for x%d",
            families[f], scale);
        fail_unless (err != NULL && strstr (err, says) != NULL, "%s x%d: %s", families[f],
            scale, err ? err : "no error");
        fail_unless (strstr (err, "espcn x2") != NULL, "%s", err);
        if (sample)
          gst_sample_unref (sample);
      }
      g_free (err);
    }
  fail_unless (shipped >= 3, "only %d built-in models", shipped);
}
GST_END_TEST;

/* A new scale while playing renegotiates at the next frame. */
GST_START_TEST (test_scale_change_while_playing)
{
  GstHarness *h = gst_harness_new ("srupscale");
  gst_harness_set_src_caps_str (h, "video/x-raw,format=I420,width=32,height=18,"
      "framerate=30/1");
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, 32, 18);
  const guint8 v[3] = { 100, 128, 128 };
  int expect[] = { 2, 3, 4, 2 };
  for (gsize i = 0; i < G_N_ELEMENTS (expect); i++) {
    g_object_set (h->element, "scale", expect[i], NULL);
    fail_unless_equals_int (gst_harness_push (h, flat_buffer (&info, v)), GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull (h);
    GstCaps *caps = gst_pad_get_current_caps (h->sinkpad);
    GstVideoInfo out_info;
    fail_unless (gst_video_info_from_caps (&out_info, caps));
    fail_unless_equals_int (out_info.width, 32 * expect[i]);
    fail_unless_equals_int (out_info.height, 18 * expect[i]);
    fail_unless_equals_int (gst_buffer_get_size (out), out_info.size);
    gst_caps_unref (caps);
    gst_buffer_unref (out);
  }
  gst_harness_teardown (h);
}
GST_END_TEST;

static guint8
first_byte (GstBuffer *buf)
{
  guint8 b;
  fail_unless_equals_int (gst_buffer_extract (buf, 0, &b, 1), 1);
  gst_buffer_unref (buf);
  return b;
}

/* model-location set while playing: a good file takes effect at the next frame, a
 * broken one is an error at the next frame, and the element tears down cleanly. */
GST_START_TEST (test_model_change_while_playing)
{
  GstHarness *h = gst_harness_new ("srupscale");
  gst_harness_set_src_caps_str (h, "video/x-raw,format=GRAY8,width=16,height=16,"
      "framerate=30/1");
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_GRAY8, 16, 16);
  const guint8 v[1] = { 90 };
  fail_unless_equals_int (gst_harness_push (h, flat_buffer (&info, v)), GST_FLOW_OK);
  guint8 builtin = first_byte (gst_harness_pull (h));

  /* a model of random weights answers differently from the trained one */
  g_autoptr (GRand) rand = g_rand_new_with_seed (9);
  g_autoptr (GBytes) bytes = sr_test_espcn (2, 8, 4, 3, 3, 3, rand);
  g_autofree char *dir = g_dir_make_tmp ("srupscale-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "random.safetensors", NULL);
  fail_unless (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
          g_bytes_get_size (bytes), NULL));
  g_object_set (h->element, "model-location", path, NULL);
  fail_unless_equals_int (gst_harness_push (h, flat_buffer (&info, v)), GST_FLOW_OK);
  guint8 random = first_byte (gst_harness_pull (h));
  fail_unless (abs (random - builtin) > 2, "the new model did not take effect (%d, %d)",
      builtin, random);
  g_unlink (path);
  g_rmdir (dir);

  g_object_set (h->element, "model-location", "/nonexistent/x.safetensors", NULL);
  fail_unless_equals_int (gst_harness_push (h, flat_buffer (&info, v)), GST_FLOW_ERROR);
  g_object_set (h->element, "n-threads", 1, NULL);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* Pushes @lr (RGB, or its luma as GRAY8) through the element; returns the luma of
 * the output as MATLAB's rgb2ycbcr would compute it. */
static SrPlane *
upscale_through_element_full (const guint8 *lr_rgb, int w, int h, int scale,
    gboolean rgb, const char *precision)
{
  GstHarness *hn = gst_harness_new ("srupscale");
  gst_util_set_object_arg (G_OBJECT (hn->element), "precision", precision);
  g_object_set (hn->element, "scale", scale, NULL);
  GstVideoInfo info;
  gst_video_info_set_format (&info, rgb ? GST_VIDEO_FORMAT_RGB : GST_VIDEO_FORMAT_GRAY8,
      w, h);
  info.fps_n = 25;
  GstCaps *caps = gst_video_info_to_caps (&info);
  gst_harness_set_src_caps (hn, caps);
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info.size, NULL);
  GstVideoFrame f;
  fail_unless (gst_video_frame_map (&f, &info, buf, GST_MAP_WRITE));
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      const guint8 *p = lr_rgb + 3 * (y * w + x);
      guint8 *d = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f, 0)
          + y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0);
      if (rgb)
        memcpy (d + 3 * x, p, 3);
      else  /* the same luma as sr_load_png_luma() */
        d[x] = (guint8) CLAMP (round (16 + (65.481 * p[0] + 128.553 * p[1]
                    + 24.966 * p[2]) / 255), 0, 255);
    }
  gst_video_frame_unmap (&f);
  fail_unless_equals_int (gst_harness_push (hn, buf), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull (hn);
  GstVideoInfo out_info;
  gst_video_info_set_format (&out_info, GST_VIDEO_INFO_FORMAT (&info), w * scale,
      h * scale);
  fail_unless (gst_video_frame_map (&f, &out_info, out, GST_MAP_READ));
  SrPlane *luma = sr_plane_new (w * scale, h * scale);
  for (int y = 0; y < h * scale; y++)
    for (int x = 0; x < w * scale; x++) {
      const guint8 *d = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f, 0)
          + y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0);
      luma->data[y * w * scale + x] = rgb ? CLAMP (round (16 + (65.481 * d[3 * x]
                  + 128.553 * d[3 * x + 1] + 24.966 * d[3 * x + 2]) / 255), 0, 255)
          : d[x];
    }
  gst_video_frame_unmap (&f);
  gst_buffer_unref (out);
  gst_harness_teardown (hn);
  return luma;
}

static SrPlane *
upscale_through_element (const guint8 *lr_rgb, int w, int h, int scale, gboolean rgb)
{
  return upscale_through_element_full (lr_rgb, w, h, scale, rgb, "fp32");
}

/* A real photograph, degraded as in the SR protocol (per RGB channel here), then
 * upscaled by the element as RGB and as GRAY8: its luma must beat bicubic by a
 * margin that a broken model or a broken colour path cannot reach. */
GST_START_TEST (test_real_image_beats_bicubic)
{
  const double margin[] = { 0, 0, 1.0, 0.8, 0.6 };
  const char *datasets = g_getenv ("SR_DATASETS_DIR");
  fail_unless (datasets != NULL);
  g_autofree char *path = g_build_filename (datasets, "Set5", "butterfly.png", NULL);
  int W, H;
  g_autofree guint8 *hr_rgb = sr_load_png_rgb (path, &W, &H, NULL);
  fail_unless (hr_rgb != NULL, "cannot read %s", path);
  for (int scale = 2; scale <= 4; scale++) {
    int w = W / scale, h = H / scale;
    /* each channel: modcrop, bicubic down (rounded to 8 bits) and bicubic up */
    g_autofree guint8 *lr_rgb = g_malloc (w * h * 3), *bic_rgb = g_malloc (w * h * 9 * scale * scale);
    g_autoptr (SrPlane) hr_y = sr_plane_new (w * scale, h * scale);
    for (int c = 0; c < 3; c++) {
      g_autoptr (SrPlane) hr = sr_plane_new (w * scale, h * scale);
      for (int y = 0; y < h * scale; y++)
        for (int x = 0; x < w * scale; x++)
          hr->data[y * w * scale + x] = hr_rgb[3 * (y * W + x) + c];
      g_autoptr (SrPlane) lr = sr_degrade (hr, scale);
      g_autoptr (SrPlane) bic = sr_imresize (lr, scale);
      sr_plane_quantize (bic);
      for (int i = 0; i < w * h; i++)
        lr_rgb[3 * i + c] = (guint8) lr->data[i];
      for (int i = 0; i < w * h * scale * scale; i++)
        bic_rgb[3 * i + c] = (guint8) bic->data[i];
    }
    g_autoptr (SrPlane) bic_y = sr_plane_new (w * scale, h * scale);
    for (int y = 0; y < h * scale; y++)
      for (int x = 0; x < w * scale; x++) {
        const guint8 *p = hr_rgb + 3 * (y * W + x), *b = bic_rgb + 3 * (y * w * scale + x);
        hr_y->data[y * w * scale + x] = CLAMP (round (16 + (65.481 * p[0]
                    + 128.553 * p[1] + 24.966 * p[2]) / 255), 0, 255);
        bic_y->data[y * w * scale + x] = CLAMP (round (16 + (65.481 * b[0]
                    + 128.553 * b[1] + 24.966 * b[2]) / 255), 0, 255);
      }
    double bicubic = sr_psnr (bic_y, hr_y, scale);
    for (int rgb = 0; rgb <= 1; rgb++) {
      g_autoptr (SrPlane) sr = upscale_through_element (lr_rgb, w, h, scale, rgb);
      double psnr = sr_psnr (sr, hr_y, scale);
      GST_INFO ("butterfly x%d %s: bicubic %.2f dB, srupscale %.2f dB", scale,
          rgb ? "RGB" : "GRAY8", bicubic, psnr);
      fail_unless (psnr >= bicubic + margin[scale],
          "x%d %s: %.2f dB is not %.1f dB above bicubic's %.2f dB", scale,
          rgb ? "RGB" : "GRAY8", psnr, margin[scale], bicubic);
    }
  }
}
GST_END_TEST;

/* The LATENCY query carries upstream's latency plus our measured processing time. */
GST_START_TEST (test_reports_latency)
{
  GstHarness *h = gst_harness_new ("srupscale");
  gst_harness_set_upstream_latency (h, 10 * GST_MSECOND);
  gst_harness_set_src_caps_str (h, "video/x-raw,format=I420,width=320,height=180,"
      "framerate=30/1");
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, 320, 180);
  const guint8 v[3] = { 100, 128, 128 };
  fail_unless_equals_int (gst_harness_push (h, flat_buffer (&info, v)), GST_FLOW_OK);
  gst_buffer_unref (gst_harness_pull (h));
  GstClockTime latency = gst_harness_query_latency (h);
  GST_INFO ("latency %" GST_TIME_FORMAT, GST_TIME_ARGS (latency));
  fail_unless (latency > 10 * GST_MSECOND, "latency %" GST_TIME_FORMAT,
      GST_TIME_ARGS (latency));
  fail_unless (latency < 10 * GST_SECOND);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* precision=bf16 gives nearly the float32 picture (bfloat16 where the CPU has it). */
GST_START_TEST (test_bf16_precision)
{
  const char *datasets = g_getenv ("SR_DATASETS_DIR");
  g_autofree char *path = g_build_filename (datasets, "Set5", "bird.png", NULL);
  int w, h;
  g_autofree guint8 *rgb = sr_load_png_rgb (path, &w, &h, NULL);
  fail_unless (rgb != NULL);
  g_autoptr (SrPlane) a = upscale_through_element_full (rgb, w, h, 2, FALSE, "fp32");
  g_autoptr (SrPlane) b = upscale_through_element_full (rgb, w, h, 2, FALSE, "bf16");
  double agree = sr_psnr (a, b, 2);
  GST_INFO ("bf16 against fp32 output: %.1f dB", agree);
  fail_unless (agree > 45, "bf16 differs from fp32 by %.1f dB PSNR", agree);
}
GST_END_TEST;

/* The input size changes mid-stream (a new resolution in a stream), with a flush
 * and EOS on the way: every output follows its own input's size. */
GST_START_TEST (test_input_caps_change_flush_eos)
{
  GstHarness *h = gst_harness_new ("srupscale");
  g_object_set (h->element, "scale", 3, NULL);
  const int sizes[][2] = { { 32, 18 }, { 41, 27 }, { 16, 16 } };
  const guint8 v[3] = { 120, 110, 140 };
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++) {
    g_autofree char *caps = g_strdup_printf ("video/x-raw,format=NV12,width=%d,"
        "height=%d,framerate=25/1", sizes[i][0], sizes[i][1]);
    gst_harness_set_src_caps_str (h, caps);
    GstVideoInfo info;
    gst_video_info_set_format (&info, GST_VIDEO_FORMAT_NV12, sizes[i][0], sizes[i][1]);
    fail_unless_equals_int (gst_harness_push (h, flat_buffer (&info, v)), GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull (h);
    GstVideoInfo out_info;
    gst_video_info_set_format (&out_info, GST_VIDEO_FORMAT_NV12, sizes[i][0] * 3,
        sizes[i][1] * 3);
    fail_unless_equals_int (gst_buffer_get_size (out), out_info.size);
    gst_buffer_unref (out);
    if (i == 0) {   /* a seek's flush in between */
      fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
      fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
      GstSegment segment;
      gst_segment_init (&segment, GST_FORMAT_TIME);
      fail_unless (gst_harness_push_event (h, gst_event_new_segment (&segment)));
    }
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  GstEvent *ev;
  gboolean saw_eos = FALSE;
  while ((ev = gst_harness_try_pull_event (h))) {
    saw_eos |= GST_EVENT_TYPE (ev) == GST_EVENT_EOS;
    gst_event_unref (ev);
  }
  fail_unless (saw_eos);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* Upscales the luma plane @lr (8-bit levels) as a frame of @format (neutral chroma);
 * returns the output luma in 8-bit levels, fractions kept for formats of more bits. */
static SrPlane *
upscale_luma_as (const SrPlane *lr, int scale, GstVideoFormat format)
{
  GstHarness *h = gst_harness_new ("srupscale");
  g_object_set (h->element, "scale", scale, NULL);
  GstVideoInfo info;
  gst_video_info_set_format (&info, format, lr->width, lr->height);
  info.fps_n = 25;
  gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info.size, NULL);
  GstVideoFrame f;
  fail_unless (gst_video_frame_map (&f, &info, buf, GST_MAP_WRITE));
  const guint8 neutral[4] = { 0, 128, 128, 255 };
  fill_frame (&f, neutral);
  int extra = extra_bits (&f, 0);
  for (int y = 0; y < lr->height; y++)
    for (int x = 0; x < lr->width; x++)
      comp_set (&f, 0, x, y, (guint) lr->data[y * lr->width + x] << extra);
  gst_video_frame_unmap (&f);
  fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull (h);
  GstVideoInfo out_info;
  gst_video_info_set_format (&out_info, format, lr->width * scale, lr->height * scale);
  fail_unless (gst_video_frame_map (&f, &out_info, out, GST_MAP_READ));
  SrPlane *sr = sr_plane_new (out_info.width, out_info.height);
  for (int y = 0; y < sr->height; y++)
    for (int x = 0; x < sr->width; x++)
      sr->data[y * sr->width + x] = comp_get (&f, 0, x, y) / (double) (1 << extra);
  gst_video_frame_unmap (&f);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
  return sr;
}

static const GstVideoFormat ten_bit_formats[] = { GST_VIDEO_FORMAT_I420_10LE,
  GST_VIDEO_FORMAT_P010_10LE, GST_VIDEO_FORMAT_Y444_10BE };

/* 10-bit video keeps its precision: a smooth ramp of 320 distinct 10-bit levels comes
 * out with more than the 256 levels an 8-bit round trip could leave. */
GST_START_TEST (test_10bit_keeps_levels)
{
  g_autoptr (SrPlane) ramp = sr_plane_new (320, 16);
  for (gsize i = 0; i < G_N_ELEMENTS (ten_bit_formats); i++) {
    /* 8-bit levels with fractions: 16..235 in 320 steps, as 10-bit 64..940 */
    GstVideoInfo info;
    gst_video_info_set_format (&info, ten_bit_formats[i], 320, 16);
    GstHarness *h = gst_harness_new ("srupscale");
    gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));
    GstBuffer *buf = gst_buffer_new_allocate (NULL, info.size, NULL);
    GstVideoFrame f;
    fail_unless (gst_video_frame_map (&f, &info, buf, GST_MAP_WRITE));
    const guint8 neutral[4] = { 0, 128, 128, 255 };
    fill_frame (&f, neutral);
    for (int y = 0; y < 16; y++)
      for (int x = 0; x < 320; x++)
        comp_set (&f, 0, x, y, 64 + (x * 876 + 159) / 319);
    gst_video_frame_unmap (&f);
    fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull (h);
    GstVideoInfo out_info;
    gst_video_info_set_format (&out_info, ten_bit_formats[i], 640, 32);
    fail_unless (gst_video_frame_map (&f, &out_info, out, GST_MAP_READ));
    gboolean seen[1024] = { FALSE };
    int levels = 0;
    for (int x = 0; x < 640; x++) {
      guint v = comp_get (&f, 0, x, 16);
      levels += !seen[v];
      seen[v] = TRUE;
    }
    gst_video_frame_unmap (&f);
    gst_buffer_unref (out);
    gst_harness_teardown (h);
    GST_INFO ("%s: %d distinct output levels", gst_video_format_to_string (ten_bit_formats[i]),
        levels);
    fail_unless (levels > 256, "%s: only %d levels",
        gst_video_format_to_string (ten_bit_formats[i]), levels);
  }
}
GST_END_TEST;

/* A real picture at 10 bits (its 8-bit levels shifted left by 2) upscales as well as
 * at 8 bits: the same network on the same values, PSNR within 0.05 dB. */
GST_START_TEST (test_10bit_psnr_matches_8bit)
{
  const char *models = g_getenv ("SR_MODELS_DIR");
  g_autofree char *path = g_build_filename (models, "figures", "zebra_x3_gt.png", NULL);
  g_autoptr (SrPlane) image = sr_load_png_luma (path, NULL);
  fail_unless (image != NULL, "cannot read %s", path);
  for (int scale = 2; scale <= 4; scale++) {
    g_autoptr (SrPlane) hr = sr_plane_modcrop (image, scale);
    g_autoptr (SrPlane) lr = sr_degrade (hr, scale);
    g_autoptr (SrPlane) sr8 = upscale_luma_as (lr, scale, GST_VIDEO_FORMAT_GRAY8);
    double psnr8 = sr_psnr (sr8, hr, scale);
    for (gsize i = 0; i < G_N_ELEMENTS (ten_bit_formats); i++) {
      g_autoptr (SrPlane) sr10 = upscale_luma_as (lr, scale, ten_bit_formats[i]);
      double psnr10 = sr_psnr (sr10, hr, scale);
      GST_INFO ("zebra x%d: 8-bit %.3f dB, %s %.3f dB", scale, psnr8,
          gst_video_format_to_string (ten_bit_formats[i]), psnr10);
      fail_unless (fabs (psnr10 - psnr8) <= 0.05, "x%d %s: %.3f dB against 8-bit %.3f",
          scale, gst_video_format_to_string (ten_bit_formats[i]), psnr10, psnr8);
    }
  }
}
GST_END_TEST;

static Suite *
srupscale_suite (void)
{
  Suite *s = suite_create ("srupscale");
  TCase *tc = tcase_create ("element");
  tcase_set_timeout (tc, 300);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_every_format_and_scale);
  tcase_add_test (tc, test_negotiates_from_downstream);
  tcase_add_test (tc, test_impossible_size_fails_cleanly);
  tcase_add_test (tc, test_bad_model_location);
  tcase_add_test (tc, test_every_builtin_model);
  tcase_add_test (tc, test_scale_change_while_playing);
  tcase_add_test (tc, test_model_change_while_playing);
  tcase_add_test (tc, test_real_image_beats_bicubic);
  tcase_add_test (tc, test_reports_latency);
  tcase_add_test (tc, test_bf16_precision);
  tcase_add_test (tc, test_input_caps_change_flush_eos);
  tcase_add_test (tc, test_10bit_keeps_levels);
  tcase_add_test (tc, test_10bit_psnr_matches_8bit);
  return s;
}

GST_CHECK_MAIN (srupscale);
