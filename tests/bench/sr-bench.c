/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sr-bench: how fast the engine, the srupscale element, GStreamer's bicubic scaler
 * and PyTorch upscale the same frames, measured side by side in one run, against
 * the machine's fp32 peak measured in the same run. On a shared, noisy machine only
 * ratios taken in one run mean much. See README.md in this directory.
 *
 *   build/tests/bench/sr-bench [--quick] [--frames N] [--sizes 640x360,960x540]
 *       [--models DIR] [--no-pytorch] [--no-element]
 */
#include <cblas.h>
#include <gst/gst.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench-element.h"
#include "bench-layers.h"
#include "bench-pairs.h"
#include "bench-peak.h"
#include "bench-pytorch.h"
#include "bench-streams.h"
#include "bench.h"
#include "sr-blas-threads.h"
#include "sr-conv.h"
#include "sr-cpu.h"
#include "srengine.h"

G_DEFINE_QUARK (sr-bench-error-quark, bench_error);

/* A model file, loaded once with the kernels the engine picks by itself, once
 * with the portable im2col + OpenBLAS kernel forced, and once in bfloat16. */
typedef struct {
  char *name;           /* file name without .safetensors */
  char *path;
  SrModel *model;
  SrModel *gemm;        /* every layer's kernel forced to im2col + OpenBLAS */
  SrModel *bf16;        /* NULL where the engine has no AVX512-BF16 kernels */
} BenchModel;

/* One line of the summary: a model at an input size. */
typedef struct {
  const BenchModel *model;
  int width, height;
  BenchTiming engine, gemm, bf16;
  BenchTiming i420, rgb, bicubic;
  const BenchPytorchResult *torch;
} BenchRow;

typedef struct {
  BenchOptions opt;
  GPtrArray *models;    /* BenchModel */
  GArray *rows;         /* BenchRow */
  double peak_gflops;   /* best all-thread FMA rate; 0: unknown */
  double avx2_peak_gflops;   /* the same with AVX2 + FMA only; 0: unknown */
  gboolean have_element;
  GPtrArray *torch;     /* BenchPytorchResult */
} Bench;

/* ---- small printing helpers: Markdown tables ---- */

static void
print_table_header (const char *const *columns)
{
  GString *head = g_string_new ("|"), *rule = g_string_new ("|");
  for (const char *const *c = columns; *c; c++) {
    g_string_append_printf (head, " %s |", *c);
    g_string_append (rule, "---|");
  }
  printf ("\n%s\n%s\n", head->str, rule->str);
  g_string_free (head, TRUE);
  g_string_free (rule, TRUE);
}

static void
cell_text (GString *row, const char *text)
{
  g_string_append_printf (row, " %s |", text);
}

/* A number, or n/a for what was not measured (zero or less). */
static void
cell_num (GString *row, double v, int decimals)
{
  if (v > 0)
    g_string_append_printf (row, " %.*f |", decimals, v);
  else
    cell_text (row, "n/a");
}

static void
cell_int (GString *row, int v)
{
  g_string_append_printf (row, " %d |", v);
}

static void
cell_size (GString *row, int width, int height)
{
  g_string_append_printf (row, " %dx%d |", width, height);
}

static void
print_row (GString *row)
{
  printf ("%s\n", row->str);
  g_string_free (row, TRUE);
}

static double
ratio (double a, double b)
{
  return a > 0 && b > 0 ? a / b : 0;
}

/* ---- the machine ---- */

/* The first "@key : value" line of /proc/cpuinfo's @lines, or "?". */
static const char *
cpuinfo_value (char **lines, const char *key)
{
  for (char **l = lines; *l; l++) {
    char *colon = strchr (*l, ':');
    if (colon == NULL || !g_str_has_prefix (*l, key))
      continue;
    /* only blanks between the key and the colon: "model" is not "model name" */
    const char *p = *l + strlen (key);
    while (p < colon && g_ascii_isspace (*p))
      p++;
    if (p == colon)
      return g_strstrip (colon + 1);
  }
  return "?";
}

/* Family and model too: under a hypervisor the name is often just "AMD EPYC". */
static char *
cpu_description (void)
{
  char *text = NULL;
  if (!g_file_get_contents ("/proc/cpuinfo", &text, NULL, NULL))
    return g_strdup ("unknown");
  char **lines = g_strsplit (text, "\n", -1);
  char *desc = g_strdup_printf ("%s (family %s, model %s)",
      cpuinfo_value (lines, "model name"), cpuinfo_value (lines, "cpu family"),
      cpuinfo_value (lines, "model"));
  g_strfreev (lines);
  g_free (text);
  return desc;
}

static char *
load_average (void)
{
  char *text = NULL;
  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return g_strdup ("unknown");
  return g_strstrip (text);
}

static const char *
default_kernel_name (void)
{
  const char *forced = g_getenv ("SR_CONV_KERNEL");
  if (forced && *forced)
    return forced;
  return "chosen";
}

/* A row with every layer forced to im2col + OpenBLAS GEMM (the portable kernel),
 * unless the whole run is forced to one kernel already. */
static gboolean
gemm_row (void)
{
  return g_str_equal (default_kernel_name (), "chosen");
}

/* The engine's SIMD level (sr-cpu.h; SR_CPU_LEVEL can lower it). */
static const char *
engine_cpu_level (void)
{
  return sr_cpu_level_name ();
}

static void
print_machine (const Bench *b)
{
  GDateTime *now = g_date_time_new_now_local ();
  char *date = g_date_time_format (now, "%Y-%m-%d %H:%M:%S %z");
  char *cpu = cpu_description (), *load = load_average ();
  const char *coretype = g_getenv ("OPENBLAS_CORETYPE");
  char *coretype_text = coretype ? g_strdup_printf ("\"%s\"", coretype) : NULL;
  printf ("# sr-bench %s\n\n", date);
  printf ("- CPU: %s, %d logical cores; engine, element and PyTorch use %d threads\n",
      cpu, (int) g_get_num_processors (), b->opt.n_threads);
  printf ("- load average at start (1, 5, 15 min, running/total): %s\n", load);
  printf ("- OpenBLAS: core %s, config \"%s\", OPENBLAS_CORETYPE %s\n",
      openblas_get_corename (), openblas_get_config (),
      coretype_text ? coretype_text : "not set");
  printf ("- engine CPU level: %s%s\n", engine_cpu_level (),
      g_getenv ("SR_CPU_LEVEL") ? " (SR_CPU_LEVEL set)" : "");
  printf ("- engine kernels: %s\n", g_getenv ("SR_CONV_KERNEL")
      ? "forced by SR_CONV_KERNEL" : "chosen per layer by measurement (the per-layer table "
      "names them)");
  printf ("- OpenBLAS threads: %d (openblas_get_num_threads), per-thread setting %s\n",
      openblas_get_num_threads (), sr_blas_threads_have_local () ? "present" : "absent");
  printf ("- timing: %s\n", b->opt.frames > 0 ? "a fixed number of frames"
      : "frames for at least the given seconds");
  if (b->opt.frames > 0)
    printf ("- frames: %d after warm-up\n", b->opt.frames);
  else
    printf ("- seconds per measurement: %.1f, after warm-up\n", b->opt.seconds);
  g_free (coretype_text);
  g_free (cpu);
  g_free (load);
  g_free (date);
  g_date_time_unref (now);
}

/* ---- 1. peak ---- */

