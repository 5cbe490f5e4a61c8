/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bicubic (Catmull-Rom) upscaling of the chroma of 8-bit planar and semi-planar YUV
 * (I420, YV12, Y42B, Y444, NV12, NV21) by the element's integer scale, honouring the
 * caps' chroma siting. GstVideoConverter does this too, but only for whole frames: it would scale
 * the luma plane as well (two thirds of an I420 frame's samples), which the network's
 * output then replaces, and its public API has no single-plane scaler that knows the
 * siting. Tables are made once per caps; a frame allocates nothing. */
#pragma once

#include <gst/video/video.h>

G_BEGIN_DECLS

typedef struct _SrChromaScaler SrChromaScaler;

/* NULL where @in_info's format or siting is not one this handles (the caller then
 * scales the whole frame with GstVideoConverter). @out_info: the same format and
 * siting at @scale times the size. */
SrChromaScaler *sr_chroma_scaler_new (const GstVideoInfo *in_info,
    const GstVideoInfo *out_info, int scale);
void sr_chroma_scaler_free (SrChromaScaler *scaler);

/* Writes both chroma planes of @out from those of @in. */
void sr_chroma_scaler_process (SrChromaScaler *scaler, const GstVideoFrame *in,
    GstVideoFrame *out);

G_END_DECLS
