/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "srupscale-frame.h"

#include "srupscale-chroma.h"
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
  /* RGB only: Cb and Cr planes of lo and hi seen as GRAY8 frames (same buffers) */
  GstVideoInfo lo_plane[2], hi_plane[2];
  /* YUV the chroma scaler does not handle: chroma lo -> hi, bicubic (it scales luma
   * too, which the network overwrites); RGB: one GRAY8 plane lo -> hi (Cb, Cr and
   * alpha in turn) */
  GstVideoConverter *chroma;
  /* 8-bit planar and semi-planar YUV: the chroma alone (srupscale-chroma.h) */
  SrChromaScaler *chroma_planes;
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

/* Plane @plane (1 or 2) of the Y444 scratch @s as a GRAY8 frame of the same buffer. */
static void
plane_view_init (GstVideoInfo *view, const Scratch *s, int plane)
{
  gst_video_info_set_format (view, GST_VIDEO_FORMAT_GRAY8, s->info.width, s->info.height);
  view->offset[0] = s->info.offset[plane];
  view->stride[0] = s->info.stride[plane];
  view->size = s->info.size;
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
    for (int i = 0; i < 2; i++) {
      plane_view_init (&path->lo_plane[i], &path->lo, 1 + i);
      plane_view_init (&path->hi_plane[i], &path->hi, 1 + i);
    }
    /* the chroma planes alone: scaling Y444 whole would scale luma too, a third of
     * the work, which the network's output then replaces */
    path->chroma = gst_video_converter_new (&path->lo_plane[0], &path->hi_plane[0],
        converter_config (n_threads));
    if (path->has_alpha) {
      scratch_init (&path->lo_alpha, GST_VIDEO_FORMAT_GRAY8, w, h);
      scratch_init (&path->hi_alpha, GST_VIDEO_FORMAT_GRAY8, W, H);
    }
  } else if (!GST_VIDEO_INFO_IS_GRAY (in_info)) {
    path->chroma_planes = sr_chroma_scaler_new (in_info, out_info,
        out_info->width / in_info->width);
    if (path->chroma_planes == NULL)
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
  g_clear_pointer (&path->chroma_planes, sr_chroma_scaler_free);
  scratch_clear (&path->lo);
  scratch_clear (&path->hi);
  scratch_clear (&path->lo_alpha);
  scratch_clear (&path->hi_alpha);
  g_free (path);
}

/* Luma of more than 8 bits (the 10-bit formats): in 16-bit words, at full precision,
 * as the video library describes them (depth, shift in the word, endianness). */
static void
upscale_luma_words (SrRunner *runner, const GstVideoFrame *lo, GstVideoFrame *hi)
{
  const GstVideoFormatInfo *finfo = lo->info.finfo;
  int depth = GST_VIDEO_FORMAT_INFO_DEPTH (finfo, GST_VIDEO_COMP_Y);
  SrWordLayout layout = {
    /* video levels of n bits are 8-bit video's shifted left by n - 8 */
    .one = 255 << (depth - 8),
    .max = (1 << depth) - 1,
    .shift = GST_VIDEO_FORMAT_INFO_SHIFT (finfo, GST_VIDEO_COMP_Y),
    .big_endian = !GST_VIDEO_FORMAT_INFO_IS_LE (finfo),
  };
  sr_runner_process_u16 (runner, GST_VIDEO_FRAME_COMP_DATA (lo, GST_VIDEO_COMP_Y),
      GST_VIDEO_FRAME_COMP_STRIDE (lo, GST_VIDEO_COMP_Y),
      GST_VIDEO_FRAME_COMP_DATA (hi, GST_VIDEO_COMP_Y),
      GST_VIDEO_FRAME_COMP_STRIDE (hi, GST_VIDEO_COMP_Y), &layout);
}

static void
upscale_luma (SrRunner *runner, const GstVideoFrame *lo, GstVideoFrame *hi)
{
  if (GST_VIDEO_FORMAT_INFO_DEPTH (lo->info.finfo, GST_VIDEO_COMP_Y) > 8) {
    upscale_luma_words (runner, lo, hi);
    return;
  }
  sr_runner_process_u8_interleaved (runner,
      GST_VIDEO_FRAME_COMP_DATA (lo, GST_VIDEO_COMP_Y),
      GST_VIDEO_FRAME_COMP_PSTRIDE (lo, GST_VIDEO_COMP_Y),
      GST_VIDEO_FRAME_COMP_STRIDE (lo, GST_VIDEO_COMP_Y),
      GST_VIDEO_FRAME_COMP_DATA (hi, GST_VIDEO_COMP_Y),
      GST_VIDEO_FRAME_COMP_PSTRIDE (hi, GST_VIDEO_COMP_Y),
      GST_VIDEO_FRAME_COMP_STRIDE (hi, GST_VIDEO_COMP_Y));
}

/* One GRAY8 plane lo -> hi through the chroma converter; views of planes of our
 * own buffers (mapped here one pair at a time, never twice at once). */
static gboolean
scale_plane (SrFramePath *path, const GstVideoInfo *lo_info, GstBuffer *lo_buf,
    const GstVideoInfo *hi_info, GstBuffer *hi_buf)
{
  GstVideoFrame lo, hi;
  if (!gst_video_frame_map (&lo, lo_info, lo_buf, GST_MAP_READ))
    return FALSE;
  if (!gst_video_frame_map (&hi, hi_info, hi_buf, GST_MAP_WRITE)) {
    gst_video_frame_unmap (&lo);
    return FALSE;
  }
  gst_video_converter_frame (path->chroma, &lo, &hi);
  gst_video_frame_unmap (&lo);
  gst_video_frame_unmap (&hi);
  return TRUE;
}

