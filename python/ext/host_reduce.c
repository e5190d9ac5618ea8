#include "host_reduce.h"

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#define PY_ARRAY_UNIQUE_SYMBOL ndaccel_ARRAY_API
#define NO_IMPORT_ARRAY
#include <numpy/arrayobject.h>

#include <string.h>

#include "nda/array.h"
#include "nda/backend.h"
#include "nda/device.h"
#include "nda/error.h"

#include "array_object.h"
#include "convert.h"
#include "host_access.h"
#include "host_reduce_loops.h"

static int parse_op(const char *s, ndapy_reduce_op *op)
{
    static const char *const names[] = {"sum", "mean", "max", "min", "argmax", "argmin",
                                        "count_nonzero"};
    for (int k = 0; k < (int)(sizeof names / sizeof *names); k++)
        if (strcmp(s, names[k]) == 0) {
            *op = (ndapy_reduce_op)k;
            return 0;
        }
    PyErr_Format(PyExc_ValueError, "host_reduce: unknown reduction '%s'", s);
    return -1;
}

PyObject *ndapy_host_reduce(PyObject *self, PyObject *args)
{
    (void)self;
    const char *name;
    PyObject *obj;
    int threads, rc = NDA_OK;
    Py_ssize_t bufsize;
    ndapy_reduce_op op;
    if (!PyArg_ParseTuple(args, "sOin", &name, &obj, &threads, &bufsize) || parse_op(name, &op) < 0)
        return NULL;
    if (bufsize < 16) { /* numpy.setbufsize's minimum */
        PyErr_Format(PyExc_ValueError, "host_reduce: bufsize must be 16 or more, not %zd",
                     bufsize);
        return NULL;
    }
    nda_array *a = ndapy_array_get(obj);
    if (a == NULL)
        return NULL;
    /* Means of bool and integers keep one result per buffer of bufsize elements:
     * below 1024 those would outweigh a small dtype's array; the general route
     * then runs. */
    int tiny_buffers = op == NDAPY_MEAN && nda_dtype_kind(a->dtype) != NDA_KIND_FLOAT &&
                       bufsize < 1024;
    if (tiny_buffers || !ndapy_reduction_handles(op, a->dtype) || !ndapy_host_accessible(a, &rc)) {
        if (rc != NDA_OK)
            return ndapy_raise(rc);
        Py_RETURN_NOTIMPLEMENTED;
    }
    ndapy_reduction *r = ndapy_reduction_new(op, a->dtype, nda_array_size(a), threads, bufsize);
    if (r == NULL)
        return PyErr_NoMemory();
    void *mapped = NULL;
    char *first = NULL;
    Py_BEGIN_ALLOW_THREADS
    rc = ndapy_host_map(a, &mapped, &first);
    if (rc == NDA_OK) {
        ndapy_reduction_run(r, first);
        rc = ndapy_host_unmap(a, mapped);
    }
    Py_END_ALLOW_THREADS
    union {
        char bytes[16];
        double align;
    } value;
    nda_dtype type;
    PyObject *result;
    if (rc != NDA_OK) {
        result = ndapy_raise(rc);
    } else if (!ndapy_reduction_result(r, &type, value.bytes)) {
        result = Py_NewRef(Py_NotImplemented);
    } else {
        PyArray_Descr *descr = PyArray_DescrFromType(ndapy_typenum_from_dtype(type));
        result = descr == NULL ? NULL : PyArray_Scalar(value.bytes, descr, NULL);
        Py_XDECREF(descr);
    }
    ndapy_reduction_free(r);
    return result;
}

PyObject *ndapy_host_reduce_rows(PyObject *self, PyObject *args)
{
    (void)self;
    const char *name;
    PyObject *obj;
    int threads, rc = NDA_OK;
    ndapy_reduce_op op;
    if (!PyArg_ParseTuple(args, "sOi", &name, &obj, &threads) || parse_op(name, &op) < 0)
        return NULL;
    if (op != NDAPY_MAX && op != NDAPY_MIN && op != NDAPY_ARGMAX && op != NDAPY_ARGMIN) {
        PyErr_Format(PyExc_ValueError, "host_reduce_rows: '%s' is not an extreme", name);
        return NULL;
    }
    nda_array *a = ndapy_array_get(obj);
    if (a == NULL)
        return NULL;
    if (a->ndim < 2 || a->shape[a->ndim - 1] == 0 || !ndapy_reduction_handles(op, a->dtype) ||
        !ndapy_host_accessible(a, &rc)) {
        if (rc != NDA_OK)
            return ndapy_raise(rc);
        Py_RETURN_NOTIMPLEMENTED;
    }
    int64_t n = a->shape[a->ndim - 1], rows = nda_array_size(a) / n;
    int arg = op == NDAPY_ARGMAX || op == NDAPY_ARGMIN;
    nda_array *out = NULL;
    /* allocated before a is mapped: an allocation may run queued kernels */
    rc = nda_array_empty(a->device, arg ? NDA_INT64 : a->dtype, a->ndim - 1, a->shape, &out);
    if (rc != NDA_OK)
        return ndapy_raise(rc);
    void *mapped_a = NULL, *mapped_o = NULL;
    char *first = NULL, *o = NULL;
    int decided = 0;
    rc = ndapy_host_map(a, &mapped_a, &first);
    if (rc == NDA_OK)
        rc = ndapy_host_map(out, &mapped_o, &o);
    if (rc == NDA_OK) {
        Py_BEGIN_ALLOW_THREADS
        decided = ndapy_rows_extreme(op, a->dtype, first, rows, n, threads, o);
        Py_END_ALLOW_THREADS
    }
    int rc2 = mapped_o ? ndapy_host_unmap(out, mapped_o) : NDA_OK;
    int rc3 = mapped_a ? ndapy_host_unmap(a, mapped_a) : NDA_OK;
    if (rc == NDA_OK)
        rc = rc2 != NDA_OK ? rc2 : rc3;
    if (rc != NDA_OK || !decided) {
        nda_array_free(out);
        if (rc != NDA_OK)
            return ndapy_raise(rc);
        Py_RETURN_NOTIMPLEMENTED;
    }
    return ndapy_array_wrap(out);
}

