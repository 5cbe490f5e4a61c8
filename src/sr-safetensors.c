/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sr-safetensors.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "sr-error.h"

/* A header larger than this is not a model of ours: refuse before parsing it. */
#define MAX_HEADER_BYTES (16 * 1024 * 1024)
#define MAX_DIM_SIZE (1 << 24)

G_DEFINE_QUARK (sr-error-quark, sr_error)

typedef struct {
  guint64 begin, end;
  const char *name;
} ByteRange;

static void
tensor_free (gpointer p)
{
  SrTensor *t = p;
  g_free (t->name);
  g_aligned_free (t->data);
  g_free (t);
}

void
sr_tensor_file_free (SrTensorFile *file)
{
  if (file == NULL)
    return;
  g_hash_table_unref (file->tensors);
  g_hash_table_unref (file->metadata);
  g_free (file);
}

const SrTensor *
sr_tensor_file_get (const SrTensorFile *file, const char *name)
{
  return g_hash_table_lookup (file->tensors, name);
}

const char *
sr_tensor_file_get_metadata (const SrTensorFile *file, const char *key)
{
  return g_hash_table_lookup (file->metadata, key);
}

const char *
sr_tensor_shape_string (const SrTensor *t, char *buf, gsize len)
{
  GString *s = g_string_new ("[");
  for (int i = 0; i < t->n_dims; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? ", " : "", t->shape[i]);
  g_string_append_c (s, ']');
  g_strlcpy (buf, s->str, len);
  g_string_free (s, TRUE);
  return buf;
}

static gboolean
parse_metadata (JsonNode *node, SrTensorFile *file, const char *what, GError **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_HEADER,
        "%s: \"__metadata__\" is not a JSON object", what);
    return FALSE;
  }
  JsonObject *obj = json_node_get_object (node);
  g_autoptr (GList) members = json_object_get_members (obj);
  for (GList *l = members; l; l = l->next) {
    JsonNode *v = json_object_get_member (obj, l->data);
    if (!JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (v) != G_TYPE_STRING) {
      g_set_error (error, SR_ERROR, SR_ERROR_BAD_HEADER,
          "%s: metadata \"%s\" is not a string", what, (const char *) l->data);
      return FALSE;
    }
    g_hash_table_insert (file->metadata, g_strdup (l->data),
        g_strdup (json_node_get_string (v)));
  }
  return TRUE;
}

static gboolean
get_int (JsonArray *arr, guint i, gint64 *out)
{
  JsonNode *n = json_array_get_element (arr, i);
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (n);
  return TRUE;
}

static SrTensor *
parse_tensor (const char *name, JsonNode *node, const guint8 *data, guint64 data_len,
    ByteRange *range, const char *what, GError **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_HEADER,
        "%s: entry \"%s\" is not a JSON object", what, name);
    return NULL;
  }
  JsonObject *obj = json_node_get_object (node);
  const char *dtype = json_object_get_string_member_with_default (obj, "dtype", NULL);
  if (dtype == NULL || strcmp (dtype, "F32") != 0) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_HEADER,
        "%s: tensor \"%s\" has dtype %s; only F32 (float32) is supported",
        what, name, dtype ? dtype : "(missing)");
    return NULL;
  }
  JsonNode *shape_node = json_object_get_member (obj, "shape");
  JsonNode *offs_node = json_object_get_member (obj, "data_offsets");
  if (!shape_node || !JSON_NODE_HOLDS_ARRAY (shape_node)
      || !offs_node || !JSON_NODE_HOLDS_ARRAY (offs_node)
      || json_array_get_length (json_node_get_array (offs_node)) != 2) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_HEADER,
        "%s: tensor \"%s\" needs a \"shape\" array and a two-element \"data_offsets\"",
        what, name);
    return NULL;
  }
  JsonArray *shape = json_node_get_array (shape_node);
  guint n_dims = json_array_get_length (shape);
  if (n_dims > SR_MAX_DIMS) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_SHAPE,
        "%s: tensor \"%s\" has %u dimensions (at most %d)", what, name, n_dims, SR_MAX_DIMS);
    return NULL;
  }
  SrTensor *t = g_new0 (SrTensor, 1);
  t->name = g_strdup (name);
  t->n_dims = n_dims;
  t->n_elements = 1;
  for (guint i = 0; i < n_dims; i++) {
    if (!get_int (shape, i, &t->shape[i]) || t->shape[i] < 0 || t->shape[i] > MAX_DIM_SIZE) {
      g_set_error (error, SR_ERROR, SR_ERROR_BAD_SHAPE,
          "%s: tensor \"%s\" has an invalid dimension %u", what, name, i);
      goto fail;
    }
    t->n_elements *= t->shape[i];
    if (t->n_elements > (gsize) MAX_DIM_SIZE) {
      g_set_error (error, SR_ERROR, SR_ERROR_BAD_SHAPE,
          "%s: tensor \"%s\" is too large", what, name);
      goto fail;
    }
  }
  JsonArray *offs = json_node_get_array (offs_node);
  gint64 begin, end;
  if (!get_int (offs, 0, &begin) || !get_int (offs, 1, &end) || begin < 0 || end < begin) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_HEADER,
        "%s: tensor \"%s\" has invalid data_offsets", what, name);
    goto fail;
  }
  if ((guint64) (end - begin) != t->n_elements * sizeof (float)) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_HEADER,
        "%s: tensor \"%s\" spans %" G_GINT64_FORMAT " bytes but its shape needs %"
        G_GSIZE_FORMAT, what, name, end - begin, t->n_elements * sizeof (float));
    goto fail;
  }
  if ((guint64) end > data_len) {
    g_set_error (error, SR_ERROR, SR_ERROR_TRUNCATED,
        "%s: truncated: tensor \"%s\" ends at byte %" G_GINT64_FORMAT
        " of the data but the file holds only %" G_GUINT64_FORMAT,
        what, name, end, data_len);
    goto fail;
  }
  t->data = g_aligned_alloc (MAX (t->n_elements, 1), sizeof (float), 64);
  memcpy (t->data, data + begin, t->n_elements * sizeof (float));
