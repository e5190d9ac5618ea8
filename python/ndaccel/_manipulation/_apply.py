"""Applying a Python function over an array's slices: apply_along_axis (one
call per 1-D slice, the results written into one device array) and
apply_over_axes (one call per axis). The loops run in Python; each call
gets device arrays (views) and the data stays on the device."""
import numpy

from .._axes import normalize_axis_index
from .._creation._basic import zeros
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from ._dims import expand_dims


def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """func1d(a, *args, **kwargs) applied to the 1-D slices of arr along axis, the results
    assembled into one device array (numpy.apply_along_axis). One call of func1d per
    slice, in Python."""
    arr = _arr(arr)
    nd = arr.ndim
    axis = normalize_axis_index(axis, nd)
    in_dims = list(range(nd))
    inarr_view = arr.transpose(in_dims[:axis] + in_dims[axis + 1:] + [axis])
    inds = (ind + (Ellipsis,) for ind in numpy.ndindex(inarr_view.shape[:-1]))
    try:
        ind0 = next(inds)
    except StopIteration:
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0") from None
    res = _arr(func1d(inarr_view[ind0], *args, **kwargs))
    buff = zeros(inarr_view.shape[:-1] + res.shape, res.dtype)
    buff_dims = list(range(buff.ndim))
    buff_permute = (buff_dims[0:axis] + buff_dims[buff.ndim - res.ndim:buff.ndim] +
                    buff_dims[axis:buff.ndim - res.ndim])
    buff[ind0] = res
    for ind in inds:
        buff[ind] = _arr(func1d(inarr_view[ind], *args, **kwargs))
    return buff.transpose(buff_permute)


def apply_over_axes(func, a, axes):
    """func(a, axis) applied repeatedly, once per axis in axes, each result (with the reduced
    axis put back as length 1) feeding the next call (numpy.apply_over_axes)."""
    val = _arr(a)
    N = val.ndim
    if numpy.ndim(axes) == 0:
        axes = (axes,)
    for axis in axes:
        if axis < 0:
            axis = N + axis
        res = _arr(func(val, axis))
        if res.ndim == val.ndim:
            val = res
        else:
            res = expand_dims(res, axis)
            if res.ndim == val.ndim:
                val = res
            else:
                raise ValueError("function is not returning an array of the correct shape")
    return val
