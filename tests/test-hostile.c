/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The engine against hostile input, one generated case per class of issue 10: a FIFO
 * or a device as the model, a header nested 100,000 deep, JSON of the wrong types,
 * gigabytes of tensors the network does not use, weights beyond the cap, a network
 * whose workspaces would need gigabytes, a file truncated while it loads, weights
 * that overflow to NaN, absurd thread counts. Each must end in a clear error (or a
 * correct result) within a time and memory bound (sr-hostile.h). Big files are
 * sparse, made here, and deleted. */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sr-hostile.h"
#include "sr-safetensors.h"
#include "sr-test-model.h"
#include "srengine.h"

static char *tmp_dir;
static int n_cases;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* Loads @path (or @bytes) and expects error @code whose message holds @fragment. */
static void
expect_file_error (const char *path, int code, const char *fragment)
{
  SrHostileBound b;
  sr_hostile_begin (&b, path);
  g_autoptr (GError) error = NULL;
  SrModel *model = sr_model_new_from_file (path, &error);
  g_assert_null (model);
  g_assert_error (error, SR_ERROR, code);
  if (strstr (error->message, fragment) == NULL)
    g_error ("message \"%s\" does not mention \"%s\"", error->message, fragment);
  sr_hostile_end (&b);
  n_cases++;
}

static void
expect_bytes_error (const char *header, int code, const char *fragment)
{
  g_autofree char *path = tmp_path ("case.safetensors");
  sr_hostile_write (path, header, NULL, 0, 64);
  expect_file_error (path, code, fragment);
  /* and the same bytes from memory */
  g_autofree char *contents = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_autoptr (GBytes) bytes = g_bytes_new (contents, len);
  g_autoptr (GError) error = NULL;
  g_assert_null (sr_model_new_from_bytes (bytes, "mem", &error));
  g_assert_error (error, SR_ERROR, code);
  g_unlink (path);
}

typedef struct {
  const char *name;
  int n_dims;
  gint64 shape[4];
} Spec;

/* A header naming @specs (their data, @total bytes, left to a hole). */
static char *
header_of (const char *family, int scale, const Spec *specs, int n, guint64 *total)
{
  GString *h = g_string_new (NULL);
  g_string_append_printf (h, "{\"__metadata__\":{\"family\":\"%s\",\"scale\":\"%d\"}",
      family, scale);
  guint64 pos = 0;
  for (int i = 0; i < n; i++) {
    guint64 count = 1;
    g_string_append_printf (h, ",\"%s\":{\"dtype\":\"F32\",\"shape\":[", specs[i].name);
    for (int d = 0; d < specs[i].n_dims; d++) {
      g_string_append_printf (h, "%s%" G_GINT64_FORMAT, d ? "," : "", specs[i].shape[d]);
      count *= specs[i].shape[d];
    }
    g_string_append_printf (h, "],\"data_offsets\":[%" G_GUINT64_FORMAT ",%"
        G_GUINT64_FORMAT "]}", pos, pos + 4 * count);
    pos += 4 * count;
  }
  g_string_append_c (h, '}');
  *total = pos;
  return g_string_free (h, FALSE);
}

/* 6: a FIFO hung the pipeline in open(); devices and directories are no models either. */
static void
test_not_regular_files (void)
{
  g_autofree char *fifo = tmp_path ("fifo.safetensors");
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  expect_file_error (fifo, SR_ERROR_NOT_FOUND, "not a regular file");
  expect_file_error ("/dev/zero", SR_ERROR_NOT_FOUND, "not a regular file");
  expect_file_error (tmp_dir, SR_ERROR_NOT_FOUND, "not a regular file");
  g_unlink (fifo);
}

