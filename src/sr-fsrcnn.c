/* FSRCNN (Dong et al., ECCV 2016): 5x5 conv 1->d, shrinking 1x1 d->s, m mapping
 * 3x3 s->s, expanding 1x1 s->d, each with PReLU, then a KxK transposed convolution
 * d->1 with stride = scale (K = 9 in the paper, padding K/2, output padding scale-1).
 *
 * The transposed convolution is not run as such: at load time it becomes the
 * equivalent sub-pixel convolution d->scale^2 followed by a pixel shuffle (output
 * phase (i, j) of each scale x scale block is one channel), so the runner treats
 * FSRCNN exactly like ESPCN and tiles stay exact. */
#include "sr-error.h"
#include "sr-model-private.h"
#include "sr-subpixel.h"

gboolean
sr_fsrcnn_build (SrModel *model, GError **error)
{
  SrConv *c;
  if (!(c = sr_model_add_conv (model, "first", -1, 1, SR_ACT_NONE, error))
      || !sr_model_add_prelu (model, "first_act.weight", error))
    return FALSE;
  int d = c->cout;
  if (!(c = sr_model_add_conv (model, "shrink", -1, d, SR_ACT_NONE, error))
      || !sr_model_add_prelu (model, "shrink_act.weight", error))
    return FALSE;
  int s = c->cout;
  for (int i = 0;; i++) {
    char conv[32], act[32];
    g_snprintf (conv, sizeof conv, "map.%d.weight", i);
    if (sr_tensor_file_get (model->file, conv) == NULL)
      break;
    g_snprintf (conv, sizeof conv, "map.%d", i);
    g_snprintf (act, sizeof act, "map_act.%d.weight", i);
    if (!sr_model_add_conv (model, conv, s, s, SR_ACT_NONE, error)
        || !sr_model_add_prelu (model, act, error))
      return FALSE;
  }
  if (!sr_model_add_conv (model, "expand", d, s, SR_ACT_NONE, error)
      || !sr_model_add_prelu (model, "expand_act.weight", error))
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
  if (model->n_convs == SR_MAX_CONVS) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_FAMILY, "%s: too many layers", model->what);
    return FALSE;
  }
  int r = model->scale, ks = sr_subpixel_kernel_size (k, r);
  c = &model->convs[model->n_convs++];
  c->cin = d;
  c->cout = r * r;
  c->k = ks;
  float *cw = sr_model_alloc_weights (model, (gsize) r * r * d * ks * ks);
  float *cb = sr_model_alloc_weights (model, (gsize) r * r);
  sr_subpixel_from_transposed (w, b[0], d, k, r, cw, cb);
  c->weight = cw;
  c->bias = cb;
  c->act = SR_ACT_NONE;
  c->kernel = sr_conv_gemm;
  model->macs_per_pixel += (double) d * k * k;   /* the transposed convolution's own cost */
  return TRUE;
}
