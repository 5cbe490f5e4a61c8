/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-srupscale
 * @title: srupscale
 *
 * Upscales video by 2, 3 or 4 with a small super-resolution network run on the
 * CPU. The luma of each frame goes through the network; chroma and alpha are
 * scaled bicubic; RGB formats go through BT.601 YCbCr and back.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 v4l2src ! videoconvert ! srupscale model=espcn scale=2 ! videoconvert ! autovideosink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstsrupscale.h"

GST_DEBUG_CATEGORY_STATIC (gst_sr_upscale_debug);
#define GST_CAT_DEFAULT gst_sr_upscale_debug

#define DEFAULT_MODEL GST_SR_UPSCALE_MODEL_SESR
#define DEFAULT_SCALE 2
#define DEFAULT_N_THREADS 0
#define DEFAULT_MAX_MEMORY 1024   /* MiB */

enum {
  PROP_0,
  PROP_MODEL,
  PROP_SCALE,
  PROP_MODEL_LOCATION,
  PROP_N_THREADS,
  PROP_PRECISION,
  PROP_MODEL_INFO,
  PROP_MAX_MEMORY,
};

typedef enum {
  PRECISION_FP32,
  PRECISION_BF16,
} Precision;

#define TYPE_PRECISION (precision_get_type ())
static GType
precision_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { PRECISION_FP32, "float32 throughout", "fp32" },
    { PRECISION_BF16, "bfloat16 multiplies, float32 sums (AVX512-BF16 CPUs; 1.2-1.3x "
          "faster on an AMD Zen 4, ESPCN Set5 PSNR 0.03 dB lower)", "bf16" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstSrUpscalePrecision", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

#define FORMATS "{ I420, YV12, NV12, NV21, Y42B, Y444, GRAY8, RGB, BGR, RGBx, BGRx, " \
    "xRGB, xBGR, RGBA, BGRA, ARGB, ABGR, I420_10LE, I420_10BE, P010_10LE, P010_10BE, " \
    "I422_10LE, I422_10BE, Y444_10LE, Y444_10BE }"
/* Progressive only: a frame of two interlaced fields would be upscaled as one picture,
 * combing and all (deinterlace first; see explain_interlaced()). */
#define TEMPLATE_CAPS GST_VIDEO_CAPS_MAKE (FORMATS) ", interlace-mode = (string) progressive"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (TEMPLATE_CAPS));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (TEMPLATE_CAPS));

G_DEFINE_TYPE (GstSrUpscale, gst_sr_upscale, GST_TYPE_VIDEO_FILTER);
GST_ELEMENT_REGISTER_DEFINE (srupscale, "srupscale", GST_RANK_NONE, GST_TYPE_SR_UPSCALE);

/* ---- latency ---- */

/* Adds the processing time of a frame to the window of recent ones; @fresh (new caps,
 * model, precision or thread count) empties the window first. The pipeline is told
 * to ask again (a LATENCY message) at every fresh start whose value differs from
 * what it was told, and otherwise when the worst of the window has moved out of a
 * dead band around it, up or down. */
static void
update_latency (GstSrUpscale *self, GstClockTime latency, gboolean fresh)
{
  GST_OBJECT_LOCK (self);
  if (fresh)
    sr_latency_window_reset (&self->latency_window, latency);
  else
    sr_latency_window_push (&self->latency_window, latency);
  GstClockTime worst = sr_latency_window_worst (&self->latency_window);
  gboolean tell = fresh ? worst != self->latency
      : sr_latency_should_report (self->latency, worst);
  if (tell)
    self->latency = worst;
  GST_OBJECT_UNLOCK (self);
  if (tell) {
    GST_INFO_OBJECT (self, "latency now %" GST_TIME_FORMAT, GST_TIME_ARGS (worst));
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_latency (GST_OBJECT (self)));
  }
}

/* ---- model loading ---- */

/* Loads the model the properties name, or posts an error naming the problem. */
static gboolean
load_model (GstSrUpscale *self)
{
  GST_OBJECT_LOCK (self);
  GstSrUpscaleModel family = self->model == GST_SR_UPSCALE_MODEL_AUTO
      ? self->auto_family : self->model;
  int scale = self->scale;
  gboolean bf16 = self->bf16;
  char *location = g_strdup (self->model_location);
  self->model_changed = FALSE;
  GST_OBJECT_UNLOCK (self);

  GError *error = NULL;
  SrModel *net;
  if (location && *location)
    net = sr_model_new_from_file (location, &error);
  else
    net = srupscale_builtin_model_load (family, scale, &error);
  if (net && sr_model_get_scale (net) != scale) {
    g_set_error (&error, SR_ERROR, SR_ERROR_BAD_FAMILY,
        "%s is a x%d model but the scale property is %d",
        location ? location : "the built-in model", sr_model_get_scale (net), scale);
    g_clear_pointer (&net, sr_model_free);
  }
  if (net == NULL) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("Could not load the upscaling model"),
        ("%s", error->message));
    g_error_free (error);
    g_free (location);
    return FALSE;
  }
  if (!sr_model_set_bf16 (net, bf16))
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
        ("This CPU has no AVX512-BF16: precision=bf16 runs in float32"), (NULL));
  GST_INFO_OBJECT (self, "loaded %s x%d (%" G_GSIZE_FORMAT " parameters) from %s",
      sr_model_get_family (net), scale, sr_model_get_n_params (net),
      location ? location : "the plugin");
  g_free (location);
  g_clear_pointer (&self->runner, sr_runner_free);
  /* swapped under the lock: model-info reads it from other threads */
  GST_OBJECT_LOCK (self);
  SrModel *old = self->net;
  self->net = net;
  self->net_scale = scale;
  GST_OBJECT_UNLOCK (self);
  sr_model_free (old);
  g_object_notify (G_OBJECT (self), "model-info");
  return TRUE;
}

