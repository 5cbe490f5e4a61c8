/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Winograd kernel's AVX-512 tier (sr-conv-winograd-tier.h). Compiled with
 * -mavx512f -mavx512dq -mfma and called only at SR_CPU_AVX512 (sr-cpu.h). */
#include "sr-simd-avx512.h"

#define SR_WINOGRAD_RUN sr_winograd_run_avx512
#include "sr-conv-winograd-tier.h"
