/* nda/sort.h: sorted runs, then merge passes doubling the run width,
 * ping-ponging between two key (and index) buffers. */
#include "nda/sort.h"

#include "core/device_internal.h"
#include "core/family.h"
#include "kernels/gen_sort.h"
#include "kernels/kernel_cache.h"
#include "nda/error.h"

/* Keys per insertion-sorted run, and output positions per merge work-item
 * (a power of two: tiles must divide every pair width 2W >= 2 * RUN). */
#define SORT_RUN 32
#define SORT_TILE 512

static int sort_source(const void *ctx, nda_dialect dialect, nda_strbuf *src)
{
    return nda_sort_source((const nda_sort_spec *)ctx, dialect, src);
}

static int sort_launch(nda_device *d, const nda_sort_spec *s, int nbufs, void *const *bufs,
                       const int64_t *offs, int nsizes, const int64_t *sizes, int64_t items)
{
    if (items == 0) return NDA_OK;
    char key[96];
    nda_sort_key(s, key, sizeof key);
    void *kernel;
    int rc = nda_kernel_get(d, key, sort_source, s, NDA_SORT_KERNEL_NAME, &kernel);
    if (rc != NDA_OK) return rc;
    return nda_family_launch(d, kernel, s->idx64, nbufs, bufs, offs, nsizes, sizes, items);
}

int nda_sort_rows(const nda_array *a, nda_array **keys, nda_array **index)
{
    if (a->ndim != 2) return nda_error_set(NDA_EVALUE, "sort_rows: a must be 2-D, not %d-D", a->ndim);
    nda_device *d = a->device;
    if ((a->dtype == NDA_FLOAT64 || a->dtype == NDA_COMPLEX128) && !d->info.has_fp64)
        return nda_error_set(NDA_ETYPE, "device %s (%s) does not support float64", d->id, d->info.name);
    int64_t M = a->shape[0], K = a->shape[1];
    bool with_index = index != NULL;
    const nda_array *in = NULL;
    nda_array *owned = NULL, *k[2] = {NULL, NULL}, *x[2] = {NULL, NULL};
    int rc = nda_contiguous_input(a, &in, &owned);
    for (int i = 0; i < 2 && rc == NDA_OK; i++) {
        rc = nda_array_empty(d, a->dtype, 2, a->shape, &k[i]);
        if (rc == NDA_OK && with_index) rc = nda_array_empty(d, NDA_INT64, 2, a->shape, &x[i]);
    }
    int cur = 0;
    if (rc == NDA_OK && M * K > 0) {
        nda_sort_spec s = {.mode = NDA_SORT_RUNS, .key = a->dtype, .with_index = with_index,
                           .idx64 = nda_element_offset(in) + M * K >= INT32_MAX / 2};
        void *xb0 = with_index ? x[0]->buffer->handle : k[0]->buffer->handle;
        void *b1[3] = {k[0]->buffer->handle, xb0, in->buffer->handle};
        int64_t o1[3] = {-1, -1, nda_element_offset(in)};
        int64_t z1[3] = {M, K, SORT_RUN};
        rc = sort_launch(d, &s, 3, b1, o1, 3, z1, M * ((K + SORT_RUN - 1) / SORT_RUN));
        s.mode = NDA_SORT_MERGE;
        for (int64_t W = SORT_RUN; rc == NDA_OK && W < K; W *= 2) {
            int nxt = 1 - cur;
            int64_t T = 2 * W < SORT_TILE ? 2 * W : SORT_TILE;
            void *b2[4] = {k[nxt]->buffer->handle, (with_index ? x[nxt] : k[nxt])->buffer->handle,
                           k[cur]->buffer->handle, (with_index ? x[cur] : k[cur])->buffer->handle};
            int64_t o2[4] = {-1, -1, -1, -1};
            int64_t z2[4] = {M, K, W, T};
            rc = sort_launch(d, &s, 4, b2, o2, 4, z2, M * ((K + T - 1) / T));
            cur = nxt;
        }
    }
    nda_array_free(owned);
    nda_array_free(k[1 - cur]);
    nda_array_free(x[1 - cur]);
    if (rc != NDA_OK) {
        nda_array_free(k[cur]);
        nda_array_free(x[cur]);
        return rc;
    }
    *keys = k[cur];
    if (with_index) *index = x[cur];
    return NDA_OK;
}