/* The time a frame of the loaded model took, or, when a test has set the object data
 * "srupscale-test-cost-us:<family>" (a guint in microseconds), that fake time, so
 * tests of latency and of model=auto do not depend on this machine's speed. */
static GstClockTime
frame_cost (GstSrUpscale *self, gint64 measured_us)
{
  char key[64];
  g_snprintf (key, sizeof key, "srupscale-test-cost-us:%s", sr_model_get_family (self->net));
  gpointer fake = g_object_get_data (G_OBJECT (self), key);
  return (fake ? (GstClockTime) GPOINTER_TO_UINT (fake) : (GstClockTime) measured_us)
      * GST_USECOND;
}

static int
effective_threads (GstSrUpscale *self)
{
  GST_OBJECT_LOCK (self);
  int n = self->n_threads;
  self->threads_changed = FALSE;
  GST_OBJECT_UNLOCK (self);
  return MIN (n > 0 ? n : (int) g_get_num_processors (), SR_MAX_THREADS);
}

/* Refuses caps whose working set (the model's weights, the runner's workspaces, our
 * frames and one output buffer) would pass the max-memory property, before any of it
 * is allocated: a hostile model or a huge frame must not exhaust the machine. */
static gboolean
check_memory_budget (GstSrUpscale *self, int n_threads)
{
  GST_OBJECT_LOCK (self);
  guint64 limit = (guint64) self->max_memory << 20;
  GST_OBJECT_UNLOCK (self);
  const GstVideoInfo *in = &self->in_info, *out = &self->out_info;
  guint64 warm_up = (guint64) in->width * in->height
      + (guint64) out->width * out->height;
  guint64 parts[] = {
    sr_model_get_weight_bytes (self->net),
    sr_runner_estimate_bytes (self->net, in->width, in->height, n_threads),
    sr_frame_path_estimate_bytes (in, out),
    warm_up,
    out->size,
  };
  guint64 need = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (parts); i++)
    need = parts[i] > G_MAXUINT64 - need ? G_MAXUINT64 : need + parts[i];
  if (limit == 0 || need <= limit)
    return TRUE;
  GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT,
      ("Upscaling %dx%d video by %d would need %" G_GUINT64_FORMAT " MiB of memory, more "
          "than the max-memory limit of %" G_GUINT64_FORMAT " MiB", in->width,
          in->height, self->net_scale, (need >> 20) + 1, limit >> 20),
      ("%s x%d with %d threads: weights %" G_GUINT64_FORMAT " MiB, network workspaces %"
          G_GUINT64_FORMAT " MiB, colour frames %" G_GUINT64_FORMAT " MiB, output frame %"
          G_GUINT64_FORMAT " MiB", sr_model_get_family (self->net), self->net_scale,
          n_threads, parts[0] >> 20, parts[1] >> 20, parts[2] >> 20, parts[4] >> 20));
  return FALSE;
}

/* Runs the network once on a black frame of the new size: it touches every page of
 * the new buffers before the first real frame (a first write to a page is slow) and
 * measures the processing time the element reports as its latency. */
static void
warm_up (GstSrUpscale *self)
{
  int w = self->in_info.width, h = self->in_info.height, r = self->net_scale;
  guint8 *in = g_malloc0 ((gsize) w * h), *out = g_malloc ((gsize) w * h * r * r);
  gint64 start = g_get_monotonic_time ();
  sr_runner_process_u8 (self->runner, in, w, out, (gsize) w * r);
  GstClockTime took = frame_cost (self, g_get_monotonic_time () - start);
  g_free (in);
  g_free (out);
  /* a margin for chroma and colour work */
  update_latency (self, took * 5 / 4, TRUE);
}

/* The kernel the runner chose for each layer (by measurement, at this size): to
 * the log and to model-info. */
static void
note_kernels (GstSrUpscale *self)
{
  char *kernels = sr_runner_describe_kernels (self->runner);
  GST_INFO_OBJECT (self, "kernels: %s", kernels);
  GST_OBJECT_LOCK (self);
  g_free (self->kernel_info);
  self->kernel_info = kernels;
  GST_OBJECT_UNLOCK (self);
  g_object_notify (G_OBJECT (self), "model-info");
}

