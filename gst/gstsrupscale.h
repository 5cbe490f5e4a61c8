/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* srupscale: a GstVideoFilter that upscales video with a super-resolution network. */
#pragma once

#include <gst/video/gstvideofilter.h>

#include "srengine.h"
#include "srupscale-auto.h"
#include "srupscale-frame.h"
#include "srupscale-latency.h"
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
  guint max_memory;           /* MiB, 0 = no limit */
  gboolean model_changed;     /* model or model-location set since the last load */
  gboolean threads_changed;
  int warned_width, warned_height, warned_scale;   /* last unreachable size said */
  gboolean warned_interlaced;

  /* streaming state, touched only by the streaming thread (and start/stop) */
  SrModel *net;
  int net_scale;
  SrRunner *runner;
  SrFramePath *frame_path;
  GstVideoInfo in_info, out_info;
  /* processing times of the recent frames, measured, and the worst of them last
   * announced to the pipeline (object lock) */
  SrLatencyWindow latency_window;
  GstClockTime latency;
  /* the runner's kernel of each layer, for model-info (object lock) */
  char *kernel_info;

  /* model=auto: the ladder at the current scale and the policy over it (streaming
   * thread); the family it runs (object lock); lateness QoS reported (atomic) */
  SrAutoPolicy auto_policy;
  GstSrUpscaleModel auto_rungs[SR_AUTO_MAX_RUNGS];
  GstSrUpscaleModel auto_family;
  const char *auto_reason;
  gint qos_late;
};

GST_ELEMENT_REGISTER_DECLARE (srupscale);

G_END_DECLS
