/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Direct convolution with AVX512-BF16: the sr-conv-avx512.c kernel with inputs and
 * weights rounded to bfloat16 and accumulated in float32. One VDPBF16PS does two
 * multiply-adds per lane (a pair of input channels), twice the rate of float32 FMAs.
 *
 * Layout: the zero-padded input copy holds channel pairs interleaved per pixel,
 * [cin / 2][rows][cols][2] bfloat16, so one 64-byte load is 16 pixels x 2 channels;
 * weights are packed block after block (sr_block_width()) as
 * [cin / 2][k][k][block width] pairs. An odd last channel is paired with zero.
 *
 * A layer of one input channel (every network's first) has no channels to pair: its
 * pairs are two neighbouring taps of a kernel row instead, pixels x and x + 1 of the
 * input ([rows][cols][2]), weights [k][(k + 1) / 2][block width] (an odd row's last tap
 * paired with zero): a 5x5 kernel in 15 VDPBF16PS instead of 25 FMAs. Its input is
 * the picture: 8-bit pixels k / 255 go in as the whole numbers k, which bfloat16 holds
 * exactly (8 significant bits), and the weights take the 1 / 255, so that on 8-bit
 * video only the weights are rounded (Set5, PyTorch with this rounding: ESPCN x2
 * 0.0035 dB below float32 where rounding k / 255 itself cost 0.019). A window whose
 * values are not such (10-bit video's k / 1020, any other map) runs the float32
 * direct kernel instead, with the float32 weights packed after the pairs: never a
 * rounded pixel.
 *
 * Compiled with -mavx512bf16; called only where the CPU has it. */
#include <immintrin.h>
#include <string.h>

#include "sr-bf16.h"
#include "sr-conv.h"
#include "sr-simd-avx512.h"

/* 8-bit pixels k / 255 times this are whole numbers (see above) */
#define TAP_PAIRS_INPUT_SCALE 255.f

/* A layer whose taps are paired: one input channel, a kernel wider than one tap. */
static gboolean
pairs_taps (const SrConv *conv)
{
  return conv->cin == 1 && conv->k > 1;
}

/* Pair elements of a kernel row. */
static int
tap_pair_cols (int k)
{
  return (k + 1) / 2;
}

/* A block's packed pairs are [rows][elems][block width]: channel pairs x taps, or,
 * where taps are paired, kernel rows x pair elements of a row. */
static int
pair_rows (const SrConv *conv)
{
  return pairs_taps (conv) ? conv->k : (conv->cin + 1) / 2;
}

static int
pair_elems (const SrConv *conv)
{
  return pairs_taps (conv) ? tap_pair_cols (conv->k) : conv->k * conv->k;
}

/* Floats of the pairs (each pair of bfloat16 takes one float's room). */
static size_t
pairs_floats (const SrConv *conv)
{
  return (size_t) sr_block_padded_cout (conv->cout) * pair_rows (conv) * pair_elems (conv);
}

size_t
sr_conv_bf16_packed_floats (const SrConv *conv)
{
  /* paired taps: the float32 direct kernel's weights too, for inexact windows */
  return pairs_floats (conv) + (pairs_taps (conv) ? sr_conv_direct_packed_floats (conv) : 0);
}

/* The pair output channel @co's weights put at element @e of row @r of the packed
 * block: channel pair r, tap e; or, where taps are paired, kernel row r, taps 2 e and
 * 2 e + 1. A missing second is zero. */
static guint32
weight_pair (const SrConv *conv, int co, int r, int e)
{
  const int k = conv->k, kk = k * k, cin = conv->cin;
  if (pairs_taps (conv)) {
    const float *w = conv->weight + ((size_t) co * k + r) * k;
    return sr_bf16_pair (w[2 * e] / TAP_PAIRS_INPUT_SCALE,
        2 * e + 1 < k ? w[2 * e + 1] / TAP_PAIRS_INPUT_SCALE : 0.f);
  }
  const float *w = conv->weight + (size_t) co * cin * kk + e;
  return sr_bf16_pair (w[2 * r * kk], 2 * r + 1 < cin ? w[(2 * r + 1) * kk] : 0.f);
}

void
sr_conv_bf16_pack (const SrConv *conv, float *packed)
{
  const int rows = pair_rows (conv), elems = pair_elems (conv);
  guint32 *out = (guint32 *) packed;
  memset (out, 0, sizeof (guint32) * sr_conv_bf16_packed_floats (conv));
  for (int co0 = 0; co0 < conv->cout; co0 += sr_block_width (conv->cout, co0)) {
    int cb = sr_block_width (conv->cout, co0);
    guint32 *dst = out + (size_t) co0 * rows * elems;   /* every earlier block is full */
    for (int r = 0; r < rows; r++)
      for (int e = 0; e < elems; e++)
        for (int c = 0; c < cb && co0 + c < conv->cout; c++)
          dst[(r * elems + e) * cb + c] = weight_pair (conv, co0 + c, r, e);
  }
  if (pairs_taps (conv))
    sr_conv_direct_pack (conv, packed + pairs_floats (conv));
}

/* The @ph x @pw block at (@y0, @x0) of the grid as interleaved bfloat16 pairs, zero
 * outside the input map. */
static void
pad_input_bf16 (const SrMap *in, int y0, int x0, int ph, int pw, guint32 *pad, int stride)
{
  int cin = in->c, np = (cin + 1) / 2;
  size_t plane = sr_map_plane (in);
  /* valid columns [lo, hi) of each padded row */
  int lo = MAX (in->x0 - x0, 0), hi = MIN (in->x0 + in->w - x0, pw);
  hi = MAX (hi, lo);
  for (int p = 0; p < np; p++) {
    const float *a = in->data + (size_t) (2 * p) * plane;
    const float *b = 2 * p + 1 < cin ? a + plane : NULL;
    for (int py = 0; py < ph; py++) {
      guint32 *dst = pad + ((size_t) p * ph + py) * stride;
      int iy = y0 + py - in->y0;
      if (iy < 0 || iy >= in->h) {
        memset (dst, 0, sizeof (guint32) * pw);
        continue;
      }
      size_t o = (size_t) iy * in->w + (x0 + lo - in->x0);
      memset (dst, 0, sizeof (guint32) * lo);
      sr_pair_row_bf16 (a + o, b ? b + o : NULL, hi - lo, dst + lo);
      memset (dst + hi, 0, sizeof (guint32) * (pw - hi));
    }
  }
}

/* a 32-bit lane holds a pair of bfloat16: VDPBF16PS multiplies both and adds */
#define SR_CONV_SPAN conv_span_bf16
#define SR_CONV_ROWS conv_rows_bf16
#define SR_CONV_BLOCKS conv_blocks_bf16
#define SR_CONV_BLOCK conv_block_bf16
#define SR_CONV_NARROW_BLOCK conv_narrow_block_bf16
#define SR_MADD(acc, v, w) \
  ((acc) = _mm512_dpbf16_ps ((acc), (__m512bh) (v), (__m512bh) (w)))
#include "sr-conv-rows.h"

/* the same loop over pairs of neighbouring taps: element kx of a kernel row pairs
 * taps 2 kx and 2 kx + 1, read at input column x + 2 kx */
#define SR_CONV_SPAN conv_span_taps
#define SR_CONV_ROWS conv_rows_taps
#define SR_CONV_BLOCKS conv_blocks_taps
#define SR_CONV_BLOCK conv_block_taps
#define SR_CONV_NARROW_BLOCK conv_narrow_block_taps
#define SR_MADD(acc, v, w) \
  ((acc) = _mm512_dpbf16_ps ((acc), (__m512bh) (v), (__m512bh) (w)))
#define SR_CONV_TAP_COLS(k) tap_pair_cols (k)
#define SR_CONV_TAP_STEP 2
#include "sr-conv-rows.h"

/* Scales the @n floats of @row (see above); FALSE if one of them is then not a whole
 * number that bfloat16 holds (at most 256, within 1e-3 of it: 8-bit pixels come
 * within 1e-4, k * (1 / 255.f) * 255 not being exactly k; 10-bit ones are a quarter
 * or a half off). */
static gboolean
scale_row_whole (float *row, int n)
{
  __m512 off = _mm512_setzero_ps (), size = _mm512_setzero_ps ();
  const __m512 scale = _mm512_set1_ps (TAP_PAIRS_INPUT_SCALE);
  for (int x = 0; x < n; x += 16) {
    __mmask16 m = n - x >= 16 ? 0xffff : (__mmask16) ((1u << (n - x)) - 1);
    __m512 v = _mm512_mul_ps (_mm512_maskz_loadu_ps (m, row + x), scale);
    _mm512_mask_storeu_ps (row + x, m, v);
    __m512 whole = _mm512_roundscale_ps (v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    off = _mm512_max_ps (off, _mm512_abs_ps (_mm512_sub_ps (v, whole)));
    size = _mm512_max_ps (size, _mm512_abs_ps (v));
  }
  return _mm512_reduce_max_ps (off) <= 1e-3f && _mm512_reduce_max_ps (size) <= 256.f;
}

/* The one input channel's window: each row's pixels x and x + 1 (scaled, see above)
 * as a pair at x, built in place over the row's float copy (the pair at x reads
 * floats x and x + 1 before it is written); the window's last pair reads one column
 * past it, zero. A window of other values runs in float32. */
static void
run_tap_pairs (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  const int k = conv->k, first = sr_conv_first_tap (conv);
  const int ph = out->h + k - 1, pw = out->w + k - 1, stride = SR_CONV_PADDED_STRIDE (pw + 1);
  sr_conv_pad_input (in, out->y0 + first, out->x0 + first, ph, pw + 1, scratch, stride);
  gboolean whole = TRUE;
  for (int y = 0; y < ph; y++)
    whole &= scale_row_whole (scratch + (size_t) y * stride, pw + 1);
  if (!whole) {
    SrConv exact = *conv;
    exact.packed = conv->packed + pairs_floats (conv);
    sr_conv_direct (&exact, in, out, scratch);
    return;
  }
  for (int y = 0; y < ph; y++) {
    float *row = scratch + (size_t) y * stride;
    sr_pair_row_bf16 (row, row + 1, pw, (guint32 *) row);
  }
  conv_blocks_taps (conv, scratch, (size_t) ph * stride, stride, 1, out, NULL);
}

void
sr_conv_direct_bf16 (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  if (pairs_taps (conv)) {
    run_tap_pairs (conv, in, out, scratch);
    return;
  }
  const int k = conv->k, first = sr_conv_first_tap (conv), np = (conv->cin + 1) / 2;
  const int ph = out->h + k - 1, stride = SR_CONV_PADDED_STRIDE (out->w + k - 1);
  guint32 *pad = (guint32 *) scratch;
  pad_input_bf16 (in, out->y0 + first, out->x0 + first, ph, out->w + k - 1, pad, stride);
  /* the pairs are 32-bit lanes: the float32 loads and broadcasts carry them */
  conv_blocks_bf16 (conv, (const float *) pad, (size_t) ph * stride, stride, np, out,
      NULL);
}
