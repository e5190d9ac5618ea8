"""Adding and removing elements, into a new device array: insert, delete,
append, resize. Index lists are read on the host; the result is built by
slice copies, or by one gather where the pieces are many."""
import operator

import numpy

from .. import _core
from .._axes import normalize_axis_index
from .._creation._from_data import asarray
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._ndarray import ndarray
from ._dims import broadcast_to
from ._helpers import _MAX_PIECES, _at, _copy_into, _empty, _gather_along, _split_axis, _true_runs
from ._join import concatenate
from ._shape import ravel
from ._transpose import moveaxis


def _axis_for(arr, axis):
    if axis is None:
        if arr.ndim != 1:
            arr = arr.ravel()
        return arr, arr.ndim - 1
    return arr, normalize_axis_index(operator.index(axis), arr.ndim)


def delete(arr, obj, axis=None):
    """A new device array without the sub-arrays at obj along an axis (numpy.delete).

    Index arrays are read on the host; the result is one copy per run of kept elements, or
    one gather when there are more than 64 runs."""
    arr, axis = _axis_for(_arr(arr), axis)
    N = arr.shape[axis]
    newshape = list(arr.shape)

    if isinstance(obj, slice):
        start, stop, step = obj.indices(N)
        xr = range(start, stop, step)
        numtodel = len(xr)
        if numtodel <= 0:
            return arr.copy()
        if step < 0:
            step, start, stop = -step, xr[-1], xr[0] + 1
        else:
            stop = xr[-1] + 1
        newshape[axis] -= numtodel
        new = _empty(newshape, arr.dtype, arr)
        _copy_into(new[_at(axis, slice(None, start))], arr[_at(axis, slice(None, start))])
        _copy_into(new[_at(axis, slice(stop - numtodel, None))],
                   arr[_at(axis, slice(stop, None))])
        if step > 1 and numtodel > 1:
            # Between deleted positions start + j*step: rows of step-1 kept.
            rows = numtodel - 1
            src = _split_axis(arr[_at(axis, slice(start + 1, None))], axis, rows, step)
            src = src[(slice(None),) * (axis + 1) + (slice(0, step - 1),)]
            dst = _split_axis(new[_at(axis, slice(start, start + rows * (step - 1)))],
                              axis, rows, step - 1)
            _copy_into(dst, src)
        return new

    single = isinstance(obj, (int, numpy.integer)) and not isinstance(obj, (bool, numpy.bool_))
    if not single:
        raw = obj
        obj = numpy.asarray(obj.get() if isinstance(obj, ndarray) else obj)
        if obj.size == 0 and not isinstance(raw, (numpy.ndarray, ndarray)):
            obj = obj.astype(numpy.intp)
        elif obj.size == 1 and obj.dtype.kind in "ui":
            obj = obj.item()
            single = True
    if single:
        obj = int(obj)
        if obj < -N or obj >= N:
            raise IndexError(f"index {obj} is out of bounds for axis {axis} with size {N}")
        if obj < 0:
            obj += N
        newshape[axis] -= 1
        new = _empty(newshape, arr.dtype, arr)
        _copy_into(new[_at(axis, slice(None, obj))], arr[_at(axis, slice(None, obj))])
        _copy_into(new[_at(axis, slice(obj, None))], arr[_at(axis, slice(obj + 1, None))])
        return new
    if obj.dtype == bool:
        if obj.shape != (N,):
            raise ValueError("boolean array argument obj to delete must be one dimensional "
                             f"and match the axis length of {N}")
        keep = ~obj
    else:
        keep = numpy.ones(N, dtype=bool)
        try:
            keep[obj,] = False
        except IndexError as exc:
            raise IndexError(str(exc).replace("axis 0", f"axis {axis}")) from None
    runs = _true_runs(keep)
    if len(runs) > _MAX_PIECES:  # one gather instead of a copy per run
        return _gather_along(arr, axis, numpy.flatnonzero(keep))
    newshape[axis] = int(keep.sum())
    new = _empty(newshape, arr.dtype, arr)
    pos = 0
    for lo, hi in runs:
        _copy_into(new[_at(axis, slice(pos, pos + hi - lo))], arr[_at(axis, slice(lo, hi))])
        pos += hi - lo
    return new


def _values_as(values, dtype, device_like):
    if isinstance(values, ndarray):
        return values.astype(dtype, copy=False)
    return asarray(values, dtype=dtype, device=device_like._device_id)