/* The runner and frame path for the current caps, allocated once per caps. */
static gboolean
prepare_stream (GstSrUpscale *self)
{
  g_clear_pointer (&self->runner, sr_runner_free);
  g_clear_pointer (&self->frame_path, sr_frame_path_free);
  int n_threads = effective_threads (self);
  if (!check_memory_budget (self, n_threads))
    return FALSE;
  GError *error = NULL;
  /* the budget was checked above, against the max-memory property */
  self->runner = sr_runner_new_with_limit (self->net, self->in_info.width,
      self->in_info.height, n_threads, 0, &error);
  if (self->runner == NULL) {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT, ("Cannot upscale this video"),
        ("%s", error->message));
    g_error_free (error);
    return FALSE;
  }
  /* the runner clamps the count to the cores; the scaler gets as many */
  n_threads = sr_runner_get_n_threads (self->runner);
  self->frame_path = sr_frame_path_new (&self->in_info, &self->out_info, n_threads);
  note_kernels (self);
  warm_up (self);
  return TRUE;
}

/* ---- model=auto ---- */

/* model=auto and no model-location (which overrides model). */
static gboolean
uses_auto (GstSrUpscale *self)
{
  GST_OBJECT_LOCK (self);
  gboolean yes = self->model == GST_SR_UPSCALE_MODEL_AUTO
      && (self->model_location == NULL || *self->model_location == '\0');
  GST_OBJECT_UNLOCK (self);
  return yes;
}

/* Rows of the strip a rung is timed on: the time of a frame is about proportional to
 * its rows, and timing the LESRCNN-style network on a whole large frame would stall
 * the stream for seconds. */
#define CALIBRATION_ROWS 64
/* The time given a rung that cannot run here: never chosen while another can. */
#define UNUSABLE_SECONDS 1e6

/* Seconds a frame of the current caps takes with @family, measured on a strip of the
 * frame's full width (or the test hook's fake cost). */
static double
measure_rung (GstSrUpscale *self, GstSrUpscaleModel family, int scale)
{
  char key[64];
  g_snprintf (key, sizeof key, "srupscale-test-cost-us:%s",
      srupscale_model_family_name (family));
  gpointer fake = g_object_get_data (G_OBJECT (self), key);
  if (fake)
    return GPOINTER_TO_UINT (fake) * 1e-6;
  GST_OBJECT_LOCK (self);
  gboolean bf16 = self->bf16;
  int n_threads = self->n_threads;
  GST_OBJECT_UNLOCK (self);
  int w = self->in_info.width, h = self->in_info.height;
  int rows = MIN (h, CALIBRATION_ROWS);
  g_autoptr (SrModel) net = srupscale_builtin_model_load (family, scale, NULL);
  if (net == NULL)
    return UNUSABLE_SECONDS;
  sr_model_set_bf16 (net, bf16);
  g_autoptr (SrRunner) runner = sr_runner_new (net, w, rows, n_threads, NULL);
  if (runner == NULL)
    return UNUSABLE_SECONDS;
  g_autofree guint8 *in = g_malloc0 ((gsize) w * rows);
  g_autofree guint8 *out = g_malloc0 ((gsize) w * rows * scale * scale);
  gint64 start = g_get_monotonic_time ();
  sr_runner_process_u8 (runner, in, w, out, (gsize) w * scale);
  double seconds = (g_get_monotonic_time () - start) * 1e-6;
  /* the whole frame, and a margin for chroma and colour work as in warm_up() */
  return seconds * h / rows * 5 / 4;
}

/* At new caps, or when model=auto is set: the ladder at this scale, each rung timed,
 * and the sharpest that fits chosen. */
static gboolean
auto_begin (GstSrUpscale *self)
{
  GST_OBJECT_LOCK (self);
  int scale = self->scale;
  GST_OBJECT_UNLOCK (self);
  int n = srupscale_builtin_ladder (scale, self->auto_rungs, SR_AUTO_MAX_RUNGS);
  if (n == 0) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("Could not load the upscaling model"),
        ("model=auto: this build has no built-in model for x%d (it has: %s)", scale,
            srupscale_builtin_models ()));
    return FALSE;
  }
  const GstVideoInfo *info = &self->in_info;
  double duration = info->fps_n > 0 && info->fps_d > 0
      ? (double) info->fps_d / info->fps_n : 0;
  double cost[SR_AUTO_MAX_RUNGS] = { 0 };
  /* with no framerate there is no deadline: the sharpest, nothing to time */
  for (int i = 0; duration > 0 && i < n; i++) {
    cost[i] = measure_rung (self, self->auto_rungs[i], scale);
    GST_DEBUG_OBJECT (self, "model=auto: %s x%d takes %.1f ms a frame",
        srupscale_model_family_name (self->auto_rungs[i]), scale, cost[i] * 1e3);
  }
  /* headroom for about two seconds before trying a sharper network */
  int hold = duration > 0 ? MAX ((int) (2 / duration), 10) : 1;
  sr_auto_policy_init (&self->auto_policy, n, cost, duration, hold);
  g_atomic_int_set (&self->qos_late, 0);
  GST_OBJECT_LOCK (self);
  self->auto_family = self->auto_rungs[self->auto_policy.current];
  const SrAutoPolicy *p = &self->auto_policy;
  self->auto_reason = duration <= 0 ? "no framerate: the sharpest"
      : p->cost[p->current] <= p->budget ? "fits the frame duration"
      : "the cheapest: none fits the frame duration";
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

