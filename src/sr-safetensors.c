/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sr-safetensors.h"

#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
  sr_tensor_file_close_source (file);
  g_hash_table_unref (file->tensors);
  g_hash_table_unref (file->metadata);
  g_free (file->what);
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

/* A string member, or NULL when it is missing or not a string (json-glib's own
 * getters complain with a CRITICAL on a member of another type). */
static const char *
get_string_member (JsonObject *obj, const char *name)
{
  JsonNode *n = json_object_get_member (obj, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static SrTensor *
parse_tensor (const char *name, JsonNode *node, guint64 data_len, ByteRange *range,
    const char *what, GError **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_HEADER,
        "%s: entry \"%s\" is not a JSON object", what, name);
    return NULL;
  }
  JsonObject *obj = json_node_get_object (node);
  const char *dtype = get_string_member (obj, "dtype");
  if (dtype == NULL || strcmp (dtype, "F32") != 0) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_HEADER,
        "%s: tensor \"%s\" has dtype %s; only F32 (float32) is supported",
        what, name, dtype ? dtype : json_object_has_member (obj, "dtype")
        ? "(not a string)" : "(missing)");
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
  t->offset = begin;
  range->begin = begin;
  range->end = end;
  range->name = t->name;
  return t;
fail:
  tensor_free (t);
  return NULL;
}

/* Reads @len bytes at @offset of the source into @dst. */
static gboolean
read_source (SrTensorFile *file, guint64 offset, void *dst, gsize len, GError **error)
{
  if (file->bytes) {
    gsize size;
    const guint8 *buf = g_bytes_get_data (file->bytes, &size);
    g_assert (offset <= size && len <= size - offset);   /* checked by the header */
    memcpy (dst, buf + offset, len);
    return TRUE;
  }
  if (file->fd < 0) {
    g_set_error (error, SR_ERROR, SR_ERROR_NOT_FOUND,
        "%s: the file was closed before its values were read", file->what);
    return FALSE;
  }
  gsize done = 0;
  while (done < len) {
    ssize_t n = pread (file->fd, (guint8 *) dst + done, len - done, offset + done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      g_set_error (error, SR_ERROR, SR_ERROR_NOT_FOUND, "%s: cannot read: %s", file->what,
          g_strerror (errno));
      return FALSE;
    }
    if (n == 0) {
      g_set_error (error, SR_ERROR, SR_ERROR_TRUNCATED,
          "%s: truncated while it was being read (byte %" G_GUINT64_FORMAT
          " is gone)", file->what, offset + done);
      return FALSE;
    }
    done += n;
  }
  return TRUE;
}

const float *
sr_tensor_file_read (SrTensorFile *file, const SrTensor *tensor, GError **error)
{
  SrTensor *t = (SrTensor *) tensor;   /* owned by @file */
  if (t->data)
    return t->data;
  float *data = g_aligned_alloc (MAX (t->n_elements, 1), sizeof (float), 64);
  if (!read_source (file, file->data_start + t->offset, data, t->n_elements * sizeof (float),
          error)) {
    g_aligned_free (data);
    return NULL;
  }
#if G_BYTE_ORDER == G_BIG_ENDIAN
  for (gsize i = 0; i < t->n_elements; i++) {
    guint32 u;
    memcpy (&u, &data[i], 4);
    u = GUINT32_FROM_LE (u);
    memcpy (&data[i], &u, 4);
  }
#endif
  for (gsize i = 0; i < t->n_elements; i++) {
    if (!isfinite (data[i])) {
      g_set_error (error, SR_ERROR, SR_ERROR_BAD_VALUE,
          "%s: tensor \"%s\" holds a non-finite value (NaN or infinity) at index %"
          G_GSIZE_FORMAT, file->what, t->name, i);
      g_aligned_free (data);
      return NULL;
    }
  }
  t->data = data;
  return data;
}

void
sr_tensor_file_close_source (SrTensorFile *file)
{
  g_clear_pointer (&file->bytes, g_bytes_unref);
  if (file->fd >= 0)
    close (file->fd);
  file->fd = -1;
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

/* The deepest nesting of arrays and objects in JSON text @s, counted without a
 * parser (json-glib recurses, and a header of 100,000 '[' overflows its stack);
 * stops counting past @limit. */
static int
json_depth (const char *s, gsize len, int limit)
{
  int depth = 0, deepest = 0;
  gboolean in_string = FALSE;
  for (gsize i = 0; i < len && deepest <= limit; i++) {
    char c = s[i];
    if (in_string) {
      if (c == '\\')
        i++;
      else if (c == '"')
        in_string = FALSE;
    } else if (c == '"') {
      in_string = TRUE;
    } else if (c == '[' || c == '{') {
      depth++;
      deepest = MAX (deepest, depth);
    } else if (c == ']' || c == '}') {
      depth--;
    }
  }
  return deepest;
}

/* Header checks, given the 8-byte length prefix and the file's size. */
static gboolean
check_header_length (guint64 header_len, guint64 file_len, const char *what,
    GError **error)
{
  if (header_len > MAX_HEADER_BYTES) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_HEADER,
        "%s: not a safetensors file (its header length %" G_GUINT64_FORMAT
        " is implausible)", what, header_len);
    return FALSE;
  }
  if (header_len > file_len - 8) {
    g_set_error (error, SR_ERROR, SR_ERROR_TRUNCATED,
        "%s: truncated: the header needs %" G_GUINT64_FORMAT " bytes, the file has %"
        G_GUINT64_FORMAT, what, header_len, file_len - 8);
    return FALSE;
  }
  return TRUE;
}

