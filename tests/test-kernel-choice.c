/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The runner's kernel choice and its threads: with a fake clock the fastest
 * candidate is the one kept; with the real clock the kept one is the fastest
 * measured; what the choice computes matches the reference kernel; SR_CONV_KERNEL
 * still forces a kernel; n_threads is clamped to the cores; the runners of a
 * process never compute on more threads than cores; OpenBLAS's thread count is the
 * application's again once a runner is gone. */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "sr-blas-threads.h"
#include "sr-kernel-choice.h"
#include "sr-test-compare.h"
#include "sr-test-model.h"
#include "sr-workers.h"
#include "srengine.h"

/* The engine has SIMD kernels on this CPU (direct, Winograd) beside GEMM. */
static gboolean
simd (void)
{
  SrConv any = { .cin = 8, .cout = 8, .k = 3 };
  return sr_kernel_kind_is_candidate (SR_KERNEL_DIRECT, &any, FALSE);
}

static SrModel *
random_espcn (int seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  /* a 3x3 layer wide enough for every kernel kind to be a candidate, and a 5x5 last
   * layer whose four 3x3 blocks Winograd can run */
  g_autoptr (GBytes) bytes = sr_test_espcn (2, 16, 16, 5, 3, 5, rand);
  g_autoptr (GError) error = NULL;
  SrModel *model = sr_model_new_from_bytes (bytes, "random", &error);
  g_assert_no_error (error);
  return model;
}

static float *
upscale (SrRunner *runner, const float *in, int w, int h)
{
  float *out = g_new (float, (gsize) w * h * 4);
  sr_runner_process_f32 (runner, in, w, out, (gsize) w * 2);
  return out;
}

static float *
test_picture (int w, int h)
{
  float *in = g_new (float, (gsize) w * h);
  for (int i = 0; i < w * h; i++)
    in[i] = (float) (0.5 + 0.45 * sin (i * 0.37) * cos (i * 0.011));
  return in;
}

/* Fake clock: the kind named by @user takes 1 us, every other 1 ms. */
static double
favour (int conv, SrKernelKind kind, double seconds, gpointer user)
{
  (void) conv;
  (void) seconds;
  return (int) kind == GPOINTER_TO_INT (user) ? 1e-6 : 1e-3;
}

/* The fastest candidate by the clock is kept, on every layer that has it, and the
 * frame it computes matches the reference kernel's. */
static void
test_fake_clock_picks_fastest (void)
{
  int w = 61, h = 37;
  g_autofree float *in = test_picture (w, h);
  g_setenv ("SR_CONV_KERNEL", "reference", TRUE);
  g_autoptr (SrModel) ref_model = random_espcn (3);
  g_autoptr (SrRunner) ref_runner = sr_runner_new (ref_model, w, h, 1, NULL);
  g_unsetenv ("SR_CONV_KERNEL");
  g_assert_cmpstr (sr_runner_get_step_kernel (ref_runner, 0), ==, "reference");
  g_autofree float *want = upscale (ref_runner, in, w, h);

  g_autoptr (SrModel) model = random_espcn (3);
  for (SrKernelKind kind = SR_KERNEL_GEMM; kind < SR_KERNEL_BF16; kind++) {
    sr_kernel_choice_set_clock (favour, GINT_TO_POINTER (kind));
    g_autoptr (SrRunner) runner = sr_runner_new (model, w, h, 2, NULL);
    sr_kernel_choice_set_clock (NULL, NULL);
    int n_conv = 0, n_kind = 0;
    for (int s = 0; s < sr_model_get_n_steps (model); s++) {
      const char *k = sr_runner_get_step_kernel (runner, s);
      if (k == NULL)
        continue;
      n_conv++;
      /* where the favoured kind was a candidate, it must have been kept */
      if (sr_runner_get_step_seconds (runner, s, sr_kernel_kind_name (kind)) >= 0) {
        g_assert_cmpstr (k, ==, sr_kernel_kind_name (kind));
        n_kind++;
      } else
        g_assert_cmpstr (k, !=, sr_kernel_kind_name (kind));
    }
    g_assert_cmpint (n_conv, ==, 3);
    /* GEMM runs everywhere; the others where the engine has SIMD kernels (Winograd
     * only on the 16->16 layer: 8 or more channels on both sides) */
    if (kind == SR_KERNEL_GEMM || simd ())
      g_assert_cmpint (n_kind, ==, kind == SR_KERNEL_WINOGRAD ? 1 : 3);
    g_autofree float *got = upscale (runner, in, w, h);
    double d = sr_test_max_abs_diff (got, want, (gsize) w * h * 4);
    if (d > 1e-4)
      g_error ("%s everywhere: differs from the reference kernel by %g",
          sr_kernel_kind_name (kind), d);
    /* and model-info's text names it */
    g_autofree char *text = sr_runner_describe_kernels (runner);
    g_autofree char *named = g_strdup_printf ("->16 tanh, x1: %s", sr_kernel_kind_name (kind));
    if (kind == SR_KERNEL_GEMM || simd ())
      g_assert_nonnull (strstr (text, named));
  }
}

