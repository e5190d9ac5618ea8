/* The fft member of the OpenCL ops table (backend.h, nda_fft_desc) through
 * VkFFT (header-only, OpenCL backend), when the build found vkFFT.h
 * (NDA_HAVE_VKFFT, see //third_party:repos.bzl local_vkfft); without it the
 * member answers NDA_ENODEV naming the missing package.
 *
 * Plans: one VkFFTApplication per (device, n, batch, precision, in place,
 * 64-bit addressing), created on first use (VkFFT generates and builds its
 * kernels then: ~0.1-2 s on PoCL, less once PoCL's own cache has them),
 * kept in a most-recently-used list of at most NDA_OCL_FFT_MAX_PLANS plans
 * holding at most NDA_OCL_FFT_MAX_HELD bytes of device memory, and freed by
 * nda_ocl_fft_shutdown. Buffers and byte offsets are given at each
 * launch (specifyOffsetsAtLaunch), so a plan serves any buffers.
 *
 * Threading: one mutex guards the list and every use of a plan (a plan's
 * kernels keep their arguments between clSetKernelArg and enqueue). The
 * device lock is not taken: the plan's kernels are its own, and enqueueing
 * on the device's in-order queue is thread-safe, which keeps the transform
 * ordered with launches and copies like a launch. */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include "opencl_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef NDA_HAVE_VKFFT

#include <locale.h>

#define VKFFT_BACKEND 3
#include <vkFFT.h>

#define NDA_OCL_FFT_MAX_PLANS 32
/* Device memory VkFFT plans may keep (four-step temporary buffers and
 * Bluestein chirps, outside the pool) before older plans are dropped. */
#define NDA_OCL_FFT_MAX_HELD ((uint64_t)256 << 20)

typedef struct nda_ocl_fft_plan {
    struct nda_ocl_fft_plan *next; /* most recently used first */
    int dev, dbl, inplace, wide;   /* wide: 64-bit addressing */
    uint64_t n, batch;
    uint64_t held; /* bytes of device memory the plan owns (estimate) */
    /* What the configuration's pointers point at: VkFFT keeps the
     * configuration and reads the buffer sizes again at every append; the
     * buffer handles are replaced by each append's launch parameters. */
    uint64_t bytes;
    cl_mem cfg_in, cfg_out;
    VkFFTApplication app;
} nda_ocl_fft_plan;

static pthread_mutex_t nda_ocl_fft_lock = PTHREAD_MUTEX_INITIALIZER;
static nda_ocl_fft_plan *nda_ocl_fft_plans; /* guarded by nda_ocl_fft_lock */
static int nda_ocl_fft_nplans;
static uint64_t nda_ocl_fft_held;

static const char *nda_vkfft_result_name(VkFFTResult r)
{
    switch (r) {
    case VKFFT_ERROR_MALLOC_FAILED: return "VKFFT_ERROR_MALLOC_FAILED";
    case VKFFT_ERROR_INSUFFICIENT_CODE_BUFFER: return "VKFFT_ERROR_INSUFFICIENT_CODE_BUFFER";
    case VKFFT_ERROR_INSUFFICIENT_TEMP_BUFFER: return "VKFFT_ERROR_INSUFFICIENT_TEMP_BUFFER";
    case VKFFT_ERROR_UNSUPPORTED_RADIX: return "VKFFT_ERROR_UNSUPPORTED_RADIX";
    case VKFFT_ERROR_UNSUPPORTED_FFT_LENGTH: return "VKFFT_ERROR_UNSUPPORTED_FFT_LENGTH";
    case VKFFT_ERROR_FAILED_TO_ALLOCATE: return "VKFFT_ERROR_FAILED_TO_ALLOCATE";
    case VKFFT_ERROR_FAILED_TO_CREATE_PROGRAM: return "VKFFT_ERROR_FAILED_TO_CREATE_PROGRAM";
    case VKFFT_ERROR_FAILED_TO_COMPILE_PROGRAM: return "VKFFT_ERROR_FAILED_TO_COMPILE_PROGRAM";
    case VKFFT_ERROR_FAILED_TO_SET_KERNEL_ARG: return "VKFFT_ERROR_FAILED_TO_SET_KERNEL_ARG";
    case VKFFT_ERROR_FAILED_TO_LAUNCH_KERNEL: return "VKFFT_ERROR_FAILED_TO_LAUNCH_KERNEL";
    case VKFFT_ERROR_FAILED_TO_COPY: return "VKFFT_ERROR_FAILED_TO_COPY";
    case VKFFT_ERROR_FAILED_TO_SYNCHRONIZE: return "VKFFT_ERROR_FAILED_TO_SYNCHRONIZE";
    default: return "VkFFT error";
    }
}

