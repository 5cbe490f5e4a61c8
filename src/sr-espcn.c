/* ESPCN (Shi et al., CVPR 2016): conv k1 1->c1, tanh; conv k2 c1->c2, tanh;
 * conv k3 c2->scale^2; pixel shuffle. The paper's sizes are k = 5, 3, 3 and
 * c = 64, 32; any odd kernels and widths load, read from the tensors' shapes. */
#include "sr-error.h"
#include "sr-model-private.h"

static gboolean
add_conv (SrModel *model, const char *prefix, gint64 cout, gint64 cin, SrActivation act,
    GError **error)
{
  char name[64];
  gint64 wshape[4] = { cout, cin, -1, -1 };
  g_snprintf (name, sizeof name, "%s.weight", prefix);
  const float *w = sr_model_tensor (model, name, 4, wshape, error);
  if (w == NULL)
    return FALSE;
  if (wshape[2] != wshape[3] || wshape[2] % 2 == 0 || wshape[2] > 15) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_SHAPE,
        "%s: tensor \"%s\" must be a square odd kernel of at most 15x15", model->what,
        name);
    return FALSE;
  }
  gint64 bshape[1] = { wshape[0] };
  g_snprintf (name, sizeof name, "%s.bias", prefix);
  const float *b = sr_model_tensor (model, name, 1, bshape, error);
  if (b == NULL)
    return FALSE;
  SrConv *c = &model->convs[model->n_convs++];
  c->cout = (int) wshape[0];
  c->cin = (int) wshape[1];
  c->k = (int) wshape[2];
  c->weight = w;
  c->bias = b;
  c->act = act;
  c->kernel = sr_conv_gemm;
  return TRUE;
}

gboolean
sr_espcn_build (SrModel *model, GError **error)
{
  int r = model->scale;
  if (!add_conv (model, "conv1", -1, 1, SR_ACT_TANH, error)
      || !add_conv (model, "conv2", -1, model->convs[0].cout, SR_ACT_TANH, error)
      || !add_conv (model, "conv3", r * r, model->convs[1].cout, SR_ACT_NONE, error))
    return FALSE;
  return TRUE;
}
