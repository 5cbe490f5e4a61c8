/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A stride-r transposed convolution (PyTorch ConvTranspose2d, cin -> 1, odd kernel k,
 * padding k/2, output padding r-1) rewritten as a convolution cin -> r^2 on the
 * input grid followed by a pixel shuffle: the high-resolution pixel (y r + i, x r + j)
 * is channel i r + j at (y, x). Both compute the same sums. */
#pragma once

/* The equivalent convolution's window: @size x @size taps over the input offsets
 * that some phase uses, moved by @shift from centred (SrConv.shift). For k = 9:
 * 5 (shift 0) at x2, 4 (shift 1: offsets -1 .. 2) at x3, 3 (shift 0) at x4, where
 * a centred window would need 5 at x3. */
void sr_subpixel_window (int k, int r, int *size, int *shift);

/* @w: [cin][1][k][k]; @out_w: [r*r][cin][size][size] (size from the function
 * above), @out_b: [r*r]. */
void sr_subpixel_from_transposed (const float *w, float bias, int cin, int k, int r,
    float *out_w, float *out_b);

/* The transposed convolution itself, plainly, for tests: @in [cin][h][w] ->
 * @out [h*r][w*r]. */
void sr_transposed_conv_reference (const float *w, float bias, int cin, int k, int r,
    const float *in, int h, int wd, float *out);
