/* Array lifetime, views, host transfers, assignment. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/device_internal.h"
#include "core/elementwise.h"
#include "core/expr.h"
#include "core/host_eval.h"
#include "core/pool.h"
#include "nda/error.h"
#include "nda/ufunc.h"

static void foreign_buffer_free(nda_device *d, void *handle, void (*release)(void *), void *ctx)
{
    const nda_backend_ops *ops = nda_device_ops(d);
    if (handle != NULL && !nda_forked_after_init())
        ops->buffer_free(nda_device_local_index(d), handle);
    if (release != NULL)
        release(ctx);
}

static void buffer_decref(nda_buffer *b)
{
    if (atomic_fetch_sub_explicit((_Atomic long *)&b->refcount, 1, memory_order_acq_rel) == 1) {
        if (b->release != NULL)
            foreign_buffer_free(b->device, b->handle, b->release, b->release_ctx);
        else
            nda_pool_free(b->device, b->handle, b->capacity);
        free(b);
    }
}

static void buffer_incref(nda_buffer *b)
{
    atomic_fetch_add_explicit((_Atomic long *)&b->refcount, 1, memory_order_relaxed);
}

void nda_buffer_retain(nda_buffer *b) { buffer_incref(b); }
void nda_buffer_release(nda_buffer *b) { buffer_decref(b); }

int nda_array_from_foreign(nda_device *d, void *handle, size_t capacity,
                           void (*release)(void *ctx), void *ctx, nda_dtype t, int ndim,
                           const int64_t *shape, const int64_t *strides, size_t offset,
                           nda_array **out)
{
    int64_t n, lo = (int64_t)offset, hi = (int64_t)offset;
    int rc;
    *out = NULL;
    if (release == NULL) {
        rc = nda_error_set(NDA_EVALUE, "foreign memory needs a release callback");
        goto fail;
    }
    if (!nda_dtype_valid(t)) {
        rc = nda_error_set(NDA_ETYPE, "invalid dtype");
        goto fail;
    }
    if ((rc = nda_shape_size(ndim, shape, nda_dtype_itemsize(t), &n)) != NDA_OK)
        goto fail;
    for (int i = 0; i < ndim && n > 0; i++) {
        int64_t reach = (shape[i] - 1) * strides[i];
        if (reach < 0) lo += reach; else hi += reach;
    }
    if (n > 0 && (lo < 0 || (uint64_t)hi + nda_dtype_itemsize(t) > capacity)) {
        rc = nda_error_set(NDA_EVALUE, "foreign memory: the elements (bytes %lld to %lld) lie "
                           "outside the %zu bytes handed over", (long long)lo,
                           (long long)(hi + (int64_t)nda_dtype_itemsize(t)), capacity);
        goto fail;
    }
    nda_array *a = calloc(1, sizeof *a);
    nda_buffer *b = calloc(1, sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        rc = nda_error_set(NDA_ENOMEM, "out of host memory");
        goto fail;
    }
    *b = (nda_buffer){.refcount = 1, .device = d, .handle = handle, .capacity = capacity,
                      .release = release, .release_ctx = ctx};
    a->buffer = b;
    a->device = d;
    a->dtype = t;
    a->ndim = ndim;
    a->offset = offset;
    for (int i = 0; i < ndim; i++) {
        a->shape[i] = shape[i];
        a->strides[i] = strides[i];
    }
    *out = a;
    return NDA_OK;
fail:
    foreign_buffer_free(d, handle, release, ctx);
    return rc;
}

int nda_array_empty(nda_device *d, nda_dtype t, int ndim, const int64_t *shape, nda_array **out)
{
    int64_t n;
    if (!nda_dtype_valid(t)) return nda_error_set(NDA_ETYPE, "invalid dtype");
    int rc = nda_shape_size(ndim, shape, nda_dtype_itemsize(t), &n);
    if (rc != NDA_OK) return rc;
    size_t isz = nda_dtype_itemsize(t);
    size_t bytes = (size_t)n * isz;
    rc = nda_alloc_check(d, bytes);
    if (rc != NDA_OK) return rc;
    nda_array *a = calloc(1, sizeof *a);
    nda_buffer *b = calloc(1, sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return nda_error_set(NDA_ENOMEM, "out of host memory");
    }
    rc = nda_pool_alloc(d, bytes ? bytes : isz, &b->handle, &b->capacity);
    if (rc != NDA_OK) {
        free(a);
        free(b);
        return rc;
    }
    b->refcount = 1;
    b->device = d;
    a->buffer = b;
    a->device = d;
    a->dtype = t;
    a->ndim = ndim;
    int64_t st = (int64_t)isz;
    for (int i = ndim - 1; i >= 0; i--) {
        a->shape[i] = shape[i];
        a->strides[i] = st;
        st *= shape[i] ? shape[i] : 1;
    }
    *out = a;
    return NDA_OK;
}

int nda_array_view(const nda_array *src, size_t offset, int ndim, const int64_t *shape,
                   const int64_t *strides, nda_array **out)
{
    if (ndim < 0 || ndim > NDA_MAXDIMS)
        return nda_error_set(NDA_EVALUE, "maximum supported dimension for an ndarray is %d, found %d",
                             NDA_MAXDIMS, ndim);
    int64_t n; /* zero strides make any size possible: the size must not overflow */
    int rc = nda_shape_size(ndim, shape, nda_dtype_itemsize(src->dtype), &n);
    if (rc == NDA_OK) rc = nda_lazy_materialize(src);
    if (rc != NDA_OK) return rc;
    nda_array *a = calloc(1, sizeof *a);
    if (!a) return nda_error_set(NDA_ENOMEM, "out of host memory");
    a->buffer = src->buffer;
    a->device = src->device;
    buffer_incref(a->buffer);
    a->offset = offset;
    a->dtype = src->dtype;
    a->ndim = ndim;
    if (ndim > 0) { /* shape/strides may be NULL for a 0-d view */
        memcpy(a->shape, shape, sizeof(int64_t) * (size_t)ndim);
        memcpy(a->strides, strides, sizeof(int64_t) * (size_t)ndim);
    }
    *out = a;
    return NDA_OK;
}

