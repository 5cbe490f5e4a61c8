/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* srupscale in live pipelines: the latency it reports follows the model and the recent
 * frames, model=auto chooses and changes networks from measured (here: faked) times
 * and QoS lateness, and interlaced input is refused with advice. The element's time a
 * frame is faked through its test hook (object data "srupscale-test-cost-us:<family>"),
 * so nothing here depends on this machine's speed. */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <string.h>

#include "srupscale-auto.h"
#include "srupscale-latency.h"

static void
fake_cost (GstElement *e, const char *family, guint us)
{
  g_autofree char *key = g_strdup_printf ("srupscale-test-cost-us:%s", family);
  g_object_set_data (G_OBJECT (e), key, GUINT_TO_POINTER (us));
}

/* Every built-in family (the "model" enum but auto) costs @us a frame: families added
 * later must not change what the tests below expect. */
static void
fake_cost_all (GstElement *e, guint us)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (e), "model");
  GEnumClass *klass = G_PARAM_SPEC_ENUM (pspec)->enum_class;
  for (guint i = 0; i < klass->n_values; i++)
    if (!g_str_equal (klass->values[i].value_nick, "auto"))
      fake_cost (e, klass->values[i].value_nick, us);
}

/* GRAY8 16x12 frames: small, so even the deepest network runs them at once. */
static GstHarness *
harness_with_bus (GstBus **bus)
{
  GstHarness *h = gst_harness_new ("srupscale");
  /* the latency tests fake the cost of named models, starting from espcn */
  gst_util_set_object_arg (G_OBJECT (h->element), "model", "espcn");
  *bus = gst_bus_new ();
  gst_element_set_bus (h->element, *bus);
  return h;
}

static void
start (GstHarness *h, const char *framerate)
{
  g_autofree char *caps = g_strdup_printf ("video/x-raw,format=GRAY8,width=16,height=12,"
      "framerate=%s", framerate);
  gst_harness_set_src_caps_str (h, caps);
}

static void
push_frames (GstHarness *h, int n)
{
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_GRAY8, 16, 12);
  for (int i = 0; i < n; i++) {
    GstBuffer *buf = gst_buffer_new_allocate (NULL, info.size, NULL);
    gst_buffer_memset (buf, 0, 90, info.size);
    fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
    gst_buffer_unref (gst_harness_pull (h));
  }
}

/* How many messages of @type are waiting on @bus (all popped). */
static int
count_messages (GstBus *bus, GstMessageType type)
{
  int n = 0;
  GstMessage *m;
  while ((m = gst_bus_pop_filtered (bus, type))) {
    n++;
    gst_message_unref (m);
  }
  return n;
}

static GstClockTime
latency_of (GstHarness *h)
{
  return gst_harness_query_latency (h);
}

/* ---- the latency window alone ---- */

GST_START_TEST (test_latency_window)
{
  SrLatencyWindow w;
  sr_latency_window_reset (&w, 5);
  fail_unless_equals_uint64 (sr_latency_window_worst (&w), 5);
  sr_latency_window_push (&w, 100);
  for (int i = 0; i < SR_LATENCY_WINDOW - 1; i++) {
    sr_latency_window_push (&w, 10);
    fail_unless_equals_uint64 (sr_latency_window_worst (&w), 100);
  }
  /* the burst has left the window */
  sr_latency_window_push (&w, 10);
  fail_unless_equals_uint64 (sr_latency_window_worst (&w), 10);
  fail_unless (!sr_latency_should_report (100, 110));
  fail_unless (!sr_latency_should_report (100, 60));
  fail_unless (sr_latency_should_report (100, 130));
  fail_unless (sr_latency_should_report (100, 40));
}
GST_END_TEST;

/* ---- the element's latency ---- */

/* The LATENCY answer follows the model: a LATENCY message at each model, precision
 * and thread change, and the new model's time in the next answer (it used to stay at
 * the heaviest model's). */
