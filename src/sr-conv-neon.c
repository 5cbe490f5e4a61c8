/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The direct kernel's AArch64 NEON tier (sr-conv-direct-tier.h). Compiled on AArch64
 * only and called at SR_CPU_NEON (sr-cpu.h). */
#include "sr-conv-tiers.h"
#include "sr-simd-neon.h"

#define SR_DIRECT_PACKED_FLOATS sr_direct_packed_floats_neon
#define SR_DIRECT_PACK sr_direct_pack_neon
#define SR_DIRECT_RUN sr_direct_run_neon
#include "sr-conv-direct-tier.h"