/* With the real clock: each layer's kernel is the fastest of the candidates timed
 * on the whole tile, and every kind this CPU runs for the layer was tried. */
static void
test_real_clock_keeps_fastest (void)
{
  g_autoptr (SrModel) model = random_espcn (4);
  for (int bf16 = 0; bf16 <= 1; bf16++) {
    sr_model_set_bf16 (model, bf16);
    /* the engine's own answer: AVX512-BF16 and the AVX-512 level (SR_CPU_LEVEL) */
    SrConv wide = { .cin = 16, .cout = 16, .k = 3 };
    gboolean has_bf16 = sr_kernel_kind_is_candidate (SR_KERNEL_BF16, &wide, TRUE);
    g_autoptr (SrRunner) runner = sr_runner_new (model, 200, 96, 2, NULL);
    g_autofree char *text = sr_runner_describe_kernels (runner);
    g_test_message ("%s", text);
    for (int s = 0; s < sr_model_get_n_steps (model); s++) {
      const char *k = sr_runner_get_step_kernel (runner, s);
      if (k == NULL)
        continue;
      double kept = sr_runner_get_step_seconds (runner, s, k);
      g_assert_cmpfloat (kept, >, 0);
      g_assert_cmpfloat (sr_runner_get_step_seconds (runner, s, "gemm"), >, 0);
      g_assert_cmpfloat (sr_runner_get_step_seconds (runner, s, "reference"), <, 0);
      if (simd ())
        g_assert_cmpfloat (sr_runner_get_step_seconds (runner, s, "direct"), >, 0);
      /* bf16 is a candidate only when asked for (on the one-channel 5x5 layer too: its
       * taps go in pairs) */
      if (!bf16 || !has_bf16)
        g_assert_cmpfloat (sr_runner_get_step_seconds (runner, s, "bf16"), <, 0);
      else
        g_assert_cmpfloat (sr_runner_get_step_seconds (runner, s, "bf16"), >, 0);
      /* Winograd in bfloat16: a candidate wherever Winograd is, when bf16 is */
      gboolean winograd = sr_runner_get_step_seconds (runner, s, "winograd") >= 0;
      if (bf16 && has_bf16 && winograd)
        g_assert_cmpfloat (sr_runner_get_step_seconds (runner, s, "winograd-bf16"), >, 0);
      else
        g_assert_cmpfloat (sr_runner_get_step_seconds (runner, s, "winograd-bf16"), <, 0);
      /* 5x5 as Winograd blocks: on the 5x5 16->4 last layer, where SIMD runs */
      if (simd () && s == 2)
        g_assert_cmpfloat (sr_runner_get_step_seconds (runner, s, "winograd-5x5"), >, 0);
      else
        g_assert_cmpfloat (sr_runner_get_step_seconds (runner, s, "winograd-5x5"), <, 0);
      /* the kept kernel is the fastest, the bf16 kinds counted only with their 10%
       * lead */
      double kept_lead = 1.0;
      for (SrKernelKind kind = 0; kind < SR_KERNEL_N_KINDS; kind++)
        if (g_str_equal (k, sr_kernel_kind_name (kind)) && sr_kernel_kind_is_bf16 (kind))
          kept_lead = 1.1;
      for (SrKernelKind kind = 0; kind < SR_KERNEL_N_KINDS; kind++) {
        double t = sr_runner_get_step_seconds (runner, s, sr_kernel_kind_name (kind));
        if (t < 0)
          continue;
        g_assert_cmpfloat (kept * kept_lead, <=, t * (sr_kernel_kind_is_bf16 (kind) ? 1.1 : 1.0));
      }
    }
  }
  sr_model_set_bf16 (model, FALSE);
}

/* Fake clock: bf16 takes @user times as long as the direct kernel; everything
 * else is slow. */
static double
bf16_against_direct (int conv, SrKernelKind kind, double seconds, gpointer user)
{
  (void) conv;
  (void) seconds;
  double ratio = *(const double *) user;
  return kind == SR_KERNEL_DIRECT ? 1e-4 : kind == SR_KERNEL_BF16 ? 1e-4 * ratio : 1e-2;
}

