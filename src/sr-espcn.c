/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ESPCN (Shi et al., CVPR 2016): conv k1 1->c1, tanh; conv k2 c1->c2, tanh;
 * conv k3 c2->scale^2; pixel shuffle (fused into the runner's output store). The
 * paper's sizes are k = 5, 3, 3 and c = 64, 32; any odd kernels and widths load,
 * read from the tensors' shapes. */
#include "sr-model-private.h"

gboolean
sr_espcn_build (SrModel *model, GError **error)
{
  int r = model->scale, v = 0;
  return (v = sr_model_conv (model, v, "conv1", -1, SR_ACT_TANH, error)) > 0
      && (v = sr_model_conv (model, v, "conv2", -1, SR_ACT_TANH, error)) > 0
      && sr_model_conv (model, v, "conv3", r * r, SR_ACT_NONE, error) > 0;
}
