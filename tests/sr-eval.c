/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sr-eval: the standard SR evaluation (models/README.md) of models on the C engine.
 *
 *   sr-eval --datasets ../shared/datasets --sets Set5,Set14,BSD100 models/espcn_x2.safetensors
 *
 * For each model and set it prints the mean Y-PSNR and SSIM of the model and of
 * bicubic upscaling of the same 8-bit LR images. --min-gain D makes it exit 1 when a
 * model does not beat bicubic by D dB on every set; --bicubic-expect S:P checks the
 * protocol itself (bicubic on set S must score P dB within 0.01). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sr-conv.h"
#include "sr-image.h"
#include "sr-plane-upscale.h"
#include "srengine.h"

typedef struct {
  double psnr, ssim;
} Score;

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static char **
list_images (const char *dir, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  if (d == NULL)
    return NULL;
  GPtrArray *names = g_ptr_array_new ();
  const char *name;
  while ((name = g_dir_read_name (d)))
    if (g_str_has_suffix (name, ".png"))
      g_ptr_array_add (names, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (names, compare_paths);
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}

/* Scores bicubic (model NULL) or a model on every image of @dir. */
static gboolean
evaluate (const SrModel *model, int scale, const char *dir, Score *mean, GError **error)
{
  g_auto (GStrv) images = list_images (dir, error);
  if (images == NULL)
    return FALSE;
  int n = 0;
  mean->psnr = mean->ssim = 0;
  for (char **p = images; *p; p++, n++) {
    g_autoptr (SrPlane) full = sr_load_png_luma (*p, error);
    if (full == NULL)
      return FALSE;
    g_autoptr (SrPlane) hr = sr_plane_modcrop (full, scale);
    g_autoptr (SrPlane) lr = sr_degrade (hr, scale);
    g_autoptr (SrPlane) sr = sr_plane_upscale_or_bicubic (model, lr, scale, error);
    if (sr == NULL)
      return FALSE;
    mean->psnr += sr_psnr (sr, hr, scale);
    mean->ssim += sr_ssim (sr, hr, scale);
  }
  if (n == 0) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s: no PNG images", dir);
    return FALSE;
  }
  mean->psnr /= n;
  mean->ssim /= n;
  return TRUE;
}

/* How many of @model's convolutions run a kernel whose name contains @kernel
 * (SR_CONV_KERNEL set: the forced ones), of @n_convs. */
static int
layers_running (const SrModel *model, const char *kernel, int *n_convs, GError **error)
{
  g_autoptr (SrRunner) runner = sr_runner_new (model, 32, 32, 1, error);
  if (runner == NULL)
    return -1;
  int ran = 0;
  *n_convs = 0;
  for (int s = 0; s < sr_model_get_n_steps (model); s++) {
    const char *k = sr_runner_get_step_kernel (runner, s);
    if (k == NULL)
      continue;
    (*n_convs)++;
    ran += strstr (k, kernel) != NULL;
  }
  return ran;
}

