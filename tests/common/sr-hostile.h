/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers of the hostile-input tests: model files written at test time (sparse
 * where big: a hole costs no disk and no memory unless someone reads it), and the
 * time and memory bound each case must hold. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Each case must end within this many seconds... */
#define SR_HOSTILE_MAX_SECONDS 10.0
/* ...and the process's peak resident memory stay under this (ASan's shadow and
 * quarantine included): a model whose 2 GB of unused tensors were read, or a
 * workspace of gigabytes, would pass it. */
#define SR_HOSTILE_MAX_RSS_MB 900

/* Writes @path: the 8-byte length of @header, @header, @data_len bytes of @data,
 * then a hole up to @total_data bytes of data (ftruncate). */
void sr_hostile_write (const char *path, const char *header, const void *data,
    gsize data_len, guint64 total_data);

/* The header (a string without its closing '}', to append to) and the data of a
 * serialized model. */
char *sr_hostile_split (GBytes *model, const guint8 **data, gsize *data_len);

typedef struct {
  gint64 start_us;
  const char *what;
  double max_seconds;   /* SR_HOSTILE_MAX_SECONDS unless a case sets it */
} SrHostileBound;

void sr_hostile_begin (SrHostileBound *b, const char *what);
/* Fails the test when the case took too long or the peak RSS passed the bound. */
void sr_hostile_end (SrHostileBound *b);
long sr_hostile_max_rss_mb (void);

G_END_DECLS
