/* nda/binning.h: partial histograms and binary searches
 * (kernels/gen_bins.h), launched on contiguous operands. */
#include "nda/binning.h"

#include <string.h>

#include "core/device_internal.h"
#include "core/family.h"
#include "core/launch.h"
#include "kernels/gen_bins.h"
#include "kernels/kernel_cache.h"
#include "nda/error.h"
#include "nda/ufunc.h"

/* Scratch for partial histograms: P * nbins accumulators at most. 4M
 * (32 MiB) keeps the partials' pass well under the counting pass for
 * n >= 64k with P >= 8 on a CPU device. */
#define BINS_SCRATCH_MAX ((int64_t)1 << 22)

static int bins_source(const void *ctx, nda_dialect dialect, nda_strbuf *src)
{
    return nda_bins_source((const nda_bins_spec *)ctx, dialect, src);
}

/* Launches a bins kernel (see nda_family_launch for the arguments). */
static int bins_launch(nda_device *d, const nda_bins_spec *s, int nbufs, void *const *bufs,
                       const int64_t *offs, int nsizes, const int64_t *sizes, int64_t items)
{
    if (items == 0) return NDA_OK;
    char key[96];
    nda_bins_key(s, key, sizeof key);
    void *kernel;
    int rc = nda_kernel_get(d, key, bins_source, s, NDA_BINS_KERNEL_NAME, &kernel);
    if (rc != NDA_OK) return rc;
    /* CPU counting: few heavy work-items, one per work-group (family.h) */
    size_t local = s->mode == NDA_BINS_COUNT && !d->info.is_gpu ? 1 : nda_launch_local_size(d);
    return nda_family_launch_local(d, kernel, s->idx64, nbufs, bufs, offs, nsizes, sizes, items, local);
}

/* Work-items of the counting pass: enough for the device (a GPU wants tens
 * of thousands), each with at least 256 elements, within the scratch. */
static int64_t count_workers(const nda_device *d, int64_t n, int64_t nbins)
{
    int64_t P = d->info.is_gpu ? 16384 : 8 * (int64_t)(d->info.compute_units > 0 ? d->info.compute_units : 1);
    if (P > (n + 255) / 256) P = (n + 255) / 256;
    if (nbins > 0 && P > BINS_SCRATCH_MAX / nbins) P = BINS_SCRATCH_MAX / nbins;
    return P < 1 ? 1 : P;
}

int64_t nda_bincount_max_bins(const nda_device *d)
{
    /* At least 8 partial rows (CPU) or 256 (GPU) must fit the scratch. */
    return BINS_SCRATCH_MAX / (d->info.is_gpu ? 256 : 8);
}

