/* The CUDA backend plugin: memory, copies, fills, launches and the ops
 * table exported through nda_backend_entry.
 *
 * Handles: a buffer is an nda_cu_buffer (device pointer + size, so copies
 * and fills are bounds-checked). All work goes to the device's single
 * non-blocking stream, so commands run in the order they were issued.
 * Every entry point pushes the device's primary context for the duration
 * of the call and pops it again. Sizes and offsets are in bytes. */
#include "backends/cuda/cuda_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Rejects [off, off + n) outside buffer `b` (the driver would either fail
 * with a vague error or silently touch a neighbouring allocation). */
static int nda_cu_range(const char *what, const nda_cu_buffer *b, size_t off, size_t n)
{
    if (b == NULL)
        return nda_plugin_error_set(NDA_EVALUE, "%s: NULL buffer", what);
    if (off > b->size || n > b->size - off)
        return nda_plugin_error_set(NDA_EVALUE,
                                    "%s: bytes [%zu, %zu + %zu) are outside the %zu-byte buffer",
                                    what, off, off, n, b->size);
    return NDA_OK;
}

/* Waits for the stream; reports failures (including those of earlier
 * asynchronous work) as a failed `call`. Caller entered `d`. */
static int nda_cu_sync(nda_cu_device *d, const char *call)
{
    CUresult r = nda_cu_drv()->StreamSynchronize(d->stream);
    return r == CUDA_SUCCESS ? NDA_OK : nda_cu_error_cu(r, call, d);
}

/* ---- memory ---- */

static int nda_cu_buffer_alloc(int dev, size_t nbytes, void **buf)
{
    nda_cu_device *d;
    nda_cu_buffer *b;
    CUresult r;
    int rc;

    *buf = NULL;
    b = malloc(sizeof *b);
    if (b == NULL)
        return nda_plugin_error_set(NDA_ENOMEM, "out of host memory");
    if ((rc = nda_cu_device_enter(dev, &d)) != NDA_OK) {
        free(b);
        return rc;
    }
    b->foreign = 0;
    r = nda_cu_drv()->MemAlloc(&b->ptr, nbytes);
    nda_cu_device_leave(d);
    if (r != CUDA_SUCCESS) {
        free(b);
        if (r == CUDA_ERROR_OUT_OF_MEMORY)
            return nda_plugin_error_set(
                NDA_ENOMEM,
                "cuMemAlloc failed: %s (%d): cannot allocate %zu bytes on %s "
                "(cuda:%d)",
                nda_cu_result_name(r), (int)r, nbytes, d->name, d->index);
        return nda_cu_error_cu(r, "cuMemAlloc", d);
    }
    b->size = nbytes;
    *buf = b;
    return NDA_OK;
}

/* Waits for queued work first: cuMemFree does not wait for work on a
 * non-blocking stream that may still use the memory. */
static void nda_cu_buffer_free(int dev, void *buf)
{
    nda_cu_buffer *b = buf;
    nda_cu_device *d;

    if (b == NULL)
        return;
    if (nda_cu_device_enter(dev, &d) == NDA_OK) {
        nda_cu_drv()->StreamSynchronize(d->stream);
        if (!b->foreign)
            nda_cu_drv()->MemFree(b->ptr);
        nda_cu_device_leave(d);
    }
    free(b);
}

/* ---- copies ---- */

static int nda_cu_copy_to_device(int dev, void *dst, size_t dst_off, const void *src,
                                 size_t nbytes)
{
    nda_cu_buffer *b = dst;
    nda_cu_device *d;
    CUresult r;
    int rc;

    if (nbytes == 0)
        return NDA_OK;
    if ((rc = nda_cu_range("copy_to_device", b, dst_off, nbytes)) != NDA_OK ||
        (rc = nda_cu_device_enter(dev, &d)) != NDA_OK)
        return rc;
    r = nda_cu_drv()->MemcpyHtoDAsync(b->ptr + dst_off, src, nbytes, d->stream);
    /* Returns once `src` may be reused. */
    rc = r == CUDA_SUCCESS ? nda_cu_sync(d, "cuStreamSynchronize after cuMemcpyHtoDAsync")
                           : nda_cu_error_cu(r, "cuMemcpyHtoDAsync", d);
    nda_cu_device_leave(d);
    return rc;
}

