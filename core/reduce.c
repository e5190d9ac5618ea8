/* Whole-array reductions (sum, prod, max, min) in two launches. */
#include <string.h>

#include "core/device_internal.h"
#include "core/elementwise.h"
#include "kernels/gen_reduce.h"
#include "kernels/kernel_cache.h"
#include "nda/error.h"
#include "nda/ufunc.h"

#define REDUCE_MAX_GROUPS 256

static int reduce_source(const void *ctx, nda_dialect dialect, nda_strbuf *src)
{
    return nda_reduce_source((const nda_reduce_spec *)ctx, dialect, src);
}

/* NumPy's accumulator/result dtype for sum and prod. */
static nda_dtype sum_dtype(nda_dtype t)
{
    switch (nda_dtype_kind(t)) {
    case NDA_KIND_BOOL: case NDA_KIND_INT: return NDA_INT64;
    case NDA_KIND_UINT: return NDA_UINT64;
    default: return t;
    }
}

/* One launch folding `a` (any layout) into `groups` values of out_dtype. */
static int reduce_pass(nda_op op, const nda_array *a, nda_dtype acc, nda_array *out, int groups)
{
    nda_device *d = a->buffer->device;
    int64_t n = nda_array_size(a);
    int64_t isz = (int64_t)nda_dtype_itemsize(a->dtype);
    /* Coalesce the input alone. */
    int rank = 0;
    int64_t shape[NDA_MAXDIMS], st[NDA_MAXDIMS];
    for (int i = 0; i < a->ndim; i++) {
        if (a->shape[i] == 1) continue;
        if (rank > 0 && st[rank - 1] == (a->strides[i] / isz) * a->shape[i]) {
            shape[rank - 1] *= a->shape[i];
            st[rank - 1] = a->strides[i] / isz;
        } else {
            shape[rank] = a->shape[i];
            st[rank] = a->strides[i] / isz;
            rank++;
        }
    }
    if (rank == 0) { rank = 1; shape[0] = 1; st[0] = 1; }
    if (rank > NDA_KERNEL_MAXRANK) {
        nda_array *c;
        int rc = nda_array_astype(a, a->dtype, &c);
        if (rc != NDA_OK) return rc;
        rc = reduce_pass(op, c, acc, out, groups);
        nda_array_free(c);
        return rc;
    }
    nda_reduce_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.op = op;
    spec.in_dtype = a->dtype;
    spec.acc = acc;
    spec.out_dtype = out->dtype;
    spec.rank = rank;
    spec.layout = (rank == 1 && st[0] == 1) ? NDA_LAYOUT_CONTIG : NDA_LAYOUT_STRIDED;
    int64_t off = (int64_t)a->offset / isz, lo = off, hi = off;
    for (int i = 0; i < rank; i++) {
        int64_t span = (shape[i] - 1) * st[i];
        if (span < 0) lo += span; else hi += span;
    }
    spec.idx64 = n >= INT32_MAX / 2 || lo < INT32_MIN / 2 || hi >= INT32_MAX / 2;
    spec.local_size = (int)nda_launch_local_size(d);
    char key[256];
    nda_reduce_spec_key(&spec, key, sizeof key);
    void *kernel;
    int rc = nda_kernel_get(d, key, reduce_source, &spec, NDA_REDUCE_KERNEL_NAME, &kernel);
    if (rc != NDA_OK) return rc;

    int64_t total = (int64_t)groups * spec.local_size;
    int64_t v64[4 + 2 * NDA_KERNEL_MAXRANK];
    int32_t v32[4 + 2 * NDA_KERNEL_MAXRANK];
    nda_kernel_arg args[4 + 2 * NDA_KERNEL_MAXRANK];
    int na = 0;
    args[na++] = (nda_kernel_arg){NDA_ARG_BUFFER, sizeof(void *), out->buffer->handle};
    args[na++] = (nda_kernel_arg){NDA_ARG_BUFFER, sizeof(void *), a->buffer->handle};
    int64_t idx[3 + 2 * NDA_KERNEL_MAXRANK];
    int ni = 0;
    idx[ni++] = off;
    idx[ni++] = n;
    idx[ni++] = total;
    if (rank > 1) for (int i = 0; i < rank; i++) idx[ni++] = shape[i];
    if (spec.layout == NDA_LAYOUT_STRIDED) for (int i = 0; i < rank; i++) idx[ni++] = st[i];
    for (int i = 0; i < ni; i++) {
        if (spec.idx64) {
            v64[i] = idx[i];
            args[na++] = (nda_kernel_arg){NDA_ARG_SCALAR, 8, &v64[i]};
        } else {
            v32[i] = (int32_t)idx[i];
            args[na++] = (nda_kernel_arg){NDA_ARG_SCALAR, 4, &v32[i]};
        }
    }
    if (out->offset != 0) return nda_error_set(NDA_EVALUE, "reduction output must start at offset 0");
    return d->ops->launch(d->local_index, kernel, (size_t)total, (size_t)spec.local_size, na, args);
}