/* 3: 100,000 levels overflowed json-glib's stack; brackets inside strings are text. */
static void
test_deep_nesting (void)
{
  GString *h = g_string_new ("{\"x\":");
  for (int i = 0; i < 100000; i++)
    g_string_append_c (h, '[');
  for (int i = 0; i < 100000; i++)
    g_string_append_c (h, ']');
  g_string_append_c (h, '}');
  expect_bytes_error (h->str, SR_ERROR_BAD_HEADER, "nests deeper than");
  g_string_free (h, TRUE);

  /* 17 levels: just past the limit */
  h = g_string_new ("{\"x\":");
  for (int i = 0; i < 16; i++)
    g_string_append_c (h, '{');
  for (int i = 0; i < 16; i++)
    g_string_append_c (h, '}');
  g_string_append_c (h, '}');
  expect_bytes_error (h->str, SR_ERROR_BAD_HEADER, "nests deeper than");
  g_string_free (h, TRUE);

  /* a valid model whose metadata holds 10,000 '[' (and an escaped quote) loads */
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);
  g_autoptr (SrTestModel) m = sr_test_model_new ();
  sr_test_model_set_metadata (m, "family", "espcn");
  sr_test_model_set_metadata (m, "scale", "2");
  g_autofree char *brackets = g_strnfill (10000, '[');
  g_autofree char *note = g_strconcat ("\"", brackets, NULL);
  sr_test_model_set_metadata (m, "note", note);
  gint64 w1[4] = { 4, 1, 3, 3 }, b1[1] = { 4 }, w2[4] = { 4, 4, 3, 3 }, w3[4] = { 4, 4, 3, 3 };
  sr_test_model_add (m, "conv1.weight", 4, w1, NULL, rand);
  sr_test_model_add (m, "conv1.bias", 1, b1, NULL, rand);
  sr_test_model_add (m, "conv2.weight", 4, w2, NULL, rand);
  sr_test_model_add (m, "conv2.bias", 1, b1, NULL, rand);
  sr_test_model_add (m, "conv3.weight", 4, w3, NULL, rand);
  sr_test_model_add (m, "conv3.bias", 1, b1, NULL, rand);
  g_autoptr (GBytes) bytes = sr_test_model_serialize (m);
  g_autoptr (GError) error = NULL;
  g_autoptr (SrModel) model = sr_model_new_from_bytes (bytes, "brackets", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sr_model_get_metadata (model, "note"), ==, note);
  n_cases++;
}

/* 9: a member of the wrong JSON type is a clean error, never a GLib CRITICAL (fatal
 * here: g_test_init makes criticals abort). */
static void
test_wrong_json_types (void)
{
  static const struct {
    const char *header;
    int code;
    const char *says;
  } cases[] = {
    { "{\"a\":{\"dtype\":[\"F32\"],\"shape\":[1],\"data_offsets\":[0,4]}}",
      SR_ERROR_BAD_HEADER, "dtype (not a string)" },
    { "{\"a\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}",
      SR_ERROR_BAD_HEADER, "dtype (not a string)" },
    { "{\"a\":{\"dtype\":{\"F32\":1},\"shape\":[1],\"data_offsets\":[0,4]}}",
      SR_ERROR_BAD_HEADER, "dtype (not a string)" },
    { "{\"a\":{\"dtype\":null,\"shape\":[1],\"data_offsets\":[0,4]}}",
      SR_ERROR_BAD_HEADER, "dtype" },
    { "{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}",
      SR_ERROR_BAD_HEADER, "dtype (missing)" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}",
      SR_ERROR_BAD_HEADER, "shape" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{\"0\":4}}}",
      SR_ERROR_BAD_HEADER, "data_offsets" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}",
      SR_ERROR_BAD_SHAPE, "invalid dimension" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}",
      SR_ERROR_BAD_SHAPE, "invalid dimension" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[[1]],\"data_offsets\":[0,4]}}",
      SR_ERROR_BAD_SHAPE, "invalid dimension" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,\"4\"]}}",
      SR_ERROR_BAD_HEADER, "data_offsets" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,1e300]}}",
      SR_ERROR_BAD_HEADER, "data_offsets" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
      SR_ERROR_BAD_SHAPE, "invalid dimension" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[9223372036854775807],\"data_offsets\":[0,4]}}",
      SR_ERROR_BAD_SHAPE, "invalid dimension" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551615]}}",
      SR_ERROR_BAD_HEADER, "" },
    { "{\"a\":7}", SR_ERROR_BAD_HEADER, "not a JSON object" },
    { "{\"__metadata__\":[\"family\"]}", SR_ERROR_BAD_HEADER, "__metadata__" },
    { "{\"__metadata__\":{\"family\":[\"espcn\"]}}", SR_ERROR_BAD_HEADER, "not a string" },
    { "{\"__metadata__\":{\"family\":{\"a\":1}}}", SR_ERROR_BAD_HEADER, "not a string" },
    { "[1,2,3]", SR_ERROR_BAD_HEADER, "not a JSON object" },
    { "\"text\"", SR_ERROR_BAD_HEADER, "not a JSON object" },
    { "", SR_ERROR_BAD_HEADER, "" },
    { "{\"a\":{\"dtype\":\"F32\"", SR_ERROR_BAD_HEADER, "not JSON" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    expect_bytes_error (cases[i].header, cases[i].code, cases[i].says);
}

