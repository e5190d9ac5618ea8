/* Arrays: a refcounted device buffer + byte offset + dtype + shape + strides.
 *
 * Ownership: an nda_array owns one reference to its buffer; views made with
 * nda_array_view take another. nda_array_free drops the array's reference;
 * the buffer returns to the device pool when the last reference goes.
 * Strides are in bytes and may be zero or negative. */
#ifndef NDA_ARRAY_H
#define NDA_ARRAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nda/device.h"
#include "nda/dtype.h"

#define NDA_MAXDIMS 64

typedef struct nda_buffer {
    long refcount;        /* atomic; see array.c */
    nda_device *device;
    void *handle;         /* backend handle */
    size_t capacity;      /* bytes usable */
    /* Foreign memory (nda_array_from_foreign), else NULL: called once the
     * last reference is gone, after the backend's buffer_free of the
     * handle, to let go of the memory's owner. Such a buffer never enters
     * the pool. */
    void (*release)(void *ctx);
    void *release_ctx;
} nda_buffer;

/* One more reference to b (a holder outside any array, e.g. an exported
 * DLPack tensor); nda_buffer_release drops it. */
void nda_buffer_retain(nda_buffer *b);
void nda_buffer_release(nda_buffer *b);

typedef struct nda_array {
    nda_buffer *buffer;   /* NULL while the array is lazy (see core/expr.h) */
    struct nda_expr *lazy;          /* pending expression, or NULL */
    nda_device *device;             /* where the array lives */
    struct nda_array *pend_prev, *pend_next; /* pending registry links */
    size_t offset;        /* bytes from the buffer start to element 0 */
    nda_dtype dtype;
    int ndim;
    int64_t shape[NDA_MAXDIMS];
    int64_t strides[NDA_MAXDIMS];
} nda_array;

/* Product of shape; NDA_EVALUE "array is too big" when the element count or
 * byte count overflows (or exceeds 2**63 bytes); NDA_EVALUE for negative
 * dimensions and ndim outside 0..64. */
int nda_shape_size(int ndim, const int64_t *shape, size_t itemsize, int64_t *size);

/* New C-contiguous array (uninitialised). */
int nda_array_empty(nda_device *d, nda_dtype t, int ndim, const int64_t *shape, nda_array **out);
/* New view sharing a's buffer. offset in bytes from the buffer start. The
 * caller guarantees every element lies inside the buffer. */
int nda_array_view(const nda_array *a, size_t offset, int ndim, const int64_t *shape,
                   const int64_t *strides, nda_array **out);
void nda_array_free(nda_array *a);

int64_t nda_array_size(const nda_array *a);
bool nda_array_is_c_contiguous(const nda_array *a);
bool nda_array_is_f_contiguous(const nda_array *a);
/* Byte range [lo, hi) touched by the array's elements (relative to the
 * buffer start); lo == hi for empty arrays. */
void nda_array_extent(const nda_array *a, int64_t *lo, int64_t *hi);
/* Whether a and b may touch the same bytes. */
bool nda_array_may_overlap(const nda_array *a, const nda_array *b);
/* Same buffer, offset, dtype, shape and strides. */
bool nda_array_same_view(const nda_array *a, const nda_array *b);

/* Host transfers. data is C-contiguous, nda_array_size * itemsize bytes. */
int nda_array_from_host(nda_device *d, nda_dtype t, int ndim, const int64_t *shape,
                        const void *data, nda_array **out);
int nda_array_to_host(const nda_array *a, void *data);

/* An array over foreign device memory. handle: from the backend's
 * buffer_wrap, capacity bytes; the array's buffer takes it over (freed
 * with buffer_free when its last reference goes, then release(ctx) runs).
 * strides and offset in bytes; every element must lie inside the
 * capacity (NDA_EVALUE otherwise). On any error the handle is freed and
 * release(ctx) has run, so the caller never cleans up twice. */
int nda_array_from_foreign(nda_device *d, void *handle, size_t capacity,
                           void (*release)(void *ctx), void *ctx, nda_dtype t, int ndim,
                           const int64_t *shape, const int64_t *strides, size_t offset,
                           nda_array **out);

/* Broadcasting: shapes of n operands -> result shape. NDA_EVALUE with
 * NumPy's message when they do not broadcast. */
int nda_broadcast_shapes(int n, const int *ndims, const int64_t *const *shapes, int *out_ndim,
                         int64_t *out_shape);
/* Strides of a (byte strides) viewed as shape (out_ndim, out_shape): 0 on
 * broadcast axes. a must broadcast to the shape. */
int nda_broadcast_strides(const nda_array *a, int out_ndim, const int64_t *out_shape,
                          int64_t *strides);

/* Computes a pending (lazy) array; no-op otherwise. Every function that
 * needs an array's buffer calls this first. */
int nda_array_materialize(const nda_array *a);
/* Computes every pending array that reads a's buffer (before a write). */
int nda_array_flush_readers(const nda_array *a);
/* Computes every pending array on d (every device when d is NULL). */
int nda_array_flush(nda_device *d);

/* Copies/casts src into dst (broadcasting src to dst's shape, NumPy's
 * unsafe casting). Correct when src overlaps dst (a temporary is used). */
int nda_array_assign(nda_array *dst, const nda_array *src);
/* Writes the scalar (converted to dst's dtype) to every element of dst. */
int nda_array_fill(nda_array *dst, const nda_scalar *value);
/* New C-contiguous array holding a cast to t. */
int nda_array_astype(const nda_array *a, nda_dtype t, nda_array **out);

#endif