static int nda_cu_copy_to_host(int dev, void *dst, const void *src, size_t src_off,
                               size_t nbytes)
{
    const nda_cu_buffer *b = src;
    nda_cu_device *d;
    CUresult r;
    int rc;

    if (nbytes == 0)
        return NDA_OK;
    if ((rc = nda_cu_range("copy_to_host", b, src_off, nbytes)) != NDA_OK ||
        (rc = nda_cu_device_enter(dev, &d)) != NDA_OK)
        return rc;
    /* Queued behind all earlier work on the stream, then waited for. */
    r = nda_cu_drv()->MemcpyDtoHAsync(dst, b->ptr + src_off, nbytes, d->stream);
    rc = r == CUDA_SUCCESS ? nda_cu_sync(d, "cuStreamSynchronize after cuMemcpyDtoHAsync")
                           : nda_cu_error_cu(r, "cuMemcpyDtoHAsync", d);
    nda_cu_device_leave(d);
    return rc;
}

/* Copies within one buffer whose source and destination ranges overlap
 * (memcpy semantics do not allow that) through a temporary device buffer.
 * Caller entered `d`. */
static int nda_cu_copy_overlapping(nda_cu_device *d, CUdeviceptr base, size_t dst_off,
                                   size_t src_off, size_t nbytes)
{
    const nda_cu_driver *drv = nda_cu_drv();
    CUdeviceptr tmp = 0;
    const char *call = "cuMemAlloc";
    CUresult r = drv->MemAlloc(&tmp, nbytes);
    int rc;

    if (r != CUDA_SUCCESS)
        return nda_cu_error_cu(r, call, d);
    call = "cuMemcpyDtoDAsync";
    r = drv->MemcpyDtoDAsync(tmp, base + src_off, nbytes, d->stream);
    if (r == CUDA_SUCCESS)
        r = drv->MemcpyDtoDAsync(base + dst_off, tmp, nbytes, d->stream);
    rc = r == CUDA_SUCCESS ? NDA_OK : nda_cu_error_cu(r, call, d);
    /* The copies must finish before the temporary goes. */
    drv->StreamSynchronize(d->stream);
    drv->MemFree(tmp);
    return rc;
}

static int nda_cu_copy_device(int dev, void *dst, size_t dst_off, const void *src,
                              size_t src_off, size_t nbytes)
{
    nda_cu_buffer *db = dst;
    const nda_cu_buffer *sb = src;
    nda_cu_device *d;
    CUresult r;
    int rc;

    if (nbytes == 0)
        return NDA_OK;
    if ((rc = nda_cu_range("copy_device (destination)", db, dst_off, nbytes)) != NDA_OK ||
        (rc = nda_cu_range("copy_device (source)", sb, src_off, nbytes)) != NDA_OK)
        return rc;
    if (db == sb && dst_off == src_off)
        return NDA_OK;
    if ((rc = nda_cu_device_enter(dev, &d)) != NDA_OK)
        return rc;
    if (db == sb && dst_off < src_off + nbytes && src_off < dst_off + nbytes) {
        rc = nda_cu_copy_overlapping(d, db->ptr, dst_off, src_off, nbytes);
    } else {
        r = nda_cu_drv()->MemcpyDtoDAsync(db->ptr + dst_off, sb->ptr + src_off, nbytes, d->stream);
        rc = r == CUDA_SUCCESS ? NDA_OK : nda_cu_error_cu(r, "cuMemcpyDtoDAsync", d);
    }
    nda_cu_device_leave(d);
    return rc;
}

/* ---- fill ---- */

/* Fills [dst, dst + nbytes) by writing the pattern once from the host and
 * doubling the filled prefix with device-to-device copies (log2 of the
 * repeat count copies; the ranges never overlap). Works for any pattern
 * size and alignment. Caller entered `d`. */
