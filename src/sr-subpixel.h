/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A stride-r transposed convolution (PyTorch ConvTranspose2d, cin -> 1, odd kernel k,
 * padding k/2, output padding r-1) rewritten as a convolution cin -> r^2 on the
 * input grid followed by a pixel shuffle: the high-resolution pixel (y r + i, x r + j)
 * is channel i r + j at (y + offset[i], x + offset[j]). Both compute the same sums. */
#pragma once

/* The most phases a layout describes (scale 8, the largest a model may have). */
#define SR_SUBPIXEL_MAX_PHASES 8

/* The equivalent convolution's window, @size x @size taps moved by @shift from
 * centred (SrConv.shift), and @offset[i] for each of the r phases i (r <= 8): where
 * phase i's output is read. Where every phase uses the same number of input taps
 * (k a multiple of r: FSRCNN's k = 9 at x3), the window is just that many and the
 * phases whose taps lie further on read the convolution further on: 3 (shift 0,
 * offsets 0, 0, 1) at x3, a dense 3x3 convolution. Otherwise the window covers
 * every phase's taps (zero where a phase has none) and the offsets are 0: for
 * k = 9, 5 at x2 (shift 0) and 3 at x4 (shift 0). */
void sr_subpixel_window (int k, int r, int *size, int *shift, int *offset);

/* @w: [cin][1][k][k]; @out_w: [r*r][cin][size][size] (size from the function
 * above), @out_b: [r*r]. */
void sr_subpixel_from_transposed (const float *w, float bias, int cin, int k, int r,
    float *out_w, float *out_b);

/* The transposed convolution itself, plainly, for tests: @in [cin][h][w] ->
 * @out [h*r][w*r]. */
void sr_transposed_conv_reference (const float *w, float bias, int cin, int k, int r,
    const float *in, int h, int wd, float *out);
