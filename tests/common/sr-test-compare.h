/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Comparing a kernel's output with the reference's, for the tests. */
#pragma once

#include <glib.h>
#include <math.h>

/* The largest |a[i] - b[i]| over @n floats. */
static inline double
sr_test_max_abs_diff (const float *a, const float *b, gsize n)
{
  double max = 0;
  for (gsize i = 0; i < n; i++)
    max = MAX (max, fabs (a[i] - b[i]));
  return max;
}
