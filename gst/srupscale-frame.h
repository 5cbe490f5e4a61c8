/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* How one video frame is upscaled: luma through the network, chroma and alpha
 * bicubic (our own for the chroma of 8-bit YUV, GStreamer's converter for the rest),
 * RGB through YCbCr and back. Everything here is allocated for one pair of caps and
 * reused for every frame. */
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

/* Bytes of the frames the path allocates for these caps (before allocating them). */
gsize sr_frame_path_estimate_bytes (const GstVideoInfo *in_info,
    const GstVideoInfo *out_info);

/* Whether every row of every component of @frame lies inside the memory mapped for
 * it: a buffer's GstVideoMeta may claim strides or offsets its memory does not hold,
 * and gst_video_frame_map() does not check them. @why (free it) says what is wrong. */
gboolean sr_frame_check_memory (const GstVideoFrame *frame, char **why);

G_END_DECLS
