/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Per-CPU code generation that must compile on every CPU. */
#pragma once

/* A function compiled three times, for AVX-512 (x86-64-v4), AVX2 (v3) and baseline
 * x86-64, the best picked at load time; one plain copy on other CPUs. */
#if defined(__x86_64__)
#define SR_X86_CLONES __attribute__ ((target_clones ("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define SR_X86_CLONES
#endif
