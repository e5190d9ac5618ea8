"""Axis permutations as views, no copy: transpose, permute_dims, swapaxes,
moveaxis, rollaxis, matrix_transpose."""
import operator

from .._axes import AxisError, normalize_axis_index, normalize_axis_tuple
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged


def transpose(a, axes=None):
    """A view of a with its axes permuted, no copy (numpy.transpose)."""
    return _arr(a).transpose(axes)


def permute_dims(a, /, axes=None):
    """A view of a with its axes permuted, no copy (numpy.permute_dims, the array API's name
    for transpose)."""
    return _arr(a).transpose(axes)


def matrix_transpose(x, /):
    """A view of x with its last two axes swapped, no copy (numpy.matrix_transpose)."""
    x = _arr(x)
    if x.ndim < 2:
        raise ValueError(f"Input array must be at least 2-dimensional, but it is {x.ndim}")
    return x.swapaxes(-1, -2)


def swapaxes(a, axis1, axis2):
    """A view of a with two axes interchanged, no copy (numpy.swapaxes)."""
    a = _arr(a)
    axis1 = normalize_axis_index(operator.index(axis1), a.ndim, "axis1")
    axis2 = normalize_axis_index(operator.index(axis2), a.ndim, "axis2")
    return a.swapaxes(axis1, axis2)


def moveaxis(a, source, destination):
    """A view of a with axes moved to new positions, no copy (numpy.moveaxis)."""
    a = _arr(a)
    source = normalize_axis_tuple(source, a.ndim, "source")
    destination = normalize_axis_tuple(destination, a.ndim, "destination")
    if len(source) != len(destination):
        raise ValueError("`source` and `destination` arguments must have "
                         "the same number of elements")
    order = [n for n in range(a.ndim) if n not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return a.transpose(order)


def rollaxis(a, axis, start=0):
    """A view of a with axis rolled back until it lies before position start, no copy
    (numpy.rollaxis; moveaxis is the clearer spelling)."""
    a = _arr(a)
    n = a.ndim
    axis = normalize_axis_index(operator.index(axis), n)
    start = operator.index(start)
    if start < 0:
        start += n
    if not 0 <= start < n + 1:
        raise AxisError(f"'start' arg requires {-n} <= start < {n + 1}, but {start} was "
                        f"passed in")
    if axis < start:
        start -= 1
    if axis == start:
        return a[...]
    axes = list(range(n))
    axes.remove(axis)
    axes.insert(start, axis)
    return a.transpose(axes)
