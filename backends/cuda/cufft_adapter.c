/* cuFFT adapter: the backend's `fft` member (nda_fft_desc, backend.h),
 * batched 1-D complex transforms on plugin buffers.
 *
 * libcufft is dlopen()ed on first use (the failure reason is reported by
 * every call, and the next call tries again). Plans are cached per (device,
 * precision, n, batch) and run asynchronously on the device's stream.
 * The few cuFFT types and constants used are declared here (their values
 * are part of cuFFT's stable ABI) so that only the driver header is needed. */
#include "backends/cuda/cuda_internal.h"

#include <stdint.h>
#include <stdlib.h>

#include "backends/common/dl_library.h"
#include "backends/cuda/cuda_toolkit.h"

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
static pthread_mutex_t nda_cufft_lock = PTHREAD_MUTEX_INITIALIZER; /* guards the plans */

#define NDA_CUFFT_SYM(sym, member) NDA_DL_SYM(nda_cufft_lib, member, sym, 1)
static const nda_dl_symbol nda_cufft_syms[] = {
    NDA_CUFFT_SYM("cufftPlan1d", Plan1d),   NDA_CUFFT_SYM("cufftSetStream", SetStream),
    NDA_CUFFT_SYM("cufftExecC2C", ExecC2C), NDA_CUFFT_SYM("cufftExecZ2Z", ExecZ2Z),
    NDA_CUFFT_SYM("cufftDestroy", Destroy),
};

static const char *const nda_cufft_names[] = {"libcufft.so.12", "libcufft.so.11",
                                              "libcufft.so.10", "libcufft.so", NULL};

static nda_dl_library nda_cufft_library = {
    .what = "cuFFT",
    .names = nda_cufft_names,
    .dir = nda_cuda_toolkit_dir,
    NDA_DL_SYMBOLS(nda_cufft_syms),
    NDA_DL_TABLE(nda_cufft),
    .lock = PTHREAD_MUTEX_INITIALIZER,
};

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
    return nda_plugin_error_set(r == NDA_CUFFT_ALLOC_FAILED ? NDA_ENOMEM : NDA_EBACKEND,
                                "%s failed: %s (%d)", call, nda_cufft_result_name(r), r);
}

static int nda_cufft_range(const char *what, const void *buf, size_t off, size_t bytes,
                           size_t esize)
{
    const nda_cu_buffer *b = buf;

    if (b == NULL)
        return nda_plugin_error_set(NDA_EVALUE, "fft: NULL %s buffer", what);
    if (off % esize != 0)
        return nda_plugin_error_set(NDA_EVALUE, "fft: %s offset %zu is not a multiple of %zu", what,
                                    off, esize);
    if (off > b->size || bytes > b->size - off)
        return nda_plugin_error_set(NDA_EVALUE, "fft: %zu bytes of %s at offset %zu exceed its "
                                    "%zu-byte buffer",
                                    bytes, what, off, b->size);
    return NDA_OK;
}

/* ---- plan cache ----
 * One cuFFT plan per (device, precision, n, batch), bound to the device's
 * stream, kept in a most-recently-used list (at most NDA_CUFFT_MAX_PLANS
 * per device) under nda_cufft_lock. A plan owns its work area, so it is
 * only destroyed after the device's stream has drained (eviction) or at
 * shutdown (the shutdown hook runs while contexts are alive). */

#define NDA_CUFFT_MAX_PLANS 32

typedef struct nda_cufft_plan {
    struct nda_cufft_plan *next; /* most recently used first */
    int dev, dbl, n, batch;
    nda_cufft_handle h;
} nda_cufft_plan;

static nda_cufft_plan *nda_cufft_plans; /* guarded by nda_cufft_lock */

/* Destroys every plan (shutdown hook). */
static void nda_cufft_shutdown(void)
{
    pthread_mutex_lock(&nda_cufft_lock);
    while (nda_cufft_plans != NULL) {
        nda_cufft_plan *p = nda_cufft_plans;
        nda_cu_device *d;
        nda_cufft_plans = p->next;
        if (nda_cu_device_enter(p->dev, &d) == NDA_OK) {
            nda_cu_drv()->StreamSynchronize(d->stream);
            nda_cufft.Destroy(p->h);
            nda_cu_device_leave(d);
        }
        free(p);
    }
    pthread_mutex_unlock(&nda_cufft_lock);
}

/* Drops the least recently used plan of d's device when it has more than
 * NDA_CUFFT_MAX_PLANS. Caller holds nda_cufft_lock with d entered. */
static void nda_cufft_evict(nda_cu_device *d, int dev)
{
    nda_cufft_plan **pp, **victim = NULL;
    int count = 0;

    for (pp = &nda_cufft_plans; *pp != NULL; pp = &(*pp)->next)
        if ((*pp)->dev == dev) {
            count++;
            victim = pp;
        }
    if (count <= NDA_CUFFT_MAX_PLANS || victim == NULL)
        return;
    nda_cufft_plan *p = *victim;
    *victim = p->next;
    /* Queued transforms may still use its work area. */
    nda_cu_drv()->StreamSynchronize(d->stream);
    nda_cufft.Destroy(p->h);
    free(p);
}

/* Finds or makes the plan (moved to the head). Caller holds
 * nda_cufft_lock with d entered. */
