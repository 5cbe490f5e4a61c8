/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Builds safetensors files in memory, for tests that need a model of a chosen shape
 * or a broken one. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SrTestModel SrTestModel;

SrTestModel *sr_test_model_new (void);
void sr_test_model_free (SrTestModel *m);
void sr_test_model_set_metadata (SrTestModel *m, const char *key, const char *value);
/* Adds a float32 tensor; @data may be NULL for random values in [-0.5, 0.5). */
void sr_test_model_add (SrTestModel *m, const char *name, int n_dims, const gint64 *shape,
    const float *data, GRand *rand);
GBytes *sr_test_model_serialize (SrTestModel *m);

/* A random-weight ESPCN of the given widths and kernel sizes. */
GBytes *sr_test_espcn (int scale, int c1, int c2, int k1, int k2, int k3, GRand *rand);

/* A random-weight FSRCNN(d, s, m) with a k x k transposed convolution. */
GBytes *sr_test_fsrcnn (int scale, int d, int s, int m, int k, GRand *rand);

/* A random-weight SESR-style network (collapsed: 5x5 head and @n_body 3x3 layers of @c
 * channels with PReLU, a long residual, a @tail_k x @tail_k tail, the input added). */
GBytes *sr_test_sesr (int scale, int c, int n_body, int tail_k, GRand *rand);

/* A random-weight LESRCNN-style network (names as models/training/sr_nets.py); the
 * _add form puts its tensors (upsampler shaped for @scale) into @t, no metadata. */
GBytes *sr_test_lesrcnn (int scale, int c, int hr, int units, int refine, GRand *rand);
void sr_test_lesrcnn_add (SrTestModel *t, int scale, int c, int hr, int units, int refine,
    GRand *rand);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrTestModel, sr_test_model_free)

G_END_DECLS