static int nda_vkfft_fail(VkFFTResult r, const char *call, const nda_ocl_device *d, uint64_t n,
                          uint64_t batch)
{
    int code = (r == VKFFT_ERROR_MALLOC_FAILED || r == VKFFT_ERROR_FAILED_TO_ALLOCATE)
                   ? NDA_ENOMEM
                   : NDA_EBACKEND;
    return nda_plugin_error_set(code, "%s failed: %s (%d) for %llu x %llu points on %s", call,
                                nda_vkfft_result_name(r), (int)r, (unsigned long long)batch,
                                (unsigned long long)n, d->name);
}

static void nda_ocl_fft_plan_free(nda_ocl_fft_plan *p)
{
    deleteVkFFT(&p->app);
    free(p);
}

/* Finds or creates the plan for the key and moves it to the list's head.
 * Caller holds nda_ocl_fft_lock. `in`/`out` are the buffers VkFFT builds
 * the plan with; every append passes its own. */
static int nda_ocl_fft_plan_get(nda_ocl_device *d, int dev, int dbl, int inplace, int wide,
                                uint64_t n, uint64_t batch, cl_mem in, cl_mem out,
                                nda_ocl_fft_plan **out_plan)
{
    nda_ocl_fft_plan **pp, *p;
    VkFFTConfiguration c;
    char *locale;
    VkFFTResult r;

    for (pp = &nda_ocl_fft_plans; *pp != NULL; pp = &(*pp)->next) {
        p = *pp;
        if (p->dev == dev && p->dbl == dbl && p->inplace == inplace && p->wide == wide &&
            p->n == n && p->batch == batch) {
            *pp = p->next;
            p->next = nda_ocl_fft_plans;
            nda_ocl_fft_plans = p;
            *out_plan = p;
            return NDA_OK;
        }
    }
    p = calloc(1, sizeof *p);
    if (p == NULL)
        return nda_plugin_error_set(NDA_ENOMEM, "fft: out of host memory for a plan");
    memset(&c, 0, sizeof c);
    c.FFTdim = 1;
    c.size[0] = n;
    c.numberBatches = batch;
    c.platform = &d->platform;
    c.device = &d->id;
    c.context = &d->ctx;
    c.commandQueue = &d->queue;
    c.doublePrecision = (uint64_t)dbl;
    c.useUint64 = (uint64_t)wide;
    c.specifyOffsetsAtLaunch = 1;
    p->bytes = n * batch * (dbl ? 16u : 8u);
    p->cfg_in = in;
    p->cfg_out = out;
    c.bufferSize = &p->bytes;
    c.buffer = &p->cfg_out;
    if (!inplace) {
        /* Out of place: reads inputBuffer, leaves it unchanged, writes buffer
         * (both directions, inverseReturnToInputBuffer off). */
        c.isInputFormatted = 1;
        c.inputBufferSize = &p->bytes;
        c.inputBuffer = &p->cfg_in;
    }
    /* VkFFT switches the process locale to "C" while it prints kernels and
     * then restores it from the pointer setlocale(LC_ALL, NULL) gave, which
     * that switch has freed (a use-after-free under ASan). Entering VkFFT
     * already in "C" makes that pointer glibc's static "C" name; the
     * caller's locale is copied and put back here. */
    locale = strdup(setlocale(LC_ALL, NULL));
    setlocale(LC_ALL, "C");
    r = initializeVkFFT(&p->app, c);
    if (locale != NULL) {
        setlocale(LC_ALL, locale);
        free(locale);
    }
    if (r != VKFFT_SUCCESS) {
        deleteVkFFT(&p->app);
        free(p);
        return nda_vkfft_fail(r, "initializeVkFFT", d, n, batch);
    }
    p->dev = dev;
    p->dbl = dbl;
    p->inplace = inplace;
    p->wide = wide;
    p->n = n;
    p->batch = batch;
    p->held = p->app.configuration.allocateTempBuffer ? p->bytes : 0;
    for (int i = 0; i < 3; i++)
        p->held += 3 * p->app.bufferBluesteinSize[i];
    p->next = nda_ocl_fft_plans;
    nda_ocl_fft_plans = p;
    nda_ocl_fft_nplans++;
    nda_ocl_fft_held += p->held;
    while (nda_ocl_fft_plans->next != NULL && (nda_ocl_fft_nplans > NDA_OCL_FFT_MAX_PLANS ||
                                               nda_ocl_fft_held > NDA_OCL_FFT_MAX_HELD)) {
        /* Evict the least recently used plan (never p, which is first).
         * Work already enqueued retains its kernels and buffers. */
        nda_ocl_fft_plan **last = &nda_ocl_fft_plans;
        while ((*last)->next != NULL)
            last = &(*last)->next;
        nda_ocl_fft_nplans--;
        nda_ocl_fft_held -= (*last)->held;
        nda_ocl_fft_plan_free(*last);
        *last = NULL;
    }
    *out_plan = p;
    return NDA_OK;
}