int
main (int argc, char **argv)
{
  g_autofree char *datasets = g_strdup ("../shared/datasets");
  g_autofree char *sets = g_strdup ("Set5,Set14,BSD100");
  g_auto (GStrv) expectations = NULL;
  double min_gain = -INFINITY, max_loss = INFINITY;
  g_autofree char *compare_kernel = NULL;
  GOptionEntry entries[] = {
    { "datasets", 0, 0, G_OPTION_ARG_FILENAME, &datasets, "Folder of the test sets", "DIR" },
    { "sets", 0, 0, G_OPTION_ARG_STRING, &sets, "Comma-separated sets", "LIST" },
    { "min-gain", 0, 0, G_OPTION_ARG_DOUBLE, &min_gain,
      "Fail unless each model beats bicubic by this many dB on each set", "DB" },
    { "compare-kernel", 0, 0, G_OPTION_ARG_STRING, &compare_kernel,
      "Also score each model with this SR_CONV_KERNEL (bf16, gemm, ...)", "KERNEL" },
    { "max-loss", 0, 0, G_OPTION_ARG_DOUBLE, &max_loss,
      "Fail if --compare-kernel loses more than this many dB", "DB" },
    { "bicubic-expect", 0, 0, G_OPTION_ARG_STRING_ARRAY, &expectations,
      "Fail unless bicubic scores SET:SCALE:PSNR within 0.01 dB", "SET:SCALE:PSNR" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("[MODEL.safetensors...]");
  g_option_context_set_summary (ctx, "Y-PSNR / SSIM of models and bicubic on the "
      "standard SR test sets, with the C engine.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("sr-eval: %s\n", error->message);
    return 2;
  }
  g_auto (GStrv) set_names = g_strsplit (sets, ",", -1);
  int failures = 0;

  for (char **e = expectations; e && *e; e++) {
    g_auto (GStrv) f = g_strsplit (*e, ":", 3);
    if (g_strv_length (f) != 3) {
      g_printerr ("sr-eval: --bicubic-expect wants SET:SCALE:PSNR, not %s\n", *e);
      return 2;
    }
    g_autofree char *dir = g_build_filename (datasets, f[0], NULL);
    Score s;
    if (!evaluate (NULL, atoi (f[1]), dir, &s, &error)) {
      g_printerr ("sr-eval: %s\n", error->message);
      return 2;
    }
    gboolean ok = fabs (s.psnr - atof (f[2])) <= 0.01;
    g_print ("bicubic x%s %s: %.2f dB (expected %s) %s\n", f[1], f[0], s.psnr, f[2],
        ok ? "ok" : "MISMATCH");
    failures += !ok;
  }

  if (argc > 1)
    g_print ("| model | scale | set | bicubic PSNR / SSIM | model PSNR / SSIM | gain |\n"
        "|---|---|---|---|---|---|\n");
  for (int i = 1; i < argc; i++) {
    g_autoptr (SrModel) model = sr_model_new_from_file (argv[i], &error);
    if (model == NULL) {
      g_printerr ("sr-eval: %s\n", error->message);
      return 2;
    }
    int scale = sr_model_get_scale (model);
    g_autofree char *base = g_path_get_basename (argv[i]);
    for (char **set = set_names; *set; set++) {
      g_autofree char *dir = g_build_filename (datasets, *set, NULL);
      Score bic, mod;
      if (!evaluate (NULL, scale, dir, &bic, &error)
          || !evaluate (model, scale, dir, &mod, &error)) {
        g_printerr ("sr-eval: %s\n", error->message);
        return 2;
      }
      double gain = mod.psnr - bic.psnr;
      g_print ("| %s | x%d | %s | %.2f / %.4f | %.2f / %.4f | %+.2f |\n", base, scale,
          *set, bic.psnr, bic.ssim, mod.psnr, mod.ssim, gain);
      failures += gain < min_gain;
      if (compare_kernel) {
        /* the model packs its weights for the forced kernel when it loads, and each
         * runner keeps it only while the variable is set (else it measures and
         * chooses again among the float32 kernels) */
        g_setenv ("SR_CONV_KERNEL", compare_kernel, TRUE);
        g_autoptr (SrModel) other = sr_model_new_from_file (argv[i], &error);
        Score alt;
        int n_convs = 0, ran = other ? layers_running (other, compare_kernel, &n_convs,
            &error) : -1;
        gboolean scored = ran >= 0 && evaluate (other, scale, dir, &alt, &error);
        g_unsetenv ("SR_CONV_KERNEL");
        if (!scored) {
          g_printerr ("sr-eval: %s\n", error->message);
          return 2;
        }
        g_print ("| %s with %s kernel (on %d of %d layers) | x%d | %s | | %.3f / %.4f | "
            "%+.3f dB against the default kernel (%.3f) |\n", base, compare_kernel, ran,
            n_convs, scale, *set, alt.psnr, alt.ssim, alt.psnr - mod.psnr, mod.psnr);
        failures += mod.psnr - alt.psnr > max_loss;
        /* a comparison that ran the default kernel again could never fail: bfloat16
         * must have run where the CPU has it */
        if (ran == 0 && g_strcmp0 (compare_kernel, "bf16") == 0 && sr_conv_bf16_available ()) {
          g_printerr ("sr-eval: SR_CONV_KERNEL=bf16 ran no layer in bfloat16\n");
          failures++;
        }
      }
    }
  }
  return failures ? 1 : 0;
}
