"""Index arithmetic on the device: unravel_index, ravel_multi_index, ix_, the
triangle and diagonal index builders (tril_indices, triu_indices and their
_from forms, diag_indices, diag_indices_from, mask_indices) and
fill_diagonal. Shapes and strides are Python ints; the indices themselves
are device arrays (elementwise integer arithmetic, nonzero of a mask).
Range checks read one flag back from the device (one synchronisation)."""
import functools
import operator

import numpy

from .._creation._basic import ones
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._creation._matrices import tri
from .._creation._ranges import arange
from .._flags import require_writeable
from .._manipulation._dims import broadcast_arrays
from .._ndarray import ndarray
from .._scalars import returns_scalar
from .._statistics._reductions import any as _any
from .._ufunc import UFUNCS
from ._nonzero import flatnonzero, nonzero

_INTP_MAX = numpy.iinfo(numpy.intp).max


def _int_indices(x, what="indices"):
    """x as an int64 device array; TypeError for a non-integer dtype (as NumPy)."""
    a = _arr(x)
    if a.dtype.kind not in "biu":
        if a.size == 0 and isinstance(x, (list, tuple)):
            raise TypeError(f"{what} must be integral: the provided empty sequence was "
                            f"inferred as float. Wrap it with "
                            f"'np.array({what}, dtype=np.intp)'")
        raise TypeError("only int indices permitted")
    return a.astype(numpy.int64, copy=False)


def _dims_tuple(dims):
    dims = (dims,) if numpy.ndim(dims) == 0 else tuple(dims)
    return tuple(operator.index(d) for d in dims)


def _check_order(order):
    if order not in ("C", "F"):
        raise ValueError(f"order must be one of 'C', 'F', 'A', or 'K' (got {order!r})"
                         if order not in ("A", "K") else "only 'C' or 'F' order is permitted")


def unravel_index(indices, shape, order="C"):
    """The coordinate arrays (a tuple, one per dimension of shape) of flat indices into an
    array of the given shape, computed on the device (numpy.unravel_index).

    Checks the index range on the device and reads one flag back (one synchronisation)."""
    dims = _dims_tuple(shape)
    _check_order(order)
    idx = _int_indices(indices)
    size = functools.reduce(operator.mul, dims, 1)
    if idx.size:
        bad = UFUNCS["logical_or"](UFUNCS["less"](idx, 0), UFUNCS["greater_equal"](idx, size))
        if bool(_any(bad)):
            first = int(idx.reshape(-1)[flatnonzero(bad)[0:1]].get()[0])
            raise ValueError(f"index {first} is out of bounds for array with size {size}")
    out = [None] * len(dims)
    order_axes = range(len(dims) - 1, -1, -1) if order == "C" else range(len(dims))
    rest = idx
    for ax in order_axes:
        d = dims[ax] or 1  # a zero dimension leaves no valid index: idx is empty then
        out[ax] = UFUNCS["remainder"](rest, d)
        rest = UFUNCS["floor_divide"](rest, d)
    return tuple(out)


def _modes(mode, n):
    modes = (mode,) * n if isinstance(mode, str) else tuple(mode)
    if len(modes) != n:
        raise ValueError(f"parameter mode must be a sequence of length {n}")
    for m in modes:
        if m not in ("raise", "wrap", "clip"):
            raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {m!r})")
    return modes


def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    """The flat indices of coordinate arrays into an array of shape dims, computed on the
    device (numpy.ravel_multi_index; mode 'raise', 'wrap' or 'clip', per dimension too).

    mode='raise' checks the coordinates on the device and reads one flag back."""
    dims = _dims_tuple(dims)
    _check_order(order)
    if any(d < 0 for d in dims):
        raise ValueError("dimensions must be non-negative")
    n = len(dims)
    coords = list(multi_index)
    if len(coords) != n:
        raise ValueError(f"parameter multi_index must be a sequence of length {n}")
    modes = _modes(mode, n)
    size = 1
    for d in dims:
        size *= d
        if size > _INTP_MAX:
            raise ValueError("invalid dims: array size defined by dims is larger than the "
                             "maximum possible size.")
    coords = [_int_indices(c) for c in coords]
    if not coords:
        return _arr(numpy.int64(0))
    coords = list(broadcast_arrays(*coords))
    strides = [1] * n
    if order == "C":
        for i in range(n - 2, -1, -1):
            strides[i] = strides[i + 1] * dims[i + 1]
    else:
        for i in range(1, n):
            strides[i] = strides[i - 1] * dims[i - 1]
    bad = None
    total = None
    for c, d, m, st in zip(coords, dims, modes, strides):
        if m == "wrap":
            c = UFUNCS["remainder"](c, d) if d else c
        elif m == "clip":
            c = UFUNCS["minimum"](UFUNCS["maximum"](c, 0), max(d - 1, 0))
        else:
            b = UFUNCS["logical_or"](UFUNCS["less"](c, 0), UFUNCS["greater_equal"](c, d))
            bad = b if bad is None else UFUNCS["logical_or"](bad, b)
        term = UFUNCS["multiply"](c, st)
        total = term if total is None else UFUNCS["add"](total, term)
    if bad is not None and bad.size and bool(_any(bad)):
        raise ValueError("invalid entry in coordinates array")
    return total


