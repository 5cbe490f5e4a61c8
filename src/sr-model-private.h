/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the engine knows of a model, for the network families and the runner; not
 * for users of the engine.
 *
 * A model is a small program: values are feature maps (value 0 is the input luma),
 * and each step computes one new value from earlier ones. Each value lives on a
 * grid `level` times the input's size, so a network can work at low resolution,
 * shuffle up, and go on at high resolution. The runner reads the program to size
 * its buffers, to know how much context (halo) a tile needs, and to run it. */
#pragma once

#include "sr-conv.h"
#include "sr-model.h"
#include "sr-safetensors.h"

#define SR_MAX_CONVS 48
#define SR_MAX_STEPS 96
/* the largest scale a model file may declare */
#define SR_MAX_SCALE 8

typedef enum {
  SR_STEP_CONV,      /* convs[conv] on value a */
  SR_STEP_ADD,       /* act (a + b), both on the same grid */
  SR_STEP_SHUFFLE,   /* pixel shuffle of value a by factor r: c*r*r channels -> c */
} SrStepKind;

typedef struct {
  SrStepKind kind;
  int a, b;          /* input values */
  int conv;          /* SR_STEP_CONV */
  SrActivation act;  /* SR_STEP_ADD */
  int r;             /* SR_STEP_SHUFFLE */
} SrStep;

typedef struct {
  int channels;
  int level;         /* grid = level x the input's size */
} SrValue;

struct _SrModel {
  SrTensorFile *file;   /* owns the weights the layers point into */
  char *what;           /* where it came from, for messages */
  char *family;
  int scale;
  int n_convs;
  SrConv convs[SR_MAX_CONVS];
  /* Step i computes value i + 1. The last value is the output: one channel at
   * level scale, or q*q channels at level scale/q that the runner's store
   * shuffles by q (ESPCN and FSRCNN end that way at level 1). */
  int n_steps;
  SrStep steps[SR_MAX_STEPS];
  SrValue values[SR_MAX_STEPS + 1];
  /* Where the store reads the output's sub-pixel (i, j): channel i q + j at (y +
   * out_offset[i], x + out_offset[j]) of the last value (sr_subpixel_window(); all
   * 0 but for FSRCNN x3, whose last layer is then a dense 3x3 convolution). */
  int out_offset[8];
  double macs_per_pixel;  /* the network's own cost, per input pixel */
  gboolean bf16;          /* bfloat16 asked for (sr_model_set_bf16) */
  GPtrArray *owned;       /* weights a family derived at load time */
  gsize n_params;         /* of the tensors the family read */
  gsize weight_bytes;     /* their bytes */
  gsize derived_bytes;    /* bytes of @owned (ever allocated) */
};

/* The weights of @name, after checking it has exactly the @n_dims dimensions of
 * @shape (a -1 in @shape accepts any size and reports it back). */
const float *sr_model_tensor (SrModel *model, const char *name, int n_dims,
    gint64 *shape, GError **error);

/* Building steps; each returns the new value, or -1 with @error set. */

/* The convolution "<prefix>.weight" / "<prefix>.bias" ([cout, in's channels, k, k],
 * odd k; @cout -1 accepts any) on value @in, with activation @act. */
int sr_model_conv (SrModel *model, int in, const char *prefix, gint64 cout,
    SrActivation act, GError **error);
/* A convolution with weights the family derived itself ([cout][cin][k][k], memory
 * from sr_model_alloc_weights()). */
int sr_model_conv_derived (SrModel *model, int in, int cout, int k, const float *weight,
    const float *bias, SrActivation act, GError **error);
/* Gives the convolution that made value @v a PReLU whose slopes are @name. */
gboolean sr_model_set_prelu (SrModel *model, int v, const char *name, GError **error);
/* The convolution "<name>" followed by a PReLU whose slopes are "<name>_act.weight",
 * or @slopes when the names differ (as FSRCNN's mapping layers' do). */
int sr_model_conv_prelu (SrModel *model, int in, const char *name, const char *slopes,
    gint64 cout, GError **error);
int sr_model_add (SrModel *model, int a, int b, SrActivation act, GError **error);
/* How many of "<prefix>.0.weight", "<prefix>.1.weight", ... the file has, in a row:
 * the depth of a family's repeated block (FSRCNN's mapping layers, say). */
int sr_model_count_indexed (const SrModel *model, const char *prefix);
int sr_model_shuffle (SrModel *model, int in, int r, GError **error);

/* The convolution that computes value @v (a SR_STEP_CONV output). */
static inline SrConv *
sr_model_conv_of (SrModel *model, int v)
{
  return &model->convs[model->steps[v - 1].conv];
}

/* Memory the model frees with itself. */
float *sr_model_alloc_weights (SrModel *model, gsize n_floats);

gboolean sr_espcn_build (SrModel *model, GError **error);
gboolean sr_fsrcnn_build (SrModel *model, GError **error);
gboolean sr_lesrcnn_build (SrModel *model, GError **error);
gboolean sr_sesr_build (SrModel *model, GError **error);
