/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Each convolution kernel against the plain reference, on random data of odd sizes,
 * with maps that reach past the image border (zero padding) and maps that do not.
 * The SIMD kernels run at the level sr_cpu_level() decides: tests/meson.build runs
 * this once per level (SR_CPU_LEVEL=avx512, avx2, portable; neon on AArch64) so every
 * tier is checked. */
#include <math.h>
#include <string.h>

#include "sr-conv.h"
#include "sr-cpu.h"
#include "sr-runner.h"
#include "sr-subpixel.h"
#include "sr-test-compare.h"
#include "sr-test-model.h"
#include "srengine.h"

static float *
random_floats (GRand *rand, gsize n)
{
  float *p = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    p[i] = (float) g_rand_double_range (rand, -1, 1);
  return p;
}

/* Every kernel against the reference kernel on the input map @in_rect of an image of
 * @img_h x @img_w: the output map is inside it minus the radius where it can, clipped
 * to the image as the runner does. @zero_taps: some taps are zero for some output
 * channels whatever the input channel (as in the sub-pixel form of a transposed
 * convolution), the first tap for all. */
static void
check_conv_on (GRand *rand, int cin, int cout, int k, int shift, SrActivation act,
    SrRect in_rect, int img_h, int img_w, gboolean zero_taps)
{
  SrConv conv = { cin, cout, k, NULL, NULL, act, NULL, NULL, NULL, shift };
  SrRect out_rect = sr_rect_grow_clip (in_rect, -sr_conv_radius (&conv), img_h, img_w);
  if (out_rect.h <= 0 || out_rect.w <= 0)
    out_rect = in_rect;
  g_autofree float *w = random_floats (rand, (gsize) cout * cin * k * k);
  for (int co = 0; zero_taps && co < cout; co++)
    for (int ci = 0; ci < cin; ci++)
      for (int t = 0; t < k * k; t++)
        if (t == 0 || (co * 7 + t) % 3 == 0)
          w[((gsize) co * cin + ci) * k * k + t] = 0.f;
  g_autofree float *b = random_floats (rand, cout);
  g_autofree float *slopes = random_floats (rand, cout);
  g_autofree float *in = random_floats (rand, (gsize) cin * in_rect.h * in_rect.w);
  /* one input channel: 8-bit pixel values (k / 255, as the runner reads a picture),
   * which the bf16 kernel takes in pairs of taps, in half the calls; other values it
   * runs in float32 */
  if (cin == 1 && g_rand_boolean (rand))
    for (gsize i = 0; i < (gsize) in_rect.h * in_rect.w; i++)
      in[i] = rintf (in[i] * 255.f) * (1.f / 255.f);
  gsize out_n = (gsize) cout * out_rect.h * out_rect.w;
  g_autofree float *ref = g_new (float, out_n), *got = g_new (float, out_n);
  conv.weight = w;
  conv.bias = b;
  conv.slopes = slopes;
  /* room for every kernel: gemm's im2col and the direct kernels' padded copy */
  conv.kernel = sr_conv_gemm;
  gsize gemm_room = sr_conv_scratch_floats (&conv, out_rect.h, out_rect.w);
  conv.kernel = sr_conv_direct;
  gsize direct_room = sr_conv_scratch_floats (&conv, out_rect.h, out_rect.w);
  conv.kernel = sr_conv_winograd;
  gsize winograd_room = sr_conv_scratch_floats (&conv, out_rect.h, out_rect.w);
  conv.kernel = sr_conv_winograd_5x5;
  gsize winograd_5x5_room = sr_conv_scratch_floats (&conv, out_rect.h, out_rect.w);
  conv.kernel = NULL;
  g_autofree float *scratch = g_new (float,
      MAX (MAX (gemm_room, direct_room), MAX (winograd_room, winograd_5x5_room)));
  SrMap in_map = { in, cin, in_rect.y0, in_rect.x0, in_rect.h, in_rect.w, 0 };
  SrMap ref_map = { ref, cout, out_rect.y0, out_rect.x0, out_rect.h, out_rect.w, 0 };
  SrMap got_map = ref_map;
  got_map.data = got;
  sr_conv_reference (&conv, &in_map, &ref_map, scratch);

  /* bfloat16 (8 significant bits) rounds each input and weight by at most 2^-8
   * relative, so a product by about 2^-7: the bound on an output is 2^-7 times the sum
   * of |input| x |weight| (and
   * tanh, ReLU and PReLU with |slope| < 1 do not make a difference larger) */
  g_autofree float *abs_w = g_new (float, (gsize) cout * cin * k * k);
  g_autofree float *abs_in = g_new (float, (gsize) cin * in_rect.h * in_rect.w);
  g_autofree float *zero_b = g_new0 (float, cout), *bound = g_new (float, out_n);
  for (gsize i = 0; i < (gsize) cout * cin * k * k; i++)
    abs_w[i] = fabsf (w[i]);
  for (gsize i = 0; i < (gsize) cin * in_rect.h * in_rect.w; i++)
    abs_in[i] = fabsf (in[i]);
  SrConv abs_conv = { cin, cout, k, abs_w, zero_b, SR_ACT_NONE, NULL, NULL, NULL, shift };
  SrMap abs_in_map = in_map, bound_map = ref_map;
  abs_in_map.data = abs_in;
  bound_map.data = bound;
  sr_conv_reference (&abs_conv, &abs_in_map, &bound_map, scratch);

  for (int kernel = 0; kernel < 6; kernel++) {
    static const char *const names[] = { "gemm", "direct", "bf16", "winograd",
      "winograd-bf16", "winograd-5x5" };
    const char *name = names[kernel];
    g_autofree float *packed = NULL;
    if (kernel == 0) {
      sr_conv_gemm (&conv, &in_map, &got_map, scratch);
    } else if (kernel == 1) {
      if (!sr_conv_direct_available ())
        continue;   /* the dispatcher never picks it there either */
      packed = g_new (float, sr_conv_direct_packed_floats (&conv));
      sr_conv_direct_pack (&conv, packed);
      conv.packed = packed;
      sr_conv_direct (&conv, &in_map, &got_map, scratch);
      conv.packed = NULL;
    } else if (kernel == 2) {
      if (!sr_conv_bf16_available ())
        continue;
      packed = g_new (float, sr_conv_bf16_packed_floats (&conv));
      sr_conv_bf16_pack (&conv, packed);
      conv.packed = packed;
      sr_conv_direct_bf16 (&conv, &in_map, &got_map, scratch);
      conv.packed = NULL;
    } else if (kernel == 3) {
      if (k != 3 || shift != 0 || !sr_conv_winograd_available ())
        continue;   /* centred 3x3 only, and only dispatched there */
      packed = g_new (float, sr_conv_winograd_packed_floats (&conv));
      sr_conv_winograd_pack (&conv, packed);
      conv.packed = packed;
      sr_conv_winograd (&conv, &in_map, &got_map, scratch);
      conv.packed = NULL;
    } else if (kernel == 5) {
      if (!sr_conv_winograd_5x5_eligible (&conv))
        continue;   /* 5x5 layers whose blocks Winograd may run */
      packed = g_new (float, sr_conv_winograd_5x5_packed_floats (&conv));
      sr_conv_winograd_5x5_pack (&conv, packed);
      conv.packed = packed;
      sr_conv_winograd_5x5 (&conv, &in_map, &got_map, scratch);
      conv.packed = NULL;
    } else {
      /* not on fewer than 8 input channels, where it never runs (its bound below
       * counts on sums over channels, which average the rounding out) */
      if (k != 3 || shift != 0 || cin < 8 || !sr_conv_winograd_available ()
          || !sr_conv_bf16_available ())
        continue;
      packed = g_new (float, sr_conv_winograd_bf16_packed_floats (&conv));
      sr_conv_winograd_bf16_pack (&conv, packed);
      conv.packed = packed;
      sr_conv_winograd_bf16 (&conv, &in_map, &got_map, scratch);
      conv.packed = NULL;
    }
    double max_err = 0;
    for (gsize i = 0; i < out_n; i++) {
      double err = fabs (ref[i] - got[i]);
      /* Winograd F(4x4, 3x3) adds rounding through its transforms (entries up to 8
       * and 1/24): allowed, like bfloat16's, relative to the sum of |input x weight|,
       * at 4e-6 of it (observed: below 1e-6) */
      /* Winograd in bfloat16 rounds the transformed values, up to 100 times an input
       * and a sixth of a weight, and the output transform adds them up with factors up
       * to 8: allowed 1/8 of the sum (observed: below 1/15, on 12->12) */
      double allowed = kernel == 2 ? bound[i] / 128 + 1e-4
          : kernel == 3 || kernel == 5 ? bound[i] * 4e-6 + 1e-4
          : kernel == 4 ? bound[i] / 8 + 1e-4 : 1e-4;
      if (err > allowed)
        g_error ("%s (%s) conv %dx%d (shift %d) %d->%d act %d on %dx%d: error %g at %"
            G_GSIZE_FORMAT " (allowed %g)", name, sr_cpu_level_name (), k, k, shift, cin, cout, act, out_rect.h,
            out_rect.w, err, i, allowed);
      max_err = MAX (max_err, err);
    }
  }
}

