/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A validating reader of the safetensors format (models/FORMAT.md).
 *
 * Every byte of the file is treated as hostile until checked: the header length
 * against the file size, the JSON's nesting depth before json-glib sees it, the JSON
 * against the format, each tensor's dtype, shape and byte range (inside the data, no
 * overlap), and every value (finite).
 *
 * Opening reads the header only; a tensor's values are read when asked for
 * (sr_tensor_file_read), so tensors nobody uses are never loaded. Files are read
 * with pread() into memory, never mapped: a file truncated while it loads gives an
 * error, not SIGBUS. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_MAX_DIMS 4
/* JSON nesting our headers need is 3 (header, tensor, shape); deeper is hostile. */
#define SR_MAX_HEADER_DEPTH 16

typedef struct {
  char *name;
  int n_dims;
  gint64 shape[SR_MAX_DIMS];
  gsize n_elements;
  float *data;              /* an aligned copy, owned by the SrTensorFile; NULL
                             * until sr_tensor_file_read() */
  guint64 offset;           /* of its bytes, from the start of the data */
} SrTensor;

typedef struct {
  GHashTable *tensors;      /* name -> SrTensor* */
  GHashTable *metadata;     /* key -> value, both strings */
  char *what;
  /* where values are read from, until sr_tensor_file_close_source() */
  GBytes *bytes;            /* the whole file in memory, or */
  int fd;                   /* an open regular file (-1 when none) */
  guint64 data_start;       /* where the data begins in @bytes or @fd */
  guint64 data_len;
} SrTensorFile;

/* Whole files: the header and every tensor's values. @what names the source in
 * error messages (a path or a resource name). */
SrTensorFile *sr_tensor_file_parse (GBytes *bytes, const char *what, GError **error);
SrTensorFile *sr_tensor_file_load (const char *path, GError **error);
/* The header only; values are read by sr_tensor_file_read() until the source is
 * closed. A path must name a regular file (a FIFO or a device is refused at once,
 * without blocking). */
SrTensorFile *sr_tensor_file_open_bytes (GBytes *bytes, const char *what, GError **error);
SrTensorFile *sr_tensor_file_open (const char *path, GError **error);
/* Reads (once) and checks the values of @t, a tensor of @file. */
const float *sr_tensor_file_read (SrTensorFile *file, const SrTensor *t, GError **error);
void sr_tensor_file_close_source (SrTensorFile *file);
void sr_tensor_file_free (SrTensorFile *file);

const SrTensor *sr_tensor_file_get (const SrTensorFile *file, const char *name);
const char *sr_tensor_file_get_metadata (const SrTensorFile *file, const char *key);

/* Formats a shape as "[32, 64, 3, 3]" into @buf for error messages. */
const char *sr_tensor_shape_string (const SrTensor *t, char *buf, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrTensorFile, sr_tensor_file_free)

G_END_DECLS
