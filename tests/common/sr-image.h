/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Image helpers for tests, tools and examples: PNG in and out, BT.601 luma as MATLAB
 * computes it, MATLAB's bicubic imresize, and the PSNR / SSIM of the SR protocol
 * (models/README.md). The same degradation as models/training/sr_data.py. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  int width, height;
  double *data;   /* row-major, one channel */
} SrPlane;

SrPlane *sr_plane_new (int width, int height);
void sr_plane_free (SrPlane *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrPlane, sr_plane_free)

/* The BT.601 studio-range luma (0..255, rounded like MATLAB rgb2ycbcr on uint8) of
 * a PNG file; grey PNGs count as R = G = B. NULL with @error when unreadable. */
SrPlane *sr_load_png_luma (const char *path, GError **error);
/* 8-bit RGB pixels of a PNG (width * height * 3 bytes). */
guint8 *sr_load_png_rgb (const char *path, int *width, int *height, GError **error);
gboolean sr_save_png_gray (const char *path, const SrPlane *p, GError **error);
gboolean sr_save_png_rgb (const char *path, const guint8 *rgb, int width, int height,
    GError **error);

/* MATLAB rgb2ycbcr / ycbcr2rgb on 8-bit pixels: BT.601 studio range, each plane
 * rounded to whole numbers in 0..255. */
void sr_rgb_to_ycbcr_planes (const guint8 *rgb, int width, int height, SrPlane **y,
    SrPlane **cb, SrPlane **cr);
guint8 *sr_ycbcr_planes_to_rgb (const SrPlane *y, const SrPlane *cb, const SrPlane *cr);

SrPlane *sr_plane_modcrop (const SrPlane *p, int scale);
/* MATLAB imresize(p, factor, 'bicubic'): antialiased when shrinking. */
SrPlane *sr_imresize (const SrPlane *p, double factor);
/* HR luma (0..255, modcropped) -> LR luma rounded to 0..255, as a video carries it. */
SrPlane *sr_degrade (const SrPlane *hr, int scale);
/* Rounds and clamps in place to whole numbers in 0..255. */
void sr_plane_quantize (SrPlane *p);

double sr_psnr (const SrPlane *a, const SrPlane *b, int shave);
double sr_ssim (const SrPlane *a, const SrPlane *b, int shave);

G_END_DECLS
