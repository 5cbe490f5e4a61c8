/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Direct float32 convolution, one SIMD tier of it: no im2col, no GEMM packing. A C
 * template over the operations of sr-simd-avx512.h (sr-conv-avx512.c) or
 * sr-simd-avx2.h (sr-conv-avx2.c); define before including the names of the three
 * functions it defines: SR_DIRECT_PACKED_FLOATS, SR_DIRECT_PACK, SR_DIRECT_RUN.
 *
 * Pixels are in the vector lanes. A block is SR_BLOCK_CO output channels x
 * SR_BLOCK_NV vectors of output pixels of one row in registers (AVX-512: 8 channels
 * x 48 pixels in 24 zmm; AVX2: 4 x 24 in 12 ymm): for each input channel and kernel
 * tap, SR_BLOCK_NV loads of neighbouring input pixels feed SR_BLOCK_NV FMAs per
 * broadcast weight (or a small or one-channel block over several rows:
 * sr_block_width()).
 *
 * The inner loop has no border tests: it reads the input map in place where the map
 * holds the whole window, else a zero-padded copy of it. Weights are repacked once
 * at load time, block after block, as [cin][k][k][block width] so the broadcasts of
 * a tap are adjacent, followed by which channels each tap feeds (taps_used()). Bias
 * and the activation are applied in registers before the one store. */
#include <string.h>

#include "sr-conv.h"

/* Floats of the packed weights; after them one word that says whether some tap feeds
 * only some of a block's channels, then the bits of the channels each tap feeds, kk
 * words for every SR_BLOCK_SMALL_CO channels or fewer at the end (sr-conv-rows.h). */
static size_t
packed_weight_floats (const SrConv *conv)
{
  return (size_t) sr_block_padded_cout (conv->cout) * conv->cin * conv->k * conv->k;
}

size_t
SR_DIRECT_PACKED_FLOATS (const SrConv *conv)
{
  return packed_weight_floats (conv)
      + 1 + (size_t) (sr_block_padded_cout (conv->cout) + SR_BLOCK_SMALL_CO - 1)
      / SR_BLOCK_SMALL_CO * conv->k * conv->k;
}

/* NULL where every tap feeds every channel. */
static const guint32 *
taps_used (const SrConv *conv)
{
  const guint32 *words = (const guint32 *) (conv->packed + packed_weight_floats (conv));
  return words[0] ? words + 1 : NULL;
}

void
SR_DIRECT_PACK (const SrConv *conv, float *packed)
{
  int kk = conv->k * conv->k, cin = conv->cin;
  memset (packed, 0, sizeof (float) * SR_DIRECT_PACKED_FLOATS (conv));
  guint32 *sparse = (guint32 *) (packed + packed_weight_floats (conv)), *used = sparse + 1;
  for (int co0 = 0; co0 < conv->cout; co0 += sr_block_width (conv->cout, co0)) {
    int cb = sr_block_width (conv->cout, co0);
    float *dst = packed + (size_t) co0 * cin * kk;   /* every earlier block is full */
    guint32 *block_used = used + co0 / SR_BLOCK_SMALL_CO * kk;
    for (int ci = 0; ci < cin; ci++)
      for (int t = 0; t < kk; t++)
        for (int c = 0; c < cb && co0 + c < conv->cout; c++) {
          float w = conv->weight[((co0 + c) * cin + ci) * kk + t];
          dst[(ci * kk + t) * cb + c] = w;
          if (w != 0.f)
            block_used[t] |= 1u << c;
        }
    for (int t = 0; t < kk; t++)
      for (int c = 0; c < cb && co0 + c < conv->cout; c++)
        if (!(block_used[t] >> c & 1))
          *sparse = 1;
  }
}

#define SR_CONV_SPAN conv_span
#define SR_CONV_ROWS conv_rows
#define SR_CONV_BLOCK conv_block
#define SR_CONV_NARROW_BLOCK conv_narrow_block
#define SR_CONV_BLOCKS conv_blocks
#define SR_MADD(acc, v, w) ((acc) = sr_fmadd ((v), (w), (acc)))
#include "sr-conv-rows.h"

void
SR_DIRECT_RUN (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  const int k = conv->k, first = sr_conv_first_tap (conv), cin = conv->cin;
  const float *src;
  size_t plane;
  int stride;
  const int iy = out->y0 + first - in->y0, ix = out->x0 + first - in->x0;
  if (iy >= 0 && ix >= 0 && iy + out->h + k - 1 <= in->h && ix + out->w + k - 1 <= in->w) {
    /* the input map holds every pixel the window reads (a tile away from the image's
     * border, or a 1x1 convolution): straight from it, no padded copy (that copy was
     * 1.6 MB a tile for ESPCN's last layer) */
    src = in->data + (size_t) iy * in->w + ix;
    plane = sr_map_plane (in);
    stride = in->w;
  } else {
    stride = SR_CONV_PADDED_STRIDE (out->w + k - 1);
    plane = (size_t) (out->h + k - 1) * stride;
    sr_conv_pad_input (in, out->y0 + first, out->x0 + first, out->h + k - 1,
        out->w + k - 1, scratch, stride);
    src = scratch;
  }

  conv_blocks (conv, src, plane, stride, cin, out, taps_used (conv));
}
