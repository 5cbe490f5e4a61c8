/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sr-model-private.h"

#include <stdlib.h>
#include <string.h>

#include "sr-error.h"
#include "sr-kernel-choice.h"

typedef gboolean (*FamilyBuilder) (SrModel *model, GError **error);

static const struct {
  const char *name;
  FamilyBuilder build;
} families[] = {
  { "espcn", sr_espcn_build },
  { "fsrcnn", sr_fsrcnn_build },
  { "lesrcnn", sr_lesrcnn_build },
  { "sesr", sr_sesr_build },
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
  /* the budget, before the values are read: a hostile file can name tensors of
   * 64 MiB each, and a family reads tens of them */
  if (t->data == NULL && model->weight_bytes + t->n_elements * sizeof (float)
      > SR_MAX_WEIGHT_BYTES) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_SHAPE,
        "%s: the weights of this %s network need more than %d MiB (with tensor \"%s\" "
        "at least %" G_GSIZE_FORMAT " bytes); this engine loads at most %d MiB",
        model->what, model->family, SR_MAX_WEIGHT_BYTES >> 20, name,
        model->weight_bytes + t->n_elements * sizeof (float), SR_MAX_WEIGHT_BYTES >> 20);
    return NULL;
  }
  gboolean fresh = t->data == NULL;
  const float *data = sr_tensor_file_read (model->file, t, error);
  if (data == NULL)
    return NULL;
  if (fresh) {
    model->weight_bytes += t->n_elements * sizeof (float);
    model->n_params += t->n_elements;
  }
  for (int i = 0; i < n_dims; i++)
    shape[i] = t->shape[i];
  return data;
}

/* Room for one more step (and a convolution, if @conv). */
static gboolean
check_room (SrModel *model, gboolean conv, GError **error)
{
  if (model->n_steps == SR_MAX_STEPS || (conv && model->n_convs == SR_MAX_CONVS)) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_FAMILY,
        "%s: more layers than this engine runs (%d convolutions, %d steps)",
        model->what, SR_MAX_CONVS, SR_MAX_STEPS);
    return FALSE;
  }
  return TRUE;
}

static int
push_step (SrModel *model, SrStep step, int channels, int level)
{
  model->steps[model->n_steps++] = step;
  model->values[model->n_steps] = (SrValue) { channels, level };
  return model->n_steps;
}

int
sr_model_conv_derived (SrModel *model, int in, int cout, int k, const float *weight,
    const float *bias, SrActivation act, GError **error)
{
  if (!check_room (model, TRUE, error))
    return -1;
  SrConv *c = &model->convs[model->n_convs];
  *c = (SrConv) { .cin = model->values[in].channels, .cout = cout, .k = k,
    .weight = weight, .bias = bias, .act = act, .kernel = sr_conv_gemm };
  int level = model->values[in].level;
  model->macs_per_pixel += (double) c->cout * c->cin * k * k * level * level;
  SrStep step = { .kind = SR_STEP_CONV, .a = in, .conv = model->n_convs++ };
  return push_step (model, step, cout, level);
}

int
sr_model_conv (SrModel *model, int in, const char *prefix, gint64 cout,
    SrActivation act, GError **error)
{
  char name[64];
  gint64 wshape[4] = { cout, model->values[in].channels, -1, -1 };
  g_snprintf (name, sizeof name, "%s.weight", prefix);
  const float *w = sr_model_tensor (model, name, 4, wshape, error);
  if (w == NULL)
    return -1;
  if (wshape[2] != wshape[3] || wshape[2] % 2 == 0 || wshape[2] > 15) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_SHAPE,
        "%s: tensor \"%s\" must be a square odd kernel of at most 15x15", model->what,
        name);
    return -1;
  }
  gint64 bshape[1] = { wshape[0] };
  g_snprintf (name, sizeof name, "%s.bias", prefix);
  const float *b = sr_model_tensor (model, name, 1, bshape, error);
  if (b == NULL)
    return -1;
  return sr_model_conv_derived (model, in, (int) wshape[0], (int) wshape[2], w, b, act,
      error);
}

gboolean
sr_model_set_prelu (SrModel *model, int v, const char *name, GError **error)
{
  SrConv *c = sr_model_conv_of (model, v);
  gint64 shape[1] = { c->cout };
  c->slopes = sr_model_tensor (model, name, 1, shape, error);
  c->act = SR_ACT_PRELU;
  return c->slopes != NULL;
}

int
sr_model_conv_prelu (SrModel *model, int in, const char *name, const char *slopes,
    gint64 cout, GError **error)
{
  char act[40];
  g_snprintf (act, sizeof act, "%s_act.weight", name);
  int v = sr_model_conv (model, in, name, cout, SR_ACT_NONE, error);
  if (v < 0 || !sr_model_set_prelu (model, v, slopes ? slopes : act, error))
    return -1;
  return v;
}

int
sr_model_count_indexed (const SrModel *model, const char *prefix)
{
  char name[64];
  int n = 0;
  /* a file with more than a program can hold is refused by the builder's next step */
  for (; n <= SR_MAX_STEPS; n++) {
    g_snprintf (name, sizeof name, "%s.%d.weight", prefix, n);
    if (sr_tensor_file_get (model->file, name) == NULL)
      break;
  }
  return n;
}

