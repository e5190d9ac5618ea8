#include "core/family.h"

#include "core/device_internal.h"
#include "core/expr.h"
#include "core/launch.h"
#include "nda/error.h"

int nda_contiguous_input(const nda_array *a, const nda_array **in, nda_array **owned)
{
    *owned = NULL;
    int rc = nda_lazy_materialize(a);
    if (rc != NDA_OK) return rc;
    if (nda_array_is_c_contiguous(a) && a->offset % nda_dtype_itemsize(a->dtype) == 0) {
        *in = a;
        return NDA_OK;
    }
    rc = nda_array_astype(a, a->dtype, owned);
    if (rc == NDA_OK) rc = nda_lazy_materialize(*owned);
    if (rc != NDA_OK) {
        nda_array_free(*owned);
        *owned = NULL;
        return rc;
    }
    *in = *owned;
    return NDA_OK;
}

int64_t nda_element_offset(const nda_array *a) { return (int64_t)(a->offset / nda_dtype_itemsize(a->dtype)); }

int nda_family_launch(nda_device *d, void *kernel, bool idx64, int nbufs, void *const *bufs,
                      const int64_t *offs, int nsizes, const int64_t *sizes, int64_t items)
{
    return nda_family_launch_local(d, kernel, idx64, nbufs, bufs, offs, nsizes, sizes, items,
                                   nda_launch_local_size(d));
}

int nda_family_launch_local(nda_device *d, void *kernel, bool idx64, int nbufs, void *const *bufs,
                            const int64_t *offs, int nsizes, const int64_t *sizes, int64_t items,
                            size_t local)
{
    enum { MAX_ARGS = 16 };
    if (items == 0) return NDA_OK;
    if (2 * nbufs + nsizes > MAX_ARGS) return nda_error_set(NDA_EVALUE, "too many kernel arguments");
    nda_kernel_arg args[MAX_ARGS];
    int64_t v64[MAX_ARGS];
    int32_t v32[MAX_ARGS];
    int n = 0, nv = 0;
    for (int i = 0; i < nbufs + nsizes; i++) {
        int64_t value;
        if (i < nbufs) {
            args[n++] = (nda_kernel_arg){NDA_ARG_BUFFER, sizeof(void *), bufs[i]};
            if (offs[i] < 0) continue; /* no offset argument */
            value = offs[i];
        } else {
            value = sizes[i - nbufs];
        }
        if (!idx64 && (value > INT32_MAX || value < INT32_MIN))
            return nda_error_set(NDA_EVALUE, "kernel argument %lld needs 64-bit indices", (long long)value);
        v64[nv] = value;
        v32[nv] = (int32_t)value;
        args[n++] = idx64 ? (nda_kernel_arg){NDA_ARG_SCALAR, 8, &v64[nv]}
                          : (nda_kernel_arg){NDA_ARG_SCALAR, 4, &v32[nv]};
        nv++;
    }
    size_t ls = local > 0 ? local : 1;
    size_t global = ((size_t)items + ls - 1) / ls * ls;
    nda_device_enqueued(d, (int64_t)items);
    return d->ops->launch(d->local_index, kernel, global, ls, n, args);
}