static void
measure_peak (Bench *b)
{
  printf ("\n## fp32 peak: independent FMA chains, registers only\n");
  GArray *peaks = bench_peak_measure (b->opt.n_threads, b->opt.quick ? 0.01 : 0.2);
  print_table_header ((const char *[]) { "kernel", "accumulators", "threads",
      "GFLOP/s", "CPU share", NULL });
  for (guint i = 0; i < peaks->len; i++) {
    const BenchPeak *p = &g_array_index (peaks, BenchPeak, i);
    GString *row = g_string_new ("|");
    g_string_append_printf (row, " %s (%d lanes) |", p->isa, p->lanes);
    cell_int (row, p->n_acc);
    cell_int (row, p->n_threads);
    cell_num (row, p->gflops, 1);
    cell_num (row, p->cpu_share, 2);
    print_row (row);
  }
  const BenchPeak *best = bench_peak_best (peaks, b->opt.n_threads);
  const BenchPeak *one = bench_peak_best (peaks, 1);
  for (guint i = 0; i < peaks->len; i++) {
    const BenchPeak *p = &g_array_index (peaks, BenchPeak, i);
    if (g_str_equal (p->isa, "avx2") && p->n_threads == b->opt.n_threads)
      b->avx2_peak_gflops = MAX (b->avx2_peak_gflops, p->gflops);
  }
  if (best && sr_cpu_level () == SR_CPU_AVX2 && b->avx2_peak_gflops > 0
      && !g_str_equal (best->isa, "avx2")) {
    /* SR_CPU_LEVEL=avx2 on an AVX-512 CPU: the engine's kernels can reach only this */
    b->peak_gflops = b->avx2_peak_gflops;
    printf ("\npeak used for \"%% of peak\": %.1f GFLOP/s (avx2, %d threads: the engine "
        "runs at level avx2 here)\n", b->peak_gflops, b->opt.n_threads);
  } else if (best) {
    b->peak_gflops = best->gflops;
    printf ("\npeak used for \"%% of peak\": %.1f GFLOP/s (%s, %d accumulators, "
        "%d threads); 1 thread: %.1f GFLOP/s (%s, %d accumulators)\n", best->gflops,
        best->isa, best->n_acc, best->n_threads, one->gflops, one->isa, one->n_acc);
  } else {
    printf ("\npeak: not measured (no AVX2+FMA or AVX-512F); %% of peak is n/a\n");
  }
  g_array_free (peaks, TRUE);
}

/* ---- 2. the engine alone ---- */

/* SR_CONV_KERNEL set to @kernel for a while: a model reads it when it is loaded
 * (it packs each layer's weights for the forced kernel) and a runner when it is
 * made (it then keeps the model's kernels instead of timing candidates). */
static char *
force_kernel_begin (const char *kernel)
{
  char *saved = g_strdup (g_getenv ("SR_CONV_KERNEL"));
  g_setenv ("SR_CONV_KERNEL", kernel, TRUE);
  return saved;
}

static void
force_kernel_end (char *saved)
{
  if (saved)
    g_setenv ("SR_CONV_KERNEL", saved, TRUE);
  else
    g_unsetenv ("SR_CONV_KERNEL");
  g_free (saved);
}

static SrModel *
model_with_kernel (const char *path, const char *kernel, GError **error)
{
  char *saved = force_kernel_begin (kernel);
  SrModel *model = sr_model_new_from_file (path, error);
  force_kernel_end (saved);
  return model;
}

/* A runner of @model (loaded by model_with_kernel) that runs @kernel in every
 * layer, checked: a row labelled "gemm" must not time the chosen kernels. NULL
 * @kernel: chosen by measurement as usual. */
static SrRunner *
runner_with_kernel (const SrModel *model, int width, int height, int n_threads,
    const char *kernel, GError **error)
{
  if (kernel == NULL)
    return sr_runner_new (model, width, height, n_threads, error);
  char *saved = force_kernel_begin (kernel);
  SrRunner *runner = sr_runner_new (model, width, height, n_threads, error);
  force_kernel_end (saved);
  for (int i = 0; runner && i < sr_model_get_n_steps (model); i++) {
    const char *ran = sr_runner_get_step_kernel (runner, i);
    if (ran && !g_str_equal (ran, kernel)) {
      g_set_error (error, bench_error_quark (), 0, "step %d runs %s, not the forced %s",
          i, ran, kernel);
      g_clear_pointer (&runner, sr_runner_free);
    }
  }
  return runner;
}

static void
bench_model_free (gpointer data)
{
  BenchModel *m = data;
  g_free (m->name);
  g_free (m->path);
  sr_model_free (m->model);
  sr_model_free (m->gemm);
  sr_model_free (m->bf16);
  g_free (m);
}

static BenchModel *
bench_model_load (const char *path, GError **error)
{
  SrModel *model = sr_model_new_from_file (path, error);
  if (model == NULL)
    return NULL;
  BenchModel *m = g_new0 (BenchModel, 1);
  m->model = model;
  m->path = g_strdup (path);
  char *base = g_path_get_basename (path);
  m->name = g_strndup (base, strlen (base) - strlen (".safetensors"));
  g_free (base);
  if (gemm_row () && (m->gemm = model_with_kernel (path, "gemm", error)) == NULL) {
    bench_model_free (m);
    return NULL;
  }
  /* the engine's own test: not where SR_CPU_LEVEL lowered it below avx512 */
  if (sr_conv_bf16_available ()) {
    if ((m->bf16 = sr_model_new_from_file (path, error)) == NULL) {
      bench_model_free (m);
      return NULL;
    }
    sr_model_set_bf16 (m->bf16, TRUE);
  }
  return m;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Every *.safetensors of the directory, in name order. */
static gboolean
load_models (Bench *b, GError **error)
{
  GDir *dir = g_dir_open (b->opt.models_dir, 0, error);
  if (dir == NULL)
    return FALSE;
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (dir)))
    if (g_str_has_suffix (name, ".safetensors"))
      g_ptr_array_add (paths, g_build_filename (b->opt.models_dir, name, NULL));
  g_dir_close (dir);
  g_ptr_array_sort (paths, compare_strings);
  b->models = g_ptr_array_new_with_free_func (bench_model_free);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < paths->len; i++) {
    BenchModel *m = bench_model_load (g_ptr_array_index (paths, i), error);
    if (m)
      g_ptr_array_add (b->models, m);
    ok = m != NULL;
  }
  g_ptr_array_free (paths, TRUE);
  if (!ok)
    return FALSE;
  if (b->models->len == 0) {
    g_set_error (error, BENCH_ERROR, 0, "no .safetensors model in %s", b->opt.models_dir);
    return FALSE;
  }
  return TRUE;
}

/* Allocates and warms up once, then times frames. The warm-up frame writes every
 * page of the output and of the runner's workspaces: first writes to fresh pages
 * are slow here, and a stream pays them once, not per frame. */
static gboolean
time_engine_with (const SrModel *model, const char *kernel, int width, int height,
    const BenchOptions *opt, BenchTiming *timing, GError **error)
{
  int s = sr_model_get_scale (model);
  SrRunner *runner = runner_with_kernel (model, width, height, opt->n_threads, kernel,
      error);
  if (runner == NULL)
    return FALSE;
  guint8 *src = g_malloc ((gsize) width * height);
  guint8 *dst = g_malloc ((gsize) width * s * height * s);
  bench_fill_test_frame (src, width, height);
  sr_runner_process_u8 (runner, src, width, dst, (gsize) width * s);

  *timing = (BenchTiming) { 0 };
  GArray *frame_seconds = g_array_new (FALSE, FALSE, sizeof (double));
  double cpu = bench_cpu_seconds ();
  gint64 start = g_get_monotonic_time (), elapsed, before = start;
  do {
    sr_runner_process_u8 (runner, src, width, dst, (gsize) width * s);
    gint64 after = g_get_monotonic_time ();
    double frame = (after - before) / 1e6;
    g_array_append_val (frame_seconds, frame);
    before = after;
    elapsed = after - start;
    timing->frames++;
    timing->seconds = elapsed / 1e6;
  } while (!bench_timing_done (timing, opt, elapsed));
  timing->cpu_seconds = bench_cpu_seconds () - cpu;
  bench_timing_set_frame_stats (timing, frame_seconds);
  g_array_free (frame_seconds, TRUE);
  g_free (src);
  g_free (dst);
  sr_runner_free (runner);
  return TRUE;
}

