#include "convert.h"

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#define PY_ARRAY_UNIQUE_SYMBOL ndaccel_ARRAY_API
#define NO_IMPORT_ARRAY
#include <numpy/arrayobject.h>

#include "nda/error.h"

static PyObject *axis_error_type(void)
{
    PyObject *mod = PyImport_ImportModule("numpy.exceptions");
    if (!mod) {
        PyErr_Clear();
        return NULL;
    }
    PyObject *t = PyObject_GetAttrString(mod, "AxisError");
    Py_DECREF(mod);
    if (!t) PyErr_Clear();
    return t;
}

PyObject *ndapy_raise(int rc)
{
    const char *msg = nda_error_message();
    PyObject *exc;
    switch (rc) {
    case NDA_ENOMEM: exc = PyExc_MemoryError; break;
    case NDA_EVALUE: exc = PyExc_ValueError; break;
    case NDA_ETYPE: exc = PyExc_TypeError; break;
    case NDA_EINDEX: exc = PyExc_IndexError; break;
    case NDA_EOVERFLOW: exc = PyExc_OverflowError; break;
    case NDA_ENOTIMPL: exc = PyExc_NotImplementedError; break;
    case NDA_EIO: exc = PyExc_OSError; break;
    case NDA_EZERODIV: exc = PyExc_ZeroDivisionError; break;
    case NDA_EAXIS: {
        PyObject *t = axis_error_type();
        if (t) {
            PyErr_SetString(t, msg);
            Py_DECREF(t);
            return NULL;
        }
        exc = PyExc_ValueError;
        break;
    }
    default: exc = PyExc_RuntimeError; break;
    }
    PyErr_SetString(exc, msg[0] ? msg : "ndaccel: unknown error");
    return NULL;
}

int ndapy_scalar_from_object(PyObject *obj, nda_scalar *out)
{
    memset(out, 0, sizeof *out);
    if (PyBool_Check(obj)) {
        out->kind = NDA_SCALAR_BOOL;
        out->i = obj == Py_True;
        return 1;
    }
    if (PyLong_CheckExact(obj)) {
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
        if (v == -1 && PyErr_Occurred()) return -1;
        out->kind = NDA_SCALAR_INT;
        if (!overflow) {
            out->i = v;
            return 1;
        }
        if (overflow > 0) {
            unsigned long long u = PyLong_AsUnsignedLongLong(obj);
            if (!(u == (unsigned long long)-1 && PyErr_Occurred())) {
                out->int_is_unsigned = true;
                out->u = u;
                return 1;
            }
            PyErr_Clear();
        }
        out->int_overflows = true;
        double f = PyLong_AsDouble(obj);
        if (f == -1.0 && PyErr_Occurred()) {
            PyErr_Clear();
            f = overflow > 0 ? HUGE_VAL : -HUGE_VAL;
        }
        out->f = f;
        return 1;
    }
    if (PyFloat_CheckExact(obj)) {
        out->kind = NDA_SCALAR_FLOAT;
        out->f = PyFloat_AS_DOUBLE(obj);
        return 1;
    }
    if (PyComplex_CheckExact(obj)) {
        out->kind = NDA_SCALAR_COMPLEX;
        out->f = PyComplex_RealAsDouble(obj);
        out->imag = PyComplex_ImagAsDouble(obj);
        return 1;
    }
    return 0;
}

int ndapy_shape_from_object(PyObject *obj, int *ndim, int64_t *shape)
{
    PyObject *seq = PySequence_Fast(obj, "shape must be a sequence of integers");
    if (!seq) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n > NDA_MAXDIMS) {
        Py_DECREF(seq);
        PyErr_Format(PyExc_ValueError, "maximum supported dimension for an ndarray is currently %d, found %zd",
                     NDA_MAXDIMS, n);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
        PyObject *idx = PyNumber_Index(item);
        if (!idx) {
            Py_DECREF(seq);
            PyErr_Format(PyExc_TypeError, "'%s' object cannot be interpreted as an integer",
                         Py_TYPE(item)->tp_name);
            return -1;
        }
        long long v = PyLong_AsLongLong(idx);
        Py_DECREF(idx);
        if (v == -1 && PyErr_Occurred()) {
            Py_DECREF(seq);
            PyErr_SetString(PyExc_ValueError, "array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.");
            return -1;
        }
        if (v < 0) {
            Py_DECREF(seq);
            PyErr_SetString(PyExc_ValueError, "negative dimensions are not allowed");
            return -1;
        }
        shape[i] = v;
    }
    *ndim = (int)n;
    Py_DECREF(seq);
    return 0;
}

PyObject *ndapy_tuple_from_i64(int n, const int64_t *v)
{
    PyObject *t = PyTuple_New(n);
    if (!t) return NULL;
    for (int i = 0; i < n; i++) {
        PyObject *x = PyLong_FromLongLong(v[i]);
        if (!x) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, i, x);
    }
    return t;
}

static const int TYPENUMS[NDA_NTYPES] = {
    NPY_BOOL, NPY_INT8, NPY_UINT8, NPY_INT16, NPY_UINT16, NPY_INT32, NPY_UINT32,
    NPY_INT64, NPY_UINT64, NPY_FLOAT16, NPY_FLOAT32, NPY_FLOAT64, NPY_COMPLEX64, NPY_COMPLEX128,
};

int ndapy_dtype_from_typenum(int typenum)
{
    /* NPY_LONGLONG / NPY_ULONGLONG alias int64 / uint64 on LP64. */
    if (typenum == NPY_LONGLONG) typenum = NPY_INT64;
    if (typenum == NPY_ULONGLONG) typenum = NPY_UINT64;
    for (int t = 0; t < NDA_NTYPES; t++)
        if (TYPENUMS[t] == typenum) return t;
    return -1;
}

int ndapy_typenum_from_dtype(nda_dtype t) { return TYPENUMS[t]; }
