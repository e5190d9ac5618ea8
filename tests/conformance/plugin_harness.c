/* The plugin tests' harness (see plugin_harness.h). */
#define _POSIX_C_SOURCE 200809L
#include "tests/conformance/plugin_harness.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/c/test_util.h"

int g_err_code;
char g_err_msg[8192];

static int fake_error_set(int code, const char *fmt, ...)
{
    va_list ap;

    g_err_code = code;
    va_start(ap, fmt);
    vsnprintf(g_err_msg, sizeof g_err_msg, fmt, ap);
    va_end(ap);
    return code;
}

const nda_host_api g_fake_host = {NDA_BACKEND_ABI_VERSION, fake_error_set};

void err_clear(void)
{
    g_err_code = 0;
    g_err_msg[0] = '\0';
}

double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

char *runfile(const char *rel)
{
    const char *srcdir = getenv("TEST_SRCDIR");
    const char *ws = getenv("TEST_WORKSPACE");
    size_t n = strlen(rel) + (srcdir ? strlen(srcdir) : 0) + (ws ? strlen(ws) : 0) + 32;
    char *p = malloc(n);

    if (srcdir != NULL && srcdir[0] != '\0')
        snprintf(p, n, "%s/%s/%s", srcdir, ws && ws[0] ? ws : "ndaccel", rel);
    else
        snprintf(p, n, "bazel-bin/%s", rel);
    return p;
}

/* Prints the last plugin error after a failed check's line. */
static void last_error_context(FILE *out)
{
    fprintf(out, "    (last plugin error %d: %s)\n", g_err_code, g_err_msg);
}

const nda_backend_ops *plugin_open(const char *path, const char *name, nda_dialect dialect,
                                   const char *const *hidden, void **so)
{
    /* backends/common's code is linked into every plugin, hidden. */
    static const char *const common[] = {"nda_plugin_error_set", "nda_plugin_host_set",
                                         "nda_dl_load", NULL};
    const nda_backend_ops *ops;
    nda_backend_entry_fn entry;

    g_check_context = last_error_context;
    *so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (*so == NULL) {
        CHECKF(0, "dlopen(%s): %s", path, dlerror());
        return NULL;
    }
    entry = (nda_backend_entry_fn)dlsym(*so, NDA_BACKEND_ENTRY_SYMBOL);
    CHECK(entry != NULL);
    for (size_t i = 0; common[i] != NULL; i++)
        CHECKF(dlsym(*so, common[i]) == NULL, "%s is exported", common[i]);
    for (size_t i = 0; hidden != NULL && hidden[i] != NULL; i++)
        CHECKF(dlsym(*so, hidden[i]) == NULL, "%s is exported", hidden[i]);
    ops = entry != NULL ? entry() : NULL;
    CHECK(ops != NULL);
    if (ops == NULL)
        return NULL;
    CHECK(ops->abi_version == NDA_BACKEND_ABI_VERSION);
    CHECK(strcmp(ops->name, name) == 0);
    CHECK(ops->dialect == dialect);
    return ops;
}