static gboolean
time_engine (const SrModel *model, int width, int height, const BenchOptions *opt,
    BenchTiming *timing, GError **error)
{
  return time_engine_with (model, NULL, width, height, opt, timing, error);
}

/* Useful work only: the halo each tile recomputes is not counted. */
static double
engine_gflops (const BenchModel *m, int width, int height, const BenchTiming *t)
{
  return 2.0 * sr_model_get_macs_per_pixel (m->model) * width * height
      * bench_timing_fps (t) / 1e9;
}

static void
print_engine_row (const Bench *b, const BenchRow *r, const char *kernel,
    const BenchTiming *t)
{
  GString *row = g_string_new ("|");
  cell_text (row, r->model->name);
  cell_int (row, sr_model_get_scale (r->model->model));
  cell_size (row, r->width, r->height);
  cell_text (row, kernel);
  cell_int (row, t->frames);
  cell_num (row, t->frames ? 1e3 * t->seconds / t->frames : 0, 2);
  cell_num (row, 1e3 * t->median_frame_seconds, 2);
  cell_num (row, 1e3 * t->fastest_frame_seconds, 2);
  cell_num (row, bench_timing_fps (t), 1);
  double gflops = engine_gflops (r->model, r->width, r->height, t);
  cell_num (row, gflops, 1);
  cell_num (row, 100 * ratio (gflops, b->peak_gflops), 1);
  cell_num (row, bench_timing_cpu_share (t, b->opt.n_threads), 2);
  print_row (row);
}

static void
measure_engine (Bench *b)
{
  printf ("\n## Engine alone: sr_runner_process_u8, %d threads, 8-bit luma in and out\n",
      b->opt.n_threads);
  print_table_header ((const char *[]) { "model", "scale", "input", "kernel", "frames",
      "ms/frame", "median ms", "fastest ms", "fps", "GFLOP/s", "% of peak",
      "CPU share", NULL });
  for (guint i = 0; i < b->rows->len; i++) {
    BenchRow *r = &g_array_index (b->rows, BenchRow, i);
    GError *error = NULL;
    if (!time_engine (r->model->model, r->width, r->height, &b->opt, &r->engine, &error)
        || (gemm_row () && !time_engine_with (r->model->gemm, "gemm", r->width,
                r->height, &b->opt, &r->gemm, &error))
        || (r->model->bf16 && !time_engine (r->model->bf16, r->width, r->height,
                &b->opt, &r->bf16, &error))) {
      printf ("| %s | %dx%d: %s |\n", r->model->name, r->width, r->height,
          error->message);
      g_clear_error (&error);
      continue;
    }
    print_engine_row (b, r, default_kernel_name (), &r->engine);
    if (gemm_row ())
      print_engine_row (b, r, "gemm", &r->gemm);
    if (r->model->bf16)
      print_engine_row (b, r, "bf16", &r->bf16);
    fflush (stdout);
  }
  printf ("\nGFLOP/s = 2 x the model's multiply-adds per input pixel x input pixels "
      "x fps: the useful work (halos recomputed around tiles are not counted). The "
      "bf16 rows (precision=bf16) are measured against the float32 peak too. fps is "
      "frames over the whole measurement; the median and fastest frames show how "
      "much other load on the machine moved it.\n");
}

/* Where the time goes, step by step: each model at the first input size. */
static void
measure_layers (Bench *b)
{
  printf ("\n## Per layer: each step of the network, %d threads\n", b->opt.n_threads);
  print_table_header ((const char *[]) { "model", "input", "step", "what",
      "MMAC/frame", "thread-ms/frame", "% of time", "GFLOP/s per thread",
      "% of 1-thread peak", NULL });
  double peak1 = b->peak_gflops / b->opt.n_threads;
  for (guint i = 0; i < b->rows->len; i++) {
    BenchRow *r = &g_array_index (b->rows, BenchRow, i);
    if (i > 0 && g_array_index (b->rows, BenchRow, i - 1).model == r->model)
      continue;
    GError *error = NULL;
    if (!bench_layers (r->model->model, r->model->name, r->width, r->height, &b->opt,
            peak1, &error)) {
      printf ("| %s | %s |\n", r->model->name, error->message);
      g_clear_error (&error);
    }
    fflush (stdout);
  }
  printf ("\nMMAC/frame: the step's multiply-adds over the frame, without the halo "
      "a tile recomputes (for FSRCNN's last step, the zero taps of its transposed "
      "convolution rewritten as a sub-pixel one are in); element-wise steps have "
      "none. thread-ms: summed over the threads, so %% of time adds up to 100.\n");
}

/* ---- 3. the element, and GStreamer's bicubic ---- */

static void
print_element_row (const Bench *b, const BenchRow *r, const char *what,
    const char *format, const BenchTiming *t, double engine_fps)
{
  GString *row = g_string_new ("|");
  cell_text (row, what);
  cell_int (row, sr_model_get_scale (r->model->model));
  cell_size (row, r->width, r->height);
  cell_text (row, format);
  cell_int (row, t->frames);
  cell_num (row, t->frames ? 1e3 * t->seconds / t->frames : 0, 2);
  cell_num (row, bench_timing_fps (t), 1);
  cell_num (row, ratio (bench_timing_fps (t), engine_fps), 2);
  cell_num (row, bench_timing_cpu_share (t, b->opt.n_threads), 2);
  print_row (row);
}

/* A failed pipeline is printed and leaves its timing unmeasured (n/a). */
static void
note_failure (gboolean ok, GError **error, BenchTiming *timing, const char *what)
{
  if (ok)
    return;
  printf ("| %s failed: %s |\n", what, (*error)->message);
  g_clear_error (error);
  *timing = (BenchTiming) { 0 };
}

static void
measure_element_row (const Bench *b, BenchRow *r)
{
  int s = sr_model_get_scale (r->model->model);
  double engine_fps = bench_timing_fps (&r->engine);
  char *what = g_strdup_printf ("srupscale %s", r->model->name);
  GError *error = NULL;
  gboolean ok = bench_element_srupscale (r->model->path, s, "I420", r->width, r->height,
      &b->opt, &r->i420, &error);
  note_failure (ok, &error, &r->i420, what);
  print_element_row (b, r, what, "I420", &r->i420, engine_fps);
  ok = bench_element_srupscale (r->model->path, s, "RGB", r->width, r->height, &b->opt,
      &r->rgb, &error);
  note_failure (ok, &error, &r->rgb, what);
  print_element_row (b, r, what, "RGB", &r->rgb, engine_fps);
  ok = bench_element_bicubic (s, r->width, r->height, &b->opt, &r->bicubic, &error);
  note_failure (ok, &error, &r->bicubic, "videoscale");
  print_element_row (b, r, "videoscale method=catrom", "I420", &r->bicubic, engine_fps);
  g_free (what);
}

