/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A block of feature maps placed on the image grid of its layer.
 *
 * Tiles are processed in image coordinates: a map covers rows [y0, y0+h) and
 * columns [x0, x0+w) of its grid, for c channels stored plane after plane. A layer
 * reading outside the map reads zero, which is exactly the zero padding PyTorch
 * applies at the image border, because maps are always clipped to the image. */
#pragma once

#include <stddef.h>

typedef struct {
  float *data;   /* c planes of h * w floats */
  int c;
  int y0, x0;
  int h, w;
  /* floats from one channel's plane to the next; 0: h * w (planes packed). A map of
   * some rows of a taller one (the runner's rows still to compute, under rows kept
   * from the tile above) has the taller map's plane. */
  size_t plane_stride;
} SrMap;

typedef struct {
  int y0, x0, h, w;
} SrRect;

static inline size_t
sr_map_plane (const SrMap *m)
{
  return m->plane_stride ? m->plane_stride : (size_t) m->h * m->w;
}

/* The rect grown by @margin on every side, then clipped to a @height x @width grid. */
static inline SrRect
sr_rect_grow_clip (SrRect r, int margin, int height, int width)
{
  int y1 = r.y0 + r.h + margin, x1 = r.x0 + r.w + margin;
  SrRect g;
  g.y0 = r.y0 - margin < 0 ? 0 : r.y0 - margin;
  g.x0 = r.x0 - margin < 0 ? 0 : r.x0 - margin;
  g.h = (y1 > height ? height : y1) - g.y0;
  g.w = (x1 > width ? width : x1) - g.x0;
  return g;
}
