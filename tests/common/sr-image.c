/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sr-image.h"

#include <errno.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <string.h>

SrPlane *
sr_plane_new (int width, int height)
{
  SrPlane *p = g_new0 (SrPlane, 1);
  p->width = width;
  p->height = height;
  p->data = g_new0 (double, (gsize) width * height);
  return p;
}

void
sr_plane_free (SrPlane *p)
{
  if (p == NULL)
    return;
  g_free (p->data);
  g_free (p);
}

static void
png_error_to_gerror (png_structp png, png_const_charp message)
{
  GError **error = png_get_error_ptr (png);
  if (error && *error == NULL)
    g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, message);
  png_longjmp (png, 1);
}

static void
png_ignore_warning (png_structp png, png_const_charp message)
{
}

/* libpng's full API with no gamma transform: the raw sample values, as GStreamer's
 * pngdec, OpenCV and PIL give them. (The simplified png_image API converts through
 * the file's gAMA chunk: 128 in a file with gAMA 1/2.2 read as 117.) Palette and grey
 * are expanded to RGB, 16-bit samples keep their high byte, alpha is dropped. */
guint8 *
sr_load_png_rgb (const char *path, int *width, int *height, GError **error)
{
  GError *png_err = NULL;
  FILE *f = fopen (path, "rb");
  if (f == NULL) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", path,
        g_strerror (errno));
    return NULL;
  }
  png_structp png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &png_err,
      png_error_to_gerror, png_ignore_warning);
  png_infop info = png ? png_create_info_struct (png) : NULL;
  guint8 *volatile rgb = NULL;
  png_bytep *volatile rows = NULL;
  if (info == NULL) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOMEM, "%s: out of memory", path);
    goto out;
  }
  if (setjmp (png_jmpbuf (png))) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: %s", path,
        png_err ? png_err->message : "not a PNG file");
    g_clear_pointer ((guint8 **) &rgb, g_free);
    goto out;
  }
  png_init_io (png, f);
  png_read_info (png, info);
  int color = png_get_color_type (png, info);
  if (color == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (png);
  if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA)
    png_set_gray_to_rgb (png);
  if (png_get_bit_depth (png, info) < 8)
    png_set_expand (png);
  png_set_strip_16 (png);
  png_set_strip_alpha (png);
  png_read_update_info (png, info);
  png_uint_32 w = png_get_image_width (png, info), h = png_get_image_height (png, info);
  gsize row_bytes = png_get_rowbytes (png, info);
  if (row_bytes != (gsize) w * 3)
    png_error (png, "unexpected row layout after conversion to 8-bit RGB");
  rgb = g_malloc ((gsize) h * row_bytes);
  rows = g_new (png_bytep, h);
  for (png_uint_32 y = 0; y < h; y++)
    rows[y] = rgb + (gsize) y * row_bytes;
  png_read_image (png, rows);
  png_read_end (png, NULL);
  *width = w;
  *height = h;
out:
  g_free (rows);
  png_destroy_read_struct (png ? &png : NULL, info ? &info : NULL, NULL);
  g_clear_error (&png_err);
  fclose (f);
  return rgb;
}

SrPlane *
sr_load_png_luma (const char *path, GError **error)
{
  int w, h;
  g_autofree guint8 *rgb = sr_load_png_rgb (path, &w, &h, error);
  if (rgb == NULL)
    return NULL;
  SrPlane *p = sr_plane_new (w, h);
  for (gsize i = 0; i < (gsize) w * h; i++) {
    double r = rgb[3 * i] / 255.0, g = rgb[3 * i + 1] / 255.0, b = rgb[3 * i + 2] / 255.0;
    double y = 16.0 + 65.481 * r + 128.553 * g + 24.966 * b;
    p->data[i] = CLAMP (round (y), 0, 255);
  }
  return p;
}

gboolean
sr_save_png_gray (const char *path, const SrPlane *p, GError **error)
{
  png_image image;
  memset (&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = p->width;
  image.height = p->height;
  image.format = PNG_FORMAT_GRAY;
  g_autofree guint8 *px = g_malloc ((gsize) p->width * p->height);
  for (gsize i = 0; i < (gsize) p->width * p->height; i++)
    px[i] = (guint8) CLAMP (round (p->data[i]), 0, 255);
  if (!png_image_write_to_file (&image, path, 0, px, 0, NULL)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: %s", path,
        image.message);
    return FALSE;
  }
  return TRUE;
}

