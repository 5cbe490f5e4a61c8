/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Packed RGB <-> planar BT.601 studio-range YCbCr (+ alpha plane), exactly rounded.
 *
 * Why not GstVideoConverter: measured on Set5 butterfly, GStreamer 1.22's 8-bit
 * YCbCr -> RGB path is biased by -2.6 / -3.7 / -1.2 levels (R / G / B; mean absolute
 * error 2.5, max 6 from exactly rounded YCbCr), so an RGB frame came back visibly
 * darker and its luma lost 0.4 dB against the GRAY8 path. These loops are within
 * half a level of the exact matrix. */
#pragma once

#include <gst/video/video.h>

G_BEGIN_DECLS

/* @rgb: any packed 8-bit RGB format; @ycbcr: Y444 of the same size; @alpha: a
 * GRAY8 frame of the same size, or NULL to drop alpha. */
void sr_rgb_to_ycbcr (const GstVideoFrame *rgb, GstVideoFrame *ycbcr, GstVideoFrame *alpha);
/* The inverse; padding bytes (RGBx) and a missing alpha are written as 255. */
void sr_ycbcr_to_rgb (const GstVideoFrame *ycbcr, const GstVideoFrame *alpha,
    GstVideoFrame *rgb);

G_END_DECLS
