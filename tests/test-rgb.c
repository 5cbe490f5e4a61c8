/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The element's own RGB <-> BT.601 YCbCr conversion (gst/srupscale-rgb.c) against
 * the formulas in double precision: RGB -> YCbCr is MATLAB's rgb2ycbcr rounded, and
 * YCbCr -> RGB is the exact inverse rounded, within one level, in every RGB layout. */
#include <gst/video/video.h>
#include <math.h>

#include "srupscale-rgb.h"

static const GstVideoFormat rgb_formats[] = { GST_VIDEO_FORMAT_RGB, GST_VIDEO_FORMAT_BGR,
  GST_VIDEO_FORMAT_RGBx, GST_VIDEO_FORMAT_xBGR, GST_VIDEO_FORMAT_ARGB,
  GST_VIDEO_FORMAT_BGRA };

static GstBuffer *
frame_buffer (GstVideoInfo *info, GstVideoFormat format, int w, int h)
{
  gst_video_info_set_format (info, format, w, h);
  return gst_buffer_new_allocate (NULL, info->size, NULL);
}

static void
test_rgb_to_ycbcr_is_matlab (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (21);
  int w = 61, h = 7;
  for (gsize f = 0; f < G_N_ELEMENTS (rgb_formats); f++) {
    GstVideoInfo rgb_info, yuv_info, a_info;
    GstBuffer *rgb_buf = frame_buffer (&rgb_info, rgb_formats[f], w, h);
    GstBuffer *yuv_buf = frame_buffer (&yuv_info, GST_VIDEO_FORMAT_Y444, w, h);
    GstBuffer *a_buf = frame_buffer (&a_info, GST_VIDEO_FORMAT_GRAY8, w, h);
    GstVideoFrame rgb, yuv, alpha;
    g_assert_true (gst_video_frame_map (&rgb, &rgb_info, rgb_buf, GST_MAP_READWRITE));
    g_assert_true (gst_video_frame_map (&yuv, &yuv_info, yuv_buf, GST_MAP_READWRITE));
    g_assert_true (gst_video_frame_map (&alpha, &a_info, a_buf, GST_MAP_READWRITE));
    guint8 px[61 * 7][4];
    for (int i = 0; i < w * h; i++)
      for (guint c = 0; c < GST_VIDEO_FRAME_N_COMPONENTS (&rgb); c++) {
        px[i][c] = (guint8) g_rand_int_range (rand, 0, 256);
        guint8 *d = GST_VIDEO_FRAME_COMP_DATA (&rgb, c);
        d[(i / w) * GST_VIDEO_FRAME_COMP_STRIDE (&rgb, c)
            + (i % w) * GST_VIDEO_FRAME_COMP_PSTRIDE (&rgb, c)] = px[i][c];
      }
    sr_rgb_to_ycbcr (&rgb, &yuv, &alpha);
    for (int i = 0; i < w * h; i++) {
      double r = px[i][0] / 255.0, g = px[i][1] / 255.0, b = px[i][2] / 255.0;
      double want[3] = { 16 + 65.481 * r + 128.553 * g + 24.966 * b,
        128 - 37.797 * r - 74.203 * g + 112.0 * b,
        128 + 112.0 * r - 93.786 * g - 18.214 * b };
      for (int c = 0; c < 3; c++) {
        guint8 got = ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&yuv, c))
            [(i / w) * GST_VIDEO_FRAME_PLANE_STRIDE (&yuv, c) + i % w];
        g_assert_cmpfloat (fabs (got - want[c]), <=, 0.5 + 1e-3);
      }
      if (GST_VIDEO_FRAME_N_COMPONENTS (&rgb) == 4) {
        guint8 a = ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&alpha, 0))
            [(i / w) * GST_VIDEO_FRAME_PLANE_STRIDE (&alpha, 0) + i % w];
        g_assert_cmpint (a, ==, px[i][3]);
      }
    }
    gst_video_frame_unmap (&rgb);
    gst_video_frame_unmap (&yuv);
    gst_video_frame_unmap (&alpha);
    gst_buffer_unref (rgb_buf);
    gst_buffer_unref (yuv_buf);
    gst_buffer_unref (a_buf);
  }
}

static void
test_ycbcr_to_rgb_is_exact_inverse (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (22);
  int w = 53, h = 9;
  for (gsize f = 0; f < G_N_ELEMENTS (rgb_formats); f++) {
    GstVideoInfo rgb_info, yuv_info;
    GstBuffer *rgb_buf = frame_buffer (&rgb_info, rgb_formats[f], w, h);
    GstBuffer *yuv_buf = frame_buffer (&yuv_info, GST_VIDEO_FORMAT_Y444, w, h);
    GstVideoFrame rgb, yuv;
    g_assert_true (gst_video_frame_map (&rgb, &rgb_info, rgb_buf, GST_MAP_READWRITE));
    g_assert_true (gst_video_frame_map (&yuv, &yuv_info, yuv_buf, GST_MAP_READWRITE));
    guint8 v[53 * 9][3];
    for (int i = 0; i < w * h; i++)
      for (int c = 0; c < 3; c++) {
        v[i][c] = (guint8) g_rand_int_range (rand, 16, c ? 241 : 236);
        ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&yuv, c))
            [(i / w) * GST_VIDEO_FRAME_PLANE_STRIDE (&yuv, c) + i % w] = v[i][c];
      }
    sr_ycbcr_to_rgb (&yuv, NULL, &rgb);
    for (int i = 0; i < w * h; i++) {
      double Y = (v[i][0] - 16) * 255.0 / 219, U = (v[i][1] - 128) * 255.0 / 224,
          V = (v[i][2] - 128) * 255.0 / 224;
      double want[3] = { Y + 1.402 * V, Y - 0.114 * 1.772 / 0.587 * U
            - 0.299 * 1.402 / 0.587 * V, Y + 1.772 * U };
      for (int c = 0; c < 3; c++) {
        guint8 *d = GST_VIDEO_FRAME_COMP_DATA (&rgb, c);
        guint8 got = d[(i / w) * GST_VIDEO_FRAME_COMP_STRIDE (&rgb, c)
            + (i % w) * GST_VIDEO_FRAME_COMP_PSTRIDE (&rgb, c)];
        double clamped = CLAMP (want[c], 0, 255);
        g_assert_cmpfloat (fabs (got - clamped), <=, 0.5 + 1e-3);
      }
      if (GST_VIDEO_FRAME_N_COMPONENTS (&rgb) == 4) {
        guint8 *d = GST_VIDEO_FRAME_COMP_DATA (&rgb, 3);
        g_assert_cmpint (d[(i / w) * GST_VIDEO_FRAME_COMP_STRIDE (&rgb, 3)
                + (i % w) * GST_VIDEO_FRAME_COMP_PSTRIDE (&rgb, 3)], ==, 255);
      }
    }
    gst_video_frame_unmap (&rgb);
    gst_video_frame_unmap (&yuv);
    gst_buffer_unref (rgb_buf);
    gst_buffer_unref (yuv_buf);
  }
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rgb/to-ycbcr-is-matlab", test_rgb_to_ycbcr_is_matlab);
  g_test_add_func ("/rgb/to-rgb-is-exact-inverse", test_ycbcr_to_rgb_is_exact_inverse);
  return g_test_run ();
}
