"""Changing the number of dimensions, as views: expand_dims, squeeze,
broadcast_to, broadcast_arrays (zero strides), broadcast_shapes,
atleast_1d/2d/3d."""
import operator

import numpy

from .._axes import normalize_axis_tuple
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from ._helpers import _base, _view


def expand_dims(a, axis):
    """A view of a with length-1 axes inserted, no copy (numpy.expand_dims)."""
    a = _arr(a)
    if not isinstance(axis, (tuple, list)):
        axis = (axis,)
    out_ndim = len(axis) + a.ndim
    axis = normalize_axis_tuple(axis, out_ndim)
    b = _base(a)
    dims = iter(zip(b.shape, b.strides))
    shape, strides = [], []
    for ax in range(out_ndim):
        if ax in axis:
            shape.append(1)
            strides.append(0)
        else:
            n, s = next(dims)
            shape.append(n)
            strides.append(s)
    return _view(b, b._offset, shape, strides)


def squeeze(a, axis=None):
    """A view of a without (the given) length-1 axes, no copy (numpy.squeeze)."""
    a = _arr(a)
    if axis is None:
        keep = [i for i, n in enumerate(a.shape) if n != 1]
    else:
        axes = normalize_axis_tuple(axis, a.ndim)
        for ax in axes:
            if a.shape[ax] != 1:
                raise ValueError("cannot select an axis to squeeze out which has size "
                                 "not equal to one")
        keep = [i for i in range(a.ndim) if i not in axes]
    b = _base(a)
    return _view(b, b._offset, [b.shape[i] for i in keep], [b.strides[i] for i in keep])


def broadcast_shapes(*args):
    """The shape the given shapes broadcast to, computed on the host (numpy.broadcast_shapes)."""
    return numpy.broadcast_shapes(*args)


def _broadcast_view(a, shape):
    b = _base(a)
    lead = len(shape) - b.ndim
    strides = [0] * lead + [0 if n == 1 and t != 1 else s
                            for n, s, t in zip(b.shape, b.strides, shape[lead:])]
    return _view(b, b._offset, shape, strides)


def broadcast_to(array, shape, subok=False):
    """A read-only view with zero strides (NumPy's)."""
    shape = tuple(shape) if numpy.iterable(shape) else (shape,)
    shape = tuple(operator.index(s) for s in shape)
    array = _arr(array)
    if not shape and array.shape:
        raise ValueError("cannot broadcast a non-scalar to a scalar array")
    if any(size < 0 for size in shape):
        raise ValueError("all elements of broadcast shape must be non-negative")
    lead = len(shape) - array.ndim
    if lead < 0 or any(n != 1 and n != t for n, t in zip(array.shape, shape[lead:])):
        raise ValueError("operands could not be broadcast together with remapped shapes "
                         f"[original->remapped]: {array.shape}  and requested shape {shape}")
    view = _broadcast_view(array, shape)
    view._writeable = False
    return view


def broadcast_arrays(*args, subok=False):
    """Zero-stride device views of the arguments broadcast to one shape, as a list
    (numpy.broadcast_arrays, which gives a tuple; the array API asks for a list).

    The views are writeable without NumPy's warning; writing through a broadcast view
    writes shared elements."""
    args = [_arr(a) for a in args]
    shape = numpy.broadcast_shapes(*[a.shape for a in args])
    return [a if a.shape == shape else _broadcast_view(a, shape) for a in args]


def atleast_1d(*arys):
    """Device views of the inputs with at least one dimension (numpy.atleast_1d)."""
    res = []
    for ary in arys:
        a = _arr(ary)
        res.append(a.reshape(1) if a.ndim == 0 else a)
    return res[0] if len(res) == 1 else tuple(res)


def atleast_2d(*arys):
    """Device views of the inputs with at least two dimensions (numpy.atleast_2d)."""
    res = []
    for ary in arys:
        a = _arr(ary)
        if a.ndim == 0:
            a = a.reshape(1, 1)
        elif a.ndim == 1:
            a = a[None, :]
        res.append(a)
    return res[0] if len(res) == 1 else tuple(res)


def atleast_3d(*arys):
    """Device views of the inputs with at least three dimensions (numpy.atleast_3d)."""
    res = []
    for ary in arys:
        a = _arr(ary)
        if a.ndim == 0:
            a = a.reshape(1, 1, 1)
        elif a.ndim == 1:
            a = a[None, :, None]
        elif a.ndim == 2:
            a = a[:, :, None]
        res.append(a)
    return res[0] if len(res) == 1 else tuple(res)
