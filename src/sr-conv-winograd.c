/* 3x3 convolution by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray,
 * "Fast algorithms for convolutional neural networks", 2016): each 2x2 block of
 * output comes from a 4x4 block of input with 16 multiplies per input channel
 * instead of 36, 2.25 times fewer.
 *
 *   V = B^T d B   (input block d, per input channel: additions only)
 *   U = G g G^T   (3x3 filter g, per channel pair: once, at load time)
 *   M = sum over input channels of U . V   (16 independent matrix products)
 *   Y = A^T M A   (the 2x2 output block: additions only)
 *
 * The 16 products are OpenBLAS SGEMMs, [cout x cin] x [cin x blocks]; the two
 * transforms are AVX-512, 16 blocks of one block row at a time. Bias and the
 * activation are applied in registers in the output transform. Compiled with
 * -mavx512f and used only where the CPU has it (sr_conv_choose_kernel). */
#include <cblas.h>
#include <immintrin.h>
#include <string.h>

#include "sr-conv.h"
#include "sr-simd-avx512.h"

size_t
sr_conv_winograd_packed_floats (const SrConv *conv)
{
  return (size_t) 16 * conv->cout * conv->cin;
}

/* U = G g G^T for every (co, ci), stored as [16][cout][cin]: the 16 left-hand
 * matrices of the products. */
void
sr_conv_winograd_pack (const SrConv *conv, float *packed)
{
  static const float G[4][3] = { { 1, 0, 0 }, { .5f, .5f, .5f }, { .5f, -.5f, .5f },
    { 0, 0, 1 } };
  for (int co = 0; co < conv->cout; co++)
    for (int ci = 0; ci < conv->cin; ci++) {
      const float *g = conv->weight + ((size_t) co * conv->cin + ci) * 9;
      float gg[4][3];
      for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++)
          gg[i][j] = G[i][0] * g[j] + G[i][1] * g[3 + j] + G[i][2] * g[6 + j];
      for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
          packed[((size_t) (i * 4 + j) * conv->cout + co) * conv->cin + ci] =
              gg[i][0] * G[j][0] + gg[i][1] * G[j][1] + gg[i][2] * G[j][2];
    }
}

/* Blocks transformed and multiplied together: 16 x (64 + 32) x 160 floats is
 * 1 MB for ESPCN's 64->32 layer (2 block rows of its 144-pixel tiles). */
#define CHUNK_BLOCKS 160

typedef struct {
  int bh, bw;          /* 2x2 blocks down and across */
  size_t n;            /* bh * bw */
  int ph, stride;      /* the padded input copy: rows, and floats from row to row */
} Blocks;

static Blocks
blocks_of (int out_h, int out_w)
{
  Blocks b;
  b.bh = (out_h + 1) / 2;
  b.bw = (out_w + 1) / 2;
  b.n = (size_t) b.bh * b.bw;
  b.ph = 2 * b.bh + 2;
  /* 32 floats of slack: a row's last vectors read past its last block */
  b.stride = SR_CONV_PADDED_STRIDE (2 * b.bw + 2) + 32;
  return b;
}

size_t
sr_conv_winograd_scratch_floats (const SrConv *conv, int out_h, int out_w)
{
  /* a chunk is whole block rows of at most CHUNK_BLOCKS blocks, or one longer row;
   * the rows of a narrower output than this one are no longer */
  Blocks b = blocks_of (out_h, out_w);
  size_t chunk = MAX (CHUNK_BLOCKS, b.bw);
  return (size_t) conv->cin * b.ph * b.stride + 16 * chunk * (conv->cin + conv->cout);
}

/* Even and odd lanes of the 32 floats at @p: columns 2t and 2t + 1 of 16 blocks. */
static inline void
load_pairs (const float *p, __m512 *even, __m512 *odd)
{
  const __m512i ie = _mm512_setr_epi32 (0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24,
      26, 28, 30);
  const __m512i io = _mm512_setr_epi32 (1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25,
      27, 29, 31);
  __m512 a = _mm512_loadu_ps (p), b = _mm512_loadu_ps (p + 16);
  *even = _mm512_permutex2var_ps (a, ie, b);
  *odd = _mm512_permutex2var_ps (a, io, b);
}

/* V = B^T d B for 16 blocks of block row @by of one channel (@pad: its padded
 * plane), into position p at v + p * @pos_stride (the 16 blocks from there). */