def ix_(*args):
    """Open-mesh index arrays from 1-D sequences (boolean ones become their nonzero
    positions), as device arrays (numpy.ix_)."""
    out = []
    nd = len(args)
    for k, new in enumerate(args):
        if not isinstance(new, (ndarray, numpy.ndarray)):
            new = _arr(new)
            if new.size == 0:  # an empty sequence indexes with intp, not float
                new = new.astype(numpy.intp)
        else:
            new = _arr(new)
        if new.ndim != 1:
            raise ValueError("Cross index must be 1 dimensional")
        if new.dtype.kind == "b":
            (new,) = nonzero(new)
        out.append(new.reshape((1,) * k + (new.size,) + (1,) * (nd - k - 1)))
    return tuple(out)


def tril_indices(n, k=0, m=None):
    """The row and column indices of the lower triangle (at and below the k-th diagonal) of
    an (n, m) array, as device arrays (numpy.tril_indices)."""
    return nonzero(tri(n, m, k=k, dtype=bool))


def triu_indices(n, k=0, m=None):
    """The row and column indices of the upper triangle (at and above the k-th diagonal) of
    an (n, m) array, as device arrays (numpy.triu_indices)."""
    return nonzero(UFUNCS["logical_not"](tri(n, m, k=k - 1, dtype=bool)))


def _shape_2d(arr):
    shape = numpy.shape(arr) if not isinstance(arr, ndarray) else arr.shape
    if len(shape) != 2:
        raise ValueError("input array must be 2-d")
    return shape


def tril_indices_from(arr, k=0):
    """The indices of the lower triangle of the 2-D array arr (numpy.tril_indices_from)."""
    rows, cols = _shape_2d(arr)
    return tril_indices(rows, k=k, m=cols)


def triu_indices_from(arr, k=0):
    """The indices of the upper triangle of the 2-D array arr (numpy.triu_indices_from)."""
    rows, cols = _shape_2d(arr)
    return triu_indices(rows, k=k, m=cols)


def diag_indices(n, ndim=2):
    """The indices of the main diagonal of an n x n x ... array of ndim dimensions: the same
    device arange(n) ndim times (numpy.diag_indices)."""
    idx = arange(n)
    return (idx,) * ndim


def diag_indices_from(arr):
    """The indices of the main diagonal of arr, an array of equal dimensions
    (numpy.diag_indices_from)."""
    shape = numpy.shape(arr) if not isinstance(arr, ndarray) else arr.shape
    if len(shape) < 2:
        raise ValueError("input array must be at least 2-d")
    if len(set(shape)) != 1:
        raise ValueError("All dimensions of input must be of equal length")
    return diag_indices(shape[0], len(shape))


def mask_indices(n, mask_func, k=0):
    """The indices where mask_func(ones((n, n)), k) is nonzero, as device arrays
    (numpy.mask_indices; mask_func is e.g. ndaccel.triu)."""
    m = ones((n, n), int)
    a = _arr(mask_func(m, k))
    return nonzero(UFUNCS["not_equal"](a, 0))


def fill_diagonal(a, val, wrap=False):
    """Writes val (repeated as needed) on the main diagonal of a, in place, on the device
    (numpy.fill_diagonal; for a tall 2-D array, wrap=True restarts the diagonal every
    ncols + 1 rows)."""
    if not isinstance(a, ndarray):
        raise TypeError("fill_diagonal: a must be an ndaccel array")
    if a.ndim < 2:
        raise ValueError("array must be at least 2-d")
    require_writeable(a, "assignment destination is read-only")
    end = a.size
    if a.ndim == 2:
        step = a.shape[1] + 1
        if not wrap:
            end = min(end, a.shape[1] * a.shape[1])
    else:
        if len(set(a.shape)) != 1:
            raise ValueError("All dimensions of input must be of equal length")
        step, prod = 1, 1
        for d in a.shape[:-1]:
            prod *= d
            step += prod
    count = len(range(0, end, step))
    dev = a._device_id
    if isinstance(val, ndarray):
        vals = val.reshape(-1)
        if count == 0 or vals.size == 0:
            return
        vals = vals.astype(a.dtype)
        if vals.size != count:  # a.flat[...] = val repeats val cyclically (or cuts it)
            vals = vals[UFUNCS["remainder"](arange(count, device=dev), vals.size)]
    else:
        # NumPy's own flat assignment on the host (count values at most): its
        # cyclic repeat and its casting errors (300 into int8, NaN into ints).
        h = numpy.empty(count, dtype=a.dtype)
        if count == 0 or numpy.size(val) == 0:
            return
        h.flat[:] = val
        vals = _arr(h, device=dev)
    if a._c_contiguous:
        a.reshape(-1)[0:end:step] = vals
    else:
        a[unravel_index(arange(0, end, step, device=dev), a.shape)] = vals


# A single-value result is a NumPy scalar (see _scalars.py).
unravel_index = returns_scalar(unravel_index)
ravel_multi_index = returns_scalar(ravel_multi_index)
