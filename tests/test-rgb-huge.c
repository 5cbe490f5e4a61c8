/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The element's colour conversion on frames whose rows lie more than 2 GiB from the
 * first: `y * stride` in int wrapped there (RGBA output of 23200 x 23200 crashed).
 * Frames of 4 pixels a row and a stride of 1 MiB reach past 2 GiB after 2048 rows;
 * their memory is reserved, not committed (MAP_NORESERVE), and only the pages the
 * rows touch become resident (about 35 MB). */
#include <gst/video/video.h>
#include <sys/mman.h>

#include "srupscale-rgb.h"

#define W 4
#define H 2100
#define STRIDE ((gsize) 1 << 20)

static GstBuffer *
huge_buffer (gsize size)
{
  void *p = mmap (NULL, size, PROT_READ | PROT_WRITE,
      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  g_assert_true (p != MAP_FAILED);
  return gst_buffer_new_wrapped_full (0, p, size, 0, size, GSIZE_TO_POINTER (size),
      NULL);
}

static void
unmap_buffer (GstBuffer *buf)
{
  GstMapInfo map;
  g_assert_true (gst_buffer_map (buf, &map, GST_MAP_READ));
  void *p = map.data;
  gsize size = map.size;
  gst_buffer_unmap (buf, &map);
  gst_buffer_unref (buf);
  munmap (p, size);
}

static void
strided_info (GstVideoInfo *info, GstVideoFormat format)
{
  gst_video_info_set_format (info, format, W, H);
  for (guint i = 0; i < GST_VIDEO_INFO_N_PLANES (info); i++) {
    info->stride[i] = STRIDE;
    info->offset[i] = i * STRIDE * H;
  }
  info->size = GST_VIDEO_INFO_N_PLANES (info) * STRIDE * H;
}

static void
test_rows_past_2_gib (void)
{
  GstVideoInfo rgba_info, yuv_info;
  strided_info (&rgba_info, GST_VIDEO_FORMAT_RGBA);
  strided_info (&yuv_info, GST_VIDEO_FORMAT_Y444);
  g_assert_cmpuint ((H - 1) * STRIDE, >, G_MAXINT);
  GstBuffer *rgba = huge_buffer (rgba_info.size), *yuv = huge_buffer (yuv_info.size),
      *back = huge_buffer (rgba_info.size);
  GstVideoFrame in, mid, out;
  g_assert_true (gst_video_frame_map (&in, &rgba_info, rgba, GST_MAP_READWRITE));
  g_assert_true (gst_video_frame_map (&mid, &yuv_info, yuv, GST_MAP_READWRITE));
  g_assert_true (gst_video_frame_map (&out, &rgba_info, back, GST_MAP_READWRITE));
  for (int y = 0; y < H; y++) {
    guint8 *row = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&in, 0) + y * STRIDE;
    for (int x = 0; x < W; x++) {
      row[4 * x + 0] = 200;   /* a grey: R = G = B */
      row[4 * x + 1] = 200;
      row[4 * x + 2] = 200;
      row[4 * x + 3] = 255;
    }
  }
  sr_rgb_to_ycbcr (&in, &mid, NULL);
  sr_ycbcr_to_rgb (&mid, NULL, &out);
  for (int y = 0; y < H; y += H - 1) {
    const guint8 *yp = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&mid, 0) + y * STRIDE;
    const guint8 *up = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&mid, 1) + y * STRIDE;
    /* BT.601 studio range: 16 + 219 * 200 / 255 = 187.8; grey has no chroma */
    g_assert_cmpint (yp[W - 1], ==, 188);
    g_assert_cmpint (up[W - 1], ==, 128);
    const guint8 *o = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&out, 0) + y * STRIDE;
    for (int c = 0; c < 3; c++)
      g_assert_cmpint (ABS (o[4 * (W - 1) + c] - 200), <=, 1);
    g_assert_cmpint (o[4 * (W - 1) + 3], ==, 255);
  }
  gst_video_frame_unmap (&in);
  gst_video_frame_unmap (&mid);
  gst_video_frame_unmap (&out);
  unmap_buffer (rgba);
  unmap_buffer (yuv);
  unmap_buffer (back);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rgb/rows-past-2-gib", test_rows_past_2_gib);
  return g_test_run ();
}
