/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sr-plane-upscale.h"

SrPlane *
sr_plane_upscale (const SrModel *model, const SrPlane *lr, GError **error)
{
  int r = sr_model_get_scale (model);
  g_autoptr (SrRunner) runner = sr_runner_new (model, lr->width, lr->height, 0, error);
  if (runner == NULL)
    return NULL;
  gsize n = (gsize) lr->width * lr->height;
  g_autofree guint8 *in = g_malloc (n), *out = g_malloc (n * r * r);
  for (gsize i = 0; i < n; i++)
    in[i] = (guint8) lr->data[i];
  sr_runner_process_u8 (runner, in, lr->width, out, (gsize) lr->width * r);
  SrPlane *sr = sr_plane_new (lr->width * r, lr->height * r);
  for (gsize i = 0; i < n * r * r; i++)
    sr->data[i] = out[i];
  return sr;
}

SrPlane *
sr_plane_upscale_or_bicubic (const SrModel *model, const SrPlane *lr, int scale,
    GError **error)
{
  if (model)
    return sr_plane_upscale (model, lr, error);
  SrPlane *sr = sr_imresize (lr, scale);
  sr_plane_quantize (sr);
  return sr;
}