GST_START_TEST (test_latency_follows_model)
{
  GstBus *bus;
  GstHarness *h = harness_with_bus (&bus);
  fake_cost (h->element, "espcn", 4000);
  fake_cost (h->element, "lesrcnn", 400000);
  start (h, "30/1");
  push_frames (h, 3);
  /* the warm-up's 5 ms (4 ms and a quarter for chroma) is the worst of the window */
  fail_unless_equals_uint64 (latency_of (h), 5 * GST_MSECOND);
  count_messages (bus, GST_MESSAGE_LATENCY);

  gst_util_set_object_arg (G_OBJECT (h->element), "model", "lesrcnn");
  push_frames (h, 3);
  fail_unless_equals_int (count_messages (bus, GST_MESSAGE_LATENCY), 1);
  fail_unless_equals_uint64 (latency_of (h), 500 * GST_MSECOND);

  gst_util_set_object_arg (G_OBJECT (h->element), "model", "espcn");
  push_frames (h, 3);
  fail_unless_equals_int (count_messages (bus, GST_MESSAGE_LATENCY), 1);
  fail_unless_equals_uint64 (latency_of (h), 5 * GST_MSECOND);

  /* precision and threads are fresh starts too: re-announced */
  fake_cost (h->element, "espcn", 8000);
  gst_util_set_object_arg (G_OBJECT (h->element), "precision", "bf16");
  push_frames (h, 1);
  fail_unless_equals_int (count_messages (bus, GST_MESSAGE_LATENCY), 1);
  fail_unless_equals_uint64 (latency_of (h), 10 * GST_MSECOND);
  fake_cost (h->element, "espcn", 2000);
  g_object_set (h->element, "n-threads", 1, NULL);
  push_frames (h, 1);
  fail_unless_equals_int (count_messages (bus, GST_MESSAGE_LATENCY), 1);
  fail_unless_equals_uint64 (latency_of (h), 2500 * GST_MSECOND / 1000);
  /* and scale (a renegotiation) */
  fake_cost (h->element, "espcn", 12000);
  g_object_set (h->element, "scale", 3, NULL);
  push_frames (h, 1);
  fail_unless_equals_int (count_messages (bus, GST_MESSAGE_LATENCY), 1);
  fail_unless_equals_uint64 (latency_of (h), 15 * GST_MSECOND);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* One slow frame raises the latency at once; once it has left the window of recent
 * frames the latency falls back, and each time the pipeline is told. */
GST_START_TEST (test_latency_is_recent_worst)
{
  GstBus *bus;
  GstHarness *h = harness_with_bus (&bus);
  fake_cost (h->element, "espcn", 4000);
  start (h, "30/1");
  push_frames (h, 2);
  count_messages (bus, GST_MESSAGE_LATENCY);
  fake_cost (h->element, "espcn", 40000);
  push_frames (h, 1);
  fail_unless_equals_int (count_messages (bus, GST_MESSAGE_LATENCY), 1);
  fail_unless_equals_uint64 (latency_of (h), 40 * GST_MSECOND);
  fake_cost (h->element, "espcn", 4000);
  push_frames (h, SR_LATENCY_WINDOW - 1);
  fail_unless_equals_int (count_messages (bus, GST_MESSAGE_LATENCY), 0);
  fail_unless_equals_uint64 (latency_of (h), 40 * GST_MSECOND);
  push_frames (h, 1);
  fail_unless_equals_int (count_messages (bus, GST_MESSAGE_LATENCY), 1);
  fail_unless_equals_uint64 (latency_of (h), 4 * GST_MSECOND);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* Measured for real (no fake): the LESRCNN-style network, 15 to 33 times ESPCN's
 * multiply-adds, reports a larger latency, and switching back brings it down. */
GST_START_TEST (test_latency_measured)
{
  GstHarness *h = gst_harness_new ("srupscale");
  gst_harness_set_src_caps_str (h, "video/x-raw,format=GRAY8,width=160,height=120,"
      "framerate=30/1");
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_GRAY8, 160, 120);
  GstClockTime l[3];
  const char *models[] = { "espcn", "lesrcnn", "espcn" };
  for (int i = 0; i < 3; i++) {
    gst_util_set_object_arg (G_OBJECT (h->element), "model", models[i]);
    for (int f = 0; f < 3; f++) {
      GstBuffer *buf = gst_buffer_new_allocate (NULL, info.size, NULL);
      gst_buffer_memset (buf, 0, 90, info.size);
      fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
      gst_buffer_unref (gst_harness_pull (h));
    }
    l[i] = gst_harness_query_latency (h);
    GST_INFO ("%s: latency %" GST_TIME_FORMAT, models[i], GST_TIME_ARGS (l[i]));
  }
  fail_unless (l[1] > 2 * l[0], "lesrcnn %" GST_TIME_FORMAT " espcn %" GST_TIME_FORMAT,
      GST_TIME_ARGS (l[1]), GST_TIME_ARGS (l[0]));
  fail_unless (l[2] < l[1] / 2, "back to espcn: %" GST_TIME_FORMAT,
      GST_TIME_ARGS (l[2]));
  gst_harness_teardown (h);
}
GST_END_TEST;

/* ---- interlaced input ---- */

GST_START_TEST (test_interlaced_refused)
{
  GstBus *bus;
  GstHarness *h = harness_with_bus (&bus);
  GstPad *sink = gst_element_get_static_pad (h->element, "sink");
  GstCaps *interlaced = gst_caps_from_string ("video/x-raw,format=I420,width=64,height=48,"
      "framerate=25/1,interlace-mode=interleaved");
  GstCaps *progressive = gst_caps_from_string ("video/x-raw,format=I420,width=64,"
      "height=48,framerate=25/1");
  fail_unless (gst_pad_query_accept_caps (sink, progressive));
  fail_if (gst_pad_query_accept_caps (sink, interlaced));
  GstCaps *caps = gst_pad_query_caps (sink, interlaced);
  fail_unless (gst_caps_is_empty (caps));
  gst_caps_unref (caps);
  /* and it says what to do, once */
  GstMessage *m = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (m != NULL);
  GError *e;
  char *debug;
  gst_message_parse_warning (m, &e, &debug);
  GST_INFO ("warning: %s (%s)", e->message, debug);
  fail_unless (strstr (e->message, "progressive video only") != NULL, "%s", e->message);
  fail_unless (strstr (e->message, "deinterlace") != NULL, "%s", e->message);
  fail_unless (strstr (debug, "interleaved") != NULL, "%s", debug);
  g_error_free (e);
  g_free (debug);
  gst_message_unref (m);
  fail_unless_equals_int (count_messages (bus, GST_MESSAGE_WARNING), 0);
  gst_caps_unref (interlaced);
  gst_caps_unref (progressive);
  gst_object_unref (sink);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* ---- model=auto: the policy alone ---- */

GST_START_TEST (test_auto_pick)
{
  /* sharpest first: lesrcnn, fsrcnn, espcn */
  const double cost[] = { 0.5, 0.030, 0.020 };
  fail_unless_equals_int (sr_auto_pick (cost, 3, 0.8 / 30), 2);
  fail_unless_equals_int (sr_auto_pick (cost, 3, 0.8 / 25), 1);
  fail_unless_equals_int (sr_auto_pick (cost, 3, 0.8), 0);
  fail_unless_equals_int (sr_auto_pick (cost, 3, 0), 0);   /* no framerate */
  /* none fits: the cheapest, wherever it stands */
  const double heavy[] = { 0.5, 0.04, 0.06 };
  fail_unless_equals_int (sr_auto_pick (heavy, 3, 0.8 / 30), 1);
}
GST_END_TEST;

/* A simulated machine: each rung costs a fixed time a frame and downstream is late
 * whenever a frame takes longer than the frame duration. The policy must settle on
 * the sharpest rung that keeps up and stay there (no oscillation), try the sharper
 * one rarely (backing off), and climb when the machine gets faster. */
GST_START_TEST (test_auto_policy_settles)
{
  double cost[] = { 0.040, 0.020, 0.010 };   /* the sharpest does not keep up at 30 */
  double duration = 1.0 / 30;
  SrAutoPolicy p;
  sr_auto_policy_init (&p, 3, cost, duration, 60);
  fail_unless_equals_int (p.current, 1);
  int switches = 0, frames_too_slow = 0;
  for (int f = 0; f < 3000; f++) {
    double took = cost[p.current];
    frames_too_slow += took > duration;
    if (sr_auto_policy_frame (&p, took, took > duration) != SR_AUTO_STAY)
      switches++;
  }
  GST_INFO ("3000 frames: %d switches, %d frames too slow", switches, frames_too_slow);
  fail_unless (switches <= 8, "%d switches", switches);
  fail_unless (frames_too_slow <= 30, "%d frames too slow", frames_too_slow);
  fail_unless_equals_int (p.current, 1);

  /* the machine gets twice as fast: the sharpest fits (20 ms of 26.7) and is taken */
  for (int i = 0; i < 3; i++)
    cost[i] /= 2;
  int first_up = -1;
  for (int f = 0; f < 3000; f++) {
    double took = cost[p.current];
    if (sr_auto_policy_frame (&p, took, took > duration) == SR_AUTO_UP && first_up < 0)
      first_up = f;
  }
  GST_INFO ("faster machine: up after %d frames", first_up);
  fail_unless (first_up >= 0);
  fail_unless_equals_int (p.current, 0);
}
GST_END_TEST;

/* Two rungs of about the same cost, both too slow, on a machine getting busier (the
 * live run that found this flipped between them every few frames): the policy stays. */
GST_START_TEST (test_auto_policy_no_flip_when_nothing_fits)
{
  const double cost[] = { 0.047, 0.045 };
  SrAutoPolicy p;
  sr_auto_policy_init (&p, 2, cost, 1.0 / 25, 50);
  int switches = 0;
  for (int f = 0; f < 500; f++) {
    double load = 1 + f / 250.0;   /* up to three times slower */
    if (sr_auto_policy_frame (&p, cost[p.current] * load, FALSE) != SR_AUTO_STAY)
      switches++;
  }
  /* following measured costs, a switch needs the load to have grown by a quarter
   * since the other rung was timed: at most 5 while it triples (without that margin,
   * one every few frames) */
  GST_INFO ("%d switches while the load triples", switches);
  fail_unless (switches <= 5, "%d switches", switches);
  /* but a rung clearly cheaper is taken */
  const double apart[] = { 0.060, 0.020 };
  sr_auto_policy_init (&p, 2, apart, 1.0 / 25, 50);
  fail_unless_equals_int (p.current, 1);
}
GST_END_TEST;

/* Lateness moves down one rung at once; a move up waits for the hold of headroom. */
GST_START_TEST (test_auto_policy_hysteresis)
{
  const double cost[] = { 0.5, 0.020, 0.010 };
  SrAutoPolicy p;
  sr_auto_policy_init (&p, 3, cost, 1.0 / 30, 60);
  fail_unless_equals_int (p.current, 1);
  for (int f = 0; f < 10; f++)
    fail_unless_equals_int (sr_auto_policy_frame (&p, 0.020, FALSE), SR_AUTO_STAY);
  fail_unless_equals_int (sr_auto_policy_frame (&p, 0.020, TRUE), SR_AUTO_DOWN_LATE);
  fail_unless_equals_int (p.current, 2);
  /* lateness right after a switch is about frames from before it */
  for (int f = 0; f < 3; f++)
    fail_unless_equals_int (sr_auto_policy_frame (&p, 0.010, TRUE), SR_AUTO_STAY);
  for (int f = 0; f < 59; f++)
    fail_unless_equals_int (sr_auto_policy_frame (&p, 0.010, FALSE), SR_AUTO_STAY);
  fail_unless_equals_int (sr_auto_policy_frame (&p, 0.010, FALSE), SR_AUTO_UP);
  fail_unless_equals_int (p.current, 1);
  /* no framerate: the sharpest, whatever happens */
  sr_auto_policy_init (&p, 3, cost, 0, 1);
  fail_unless_equals_int (p.current, 0);
  for (int f = 0; f < 10; f++)
    fail_unless_equals_int (sr_auto_policy_frame (&p, 5.0, TRUE), SR_AUTO_STAY);
}
GST_END_TEST;

/* ---- model=auto in the element ---- */

static char *
pop_auto_choice (GstBus *bus, char **reason)
{
  GstMessage *m;
  char *model = NULL;
  while ((m = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT))) {
    const GstStructure *s = gst_message_get_structure (m);
    if (gst_structure_has_name (s, "srupscale-auto")) {
      g_free (model);
      model = g_strdup (gst_structure_get_string (s, "model"));
      if (reason) {
        g_free (*reason);
        *reason = g_strdup (gst_structure_get_string (s, "reason"));
      }
    }
    gst_message_unref (m);
  }
  return model;
}

static void
fail_unless_runs (GstHarness *h, const char *family)
{
  g_autofree char *info = NULL;
  g_object_get (h->element, "model-info", &info, NULL);
  g_autofree char *want = g_strdup_printf ("%s x2", family);
  fail_unless (info && g_str_has_prefix (info, want), "%s, not %s", info, want);
  fail_unless (strstr (info, "model=auto") != NULL, "%s", info);
}

static void
push_qos_late (GstHarness *h)
{
  fail_unless (gst_harness_push_upstream_event (h, gst_event_new_qos (
              GST_QOS_TYPE_UNDERFLOW, 1.5, 20 * GST_MSECOND, 0)));
}

GST_START_TEST (test_auto_element)
{
  GstBus *bus;
  GstHarness *h = harness_with_bus (&bus);
  gst_util_set_object_arg (G_OBJECT (h->element), "model", "auto");
  /* at 30 fps a frame may take 26.7 ms */
  fake_cost_all (h->element, 1000000);
  fake_cost (h->element, "lesrcnn", 500000);
  fake_cost (h->element, "fsrcnn", 20000);
  fake_cost (h->element, "espcn", 10000);
  start (h, "30/1");
  push_frames (h, 1);
  g_autofree char *reason = NULL;
  g_autofree char *chosen = pop_auto_choice (bus, &reason);
  fail_unless_equals_string (chosen, "fsrcnn");
  fail_unless_runs (h, "fsrcnn");
  push_frames (h, 5);

  /* downstream is late: one rung down at once */
  push_qos_late (h);
  push_frames (h, 1);
  g_free (chosen);
  chosen = pop_auto_choice (bus, &reason);
  fail_unless_equals_string (chosen, "espcn");
  fail_unless_equals_string (reason, "late downstream");
  fail_unless_runs (h, "espcn");

  /* back up only after two seconds (60 frames) of headroom */
  push_frames (h, 55);
  g_free (chosen);
  chosen = pop_auto_choice (bus, NULL);
  fail_unless (chosen == NULL, "moved to %s already", chosen);
  push_frames (h, 5);
  chosen = pop_auto_choice (bus, &reason);
  fail_unless_equals_string (chosen, "fsrcnn");
  fail_unless_equals_string (reason, "headroom");

  /* the machine gets slower: fsrcnn no longer fits, and it is left */
  fake_cost (h->element, "fsrcnn", 40000);
  push_frames (h, 10);
  g_free (chosen);
  chosen = pop_auto_choice (bus, &reason);
  fail_unless_equals_string (chosen, "espcn");
  fail_unless_equals_string (reason, "too slow for the frame rate");
  /* and it is not retried at every hold: at most twice in 20 seconds */
  int tries = 0;
  for (int f = 0; f < 600; f++) {
    push_frames (h, 1);
    g_autofree char *c = pop_auto_choice (bus, NULL);
    tries += c && g_str_equal (c, "fsrcnn");
  }
  GST_INFO ("fsrcnn retried %d times in 600 frames", tries);
  fail_unless (tries <= 2, "%d tries", tries);
  /* a new thread count: every network timed again (here, fsrcnn fits again) */
  fake_cost (h->element, "fsrcnn", 20000);
  g_object_set (h->element, "n-threads", 1, NULL);
  push_frames (h, 1);
  g_free (chosen);
  chosen = pop_auto_choice (bus, &reason);
  fail_unless_equals_string (chosen, "fsrcnn");
  fail_unless_equals_string (reason, "fits the frame duration");
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* Still images (framerate 0/1) have no deadline: the sharpest, untimed. */
GST_START_TEST (test_auto_no_framerate)
{
  GstBus *bus;
  GstHarness *h = harness_with_bus (&bus);
  gst_util_set_object_arg (G_OBJECT (h->element), "model", "auto");
  fake_cost_all (h->element, 5000000);
  start (h, "0/1");
  push_frames (h, 2);
  g_autofree char *chosen = pop_auto_choice (bus, NULL);
  fail_unless_equals_string (chosen, "lesrcnn");
  fail_unless_runs (h, "lesrcnn");
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* Measured for real: at a frame rate no machine meets with the LESRCNN-style network
 * on this size, auto does not choose it. */
GST_START_TEST (test_auto_measured)
{
  GstBus *bus;
  GstHarness *h = harness_with_bus (&bus);
  gst_util_set_object_arg (G_OBJECT (h->element), "model", "auto");
  gst_harness_set_src_caps_str (h, "video/x-raw,format=I420,width=320,height=240,"
      "framerate=1000/1");
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, 320, 240);
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info.size, NULL);
  gst_buffer_memset (buf, 0, 100, info.size);
  fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
  gst_buffer_unref (gst_harness_pull (h));
  g_autofree char *chosen = pop_auto_choice (bus, NULL);
  fail_unless (chosen != NULL);
  fail_if (g_str_equal (chosen, "lesrcnn"));
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}
GST_END_TEST;

static Suite *
live_suite (void)
{
  Suite *s = suite_create ("srupscale-live");
  TCase *tc = tcase_create ("live");
  tcase_set_timeout (tc, 300);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_latency_window);
  tcase_add_test (tc, test_latency_follows_model);
  tcase_add_test (tc, test_latency_is_recent_worst);
  tcase_add_test (tc, test_latency_measured);
  tcase_add_test (tc, test_interlaced_refused);
  tcase_add_test (tc, test_auto_pick);
  tcase_add_test (tc, test_auto_policy_settles);
  tcase_add_test (tc, test_auto_policy_hysteresis);
  tcase_add_test (tc, test_auto_policy_no_flip_when_nothing_fits);
  tcase_add_test (tc, test_auto_element);
  tcase_add_test (tc, test_auto_no_framerate);
  tcase_add_test (tc, test_auto_measured);
  return s;
}

GST_CHECK_MAIN (live);