/* 5: a valid ESPCN plus 30 tensors of 16,777,216 floats (a 2 GB sparse file) loaded
 * them all, 3.9 GB resident. Now they are never read. */
static void
test_unused_tensors_not_read (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (2);
  g_autoptr (GBytes) espcn = sr_test_espcn (2, 16, 8, 5, 3, 3, rand);
  const guint8 *data;
  gsize data_len;
  g_autofree char *head = sr_hostile_split (espcn, &data, &data_len);
  GString *h = g_string_new (head);
  guint64 pos = data_len, big = (guint64) 16777216 * 4;
  for (int i = 0; i < 30; i++) {
    g_string_append_printf (h, ",\"extra.%d\":{\"dtype\":\"F32\",\"shape\":[16777216],"
        "\"data_offsets\":[%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT "]}", i, pos,
        pos + big);
    pos += big;
  }
  g_string_append_c (h, '}');
  g_autofree char *path = tmp_path ("extra.safetensors");
  sr_hostile_write (path, h->str, data, data_len, pos);
  g_string_free (h, TRUE);

  long rss_before = sr_hostile_max_rss_mb ();
  SrHostileBound b;
  sr_hostile_begin (&b, "30 unused tensors of 64 MiB");
  g_autoptr (GError) error = NULL;
  g_autoptr (SrModel) model = sr_model_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_model_get_n_params (model), ==, 16 * 25 + 16 + 8 * 16 * 9 + 8
      + 4 * 8 * 9 + 4);
  g_assert_cmpint (sr_hostile_max_rss_mb () - rss_before, <, 100);
  sr_hostile_end (&b);
  g_unlink (path);
  n_cases++;
}

/* 4 (weights): an ESPCN of 4,194,304 channels needs 96 MiB of weights: refused when
 * the budget is passed, before that tensor is read. */
static void
test_weights_cap (void)
{
  const gint64 c = 4194304;
  Spec specs[] = {
    { "conv1.weight", 4, { c, 1, 1, 1 } }, { "conv1.bias", 1, { c } },
    { "conv2.weight", 4, { 4, c, 1, 1 } }, { "conv2.bias", 1, { 4 } },
    { "conv3.weight", 4, { 4, 4, 1, 1 } }, { "conv3.bias", 1, { 4 } },
  };
  guint64 total;
  g_autofree char *header = header_of ("espcn", 2, specs, G_N_ELEMENTS (specs), &total);
  g_autofree char *path = tmp_path ("wide.safetensors");
  sr_hostile_write (path, header, NULL, 0, total);
  expect_file_error (path, SR_ERROR_BAD_SHAPE, "this engine loads at most 64 MiB");
  g_unlink (path);
}

/* 4 (workspaces): 65,536 channels of 1x1 convolutions (a 2.4 MB file) took 5.9 GB
 * for one 320x240 frame; the runner refuses, saying what it would need, and the
 * limit is the caller's to set. */
static void
test_working_set_budget (void)
{
  const gint64 c = 65536;
  Spec specs[] = {
    { "conv1.weight", 4, { c, 1, 1, 1 } }, { "conv1.bias", 1, { c } },
    { "conv2.weight", 4, { 8, c, 1, 1 } }, { "conv2.bias", 1, { 8 } },
    { "conv3.weight", 4, { 4, 8, 1, 1 } }, { "conv3.bias", 1, { 4 } },
  };
  guint64 total;
  g_autofree char *header = header_of ("espcn", 2, specs, G_N_ELEMENTS (specs), &total);
  g_autofree char *path = tmp_path ("many-channels.safetensors");
  sr_hostile_write (path, header, NULL, 0, total);
  SrHostileBound b;
  sr_hostile_begin (&b, "65,536 channels");
  g_autoptr (GError) error = NULL;
  g_autoptr (SrModel) model = sr_model_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_runner_estimate_bytes (model, 320, 240, 2), >,
      SR_DEFAULT_MAX_WORKING_SET);
  SrRunner *runner = sr_runner_new (model, 320, 240, 2, &error);
  g_assert_null (runner);
  g_assert_error (error, SR_ERROR, SR_ERROR_BAD_SIZE);
  g_assert_nonnull (strstr (error->message, "MiB of working memory"));
  g_assert_nonnull (strstr (error->message, "limit of 1024 MiB"));
  sr_hostile_end (&b);
  g_unlink (path);

  /* an ordinary model under a tiny limit is refused; with none it runs */
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  g_autoptr (GBytes) bytes = sr_test_espcn (2, 16, 8, 5, 3, 3, rand);
  g_autoptr (SrModel) small = sr_model_new_from_bytes (bytes, "small", NULL);
  g_clear_error (&error);
  g_assert_null (sr_runner_new_with_limit (small, 320, 240, 1, 64 << 10, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_BAD_SIZE);
  g_autoptr (SrRunner) ok = sr_runner_new_with_limit (small, 320, 240, 1, 0, NULL);
  g_assert_nonnull (ok);
  /* and sizes the engine cannot take cost no estimate */
  g_assert_cmpuint (sr_runner_estimate_bytes (small, 100000, 10, 1), ==, G_MAXSIZE);
  n_cases += 3;
}

