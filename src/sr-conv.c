/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sr-conv.h"

#include <cblas.h>
#include <string.h>

#include "sr-conv-tiers.h"
#include "sr-cpu.h"

gboolean
sr_conv_winograd_eligible (const SrConv *conv)
{
  /* F(4x4, 3x3) rounds a little more than the direct kernel: only on the layers with
   * 8 or more channels on both sides, where the golden tests hold it to 1e-4 of
   * PyTorch (a 32->4 last layer, say, stays direct; it measured slower there anyway) */
  return conv->k == 3 && conv->shift == 0 && conv->cin >= 8 && conv->cout >= 8
      && sr_conv_winograd_available ();
}

/* Where Winograd's F(4x4, 3x3) is the float32 kernel by default: eligible layers with
 * enough channel pairs to pay for the transforms.
 * Measured on one 66x144 tile, one thread, CPU time, Intel Xeon family 6 model 207
 * (ms, Winograd against direct): AVX-512 12->12 0.25 / 0.21, 16->16 0.35 / 0.34,
 * 24->24 0.58 / 0.72, 64->32 1.9 / 3.0, 64->64 2.7 / 5.4; AVX2 12->12 0.32 / 0.37,
 * 64->32 2.8 / 5.4. Narrow outputs (ESPCN's 32->4) stay direct. NEON takes the AVX2
 * threshold, unmeasured (no ARM64 machine here). The runner times both where both fit
 * (sr-runner.c) and keeps the faster. */
gboolean
sr_conv_winograd_pays (const SrConv *conv)
{
  return sr_conv_winograd_eligible (conv)
      && conv->cin * conv->cout >= (sr_cpu_level () == SR_CPU_AVX512 ? 384 : 64);
}

size_t
sr_conv_scratch_floats (const SrConv *conv, int out_h, int out_w)
{
  int e = conv->k - 1;   /* the padded copy's extra rows and columns */
  if (conv->kernel == sr_conv_gemm)   /* the im2col matrix */
    return (size_t) conv->cin * conv->k * conv->k * out_h * out_w;
  /* the direct kernels' zero-padded input copy (bfloat16 pairs take no more; pairs of
   * taps read one column more), or Winograd's where it may run: precision=bf16 can
   * switch a layer between them */
  int cols = out_w + e + (conv->cin == 1);
  size_t padded = (size_t) conv->cin * (out_h + e) * SR_CONV_PADDED_STRIDE (cols);
  if (sr_conv_winograd_5x5_eligible (conv))
    padded = MAX (padded, sr_conv_winograd_5x5_scratch_floats (conv, out_h, out_w));
  if (sr_conv_winograd_pays (conv) || conv->kernel == sr_conv_winograd
      || conv->kernel == sr_conv_winograd_bf16)
    return MAX (padded, sr_conv_winograd_scratch_floats (conv, out_h, out_w));
  return padded;
}

#if !SR_X86
/* Builds without the x86 units (src/meson.build): the bfloat16 kernel's entry points,
 * never called (sr_conv_bf16_available() is FALSE), so that code naming them links. */
void
sr_conv_direct_bf16 (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  g_error ("%s: this build has no bfloat16 kernel", G_STRFUNC);
}

size_t
sr_conv_bf16_packed_floats (const SrConv *conv)
{
  return 0;
}

void
sr_conv_bf16_pack (const SrConv *conv, float *packed)
{
}

void
sr_conv_winograd_bf16 (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  g_error ("%s: this build has no bfloat16 kernel", G_STRFUNC);
}

size_t
sr_conv_winograd_bf16_packed_floats (const SrConv *conv)
{
  return 0;
}

void
sr_conv_winograd_bf16_pack (const SrConv *conv, float *packed)
{
}
#endif

/* Winograd in bfloat16 rounds the transformed values (up to 100 times an input), so
 * its error is about 10 times the direct bf16 kernel's: Set5 PSNR with every layer it
 * fits on in bfloat16, on the C engine, against float32: ESPCN x2 -0.03 dB, FSRCNN x2
 * -0.04 (the direct bf16 kernel alone: -0.004). A layer without activation is here an
 * output layer or a residual branch, whose rounding reaches the picture unaveraged:
 * with ESPCN x3's last layer (3x3 32->9) in it -0.052 dB, without it -0.015. So
 * activated layers only, and of 16 x 16 channels or more: below that the direct bf16
 * kernel is about as fast (FSRCNN's 3x3 12->12 on an AMD Zen 4: 0.11-0.12 ms a tile
 * against 0.11), and FSRCNN x2's four such layers cost -0.04 dB in Winograd's. */
gboolean
sr_conv_winograd_bf16_fits (const SrConv *conv)
{
  return sr_conv_winograd_eligible (conv) && conv->cin * conv->cout >= 256
      && conv->act != SR_ACT_NONE && sr_conv_bf16_available ();
}

gboolean
sr_conv_direct_available (void)
{
  return sr_cpu_has_simd ();
}

gboolean
sr_conv_bf16_available (void)
{
#if SR_X86
  return sr_cpu_level () == SR_CPU_AVX512 && __builtin_cpu_supports ("avx512bf16");
#else
  return FALSE;
#endif
}

size_t
sr_conv_direct_packed_floats (const SrConv *conv)
{
  switch (sr_cpu_level ()) {
#if SR_X86
    case SR_CPU_AVX512:
      return sr_direct_packed_floats_avx512 (conv);
    case SR_CPU_AVX2:
      return sr_direct_packed_floats_avx2 (conv);
#endif
#if SR_NEON
    case SR_CPU_NEON:
      return sr_direct_packed_floats_neon (conv);
#endif
    default:
      return 0;
  }
}

