/* The OpenCL backend plugin: memory, copies, fills, launches and the ops
 * table exported through nda_backend_entry.
 *
 * Handles: a buffer is a cl_mem created in the device's context. All work
 * goes to the device's single in-order queue, so commands run in the order
 * they were enqueued. Sizes and offsets are in bytes. */
#define _DEFAULT_SOURCE /* posix_memalign, madvise's MADV_HUGEPAGE */
#include "opencl_internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---- memory ---- */

/* Frees a host-memory buffer's storage once the driver has let go of the
 * buffer (after the last command using it). */
static void CL_CALLBACK nda_ocl_host_storage_free(cl_mem mem, void *storage)
{
    (void)mem;
    free(storage);
}

/* The host address of a buffer allocated as host memory, else NULL. */
static char *nda_ocl_host_ptr(cl_mem mem)
{
    void *p = NULL;

    if (clGetMemObjectInfo(mem, CL_MEM_HOST_PTR, sizeof p, &p, NULL) != CL_SUCCESS)
        return NULL;
    return p;
}

/* Whether [off, off + n) lies inside the buffer (what the driver checks
 * for the commands a memcpy replaces). */
static int nda_ocl_in_range(cl_mem mem, size_t off, size_t n)
{
    size_t size = 0;

    if (clGetMemObjectInfo(mem, CL_MEM_SIZE, sizeof size, &size, NULL) != CL_SUCCESS)
        return 0;
    return off <= size && n <= size - off;
}

/* Host storage of NDA_OCL_HUGE_MIN bytes or more starts on a 2 MiB boundary
 * and is advised to use transparent huge pages (where the kernel's THP mode
 * is "madvise", as NumPy does for its own data of 4 MiB or more): a pass
 * over 32 MiB then walks 16 page-table entries instead of 8192, for the
 * kernels and for NumPy reading the storage in place alike. Advice only:
 * a refusal changes nothing else. */
#define NDA_OCL_HUGE_MIN ((size_t)4 << 20)
#define NDA_OCL_HUGE_ALIGN ((size_t)2 << 20)

/* Host storage of NDA_OCL_COLOUR_MIN bytes or more starts a rotating
 * multiple of NDA_OCL_COLOUR_STEP bytes ("colour") past its aligned
 * allocation, so that two large buffers rarely sit at the same address
 * modulo 4 KiB. The CPU takes a load that follows a store to the same
 * address modulo 4 KiB as possibly dependent on it (4K aliasing) and
 * waits: storing into a slice a few elements into one buffer while reading
 * another at the same index (u_new[1:-1] = u[:-2] + u[2:], a stencil's
 * interior written back) ran at half speed, 0.9 against 0.45 ms over 1M
 * float64, when both buffers began on page boundaries. */
#define NDA_OCL_COLOUR_MIN ((size_t)1 << 16)
#define NDA_OCL_COLOUR_STEP ((size_t)256)
#define NDA_OCL_COLOURS 15 /* offsets 256 .. 3840: never the page boundary itself */

static atomic_uint nda_ocl_next_colour;

/* On host-memory devices the storage is ours (nda_ocl_device.host_memory):
 * the device uses it in place, so its address needs no map command. */
static cl_mem nda_ocl_host_buffer_create(nda_ocl_device *d, size_t nbytes, cl_int *err)
{
    size_t rounded = (nbytes + d->host_align - 1) / d->host_align * d->host_align;
    size_t align = d->host_align;
    size_t colour = 0;
    void *storage = NULL;
    cl_mem mem;

    if (rounded >= NDA_OCL_COLOUR_MIN && NDA_OCL_COLOUR_STEP % align == 0)
        colour = (atomic_fetch_add(&nda_ocl_next_colour, 1u) % NDA_OCL_COLOURS + 1) *
                 NDA_OCL_COLOUR_STEP;
    if (nbytes > d->max_alloc) { /* what clCreateBuffer says, before any host allocation */
        *err = CL_INVALID_BUFFER_SIZE;
        return NULL;
    }
    if (rounded >= NDA_OCL_HUGE_MIN && align < NDA_OCL_HUGE_ALIGN)
        align = NDA_OCL_HUGE_ALIGN;
    if (posix_memalign(&storage, align, rounded + colour) != 0) {
        *err = CL_OUT_OF_HOST_MEMORY;
        return NULL;
    }
#ifdef MADV_HUGEPAGE
    if (rounded >= NDA_OCL_HUGE_MIN)
        (void)madvise(storage, rounded + colour, MADV_HUGEPAGE);
#endif
    mem = clCreateBuffer(d->ctx, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR, nbytes,
                         (char *)storage + colour, err);
    if (mem == NULL || *err != CL_SUCCESS) {
        free(storage);
        return NULL;
    }
    *err = clSetMemObjectDestructorCallback(mem, nda_ocl_host_storage_free, storage);
    if (*err != CL_SUCCESS) {
        clReleaseMemObject(mem); /* no command used it yet: the driver is done with it */
        free(storage);
        return NULL;
    }
    return mem;
}