typedef struct {
  const char *path;
  GBytes *bytes;
  int stop;
} Cutter;

static gpointer
cut_and_restore (gpointer data)
{
  Cutter *c = data;
  int fd = open (c->path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  gsize len = g_bytes_get_size (c->bytes);
  for (guint i = 0; !g_atomic_int_get (&c->stop); i++) {
    g_assert_cmpint (ftruncate (fd, (i * 7919) % len), ==, 0);
    g_usleep (100);
    g_assert_cmpint (pwrite (fd, g_bytes_get_data (c->bytes, NULL), len, 0), ==, len);
    g_usleep (100);
  }
  close (fd);
  return NULL;
}

/* 7: the model was mapped, and truncating it while it loaded was SIGBUS. */
static void
test_truncated_while_loading (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (4);
  g_autoptr (GBytes) bytes = sr_test_espcn (2, 32, 16, 5, 3, 3, rand);
  g_autofree char *path = tmp_path ("shrinking.safetensors");
  gsize len = g_bytes_get_size (bytes);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL), len, NULL));

  /* deterministic: the header is read, then the file loses its second half */
  SrHostileBound b;
  sr_hostile_begin (&b, "truncated after the header");
  g_autoptr (GError) error = NULL;
  SrTensorFile *file = sr_tensor_file_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (truncate (path, len / 2), ==, 0);
  const SrTensor *last = NULL;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, file->tensors);
  while (g_hash_table_iter_next (&it, NULL, &value))
    if (last == NULL || ((const SrTensor *) value)->offset > last->offset)
      last = value;
  g_assert_null (sr_tensor_file_read (file, last, &error));
  g_assert_error (error, SR_ERROR, SR_ERROR_TRUNCATED);
  g_assert_nonnull (strstr (error->message, "truncated while it was being read"));
  sr_tensor_file_free (file);
  sr_hostile_end (&b);
  n_cases++;

  /* racing: another thread cuts the file short and restores it, again and again,
   * while this one loads it 300 times: each load succeeds or fails cleanly */
  sr_hostile_begin (&b, "truncated while loading, racing");
  Cutter cutter = { .path = path, .bytes = bytes };
  GThread *thread = g_thread_new ("cutter", cut_and_restore, &cutter);
  int loaded = 0, refused = 0;
  for (int i = 0; i < 300; i++) {
    g_clear_error (&error);
    SrModel *m = sr_model_new_from_file (path, &error);
    g_assert_true (m != NULL || error != NULL);
    if (m)
      loaded++;
    else
      refused++;
    sr_model_free (m);
  }
  g_atomic_int_set (&cutter.stop, 1);
  g_thread_join (thread);
  g_test_message ("racing truncation: %d loaded, %d refused", loaded, refused);
  g_assert_cmpint (loaded + refused, ==, 300);
  sr_hostile_end (&b);
  g_unlink (path);
  n_cases += 300;
}

/* 8: finite weights big enough to overflow give NaN, and (guint8) NaN was undefined
 * behaviour. An FSRCNN whose first layers multiply by 1e30 reaches infinity, an
 * expanding layer makes it +inf in one channel and -inf in the other, and the last
 * layer, which adds them, gives NaN (inf - inf): the 8-bit output must be 0 there,
 * 255 where the float output is above 1. */