void
sr_conv_direct_pack (const SrConv *conv, float *packed)
{
  switch (sr_cpu_level ()) {
#if SR_X86
    case SR_CPU_AVX512:
      sr_direct_pack_avx512 (conv, packed);
      return;
    case SR_CPU_AVX2:
      sr_direct_pack_avx2 (conv, packed);
      return;
#endif
#if SR_NEON
    case SR_CPU_NEON:
      sr_direct_pack_neon (conv, packed);
      return;
#endif
    default:
      return;
  }
}

void
sr_conv_direct (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  switch (sr_cpu_level ()) {
#if SR_X86
    case SR_CPU_AVX512:
      sr_direct_run_avx512 (conv, in, out, scratch);
      return;
    case SR_CPU_AVX2:
      sr_direct_run_avx2 (conv, in, out, scratch);
      return;
#endif
#if SR_NEON
    case SR_CPU_NEON:
      sr_direct_run_neon (conv, in, out, scratch);
      return;
#endif
    default:
      /* never chosen here (sr_conv_direct_available()); exact and slow if forced */
      sr_conv_reference (conv, in, out, scratch);
      return;
  }
}

void
sr_conv_pad_input (const SrMap *in, int y0, int x0, int ph, int pw, float *pad, int stride)
{
  for (int ci = 0; ci < in->c; ci++) {
    const float *plane = in->data + (size_t) ci * sr_map_plane (in);
    for (int py = 0; py < ph; py++) {
      float *dst = pad + ((size_t) ci * ph + py) * stride;
      int iy = y0 + py - in->y0;
      if (iy < 0 || iy >= in->h) {
        memset (dst, 0, sizeof (float) * pw);
        continue;
      }
      int lo = in->x0 - x0, hi = in->x0 + in->w - x0;   /* valid [lo, hi) in pad */
      lo = lo < 0 ? 0 : lo;
      hi = hi > pw ? pw : hi;
      if (hi < lo)
        hi = lo;
      memset (dst, 0, sizeof (float) * lo);
      memcpy (dst + lo, plane + (size_t) iy * in->w + (x0 + lo - in->x0),
          sizeof (float) * (hi - lo));
      memset (dst + hi, 0, sizeof (float) * (pw - hi));
    }
  }
}

static inline float
map_at (const SrMap *m, int c, int y, int x)
{
  y -= m->y0;
  x -= m->x0;
  if (y < 0 || y >= m->h || x < 0 || x >= m->w)
    return 0.f;
  return m->data[(size_t) c * sr_map_plane (m) + (size_t) y * m->w + x];
}

void
sr_conv_reference (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  (void) scratch;
  int k = conv->k, first = sr_conv_first_tap (conv);
  for (int co = 0; co < conv->cout; co++) {
    float *dst = out->data + (size_t) co * sr_map_plane (out);
    for (int y = 0; y < out->h; y++) {
      for (int x = 0; x < out->w; x++) {
        double acc = conv->bias[co];
        for (int ci = 0; ci < conv->cin; ci++)
          for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
              acc += (double) conv->weight[((co * conv->cin + ci) * k + ky) * k + kx]
                  * map_at (in, ci, out->y0 + y + ky + first, out->x0 + x + kx + first);
        dst[y * out->w + x] = (float) acc;
      }
    }
  }
  sr_activation_apply (conv->act, conv->slopes, out->data, conv->cout,
      (size_t) out->h * out->w, sr_map_plane (out));
}

/* One im2col row: for every output pixel, the input value under kernel tap
 * (ci, ky, kx), or zero where that lies outside the input map. */
static void
im2col_row (const SrMap *in, const SrMap *out, int ci, int dy, int dx, float *row)
{
  const float *plane = in->data + (size_t) ci * sr_map_plane (in);
  for (int y = 0; y < out->h; y++) {
    float *dst = row + (size_t) y * out->w;
    int iy = out->y0 + y + dy - in->y0;
    if (iy < 0 || iy >= in->h) {
      memset (dst, 0, sizeof (float) * out->w);
      continue;
    }
    const float *src = plane + (size_t) iy * in->w;
    int ix0 = out->x0 + dx - in->x0;
    /* valid output columns x: 0 <= ix0 + x < in->w */
    int x_lo = ix0 < 0 ? -ix0 : 0;
    int x_hi = in->w - ix0 < out->w ? in->w - ix0 : out->w;
    if (x_hi < x_lo)
      x_hi = x_lo;
    for (int x = 0; x < x_lo; x++)
      dst[x] = 0.f;
    memcpy (dst + x_lo, src + ix0 + x_lo, sizeof (float) * (x_hi - x_lo));
    for (int x = x_hi; x < out->w; x++)
      dst[x] = 0.f;
  }
}

void
sr_conv_gemm (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  int k = conv->k, first = sr_conv_first_tap (conv);
  int n = out->h * out->w, kk = conv->cin * k * k;
  for (int ci = 0; ci < conv->cin; ci++)
    for (int ky = 0; ky < k; ky++)
      for (int kx = 0; kx < k; kx++)
        im2col_row (in, out, ci, ky + first, kx + first,
            scratch + (size_t) ((ci * k + ky) * k + kx) * n);
  size_t plane = sr_map_plane (out);
  for (int co = 0; co < conv->cout; co++) {
    float *dst = out->data + co * plane, b = conv->bias[co];
    for (int i = 0; i < n; i++)
      dst[i] = b;
  }
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, conv->cout, n, kk,
      1.f, conv->weight, kk, scratch, n, 1.f, out->data, plane);
  sr_activation_apply (conv->act, conv->slopes, out->data, conv->cout, (size_t) n, plane);
}
