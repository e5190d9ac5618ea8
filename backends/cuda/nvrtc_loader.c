/* NVRTC loading (dlopen + symbol table), target choice and compilation. */
#define _GNU_SOURCE
#include "backends/cuda/nvrtc_loader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nda/error.h"

/* Characters of the compile log quoted in an error message. */
#define NDA_NVRTC_LOG_EXCERPT 2000
#define NDA_NVRTC_MAX_OPTS 64

#if defined(__aarch64__)
#define NDA_CUDA_TARGET_LIB "targets/sbsa-linux/lib"
#else
#define NDA_CUDA_TARGET_LIB "targets/x86_64-linux/lib"
#endif

static nda_nvrtc nda_nvrtc_table;
static const nda_nvrtc *nda_nvrtc_loaded;
static char nda_nvrtc_why[2048];
static pthread_once_t nda_nvrtc_once = PTHREAD_ONCE_INIT;

static const char *const nda_nvrtc_names[] = {
    "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so.11.1",
    "libnvrtc.so.11.0", "libnvrtc.so",
};

typedef struct nda_nvrtc_sym {
    const char *name;
    size_t offset;
    int required;
} nda_nvrtc_sym;

#define NDA_NVRTC_SYM(sym, member, req) {sym, offsetof(nda_nvrtc, member), req}
static const nda_nvrtc_sym nda_nvrtc_syms[] = {
    NDA_NVRTC_SYM("nvrtcVersion", Version, 1),
    NDA_NVRTC_SYM("nvrtcGetErrorString", GetErrorString, 1),
    NDA_NVRTC_SYM("nvrtcCreateProgram", CreateProgram, 1),
    NDA_NVRTC_SYM("nvrtcDestroyProgram", DestroyProgram, 1),
    NDA_NVRTC_SYM("nvrtcCompileProgram", CompileProgram, 1),
    NDA_NVRTC_SYM("nvrtcGetProgramLogSize", GetProgramLogSize, 1),
    NDA_NVRTC_SYM("nvrtcGetProgramLog", GetProgramLog, 1),
    NDA_NVRTC_SYM("nvrtcGetPTXSize", GetPTXSize, 1),
    NDA_NVRTC_SYM("nvrtcGetPTX", GetPTX, 1),
    NDA_NVRTC_SYM("nvrtcGetCUBINSize", GetCUBINSize, 0),
    NDA_NVRTC_SYM("nvrtcGetCUBIN", GetCUBIN, 0),
    NDA_NVRTC_SYM("nvrtcGetNumSupportedArchs", GetNumSupportedArchs, 0),
    NDA_NVRTC_SYM("nvrtcGetSupportedArchs", GetSupportedArchs, 0),
};

static void nda_nvrtc_appendf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void nda_nvrtc_appendf(char *buf, size_t len, const char *fmt, ...)
{
    size_t at = strlen(buf);
    va_list ap;

    if (at + 1 >= len)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + at, len - at, fmt, ap);
    va_end(ap);
}

/* Resolves the table from `lib`; 0 and a message when a required symbol is
 * missing. */
static int nda_nvrtc_resolve(void *lib, nda_nvrtc *t, char *why, size_t len)
{
    for (size_t i = 0; i < sizeof nda_nvrtc_syms / sizeof nda_nvrtc_syms[0]; i++) {
        void *sym = dlsym(lib, nda_nvrtc_syms[i].name);
        if (sym == NULL && nda_nvrtc_syms[i].required) {
            snprintf(why, len, "%s has no %s", t->path, nda_nvrtc_syms[i].name);
            return 0;
        }
        memcpy((char *)t + nda_nvrtc_syms[i].offset, &sym, sizeof sym);
    }
    return 1;
}

