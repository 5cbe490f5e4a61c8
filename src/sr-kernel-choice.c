/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sr-kernel-choice.h"

#include <string.h>

/* Each kind: its name, its entry point and how it packs its weights (none: it reads
 * conv->weight as it is). */
static const struct {
  const char *name;
  SrConvKernel run;
  size_t (*packed_floats) (const SrConv *conv);
  void (*pack) (const SrConv *conv, float *packed);
} kinds[SR_KERNEL_N_KINDS] = {
  [SR_KERNEL_REFERENCE] = { "reference", sr_conv_reference, NULL, NULL },
  [SR_KERNEL_GEMM] = { "gemm", sr_conv_gemm, NULL, NULL },
  [SR_KERNEL_DIRECT] = { "direct", sr_conv_direct, sr_conv_direct_packed_floats,
    sr_conv_direct_pack },
  [SR_KERNEL_WINOGRAD] = { "winograd", sr_conv_winograd, sr_conv_winograd_packed_floats,
    sr_conv_winograd_pack },
  [SR_KERNEL_BF16] = { "bf16", sr_conv_direct_bf16, sr_conv_bf16_packed_floats,
    sr_conv_bf16_pack },
  [SR_KERNEL_WINOGRAD_BF16] = { "winograd-bf16", sr_conv_winograd_bf16,
    sr_conv_winograd_bf16_packed_floats, sr_conv_winograd_bf16_pack },
  [SR_KERNEL_WINOGRAD_5X5] = { "winograd-5x5", sr_conv_winograd_5x5,
    sr_conv_winograd_5x5_packed_floats, sr_conv_winograd_5x5_pack },
};

const char *
sr_kernel_kind_name (SrKernelKind kind)
{
  return kind < SR_KERNEL_N_KINDS ? kinds[kind].name : "?";
}

SrConvKernel
sr_kernel_kind_function (SrKernelKind kind)
{
  return kinds[kind].run;
}

SrKernelKind
sr_kernel_kind_of (const SrConv *conv)
{
  for (int k = 0; k < SR_KERNEL_N_KINDS; k++)
    if (conv->kernel == kinds[k].run)
      return k;
  return SR_KERNEL_REFERENCE;
}

/* bfloat16 pays where a layer has input channels or taps to pair (sr-conv-bf16.c): a
 * 1x1 layer of one input channel runs as fast in float32, and exactly */
static gboolean
bf16_direct_fits (const SrConv *conv)
{
  return (conv->cin > 1 || conv->k > 1) && sr_conv_bf16_available ();
}

gboolean
sr_kernel_kind_is_candidate (SrKernelKind kind, const SrConv *conv, gboolean bf16)
{
  switch (kind) {
    case SR_KERNEL_GEMM:
      return TRUE;
    case SR_KERNEL_DIRECT:
      return sr_conv_direct_available ();
    case SR_KERNEL_WINOGRAD:
      return sr_conv_winograd_eligible (conv);
    case SR_KERNEL_BF16:
      return bf16 && bf16_direct_fits (conv);
    case SR_KERNEL_WINOGRAD_BF16:
      return bf16 && sr_conv_winograd_bf16_fits (conv);
    case SR_KERNEL_WINOGRAD_5X5:
      return sr_conv_winograd_5x5_eligible (conv);
    default:
      return FALSE;
  }
}

gboolean
sr_kernel_kind_is_bf16 (SrKernelKind kind)
{
  return kind == SR_KERNEL_BF16 || kind == SR_KERNEL_WINOGRAD_BF16;
}

gboolean
sr_kernel_kind_uses_openblas (SrKernelKind kind)
{
  /* the Winograd products are our own micro-kernel (sr-conv-winograd-tier.h) */
  return kind == SR_KERNEL_GEMM;
}

void
sr_kernel_kind_apply (SrKernelKind kind, SrConv *conv,
    float *(*alloc) (gsize n, gpointer user), gpointer user)
{
  conv->packed = NULL;
  if (kinds[kind].pack) {
    float *packed = alloc (kinds[kind].packed_floats (conv), user);
    kinds[kind].pack (conv, packed);
    conv->packed = packed;
  }
  conv->kernel = kinds[kind].run;
}

/* What SR_CONV_KERNEL=@force forces on @conv, or -1 (unset, bf16, or a name it does
 * not know). */
static int
forced_kind (const char *force, const SrConv *conv)
{
  if (force == NULL)
    return -1;
  if (strcmp (force, "reference") == 0)
    return SR_KERNEL_REFERENCE;
  if (strcmp (force, "gemm") == 0)
    return SR_KERNEL_GEMM;
  if (strcmp (force, "avx512") == 0 || strcmp (force, "direct") == 0)
    return sr_conv_direct_available () ? SR_KERNEL_DIRECT : SR_KERNEL_GEMM;
  if (strcmp (force, "winograd") == 0 && conv->k == 3 && conv->shift == 0
      && sr_conv_winograd_available ())
    return SR_KERNEL_WINOGRAD;   /* every centred 3x3 layer, eligible or not */
  return -1;
}

SrKernelKind
sr_kernel_kind_default (const SrConv *conv, gboolean bf16)
{
  const char *force = g_getenv ("SR_CONV_KERNEL");
  int forced = forced_kind (force, conv);
  if (forced >= 0)
    return forced;
  if (force && strcmp (force, "bf16") == 0)
    bf16 = TRUE;
  if (bf16 && sr_conv_winograd_bf16_fits (conv))
    return SR_KERNEL_WINOGRAD_BF16;
  if (bf16 && bf16_direct_fits (conv))
    return SR_KERNEL_BF16;
  if (sr_conv_winograd_pays (conv))
    return SR_KERNEL_WINOGRAD;
  return sr_conv_direct_available () ? SR_KERNEL_DIRECT : SR_KERNEL_GEMM;
}

static SrKernelClock test_clock;
static gpointer test_clock_user;

void
sr_kernel_choice_set_clock (SrKernelClock clock, gpointer user)
{
  test_clock = clock;
  test_clock_user = user;
}

double
sr_kernel_choice_adjust (int conv, SrKernelKind kind, double seconds)
{
  return test_clock ? test_clock (conv, kind, seconds, test_clock_user) : seconds;
}
