/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sr-figure: the same crop of a real image as ground truth, bicubic and each model,
 * for the README, with each one's Y-PSNR on the whole image.
 *
 *   sr-figure --image ../shared/datasets/Set14/zebra.png --scale 3 \
 *       --crop 300,120,120,90 --out-dir models/figures models/espcn_x3.safetensors
 *
 * The image is degraded as in the SR protocol (each YCbCr plane bicubic down, 8-bit);
 * models upscale the luma, chroma is bicubic. Crops are enlarged (nearest) by --zoom.
 * Prints a Markdown table whose cells link to the PNGs written. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sr-image.h"
#include "sr-plane-upscale.h"
#include "srengine.h"

typedef struct {
  int x, y, w, h;
} Crop;

static gboolean
save_crop (const char *path, const guint8 *rgb, int width, Crop c, int zoom,
    GError **error)
{
  int zw = c.w * zoom, zh = c.h * zoom;
  g_autofree guint8 *out = g_malloc ((gsize) zw * zh * 3);
  for (int y = 0; y < zh; y++)
    for (int x = 0; x < zw; x++)
      for (int k = 0; k < 3; k++)
        out[3 * (y * zw + x) + k] =
            rgb[3 * ((gsize) (c.y + y / zoom) * width + c.x + x / zoom) + k];
  return sr_save_png_rgb (path, out, zw, zh, error);
}

static SrPlane *
bicubic_up (const SrPlane *lr, int scale)
{
  SrPlane *p = sr_imresize (lr, scale);
  sr_plane_quantize (p);
  return p;
}

int
main (int argc, char **argv)
{
  g_autofree char *image = NULL, *crop_str = NULL, *out_dir = g_strdup (".");
  g_autofree char *link_prefix = NULL;
  int scale = 3, zoom = 2;
  GOptionEntry entries[] = {
    { "image", 0, 0, G_OPTION_ARG_FILENAME, &image, "Ground-truth PNG", "FILE" },
    { "scale", 0, 0, G_OPTION_ARG_INT, &scale, "Upscaling factor", "N" },
    { "crop", 0, 0, G_OPTION_ARG_STRING, &crop_str, "Region of the HR image", "X,Y,W,H" },
    { "zoom", 0, 0, G_OPTION_ARG_INT, &zoom, "Enlarge crops by this (nearest)", "N" },
    { "out-dir", 0, 0, G_OPTION_ARG_FILENAME, &out_dir, "Where the PNGs go", "DIR" },
    { "link-prefix", 0, 0, G_OPTION_ARG_STRING, &link_prefix,
      "Path of out-dir as the Markdown sees it (default: out-dir)", "PATH" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("MODEL.safetensors...");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || image == NULL
      || crop_str == NULL) {
    g_printerr ("sr-figure: %s\n", error ? error->message : "--image and --crop are needed");
    return 2;
  }
  Crop c;
  if (sscanf (crop_str, "%d,%d,%d,%d", &c.x, &c.y, &c.w, &c.h) != 4) {
    g_printerr ("sr-figure: --crop wants X,Y,W,H\n");
    return 2;
  }
  int full_w, full_h;
  g_autofree guint8 *full = sr_load_png_rgb (image, &full_w, &full_h, &error);
  if (full == NULL) {
    g_printerr ("sr-figure: %s\n", error->message);
    return 2;
  }
  int W = full_w / scale * scale, H = full_h / scale * scale;
  if (c.x < 0 || c.y < 0 || c.w < 1 || c.h < 1 || c.x + c.w > W || c.y + c.h > H) {
    g_printerr ("sr-figure: the crop is outside the %dx%d image\n", W, H);
    return 2;
  }
  /* modcrop, then the protocol's degradation of each YCbCr plane */
  g_autofree guint8 *gt = g_malloc ((gsize) W * H * 3);
  for (int y = 0; y < H; y++)
    memcpy (gt + (gsize) y * W * 3, full + (gsize) y * full_w * 3, (gsize) W * 3);
  SrPlane *hr[3], *lr[3], *bic[3];
  sr_rgb_to_ycbcr_planes (gt, W, H, &hr[0], &hr[1], &hr[2]);
  for (int k = 0; k < 3; k++) {
    lr[k] = sr_degrade (hr[k], scale);
    bic[k] = bicubic_up (lr[k], scale);
  }
  g_autofree char *prefix = g_strdup (link_prefix ? link_prefix : out_dir);
  g_autofree char *stem = g_path_get_basename (image);
  *strrchr (stem, '.') = '\0';
  GString *head = g_string_new ("| ground truth |"), *rule = g_string_new ("|---|"),
      *row = g_string_new ("|");

  g_autofree char *gt_name = g_strdup_printf ("%s_x%d_gt.png", stem, scale);
  g_autofree char *gt_path = g_build_filename (out_dir, gt_name, NULL);
  if (!save_crop (gt_path, gt, W, c, zoom, &error))
    goto fail;
  g_string_append_printf (row, " ![ground truth](%s/%s) |", prefix, gt_name);

  for (int i = 0; i <= argc - 1; i++) {
    /* i == 0: bicubic; then each model */
    g_autoptr (SrModel) model = NULL;
    g_autofree char *label = NULL;
    SrPlane *y_up;
    if (i == 0) {
      label = g_strdup ("bicubic");
    } else {
      model = sr_model_new_from_file (argv[i], &error);
      if (model == NULL)
        goto fail;
      if (sr_model_get_scale (model) != scale) {
        g_printerr ("sr-figure: %s is not a x%d model\n", argv[i], scale);
        return 2;
      }
      label = g_strdup (sr_model_get_family (model));
    }
    if ((y_up = sr_plane_upscale_or_bicubic (model, lr[0], scale, &error)) == NULL)
      goto fail;
    double psnr = sr_psnr (y_up, hr[0], scale);
    g_autofree guint8 *rgb = sr_ycbcr_planes_to_rgb (y_up, bic[1], bic[2]);
    g_autofree char *name = g_strdup_printf ("%s_x%d_%s.png", stem, scale, label);
    g_autofree char *path = g_build_filename (out_dir, name, NULL);
    sr_plane_free (y_up);
    if (!save_crop (path, rgb, W, c, zoom, &error))
      goto fail;
    g_string_append_printf (head, " %s, %.2f dB |", label, psnr);
    g_string_append (rule, "---|");
    g_string_append_printf (row, " ![%s](%s/%s) |", label, prefix, name);
  }
  g_print ("%s\n%s\n%s\n", head->str, rule->str, row->str);
  for (int k = 0; k < 3; k++) {
    sr_plane_free (hr[k]);
    sr_plane_free (lr[k]);
    sr_plane_free (bic[k]);
  }
  g_string_free (head, TRUE);
  g_string_free (rule, TRUE);
  g_string_free (row, TRUE);
  return 0;
fail:
  g_printerr ("sr-figure: %s\n", error->message);
  return 2;
}
