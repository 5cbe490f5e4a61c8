/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "srupscale-latency.h"

void
sr_latency_window_reset (SrLatencyWindow *w, GstClockTime first)
{
  w->n = 0;
  w->next = 0;
  sr_latency_window_push (w, first);
}

void
sr_latency_window_push (SrLatencyWindow *w, GstClockTime sample)
{
  w->samples[w->next] = sample;
  w->next = (w->next + 1) % SR_LATENCY_WINDOW;
  w->n = MIN (w->n + 1, SR_LATENCY_WINDOW);
}

/* 120 comparisons a frame: cheaper than keeping a monotonic deque. */
GstClockTime
sr_latency_window_worst (const SrLatencyWindow *w)
{
  GstClockTime worst = 0;
  for (int i = 0; i < w->n; i++)
    worst = MAX (worst, w->samples[i]);
  return worst;
}

gboolean
sr_latency_should_report (GstClockTime reported, GstClockTime now)
{
  return now > reported + reported / 4 || now < reported / 2;
}