/* Logs the rung model=auto runs and posts it as an element message "srupscale-auto"
 * (model, scale, reason, frame-cost and budget in nanoseconds, 0 = no budget). */
static void
auto_announce (GstSrUpscale *self)
{
  const SrAutoPolicy *p = &self->auto_policy;
  GST_OBJECT_LOCK (self);
  const char *family = srupscale_model_family_name (self->auto_family);
  const char *reason = self->auto_reason;
  int scale = self->net_scale;
  GST_OBJECT_UNLOCK (self);
  guint64 cost = (guint64) (p->cost[p->current] * GST_SECOND);
  guint64 budget = (guint64) (p->budget * GST_SECOND);
  GST_INFO_OBJECT (self, "model=auto runs %s x%d (%s): %.1f ms a frame, budget %.1f ms",
      family, scale, reason, cost / 1e6, budget / 1e6);
  gst_element_post_message (GST_ELEMENT (self), gst_message_new_element (GST_OBJECT (self),
          gst_structure_new ("srupscale-auto", "model", G_TYPE_STRING, family,
              "scale", G_TYPE_INT, scale, "reason", G_TYPE_STRING, reason,
              "frame-cost", G_TYPE_UINT64, cost, "budget", G_TYPE_UINT64, budget,
              NULL)));
}

static gboolean prepare_stream (GstSrUpscale *self);

/* After each frame of model=auto: the policy's move, made at once. */
static gboolean
auto_step (GstSrUpscale *self, GstClockTime cost)
{
  gboolean late = g_atomic_int_exchange (&self->qos_late, 0);
  SrAutoMove move = sr_auto_policy_frame (&self->auto_policy, (double) cost / GST_SECOND,
      late);
  if (move == SR_AUTO_STAY)
    return TRUE;
  GST_OBJECT_LOCK (self);
  self->auto_family = self->auto_rungs[self->auto_policy.current];
  self->auto_reason = move == SR_AUTO_UP ? "headroom"
      : move == SR_AUTO_DOWN_LATE ? "late downstream" : "too slow for the frame rate";
  GST_OBJECT_UNLOCK (self);
  if (!load_model (self) || !prepare_stream (self))
    return FALSE;
  auto_announce (self);
  return TRUE;
}

static gboolean
gst_sr_upscale_start (GstBaseTransform *trans)
{
  GstSrUpscale *self = GST_SR_UPSCALE (trans);
  /* model=auto chooses once it knows the caps */
  return uses_auto (self) || load_model (self);
}

