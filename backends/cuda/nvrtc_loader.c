/* NVRTC loading (dl_library.h), target choice and compilation. */
#define _GNU_SOURCE
#include "backends/cuda/nvrtc_loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/common/dl_library.h"
#include "backends/cuda/cuda_toolkit.h"
#include "nda/error.h"

/* Characters of the compile log quoted in an error message. */
#define NDA_NVRTC_LOG_EXCERPT 2000
#define NDA_NVRTC_MAX_OPTS 64

#define NDA_NVRTC_SYM(sym, member, req) NDA_DL_SYM(nda_nvrtc, member, sym, req)
/* nvrtcVersion first: its file is the one named in messages. */
static const nda_dl_symbol nda_nvrtc_syms[] = {
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

static const char *const nda_nvrtc_names[] = {
    "libnvrtc.so.13",   "libnvrtc.so.12",   "libnvrtc.so.11.2", "libnvrtc.so.11.1",
    "libnvrtc.so.11.0", "libnvrtc.so",      NULL,
};

/* Keeps a library whose nvrtcVersion answers; records path and version. */
static int nda_nvrtc_accept(const char *path, void *table, char *why, size_t len)
{
    nda_nvrtc *t = table;

    snprintf(t->path, sizeof t->path, "%s", path);
    if (t->Version(&t->major, &t->minor) != NVRTC_SUCCESS) {
        snprintf(why, len, "%s: nvrtcVersion failed", path);
        return 0;
    }
    return 1;
}

static nda_nvrtc nda_nvrtc_table;

/* Searched at most once per process: a failure is final, and every later
 * call answers with its reason. */
static nda_dl_library nda_nvrtc_library = {
    .what = "NVRTC",
    .names = nda_nvrtc_names,
    .dir = nda_cuda_toolkit_dir,
    NDA_DL_SYMBOLS(nda_nvrtc_syms),
    NDA_DL_TABLE(nda_nvrtc_table),
    .accept = nda_nvrtc_accept,
    .remember_failure = 1,
    .lock = PTHREAD_MUTEX_INITIALIZER,
};

const nda_nvrtc *nda_nvrtc_load(char *why, size_t len)
{
    return nda_dl_load(&nda_nvrtc_library, why, len) == NDA_OK ? &nda_nvrtc_table : NULL;
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