gboolean
sr_save_png_rgb (const char *path, const guint8 *rgb, int width, int height,
    GError **error)
{
  png_image image;
  memset (&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = width;
  image.height = height;
  image.format = PNG_FORMAT_RGB;
  if (!png_image_write_to_file (&image, path, 0, rgb, 0, NULL)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: %s", path,
        image.message);
    return FALSE;
  }
  return TRUE;
}

void
sr_rgb_to_ycbcr_planes (const guint8 *rgb, int width, int height, SrPlane **y,
    SrPlane **cb, SrPlane **cr)
{
  *y = sr_plane_new (width, height);
  *cb = sr_plane_new (width, height);
  *cr = sr_plane_new (width, height);
  for (gsize i = 0; i < (gsize) width * height; i++) {
    double r = rgb[3 * i] / 255.0, g = rgb[3 * i + 1] / 255.0, b = rgb[3 * i + 2] / 255.0;
    (*y)->data[i] = CLAMP (round (16 + 65.481 * r + 128.553 * g + 24.966 * b), 0, 255);
    (*cb)->data[i] = CLAMP (round (128 - 37.797 * r - 74.203 * g + 112.0 * b), 0, 255);
    (*cr)->data[i] = CLAMP (round (128 + 112.0 * r - 93.786 * g - 18.214 * b), 0, 255);
  }
}

guint8 *
sr_ycbcr_planes_to_rgb (const SrPlane *y, const SrPlane *cb, const SrPlane *cr)
{
  gsize n = (gsize) y->width * y->height;
  guint8 *rgb = g_malloc (n * 3);
  for (gsize i = 0; i < n; i++) {
    double Y = (y->data[i] - 16) * 255.0 / 219.0, U = (cb->data[i] - 128) * 255.0 / 224.0,
        V = (cr->data[i] - 128) * 255.0 / 224.0;
    double px[3] = { Y + 1.402 * V, Y - 0.344136 * U - 0.714136 * V, Y + 1.772 * U };
    for (int c = 0; c < 3; c++)
      rgb[3 * i + c] = (guint8) CLAMP (round (px[c]), 0, 255);
  }
  return rgb;
}

SrPlane *
sr_plane_modcrop (const SrPlane *p, int scale)
{
  int w = p->width - p->width % scale, h = p->height - p->height % scale;
  SrPlane *c = sr_plane_new (w, h);
  for (int y = 0; y < h; y++)
    memcpy (c->data + (gsize) y * w, p->data + (gsize) y * p->width, sizeof (double) * w);
  return c;
}

static double
cubic (double x)
{
  double a = fabs (x), a2 = a * a, a3 = a2 * a;
  if (a <= 1)
    return 1.5 * a3 - 2.5 * a2 + 1.0;
  if (a <= 2)
    return -0.5 * a3 + 2.5 * a2 - 4.0 * a + 2.0;
  return 0.0;
}

/* MATLAB's contributions(): for each output index, @taps input indices (mirrored at
 * the borders) and their normalised weights. */
typedef struct {
  int taps;
  int *index;
  double *weight;
} Contributions;

static Contributions
contributions (int in_len, int out_len, double factor)
{
  double kernel_width = factor < 1 ? 4.0 / factor : 4.0;
  Contributions c;
  c.taps = (int) ceil (kernel_width) + 2;
  c.index = g_new (int, (gsize) out_len * c.taps);
  c.weight = g_new (double, (gsize) out_len * c.taps);
  for (int i = 0; i < out_len; i++) {
    double u = (i + 1) / factor + 0.5 * (1 - 1 / factor);
    double left = floor (u - kernel_width / 2), sum = 0;
    for (int t = 0; t < c.taps; t++) {
      double idx = left + t, d = u - idx;
      double w = factor < 1 ? factor * cubic (d * factor) : cubic (d);
      long m = (long) idx - 1;                       /* 0-based */
      long period = 2L * in_len;
      m = ((m % period) + period) % period;
      c.index[i * c.taps + t] = (int) (m < in_len ? m : period - 1 - m);
      c.weight[i * c.taps + t] = w;
      sum += w;
    }
    for (int t = 0; t < c.taps; t++)
      c.weight[i * c.taps + t] /= sum;
  }
  return c;
}