static int nda_ocl_fft_has_fp64(const nda_ocl_device *d)
{
    cl_device_fp_config cfg = 0;
    cl_int err = clGetDeviceInfo(d->id, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof cfg, &cfg, NULL);
    return err == CL_SUCCESS && cfg != 0;
}

/* Checks that [off, off + bytes) lies inside the buffer. */
static int nda_ocl_fft_range(const char *what, cl_mem buf, size_t off, size_t bytes)
{
    size_t size = 0;
    cl_int err;

    if (buf == NULL)
        return nda_plugin_error_set(NDA_EVALUE, "fft: NULL %s buffer", what);
    err = clGetMemObjectInfo(buf, CL_MEM_SIZE, sizeof size, &size, NULL);
    if (err != CL_SUCCESS)
        return nda_ocl_error_cl(err, "clGetMemObjectInfo", NULL);
    if (off > size || bytes > size - off)
        return nda_plugin_error_set(NDA_EVALUE,
                                    "fft: %zu bytes of %s at offset %zu exceed its %zu-byte buffer",
                                    bytes, what, off, size);
    return NDA_OK;
}

/* A scratch buffer of nbytes (released by the caller; enqueued commands
 * retain it). */
static int nda_ocl_fft_scratch(nda_ocl_device *d, size_t nbytes, cl_mem *out)
{
    cl_int err = CL_SUCCESS;

    *out = clCreateBuffer(d->ctx, CL_MEM_READ_WRITE, nbytes, NULL, &err);
    if (*out == NULL || err != CL_SUCCESS) {
        *out = NULL;
        return nda_ocl_error_cl(err, "clCreateBuffer", d);
    }
    return NDA_OK;
}

