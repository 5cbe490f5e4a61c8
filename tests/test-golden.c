/* The C engine against PyTorch: each shipped model on the golden vectors its
 * training run wrote (tests/golden/<model>.safetensors: an input crop of a real
 * image and PyTorch's output on it), and small random-weight networks of every
 * family and scale (tests/golden/random/, from models/training/make_test_vectors.py)
 * so each graph is checked whether or not its family has shipped. */
#include <math.h>

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  static const char *names[] = { "espcn_x2", "espcn_x3", "espcn_x4",
    "random/espcn_x2", "random/espcn_x3", "random/espcn_x4",
    "random/fsrcnn_x2", "random/fsrcnn_x3", "random/fsrcnn_x4",
    "random/lesrcnn_x2", "random/lesrcnn_x3", "random/lesrcnn_x4" };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++) {
    g_autofree char *path = g_strdup_printf ("/golden/%s", names[i]);
    g_test_add_data_func (path, names[i], check_golden);
  }
  return g_test_run ();
}
