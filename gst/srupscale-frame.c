#include "srupscale-frame.h"

struct _SrFramePath {
  gboolean is_rgb;
  gboolean has_chroma;
  /* RGB only: the frame as packed AYUV (BT.601) at both sizes */
  GstVideoInfo lo_info, hi_info;
  GstBuffer *lo_buf, *hi_buf;
  GstVideoConverter *to_yuv;  /* RGB in -> AYUV lo */
  GstVideoConverter *to_rgb;  /* AYUV hi -> RGB out */
  /* chroma and alpha: lo -> hi, bicubic (it scales luma too, overwritten after) */
  GstVideoConverter *chroma;
};

/* Catmull-Rom (B = 0, C = 0.5), the bicubic of the SR literature; GStreamer's
 * default cubic is the softer Mitchell filter. */
static GstStructure *
converter_config (guint n_threads)
{
  return gst_structure_new ("srupscale-converter",
      GST_VIDEO_CONVERTER_OPT_RESAMPLER_METHOD, GST_TYPE_VIDEO_RESAMPLER_METHOD,
      GST_VIDEO_RESAMPLER_METHOD_CUBIC,
      GST_VIDEO_CONVERTER_OPT_CHROMA_RESAMPLER_METHOD, GST_TYPE_VIDEO_RESAMPLER_METHOD,
      GST_VIDEO_RESAMPLER_METHOD_CUBIC,
      GST_VIDEO_RESAMPLER_OPT_CUBIC_B, G_TYPE_DOUBLE, 0.0,
      GST_VIDEO_RESAMPLER_OPT_CUBIC_C, G_TYPE_DOUBLE, 0.5,
      GST_VIDEO_CONVERTER_OPT_DITHER_METHOD, GST_TYPE_VIDEO_DITHER_METHOD,
      GST_VIDEO_DITHER_NONE,
      GST_VIDEO_CONVERTER_OPT_THREADS, G_TYPE_UINT, n_threads, NULL);
}

/* The AYUV twin of an RGB format: BT.601 studio range, the luma the networks were
 * trained on, with the RGB side's transfer and primaries so only the matrix applies. */
static void
ayuv_info (GstVideoInfo *info, const GstVideoInfo *rgb, int width, int height)
{
  gst_video_info_set_format (info, GST_VIDEO_FORMAT_AYUV, width, height);
  info->colorimetry = rgb->colorimetry;
  info->colorimetry.range = GST_VIDEO_COLOR_RANGE_16_235;
  info->colorimetry.matrix = GST_VIDEO_COLOR_MATRIX_BT601;
  info->fps_n = rgb->fps_n;
  info->fps_d = rgb->fps_d;
  info->par_n = rgb->par_n;
  info->par_d = rgb->par_d;
}

SrFramePath *
sr_frame_path_new (const GstVideoInfo *in_info, const GstVideoInfo *out_info,
    guint n_threads)
{
  SrFramePath *path = g_new0 (SrFramePath, 1);
  path->is_rgb = GST_VIDEO_INFO_IS_RGB (in_info);
  path->has_chroma = path->is_rgb || !GST_VIDEO_INFO_IS_GRAY (in_info);
  if (path->is_rgb) {
    ayuv_info (&path->lo_info, in_info, in_info->width, in_info->height);
    ayuv_info (&path->hi_info, out_info, out_info->width, out_info->height);
    path->lo_buf = gst_buffer_new_allocate (NULL, path->lo_info.size, NULL);
    path->hi_buf = gst_buffer_new_allocate (NULL, path->hi_info.size, NULL);
    path->to_yuv = gst_video_converter_new (in_info, &path->lo_info,
        converter_config (n_threads));
    path->to_rgb = gst_video_converter_new (&path->hi_info, out_info,
        converter_config (n_threads));
    path->chroma = gst_video_converter_new (&path->lo_info, &path->hi_info,
        converter_config (n_threads));
  } else if (path->has_chroma) {
    path->chroma = gst_video_converter_new (in_info, out_info,
        converter_config (n_threads));
  }
  return path;
}

void
sr_frame_path_free (SrFramePath *path)
{
  if (path == NULL)
    return;
  g_clear_pointer (&path->to_yuv, gst_video_converter_free);
  g_clear_pointer (&path->to_rgb, gst_video_converter_free);
  g_clear_pointer (&path->chroma, gst_video_converter_free);
  gst_clear_buffer (&path->lo_buf);
  gst_clear_buffer (&path->hi_buf);
  g_free (path);
}

static void
upscale_luma (SrRunner *runner, const GstVideoFrame *lo, GstVideoFrame *hi)
{
  sr_runner_process_u8_interleaved (runner,
      GST_VIDEO_FRAME_COMP_DATA (lo, GST_VIDEO_COMP_Y),
      GST_VIDEO_FRAME_COMP_PSTRIDE (lo, GST_VIDEO_COMP_Y),
      GST_VIDEO_FRAME_COMP_STRIDE (lo, GST_VIDEO_COMP_Y),
      GST_VIDEO_FRAME_COMP_DATA (hi, GST_VIDEO_COMP_Y),
      GST_VIDEO_FRAME_COMP_PSTRIDE (hi, GST_VIDEO_COMP_Y),
      GST_VIDEO_FRAME_COMP_STRIDE (hi, GST_VIDEO_COMP_Y));
}

gboolean
sr_frame_path_process (SrFramePath *path, SrRunner *runner, const GstVideoFrame *in,
    GstVideoFrame *out)
{
  if (!path->is_rgb) {
    if (path->chroma)
      gst_video_converter_frame (path->chroma, in, out);
    upscale_luma (runner, in, out);
    return TRUE;
  }
  GstVideoFrame lo, hi;
  if (!gst_video_frame_map (&lo, &path->lo_info, path->lo_buf, GST_MAP_READWRITE))
    return FALSE;
  if (!gst_video_frame_map (&hi, &path->hi_info, path->hi_buf, GST_MAP_READWRITE)) {
    gst_video_frame_unmap (&lo);
    return FALSE;
  }
  gst_video_converter_frame (path->to_yuv, in, &lo);
  gst_video_converter_frame (path->chroma, &lo, &hi);
  upscale_luma (runner, &lo, &hi);
  gst_video_converter_frame (path->to_rgb, &hi, out);
  gst_video_frame_unmap (&hi);
  gst_video_frame_unmap (&lo);
  return TRUE;
}
