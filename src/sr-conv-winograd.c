/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* 3x3 convolution by Winograd's minimal filtering F(4x4, 3x3) (Lavin and Gray,
 * "Fast algorithms for convolutional neural networks", 2016, with the points 0,
 * +-1, +-2 and infinity): each 4x4 block of output comes from a 6x6 block of input
 * with 36 multiplies per input channel instead of 144, 4 times fewer.
 *
 *   V = B^T d B   (6x6 input block d, per input channel)
 *   U = G g G^T   (3x3 filter g, per channel pair: once, at load time)
 *   M = sum over input channels of U . V   (36 independent matrix products)
 *   Y = A^T M A   (the 4x4 output block)
 *
 * The 36 products are OpenBLAS SGEMMs, [cout x cin] x [cin x blocks]; the two
 * transforms are AVX-512, 16 blocks of one block row at a time, over chunks of a
 * few block rows so that a chunk's transformed input and products stay in L2.
 * Bias and the activation are applied in registers in the output transform.
 * Compiled with -mavx512f and used only where the CPU has it (sr_conv_choose_kernel). */
#include <cblas.h>
#include <immintrin.h>
#include <string.h>

#include "sr-conv.h"
#include "sr-simd-avx512.h"

/* Blocks transformed and multiplied together: one block row of ESPCN's 144-pixel
 * tiles, 36 x (64 + 32) x 36 floats = 500 kB for its 64->32 layer. Measured on
 * ESPCN x2 at 640x360 (ms a frame): 36 blocks 33.7, 72 35.5, 144 36.4. */
#define CHUNK_BLOCKS 36
#define NPOS 36          /* positions of a transformed 6x6 block: 36 matrix products */

size_t
sr_conv_winograd_packed_floats (const SrConv *conv)
{
  return (size_t) NPOS * conv->cout * conv->cin;
}

/* U = G g G^T for every (co, ci), stored as [36][cout][cin]: the 36 left-hand
 * matrices of the products. */
void
sr_conv_winograd_pack (const SrConv *conv, float *packed)
{
  static const double G[6][3] = { { 1 / 4.0, 0, 0 }, { -1 / 6.0, -1 / 6.0, -1 / 6.0 },
    { -1 / 6.0, 1 / 6.0, -1 / 6.0 }, { 1 / 24.0, 1 / 12.0, 1 / 6.0 },
    { 1 / 24.0, -1 / 12.0, 1 / 6.0 }, { 0, 0, 1 } };
  for (int co = 0; co < conv->cout; co++)
    for (int ci = 0; ci < conv->cin; ci++) {
      const float *g = conv->weight + ((size_t) co * conv->cin + ci) * 9;
      double gg[6][3];
      for (int i = 0; i < 6; i++)
        for (int j = 0; j < 3; j++)
          gg[i][j] = G[i][0] * g[j] + G[i][1] * g[3 + j] + G[i][2] * g[6 + j];
      for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
          packed[((size_t) (i * 6 + j) * conv->cout + co) * conv->cin + ci] =
              (float) (gg[i][0] * G[j][0] + gg[i][1] * G[j][1] + gg[i][2] * G[j][2]);
    }
}

typedef struct {
  int bh, bw;          /* 4x4 blocks down and across */
  int ph, stride;      /* the padded input copy: rows, and floats from row to row */
} Blocks;

static Blocks
blocks_of (int out_h, int out_w)
{
  Blocks b;
  b.bh = (out_h + 3) / 4;
  b.bw = (out_w + 3) / 4;
  b.ph = 4 * b.bh + 2;
  /* 68 floats of slack: the loads of a row's last 16 blocks reach past them */
  b.stride = SR_CONV_PADDED_STRIDE (4 * b.bw + 2) + 68;
  return b;
}

size_t
sr_conv_winograd_scratch_floats (const SrConv *conv, int out_h, int out_w)
{
  /* a chunk is whole block rows of at most CHUNK_BLOCKS blocks, or one longer row;
   * the rows of a narrower output than this one are no longer */
  Blocks b = blocks_of (out_h, out_w);
  size_t chunk = MAX (CHUNK_BLOCKS, b.bw);
  return (size_t) conv->cin * b.ph * b.stride + NPOS * chunk * (conv->cin + conv->cout);
}

