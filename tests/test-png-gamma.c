/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sr-image reads a PNG's raw sample values, as pngdec and OpenCV do: a gAMA chunk
 * (common in frames saved from video) changes nothing. libpng's simplified API
 * applied it (raw 128 read as 117 with gAMA 1/2.2), which skewed sr-eval's scores. */
#include <glib/gstdio.h>
#include <png.h>
#include <stdio.h>
#include <string.h>

#include "sr-image.h"

static void
write_gray_with_gamma (const char *path, int w, int h, guint8 value, double gamma)
{
  FILE *f = fopen (path, "wb");
  g_assert_nonnull (f);
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  g_assert_false (setjmp (png_jmpbuf (png)));
  png_init_io (png, f);
  png_set_IHDR (png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
      PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_gAMA (png, info, gamma);
  png_write_info (png, info);
  g_autofree guint8 *row = g_malloc (3 * w);
  memset (row, value, 3 * w);
  for (int y = 0; y < h; y++)
    png_write_row (png, row);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  fclose (f);
}

static void
test_gamma_chunk_ignored (void)
{
  g_autofree char *dir = g_dir_make_tmp ("srupscale-png-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "gamma.png", NULL);
  const double gammas[] = { 1 / 2.2, 1.0, 0.3 };
  for (gsize i = 0; i < G_N_ELEMENTS (gammas); i++) {
    write_gray_with_gamma (path, 5, 3, 128, gammas[i]);
    int w, h;
    g_autoptr (GError) error = NULL;
    g_autofree guint8 *rgb = sr_load_png_rgb (path, &w, &h, &error);
    g_assert_no_error (error);
    g_assert_cmpint (w, ==, 5);
    g_assert_cmpint (h, ==, 3);
    for (int p = 0; p < 3 * w * h; p++)
      g_assert_cmpint (rgb[p], ==, 128);
  }
  /* and a file that is no PNG is an error, not a crash */
  g_assert_true (g_file_set_contents (path, "not a png", -1, NULL));
  int w, h;
  g_autoptr (GError) error = NULL;
  g_assert_null (sr_load_png_rgb (path, &w, &h, &error));
  g_assert_nonnull (error);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/image/gamma-chunk-ignored", test_gamma_chunk_ignored);
  return g_test_run ();
}
