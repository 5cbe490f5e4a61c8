/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define _GNU_SOURCE
#include "sr-blas-threads.h"

#include <cblas.h>
#include <dlfcn.h>

typedef int (*SetLocal) (int n_threads);

/* Looked up at run time: the engine builds against any OpenBLAS, and runs with the
 * one the system has. (GModule would do the same through one more library.) */
static SetLocal
set_local (void)
{
  static gsize done = 0;
  static SetLocal fn = NULL;
  if (g_once_init_enter (&done)) {
    fn = (SetLocal) dlsym (RTLD_DEFAULT, "openblas_set_num_threads_local");
    g_once_init_leave (&done, 1);
  }
  return fn;
}

gboolean
sr_blas_threads_have_local (void)
{
  return set_local () != NULL;
}

int
sr_blas_threads_enter (void)
{
  SetLocal fn = set_local ();
  return fn ? fn (1) : 0;
}

void
sr_blas_threads_leave (int saved)
{
  SetLocal fn = set_local ();
  if (fn && saved > 0)
    fn (saved);
}

static GMutex hold_lock;
static int holders, saved_threads;

void
sr_blas_threads_hold_single (void)
{
  if (sr_blas_threads_have_local ())
    return;
  g_mutex_lock (&hold_lock);
  if (holders++ == 0) {
    saved_threads = openblas_get_num_threads ();
    openblas_set_num_threads (1);
  }
  g_mutex_unlock (&hold_lock);
}

void
sr_blas_threads_release_single (void)
{
  if (sr_blas_threads_have_local ())
    return;
  g_mutex_lock (&hold_lock);
  if (--holders == 0 && saved_threads > 1)
    openblas_set_num_threads (saved_threads);
  g_mutex_unlock (&hold_lock);
}
