#include "host_nonzero.h"

#include <string.h>

#include "nda/array.h"
#include "nda/error.h"

#include "array_object.h"
#include "convert.h"
#include "host_access.h"
#include "host_nonzero_loops.h"
#include "host_reduce_loops.h"

/* Unmaps what is mapped (a's mapping and out[d]'s), then frees out[] when
 * free_out; returns rc, or the first unmap's error when rc is NDA_OK. */
static int release(int rc, const nda_array *a, void *mapped_a, nda_array **out, void **mapped,
                   int ndim, int free_out)
{
    for (int d = 0; d < ndim; d++) {
        if (mapped[d] != NULL) {
            int urc = ndapy_host_unmap(out[d], mapped[d]);
            rc = rc != NDA_OK ? rc : urc;
            mapped[d] = NULL;
        }
        if (free_out && out[d] != NULL) {
            nda_array_free(out[d]);
            out[d] = NULL;
        }
    }
    if (mapped_a != NULL) {
        int urc = ndapy_host_unmap(a, mapped_a);
        rc = rc != NDA_OK ? rc : urc;
    }
    return rc;
}

/* A tuple of the ndim arrays out[] (taken over; freed on failure). */
static PyObject *wrap_all(nda_array **out, int ndim)
{
    PyObject *result = PyTuple_New(ndim);
    for (int d = 0; d < ndim; d++) {
        PyObject *w = result == NULL ? NULL : ndapy_array_wrap(out[d]);
        if (w == NULL) { /* ndapy_array_wrap freed out[d]; free the rest */
            if (result == NULL)
                nda_array_free(out[d]);
            for (int e = d + 1; e < ndim; e++)
                nda_array_free(out[e]);
            Py_XDECREF(result);
            return NULL;
        }
        PyTuple_SET_ITEM(result, d, w);
    }
    return result;
}

PyObject *ndapy_host_nonzero(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *obj;
    int threads, rc = NDA_OK;
    if (!PyArg_ParseTuple(args, "Oi", &obj, &threads))
        return NULL;
    nda_array *a = ndapy_array_get(obj);
    if (a == NULL)
        return NULL;
    /* a pending a is computed into its own buffer first (nonzero(v > 0)) */
    if (a->lazy != NULL && a->ndim > 0 && ndapy_reduction_handles(NDAPY_COUNT_NONZERO, a->dtype) &&
        (rc = nda_array_materialize(a)) != NDA_OK)
        return ndapy_raise(rc);
    if (a->ndim == 0 || !ndapy_reduction_handles(NDAPY_COUNT_NONZERO, a->dtype) ||
        !ndapy_host_accessible(a, &rc)) {
        if (rc != NDA_OK)
            return ndapy_raise(rc);
        Py_RETURN_NOTIMPLEMENTED;
    }
    /* Axes of length 1 hold coordinate 0 only: the loops walk the others
     * (a (n, 1) array is then one run of n, not n runs of 1). */
    int ndim = a->ndim, walked = 0, axis_of[NDA_MAXDIMS];
    int64_t shape[NDA_MAXDIMS];
    for (int d = 0; d < ndim; d++)
        if (a->shape[d] != 1) {
            axis_of[walked] = d;
            shape[walked++] = a->shape[d];
        }
    if (walked == 0) { /* one element */
        axis_of[walked] = ndim - 1;
        shape[walked++] = 1;
    }
    nda_array *out[NDA_MAXDIMS] = {0};
    void *mapped[NDA_MAXDIMS] = {0}, *mapped_a = NULL;
    int64_t *slots[NDA_MAXDIMS] = {0};
    char *first = NULL;
    ndapy_nonzero *z = NULL;
    /* Count with a mapped, then unmap it while the outputs are allocated
     * (an allocation may run queued kernels to reclaim memory). */
    Py_BEGIN_ALLOW_THREADS
    rc = ndapy_host_map(a, &mapped_a, &first);
    if (rc == NDA_OK && (z = ndapy_nonzero_count(a->dtype, walked, shape, first, threads)) == NULL)
        rc = NDA_ENOMEM;
    Py_END_ALLOW_THREADS
    rc = release(rc, a, mapped_a, out, mapped, 0, 0);
    mapped_a = NULL;
    if (rc != NDA_OK) {
        ndapy_nonzero_free(z);
        return ndapy_raise(rc);
    }
    int64_t total = ndapy_nonzero_total(z);
    for (int d = 0; d < ndim && rc == NDA_OK; d++)
        rc = nda_array_empty(a->device, NDA_INT64, 1, &total, &out[d]);
    if (rc == NDA_OK && total > 0) {
        rc = ndapy_host_map(a, &mapped_a, &first);
        for (int d = 0; d < ndim && rc == NDA_OK; d++) {
            char *o = NULL;
            rc = ndapy_host_map(out[d], &mapped[d], &o);
            slots[d] = (int64_t *)(void *)o;
        }
    }
    if (rc == NDA_OK && total > 0) {
        int64_t *walked_slots[NDA_MAXDIMS];
        for (int k = 0; k < walked; k++)
            walked_slots[k] = slots[axis_of[k]];
        Py_BEGIN_ALLOW_THREADS
        ndapy_nonzero_rebase(z, first);
        ndapy_nonzero_fill(z, walked_slots);
        for (int d = 0; d < ndim; d++)
            if (a->shape[d] == 1 && !(walked == 1 && axis_of[0] == d))
                memset(slots[d], 0, (size_t)total * sizeof(int64_t));
        Py_END_ALLOW_THREADS
    }
    ndapy_nonzero_free(z);
    rc = release(rc, a, mapped_a, out, mapped, ndim, 0);
    if (rc != NDA_OK) {
        release(NDA_OK, a, NULL, out, mapped, ndim, 1);
        return ndapy_raise(rc);
    }
    return wrap_all(out, ndim);
}