static gboolean
check_file_length (guint64 file_len, const char *what, GError **error)
{
  if (file_len < 8) {
    g_set_error (error, SR_ERROR, SR_ERROR_TRUNCATED,
        "%s: truncated: %" G_GUINT64_FORMAT " bytes is too short for a safetensors file",
        what, file_len);
    return FALSE;
  }
  return TRUE;
}

/* Parses the JSON header @json (@json_len bytes) of a file of @file_len bytes into
 * a file whose values are still to be read. */
static SrTensorFile *
parse_header (const char *json, guint64 json_len, guint64 file_len, const char *what,
    GError **error)
{
  if (json_depth (json, json_len, SR_MAX_HEADER_DEPTH) > SR_MAX_HEADER_DEPTH) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_HEADER,
        "%s: not a safetensors file (its header nests deeper than %d levels)", what,
        SR_MAX_HEADER_DEPTH);
    return NULL;
  }
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) json_error = NULL;
  if (!json_parser_load_from_data (parser, json, json_len, &json_error)) {
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
  file->fd = -1;
  file->what = g_strdup (what);
  file->tensors = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, tensor_free);
  file->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  file->data_start = 8 + json_len;
  file->data_len = file_len - 8 - json_len;
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
    SrTensor *t = parse_tensor (name, node, file->data_len, &range, what, error);
    if (t == NULL)
      goto fail;
    g_hash_table_insert (file->tensors, t->name, t);
    g_array_append_val (ranges, range);
  }
  if (!check_ranges (ranges, file->data_len, what, error))
    goto fail;
  g_array_unref (ranges);
  return file;
fail:
  g_array_unref (ranges);
  sr_tensor_file_free (file);
  return NULL;
}

SrTensorFile *
sr_tensor_file_open_bytes (GBytes *bytes, const char *what, GError **error)
{
  gsize len;
  const guint8 *buf = g_bytes_get_data (bytes, &len);
  if (!check_file_length (len, what, error))
    return NULL;
  guint64 header_len;
  memcpy (&header_len, buf, 8);
  header_len = GUINT64_FROM_LE (header_len);
  if (!check_header_length (header_len, len, what, error))
    return NULL;
  SrTensorFile *file = parse_header ((const char *) buf + 8, header_len, len, what, error);
  if (file)
    file->bytes = g_bytes_ref (bytes);
  return file;
}

SrTensorFile *
sr_tensor_file_open (const char *path, GError **error)
{
  /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer */
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    g_set_error (error, SR_ERROR, SR_ERROR_NOT_FOUND, "cannot read model file %s: %s",
        path, g_strerror (errno));
    return NULL;
  }
  struct stat st;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
    g_set_error (error, SR_ERROR, SR_ERROR_NOT_FOUND,
        "cannot read model file %s: not a regular file", path);
    close (fd);
    return NULL;
  }
  SrTensorFile *file = NULL;
  char *json = NULL;
  guint64 header_len;
  SrTensorFile probe = { .what = (char *) path, .fd = fd };
  if (!check_file_length (st.st_size, path, error)
      || !read_source (&probe, 0, &header_len, 8, error))
    goto out;
  header_len = GUINT64_FROM_LE (header_len);
  if (!check_header_length (header_len, st.st_size, path, error))
    goto out;
  json = g_malloc (MAX (header_len, 1));
  if (!read_source (&probe, 8, json, header_len, error))
    goto out;
  file = parse_header (json, header_len, st.st_size, path, error);
  if (file) {
    file->fd = fd;
    fd = -1;
  }
out:
  g_free (json);
  if (fd >= 0)
    close (fd);
  return file;
}

static SrTensorFile *
read_all (SrTensorFile *file, GError **error)
{
  if (file == NULL)
    return NULL;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, file->tensors);
  while (g_hash_table_iter_next (&it, NULL, &value)) {
    if (!sr_tensor_file_read (file, value, error)) {
      sr_tensor_file_free (file);
      return NULL;
    }
  }
  sr_tensor_file_close_source (file);
  return file;
}

SrTensorFile *
sr_tensor_file_parse (GBytes *bytes, const char *what, GError **error)
{
  return read_all (sr_tensor_file_open_bytes (bytes, what, error), error);
}

SrTensorFile *
sr_tensor_file_load (const char *path, GError **error)
{
  return read_all (sr_tensor_file_open (path, error), error);
}
