#include "srupscale-models.h"

#include <gio/gio.h>

#define RESOURCE_DIR "/org/gstreamer/srupscale/models/"

GType
gst_sr_upscale_model_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_SR_UPSCALE_MODEL_ESPCN,
      "ESPCN: sub-pixel convolution, the real-time network", "espcn" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstSrUpscaleModel", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

const char *
srupscale_model_family_name (GstSrUpscaleModel model)
{
  GEnumClass *klass = g_type_class_ref (GST_TYPE_SR_UPSCALE_MODEL);
  GEnumValue *value = g_enum_get_value (klass, model);
  const char *name = value ? value->value_nick : "unknown";
  g_type_class_unref (klass);
  return name;
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
