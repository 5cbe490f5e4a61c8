/* ESPCN (Shi et al., CVPR 2016): conv k1 1->c1, tanh; conv k2 c1->c2, tanh;
 * conv k3 c2->scale^2; pixel shuffle. The paper's sizes are k = 5, 3, 3 and
 * c = 64, 32; any odd kernels and widths load, read from the tensors' shapes. */
#include "sr-model-private.h"

gboolean
sr_espcn_build (SrModel *model, GError **error)
{
  int r = model->scale;
  if (!sr_model_add_conv (model, "conv1", -1, 1, SR_ACT_TANH, error)
      || !sr_model_add_conv (model, "conv2", -1, model->convs[0].cout, SR_ACT_TANH, error)
      || !sr_model_add_conv (model, "conv3", r * r, model->convs[1].cout, SR_ACT_NONE,
          error))
    return FALSE;
  return TRUE;
}