static void
measure_element (Bench *b)
{
  printf ("\n## Element end to end: videotestsrc ! caps ! srupscale ! fakesink "
      "(in-process)\n");
  print_table_header ((const char *[]) { "pipeline", "scale", "input", "format",
      "frames", "ms/frame", "fps", "vs engine", "CPU share", NULL });
  for (guint i = 0; i < b->rows->len; i++)
    measure_element_row (b, &g_array_index (b->rows, BenchRow, i));
  printf ("\nfps: frames timed from the 3rd buffer's arrival at the sink to the last "
      "one's (start-up and 2 warm-up frames left out); videotestsrc's own cost is in. "
      "\"vs engine\": fps / the engine's fps (default kernel). videoscale runs with "
      "n-threads=%d (its default is 1).\n", b->opt.n_threads);
}

/* ---- 5. PyTorch ---- */

static double
torch_gflops (const Bench *b, const BenchPytorchResult *t)
{
  for (guint i = 0; i < b->models->len; i++) {
    const BenchModel *m = g_ptr_array_index (b->models, i);
    if (strcmp (m->name, t->model) == 0)
      return 2.0 * sr_model_get_macs_per_pixel (m->model) * t->width * t->height
          * bench_timing_fps (&t->timing) / 1e9;
  }
  return 0;
}

static void
print_torch_results (const Bench *b)
{
  print_table_header ((const char *[]) { "model", "input", "mode", "frames", "ms/frame",
      "fps", "GFLOP/s", "% of peak", "CPU share", NULL });
  for (guint i = 0; i < b->torch->len; i++) {
    const BenchPytorchResult *t = g_ptr_array_index (b->torch, i);
    GString *row = g_string_new ("|");
    cell_text (row, t->model);
    cell_size (row, t->width, t->height);
    cell_text (row, t->mode);
    cell_int (row, t->timing.frames);
    cell_num (row, 1e3 * t->timing.seconds / t->timing.frames, 2);
    cell_num (row, bench_timing_fps (&t->timing), 1);
    double gflops = torch_gflops (b, t);
    cell_num (row, gflops, 1);
    cell_num (row, 100 * ratio (gflops, b->peak_gflops), 1);
    cell_num (row, bench_timing_cpu_share (&t->timing, b->opt.n_threads), 2);
    print_row (row);
  }
}

/* The models' files, NULL-terminated, as bench_pytorch_run takes them (the strings
 * belong to b->models). */
static GPtrArray *
model_paths (const Bench *b)
{
  GPtrArray *paths = g_ptr_array_new ();
  for (guint i = 0; i < b->models->len; i++)
    g_ptr_array_add (paths, ((BenchModel *) g_ptr_array_index (b->models, i))->path);
  g_ptr_array_add (paths, NULL);
  return paths;
}

static void
measure_pytorch (Bench *b)
{
  printf ("\n## PyTorch: the same networks and weights (bench_pytorch.py)\n\n");
  fflush (stdout);
  GPtrArray *paths = model_paths (b);
  char *setup = NULL, *message = NULL;
  BenchPytorchStatus status = bench_pytorch_run (SR_BENCH_PYTORCH_SCRIPT,
      (char **) paths->pdata, &b->opt, NULL, b->torch, &setup, &message);
  g_ptr_array_free (paths, TRUE);
  if (status == BENCH_PYTORCH_NOT_INSTALLED)
    printf ("PyTorch: not installed (%s)\n", message);
  else if (status == BENCH_PYTORCH_FAILED)
    printf ("PyTorch: failed (%s)\n", message);
  else {
    printf ("%s; only the network is timed, on a float tensor (no 8-bit conversion)\n",
        setup ? setup : "torch");
    if (message)
      printf ("errors: %s\n", message);
    print_torch_results (b);
  }
  for (guint i = 0; i < b->rows->len; i++) {
    BenchRow *r = &g_array_index (b->rows, BenchRow, i);
    r->torch = bench_pytorch_best (b->torch, r->model->name, r->width, r->height);
  }
  g_free (setup);
  g_free (message);
}

/* ---- 4. memory ---- */

typedef struct {
  long maxrss_kb;       /* getrusage's ru_maxrss */
  long hwm_kb;          /* VmHWM of /proc/self/status */
} BenchRss;

/* Both peaks: ru_maxrss is what the project's target is stated in, but a spawned
 * process's ru_maxrss starts at its parent's resident size at the fork (the child's
 * copy of the address space counts, and exec keeps the larger of the old and the
 * new one's peak); VmHWM belongs to the new address space: the child's own. */
static long
proc_status_kb (const char *field)
{
  char *status = NULL;
  long kb = 0;
  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL)) {
    const char *line = strstr (status, field);
    kb = line ? atol (line + strlen (field)) : 0;
    g_free (status);
  }
  return kb;
}

static long
resident_kb (void)
{
  return proc_status_kb ("VmRSS:");
}

static BenchRss
peak_rss (void)
{
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  return (BenchRss) { usage.ru_maxrss, proc_status_kb ("VmHWM:") };
}

/* The first x2 model: the project's memory target is stated for ESPCN x2. */
static const BenchModel *
x2_model (const Bench *b)
{
  for (guint i = 0; i < b->models->len; i++) {
    const BenchModel *m = g_ptr_array_index (b->models, i);
    if (sr_model_get_scale (m->model) == 2)
      return m;
  }
  return g_ptr_array_index (b->models, 0);
}

/* A fresh process that runs only @what: this one's peak holds everything above. */
static BenchRss
child_rss (const char *what, const char *model_path, const BenchOptions *opt)
{
  char *self = g_file_read_link ("/proc/self/exe", NULL);
  char *arg = g_strdup_printf ("--rss-child=%s", what);
  char *frames = g_strdup_printf ("--frames=%d", opt->frames > 0 ? opt->frames : 3);
  char *argv[] = { self, arg, (char *) "--rss-model", (char *) model_path, frames, NULL };
  char *out = NULL;
  int status;
  BenchRss rss = { 0, 0 };
  if (self && g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
          &status, NULL) && g_spawn_check_wait_status (status, NULL) && out
      && sscanf (out, "maxrss_kb=%ld hwm_kb=%ld", &rss.maxrss_kb, &rss.hwm_kb) != 2)
    rss = (BenchRss) { 0, 0 };
  g_free (out);
  g_free (frames);
  g_free (arg);
  g_free (self);
  return rss;
}

static void
print_rss (const char *what, BenchRss rss)
{
  GString *row = g_string_new ("|");
  cell_text (row, what);
  cell_num (row, rss.maxrss_kb / 1024.0, 1);
  cell_num (row, rss.hwm_kb / 1024.0, 1);
  print_row (row);
}

static void
measure_memory (Bench *b)
{
  const BenchModel *m = x2_model (b);
  BenchTiming t;
  GError *error = NULL;
  BenchOptions once = b->opt;
  once.frames = b->opt.frames > 0 ? b->opt.frames : 3;
  if (!time_engine (m->model, 1920, 1080, &once, &t, &error)) {
    printf ("\n%s at 1920x1080: %s\n", m->name, error->message);
    g_clear_error (&error);
  }
  printf ("\n## Peak RSS, %s at 1920x1080 input; target < 256 MB\n", m->name);
  print_table_header ((const char *[]) { "process", "ru_maxrss MB", "VmHWM MB", NULL });
  print_rss ("this one: everything above, then the engine at 1920x1080", peak_rss ());
  print_rss ("fresh: start-up only (libraries, GStreamer)",
      child_rss ("none", m->path, &b->opt));
  print_rss ("fresh: the engine at 1920x1080", child_rss ("engine", m->path, &b->opt));
  if (b->have_element)
    print_rss ("fresh: srupscale I420 1920x1080 -> 3840x2160",
        child_rss ("element", m->path, &b->opt));
  printf ("\nA fresh process's ru_maxrss starts at this one's resident size when it "
      "is spawned (%.1f MB now); its VmHWM is its own.\n", resident_kb () / 1024.0);
}

