/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* srupscale: a GstVideoFilter that upscales video with a super-resolution network. */
#pragma once

#include <gst/video/gstvideofilter.h>

#include "srengine.h"
#include "srupscale-frame.h"
#include "srupscale-models.h"

G_BEGIN_DECLS

#define GST_TYPE_SR_UPSCALE (gst_sr_upscale_get_type ())
G_DECLARE_FINAL_TYPE (GstSrUpscale, gst_sr_upscale, GST, SR_UPSCALE, GstVideoFilter)

struct _GstSrUpscale {
  GstVideoFilter parent;

  /* properties, under the object lock */
  GstSrUpscaleModel model;
  int scale;
  char *model_location;
  int n_threads;
  gboolean bf16;
  gboolean model_changed;     /* model or model-location set since the last load */
  gboolean threads_changed;
  int warned_width, warned_height, warned_scale;   /* last unreachable size said */

  /* streaming state, touched only by the streaming thread (and start/stop) */
  SrModel *net;
  int net_scale;
  SrRunner *runner;
  SrFramePath *frame_path;
  GstVideoInfo in_info, out_info;
  /* processing time of a frame, measured; reported in LATENCY queries (object lock) */
  GstClockTime latency;
};

GST_ELEMENT_REGISTER_DECLARE (srupscale);

G_END_DECLS
