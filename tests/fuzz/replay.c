/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Replays the fuzz target over every file of the directories (or files) given: the
 * seed corpus and each crash the fuzzer ever found (tests/fuzz/regressions/), in the
 * ordinary build and its sanitizer and valgrind runs. */
#include <glib.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
replay (const char *path)
{
  char *contents;
  gsize len;
  GError *error = NULL;
  if (!g_file_get_contents (path, &contents, &len, &error))
    g_error ("%s", error->message);
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, len);
  g_free (contents);
  return 1;
}

int
main (int argc, char **argv)
{
  int n = 0;
  for (int i = 1; i < argc; i++) {
    if (!g_file_test (argv[i], G_FILE_TEST_IS_DIR)) {
      n += replay (argv[i]);
      continue;
    }
    GDir *dir = g_dir_open (argv[i], 0, NULL);
    const char *name;
    while (dir && (name = g_dir_read_name (dir))) {
      if (name[0] == '.' || g_str_has_suffix (name, ".md"))
        continue;
      char *path = g_build_filename (argv[i], name, NULL);
      n += replay (path);
      g_free (path);
    }
    if (dir)
      g_dir_close (dir);
  }
  g_print ("%d inputs replayed, none crashed\n", n);
  return n > 0 ? 0 : 1;
}
