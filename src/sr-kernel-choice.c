/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sr-kernel-choice.h"

#include <string.h>

static const char *const names[SR_KERNEL_N_KINDS] = {
  [SR_KERNEL_REFERENCE] = "reference",
  [SR_KERNEL_GEMM] = "gemm",
  [SR_KERNEL_DIRECT] = "direct",
  [SR_KERNEL_WINOGRAD] = "winograd",
  [SR_KERNEL_BF16] = "bf16",
  [SR_KERNEL_WINOGRAD_BF16] = "winograd-bf16",
  [SR_KERNEL_WINOGRAD_5X5] = "winograd-5x5",
};

const char *
sr_kernel_kind_name (SrKernelKind kind)
{
  return kind < SR_KERNEL_N_KINDS ? names[kind] : "?";
}

SrKernelKind
sr_kernel_kind_of (const SrConv *conv)
{
  if (conv->kernel == sr_conv_direct)
    return SR_KERNEL_DIRECT;
  if (conv->kernel == sr_conv_winograd)
    return SR_KERNEL_WINOGRAD;
  if (conv->kernel == sr_conv_direct_bf16)
    return SR_KERNEL_BF16;
  if (conv->kernel == sr_conv_winograd_bf16)
    return SR_KERNEL_WINOGRAD_BF16;
  if (conv->kernel == sr_conv_winograd_5x5)
    return SR_KERNEL_WINOGRAD_5X5;
  if (conv->kernel == sr_conv_gemm)
    return SR_KERNEL_GEMM;
  return SR_KERNEL_REFERENCE;
}

/* bfloat16 pays where a layer has input channels to pair: a first layer (one input
 * channel) runs as fast in float32, and exactly */
static gboolean
bf16_direct_fits (const SrConv *conv)
{
  return conv->cin > 1 && sr_conv_bf16_available ();
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
  float *packed;
  switch (kind) {
    case SR_KERNEL_DIRECT:
      packed = alloc (sr_conv_direct_packed_floats (conv), user);
      sr_conv_direct_pack (conv, packed);
      conv->packed = packed;
      conv->kernel = sr_conv_direct;
      break;
    case SR_KERNEL_WINOGRAD:
      packed = alloc (sr_conv_winograd_packed_floats (conv), user);
      sr_conv_winograd_pack (conv, packed);
      conv->packed = packed;
      conv->kernel = sr_conv_winograd;
      break;
    case SR_KERNEL_BF16:
      packed = alloc (sr_conv_bf16_packed_floats (conv), user);
      sr_conv_bf16_pack (conv, packed);
      conv->packed = packed;
      conv->kernel = sr_conv_direct_bf16;
      break;
    case SR_KERNEL_WINOGRAD_BF16:
      packed = alloc (sr_conv_winograd_bf16_packed_floats (conv), user);
      sr_conv_winograd_bf16_pack (conv, packed);
      conv->packed = packed;
      conv->kernel = sr_conv_winograd_bf16;
      break;
    case SR_KERNEL_WINOGRAD_5X5:
      packed = alloc (sr_conv_winograd_5x5_packed_floats (conv), user);
      sr_conv_winograd_5x5_pack (conv, packed);
      conv->packed = packed;
      conv->kernel = sr_conv_winograd_5x5;
      break;
    case SR_KERNEL_GEMM:
      conv->kernel = sr_conv_gemm;
      break;
    default:
      conv->kernel = sr_conv_reference;
      break;
  }
}

/* What SR_CONV_KERNEL forces, or -1 (unset, or a name it does not know). */
static int
forced_kind (const SrConv *conv)
{
  const char *force = g_getenv ("SR_CONV_KERNEL");
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
  int forced = forced_kind (conv);
  if (forced >= 0)
    return forced;
  const char *force = g_getenv ("SR_CONV_KERNEL");
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
