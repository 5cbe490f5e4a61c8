/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sr-subpixel.h"

#include <glib.h>
#include <string.h>

/* Output pixel Y = iy r - p + ky (p = k/2). For phase i = Y mod r and input offset
 * dy = iy - Y div r, the tap is ky = i + p - dy r, which must lie in [0, k). */
static int
floor_div (int a, int b)
{
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* The input offsets dy phase i uses: those with 0 <= i + p - dy r < k. */
static void
phase_taps (int k, int r, int i, int *lo, int *hi)
{
  int p = k / 2;
  *lo = -floor_div (-(i + p - (k - 1)), r);   /* ceil ((i + p - k + 1) / r) */
  *hi = floor_div (i + p, r);
}

void
sr_subpixel_window (int k, int r, int *size, int *shift, int *offset)
{
  g_assert (r >= 1 && r <= SR_SUBPIXEL_MAX_PHASES);
  int lo[SR_SUBPIXEL_MAX_PHASES], hi[SR_SUBPIXEL_MAX_PHASES];
  int lo_all = G_MAXINT, hi_all = G_MININT, same = TRUE;
  for (int i = 0; i < r; i++) {
    phase_taps (k, r, i, &lo[i], &hi[i]);
    same = same && hi[i] - lo[i] == hi[0] - lo[0];
    lo_all = MIN (lo_all, lo[i]);
    hi_all = MAX (hi_all, hi[i]);
  }
  /* one window for all: phase 0's, each phase read where its own taps start */
  int lo_window = same ? lo[0] : lo_all;
  *size = same ? hi[0] - lo[0] + 1 : hi_all - lo_all + 1;
  *shift = lo_window + *size / 2;   /* first tap = shift - size / 2 = lo_window */
  for (int i = 0; i < r; i++)
    offset[i] = same ? lo[i] - lo_window : 0;
}

void
sr_subpixel_from_transposed (const float *w, float bias, int cin, int k, int r,
    float *out_w, float *out_b)
{
  int p = k / 2, ks, shift, offset[SR_SUBPIXEL_MAX_PHASES];
  sr_subpixel_window (k, r, &ks, &shift, offset);
  int lo = shift - ks / 2;
  memset (out_w, 0, sizeof (float) * r * r * cin * ks * ks);
  for (int i = 0; i < r; i++)
    for (int j = 0; j < r; j++) {
      out_b[i * r + j] = bias;
      /* phase (i, j) is read offset[i], offset[j] further: its taps are too */
      int lo_y = lo + offset[i], lo_x = lo + offset[j];
      for (int c = 0; c < cin; c++)
        for (int dy = lo_y; dy < lo_y + ks; dy++)
          for (int dx = lo_x; dx < lo_x + ks; dx++) {
            int ky = i + p - dy * r, kx = j + p - dx * r;
            if (ky < 0 || ky >= k || kx < 0 || kx >= k)
              continue;
            out_w[(((i * r + j) * cin + c) * ks + dy - lo_y) * ks + dx - lo_x] =
                w[(c * k + ky) * k + kx];
          }
    }
}

void
sr_transposed_conv_reference (const float *w, float bias, int cin, int k, int r,
    const float *in, int h, int wd, float *out)
{
  int p = k / 2, H = h * r, W = wd * r;
  for (int i = 0; i < H * W; i++)
    out[i] = bias;
  /* scatter every input pixel through every tap; drop what lands outside */
  for (int c = 0; c < cin; c++)
    for (int iy = 0; iy < h; iy++)
      for (int ix = 0; ix < wd; ix++)
        for (int ky = 0; ky < k; ky++)
          for (int kx = 0; kx < k; kx++) {
            int Y = iy * r - p + ky, X = ix * r - p + kx;
            if (Y >= 0 && Y < H && X >= 0 && X < W)
              out[Y * W + X] += in[(c * h + iy) * wd + ix] * w[(c * k + ky) * k + kx];
          }
}
