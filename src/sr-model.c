#include "sr-model-private.h"

#include <stdlib.h>
#include <string.h>

#include "sr-error.h"

typedef gboolean (*FamilyBuilder) (SrModel *model, GError **error);

static const struct {
  const char *name;
  FamilyBuilder build;
} families[] = {
  { "espcn", sr_espcn_build },
  { "fsrcnn", sr_fsrcnn_build },
};

const float *
sr_model_tensor (SrModel *model, const char *name, int n_dims, gint64 *shape,
    GError **error)
{
  const SrTensor *t = sr_tensor_file_get (model->file, name);
  if (t == NULL) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_SHAPE,
        "%s: tensor \"%s\" is missing (a %s model needs it)", model->what, name,
        model->family);
    return NULL;
  }
  gboolean ok = t->n_dims == n_dims;
  for (int i = 0; ok && i < n_dims; i++)
    ok = shape[i] < 0 || shape[i] == t->shape[i];
  if (!ok) {
    char got[64];
    GString *want = g_string_new ("[");
    for (int i = 0; i < n_dims; i++) {
      if (shape[i] < 0)
        g_string_append_printf (want, "%s*", i ? ", " : "");
      else
        g_string_append_printf (want, "%s%" G_GINT64_FORMAT, i ? ", " : "", shape[i]);
    }
    g_string_append_c (want, ']');
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_SHAPE,
        "%s: tensor \"%s\" has shape %s, a %s x%d model needs %s", model->what, name,
        sr_tensor_shape_string (t, got, sizeof got), model->family, model->scale,
        want->str);
    g_string_free (want, TRUE);
    return NULL;
  }
  for (int i = 0; i < n_dims; i++)
    shape[i] = t->shape[i];
  return t->data;
}

SrConv *
sr_model_add_conv (SrModel *model, const char *prefix, gint64 cout, gint64 cin,
    SrActivation act, GError **error)
{
  char name[64];
  gint64 wshape[4] = { cout, cin, -1, -1 };
  g_snprintf (name, sizeof name, "%s.weight", prefix);
  const float *w = sr_model_tensor (model, name, 4, wshape, error);
  if (w == NULL)
    return NULL;
  if (wshape[2] != wshape[3] || wshape[2] % 2 == 0 || wshape[2] > 15) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_SHAPE,
        "%s: tensor \"%s\" must be a square odd kernel of at most 15x15", model->what,
        name);
    return NULL;
  }
  gint64 bshape[1] = { wshape[0] };
  g_snprintf (name, sizeof name, "%s.bias", prefix);
  const float *b = sr_model_tensor (model, name, 1, bshape, error);
  if (b == NULL)
    return NULL;
  if (model->n_convs == SR_MAX_CONVS) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_FAMILY,
        "%s: more than %d convolutions", model->what, SR_MAX_CONVS);
    return NULL;
  }
  SrConv *c = &model->convs[model->n_convs++];
  c->cout = (int) wshape[0];
  c->cin = (int) wshape[1];
  c->k = (int) wshape[2];
  c->weight = w;
  c->bias = b;
  c->act = act;
  c->kernel = sr_conv_gemm;
  model->macs_per_pixel += (double) c->cout * c->cin * c->k * c->k;
  return c;
}

gboolean
sr_model_add_prelu (SrModel *model, const char *name, GError **error)
{
  SrConv *c = &model->convs[model->n_convs - 1];
  gint64 shape[1] = { c->cout };
  c->slopes = sr_model_tensor (model, name, 1, shape, error);
  c->act = SR_ACT_PRELU;
  return c->slopes != NULL;
}

float *
sr_model_alloc_weights (SrModel *model, gsize n_floats)
{
  float *p = g_aligned_alloc0 (MAX (n_floats, 1), sizeof (float), 64);
  g_ptr_array_add (model->owned, p);
  return p;
}

static float *
alloc_for_kernel (gsize n, gpointer model)
{
  return sr_model_alloc_weights (model, n);
}

