/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A 5x5 convolution as four 3x3 ones run by Winograd's F(4x4, 3x3).
 *
 * The 5x5 kernel, padded with a zero row and column to 6x6, is four 3x3 blocks
 * B_ab (a, b in {0, 1}: rows and columns 3a .. 3a + 2, 3b .. 3b + 2). With the taps at
 * input offsets first .. first + 4 (sr_conv_first_tap()),
 *
 *   out(y, x) = bias + sum over a, b of C_ab(y + first + 1 + 3a, x + first + 1 + 3b)
 *
 * where C_ab is the centred 3x3 convolution by B_ab. The four C_ab are one 3x3
 * convolution of 4 cout channels (block 2a + b in channels (2a + b) cout ..), which
 * sr_conv_winograd() runs into a map 3 pixels taller and wider than the output; the
 * shifted sum of its four blocks is then the layer's output. 36 multiplies a 4x4
 * output block and input channel for 4 cout channels, where the direct kernel takes
 * 25 x 16 for cout: 2.8 times fewer; the taps of the zero row and column read
 * whatever lies there (zero outside the input map) and multiply it by zero.
 *
 * Where it pays (the runner measures it against the direct kernel on each layer):
 * layers of many input channels whose 4 cout blocks fill Winograd's vectors, such as
 * FSRCNN x2's sub-pixel 5x5 56->4. */
#include "sr-conv.h"

#include <string.h>

#include "sr-cpu.h"

/* The 3x3 convolution of the four blocks; its weights are set by the caller. */
static SrConv
blocks_conv (const SrConv *conv)
{
  SrConv c = { conv->cin, 4 * conv->cout, 3, NULL, NULL, SR_ACT_NONE, NULL,
    sr_conv_winograd, NULL, 0 };
  return c;
}

gboolean
sr_conv_winograd_5x5_eligible (const SrConv *conv)
{
  SrConv blocks = blocks_conv (conv);
  return conv->k == 5 && sr_conv_winograd_eligible (&blocks);
}

/* The packed weights: the blocks' Winograd weights, then their zero bias. */
size_t
sr_conv_winograd_5x5_packed_floats (const SrConv *conv)
{
  SrConv blocks = blocks_conv (conv);
  return sr_conv_winograd_packed_floats (&blocks) + (size_t) blocks.cout;
}

void
sr_conv_winograd_5x5_pack (const SrConv *conv, float *packed)
{
  SrConv blocks = blocks_conv (conv);
  const int cin = conv->cin, cout = conv->cout;
  float *w3 = g_new0 (float, (size_t) blocks.cout * cin * 9);
  for (int a = 0; a < 2; a++)
    for (int b = 0; b < 2; b++)
      for (int co = 0; co < cout; co++)
        for (int ci = 0; ci < cin; ci++)
          for (int u = 0; u < 3; u++)
            for (int v = 0; v < 3; v++) {
              int i = 3 * a + u, j = 3 * b + v;
              if (i < 5 && j < 5)
                w3[(((size_t) (2 * a + b) * cout + co) * cin + ci) * 9 + u * 3 + v] =
                    conv->weight[(((size_t) co * cin + ci) * 5 + i) * 5 + j];
            }
  blocks.weight = w3;
  sr_conv_winograd_pack (&blocks, packed);
  g_free (w3);
  memset (packed + sr_conv_winograd_packed_floats (&blocks), 0,
      sizeof (float) * blocks.cout);
}

/* The blocks' map for an output of @out_h x @out_w. */
static size_t
blocks_map_floats (const SrConv *conv, int out_h, int out_w)
{
  return (size_t) 4 * conv->cout * (out_h + 3) * (out_w + 3);
}

size_t
sr_conv_winograd_5x5_scratch_floats (const SrConv *conv, int out_h, int out_w)
{
  SrConv blocks = blocks_conv (conv);
  return blocks_map_floats (conv, out_h, out_w)
      + sr_conv_winograd_scratch_floats (&blocks, out_h + 3, out_w + 3);
}

/* out = bias + the four blocks of @m, each at its offset (rows 0 or 3, columns 0 or
 * 3 of @m from the output pixel); one copy per instruction set, like sr-map-ops.c. */
SR_X86_CLONES
static void
sum_blocks (const SrConv *conv, const SrMap *m, SrMap *out)
{
  const int cout = conv->cout;
  const size_t mplane = sr_map_plane (m), plane = sr_map_plane (out);
  for (int co = 0; co < cout; co++) {
    const float *b00 = m->data + co * mplane, *b01 = b00 + cout * mplane;
    const float *b10 = b01 + cout * mplane, *b11 = b10 + cout * mplane;
    const float bias = conv->bias[co];
    for (int y = 0; y < out->h; y++) {
      float *dst = out->data + co * plane + (size_t) y * out->w;
      const size_t r0 = (size_t) y * m->w, r3 = (size_t) (y + 3) * m->w;
      for (int x = 0; x < out->w; x++)
        dst[x] = bias + b00[r0 + x] + b01[r0 + x + 3] + b10[r3 + x] + b11[r3 + x + 3];
    }
  }
}

void
sr_conv_winograd_5x5 (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  SrConv blocks = blocks_conv (conv);
  blocks.packed = conv->packed;
  blocks.bias = conv->packed + sr_conv_winograd_packed_floats (&blocks);
  const int first = sr_conv_first_tap (conv);
  SrMap m = { scratch, blocks.cout, out->y0 + first + 1, out->x0 + first + 1,
    out->h + 3, out->w + 3, 0 };
  sr_conv_winograd (&blocks, in, &m, scratch + blocks_map_floats (conv, out->h, out->w));
  sum_blocks (conv, &m, out);
  sr_activation_apply (conv->act, conv->slopes, out->data, conv->cout,
      (size_t) out->h * out->w, sr_map_plane (out));
}