void nda_array_free(nda_array *a)
{
    /* In a forked child (fork.c) the array's registry entry and buffer
     * belong to the parent's state, which may be mid-update: leaked. */
    if (!a || nda_forked_after_init()) return;
    nda_lazy_forget(a);
    if (a->buffer) buffer_decref(a->buffer);
    free(a);
}

int nda_array_from_host(nda_device *d, nda_dtype t, int ndim, const int64_t *shape,
                        const void *data, nda_array **out)
{
    nda_array *a;
    int rc = nda_array_empty(d, t, ndim, shape, &a);
    if (rc != NDA_OK) return rc;
    size_t bytes = (size_t)nda_array_size(a) * nda_dtype_itemsize(t);
    if (bytes) rc = d->ops->copy_to_device(d->local_index, a->buffer->handle, 0, data, bytes);
    if (rc != NDA_OK) {
        nda_array_free(a);
        return rc;
    }
    *out = a;
    return NDA_OK;
}

int nda_array_to_host(const nda_array *a, void *data)
{
    size_t bytes = (size_t)nda_array_size(a) * nda_dtype_itemsize(a->dtype);
    if (!bytes) return NDA_OK;
    int rc = nda_lazy_materialize(a);
    if (rc != NDA_OK) return rc;
    nda_device *d = a->device;
    if (nda_array_is_c_contiguous(a)) {
        rc = d->ops->copy_to_host(d->local_index, data, a->buffer->handle, a->offset, bytes);
        if (rc == NDA_OK) nda_device_waited(d); /* returns after all queued work */
        return rc;
    }
    nda_array *c;
    rc = nda_array_astype(a, a->dtype, &c);
    if (rc == NDA_OK) rc = nda_lazy_materialize(c);
    if (rc != NDA_OK) {
        nda_array_free(c);
        return rc;
    }
    rc = d->ops->copy_to_host(d->local_index, data, c->buffer->handle, c->offset, bytes);
    if (rc == NDA_OK) nda_device_waited(d);
    nda_array_free(c);
    return rc;
}

static int copy_kernel(nda_array *dst, const nda_array *src)
{
    nda_ew_input in = {.array = src};
    nda_dtype li = dst->dtype;
    return nda_ew_execute(NDA_OP_COPY, 1, &li, dst->dtype, &in, dst);
}

/* Prepares dst for a write: its buffer exists and no pending expression
 * still needs the values about to be overwritten. */
static int prepare_write(nda_array *dst)
{
    int rc = nda_lazy_materialize(dst);
    if (rc == NDA_OK) rc = nda_lazy_flush_overlapping(dst);
    return rc;
}