/* Runs in the child of child_rss_kb(). */
static int
rss_child (const char *what, const char *model_path, const BenchOptions *opt)
{
  GError *error = NULL;
  gboolean ok = TRUE;
  BenchTiming t;
  int w, h;
  if (sscanf (what, "engine-fps:%dx%d", &w, &h) == 2) {
    /* the engine's frame rate under this process's environment (OPENBLAS_CORETYPE) */
    SrModel *model = sr_model_new_from_file (model_path, &error);
    ok = model && time_engine (model, w, h, opt, &t, &error);
    sr_model_free (model);
    if (ok) {
      printf ("fps=%f share=%f core=%s level=%s median_fps=%f\n", bench_timing_fps (&t),
          bench_timing_cpu_share (&t, opt->n_threads), openblas_get_corename (),
          sr_cpu_level_name (), t.median_frame_seconds > 0 ? 1 / t.median_frame_seconds : 0);
      return 0;
    }
  } else if (g_str_equal (what, "engine")) {
    SrModel *model = sr_model_new_from_file (model_path, &error);
    ok = model && time_engine (model, 1920, 1080, opt, &t, &error);
    sr_model_free (model);
  } else if (g_str_equal (what, "element")) {
    char *used = NULL;
    ok = bench_element_load_plugin (opt->plugin, &used, &error)
        && bench_element_srupscale (model_path, 2, "I420", 1920, 1080, opt, &t, &error);
    g_free (used);
  }
  if (!ok) {
    g_printerr ("%s\n", error->message);
    g_error_free (error);
    return 1;
  }
  BenchRss rss = peak_rss ();
  printf ("maxrss_kb=%ld hwm_kb=%ld\n", rss.maxrss_kb, rss.hwm_kb);
  return 0;
}

/* ---- OpenBLAS's SSE3 kernels forced ---- */

/* The engine's fps at @r's size in a child process with the environment variables
 * @vars (name, value, ..., NULL) set: OPENBLAS_CORETYPE=Prescott (OpenBLAS's SSE3
 * kernels, which OpenBLAS 0.3.21 picks by itself on CPUs it does not know, Sapphire
 * Rapids say) or SR_CPU_LEVEL=avx2; 0 on failure. @median_fps (may be NULL): one over
 * the median frame's time, which a burst of other load moves much less. */
static double
child_engine_fps (const Bench *b, const BenchRow *r, const char *const *vars,
    double *share, char **core, char **level, double *median_fps)
{
  char *self = g_file_read_link ("/proc/self/exe", NULL);
  char *arg = g_strdup_printf ("--rss-child=engine-fps:%dx%d", r->width, r->height);
  char *seconds = g_strdup_printf ("--seconds=%g", b->opt.seconds);
  char *frames = g_strdup_printf ("--frames=%d", b->opt.frames);
  char *threads = g_strdup_printf ("--threads=%d", b->opt.n_threads);
  char *argv[] = { self, arg, (char *) "--rss-model", r->model->path, seconds, frames,
    threads, NULL };
  char **env = bench_environ_with (vars);
  char *out = NULL, corename[64] = "", levelname[16] = "";
  int status;
  double fps = 0, median = 0;
  *share = 0;
  if (self && g_spawn_sync (NULL, argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
          &status, NULL) && g_spawn_check_wait_status (status, NULL) && out
      && sscanf (out, "fps=%lf share=%lf core=%63s level=%15s median_fps=%lf", &fps, share,
          corename, levelname, &median) != 5)
    fps = median = 0;
  if (median_fps)
    *median_fps = median;
  *core = g_strdup (corename);
  if (level)
    *level = g_strdup (levelname);
  g_free (out);
  g_strfreev (env);
  g_free (threads);
  g_free (frames);
  g_free (seconds);
  g_free (arg);
  g_free (self);
  return fps;
}

/* Side by side, row by row: this process (OpenBLAS as it detected the CPU, or as
 * OPENBLAS_CORETYPE says) then a child with OPENBLAS_CORETYPE=Prescott. */
static void
measure_prescott (Bench *b)
{
  printf ("\n## Engine with OpenBLAS's Prescott (SSE3) kernels forced: "
      "OPENBLAS_CORETYPE=Prescott in a child process, against this process (core %s)\n",
      openblas_get_corename ());
  print_table_header ((const char *[]) { "model", "input", "fps (this process)",
      "CPU share", "fps (Prescott child)", "CPU share", "child's core",
      "Prescott / this", NULL });
  for (guint i = 0; i < b->rows->len; i++) {
    const BenchRow *r = &g_array_index (b->rows, BenchRow, i);
    BenchTiming t;
    GError *error = NULL;
    if (!time_engine (r->model->model, r->width, r->height, &b->opt, &t, &error)) {
      printf ("| %s | %dx%d: %s |\n", r->model->name, r->width, r->height,
          error->message);
      g_clear_error (&error);
      continue;
    }
    double share, fps = bench_timing_fps (&t);
    char *core = NULL;
    double child = child_engine_fps (b, r,
        (const char *[]) { "OPENBLAS_CORETYPE", "Prescott", NULL }, &share, &core, NULL,
        NULL);
    GString *row = g_string_new ("|");
    cell_text (row, r->model->name);
    cell_size (row, r->width, r->height);
    cell_num (row, fps, 1);
    cell_num (row, bench_timing_cpu_share (&t, b->opt.n_threads), 2);
    cell_num (row, child, 1);
    cell_num (row, share, 2);
    cell_text (row, core);
    cell_num (row, ratio (child, fps), 2);
    print_row (row);
    g_free (core);
  }
  printf ("\nTarget: Prescott / this >= 0.95 on AVX-512 and AVX2 machines (the hot "
      "path's speed must not depend on OpenBLAS's CPU detection).\n");
}

/* ---- the AVX2 + FMA tier on an AVX-512 machine ---- */

/* The engine with SR_CPU_LEVEL=avx2 in a child process (its own OpenBLAS detection,
 * then OPENBLAS_CORETYPE=Prescott too) against PyTorch limited to AVX2 by oneDNN's
 * own switch, in the same run: what a CPU without AVX-512 (Intel since 2021's
 * desktops, AMD Zen 2/3) gets, measured here. Only where this CPU is at level avx512:
 * elsewhere the tables above are that tier already. */
