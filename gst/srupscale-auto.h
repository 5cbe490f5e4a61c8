/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* model=auto: which rung of a ladder of networks to run, from the measured time a
 * frame takes and from QoS lateness. The ladder is ordered sharpest first; costs need
 * not follow that order (a sharper network can be the cheaper one).
 *
 * A pure policy over plain numbers: the element feeds it one measurement a frame and
 * acts on its answer; tests drive it with scripted times. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_AUTO_MAX_RUNGS 16
/* A network fits when a frame takes at most this share of the frame duration. */
#define SR_AUTO_MARGIN 0.8

typedef enum {
  SR_AUTO_STAY,
  SR_AUTO_DOWN_LATE,    /* QoS said frames arrive late downstream */
  SR_AUTO_DOWN_SLOW,    /* the measured time no longer fits the budget */
  SR_AUTO_UP,           /* headroom for a while, and a sharper rung should fit */
} SrAutoMove;

typedef struct {
  int n_rungs;
  /* seconds a frame, per rung: measured at caps, then smoothed over the frames run */
  double cost[SR_AUTO_MAX_RUNGS];
  double budget;        /* seconds a frame may take; 0 = no limit (no framerate) */
  int hold;             /* frames of headroom before a move up (about 2 s of video) */
  int hold_now;         /* hold, doubled after each move up that did not last */
  int current;
  int calm;             /* frames in a row without lateness and within budget */
  int since_switch;
  gboolean trying_up;   /* moved up less than a hold ago */
} SrAutoPolicy;

/* The sharpest rung of @cost (sharpest first) that fits @budget; with no budget the
 * sharpest; when none fits, the cheapest. */
int sr_auto_pick (const double *cost, int n_rungs, double budget);

/* @frame_duration in seconds (0: no framerate, the sharpest always); @hold_frames: how
 * many frames of headroom a move up waits for. */
void sr_auto_policy_init (SrAutoPolicy *p, int n_rungs, const double *cost,
    double frame_duration, int hold_frames);

/* One frame ran on p->current and took @seconds; @late: QoS reported lateness since
 * the previous frame. Returns the move made (p->current is the rung to run next). */
SrAutoMove sr_auto_policy_frame (SrAutoPolicy *p, double seconds, gboolean late);

const char *sr_auto_move_reason (SrAutoMove move);

G_END_DECLS
