/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The network's output to 8-bit pixels, the pixel shuffle fused: a row of output
 * pixels from the rows of its q sub-pixel phases. */
#pragma once

#include <glib.h>

#include "sr-runner.h"

/* The 8-bit value of @v: v x 255 rounded to nearest, clamped to 0..255, NaN to 0
 * (converting NaN or a float outside 0..255 to an integer is undefined). */
static inline guint8
sr_pixel_u8 (float v)
{
  v = v * 255.f + 0.5f;
  v = v > 0.f ? v : 0.f;   /* NaN fails the comparison: 0 */
  v = v < 255.f ? v : 255.f;
  return (guint8) (int) v;
}

/* dst[(x q + j) @pixel_stride] = sr_pixel_u8 (@phases[j][x]) for x < @w, j < @q
 * (vectorised for q 1 to 4 with pixels 1 byte apart). */
void sr_store_phases_u8 (const float *const *phases, int q, int w, guint8 *dst,
    gsize pixel_stride);

/* The same for 16-bit words as @layout says (sr-runner.h): v x one rounded to nearest,
 * clamped to 0..max (NaN to 0), shifted left, in the layout's byte order; @dst needs
 * no alignment. */
void sr_store_phases_u16 (const float *const *phases, int q, int w, guint8 *dst,
    const SrWordLayout *layout);
