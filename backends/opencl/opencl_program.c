/* Programs (build from source, binary export/import) and kernels.
 *
 * Handles: a program is a cl_program, a kernel a cl_kernel, both created in
 * the device's own context and released by program_free / kernel_free. */
#include "opencl_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Characters of the build log quoted in an error message. */
#define NDA_OCL_LOG_EXCERPT 2000

/* program_binary wraps the driver's binary in a small envelope so that
 * program_load can reject truncated or corrupted bytes itself: some drivers
 * (PoCL 3.1) crash on a truncated binary of their own format.
 * Layout (native byte order; binaries are machine specific anyway):
 *   char magic[8] = "NDAOCLB1"; uint64 payload bytes; uint64 FNV-1a 64 of
 *   the payload; uint64 reserved (0); then the payload. */
#define NDA_OCL_BIN_MAGIC "NDAOCLB1"
#define NDA_OCL_BIN_HEADER 32

static uint64_t nda_ocl_fnv1a64(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static void nda_ocl_envelope_write(unsigned char *bin, size_t payload)
{
    uint64_t size = payload, sum = nda_ocl_fnv1a64(bin + NDA_OCL_BIN_HEADER, payload), zero = 0;

    memcpy(bin, NDA_OCL_BIN_MAGIC, 8);
    memcpy(bin + 8, &size, 8);
    memcpy(bin + 16, &sum, 8);
    memcpy(bin + 24, &zero, 8);
}

/* The payload of an envelope, or NULL when the bytes are not an intact one. */
static const unsigned char *nda_ocl_envelope_open(const unsigned char *bin, size_t nbytes,
                                                  size_t *payload)
{
    uint64_t size, sum;

    if (bin == NULL || nbytes <= NDA_OCL_BIN_HEADER || memcmp(bin, NDA_OCL_BIN_MAGIC, 8) != 0)
        return NULL;
    memcpy(&size, bin + 8, 8);
    memcpy(&sum, bin + 16, 8);
    if (size != nbytes - NDA_OCL_BIN_HEADER ||
        sum != nda_ocl_fnv1a64(bin + NDA_OCL_BIN_HEADER, (size_t)size))
        return NULL;
    *payload = (size_t)size;
    return bin + NDA_OCL_BIN_HEADER;
}

/* The build log of `prog` for `d` as a malloc'd string with trailing
 * whitespace removed, or NULL when it is empty or cannot be read. */
static char *nda_ocl_build_log_get(cl_program prog, const nda_ocl_device *d)
{
    size_t n = 0;
    char *log;

    if (clGetProgramBuildInfo(prog, d->id, CL_PROGRAM_BUILD_LOG, 0, NULL, &n) != CL_SUCCESS ||
        n == 0)
        return NULL;
    log = malloc(n + 1);
    if (log == NULL)
        return NULL;
    if (clGetProgramBuildInfo(prog, d->id, CL_PROGRAM_BUILD_LOG, n, log, NULL) != CL_SUCCESS) {
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

/* Builds `prog` for `d`. On success *log gets the (possibly NULL) log; on
 * failure returns NDA_ECOMPILE with the log excerpt in the message and the
 * full log in *log (caller frees). */
static int nda_ocl_program_compile(nda_ocl_device *d, cl_program prog, const char *options,
                                   char **log)
{
    cl_int err = clBuildProgram(prog, 1, &d->id, options, NULL, NULL);

    *log = nda_ocl_build_log_get(prog, d);
    if (err == CL_SUCCESS)
        return NDA_OK;
    if (*log != NULL)
        return nda_plugin_error_set(NDA_ECOMPILE, "OpenCL build failed on %s: %.*s", d->name,
                                    NDA_OCL_LOG_EXCERPT, *log);
    return nda_plugin_error_set(NDA_ECOMPILE,
                                "OpenCL build failed on %s: clBuildProgram failed: %s (%d), no log",
                                d->name, nda_ocl_error_name(err), (int)err);
}

int nda_ocl_program_build(int dev, const char *source, const char *options, void **program,
                          char **log)
{
    nda_ocl_device *d;
    cl_program prog;
    cl_int err = CL_SUCCESS;
    int rc;

    *program = NULL;
    *log = NULL;
    if ((rc = nda_ocl_device_get(dev, &d)) != NDA_OK)
        return rc;
    prog = clCreateProgramWithSource(d->ctx, 1, &source, NULL, &err);
    if (prog == NULL || err != CL_SUCCESS)
        return nda_ocl_error_cl(err, "clCreateProgramWithSource", d);
    rc = nda_ocl_program_compile(d, prog, options, log);
    if (rc != NDA_OK) {
        clReleaseProgram(prog);
        return rc;
    }
    *program = prog;
    return NDA_OK;
}

int nda_ocl_program_binary(int dev, void *program, void **binary, size_t *nbytes)
{
    nda_ocl_device *d;
    cl_program prog = program;
    size_t size = 0;
    unsigned char *bin, *payload;
    cl_int err;
    int rc;

    *binary = NULL;
    *nbytes = 0;
    if ((rc = nda_ocl_device_lookup(dev, &d)) != NDA_OK)
        return rc;
    /* The program was created for exactly one device: one size, one binary. */
    err = clGetProgramInfo(prog, CL_PROGRAM_BINARY_SIZES, sizeof size, &size, NULL);
    if (err != CL_SUCCESS)
        return nda_ocl_error_cl(err, "clGetProgramInfo(CL_PROGRAM_BINARY_SIZES)", d);
    if (size == 0)
        return nda_plugin_error_set(NDA_EBACKEND, "OpenCL program has no binary for %s", d->name);
    bin = malloc(NDA_OCL_BIN_HEADER + size);
    if (bin == NULL)
        return nda_plugin_error_set(NDA_ENOMEM, "out of host memory for a %zu-byte program binary",
                                    size);
    payload = bin + NDA_OCL_BIN_HEADER;
    err = clGetProgramInfo(prog, CL_PROGRAM_BINARIES, sizeof payload, &payload, NULL);
    if (err != CL_SUCCESS) {
        free(bin);
        return nda_ocl_error_cl(err, "clGetProgramInfo(CL_PROGRAM_BINARIES)", d);
    }
    nda_ocl_envelope_write(bin, size);
    *binary = bin;
    *nbytes = NDA_OCL_BIN_HEADER + size;
    return NDA_OK;
}

int nda_ocl_program_load(int dev, const void *binary, size_t nbytes, void **program)
{
    nda_ocl_device *d;
    cl_program prog;
    const unsigned char *bin;
    size_t size = 0;
    cl_int err = CL_SUCCESS, status = CL_SUCCESS;
    char *log = NULL;
    int rc;

    *program = NULL;
    if ((rc = nda_ocl_device_get(dev, &d)) != NDA_OK)
        return rc;
    bin = nda_ocl_envelope_open(binary, nbytes, &size);
    if (bin == NULL)
        return nda_plugin_error_set(NDA_ECOMPILE,
                                    "OpenCL program binary rejected: %zu bytes are not an intact "
                                    "binary from program_binary",
                                    nbytes);
    prog = clCreateProgramWithBinary(d->ctx, 1, &d->id, &size, &bin, &status, &err);
    if (prog == NULL || err != CL_SUCCESS || status != CL_SUCCESS) {
        if (prog != NULL)
            clReleaseProgram(prog);
        if (err == CL_SUCCESS)
            err = status;
        return nda_plugin_error_set(NDA_ECOMPILE, "clCreateProgramWithBinary failed on %s: %s (%d)",
                                    d->name, nda_ocl_error_name(err), (int)err);
    }
    rc = nda_ocl_program_compile(d, prog, NULL, &log);
    free(log);
    if (rc != NDA_OK) {
        clReleaseProgram(prog);
        return rc;
    }
    *program = prog;
    return NDA_OK;
}

void nda_ocl_program_free(int dev, void *program)
{
    (void)dev;
    if (program != NULL)
        clReleaseProgram((cl_program)program);
}

int nda_ocl_kernel_get(int dev, void *program, const char *name, void **kernel)
{
    nda_ocl_device *d;
    cl_kernel k;
    cl_int err = CL_SUCCESS;
    int rc;

    *kernel = NULL;
    if ((rc = nda_ocl_device_lookup(dev, &d)) != NDA_OK)
        return rc;
    k = clCreateKernel((cl_program)program, name, &err);
    if (k == NULL || err != CL_SUCCESS)
        return nda_plugin_error_set(nda_ocl_error_code(err),
                                    "clCreateKernel failed: %s (%d) for kernel '%s'",
                                    nda_ocl_error_name(err), (int)err, name);
    *kernel = k;
    return NDA_OK;
}

void nda_ocl_kernel_free(int dev, void *kernel)
{
    (void)dev;
    if (kernel != NULL)
        clReleaseKernel((cl_kernel)kernel);
}
