/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The tiled result equals the whole-frame result, for every tile size and thread
 * count, on random models of every family and scale and on odd frame sizes. */
#include <math.h>
#include <string.h>

#include "sr-test-model.h"
#include "srengine.h"

static float *
run (SrModel *model, const float *in, int w, int h, int tile_w, int tile_h, int threads)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SrRunner) runner = sr_runner_new (model, w, h, threads, &error);
  g_assert_no_error (error);
  sr_runner_set_tile_size (runner, tile_w, tile_h);
  int r = sr_model_get_scale (model);
  float *out = g_new (float, (gsize) w * h * r * r);
  sr_runner_process_f32 (runner, in, w, out, (gsize) w * r);
  return out;
}

static void
test_tiled_equals_whole (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  static const int tiles[][2] = { { 1, 1 }, { 7, 5 }, { 16, 9 }, { 32, 32 }, { 64, 3 } };
  for (int n = 0; n < 12; n++) {
    int scale = 2 + n % 3;
    /* ESPCN; FSRCNN (whose transposed convolution runs as a sub-pixel one); LESRCNN
     * (residual sums, a shared upsampler, layers at high resolution); SESR (a long
     * residual over Winograd-sized layers, the input added to the output) */
    g_autoptr (GBytes) bytes = n < 3 ? sr_test_espcn (scale, 16, 8, 5, 3, 3, rand)
        : n < 6 ? sr_test_fsrcnn (scale, 12, 6, 2, 9, rand)
        : n < 9 ? sr_test_lesrcnn (scale, 8, 4, 2, 2, rand)
        : sr_test_sesr (scale, 8, 3, 3 + 2 * (n % 2), rand);
    g_autoptr (GError) error = NULL;
    g_autoptr (SrModel) model = sr_model_new_from_bytes (bytes, "random", &error);
    g_assert_no_error (error);
    int w = 37 + scale, h = 23 + 2 * scale;
    g_autofree float *in = g_new (float, (gsize) w * h);
    for (int i = 0; i < w * h; i++)
      in[i] = (float) g_rand_double (rand);
    /* one tile holding the whole frame is the reference */
    g_autofree float *whole = run (model, in, w, h, w, h, 1);
    for (gsize t = 0; t < G_N_ELEMENTS (tiles); t++)
      for (int threads = 1; threads <= 3; threads += 2) {
        g_autofree float *tiled = run (model, in, w, h, tiles[t][0], tiles[t][1], threads);
        double max_err = 0;
        for (int i = 0; i < w * h * scale * scale; i++)
          max_err = MAX (max_err, fabs (tiled[i] - whole[i]));
        /* summation order differs with the GEMM's width: rounding, not halo errors,
         * which would be of the order of the values themselves */
        if (max_err > 1e-4)
          g_error ("x%d, tiles %dx%d, %d threads: differs from whole frame by %g", scale,
              tiles[t][0], tiles[t][1], threads, max_err);
      }
  }
}

/* u8 frames with strides wider than the picture, and interleaved luma (AYUV). */
static void
test_u8_strides (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);
  g_autoptr (GBytes) bytes = sr_test_espcn (2, 8, 4, 3, 3, 3, rand);
  g_autoptr (GError) error = NULL;
  g_autoptr (SrModel) model = sr_model_new_from_bytes (bytes, "random", &error);
  g_assert_no_error (error);
  int w = 13, h = 9, r = 2;
  g_autoptr (SrRunner) runner = sr_runner_new (model, w, h, 2, &error);
  g_assert_no_error (error);
  guint8 plain[13 * 9], packed[9][13 * 4 + 3];
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      plain[y * w + x] = (guint8) g_rand_int_range (rand, 0, 256);
      packed[y][x * 4 + 1] = plain[y * w + x];
    }
  guint8 out_plain[26 * 18], out_packed[18][26 * 4 + 5];
  memset (out_packed, 0xAB, sizeof out_packed);
  sr_runner_process_u8 (runner, plain, w, out_plain, (gsize) w * r);
  sr_runner_process_u8_interleaved (runner, &packed[0][1], 4, sizeof packed[0],
      &out_packed[0][1], 4, sizeof out_packed[0]);
  for (int y = 0; y < h * r; y++)
    for (int x = 0; x < w * r; x++) {
      g_assert_cmpint (out_packed[y][x * 4 + 1], ==, out_plain[y * w * r + x]);
      g_assert_cmpint (out_packed[y][x * 4], ==, 0xAB);   /* other components kept */
    }
}

static void
test_bad_sizes (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  g_autoptr (GBytes) bytes = sr_test_espcn (2, 4, 4, 3, 3, 3, rand);
  g_autoptr (SrModel) model = sr_model_new_from_bytes (bytes, "random", NULL);
  g_assert_nonnull (model);
  static const int sizes[][2] = { { 0, 10 }, { 10, 0 }, { -1, 5 }, { 100000, 2 } };
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++) {
    g_autoptr (GError) error = NULL;
    SrRunner *runner = sr_runner_new (model, sizes[i][0], sizes[i][1], 1, &error);
    g_assert_null (runner);
    g_assert_error (error, SR_ERROR, SR_ERROR_BAD_SIZE);
  }
  /* a 1x1 frame is a frame */
  g_autoptr (SrRunner) tiny = sr_runner_new (model, 1, 1, 1, NULL);
  g_assert_nonnull (tiny);
  guint8 in = 128, out[4];
  sr_runner_process_u8 (tiny, &in, 1, out, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* The same kernel for the whole frame and every tiling: otherwise each runner
   * chooses each layer's kernel by measurement, and Winograd's rounding depends on
   * where its 4x4 blocks fall, 1e-4 apart between tilings (measured). The direct
   * kernel (GEMM without SIMD) rounds the same wherever a pixel is; Winograd's
   * edges are tested against the reference in test-layers. */
  if (g_getenv ("SR_CONV_KERNEL") == NULL)
    g_setenv ("SR_CONV_KERNEL", "avx512", TRUE);
  g_test_add_func ("/tiling/tiled-equals-whole", test_tiled_equals_whole);
  g_test_add_func ("/tiling/u8-strides", test_u8_strides);
  g_test_add_func ("/tiling/bad-sizes", test_bad_sizes);
  return g_test_run ();
}
