/* cuFFT adapter: batched 1-D complex transforms on plugin buffers (see
 * cuda_libs.h).
 *
 * libcufft is dlopen()ed on first use. Each call makes a plan, runs it on
 * the device's stream, waits, and destroys the plan (no plan cache yet).
 * The few cuFFT types and constants used are declared here (their values
 * are part of cuFFT's stable ABI) so that only the driver header is needed. */
#include "backends/cuda/cuda_internal.h"
#include "backends/cuda/cuda_libs.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef int nda_cufft_handle; /* cufftHandle */
typedef int nda_cufft_result; /* cufftResult */
enum { NDA_CUFFT_SUCCESS = 0, NDA_CUFFT_ALLOC_FAILED = 2 };
enum { NDA_CUFFT_C2C = 0x29, NDA_CUFFT_Z2Z = 0x69 };    /* cufftType */
enum { NDA_CUFFT_FORWARD = -1, NDA_CUFFT_INVERSE = 1 }; /* direction */

typedef struct nda_cufft_lib {
    nda_cufft_result (*Plan1d)(nda_cufft_handle *plan, int n, int type, int batch);
    nda_cufft_result (*SetStream)(nda_cufft_handle plan, CUstream s);
    nda_cufft_result (*ExecC2C)(nda_cufft_handle plan, void *in, void *out, int direction);
    nda_cufft_result (*ExecZ2Z)(nda_cufft_handle plan, void *in, void *out, int direction);
    nda_cufft_result (*Destroy)(nda_cufft_handle plan);
} nda_cufft_lib;

static nda_cufft_lib nda_cufft;
static int nda_cufft_loaded;
static char nda_cufft_why[1024];
static pthread_mutex_t nda_cufft_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *nda_cufft_result_name(nda_cufft_result r)
{
    static const char *const names[] = {
        "CUFFT_SUCCESS",          "CUFFT_INVALID_PLAN",     "CUFFT_ALLOC_FAILED",
        "CUFFT_INVALID_TYPE",     "CUFFT_INVALID_VALUE",    "CUFFT_INTERNAL_ERROR",
        "CUFFT_EXEC_FAILED",      "CUFFT_SETUP_FAILED",     "CUFFT_INVALID_SIZE",
        "CUFFT_UNALIGNED_DATA",   "CUFFT_INCOMPLETE_PARAMETER_LIST", "CUFFT_INVALID_DEVICE",
        "CUFFT_PARSE_ERROR",      "CUFFT_NO_WORKSPACE",     "CUFFT_NOT_IMPLEMENTED",
        "CUFFT_LICENSE_ERROR",    "CUFFT_NOT_SUPPORTED",    "CUFFT_MISSING_DEPENDENCY",
        "CUFFT_NVRTC_FAILURE",    "CUFFT_NVJITLINK_FAILURE", "CUFFT_NVSHMEM_FAILURE",
    };
    if (r >= 0 && (size_t)r < sizeof names / sizeof names[0])
        return names[r];
    return "CUFFT_UNKNOWN_ERROR";
}

static int nda_cufft_fail(nda_cufft_result r, const char *call)
{
    return nda_cu_error_set(r == NDA_CUFFT_ALLOC_FAILED ? NDA_ENOMEM : NDA_EBACKEND,
                            "%s failed: %s (%d)", call, nda_cufft_result_name(r), r);
}

static int nda_cufft_load(void)
{
    static const char *const names[] = {"libcufft.so.12", "libcufft.so.11", "libcufft.so.10",
                                        "libcufft.so"};
    static const struct {
        const char *name;
        size_t offset;
    } syms[] = {
        {"cufftPlan1d", offsetof(nda_cufft_lib, Plan1d)},
        {"cufftSetStream", offsetof(nda_cufft_lib, SetStream)},
        {"cufftExecC2C", offsetof(nda_cufft_lib, ExecC2C)},
        {"cufftExecZ2Z", offsetof(nda_cufft_lib, ExecZ2Z)},
        {"cufftDestroy", offsetof(nda_cufft_lib, Destroy)},
    };
    char why[900];
    nda_cufft_lib t;
    void *lib;
    int rc = NDA_OK;

    pthread_mutex_lock(&nda_cufft_lock);
    if (nda_cufft_loaded)
        goto out;
    memset(&t, 0, sizeof t);
    lib = nda_cu_toolkit_open(names, sizeof names / sizeof names[0], why, sizeof why);
    if (lib == NULL) {
        snprintf(nda_cufft_why, sizeof nda_cufft_why, "cuFFT not found (%s)", why);
        rc = NDA_ENODEV;
        goto out;
    }
    for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
        void *sym = dlsym(lib, syms[i].name);
        if (sym == NULL) {
            snprintf(nda_cufft_why, sizeof nda_cufft_why, "cuFFT has no %s", syms[i].name);
            dlclose(lib);
            rc = NDA_ENODEV;
            goto out;
        }
        memcpy((char *)&t + syms[i].offset, &sym, sizeof sym);
    }
    nda_cufft = t;
    nda_cufft_loaded = 1;