static void
test_overflowing_weights (void)
{
  g_autoptr (SrTestModel) m = sr_test_model_new ();
  sr_test_model_set_metadata (m, "family", "fsrcnn");
  sr_test_model_set_metadata (m, "scale", "2");
  float big[50], zero[8] = { 0 }, one[2] = { 1, 1 }, opposite[4] = { 1, 1, -1, -1 };
  for (int i = 0; i < 50; i++)
    big[i] = 1e30f;
  gint64 first_w[4] = { 2, 1, 5, 5 }, two[1] = { 2 }, w22[4] = { 2, 2, 1, 1 };
  sr_test_model_add (m, "first.weight", 4, first_w, big, NULL);
  sr_test_model_add (m, "first.bias", 1, two, zero, NULL);
  sr_test_model_add (m, "first_act.weight", 1, two, one, NULL);
  sr_test_model_add (m, "shrink.weight", 4, w22, big, NULL);
  sr_test_model_add (m, "shrink.bias", 1, two, zero, NULL);
  sr_test_model_add (m, "shrink_act.weight", 1, two, one, NULL);
  sr_test_model_add (m, "expand.weight", 4, w22, opposite, NULL);
  sr_test_model_add (m, "expand.bias", 1, two, zero, NULL);
  sr_test_model_add (m, "expand_act.weight", 1, two, one, NULL);
  gint64 dw[4] = { 2, 1, 3, 3 }, db[1] = { 1 };
  float dec[18];
  for (int i = 0; i < 18; i++)
    dec[i] = 0.1f;
  sr_test_model_add (m, "deconv.weight", 4, dw, dec, NULL);
  sr_test_model_add (m, "deconv.bias", 1, db, zero, NULL);
  g_autoptr (GBytes) bytes = sr_test_model_serialize (m);

  SrHostileBound b;
  sr_hostile_begin (&b, "weights overflowing to NaN");
  g_autoptr (GError) error = NULL;
  g_autoptr (SrModel) model = sr_model_new_from_bytes (bytes, "overflow", &error);
  g_assert_no_error (error);
  const int w = 37, h = 21;
  g_autoptr (SrRunner) runner = sr_runner_new (model, w, h, 2, &error);
  g_assert_no_error (error);
  guint8 in_u8[37 * 21], out_u8[37 * 21 * 4];
  float in_f[37 * 21], out_f[37 * 21 * 4];
  for (int i = 0; i < w * h; i++) {
    in_u8[i] = (i * 37) % 256;
    in_f[i] = in_u8[i] / 255.f;
  }
  sr_runner_process_u8 (runner, in_u8, w, out_u8, 2 * w);
  sr_runner_process_f32 (runner, in_f, w, out_f, 2 * w);
  int n_nan = 0;
  for (int i = 0; i < w * h * 4; i++) {
    float v = out_f[i];
    if (isnan (v)) {
      n_nan++;
      g_assert_cmpuint (out_u8[i], ==, 0);
    } else if (v * 255.f + 0.5f >= 255.f) {
      g_assert_cmpuint (out_u8[i], ==, 255);
    } else if (v <= 0) {
      g_assert_cmpuint (out_u8[i], ==, 0);
    }
  }
  /* the case must reach NaN, or it tests nothing */
  g_assert_cmpint (n_nan, >, w * h);
  sr_hostile_end (&b);
  n_cases++;
}

/* 2: 256 threads crashed inside OpenBLAS; the runner takes at most SR_MAX_THREADS. */
static void
test_thread_count_clamped (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);
  g_autoptr (GBytes) bytes = sr_test_espcn (2, 16, 8, 5, 3, 3, rand);
  g_autoptr (SrModel) model = sr_model_new_from_bytes (bytes, "threads", NULL);
  SrHostileBound b;
  sr_hostile_begin (&b, "256 threads");
  g_autoptr (GError) error = NULL;
  g_autoptr (SrRunner) runner = sr_runner_new (model, 64, 48, 256, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sr_runner_get_n_threads (runner), <=, SR_MAX_THREADS);
  g_autofree guint8 *in = g_malloc0 (64 * 48), *out = g_malloc (64 * 48 * 4);
  sr_runner_process_u8 (runner, in, 64, out, 128);
  sr_hostile_end (&b);
  n_cases++;
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("srupscale-hostile-XXXXXX", NULL);
  g_test_add_func ("/hostile/not-regular-files", test_not_regular_files);
  g_test_add_func ("/hostile/deep-nesting", test_deep_nesting);
  g_test_add_func ("/hostile/wrong-json-types", test_wrong_json_types);
  g_test_add_func ("/hostile/unused-tensors-not-read", test_unused_tensors_not_read);
  g_test_add_func ("/hostile/weights-cap", test_weights_cap);
  g_test_add_func ("/hostile/working-set-budget", test_working_set_budget);
  g_test_add_func ("/hostile/truncated-while-loading", test_truncated_while_loading);
  g_test_add_func ("/hostile/overflowing-weights", test_overflowing_weights);
  g_test_add_func ("/hostile/thread-count-clamped", test_thread_count_clamped);
  int status = g_test_run ();
  g_test_message ("%d hostile cases held", n_cases);
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
