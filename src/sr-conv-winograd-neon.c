/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Winograd kernel's AArch64 NEON tier (sr-conv-winograd-tier.h). Compiled on
 * AArch64 only and called at SR_CPU_NEON (sr-cpu.h). */
#include "sr-simd-neon.h"

#define SR_WINOGRAD_RUN sr_winograd_run_neon
#include "sr-conv-winograd-tier.h"