static void
measure_avx2_tier (Bench *b)
{
  printf ("\n## AVX2 + FMA tier: the engine with SR_CPU_LEVEL=avx2 in a child process, "
      "PyTorch with ONEDNN_MAX_CPU_ISA=AVX2\n\n");
  if (sr_cpu_level () != SR_CPU_AVX512) {
    printf ("This CPU's level is %s: the tables above are this tier.\n",
        sr_cpu_level_name ());
    return;
  }
  GPtrArray *torch = g_ptr_array_new ();
  if (!b->opt.no_pytorch) {
    GPtrArray *paths = model_paths (b);
    char *setup = NULL, *message = NULL;
    const char *const avx2_env[] = { "ONEDNN_MAX_CPU_ISA", "AVX2", "DNNL_MAX_CPU_ISA",
      "AVX2", NULL };
    if (bench_pytorch_run (SR_BENCH_PYTORCH_SCRIPT, (char **) paths->pdata, &b->opt,
            avx2_env, torch, &setup, &message) != BENCH_PYTORCH_OK)
      printf ("PyTorch (AVX2): %s\n", message ? message : "did not run");
    g_ptr_array_free (paths, TRUE);
    g_free (setup);
    g_free (message);
  }
  printf ("AVX2 peak (2 x 8 lanes x FMA, measured above): %.1f GFLOP/s\n",
      b->avx2_peak_gflops);
  print_table_header ((const char *[]) { "model", "input", "engine fps (avx2)",
      "GFLOP/s", "% of AVX2 peak", "% of AVX2 peak, median frame", "CPU share",
      "fps (avx2 + Prescott)",
      "Prescott / avx2", "PyTorch AVX2 best fps", "ours / PyTorch AVX2", NULL });
  for (guint i = 0; i < b->rows->len; i++) {
    const BenchRow *r = &g_array_index (b->rows, BenchRow, i);
    double share, share_p, median_fps;
    char *core = NULL, *level = NULL, *core_p = NULL;
    double fps = child_engine_fps (b, r, (const char *[]) { "SR_CPU_LEVEL", "avx2",
        NULL }, &share, &core, &level, &median_fps);
    double fps_p = child_engine_fps (b, r, (const char *[]) { "SR_CPU_LEVEL", "avx2",
        "OPENBLAS_CORETYPE", "Prescott", NULL }, &share_p, &core_p, NULL, NULL);
    const BenchPytorchResult *t = bench_pytorch_best (torch, r->model->name, r->width,
        r->height);
    double torch_fps = t ? bench_timing_fps (&t->timing) : 0;
    double gflop_per_frame = 2.0 * sr_model_get_macs_per_pixel (r->model->model)
        * r->width * r->height / 1e9, gflops = gflop_per_frame * fps;
    GString *row = g_string_new ("|");
    cell_text (row, r->model->name);
    cell_size (row, r->width, r->height);
    if (g_strcmp0 (level, "avx2") != 0)
      cell_text (row, "(child not at level avx2)");
    else
      cell_num (row, fps, 1);
    cell_num (row, gflops, 1);
    cell_num (row, 100 * ratio (gflops, b->avx2_peak_gflops), 1);
    cell_num (row, 100 * ratio (gflop_per_frame * median_fps, b->avx2_peak_gflops), 1);
    cell_num (row, share, 2);
    cell_num (row, fps_p, 1);
    cell_num (row, ratio (fps_p, fps), 2);
    cell_num (row, torch_fps, 1);
    cell_num (row, ratio (fps, torch_fps), 2);
    print_row (row);
    g_free (core);
    g_free (core_p);
    g_free (level);
  }
  printf ("\nTargets: ours / PyTorch AVX2 >= 1.5, >= 60%% of the AVX2 peak, "
      "Prescott / avx2 >= 0.95.\n");
  g_ptr_array_free (torch, TRUE);
}

/* ---- several streams in one process ---- */

static void
print_streams_row (const char *what, int n, int w, int h, const BenchStreams *s,
    double one_mpix)
{
  double fps = bench_timing_fps (&s->timing), mpix = fps * w * h / 1e6;
  GString *row = g_string_new ("|");
  cell_text (row, what);
  cell_int (row, n);
  cell_size (row, w, h);
  cell_int (row, s->timing.frames);
  cell_num (row, fps, 1);
  cell_num (row, mpix, 2);
  cell_num (row, ratio (mpix, one_mpix), 2);
  cell_int (row, s->n_threads);
  cell_int (row, s->busy_threads);
  if (s->peak_computing >= 0)
    cell_int (row, s->peak_computing);
  else
    cell_text (row, "n/a");
  cell_num (row, s->busy_cores, 2);
  /* CPU time for the work: holds under other load, where fps does not, and counts
   * threads that spin while waiting */
  cell_num (row, mpix > 0 ? 1e3 * s->timing.cpu_seconds / (mpix * s->timing.seconds) : 0, 1);
  print_row (row);
}

/* Rounds of the one stream and the four in turns (the order swapped each round), so
 * that a spell of other load on the host lands on both; the ratio is each round's. */
#define STREAM_ROUNDS 3

/* 4 x 320x240 against 1 x 640x480: the same pixels a second, as 4 streams. */
static void
measure_streams (Bench *b)
{
  const BenchModel *m = x2_model (b);
  int w = b->opt.quick ? 32 : 320, h = b->opt.quick ? 24 : 240;
  printf ("\n## Streams in one process: 4 x %dx%d against 1 x %dx%d, %s, element I420, "
      "n-threads default (%d cores)\n", w, h, 2 * w, 2 * h, m->name,
      (int) g_get_num_processors ());
  print_table_header ((const char *[]) { "case", "streams", "input", "frames",
      "total fps", "Mpixel/s in", "vs 1 stream", "threads alive", "threads busy",
      "computing at once (peak)",
      "cores busy", "CPU ms per Mpixel", NULL });
  int rounds = b->opt.quick ? 1 : STREAM_ROUNDS;
  double pixel_ratio[STREAM_ROUNDS], cpu_ratio[STREAM_ROUNDS];
  for (int r = 0; r < rounds; r++) {
    BenchStreams one = { 0 }, four = { 0 };
    GError *error = NULL;
    gboolean four_first = r % 2 == 1;
    if ((four_first && !bench_streams_run (m->path, 4, w, h, &b->opt, &four, &error))
        || !bench_streams_run (m->path, 1, 2 * w, 2 * h, &b->opt, &one, &error)
        || (!four_first && !bench_streams_run (m->path, 4, w, h, &b->opt, &four, &error))) {
      printf ("| %s |\n", error->message);
      g_clear_error (&error);
      return;
    }
    double one_mpix = bench_timing_fps (&one.timing) * 4 * w * h / 1e6;
    double four_mpix = bench_timing_fps (&four.timing) * w * h / 1e6;
    char what[32];
    g_snprintf (what, sizeof what, "one stream, round %d", r + 1);
    print_streams_row (what, 1, 2 * w, 2 * h, &one, one_mpix);
    g_snprintf (what, sizeof what, "four streams, round %d", r + 1);
    print_streams_row (what, 4, w, h, &four, one_mpix);
    pixel_ratio[r] = ratio (four_mpix, one_mpix);
    /* CPU time a pixel, one stream's over four's: above 1 where four cost less */
    cpu_ratio[r] = ratio (one.timing.cpu_seconds / (one_mpix * one.timing.seconds),
        four.timing.cpu_seconds / (four_mpix * four.timing.seconds));
  }
  printf ("\nFour streams / one stream, round by round: input pixels a second");
  for (int r = 0; r < rounds; r++)
    printf (" %.2f", pixel_ratio[r]);
  printf (", CPU time a pixel (one's / four's)");
  for (int r = 0; r < rounds; r++)
    printf (" %.2f", cpu_ratio[r]);
  qsort (pixel_ratio, rounds, sizeof (double), bench_compare_doubles);
  qsort (cpu_ratio, rounds, sizeof (double), bench_compare_doubles);
  printf ("; medians %.2f and %.2f (target >= 0.90).\n", pixel_ratio[rounds / 2],
      cpu_ratio[rounds / 2]);
  printf ("\nvs 1 stream: input pixels a second against the same round's one stream "
      "(target >= 0.90). threads busy: threads of this process that used at least 10%% of its CPU "
      "time in the window; computing at once: the most threads that ran the network "
      "at the same moment, counted by the engine (target: no more than the cores); "
      "cores busy: the process's CPU "
      "time / wall time; CPU ms per Mpixel: the process's CPU time per million input "
      "pixels, the cost of the work whatever other load took of the cores.\n");
}

/* ---- side by side ---- */

