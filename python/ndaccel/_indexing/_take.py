"""take / put family on the device, built on advanced indexing (fused
gathers and scatters): take, take_along_axis, put, put_along_axis, place,
putmask, choose, and the boolean selections extract and compress."""
import numpy

from .._axes import normalize_axes
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._creation._ranges import arange
from .._flags import require_writeable
from .._manipulation._dims import broadcast_arrays
from .._manipulation._join import stack
from .._statistics._reductions import max as amax, min as amin
from .._ufunc import UFUNCS, where as _where
from ._nonzero import nonzero


def _int_index(indices, n, mode):
    idx = _arr(indices)
    if idx.dtype.kind not in "iu":
        raise TypeError("Cannot cast array data from dtype('%s') to dtype('int64') according "
                        "to the rule 'safe'" % idx.dtype)
    idx = idx.astype(numpy.int64)
    if mode == "wrap":
        return UFUNCS["remainder"](idx, n) if n else idx
    if mode == "clip":
        return UFUNCS["minimum"](UFUNCS["maximum"](idx, 0), max(n - 1, 0))
    if mode != "raise":
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    return idx


def take(a, indices, axis=None, out=None, mode="raise"):
    """Elements of a at the given indices along an axis (flattened for axis=None), gathered on
    the device (numpy.take)."""
    a = _arr(a)
    if axis is None:
        a = a.reshape(-1)
        axis = 0
    (axis,) = normalize_axes(axis, a.ndim)
    idx = _int_index(indices, a.shape[axis], mode)
    r = a[(slice(None),) * axis + (idx,)]
    if out is not None:
        out[...] = r
        return out
    return r


def _along_axis_key(arr, indices, axis):
    idx = _arr(indices)
    if idx.ndim != arr.ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    key = []
    for d in range(arr.ndim):
        if d == axis:
            key.append(idx.astype(numpy.int64))
        else:
            shape = [1] * arr.ndim
            shape[d] = arr.shape[d]
            key.append(arange(arr.shape[d], dtype=numpy.int64).reshape(tuple(shape)))
    return tuple(key)


def take_along_axis(arr, indices, axis=-1):
    """Elements of arr at the matching indices along an axis, gathered on the device
    (numpy.take_along_axis)."""
    arr = _arr(arr)
    if axis is None:
        arr = arr.reshape(-1)
        axis = 0
    (axis,) = normalize_axes(axis, arr.ndim)
    return arr[_along_axis_key(arr, indices, axis)]


def put_along_axis(arr, indices, values, axis):
    """Writes values into arr at the matching indices along an axis, on the device
    (numpy.put_along_axis). axis=None raises NotImplementedError."""
    if axis is None:
        raise NotImplementedError("put_along_axis(axis=None) is not implemented yet")
    (axis,) = normalize_axes(axis, arr.ndim)
    arr[_along_axis_key(arr, indices, axis)] = values


def _flat_target(a):
    if not a._c_contiguous:
        raise NotImplementedError("put/place/putmask on a non-contiguous array are not implemented yet")
    return a.reshape(-1)


def put(a, ind, v, mode="raise"):
    """a.flat[ind] = v (v repeated cyclically), scattered on the device (numpy.put).

    A non-contiguous a raises NotImplementedError."""
    require_writeable(a, "put: output array is read-only")
    flat = _flat_target(a)
    idx = _int_index(ind, flat.size, mode).reshape(-1)
    vals = _arr(v).astype(a.dtype).reshape(-1)
    if idx.size == 0:
        return
    if vals.size == 0:
        raise ValueError("cannot replace elements of an empty array")
    if vals.size != idx.size:  # values repeat cyclically
        vals = vals[UFUNCS["remainder"](arange(idx.size, dtype=numpy.int64), vals.size)]
    flat[idx] = vals


def putmask(a, mask, values):
    """a.flat[n] = values[n % len(values)] where mask.flat[n]."""
    require_writeable(a, "putmask: output array is read-only")
    flat = _flat_target(a)
    m = _arr(mask)
    if m.shape != a.shape:
        raise ValueError("putmask: mask and data must be the same size")
    vals = _arr(values).astype(a.dtype).reshape(-1)
    if vals.size == 0:
        return
    n = flat.size
    cyc = vals[UFUNCS["remainder"](arange(n, dtype=numpy.int64), vals.size)] if vals.size != n else vals
    flat[...] = _where(m.reshape(-1), cyc, flat).astype(a.dtype)


def place(arr, mask, vals):
    """The i-th true element of mask gets vals[i % len(vals)]."""
    require_writeable(arr, "place: output array is read-only")
    flat = _flat_target(arr)
    mask = _arr(mask)
    if mask.size != arr.size:
        raise ValueError(f"place: mask and data must be the same size ({mask.size} != {arr.size})")
    (pos,) = nonzero(mask.reshape(-1))
    vals = _arr(vals).astype(arr.dtype).reshape(-1)
    if pos.size == 0:
        return
    if vals.size == 0:
        raise ValueError("Cannot insert from an empty array!")
    flat[pos] = vals[UFUNCS["remainder"](arange(pos.size, dtype=numpy.int64), vals.size)]


def choose(a, choices, out=None, mode="raise"):
    """Elements picked from choices by the index array a, gathered on the device
    (numpy.choose). mode='raise' reads the index range back (one synchronisation)."""
    a = _arr(a)
    ch = [_arr(c) for c in choices]
    idx = _int_index(a, len(ch), mode)
    if mode == "raise" and idx.size:
        if int(amin(idx)) < 0 or int(amax(idx)) >= len(ch):
            raise ValueError("invalid entry in choice array")
    parts = broadcast_arrays(idx, *ch)
    idx, ch = parts[0], parts[1:]
    dt = numpy.result_type(*[c.dtype for c in ch])
    stacked = stack([c.astype(dt) for c in ch], axis=0)
    r = take_along_axis(stacked, idx.reshape((1,) + idx.shape), axis=0).reshape(idx.shape)
    if out is not None:
        out[...] = r
        return out
    return r


def extract(condition, arr):
    """The elements of arr where condition is true, flattened, on the device (numpy.extract).

    Waits for the device once (the count sizes the result)."""
    arr = _arr(arr).reshape(-1)
    cond = _arr(condition).reshape(-1)
    return arr[nonzero(cond)]


def compress(condition, a, axis=None, out=None):
    """The slices of a along an axis where condition is true, on the device (numpy.compress).

    Waits for the device once (the count sizes the result)."""
    a = _arr(a)
    cond = _arr(condition)
    if cond.ndim != 1:
        raise ValueError("condition must be a 1-d array")
    if axis is None:
        a = a.reshape(-1)
        axis = 0
    (axis,) = normalize_axes(axis, a.ndim)
    n = a.shape[axis]
    if cond.size > n:
        raise IndexError(f"index {cond.size - 1} is out of bounds for axis {axis} with size {n}")
    (idx,) = nonzero(cond)
    key = (slice(None),) * axis + (idx,)
    r = a[key]
    if out is not None:
        out[...] = r
        return out
    return r
