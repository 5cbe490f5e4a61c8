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

/* The built-in models, "espcn x2, espcn x3, ...". */
const char *srupscale_builtin_models (void);

G_END_DECLS
