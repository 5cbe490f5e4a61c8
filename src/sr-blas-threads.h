/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OpenBLAS must run single-threaded inside the runner's threads (the parallelism is
 * ours, over tiles), without changing its thread count for the rest of the host
 * process, which may use OpenBLAS too.
 *
 * OpenBLAS 0.3.26 and later have openblas_set_num_threads_local(), a per-thread
 * setting: the engine uses it (found at run time), on its workers for good and on a
 * calling thread for the time of a frame. Older ones (Debian 12 has 0.3.21) have
 * only the process-wide openblas_set_num_threads(): there a runner whose kernels
 * call OpenBLAS from several threads sets it to 1 while it lives (without that, each
 * of our threads' SGEMMs starts OpenBLAS's own threads: 2 x 2 threads on 2 cores)
 * and the last such runner puts the application's value back. A runner whose
 * kernels are all ours leaves OpenBLAS alone. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE if this OpenBLAS has the per-thread setting. */
gboolean sr_blas_threads_have_local (void);

/* On the calling thread, from now on: OpenBLAS single-threaded (where it has the
 * per-thread setting). Returns what to give sr_blas_threads_leave(). */
int sr_blas_threads_enter (void);
void sr_blas_threads_leave (int saved);

/* Without the per-thread setting: holds (or releases) OpenBLAS at one thread for
 * the whole process; the value the application had is restored with the last
 * release. Does nothing where the per-thread setting exists. */
void sr_blas_threads_hold_single (void);
void sr_blas_threads_release_single (void);

G_END_DECLS
