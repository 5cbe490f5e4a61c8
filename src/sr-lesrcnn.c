/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* LESRCNN-style network (Tian et al., "Lightweight image super-resolution with
 * enhanced CNN", 2020), on luma; models/training/sr_nets.py defines and trains it.
 *
 *   x1 = head(x)                      3x3 1->c, no activation
 *   total = x1, u = ReLU(x1)
 *   per unit i: total += spatial_i(ReLU(pointwise_i(u)));  u = ReLU(total)
 *               (1x1 c->c + ReLU, then 3x3 c->c)
 *   y = ReLU(U(u) + U(ReLU(x1)))      U: 3x3 c->c*r^2 + pixel shuffle, shared
 *                                     weights; x4 is two x2 rounds
 *   y = ReLU(refine_i(y)) ...         3x3 at high resolution
 *   out = tail(y)                     3x3 ->1
 *
 * U is affine (no activation inside), so U(a) + U(b) = U'(a + b) where U' has
 * every bias doubled: the engine runs the upsampler once, on the sum. ReLU(x1) is
 * the head convolution again with a ReLU (9c multiply-adds a pixel) rather than a
 * copy of x1 kept twice. */
#include "sr-error.h"
#include "sr-model-private.h"

/* One upsampling round "up.<i>" by @r on value @in, biases doubled (see above). */
static int
upsample_round (SrModel *model, int in, int i, int r, gboolean last, GError **error)
{
  char name[16];
  g_snprintf (name, sizeof name, "up.%d", i);
  int c = model->values[in].channels;
  int v = sr_model_conv (model, in, name, (gint64) c * r * r,
      last ? SR_ACT_RELU : SR_ACT_NONE, error);
  if (v < 0)
    return -1;
  /* ReLU after the shuffle = ReLU before it: the last round's conv applies it */
  SrConv *conv = sr_model_conv_of (model, v);
  float *doubled = sr_model_alloc_weights (model, conv->cout);
  for (int k = 0; k < conv->cout; k++)
    doubled[k] = 2.f * conv->bias[k];
  conv->bias = doubled;
  return sr_model_shuffle (model, v, r, error);
}

gboolean
sr_lesrcnn_build (SrModel *model, GError **error)
{
  int x1, x1_relu, total, u;
  if ((x1 = sr_model_conv (model, 0, "head", -1, SR_ACT_NONE, error)) < 0
      || (x1_relu = sr_model_conv (model, 0, "head", -1, SR_ACT_RELU, error)) < 0)
    return FALSE;
  int c = model->values[x1].channels;
  total = x1;
  u = x1_relu;
  for (int i = 0, n = sr_model_count_indexed (model, "spatial"); i < n; i++) {
    char pw[32], sp[32];
    g_snprintf (pw, sizeof pw, "pointwise.%d", i);
    g_snprintf (sp, sizeof sp, "spatial.%d", i);
    int p, s;
    if ((p = sr_model_conv (model, u, pw, c, SR_ACT_RELU, error)) < 0
        || (s = sr_model_conv (model, p, sp, c, SR_ACT_NONE, error)) < 0)
      return FALSE;
    gboolean last = i == n - 1;
    if ((u = sr_model_add (model, total, s, SR_ACT_RELU, error)) < 0)
      return FALSE;
    if (!last && (total = sr_model_add (model, total, s, SR_ACT_NONE, error)) < 0)
      return FALSE;
  }

  int y = sr_model_add (model, u, x1_relu, SR_ACT_NONE, error);
  if (y < 0)
    return FALSE;
  if (model->scale == 4) {
    if ((y = upsample_round (model, y, 0, 2, FALSE, error)) < 0
        || (y = upsample_round (model, y, 1, 2, TRUE, error)) < 0)
      return FALSE;
  } else if ((y = upsample_round (model, y, 0, model->scale, TRUE, error)) < 0)
    return FALSE;

  for (int i = 0, n = sr_model_count_indexed (model, "refine"); i < n; i++) {
    char name[32];
    g_snprintf (name, sizeof name, "refine.%d", i);
    if ((y = sr_model_conv (model, y, name, -1, SR_ACT_RELU, error)) < 0)
      return FALSE;
  }
  return sr_model_conv (model, y, "tail", 1, SR_ACT_NONE, error) > 0;
}
