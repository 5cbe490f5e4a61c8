/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The model loader against missing, truncated, corrupt and hostile files: each must
 * fail with the right error code and a message that names the problem, never crash. */
#include <math.h>
#include <string.h>

#include "sr-test-model.h"
#include "srengine.h"

static SrModel *
load (GBytes *bytes, GError **error)
{
  return sr_model_new_from_bytes (bytes, "test.safetensors", error);
}

static void
expect_error (GBytes *bytes, int code, const char *fragment)
{
  g_autoptr (GError) error = NULL;
  SrModel *model = load (bytes, &error);
  g_assert_null (model);
  g_assert_error (error, SR_ERROR, code);
  if (strstr (error->message, fragment) == NULL)
    g_error ("message \"%s\" does not mention \"%s\"", error->message, fragment);
}

static GBytes *
with_header (const char *json, gsize data_len)
{
  GByteArray *b = g_byte_array_new ();
  guint64 n = GUINT64_TO_LE (strlen (json));
  g_byte_array_append (b, (const guint8 *) &n, 8);
  g_byte_array_append (b, (const guint8 *) json, strlen (json));
  for (gsize i = 0; i < data_len; i++)
    g_byte_array_append (b, (const guint8 *) "\0", 1);
  return g_byte_array_free_to_bytes (b);
}

static void
test_valid (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);
  g_autoptr (GBytes) bytes = sr_test_espcn (3, 64, 32, 5, 3, 3, rand);
  g_autoptr (GError) error = NULL;
  g_autoptr (SrModel) model = load (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sr_model_get_family (model), ==, "espcn");
  g_assert_cmpint (sr_model_get_scale (model), ==, 3);
  /* the ESPCN cost of DESIGN.md: 5*5*64 + 3*3*64*32 + 3*3*32*9 */
  g_assert_cmpfloat (sr_model_get_macs_per_pixel (model), ==, 1600 + 18432 + 2592);
  g_assert_cmpuint (sr_model_get_n_params (model), ==, 1600 + 64 + 18432 + 32 + 2592 + 9);
}

