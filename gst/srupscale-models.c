/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "srupscale-models.h"

#include <string.h>

#include <gio/gio.h>

#include "srupscale-model-table.h"

#define RESOURCE_DIR "/org/gstreamer/srupscale/models/"

static const struct {
  const char *nick;
  const char *summary;
} families[] = {
  [GST_SR_UPSCALE_MODEL_ESPCN] = { "espcn", "ESPCN, sub-pixel convolution, the real-time network" },
  [GST_SR_UPSCALE_MODEL_FSRCNN] = { "fsrcnn",
    "FSRCNN, shrink/map/expand and a transposed convolution: sharper, a little slower" },
  [GST_SR_UPSCALE_MODEL_LESRCNN] = { "lesrcnn",
    "LESRCNN-style, 17 residual layers and refinement at full size: the best quality, "
    "far from real time" },
  [GST_SR_UPSCALE_MODEL_SESR] = { "sesr",
    "SESR-style, 3x3 layers trained as wide linear blocks and collapsed: sharper than "
    "FSRCNN at real-time cost" },
};

const char *
srupscale_model_family_name (GstSrUpscaleModel model)
{
  if (model == GST_SR_UPSCALE_MODEL_AUTO)
    return "auto";
  return model < G_N_ELEMENTS (families) ? families[model].nick : "unknown";
}

int
srupscale_builtin_ladder (int scale, GstSrUpscaleModel *rungs, int max)
{
  double psnr[G_N_ELEMENTS (families)];
  int n = 0;
  for (gsize f = 0; f < G_N_ELEMENTS (families) && n < max; f++) {
    g_autoptr (SrModel) m = srupscale_builtin_model_load (f, scale, NULL);
    if (m == NULL)
      continue;
    const char *value = sr_model_get_metadata (m, "set5_psnr_pytorch");
    double q = value ? g_ascii_strtod (value, NULL) : 0;
    /* insertion, sharpest first; an unmeasured file goes last */
    int at = n;
    while (at > 0 && psnr[at - 1] < q) {
      psnr[at] = psnr[at - 1];
      rungs[at] = rungs[at - 1];
      at--;
    }
    psnr[at] = q;
    rungs[at] = f;
    n++;
  }
  return n;
}

/* "ESPCN, ...; x2: 21124 parameters, Set5 Y-PSNR 36.32 dB; x3: ...", from the table
 * generated from the shipped files' headers at build time: gst-inspect can never
 * disagree with them, and registering the plugin reads no weights. */
static char *
describe_family (GstSrUpscaleModel model)
{
  GString *s = g_string_new (families[model].summary);
  gboolean any = FALSE;
  for (int scale = 2; scale <= 4; scale++)
    for (gsize i = 0; i < srupscale_model_table_length; i++) {
      const SrupscaleModelInfo *m = &srupscale_model_table[i];
      if (m->scale != scale || strcmp (m->family, families[model].nick) != 0)
        continue;
      g_string_append_printf (s, "; x%d: %" G_GSIZE_FORMAT " parameters, Set5 Y-PSNR %s dB",
          scale, m->n_params, m->set5_psnr ? m->set5_psnr : "unmeasured");
      any = TRUE;
    }
  if (!any)
    g_string_append (s, " (no built-in weights in this build: use model-location)");
  return g_string_free (s, FALSE);
}

/* "ESPCN, FSRCNN, LESRCNN-style": each family's summary up to its first comma. */
const char *
srupscale_model_families (void)
{
  static char *list = NULL;
  if (g_once_init_enter (&list)) {
    GString *s = g_string_new (NULL);
    for (gsize f = 0; f < G_N_ELEMENTS (families); f++) {
      const char *comma = strchr (families[f].summary, ',');
      g_string_append_printf (s, "%s%.*s", f ? ", " : "",
          (int) (comma ? comma - families[f].summary : (long) strlen (families[f].summary)),
          families[f].summary);
    }
    g_once_init_leave (&list, g_string_free (s, FALSE));
  }
  return list;
}

GType
gst_sr_upscale_model_get_type (void)
{
  static GType type = 0;
  if (g_once_init_enter (&type)) {
    /* registered once per process and never freed, as GType wants */
    GEnumValue *values = g_new0 (GEnumValue, G_N_ELEMENTS (families) + 2);
    gsize i;
    for (i = 0; i < G_N_ELEMENTS (families); i++) {
      values[i].value = i;
      values[i].value_name = describe_family (i);
      values[i].value_nick = families[i].nick;
    }
    values[i].value = GST_SR_UPSCALE_MODEL_AUTO;
    values[i].value_name = "The sharpest built-in network whose measured time a frame "
        "fits 80% of the frame duration; one rung lighter when downstream reports "
        "lateness, back up after a while of headroom (the choice is in model-info and "
        "an element message srupscale-auto)";
    values[i].value_nick = "auto";
    GType t = g_enum_register_static ("GstSrUpscaleModel", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

/* "espcn x2, espcn x3, ...": what the GResource holds. */
const char *
srupscale_builtin_models (void)
{
  static char *list = NULL;
  if (g_once_init_enter (&list)) {
    GString *s = g_string_new (NULL);
    for (gsize f = 0; f < G_N_ELEMENTS (families); f++)
      for (int scale = 2; scale <= 4; scale++) {
        g_autofree char *path = g_strdup_printf ("%s%s_x%d.safetensors", RESOURCE_DIR,
            families[f].nick, scale);
        if (g_resources_get_info (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL))
          g_string_append_printf (s, "%s%s x%d", s->len ? ", " : "", families[f].nick,
              scale);
      }
    g_once_init_leave (&list, g_string_free (s, FALSE));
  }
  return list;
}

SrModel *
srupscale_builtin_model_load (GstSrUpscaleModel model, int scale, GError **error)
{
  g_autofree char *name = g_strdup_printf ("%s_x%d.safetensors",
      srupscale_model_family_name (model), scale);
  g_autofree char *path = g_strconcat (RESOURCE_DIR, name, NULL);
  g_autoptr (GBytes) bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE,
      NULL);
  if (bytes == NULL) {
    g_set_error (error, SR_ERROR, SR_ERROR_NOT_FOUND,
        "this build has no built-in %s weights for x%d (it has: %s); model-location "
        "can load your own", srupscale_model_family_name (model), scale,
        srupscale_builtin_models ());
    return NULL;
  }
  return sr_model_new_from_bytes (bytes, name, error);
}