static gboolean
gst_sr_upscale_stop (GstBaseTransform *trans)
{
  GstSrUpscale *self = GST_SR_UPSCALE (trans);
  g_clear_pointer (&self->frame_path, sr_frame_path_free);
  g_clear_pointer (&self->runner, sr_runner_free);
  GST_OBJECT_LOCK (self);
  g_clear_pointer (&self->net, sr_model_free);
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

/* ---- caps: output = input with width and height times scale ---- */

static gboolean
scale_int (int v, int scale, GstPadDirection direction, int *out)
{
  if (direction == GST_PAD_SINK) {
    *out = v > G_MAXINT / scale ? (G_MAXINT / scale) * scale : v * scale;
    return TRUE;
  }
  if (v % scale != 0)
    return FALSE;
  *out = v / scale;
  return TRUE;
}

/* Maps one width or height value (int, range or list) through the scale; FALSE
 * when no value survives (a size downstream wants that no input size gives). */
static gboolean
scale_value (const GValue *in, int scale, GstPadDirection direction, GValue *out)
{
  if (G_VALUE_HOLDS_INT (in)) {
    int v;
    if (!scale_int (g_value_get_int (in), scale, direction, &v))
      return FALSE;
    g_value_init (out, G_TYPE_INT);
    g_value_set_int (out, v);
    return TRUE;
  }
  if (GST_VALUE_HOLDS_INT_RANGE (in)) {
    int lo = gst_value_get_int_range_min (in), hi = gst_value_get_int_range_max (in);
    if (direction == GST_PAD_SINK) {
      scale_int (lo, scale, direction, &lo);
      scale_int (hi, scale, direction, &hi);
      g_value_init (out, GST_TYPE_INT_RANGE);
      gst_value_set_int_range_step (out, lo, hi, scale);
      return TRUE;
    }
    lo = (lo + scale - 1) / scale;
    hi = hi / scale;
    if (lo > hi)
      return FALSE;
    if (lo == hi) {
      g_value_init (out, G_TYPE_INT);
      g_value_set_int (out, lo);
    } else {
      g_value_init (out, GST_TYPE_INT_RANGE);
      gst_value_set_int_range (out, MAX (lo, 1), hi);
    }
    return TRUE;
  }
  if (GST_VALUE_HOLDS_LIST (in)) {
    g_value_init (out, GST_TYPE_LIST);
    for (guint i = 0; i < gst_value_list_get_size (in); i++) {
      GValue v = G_VALUE_INIT;
      if (scale_value (gst_value_list_get_value (in, i), scale, direction, &v))
        gst_value_list_append_and_take_value (out, &v);
    }
    if (gst_value_list_get_size (out) == 0) {
      g_value_unset (out);
      return FALSE;
    }
    return TRUE;
  }
  return FALSE;
}

static gboolean
scale_field (GstStructure *s, const char *field, int scale, GstPadDirection direction)
{
  const GValue *in = gst_structure_get_value (s, field);
  if (in == NULL)
    return TRUE;
  GValue out = G_VALUE_INIT;
  if (!scale_value (in, scale, direction, &out))
    return FALSE;
  gst_structure_take_value (s, field, &out);
  return TRUE;
}

/* Upstream was told we accept nothing: if that is because downstream insists on a
 * size that is not scale times a whole one, negotiation will fail with a generic
 * not-negotiated error, so say why, once per size. */
static void
explain_empty_caps (GstSrUpscale *self)
{
  GstCaps *caps = gst_pad_peer_query_caps (GST_BASE_TRANSFORM_SRC_PAD (self), NULL);
  GST_OBJECT_LOCK (self);
  int scale = self->scale;
  GST_OBJECT_UNLOCK (self);
  int w = 0, h = 0;
  gboolean fixed_size = !gst_caps_is_empty (caps) && !gst_caps_is_any (caps)
      && gst_structure_get_int (gst_caps_get_structure (caps, 0), "width", &w)
      && gst_structure_get_int (gst_caps_get_structure (caps, 0), "height", &h);
  gst_caps_unref (caps);
  if (!fixed_size || (w % scale == 0 && h % scale == 0))
    return;
  GST_OBJECT_LOCK (self);
  gboolean new_size = self->warned_width != w || self->warned_height != h
      || self->warned_scale != scale;
  self->warned_width = w;
  self->warned_height = h;
  self->warned_scale = scale;
  GST_OBJECT_UNLOCK (self);
  if (new_size)
    GST_ELEMENT_WARNING (self, CORE, NEGOTIATION,
        ("Downstream wants %dx%d, which is not %d times any input size", w, h, scale),
        ("width and height must both be multiples of the scale"));
}

/* Upstream offered only interlaced video, which the caps refuse (a frame of two
 * fields would be upscaled as one picture, its combing with it): say what to do,
 * once. */
static void
explain_interlaced (GstSrUpscale *self, GstCaps *offered)
{
  if (offered == NULL || gst_caps_is_any (offered) || gst_caps_is_empty (offered))
    return;
  const char *mode = NULL;
  for (guint i = 0; i < gst_caps_get_size (offered); i++) {
    mode = gst_structure_get_string (gst_caps_get_structure (offered, i),
        "interlace-mode");
    if (mode == NULL || g_str_equal (mode, "progressive"))
      return;
  }
  GST_OBJECT_LOCK (self);
  gboolean said = self->warned_interlaced;
  self->warned_interlaced = TRUE;
  GST_OBJECT_UNLOCK (self);
  GST_WARNING_OBJECT (self, "refusing interlace-mode=%s: put deinterlace before srupscale",
      mode);
  if (!said)
    GST_ELEMENT_WARNING (self, STREAM, FORMAT,
        ("srupscale takes progressive video only: put deinterlace before it"),
        ("upstream offers interlace-mode=%s", mode));
}

static GstCaps *
gst_sr_upscale_transform_caps (GstBaseTransform *trans, GstPadDirection direction,
    GstCaps *caps, GstCaps *filter)
{
  GstSrUpscale *self = GST_SR_UPSCALE (trans);
  GST_OBJECT_LOCK (self);
  int scale = self->scale;
  GST_OBJECT_UNLOCK (self);

  GstCaps *result = gst_caps_new_empty ();
  for (guint i = 0; i < gst_caps_get_size (caps); i++) {
    GstStructure *s = gst_structure_copy (gst_caps_get_structure (caps, i));
    if (!scale_field (s, "width", scale, direction)
        || !scale_field (s, "height", scale, direction)) {
      GST_DEBUG_OBJECT (self, "no input size gives %" GST_PTR_FORMAT " at scale %d", s,
          scale);
      gst_structure_free (s);
      continue;
    }
    result = gst_caps_merge_structure_full (result, s,
        gst_caps_features_copy (gst_caps_get_features (caps, i)));
  }
  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, result, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (result);
    result = tmp;
  }
  GST_LOG_OBJECT (self, "%s %" GST_PTR_FORMAT " -> %" GST_PTR_FORMAT,
      direction == GST_PAD_SINK ? "sink" : "src", caps, result);
  return result;
}