static int nda_ocl_buffer_alloc(int dev, size_t nbytes, void **buf)
{
    nda_ocl_device *d;
    cl_mem mem;
    cl_int err = CL_SUCCESS;
    int rc;

    *buf = NULL;
    if ((rc = nda_ocl_device_get(dev, &d)) != NDA_OK)
        return rc;
    if (d->host_memory)
        mem = nda_ocl_host_buffer_create(d, nbytes, &err);
    else
        mem = clCreateBuffer(d->ctx, CL_MEM_READ_WRITE, nbytes, NULL, &err);
    if (mem == NULL || err != CL_SUCCESS) {
        if (nda_ocl_error_code(err) == NDA_ENOMEM)
            return nda_plugin_error_set(NDA_ENOMEM,
                                        "clCreateBuffer failed: %s (%d): cannot allocate %zu bytes "
                                        "on %s",
                                        nda_ocl_error_name(err), (int)err, nbytes, d->name);
        return nda_ocl_error_cl(err, "clCreateBuffer", d);
    }
    *buf = mem;
    return NDA_OK;
}

/* Safe with work pending: enqueued commands retain the memory object. */
static void nda_ocl_buffer_free(int dev, void *buf)
{
    (void)dev;
    if (buf != NULL)
        clReleaseMemObject((cl_mem)buf);
}

/* ---- copies ---- */

static int nda_ocl_copy_to_device(int dev, void *dst, size_t dst_off, const void *src,
                                  size_t nbytes)
{
    nda_ocl_device *d;
    cl_int err;
    int rc;

    if (nbytes == 0)
        return NDA_OK;
    if ((rc = nda_ocl_device_get(dev, &d)) != NDA_OK)
        return rc;
    char *storage = nda_ocl_host_ptr((cl_mem)dst);
    if (storage != NULL) {
        /* Host memory: once the queue is idle (no queued command still
         * reads or writes it), a memcpy, without a command round trip. */
        if (!nda_ocl_in_range((cl_mem)dst, dst_off, nbytes))
            return nda_ocl_error_cl(CL_INVALID_VALUE, "clEnqueueWriteBuffer", d);
        if ((err = clFinish(d->queue)) != CL_SUCCESS)
            return nda_ocl_error_cl(err, "clFinish", d);
        memcpy(storage + dst_off, src, nbytes);
        return NDA_OK;
    }
    /* Blocking: returns once `src` may be reused. */
    err = clEnqueueWriteBuffer(d->queue, (cl_mem)dst, CL_TRUE, dst_off, nbytes, src, 0, NULL,
                               NULL);
    return err == CL_SUCCESS ? NDA_OK : nda_ocl_error_cl(err, "clEnqueueWriteBuffer", d);
}

