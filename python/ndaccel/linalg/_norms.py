"""Norms on the device (numpy.linalg.norm, vector_norm, matrix_norm): fused
reductions of |x|, |x|**2 or |x|**p; the 2, -2 and nuclear matrix norms
from singular values (svd)."""
import operator

import numpy
from numpy.exceptions import AxisError
from numpy.linalg import LinAlgError

from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._manipulation._transpose import moveaxis
from .._scalars import returns_scalar
from .._statistics._reductions import max as amax, min as amin, sum as asum
from .._ufunc import UFUNCS
from ._host import svd
from ._matmul import matmul


def _norm_float(x):
    """NumPy's norm works on inexact values: other dtypes become float64."""
    return x if x.dtype.kind in "fc" else x.astype(numpy.float64)


def _abs2(x):
    """|x|**2 as a real array (x.real**2 + x.imag**2 for complex)."""
    if x.dtype.kind == "c":
        return UFUNCS["add"](UFUNCS["square"](x.real), UFUNCS["square"](x.imag))
    return UFUNCS["multiply"](x, x)


def _vector_norm(x, ord, axis, keepdims):
    if ord is None or ord == 2:
        return UFUNCS["sqrt"](asum(_abs2(x), axis=axis, keepdims=keepdims))
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    absx = UFUNCS["absolute"](x)
    if ord == numpy.inf:
        return amax(absx, axis=axis, keepdims=keepdims, initial=0)  # NumPy's: 0 when empty
    if ord == -numpy.inf:
        return amin(absx, axis=axis, keepdims=keepdims)
    if ord == 0:
        nz = UFUNCS["not_equal"](x, 0).astype(absx.dtype)
        return asum(nz, axis=axis, keepdims=keepdims)
    if ord == 1:
        return asum(absx, axis=axis, keepdims=keepdims)
    try:
        p = float(ord)
    except (TypeError, ValueError):
        raise ValueError(f"Invalid norm order '{ord}' for vectors") from None
    s = asum(UFUNCS["power"](absx, numpy.asarray(p, dtype=absx.dtype)), axis=axis,
             keepdims=keepdims)
    return UFUNCS["power"](s, numpy.asarray(1.0 / p, dtype=s.dtype))


def _matrix_norm(x, ord, row_axis, col_axis, keepdims):
    if row_axis == col_axis:
        raise ValueError("Duplicate axes given.")
    if ord in (2, -2, "nuc"):
        y = moveaxis(x, (row_axis, col_axis), (-2, -1))
        sv = svd(y, compute_uv=False)
        if ord == -2:
            ret = amin(sv, axis=-1)
        else:  # NumPy's initial=0: an empty matrix has norm 0
            ret = (amax if ord == 2 else asum)(sv, axis=-1, initial=0)
    elif ord in (None, "fro", "f"):
        ret = UFUNCS["sqrt"](asum(_abs2(x), axis=(row_axis, col_axis)))
    elif ord in (1, -1):
        c = col_axis - 1 if col_axis > row_axis else col_axis
        colsums = asum(UFUNCS["absolute"](x), axis=row_axis)
        ret = amax(colsums, axis=c, initial=0) if ord == 1 else amin(colsums, axis=c)
    elif ord in (numpy.inf, -numpy.inf):
        r = row_axis - 1 if row_axis > col_axis else row_axis
        rowsums = asum(UFUNCS["absolute"](x), axis=col_axis)
        ret = amax(rowsums, axis=r, initial=0) if ord == numpy.inf else amin(rowsums, axis=r)
    else:
        raise ValueError("Invalid norm order for matrices.")
    if keepdims:
        shape = list(x.shape)
        shape[row_axis] = shape[col_axis] = 1
        ret = ret.reshape(tuple(shape))
    return ret


def _norm_axes(axis, ndim):
    out = []
    for ax in axis:
        try:
            ax = operator.index(ax)
        except TypeError:
            raise TypeError("'axis' must be None, an integer or a tuple of integers") from None
        if not -ndim <= ax < ndim:
            raise AxisError(ax, ndim)
        out.append(ax % ndim)
    return out


def norm(x, ord=None, axis=None, keepdims=False):
    """numpy.linalg.norm: vector norms (ord None/2, inf, -inf, 0, 1, any p)
    over one axis, matrix norms (None/'fro', 'nuc', inf, -inf, 1, -1, 2,
    -2) over two; axis=None means the whole array (its 2-norm when ord is
    None)."""
    x = _norm_float(_arr(x))
    if axis is None:
        if ord is None:
            flat = x.reshape(-1)
            # NumPy's formula for real arrays, sqrt(x.dot(x)): the matrix product
            # runs on the BLAS library (the host's on CPU devices, as NumPy's).
            r = UFUNCS["sqrt"](matmul(flat, flat) if flat.dtype.kind == "f" else asum(_abs2(flat)))
            return r.reshape((1,) * x.ndim) if keepdims else r
        if x.ndim not in (1, 2):
            raise ValueError("Improper number of dimensions to norm.")
        axis = tuple(range(x.ndim))
    elif not isinstance(axis, tuple):
        try:
            axis = (int(axis),)  # NumPy's int(): axis=1.0 is axis 1
        except Exception as e:
            raise TypeError("'axis' must be None, an integer or a tuple of integers") from e
    axes = _norm_axes(axis, x.ndim)
    if len(axes) == 1:
        return _vector_norm(x, ord, axes[0], keepdims)
    if len(axes) == 2:
        return _matrix_norm(x, ord, axes[0], axes[1], keepdims)
    raise ValueError("Improper number of dimensions to norm.")


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """numpy.linalg.vector_norm: axis=None flattens (any ndim)."""
    x = _norm_float(_arr(x))
    if axis is None:
        r = _vector_norm(x.reshape(-1), ord, 0, False)
        return r.reshape((1,) * x.ndim) if keepdims else r
    axes = _norm_axes(axis if isinstance(axis, tuple) else (axis,), x.ndim)
    if len(axes) == 1:
        return _vector_norm(x, ord, axes[0], keepdims)
    # Several axes: moved to the end and flattened into one.
    rest = [i for i in range(x.ndim) if i not in axes]
    y = moveaxis(x, axes, list(range(len(rest), x.ndim)))
    y = y.reshape(tuple(x.shape[i] for i in rest) + (-1,))
    r = _vector_norm(y, ord, -1, False)
    if keepdims:
        r = r.reshape(tuple(1 if i in axes else x.shape[i] for i in range(x.ndim)))
    return r


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """numpy.linalg.matrix_norm over the last two axes."""
    x = _arr(x)
    if x.ndim < 2:
        raise LinAlgError(f"{x.ndim}-dimensional array given. Array must be at least "
                          f"two-dimensional")
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


# Public entry points: a single-value result is a NumPy scalar (see _scalars.py).
norm, vector_norm, matrix_norm = (returns_scalar(f) for f in (norm, vector_norm, matrix_norm))
