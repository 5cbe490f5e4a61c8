/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PyTorch's inference of the same networks with the same weights, measured by
 * bench_pytorch.py in a child process (Debian's python3-torch only runs under
 * /usr/bin/python3). */
#pragma once

#include "bench.h"

G_BEGIN_DECLS

typedef struct {
  char *model;          /* file name without .safetensors */
  int width, height;
  char *mode;           /* eager, channels_last, torchscript_frozen, ... */
  BenchTiming timing;
} BenchPytorchResult;

typedef enum {
  BENCH_PYTORCH_OK,
  BENCH_PYTORCH_NOT_INSTALLED,
  BENCH_PYTORCH_FAILED,
} BenchPytorchStatus;

/* Runs the script on @model_paths (NULL-terminated) at opt->sizes, with the
 * environment variables @vars (name, value, ..., NULL; or NULL) set. Fills @results
 * with BenchPytorchResult pointers (freed by the array), @setup with the script's
 * description of torch, @message with why it did not run. */
BenchPytorchStatus bench_pytorch_run (const char *script, char **model_paths,
    const BenchOptions *opt, const char *const *vars, GPtrArray *results, char **setup,
    char **message);

/* The fastest mode for @model at @width x @height, or NULL. */
const BenchPytorchResult *bench_pytorch_best (GPtrArray *results, const char *model,
    int width, int height);

/* bench_pytorch.py --serve: one model at one size, in its fastest mode (each mode
 * timed for opt->seconds first), then one call each time it is asked. */
typedef struct _BenchPytorchServer BenchPytorchServer;

BenchPytorchServer *bench_pytorch_serve (const char *script, const char *model_path,
    int width, int height, const BenchOptions *opt, GError **error);
/* The mode it runs (eager, channels_last, ...). */
const char *bench_pytorch_server_mode (const BenchPytorchServer *server);
/* One call: its wall and CPU seconds, as the child measured them. */
gboolean bench_pytorch_server_frame (BenchPytorchServer *server, double *seconds,
    double *cpu_seconds, GError **error);
void bench_pytorch_server_free (BenchPytorchServer *server);

G_END_DECLS
