/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The element-wise steps of a model's program (sr-model-private.h), on maps placed
 * on their grids: each fills @out's region from inputs that cover it. */
#pragma once

#include "sr-activation.h"
#include "sr-map.h"

/* out = act (a + b); only SR_ACT_NONE and SR_ACT_RELU. */
void sr_map_add (const SrMap *a, const SrMap *b, SrMap *out, SrActivation act);

/* Pixel shuffle by @r: channel c*r*r + i*r + j of @in at (y, x) goes to channel c
 * of @out at (y*r + i, x*r + j), as torch.nn.PixelShuffle does. */
void sr_map_shuffle (const SrMap *in, SrMap *out, int r);