/* check_conv_on an input map somewhere inside an image of @img_h x @img_w */
static void
check_conv (GRand *rand, int cin, int cout, int k, int shift, SrActivation act, int img_h,
    int img_w, gboolean zero_taps)
{
  SrRect in_rect = { g_rand_int_range (rand, 0, img_h / 3 + 1),
    g_rand_int_range (rand, 0, img_w / 3 + 1), 0, 0 };
  in_rect.h = g_rand_int_range (rand, 1, img_h - in_rect.y0 + 1);
  in_rect.w = g_rand_int_range (rand, 1, img_w - in_rect.x0 + 1);
  check_conv_on (rand, cin, cout, k, shift, act, in_rect, img_h, img_w, zero_taps);
}

static void
test_conv_kernels_match_reference (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  /* cin, cout, k, shift: ESPCN's, FSRCNN's (its x3 transposed convolution as a 4x4
   * window over offsets -1 .. 2), LESRCNN's, and odd ones */
  static const int shapes[][4] = {
    { 1, 64, 5, 0 }, { 64, 32, 3, 0 }, { 32, 9, 3, 0 }, { 1, 7, 1, 0 }, { 3, 5, 9, 0 },
    { 12, 12, 3, 0 }, { 32, 4, 3, 0 }, { 16, 1, 3, 0 }, { 8, 13, 1, 0 }, { 56, 4, 5, 0 },
    { 56, 9, 4, 1 }, { 6, 3, 4, 0 }, { 5, 9, 3, -1 }, { 16, 9, 5, 0 }, { 8, 2, 5, 1 },
    { 16, 16, 5, -1 }, { 1, 16, 3, 0 }, { 1, 9, 4, 1 }, { 1, 4, 5, -1 },
  };
  for (gsize s = 0; s < G_N_ELEMENTS (shapes); s++)
    for (int act = SR_ACT_NONE; act <= SR_ACT_PRELU; act++)
      for (int trial = 0; trial < 5; trial++) {
        /* narrow maps (masked vectors only), wide ones (whole 48-pixel blocks, and
         * Winograd's chunks of a few block rows), and rows longer than a chunk (with
         * taps that feed only some channels: the direct kernels skip those) */
        int max_w = trial < 2 ? 24 : trial < 4 ? 130 : 420;
        int max_h = trial < 4 ? 24 : 40;
        check_conv (rand, shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3], act,
            g_rand_int_range (rand, 1, max_h), g_rand_int_range (rand, 1, max_w),
            trial == 4);
        /* and rows that end in a short block: one vector (AVX-512: 49 = 48 + 1),
         * two (68 = 48 + 20) */
        if (trial == 0)
          for (int w = 49; w <= 68; w += 19)
            check_conv (rand, shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3], act,
                7, w, w == 49);
      }
}

