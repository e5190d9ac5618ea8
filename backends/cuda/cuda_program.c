/* Programs (NVRTC build, binary export/import) and kernels.
 *
 * Handles: a program is an nda_cu_program (the loaded CUmodule plus the
 * CUBIN/PTX it was loaded from, for program_binary); a kernel is an
 * nda_cu_kernel (the CUfunction, owned by its module, and its parameter
 * sizes). */
#include "backends/cuda/cuda_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Options every program gets besides --gpu-architecture. --fmad=false:
 * no a*b+c contraction into FMA, so float arithmetic rounds like NumPy's
 * (the OpenCL backend does not contract either). */
static const char *const nda_cu_default_options[] = {"--fmad=false"};
const char nda_cu_default_options_tag[] = "--fmad=false";

typedef struct nda_cu_program {
    CUmodule module;
    unsigned char *code; /* CUBIN or NUL-terminated PTX */
    size_t size;
    int is_cubin;
    int arch; /* target, e.g. 90 for sm_90 / compute_90 */
} nda_cu_program;

/* program_binary wraps the CUBIN/PTX in an envelope so that program_load
 * rejects truncated, corrupted or foreign bytes before the driver sees them.
 * Layout (native byte order; binaries are machine specific anyway):
 *   char magic[8] = "NDACUDA1"; uint64 payload bytes; uint64 FNV-1a 64 of
 *   the payload; uint32 kind (1 CUBIN, 2 PTX); uint32 arch (e.g. 90);
 *   then the payload. */
#define NDA_CU_BIN_MAGIC "NDACUDA1"
#define NDA_CU_BIN_HEADER 32
#define NDA_CU_BIN_CUBIN 1u
#define NDA_CU_BIN_PTX 2u

