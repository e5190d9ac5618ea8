/* Cumulative sums and products along an axis (or the flattened array):
 * the scan axis is made the contiguous last axis, then rows are scanned
 * in chunks (kernels/gen_scan.h). */
#include <stdlib.h>
#include <string.h>

#include "core/device_internal.h"
#include "core/expr.h"
#include "core/launch.h"
#include "kernels/gen_scan.h"
#include "kernels/kernel_cache.h"
#include "nda/error.h"
#include "nda/ufunc.h"

static int scan_source(const void *ctx, nda_dialect dialect, nda_strbuf *src)
{
    return nda_scan_source((const nda_scan_spec *)ctx, dialect, src);
}

/* Launches one scan kernel over `items` work-items with index args. */
static int scan_launch(nda_device *d, const nda_scan_spec *s, void *const *bufs, int nbufs,
                       const int64_t *idx, int nidx, int64_t items)
{
    char key[128];
    nda_scan_key(s, key, sizeof key);
    void *kernel;
    int rc = nda_kernel_get(d, key, scan_source, s, NDA_SCAN_KERNEL_NAME, &kernel);
    if (rc != NDA_OK) return rc;
    nda_kernel_arg args[8];
    int64_t v64[8];
    int32_t v32[8];
    int n = 0;
    for (int i = 0; i < nbufs; i++) args[n++] = (nda_kernel_arg){NDA_ARG_BUFFER, sizeof(void *), bufs[i]};
    for (int i = 0; i < nidx; i++) {
        if (s->idx64) {
            v64[i] = idx[i];
            args[n++] = (nda_kernel_arg){NDA_ARG_SCALAR, 8, &v64[i]};
        } else {
            v32[i] = (int32_t)idx[i];
            args[n++] = (nda_kernel_arg){NDA_ARG_SCALAR, 4, &v32[i]};
        }
    }
    size_t ls = nda_launch_local_size(d);
    size_t global = ((size_t)items + ls - 1) / ls * ls;
    if (items == 0) return NDA_OK;
    nda_device_enqueued(d, (int64_t)items);
    return d->ops->launch(d->local_index, kernel, global, ls, n, args);
}

static nda_dtype scan_dtype(nda_dtype t)
{
    switch (nda_dtype_kind(t)) {
    case NDA_KIND_BOOL: case NDA_KIND_INT: return NDA_INT64;
    case NDA_KIND_UINT: return NDA_UINT64;
    default: return t;
    }
}

/* Scan with fold op, accumulating and storing in res; chunked (parallel)
 * only when `associative` (else one sequential pass per row, seeded with
 * the row's first element). */
