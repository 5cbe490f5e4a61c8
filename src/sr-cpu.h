/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The SIMD level the convolution kernels run at, decided once per process: the best
 * this CPU has, or a lower one asked for with SR_CPU_LEVEL=avx512|avx2|neon|portable
 * in the environment (to test and measure the AVX2 tier, or the plain C + OpenBLAS
 * path, on a CPU that has more). A level the CPU does not have is never used. */
#pragma once

#include <glib.h>

/* The SIMD tiers exist only on x86 (src/meson.build compiles them there only). */
#if (defined(__x86_64__) || defined(__i386__)) && !defined(SR_NO_X86_KERNELS)
#define SR_X86 1
#else
#define SR_X86 0
#endif

/* The NEON tier on AArch64, where every CPU has it (src/meson.build compiles it). */
#if defined(__aarch64__) && !defined(SR_NO_NEON_KERNELS)
#define SR_NEON 1
#else
#define SR_NEON 0
#endif

typedef enum {
  SR_CPU_PORTABLE,   /* plain C, products by OpenBLAS */
  SR_CPU_AVX2,       /* AVX2 + FMA: 8 float lanes, 16 registers */
  SR_CPU_AVX512,     /* AVX-512F and DQ: 16 float lanes, 32 registers */
  SR_CPU_NEON,       /* AArch64 Advanced SIMD: 4 float lanes, 32 registers */
} SrCpuLevel;

SrCpuLevel sr_cpu_level (void);

/* Whether the level has the SIMD kernels (direct and Winograd): any but portable. */
static inline gboolean
sr_cpu_has_simd (void)
{
  return sr_cpu_level () != SR_CPU_PORTABLE;
}

/* "avx512", "avx2", "neon" or "portable": for logs, sr-bench and the element's
 * model-info. */
const char *sr_cpu_level_name (void);

/* A function compiled three times, for AVX-512 (x86-64-v4), AVX2 (v3) and baseline
 * x86-64, the best picked at load time; one plain copy on other CPUs. */
#if defined(__x86_64__)
#define SR_X86_CLONES __attribute__ ((target_clones ("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define SR_X86_CLONES
#endif