/* The model of @family at scale @scale among those loaded, or NULL. */
static const BenchModel *
find_model (const Bench *b, const char *family, int scale)
{
  for (guint i = 0; i < b->models->len; i++) {
    const BenchModel *m = g_ptr_array_index (b->models, i);
    if (sr_model_get_scale (m->model) == scale
        && g_strcmp0 (sr_model_get_family (m->model), family) == 0)
      return m;
  }
  return NULL;
}

static void
print_pair_cells (const char *what, int w, int h, const BenchPair *p, const char *target)
{
  GString *row = g_string_new ("|");
  cell_text (row, what);
  cell_size (row, w, h);
  cell_int (row, p->b.frames);
  cell_num (row, 1e3 * p->b.median_frame_seconds, 2);
  cell_num (row, 1e3 * p->a.median_frame_seconds, 2);
  cell_num (row, ratio (p->a.median_frame_seconds, p->b.median_frame_seconds), 2);
  cell_num (row, ratio (p->a.fastest_frame_seconds, p->b.fastest_frame_seconds), 2);
  cell_num (row, ratio (p->cpu_a, p->cpu_b), 2);
  cell_text (row, target);
  print_row (row);
}

static void
print_pair_row (const BenchModel *a, const BenchModel *m, int w, int h,
    const BenchPair *p, const char *target)
{
  char *what = g_strdup_printf ("%s against %s", m->name, a->name);
  print_pair_cells (what, w, h, p, target);
  g_free (what);
}

/* The speed ratios the targets are written in, each from frames of the two models
 * interleaved one for one at the first input size: every x3 and x4 model against its
 * family's x2, every other x2 model against ESPCN x2. */
static void
measure_pairs (Bench *b)
{
  const BenchRow *first = &g_array_index (b->rows, BenchRow, 0);
  int w = first->width, h = first->height;
  printf ("\n## Side by side: two models' frames interleaved, %d threads\n",
      b->opt.n_threads);
  print_table_header ((const char *[]) { "pair (B against A)", "input", "frames each",
      "B median ms", "A median ms", "B / A speed, median frames",
      "B / A, fastest frames", "B / A, median CPU time", "target", NULL });
  const BenchModel *espcn2 = find_model (b, "espcn", 2);
  for (guint i = 0; i < b->models->len; i++) {
    const BenchModel *m = g_ptr_array_index (b->models, i);
    const char *family = sr_model_get_family (m->model);
    int scale = sr_model_get_scale (m->model);
    const BenchModel *a = scale == 2 ? espcn2 : find_model (b, family, 2);
    if (a == NULL || a == m)
      continue;
    gboolean realtime = g_strcmp0 (family, "espcn") == 0 || g_strcmp0 (family, "fsrcnn") == 0;
    const char *target = scale != 2 ? (realtime ? ">= 0.80" : "")
        : g_strcmp0 (family, "sesr") == 0 ? ">= 1.20" : "";
    BenchPair pair;
    GError *error = NULL;
    if (!bench_pair (a->model, m->model, w, h, &b->opt, &pair, &error)) {
      printf ("| %s against %s | %dx%d: %s |\n", m->name, a->name, w, h, error->message);
      g_clear_error (&error);
      continue;
    }
    print_pair_row (a, m, w, h, &pair, target);
  }
  /* precision=bf16 against float32, on every model where the CPU has AVX512-BF16 */
  for (guint i = 0; i < b->models->len; i++) {
    const BenchModel *m = g_ptr_array_index (b->models, i);
    if (m->bf16 == NULL)
      continue;
    BenchPair pair;
    GError *error = NULL;
    char *what = g_strdup_printf ("%s precision=bf16 against float32", m->name);
    if (!bench_pair (m->model, m->bf16, w, h, &b->opt, &pair, &error)) {
      printf ("| %s | %dx%d: %s |\n", what, w, h, error->message);
      g_clear_error (&error);
    } else
      print_pair_cells (what, w, h, &pair, ">= 1.20");
    g_free (what);
  }
  /* PyTorch's fastest mode against the engine, on the x2 models */
  for (guint i = 0; !b->opt.no_pytorch && i < b->models->len; i++) {
    const BenchModel *m = g_ptr_array_index (b->models, i);
    if (sr_model_get_scale (m->model) != 2)
      continue;
    BenchPair pair;
    GError *error = NULL;
    BenchPytorchServer *server = bench_pytorch_serve (SR_BENCH_PYTORCH_SCRIPT, m->path,
        w, h, &b->opt, &error);
    char *what = g_strdup_printf ("PyTorch (%s) against engine, %s",
        server ? bench_pytorch_server_mode (server) : "?", m->name);
    if (server == NULL || !bench_pair_pytorch (m->model, server, w, h, &b->opt, &pair,
            &error)) {
      printf ("| %s | %dx%d: %s |\n", what, w, h, error->message);
      g_clear_error (&error);
    } else
      print_pair_cells (what, w, h, &pair, "");
    bench_pytorch_server_free (server);
    g_free (what);
  }
  /* the element against the engine, I420, on the x2 models */
  for (guint i = 0; b->have_element && i < b->models->len; i++) {
    const BenchModel *m = g_ptr_array_index (b->models, i);
    if (sr_model_get_scale (m->model) != 2)
      continue;
    BenchPair pair;
    GError *error = NULL;
    char *what = g_strdup_printf ("element I420 against engine, %s", m->name);
    if (!bench_pair_element (m->model, m->path, w, h, &b->opt, &pair, &error)) {
      printf ("| %s | %dx%d: %s |\n", what, w, h, error->message);
      g_clear_error (&error);
    } else
      print_pair_cells (what, w, h, &pair, "");
    g_free (what);
  }
  printf ("\nB / A: how many times as fast B runs as A (A's frame time over B's), from "
      "the median frames, the fastest frames and the median CPU time a frame of the "
      "same run, frames of A and B taking turns (the element's pipeline held at its sink "
      "while the engine runs a frame; its frame includes videotestsrc's and the "
      "chroma; PyTorch's, its fastest mode's call timed in its own process). Targets: ESPCN's and FSRCNN's x3 and "
      "x4 within 20%% of their x2; the SESR-style x2 1.2 times ESPCN x2; precision=bf16 "
      "1.2 times float32 where the CPU has AVX512-BF16 (or float32 kept, model-info "
      "says so).\n");
}

/* ---- the summary ---- */

static void
print_summary (const Bench *b)
{
  printf ("\n## Summary (engine: default kernel; ours/PyTorch: engine fps / PyTorch's "
      "best mode's fps)\n");
  print_table_header ((const char *[]) { "model", "scale", "input", "fps (engine)",
      "GFLOP/s", "% of peak", "fps (bf16)", "element I420 fps", "element RGB fps",
      "bicubic fps", "PyTorch best fps", "ours/PyTorch", "bf16/PyTorch", NULL });
  for (guint i = 0; i < b->rows->len; i++) {
    const BenchRow *r = &g_array_index (b->rows, BenchRow, i);
    double fps = bench_timing_fps (&r->engine);
    double gflops = engine_gflops (r->model, r->width, r->height, &r->engine);
    double torch_fps = r->torch ? bench_timing_fps (&r->torch->timing) : 0;
    GString *row = g_string_new ("|");
    cell_text (row, r->model->name);
    cell_int (row, sr_model_get_scale (r->model->model));
    cell_size (row, r->width, r->height);
    cell_num (row, fps, 1);
    cell_num (row, gflops, 1);
    cell_num (row, 100 * ratio (gflops, b->peak_gflops), 1);
    cell_num (row, bench_timing_fps (&r->bf16), 1);
    cell_num (row, bench_timing_fps (&r->i420), 1);
    cell_num (row, bench_timing_fps (&r->rgb), 1);
    cell_num (row, bench_timing_fps (&r->bicubic), 1);
    cell_num (row, torch_fps, 1);
    cell_num (row, ratio (fps, torch_fps), 2);
    cell_num (row, ratio (bench_timing_fps (&r->bf16), torch_fps), 2);
    print_row (row);
  }
}

