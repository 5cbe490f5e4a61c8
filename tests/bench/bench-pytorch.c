/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bench-pytorch.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* Debian's python3-torch is installed for this interpreter only. */
#define PYTHON "/usr/bin/python3"
/* bench_pytorch.py's exit status when torch cannot be imported */
#define EXIT_NO_TORCH 3

static void
result_free (gpointer data)
{
  BenchPytorchResult *r = data;
  g_free (r->model);
  g_free (r->mode);
  g_free (r);
}

/* PyTorch's allocator returns big tensors to the system and maps them again on
 * every call; with glibc's malloc on transparent huge pages it is about three
 * times as fast on this machine. Its best settings, not ours, are the comparison. */
static char **
child_environment (const char *const *vars)
{
  char **env = bench_environ_with (vars);
  const char *tunables = g_environ_getenv (env, "GLIBC_TUNABLES");
  char *value = tunables && *tunables
      ? g_strconcat (tunables, ":glibc.malloc.hugetlb=1", NULL)
      : g_strdup ("glibc.malloc.hugetlb=1");
  env = g_environ_setenv (env, "GLIBC_TUNABLES", value, TRUE);
  g_free (value);
  return env;
}

static char **
child_argv (const char *script, char **model_paths, const BenchOptions *opt)
{
  GPtrArray *argv = g_ptr_array_new ();
  g_ptr_array_add (argv, g_strdup (PYTHON));
  g_ptr_array_add (argv, g_strdup (script));
  for (char **p = model_paths; *p; p++) {
    g_ptr_array_add (argv, g_strdup ("--model"));
    g_ptr_array_add (argv, g_strdup (*p));
  }
  g_ptr_array_add (argv, g_strdup_printf ("--sizes=%s", opt->sizes));
  g_ptr_array_add (argv, g_strdup_printf ("--frames=%d", opt->frames));
  char seconds[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_dtostr (seconds, sizeof seconds, opt->seconds);
  g_ptr_array_add (argv, g_strdup_printf ("--seconds=%s", seconds));
  g_ptr_array_add (argv, g_strdup_printf ("--threads=%d", opt->n_threads));
  if (opt->quick)
    g_ptr_array_add (argv, g_strdup ("--warmup=1"));
  g_ptr_array_add (argv, NULL);
  return (char **) g_ptr_array_free (argv, FALSE);
}

/* One output line: a result, the setup line, or an error the script reports. */
static void
parse_line (const char *line, GPtrArray *results, char **setup, GString *errors)
{
  JsonParser *parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, line, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
    g_object_unref (parser);
    return;
  }
  JsonObject *o = json_node_get_object (json_parser_get_root (parser));
  if (json_object_has_member (o, "torch")) {
    g_free (*setup);
    *setup = g_strdup_printf ("torch %s, %" G_GINT64_FORMAT " threads, mkldnn %s, "
        "GLIBC_TUNABLES=%s", json_object_get_string_member (o, "torch"),
        json_object_get_int_member (o, "threads"),
        json_object_get_boolean_member (o, "mkldnn") ? "yes" : "no",
        json_object_get_string_member_with_default (o, "glibc_tunables", ""));
  } else if (json_object_has_member (o, "error")) {
    g_string_append_printf (errors, "%s%s", errors->len ? "; " : "",
        json_object_get_string_member (o, "error"));
  } else if (json_object_has_member (o, "fps")) {
    BenchPytorchResult *r = g_new0 (BenchPytorchResult, 1);
    r->model = g_strdup (json_object_get_string_member (o, "model"));
    r->mode = g_strdup (json_object_get_string_member (o, "mode"));
    r->width = json_object_get_int_member (o, "width");
    r->height = json_object_get_int_member (o, "height");
    r->timing.frames = json_object_get_int_member (o, "frames");
    r->timing.seconds = json_object_get_double_member (o, "seconds");
    r->timing.cpu_seconds = json_object_get_double_member_with_default (o,
        "cpu_seconds", 0);
    g_ptr_array_add (results, r);
  }
  g_object_unref (parser);
}

BenchPytorchStatus
bench_pytorch_run (const char *script, char **model_paths, const BenchOptions *opt,
    const char *const *vars, GPtrArray *results, char **setup, char **message)
{
  g_ptr_array_set_free_func (results, result_free);
  char **argv = child_argv (script, model_paths, opt);
  char **env = child_environment (vars);
  char *out = NULL;
  int status = 0;
  GError *error = NULL;
  /* stderr is inherited: Python's tracebacks and warnings reach the terminal */
  gboolean spawned = g_spawn_sync (NULL, argv, env, G_SPAWN_DEFAULT, NULL, NULL,
      &out, NULL, &status, &error);
  g_strfreev (argv);
  g_strfreev (env);
  if (!spawned) {
    *message = g_strdup_printf ("cannot run " PYTHON ": %s", error->message);
    g_error_free (error);
    return BENCH_PYTORCH_NOT_INSTALLED;
  }
  GString *errors = g_string_new (NULL);
  char **lines = g_strsplit (out, "\n", -1);
  for (char **l = lines; *l; l++)
    if (**l)
      parse_line (*l, results, setup, errors);
  g_strfreev (lines);
  g_free (out);

  BenchPytorchStatus ret = BENCH_PYTORCH_OK;
  if (WIFEXITED (status) && WEXITSTATUS (status) == EXIT_NO_TORCH)
    ret = BENCH_PYTORCH_NOT_INSTALLED;
  else if (!g_spawn_check_wait_status (status, NULL) || results->len == 0)
    ret = BENCH_PYTORCH_FAILED;
  if (errors->len || ret != BENCH_PYTORCH_OK)
    *message = g_strdup (errors->len ? errors->str : "bench_pytorch.py failed");
  g_string_free (errors, TRUE);
  return ret;
}

