/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "srupscale-rgb.h"

#include <string.h>

/* Fixed point with 16 fractional bits; the coefficients are those of MATLAB's
 * rgb2ycbcr (BT.601, Y in 16..235, Cb/Cr in 16..240), scaled for 8-bit RGB. */
#define FIX(x) ((gint32) ((x) * 65536.0 / 255.0 + ((x) < 0 ? -0.5 : 0.5)))
#define ROUND_16 (1 << 15)

static inline guint8
clamp_u8 (gint32 v)
{
  return v < 0 ? 0 : v > 255 ? 255 : (guint8) v;
}

typedef struct {
  guint8 *data[4];
  int pstride[4], stride[4];
} Components;

static void
components (const GstVideoFrame *f, Components *c)
{
  for (guint i = 0; i < GST_VIDEO_FRAME_N_COMPONENTS (f); i++) {
    c->data[i] = GST_VIDEO_FRAME_COMP_DATA (f, i);
    c->pstride[i] = GST_VIDEO_FRAME_COMP_PSTRIDE (f, i);
    c->stride[i] = GST_VIDEO_FRAME_COMP_STRIDE (f, i);
  }
}

void
sr_rgb_to_ycbcr (const GstVideoFrame *rgb, GstVideoFrame *ycbcr, GstVideoFrame *alpha)
{
  Components in, out;
  components (rgb, &in);
  components (ycbcr, &out);
  gboolean has_alpha = alpha && GST_VIDEO_FRAME_N_COMPONENTS (rgb) == 4;
  int w = GST_VIDEO_FRAME_WIDTH (rgb), h = GST_VIDEO_FRAME_HEIGHT (rgb);
  const gint32 yr = FIX (65.481), yg = FIX (128.553), yb = FIX (24.966);
  const gint32 ur = FIX (-37.797), ug = FIX (-74.203), ub = FIX (112.0);
  const gint32 vr = FIX (112.0), vg = FIX (-93.786), vb = FIX (-18.214);
#pragma omp parallel for schedule(static)
  for (int y = 0; y < h; y++) {
    const guint8 *r = in.data[0] + y * in.stride[0], *g = in.data[1] + y * in.stride[1],
        *b = in.data[2] + y * in.stride[2];
    guint8 *oy = out.data[0] + y * out.stride[0], *ou = out.data[1] + y * out.stride[1],
        *ov = out.data[2] + y * out.stride[2];
    int ps = in.pstride[0];
    for (int x = 0; x < w; x++) {
      gint32 R = r[x * ps], G = g[x * ps], B = b[x * ps];
      oy[x] = clamp_u8 (16 + ((yr * R + yg * G + yb * B + ROUND_16) >> 16));
      ou[x] = clamp_u8 (128 + ((ur * R + ug * G + ub * B + ROUND_16) >> 16));
      ov[x] = clamp_u8 (128 + ((vr * R + vg * G + vb * B + ROUND_16) >> 16));
    }
    if (has_alpha) {
      const guint8 *a = in.data[3] + y * in.stride[3];
      guint8 *oa = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (alpha, 0)
          + y * GST_VIDEO_FRAME_PLANE_STRIDE (alpha, 0);
      for (int x = 0; x < w; x++)
        oa[x] = a[x * ps];
    }
  }
}

void
sr_ycbcr_to_rgb (const GstVideoFrame *ycbcr, const GstVideoFrame *alpha,
    GstVideoFrame *rgb)
{
  Components in, out;
  components (ycbcr, &in);
  components (rgb, &out);
  int w = GST_VIDEO_FRAME_WIDTH (rgb), h = GST_VIDEO_FRAME_HEIGHT (rgb);
  int ps = out.pstride[0];
  /* the inverse of the matrix above, for 8-bit Y - 16, Cb - 128, Cr - 128 */
  const gint32 ky = (gint32) (255.0 / 219.0 * 65536 + 0.5);
  const gint32 rv = (gint32) (255.0 / 224.0 * 1.402 * 65536 + 0.5);
  const gint32 gu = (gint32) (255.0 / 224.0 * 1.772 * 0.114 / 0.587 * 65536 + 0.5);
  const gint32 gv = (gint32) (255.0 / 224.0 * 1.402 * 0.299 / 0.587 * 65536 + 0.5);
  const gint32 bu = (gint32) (255.0 / 224.0 * 1.772 * 65536 + 0.5);
  gboolean has_alpha_out = GST_VIDEO_FRAME_N_COMPONENTS (rgb) == 4;
  /* padding byte of RGBx-like formats: the one byte of the pixel no component uses */
  int pad = -1;
  if (!has_alpha_out && ps == 4) {
    gboolean used[4] = { FALSE };
    for (int c = 0; c < 3; c++)
      used[GST_VIDEO_FORMAT_INFO_POFFSET (rgb->info.finfo, c)] = TRUE;
    for (int i = 0; i < 4; i++)
      if (!used[i])
        pad = i;
  }
#pragma omp parallel for schedule(static)
  for (int y = 0; y < h; y++) {
    const guint8 *iy = in.data[0] + y * in.stride[0], *iu = in.data[1] + y * in.stride[1],
        *iv = in.data[2] + y * in.stride[2];
    guint8 *r = out.data[0] + y * out.stride[0], *g = out.data[1] + y * out.stride[1],
        *b = out.data[2] + y * out.stride[2];
    for (int x = 0; x < w; x++) {
      gint32 Y = ky * (iy[x] - 16) + ROUND_16, U = iu[x] - 128, V = iv[x] - 128;
      r[x * ps] = clamp_u8 ((Y + rv * V) >> 16);
      g[x * ps] = clamp_u8 ((Y - gu * U - gv * V) >> 16);
      b[x * ps] = clamp_u8 ((Y + bu * U) >> 16);
    }
    if (has_alpha_out) {
      guint8 *a = out.data[3] + y * out.stride[3];
      const guint8 *ia = alpha ? (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (alpha, 0)
          + y * GST_VIDEO_FRAME_PLANE_STRIDE (alpha, 0) : NULL;
      for (int x = 0; x < w; x++)
        a[x * ps] = ia ? ia[x] : 255;
    } else if (pad >= 0) {
      guint8 *row = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (rgb, 0)
          + y * GST_VIDEO_FRAME_PLANE_STRIDE (rgb, 0);
      for (int x = 0; x < w; x++)
        row[x * ps + pad] = 255;
    }
  }
}
