/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: a model file through the loader and, when it loads, one small
 * frame through the network (in float32, and in bfloat16 for odd-sized inputs).
 * Built with clang (meson -Dfuzzing=true, see .ci/fuzz); the same function is
 * replayed over the corpus and every crash ever found by tests/fuzz/replay.c in the
 * ordinary test suite. */
#include <stdint.h>
#include <string.h>

#include "srengine.h"

/* Networks cheap enough to run while fuzzing: the frame is a few pixels, but a
 * fuzzed file can describe layers of thousands of channels. */
#define MAX_MACS_PER_PIXEL 2e6
#define MAX_WORKSPACE ((gsize) 64 << 20)

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GBytes *bytes = g_bytes_new_static (data, size);
  GError *error = NULL;
  SrModel *model = sr_model_new_from_bytes (bytes, "fuzz", &error);
  g_bytes_unref (bytes);
  if (model == NULL) {
    g_assert (error != NULL && error->message != NULL);
    g_error_free (error);
    return 0;
  }
  if (size % 2 == 1)
    sr_model_set_bf16 (model, TRUE);
  int w = 3 + size % 13, h = 2 + (size / 13) % 7;
  SrRunner *runner = NULL;
  if (sr_model_get_macs_per_pixel (model) <= MAX_MACS_PER_PIXEL)
    runner = sr_runner_new_with_limit (model, w, h, 1, MAX_WORKSPACE, &error);
  g_clear_error (&error);
  if (runner) {
    int r = sr_model_get_scale (model);
    guint8 *in = g_malloc ((gsize) w * h), *out = g_malloc ((gsize) w * h * r * r);
    for (int i = 0; i < w * h; i++)
      in[i] = data[i % size] ^ (guint8) (i * 37);
    sr_runner_process_u8 (runner, in, w, out, (gsize) w * r);
    g_free (in);
    g_free (out);
    sr_runner_free (runner);
  }
  sr_model_free (model);
  return 0;
}
