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

void
sr_subpixel_window (int k, int r, int *size, int *shift)
{
  int p = k / 2;
  /* the offsets dy some phase i in [0, r) uses: 0 <= i + p - dy r < k */
  int lo = -floor_div (-(p - (k - 1)), r);   /* ceil ((p - k + 1) / r) */
  int hi = floor_div (r - 1 + p, r);
  *size = hi - lo + 1;
  *shift = lo + *size / 2;   /* first tap = shift - size / 2 = lo */
}

void
sr_subpixel_from_transposed (const float *w, float bias, int cin, int k, int r,
    float *out_w, float *out_b)
{
  int p = k / 2, ks, shift;
  sr_subpixel_window (k, r, &ks, &shift);
  int lo = shift - ks / 2;
  memset (out_w, 0, sizeof (float) * r * r * cin * ks * ks);
  for (int i = 0; i < r; i++)
    for (int j = 0; j < r; j++) {
      out_b[i * r + j] = bias;
      for (int c = 0; c < cin; c++)
        for (int dy = lo; dy < lo + ks; dy++)
          for (int dx = lo; dx < lo + ks; dx++) {
            int ky = i + p - dy * r, kx = j + p - dx * r;
            if (ky < 0 || ky >= k || kx < 0 || kx >= k)
              continue;
            out_w[(((i * r + j) * cin + c) * ks + dy - lo) * ks + dx - lo] =
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
