/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sr_store_phases_u8 and sr_store_phases_u16, the output stores with the pixel shuffle
 * fused: every pixel as one at a time would store it (NaN and values outside 0..1
 * clamped), at every phase count, pixel stride and word layout, and no byte outside
 * the row's pixels touched. */
#include <math.h>
#include <string.h>

#include "sr-pixel-store.h"

/* The store's rule, one pixel at a time, in the same float arithmetic */
static guint8
expected_u8 (float v)
{
  float t = v * 255.f + 0.5f;
  if (isnan (t) || t <= 0.f)
    return 0;
  return t >= 255.f ? 255 : (guint8) t;
}

#define GUARD 16
#define SENTINEL 0xab

static float
test_value (GRand *rand, int i)
{
  static const float special[] = { NAN, -INFINITY, INFINITY, -1.f, -0.001f, 0.f,
    0.5f / 255, 0.49f / 255, 0.51f / 255, 127.5f / 255, 254.49f / 255, 254.5f / 255,
    1.f, 1.0001f, 2.f, 1e30f, -1e30f };
  if (i % 3 == 0)
    return special[(i / 3) % G_N_ELEMENTS (special)];
  return (float) g_rand_double_range (rand, -0.2, 1.2);
}

/* Row widths: one pixel, a part of a vector, whole vectors and odd ends */
static const int widths[] = { 1, 7, 16, 33, 100, 259 };

/* @q phase rows of @w test values into @rows (g_free each) */
static void
fill_phase_rows (GRand *rand, int q, int w, float **rows)
{
  for (int j = 0; j < q; j++) {
    rows[j] = g_new (float, w);
    for (int x = 0; x < w; x++)
      rows[j][x] = test_value (rand, x * q + j);
  }
}

static void
test_every_phase_count_and_stride (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  for (int q = 1; q <= 5; q++)
    for (gsize ps = 1; ps <= 3; ps += 2)
      for (guint k = 0; k < G_N_ELEMENTS (widths); k++) {
        const int w = widths[k];
        float *rows[5];
        fill_phase_rows (rand, q, w, rows);
        const gsize bytes = (gsize) w * q * ps;
        guint8 *buf = g_malloc (bytes + 2 * GUARD);
        memset (buf, SENTINEL, bytes + 2 * GUARD);
        sr_store_phases_u8 ((const float *const *) rows, q, w, buf + GUARD, ps);
        for (gsize b = 0; b < bytes + 2 * GUARD; b++) {
          gboolean in_row = b >= GUARD && b < GUARD + bytes && (b - GUARD) % ps == 0;
          if (!in_row) {
            g_assert_cmpuint (buf[b], ==, SENTINEL);
            continue;
          }
          gsize pixel = (b - GUARD) / ps;
          guint8 want = expected_u8 (rows[pixel % q][pixel / q]);
          if (buf[b] != want)
            g_error ("q %d, stride %zu, width %d: pixel %zu (phase %zu of %g) is %u, "
                "not %u", q, ps, w, pixel, pixel % q, rows[pixel % q][pixel / q], buf[b],
                want);
        }
        g_free (buf);
        for (int j = 0; j < q; j++)
          g_free (rows[j]);
      }
}

/* The word store's rule, one pixel at a time: its two bytes, high byte first */
static void
expected_word (float v, const SrWordLayout *l, guint8 *high, guint8 *low)
{
  float t = v * l->one + 0.5f;
  guint16 w = isnan (t) || t <= 0.f ? 0 : t >= l->max ? l->max : (guint16) t;
  w = (guint16) (w << l->shift);
  *high = w >> 8;
  *low = w & 0xff;
}

static void
test_words_every_phase_count_and_layout (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (12);
  static const SrWordLayout layouts[] = {
    { 1020, 1023, 0, FALSE },   /* I420_10LE */
    { 1020, 1023, 6, FALSE },   /* P010_10LE */
    { 1020, 1023, 0, TRUE },    /* I420_10BE */
    { 1020, 1023, 6, TRUE },    /* P010_10BE */
    { 4080, 4095, 4, FALSE },   /* 12 bits in the top of the word */
    { 65535, 65535, 0, FALSE },
  };
  for (guint li = 0; li < G_N_ELEMENTS (layouts); li++)
    for (int q = 1; q <= 5; q++)
      for (guint k = 0; k < G_N_ELEMENTS (widths); k++) {
        const SrWordLayout *l = &layouts[li];
        const int w = widths[k];
        float *rows[5];
        fill_phase_rows (rand, q, w, rows);
        /* an odd address: the store must not need aligned words */
        const gsize bytes = (gsize) w * q * 2, start = GUARD + 1;
        guint8 *buf = g_malloc (bytes + 2 * GUARD + 1);
        memset (buf, SENTINEL, bytes + 2 * GUARD + 1);
        sr_store_phases_u16 ((const float *const *) rows, q, w, buf + start, l);
        for (gsize b = 0; b < bytes + 2 * GUARD + 1; b++) {
          if (b < start || b >= start + bytes) {
            g_assert_cmpuint (buf[b], ==, SENTINEL);
            continue;
          }
          gsize pixel = (b - start) / 2;
          gboolean first_byte = (b - start) % 2 == 0;
          guint8 high, low;
          float v = rows[pixel % q][pixel / q];
          expected_word (v, l, &high, &low);
          guint8 want = first_byte == l->big_endian ? high : low;
          if (buf[b] != want)
            g_error ("layout %u, q %d, width %d: byte %d of pixel %zu (%g) is %u, not %u",
                li, q, w, first_byte ? 0 : 1, pixel, v, buf[b], want);
        }
        g_free (buf);
        for (int j = 0; j < q; j++)
          g_free (rows[j]);
      }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pixel-store/every-phase-count-and-stride",
      test_every_phase_count_and_stride);
  g_test_add_func ("/pixel-store/words-every-phase-count-and-layout",
      test_words_every_phase_count_and_layout);
  return g_test_run ();
}
