/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* upscale-app: how an application embeds srupscale in its own pipeline.
 *
 *   appsrc ! srupscale ! appsink
 *
 * The application makes I420 frames in its own memory (a moving synthetic
 * pattern, or the frames of a raw file given with --input), pushes them into
 * the pipeline with gst_app_src_push_buffer() and pulls the upscaled frames
 * back with gst_app_sink_pull_sample(). Each output is checked to be exactly
 * scale times the input; errors posted on the bus (a model file that cannot be
 * read, for instance) are printed and end the program with status 1.
 *
 * Build it beside the plugin (meson builds it as build/examples/upscale-app) or
 * on its own:
 *   gcc upscale-app.c -o upscale-app $(pkg-config --cflags --libs gstreamer-app-1.0 gstreamer-video-1.0)
 *
 * Run it from the build tree:
 *   GST_PLUGIN_PATH=build/gst build/examples/upscale-app --scale 3 --frames 10
 *
 * A raw input file holds I420 frames in GStreamer's default layout, which is
 * what "... ! video/x-raw,format=I420 ! filesink" writes (and, when the width
 * is a multiple of 8, what "ffmpeg -pix_fmt yuv420p -f rawvideo" writes):
 *   gst-launch-1.0 videotestsrc num-buffers=30 pattern=ball ! \
 *     video/x-raw,format=I420,width=320,height=240 ! filesink location=in.yuv
 *   upscale-app --input in.yuv --width 320 --height 240 --output out.yuv
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#define FRAMERATE 25
/* Frames pushed ahead of the ones pulled back: keeps appsrc's thread busy
 * upscaling while this thread makes the next frame, without queueing up the
 * whole input in memory. */
#define MAX_IN_FLIGHT 2

typedef struct {
  /* command line */
  int scale;
  int n_frames;
  int width;
  int height;
  char *model_location;
  char *input;
  char *output;

  GstElement *pipeline;
  GstAppSrc *src;
  GstAppSink *sink;
  GstVideoInfo in_info;
  FILE *in_file;
  FILE *out_file;

  int n_pushed;
  int n_pulled;
  gboolean failed;
} App;

/* ---- command line ---- */

static gboolean
parse_args (App *app, int *argc, char ***argv)
{
  GOptionEntry entries[] = {
    {"scale", 's', 0, G_OPTION_ARG_INT, &app->scale, "Upscaling factor, 2 to 4", "N"},
    {"frames", 'n', 0, G_OPTION_ARG_INT, &app->n_frames,
        "Frames to upscale (default: 30, or all the frames of --input)", "N"},
    {"width", 0, 0, G_OPTION_ARG_INT, &app->width, "Input width (default 320)", "W"},
    {"height", 0, 0, G_OPTION_ARG_INT, &app->height, "Input height (default 240)", "H"},
    {"model-location", 'm', 0, G_OPTION_ARG_FILENAME, &app->model_location,
        "A .safetensors model to use instead of the built-in one", "FILE"},
    {"input", 'i', 0, G_OPTION_ARG_FILENAME, &app->input,
        "Raw I420 frames of --width x --height to upscale instead of a pattern", "FILE"},
    {"output", 'o', 0, G_OPTION_ARG_FILENAME, &app->output,
        "Write the upscaled frames to FILE as raw I420", "FILE"},
    {NULL}
  };
  GOptionContext *context = g_option_context_new ("- upscale frames through appsrc ! "
      "srupscale ! appsink");
  g_option_context_add_main_entries (context, entries, NULL);
  /* also offers --gst-debug and the other GStreamer options */
  g_option_context_add_group (context, gst_init_get_option_group ());
  GError *error = NULL;
  gboolean ok = g_option_context_parse (context, argc, argv, &error);
  g_option_context_free (context);
  if (!ok) {
    g_printerr ("upscale-app: %s\n", error->message);
    g_error_free (error);
    return FALSE;
  }
  /* n_frames stays -1 when --frames is not given */
  if (app->scale < 2 || app->scale > 4 || app->width < 1 || app->height < 1
      || app->n_frames == 0 || app->n_frames < -1) {
    g_printerr ("upscale-app: --scale must be 2 to 4, sizes and --frames positive\n");
    return FALSE;
  }
  return TRUE;
}

