/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sr-map-ops.h"

#include "sr-cpu.h"

/* Where row @y, column @x of @m's grid is in its channel @c. */
static inline const float *
map_ptr (const SrMap *m, int c, int y, int x)
{
  return m->data + (size_t) c * sr_map_plane (m) + (size_t) (y - m->y0) * m->w
      + (x - m->x0);
}

SR_X86_CLONES
void
sr_map_add (const SrMap *a, const SrMap *b, SrMap *out, SrActivation act)
{
  for (int c = 0; c < out->c; c++) {
    for (int y = 0; y < out->h; y++) {
      const float *pa = map_ptr (a, c, out->y0 + y, out->x0);
      const float *pb = map_ptr (b, c, out->y0 + y, out->x0);
      float *dst = (float *) map_ptr (out, c, out->y0 + y, out->x0);
      if (act == SR_ACT_RELU) {
        for (int x = 0; x < out->w; x++) {
          float v = pa[x] + pb[x];
          dst[x] = v > 0.f ? v : 0.f;
        }
      } else {
        for (int x = 0; x < out->w; x++)
          dst[x] = pa[x] + pb[x];
      }
    }
  }
}

void
sr_map_shuffle (const SrMap *in, SrMap *out, int r)
{
  for (int c = 0; c < out->c; c++) {
    for (int y = 0; y < out->h; y++) {
      int gy = out->y0 + y, i = gy % r;
      float *dst = (float *) map_ptr (out, c, gy, out->x0);
      for (int j = 0; j < r; j++) {
        /* the output columns of phase j: gx = x0 + x with gx % r == j */
        int x = ((j - out->x0 % r) % r + r) % r;
        const float *src = map_ptr (in, (c * r + i) * r + j, gy / r, (out->x0 + x) / r);
        for (int k = 0; x < out->w; x += r, k++)
          dst[x] = src[k];
      }
    }
  }
}
