/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the plugin knows of its built-in models without reading them: one row per
 * shipped file, generated at build time from the files' headers
 * (models/gen-model-table.py). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *family;       /* "espcn" */
  int scale;
  gsize n_params;           /* weights and biases */
  const char *set5_psnr;    /* "36.32" (the file's set5_psnr_pytorch), or NULL */
} SrupscaleModelInfo;

extern const SrupscaleModelInfo srupscale_model_table[];
extern const gsize srupscale_model_table_length;

G_END_DECLS
