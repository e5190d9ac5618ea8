/* _core.random_fill: device random numbers (core/include/nda/random.h). */
#ifndef NDAPY_RANDOM_BINDING_H
#define NDAPY_RANDOM_BINDING_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* random_fill(out, dist, key0, key1, stream, low, range) -> None.
 * dist: one of "UNEIB"; key0/key1: uint32; stream, range: uint64; low: int64. */
PyObject *ndapy_random_fill(PyObject *self, PyObject *args);

#endif