/* out[k] lane t = p[4t + k], k = 0 .. @n - 1: column k of 16 blocks 4 pixels apart. */
static inline void
load_phases (const float *p, __m512 *out, int n)
{
  __m512 l0 = _mm512_loadu_ps (p), l1 = _mm512_loadu_ps (p + 16);
  __m512 l2 = _mm512_loadu_ps (p + 32), l3 = _mm512_loadu_ps (p + 48);
  for (int k = 0; k < n; k++) {
    const __m512i idx = _mm512_add_epi32 (_mm512_setr_epi32 (0, 4, 8, 12, 16, 20, 24,
            28, 0, 0, 0, 0, 0, 0, 0, 0), _mm512_set1_epi32 (k));
    __m512 a = _mm512_permutex2var_ps (l0, idx, l1);   /* blocks 0-7 in lanes 0-7 */
    __m512 b = _mm512_permutex2var_ps (l2, idx, l3);   /* blocks 8-15 */
    out[k] = _mm512_shuffle_f32x4 (a, b, 0x44);
  }
}

/* B^T x along one dimension, for the six vectors x[0], x[s], ..., x[5s]:
 * B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0;
 *        0 4 0 -5 0 1]. */
static inline void
input_1d (const __m512 *x, int s, __m512 *y, int t)
{
  const __m512 four = _mm512_set1_ps (4.f), five = _mm512_set1_ps (5.f);
  const __m512 two = _mm512_set1_ps (2.f);
  __m512 d0 = x[0], d1 = x[s], d2 = x[2 * s], d3 = x[3 * s], d4 = x[4 * s], d5 = x[5 * s];
  __m512 a = _mm512_sub_ps (d4, d2), b = _mm512_sub_ps (d3, d1);
  y[0] = _mm512_fmadd_ps (four, d0, _mm512_fnmadd_ps (five, d2, d4));
  y[t] = _mm512_fnmadd_ps (four, _mm512_add_ps (d1, d2), _mm512_add_ps (d3, d4));
  y[2 * t] = _mm512_fmadd_ps (four, _mm512_sub_ps (d1, d2), _mm512_sub_ps (d4, d3));
  y[3 * t] = _mm512_fmadd_ps (two, b, a);
  y[4 * t] = _mm512_fnmadd_ps (two, b, a);
  y[5 * t] = _mm512_fmadd_ps (four, d1, _mm512_fnmadd_ps (five, d3, d5));
}

/* V = B^T d B for 16 blocks of block row @by of one channel (@pad: its padded
 * plane), into position p at v + p * @pos_stride (the 16 blocks from there). */
static inline void
input_transform (const float *pad, int stride, int by, int bx0, float *v,
    size_t pos_stride, __mmask16 m)
{
  __m512 d[36], t[36];
  for (int i = 0; i < 6; i++) {
    const float *row = pad + (size_t) (4 * by + i) * stride + 4 * bx0;
    load_phases (row, d + 6 * i, 4);        /* columns 0-3 of each block */
    load_phases (row + 4, d + 6 * i + 4, 2);   /* columns 4-5 = the next's 0-1 */
  }
  for (int j = 0; j < 6; j++)   /* B^T d: down each column */
    input_1d (d + j, 6, t + j, 6);
  for (int i = 0; i < 6; i++)   /* (B^T d) B: along each row */
    input_1d (t + 6 * i, 1, d + 6 * i, 1);
  for (int p = 0; p < NPOS; p++)
    _mm512_mask_storeu_ps (v + (size_t) p * pos_stride, m, d[p]);
}

/* A^T x along one dimension: A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0;
 * 0 1 -1 8 -8 1]. */
static inline void
output_1d (const __m512 *x, int s, __m512 *y, int t)
{
  __m512 a = _mm512_add_ps (x[s], x[2 * s]), b = _mm512_sub_ps (x[s], x[2 * s]);
  __m512 c = _mm512_add_ps (x[3 * s], x[4 * s]), d = _mm512_sub_ps (x[3 * s], x[4 * s]);
  y[0] = _mm512_add_ps (_mm512_add_ps (x[0], a), c);
  y[t] = _mm512_fmadd_ps (_mm512_set1_ps (2.f), d, b);
  y[2 * t] = _mm512_fmadd_ps (_mm512_set1_ps (4.f), c, a);
  y[3 * t] = _mm512_add_ps (_mm512_fmadd_ps (_mm512_set1_ps (8.f), d, b), x[5 * s]);
}

/* Y = A^T M A + bias, activated, for @nb (up to 16) blocks of block row @by of
 * channel @co, whose position p is at mm + p * @pos_stride + @t0. Writes rows
 * 4by .. 4by + 3 of @out (those inside it), pixels 4bx0 .. 4bx0 + 63. */
