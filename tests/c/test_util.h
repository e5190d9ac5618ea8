/* Shared helpers for the C tests (core, kernels and the backend plugins):
 * the one set of CHECK macros, the pass/fail summary and the environment a
 * test needs to reach the OpenCL plugin under Bazel.
 *
 * Each test prints "N passed, M failed" last and exits non-zero on failure.
 * The counters are shared by every file of a test binary (weak definitions,
 * one copy after linking), so a test's checks may be spread over several
 * files that all include this header. A failed check prints its file, line
 * and condition, then whatever g_check_context prints when a test sets it
 * (the plugin tests print the last error the plugin reported).
 * KNOWN_BUG(cond) records a check that documents a known core bug: it is
 * reported on stderr but does not fail the test (it says so when the bug
 * looks fixed, so the marker can be turned back into a CHECK).
 *
 * Define _XOPEN_SOURCE 700 before any #include in a file using this header
 * (setenv, mkdir under -std=c11). */
#ifndef NDA_TEST_UTIL_H
#define NDA_TEST_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "nda/error.h"

__attribute__((weak)) int g_passed;
__attribute__((weak)) int g_failed;
__attribute__((weak)) int g_known;
/* Optional: more context for a failed check's line (NULL: none). */
__attribute__((weak)) void (*g_check_context)(FILE *out);

static inline void test_check_context(void)
{
    if (g_check_context != NULL)
        g_check_context(stderr);
}

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (cond) {                                                                      \
            g_passed++;                                                                  \
        } else {                                                                         \
            g_failed++;                                                                  \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);     \
            test_check_context();                                                        \
        }                                                                                \
    } while (0)

/* CHECK with a printf-style explanation on failure. */
#define CHECKF(cond, ...)                                                                \
    do {                                                                                 \
        if (cond) {                                                                      \
            g_passed++;                                                                  \
        } else {                                                                         \
            g_failed++;                                                                  \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);     \
            fprintf(stderr, __VA_ARGS__);                                                \
            fputc('\n', stderr);                                                         \
            test_check_context();                                                        \
        }                                                                                \
    } while (0)

/* An NDA_* status; prints the error record when it differs. */
#define CHECK_RC(expr, want)                                                             \
    do {                                                                                 \
        int rc_ = (expr);                                                                \
        if (rc_ == (want)) {                                                             \
            g_passed++;                                                                  \
        } else {                                                                         \
            g_failed++;                                                                  \
            fprintf(stderr, "%s:%d: %s returned %d (%s), want %d: %s\n", __FILE__,       \
                    __LINE__, #expr, rc_, nda_error_name(rc_), (int)(want),              \
                    nda_error_message());                                                \
            test_check_context();                                                        \
        }                                                                                \
    } while (0)

#define CHECK_OK(expr) CHECK_RC(expr, NDA_OK)

/* A check that a known core bug makes fail: reported, not counted as failed. */
#define KNOWN_BUG(cond, what)                                                            \
    do {                                                                                 \
        if (cond) {                                                                      \
            g_passed++;                                                                  \
            fprintf(stderr, "%s:%d: note: KNOWN BUG check now passes (fixed?): %s\n",    \
                    __FILE__, __LINE__, what);                                           \
        } else {                                                                         \
            g_known++;                                                                   \
            fprintf(stderr, "%s:%d: KNOWN BUG (not counted): %s: %s\n", __FILE__,        \
                    __LINE__, what, #cond);                                              \
        }                                                                                \
    } while (0)

static inline int test_summary(void)
{
    if (g_known) fprintf(stderr, "%d known-bug check(s) skipped\n", g_known);
    printf("%d passed, %d failed\n", g_passed, g_failed);
    fflush(stdout);
    return g_failed ? 1 : 0;
}

/* mkdir -p for one or two levels; ignores EEXIST. */
static inline void test_mkdir(const char *path)
{
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        fprintf(stderr, "mkdir %s: %s\n", path, strerror(errno));
}

/* A scratch directory for this run: $TEST_TMPDIR under Bazel, else a fresh
 * /tmp/ndaccel-test-<pid>. Written into buf (len bytes). */
static inline void test_tmpdir(char *buf, size_t len)
{
    const char *tmp = getenv("TEST_TMPDIR");
    if (tmp && tmp[0]) {
        snprintf(buf, len, "%s", tmp);
    } else {
        snprintf(buf, len, "/tmp/ndaccel-test-%ld", (long)getpid());
        test_mkdir(buf);
    }
}

/* Points the core at the OpenCL plugin and keeps every cache inside the
 * test's scratch directory. Call first in main(), before any core call.
 * cache_subdir names the disk kernel cache dir below the scratch dir.
 * Outside Bazel, an already set NDACCEL_PLUGIN_DIR is kept, else
 * bazel-bin/backends/opencl is tried. */
static inline void test_env_setup(const char *cache_subdir)
{
    char path[4096], tmp[2048];
    const char *srcdir = getenv("TEST_SRCDIR");
    const char *ws = getenv("TEST_WORKSPACE");
    if (srcdir && srcdir[0]) {
        snprintf(path, sizeof path, "%s/%s/backends/opencl", srcdir, ws && ws[0] ? ws : "ndaccel");
        setenv("NDACCEL_PLUGIN_DIR", path, 1);
    } else if (!getenv("NDACCEL_PLUGIN_DIR")) {
        setenv("NDACCEL_PLUGIN_DIR", "bazel-bin/backends/opencl", 1);
    }
    test_tmpdir(tmp, sizeof tmp);
    snprintf(path, sizeof path, "%s/pocl", tmp);
    test_mkdir(path);
    setenv("POCL_CACHE_DIR", path, 1);
    snprintf(path, sizeof path, "%s/%s", tmp, cache_subdir ? cache_subdir : "ndcache");
    setenv("NDACCEL_CACHE_DIR", path, 1);
    /* The sandbox has no writable HOME; keep anything XDG-based here too. */
    setenv("XDG_CACHE_HOME", tmp, 1);
    unsetenv("NDACCEL_DEVICE");
    unsetenv("NDACCEL_CACHE");
}

#endif
