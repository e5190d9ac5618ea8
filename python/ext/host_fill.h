/* _core.host_fill_affine and host_fill: arange's values and constants
 * written on the host into the storage of a new array on a host-memory CPU
 * device. */
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

/* host_fill(a, value, threads) -> bool: writes value (bytes: one element of
 * a's dtype) into every element of the ndaccel array a (pending expressions
 * that read a are computed first; ValueError when a is read-only), in place on the
 * host on up to `threads` threads (host_fill_loops.h), after the device's
 * queue has drained: True. False, with nothing written, where a's storage
 * cannot be written in place (host_access.h: not host memory, pending, not
 * C-contiguous, empty). */
PyObject *ndapy_host_fill(PyObject *self, PyObject *args);

#endif
