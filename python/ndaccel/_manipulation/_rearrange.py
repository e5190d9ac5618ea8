"""Rearranging elements: flip, fliplr, flipud, rot90 (views with negative
strides) and roll (a pending array that fuses into the expression that
reads it)."""
import numpy

from .. import _core
from .._axes import normalize_axis_tuple
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._scalars import returns_scalar


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
    """Elements of a shifted cyclically along the given axes, as a new device array
    (numpy.roll): pending until needed, and fused into the expression that
    reads it, each element's wrapped index computed where it is loaded
    (nda_array_roll)."""
    a = _arr(a)
    if axis is None and a.ndim != 1:  # the flat roll, stored (a pending result has a's shape)
        return roll(a.ravel(), shift, 0).reshape(a.shape)
    if axis is None:
        axis = 0
    axis = normalize_axis_tuple(axis, a.ndim, allow_duplicate=True)
    broadcasted = numpy.broadcast(shift, axis)
    if broadcasted.ndim > 1:
        raise ValueError("'shift' and 'axis' should be scalars or 1D sequences")
    shifts = [0] * a.ndim
    for sh, ax in broadcasted:
        shifts[ax] += int(sh)
    if a.size == 0:
        return a.copy()
    return _core.roll(a, [sh % a.shape[ax] for ax, sh in enumerate(shifts)])


# flip of a 0-d array gives a NumPy scalar, as NumPy's (see _scalars.py).
flip = returns_scalar(flip)