def insert(arr, obj, values, axis=None):
    """A new device array with values inserted before the indices obj along an axis
    (numpy.insert).

    Index arrays are read on the host; the result is one copy per run of old or inserted
    elements, or one gather when there are more than 64 runs."""
    arr, axis = _axis_for(_arr(arr), axis)
    ndim = arr.ndim
    N = arr.shape[axis]
    newshape = list(arr.shape)

    if isinstance(obj, slice):
        indices = numpy.arange(*obj.indices(N), dtype=numpy.intp)
    else:
        indices = numpy.array(obj.get() if isinstance(obj, ndarray) else obj)
        if indices.dtype == bool:
            if indices.ndim != 1:
                raise ValueError("boolean array argument obj to insert must be one dimensional")
            indices = numpy.flatnonzero(indices)
        elif indices.ndim > 1:
            raise ValueError("index array argument obj to insert must be one dimensional "
                             "or scalar")
    if indices.size == 1:
        index = indices.item()
        if not isinstance(index, int):
            raise TypeError("slice indices must be integers or None or have an __index__ "
                            "method")
        if index < -N or index > N:
            raise IndexError(f"index {obj} is out of bounds for axis {axis} with size {N}")
        if index < 0:
            index += N
        vals = _values_as(values, arr.dtype, arr)
        if vals.ndim < ndim:
            vals = vals.reshape((1,) * (ndim - vals.ndim) + vals.shape)
        if indices.ndim == 0:
            vals = moveaxis(vals, 0, axis)
        numnew = vals.shape[axis]
        newshape[axis] += numnew
        new = _empty(newshape, arr.dtype, arr)
        _copy_into(new[_at(axis, slice(None, index))], arr[_at(axis, slice(None, index))])
        dst = new[_at(axis, slice(index, index + numnew))]
        if dst.size:
            _core.assign(dst, vals)
        else:
            numpy.broadcast_shapes(vals.shape, dst.shape)  # NumPy's error, if any
        _copy_into(new[_at(axis, slice(index + numnew, None))], arr[_at(axis, slice(index, None))])
        return new
    if indices.size == 0 and not isinstance(obj, (numpy.ndarray, ndarray)):
        indices = indices.astype(numpy.intp)
    if indices.dtype.kind not in "iu":
        raise IndexError("arrays used as indices must be of integer (or boolean) type")

    indices = indices.astype(numpy.intp)
    indices[indices < 0] += N
    numnew = len(indices)
    order = indices.argsort(kind="mergesort")
    pos = indices.copy()
    pos[order] += numpy.arange(numnew)
    newshape[axis] += numnew
    for p in pos:
        if p < 0 or p >= newshape[axis]:
            raise IndexError(f"index {p} is out of bounds for axis {axis} with size "
                             f"{newshape[axis]}")
    target = list(newshape)
    target[axis] = numnew
    vals = _arr(values) if isinstance(values, ndarray) else asarray(values, device=arr._device_id)
    try:
        vals = broadcast_to(vals, target)
    except ValueError:
        raise ValueError(f"shape mismatch: value array of shape {vals.shape} could not be "
                         f"broadcast to indexing result of shape {tuple(target)}") from None
    new = _empty(newshape, arr.dtype, arr)

    sorted_idx = indices[order]
    step = int(sorted_idx[1] - sorted_idx[0]) if numnew > 1 else 1
    if isinstance(obj, slice) and step > 1:
        # An arithmetic progression: values at s0 + j*(step+1), old rows of
        # `step` elements in between.
        s0 = int(sorted_idx[0])
        if order[0] != 0:  # decreasing slice: values in reversed order
            vals = vals[_at(axis, slice(None, None, -1))]
        _copy_into(new[_at(axis, slice(None, s0))], arr[_at(axis, slice(None, s0))])
        _copy_into(new[_at(axis, slice(s0, s0 + (numnew - 1) * (step + 1) + 1, step + 1))], vals)
        rows = numnew - 1
        src = _split_axis(arr[_at(axis, slice(s0, s0 + rows * step))], axis, rows, step)
        dst = _split_axis(new[_at(axis, slice(s0 + 1, None))], axis, rows, step + 1)
        _copy_into(dst[(slice(None),) * (axis + 1) + (slice(0, step),)], src)
        _copy_into(new[_at(axis, slice(s0 + rows * (step + 1) + 1, None))],
                   arr[_at(axis, slice(s0 + rows * step, None))])
        return new

    # Pieces: runs of inserted values (consecutive positions and values)
    # and runs of old elements.
    pieces = []
    by_pos = numpy.argsort(pos, kind="stable")
    i = 0
    while i < numnew:
        j = i + 1
        while j < numnew and pos[by_pos[j]] == pos[by_pos[j - 1]] + 1 and \
                by_pos[j] == by_pos[j - 1] + 1:
            j += 1
        pieces.append(("v", int(pos[by_pos[i]]), int(by_pos[i]), j - i))
        i = j
    old_mask = numpy.ones(newshape[axis], dtype=bool)
    old_mask[pos] = False
    old_at = numpy.cumsum(old_mask) - 1
    for lo, hi in _true_runs(old_mask):
        pieces.append(("o", lo, int(old_at[lo]), hi - lo))
    if len(pieces) > _MAX_PIECES:  # one gather from [arr, vals] instead of a copy per piece
        source = numpy.empty(newshape[axis], dtype=numpy.int64)
        source[old_mask] = numpy.arange(N)
        source[pos] = N + numpy.arange(numnew)
        return _gather_along(concatenate((arr, vals.astype(arr.dtype)), axis=axis), axis, source)
    for kind, at, src_at, n in pieces:
        src = vals if kind == "v" else arr
        _copy_into(new[_at(axis, slice(at, at + n))], src[_at(axis, slice(src_at, src_at + n))])
    return new


def append(arr, values, axis=None):
    """A new device array with values appended along an axis (flattened for axis=None)
    (numpy.append)."""
    arr = _arr(arr)
    if axis is None:
        if arr.ndim != 1:
            arr = arr.ravel()
        values = ravel(values)
        axis = arr.ndim - 1
    return concatenate((arr, values), axis=axis)


def resize(a, new_shape):
    """A new device array of new_shape filled with a's elements cyclically (numpy.resize)."""
    if isinstance(new_shape, (int, numpy.integer)):
        new_shape = (new_shape,)
    a = ravel(a)
    new_size = 1
    for dim_length in new_shape:
        new_size *= dim_length
        if dim_length < 0:
            raise ValueError("all elements of `new_shape` must be non-negative")
    if a.size == 0 or new_size == 0:
        res = _empty(new_shape, a.dtype, a)
        _core.fill(res, 0)
        return res
    repeats = (new_size + a.size - 1) // a.size
    res = _empty((repeats, a.size), a.dtype, a)
    _core.assign(res, a)
    return res.reshape(-1)[:new_size].reshape(new_shape)