gboolean
sr_model_set_bf16 (SrModel *model, gboolean bf16)
{
  for (int c = 0; c < model->n_convs; c++) {
    SrConv *conv = &model->convs[c];
    if (conv->packed) {   /* the previous kernel's copy of the weights */
      g_ptr_array_remove_fast (model->owned, (gpointer) conv->packed);
      conv->packed = NULL;
    }
    sr_conv_choose_kernel (conv, bf16, alloc_for_kernel, model);
  }
  return !bf16 || __builtin_cpu_supports ("avx512bf16");
}

int
sr_model_halo (const SrModel *model)
{
  int halo = 0;
  for (int i = 0; i < model->n_convs; i++)
    halo += sr_conv_radius (&model->convs[i]);
  return halo;
}

static gboolean
read_header_facts (SrModel *model, GError **error)
{
  const char *family = sr_tensor_file_get_metadata (model->file, "family");
  const char *scale = sr_tensor_file_get_metadata (model->file, "scale");
  if (family == NULL || scale == NULL) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_FAMILY,
        "%s: the header's __metadata__ must give \"family\" and \"scale\"", model->what);
    return FALSE;
  }
  model->family = g_strdup (family);
  char *end;
  long s = strtol (scale, &end, 10);
  if (*scale == '\0' || *end != '\0' || s < 1 || s > 8) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_FAMILY,
        "%s: scale \"%s\" is not a whole number from 1 to 8", model->what, scale);
    return FALSE;
  }
  model->scale = (int) s;
  return TRUE;
}

SrModel *
sr_model_new_from_bytes (GBytes *bytes, const char *what, GError **error)
{
  SrModel *model = g_new0 (SrModel, 1);
  model->what = g_strdup (what);
  model->owned = g_ptr_array_new_with_free_func (g_aligned_free);
  model->file = sr_tensor_file_parse (bytes, what, error);
  if (model->file == NULL || !read_header_facts (model, error))
    goto fail;
  for (gsize i = 0; i < G_N_ELEMENTS (families); i++) {
    if (strcmp (families[i].name, model->family) == 0) {
      if (!families[i].build (model, error))
        goto fail;
      sr_model_set_bf16 (model, FALSE);
      return model;
    }
  }
  GString *known = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (families); i++)
    g_string_append_printf (known, "%s%s", i ? ", " : "", families[i].name);
  g_set_error (error, SR_ERROR, SR_ERROR_BAD_FAMILY,
      "%s: unknown network family \"%s\" (this build knows: %s)", what, model->family,
      known->str);
  g_string_free (known, TRUE);
fail:
  sr_model_free (model);
  return NULL;
}

SrModel *
sr_model_new_from_file (const char *path, GError **error)
{
  g_autoptr (GError) io_error = NULL;
  g_autoptr (GMappedFile) mapped = g_mapped_file_new (path, FALSE, &io_error);
  if (mapped == NULL) {
    g_set_error (error, SR_ERROR, SR_ERROR_NOT_FOUND,
        "cannot read model file: %s", io_error->message);
    return NULL;
  }
  g_autoptr (GBytes) bytes = g_mapped_file_get_bytes (mapped);
  return sr_model_new_from_bytes (bytes, path, error);
}

void
sr_model_free (SrModel *model)
{
  if (model == NULL)
    return;
  sr_tensor_file_free (model->file);
  g_ptr_array_unref (model->owned);
  g_free (model->what);
  g_free (model->family);
  g_free (model);
}

const char *
sr_model_get_family (const SrModel *model)
{
  return model->family;
}

int
sr_model_get_scale (const SrModel *model)
{
  return model->scale;
}

const char *
sr_model_get_metadata (const SrModel *model, const char *key)
{
  return sr_tensor_file_get_metadata (model->file, key);
}

gsize
sr_model_get_n_params (const SrModel *model)
{
  gsize n = 0;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, model->file->tensors);
  while (g_hash_table_iter_next (&it, NULL, &value))
    n += ((const SrTensor *) value)->n_elements;
  return n;
}

double
sr_model_get_macs_per_pixel (const SrModel *model)
{
  return model->macs_per_pixel;
}