static int nda_ocl_copy_to_host(int dev, void *dst, const void *src, size_t src_off,
                                size_t nbytes)
{
    nda_ocl_device *d;
    cl_int err;
    int rc;

    if (nbytes == 0)
        return NDA_OK;
    if ((rc = nda_ocl_device_get(dev, &d)) != NDA_OK)
        return rc;
    const char *storage = nda_ocl_host_ptr((cl_mem)src);
    if (storage != NULL) { /* as in copy_to_device */
        if (!nda_ocl_in_range((cl_mem)src, src_off, nbytes))
            return nda_ocl_error_cl(CL_INVALID_VALUE, "clEnqueueReadBuffer", d);
        if ((err = clFinish(d->queue)) != CL_SUCCESS)
            return nda_ocl_error_cl(err, "clFinish", d);
        memcpy(dst, storage + src_off, nbytes);
        return NDA_OK;
    }
    /* Blocking, and after all earlier work (in-order queue). */
    err = clEnqueueReadBuffer(d->queue, (cl_mem)src, CL_TRUE, src_off, nbytes, dst, 0, NULL,
                              NULL);
    return err == CL_SUCCESS ? NDA_OK : nda_ocl_error_cl(err, "clEnqueueReadBuffer", d);
}

/* Copies within one buffer whose source and destination ranges overlap
 * (clEnqueueCopyBuffer rejects that) through a temporary device buffer. */
static int nda_ocl_copy_overlapping(nda_ocl_device *d, cl_mem buf, size_t dst_off,
                                    size_t src_off, size_t nbytes)
{
    cl_int err = CL_SUCCESS;
    const char *call = "clCreateBuffer";
    cl_mem tmp = clCreateBuffer(d->ctx, CL_MEM_READ_WRITE, nbytes, NULL, &err);

    if (tmp == NULL || err != CL_SUCCESS)
        return nda_ocl_error_cl(err, call, d);
    call = "clEnqueueCopyBuffer";
    err = clEnqueueCopyBuffer(d->queue, buf, tmp, src_off, 0, nbytes, 0, NULL, NULL);
    if (err == CL_SUCCESS)
        err = clEnqueueCopyBuffer(d->queue, tmp, buf, 0, dst_off, nbytes, 0, NULL, NULL);
    clReleaseMemObject(tmp); /* retained by the enqueued copies */
    return err == CL_SUCCESS ? NDA_OK : nda_ocl_error_cl(err, call, d);
}

static int nda_ocl_copy_device(int dev, void *dst, size_t dst_off, const void *src,
                               size_t src_off, size_t nbytes)
{
    nda_ocl_device *d;
    cl_int err;
    int rc;

    if (nbytes == 0)
        return NDA_OK;
    if ((rc = nda_ocl_device_get(dev, &d)) != NDA_OK)
        return rc;
    if (dst == src && dst_off < src_off + nbytes && src_off < dst_off + nbytes) {
        if (dst_off == src_off)
            return NDA_OK;
        return nda_ocl_copy_overlapping(d, (cl_mem)dst, dst_off, src_off, nbytes);
    }
    err = clEnqueueCopyBuffer(d->queue, (cl_mem)src, (cl_mem)dst, src_off, dst_off, nbytes, 0,
                              NULL, NULL);
    return err == CL_SUCCESS ? NDA_OK : nda_ocl_error_cl(err, "clEnqueueCopyBuffer", d);
}

/* ---- fill ---- */

/* Blocking write of nbytes (< 16) taken from `bytes`, used for the unaligned
 * head and tail of a fill. */
static cl_int nda_ocl_fill_edge(nda_ocl_device *d, cl_mem buf, size_t off,
                                const unsigned char *bytes, size_t nbytes)
{
    if (nbytes == 0)
        return CL_SUCCESS;
    return clEnqueueWriteBuffer(d->queue, buf, CL_TRUE, off, nbytes, bytes, 0, NULL, NULL);
}

/* OpenCL wants `off` to be a multiple of the pattern size; the contract
 * does not. Pattern byte k lands at off + k (mod pattern_size), so an
 * unaligned fill is a head write, an aligned fill with the pattern rotated
 * to the head's phase, and a tail write. */