/* Tries one name or path; 1 when loaded and resolved. */
static int nda_nvrtc_try(const char *name, char *tried, size_t tlen)
{
    void *lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    char why[600];
    nda_nvrtc t;

    if (lib == NULL) {
        const char *e = dlerror();
        /* Keep the list short: "No such file" for plain misses. */
        if (e != NULL && strstr(e, "No such file") == NULL)
            nda_nvrtc_appendf(tried, tlen, "%s%s", tried[0] ? "; " : "", e);
        return 0;
    }
    memset(&t, 0, sizeof t);
    snprintf(t.path, sizeof t.path, "%s", name);
    {
        /* The path the loader actually picked, for messages. */
        Dl_info info;
        void *v = dlsym(lib, "nvrtcVersion");
        if (v != NULL && dladdr(v, &info) && info.dli_fname != NULL)
            snprintf(t.path, sizeof t.path, "%s", info.dli_fname);
    }
    why[0] = '\0';
    if (!nda_nvrtc_resolve(lib, &t, why, sizeof why) ||
        t.Version(&t.major, &t.minor) != NVRTC_SUCCESS) {
        if (why[0] == '\0')
            snprintf(why, sizeof why, "%s: nvrtcVersion failed", t.path);
        nda_nvrtc_appendf(tried, tlen, "%s%s", tried[0] ? "; " : "", why);
        dlclose(lib);
        return 0;
    }
    nda_nvrtc_table = t;
    return 1;
}

static void nda_nvrtc_load_once(void)
{
    const char *roots[5];
    char tried[1024] = "";
    char path[1024];
    int nroots = 0;
    size_t nnames = sizeof nda_nvrtc_names / sizeof nda_nvrtc_names[0];

    for (size_t i = 0; i < nnames; i++)
        if (nda_nvrtc_try(nda_nvrtc_names[i], tried, sizeof tried))
            goto ok;
    roots[nroots++] = getenv("CUDA_PATH");
    roots[nroots++] = getenv("CUDA_HOME");
#ifdef NDA_CUDA_PATH
    roots[nroots++] = NDA_CUDA_PATH;
#endif
    roots[nroots++] = "/usr/local/cuda";
    for (int r = 0; r < nroots; r++) {
        static const char *const subdirs[] = {"lib64", NDA_CUDA_TARGET_LIB, "lib"};
        if (roots[r] == NULL || roots[r][0] == '\0')
            continue;
        for (size_t s = 0; s < sizeof subdirs / sizeof subdirs[0]; s++)
            for (size_t i = 0; i < nnames; i++) {
                snprintf(path, sizeof path, "%s/%s/%s", roots[r], subdirs[s], nda_nvrtc_names[i]);
                if (nda_nvrtc_try(path, tried, sizeof tried))
                    goto ok;
            }
    }
    snprintf(nda_nvrtc_why, sizeof nda_nvrtc_why,
             "NVRTC not found (tried libnvrtc.so.13/.12/.11.x/.so on the library path and in "
             "$CUDA_PATH, $CUDA_HOME, /usr/local/cuda)%s%s",
             tried[0] ? ": " : "", tried);
    return;
ok:
    nda_nvrtc_loaded = &nda_nvrtc_table;
}

const nda_nvrtc *nda_nvrtc_load(char *why, size_t len)
{
    pthread_once(&nda_nvrtc_once, nda_nvrtc_load_once);
    if (nda_nvrtc_loaded == NULL && why != NULL && len > 0)
        snprintf(why, len, "%s", nda_nvrtc_why);
    return nda_nvrtc_loaded;
}

/* ---- target ---- */