static int scan_impl(nda_op op, const nda_array *a, int axis, nda_dtype res, bool associative,
                     nda_array **result)
{
    nda_device *d = a->device;
    nda_dtype acc = res; /* float16 rounds every step, as NumPy */
    int nd = a->ndim;
    if (axis >= nd || (axis < 0 && axis != -1))
        return nda_error_set(NDA_EAXIS, "axis %d is out of bounds for array of dimension %d", axis, nd);
    /* A contiguous input whose last axis is the scan axis. */
    int perm[NDA_MAXDIMS], np = 0;
    int64_t pshape[NDA_MAXDIMS], pst[NDA_MAXDIMS];
    if (axis >= 0) {
        for (int i = 0; i < nd; i++) if (i != axis) perm[np++] = i;
        perm[np++] = axis;
    } else {
        for (int i = 0; i < nd; i++) perm[np++] = i;
    }
    nda_array *view = NULL, *in = NULL, *out = NULL, *part = NULL;
    int rc = nda_lazy_materialize(a);
    if (rc != NDA_OK) return rc;
    for (int i = 0; i < np; i++) {
        pshape[i] = a->shape[perm[i]];
        pst[i] = a->strides[perm[i]];
    }
    rc = nda_array_view(a, a->offset, np, pshape, pst, &view);
    if (rc == NDA_OK) rc = nda_array_astype(view, a->dtype, &in);
    if (rc == NDA_OK) rc = nda_lazy_materialize(in);
    int64_t n = nda_array_size(a);
    int64_t K = axis >= 0 ? a->shape[axis] : n;
    int64_t M = K ? n / K : 0;
    int64_t oshape[NDA_MAXDIMS];
    int ond = axis >= 0 ? np : 1;
    if (axis >= 0) memcpy(oshape, pshape, sizeof(int64_t) * (size_t)np);
    else oshape[0] = n;
    if (rc == NDA_OK) rc = nda_array_empty(d, res, ond, oshape, &out);
    if (rc != NDA_OK || n == 0) goto done;
    int64_t target = d->info.is_gpu ? 65536 : 1024;
    int64_t P = (target + M - 1) / M;
    if (P > (K + 63) / 64) P = (K + 63) / 64;
    if (P < 1 || acc == NDA_FLOAT16 || !associative) P = 1; /* NumPy's sequential order */
    int64_t C = (K + P - 1) / P;
    P = (K + C - 1) / C;
    bool idx64 = n >= INT32_MAX / 2 || M * P >= INT32_MAX / 2;
    nda_scan_spec s = {.op = op, .in_dtype = a->dtype, .acc = acc, .out_dtype = res, .idx64 = idx64};
    if (P > 1) {
        int64_t ps[2] = {M, P};
        rc = nda_array_empty(d, acc, 2, ps, &part);
        if (rc != NDA_OK) goto done;
        s.mode = NDA_SCAN_FOLD;
        s.out_dtype = acc;
        void *b1[2] = {part->buffer->handle, in->buffer->handle};
        int64_t i1[4] = {M, K, C, P};
        rc = scan_launch(d, &s, b1, 2, i1, 4, M * P);
        if (rc != NDA_OK) goto done;
        s.mode = NDA_SCAN_ROWS;
        s.in_dtype = acc;
        void *b2[1] = {part->buffer->handle};
        int64_t i2[2] = {M, P};
        rc = scan_launch(d, &s, b2, 1, i2, 2, M);
        if (rc != NDA_OK) goto done;
        s.in_dtype = a->dtype;
        s.out_dtype = res;
    }
    s.mode = NDA_SCAN_CHUNKS;
    s.has_offsets = P > 1;
    s.seed_first = !associative;
    void *b3[3] = {out->buffer->handle, in->buffer->handle, part ? part->buffer->handle : in->buffer->handle};
    int64_t i3[4] = {M, K, C, P};
    rc = scan_launch(d, &s, b3, 3, i3, 4, M * P);
done:
    nda_array_free(view);
    nda_array_free(in);
    nda_array_free(part);
    if (rc != NDA_OK) {
        nda_array_free(out);
        return rc;
    }
    if (axis >= 0 && axis != nd - 1) {
        /* Back to the input's axis order (a view of the scanned rows). */
        int64_t vshape[NDA_MAXDIMS], vst[NDA_MAXDIMS];
        for (int i = 0; i < nd; i++) {
            vshape[perm[i]] = out->shape[i];
            vst[perm[i]] = out->strides[i];
        }
        nda_array *v = NULL;
        rc = nda_array_view(out, out->offset, nd, vshape, vst, &v);
        nda_array_free(out);
        if (rc != NDA_OK) return rc;
        out = v;
    }
    *result = out;
    return NDA_OK;
}

int nda_scan(const char *name, const nda_array *a, int axis, int dtype, nda_array **result)
{
    nda_op op;
    if (strcmp(name, "cumsum") == 0) op = NDA_OP_ADD;
    else if (strcmp(name, "cumprod") == 0) op = NDA_OP_MULTIPLY;
    else return nda_error_set(NDA_ENOTIMPL, "scan '%s' is not implemented", name);
    nda_dtype res = dtype >= 0 ? (nda_dtype)dtype : scan_dtype(a->dtype);
    return scan_impl(op, a, axis, res, true, result);
}

int nda_accumulate(const char *ufunc, const nda_array *a, int axis, int dtype, nda_array **result)
{
    int opi = nda_op_from_name(ufunc);
    if (opi == NDA_OP_ADD || opi == NDA_OP_MULTIPLY) {
        /* NumPy 2: small integers and bool accumulate in int64/uint64. */
        nda_dtype res = dtype >= 0 ? (nda_dtype)dtype : scan_dtype(a->dtype);
        return scan_impl((nda_op)opi, a, axis, res, true, result);
    }
    if (opi == NDA_OP_LOGICAL_AND || opi == NDA_OP_LOGICAL_OR || opi == NDA_OP_LOGICAL_XOR) {
        /* The bool loop: values become truth values on the way in. */
        return scan_impl((nda_op)opi, a, axis, NDA_BOOL, false, result);
    }
    nda_operand ops[2] = {{.array = a}, {.array = a}};
    nda_loop loop;
    int rc = nda_ufunc_resolve(ufunc, 2, ops, dtype, NDA_CAST_SAME_KIND, &loop);
    if (rc != NDA_OK) return rc;
    if (loop.in[0] != loop.out || loop.in[1] != loop.out)
        return nda_error_set(NDA_ETYPE, "accumulate is only supported for ufuncs whose loop has "
                             "the same input and output types ('%s' uses %s, %s -> %s)", ufunc,
                             nda_dtype_name(loop.in[0]), nda_dtype_name(loop.in[1]),
                             nda_dtype_name(loop.out));
    nda_op op = (nda_op)nda_op_from_name(ufunc);
    bool assoc = op == NDA_OP_ADD || op == NDA_OP_MULTIPLY;
    return scan_impl(op, a, axis, loop.out, assoc, result);
}
