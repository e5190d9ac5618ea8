"""Reductions of stored arrays on CPU devices: NumPy on the arrays' storage
(the host-libraries policy, _host_libraries.py).

A reduction of an array whose values are already stored (not a pending
expression, which fuses into the reduction kernel and wins) reads each
element once. On a device that runs on the host's cores with its buffers in
host memory, NumPy's SIMD loops do that on the storage itself with no
launch: max of 1M float64 takes NumPy 0.10 ms from the cache, while a PoCL
reduction costs ~0.05 ms before any data moves and reads at two threads'
bandwidth (0.31 ms). Out of cache both run at memory bandwidth.
So these call NumPy there, and their values are NumPy's to the last bit (its
pairwise summation order, its NaN rules):
- max, min, any, all, count_nonzero over every axis, argmax/argmin
  flattened, and sum, prod over every axis unless they accumulate in
  float16, float32 or a complex type (the kernels' vector accumulators beat
  NumPy's pairwise loop there: 1M float32 0.09 ms against 0.16); mean keeps
  the kernels, which fold and divide in one pass (1M int64: 0.36 ms against
  NumPy's 0.48, float64 on a par);
- max, min, any, all, count_nonzero over any axes of a C-contiguous array
  whose last axis holds ROW_MIN elements or more (NumPy's inner loop is then
  long enough; 1024^2 float64: max along rows 0.18 ms against the kernels'
  0.30, float32 0.14 against 0.21; at 64-256 columns the kernels win), and
  argmax/argmin along the last axis of a C-contiguous array for rows of
  ARG_ROW_MIN or more (the kernels reach 0.25-0.6x of NumPy there).
Before all of that, a user's call with the array alone (np.sum(a), a.max():
sum, mean, max, min, argmax, argmin, count_nonzero over every axis) of a
C-contiguous bool, integer, float32 or float64 array takes ndaccel's own
host loops (whole() below, python/ext/host_reduce_loops.c): NumPy's value
and scalar type to the last bit, on the device's threads, with none of the
0-d array, DLPack view and NumPy dispatch of the route above (~1.4 us a call
against ~7 us: 64k float64 sum 7.4 us against NumPy's 12.5).
Narrower arrays, views that are not C-contiguous, pending expressions,
GPUs, devices whose memory is not the host's, and any device under
NDACCEL_HOST_LIBRARIES=0 or a transfer guard that logs or refuses copies
keep ndaccel's kernels. USE = False here turns this part of the policy off
alone (the kernel tests of tests/python do, so that they keep testing the
kernels)."""
import functools

import numpy

from .. import _core, _host_libraries, _transfer

USE = True

# The ufuncs' reduce, as numpy.sum/prod/max/min call it for an ndarray
# (without their ~2 us of argument wrapping).
_NUMPY = {"sum": numpy.add.reduce, "prod": numpy.multiply.reduce,
          "max": numpy.maximum.reduce, "min": numpy.minimum.reduce}


ROW_MIN = 512
ARG_ROW_MIN = 16


# Accumulators whose sums the kernels fold faster than NumPy's pairwise loop
# (1M float32: 0.09 ms against NumPy's 0.16; complex128 0.29 against 0.36).
_KERNEL_SUMS = frozenset(numpy.dtype(t) for t in ("float16", "float32", "complex64",
                                                   "complex128"))


def applies(a, axes, row_min=ROW_MIN, kind=None, dtype=None):
    """Whether a reduction of the ndaccel array a over `axes` (normalised)
    takes NumPy here: every axis, or any axes of a C-contiguous a whose last
    axis holds row_min elements or more. Sums (kind 'sum', 'prod', with the
    dtype= argument): every axis only, and not in a float16, float32 or
    complex accumulator (the kernels win there: 1.7-3x NumPy along rows or
    columns of 1024^2 float64, 1.7-3.2x over 1-4M float32)."""
    if not (USE and a.ndim > 0 and a.size > 0 and not a._is_lazy
            and _host_libraries.maps(a._device_id)):
        return False
    if kind in ("sum", "prod"):
        acc = numpy.dtype(dtype) if dtype is not None else a.dtype
        return len(axes) == a.ndim and acc not in _KERNEL_SUMS
    if len(axes) == a.ndim:
        return True
    return len(axes) > 0 and a._c_contiguous and a.shape[-1] >= row_min