/* precision=bf16 takes bfloat16 only for a clear gain: at 0.95x the float32 time a
 * layer stays float32 and model-info says why; at 0.5x it runs bfloat16. */
static void
test_bf16_needs_clear_lead (void)
{
  SrConv wide = { .cin = 16, .cout = 16, .k = 3 };
  if (!sr_kernel_kind_is_candidate (SR_KERNEL_BF16, &wide, TRUE)) {
    g_test_skip ("no AVX512-BF16 at this SIMD level");
    return;
  }
  g_autoptr (SrModel) model = random_espcn (6);
  sr_model_set_bf16 (model, TRUE);
  const double ratios[] = { 0.95, 0.5 };
  for (guint i = 0; i < G_N_ELEMENTS (ratios); i++) {
    sr_kernel_choice_set_clock (bf16_against_direct, (gpointer) &ratios[i]);
    g_autoptr (SrRunner) runner = sr_runner_new (model, 64, 48, 1, NULL);
    sr_kernel_choice_set_clock (NULL, NULL);
    const char *want = ratios[i] < 0.9 ? "bf16" : "direct";
    int checked = 0;
    for (int s = 1; s < sr_model_get_n_steps (model); s++)   /* step 0: one input channel */
      if (sr_runner_get_step_kernel (runner, s)) {
        g_assert_cmpstr (sr_runner_get_step_kernel (runner, s), ==, want);
        checked++;
      }
    g_assert_cmpint (checked, ==, 2);
    g_autofree char *text = sr_runner_describe_kernels (runner);
    g_assert_true ((strstr (text, "bf16 not 10% faster here") != NULL) == (ratios[i] > 0.9));
  }
}

/* Fake clock: Winograd in bfloat16 5% faster than the direct bf16 kernel, float32
 * slow. */
static double
winograd_bf16_slightly_faster (int conv, SrKernelKind kind, double seconds, gpointer user)
{
  (void) conv;
  (void) seconds;
  (void) user;
  return kind == SR_KERNEL_WINOGRAD_BF16 ? 0.95e-4 : kind == SR_KERNEL_BF16 ? 1e-4 : 1e-2;
}

/* The lead bf16 needs is over float32: between the two bf16 kernels the faster wins
 * (with the lead on one side only, Winograd-bf16 had to be 10% faster than the direct
 * bf16 kernel). */
static void
test_bf16_kernels_compared_as_they_are (void)
{
  SrConv wide = { .cin = 16, .cout = 16, .k = 3, .act = SR_ACT_TANH };
  if (!sr_kernel_kind_is_candidate (SR_KERNEL_WINOGRAD_BF16, &wide, TRUE)) {
    g_test_skip ("no AVX512-BF16 at this SIMD level");
    return;
  }
  g_autoptr (SrModel) model = random_espcn (6);
  sr_model_set_bf16 (model, TRUE);
  sr_kernel_choice_set_clock (winograd_bf16_slightly_faster, NULL);
  g_autoptr (SrRunner) runner = sr_runner_new (model, 64, 48, 1, NULL);
  sr_kernel_choice_set_clock (NULL, NULL);
  g_assert_cmpstr (sr_runner_get_step_kernel (runner, 1), ==, "winograd-bf16");
}

/* SR_CONV_KERNEL still forces the kernel: no measurement, the forced one. */
static void
test_environment_forces (void)
{
  g_setenv ("SR_CONV_KERNEL", "gemm", TRUE);
  g_autoptr (SrModel) model = random_espcn (5);
  g_autoptr (SrRunner) runner = sr_runner_new (model, 40, 30, 2, NULL);
  g_unsetenv ("SR_CONV_KERNEL");
  for (int s = 0; s < sr_model_get_n_steps (model); s++)
    if (sr_runner_get_step_kernel (runner, s))
      g_assert_cmpstr (sr_runner_get_step_kernel (runner, s), ==, "gemm");
  g_autofree char *text = sr_runner_describe_kernels (runner);
  g_assert_nonnull (strstr (text, "forced by SR_CONV_KERNEL"));
}

/* n_threads beyond the cores (256 crashed OpenBLAS once) is clamped, and runs. */
static void
test_threads_clamped (void)
{
  g_autoptr (SrModel) model = random_espcn (6);
  g_autoptr (GError) error = NULL;
  g_autoptr (SrRunner) runner = sr_runner_new (model, 64, 48, 256, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sr_runner_get_n_threads (runner), <=, (int) g_get_num_processors ());
  g_assert_cmpint (sr_runner_get_n_threads (runner), >=, 1);
  g_autofree float *in = test_picture (64, 48);
  g_autofree float *out = upscale (runner, in, 64, 48);
  g_assert_true (isfinite (out[0]) && isfinite (out[64 * 48 * 4 - 1]));
}

