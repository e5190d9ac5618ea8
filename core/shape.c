/* Shape arithmetic: sizes with overflow checks, contiguity, extents,
 * broadcasting. Pure functions of shapes and strides (no device calls). */
#include "nda/array.h"
#include "nda/error.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int nda_shape_size(int ndim, const int64_t *shape, size_t itemsize, int64_t *size)
{
    if (ndim < 0 || ndim > NDA_MAXDIMS)
        return nda_error_set(NDA_EVALUE, "maximum supported dimension for an ndarray is %d, found %d",
                             NDA_MAXDIMS, ndim);
    int64_t n = 1;
    bool zero = false;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0)
            return nda_error_set(NDA_EVALUE, "negative dimensions are not allowed");
        if (shape[i] == 0) zero = true;
    }
    /* As NumPy: the product of the non-zero dimensions must not overflow,
     * even when another dimension is 0. */
    for (int i = 0; i < ndim; i++) {
        if (shape[i] == 0) continue;
        if (__builtin_mul_overflow(n, shape[i], &n))
            return nda_error_set(NDA_EVALUE, "array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.");
    }
    int64_t bytes;
    if (__builtin_mul_overflow(n, (int64_t)(itemsize ? itemsize : 1), &bytes))
        return nda_error_set(NDA_EVALUE, "array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.");
    *size = zero ? 0 : n;
    return NDA_OK;
}

int64_t nda_array_size(const nda_array *a)
{
    /* Arrays are validated by nda_shape_size; probes built elsewhere (a
     * view being checked) saturate instead of overflowing. */
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] == 0) return 0;
    int64_t n = 1;
    for (int i = 0; i < a->ndim; i++)
        if (__builtin_mul_overflow(n, a->shape[i], &n)) return INT64_MAX;
    return n;
}

bool nda_array_is_c_contiguous(const nda_array *a)
{
    int64_t expect = (int64_t)nda_dtype_itemsize(a->dtype);
    if (nda_array_size(a) == 0) return true;
    for (int i = a->ndim - 1; i >= 0; i--) {
        if (a->shape[i] != 1 && a->strides[i] != expect) return false;
        expect *= a->shape[i];
    }
    return true;
}

bool nda_array_is_f_contiguous(const nda_array *a)
{
    int64_t expect = (int64_t)nda_dtype_itemsize(a->dtype);
    if (nda_array_size(a) == 0) return true;
    for (int i = 0; i < a->ndim; i++) {
        if (a->shape[i] != 1 && a->strides[i] != expect) return false;
        expect *= a->shape[i];
    }
    return true;
}

void nda_array_extent(const nda_array *a, int64_t *lo, int64_t *hi)
{
    int64_t l = (int64_t)a->offset, h = (int64_t)a->offset;
    if (nda_array_size(a) == 0) {
        *lo = *hi = l;
        return;
    }
    for (int i = 0; i < a->ndim; i++) {
        /* Saturating: an absurd shape or stride gives an extent no buffer
         * has, never an overflow. */
        int64_t span;
        if (__builtin_mul_overflow(a->shape[i] - 1, a->strides[i], &span))
            span = a->strides[i] < 0 ? INT64_MIN : INT64_MAX;
        if (span < 0) {
            if (__builtin_add_overflow(l, span, &l)) l = INT64_MIN;
        } else if (__builtin_add_overflow(h, span, &h)) {
            h = INT64_MAX;
        }
    }
    *lo = l;
    if (__builtin_add_overflow(h, (int64_t)nda_dtype_itemsize(a->dtype), hi)) *hi = INT64_MAX;
}

static int64_t gcd64(int64_t x, int64_t y)
{
    if (x < 0) x = -x;
    if (y < 0) y = -y;
    while (y) {
        int64_t t = x % y;
        x = y;
        y = t;
    }
    return x;
}

static int64_t stride_gcd(const nda_array *a, int64_t g)
{
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] > 1) g = gcd64(g, a->strides[i]);
    return g;
}

