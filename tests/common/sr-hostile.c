/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sr-hostile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static void
write_all (int fd, const void *p, gsize len)
{
  const guint8 *b = p;
  while (len > 0) {
    ssize_t n = write (fd, b, len);
    if (n <= 0)
      g_error ("write: %s", g_strerror (errno));
    b += n;
    len -= n;
  }
}

void
sr_hostile_write (const char *path, const char *header, const void *data,
    gsize data_len, guint64 total_data)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    g_error ("%s: %s", path, g_strerror (errno));
  guint64 n = GUINT64_TO_LE (strlen (header));
  write_all (fd, &n, 8);
  write_all (fd, header, strlen (header));
  if (data_len)
    write_all (fd, data, data_len);
  if (ftruncate (fd, 8 + strlen (header) + MAX (total_data, data_len)) != 0)
    g_error ("ftruncate: %s", g_strerror (errno));
  close (fd);
}

char *
sr_hostile_split (GBytes *model, const guint8 **data, gsize *data_len)
{
  gsize len;
  const guint8 *b = g_bytes_get_data (model, &len);
  guint64 n;
  memcpy (&n, b, 8);
  n = GUINT64_FROM_LE (n);
  g_assert_cmpuint (n + 8, <=, len);
  char *header = g_strndup ((const char *) b + 8, n);
  g_strchomp (header);
  g_assert_true (g_str_has_suffix (header, "}"));
  header[strlen (header) - 1] = '\0';
  *data = b + 8 + n;
  *data_len = len - 8 - n;
  return header;
}

long
sr_hostile_max_rss_mb (void)
{
  struct rusage u;
  getrusage (RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

void
sr_hostile_begin (SrHostileBound *b, const char *what)
{
  b->what = what;
  b->max_seconds = SR_HOSTILE_MAX_SECONDS;
  b->start_us = g_get_monotonic_time ();
}

/* Under valgrind (meson test --setup valgrind) code runs 20 to 50 times slower. */
static gboolean
under_valgrind (void)
{
  const char *preload = g_getenv ("LD_PRELOAD");
  return preload && strstr (preload, "vgpreload") != NULL;
}

void
sr_hostile_end (SrHostileBound *b)
{
  double s = (g_get_monotonic_time () - b->start_us) / 1e6;
  double max_s = b->max_seconds * (under_valgrind () ? 30 : 1);
  long rss = sr_hostile_max_rss_mb ();
  g_test_message ("%s: %.3f s, peak RSS %ld MB", b->what, s, rss);
  if (s > max_s)
    g_error ("%s took %.1f s (at most %.0f)", b->what, s, max_s);
  if (rss > SR_HOSTILE_MAX_RSS_MB)
    g_error ("%s: peak RSS %ld MB (at most %d)", b->what, rss, SR_HOSTILE_MAX_RSS_MB);
}
