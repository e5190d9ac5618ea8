"""Rearranging elements: flip, fliplr, flipud, rot90 (views with negative
strides) and roll (a pending gather at cached offsets, which fuses into the
expression that reads it; slice copies for very large arrays)."""
import collections
import itertools
import threading

import numpy

from .. import _core
from .._axes import normalize_axis_tuple
from .._creation._basic import zeros
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._creation._ranges import arange
from .._scalars import returns_scalar
from .._ufunc import UFUNCS
from ._helpers import _copy_into, _empty

# roll's gather offsets, by (device, shape, element strides, shifts): a time
# loop rolls arrays of one geometry by the same shifts every step, so each
# offsets array is computed once. The cache keeps at most _ROLL_CACHE_BYTES
# of offsets on the devices (least recently used go first); rolls of up to
# _ROLL_GATHER_MAX elements gather (one launch: small rolls are launch-bound),
# larger ones copy slices (2 per rolled axis, each a vector copy, against a
# gather that reads an int64 offset per element: 1M float64 on PoCL, 0.52 ms
# against 1.7).
_ROLL_CACHE_BYTES = 64 << 20
_ROLL_GATHER_MAX = 1 << 17
_roll_offsets_cache = collections.OrderedDict()
_roll_lock = threading.Lock()


def flip(m, axis=None):
    """A view of m reversed along the given axes (negative strides), no copy (numpy.flip)."""
    m = _arr(m)
    if axis is None:
        indexer = (slice(None, None, -1),) * m.ndim
    else:
        axis = normalize_axis_tuple(axis, m.ndim)
        indexer = [slice(None)] * m.ndim
        for ax in axis:
            indexer[ax] = slice(None, None, -1)
        indexer = tuple(indexer)
    return m[indexer]


def fliplr(m):
    """A view of m reversed along axis 1, no copy (numpy.fliplr)."""
    m = _arr(m)
    if m.ndim < 2:
        raise ValueError("Input must be >= 2-d.")
    return m[:, ::-1]


def flipud(m):
    """A view of m reversed along axis 0, no copy (numpy.flipud)."""
    m = _arr(m)
    if m.ndim < 1:
        raise ValueError("Input must be >= 1-d.")
    return m[::-1, ...]


def rot90(m, k=1, axes=(0, 1)):
    """A view of m rotated by 90 degrees k times in the plane of axes, no copy (numpy.rot90)."""
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    m = _arr(m)
    if axes[0] == axes[1] or abs(axes[0] - axes[1]) == m.ndim:
        raise ValueError("Axes must be different.")
    if (axes[0] >= m.ndim or axes[0] < -m.ndim
            or axes[1] >= m.ndim or axes[1] < -m.ndim):
        raise ValueError(f"Axes={axes} out of range for array of ndim={m.ndim}.")
    k %= 4
    if k == 0:
        return m[:]
    if k == 2:
        return flip(flip(m, axes[0]), axes[1])
    axes_list = list(range(m.ndim))
    axes_list[axes[0]], axes_list[axes[1]] = axes_list[axes[1]], axes_list[axes[0]]
    if k == 1:
        return flip(m, axes[1]).transpose(axes_list)
    return flip(m.transpose(axes_list), axes[1])


def roll(a, shift, axis=None):
    """Elements of a shifted cyclically along the given axes, into a new device array
    (numpy.roll)."""
    a = _arr(a)
    if axis is None:
        return roll(a.ravel(), shift, 0).reshape(a.shape)
    axis = normalize_axis_tuple(axis, a.ndim, allow_duplicate=True)
    broadcasted = numpy.broadcast(shift, axis)
    if broadcasted.ndim > 1:
        raise ValueError("'shift' and 'axis' should be scalars or 1D sequences")
    shifts = dict.fromkeys(range(a.ndim), 0)
    for sh, ax in broadcasted:
        shifts[ax] += int(sh)
    shifts = {ax: sh % (a.shape[ax] or 1) for ax, sh in shifts.items()}
    if 0 < a.size <= _ROLL_GATHER_MAX and any(shifts.values()):
        return _core.gather(a, _roll_offsets(a, shifts))
    rolls = [((slice(None), slice(None)),)] * a.ndim
    for ax, offset in shifts.items():
        if offset:
            rolls[ax] = ((slice(None, -offset), slice(offset, None)),
                         (slice(-offset, None), slice(None, offset)))
    result = _empty(a.shape, a.dtype, a)
    for indices in itertools.product(*rolls):
        arr_index, res_index = zip(*indices)
        _copy_into(result[res_index], a[arr_index])
    return result


def _roll_offsets(a, shifts):
    """int64 offsets (elements from a's element 0, through a's strides) of
    roll's source elements: result[i] = a[(i - shift) mod n] on each axis."""
    isz = a.dtype.itemsize
    el_strides = tuple(st // isz for st in a.strides)
    key = (a._device_id, a.shape, el_strides, tuple(sorted(shifts.items())))
    with _roll_lock:
        off = _roll_offsets_cache.get(key)
        if off is not None:
            _roll_offsets_cache.move_to_end(key)
            return off
    off = zeros((), dtype=numpy.int64, device=a._device_id)
    for ax, n in enumerate(a.shape):
        src = UFUNCS["remainder"](UFUNCS["subtract"](arange(n, dtype=numpy.int64,
                                                            device=a._device_id),
                                                     shifts.get(ax, 0)), n)
        part = UFUNCS["multiply"](src, el_strides[ax]).reshape(
            (1,) * ax + (n,) + (1,) * (a.ndim - ax - 1))
        off = UFUNCS["add"](off, part)
    off = off.astype(numpy.int64)
    off._buffer_id  # computed once, here
    with _roll_lock:
        _roll_offsets_cache[key] = off
        total = sum(o.nbytes for o in _roll_offsets_cache.values())
        while total > _ROLL_CACHE_BYTES and len(_roll_offsets_cache) > 1:
            total -= _roll_offsets_cache.popitem(last=False)[1].nbytes
    return off


# flip of a 0-d array gives a NumPy scalar, as NumPy's (see _scalars.py).
flip = returns_scalar(flip)