static int nda_ocl_fill(int dev, void *buf, size_t off, const void *pattern,
                        size_t pattern_size, size_t nbytes)
{
    nda_ocl_device *d;
    const unsigned char *pat = pattern;
    unsigned char rot[16];
    size_t head, body, tail;
    cl_int err;
    int rc;

    if (pattern_size != 1 && pattern_size != 2 && pattern_size != 4 && pattern_size != 8 &&
        pattern_size != 16)
        return nda_plugin_error_set(NDA_EVALUE, "fill pattern size %zu is not 1, 2, 4, 8 or 16",
                                    pattern_size);
    if (nbytes == 0)
        return NDA_OK;
    if ((rc = nda_ocl_device_get(dev, &d)) != NDA_OK)
        return rc;
    head = (pattern_size - off % pattern_size) % pattern_size;
    if (head > nbytes)
        head = nbytes;
    body = (nbytes - head) / pattern_size * pattern_size;
    tail = nbytes - head - body;
    for (size_t k = 0; k < pattern_size; k++)
        rot[k] = pat[(head + k) % pattern_size];
    err = nda_ocl_fill_edge(d, (cl_mem)buf, off, pat, head);
    if (err != CL_SUCCESS)
        return nda_ocl_error_cl(err, "clEnqueueWriteBuffer", d);
    if (body > 0) {
        err = clEnqueueFillBuffer(d->queue, (cl_mem)buf, rot, pattern_size, off + head, body, 0,
                                  NULL, NULL);
        if (err != CL_SUCCESS)
            return nda_ocl_error_cl(err, "clEnqueueFillBuffer", d);
    }
    err = nda_ocl_fill_edge(d, (cl_mem)buf, off + head + body, rot, tail);
    return err == CL_SUCCESS ? NDA_OK : nda_ocl_error_cl(err, "clEnqueueWriteBuffer", d);
}

/* ---- launch ---- */

/* Sets every argument of `k`. Caller holds the device lock (kernel objects
 * keep their arguments, so setting and enqueueing must not interleave). */
static int nda_ocl_args_set(cl_kernel k, int nargs, const nda_kernel_arg *args)
{
    for (int i = 0; i < nargs; i++) {
        cl_int err;
        if (args[i].kind == NDA_ARG_BUFFER) {
            cl_mem mem = (cl_mem)args[i].value;
            err = clSetKernelArg(k, (cl_uint)i, sizeof mem, &mem);
        } else if (args[i].kind == NDA_ARG_SCALAR && args[i].value != NULL) {
            err = clSetKernelArg(k, (cl_uint)i, args[i].size, args[i].value);
        } else {
            return nda_plugin_error_set(NDA_EVALUE, "kernel argument %d: bad kind %d or NULL value",
                                        i, args[i].kind);
        }
        if (err != CL_SUCCESS)
            return nda_plugin_error_set(NDA_EBACKEND,
                                        "clSetKernelArg failed: %s (%d) for argument %d",
                                        nda_ocl_error_name(err), (int)err, i);
    }
    return NDA_OK;
}

static int nda_ocl_launch(int dev, void *kernel, size_t global_size, size_t local_size,
                          int nargs, const nda_kernel_arg *args)
{
    nda_ocl_device *d;
    cl_int err;
    int rc;

    if (global_size == 0)
        return NDA_OK;
    if (local_size == 0 || global_size % local_size != 0)
        return nda_plugin_error_set(NDA_EVALUE,
                                    "launch: global size %zu is not a multiple of local size %zu",
                                    global_size, local_size);
    if ((rc = nda_ocl_device_lookup(dev, &d)) != NDA_OK)
        return rc;
    pthread_mutex_lock(&d->lock);
    if ((rc = nda_ocl_device_open_locked(d)) != NDA_OK)
        goto out;
    if ((rc = nda_ocl_args_set((cl_kernel)kernel, nargs, args)) != NDA_OK)
        goto out;
    err = clEnqueueNDRangeKernel(d->queue, (cl_kernel)kernel, 1, NULL, &global_size, &local_size,
                                 0, NULL, NULL);
    if (err != CL_SUCCESS)
        rc = nda_ocl_error_cl(err, "clEnqueueNDRangeKernel", d);
out:
    pthread_mutex_unlock(&d->lock);
    return rc;
}

static int nda_ocl_synchronize(int dev)
{
    nda_ocl_device *d;
    cl_int err;
    int rc;

    if ((rc = nda_ocl_device_get(dev, &d)) != NDA_OK)
        return rc;
    err = clFinish(d->queue);
    return err == CL_SUCCESS ? NDA_OK : nda_ocl_error_cl(err, "clFinish", d);
}

/* ---- host access (backend.h, abi_version >= 5) ---- */

