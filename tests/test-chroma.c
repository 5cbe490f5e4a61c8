/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The element's chroma upscaling (gst/srupscale-chroma.c) against the geometry it
 * must have: chroma that is a smooth function of position, sampled where the caps'
 * siting puts the low-resolution samples, comes out as that function at the
 * high-resolution sites. Catmull-Rom reproduces linear functions exactly and smooth
 * waves within a level or two; a flat plane stays flat up to the edges. Every planar
 * and semi-planar format it handles, each siting, scales 2 to 4.
 *
 * (GstVideoConverter, which scaled whole frames before, is not the reference: it
 * resamples chroma through 4:4:4 and back, and on these ramps it is off by up to 0.67
 * of a level on average at x3 with cosited chroma, and for Y444 at x2; this is exact.) */
#include <math.h>

#include <gst/video/video.h>

#include "srupscale-chroma.h"

typedef double (*Field) (double x, double y);   /* x, y in luma samples of the input */

/* slopes that put the samples at scattered fractions of a level, so that rounding
 * averages out and only a misplaced site leaves a bias */
static double
ramp (double x, double y)
{
  return 30 + 2.3 * x + 1.1 * y;
}

static double
waves (double x, double y)
{
  return 128 + 50 * sin (0.15 * x) + 40 * cos (0.11 * y);
}

static double
flat (double x, double y)
{
  return 77;
}

/* Luma coordinate of the centre of chroma sample @i of a plane subsampled by @sub,
 * cosited with its first luma sample or centred among its @sub, at @scale times the
 * input's resolution, in units of the input's luma samples (sample k covers [k, k+1)). */
static double
site (int i, int sub, gboolean cosited, int scale)
{
  return (sub * i + (cosited ? 0.5 : sub / 2.0)) / scale;
}

/* The largest difference between the output and @field at the output's sites, at
 * least @margin output samples from the edges; @bias gets the mean difference. */
static double
worst_error (GstVideoFormat format, GstVideoChromaSite chroma_site, int scale, Field field,
    int margin, double *bias, int w, int h)
{
  GstVideoInfo in_info, out_info;
  gst_video_info_set_format (&in_info, format, w, h);
  gst_video_info_set_format (&out_info, format, w * scale, h * scale);
  in_info.chroma_site = out_info.chroma_site = chroma_site;
  int wsub = 1 << GST_VIDEO_FORMAT_INFO_W_SUB (in_info.finfo, GST_VIDEO_COMP_U);
  int hsub = 1 << GST_VIDEO_FORMAT_INFO_H_SUB (in_info.finfo, GST_VIDEO_COMP_U);
  gboolean hco = (chroma_site & GST_VIDEO_CHROMA_SITE_H_COSITED) != 0;
  gboolean vco = (chroma_site & GST_VIDEO_CHROMA_SITE_V_COSITED) != 0;
  GstBuffer *in_buf = gst_buffer_new_allocate (NULL, in_info.size, NULL);
  GstBuffer *out_buf = gst_buffer_new_allocate (NULL, out_info.size, NULL);
  GstVideoFrame in, out;
  g_assert_true (gst_video_frame_map (&in, &in_info, in_buf, GST_MAP_READWRITE));
  g_assert_true (gst_video_frame_map (&out, &out_info, out_buf, GST_MAP_READWRITE));
  for (int c = GST_VIDEO_COMP_U; c <= GST_VIDEO_COMP_V; c++) {
    guint8 *p = GST_VIDEO_FRAME_COMP_DATA (&in, c);
    int stride = GST_VIDEO_FRAME_COMP_STRIDE (&in, c);
    int pstride = GST_VIDEO_FRAME_COMP_PSTRIDE (&in, c);
    for (int y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT (&in, c); y++)
      for (int x = 0; x < GST_VIDEO_FRAME_COMP_WIDTH (&in, c); x++)
        p[y * stride + x * pstride] = (guint8) lrint (field (site (x, wsub, hco, 1),
                site (y, hsub, vco, 1)) + (c == GST_VIDEO_COMP_V ? 7 : 0));
  }
  SrChromaScaler *scaler = sr_chroma_scaler_new (&in_info, &out_info, scale);
  g_assert_nonnull (scaler);
  sr_chroma_scaler_process (scaler, &in, &out);
  sr_chroma_scaler_free (scaler);

  double worst = 0, sum = 0;
  int n = 0;
  for (int c = GST_VIDEO_COMP_U; c <= GST_VIDEO_COMP_V; c++) {
    const guint8 *p = GST_VIDEO_FRAME_COMP_DATA (&out, c);
    int stride = GST_VIDEO_FRAME_COMP_STRIDE (&out, c);
    int pstride = GST_VIDEO_FRAME_COMP_PSTRIDE (&out, c);
    int ow = GST_VIDEO_FRAME_COMP_WIDTH (&out, c), oh = GST_VIDEO_FRAME_COMP_HEIGHT (&out, c);
    for (int y = margin; y < oh - margin; y++)
      for (int x = margin; x < ow - margin; x++) {
        double want = field (site (x, wsub, hco, scale), site (y, hsub, vco, scale))
            + (c == GST_VIDEO_COMP_V ? 7 : 0);
        worst = MAX (worst, fabs (p[y * stride + x * pstride] - want));
        sum += p[y * stride + x * pstride] - want;
        n++;
      }
  }
  *bias = n ? sum / n : 0;
  gst_video_frame_unmap (&in);
  gst_video_frame_unmap (&out);
  gst_buffer_unref (in_buf);
  gst_buffer_unref (out_buf);
  return worst;
}