#if G_BYTE_ORDER == G_BIG_ENDIAN
  for (gsize i = 0; i < t->n_elements; i++) {
    guint32 u;
    memcpy (&u, &t->data[i], 4);
    u = GUINT32_FROM_LE (u);
    memcpy (&t->data[i], &u, 4);
  }
#endif
  for (gsize i = 0; i < t->n_elements; i++) {
    if (!isfinite (t->data[i])) {
      g_set_error (error, SR_ERROR, SR_ERROR_BAD_VALUE,
          "%s: tensor \"%s\" holds a non-finite value (NaN or infinity) at index %"
          G_GSIZE_FORMAT, what, name, i);
      goto fail;
    }
  }
  range->begin = begin;
  range->end = end;
  range->name = t->name;
  return t;
fail:
  tensor_free (t);
  return NULL;
}

static int
compare_ranges (gconstpointer a, gconstpointer b)
{
  const ByteRange *x = a, *y = b;
  return x->begin < y->begin ? -1 : x->begin > y->begin;
}

/* Tensors must tile the data exactly: no overlap, no hole, nothing after. */
static gboolean
check_ranges (GArray *ranges, guint64 data_len, const char *what, GError **error)
{
  g_array_sort (ranges, compare_ranges);
  guint64 pos = 0;
  for (guint i = 0; i < ranges->len; i++) {
    ByteRange *r = &g_array_index (ranges, ByteRange, i);
    if (r->begin != pos) {
      g_set_error (error, SR_ERROR, SR_ERROR_BAD_HEADER,
          "%s: tensor \"%s\" %s another tensor's data", what, r->name,
          r->begin < pos ? "overlaps" : "leaves a gap before");
      return FALSE;
    }
    pos = r->end;
  }
  if (pos != data_len) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_HEADER,
        "%s: %" G_GUINT64_FORMAT " bytes after the last tensor belong to none", what,
        data_len - pos);
    return FALSE;
  }
  return TRUE;
}

SrTensorFile *
sr_tensor_file_parse (GBytes *bytes, const char *what, GError **error)
{
  gsize len;
  const guint8 *buf = g_bytes_get_data (bytes, &len);
  if (len < 8) {
    g_set_error (error, SR_ERROR, SR_ERROR_TRUNCATED,
        "%s: truncated: %" G_GSIZE_FORMAT " bytes is too short for a safetensors file",
        what, len);
    return NULL;
  }
  guint64 header_len;
  memcpy (&header_len, buf, 8);
  header_len = GUINT64_FROM_LE (header_len);
  if (header_len > MAX_HEADER_BYTES) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_HEADER,
        "%s: not a safetensors file (its header length %" G_GUINT64_FORMAT
        " is implausible)", what, header_len);
    return NULL;
  }
  if (header_len > len - 8) {
    g_set_error (error, SR_ERROR, SR_ERROR_TRUNCATED,
        "%s: truncated: the header needs %" G_GUINT64_FORMAT " bytes, the file has %"
        G_GSIZE_FORMAT, what, header_len, len - 8);
    return NULL;
  }
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) json_error = NULL;
  if (!json_parser_load_from_data (parser, (const char *) buf + 8, header_len, &json_error)) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_HEADER,
        "%s: not a safetensors file (header is not JSON: %s)", what, json_error->message);
    return NULL;
  }
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_HEADER,
        "%s: not a safetensors file (header is not a JSON object)", what);
    return NULL;
  }

  SrTensorFile *file = g_new0 (SrTensorFile, 1);
  file->tensors = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, tensor_free);
  file->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const guint8 *data = buf + 8 + header_len;
  guint64 data_len = len - 8 - header_len;
  GArray *ranges = g_array_new (FALSE, FALSE, sizeof (ByteRange));
  JsonObject *obj = json_node_get_object (root);
  g_autoptr (GList) members = json_object_get_members (obj);
  for (GList *l = members; l; l = l->next) {
    const char *name = l->data;
    JsonNode *node = json_object_get_member (obj, name);
    if (strcmp (name, "__metadata__") == 0) {
      if (!parse_metadata (node, file, what, error))
        goto fail;
      continue;
    }
    ByteRange range;
    SrTensor *t = parse_tensor (name, node, data, data_len, &range, what, error);
    if (t == NULL)
      goto fail;
    g_hash_table_insert (file->tensors, t->name, t);
    g_array_append_val (ranges, range);
  }
  if (!check_ranges (ranges, data_len, what, error))
    goto fail;
  g_array_unref (ranges);
  return file;
fail:
  g_array_unref (ranges);
  sr_tensor_file_free (file);
  return NULL;
}

SrTensorFile *
sr_tensor_file_load (const char *path, GError **error)
{
  g_autoptr (GError) io_error = NULL;
  g_autoptr (GMappedFile) mapped = g_mapped_file_new (path, FALSE, &io_error);
  if (mapped == NULL) {
    g_set_error (error, SR_ERROR, SR_ERROR_NOT_FOUND,
        "cannot read model file: %s", io_error->message);
    return NULL;
  }
  g_autoptr (GBytes) bytes = g_mapped_file_get_bytes (mapped);
  return sr_tensor_file_parse (bytes, path, error);
}
