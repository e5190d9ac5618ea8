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