def whole(kind, a):
    """numpy.<kind>(a) for a stored ndaccel array a, as the NumPy scalar NumPy
    returns, read in place by ndaccel's host loops (_core.host_reduce, which
    repeats NumPy's summation order: the same bits), on the device's threads;
    NotImplemented where the general path must run (the policy is off here,
    a is pending, not C-contiguous, float16 or complex, ...). kind: 'sum',
    'mean', 'max', 'min', 'argmax', 'argmin', 'count_nonzero'.
    1M float64 on this 2-core VM, NumPy against these loops: sum 0.16 ms
    against 0.06, max 0.10 against 0.07, argmax 0.13 against 0.09,
    count_nonzero 0.42 against 0.06; mean of int64 0.46 against 0.16. A
    call costs ~2 us here, NumPy's ~1.5."""
    if not (USE and _host_libraries.USE and isinstance(a, _core.ndarray_base)):
        return NotImplemented
    threads = _host_libraries.host_threads(a._device_id)
    if not threads or not _transfer.allowed():
        return NotImplemented
    return _core.host_reduce(kind, a, threads, numpy.getbufsize() if kind == "mean" else 8192)


def whole_of(kind):
    """whole(kind, .), for returns_scalar's `alone` (np.sum(a), a.max())."""
    return functools.partial(whole, kind)


def reduce(kind, a, axes, dtype, keepdims, initial):
    """numpy.<kind> ('sum', 'prod', 'max', 'min') of a over `axes` (those
    applies() took), as an ndaccel array on a's device."""
    kw = {}
    if dtype is not None:
        kw["dtype"] = dtype
    if initial is not None:
        kw["initial"] = initial
    axis = None if len(axes) == a.ndim else tuple(axes)
    if kind in ("max", "min") and initial is None and tuple(axes) == (a.ndim - 1,):
        r = rows(kind, a, keepdims)
        if r is not NotImplemented:
            return r
    v = _host_libraries.host_view(a)
    if kind in ("sum", "prod") and (a.dtype.kind in "fc" or numpy.dtype(dtype or "b").kind in "fc"):
        # Quiet, as the device's kernels are (_config.py): NumPy would warn
        # on overflow and on inf - inf.
        with numpy.errstate(all="ignore"):
            r = _NUMPY[kind](v, axis=axis, keepdims=keepdims, **kw)
    else:
        r = _NUMPY[kind](v, axis=axis, keepdims=keepdims, **kw)
    return _core.from_numpy(numpy.asarray(r), a._device_id)


def rows(kind, a, keepdims):
    """numpy.<kind>(a, axis=-1) ('max', 'min', 'argmax', 'argmin') of a C-contiguous a
    of 2+ dimensions, read in place by ndaccel's host loops (_core.host_reduce_rows:
    NumPy's values), the rows split over the device's threads; NotImplemented where
    NumPy must decide (a float extreme that meets a NaN or is a zero) or the loops do
    not apply. 1000 x 1000 float64 max along rows: NumPy 0.37 ms, NumPy on the storage
    through this policy 0.40, these loops ~0.2."""
    if not (USE and _host_libraries.USE and a.ndim >= 2 and a._c_contiguous):
        return NotImplemented
    threads = _host_libraries.host_threads(a._device_id)
    if not threads or not _transfer.allowed():
        return NotImplemented
    r = _core.host_reduce_rows(kind, a, threads)
    if r is NotImplemented or not keepdims:
        return r
    return r.reshape(a.shape[:-1] + (1,))


def count_nonzero(a, axes, keepdims):
    """numpy.count_nonzero of a over `axes` (those applies() took), as an int64
    ndaccel array on a's device."""
    axis = None if len(axes) == a.ndim else tuple(axes)
    r = numpy.count_nonzero(_host_libraries.host_view(a), axis=axis, keepdims=keepdims)
    return _core.from_numpy(numpy.asarray(r, dtype=numpy.int64), a._device_id)


def truth(kind, a, axes, keepdims):
    """numpy.any or numpy.all (kind 'any', 'all') of a over `axes` (those
    applies() took), as a bool ndaccel array on a's device."""
    axis = None if len(axes) == a.ndim else tuple(axes)
    r = (numpy.any if kind == "any" else numpy.all)(_host_libraries.host_view(a), axis=axis,
                                                     keepdims=keepdims)
    return _core.from_numpy(numpy.asarray(r), a._device_id)


def arg_extreme(kind, a, axis, keepdims, skipnan):
    """numpy.(nan)argmax/argmin (kind 'max' or 'min') of a flattened (axis None)
    or along axis (an int; applies() took it), as an int64 ndaccel array on a's
    device. NumPy's errors (all-NaN) propagate."""
    name = ("nan" if skipnan else "") + ("argmax" if kind == "max" else "argmin")
    if not skipnan and axis is not None and axis in (-1, a.ndim - 1):
        r = rows(name, a, keepdims)
        if r is not NotImplemented:
            return r
    r = getattr(numpy, name)(_host_libraries.host_view(a, read_only=False), axis=axis,
                             keepdims=keepdims)
    return _core.from_numpy(numpy.asarray(r, dtype=numpy.int64), a._device_id)
