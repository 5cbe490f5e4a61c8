/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "srupscale-chroma.h"

#include <math.h>

/* Where each output sample of one dimension reads: 4 input samples (those past the
 * plane's edge clamped to it) with Catmull-Rom weights. */
typedef struct {
  int index[4];
  float weight[4];
} Taps;

/* Output samples j = scale m + p of one phase p all have the same weights and read
 * from input sample m + first (unclamped). */
typedef struct {
  int first;
  float weight[4];
} Phase;

#define MAX_SCALE 4

struct _SrChromaScaler {
  int in_w, in_h, out_w, out_h;   /* of a chroma plane */
  int scale;
  Taps *columns, *rows;           /* out_w, out_h */
  Phase column_phase[MAX_SCALE];
  /* input rows filtered along x, out_w floats each, the 4 the current output row
   * reads: slot r % 4 holds input row r, whose number is in @slot_row */
  float *filtered[4];
  int slot_row[4];
  float *phase_row;               /* in_w: one phase of a row, before interleaving */
  guint8 *row_bytes;              /* in_w: an input row of NV12/NV21, de-interleaved */
};

/* Catmull-Rom (B = 0, C = 0.5) at fraction t of the way from sample 0 to sample 1,
 * for samples -1, 0, 1, 2. */
static void
catmull_rom (double t, float *w)
{
  double t2 = t * t, t3 = t2 * t;
  w[0] = (float) ((-t3 + 2 * t2 - t) / 2);
  w[1] = (float) ((3 * t3 - 5 * t2 + 2) / 2);
  w[2] = (float) ((-3 * t3 + 4 * t2 + t) / 2);
  w[3] = (float) ((t3 - t2) / 2);
}

/* One dimension: @n_out samples from @n_in of chroma subsampled by @sub (1, 2) against
 * luma, cosited with the first luma sample of its @sub or centred among them. In
 * units of the low-resolution luma grid (sample k covers [k, k + 1)), output sample j
 * lies at (sub j + c) / scale and input sample i at sub i + c, c = 1/2 (cosited) or
 * sub / 2 (centred): output j = scale m + p reads at input position m + u(p), so the
 * phases' offsets and weights are worked out once (@phases: scale of them) and every
 * sample of a phase shares them. */
static Taps *
make_taps (int n_in, int n_out, int sub, gboolean cosited, int scale, Phase *phases)
{
  double c = cosited ? 0.5 : sub / 2.0;
  for (int p = 0; p < scale; p++) {
    double u = ((sub * p + c) / scale - c) / sub;   /* in input samples */
    double base = floor (u);
    phases[p].first = (int) base - 1;
    catmull_rom (u - base, phases[p].weight);
  }
  Taps *taps = g_new (Taps, n_out);
  for (int j = 0; j < n_out; j++) {
    const Phase *ph = &phases[j % scale];
    for (int k = 0; k < 4; k++) {
      taps[j].index[k] = CLAMP (j / scale + ph->first + k, 0, n_in - 1);
      taps[j].weight[k] = ph->weight[k];
    }
  }
  return taps;
}

static gboolean
format_handled (const GstVideoInfo *info)
{
  switch (GST_VIDEO_INFO_FORMAT (info)) {
    case GST_VIDEO_FORMAT_I420:
    case GST_VIDEO_FORMAT_YV12:
    case GST_VIDEO_FORMAT_Y42B:
    case GST_VIDEO_FORMAT_Y444:
    case GST_VIDEO_FORMAT_NV12:
    case GST_VIDEO_FORMAT_NV21:
      /* DV's alternate-line siting is left to GstVideoConverter */
      return !(info->chroma_site & GST_VIDEO_CHROMA_SITE_ALT_LINE);
    default:
      return FALSE;
  }
}

SrChromaScaler *
sr_chroma_scaler_new (const GstVideoInfo *in_info, const GstVideoInfo *out_info,
    int scale)
{
  if (!format_handled (in_info) || scale < 1 || scale > MAX_SCALE)
    return NULL;
  const GstVideoFormatInfo *finfo = in_info->finfo;
  SrChromaScaler *s = g_new0 (SrChromaScaler, 1);
  s->in_w = GST_VIDEO_INFO_COMP_WIDTH (in_info, GST_VIDEO_COMP_U);
  s->in_h = GST_VIDEO_INFO_COMP_HEIGHT (in_info, GST_VIDEO_COMP_U);
  s->out_w = GST_VIDEO_INFO_COMP_WIDTH (out_info, GST_VIDEO_COMP_U);
  s->out_h = GST_VIDEO_INFO_COMP_HEIGHT (out_info, GST_VIDEO_COMP_U);
  int wsub = 1 << GST_VIDEO_FORMAT_INFO_W_SUB (finfo, GST_VIDEO_COMP_U);
  int hsub = 1 << GST_VIDEO_FORMAT_INFO_H_SUB (finfo, GST_VIDEO_COMP_U);
  s->scale = scale;
  Phase row_phase[MAX_SCALE];
  s->columns = make_taps (s->in_w, s->out_w, wsub,
      (in_info->chroma_site & GST_VIDEO_CHROMA_SITE_H_COSITED) != 0, scale,
      s->column_phase);
  s->rows = make_taps (s->in_h, s->out_h, hsub,
      (in_info->chroma_site & GST_VIDEO_CHROMA_SITE_V_COSITED) != 0, scale, row_phase);
  s->phase_row = g_new (float, s->in_w);
  s->row_bytes = g_new (guint8, s->in_w);
  for (int i = 0; i < 4; i++)
    s->filtered[i] = g_new (float, s->out_w);   /* emptied per plane: scale_plane() */
  return s;
}

