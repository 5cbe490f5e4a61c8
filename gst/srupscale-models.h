/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The models built into the plugin, by family and scale. */
#pragma once

#include <glib-object.h>

#include "srengine.h"

G_BEGIN_DECLS

typedef enum {
  GST_SR_UPSCALE_MODEL_ESPCN,
  GST_SR_UPSCALE_MODEL_FSRCNN,
  GST_SR_UPSCALE_MODEL_LESRCNN,
  GST_SR_UPSCALE_MODEL_SESR,
  /* not a family: the element chooses among the built-in ones (srupscale-auto.h) */
  GST_SR_UPSCALE_MODEL_AUTO = 100,
} GstSrUpscaleModel;

#define GST_TYPE_SR_UPSCALE_MODEL (gst_sr_upscale_model_get_type ())
GType gst_sr_upscale_model_get_type (void);

/* The family's name as model files spell it ("espcn"). */
const char *srupscale_model_family_name (GstSrUpscaleModel model);

/* The shipped weights of @model at @scale, from the plugin's GResource; an error
 * that says which models this build has when it has not these. */
SrModel *srupscale_builtin_model_load (GstSrUpscaleModel model, int scale, GError **error);

/* The families, "ESPCN, FSRCNN, LESRCNN-style". */
const char *srupscale_model_families (void);

/* The built-in families that have weights for @scale, sharpest first (by the Set5
 * PSNR their files record); at most @max of them. Returns how many. */
int srupscale_builtin_ladder (int scale, GstSrUpscaleModel *rungs, int max);

/* The built-in models, "espcn x2, espcn x3, ...". */
const char *srupscale_builtin_models (void);

G_END_DECLS
