/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The direct kernel's AVX-512 tier (sr-conv-direct-tier.h). Compiled with -mavx512f
 * -mavx512dq -mfma and called only at SR_CPU_AVX512 (sr-cpu.h). */
#include "sr-conv-tiers.h"
#include "sr-simd-avx512.h"

#define SR_DIRECT_PACKED_FLOATS sr_direct_packed_floats_avx512
#define SR_DIRECT_PACK sr_direct_pack_avx512
#define SR_DIRECT_RUN sr_direct_run_avx512
#include "sr-conv-direct-tier.h"
