/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sr-workers.h"

#include "sr-blas-threads.h"

/* A worker's share of a job. */
typedef struct {
  SrWorkFunc func;
  gpointer data;
  int worker;
  int *left;          /* the job's workers still running, under the lock */
} Task;

static struct {
  GMutex lock;
  GCond core_freed, work_ready, work_done;
  int n_cores;
  int free_cores;
  int n_workers;      /* threads started so far (they never exit) */
  Task queue[SR_WORKERS_MAX_THREADS];
  int queue_head, queue_len;
  int busy, peak_busy;
} pool;

static void
init_once (void)
{
  static gsize done = 0;
  if (g_once_init_enter (&done)) {
    pool.n_cores = CLAMP ((int) g_get_num_processors (), 1, SR_WORKERS_MAX_THREADS);
    pool.free_cores = pool.n_cores;
    g_once_init_leave (&done, 1);
  }
}

int
sr_workers_get_n_cores (void)
{
  init_once ();
  return pool.n_cores;
}

static void
note_busy (int delta)
{
  pool.busy += delta;
  pool.peak_busy = MAX (pool.peak_busy, pool.busy);
}

static gpointer
worker_main (gpointer unused)
{
  (void) unused;
  /* OpenBLAS calls made in the kernels run on this thread alone: the parallelism
   * is the runner's, over tiles */
  sr_blas_threads_enter ();
  g_mutex_lock (&pool.lock);
  for (;;) {
    while (pool.queue_len == 0)
      g_cond_wait (&pool.work_ready, &pool.lock);
    Task task = pool.queue[pool.queue_head];
    pool.queue_head = (pool.queue_head + 1) % SR_WORKERS_MAX_THREADS;
    pool.queue_len--;
    note_busy (1);
    g_mutex_unlock (&pool.lock);
    task.func (task.data, task.worker);
    g_mutex_lock (&pool.lock);
    note_busy (-1);
    if (--*task.left == 0)
      g_cond_broadcast (&pool.work_done);
  }
  return NULL;
}

/* Under the lock: @n tasks are queued; enough threads must exist to take them. A
 * task is queued only for a core taken from the budget, so at most n_cores - 1 are
 * ever waiting or running, and so many threads suffice. */
static void
ensure_workers (int n)
{
  while (pool.n_workers < MIN (n, pool.n_cores - 1)) {
    GThread *t = g_thread_new ("sr-worker", worker_main, NULL);
    g_thread_unref (t);
    pool.n_workers++;
  }
}

int
sr_workers_run (int max_threads, SrWorkFunc func, gpointer data)
{
  init_once ();
  max_threads = CLAMP (max_threads, 1, pool.n_cores);
  g_mutex_lock (&pool.lock);
  while (pool.free_cores == 0)
    g_cond_wait (&pool.core_freed, &pool.lock);
  int n = MIN (max_threads, pool.free_cores);
  pool.free_cores -= n;
  int left = n - 1;
  ensure_workers (pool.n_workers + left);
  for (int w = 1; w < n; w++) {
    int tail = (pool.queue_head + pool.queue_len) % SR_WORKERS_MAX_THREADS;
    pool.queue[tail] = (Task) { func, data, w, &left };
    pool.queue_len++;
  }
  if (n > 1)
    g_cond_broadcast (&pool.work_ready);
  note_busy (1);
  g_mutex_unlock (&pool.lock);

  int saved = sr_blas_threads_enter ();
  func (data, 0);
  sr_blas_threads_leave (saved);

  g_mutex_lock (&pool.lock);
  note_busy (-1);
  while (left > 0)
    g_cond_wait (&pool.work_done, &pool.lock);
  pool.free_cores += n;
  g_cond_broadcast (&pool.core_freed);
  g_mutex_unlock (&pool.lock);
  return n;
}

int
sr_workers_get_peak_busy (void)
{
  g_mutex_lock (&pool.lock);
  int peak = pool.peak_busy;
  g_mutex_unlock (&pool.lock);
  return peak;
}

void
sr_workers_reset_peak_busy (void)
{
  g_mutex_lock (&pool.lock);
  pool.peak_busy = pool.busy;
  g_mutex_unlock (&pool.lock);
}