static const GstVideoFormat formats[] = { GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_YV12,
  GST_VIDEO_FORMAT_Y42B, GST_VIDEO_FORMAT_Y444, GST_VIDEO_FORMAT_NV12,
  GST_VIDEO_FORMAT_NV21 };
static const GstVideoChromaSite sites[] = { GST_VIDEO_CHROMA_SITE_JPEG,
  GST_VIDEO_CHROMA_SITE_MPEG2, GST_VIDEO_CHROMA_SITE_COSITED, GST_VIDEO_CHROMA_SITE_UNKNOWN };

static void
for_each_case_at (Field field, int margin, double allowed, double allowed_bias, int w,
    int h)
{
  for (gsize f = 0; f < G_N_ELEMENTS (formats); f++)
    for (gsize s = 0; s < G_N_ELEMENTS (sites); s++)
      for (int scale = 2; scale <= 4; scale++) {
        double bias;
        double e = worst_error (formats[f], sites[s], scale, field, margin * scale, &bias,
            w, h);
        if (e > allowed || fabs (bias) > allowed_bias)
          g_error ("%s, chroma site %d, x%d: off by %.2f levels, %.3f on average "
              "(allowed %.2f, %.3f)", gst_video_format_to_string (formats[f]), sites[s],
              scale, e, bias, allowed, allowed_bias);
      }
}

static void
for_each_case (Field field, int margin, double allowed, double allowed_bias)
{
  for_each_case_at (field, margin, allowed, allowed_bias, 64, 36);
}

/* the input's rounding (half a level) and the output's (half a level); a site off by
 * a quarter of a chroma sample (x2 cosited taken as centred) biases these ramps by 0.6 */
static void
test_ramps_exact (void)
{
  for_each_case (ramp, 2, 1.0, 0.25);
}

static void
test_waves (void)
{
  for_each_case (waves, 2, 2.0, 0.2);
}

/* edges included: the taps past the plane repeat its last sample; and planes of a few
 * samples, where every output sample is near an edge */
static void
test_flat_stays_flat (void)
{
  for_each_case (flat, 0, 0.0, 0.0);
  static const int sizes[][2] = { { 1, 1 }, { 2, 3 }, { 3, 2 }, { 5, 5 }, { 9, 7 } };
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    for_each_case_at (flat, 0, 0.0, 0.0, sizes[i][0], sizes[i][1]);
}

/* formats and sitings it leaves to GstVideoConverter */
static void
test_declines (void)
{
  GstVideoInfo a, b;
  gst_video_info_set_format (&a, GST_VIDEO_FORMAT_YUY2, 16, 16);
  gst_video_info_set_format (&b, GST_VIDEO_FORMAT_YUY2, 32, 32);
  g_assert_null (sr_chroma_scaler_new (&a, &b, 2));
  gst_video_info_set_format (&a, GST_VIDEO_FORMAT_I420_10LE, 16, 16);
  gst_video_info_set_format (&b, GST_VIDEO_FORMAT_I420_10LE, 32, 32);
  g_assert_null (sr_chroma_scaler_new (&a, &b, 2));
  gst_video_info_set_format (&a, GST_VIDEO_FORMAT_I420, 16, 16);
  gst_video_info_set_format (&b, GST_VIDEO_FORMAT_I420, 32, 32);
  a.chroma_site = b.chroma_site = GST_VIDEO_CHROMA_SITE_DV;
  g_assert_null (sr_chroma_scaler_new (&a, &b, 2));
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/chroma/ramps-exact", test_ramps_exact);
  g_test_add_func ("/chroma/waves", test_waves);
  g_test_add_func ("/chroma/flat-stays-flat", test_flat_stays_flat);
  g_test_add_func ("/chroma/declines", test_declines);
  return g_test_run ();
}