int nda_nvrtc_target(const nda_nvrtc *nv, int major, int minor, char *arch, size_t arch_len,
                     int *cubin, char *why, size_t len)
{
    int cc = major * 10 + minor, n = 0, best = 0, oldest = 0, exact = 0;
    int *archs = NULL;

    *cubin = 0;
    if (nv->GetNumSupportedArchs == NULL || nv->GetSupportedArchs == NULL) {
        /* NVRTC < 11.2 cannot list them: ask for SASS; nda_nvrtc_compile
         * falls back to PTX when the option is rejected. */
        snprintf(arch, arch_len, "sm_%d", cc);
        *cubin = nv->GetCUBIN != NULL;
        if (!*cubin)
            snprintf(arch, arch_len, "compute_%d", cc);
        return NDA_OK;
    }
    if (nv->GetNumSupportedArchs(&n) != NVRTC_SUCCESS || n <= 0 ||
        (archs = malloc((size_t)n * sizeof *archs)) == NULL ||
        nv->GetSupportedArchs(archs) != NVRTC_SUCCESS) {
        free(archs);
        snprintf(why, len, "nvrtcGetSupportedArchs failed (NVRTC %d.%d)", nv->major, nv->minor);
        return NDA_EBACKEND;
    }
    for (int i = 0; i < n; i++) {
        if (oldest == 0 || archs[i] < oldest)
            oldest = archs[i];
        if (archs[i] == cc)
            exact = 1;
        if (archs[i] <= cc && archs[i] > best)
            best = archs[i];
    }
    free(archs);
    if (exact && nv->GetCUBIN != NULL && nv->GetCUBINSize != NULL) {
        snprintf(arch, arch_len, "sm_%d", cc);
        *cubin = 1;
        return NDA_OK;
    }
    if (best == 0) {
        snprintf(why, len,
                 "NVRTC %d.%d cannot compile for compute capability %d.%d (oldest supported: "
                 "sm_%d)",
                 nv->major, nv->minor, major, minor, oldest);
        return NDA_ENODEV;
    }
    snprintf(arch, arch_len, "compute_%d", best);
    return NDA_OK;
}

/* ---- compile ---- */

void nda_nvrtc_output_free(nda_nvrtc_output *out)
{
    free(out->code);
    free(out->log);
    out->code = NULL;
    out->log = NULL;
    out->size = 0;
}

static char *nda_nvrtc_log_get(const nda_nvrtc *nv, nvrtcProgram prog)
{
    size_t n = 0;
    char *log;

    if (nv->GetProgramLogSize(prog, &n) != NVRTC_SUCCESS || n <= 1)
        return NULL;
    log = malloc(n + 1);
    if (log == NULL)
        return NULL;
    if (nv->GetProgramLog(prog, log) != NVRTC_SUCCESS) {
        free(log);
        return NULL;
    }
    log[n] = '\0';
    n = strlen(log);
    while (n > 0 && (log[n - 1] == '\n' || log[n - 1] == '\r' || log[n - 1] == ' ' ||
                     log[n - 1] == '\t'))
        log[--n] = '\0';
    if (n == 0) {
        free(log);
        return NULL;
    }
    return log;
}

/* Splits whitespace-separated `extra` into argv entries appended at argv[*n]
 * (pointers into the malloc'd copy *store). 0 when there are too many. */
static int nda_nvrtc_split(const char *extra, char **store, const char **argv, int *n, int max)
{
    char *s, *tok, *save = NULL;

    *store = NULL;
    if (extra == NULL || extra[0] == '\0')
        return 1;
    s = strdup(extra);
    if (s == NULL)
        return 0;
    *store = s;
    for (tok = strtok_r(s, " \t\n\r", &save); tok != NULL; tok = strtok_r(NULL, " \t\n\r", &save)) {
        if (*n >= max)
            return 0;
        argv[(*n)++] = tok;
    }
    return 1;
}

static int nda_nvrtc_fail(const nda_nvrtc *nv, nvrtcResult r, const char *call, char *why,
                          size_t len)
{
    snprintf(why, len, "%s failed: %s (%d)", call, nv->GetErrorString(r), (int)r);
    return r == NVRTC_ERROR_OUT_OF_MEMORY ? NDA_ENOMEM : NDA_EBACKEND;
}

