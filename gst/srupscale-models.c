#include "srupscale-models.h"

#include <gio/gio.h>

#define RESOURCE_DIR "/org/gstreamer/srupscale/models/"

static const struct {
  const char *nick;
  const char *summary;
} families[] = {
  [GST_SR_UPSCALE_MODEL_ESPCN] = { "espcn", "ESPCN, sub-pixel convolution, the real-time network" },
};

const char *
srupscale_model_family_name (GstSrUpscaleModel model)
{
  return model < G_N_ELEMENTS (families) ? families[model].nick : "unknown";
}

/* "ESPCN, ...; x2: 21184 multiply-adds per pixel, Set5 36.40 dB; x3: ...", read from
 * the shipped files themselves so gst-inspect can never disagree with them. */
static char *
describe_family (GstSrUpscaleModel model)
{
  GString *s = g_string_new (families[model].summary);
  for (int scale = 2; scale <= 4; scale++) {
    g_autoptr (SrModel) m = srupscale_builtin_model_load (model, scale, NULL);
    if (m == NULL)
      continue;
    const char *psnr = sr_model_get_metadata (m, "set5_psnr_pytorch");
    g_string_append_printf (s, "; x%d: %.0f multiply-adds per input pixel, Set5 Y-PSNR %s dB",
        scale, sr_model_get_macs_per_pixel (m), psnr ? psnr : "unmeasured");
  }
  return g_string_free (s, FALSE);
}

GType
gst_sr_upscale_model_get_type (void)
{
  static GType type = 0;
  if (g_once_init_enter (&type)) {
    /* registered once per process and never freed, as GType wants */
    GEnumValue *values = g_new0 (GEnumValue, G_N_ELEMENTS (families) + 1);
    for (gsize i = 0; i < G_N_ELEMENTS (families); i++) {
      values[i].value = i;
      values[i].value_name = describe_family (i);
      values[i].value_nick = families[i].nick;
    }
    GType t = g_enum_register_static ("GstSrUpscaleModel", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

SrModel *
srupscale_builtin_model_load (GstSrUpscaleModel model, int scale, GError **error)
{
  g_autofree char *name = g_strdup_printf ("%s_x%d.safetensors",
      srupscale_model_family_name (model), scale);
  g_autofree char *path = g_strconcat (RESOURCE_DIR, name, NULL);
  g_autoptr (GBytes) bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE,
      error);
  if (bytes == NULL)
    return NULL;
  return sr_model_new_from_bytes (bytes, name, error);
}
