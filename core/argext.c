/* nda/search.h: argmax/argmin rows in one pass over the data (partial
 * extremes per part of a row, then one combining pass when a row has
 * several parts; kernels/gen_argext.h). */
#include "nda/search.h"

#include "core/device_internal.h"
#include "core/family.h"
#include "core/launch.h"
#include "kernels/gen_argext.h"
#include "kernels/kernel_cache.h"
#include "nda/error.h"

static int argext_source(const void *ctx, nda_dialect dialect, nda_strbuf *src)
{
    return nda_argext_source((const nda_argext_spec *)ctx, dialect, src);
}

static int argext_launch(nda_device *d, const nda_argext_spec *s, int nbufs, void *const *bufs,
                         const int64_t *offs, int nsizes, const int64_t *sizes, int64_t items)
{
    char key[96];
    nda_argext_key(s, key, sizeof key);
    void *kernel;
    int rc = nda_kernel_get(d, key, argext_source, s, NDA_ARGEXT_KERNEL_NAME, &kernel);
    if (rc != NDA_OK) return rc;
    /* CPU: few heavy work-items, one per work-group (family.h) */
    size_t local = d->info.is_gpu ? nda_launch_local_size(d) : 1;
    return nda_family_launch_local(d, kernel, s->idx64, nbufs, bufs, offs, nsizes, sizes, items, local);
}

/* Work-items the device wants: CPU 8 per compute unit, GPU 64k. */
static int64_t workers(const nda_device *d)
{
    return d->info.is_gpu ? 65536 : 8 * (int64_t)(d->info.compute_units > 0 ? d->info.compute_units : 1);
}

/* Parts per row: enough work-items for the device, each part at least
 * 2048 elements, so that a long row (a flattened array) spreads over
 * every core and the combining pass stays small. */
static int64_t parts_per_row(const nda_device *d, int64_t M, int64_t K)
{
    int64_t want = workers(d);
    int64_t S = (want + M - 1) / M;
    int64_t most = (K + 2047) / 2048;
    if (S > most) S = most;
    return S < 1 ? 1 : S;
}

int nda_arg_extreme(const nda_array *a, int max, nda_array **out)
{
    nda_device *d = a->device;
    if (a->ndim < 1) return nda_error_set(NDA_EVALUE, "arg-extreme: the array needs an axis");
    nda_kind kind = nda_dtype_kind(a->dtype);
    if (kind == NDA_KIND_COMPLEX)
        return nda_error_set(NDA_ETYPE, "arg-extreme kernel: no key of dtype %s", nda_dtype_name(a->dtype));
    if (a->dtype == NDA_FLOAT64 && !d->info.has_fp64)
        return nda_error_set(NDA_ETYPE, "device %s (%s) does not support float64", d->id, d->info.name);
    int64_t K = a->shape[a->ndim - 1], M = 1;
    for (int i = 0; i < a->ndim - 1; i++) M *= a->shape[i];
    if (K == 0) return nda_error_set(NDA_EVALUE, "attempt to get argmax of an empty sequence");
    int64_t S = M > 0 ? parts_per_row(d, M, K) : 1, Kc = (K + S - 1) / S;
    S = (K + Kc - 1) / Kc; /* every part holds an element */
    /* Rows per work-item (CPU): a run of rows each, as many runs as
     * workers (a work-item per row of 8 costs more than the row). */
    int64_t R = !d->info.is_gpu && S == 1 && M > workers(d) ? (M + workers(d) - 1) / workers(d) : 1;
    const nda_array *in = NULL;
    nda_array *owned = NULL, *pval = NULL, *pidx = NULL, *res = NULL;
    int rc = nda_contiguous_input(a, &in, &owned);
    int64_t pshape[2] = {M, S};
    if (rc == NDA_OK) rc = nda_array_empty(d, nda_argext_value_dtype(a->dtype), 2, pshape, &pval);
    if (rc == NDA_OK) rc = nda_array_empty(d, NDA_INT64, 2, pshape, &pidx);
    if (rc == NDA_OK) rc = nda_array_empty(d, NDA_INT64, a->ndim - 1, a->shape, &res);
    if (rc == NDA_OK && M > 0) {
        bool idx64 = nda_element_offset(in) + M * K >= INT32_MAX / 2 || M * S >= INT32_MAX / 2;
        nda_argext_spec s = {.mode = NDA_ARGEXT_PARTS, .key = a->dtype, .max = max != 0, .idx64 = idx64,
                             .vec = !d->info.is_gpu && d->ops->dialect == NDA_DIALECT_OPENCL &&
                                    nda_argext_vectorizable(a->dtype)};
        /* a single part per row writes the indices straight into res */
        void *bufs[3] = {pval->buffer->handle, (S == 1 ? res : pidx)->buffer->handle, in->buffer->handle};
        int64_t offs[3] = {-1, -1, nda_element_offset(in)};
        int64_t sizes[5] = {M, K, S, Kc, R};
        rc = argext_launch(d, &s, 3, bufs, offs, 5, sizes, (M + R - 1) / R * S);
        if (rc == NDA_OK && S > 1) {
            nda_argext_spec c = {.mode = NDA_ARGEXT_COMBINE, .key = a->dtype, .max = max != 0, .idx64 = idx64};
            void *cbufs[3] = {res->buffer->handle, pval->buffer->handle, pidx->buffer->handle};
            int64_t coffs[3] = {-1, -1, -1}, csizes[2] = {M, S};
            rc = argext_launch(d, &c, 3, cbufs, coffs, 2, csizes, M);
        }
    }
    nda_array_free(owned);
    nda_array_free(pval);
    nda_array_free(pidx);
    if (rc != NDA_OK) {
        nda_array_free(res);
        return rc;
    }
    *out = res;
    return NDA_OK;
}
