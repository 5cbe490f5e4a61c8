/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The srupscale element and GStreamer's own bicubic scaler, timed end to end in
 * pipelines run in this process. */
#pragma once

#include "bench.h"

G_BEGIN_DECLS

/* Loads the plugin of this build from @plugin_file (so that neither an installed
 * copy nor GST_PLUGIN_PATH decides what is measured); gst_init() has run. */
gboolean bench_element_load_plugin (const char *plugin_file, char **used, GError **error);

/* videotestsrc ! @format @width x @height ! srupscale (weights from @model_path)
 * ! fakesink. */
gboolean bench_element_srupscale (const char *model_path, int scale, const char *format,
    int width, int height, const BenchOptions *opt, BenchTiming *timing, GError **error);

/* The same I420 frames through videoscale method=catrom (Catmull-Rom, the bicubic
 * srupscale uses for chroma) to @scale times the size. */
gboolean bench_element_bicubic (int scale, int width, int height,
    const BenchOptions *opt, BenchTiming *timing, GError **error);

G_END_DECLS
