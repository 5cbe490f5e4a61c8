/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "srupscale-auto.h"

/* Frames after a switch whose lateness is not held against the new rung: QoS
 * events describe frames processed before it. */
#define SETTLE_FRAMES 3
/* The longest wait before retrying a move up that failed: hold times this. */
#define MAX_BACKOFF 16
/* At each period of headroom, a sharper rung measured too slow is assumed this much
 * faster than measured, so that it is tried again if the machine got less busy. */
#define AGEING 0.9
/* Smoothing of the measured time a frame (exponential, this weight to the new). */
#define SMOOTHING 0.25

int
sr_auto_pick (const double *cost, int n_rungs, double budget)
{
  if (budget <= 0)
    return 0;
  int cheapest = 0;
  for (int i = 0; i < n_rungs; i++) {
    if (cost[i] <= budget)
      return i;
    if (cost[i] < cost[cheapest])
      cheapest = i;
  }
  return cheapest;
}

void
sr_auto_policy_init (SrAutoPolicy *p, int n_rungs, const double *cost,
    double frame_duration, int hold_frames)
{
  *p = (SrAutoPolicy) { 0 };
  p->n_rungs = CLAMP (n_rungs, 1, SR_AUTO_MAX_RUNGS);
  for (int i = 0; i < p->n_rungs; i++)
    p->cost[i] = cost[i];
  p->budget = frame_duration > 0 ? frame_duration * SR_AUTO_MARGIN : 0;
  p->hold = p->hold_now = MAX (hold_frames, 1);
  p->current = sr_auto_pick (p->cost, p->n_rungs, p->budget);
}

/* A move down must buy at least this much: between two rungs of about the same cost
 * that both miss the budget, switching would only flip from one to the other. */
#define CHEAPER 0.8

/* The sharpest rung clearly cheaper than the current one, or -1. */
static int
rung_down (const SrAutoPolicy *p)
{
  for (int i = 0; i < p->n_rungs; i++)
    if (i != p->current && p->cost[i] < p->cost[p->current] * CHEAPER)
      return i;
  return -1;
}

/* The sharpest rung sharper than the current one that should fit, or -1. */
static int
rung_up (const SrAutoPolicy *p)
{
  for (int i = 0; i < p->current; i++)
    if (p->cost[i] <= p->budget)
      return i;
  return -1;
}

static void
switch_to (SrAutoPolicy *p, int rung)
{
  p->current = rung;
  p->calm = 0;
  p->since_switch = 0;
}

SrAutoMove
sr_auto_policy_frame (SrAutoPolicy *p, double seconds, gboolean late)
{
  double *c = &p->cost[p->current];
  *c = *c > 0 ? (1 - SMOOTHING) * *c + SMOOTHING * seconds : seconds;
  p->since_switch++;
  if (p->budget <= 0)
    return SR_AUTO_STAY;   /* no framerate: no deadline, the sharpest */

  gboolean settled = p->since_switch > SETTLE_FRAMES;
  gboolean slow = *c > p->budget;
  if (settled && (late || slow)) {
    int down = rung_down (p);
    if (down >= 0) {
      /* a move up that did not last a hold: wait twice as long before the next */
      if (p->trying_up)
        p->hold_now = MIN (p->hold_now * 2, p->hold * MAX_BACKOFF);
      p->trying_up = FALSE;
      switch_to (p, down);
      return late ? SR_AUTO_DOWN_LATE : SR_AUTO_DOWN_SLOW;
    }
  }
  if (late || slow) {
    p->calm = 0;
    return SR_AUTO_STAY;
  }
  if (p->trying_up && p->since_switch >= p->hold) {
    p->trying_up = FALSE;   /* the move up held: patience back to normal */
    p->hold_now = p->hold;
  }
  if (++p->calm < p->hold_now)
    return SR_AUTO_STAY;
  p->calm = 0;
  int up = rung_up (p);
  if (up >= 0) {
    switch_to (p, up);
    p->trying_up = TRUE;
    return SR_AUTO_UP;
  }
  for (int i = 0; i < p->current; i++)
    p->cost[i] *= AGEING;
  return SR_AUTO_STAY;
}

const char *
sr_auto_move_reason (SrAutoMove move)
{
  switch (move) {
    case SR_AUTO_DOWN_LATE:
      return "late";
    case SR_AUTO_DOWN_SLOW:
      return "slow";
    case SR_AUTO_UP:
      return "headroom";
    default:
      return "stay";
  }
}
