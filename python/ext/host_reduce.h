/* _core.host_reduce: whole-array reductions of stored arrays read in place on
 * devices whose memory is host memory, with NumPy's values to the last bit. */
#ifndef NDAPY_HOST_REDUCE_H
#define NDAPY_HOST_REDUCE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* host_reduce(kind, a, threads, bufsize) -> NumPy scalar or NotImplemented.
 *
 * kind is "sum", "mean", "max", "min", "argmax", "argmin" or "count_nonzero";
 * the value is numpy.<kind>(a) with no other argument, bit for bit:
 *   - sum and mean of float32/float64 repeat NumPy's pairwise summation over
 *     the whole array (8 accumulators, blocks of 128, halves split at
 *     multiples of 8); mean of bool and integers sums float64 conversions in
 *     NumPy's buffers of `bufsize` elements (numpy.getbufsize()), each
 *     pairwise, added in order; mean divides as NumPy's does (float32 sums
 *     by the count in float64, rounded to float32);
 *   - integer and bool sums wrap in int64 (uint64 for unsigned dtypes).
 * Work is split over `threads` threads (the device's compute units: the
 * cores it was given) into pieces whose results combine in NumPy's order.
 *
 * NotImplemented, with nothing read, where the caller's general path must
 * run: a is pending (lazy: the kernels fuse it into the reduction), empty,
 * not C-contiguous, float16 or complex, or its device's memory is not host
 * memory; a mean of bool or integers with bufsize under 1024 (one result is
 * kept per buffer). ValueError for bufsize under 16. Also after reading, where NumPy's bits depend on its SIMD loops'
 * order of comparisons: a float max/min/argmax/argmin that meets a NaN or
 * whose extreme is a zero (NumPy then gives its own signed zero or NaN). */
PyObject *ndapy_host_reduce(PyObject *self, PyObject *args);

/* host_reduce_rows(kind, a, threads) -> ndaccel array or NotImplemented.
 *
 * kind is "max", "min", "argmax" or "argmin": numpy.<kind>(a, axis=-1) for a
 * stored, C-contiguous a of two or more dimensions whose last axis is not
 * empty, bit for bit, as a new array on a's device (int64 indices for the
 * arg kinds); rows split over `threads` threads. NotImplemented where
 * host_reduce's would be (pending, not C-contiguous, float16, complex,
 * memory not the host's), and after reading where some row's float extreme
 * meets a NaN or is a zero. ValueError for other kinds. */
PyObject *ndapy_host_reduce_rows(PyObject *self, PyObject *args);

#endif
