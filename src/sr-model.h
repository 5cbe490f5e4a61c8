/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A super-resolution model: a network family, its scale and its trained weights,
 * loaded from a safetensors file and checked against what the family expects. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SrModel SrModel;

/* The most weights a model may read (the largest shipped model reads 1.5 MB):
 * a file asking for more is refused before they are read. */
#define SR_MAX_WEIGHT_BYTES (64 << 20)

SrModel *sr_model_new_from_file (const char *path, GError **error);
/* @what names the source in error messages. */
SrModel *sr_model_new_from_bytes (GBytes *bytes, const char *what, GError **error);
void sr_model_free (SrModel *model);

const char *sr_model_get_family (const SrModel *model);
int sr_model_get_scale (const SrModel *model);
/* A value of the file's "__metadata__", or NULL. */
const char *sr_model_get_metadata (const SrModel *model, const char *key);
/* Parameters of the tensors the network uses (a file's other tensors are ignored). */
gsize sr_model_get_n_params (const SrModel *model);
/* Memory the weights take, the family's derived copies included. */
gsize sr_model_get_weight_bytes (const SrModel *model);
/* Runs the layers in bfloat16 (inputs and weights rounded to 8 significant bits,
 * float32 sums: about 1.3x faster, Set5 PSNR 0.004 dB lower for ESPCN) or back in
 * float32. FALSE when asked for bfloat16 on a CPU without AVX512-BF16, which keeps
 * float32. Not while a runner of this model is processing a frame. */
gboolean sr_model_set_bf16 (SrModel *model, gboolean bf16);

/* Multiply-adds per input (low-resolution) pixel. */
double sr_model_get_macs_per_pixel (const SrModel *model);

/* The steps the engine runs the network as, for profiles (sr_runner_set_profiling):
 * a description of step @i ("conv 3x3 48->48 relu, x1"; free it) and the
 * multiply-adds per input pixel it executes (0 for element-wise steps). */
int sr_model_get_n_steps (const SrModel *model);
char *sr_model_describe_step (const SrModel *model, int i, double *macs_per_pixel);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrModel, sr_model_free)

G_END_DECLS
