/* The C base type of ndaccel.ndarray: owns one nda_array. */
#ifndef NDA_PY_ARRAY_OBJECT_H
#define NDA_PY_ARRAY_OBJECT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "nda/array.h"

typedef struct {
    PyObject_HEAD
    nda_array *arr; /* owned; NULL only while being constructed */
    /* Owned: the array owning the buffer this view shares (NumPy's .base,
     * collapsed to the first owner); NULL for an array owning its data. */
    PyObject *base;
    int flags;      /* NDAPY_READONLY | NDAPY_UNALIGNED; 0 (writeable, aligned) when made */
} ndapy_array;

#define NDAPY_READONLY 1  /* flags.writeable cleared: every write raises */
#define NDAPY_UNALIGNED 2 /* flags.aligned cleared by the user (device arrays are aligned) */

extern PyTypeObject ndapy_array_base_type;

/* The operators of ndarray_base (operators.c): number methods and rich
 * comparison, live once _core._set_operators has registered their
 * Python halves. */
extern PyNumberMethods ndapy_array_number;
PyObject *ndapy_array_richcompare(PyObject *self, PyObject *other, int op);
PyObject *ndapy_set_operators(PyObject *self, PyObject *args);

/* Wraps (takes ownership of) arr in an instance of the registered Python
 * subclass (ndaccel.ndarray). On failure frees arr and returns NULL. */
PyObject *ndapy_array_wrap(nda_array *arr);
/* Registers the Python subclass used by ndapy_array_wrap. */
int ndapy_set_array_type(PyTypeObject *type);
/* Borrowed nda_array of an instance, or NULL with TypeError. */
nda_array *ndapy_array_get(PyObject *obj);
int ndapy_array_check(PyObject *obj);
/* 0 when obj may be written; -1 with ValueError(message) (NumPy's
 * "assignment destination is read-only", ...) when its flags.writeable is
 * cleared. obj must be an ndarray_base instance. */
int ndapy_array_require_writeable(PyObject *obj, const char *message);
/* Marks view (a fresh wrapper sharing src's buffer) as NumPy marks views:
 * base = src's owner, read-only when src is. */
void ndapy_array_set_view_of(PyObject *view, PyObject *src);

#endif