/* Prefers exactly scale times (or one scale-th of) the fixed side's size. */
static GstCaps *
gst_sr_upscale_fixate_caps (GstBaseTransform *trans, GstPadDirection direction,
    GstCaps *caps, GstCaps *othercaps)
{
  GstSrUpscale *self = GST_SR_UPSCALE (trans);
  GST_OBJECT_LOCK (self);
  int scale = self->scale;
  GST_OBJECT_UNLOCK (self);

  othercaps = gst_caps_truncate (gst_caps_make_writable (othercaps));
  GstStructure *from = gst_caps_get_structure (caps, 0);
  GstStructure *to = gst_caps_get_structure (othercaps, 0);
  int w, h;
  if (gst_structure_get_int (from, "width", &w)
      && gst_structure_get_int (from, "height", &h)) {
    if (direction == GST_PAD_SINK) {
      w *= scale;
      h *= scale;
    } else {
      w /= scale;
      h /= scale;
    }
    gst_structure_fixate_field_nearest_int (to, "width", w);
    gst_structure_fixate_field_nearest_int (to, "height", h);
  }
  return gst_caps_fixate (othercaps);
}

static gboolean
gst_sr_upscale_set_info (GstVideoFilter *filter, GstCaps *incaps, GstVideoInfo *in_info,
    GstCaps *outcaps, GstVideoInfo *out_info)
{
  GstSrUpscale *self = GST_SR_UPSCALE (filter);
  GST_OBJECT_LOCK (self);
  int scale = self->scale;
  gboolean reload = self->model_changed || self->net == NULL || self->net_scale != scale;
  GST_OBJECT_UNLOCK (self);

  if (out_info->width != (gint64) in_info->width * scale
      || out_info->height != (gint64) in_info->height * scale
      || GST_VIDEO_INFO_FORMAT (in_info) != GST_VIDEO_INFO_FORMAT (out_info)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, ("Cannot upscale these caps"),
        ("output %dx%d %s is not input %dx%d %s times %d", out_info->width,
            out_info->height, gst_video_format_to_string (out_info->finfo->format),
            in_info->width, in_info->height,
            gst_video_format_to_string (in_info->finfo->format), scale));
    return FALSE;
  }
  self->in_info = *in_info;
  self->out_info = *out_info;
  gboolean automatic = uses_auto (self);
  if (automatic && !auto_begin (self))
    return FALSE;
  if ((reload || automatic) && !load_model (self))
    return FALSE;
  if (!prepare_stream (self))
    return FALSE;
  if (automatic)
    auto_announce (self);
  return TRUE;
}

static GstFlowReturn
gst_sr_upscale_transform_frame (GstVideoFilter *filter, GstVideoFrame *in,
    GstVideoFrame *out)
{
  GstSrUpscale *self = GST_SR_UPSCALE (filter);
  GST_OBJECT_LOCK (self);
  /* A new scale waits for the renegotiation it asked for; a new model of the same
   * scale, or a new thread count, takes effect here, on the next frame. */
  gboolean reload = self->model_changed && self->scale == self->net_scale;
  gboolean rethread = self->threads_changed;
  GST_OBJECT_UNLOCK (self);
  gboolean automatic = uses_auto (self);
  /* model=auto times its networks again at a new thread count too */
  gboolean rechoose = automatic && (reload || rethread);
  if (rechoose && !auto_begin (self))
    return GST_FLOW_ERROR;
  if ((reload || rechoose) && !load_model (self))
    return GST_FLOW_ERROR;
  if ((reload || rethread) && !prepare_stream (self))
    return GST_FLOW_ERROR;
  if (rechoose)
    auto_announce (self);

  char *why = NULL;
  if (!sr_frame_check_memory (in, &why) || !sr_frame_check_memory (out, &why)) {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT,
        ("A video buffer's layout does not fit its memory"), ("%s", why));
    g_free (why);
    return GST_FLOW_ERROR;
  }

  gint64 start = g_get_monotonic_time ();
  gboolean ok = sr_frame_path_process (self->frame_path, self->runner, in, out);
  GstClockTime cost = frame_cost (self, g_get_monotonic_time () - start);
  update_latency (self, cost, FALSE);
  if (!ok) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED, ("Could not map an intermediate frame"),
        (NULL));
    return GST_FLOW_ERROR;
  }
  if (automatic && !auto_step (self, cost))
    return GST_FLOW_ERROR;
  return GST_FLOW_OK;
}