/* Winograd's two ways of cutting block rows into runs and chunks
 * (sr-conv-winograd-tier.h), each where the layer's rows choose it: maps 184 and 188
 * pixels wide (46 and 47 blocks: runs of equal length, chunks of whole runs), 192 (48),
 * 196 (49) and 72 (18: runs of a vector's length, chunks that end inside a run), 40 and
 * 9 rows high. */
static void
test_winograd_run_schedules (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (8);
  static const int widths[] = { 184, 188, 192, 196, 72 }, heights[] = { 40, 9 };
  static const int shapes[][2] = { { 16, 16 }, { 12, 12 } };
  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
      for (guint j = 0; j < G_N_ELEMENTS (heights); j++) {
        /* an output map of exactly widths[i] x heights[j], away from the image's
         * border */
        SrRect in_rect = { 4, 4, heights[j] + 2, widths[i] + 2 };
        check_conv_on (rand, shapes[s][0], shapes[s][1], 3, 0, SR_ACT_PRELU, in_rect,
            heights[j] + 10, widths[i] + 10, FALSE);
      }
}

/* A first layer in bfloat16 (its neighbouring taps paired, sr-conv-bf16.c) takes
 * 8-bit pixels k / 255 exactly: with weights that bfloat16 holds exactly once divided
 * by 255 (255 times a few bits), its only rounding is float32's. Rounding the pixels
 * themselves (2^-9 of each) is off by about 2 here (outputs up to 6375); so is
 * rounding 10-bit ones, which go through float32 instead. */
