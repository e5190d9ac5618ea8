"""Coordinate grids on the device: meshgrid (broadcast views or copies of
the coordinate vectors), indices, fromfunction."""
from .. import _core
from .._manipulation._dims import broadcast_arrays
from ._basic import empty
from ._from_data import asarray as _arr  # ndarrays pass through unchanged
from ._ranges import arange


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate matrices from coordinate vectors, as a list of device arrays
    (numpy.meshgrid, which gives a tuple; the array API asks for a list, and both unpack).

    With copy=False the results are writeable zero-stride views (NumPy warns on writes)."""
    ndim = len(xi)
    if indexing not in ["xy", "ij"]:
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    s0 = (1,) * ndim
    output = [_arr(x).reshape(s0[:i] + (-1,) + s0[i + 1:]) for i, x in enumerate(xi)]
    if indexing == "xy" and ndim > 1:
        output[0] = output[0].reshape((1, -1) + s0[2:])
        output[1] = output[1].reshape((-1, 1) + s0[2:])
    if not sparse:
        output = broadcast_arrays(*output)
    if copy:
        output = [x.copy() for x in output]
    return list(output)


def indices(dimensions, dtype=int, sparse=False):
    """A device array (or tuple of arrays, sparse=True) of a grid's indices (numpy.indices)."""
    dimensions = tuple(dimensions)
    N = len(dimensions)
    shape = (1,) * N
    res = () if sparse else empty((N,) + dimensions, dtype=dtype)
    for i, dim in enumerate(dimensions):
        idx = arange(dim, dtype=dtype).reshape(shape[:i] + (dim,) + shape[i + 1:])
        if sparse:
            res = res + (idx,)
        elif res[i].size:
            _core.assign(res[i], idx)
    return res


def fromfunction(function, shape, *, dtype=float, like=None, **kwargs):
    """Calls function once with the device index arrays of shape, as numpy.fromfunction.

    The 'like' argument raises NotImplementedError."""
    if like is not None:
        raise NotImplementedError("fromfunction: the 'like' argument is not supported")
    return function(*indices(shape, dtype=dtype), **kwargs)
