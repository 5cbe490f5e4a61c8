/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sr-test-model.h"

#include <json-glib/json-glib.h>
#include <string.h>

struct _SrTestModel {
  JsonBuilder *header;
  GByteArray *data;
  GHashTable *metadata;
};

SrTestModel *
sr_test_model_new (void)
{
  SrTestModel *m = g_new0 (SrTestModel, 1);
  m->header = json_builder_new ();
  json_builder_begin_object (m->header);
  m->data = g_byte_array_new ();
  m->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return m;
}

void
sr_test_model_free (SrTestModel *m)
{
  g_object_unref (m->header);
  g_byte_array_unref (m->data);
  g_hash_table_unref (m->metadata);
  g_free (m);
}

void
sr_test_model_set_metadata (SrTestModel *m, const char *key, const char *value)
{
  g_hash_table_insert (m->metadata, g_strdup (key), g_strdup (value));
}

void
sr_test_model_add (SrTestModel *m, const char *name, int n_dims, const gint64 *shape,
    const float *data, GRand *rand)
{
  gsize n = 1;
  for (int i = 0; i < n_dims; i++)
    n *= shape[i];
  gsize begin = m->data->len;
  for (gsize i = 0; i < n; i++) {
    float v = data ? data[i] : (float) g_rand_double_range (rand, -0.5, 0.5);
    g_byte_array_append (m->data, (const guint8 *) &v, sizeof v);
  }
  json_builder_set_member_name (m->header, name);
  json_builder_begin_object (m->header);
  json_builder_set_member_name (m->header, "dtype");
  json_builder_add_string_value (m->header, "F32");
  json_builder_set_member_name (m->header, "shape");
  json_builder_begin_array (m->header);
  for (int i = 0; i < n_dims; i++)
    json_builder_add_int_value (m->header, shape[i]);
  json_builder_end_array (m->header);
  json_builder_set_member_name (m->header, "data_offsets");
  json_builder_begin_array (m->header);
  json_builder_add_int_value (m->header, begin);
  json_builder_add_int_value (m->header, m->data->len);
  json_builder_end_array (m->header);
  json_builder_end_object (m->header);
}

GBytes *
sr_test_model_serialize (SrTestModel *m)
{
  json_builder_set_member_name (m->header, "__metadata__");
  json_builder_begin_object (m->header);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, m->metadata);
  while (g_hash_table_iter_next (&it, &k, &v)) {
    json_builder_set_member_name (m->header, k);
    json_builder_add_string_value (m->header, v);
  }
  json_builder_end_object (m->header);
  json_builder_end_object (m->header);
  g_autoptr (JsonNode) root = json_builder_get_root (m->header);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, root);
  gsize len;
  g_autofree char *text = json_generator_to_data (gen, &len);
  guint64 header_len = GUINT64_TO_LE (len);
  GByteArray *out = g_byte_array_new ();
  g_byte_array_append (out, (const guint8 *) &header_len, 8);
  g_byte_array_append (out, (const guint8 *) text, len);
  g_byte_array_append (out, m->data->data, m->data->len);
  return g_byte_array_free_to_bytes (out);
}

static void
add_conv (SrTestModel *m, const char *prefix, int cout, int cin, int k, GRand *rand)
{
  char name[64];
  gint64 w[4] = { cout, cin, k, k }, b[1] = { cout };
  g_snprintf (name, sizeof name, "%s.weight", prefix);
  sr_test_model_add (m, name, 4, w, NULL, rand);
  g_snprintf (name, sizeof name, "%s.bias", prefix);
  sr_test_model_add (m, name, 1, b, NULL, rand);
}

/* A model of @family at @scale, its tensors still to add. */
static SrTestModel *
family_model (const char *family, int scale)
{
  SrTestModel *m = sr_test_model_new ();
  char s[8];
  g_snprintf (s, sizeof s, "%d", scale);
  sr_test_model_set_metadata (m, "family", family);
  sr_test_model_set_metadata (m, "scale", s);
  return m;
}