static void
test_bf16_first_layer_exact_on_8_bit_pixels (void)
{
  if (!sr_conv_bf16_available ()) {
    g_test_skip ("no AVX512-BF16 on this CPU (or SR_CPU_LEVEL lowered it)");
    return;
  }
  g_autoptr (GRand) rand = g_rand_new_with_seed (9);
  const int k = 5, cout = 12, h = 20, w = 70;
  float weights[12 * 25], bias[12] = { 0 };
  for (int i = 0; i < cout * k * k; i++)
    weights[i] = 255.f * (float) g_rand_int_range (rand, -8, 9) / 8.f;
  SrConv conv = { 1, cout, k, weights, bias, SR_ACT_NONE, NULL, NULL, NULL, 0 };
  g_autofree float *in = g_new (float, (gsize) (h + 4) * (w + 4));
  for (int i = 0; i < (h + 4) * (w + 4); i++)
    in[i] = (float) g_rand_int_range (rand, 0, 256) / 255.f;
  g_autofree float *ref = g_new (float, (gsize) cout * h * w);
  g_autofree float *got = g_new (float, (gsize) cout * h * w);
  SrMap in_map = { in, 1, -2, -2, h + 4, w + 4, 0 };
  SrMap ref_map = { ref, cout, 0, 0, h, w, 0 }, got_map = ref_map;
  got_map.data = got;
  conv.kernel = sr_conv_direct_bf16;
  g_autofree float *scratch = g_new (float, sr_conv_scratch_floats (&conv, h, w));
  g_autofree float *packed = g_new (float, sr_conv_bf16_packed_floats (&conv));
  sr_conv_bf16_pack (&conv, packed);
  conv.packed = packed;
  sr_conv_reference (&conv, &in_map, &ref_map, scratch);
  sr_conv_direct_bf16 (&conv, &in_map, &got_map, scratch);
  double max_err = sr_test_max_abs_diff (ref, got, (gsize) cout * h * w);
  g_test_message ("max error %g (outputs up to about %g)", max_err, 25 * 255.0);
  g_assert_cmpfloat (max_err, <, 2e-3);

  /* 10-bit pixels (k / 1020: video levels of 10 bits are 8-bit ones times 4) are not
   * whole numbers times 255: float32 runs them, as exact as the direct kernel */
  for (int i = 0; i < (h + 4) * (w + 4); i++)
    in[i] = (float) g_rand_int_range (rand, 0, 1021) / 1020.f;
  sr_conv_reference (&conv, &in_map, &ref_map, scratch);
  sr_conv_direct_bf16 (&conv, &in_map, &got_map, scratch);
  max_err = sr_test_max_abs_diff (ref, got, (gsize) cout * h * w);
  g_test_message ("10-bit pixels: max error %g", max_err);
  g_assert_cmpfloat (max_err, <, 2e-3);
}

static void
test_activations (void)
{
  /* two planes of 4 floats, the first 3 of each activated (the 4th: a row the
   * runner kept from the tile above, already activated, which must stay as it is) */
  float x[8] = { -2.f, -0.5f, 0.f, -7.f, 0.25f, 1.f, 3.f, -9.f }, y[8];
  float slopes[2] = { 0.1f, -0.3f };
  for (int act = SR_ACT_NONE; act <= SR_ACT_PRELU; act++) {
    memcpy (y, x, sizeof x);
    sr_activation_apply (act, slopes, y, 2, 3, 4);
    for (int i = 0; i < 8; i++) {
      float a = slopes[i / 4], want;
      switch (i % 4 == 3 ? SR_ACT_NONE : act) {
        case SR_ACT_TANH: want = (float) tanh (x[i]); break;
        case SR_ACT_RELU: want = x[i] > 0 ? x[i] : 0; break;
        case SR_ACT_PRELU: want = x[i] > 0 ? x[i] : a * x[i]; break;
        default: want = x[i]; break;
      }
      g_assert_cmpfloat_with_epsilon (y[i], want, 4e-7);
    }
  }
}

