/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Errors of the engine, as a GError domain so callers get a code and a sentence. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_ERROR (sr_error_quark ())
GQuark sr_error_quark (void);

typedef enum {
  SR_ERROR_NOT_FOUND,    /* the model file cannot be opened or read */
  SR_ERROR_TRUNCATED,    /* the file ends before its header says it does */
  SR_ERROR_BAD_HEADER,   /* the JSON header is not valid safetensors */
  SR_ERROR_BAD_FAMILY,   /* unknown network family or bad hyper-parameters */
  SR_ERROR_BAD_SHAPE,    /* a tensor is missing or has the wrong shape */
  SR_ERROR_BAD_VALUE,    /* NaN or infinity in the weights */
  SR_ERROR_BAD_SIZE,     /* a frame size the engine cannot process */
} SrError;

G_END_DECLS
