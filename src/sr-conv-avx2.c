/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The direct kernel's AVX2 + FMA tier (sr-conv-direct-tier.h). Compiled with -mavx2
 * -mfma and called only at SR_CPU_AVX2 (sr-cpu.h). */
#include "sr-conv-tiers.h"
#include "sr-simd-avx2.h"

#define SR_DIRECT_PACKED_FLOATS sr_direct_packed_floats_avx2
#define SR_DIRECT_PACK sr_direct_pack_avx2
#define SR_DIRECT_RUN sr_direct_run_avx2
#include "sr-conv-direct-tier.h"
