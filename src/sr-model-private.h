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
};

/* The weights of @name, after checking it has exactly the @n_dims dimensions of
 * @shape (a -1 in @shape accepts any size and reports it back). */
const float *sr_model_tensor (SrModel *model, const char *name, int n_dims,
    gint64 *shape, GError **error);

/* Context pixels a low-resolution output pixel needs on each side. */
int sr_model_halo (const SrModel *model);

gboolean sr_espcn_build (SrModel *model, GError **error);
