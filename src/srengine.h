/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The gst-srupscale engine: luma in, luma out, no GStreamer.
 *
 *   SrModel *model = sr_model_new_from_file ("espcn_x2.safetensors", &error);
 *   SrRunner *runner = sr_runner_new (model, width, height, 0, &error);
 *   sr_runner_process_u8 (runner, y_in, in_stride, y_out, out_stride);
 */
#pragma once

#include "sr-error.h"
#include "sr-model.h"
#include "sr-runner.h"