/* A stride-r transposed convolution equals its sub-pixel rewrite: a convolution to
 * r^2 channels, then a pixel shuffle. */
static void
test_transposed_as_subpixel (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (13);
  static const int kernels[] = { 3, 5, 9 };
  for (gsize ki = 0; ki < G_N_ELEMENTS (kernels); ki++)
    for (int r = 2; r <= 4; r++) {
      int k = kernels[ki], cin = 3, h = 7, w = 11, ks, shift, offset[SR_SUBPIXEL_MAX_PHASES];
      sr_subpixel_window (k, r, &ks, &shift, offset);
      /* the phases read one output further on where offset says (k 9 at x3, k 3 at
       * x3) */
      int over = 0;
      for (int i = 0; i < r; i++)
        over = MAX (over, offset[i]);
      if (k % r == 0)
        g_assert_cmpint (over, ==, 1);
      g_autofree float *wt = random_floats (rand, (gsize) cin * k * k);
      g_autofree float *in = random_floats (rand, (gsize) cin * h * w);
      g_autofree float *want = g_new (float, (gsize) h * w * r * r);
      sr_transposed_conv_reference (wt, 0.25f, cin, k, r, in, h, w, want);
      g_autofree float *cw = g_new (float, (gsize) r * r * cin * ks * ks);
      g_autofree float *cb = g_new (float, (gsize) r * r);
      sr_subpixel_from_transposed (wt, 0.25f, cin, k, r, cw, cb);
      SrConv conv = { cin, r * r, ks, cw, cb, SR_ACT_NONE, NULL, NULL, NULL, shift };
      int ph = h + over, pw = w + over;
      g_autofree float *phases = g_new (float, (gsize) r * r * ph * pw);
      SrMap in_map = { in, cin, 0, 0, h, w, 0 }, out_map = { phases, r * r, 0, 0, ph, pw, 0 };
      sr_conv_reference (&conv, &in_map, &out_map, NULL);
      double max_err = 0;
      for (int y = 0; y < h * r; y++)
        for (int x = 0; x < w * r; x++) {
          int i = y % r, j = x % r;
          float got = phases[(i * r + j) * ph * pw + (y / r + offset[i]) * pw + x / r
              + offset[j]];
          max_err = MAX (max_err, fabs (got - want[y * w * r + x]));
        }
      if (max_err > 1e-5)
        g_error ("k %d, r %d: sub-pixel rewrite differs by %g", k, r, max_err);
    }
}

/* The fast tanh against tanh() in double precision: a dense sweep of the range
 * where it is not yet +-1, and far beyond. */
static void
test_tanh_error_bound (void)
{
  double worst = 0, at = 0;
  for (double x = -12; x <= 12; x += 1.0 / 4096) {
    double err = fabs (sr_tanh_fast ((float) x) - tanh ((float) x));
    if (err > worst) {
      worst = err;
      at = x;
    }
  }
  g_test_message ("fast tanh: max abs error %.3g at %g", worst, at);
  g_assert_cmpfloat (worst, <, 4e-7);
  g_assert_cmpfloat (sr_tanh_fast (1e30f), ==, 1.f);
  g_assert_cmpfloat (sr_tanh_fast (-1e30f), ==, -1.f);
  g_assert_cmpfloat (fabsf (sr_tanh_fast (0.f)), <, 1e-7);

  /* the SIMD kernels' own tanh (this level's), through a 1x1 identity convolution */
  if (!sr_conv_direct_available ())
    return;
  int n = 24 * 4096 + 1;
  g_autofree float *x = g_new (float, n), *y = g_new (float, n);
  for (int i = 0; i < n; i++)
    x[i] = (float) (-12 + i / 4096.0);
  float one = 1.f, zero = 0.f, packed[8];
  SrConv conv = { 1, 1, 1, &one, &zero, SR_ACT_TANH, NULL, NULL, packed, 0 };
  g_assert_cmpuint (sr_conv_direct_packed_floats (&conv), <=, G_N_ELEMENTS (packed));
  sr_conv_direct_pack (&conv, packed);
  g_autofree float *scratch = g_new (float, sr_conv_scratch_floats (&conv, 1, n));
  SrMap in = { x, 1, 0, 0, 1, n, 0 }, out = { y, 1, 0, 0, 1, n, 0 };
  sr_conv_direct (&conv, &in, &out, scratch);
  worst = 0;
  for (int i = 0; i < n; i++)
    worst = MAX (worst, fabs (y[i] - tanh (x[i])));
  g_test_message ("%s tanh: max abs error %.3g", sr_cpu_level_name (), worst);
  g_assert_cmpfloat (worst, <, 4e-7);
}

