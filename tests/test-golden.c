/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The C engine against PyTorch: each shipped model (as the plugin's resource list
 * names them) on the golden vectors its training run wrote (tests/golden/<model>.safetensors: an input crop of a real
 * image and PyTorch's output on it), and small random-weight networks of every
 * family and scale (tests/golden/random/, from models/training/make_test_vectors.py)
 * so each graph is checked whether or not its family has shipped. */
#include <math.h>
#include <string.h>

#include "sr-safetensors.h"
#include "srengine.h"

static void
check_golden (gconstpointer data)
{
  const char *name = data;
  const char *models = g_getenv ("SR_MODELS_DIR"), *golden = g_getenv ("SR_GOLDEN_DIR");
  g_assert_nonnull (models);
  g_assert_nonnull (golden);
  gboolean random = g_str_has_prefix (name, "random/");
  g_autofree char *model_path = random
      ? g_strdup_printf ("%s/%s.safetensors", golden, name)
      : g_strdup_printf ("%s/%s.safetensors", models, name);
  g_autofree char *golden_path = random
      ? g_strdup_printf ("%s/%s.golden.safetensors", golden, name)
      : g_strdup_printf ("%s/%s.safetensors", golden, name);
  g_autoptr (GError) error = NULL;
  g_autoptr (SrModel) model = sr_model_new_from_file (model_path, &error);
  g_assert_no_error (error);
  g_autoptr (SrTensorFile) vectors = sr_tensor_file_load (golden_path, &error);
  g_assert_no_error (error);
  const SrTensor *in = sr_tensor_file_get (vectors, "input");
  const SrTensor *want = sr_tensor_file_get (vectors, "output");
  g_assert_nonnull (in);
  g_assert_nonnull (want);
  int r = sr_model_get_scale (model), h = in->shape[0], w = in->shape[1];
  g_assert_cmpint (want->shape[0], ==, h * r);
  g_assert_cmpint (want->shape[1], ==, w * r);
  g_autoptr (SrRunner) runner = sr_runner_new (model, w, h, 2, &error);
  g_assert_no_error (error);
  sr_runner_set_tile_size (runner, 16, 16);   /* several tiles, so halos are crossed */
  g_autofree float *got = g_new (float, want->n_elements);
  sr_runner_process_f32 (runner, in->data, w, got, (gsize) w * r);
  double max_err = 0;
  for (gsize i = 0; i < want->n_elements; i++)
    max_err = MAX (max_err, fabs (got[i] - want->data[i]));
  g_test_message ("%s: max abs error vs PyTorch %.3g", name, max_err);
  g_assert_cmpfloat (max_err, <=, 1e-4);
}

/* "espcn_x2", ... as models/srupscale-models.gresource.xml lists them. */
static GPtrArray *
shipped_models (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("SR_MODELS_DIR"),
      "srupscale-models.gresource.xml", NULL);
  g_autofree char *xml = NULL;
  if (!g_file_get_contents (path, &xml, NULL, NULL))
    g_error ("cannot read %s", path);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  for (const char *p = xml; (p = strstr (p, "<file>")); ) {
    p += strlen ("<file>");
    const char *end = strstr (p, ".safetensors</file>");
    if (end)
      g_ptr_array_add (names, g_strndup (p, end - p));
  }
  return names;
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GPtrArray) names = shipped_models ();
  g_assert_cmpuint (names->len, >=, 3);
  static const char *random[] = {
    "random/espcn_x2", "random/espcn_x3", "random/espcn_x4",
    "random/fsrcnn_x2", "random/fsrcnn_x3", "random/fsrcnn_x4",
    "random/lesrcnn_x2", "random/lesrcnn_x3", "random/lesrcnn_x4",
    "random/sesr_x2", "random/sesr_x3", "random/sesr_x4" };
  for (gsize i = 0; i < G_N_ELEMENTS (random); i++)
    g_ptr_array_add (names, g_strdup (random[i]));
  for (guint i = 0; i < names->len; i++) {
    const char *name = g_ptr_array_index (names, i);
    g_autofree char *path = g_strdup_printf ("/golden/%s", name);
    g_test_add_data_func (path, name, check_golden);
  }
  return g_test_run ();
}
