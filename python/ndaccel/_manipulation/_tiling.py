"""Repeating elements into a new device array: tile (one broadcast copy),
repeat (one broadcast copy per run of equal counts, or one gather)."""
import operator

import numpy

from .. import _core
from .._axes import normalize_axis_index
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._ndarray import ndarray
from ._helpers import _MAX_PIECES, _at, _base, _copy_into, _empty, _gather_along, _split_axis, _view


def tile(A, reps):
    """A by reps repeated into a new device array, one broadcast copy (numpy.tile)."""
    try:
        tup = tuple(reps)
    except TypeError:
        tup = (reps,)
    tup = tuple(operator.index(t) for t in tup)
    d = len(tup)
    c = _arr(A)
    if all(x == 1 for x in tup) and isinstance(A, ndarray):
        c = c.copy()
    if c.ndim < d:
        c = c.reshape((1,) * (d - c.ndim) + c.shape)
    if d < c.ndim:
        tup = (1,) * (c.ndim - d) + tup
    if any(t < 0 for t in tup):
        raise ValueError("negative dimensions are not allowed")
    shape_out = tuple(s * t for s, t in zip(c.shape, tup))
    if c.size == 0 or all(t == 1 for t in tup):
        return c.reshape(shape_out)
    b = _base(c)
    shape, strides = [], []
    for n, s, t in zip(b.shape, b.strides, tup):
        if t != 1:
            shape.append(t)
            strides.append(0)
        shape.append(n)
        strides.append(s)
    res = _empty(shape, b.dtype, b)
    _copy_into(res, _view(b, b._offset, shape, strides))
    return res.reshape(shape_out)


def _repeat_block(dst, src, axis, r):
    """dst (src.shape with axis scaled by r) <- each element of src along
    axis r times: one broadcast copy."""
    if dst.size == 0:
        return
    b = _base(src)
    shape = b.shape[:axis + 1] + (r,) + b.shape[axis + 1:]
    strides = b.strides[:axis + 1] + (0,) + b.strides[axis + 1:]
    _core.assign(_split_axis(dst, axis, b.shape[axis], r), _view(b, b._offset, shape, strides))


def _repeats_host(repeats):
    if isinstance(repeats, ndarray):
        repeats = repeats.get()
    r = numpy.asarray(repeats)
    if r.ndim > 1:
        raise ValueError("object too deep for desired array")
    return r.astype(numpy.intp)


def repeat(a, repeats, axis=None):
    """Each element of a repeated along an axis, into a new device array (numpy.repeat).

    Array repeats are read on the host; the result is one broadcast copy per run of equal
    counts, or one gather when there are more than 64 runs."""
    a = _arr(a)
    if axis is None:
        a = a.ravel()
        axis = 0
    else:
        axis = normalize_axis_index(operator.index(axis), a.ndim)
    r = _repeats_host(repeats)
    n = a.shape[axis]
    if r.size == 1:
        r = int(r.reshape(()))
        if r < 0:
            raise ValueError("negative dimensions are not allowed")
        res = _empty(a.shape[:axis] + (n * r,) + a.shape[axis + 1:], a.dtype, a)
        _repeat_block(res, a, axis, r)
        return res
    if r.shape != (n,):
        raise ValueError(f"operands could not be broadcast together with shape ({n},) "
                         f"({r.size},)")
    if (r < 0).any():
        raise ValueError("repeats may not contain negative values.")
    if n == 0:  # nothing to repeat (empty repeats, as the array API's edge case)
        return _empty(a.shape[:axis] + (0,) + a.shape[axis + 1:], a.dtype, a)
    # Runs of equal counts: one broadcast copy each.
    bounds = [0] + (numpy.flatnonzero(numpy.diff(r)) + 1).tolist() + [n]
    if len(bounds) - 1 > _MAX_PIECES:  # one gather instead of a copy per run
        return _gather_along(a, axis, numpy.repeat(numpy.arange(n), r))
    res = _empty(a.shape[:axis] + (int(r.sum()),) + a.shape[axis + 1:], a.dtype, a)
    pos = 0
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        k = int(r[lo])
        _repeat_block(res[_at(axis, slice(pos, pos + (hi - lo) * k))],
                      a[_at(axis, slice(lo, hi))], axis, k)
        pos += (hi - lo) * k
    return res