/* A 1x1 ESPCN whose last layer has known weights: the high-resolution pixel
 * (y * r + i, x * r + j) must be channel i * r + j's value at (y, x). */
static void
test_pixel_shuffle_order (void)
{
  for (int r = 2; r <= 4; r++) {
    g_autoptr (SrTestModel) tm = sr_test_model_new ();
    char s[4];
    g_snprintf (s, sizeof s, "%d", r);
    sr_test_model_set_metadata (tm, "family", "espcn");
    sr_test_model_set_metadata (tm, "scale", s);
    float one = 1.f, zero = 0.f, w3[16], b3[16];
    gint64 w1[4] = { 1, 1, 1, 1 }, b1[1] = { 1 }, w3s[4] = { r * r, 1, 1, 1 },
        b3s[1] = { r * r };
    for (int c = 0; c < r * r; c++) {
      w3[c] = 0.f;
      b3[c] = (float) c;   /* channel c is the constant c, plus 0 * input */
    }
    sr_test_model_add (tm, "conv1.weight", 4, w1, &one, NULL);
    sr_test_model_add (tm, "conv1.bias", 1, b1, &zero, NULL);
    sr_test_model_add (tm, "conv2.weight", 4, w1, &one, NULL);
    sr_test_model_add (tm, "conv2.bias", 1, b1, &zero, NULL);
    sr_test_model_add (tm, "conv3.weight", 4, w3s, w3, NULL);
    sr_test_model_add (tm, "conv3.bias", 1, b3s, b3, NULL);
    g_autoptr (GBytes) bytes = sr_test_model_serialize (tm);
    g_autoptr (GError) error = NULL;
    g_autoptr (SrModel) model = sr_model_new_from_bytes (bytes, "shuffle", &error);
    g_assert_no_error (error);
    int w = 5, h = 3;
    g_autoptr (SrRunner) runner = sr_runner_new (model, w, h, 1, &error);
    g_assert_no_error (error);
    float in[15] = { 0 }, out[15 * 16];
    sr_runner_process_f32 (runner, in, w, out, (gsize) w * r);
    for (int y = 0; y < h * r; y++)
      for (int x = 0; x < w * r; x++)
        g_assert_cmpfloat (out[y * w * r + x], ==, (float) ((y % r) * r + x % r));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* the level asked for is the level tested, wherever the CPU has it */
  const char *asked = g_getenv ("SR_CPU_LEVEL");
  if (asked && (strcmp (asked, "portable") == 0
          || (strcmp (asked, "avx2") == 0 && __builtin_cpu_supports ("avx2")
              && __builtin_cpu_supports ("fma"))
          || (strcmp (asked, "avx512") == 0 && __builtin_cpu_supports ("avx512f")
              && __builtin_cpu_supports ("avx512dq"))
          || (strcmp (asked, "neon") == 0 && SR_NEON)))
    g_assert_cmpstr (sr_cpu_level_name (), ==, asked);
#if SR_NEON
  /* every AArch64 CPU has NEON: its tier, not the portable path, unless asked */
  if (!asked)
    g_assert_cmpstr (sr_cpu_level_name (), ==, "neon");
#endif
  g_test_message ("SIMD level: %s", sr_cpu_level_name ());
  g_test_add_func ("/layers/conv-kernels-match-reference", test_conv_kernels_match_reference);
  g_test_add_func ("/layers/winograd-run-schedules", test_winograd_run_schedules);
  g_test_add_func ("/layers/bf16-first-layer-exact-on-8-bit-pixels",
      test_bf16_first_layer_exact_on_8_bit_pixels);
  g_test_add_func ("/layers/activations", test_activations);
  g_test_add_func ("/layers/tanh-error-bound", test_tanh_error_bound);
  g_test_add_func ("/layers/transposed-as-subpixel", test_transposed_as_subpixel);
  g_test_add_func ("/layers/pixel-shuffle-order", test_pixel_shuffle_order);
  return g_test_run ();
}
