/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A validating reader of the safetensors format (models/FORMAT.md).
 *
 * Every byte of the file is treated as hostile until checked: the header length
 * against the file size, the JSON against the format, each tensor's dtype, shape and
 * byte range (inside the data, no overlap), and every value (finite). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_MAX_DIMS 4

typedef struct {
  char *name;
  int n_dims;
  gint64 shape[SR_MAX_DIMS];
  gsize n_elements;
  float *data;              /* an aligned copy, owned by the SrTensorFile */
} SrTensor;

typedef struct {
  GHashTable *tensors;      /* name -> SrTensor* */
  GHashTable *metadata;     /* key -> value, both strings */
} SrTensorFile;

/* @what names the source in error messages (a path or a resource name). */
SrTensorFile *sr_tensor_file_parse (GBytes *bytes, const char *what, GError **error);
SrTensorFile *sr_tensor_file_load (const char *path, GError **error);
void sr_tensor_file_free (SrTensorFile *file);

const SrTensor *sr_tensor_file_get (const SrTensorFile *file, const char *name);
const char *sr_tensor_file_get_metadata (const SrTensorFile *file, const char *key);

/* Formats a shape as "[32, 64, 3, 3]" into @buf for error messages. */
const char *sr_tensor_shape_string (const SrTensor *t, char *buf, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrTensorFile, sr_tensor_file_free)

G_END_DECLS
