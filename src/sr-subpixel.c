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

int
sr_subpixel_kernel_size (int k, int r)
{
  int p = k / 2;
  int lo = -floor_div (-(p - (k - 1)), r);   /* ceil ((p - k + 1) / r) */
  int hi = floor_div (r - 1 + p, r);
  int radius = MAX (-lo, hi);
  return 2 * radius + 1;
}

void
sr_subpixel_from_transposed (const float *w, float bias, int cin, int k, int r,
    float *out_w, float *out_b)
{
  int p = k / 2, ks = sr_subpixel_kernel_size (k, r), rad = ks / 2;
  memset (out_w, 0, sizeof (float) * r * r * cin * ks * ks);
  for (int i = 0; i < r; i++)
    for (int j = 0; j < r; j++) {
      out_b[i * r + j] = bias;
      for (int c = 0; c < cin; c++)
        for (int dy = -rad; dy <= rad; dy++)
          for (int dx = -rad; dx <= rad; dx++) {
            int ky = i + p - dy * r, kx = j + p - dx * r;
            if (ky < 0 || ky >= k || kx < 0 || kx >= k)
              continue;
            out_w[(((i * r + j) * cin + c) * ks + dy + rad) * ks + dx + rad] =
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
