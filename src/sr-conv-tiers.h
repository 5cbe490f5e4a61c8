/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The SIMD tiers of the direct and Winograd kernels (private to src/sr-conv*.c). The
 * entry points of sr-conv.h call the tier of sr_cpu_level(); each tier is compiled
 * in its own unit with its instruction set's flags, on x86 only. */
#pragma once

#include "sr-conv.h"
#include "sr-cpu.h"

/* Winograd F(4x4, 3x3): one product per position of the 6x6 transformed block, and
 * the 4x4 blocks transformed and multiplied together, a chunk (sr-conv-winograd-tier.h).
 * ESPCN x2 at 640x360, 1 thread, CPU ms a frame on an Intel Xeon family 6 model 207:
 * chunks of 32 blocks 72-80, 48 66-71, 96 71-84. */
#define SR_WINO_NPOS 36
#define SR_WINO_CHUNK 48

/* The distance in floats between two positions of a chunk's V or M, whose rows are
 * @floats long: rounded up to whole 64-byte lines, an odd number of them. The 36
 * positions are written (V) and read (M) one after another by a block's transform;
 * at a stride of a multiple of 4 kB (ESPCN's 64 x 48 floats) all 36 fall in one
 * set of the 12-way L1 and evict each other; an odd count of lines spreads them over
 * 36 sets. */
static inline size_t
sr_wino_pos_stride (size_t floats)
{
  size_t lines = (floats + 15) / 16;
  return 16 * (lines | 1);
}

/* Floats a chunk's V (@channels = cin) or M (@channels = cout) takes. */
static inline size_t
sr_wino_chunk_floats (int channels)
{
  return SR_WINO_NPOS * sr_wino_pos_stride ((size_t) SR_WINO_CHUNK * channels);
}

/* The 4x4 blocks of an output map of @out_h x @out_w: @bh down, @bw across; @runs:
 * how a block row is cut into runs (sr-conv-winograd-tier.h), 0 until chosen. */
typedef struct {
  int bh, bw, runs;
} SrWinoBlocks;

static inline SrWinoBlocks
sr_wino_blocks (int out_h, int out_w)
{
  SrWinoBlocks b = { (out_h + 3) / 4, (out_w + 3) / 4, 0 };
  return b;
}

/* A run: @nb blocks of block row @by from block @bx (one vector of each transform),
 * block @offset of its chunk. */
typedef struct {
  int by, bx, nb, offset;
} SrWinoRun;

/* The SIMD tiers' packed Winograd weights: U = G g G^T as [36][cout / 4][cin][4]
 * (cout rounded up to 4, the padding zero), so a tile's broadcasts are adjacent. */
static inline size_t
sr_wino_simd_packed_floats (const SrConv *conv)
{
  return (size_t) SR_WINO_NPOS * ((conv->cout + 3) & ~3) * conv->cin;
}

#if SR_X86
size_t sr_direct_packed_floats_avx512 (const SrConv *conv);
void sr_direct_pack_avx512 (const SrConv *conv, float *packed);
void sr_direct_run_avx512 (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch);
void sr_winograd_run_avx512 (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch);

size_t sr_direct_packed_floats_avx2 (const SrConv *conv);
void sr_direct_pack_avx2 (const SrConv *conv, float *packed);
void sr_direct_run_avx2 (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch);
void sr_winograd_run_avx2 (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch);
#endif

#if SR_NEON
size_t sr_direct_packed_floats_neon (const SrConv *conv);
void sr_direct_pack_neon (const SrConv *conv, float *packed);
void sr_direct_run_neon (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch);
void sr_winograd_run_neon (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch);
#endif
