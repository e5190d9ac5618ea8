#include "host_nonzero.h"

#include "nda/array.h"
#include "nda/error.h"

#include "array_object.h"
#include "convert.h"
#include "host_access.h"
#include "host_nonzero_loops.h"
#include "host_reduce_loops.h"

/* Unmaps and frees what a failed or finished call holds. */
static void release(const nda_array *a, void *mapped_a, nda_array **out, void **mapped, int ndim,
                    int free_out)
{
    for (int d = 0; d < ndim; d++) {
        if (mapped[d] != NULL)
            ndapy_host_unmap(out[d], mapped[d]);
        if (free_out && out[d] != NULL)
            nda_array_free(out[d]);
    }
    if (mapped_a != NULL)
        ndapy_host_unmap(a, mapped_a);
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
    int ndim = a->ndim;
    nda_array *out[NDA_MAXDIMS] = {0};
    void *mapped[NDA_MAXDIMS] = {0}, *mapped_a = NULL;
    int64_t *slots[NDA_MAXDIMS] = {0};
    char *first = NULL;
    ndapy_nonzero *z = NULL;
    Py_BEGIN_ALLOW_THREADS
    rc = ndapy_host_map(a, &mapped_a, &first);
    if (rc == NDA_OK && (z = ndapy_nonzero_count(a->dtype, ndim, a->shape, first, threads)) == NULL)
        rc = NDA_ENOMEM;
    Py_END_ALLOW_THREADS
    if (rc != NDA_OK) {
        release(a, mapped_a, out, mapped, ndim, 1);
        return ndapy_raise(rc);
    }
    int64_t total = ndapy_nonzero_total(z);
    for (int d = 0; d < ndim && rc == NDA_OK; d++)
        rc = nda_array_empty(a->device, NDA_INT64, 1, &total, &out[d]);
    for (int d = 0; d < ndim && rc == NDA_OK && total > 0; d++) {
        char *o = NULL;
        rc = ndapy_host_map(out[d], &mapped[d], &o);
        slots[d] = (int64_t *)(void *)o;
    }
    if (rc == NDA_OK && total > 0) {
        Py_BEGIN_ALLOW_THREADS
        ndapy_nonzero_fill(z, slots);
        Py_END_ALLOW_THREADS
    }
    ndapy_nonzero_free(z);
    release(a, mapped_a, out, mapped, ndim, rc != NDA_OK);
    if (rc != NDA_OK)
        return ndapy_raise(rc);
    PyObject *result = PyTuple_New(ndim);
    for (int d = 0; d < ndim; d++) {
        PyObject *w = result == NULL ? NULL : ndapy_array_wrap(out[d]);
        if (w == NULL) { /* frees out[d]; free the rest */
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