int nda_array_assign(nda_array *dst, const nda_array *src)
{
    int64_t st[NDA_MAXDIMS];
    int rc = nda_broadcast_strides(src, dst->ndim, dst->shape, st);
    if (rc != NDA_OK) return rc;
    if (src->device != dst->device)
        return nda_error_set(NDA_EVALUE, "arrays are on different devices (%s and %s)",
                             src->device->id, dst->device->id);
    rc = prepare_write(dst);
    if (rc != NDA_OK) return rc;
    if (src->lazy && !nda_expr_conflicts(src->lazy, dst)) {
        /* The pending expression computes straight into dst: one kernel. */
        nda_expr *e = src->lazy;
        nda_expr_incref(e);
        rc = nda_expr_store(e, dst);
        nda_expr_decref(e);
        return rc;
    }
    rc = nda_lazy_materialize(src);
    if (rc != NDA_OK) return rc;
    if (nda_array_same_view(dst, src)) return NDA_OK;
    if (!nda_array_may_overlap(dst, src)) return copy_kernel(dst, src);
    nda_array *tmp;
    rc = nda_array_astype(src, src->dtype, &tmp);
    if (rc == NDA_OK) rc = nda_lazy_materialize(tmp);
    if (rc == NDA_OK) rc = copy_kernel(dst, tmp);
    nda_array_free(tmp);
    return rc;
}

int nda_array_fill(nda_array *dst, const nda_scalar *value)
{
    int rc = prepare_write(dst);
    if (rc != NDA_OK) return rc;
    int64_t n = nda_array_size(dst);
    if (n == 0) return NDA_OK;
    nda_device *d = dst->device;
    if (nda_array_is_c_contiguous(dst) && d->ops->fill && !nda_host_eval_small_copy(d, n)) {
        /* Contiguous: the driver's fill with the value's bytes (no kernel
         * to compile: zeros/ones and row assignments start faster). A
         * small fill on a host-memory device is the host loop's instead:
         * the driver's command would be a queue round trip (~30 us on
         * PoCL) that the next host evaluation waits for. */
        unsigned char pattern[16];
        size_t isz = nda_dtype_itemsize(dst->dtype);
        nda_scalar_store(value, dst->dtype, pattern);
        nda_device_enqueued(d, n);
        return d->ops->fill(d->local_index, dst->buffer->handle, dst->offset, pattern, isz,
                            (size_t)n * isz);
    }
    nda_ew_input in;
    nda_scalar_to_arg(value, dst->dtype, dst->dtype, &in);
    nda_dtype li = dst->dtype;
    return nda_ew_execute(NDA_OP_COPY, 1, &li, dst->dtype, &in, dst);
}

int nda_array_astype(const nda_array *a, nda_dtype t, nda_array **out)
{
    nda_device *d = a->device;
    if (!a->lazy && t == a->dtype && nda_array_is_c_contiguous(a) && d->ops->copy_device &&
        !nda_host_eval_small_copy(d, nda_array_size(a))) {
        /* A plain copy of contiguous bytes: the driver's device copy (no
         * kernel to compile; small copies on host-memory devices are the
         * host loop's, as fills above). */
        nda_array *r = NULL;
        int rc = nda_array_empty(d, t, a->ndim, a->shape, &r);
        if (rc != NDA_OK) return rc;
        size_t bytes = (size_t)nda_array_size(a) * nda_dtype_itemsize(t);
        if (bytes) {
            nda_device_enqueued(d, nda_array_size(a));
            rc = d->ops->copy_device(d->local_index, r->buffer->handle, r->offset,
                                     a->buffer->handle, a->offset, bytes);
        }
        if (rc != NDA_OK) {
            nda_array_free(r);
            return rc;
        }
        *out = r;
        return NDA_OK;
    }
    nda_expr *leaf = NULL, *node = NULL;
    nda_dtype lt = t;
    /* A copy is asked to exist (unlike a pending ufunc result, which a
     * fused reduction may consume unallocated): one that never can fails
     * now, as in NumPy (meshgrid, broadcast_to(...).copy()). */
    int rc = nda_alloc_check(a->device, (size_t)nda_array_size(a) * nda_dtype_itemsize(t));
    if (rc == NDA_OK) rc = nda_expr_operand(a, &leaf);
    if (rc == NDA_OK) rc = nda_expr_node(NDA_OP_COPY, 1, &lt, t, &leaf, a->ndim, a->shape, &node);
    if (rc == NDA_OK) rc = nda_lazy_array(a->device, node, out);
    nda_expr_decref(node);
    nda_expr_decref(leaf);
    return rc;
}