static int nda_ocl_memory_kind(int dev, int *kind)
{
    nda_ocl_device *d;
    int rc = nda_ocl_device_get(dev, &d);

    *kind = rc == NDA_OK && d->host_memory ? NDA_MEMORY_HOST : NDA_MEMORY_DEVICE;
    return rc;
}

/* A host-memory buffer (nda_ocl_host_ptr) maps to its storage once the
 * queue is idle: no map command. Others take a real map, which a
 * discrete device may stage through a copy. */
static int nda_ocl_buffer_map(int dev, void *buf, size_t off, size_t nbytes, void **host)
{
    nda_ocl_device *d;
    char *storage = nda_ocl_host_ptr((cl_mem)buf);
    cl_int err = CL_SUCCESS;
    int rc;

    *host = NULL;
    if ((rc = nda_ocl_device_get(dev, &d)) != NDA_OK)
        return rc;
    if (storage != NULL) {
        if (!nda_ocl_in_range((cl_mem)buf, off, nbytes))
            return nda_ocl_error_cl(CL_INVALID_VALUE, "clEnqueueMapBuffer", d);
        if ((err = clFinish(d->queue)) != CL_SUCCESS)
            return nda_ocl_error_cl(err, "clFinish", d);
        *host = storage + off;
        return NDA_OK;
    }
    /* Blocking: the pointer is valid, and holds the results of all
     * earlier work (in-order queue), on return. */
    *host = clEnqueueMapBuffer(d->queue, (cl_mem)buf, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, off,
                               nbytes, 0, NULL, NULL, &err);
    if (err != CL_SUCCESS || *host == NULL) {
        *host = NULL;
        return nda_ocl_error_cl(err, "clEnqueueMapBuffer", d);
    }
    return NDA_OK;
}

static int nda_ocl_buffer_unmap(int dev, void *buf, void *host)
{
    nda_ocl_device *d;
    cl_int err;
    int rc;

    if (nda_ocl_host_ptr((cl_mem)buf) != NULL)
        return NDA_OK; /* the storage itself was handed out: nothing to commit */
    if ((rc = nda_ocl_device_get(dev, &d)) != NDA_OK)
        return rc;
    err = clEnqueueUnmapMemObject(d->queue, (cl_mem)buf, host, 0, NULL, NULL);
    if (err == CL_SUCCESS)
        err = clFinish(d->queue); /* the host's writes have reached the buffer */
    return err == CL_SUCCESS ? NDA_OK : nda_ocl_error_cl(err, "clEnqueueUnmapMemObject", d);
}

/* ---- entry ---- */

static const nda_backend_ops nda_ocl_ops = {
    .abi_version = NDA_BACKEND_ABI_VERSION,
    .name = "opencl",
    .dialect = NDA_DIALECT_OPENCL,
    .init = nda_ocl_backend_init,
    .shutdown = nda_ocl_backend_shutdown,
    .device_count = nda_ocl_device_count,
    .device_info = nda_ocl_device_info,
    .buffer_alloc = nda_ocl_buffer_alloc,
    .buffer_free = nda_ocl_buffer_free,
    .copy_to_device = nda_ocl_copy_to_device,
    .copy_to_host = nda_ocl_copy_to_host,
    .copy_device = nda_ocl_copy_device,
    .fill = nda_ocl_fill,
    .program_build = nda_ocl_program_build,
    .program_binary = nda_ocl_program_binary,
    .program_load = nda_ocl_program_load,
    .program_free = nda_ocl_program_free,
    .kernel_get = nda_ocl_kernel_get,
    .kernel_free = nda_ocl_kernel_free,
    .launch = nda_ocl_launch,
    .synchronize = nda_ocl_synchronize,
    .cache_tag = nda_ocl_device_cache_tag,
    .fft = nda_ocl_fft,
    .gemm = nda_ocl_gemm,
    .memory_kind = nda_ocl_memory_kind,
    .buffer_map = nda_ocl_buffer_map,
    .buffer_unmap = nda_ocl_buffer_unmap,
};

__attribute__((visibility("default"))) const nda_backend_ops *nda_backend_entry(void)
{
    return &nda_ocl_ops;
}