/* ---- options ---- */

static gboolean
parse_sizes (Bench *b, GError **error)
{
  char **items = g_strsplit (b->opt.sizes, ",", -1);
  gboolean ok = TRUE;
  for (char **s = items; *s && ok; s++) {
    int w = 0, h = 0;
    char end;
    ok = sscanf (*s, "%dx%d%c", &w, &h, &end) == 2 && w > 0 && h > 0;
    if (!ok)
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "--sizes: \"%s\" is not WIDTHxHEIGHT", *s);
    for (guint i = 0; ok && i < b->models->len; i++) {
      BenchRow row = { .model = g_ptr_array_index (b->models, i), .width = w,
        .height = h };
      g_array_append_val (b->rows, row);
    }
  }
  g_strfreev (items);
  return ok;
}

/* The rows are model-major: every size of a model, then the next model. */
static void
sort_rows (Bench *b)
{
  GArray *sorted = g_array_new (FALSE, TRUE, sizeof (BenchRow));
  for (guint m = 0; m < b->models->len; m++)
    for (guint i = 0; i < b->rows->len; i++) {
      BenchRow *r = &g_array_index (b->rows, BenchRow, i);
      if (r->model == g_ptr_array_index (b->models, m))
        g_array_append_val (sorted, *r);
    }
  g_array_free (b->rows, TRUE);
  b->rows = sorted;
}

typedef struct {
  char *rss_child;
  char *rss_model;
} HiddenOptions;

static gboolean
parse_options (int *argc, char ***argv, BenchOptions *opt, HiddenOptions *hidden,
    GError **error)
{
  int threads = 0;
  GOptionEntry entries[] = {
    { "quick", 0, 0, G_OPTION_ARG_NONE, &opt->quick,
      "1 frame at 64x36 (unless --frames/--sizes say otherwise): checks that it runs", NULL },
    { "frames", 0, 0, G_OPTION_ARG_INT, &opt->frames,
      "time exactly N frames after the warm-up (default: for --seconds)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &opt->seconds,
      "time each measurement for at least S seconds (default 2)", "S" },
    { "sizes", 0, 0, G_OPTION_ARG_STRING, &opt->sizes,
      "input sizes (default 640x360,960x540)", "WxH,..." },
    { "models", 0, 0, G_OPTION_ARG_FILENAME, &opt->models_dir,
      "the .safetensors models to run (default: the source tree's models/)", "DIR" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads,
      "threads for the engine, the element and PyTorch (default: every core)", "N" },
    { "streams-only", 0, 0, G_OPTION_ARG_NONE, &opt->streams_only,
      "only the several streams in one process (with --plugin: another build's)", NULL },
    { "pairs-only", 0, 0, G_OPTION_ARG_NONE, &opt->pairs_only,
      "only the side-by-side pairs (frames of two models interleaved)", NULL },
    { "plugin", 0, 0, G_OPTION_ARG_FILENAME, &opt->plugin,
      "the srupscale plugin to measure (default: this build's)", "FILE" },
    { "no-pytorch", 0, 0, G_OPTION_ARG_NONE, &opt->no_pytorch, "skip PyTorch", NULL },
    { "no-element", 0, 0, G_OPTION_ARG_NONE, &opt->no_element,
      "skip the GStreamer pipelines", NULL },
    { "rss-child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &hidden->rss_child,
      NULL, NULL },
    { "rss-model", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &hidden->rss_model,
      NULL, NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- speed of the engine, the element, "
      "bicubic and PyTorch, side by side");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  gboolean ok = g_option_context_parse (ctx, argc, argv, error);
  g_option_context_free (ctx);
  if (!ok)
    return FALSE;
  if (opt->frames < 0 || opt->seconds <= 0 || threads < 0) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--frames, --seconds and --threads must be positive");
    return FALSE;
  }
  opt->n_threads = threads > 0 ? threads : (int) g_get_num_processors ();
  if (opt->quick && opt->frames == 0)
    opt->frames = 1;
  if (opt->sizes == NULL)
    opt->sizes = g_strdup (opt->quick ? "64x36" : "640x360,960x540");
  if (opt->models_dir == NULL)
    opt->models_dir = g_strdup (SR_BENCH_MODELS_DIR);
  if (opt->plugin == NULL)
    opt->plugin = g_strdup (SR_BENCH_PLUGIN);
  return TRUE;
}

static gboolean
load_plugin (Bench *b)
{
  char *used = NULL;
  GError *error = NULL;
  b->have_element = bench_element_load_plugin (b->opt.plugin, &used, &error);
  if (b->have_element)
    printf ("- srupscale plugin: %s\n", used);
  else {
    printf ("- srupscale plugin: not loaded (%s); element columns are n/a\n",
        error->message);
    g_error_free (error);
  }
  g_free (used);
  return b->have_element;
}

static void
bench_clear (Bench *b)
{
  g_clear_pointer (&b->rows, g_array_unref);
  g_clear_pointer (&b->torch, g_ptr_array_unref);
  g_clear_pointer (&b->models, g_ptr_array_unref);
  g_free (b->opt.sizes);
  g_free (b->opt.models_dir);
  g_free (b->opt.plugin);
}

int
main (int argc, char **argv)
{
  Bench b = { .opt = { .seconds = 2.0 } };
  HiddenOptions hidden = { 0 };
  GError *error = NULL;
  /* a line at a time, so that a long run shows its progress through a pipe too */
  setvbuf (stdout, NULL, _IOLBF, 0);
  setlocale (LC_ALL, "");
  gboolean parsed = parse_options (&argc, &argv, &b.opt, &hidden, &error);
  /* numbers in the tables always with a decimal point, whatever the locale */
  setlocale (LC_NUMERIC, "C");
  if (!parsed) {
    g_printerr ("sr-bench: %s\n", error->message);
    g_error_free (error);
    bench_clear (&b);
    return 2;
  }
  if (hidden.rss_child) {
    int status = rss_child (hidden.rss_child, hidden.rss_model, &b.opt);
    g_free (hidden.rss_child);
    g_free (hidden.rss_model);
    bench_clear (&b);
    return status;
  }

  b.rows = g_array_new (FALSE, TRUE, sizeof (BenchRow));
  b.torch = g_ptr_array_new ();
  if (!load_models (&b, &error) || !parse_sizes (&b, &error)) {
    g_printerr ("sr-bench: %s\n", error->message);
    g_error_free (error);
    bench_clear (&b);
    return 2;
  }
  sort_rows (&b);
  print_machine (&b);
  if (!b.opt.no_element)
    load_plugin (&b);
  if (b.opt.pairs_only) {
    measure_pairs (&b);
    bench_clear (&b);
    return 0;
  }
  if (b.opt.streams_only) {
    if (b.have_element)
      measure_streams (&b);
    bench_clear (&b);
    return 0;
  }
  measure_peak (&b);
  measure_engine (&b);
  measure_layers (&b);
  measure_pairs (&b);
  if (b.have_element)
    measure_element (&b);
  measure_prescott (&b);
  measure_avx2_tier (&b);
  if (b.have_element)
    measure_streams (&b);
  if (!b.opt.no_pytorch)
    measure_pytorch (&b);
  measure_memory (&b);
  print_summary (&b);
  bench_clear (&b);
  return 0;
}
