/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sr_runner_process_u16: luma of more than 8 bits in 16-bit words (10-bit video) is
 * read and stored at full precision, in each word layout (shift, endianness), and
 * gives the float path's result, not an 8-bit one. */
#include <math.h>
#include <string.h>

#include "sr-test-model.h"
#include "srengine.h"

static guint16
get_word (const guint8 *p, gboolean be)
{
  return be ? (guint16) (p[0] << 8 | p[1]) : (guint16) (p[1] << 8 | p[0]);
}

static void
test_words_match_float (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);
  g_autoptr (GBytes) bytes = sr_test_espcn (2, 16, 8, 5, 3, 3, rand);
  g_autoptr (GError) error = NULL;
  g_autoptr (SrModel) model = sr_model_new_from_bytes (bytes, "random", &error);
  g_assert_no_error (error);
  const int w = 29, h = 17, r = 2, W = w * r, H = h * r;
  /* strides wider than the picture: the padding must stay untouched */
  const gsize in_stride = 2 * w + 6, out_stride = 2 * W + 10;
  g_autoptr (SrRunner) runner = sr_runner_new (model, w, h, 2, &error);
  g_assert_no_error (error);

  g_autofree guint16 *levels = g_new (guint16, w * h);
  g_autofree float *in_f = g_new (float, w * h), *out_f = g_new (float, W * H);
  for (int i = 0; i < w * h; i++) {
    levels[i] = g_rand_int_range (rand, 0, 1024);
    in_f[i] = levels[i] / 1020.f;
  }
  sr_runner_process_f32 (runner, in_f, w, out_f, W);

  const SrWordLayout layouts[] = {
    { 1020, 1023, 0, FALSE },   /* I420_10LE */
    { 1020, 1023, 6, FALSE },   /* P010_10LE */
    { 1020, 1023, 6, TRUE },    /* P010_10BE */
    { 1020, 1023, 0, TRUE },    /* I420_10BE */
  };
  for (gsize l = 0; l < G_N_ELEMENTS (layouts); l++) {
    const SrWordLayout *lay = &layouts[l];
    g_autofree guint8 *in = g_malloc0 (in_stride * h), *out = g_malloc (out_stride * H);
    memset (out, 0xa5, out_stride * H);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) {
        guint16 word = levels[y * w + x] << lay->shift;
        guint8 *p = in + y * in_stride + 2 * x;
        if (lay->big_endian)
          { p[0] = word >> 8; p[1] = word & 0xff; }
        else
          { p[1] = word >> 8; p[0] = word & 0xff; }
      }
    sr_runner_process_u16 (runner, in, in_stride, out, out_stride, lay);
    int distinct = 0;
    gboolean seen[1024] = { FALSE };
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        guint16 word = get_word (out + y * out_stride + 2 * x, lay->big_endian);
        g_assert_cmpuint (word & ((1u << lay->shift) - 1), ==, 0);
        int v = word >> lay->shift;
        double want = CLAMP (out_f[y * W + x] * 1020.0, 0, 1023);
        if (fabs (v - want) > 0.51)
          g_error ("layout %" G_GSIZE_FORMAT " (%d,%d): %d, float path %.3f", l, x, y, v,
              want);
        distinct += !seen[v];
        seen[v] = TRUE;
      }
      for (gsize b = 2 * W; b < out_stride; b++)
        g_assert_cmpuint (out[y * out_stride + b], ==, 0xa5);
    }
    /* random 10-bit input through a random network: far more than 256 levels out */
    g_assert_cmpint (distinct, >, 256);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/words/match-float", test_words_match_float);
  return g_test_run ();
}