const BenchPytorchResult *
bench_pytorch_best (GPtrArray *results, const char *model, int width, int height)
{
  const BenchPytorchResult *best = NULL;
  for (guint i = 0; i < results->len; i++) {
    const BenchPytorchResult *r = g_ptr_array_index (results, i);
    if (strcmp (r->model, model) != 0 || r->width != width || r->height != height)
      continue;
    if (best == NULL || bench_timing_fps (&r->timing) > bench_timing_fps (&best->timing))
      best = r;
  }
  return best;
}

struct _BenchPytorchServer {
  GPid pid;
  FILE *to, *from;
  char *mode;
};

/* The next line of the child that is a JSON object with @member, or NULL (end of
 * its output). */
static JsonObject *
read_object (BenchPytorchServer *s, const char *member, JsonParser *parser)
{
  char line[4096];
  while (fgets (line, sizeof line, s->from)) {
    if (!json_parser_load_from_data (parser, line, -1, NULL)
        || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
      continue;
    JsonObject *o = json_node_get_object (json_parser_get_root (parser));
    if (json_object_has_member (o, member))
      return o;
  }
  return NULL;
}

BenchPytorchServer *
bench_pytorch_serve (const char *script, const char *model_path, int width, int height,
    const BenchOptions *opt, GError **error)
{
  char *paths[] = { (char *) model_path, NULL };
  BenchOptions one = *opt;
  char *size = g_strdup_printf ("%dx%d", width, height);
  one.sizes = size;
  if (opt->quick)
    one.seconds = 0.2;   /* each mode's trial */
  char **argv = child_argv (script, paths, &one);
  g_free (size);
  /* argv ends in NULL: --serve goes in its place */
  guint n = g_strv_length (argv);
  argv = g_renew (char *, argv, n + 2);
  argv[n] = g_strdup ("--serve");
  argv[n + 1] = NULL;
  char **env = child_environment (NULL);
  BenchPytorchServer *s = g_new0 (BenchPytorchServer, 1);
  int in_fd, out_fd;
  gboolean spawned = g_spawn_async_with_pipes (NULL, argv, env, G_SPAWN_DO_NOT_REAP_CHILD,
      NULL, NULL, &s->pid, &in_fd, &out_fd, NULL, error);
  g_strfreev (argv);
  g_strfreev (env);
  if (!spawned) {
    g_free (s);
    return NULL;
  }
  s->to = fdopen (in_fd, "w");
  s->from = fdopen (out_fd, "r");
  JsonParser *parser = json_parser_new ();
  JsonObject *o = read_object (s, "serving", parser);
  if (o)
    s->mode = g_strdup (json_object_get_string_member (o, "serving"));
  g_object_unref (parser);
  if (s->mode == NULL) {
    g_set_error (error, BENCH_ERROR, 0, "bench_pytorch.py --serve did not start");
    bench_pytorch_server_free (s);
    return NULL;
  }
  return s;
}

const char *
bench_pytorch_server_mode (const BenchPytorchServer *server)
{
  return server->mode;
}

gboolean
bench_pytorch_server_frame (BenchPytorchServer *s, double *seconds, double *cpu_seconds,
    GError **error)
{
  fputs ("frame\n", s->to);
  fflush (s->to);
  JsonParser *parser = json_parser_new ();
  JsonObject *o = read_object (s, "seconds", parser);
  if (o) {
    *seconds = json_object_get_double_member (o, "seconds");
    *cpu_seconds = json_object_get_double_member (o, "cpu_seconds");
  } else
    g_set_error (error, BENCH_ERROR, 0, "bench_pytorch.py --serve stopped answering");
  g_object_unref (parser);
  return o != NULL;
}

void
bench_pytorch_server_free (BenchPytorchServer *s)
{
  if (s == NULL)
    return;
  /* end of its input ends it */
  if (s->to)
    fclose (s->to);
  if (s->from)
    fclose (s->from);
  int status;
  waitpid (s->pid, &status, 0);
  g_spawn_close_pid (s->pid);
  g_free (s->mode);
  g_free (s);
}
