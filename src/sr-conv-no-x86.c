/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The x86 kernels' entry points in a build without them (a CPU other than x86_64,
 * or meson -Dx86-kernels=disabled). They are never called: such a build defines
 * __builtin_cpu_supports() to 0 (src/meson.build), so every CPU check that guards
 * them fails and the portable kernels run. They exist so that the dispatch code
 * stays one piece of C for every CPU. */
#include "sr-conv.h"

#define NOT_BUILT(what) \
  g_error ("%s: this build has no x86 kernels (a CPU check should have prevented this call)", what)

void
sr_conv_direct_avx512 (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  NOT_BUILT (G_STRFUNC);
}

size_t
sr_conv_avx512_packed_floats (const SrConv *conv)
{
  NOT_BUILT (G_STRFUNC);
  return 0;
}

void
sr_conv_avx512_pack (const SrConv *conv, float *packed)
{
  NOT_BUILT (G_STRFUNC);
}

void
sr_conv_direct_bf16 (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  NOT_BUILT (G_STRFUNC);
}

size_t
sr_conv_bf16_packed_floats (const SrConv *conv)
{
  NOT_BUILT (G_STRFUNC);
  return 0;
}

void
sr_conv_bf16_pack (const SrConv *conv, float *packed)
{
  NOT_BUILT (G_STRFUNC);
}

void
sr_conv_winograd (const SrConv *conv, const SrMap *in, SrMap *out, float *scratch)
{
  NOT_BUILT (G_STRFUNC);
}

size_t
sr_conv_winograd_packed_floats (const SrConv *conv)
{
  NOT_BUILT (G_STRFUNC);
  return 0;
}

void
sr_conv_winograd_pack (const SrConv *conv, float *packed)
{
  NOT_BUILT (G_STRFUNC);
}

/* (a size query, asked when sizing workspaces for every kernel: no room needed) */
size_t
sr_conv_winograd_scratch_floats (const SrConv *conv, int out_h, int out_w)
{
  return 0;
}