int nda_reduce_all(const char *name, const nda_array *a, nda_array **result)
{
    nda_op op;
    const char *npname;
    if (strcmp(name, "sum") == 0) { op = NDA_OP_ADD; npname = "add"; }
    else if (strcmp(name, "prod") == 0) { op = NDA_OP_MULTIPLY; npname = "multiply"; }
    else if (strcmp(name, "max") == 0) { op = NDA_OP_MAXIMUM; npname = "maximum"; }
    else if (strcmp(name, "min") == 0) { op = NDA_OP_MINIMUM; npname = "minimum"; }
    else return nda_error_set(NDA_ENOTIMPL, "reduction '%s' is not implemented", name);
    nda_device *d = a->buffer->device;
    bool arith = op == NDA_OP_ADD || op == NDA_OP_MULTIPLY;
    nda_dtype res = arith ? sum_dtype(a->dtype) : a->dtype;
    nda_dtype acc = res == NDA_FLOAT16 && arith ? NDA_FLOAT32 : res;
    if (!d->info.has_fp64 && (res == NDA_FLOAT64 || res == NDA_COMPLEX128 || a->dtype == NDA_FLOAT64 || a->dtype == NDA_COMPLEX128))
        return nda_error_set(NDA_ETYPE, "device %s (%s) does not support float64", d->id, d->info.name);
    int64_t n = nda_array_size(a);
    nda_array *out = NULL, *part = NULL;
    int rc = nda_array_empty(d, res, 0, NULL, &out);
    if (rc != NDA_OK) return rc;
    if (n == 0) {
        if (!arith) {
            nda_array_free(out);
            return nda_error_set(NDA_EVALUE, "zero-size array to reduction operation %s which has no identity", npname);
        }
        nda_scalar s = {.kind = NDA_SCALAR_INT, .i = op == NDA_OP_MULTIPLY};
        rc = nda_array_fill(out, &s);
        goto out_done;
    }
    int ls = (int)nda_launch_local_size(d);
    int64_t groups = (n + ls - 1) / ls;
    if (groups > REDUCE_MAX_GROUPS) groups = REDUCE_MAX_GROUPS;
    if (groups == 1) {
        rc = reduce_pass(op, a, acc, out, 1);
        goto out_done;
    }
    int64_t gshape[1] = {groups};
    rc = nda_array_empty(d, acc, 1, gshape, &part);
    if (rc != NDA_OK) goto out_done;
    rc = reduce_pass(op, a, acc, part, (int)groups);
    if (rc == NDA_OK) rc = reduce_pass(op, part, acc, out, 1);
out_done:
    nda_array_free(part);
    if (rc != NDA_OK) {
        nda_array_free(out);
        return rc;
    }
    *result = out;
    return NDA_OK;
}
