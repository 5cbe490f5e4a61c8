/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Upscales an 8-bit-valued SrPlane with a model, as the element feeds the engine. */
#pragma once

#include "sr-image.h"
#include "srengine.h"

SrPlane *sr_plane_upscale (const SrModel *model, const SrPlane *lr, GError **error);

/* @lr upscaled by @scale with @model, or with bicubic (rounded to 8-bit levels, as a
 * video would carry it) when @model is NULL: the two sides of every comparison. */
SrPlane *sr_plane_upscale_or_bicubic (const SrModel *model, const SrPlane *lr, int scale,
    GError **error);