/* Extents first; then the lattice test: every element of a starts at
 * a->offset + a multiple of g (the gcd of both arrays' strides), every
 * element of b at b->offset + a multiple of g, so they can share a byte
 * only if some d = a->offset - b->offset + k * g lies in (-isz_a, isz_b).
 * Neighbouring columns (x[:, i] and x[:, i - 1]) interleave but never
 * overlap: without this test a store into one that reads the other went
 * through a temporary and a second pass. */
bool nda_array_may_overlap(const nda_array *a, const nda_array *b)
{
    if (a->buffer != b->buffer) return false;
    int64_t alo, ahi, blo, bhi;
    nda_array_extent(a, &alo, &ahi);
    nda_array_extent(b, &blo, &bhi);
    if (alo == ahi || blo == bhi) return false;
    if (!(alo < bhi && blo < ahi)) return false;
    int64_t g = stride_gcd(b, stride_gcd(a, 0));
    if (g == 0) return true; /* one element each, and the extents meet */
    int64_t isa = (int64_t)nda_dtype_itemsize(a->dtype), isb = (int64_t)nda_dtype_itemsize(b->dtype);
    int64_t r = ((int64_t)a->offset - (int64_t)b->offset) % g;
    if (r < 0) r += g;
    return r < isb || g - r < isa;
}

bool nda_array_same_view(const nda_array *a, const nda_array *b)
{
    if (a->buffer != b->buffer || a->offset != b->offset || a->dtype != b->dtype ||
        a->ndim != b->ndim)
        return false;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i] || (a->shape[i] > 1 && a->strides[i] != b->strides[i]))
            return false;
    return true;
}

static void shape_str(char *buf, size_t len, int ndim, const int64_t *shape)
{
    size_t at = 0;
    at += (size_t)snprintf(buf + at, len - at, "(");
    for (int i = 0; i < ndim && at < len; i++)
        at += (size_t)snprintf(buf + at, len - at, i ? ",%lld" : "%lld", (long long)shape[i]);
    if (at < len) at += (size_t)snprintf(buf + at, len - at, ndim == 1 ? ",)" : ")");
}

int nda_broadcast_shapes(int n, const int *ndims, const int64_t *const *shapes, int *out_ndim,
                         int64_t *out_shape)
{
    int nd = 0;
    for (int k = 0; k < n; k++)
        if (ndims[k] > nd) nd = ndims[k];
    for (int i = 0; i < nd; i++) out_shape[i] = 1;
    for (int k = 0; k < n; k++) {
        int off = nd - ndims[k];
        for (int i = 0; i < ndims[k]; i++) {
            int64_t s = shapes[k][i], *o = &out_shape[off + i];
            if (s == *o || s == 1) continue;
            if (*o == 1) { *o = s; continue; }
            char msg[1024] = "operands could not be broadcast together with shapes";
            size_t at = strlen(msg);
            for (int j = 0; j < n && at < sizeof msg - 2; j++) {
                msg[at++] = ' ';
                shape_str(msg + at, sizeof msg - at, ndims[j], shapes[j]);
                at = strlen(msg);
            }
            msg[at] = '\0';
            return nda_error_set(NDA_EVALUE, "%s", msg);
        }
    }
    *out_ndim = nd;
    return NDA_OK;
}

int nda_broadcast_strides(const nda_array *a, int out_ndim, const int64_t *out_shape,
                          int64_t *strides)
{
    int off = out_ndim - a->ndim;
    if (off < 0)
        return nda_error_set(NDA_EVALUE, "input operand has more dimensions than allowed by the axis remapping");
    for (int i = 0; i < off; i++) strides[i] = 0;
    for (int i = 0; i < a->ndim; i++) {
        if (a->shape[i] == out_shape[off + i]) {
            strides[off + i] = out_shape[off + i] == 1 ? 0 : a->strides[i];
        } else if (a->shape[i] == 1) {
            strides[off + i] = 0;
        } else {
            char s1[256], s2[256];
            shape_str(s1, sizeof s1, a->ndim, a->shape);
            shape_str(s2, sizeof s2, out_ndim, out_shape);
            return nda_error_set(NDA_EVALUE, "could not broadcast input array from shape %s into shape %s", s1, s2);
        }
    }
    return NDA_OK;
}