out:
    pthread_mutex_unlock(&nda_cufft_lock);
    if (rc != NDA_OK)
        return nda_cu_error_set(rc, "%s", nda_cufft_why);
    return NDA_OK;
}

static int nda_cufft_range(const char *what, const void *buf, size_t off, size_t bytes,
                           size_t esize)
{
    const nda_cu_buffer *b = buf;

    if (b == NULL)
        return nda_cu_error_set(NDA_EVALUE, "fft: NULL %s buffer", what);
    if (off % esize != 0)
        return nda_cu_error_set(NDA_EVALUE, "fft: %s offset %zu is not a multiple of %zu", what,
                                off, esize);
    if (off > b->size || bytes > b->size - off)
        return nda_cu_error_set(NDA_EVALUE, "fft: %zu bytes of %s at offset %zu exceed its "
                                "%zu-byte buffer",
                                bytes, what, off, b->size);
    return NDA_OK;
}

static int nda_cufft_exec(int dev, int dbl, int n, int batch, const void *in, size_t in_off,
                          void *out, size_t out_off, int inverse)
{
    size_t es = dbl ? 16 : 8, bytes;
    nda_cu_device *d;
    nda_cufft_handle plan = 0;
    nda_cufft_result r;
    const char *call;
    CUdeviceptr pin, pout;
    CUresult cr;
    int rc;

    if ((rc = nda_cu_device_lookup(dev, &d)) != NDA_OK)
        return rc;
    if (n < 1 || batch < 1)
        return nda_cu_error_set(NDA_EVALUE, "fft: size %d and batch %d must be positive", n,
                                batch);
    bytes = (size_t)n * (size_t)batch * es;
    if ((rc = nda_cufft_range("input", in, in_off, bytes, es)) != NDA_OK ||
        (rc = nda_cufft_range("output", out, out_off, bytes, es)) != NDA_OK)
        return rc;
    pin = ((const nda_cu_buffer *)in)->ptr + in_off;
    pout = ((const nda_cu_buffer *)out)->ptr + out_off;
    if (pin != pout && pin < pout + bytes && pout < pin + bytes)
        return nda_cu_error_set(NDA_EVALUE, "fft: input and output overlap without being the same");
    if ((rc = nda_cufft_load()) != NDA_OK)
        return rc;
    if ((rc = nda_cu_device_enter(dev, &d)) != NDA_OK)
        return rc;
    call = "cufftPlan1d";
    r = nda_cufft.Plan1d(&plan, n, dbl ? NDA_CUFFT_Z2Z : NDA_CUFFT_C2C, batch);
    if (r != NDA_CUFFT_SUCCESS)
        goto fail_noplan;
    call = "cufftSetStream";
    r = nda_cufft.SetStream(plan, d->stream);
    if (r == NDA_CUFFT_SUCCESS) {
        int dir = inverse ? NDA_CUFFT_INVERSE : NDA_CUFFT_FORWARD;
        call = dbl ? "cufftExecZ2Z" : "cufftExecC2C";
        r = (dbl ? nda_cufft.ExecZ2Z : nda_cufft.ExecC2C)(plan, (void *)(uintptr_t)pin,
                                                          (void *)(uintptr_t)pout, dir);
    }
    /* The plan's work area must outlive the transform. */
    cr = nda_cu_drv()->StreamSynchronize(d->stream);
    nda_cufft.Destroy(plan);
    if (r != NDA_CUFFT_SUCCESS)
        goto fail_noplan;
    rc = cr == CUDA_SUCCESS ? NDA_OK : nda_cu_error_cu(cr, "cuStreamSynchronize after cuFFT", d);
    nda_cu_device_leave(d);
    return rc;
fail_noplan:
    nda_cu_device_leave(d);
    return nda_cufft_fail(r, call);
}

static int nda_cufft_c2c(int dev, int n, int batch, const void *in, size_t in_off, void *out,
                         size_t out_off, int inverse)
{
    return nda_cufft_exec(dev, 0, n, batch, in, in_off, out, out_off, inverse);
}

static int nda_cufft_z2z(int dev, int n, int batch, const void *in, size_t in_off, void *out,
                         size_t out_off, int inverse)
{
    return nda_cufft_exec(dev, 1, n, batch, in, in_off, out, out_off, inverse);
}

static const nda_cuda_fft nda_cufft_table = {
    .version = NDA_CUDA_LIBS_VERSION,
    .load = nda_cufft_load,
    .c2c = nda_cufft_c2c,
    .z2z = nda_cufft_z2z,
};

__attribute__((visibility("default"))) const nda_cuda_fft *nda_cuda_fft_entry(void)
{
    return &nda_cufft_table;
}