static uint64_t nda_cu_fnv1a64(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static int nda_cu_arch_number(const char *arch)
{
    const char *p = strchr(arch, '_');
    return p != NULL ? atoi(p + 1) : 0;
}

/* Loads CUBIN/PTX into the current context (the caller entered `d`).
 * NDA_ECOMPILE when the driver rejects the image (with its JIT log),
 * NDA_ENOMEM when out of memory. */
static int nda_cu_module_load(nda_cu_device *d, const void *image, CUmodule *mod)
{
    const nda_cu_driver *drv = nda_cu_drv();
    const nda_nvrtc *nv = nda_cu_nvrtc();
    char jitlog[2048] = "";
    CUjit_option opts[2] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
    void *vals[2] = {jitlog, (void *)(uintptr_t)sizeof jitlog};
    char hint[160] = "";
    CUresult r = drv->ModuleLoadDataEx(mod, image, 2, opts, vals);

    if (r == CUDA_SUCCESS)
        return NDA_OK;
    *mod = NULL;
    jitlog[sizeof jitlog - 1] = '\0';
    if (r == CUDA_ERROR_OUT_OF_MEMORY)
        return nda_cu_error_cu(r, "cuModuleLoadDataEx", d);
    if (r == CUDA_ERROR_UNSUPPORTED_PTX_VERSION && nv != NULL)
        snprintf(hint, sizeof hint, " (the driver is older than NVRTC %d.%d)", nv->major,
                 nv->minor);
    return nda_plugin_error_set(NDA_ECOMPILE, "cuModuleLoadDataEx failed on %s: %s (%d)%s%s%s",
                                d->name, nda_cu_result_name(r), (int)r, hint, jitlog[0] ? ": " : "",
                                jitlog);
}

/* Wraps loaded code into a program handle: loads the module (entering the
 * device) and takes ownership of `code` on success. */
static int nda_cu_program_make(int dev, unsigned char *code, size_t size, int is_cubin, int arch,
                               void **program)
{
    nda_cu_device *d;
    nda_cu_program *p = NULL;
    CUmodule mod = NULL;
    int rc;

    if ((rc = nda_cu_device_enter(dev, &d)) != NDA_OK)
        return rc;
    rc = nda_cu_module_load(d, code, &mod);
    if (rc == NDA_OK && (p = malloc(sizeof *p)) == NULL) {
        nda_cu_drv()->ModuleUnload(mod);
        rc = nda_plugin_error_set(NDA_ENOMEM, "out of host memory");
    }
    nda_cu_device_leave(d);
    if (rc != NDA_OK)
        return rc;
    p->module = mod;
    p->code = code;
    p->size = size;
    p->is_cubin = is_cubin;
    p->arch = arch;
    *program = p;
    return NDA_OK;
}

int nda_cu_program_build(int dev, const char *source, const char *options, void **program,
                         char **log)
{
    nda_cu_device *d;
    const nda_nvrtc *nv = nda_cu_nvrtc();
    nda_nvrtc_output out;
    char why[4096];
    int rc;

    *program = NULL;
    *log = NULL;
    if ((rc = nda_cu_device_lookup(dev, &d)) != NDA_OK)
        return rc;
    if (d->arch[0] == '\0')
        return nda_plugin_error_set(NDA_ECOMPILE, "cannot build for %s: %s", d->name, d->arch_why);
    rc = nda_nvrtc_compile(nv, source, "nda_kernel.cu", d->arch, d->cubin,
                           nda_cu_default_options,
                           (int)(sizeof nda_cu_default_options / sizeof nda_cu_default_options[0]),
                           options, &out, why, sizeof why);
    *log = out.log; /* the caller owns the log, on success too */
    out.log = NULL;
    if (rc != NDA_OK) {
        nda_nvrtc_output_free(&out);
        return nda_plugin_error_set(rc, "%s", why);
    }
    rc = nda_cu_program_make(dev, out.code, out.size, out.is_cubin, nda_cu_arch_number(d->arch),
                             program);
    if (rc != NDA_OK)
        nda_nvrtc_output_free(&out);
    return rc;
}

int nda_cu_program_binary(int dev, void *program, void **binary, size_t *nbytes)
{
    nda_cu_device *d;
    nda_cu_program *p = program;
    unsigned char *bin;
    uint64_t size, sum;
    uint32_t kind, arch;
    int rc;

    *binary = NULL;
    *nbytes = 0;
    if ((rc = nda_cu_device_lookup(dev, &d)) != NDA_OK)
        return rc;
    if (p == NULL || p->code == NULL || p->size == 0)
        return nda_plugin_error_set(NDA_EVALUE, "CUDA program has no binary for %s", d->name);
    bin = malloc(NDA_CU_BIN_HEADER + p->size);
    if (bin == NULL)
        return nda_plugin_error_set(NDA_ENOMEM, "out of host memory for a %zu-byte program binary",
                                    p->size);
    memcpy(bin + NDA_CU_BIN_HEADER, p->code, p->size);
    size = p->size;
    sum = nda_cu_fnv1a64(p->code, p->size);
    kind = p->is_cubin ? NDA_CU_BIN_CUBIN : NDA_CU_BIN_PTX;
    arch = (uint32_t)p->arch;
    memcpy(bin, NDA_CU_BIN_MAGIC, 8);
    memcpy(bin + 8, &size, 8);
    memcpy(bin + 16, &sum, 8);
    memcpy(bin + 24, &kind, 4);
    memcpy(bin + 28, &arch, 4);
    *binary = bin;
    *nbytes = NDA_CU_BIN_HEADER + p->size;
    return NDA_OK;
}

int nda_cu_program_load(int dev, const void *binary, size_t nbytes, void **program)
{
    nda_cu_device *d;
    const unsigned char *bin = binary;
    unsigned char *code;
    uint64_t size, sum;
    uint32_t kind, arch;
    int cc, rc;

    *program = NULL;
    if ((rc = nda_cu_device_lookup(dev, &d)) != NDA_OK)
        return rc;
    cc = d->cc_major * 10 + d->cc_minor;
    if (bin == NULL || nbytes <= NDA_CU_BIN_HEADER || memcmp(bin, NDA_CU_BIN_MAGIC, 8) != 0)
        return nda_plugin_error_set(NDA_ECOMPILE,
                                    "CUDA program binary rejected: %zu bytes are not a binary from "
                                    "program_binary",
                                    nbytes);
    memcpy(&size, bin + 8, 8);
    memcpy(&sum, bin + 16, 8);
    memcpy(&kind, bin + 24, 4);
    memcpy(&arch, bin + 28, 4);
    if (size != nbytes - NDA_CU_BIN_HEADER ||
        sum != nda_cu_fnv1a64(bin + NDA_CU_BIN_HEADER, (size_t)size))
        return nda_plugin_error_set(NDA_ECOMPILE,
                                    "CUDA program binary rejected: %zu bytes are truncated or "
                                    "corrupted",
                                    nbytes);
    if ((kind != NDA_CU_BIN_CUBIN && kind != NDA_CU_BIN_PTX) ||
        (kind == NDA_CU_BIN_CUBIN && (int)arch != cc) || (kind == NDA_CU_BIN_PTX && (int)arch > cc) ||
        (kind == NDA_CU_BIN_PTX && bin[nbytes - 1] != '\0'))
        return nda_plugin_error_set(NDA_ECOMPILE,
                                    "CUDA program binary rejected: %s for %s_%u does not run on %s "
                                    "(sm_%d)",
                                    kind == NDA_CU_BIN_CUBIN ? "CUBIN" : "PTX",
                                    kind == NDA_CU_BIN_CUBIN ? "sm" : "compute", (unsigned)arch,
                                    d->name, cc);
    code = malloc((size_t)size);
    if (code == NULL)
        return nda_plugin_error_set(NDA_ENOMEM, "out of host memory for a %zu-byte program binary",
                                    (size_t)size);
    memcpy(code, bin + NDA_CU_BIN_HEADER, (size_t)size);
    rc = nda_cu_program_make(dev, code, (size_t)size, kind == NDA_CU_BIN_CUBIN, (int)arch,
                             program);
    if (rc != NDA_OK)
        free(code);
    return rc;
}

void nda_cu_program_free(int dev, void *program)
{
    nda_cu_program *p = program;
    nda_cu_device *d;

    if (p == NULL)
        return;
    if (nda_cu_device_enter(dev, &d) == NDA_OK) {
        /* Launches still queued may use the module. */
        nda_cu_drv()->StreamSynchronize(d->stream);
        nda_cu_drv()->ModuleUnload(p->module);
        nda_cu_device_leave(d);
    }
    free(p->code);
    free(p);
}

int nda_cu_kernel_get(int dev, void *program, const char *name, void **kernel)
{
    const nda_cu_driver *drv = nda_cu_drv();
    nda_cu_program *p = program;
    nda_cu_device *d;
    nda_cu_kernel *k;
    CUfunction fn = NULL;
    CUresult r;
    int rc;

    *kernel = NULL;
    if (p == NULL)
        return nda_plugin_error_set(NDA_EVALUE, "kernel_get: NULL program");
    if ((rc = nda_cu_device_enter(dev, &d)) != NDA_OK)
        return rc;
    r = drv->ModuleGetFunction(&fn, p->module, name);
    if (r != CUDA_SUCCESS || fn == NULL) {
        nda_cu_device_leave(d);
        return nda_plugin_error_set(nda_cu_result_code(r),
                                    "cuModuleGetFunction failed: %s (%d) for kernel '%s'",
                                    nda_cu_result_name(r), (int)r, name);
    }
    k = calloc(1, sizeof *k);
    if (k == NULL) {
        nda_cu_device_leave(d);
        return nda_plugin_error_set(NDA_ENOMEM, "out of host memory");
    }
    k->fn = fn;
    snprintf(k->name, sizeof k->name, "%s", name);
    k->nparams = -1;
    if (drv->FuncGetParamInfo != NULL) {
        size_t off, size;
        int n = 0;
        while (n <= NDA_CU_MAX_PARAMS &&
               drv->FuncGetParamInfo(fn, (size_t)n, &off, &size) == CUDA_SUCCESS) {
            if (n < NDA_CU_MAX_PARAMS)
                k->sizes[n] = (unsigned short)size;
            n++;
        }
        k->nparams = n <= NDA_CU_MAX_PARAMS ? n : -1;
    }
    nda_cu_device_leave(d);
    *kernel = k;
    return NDA_OK;
}

void nda_cu_kernel_free(int dev, void *kernel)
{
    (void)dev;
    free(kernel); /* the CUfunction itself is owned by its module */
}
