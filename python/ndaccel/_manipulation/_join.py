"""Joining arrays into a new device array, one slice copy per input:
concatenate, stack, vstack, hstack, dstack, column_stack."""
import functools
import operator

import numpy

from .. import _core, _dtypes
from .._axes import normalize_axis_index
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._ndarray import ndarray
from ._dims import atleast_1d, atleast_2d, atleast_3d, expand_dims
from ._helpers import _at, _empty, _is_sequence


def concatenate(arrays, /, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """Joins arrays along an existing axis into a new device array (numpy.concatenate)."""
    if not _is_sequence(arrays):
        raise TypeError("The first input argument needs to be a sequence")
    if out is not None and dtype is not None:
        raise TypeError("concatenate() only takes `out` or `dtype` as an argument, "
                        "but both were provided.")
    arrs = [_arr(x) for x in arrays]
    if not arrs:
        raise ValueError("need at least one array to concatenate")
    if axis is None:
        arrs = [x.reshape(-1) for x in arrs]
        axis = 0
    nd = arrs[0].ndim
    if nd == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    axis = normalize_axis_index(operator.index(axis), nd)
    shape = list(arrs[0].shape)
    for i, x in enumerate(arrs[1:], 1):
        if x.ndim != nd:
            raise ValueError("all the input arrays must have same number of dimensions, but "
                             f"the array at index 0 has {nd} dimension(s) and the array at "
                             f"index {i} has {x.ndim} dimension(s)")
        for d in range(nd):
            if d != axis and x.shape[d] != shape[d]:
                raise ValueError("all the input array dimensions except for the concatenation "
                                 f"axis must match exactly, but along dimension {d}, the array "
                                 f"at index 0 has size {shape[d]} and the array at index {i} "
                                 f"has size {x.shape[d]}")
        shape[axis] += x.shape[axis]
    if out is not None:
        if not isinstance(out, ndarray):
            raise TypeError("'out' must be an ndaccel array")
        dt = out.dtype
    elif dtype is not None:
        dt = _dtypes.normalize(dtype)
    else:
        dt = functools.reduce(numpy.promote_types, [x.dtype for x in arrs])
    for x in arrs:
        if not numpy.can_cast(x.dtype, dt, casting):
            raise TypeError(f"Cannot cast array data from {x.dtype!r} to {dt!r} according "
                            f"to the rule {casting!r}")
    if out is not None:
        if out.shape != tuple(shape):
            raise ValueError("Output array is the wrong shape")
        res = out
    else:
        res = _empty(shape, dt, arrs[0])
    pos = 0
    for x in arrs:
        n = x.shape[axis]
        if x.size:
            _core.assign(res[_at(axis, slice(pos, pos + n))], x)
        pos += n
    return res


def _stack_arrays(arrays):
    if not hasattr(arrays, "__getitem__"):
        raise TypeError('arrays to stack must be passed as a "sequence" type '
                        'such as list or tuple.')
    return tuple(arrays)


def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """Joins same-shaped arrays along a new axis into a new device array (numpy.stack)."""
    arrays = [_arr(x) for x in _stack_arrays(arrays)]
    if not arrays:
        raise ValueError("need at least one array to stack")
    if len({x.shape for x in arrays}) != 1:
        raise ValueError("all input arrays must have the same shape")
    axis = normalize_axis_index(operator.index(axis), arrays[0].ndim + 1)
    return concatenate([expand_dims(x, axis) for x in arrays], axis=axis, out=out,
                       dtype=dtype, casting=casting)


def vstack(tup, *, dtype=None, casting="same_kind"):
    """Joins arrays row-wise (along axis 0 of their atleast_2d views), on the device
    (numpy.vstack)."""
    arrs = atleast_2d(*_stack_arrays(tup))
    if not isinstance(arrs, tuple):
        arrs = (arrs,)
    return concatenate(arrs, 0, dtype=dtype, casting=casting)


def hstack(tup, *, dtype=None, casting="same_kind"):
    """Joins arrays column-wise (axis 1, axis 0 for 1-D inputs), on the device (numpy.hstack)."""
    arrs = atleast_1d(*_stack_arrays(tup))
    if not isinstance(arrs, tuple):
        arrs = (arrs,)
    if arrs and arrs[0].ndim == 1:
        return concatenate(arrs, 0, dtype=dtype, casting=casting)
    return concatenate(arrs, 1, dtype=dtype, casting=casting)


def dstack(tup):
    """Joins arrays along axis 2 of their atleast_3d views, on the device (numpy.dstack)."""
    arrs = atleast_3d(*_stack_arrays(tup))
    if not isinstance(arrs, tuple):
        arrs = (arrs,)
    return concatenate(arrs, 2)


def column_stack(tup):
    """Joins 1-D and 2-D arrays as the columns of a 2-D device array (numpy.column_stack)."""
    arrays = []
    for v in _stack_arrays(tup):
        a = _arr(v)
        if a.ndim < 2:
            a = atleast_2d(a).T
        arrays.append(a)
    return concatenate(arrays, 1)