static inline void
output_transform (const SrConv *conv, const float *mm, size_t pos_stride, size_t t0,
    int co, int by, int bx0, int nb, SrMap *out)
{
  __mmask16 m = nb >= 16 ? 0xffff : (__mmask16) ((1u << nb) - 1);
  __m512 x[36], s[24], y[16];
  for (int p = 0; p < NPOS; p++)
    x[p] = _mm512_maskz_loadu_ps (m, mm + (size_t) p * pos_stride + t0);
  for (int j = 0; j < 6; j++)   /* A^T M: down each column, 6 rows to 4 */
    output_1d (x + j, 6, s + j, 6);
  for (int i = 0; i < 4; i++)   /* (A^T M) A: along each row, 6 columns to 4 */
    output_1d (s + 6 * i, 1, y + 4 * i, 1);
  __m512 bias = _mm512_set1_ps (conv->bias[co]);
  float slope = conv->slopes ? conv->slopes[co] : 0.f;
  for (int q = 0; q < 16; q++)
    y[q] = sr_activate16 (_mm512_add_ps (y[q], bias), conv->act, slope);

  /* pixel 4t + j of a row is column j of block t: interleave the 4 columns */
  const __m512i pair_lo = _mm512_setr_epi32 (0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21,
      6, 22, 7, 23);
  const __m512i pair_hi = _mm512_setr_epi32 (8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13,
      29, 14, 30, 15, 31);
  const __m512i quad_lo = _mm512_setr_epi64 (0, 8, 1, 9, 2, 10, 3, 11);
  const __m512i quad_hi = _mm512_setr_epi64 (4, 12, 5, 13, 6, 14, 7, 15);
  int x0 = 4 * bx0, w = out->w - x0;   /* output columns left from x0 */
  for (int i = 0; i < 4; i++) {
    int yy = 4 * by + i;
    if (yy >= out->h)
      break;
    const __m512 *r = y + 4 * i;
    __m512d p01l = _mm512_castps_pd (_mm512_permutex2var_ps (r[0], pair_lo, r[1]));
    __m512d p01h = _mm512_castps_pd (_mm512_permutex2var_ps (r[0], pair_hi, r[1]));
    __m512d p23l = _mm512_castps_pd (_mm512_permutex2var_ps (r[2], pair_lo, r[3]));
    __m512d p23h = _mm512_castps_pd (_mm512_permutex2var_ps (r[2], pair_hi, r[3]));
    __m512 q[4] = {
      _mm512_castpd_ps (_mm512_permutex2var_pd (p01l, quad_lo, p23l)),
      _mm512_castpd_ps (_mm512_permutex2var_pd (p01l, quad_hi, p23l)),
      _mm512_castpd_ps (_mm512_permutex2var_pd (p01h, quad_lo, p23h)),
      _mm512_castpd_ps (_mm512_permutex2var_pd (p01h, quad_hi, p23h)),
    };
    float *dst = out->data + (size_t) co * sr_map_plane (out) + (size_t) yy * out->w + x0;
    for (int k = 0; k < 4; k++) {
      int left = w - 16 * k;
      if (left <= 0)
        break;
      __mmask16 mk = left >= 16 ? 0xffff : (__mmask16) ((1u << left) - 1);
      _mm512_mask_storeu_ps (dst + 16 * k, mk, q[k]);
    }
  }
}

void
sr_conv_winograd (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  const int cin = conv->cin, cout = conv->cout;
  const Blocks b = blocks_of (out->h, out->w);
  float *pad = scratch;
  sr_conv_pad_input (in, out->y0 - 1, out->x0 - 1, b.ph, b.stride, pad, b.stride);
  const int rows = MAX (1, MIN (b.bh, CHUNK_BLOCKS / b.bw));
  for (int by0 = 0; by0 < b.bh; by0 += rows) {
    const int nr = MIN (rows, b.bh - by0);
    const size_t n = (size_t) nr * b.bw;
    float *v = pad + (size_t) cin * b.ph * b.stride;   /* [36][cin][n] */
    float *mm = v + NPOS * n * cin;                     /* [36][cout][n] */
    for (int ci = 0; ci < cin; ci++) {
      const float *plane = pad + (size_t) ci * b.ph * b.stride;
      for (int by = by0; by < by0 + nr; by++)
        for (int bx = 0; bx < b.bw; bx += 16) {
          int nb = MIN (16, b.bw - bx);
          __mmask16 m = nb >= 16 ? 0xffff : (__mmask16) ((1u << nb) - 1);
          input_transform (plane, b.stride, by, bx,
              v + (size_t) ci * n + (size_t) (by - by0) * b.bw + bx, (size_t) cin * n, m);
        }
    }
    for (int p = 0; p < NPOS; p++)
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, cout, (int) n, cin, 1.f,
          conv->packed + (size_t) p * cout * cin, cin, v + (size_t) p * cin * n,
          (int) n, 0.f, mm + (size_t) p * cout * n, (int) n);
    for (int co = 0; co < cout; co++)
      for (int by = by0; by < by0 + nr; by++)
        for (int bx = 0; bx < b.bw; bx += 16)
          output_transform (conv, mm + (size_t) co * n, (size_t) cout * n,
              (size_t) (by - by0) * b.bw + bx, co, by, bx, MIN (16, b.bw - bx), out);
  }
}
