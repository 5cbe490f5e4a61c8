/* What the engine knows of a model: its layers, for the network families and the
 * runner. Not for users of the engine. */
#pragma once

#include "sr-conv.h"
#include "sr-model.h"
#include "sr-safetensors.h"

#define SR_MAX_CONVS 32

struct _SrModel {
  SrTensorFile *file;   /* owns the weights the layers point into */
  char *what;           /* where it came from, for messages */
  char *family;
  int scale;
  /* A chain of convolutions at low resolution; the last one has scale^2 channels
   * that a pixel shuffle turns into the high-resolution image. */
  int n_convs;
  SrConv convs[SR_MAX_CONVS];
  double macs_per_pixel;  /* the network's own cost, per input pixel */
  GPtrArray *owned;       /* weights a family derived at load time */
};

/* The weights of @name, after checking it has exactly the @n_dims dimensions of
 * @shape (a -1 in @shape accepts any size and reports it back). */
const float *sr_model_tensor (SrModel *model, const char *name, int n_dims,
    gint64 *shape, GError **error);

/* Context pixels a low-resolution output pixel needs on each side. */
int sr_model_halo (const SrModel *model);

/* Appends the convolution "<prefix>.weight" / "<prefix>.bias" ([cout, cin, k, k],
 * odd k; a -1 accepts any size) with activation @act; NULL on a bad file. */
SrConv *sr_model_add_conv (SrModel *model, const char *prefix, gint64 cout, gint64 cin,
    SrActivation act, GError **error);
/* Gives the last convolution a PReLU whose slopes are @name ([cout]). */
gboolean sr_model_add_prelu (SrModel *model, const char *name, GError **error);
/* Memory the model frees with itself. */
float *sr_model_alloc_weights (SrModel *model, gsize n_floats);

gboolean sr_espcn_build (SrModel *model, GError **error);
gboolean sr_fsrcnn_build (SrModel *model, GError **error);