void
sr_chroma_scaler_free (SrChromaScaler *s)
{
  if (s == NULL)
    return;
  g_free (s->columns);
  g_free (s->rows);
  for (int i = 0; i < 4; i++)
    g_free (s->filtered[i]);
  g_free (s->phase_row);
  g_free (s->row_bytes);
  g_free (s);
}

/* Output samples scale m + p of one row, m in [@from, @to), through the clamped
 * tables. */
static void
filter_columns (const SrChromaScaler *s, const guint8 *src, float *dst, int p, int from,
    int to)
{
  for (int m = from; m < to; m++) {
    const Taps *t = &s->columns[s->scale * m + p];
    dst[s->scale * m + p] = t->weight[0] * src[t->index[0]] + t->weight[1] * src[t->index[1]]
        + t->weight[2] * src[t->index[2]] + t->weight[3] * src[t->index[3]];
  }
}

/* Input row @r along x into its slot, unless it is there already: phase by phase,
 * the samples whose 4 taps are all inside the row in a loop the compiler vectorises
 * (4 neighbouring bytes, the same weights), then interleaved; the few at the edges
 * through the clamped tables. */
static const float *
filtered_row (SrChromaScaler *s, const guint8 *plane, int stride, int pstride, int r)
{
  int slot = r % 4;
  float *dst = s->filtered[slot];
  if (s->slot_row[slot] == r)
    return dst;
  const guint8 *src = plane + (gsize) r * stride;
  if (pstride != 1) {   /* NV12, NV21: Cb and Cr interleaved */
    for (int i = 0; i < s->in_w; i++)
      s->row_bytes[i] = src[i * pstride];
    src = s->row_bytes;
  }
  const int scale = s->scale;
  for (int p = 0; p < scale; p++) {
    const Phase *ph = &s->column_phase[p];
    const int count = (s->out_w - p + scale - 1) / scale;   /* samples of phase p */
    /* m + first >= 0 and m + first + 3 <= in_w - 1 */
    const int from = MIN (MAX (0, -ph->first), count);
    const int to = MAX (from, MIN (count, s->in_w - 3 - ph->first));
    const float w0 = ph->weight[0], w1 = ph->weight[1], w2 = ph->weight[2],
        w3 = ph->weight[3];
    const guint8 *in = src + from + ph->first;   /* inside the row: from + first >= 0 */
    float *tmp = s->phase_row;
    for (int i = 0; i < to - from; i++)
      tmp[i] = w0 * in[i] + w1 * in[i + 1] + w2 * in[i + 2] + w3 * in[i + 3];
    for (int i = 0; i < to - from; i++)
      dst[scale * (from + i) + p] = tmp[i];
    filter_columns (s, src, dst, p, 0, from);
    filter_columns (s, src, dst, p, to, count);
  }
  s->slot_row[slot] = r;
  return dst;
}

/* One component: @in_pstride, @out_pstride bytes from one sample to the next (1, or 2
 * in NV12 and NV21). */
static void
scale_plane (SrChromaScaler *s, const guint8 *in, int in_stride, int in_pstride,
    guint8 *out, int out_stride, int out_pstride)
{
  for (int i = 0; i < 4; i++)
    s->slot_row[i] = -1;
  for (int y = 0; y < s->out_h; y++) {
    const Taps *t = &s->rows[y];
    const float *r[4];
    for (int k = 0; k < 4; k++)
      r[k] = filtered_row (s, in, in_stride, in_pstride, t->index[k]);
    const float w0 = t->weight[0], w1 = t->weight[1], w2 = t->weight[2],
        w3 = t->weight[3];
    guint8 *dst = out + (gsize) y * out_stride;
    const int n = s->out_w;   /* not re-read after each byte store */
    /* the filter overshoots at edges: clamped, as a whole number (a float clamp with
     * ?: kept these loops from vectorising) */
    if (out_pstride == 1) {
      for (int x = 0; x < n; x++) {
        int q = (int) (w0 * r[0][x] + w1 * r[1][x] + w2 * r[2][x] + w3 * r[3][x] + 0.5f);
        dst[x] = (guint8) CLAMP (q, 0, 255);
      }
    } else {
      for (int x = 0; x < n; x++) {
        int q = (int) (w0 * r[0][x] + w1 * r[1][x] + w2 * r[2][x] + w3 * r[3][x] + 0.5f);
        dst[x * out_pstride] = (guint8) CLAMP (q, 0, 255);
      }
    }
  }
}

void
sr_chroma_scaler_process (SrChromaScaler *s, const GstVideoFrame *in, GstVideoFrame *out)
{
  static const int components[2] = { GST_VIDEO_COMP_U, GST_VIDEO_COMP_V };
  for (int i = 0; i < 2; i++) {
    int c = components[i];
    scale_plane (s, GST_VIDEO_FRAME_COMP_DATA (in, c), GST_VIDEO_FRAME_COMP_STRIDE (in, c),
        GST_VIDEO_FRAME_COMP_PSTRIDE (in, c), GST_VIDEO_FRAME_COMP_DATA (out, c),
        GST_VIDEO_FRAME_COMP_STRIDE (out, c), GST_VIDEO_FRAME_COMP_PSTRIDE (out, c));
  }
}