int
sr_model_add (SrModel *model, int a, int b, SrActivation act, GError **error)
{
  if (!check_room (model, FALSE, error))
    return -1;
  const SrValue *va = &model->values[a], *vb = &model->values[b];
  if (va->channels != vb->channels || va->level != vb->level) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_SHAPE,
        "%s: cannot add %d channels at x%d to %d channels at x%d", model->what,
        va->channels, va->level, vb->channels, vb->level);
    return -1;
  }
  SrStep step = { .kind = SR_STEP_ADD, .a = a, .b = b, .act = act };
  return push_step (model, step, va->channels, va->level);
}

int
sr_model_shuffle (SrModel *model, int in, int r, GError **error)
{
  if (!check_room (model, FALSE, error))
    return -1;
  const SrValue *v = &model->values[in];
  if (r < 1 || v->channels % (r * r) != 0) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_SHAPE,
        "%s: cannot pixel-shuffle %d channels by %d", model->what, v->channels, r);
    return -1;
  }
  SrStep step = { .kind = SR_STEP_SHUFFLE, .a = in, .r = r };
  return push_step (model, step, v->channels / (r * r), v->level * r);
}

/* The last value must be the picture at the model's scale: one channel at level
 * scale, or q*q channels at level scale/q for the output store to shuffle. */
static gboolean
check_output (SrModel *model, GError **error)
{
  const SrValue *out = &model->values[model->n_steps];
  int q = out->level > 0 && model->scale % out->level == 0 ? model->scale / out->level : 0;
  if (model->n_steps == 0 || q == 0 || out->channels != q * q) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_SHAPE,
        "%s: the network ends in %d channels at x%d, not a x%d picture", model->what,
        out->channels, out->level, model->scale);
    return FALSE;
  }
  return TRUE;
}

float *
sr_model_alloc_weights (SrModel *model, gsize n_floats)
{
  float *p = g_aligned_alloc0 (MAX (n_floats, 1), sizeof (float), 64);
  g_ptr_array_add (model->owned, p);
  model->derived_bytes += n_floats * sizeof (float);
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
  model->bf16 = bf16;
  for (int c = 0; c < model->n_convs; c++) {
    SrConv *conv = &model->convs[c];
    if (conv->packed) {   /* the previous kernel's copy of the weights */
      g_ptr_array_remove_fast (model->owned, (gpointer) conv->packed);
      conv->packed = NULL;
    }
    sr_kernel_kind_apply (sr_kernel_kind_default (conv, bf16), conv, alloc_for_kernel,
        model);
  }
  return !bf16 || __builtin_cpu_supports ("avx512bf16");
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
  if (*scale == '\0' || *end != '\0' || s < 1 || s > SR_MAX_SCALE) {
    g_set_error (error, SR_ERROR, SR_ERROR_BAD_FAMILY,
        "%s: scale \"%s\" is not a whole number from 1 to %d", model->what, scale,
        SR_MAX_SCALE);
    return FALSE;
  }
  model->scale = (int) s;
  return TRUE;
}

/* Builds the network of @file (whose values are read as the family asks for them:
 * tensors it does not use are never read). Takes @file. */
static SrModel *
model_new (SrTensorFile *file, const char *what, GError **error)
{
  SrModel *model = g_new0 (SrModel, 1);
  model->what = g_strdup (what);
  model->owned = g_ptr_array_new_with_free_func (g_aligned_free);
  model->file = file;
  if (model->file == NULL || !read_header_facts (model, error))
    goto fail;
  for (gsize i = 0; i < G_N_ELEMENTS (families); i++) {
    if (strcmp (families[i].name, model->family) == 0) {
      model->values[0] = (SrValue) { 1, 1 };
      if (!families[i].build (model, error) || !check_output (model, error))
        goto fail;
      sr_tensor_file_close_source (model->file);
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
sr_model_new_from_bytes (GBytes *bytes, const char *what, GError **error)
{
  return model_new (sr_tensor_file_open_bytes (bytes, what, error), what, error);
}

SrModel *
sr_model_new_from_file (const char *path, GError **error)
{
  return model_new (sr_tensor_file_open (path, error), path, error);
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
  return model->n_params;
}

gsize
sr_model_get_weight_bytes (const SrModel *model)
{
  return model->weight_bytes + model->derived_bytes;
}

double
sr_model_get_macs_per_pixel (const SrModel *model)
{
  return model->macs_per_pixel;
}

int
sr_model_get_n_steps (const SrModel *model)
{
  return model->n_steps;
}

char *
sr_model_describe_step (const SrModel *model, int i, double *macs_per_pixel)
{
  static const char *act_names[] = { "", " tanh", " relu", " prelu" };
  const SrStep *s = &model->steps[i];
  const SrValue *out = &model->values[i + 1];
  *macs_per_pixel = 0;
  switch (s->kind) {
    case SR_STEP_CONV:{
      const SrConv *c = &model->convs[s->conv];
      *macs_per_pixel = (double) c->cin * c->cout * c->k * c->k * out->level * out->level;
      return g_strdup_printf ("conv %dx%d %d->%d%s, x%d", c->k, c->k, c->cin, c->cout,
          act_names[c->act], out->level);
    }
    case SR_STEP_ADD:
      return g_strdup_printf ("add %d%s, x%d", out->channels, act_names[s->act],
          out->level);
    case SR_STEP_SHUFFLE:
      return g_strdup_printf ("shuffle %d->%d, x%d", model->values[s->a].channels,
          out->channels, out->level);
  }
  return g_strdup ("?");
}
