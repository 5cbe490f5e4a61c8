/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SESR-style network (Bhardwaj et al., "Collapsible Linear Blocks for Super-Efficient
 * Super Resolution", MLSys 2022), on luma; models/training/sr_nets.py defines and
 * trains it. Each convolution is trained as a wide linear block and shipped
 * collapsed into one plain convolution, so the file holds a plain network:
 *
 *   f = PReLU(head(x))                 5x5 1->c
 *   h = PReLU(body_i(h)), h0 = f       3x3 c->c (short residuals folded in)
 *   y = tail(h + f) + x                5x5 (or 3x3: the file says) c->r^2; x added to
 *                                      every phase
 *   out = pixel shuffle of y by r      fused into the runner's store
 *
 * "+ x" is a 1x1 convolution of the input with weights 1 (r^2 multiply-adds a
 * pixel) and an add: no engine operation of its own is needed. */
#include "sr-model-private.h"

gboolean
sr_sesr_build (SrModel *model, GError **error)
{
  int r = model->scale, f, h, y, x;
  if ((f = sr_model_conv_prelu (model, 0, "head", NULL, -1, error)) < 0)
    return FALSE;
  int c = model->values[f].channels;
  h = f;
  for (int i = 0, n = sr_model_count_indexed (model, "body"); i < n; i++) {
    char conv[32], slopes[32];
    g_snprintf (conv, sizeof conv, "body.%d", i);
    g_snprintf (slopes, sizeof slopes, "body_act.%d.weight", i);
    if ((h = sr_model_conv_prelu (model, h, conv, slopes, c, error)) < 0)
      return FALSE;
  }
  if ((h = sr_model_add (model, h, f, SR_ACT_NONE, error)) < 0
      || (y = sr_model_conv (model, h, "tail", (gint64) r * r, SR_ACT_NONE, error)) < 0)
    return FALSE;

  float *ones = sr_model_alloc_weights (model, (gsize) r * r);
  float *zeros = sr_model_alloc_weights (model, (gsize) r * r);
  for (int i = 0; i < r * r; i++) {
    ones[i] = 1.f;
    zeros[i] = 0.f;
  }
  if ((x = sr_model_conv_derived (model, 0, r * r, 1, ones, zeros, SR_ACT_NONE,
              error)) < 0)
    return FALSE;
  return sr_model_add (model, y, x, SR_ACT_NONE, error) > 0;
}