typedef struct {
  SrRunner *runner;
  const float *in;
  int frames;
} Stream;

static gpointer
stream_main (gpointer data)
{
  Stream *s = data;
  for (int i = 0; i < s->frames; i++)
    g_free (upscale (s->runner, s->in, 96, 64));
  return NULL;
}

/* Four streams of one process, each asking for every core: never more threads
 * computing at once than cores. */
static void
test_streams_share_cores (void)
{
  g_autoptr (SrModel) model = random_espcn (7);
  g_autofree float *in = test_picture (96, 64);
  Stream streams[4];
  GThread *threads[4];
  for (int i = 0; i < 4; i++)
    streams[i] = (Stream) { sr_runner_new (model, 96, 64, 0, NULL), in, 8 };
  sr_workers_reset_peak_busy ();
  for (int i = 0; i < 4; i++)
    threads[i] = g_thread_new ("stream", stream_main, &streams[i]);
  for (int i = 0; i < 4; i++) {
    g_thread_join (threads[i]);
    sr_runner_free (streams[i].runner);
  }
  g_assert_cmpint (sr_workers_get_peak_busy (), >=, 1);
  g_assert_cmpint (sr_workers_get_peak_busy (), <=, sr_workers_get_n_cores ());
}

/* The application's OpenBLAS thread count is its own: the same after a runner
 * lived and worked, with our kernels and with OpenBLAS's GEMM forced; and while a
 * runner whose kernels are all ours works, untouched. */
static void
test_openblas_threads_untouched (void)
{
  openblas_set_num_threads (2);   /* as an application that uses OpenBLAS would */
  int before = openblas_get_num_threads ();
  g_autofree float *in = test_picture (64, 48);
  for (int forced = 0; forced < 3; forced++) {
    const char *kernel = forced == 1 ? "gemm" : forced == 2 ? "avx512" : NULL;
    if (forced == 2 && !simd ())
      continue;
    if (kernel)
      g_setenv ("SR_CONV_KERNEL", kernel, TRUE);
    SrModel *model = random_espcn (8);
    SrRunner *runner = sr_runner_new (model, 64, 48, 2, NULL);
    g_unsetenv ("SR_CONV_KERNEL");
    g_free (upscale (runner, in, 64, 48));
    if (forced == 2)   /* the direct kernel everywhere: OpenBLAS is not ours to touch */
      g_assert_cmpint (openblas_get_num_threads (), ==, before);
    sr_runner_free (runner);
    sr_model_free (model);
    g_assert_cmpint (openblas_get_num_threads (), ==, before);
  }
}

/* A runner asked for one thread uses one core, GEMM kernels included: OpenBLAS is
 * held to one thread while a runner that calls it lives (with no per-thread setting
 * in the OpenBLAS at hand), and given back after. */
static void
test_one_thread_means_one_core (void)
{
  openblas_set_num_threads (2);
  int before = openblas_get_num_threads ();
  if (before < 2) {
    g_test_skip ("OpenBLAS runs one thread on this machine: nothing to hold");
    return;
  }
  g_autofree float *in = test_picture (64, 48);
  g_setenv ("SR_CONV_KERNEL", "gemm", TRUE);
  SrModel *model = random_espcn (9);
  SrRunner *runner = sr_runner_new (model, 64, 48, 1, NULL);
  g_unsetenv ("SR_CONV_KERNEL");
  g_free (upscale (runner, in, 64, 48));
  if (!sr_blas_threads_have_local ())
    g_assert_cmpint (openblas_get_num_threads (), ==, 1);
  sr_runner_free (runner);
  sr_model_free (model);
  g_assert_cmpint (openblas_get_num_threads (), ==, before);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kernel-choice/fake-clock", test_fake_clock_picks_fastest);
  g_test_add_func ("/kernel-choice/real-clock", test_real_clock_keeps_fastest);
  g_test_add_func ("/kernel-choice/bf16-needs-clear-lead", test_bf16_needs_clear_lead);
  g_test_add_func ("/kernel-choice/bf16-kernels-compared-as-they-are",
      test_bf16_kernels_compared_as_they_are);
  g_test_add_func ("/kernel-choice/environment-forces", test_environment_forces);
  g_test_add_func ("/threads/clamped", test_threads_clamped);
  g_test_add_func ("/threads/streams-share-cores", test_streams_share_cores);
  g_test_add_func ("/threads/openblas-untouched", test_openblas_threads_untouched);
  g_test_add_func ("/threads/one-thread-one-core", test_one_thread_means_one_core);
  return g_test_run ();
}
