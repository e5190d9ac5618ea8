/* Conversions between Python objects and the C core (internal). */
#ifndef NDA_PY_CONVERT_H
#define NDA_PY_CONVERT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "nda/array.h"

/* Sets the Python exception for the current thread's nda error and returns
 * NULL (the only place status codes become exceptions). */
PyObject *ndapy_raise(int rc);

/* Python bool/int/float/complex (exact types) -> weak scalar. Returns 1 on
 * success, 0 if obj is not such a scalar (no exception), -1 on error. */
int ndapy_scalar_from_object(PyObject *obj, nda_scalar *out);

/* Parses a shape tuple/list of ints. Returns 0 or -1 with an exception. */
int ndapy_shape_from_object(PyObject *obj, int *ndim, int64_t *shape);
PyObject *ndapy_tuple_from_i64(int n, const int64_t *v);

/* numpy typenum <-> nda_dtype; -1 when unsupported. */
int ndapy_dtype_from_typenum(int typenum);
int ndapy_typenum_from_dtype(nda_dtype t);

#endif