static gboolean
process_rgb (SrFramePath *path, SrRunner *runner, const GstVideoFrame *in,
    GstVideoFrame *out)
{
  gboolean alpha = path->has_alpha;
  /* system memory we allocated: mapping it cannot fail in practice */
  if (!scratch_map (&path->lo) || (alpha && !scratch_map (&path->lo_alpha)))
    return FALSE;
  sr_rgb_to_ycbcr (in, &path->lo.frame, alpha ? &path->lo_alpha.frame : NULL);
  gst_video_frame_unmap (&path->lo.frame);
  if (alpha)
    gst_video_frame_unmap (&path->lo_alpha.frame);
  for (int i = 0; i < 2; i++)
    if (!scale_plane (path, &path->lo_plane[i], path->lo.buffer, &path->hi_plane[i],
            path->hi.buffer))
      return FALSE;
  if (alpha && !scale_plane (path, &path->lo_alpha.info, path->lo_alpha.buffer,
          &path->hi_alpha.info, path->hi_alpha.buffer))
    return FALSE;
  if (!scratch_map (&path->lo) || !scratch_map (&path->hi)
      || (alpha && !scratch_map (&path->hi_alpha)))
    return FALSE;
  upscale_luma (runner, &path->lo.frame, &path->hi.frame);
  sr_ycbcr_to_rgb (&path->hi.frame, alpha ? &path->hi_alpha.frame : NULL, out);
  gst_video_frame_unmap (&path->lo.frame);
  gst_video_frame_unmap (&path->hi.frame);
  if (alpha)
    gst_video_frame_unmap (&path->hi_alpha.frame);
  return TRUE;
}

gboolean
sr_frame_path_process (SrFramePath *path, SrRunner *runner, const GstVideoFrame *in,
    GstVideoFrame *out)
{
  if (path->is_rgb)
    return process_rgb (path, runner, in, out);
  if (path->chroma_planes)
    sr_chroma_scaler_process (path->chroma_planes, in, out);
  else if (path->chroma)
    gst_video_converter_frame (path->chroma, in, out);
  upscale_luma (runner, in, out);
  return TRUE;
}

gsize
sr_frame_path_estimate_bytes (const GstVideoInfo *in_info, const GstVideoInfo *out_info)
{
  if (!GST_VIDEO_INFO_IS_RGB (in_info))
    return 0;   /* the converter's line buffers are small */
  /* Y444 at both sizes, and GRAY8 alpha at both sizes: 3 or 4 bytes a pixel */
  guint64 per_pixel = GST_VIDEO_INFO_HAS_ALPHA (in_info) ? 4 : 3;
  guint64 pixels = (guint64) in_info->width * in_info->height
      + (guint64) out_info->width * out_info->height;
  return pixels > G_MAXSIZE / per_pixel ? G_MAXSIZE : pixels * per_pixel;
}

gboolean
sr_frame_check_memory (const GstVideoFrame *frame, char **why)
{
  const GstVideoFormatInfo *finfo = frame->info.finfo;
  for (guint c = 0; c < GST_VIDEO_FRAME_N_COMPONENTS (frame); c++) {
    guint plane = GST_VIDEO_FORMAT_INFO_PLANE (finfo, c);
    /* with a GstVideoMeta each plane is mapped on its own; without, map[0] holds
     * the whole buffer and gst_video_frame_map() checked its size */
    const GstMapInfo *map = frame->meta ? &frame->map[plane] : &frame->map[0];
    const guint8 *begin = map->data, *end = map->data + map->size;
    const guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (frame, plane);
    gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, plane);
    guint64 w = GST_VIDEO_FRAME_COMP_WIDTH (frame, c);
    guint64 h = GST_VIDEO_FRAME_COMP_HEIGHT (frame, c);
    guint64 pstride = GST_VIDEO_FRAME_COMP_PSTRIDE (frame, c);
    guint64 poffset = GST_VIDEO_FRAME_COMP_POFFSET (frame, c);
    guint64 depth_bytes = (GST_VIDEO_FORMAT_INFO_DEPTH (finfo, c) + 7) / 8;
    if (w == 0 || h == 0)
      continue;
    guint64 row_bytes = poffset + (w - 1) * pstride + depth_bytes;
    if (data == NULL || data < begin || data > end || stride < 0
        || ((guint64) stride < row_bytes && h > 1)) {
      *why = g_strdup_printf ("plane %u: stride %d for rows of %" G_GUINT64_FORMAT
          " bytes, or data outside its memory", plane, stride, row_bytes);
      return FALSE;
    }
    guint64 need = (h - 1) * (guint64) stride + row_bytes;
    if (need > (guint64) (end - data)) {
      *why = g_strdup_printf ("plane %u needs %" G_GUINT64_FORMAT " bytes (%"
          G_GUINT64_FORMAT " rows of stride %d) but only %" G_GUINT64_FORMAT
          " are mapped", plane, need, h, stride, (guint64) (end - data));
      return FALSE;
    }
  }
  return TRUE;
}