/* Our processing time adds to upstream's latency; an empty caps answer is explained. */
static gboolean
gst_sr_upscale_query (GstBaseTransform *trans, GstPadDirection direction,
    GstQuery *query)
{
  GstSrUpscale *self = GST_SR_UPSCALE (trans);
  if (direction == GST_PAD_SINK && GST_QUERY_TYPE (query) == GST_QUERY_CAPS) {
    gboolean ret = GST_BASE_TRANSFORM_CLASS (gst_sr_upscale_parent_class)->query (trans,
        direction, query);
    GstCaps *result;
    gst_query_parse_caps_result (query, &result);
    if (ret && result && gst_caps_is_empty (result)) {
      GstCaps *filter;
      gst_query_parse_caps (query, &filter);
      explain_interlaced (self, filter);
      explain_empty_caps (self);
    }
    return ret;
  }
  if (direction == GST_PAD_SINK && GST_QUERY_TYPE (query) == GST_QUERY_ACCEPT_CAPS) {
    gboolean ret = GST_BASE_TRANSFORM_CLASS (gst_sr_upscale_parent_class)->query (trans,
        direction, query);
    gboolean accepted;
    GstCaps *caps;
    gst_query_parse_accept_caps_result (query, &accepted);
    gst_query_parse_accept_caps (query, &caps);
    if (!accepted)
      explain_interlaced (self, caps);
    return ret;
  }
  if (direction != GST_PAD_SRC || GST_QUERY_TYPE (query) != GST_QUERY_LATENCY)
    return GST_BASE_TRANSFORM_CLASS (gst_sr_upscale_parent_class)->query (trans,
        direction, query);
  if (!gst_pad_peer_query (GST_BASE_TRANSFORM_SINK_PAD (trans), query))
    return FALSE;
  gboolean live;
  GstClockTime min, max;
  gst_query_parse_latency (query, &live, &min, &max);
  GST_OBJECT_LOCK (self);
  GstClockTime ours = sr_latency_window_worst (&self->latency_window);
  self->latency = ours;
  GST_OBJECT_UNLOCK (self);
  min += ours;
  if (GST_CLOCK_TIME_IS_VALID (max))
    max += ours;
  gst_query_set_latency (query, live, min, max);
  GST_DEBUG_OBJECT (self, "latency: ours %" GST_TIME_FORMAT ", total min %"
      GST_TIME_FORMAT, GST_TIME_ARGS (ours), GST_TIME_ARGS (min));
  return TRUE;
}

/* Lateness downstream, for model=auto (the base class still does its own QoS). */
static gboolean
gst_sr_upscale_src_event (GstBaseTransform *trans, GstEvent *event)
{
  GstSrUpscale *self = GST_SR_UPSCALE (trans);
  if (GST_EVENT_TYPE (event) == GST_EVENT_QOS) {
    GstQOSType type;
    gdouble proportion;
    GstClockTimeDiff diff;
    GstClockTime timestamp;
    gst_event_parse_qos (event, &type, &proportion, &diff, &timestamp);
    if (diff > 0)
      g_atomic_int_set (&self->qos_late, 1);
  }
  return GST_BASE_TRANSFORM_CLASS (gst_sr_upscale_parent_class)->src_event (trans, event);
}

/* ---- properties ---- */

static void
gst_sr_upscale_set_property (GObject *object, guint prop_id, const GValue *value,
    GParamSpec *pspec)
{
  GstSrUpscale *self = GST_SR_UPSCALE (object);
  gboolean renegotiate = FALSE;
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_MODEL:
      self->model = g_value_get_enum (value);
      self->model_changed = TRUE;
      break;
    case PROP_SCALE:
      renegotiate = self->scale != g_value_get_int (value);
      self->scale = g_value_get_int (value);
      self->model_changed = TRUE;
      break;
    case PROP_MODEL_LOCATION:
      g_free (self->model_location);
      self->model_location = g_value_dup_string (value);
      self->model_changed = TRUE;
      break;
    case PROP_N_THREADS:
      self->n_threads = g_value_get_int (value);
      self->threads_changed = TRUE;
      break;
    case PROP_PRECISION:
      self->bf16 = g_value_get_enum (value) == PRECISION_BF16;
      self->model_changed = TRUE;
      break;
    case PROP_MAX_MEMORY:
      self->max_memory = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
  if (renegotiate)
    gst_base_transform_reconfigure_src (GST_BASE_TRANSFORM (self));
}

static char *
describe_model (GstSrUpscale *self)
{
  if (self->net == NULL)
    return g_strdup ("(no model loaded yet)");
  const char *psnr = sr_model_get_metadata (self->net, "set5_psnr_pytorch");
  gboolean automatic = self->model == GST_SR_UPSCALE_MODEL_AUTO
      && (self->model_location == NULL || *self->model_location == '\0');
  return g_strdup_printf ("%s x%d, %" G_GSIZE_FORMAT " parameters, %.0f multiply-adds "
      "per input pixel, Set5 Y-PSNR %s dB%s%s%s; kernels: %s",
      sr_model_get_family (self->net),
      sr_model_get_scale (self->net), sr_model_get_n_params (self->net),
      sr_model_get_macs_per_pixel (self->net), psnr ? psnr : "unknown",
      automatic ? "; chosen by model=auto (" : "",
      automatic && self->auto_reason ? self->auto_reason : "",
      automatic ? ")" : "",
      self->kernel_info ? self->kernel_info : "chosen at the first caps");
}

