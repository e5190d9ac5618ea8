/* What a backend plugin test needs besides its checks: the plugin opened
 * as the core opens it, a host api that records the last error the plugin
 * reported, files from the Bazel runfiles, and a clock.
 *
 * Checks are tests/c/test_util.h's (CHECK and the counters shared by every
 * file of the test). plugin_open makes a failed check also print the last
 * plugin error. Files using this header define _POSIX_C_SOURCE 200809L
 * (or more) before any #include. */
#ifndef NDA_PLUGIN_HARNESS_H
#define NDA_PLUGIN_HARNESS_H

#include "nda/backend.h"

/* The last error reported through g_fake_host (code 0, "" after
 * err_clear). */
extern int g_err_code;
extern char g_err_msg[8192];

/* The host api given to ops->init: error_set records into g_err_*. */
extern const nda_host_api g_fake_host;

void err_clear(void);

/* Monotonic seconds. */
double now_s(void);

/* A malloc'd path to `rel` (relative to the workspace root, e.g.
 * "backends/opencl/libndaccel_opencl.so"): in the Bazel runfiles under a
 * test, else below bazel-bin (run from the workspace root). */
char *runfile(const char *rel);

/* dlopens the plugin at `path` (RTLD_NOW | RTLD_LOCAL; it stays loaded) and
 * returns its ops table, checking that nda_backend_entry is exported, that
 * every name in hidden[] (NULL-terminated) and the plugins' shared
 * internals are not, and the table's ABI version, name and dialect. NULL
 * (a failed check) when it cannot be opened. *so receives the handle. */
const nda_backend_ops *plugin_open(const char *path, const char *name, nda_dialect dialect,
                                   const char *const *hidden, void **so);

#endif
