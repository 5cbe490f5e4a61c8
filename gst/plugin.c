#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gstsrupscale.h"

static gboolean
plugin_init (GstPlugin *plugin)
{
  return GST_ELEMENT_REGISTER (srupscale, plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, srupscale,
    "Super-resolution video upscaling with small neural networks", plugin_init,
    VERSION, "LGPL", PACKAGE, "gst-srupscale")