static int nda_cufft_plan_get(nda_cu_device *d, int dev, int dbl, int n, int batch,
                              nda_cufft_plan **out)
{
    static int hook_set;
    nda_cufft_plan **pp, *p;
    nda_cufft_result r;

    for (pp = &nda_cufft_plans; *pp != NULL; pp = &(*pp)->next) {
        p = *pp;
        if (p->dev == dev && p->dbl == dbl && p->n == n && p->batch == batch) {
            *pp = p->next;
            p->next = nda_cufft_plans;
            nda_cufft_plans = p;
            *out = p;
            return NDA_OK;
        }
    }
    if (!hook_set) {
        nda_cu_shutdown_hook_set(1, nda_cufft_shutdown);
        hook_set = 1;
    }
    p = calloc(1, sizeof *p);
    if (p == NULL)
        return nda_plugin_error_set(NDA_ENOMEM, "fft: out of host memory for a plan");
    r = nda_cufft.Plan1d(&p->h, n, dbl ? NDA_CUFFT_Z2Z : NDA_CUFFT_C2C, batch);
    if (r != NDA_CUFFT_SUCCESS) {
        free(p);
        return nda_cufft_fail(r, "cufftPlan1d");
    }
    r = nda_cufft.SetStream(p->h, d->stream);
    if (r != NDA_CUFFT_SUCCESS) {
        nda_cufft.Destroy(p->h);
        free(p);
        return nda_cufft_fail(r, "cufftSetStream");
    }
    p->dev = dev;
    p->dbl = dbl;
    p->n = n;
    p->batch = batch;
    p->next = nda_cufft_plans;
    nda_cufft_plans = p;
    nda_cufft_evict(d, dev);
    *out = p;
    return NDA_OK;
}

/* Transforms of at most this many elements per cuFFT call (32-bit plans);
 * larger batches run as several calls of one plan. */
#define NDA_CUFFT_MAX_ELEMS (1ll << 27)

static int nda_cufft_exec64(int dev, int dbl, int64_t n, int64_t batch, const void *in,
                            size_t in_off, void *out, size_t out_off, int inverse)
{
    size_t es = dbl ? 16 : 8, bytes;
    int64_t chunk, done;
    nda_cu_device *d;
    nda_cufft_plan *plan = NULL;
    nda_cufft_result r = NDA_CUFFT_SUCCESS;
    CUdeviceptr pin, pout;
    int rc;

    if ((rc = nda_cu_device_lookup(dev, &d)) != NDA_OK)
        return rc;
    if (n < 1 || batch < 1)
        return nda_plugin_error_set(NDA_EVALUE, "fft: size %lld and batch %lld must be positive",
                                    (long long)n, (long long)batch);
    if (n > INT32_MAX)
        return nda_plugin_error_set(NDA_ENOTIMPL, "fft: %lld points exceed cuFFT's 32-bit plans",
                                    (long long)n);
    if ((uint64_t)batch > SIZE_MAX / es / (uint64_t)n)
        return nda_plugin_error_set(NDA_EVALUE, "fft: %lld x %lld points is too big",
                                    (long long)batch, (long long)n);
    bytes = (size_t)n * (size_t)batch * es;
    if ((rc = nda_cufft_range("input", in, in_off, bytes, es)) != NDA_OK ||
        (rc = nda_cufft_range("output", out, out_off, bytes, es)) != NDA_OK)
        return rc;
    pin = ((const nda_cu_buffer *)in)->ptr + in_off;
    pout = ((const nda_cu_buffer *)out)->ptr + out_off;
    if (pin != pout && pin < pout + bytes && pout < pin + bytes)
        return nda_plugin_error_set(NDA_EVALUE,
                                    "fft: input and output overlap without being the same");
    if ((rc = nda_plugin_library_load(&nda_cufft_library)) != NDA_OK)
        return rc;
    chunk = NDA_CUFFT_MAX_ELEMS / n;
    if (chunk < 1)
        chunk = 1;
    if (chunk > batch)
        chunk = batch;
    if ((rc = nda_cu_device_enter(dev, &d)) != NDA_OK)
        return rc;
    pthread_mutex_lock(&nda_cufft_lock);
    for (done = 0; done < batch && rc == NDA_OK; done += chunk) {
        int64_t b = batch - done < chunk ? batch - done : chunk;
        size_t at = (size_t)done * (size_t)n * es;
        if ((rc = nda_cufft_plan_get(d, dev, dbl, (int)n, (int)b, &plan)) != NDA_OK)
            break;
        /* Asynchronous on the device's stream; the cached plan keeps its
         * work area alive until the work is done. */
        r = (dbl ? nda_cufft.ExecZ2Z : nda_cufft.ExecC2C)(
            plan->h, (void *)(uintptr_t)(pin + at), (void *)(uintptr_t)(pout + at),
            inverse ? NDA_CUFFT_INVERSE : NDA_CUFFT_FORWARD);
        if (r != NDA_CUFFT_SUCCESS)
            rc = nda_cufft_fail(r, dbl ? "cufftExecZ2Z" : "cufftExecC2C");
    }
    pthread_mutex_unlock(&nda_cufft_lock);
    nda_cu_device_leave(d);
    return rc;
}

/* The backend's fft member (backend.h). */
int nda_cu_fft(int dev, const nda_fft_desc *f)
{
    if (f->type != NDA_LIB_C64 && f->type != NDA_LIB_C128)
        return nda_plugin_error_set(NDA_EVALUE, "fft: element type %d is not complex64/128",
                                    (int)f->type);
    if (f->batch == 0 && f->n >= 1)
        return NDA_OK;
    return nda_cufft_exec64(dev, f->type == NDA_LIB_C128, f->n, f->batch, f->in, f->in_off,
                            f->out, f->out_off, f->inverse);
}