static int nda_cu_fill_doubling(nda_cu_device *d, CUdeviceptr dst, const void *pattern,
                                size_t psize, size_t nbytes)
{
    const nda_cu_driver *drv = nda_cu_drv();
    size_t done = psize < nbytes ? psize : nbytes;
    CUresult r = drv->MemcpyHtoDAsync(dst, pattern, done, d->stream);
    int rc;

    if (r != CUDA_SUCCESS)
        return nda_cu_error_cu(r, "cuMemcpyHtoDAsync", d);
    /* `pattern` is the caller's: it may be reused once we return. */
    if ((rc = nda_cu_sync(d, "cuStreamSynchronize after cuMemcpyHtoDAsync")) != NDA_OK)
        return rc;
    while (done < nbytes) {
        size_t chunk = done < nbytes - done ? done : nbytes - done;
        r = drv->MemcpyDtoDAsync(dst + done, dst, chunk, d->stream);
        if (r != CUDA_SUCCESS)
            return nda_cu_error_cu(r, "cuMemcpyDtoDAsync", d);
        done += chunk;
    }
    return NDA_OK;
}

/* 1-, 2- and 4-byte patterns at suitably aligned addresses use the
 * driver's memsets; everything else (8/16-byte patterns, unaligned
 * offsets) the doubling copy. Asynchronous like a launch. */
static int nda_cu_fill(int dev, void *buf, size_t off, const void *pattern, size_t pattern_size,
                       size_t nbytes)
{
    const nda_cu_driver *drv = nda_cu_drv();
    nda_cu_buffer *b = buf;
    nda_cu_device *d;
    CUdeviceptr dst;
    CUresult r = CUDA_SUCCESS;
    const char *call = NULL;
    int rc;

    if (pattern_size != 1 && pattern_size != 2 && pattern_size != 4 && pattern_size != 8 &&
        pattern_size != 16)
        return nda_plugin_error_set(NDA_EVALUE, "fill pattern size %zu is not 1, 2, 4, 8 or 16",
                                    pattern_size);
    if (nbytes == 0)
        return NDA_OK;
    if ((rc = nda_cu_range("fill", b, off, nbytes)) != NDA_OK ||
        (rc = nda_cu_device_enter(dev, &d)) != NDA_OK)
        return rc;
    dst = b->ptr + off;
    if (pattern_size == 1) {
        call = "cuMemsetD8Async";
        r = drv->MemsetD8Async(dst, *(const unsigned char *)pattern, nbytes, d->stream);
    } else if (pattern_size == 2 && dst % 2 == 0 && nbytes % 2 == 0) {
        unsigned short v;
        memcpy(&v, pattern, 2);
        call = "cuMemsetD16Async";
        r = drv->MemsetD16Async(dst, v, nbytes / 2, d->stream);
    } else if (pattern_size == 4 && dst % 4 == 0 && nbytes % 4 == 0) {
        unsigned int v;
        memcpy(&v, pattern, 4);
        call = "cuMemsetD32Async";
        r = drv->MemsetD32Async(dst, v, nbytes / 4, d->stream);
    } else {
        rc = nda_cu_fill_doubling(d, dst, pattern, pattern_size, nbytes);
    }
    if (call != NULL && r != CUDA_SUCCESS)
        rc = nda_cu_error_cu(r, call, d);
    nda_cu_device_leave(d);
    return rc;
}

/* ---- launch ---- */

/* Checks the arguments against the kernel's parameters (when known) and
 * fills params[i]: for a buffer, a pointer to its device address (kept in
 * ptrs[i]); for a scalar, the caller's value pointer. */
static int nda_cu_args_pack(const nda_cu_kernel *k, int nargs, const nda_kernel_arg *args,
                            CUdeviceptr *ptrs, void **params)
{
    if (k->nparams >= 0 && nargs != k->nparams)
        return nda_plugin_error_set(NDA_EVALUE, "launch of '%s': %d arguments given, it takes %d",
                                    k->name, nargs, k->nparams);
    for (int i = 0; i < nargs; i++) {
        size_t want = k->nparams >= 0 ? k->sizes[i] : 0;
        if (args[i].kind == NDA_ARG_BUFFER && args[i].value != NULL) {
            ptrs[i] = ((const nda_cu_buffer *)args[i].value)->ptr;
            params[i] = &ptrs[i];
            if (want != 0 && want != sizeof(CUdeviceptr))
                return nda_plugin_error_set(NDA_EVALUE,
                                            "launch of '%s': argument %d is a buffer, the kernel "
                                            "takes a %zu-byte value",
                                            k->name, i, want);
        } else if (args[i].kind == NDA_ARG_SCALAR && args[i].value != NULL) {
            params[i] = (void *)args[i].value;
            if (want != 0 && want != args[i].size)
                return nda_plugin_error_set(NDA_EVALUE,
                                            "launch of '%s': argument %d has %zu bytes, the kernel "
                                            "takes %zu",
                                            k->name, i, args[i].size, want);
        } else {
            return nda_plugin_error_set(NDA_EVALUE, "kernel argument %d: bad kind %d or NULL value",
                                        i, args[i].kind);
        }
    }
    return NDA_OK;
}