static void
gst_sr_upscale_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
  GstSrUpscale *self = GST_SR_UPSCALE (object);
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_MODEL:
      g_value_set_enum (value, self->model);
      break;
    case PROP_SCALE:
      g_value_set_int (value, self->scale);
      break;
    case PROP_MODEL_LOCATION:
      g_value_set_string (value, self->model_location);
      break;
    case PROP_N_THREADS:
      g_value_set_int (value, self->n_threads);
      break;
    case PROP_PRECISION:
      g_value_set_enum (value, self->bf16 ? PRECISION_BF16 : PRECISION_FP32);
      break;
    case PROP_MODEL_INFO:
      g_value_take_string (value, describe_model (self));
      break;
    case PROP_MAX_MEMORY:
      g_value_set_uint (value, self->max_memory);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_sr_upscale_finalize (GObject *object)
{
  GstSrUpscale *self = GST_SR_UPSCALE (object);
  g_free (self->model_location);
  g_free (self->kernel_info);
  g_clear_pointer (&self->frame_path, sr_frame_path_free);
  g_clear_pointer (&self->runner, sr_runner_free);
  g_clear_pointer (&self->net, sr_model_free);
  G_OBJECT_CLASS (gst_sr_upscale_parent_class)->finalize (object);
}

static void
gst_sr_upscale_class_init (GstSrUpscaleClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstVideoFilterClass *filter_class = GST_VIDEO_FILTER_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_sr_upscale_debug, "srupscale", 0,
      "super-resolution upscaler");

  gobject_class->set_property = gst_sr_upscale_set_property;
  gobject_class->get_property = gst_sr_upscale_get_property;
  gobject_class->finalize = gst_sr_upscale_finalize;

  g_object_class_install_property (gobject_class, PROP_MODEL,
      g_param_spec_enum ("model", "Model",
          "Network family of the built-in weights, or auto: the sharpest that keeps "
          "up with the frame rate (ignored when model-location is set)",
          GST_TYPE_SR_UPSCALE_MODEL, DEFAULT_MODEL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_SCALE,
      g_param_spec_int ("scale", "Scale",
          "Upscaling factor: output width and height are this many times the input's",
          2, 4, DEFAULT_SCALE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_MODEL_LOCATION,
      g_param_spec_string ("model-location", "Model location",
          "A .safetensors weights file of your own (same format as models/); its "
          "scale must equal the scale property. Overrides model",
          NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_N_THREADS,
      g_param_spec_int ("n-threads", "Threads",
          "Worker threads for the network and the scaler (0 = one per core; never "
          "more than the cores, and the srupscale elements of a process share them)",
          0, 256, DEFAULT_N_THREADS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_PRECISION,
      g_param_spec_enum ("precision", "Precision",
          "Arithmetic of the network's convolutions", TYPE_PRECISION, PRECISION_FP32,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_MODEL_INFO,
      g_param_spec_string ("model-info", "Model information",
          "The loaded model: family, scale, parameters, cost, measured quality, and "
          "the kernel chosen for each layer by measurement at the current size",
          NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_MAX_MEMORY,
      g_param_spec_uint ("max-memory", "Maximum memory",
          "Largest working set in MiB (weights, workspaces, frames) the element may "
          "allocate: larger frames or models are refused with an error (0 = no limit)",
          0, G_MAXUINT, DEFAULT_MAX_MEMORY,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));

  g_autofree char *description = g_strdup_printf ("Upscales video 2x, 3x or 4x: a "
      "small super-resolution network (%s) on the luma, bicubic chroma",
      srupscale_model_families ());
  gst_element_class_set_metadata (element_class, "Super-resolution upscaler",
      "Filter/Converter/Video/Scaler", description, "gst-srupscale developers");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  trans_class->start = GST_DEBUG_FUNCPTR (gst_sr_upscale_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_sr_upscale_stop);
  trans_class->transform_caps = GST_DEBUG_FUNCPTR (gst_sr_upscale_transform_caps);
  trans_class->fixate_caps = GST_DEBUG_FUNCPTR (gst_sr_upscale_fixate_caps);
  trans_class->query = GST_DEBUG_FUNCPTR (gst_sr_upscale_query);
  trans_class->src_event = GST_DEBUG_FUNCPTR (gst_sr_upscale_src_event);
  filter_class->set_info = GST_DEBUG_FUNCPTR (gst_sr_upscale_set_info);
  filter_class->transform_frame = GST_DEBUG_FUNCPTR (gst_sr_upscale_transform_frame);

  gst_type_mark_as_plugin_api (GST_TYPE_SR_UPSCALE_MODEL, 0);
  gst_type_mark_as_plugin_api (TYPE_PRECISION, 0);
}

static void
gst_sr_upscale_init (GstSrUpscale *self)
{
  self->model = DEFAULT_MODEL;
  self->scale = DEFAULT_SCALE;
  self->n_threads = DEFAULT_N_THREADS;
  self->max_memory = DEFAULT_MAX_MEMORY;
}
