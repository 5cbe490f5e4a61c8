/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Upscales an 8-bit-valued SrPlane with a model, as the element feeds the engine. */
#pragma once

#include "sr-image.h"
#include "srengine.h"

SrPlane *sr_plane_upscale (const SrModel *model, const SrPlane *lr, GError **error);