/* The LESRCNN graph: its cost, and an upsampler that does not fit the file's scale. */
static void
test_lesrcnn (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (4);
  {
    g_autoptr (GBytes) bytes = sr_test_lesrcnn (2, 8, 4, 2, 2, rand);
    g_autoptr (GError) error = NULL;
    g_autoptr (SrModel) model = load (bytes, &error);
    g_assert_no_error (error);
    /* head twice (with and without ReLU) 2*9*8; units 2*(8*8 + 9*8*8); one upsampler
     * pass 9*8*32; at x2 resolution (4 pixels per input pixel) refine 9*8*4 + 9*4*4
     * and tail 9*4 */
    g_assert_cmpfloat (sr_model_get_macs_per_pixel (model), ==,
        144 + 1280 + 2304 + 4 * (288 + 144) + 4 * 36);
  }
  struct {
    int file_scale, tensor_scale;
    const char *says;
  } cases[] = {
    { 3, 2, "up.0.weight" },   /* x2 upsampler in a x3 file */
    { 4, 2, "up.1.weight" },   /* one x2 round where x4 needs two */
    { 2, 3, "up.0.weight" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (SrTestModel) m = sr_test_model_new ();
    char scale[8];
    g_snprintf (scale, sizeof scale, "%d", cases[i].file_scale);
    sr_test_model_set_metadata (m, "family", "lesrcnn");
    sr_test_model_set_metadata (m, "scale", scale);
    sr_test_lesrcnn_add (m, cases[i].tensor_scale, 8, 4, 2, 2, rand);
    g_autoptr (GBytes) b = sr_test_model_serialize (m);
    expect_error (b, SR_ERROR_BAD_SHAPE, cases[i].says);
  }
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  SrModel *model = sr_model_new_from_file ("/nonexistent/espcn.safetensors", &error);
  g_assert_null (model);
  g_assert_error (error, SR_ERROR, SR_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/espcn.safetensors"));
}

/* Every prefix of a valid file is refused, and none crashes. */
static void
test_truncated (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (2);
  g_autoptr (GBytes) bytes = sr_test_espcn (2, 8, 4, 3, 3, 3, rand);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  for (gsize cut = 0; cut < len; cut++) {
    g_autoptr (GBytes) part = g_bytes_new (data, cut);
    g_autoptr (GError) error = NULL;
    SrModel *model = load (part, &error);
    g_assert_null (model);
    g_assert_true (error->domain == SR_ERROR);
  }
  g_autoptr (GBytes) short_data = g_bytes_new (data, len - 3);
  expect_error (short_data, SR_ERROR_TRUNCATED, "truncated");
}

static void
test_bad_headers (void)
{
  g_autoptr (GBytes) not_json = with_header ("{\"conv1.weight\": [1, 2", 0);
  expect_error (not_json, SR_ERROR_BAD_HEADER, "not JSON");
  g_autoptr (GBytes) array = with_header ("[1, 2, 3]", 0);
  expect_error (array, SR_ERROR_BAD_HEADER, "not a JSON object");
  g_autoptr (GBytes) f16 = with_header (
      "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4);
  expect_error (f16, SR_ERROR_BAD_HEADER, "F16");
  g_autoptr (GBytes) size_mismatch = with_header (
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
  expect_error (size_mismatch, SR_ERROR_BAD_HEADER, "needs 12");
  g_autoptr (GBytes) overlap = with_header (
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
  expect_error (overlap, SR_ERROR_BAD_HEADER, "overlaps");
  g_autoptr (GBytes) beyond = with_header (
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[1000000,1000008]}}", 8);
  expect_error (beyond, SR_ERROR_TRUNCATED, "truncated");
  g_autoptr (GBytes) negative = with_header (
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8);
  expect_error (negative, SR_ERROR_BAD_SHAPE, "invalid dimension");
  g_autoptr (GBytes) huge = with_header (
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],"
      "\"data_offsets\":[0,8]}}", 8);
  expect_error (huge, SR_ERROR_BAD_SHAPE, "\"a\"");
  g_autoptr (GBytes) no_family = with_header ("{\"__metadata__\":{\"scale\":\"2\"}}", 0);
  expect_error (no_family, SR_ERROR_BAD_FAMILY, "family");
  /* a header length far past the file */
  guint8 raw[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, '{', '}' };
  g_autoptr (GBytes) long_header = g_bytes_new (raw, sizeof raw);
  expect_error (long_header, SR_ERROR_BAD_HEADER, "implausible");
}

static void
test_wrong_family_and_shape (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  {
    g_autoptr (SrTestModel) m = sr_test_model_new ();
    sr_test_model_set_metadata (m, "family", "srcnn");
    sr_test_model_set_metadata (m, "scale", "2");
    g_autoptr (GBytes) b = sr_test_model_serialize (m);
    expect_error (b, SR_ERROR_BAD_FAMILY, "srcnn");
  }
  {
    g_autoptr (SrTestModel) m = sr_test_model_new ();
    sr_test_model_set_metadata (m, "family", "espcn");
    sr_test_model_set_metadata (m, "scale", "two");
    g_autoptr (GBytes) b = sr_test_model_serialize (m);
    expect_error (b, SR_ERROR_BAD_FAMILY, "two");
  }
  {
    /* a x3 last layer (9 channels) in a file that says x2 */
    g_autoptr (SrTestModel) m = sr_test_model_new ();
    sr_test_model_set_metadata (m, "family", "espcn");
    sr_test_model_set_metadata (m, "scale", "2");
    gint64 w1[4] = { 8, 1, 5, 5 }, b1[1] = { 8 }, w2[4] = { 4, 8, 3, 3 }, b2[1] = { 4 },
        w3[4] = { 9, 4, 3, 3 }, b3[1] = { 9 };
    sr_test_model_add (m, "conv1.weight", 4, w1, NULL, rand);
    sr_test_model_add (m, "conv1.bias", 1, b1, NULL, rand);
    sr_test_model_add (m, "conv2.weight", 4, w2, NULL, rand);
    sr_test_model_add (m, "conv2.bias", 1, b2, NULL, rand);
    sr_test_model_add (m, "conv3.weight", 4, w3, NULL, rand);
    sr_test_model_add (m, "conv3.bias", 1, b3, NULL, rand);
    g_autoptr (GBytes) b = sr_test_model_serialize (m);
    expect_error (b, SR_ERROR_BAD_SHAPE, "conv3.weight");
  }
  {
    g_autoptr (SrTestModel) m = sr_test_model_new ();
    sr_test_model_set_metadata (m, "family", "espcn");
    sr_test_model_set_metadata (m, "scale", "2");
    gint64 w1[4] = { 8, 1, 5, 5 };
    sr_test_model_add (m, "conv1.weight", 4, w1, NULL, rand);
    g_autoptr (GBytes) b = sr_test_model_serialize (m);
    expect_error (b, SR_ERROR_BAD_SHAPE, "conv1.bias");
  }
}

static void
test_nan (void)
{
  g_autoptr (SrTestModel) m = sr_test_model_new ();
  sr_test_model_set_metadata (m, "family", "espcn");
  sr_test_model_set_metadata (m, "scale", "2");
  /* a tensor's values are read (and checked) when the family uses it */
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  gint64 wshape[4] = { 3, 1, 5, 5 };
  sr_test_model_add (m, "conv1.weight", 4, wshape, NULL, rand);
  float v[3] = { 1.f, NAN, 0.f };
  gint64 shape[1] = { 3 };
  sr_test_model_add (m, "conv1.bias", 1, shape, v, NULL);
  g_autoptr (GBytes) b = sr_test_model_serialize (m);
  expect_error (b, SR_ERROR_BAD_VALUE, "conv1.bias");
}

/* Random byte flips of a valid file: whatever the loader says, it must not crash
 * (this runs under valgrind / ASan in CI's memory check). */
static void
test_random_corruption (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (4);
  g_autoptr (GBytes) bytes = sr_test_espcn (2, 8, 4, 3, 3, 3, rand);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  for (int trial = 0; trial < 3000; trial++) {
    guint8 *copy = g_memdup2 (data, len);
    int flips = g_rand_int_range (rand, 1, 4);
    for (int f = 0; f < flips; f++)
      copy[g_rand_int_range (rand, 0, (gint32) MIN (len, 300))] = g_rand_int_range (rand, 0, 256);
    g_autoptr (GBytes) b = g_bytes_new_take (copy, len);
    g_autoptr (GError) error = NULL;
    SrModel *model = load (b, &error);
    g_assert_true ((model == NULL) != (error == NULL));
    sr_model_free (model);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/loader/valid", test_valid);
  g_test_add_func ("/loader/lesrcnn", test_lesrcnn);
  g_test_add_func ("/loader/missing-file", test_missing_file);
  g_test_add_func ("/loader/truncated", test_truncated);
  g_test_add_func ("/loader/bad-headers", test_bad_headers);
  g_test_add_func ("/loader/wrong-family-and-shape", test_wrong_family_and_shape);
  g_test_add_func ("/loader/nan", test_nan);
  g_test_add_func ("/loader/random-corruption", test_random_corruption);
  return g_test_run ();
}