static int nda_cu_launch(int dev, void *kernel, size_t global_size, size_t local_size,
                         int nargs, const nda_kernel_arg *args)
{
    enum { STACK_ARGS = 32 };
    const nda_cu_kernel *k = kernel;
    nda_cu_device *d;
    CUdeviceptr ptrs_stack[STACK_ARGS], *ptrs = ptrs_stack;
    void *params_stack[STACK_ARGS], **params = params_stack;
    size_t grid;
    CUresult r;
    int rc;

    if (global_size == 0)
        return NDA_OK;
    if (k == NULL)
        return nda_plugin_error_set(NDA_EVALUE, "launch: NULL kernel");
    if (local_size == 0 || global_size % local_size != 0)
        return nda_plugin_error_set(NDA_EVALUE,
                                    "launch: global size %zu is not a multiple of local size %zu",
                                    global_size, local_size);
    if ((rc = nda_cu_device_lookup(dev, &d)) != NDA_OK)
        return rc;
    if (local_size > (size_t)d->max_threads)
        return nda_plugin_error_set(NDA_EVALUE,
                                    "launch: local size %zu exceeds the %d threads per block of %s",
                                    local_size, d->max_threads, d->name);
    grid = global_size / local_size;
    if (grid > 0x7fffffffu)
        return nda_plugin_error_set(NDA_EVALUE, "launch: %zu blocks exceed the grid limit (2^31-1)",
                                    grid);
    if (nargs < 0 || (nargs > 0 && args == NULL))
        return nda_plugin_error_set(NDA_EVALUE, "launch: bad argument list (%d arguments)", nargs);
    if (nargs > STACK_ARGS) {
        ptrs = malloc((size_t)nargs * sizeof *ptrs);
        params = malloc((size_t)nargs * sizeof *params);
        if (ptrs == NULL || params == NULL) {
            rc = nda_plugin_error_set(NDA_ENOMEM, "out of host memory");
            goto out;
        }
    }
    if ((rc = nda_cu_args_pack(k, nargs, args, ptrs, params)) != NDA_OK)
        goto out;
    if ((rc = nda_cu_device_enter(dev, &d)) != NDA_OK)
        goto out;
    /* cuLaunchKernel copies the parameter values before it returns. */
    r = nda_cu_drv()->LaunchKernel(k->fn, (unsigned int)grid, 1, 1, (unsigned int)local_size, 1, 1,
                                   0, d->stream, nargs > 0 ? params : NULL, NULL);
    nda_cu_device_leave(d);
    if (r != CUDA_SUCCESS)
        rc = nda_cu_error_cu(r, "cuLaunchKernel", d);
out:
    if (ptrs != ptrs_stack)
        free(ptrs);
    if (params != params_stack)
        free(params);
    return rc;
}

static int nda_cu_synchronize(int dev)
{
    nda_cu_device *d;
    int rc;

    if ((rc = nda_cu_device_enter(dev, &d)) != NDA_OK)
        return rc;
    rc = nda_cu_sync(d, "cuStreamSynchronize");
    nda_cu_device_leave(d);
    return rc;
}

/* ---- native handles (backend.h, abi_version >= 4) ---- */

static int nda_cu_native_enter(int dev, nda_native_queue *q)
{
    nda_cu_device *d;
    int rc = nda_cu_device_enter(dev, &d);

    if (rc != NDA_OK)
        return rc;
    q->context = d->ctx;
    q->queue = d->stream;
    q->ordinal = (int)d->id;
    return NDA_OK;
}

