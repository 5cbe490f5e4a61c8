#include "srupscale-frame.h"

#include "srupscale-rgb.h"

/* A frame of our own, allocated once per caps. */
typedef struct {
  GstVideoInfo info;
  GstBuffer *buffer;
  GstVideoFrame frame;
} Scratch;

struct _SrFramePath {
  gboolean is_rgb;
  gboolean has_alpha;
  /* RGB only: the frame as planar YCbCr (Y444) and alpha (GRAY8), at both sizes */
  Scratch lo, hi, lo_alpha, hi_alpha;
  /* chroma: lo -> hi, bicubic (it scales luma too, which the network overwrites) */
  GstVideoConverter *chroma;
  GstVideoConverter *alpha;
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

static void
scratch_init (Scratch *s, GstVideoFormat format, int width, int height)
{
  gst_video_info_set_format (&s->info, format, width, height);
  s->buffer = gst_buffer_new_allocate (NULL, s->info.size, NULL);
}

static void
scratch_clear (Scratch *s)
{
  gst_clear_buffer (&s->buffer);
}

static gboolean
scratch_map (Scratch *s)
{
  return gst_video_frame_map (&s->frame, &s->info, s->buffer, GST_MAP_READWRITE);
}

SrFramePath *
sr_frame_path_new (const GstVideoInfo *in_info, const GstVideoInfo *out_info,
    guint n_threads)
{
  SrFramePath *path = g_new0 (SrFramePath, 1);
  path->is_rgb = GST_VIDEO_INFO_IS_RGB (in_info);
  path->has_alpha = GST_VIDEO_INFO_HAS_ALPHA (in_info);
  if (path->is_rgb) {
    int w = in_info->width, h = in_info->height, W = out_info->width, H = out_info->height;
    scratch_init (&path->lo, GST_VIDEO_FORMAT_Y444, w, h);
    scratch_init (&path->hi, GST_VIDEO_FORMAT_Y444, W, H);
    path->chroma = gst_video_converter_new (&path->lo.info, &path->hi.info,
        converter_config (n_threads));
    if (path->has_alpha) {
      scratch_init (&path->lo_alpha, GST_VIDEO_FORMAT_GRAY8, w, h);
      scratch_init (&path->hi_alpha, GST_VIDEO_FORMAT_GRAY8, W, H);
      path->alpha = gst_video_converter_new (&path->lo_alpha.info, &path->hi_alpha.info,
          converter_config (n_threads));
    }
  } else if (!GST_VIDEO_INFO_IS_GRAY (in_info)) {
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
  g_clear_pointer (&path->chroma, gst_video_converter_free);
  g_clear_pointer (&path->alpha, gst_video_converter_free);
  scratch_clear (&path->lo);
  scratch_clear (&path->hi);
  scratch_clear (&path->lo_alpha);
  scratch_clear (&path->hi_alpha);
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

static gboolean
process_rgb (SrFramePath *path, SrRunner *runner, const GstVideoFrame *in,
    GstVideoFrame *out)
{
  gboolean alpha = path->has_alpha;
  if (!scratch_map (&path->lo) || !scratch_map (&path->hi)
      || (alpha && (!scratch_map (&path->lo_alpha) || !scratch_map (&path->hi_alpha))))
    return FALSE;   /* system memory we allocated: cannot fail in practice */
  sr_rgb_to_ycbcr (in, &path->lo.frame, alpha ? &path->lo_alpha.frame : NULL);
  gst_video_converter_frame (path->chroma, &path->lo.frame, &path->hi.frame);
  if (alpha)
    gst_video_converter_frame (path->alpha, &path->lo_alpha.frame, &path->hi_alpha.frame);
  upscale_luma (runner, &path->lo.frame, &path->hi.frame);
  sr_ycbcr_to_rgb (&path->hi.frame, alpha ? &path->hi_alpha.frame : NULL, out);
  gst_video_frame_unmap (&path->lo.frame);
  gst_video_frame_unmap (&path->hi.frame);
  if (alpha) {
    gst_video_frame_unmap (&path->lo_alpha.frame);
    gst_video_frame_unmap (&path->hi_alpha.frame);
  }
  return TRUE;
}

gboolean
sr_frame_path_process (SrFramePath *path, SrRunner *runner, const GstVideoFrame *in,
    GstVideoFrame *out)
{
  if (path->is_rgb)
    return process_rgb (path, runner, in, out);
  if (path->chroma)
    gst_video_converter_frame (path->chroma, in, out);
  upscale_luma (runner, in, out);
  return TRUE;
}