SrPlane *
sr_imresize (const SrPlane *p, double factor)
{
  int ow = (int) ceil (p->width * factor), oh = (int) ceil (p->height * factor);
  Contributions rows = contributions (p->height, oh, factor);
  Contributions cols = contributions (p->width, ow, factor);
  /* rows first, then columns, as MATLAB does for equal factors */
  g_autoptr (SrPlane) tmp = sr_plane_new (p->width, oh);
  for (int y = 0; y < oh; y++)
    for (int x = 0; x < p->width; x++) {
      double acc = 0;
      for (int t = 0; t < rows.taps; t++)
        acc += rows.weight[y * rows.taps + t]
            * p->data[(gsize) rows.index[y * rows.taps + t] * p->width + x];
      tmp->data[(gsize) y * p->width + x] = acc;
    }
  SrPlane *out = sr_plane_new (ow, oh);
  for (int y = 0; y < oh; y++)
    for (int x = 0; x < ow; x++) {
      double acc = 0;
      for (int t = 0; t < cols.taps; t++)
        acc += cols.weight[x * cols.taps + t]
            * tmp->data[(gsize) y * p->width + cols.index[x * cols.taps + t]];
      out->data[(gsize) y * ow + x] = acc;
    }
  g_free (rows.index);
  g_free (rows.weight);
  g_free (cols.index);
  g_free (cols.weight);
  return out;
}

void
sr_plane_quantize (SrPlane *p)
{
  for (gsize i = 0; i < (gsize) p->width * p->height; i++)
    p->data[i] = CLAMP (round (p->data[i]), 0, 255);
}

SrPlane *
sr_degrade (const SrPlane *hr, int scale)
{
  SrPlane *lr = sr_imresize (hr, 1.0 / scale);
  sr_plane_quantize (lr);
  return lr;
}

double
sr_psnr (const SrPlane *a, const SrPlane *b, int shave)
{
  g_return_val_if_fail (a->width == b->width && a->height == b->height, 0);
  double se = 0;
  gsize n = 0;
  for (int y = shave; y < a->height - shave; y++)
    for (int x = shave; x < a->width - shave; x++) {
      double d = a->data[(gsize) y * a->width + x] - b->data[(gsize) y * b->width + x];
      se += d * d;
      n++;
    }
  if (se == 0)
    return INFINITY;
  return 10 * log10 (255.0 * 255.0 / (se / n));
}

/* Wang et al. 2004: 11x11 Gaussian window (sigma 1.5), K1 = 0.01, K2 = 0.03,
 * L = 255, the mean of the SSIM map over the 'valid' positions. */
double
sr_ssim (const SrPlane *a, const SrPlane *b, int shave)
{
  double g[11], gsum = 0;
  for (int i = 0; i < 11; i++) {
    g[i] = exp (-((i - 5) * (i - 5)) / (2 * 1.5 * 1.5));
    gsum += g[i];
  }
  for (int i = 0; i < 11; i++)
    g[i] /= gsum;
  const double c1 = pow (0.01 * 255, 2), c2 = pow (0.03 * 255, 2);
  int w = a->width - 2 * shave, h = a->height - 2 * shave;
  double total = 0;
  gsize n = 0;
  for (int y = 0; y + 11 <= h; y++)
    for (int x = 0; x + 11 <= w; x++) {
      double ma = 0, mb = 0, saa = 0, sbb = 0, sab = 0;
      for (int i = 0; i < 11; i++)
        for (int j = 0; j < 11; j++) {
          gsize off = (gsize) (y + i + shave) * a->width + (x + j + shave);
          double wt = g[i] * g[j], va = a->data[off], vb = b->data[off];
          ma += wt * va;
          mb += wt * vb;
          saa += wt * va * va;
          sbb += wt * vb * vb;
          sab += wt * va * vb;
        }
      saa -= ma * ma;
      sbb -= mb * mb;
      sab -= ma * mb;
      total += ((2 * ma * mb + c1) * (2 * sab + c2))
          / ((ma * ma + mb * mb + c1) * (saa + sbb + c2));
      n++;
    }
  return total / n;
}