static void nda_cu_native_leave(int dev)
{
    nda_cu_device *d;

    if (nda_cu_device_lookup(dev, &d) == NDA_OK)
        nda_cu_device_leave(d);
}

static int nda_cu_buffer_address(int dev, const void *buf, size_t off, size_t nbytes,
                                 uint64_t *addr)
{
    nda_cu_device *d;
    int rc = nda_cu_device_lookup(dev, &d);

    if (rc != NDA_OK)
        return rc;
    if ((rc = nda_cu_range("buffer_address", buf, off, nbytes)) != NDA_OK)
        return rc;
    *addr = (uint64_t)(((const nda_cu_buffer *)buf)->ptr + off);
    return NDA_OK;
}

/* ---- host access and foreign memory (backend.h, abi_version >= 5) ---- */

static int nda_cu_memory_kind(int dev, int *kind)
{
    nda_cu_device *d;

    *kind = NDA_MEMORY_DEVICE;
    return nda_cu_device_lookup(dev, &d);
}

static int nda_cu_buffer_wrap(int dev, uint64_t addr, size_t nbytes, void **buf)
{
    nda_cu_device *d;
    nda_cu_buffer *b;
    int rc = nda_cu_device_lookup(dev, &d);

    *buf = NULL;
    if (rc != NDA_OK)
        return rc;
    if (addr == 0)
        return nda_plugin_error_set(NDA_EVALUE, "buffer_wrap: NULL device address");
    if ((b = malloc(sizeof *b)) == NULL)
        return nda_plugin_error_set(NDA_ENOMEM, "out of host memory");
    b->ptr = (CUdeviceptr)addr;
    b->size = nbytes;
    b->foreign = 1;
    *buf = b;
    return NDA_OK;
}

static int nda_cu_foreign_stream_wait(int dev, uint64_t stream)
{
    nda_cu_device *d;
    CUresult r;
    int rc = nda_cu_device_enter(dev, &d);

    if (rc != NDA_OK)
        return rc;
    r = nda_cu_drv()->StreamSynchronize((CUstream)(uintptr_t)stream);
    rc = r == CUDA_SUCCESS ? NDA_OK : nda_cu_error_cu(r, "cuStreamSynchronize (foreign stream)", d);
    nda_cu_device_leave(d);
    return rc;
}

/* ---- entry ---- */

static const nda_backend_ops nda_cu_ops = {
    .abi_version = NDA_BACKEND_ABI_VERSION,
    .name = "cuda",
    .dialect = NDA_DIALECT_CUDA,
    .init = nda_cu_backend_init,
    .shutdown = nda_cu_backend_shutdown,
    .device_count = nda_cu_device_count,
    .device_info = nda_cu_device_info,
    .buffer_alloc = nda_cu_buffer_alloc,
    .buffer_free = nda_cu_buffer_free,
    .copy_to_device = nda_cu_copy_to_device,
    .copy_to_host = nda_cu_copy_to_host,
    .copy_device = nda_cu_copy_device,
    .fill = nda_cu_fill,
    .program_build = nda_cu_program_build,
    .program_binary = nda_cu_program_binary,
    .program_load = nda_cu_program_load,
    .program_free = nda_cu_program_free,
    .kernel_get = nda_cu_kernel_get,
    .kernel_free = nda_cu_kernel_free,
    .launch = nda_cu_launch,
    .synchronize = nda_cu_synchronize,
    .cache_tag = nda_cu_device_cache_tag,
    .fft = nda_cu_fft,
    .gemm = nda_cu_gemm,
    .solver = nda_cu_solver,
    .native_enter = nda_cu_native_enter,
    .native_leave = nda_cu_native_leave,
    .buffer_address = nda_cu_buffer_address,
    .memory_kind = nda_cu_memory_kind,
    .buffer_wrap = nda_cu_buffer_wrap,
    .foreign_stream_wait = nda_cu_foreign_stream_wait,
};

__attribute__((visibility("default"))) const nda_backend_ops *nda_backend_entry(void)
{
    return &nda_cu_ops;
}