/* One compile attempt with argv[0] = --gpu-architecture=<arch>. */
static int nda_nvrtc_compile_once(const nda_nvrtc *nv, const char *source, const char *name,
                                  const char **argv, int argc, int cubin,
                                  nda_nvrtc_output *out, nvrtcResult *cres, char *why,
                                  size_t len)
{
    nvrtcProgram prog = NULL;
    nvrtcResult r;
    size_t size = 0;
    int rc = NDA_OK;

    *cres = NVRTC_SUCCESS;
    r = nv->CreateProgram(&prog, source, name, 0, NULL, NULL);
    if (r != NVRTC_SUCCESS)
        return nda_nvrtc_fail(nv, r, "nvrtcCreateProgram", why, len);
    r = nv->CompileProgram(prog, argc, argv);
    *cres = r;
    free(out->log);
    out->log = nda_nvrtc_log_get(nv, prog);
    if (r != NVRTC_SUCCESS) {
        if (out->log != NULL)
            snprintf(why, len, "NVRTC compile failed: %.*s", NDA_NVRTC_LOG_EXCERPT, out->log);
        else
            snprintf(why, len, "NVRTC compile failed: nvrtcCompileProgram: %s (%d), no log",
                     nv->GetErrorString(r), (int)r);
        rc = r == NVRTC_ERROR_OUT_OF_MEMORY ? NDA_ENOMEM : NDA_ECOMPILE;
        goto out;
    }
    out->is_cubin = cubin && nv->GetCUBINSize != NULL && nv->GetCUBIN != NULL;
    r = out->is_cubin ? nv->GetCUBINSize(prog, &size) : nv->GetPTXSize(prog, &size);
    if (r != NVRTC_SUCCESS) {
        rc = nda_nvrtc_fail(nv, r, out->is_cubin ? "nvrtcGetCUBINSize" : "nvrtcGetPTXSize", why,
                            len);
        goto out;
    }
    if (size == 0) {
        snprintf(why, len, "NVRTC produced no %s", out->is_cubin ? "CUBIN" : "PTX");
        rc = NDA_EBACKEND;
        goto out;
    }
    out->code = malloc(size + 1);
    if (out->code == NULL) {
        snprintf(why, len, "out of host memory for %zu bytes of compiled code", size);
        rc = NDA_ENOMEM;
        goto out;
    }
    r = out->is_cubin ? nv->GetCUBIN(prog, out->code) : nv->GetPTX(prog, out->code);
    if (r != NVRTC_SUCCESS) {
        rc = nda_nvrtc_fail(nv, r, out->is_cubin ? "nvrtcGetCUBIN" : "nvrtcGetPTX", why, len);
        free(out->code);
        out->code = NULL;
        goto out;
    }
    if (!out->is_cubin && ((char *)out->code)[size - 1] != '\0')
        ((char *)out->code)[size++] = '\0'; /* PTX must be NUL-terminated */
    out->size = size;
out:
    nv->DestroyProgram(&prog);
    return rc;
}

int nda_nvrtc_compile(const nda_nvrtc *nv, const char *source, const char *name,
                      const char *arch, int cubin, const char *const *opts, int nopts,
                      const char *extra, nda_nvrtc_output *out, char *why, size_t len)
{
    const char *argv[NDA_NVRTC_MAX_OPTS];
    char archopt[64];
    char *store = NULL;
    nvrtcResult cres;
    int argc = 0, rc;

    memset(out, 0, sizeof *out);
    why[0] = '\0';
    snprintf(archopt, sizeof archopt, "--gpu-architecture=%s", arch);
    argv[argc++] = archopt;
    for (int i = 0; i < nopts && argc < NDA_NVRTC_MAX_OPTS; i++)
        argv[argc++] = opts[i];
    if (!nda_nvrtc_split(extra, &store, argv, &argc, NDA_NVRTC_MAX_OPTS)) {
        free(store);
        snprintf(why, len, "NVRTC compile failed: more than %d options", NDA_NVRTC_MAX_OPTS);
        return NDA_ECOMPILE;
    }
    rc = nda_nvrtc_compile_once(nv, source, name ? name : "nda_kernel.cu", argv, argc,
                                cubin && strncmp(arch, "sm_", 3) == 0, out, &cres, why, len);
    /* An NVRTC too old to list its architectures may not know sm_XY: retry
     * for the virtual architecture (PTX). */
    if (rc == NDA_ECOMPILE && cres == NVRTC_ERROR_INVALID_OPTION &&
        nv->GetSupportedArchs == NULL && strncmp(arch, "sm_", 3) == 0) {
        snprintf(archopt, sizeof archopt, "--gpu-architecture=compute_%s", arch + 3);
        rc = nda_nvrtc_compile_once(nv, source, name ? name : "nda_kernel.cu", argv, argc, 0,
                                    out, &cres, why, len);
    }
    free(store);
    if (rc != NDA_OK) {
        free(out->code);
        out->code = NULL;
        out->size = 0;
    }
    return rc;
}
