/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sr-flicker: how much a network flickers on real video, against bicubic. A measuring
 * tool beside sr-eval, not a test.
 *
 *   sr-flicker --video ../shared/video/foreman_cif.h264 --scale 2 --frames 60 \
 *       models/espcn_x2.safetensors models/fsrcnn_x2.safetensors ...
 *
 * Each decoded frame's luma is the ground truth GT(t) (modcropped); the input is its
 * bicubic downscale (the SR protocol's, rounded to 8 bits); SR(t) is each method's
 * upscale of it. Flicker is the mean over frames and pixels (a border of scale pixels
 * shaved) of |(SR(t) - SR(t-1)) - (GT(t) - GT(t-1))| in 8-bit levels: the change from
 * frame to frame that the video does not have. Beside it: that figure over the mean
 * per-frame error |SR(t) - GT(t)| on the same pixels (0 when each frame's error is the
 * previous one's: a steady picture; about 1 when errors change freely from frame to
 * frame), and the mean Y-PSNR. */
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <math.h>
#include <stdlib.h>

#include "sr-image.h"
#include "sr-plane-upscale.h"
#include "srengine.h"

/* The luma of up to @max_frames frames of @path, decoded by GStreamer. */
static GPtrArray *
decode_luma (const char *path, int max_frames, GError **error)
{
  GstElement *pipeline = gst_parse_launch ("filesrc name=src ! decodebin ! videoconvert "
      "! video/x-raw,format=I420 ! appsink name=sink sync=false", error);
  if (pipeline == NULL)
    return NULL;
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  g_object_set (src, "location", path, NULL);
  gst_object_unref (src);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_plane_free);
  GstSample *sample;
  /* (an error, a missing file say, ends the wait: appsink alone would wait forever) */
  while ((int) frames->len < max_frames
      && (sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 10 * GST_SECOND))) {
    GstVideoInfo info;
    GstVideoFrame f;
    gst_video_info_from_caps (&info, gst_sample_get_caps (sample));
    if (gst_video_frame_map (&f, &info, gst_sample_get_buffer (sample), GST_MAP_READ)) {
      SrPlane *y = sr_plane_new (info.width, info.height);
      const guint8 *d = GST_VIDEO_FRAME_PLANE_DATA (&f, 0);
      int stride = GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0);
      for (int r = 0; r < info.height; r++)
        for (int x = 0; x < info.width; x++)
          y->data[r * info.width + x] = d[r * stride + x];
      g_ptr_array_add (frames, y);
      gst_video_frame_unmap (&f);
    }
    gst_sample_unref (sample);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  if (frames->len < 2) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
        "%s: fewer than two frames decoded", path);
    g_ptr_array_unref (frames);
    return NULL;
  }
  return frames;
}

typedef struct {
  double flicker, error, psnr;
} Result;

/* Flicker and mean PSNR of bicubic (@model NULL) or @model over @gt. */
static gboolean
measure (const SrModel *model, int scale, GPtrArray *gt, Result *res, GError **error)
{
  double sum = 0, error_sum = 0, psnr = 0;
  gsize n = 0;
  g_autoptr (SrPlane) prev_sr = NULL, prev_hr = NULL;
  for (guint t = 0; t < gt->len; t++) {
    g_autoptr (SrPlane) hr = sr_plane_modcrop (g_ptr_array_index (gt, t), scale);
    g_autoptr (SrPlane) lr = sr_degrade (hr, scale);
    g_autoptr (SrPlane) sr = sr_plane_upscale_or_bicubic (model, lr, scale, error);
    if (sr == NULL)
      return FALSE;
    psnr += sr_psnr (sr, hr, scale);
    if (prev_sr) {
      for (int y = scale; y < hr->height - scale; y++)
        for (int x = scale; x < hr->width - scale; x++) {
          gsize i = (gsize) y * hr->width + x;
          sum += fabs ((sr->data[i] - prev_sr->data[i]) - (hr->data[i] - prev_hr->data[i]));
          error_sum += fabs (sr->data[i] - hr->data[i]);
          n++;
        }
    }
    g_clear_pointer (&prev_sr, sr_plane_free);
    g_clear_pointer (&prev_hr, sr_plane_free);
    prev_sr = g_steal_pointer (&sr);
    prev_hr = g_steal_pointer (&hr);
  }
  res->flicker = sum / n;
  res->error = error_sum / n;
  res->psnr = psnr / gt->len;
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autofree char *video = NULL;
  int scale = 2, max_frames = 60;
  g_auto (GStrv) models = NULL;
  GOptionEntry entries[] = {
    { "video", 0, 0, G_OPTION_ARG_FILENAME, &video, "Clip to measure on", "FILE" },
    { "scale", 0, 0, G_OPTION_ARG_INT, &scale, "Scale of bicubic and of the models (2)",
      "N" },
    { "frames", 0, 0, G_OPTION_ARG_INT, &max_frames, "Frames of the clip to use (60)", "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &models, NULL,
      "MODEL.safetensors..." },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("MODEL.safetensors...");
  g_option_context_set_summary (ctx, "Flicker of SR networks on a clip, against bicubic.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  GError *error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || video == NULL) {
    g_printerr ("%s\n", error ? error->message : "--video is needed");
    return 2;
  }
  g_autoptr (GPtrArray) gt = decode_luma (video, max_frames, &error);
  if (gt == NULL) {
    g_printerr ("%s\n", error->message);
    return 1;
  }
  SrPlane *first = g_ptr_array_index (gt, 0);
  g_print ("%s: %u frames of %dx%d, x%d\n\n", video, gt->len, first->width, first->height,
      scale);
  g_print ("| method | flicker (8-bit levels) | against bicubic | flicker / per-frame "
      "error | mean Y-PSNR (dB) |\n");
  g_print ("|---|---|---|---|---|\n");
  Result bicubic;
  if (!measure (NULL, scale, gt, &bicubic, &error))
    return 1;
  g_print ("| bicubic | %.3f | 1.00 | %.2f | %.2f |\n", bicubic.flicker,
      bicubic.flicker / bicubic.error, bicubic.psnr);
  for (char **m = models; m && *m; m++) {
    g_autoptr (SrModel) model = sr_model_new_from_file (*m, &error);
    if (model == NULL || sr_model_get_scale (model) != scale) {
      g_printerr ("%s: %s\n", *m, model ? "not of this scale" : error->message);
      return 1;
    }
    Result r;
    if (!measure (model, scale, gt, &r, &error)) {
      g_printerr ("%s: %s\n", *m, error->message);
      return 1;
    }
    g_print ("| %s x%d | %.3f | %.2f | %.2f | %.2f |\n", sr_model_get_family (model),
        scale, r.flicker, r.flicker / bicubic.flicker, r.flicker / r.error, r.psnr);
  }
  return 0;
}
