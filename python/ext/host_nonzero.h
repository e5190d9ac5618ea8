/* _core.host_nonzero: numpy.nonzero of a stored array read in place on
 * devices whose memory is host memory. */
#ifndef NDAPY_HOST_NONZERO_H
#define NDAPY_HOST_NONZERO_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* host_nonzero(a, threads) -> tuple of a.ndim new int64 ndaccel arrays on a's
 * device (numpy.nonzero(a)'s values: coordinates of the nonzero elements in
 * C order; floats by value, -0.0 is zero, NaN is not), computed on the host
 * on up to `threads` threads (host_nonzero_loops.h), after a pending a has
 * been computed; NotImplemented where a cannot be read in place
 * (host_access.h) or is 0-d, float16 or complex. */
PyObject *ndapy_host_nonzero(PyObject *self, PyObject *args);

#endif
