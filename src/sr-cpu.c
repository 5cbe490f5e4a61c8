/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sr-cpu.h"

#include <string.h>

static const char *const level_names[] = { "portable", "avx2", "avx512", "neon" };

static SrCpuLevel
detect (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init ();
  /* DQ too: every AVX-512 CPU since Skylake-SP has it (vrangeps in tanh) */
  if (__builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512dq"))
    return SR_CPU_AVX512;
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return SR_CPU_AVX2;
#endif
#if SR_NEON
  return SR_CPU_NEON;
#endif
  return SR_CPU_PORTABLE;
}

/* Whether a CPU whose best level is @best can run at @level. */
static gboolean
can_run (SrCpuLevel level, SrCpuLevel best)
{
  return level == best || level == SR_CPU_PORTABLE
      || (level == SR_CPU_AVX2 && best == SR_CPU_AVX512);
}

static SrCpuLevel
decide (void)
{
  SrCpuLevel best = detect ();
  const char *asked = g_getenv ("SR_CPU_LEVEL");
  if (!asked || !*asked)
    return best;
  for (int l = SR_CPU_PORTABLE; l <= SR_CPU_NEON; l++)
    if (strcmp (asked, level_names[l]) == 0) {
      if (can_run ((SrCpuLevel) l, best))
        return (SrCpuLevel) l;
      g_warning ("SR_CPU_LEVEL=%s: this CPU has only %s", asked, level_names[best]);
      return best;
    }
  g_warning ("SR_CPU_LEVEL=%s is not one of avx512, avx2, neon, portable: using %s",
      asked, level_names[best]);
  return best;
}

SrCpuLevel
sr_cpu_level (void)
{
  static gsize level;   /* the level + 1 once decided */
  if (g_once_init_enter (&level))
    g_once_init_leave (&level, (gsize) decide () + 1);
  return (SrCpuLevel) (level - 1);
}

const char *
sr_cpu_level_name (void)
{
  return level_names[sr_cpu_level ()];
}
