/* The models built into the plugin, by family and scale. */
#pragma once

#include <glib-object.h>

#include "srengine.h"

G_BEGIN_DECLS

typedef enum {
  GST_SR_UPSCALE_MODEL_ESPCN,
} GstSrUpscaleModel;

#define GST_TYPE_SR_UPSCALE_MODEL (gst_sr_upscale_model_get_type ())
GType gst_sr_upscale_model_get_type (void);

/* The family's name as model files spell it ("espcn"). */
const char *srupscale_model_family_name (GstSrUpscaleModel model);

/* The shipped weights of @model at @scale, from the plugin's GResource. */
SrModel *srupscale_builtin_model_load (GstSrUpscaleModel model, int scale, GError **error);

G_END_DECLS