GBytes *
sr_test_espcn (int scale, int c1, int c2, int k1, int k2, int k3, GRand *rand)
{
  g_autoptr (SrTestModel) m = family_model ("espcn", scale);
  add_conv (m, "conv1", c1, 1, k1, rand);
  add_conv (m, "conv2", c2, c1, k2, rand);
  add_conv (m, "conv3", scale * scale, c2, k3, rand);
  return sr_test_model_serialize (m);
}

static void
add_prelu (SrTestModel *m, const char *name, int n, GRand *rand)
{
  gint64 shape[1] = { n };
  sr_test_model_add (m, name, 1, shape, NULL, rand);
}

/* @n 3x3 @c->@c convolutions "@conv.i" with PReLU slopes "@act.i.weight". */
static void
add_prelu_chain (SrTestModel *t, const char *conv, const char *act, int n, int c,
    GRand *rand)
{
  for (int i = 0; i < n; i++) {
    char conv_i[32], act_i[32];
    g_snprintf (conv_i, sizeof conv_i, "%s.%d", conv, i);
    g_snprintf (act_i, sizeof act_i, "%s.%d.weight", act, i);
    add_conv (t, conv_i, c, c, 3, rand);
    add_prelu (t, act_i, c, rand);
  }
}

GBytes *
sr_test_sesr (int scale, int c, int n_body, int tail_k, GRand *rand)
{
  g_autoptr (SrTestModel) t = family_model ("sesr", scale);
  add_conv (t, "head", c, 1, 5, rand);
  add_prelu (t, "head_act.weight", c, rand);
  add_prelu_chain (t, "body", "body_act", n_body, c, rand);
  add_conv (t, "tail", scale * scale, c, tail_k, rand);
  return sr_test_model_serialize (t);
}

GBytes *
sr_test_fsrcnn (int scale, int d, int s, int m, int k, GRand *rand)
{
  g_autoptr (SrTestModel) t = family_model ("fsrcnn", scale);
  add_conv (t, "first", d, 1, 5, rand);
  add_prelu (t, "first_act.weight", d, rand);
  add_conv (t, "shrink", s, d, 1, rand);
  add_prelu (t, "shrink_act.weight", s, rand);
  add_prelu_chain (t, "map", "map_act", m, s, rand);
  add_conv (t, "expand", d, s, 1, rand);
  add_prelu (t, "expand_act.weight", d, rand);
  gint64 w[4] = { d, 1, k, k }, b[1] = { 1 };
  sr_test_model_add (t, "deconv.weight", 4, w, NULL, rand);
  sr_test_model_add (t, "deconv.bias", 1, b, NULL, rand);
  return sr_test_model_serialize (t);
}

void
sr_test_lesrcnn_add (SrTestModel *t, int scale, int c, int hr, int units, int refine,
    GRand *rand)
{
  char buf[32];
  add_conv (t, "head", c, 1, 3, rand);
  for (int i = 0; i < units; i++) {
    g_snprintf (buf, sizeof buf, "pointwise.%d", i);
    add_conv (t, buf, c, c, 1, rand);
    g_snprintf (buf, sizeof buf, "spatial.%d", i);
    add_conv (t, buf, c, c, 3, rand);
  }
  if (scale == 4) {
    add_conv (t, "up.0", 4 * c, c, 3, rand);
    add_conv (t, "up.1", 4 * c, c, 3, rand);
  } else
    add_conv (t, "up.0", scale * scale * c, c, 3, rand);
  for (int i = 0; i < refine; i++) {
    g_snprintf (buf, sizeof buf, "refine.%d", i);
    add_conv (t, buf, hr, i == 0 ? c : hr, 3, rand);
  }
  add_conv (t, "tail", 1, hr, 3, rand);
}

GBytes *
sr_test_lesrcnn (int scale, int c, int hr, int units, int refine, GRand *rand)
{
  g_autoptr (SrTestModel) t = family_model ("lesrcnn", scale);
  sr_test_lesrcnn_add (t, scale, c, hr, units, refine, rand);
  return sr_test_model_serialize (t);
}