static inline void
input_transform (const float *pad, int stride, int by, int bx0, float *v,
    size_t pos_stride, __mmask16 m)
{
  __m512 d[4][4];
  for (int i = 0; i < 4; i++) {
    const float *row = pad + (size_t) (2 * by + i) * stride + 2 * bx0;
    load_pairs (row, &d[i][0], &d[i][1]);
    load_pairs (row + 2, &d[i][2], &d[i][3]);
  }
  /* B^T d: rows; then (B^T d) B: columns. B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1] */
  __m512 t[4][4];
  for (int j = 0; j < 4; j++) {
    t[0][j] = _mm512_sub_ps (d[0][j], d[2][j]);
    t[1][j] = _mm512_add_ps (d[1][j], d[2][j]);
    t[2][j] = _mm512_sub_ps (d[2][j], d[1][j]);
    t[3][j] = _mm512_sub_ps (d[1][j], d[3][j]);
  }
  for (int i = 0; i < 4; i++) {
    __m512 r[4];
    r[0] = _mm512_sub_ps (t[i][0], t[i][2]);
    r[1] = _mm512_add_ps (t[i][1], t[i][2]);
    r[2] = _mm512_sub_ps (t[i][2], t[i][1]);
    r[3] = _mm512_sub_ps (t[i][1], t[i][3]);
    for (int j = 0; j < 4; j++)
      _mm512_mask_storeu_ps (v + (size_t) (i * 4 + j) * pos_stride, m, r[j]);
  }
}

/* Y = A^T M A + bias, activated, for @nb (up to 16) blocks of block row @by of
 * channel @co, whose position p is at mm + p * @pos_stride + @t0:
 * A^T = [1 1 1 0; 0 1 -1 -1]. Writes rows 2by, 2by + 1 of @out (those inside it). */
static inline void
output_transform (const SrConv *conv, const float *mm, size_t pos_stride, size_t t0,
    int co, int by, int bx0, int nb, SrMap *out)
{
  __mmask16 m = nb >= 16 ? 0xffff : (__mmask16) ((1u << nb) - 1);
  __m512 x[4][4];
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++)
      x[i][j] = _mm512_maskz_loadu_ps (m, mm + (size_t) (i * 4 + j) * pos_stride + t0);
  __m512 s[2][4];
  for (int j = 0; j < 4; j++) {
    s[0][j] = _mm512_add_ps (_mm512_add_ps (x[0][j], x[1][j]), x[2][j]);
    s[1][j] = _mm512_sub_ps (_mm512_sub_ps (x[1][j], x[2][j]), x[3][j]);
  }
  __m512 bias = _mm512_set1_ps (conv->bias[co]);
  float slope = conv->slopes ? conv->slopes[co] : 0.f;
  const __m512i lo = _mm512_setr_epi32 (0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22,
      7, 23);
  const __m512i hi = _mm512_setr_epi32 (8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14,
      30, 15, 31);
  int x0 = 2 * bx0, w = out->w - x0;   /* output columns left from x0 */
  __mmask16 m0 = w >= 16 ? 0xffff : w <= 0 ? 0 : (__mmask16) ((1u << w) - 1);
  __mmask16 m1 = w >= 32 ? 0xffff : w <= 16 ? 0 : (__mmask16) ((1u << (w - 16)) - 1);
  for (int i = 0; i < 2; i++) {
    int y = 2 * by + i;
    if (y >= out->h)
      break;
    __m512 e = _mm512_add_ps (_mm512_add_ps (_mm512_add_ps (s[i][0], s[i][1]), s[i][2]),
        bias);
    __m512 o = _mm512_add_ps (_mm512_sub_ps (_mm512_sub_ps (s[i][1], s[i][2]), s[i][3]),
        bias);
    e = sr_activate16 (e, conv->act, slope);
    o = sr_activate16 (o, conv->act, slope);
    float *dst = out->data + (size_t) co * sr_map_plane (out) + (size_t) y * out->w + x0;
    _mm512_mask_storeu_ps (dst, m0, _mm512_permutex2var_ps (e, lo, o));
    _mm512_mask_storeu_ps (dst + 16, m1, _mm512_permutex2var_ps (e, hi, o));
  }
}

void
sr_conv_winograd (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  const int cin = conv->cin, cout = conv->cout;
  const Blocks b = blocks_of (out->h, out->w);
  float *pad = scratch;
  sr_conv_pad_input (in, out->y0 - 1, out->x0 - 1, b.ph, b.stride, pad, b.stride);
  /* A few block rows at a time, so the transformed input and the products of a
   * chunk (16 x (cin + cout) x blocks floats) stay in L2 between the three stages:
   * whole tiles at once ran from L3 and were only 9% faster than the direct
   * kernel on ESPCN's 64->32 layer. */
  const int rows = MAX (1, MIN (b.bh, CHUNK_BLOCKS / b.bw));
  for (int by0 = 0; by0 < b.bh; by0 += rows) {
    const int nr = MIN (rows, b.bh - by0);
    const size_t n = (size_t) nr * b.bw;
    float *v = pad + (size_t) cin * b.ph * b.stride;   /* [16][cin][n] */
    float *mm = v + 16 * n * cin;                       /* [16][cout][n] */
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
    for (int p = 0; p < 16; p++)
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
