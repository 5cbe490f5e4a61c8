/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* How the runner lays a model's program over a tile: the context (halo) each value
 * needs, and which buffer holds it (values whose lives do not overlap share one). */
#pragma once

#include "sr-map.h"
#include "sr-model-private.h"

typedef struct {
  /* pixels of context around the tile each value must cover, on its own grid, so
   * that the output over the tile is exact */
  int margin[SR_MAX_STEPS + 1];
  /* how far the last value reaches past the image's right and bottom edges: the
   * store reads some sub-pixel phases there (SrModel.out_offset) */
  int overhang;
  int buffer[SR_MAX_STEPS + 1];
  int n_buffers;
} SrPlan;

void sr_plan_make (const SrModel *model, SrPlan *plan);

/* The region value @v covers for low-resolution @tile of a @height x @width input. */
static inline SrRect
sr_plan_rect (const SrModel *model, const SrPlan *plan, int v, SrRect tile, int height,
    int width)
{
  int l = model->values[v].level, over = v == model->n_steps ? plan->overhang : 0;
  SrRect t = { tile.y0 * l, tile.x0 * l, tile.h * l, tile.w * l };
  return sr_rect_grow_clip (t, plan->margin[v], height * l + over, width * l + over);
}
