/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* srupscale names the kernel it chose for each layer, in model-info and in its log
 * (GST_DEBUG=srupscale:4), and n-threads beyond the cores is clamped, not fatal. */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <string.h>

static GString *logged;

static void
keep_log (GstDebugCategory *category, GstDebugLevel level, const gchar *file,
    const gchar *function, gint line, GObject *object, GstDebugMessage *message,
    gpointer user_data)
{
  if (g_str_equal (gst_debug_category_get_name (category), "srupscale")
      && level == GST_LEVEL_INFO)
    g_string_append_printf (logged, "%s\n", gst_debug_message_get (message));
}

/* The espcn x2 convolutions, as the engine describes them, each followed by its
 * kernel. */
static void
check_names_kernels (const char *text)
{
  static const char *layers[] = { "conv 5x5 1->64 tanh, x1: ", "conv 3x3 64->32 tanh, x1: ",
    "conv 3x3 32->4, x1: " };
  static const char *kernels[] = { "direct", "winograd", "gemm", "bf16" };
  for (gsize i = 0; i < G_N_ELEMENTS (layers); i++) {
    const char *at = strstr (text, layers[i]);
    fail_unless (at != NULL, "no \"%s\" in \"%s\"", layers[i], text);
    at += strlen (layers[i]);
    gboolean named = FALSE;
    for (gsize k = 0; k < G_N_ELEMENTS (kernels); k++)
      named |= g_str_has_prefix (at, kernels[k]);
    fail_unless (named, "no kernel after \"%s\" in \"%s\"", layers[i], text);
  }
}

GST_START_TEST (test_model_info_names_kernels)
{
  logged = g_string_new (NULL);
  gst_debug_set_threshold_for_name ("srupscale", GST_LEVEL_INFO);
  gst_debug_add_log_function (keep_log, NULL, NULL);
  GstHarness *h = gst_harness_new ("srupscale");
  gst_util_set_object_arg (G_OBJECT (h->element), "model", "espcn");
  g_object_set (h->element, "n-threads", 256, NULL);
  gst_harness_set_src_caps_str (h, "video/x-raw,format=GRAY8,width=64,height=48,"
      "framerate=30/1");
  GstBuffer *in = gst_buffer_new_allocate (NULL, 64 * 48, NULL);
  gst_buffer_memset (in, 0, 100, 64 * 48);
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  gst_buffer_unref (gst_harness_pull (h));
  char *info = NULL;
  g_object_get (h->element, "model-info", &info, NULL);
  check_names_kernels (info);
  fail_unless (strstr (info, "64x48") != NULL, "%s", info);
  g_free (info);
  gst_debug_remove_log_function (keep_log);
  check_names_kernels (logged->str);
  gst_harness_teardown (h);
  g_string_free (logged, TRUE);
}
GST_END_TEST;

static Suite *
kernels_suite (void)
{
  Suite *s = suite_create ("srupscale-kernels");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_model_info_names_kernels);
  return s;
}

GST_CHECK_MAIN (kernels);
