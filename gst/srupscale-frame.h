/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* How one video frame is upscaled: luma through the network, chroma and alpha
 * through GStreamer's bicubic scaler, RGB through YCbCr and back. Everything here is
 * allocated for one pair of caps and reused for every frame. */
#pragma once

#include <gst/video/video.h>

#include "srengine.h"

G_BEGIN_DECLS

typedef struct _SrFramePath SrFramePath;

/* @out_info must be @in_info at scale times the size. */
SrFramePath *sr_frame_path_new (const GstVideoInfo *in_info, const GstVideoInfo *out_info,
    guint n_threads);
void sr_frame_path_free (SrFramePath *path);

gboolean sr_frame_path_process (SrFramePath *path, SrRunner *runner,
    const GstVideoFrame *in, GstVideoFrame *out);

G_END_DECLS