/* ---- making input frames ---- */

/* A diagonal gradient that moves one pixel per frame and a bright square that
 * bounces: enough structure to see what the upscaler does with edges. */
static void
draw_pattern (GstVideoFrame *frame, int index)
{
  int width = GST_VIDEO_FRAME_WIDTH (frame), height = GST_VIDEO_FRAME_HEIGHT (frame);
  guint8 *y_plane = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  int y_stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  int box = MAX (MIN (width, height) / 4, 1);
  int box_x = index * 3 % MAX (width - box, 1), box_y = index * 2 % MAX (height - box, 1);

  for (int y = 0; y < height; y++) {
    for (int x = 0; x < width; x++) {
      gboolean in_box = x >= box_x && x < box_x + box && y >= box_y && y < box_y + box;
      y_plane[y * y_stride + x] = in_box ? 235 : 16 + (x + y + index) % 200;
    }
  }
  /* chroma: a slow horizontal tint */
  for (int plane = 1; plane <= 2; plane++) {
    guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (frame, plane);
    int stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, plane);
    int w = GST_VIDEO_FRAME_COMP_WIDTH (frame, plane);
    for (int y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT (frame, plane); y++)
      for (int x = 0; x < w; x++)
        data[y * stride + x] = plane == 1 ? 128 + (x * 64) / w : 160 - (x * 64) / w;
  }
}

/* Reads the next frame of --input into data; FALSE at the end of the file. */
static gboolean
read_frame (App *app, guint8 *data)
{
  size_t size = GST_VIDEO_INFO_SIZE (&app->in_info);
  size_t got = fread (data, 1, size, app->in_file);
  if (got == size)
    return TRUE;
  if (got > 0)
    g_printerr ("upscale-app: ignoring %zu bytes at the end of %s: not a whole "
        "%dx%d I420 frame\n", got, app->input, app->width, app->height);
  return FALSE;
}

/* Makes frame number index in memory of our own and hands it to appsrc.
 * FALSE when --input has no more frames. */
static gboolean
push_frame (App *app, int index)
{
  gsize size = GST_VIDEO_INFO_SIZE (&app->in_info);
  guint8 *data = g_malloc (size);

  if (app->in_file) {
    if (!read_frame (app, data)) {
      g_free (data);
      return FALSE;
    }
  } else {
    GstVideoFrame frame;
    /* A GstVideoFrame over our memory gives the plane offsets and strides
     * that the caps imply, so the pattern code cannot get the layout wrong. */
    GstBuffer *tmp = gst_buffer_new_wrapped_full (0, data, size, 0, size, NULL, NULL);
    gst_video_frame_map (&frame, &app->in_info, tmp, GST_MAP_WRITE);
    draw_pattern (&frame, index);
    gst_video_frame_unmap (&frame);
    gst_buffer_unref (tmp);
  }

  /* No copy: the buffer wraps our memory and calls g_free on it once the
   * pipeline is done with it. Memory owned by something else (a camera ring
   * buffer, a decoder) would pass its own release function here instead. */
  GstBuffer *buffer = gst_buffer_new_wrapped_full (0, data, size, 0, size, data, g_free);
  GST_BUFFER_PTS (buffer) = gst_util_uint64_scale_int (index, GST_SECOND, FRAMERATE);
  GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale_int (1, GST_SECOND, FRAMERATE);
  /* takes the buffer; fails only once the pipeline is flushing or at EOS */
  if (gst_app_src_push_buffer (app->src, buffer) != GST_FLOW_OK)
    return FALSE;
  app->n_pushed++;
  return TRUE;
}

/* ---- checking and saving output frames ---- */

/* Writes the visible part of each plane row by row: downstream strides may be
 * padded, a raw file should not be. */
static gboolean
write_frame (App *app, GstVideoFrame *frame)
{
  for (guint plane = 0; plane < GST_VIDEO_FRAME_N_PLANES (frame); plane++) {
    const guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (frame, plane);
    int stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, plane);
    int row = GST_VIDEO_FRAME_COMP_WIDTH (frame, plane)
        * GST_VIDEO_FRAME_COMP_PSTRIDE (frame, plane);
    for (int y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT (frame, plane); y++)
      if (fwrite (data + (gsize) y * stride, 1, row, app->out_file) != (size_t) row)
        return FALSE;
  }
  return TRUE;
}

