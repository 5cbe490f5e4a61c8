/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The table the plugin describes its built-in models from (generated from the
 * files' headers at build time, so that registration reads no weights) must say
 * what the built-in models themselves say. */
#include <string.h>

#include "srupscale-model-table.h"
#include "srupscale-models.h"

static void
test_table_matches_models (void)
{
  g_assert_cmpuint (srupscale_model_table_length, >, 0);
  for (gsize i = 0; i < srupscale_model_table_length; i++) {
    const SrupscaleModelInfo *row = &srupscale_model_table[i];
    GstSrUpscaleModel family = 0;
    while (strcmp (srupscale_model_family_name (family), "unknown") != 0
        && strcmp (srupscale_model_family_name (family), row->family) != 0)
      family++;
    g_assert_cmpstr (srupscale_model_family_name (family), ==, row->family);
    g_autoptr (GError) error = NULL;
    g_autoptr (SrModel) model = srupscale_builtin_model_load (family, row->scale, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (sr_model_get_family (model), ==, row->family);
    g_assert_cmpint (sr_model_get_scale (model), ==, row->scale);
    g_assert_cmpuint (sr_model_get_n_params (model), ==, row->n_params);
    g_assert_cmpstr (sr_model_get_metadata (model, "set5_psnr_pytorch"), ==, row->set5_psnr);
  }
}

/* Every built-in model has its row: "espcn x2, ..." names as many as the table. */
static void
test_every_model_has_a_row (void)
{
  g_auto (GStrv) names = g_strsplit (srupscale_builtin_models (), ", ", -1);
  g_assert_cmpuint (g_strv_length (names), ==, srupscale_model_table_length);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model-table/matches-models", test_table_matches_models);
  g_test_add_func ("/model-table/every-model-has-a-row", test_every_model_has_a_row);
  return g_test_run ();
}