int nda_bincount(const nda_array *idx, const nda_array *weights, int64_t nbins, nda_array **out)
{
    nda_device *d = idx->device;
    if (idx->dtype != NDA_INT64 || idx->ndim != 1)
        return nda_error_set(NDA_ETYPE, "bincount indices must be a 1-D int64 array");
    if (weights && (weights->dtype != NDA_FLOAT64 || weights->ndim != 1))
        return nda_error_set(NDA_ETYPE, "bincount weights must be a 1-D float64 array");
    if (weights && weights->device != d)
        return nda_error_set(NDA_EVALUE, "arrays are on different devices (%s and %s)",
                             nda_device_id(d), nda_device_id(weights->device));
    if (weights && weights->shape[0] != idx->shape[0])
        return nda_error_set(NDA_EVALUE, "bincount weights have %lld elements for %lld indices",
                             (long long)weights->shape[0], (long long)idx->shape[0]);
    if (nbins < 0 || nbins > nda_bincount_max_bins(d))
        return nda_error_set(NDA_EVALUE, "bincount kernel takes 0 to %lld bins, not %lld",
                             (long long)nda_bincount_max_bins(d), (long long)nbins);
    if (weights && !d->info.has_fp64)
        return nda_error_set(NDA_ETYPE, "device %s (%s) does not support float64", d->id, d->info.name);
    nda_dtype acc = weights ? NDA_FLOAT64 : NDA_INT64;
    int64_t n = idx->shape[0];
    int64_t P = count_workers(d, n, nbins);
    int64_t C = (n + P - 1) / P;
    const nda_array *xi = NULL, *wi = NULL;
    nda_array *xo = NULL, *wo = NULL, *part = NULL, *res = NULL;
    int rc = nda_contiguous_input(idx, &xi, &xo);
    if (rc == NDA_OK && weights) rc = nda_contiguous_input(weights, &wi, &wo);
    int64_t pshape[2] = {P, nbins};
    if (rc == NDA_OK) rc = nda_array_empty(d, acc, 2, pshape, &part);
    if (rc == NDA_OK && nbins > 0) {
        /* Offsets count too: a short view deep into a large buffer. */
        int64_t far = nda_element_offset(xi) + n, wfar = wi ? nda_element_offset(wi) + n : 0;
        nda_bins_spec s = {.mode = NDA_BINS_COUNT, .weighted = weights != NULL, .strided = d->info.is_gpu != 0,
                           .idx64 = far >= INT32_MAX / 2 || wfar >= INT32_MAX / 2 || P * nbins >= INT32_MAX / 2};
        void *bufs[3] = {part->buffer->handle, xi->buffer->handle, (wi ? wi : xi)->buffer->handle};
        int64_t offs[3] = {-1, nda_element_offset(xi), wi ? nda_element_offset(wi) : 0};
        int64_t sizes[4] = {n, nbins, C, P};
        rc = bins_launch(d, &s, 3, bufs, offs, 4, sizes, P);
    }
    if (rc == NDA_OK) {
        if (n == 0 || nbins == 0) {
            nda_scalar zero;
            memset(&zero, 0, sizeof zero);
            zero.kind = NDA_SCALAR_INT;
            rc = nda_array_empty(d, acc, 1, &nbins, &res);
            if (rc == NDA_OK) rc = nda_array_fill(res, &zero);
        } else {
            bool reduced[2] = {true, false};
            rc = nda_reduce_axes("sum", part, reduced, (int)acc, &res);
        }
    }
    nda_array_free(xo);
    nda_array_free(wo);
    nda_array_free(part);
    if (rc != NDA_OK) {
        nda_array_free(res);
        return rc;
    }
    *out = res;
    return NDA_OK;
}

int nda_searchsorted(const nda_array *a, const nda_array *v, int right, nda_array **out)
{
    nda_device *d = a->device;
    if (a->ndim != 1) return nda_error_set(NDA_EVALUE, "searchsorted: the sorted array must be 1-D");
    if (a->dtype != v->dtype)
        return nda_error_set(NDA_ETYPE, "searchsorted kernel: a (%s) and v (%s) must have one dtype",
                             nda_dtype_name(a->dtype), nda_dtype_name(v->dtype));
    if (v->device != d)
        return nda_error_set(NDA_EVALUE, "arrays are on different devices (%s and %s)",
                             nda_device_id(d), nda_device_id(v->device));
    nda_kind k = nda_dtype_kind(a->dtype);
    if (k != NDA_KIND_INT && k != NDA_KIND_UINT && k != NDA_KIND_FLOAT)
        return nda_error_set(NDA_ETYPE, "searchsorted kernel: no key of dtype %s", nda_dtype_name(a->dtype));
    if (a->dtype == NDA_FLOAT64 && !d->info.has_fp64)
        return nda_error_set(NDA_ETYPE, "device %s (%s) does not support float64", d->id, d->info.name);
    int64_t n = a->shape[0], m = nda_array_size(v);
    const nda_array *ai = NULL, *vi = NULL;
    nda_array *ao = NULL, *vo = NULL, *res = NULL;
    int rc = nda_contiguous_input(a, &ai, &ao);
    if (rc == NDA_OK) rc = nda_contiguous_input(v, &vi, &vo);
    if (rc == NDA_OK) rc = nda_array_empty(d, NDA_INT64, v->ndim, v->shape, &res);
    if (rc == NDA_OK) {
        nda_bins_spec s = {.mode = NDA_BINS_SEARCH, .key = a->dtype, .right = right != 0,
                           .idx64 = nda_element_offset(ai) + n >= INT32_MAX / 2 ||
                                    nda_element_offset(vi) + m >= INT32_MAX / 2};
        void *bufs[3] = {res->buffer->handle, ai->buffer->handle, vi->buffer->handle};
        int64_t offs[3] = {-1, nda_element_offset(ai), nda_element_offset(vi)};
        int64_t sizes[2] = {n, m};
        rc = bins_launch(d, &s, 3, bufs, offs, 2, sizes, m);
    }
    nda_array_free(ao);
    nda_array_free(vo);
    if (rc != NDA_OK) {
        nda_array_free(res);
        return rc;
    }
    *out = res;
    return NDA_OK;
}