/* The one promise of the element: the same format, scale times the size. */
static gboolean
check_sample (App *app, GstSample *sample)
{
  GstVideoInfo info;
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample))) {
    g_printerr ("upscale-app: frame %d came without video caps\n", app->n_pulled);
    return FALSE;
  }
  if (info.width != app->width * app->scale || info.height != app->height * app->scale
      || GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_I420) {
    g_printerr ("upscale-app: frame %d is %dx%d %s, expected %dx%d I420\n",
        app->n_pulled, info.width, info.height,
        gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&info)),
        app->width * app->scale, app->height * app->scale);
    return FALSE;
  }
  GstVideoFrame frame;
  if (!gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ)) {
    g_printerr ("upscale-app: frame %d is smaller than its caps say\n", app->n_pulled);
    return FALSE;
  }
  gboolean ok = app->out_file == NULL || write_frame (app, &frame);
  gst_video_frame_unmap (&frame);
  if (!ok)
    g_printerr ("upscale-app: cannot write %s: %s\n", app->output, g_strerror (errno));
  return ok;
}

/* Prints an error or warning from the bus; TRUE if it was an error. */
static gboolean
report_message (GstMessage *message)
{
  GError *error = NULL;
  char *debug = NULL;
  gboolean is_error = GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR;

  if (is_error)
    gst_message_parse_error (message, &error, &debug);
  else
    gst_message_parse_warning (message, &error, &debug);
  g_printerr ("upscale-app: %s from %s: %s\n", is_error ? "error" : "warning",
      GST_OBJECT_NAME (GST_MESSAGE_SRC (message)), error->message);
  if (debug)
    g_printerr ("  (%s)\n", debug);
  g_error_free (error);
  g_free (debug);
  return is_error;
}

/* Looks at what the pipeline said without waiting; TRUE if it failed. */
static gboolean
pipeline_failed (App *app)
{
  GstBus *bus = gst_element_get_bus (app->pipeline);
  GstMessage *message;
  gboolean failed = FALSE;
  while (!failed && (message = gst_bus_pop_filtered (bus,
              GST_MESSAGE_ERROR | GST_MESSAGE_WARNING)) != NULL) {
    failed = report_message (message);
    gst_message_unref (message);
  }
  gst_object_unref (bus);
  return failed;
}

/* ---- the pipeline ---- */

/* Makes an element and puts it in the pipeline, which then owns it. */
static GstElement *
add_element (App *app, const char *factory, const char *name)
{
  GstElement *element = gst_element_factory_make (factory, name);
  if (element == NULL) {
    g_printerr ("upscale-app: no %s element; %s\n", factory,
        strcmp (factory, "srupscale") == 0
        ? "point GST_PLUGIN_PATH at the directory of libgstsrupscale.so (build/gst)"
        : "is gstreamer1.0-plugins-base installed?");
    return NULL;
  }
  gst_bin_add (GST_BIN (app->pipeline), element);
  return element;
}

static gboolean
build_pipeline (App *app)
{
  app->pipeline = gst_pipeline_new ("upscale-app");
  GstElement *src = add_element (app, "appsrc", "src");
  GstElement *upscale = add_element (app, "srupscale", "upscale");
  GstElement *sink = add_element (app, "appsink", "sink");
  if (!src || !upscale || !sink)
    return FALSE;

  gst_video_info_set_format (&app->in_info, GST_VIDEO_FORMAT_I420, app->width,
      app->height);
  app->in_info.fps_n = FRAMERATE;
  app->in_info.fps_d = 1;
  GstCaps *caps = gst_video_info_to_caps (&app->in_info);
  /* format=time: our buffers carry timestamps; block + max-buffers: a push
   * waits instead of queueing without bound if we ever run ahead. */
  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME, "block", TRUE,
      "max-buffers", (guint64) MAX_IN_FLIGHT, NULL);
  gst_caps_unref (caps);
  g_object_set (upscale, "scale", app->scale, NULL);
  if (app->model_location)
    g_object_set (upscale, "model-location", app->model_location, NULL);
  /* sync=false: take frames as fast as they come, not at their timestamps */
  g_object_set (sink, "sync", FALSE, NULL);

  if (!gst_element_link_many (src, upscale, sink, NULL)) {
    g_printerr ("upscale-app: cannot link appsrc ! srupscale ! appsink\n");
    return FALSE;
  }
  app->src = GST_APP_SRC (src);
  app->sink = GST_APP_SINK (sink);
  return TRUE;
}

