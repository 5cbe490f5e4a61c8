/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Winograd kernel's AVX2 + FMA tier (sr-conv-winograd-tier.h). Compiled with
 * -mavx2 -mfma and called only at SR_CPU_AVX2 (sr-cpu.h). */
#include "sr-simd-avx2.h"

#define SR_WINOGRAD_RUN sr_winograd_run_avx2
#include "sr-conv-winograd-tier.h"
