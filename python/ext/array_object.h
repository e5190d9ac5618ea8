/* The C base type of ndaccel.ndarray: owns one nda_array. */
#ifndef NDA_PY_ARRAY_OBJECT_H
#define NDA_PY_ARRAY_OBJECT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "nda/array.h"

typedef struct {
    PyObject_HEAD
    nda_array *arr; /* owned; NULL only while being constructed */
} ndapy_array;

extern PyTypeObject ndapy_array_base_type;

/* Wraps (takes ownership of) arr in an instance of the registered Python
 * subclass (ndaccel.ndarray). On failure frees arr and returns NULL. */
PyObject *ndapy_array_wrap(nda_array *arr);
/* Registers the Python subclass used by ndapy_array_wrap. */
int ndapy_set_array_type(PyTypeObject *type);
/* Borrowed nda_array of an instance, or NULL with TypeError. */
nda_array *ndapy_array_get(PyObject *obj);
int ndapy_array_check(PyObject *obj);

#endif