int nda_ocl_fft(int dev, const nda_fft_desc *f)
{
    cl_mem in = (cl_mem)f->in, out = (cl_mem)f->out, sin = NULL, sout = NULL;
    size_t isz, bytes, in_off = f->in_off, out_off = f->out_off;
    nda_ocl_fft_plan *plan;
    VkFFTLaunchParams lp;
    nda_ocl_device *d;
    int dbl, inplace, wide, rc;
    cl_int err;
    VkFFTResult r;

    if (f->type != NDA_LIB_C64 && f->type != NDA_LIB_C128)
        return nda_plugin_error_set(NDA_EVALUE, "fft: element type %d is not complex64/128",
                                    (int)f->type);
    if (f->n < 1 || f->batch < 0)
        return nda_plugin_error_set(NDA_EVALUE, "fft: %lld points x %lld transforms is invalid",
                                    (long long)f->n, (long long)f->batch);
    dbl = f->type == NDA_LIB_C128;
    isz = dbl ? 16u : 8u;
    if ((uint64_t)f->batch > SIZE_MAX / isz / (uint64_t)f->n)
        return nda_plugin_error_set(NDA_EVALUE, "fft: %lld x %lld points is too big",
                                    (long long)f->batch, (long long)f->n);
    bytes = (size_t)f->n * (size_t)f->batch * isz;
    if (bytes == 0)
        return NDA_OK;
    if ((rc = nda_ocl_fft_range("input", in, in_off, bytes)) != NDA_OK ||
        (rc = nda_ocl_fft_range("output", out, out_off, bytes)) != NDA_OK)
        return rc;
    inplace = in == out && in_off == out_off;
    if (in == out && !inplace && in_off < out_off + bytes && out_off < in_off + bytes)
        return nda_plugin_error_set(NDA_EVALUE,
                                    "fft: input and output overlap without being the same");
    if ((rc = nda_ocl_device_get(dev, &d)) != NDA_OK)
        return rc;
    if (dbl && !nda_ocl_fft_has_fp64(d))
        return nda_plugin_error_set(NDA_ENOTIMPL, "fft: complex128 needs fp64, which %s lacks",
                                    d->name);
    if (f->n == 1) { /* the transform of one point is the identity */
        if (inplace)
            return NDA_OK;
        err = clEnqueueCopyBuffer(d->queue, in, out, in_off, out_off, bytes, 0, NULL, NULL);
        return err == CL_SUCCESS ? NDA_OK : nda_ocl_error_cl(err, "clEnqueueCopyBuffer", d);
    }
    /* VkFFT counts offsets in elements: stage misaligned operands through
     * aligned scratch buffers. */
    if (in_off % isz != 0) {
        if ((rc = nda_ocl_fft_scratch(d, bytes, &sin)) != NDA_OK)
            return rc;
        err = clEnqueueCopyBuffer(d->queue, in, sin, in_off, 0, bytes, 0, NULL, NULL);
        if (err != CL_SUCCESS) {
            rc = nda_ocl_error_cl(err, "clEnqueueCopyBuffer", d);
            goto out_release;
        }
        in = sin;
        in_off = 0;
        inplace = 0;
    }
    if (out_off % isz != 0) {
        if ((rc = nda_ocl_fft_scratch(d, bytes, &sout)) != NDA_OK)
            goto out_release;
        inplace = 0;
    }
    wide = (in_off + bytes) / isz >= (1u << 30) || (out_off + bytes) / isz >= (1u << 30);

    pthread_mutex_lock(&nda_ocl_fft_lock);
    rc = nda_ocl_fft_plan_get(d, dev, dbl, inplace, wide, (uint64_t)f->n, (uint64_t)f->batch,
                              in, sout ? sout : out, &plan);
    if (rc == NDA_OK) {
        memset(&lp, 0, sizeof lp);
        lp.commandQueue = &d->queue;
        if (sout != NULL) {
            lp.buffer = &sout;
            lp.bufferOffset = 0;
        } else {
            lp.buffer = &out;
            lp.bufferOffset = out_off;
        }
        if (!inplace) {
            lp.inputBuffer = &in;
            lp.inputBufferOffset = in_off;
        }
        r = VkFFTAppend(&plan->app, f->inverse ? 1 : -1, &lp);
        if (r != VKFFT_SUCCESS)
            rc = nda_vkfft_fail(r, "VkFFTAppend", d, (uint64_t)f->n, (uint64_t)f->batch);
    }
    pthread_mutex_unlock(&nda_ocl_fft_lock);
    if (rc == NDA_OK && sout != NULL) {
        err = clEnqueueCopyBuffer(d->queue, sout, out, 0, out_off, bytes, 0, NULL, NULL);
        if (err != CL_SUCCESS)
            rc = nda_ocl_error_cl(err, "clEnqueueCopyBuffer", d);
    }
out_release:
    if (sin != NULL)
        clReleaseMemObject(sin);
    if (sout != NULL)
        clReleaseMemObject(sout);
    return rc;
}

void nda_ocl_fft_shutdown(void)
{
    pthread_mutex_lock(&nda_ocl_fft_lock);
    while (nda_ocl_fft_plans != NULL) {
        nda_ocl_fft_plan *p = nda_ocl_fft_plans;
        nda_ocl_fft_plans = p->next;
        nda_ocl_fft_plan_free(p);
    }
    nda_ocl_fft_nplans = 0;
    nda_ocl_fft_held = 0;
    pthread_mutex_unlock(&nda_ocl_fft_lock);
}

#else /* !NDA_HAVE_VKFFT */

int nda_ocl_fft(int dev, const nda_fft_desc *f)
{
    (void)f;
    return nda_plugin_error_set(NDA_ENODEV,
                                "fft on opencl:%d needs VkFFT (Debian libvkfft-dev): this plugin "
                                "was built without vkFFT.h",
                                dev);
}

void nda_ocl_fft_shutdown(void) {}

#endif
