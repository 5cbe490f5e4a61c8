/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The element's latency: the worst processing time of the recent frames (a sliding
 * window), not the worst since the start, so that it falls again after a switch to
 * a lighter model or the end of a burst of load. Plain data, no GStreamer object:
 * tests drive it directly. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* About four seconds of 30 fps video. */
#define SR_LATENCY_WINDOW 120

typedef struct {
  GstClockTime samples[SR_LATENCY_WINDOW];
  int n, next;
} SrLatencyWindow;

/* Empties the window and puts @first in it (a warm-up measurement, say). */
void sr_latency_window_reset (SrLatencyWindow *w, GstClockTime first);
void sr_latency_window_push (SrLatencyWindow *w, GstClockTime sample);
/* The largest sample in the window; 0 when empty. */
GstClockTime sr_latency_window_worst (const SrLatencyWindow *w);
/* Whether a pipeline should be told (LATENCY message) that @now replaces the
 * @reported latency: when it grew by more than a quarter, or fell below half (a
 * dead band, so frame-to-frame noise does not make the pipeline reconfigure). */
gboolean sr_latency_should_report (GstClockTime reported, GstClockTime now);

G_END_DECLS