/* Pushes the input and pulls the output until EOS or an error. */
static void
run (App *app)
{
  gboolean input_done = FALSE;
  for (;;) {
    if (!input_done && app->n_pushed - app->n_pulled < MAX_IN_FLIGHT) {
      if (app->n_pushed == app->n_frames || !push_frame (app, app->n_pushed)) {
        gst_app_src_end_of_stream (app->src);
        input_done = TRUE;
      }
      continue;
    }
    /* Waits a little at a time: an error upstream never reaches appsink, so
     * the bus is checked between waits instead of blocking forever. */
    GstSample *sample = gst_app_sink_try_pull_sample (app->sink, GST_SECOND / 10);
    if (sample) {
      gboolean ok = check_sample (app, sample);
      gst_sample_unref (sample);
      app->n_pulled++;
      if (!ok) {
        app->failed = TRUE;
        return;
      }
    } else if (gst_app_sink_is_eos (app->sink)) {
      return;
    } else if (pipeline_failed (app)) {
      app->failed = TRUE;
      return;
    }
  }
}

static gboolean
open_files (App *app)
{
  if (app->input && (app->in_file = fopen (app->input, "rb")) == NULL) {
    g_printerr ("upscale-app: cannot read %s: %s\n", app->input, g_strerror (errno));
    return FALSE;
  }
  if (app->output && (app->out_file = fopen (app->output, "wb")) == NULL) {
    g_printerr ("upscale-app: cannot write %s: %s\n", app->output, g_strerror (errno));
    return FALSE;
  }
  return TRUE;
}

int
main (int argc, char **argv)
{
  App app = {.scale = 2, .n_frames = -1, .width = 320, .height = 240};
  int status = 1;

  if (!parse_args (&app, &argc, &argv))
    return 2;
  gst_init (&argc, &argv);
  if (app.n_frames < 0)
    app.n_frames = app.input ? G_MAXINT : 30;
  if (!build_pipeline (&app) || !open_files (&app))
    goto out;

  gint64 start = g_get_monotonic_time ();
  /* Opening the model happens here: a bad model-location fails this call. */
  if (gst_element_set_state (app.pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    if (!pipeline_failed (&app))
      g_printerr ("upscale-app: the pipeline did not start\n");
    goto out;
  }
  run (&app);
  double seconds = (g_get_monotonic_time () - start) / 1e6;
  gst_element_set_state (app.pipeline, GST_STATE_NULL);

  if (app.failed)
    goto out;
  if (app.n_pushed == 0) {
    g_printerr ("upscale-app: %s holds no whole frame\n", app.input);
    goto out;
  }
  if (app.n_pulled != app.n_pushed) {
    g_printerr ("upscale-app: pushed %d frames but got %d back\n", app.n_pushed,
        app.n_pulled);
    goto out;
  }
  g_print ("Upscaled %d frames %dx%d -> %dx%d (x%d) in %.2f s: %.1f frames per second\n",
      app.n_pulled, app.width, app.height, app.width * app.scale,
      app.height * app.scale, app.scale, seconds, app.n_pulled / seconds);
  if (app.output)
    g_print ("Output: %s (raw I420, %dx%d)\n", app.output, app.width * app.scale,
        app.height * app.scale);
  status = 0;

out:
  if (app.pipeline) {
    gst_element_set_state (app.pipeline, GST_STATE_NULL);
    gst_object_unref (app.pipeline);
  }
  if (app.in_file)
    fclose (app.in_file);
  if (app.out_file && fclose (app.out_file) != 0 && status == 0) {
    g_printerr ("upscale-app: cannot write %s: %s\n", app.output, g_strerror (errno));
    status = 1;
  }
  g_free (app.model_location);
  g_free (app.input);
  g_free (app.output);
  return status;
}
