/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* FSRCNN (Dong et al., ECCV 2016): 5x5 conv 1->d, shrinking 1x1 d->s, m mapping
 * 3x3 s->s, expanding 1x1 s->d, each with PReLU, then a KxK transposed convolution
 * d->1 with stride = scale (K = 9 in the paper, padding K/2, output padding scale-1).
 *
 * The transposed convolution is not run as such: at load time it becomes the
 * equivalent sub-pixel convolution d->scale^2 followed by a pixel shuffle (output
 * phase (i, j) of each scale x scale block is one channel), so the runner treats
 * FSRCNN exactly like ESPCN and tiles stay exact. At x3 every phase has 3 x 3 taps
 * of the input, at offsets that differ by one pixel from phase to phase: the layer
 * is a dense 3x3 convolution (Winograd's) whose last phases the store reads one
 * pixel further on, where a window covering every phase's taps would be 4x4 with
 * 44% of its taps zero. */
#include "sr-error.h"
#include "sr-model-private.h"
#include "sr-subpixel.h"

gboolean
sr_fsrcnn_build (SrModel *model, GError **error)
{
  int v;
  if ((v = sr_model_conv_prelu (model, 0, "first", NULL, -1, error)) < 0)
    return FALSE;
  int d = model->values[v].channels;
  if ((v = sr_model_conv_prelu (model, v, "shrink", NULL, -1, error)) < 0)
    return FALSE;
  int s = model->values[v].channels;
  for (int i = 0, n = sr_model_count_indexed (model, "map"); i < n; i++) {
    char conv[32], act[32];
    g_snprintf (conv, sizeof conv, "map.%d", i);
    g_snprintf (act, sizeof act, "map_act.%d.weight", i);
    if ((v = sr_model_conv_prelu (model, v, conv, act, s, error)) < 0)
      return FALSE;
  }
  if ((v = sr_model_conv_prelu (model, v, "expand", NULL, d, error)) < 0)
    return FALSE;

  gint64 wshape[4] = { d, 1, -1, -1 }, bshape[1] = { 1 };
  const float *w = sr_model_tensor (model, "deconv.weight", 4, wshape, error);
  const float *b = w ? sr_model_tensor (model, "deconv.bias", 1, bshape, error) : NULL;
  if (b == NULL)
    return FALSE;
  int k = (int) wshape[2];
  if (wshape[3] != k || k % 2 == 0 || k > 15) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_SHAPE,
        "%s: tensor \"deconv.weight\" must be a square odd kernel of at most 15x15",
        model->what);
    return FALSE;
  }
  int r = model->scale, ks, shift;
  G_STATIC_ASSERT (G_N_ELEMENTS (model->out_offset) == SR_SUBPIXEL_MAX_PHASES);
  sr_subpixel_window (k, r, &ks, &shift, model->out_offset);
  float *cw = sr_model_alloc_weights (model, (gsize) r * r * d * ks * ks);
  float *cb = sr_model_alloc_weights (model, (gsize) r * r);
  sr_subpixel_from_transposed (w, b[0], d, k, r, cw, cb);
  double before = model->macs_per_pixel;
  if ((v = sr_model_conv_derived (model, v, r * r, ks, cw, cb, SR_ACT_NONE, error)) < 0)
    return FALSE;
  sr_model_conv_of (model, v)->shift = shift;
  /* the cost is the transposed convolution's own, not the zero-padded rewrite's */
  model->macs_per_pixel = before + (double) d * k * k;
  return TRUE;
}
