/* _core.host_fill_affine: arange's values written on the host into a writable
 * buffer (the mapped storage of a new array on a host-memory CPU device). */
#ifndef NDAPY_HOST_FILL_H
#define NDAPY_HOST_FILL_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* host_fill_affine(buffer, kind, first, delta) -> None: buffer[k] = first + k * delta
 * for every element k of a writable C-contiguous buffer of 1, 2, 4 or 8-byte
 * elements. kind "i" or "u": first and delta are ints modulo 2**64 and every
 * value wraps modulo 2**(8 * itemsize), as int64 arithmetic cast to the dtype;
 * kind "f" (4 or 8 bytes): first and delta are floats already rounded to the
 * dtype, and k is rounded to the dtype, then k * delta and the sum, each in the
 * dtype (numpy.arange's fill). */
PyObject *ndapy_host_fill_affine(PyObject *self, PyObject *args);

#endif
