"""Searching and cumulative functions on the device: cumsum, cumprod (and
nan versions), nonzero (a scan + a scatter), flatnonzero, argwhere,
extract, compress."""
import numpy

from . import _core, _dtypes
from ._ufunc import UFUNCS, where as _where
from ._creation import asarray as _arr  # ndarrays pass through unchanged




def _scan(name, a, axis, dtype, out):
    from ._reductions import normalize_axes
    a = _arr(a)
    if axis is None:
        ax = -1
    else:
        if isinstance(axis, tuple):
            raise TypeError("'tuple' object cannot be interpreted as an integer")
        (ax,) = normalize_axes(axis, max(a.ndim, 1)) if a.ndim else (0,)
        if a.ndim == 0:
            a = a.reshape(1)
    r = _core.scan(name, a, ax, -1 if dtype is None else _dtypes.code(dtype))
    if out is not None:
        if out.shape != r.shape:
            raise ValueError(f"provided out is the wrong size for the accumulation: "
                             f"{out.shape} vs {r.shape}")
        out[...] = r
        return out
    return r


def cumsum(a, axis=None, dtype=None, out=None):
    """Cumulative sum along an axis (flattened for axis=None), on the device (numpy.cumsum).

    Float rounding can differ from NumPy's sequential sum (a parallel scan)."""
    return _scan("cumsum", a, axis, dtype, out)


def cumprod(a, axis=None, dtype=None, out=None):
    """Cumulative product along an axis (flattened for axis=None), on the device
    (numpy.cumprod).

    Float rounding can differ from NumPy's sequential product (a parallel scan)."""
    return _scan("cumprod", a, axis, dtype, out)


def nancumsum(a, axis=None, dtype=None, out=None):
    """Cumulative sum treating NaN as zero, on the device (numpy.nancumsum).

    Float rounding can differ from NumPy's sequential sum (a parallel scan)."""
    a = _arr(a)
    if a.dtype.kind in "fc":
        a = _where(UFUNCS["isnan"](a), 0, a).astype(a.dtype)
    return cumsum(a, axis, dtype, out)


def nancumprod(a, axis=None, dtype=None, out=None):
    """Cumulative product treating NaN as one, on the device (numpy.nancumprod).

    Float rounding can differ from NumPy's sequential product (a parallel scan)."""
    a = _arr(a)
    if a.dtype.kind in "fc":
        a = _where(UFUNCS["isnan"](a), 1, a).astype(a.dtype)
    return cumprod(a, axis, dtype, out)


def nonzero(a):
    """Indices of the non-zero elements, one int64 array per axis (C order):
    an inclusive scan of the mask gives each element's slot, and a scatter
    writes the flat indices there. Zeros go after the non-zeros, each to its
    own slot (count + the number of zeros before it): every slot is written
    once, so the scatter has no racing writes (oclgrind checks this)."""
    from ._creation import arange, empty
    a = _arr(a)
    if a.ndim == 0:
        raise ValueError("Calling nonzero on 0d arrays is not allowed. Use "
                         "np.atleast_1d(scalar).nonzero() instead. If the context of this error "
                         "is of the form `arr[nonzero(cond)]`, just use `arr[cond]`.")
    n = a.size
    m = UFUNCS["not_equal"](a, 0).reshape(-1)
    if n == 0:
        flat = empty(0, dtype=numpy.int64)
    else:
        pos = _core.scan("cumsum", m, -1, _dtypes.code(numpy.int64))
        count = int(pos[n - 1])
        out = empty(n, dtype=numpy.int64)
        i = arange(n, dtype=numpy.int64)
        slots = _where(m, pos - 1, i - pos + count).astype(numpy.int64)
        _core.scatter(out, slots, i)
        flat = out[:count] if count == n else out[:count].copy()
    if a.ndim == 1:
        return (flat,)
    idx, stride = [], 1
    strides = []
    for dim in reversed(a.shape):
        strides.append(stride)
        stride *= dim
    strides.reverse()
    for dim, st in zip(a.shape, strides):
        idx.append(UFUNCS["remainder"](UFUNCS["floor_divide"](flat, st), dim) if dim else flat)
    return tuple(idx)


def flatnonzero(a):
    """Indices of the non-zero elements of the flattened array, on the device
    (numpy.flatnonzero). Waits for the device once (the count sizes the result)."""
    return nonzero(_arr(a).reshape(-1))[0]


def argwhere(a):
    """Indices of the non-zero elements, one row per element, on the device (numpy.argwhere).

    Waits for the device once (the count sizes the result)."""
    from ._creation import zeros
    a = _arr(a)
    if a.ndim == 0:
        return zeros((int(bool(a)), 0), dtype=numpy.int64)
    idx = nonzero(a)
    from ._manipulation import stack
    return stack(idx, axis=-1)


def extract(condition, arr):
    """The elements of arr where condition is true, flattened, on the device (numpy.extract).

    Waits for the device once (the count sizes the result)."""
    arr = _arr(arr).reshape(-1)
    cond = _arr(condition).reshape(-1)
    return arr[nonzero(cond)]


def compress(condition, a, axis=None, out=None):
    """The slices of a along an axis where condition is true, on the device (numpy.compress).

    Waits for the device once (the count sizes the result)."""
    a = _arr(a)
    cond = _arr(condition)
    if cond.ndim != 1:
        raise ValueError("condition must be a 1-d array")
    if axis is None:
        a = a.reshape(-1)
        axis = 0
    from ._reductions import normalize_axes
    (axis,) = normalize_axes(axis, a.ndim)
    n = a.shape[axis]
    if cond.size > n:
        raise IndexError(f"index {cond.size - 1} is out of bounds for axis {axis} with size {n}")
    (idx,) = nonzero(cond)
    key = (slice(None),) * axis + (idx,)
    r = a[key]
    if out is not None:
        out[...] = r
        return out
    return r


def _arg_extreme(kind, a, axis, out, keepdims, skipnan):
    """Index of the first maximum/minimum: two fused reductions (the value,
    then the smallest index holding it). NaN counts as the extreme, as in
    NumPy (skipnan: NaN is ignored, an all-NaN slice is an error)."""
    from ._creation import arange
    from ._reductions import max as amax, min as amin, normalize_axes, all as aall
    a = _arr(a)
    name = ("nan" if skipnan else "") + ("argmax" if kind == "max" else "argmin")
    if axis is None and a.ndim > 1 and (a._is_lazy or not a._c_contiguous) and a.size:
        return _arg_extreme_flat(kind, a, out, keepdims, skipnan, name)
    if axis is None:
        x = a.reshape(-1)
        ax = 0
    else:
        if isinstance(axis, tuple):
            raise TypeError("'tuple' object cannot be interpreted as an integer")
        (ax,) = normalize_axes(axis, a.ndim)
        x = a
    n = x.shape[ax] if x.ndim else 1
    if x.size == 0 or n == 0:
        raise ValueError(f"attempt to get {name} of an empty sequence")
    floating = x.dtype.kind in "fc"
    if skipnan and floating:
        if bool(aall(UFUNCS["isnan"](x), axis=ax).any()):
            raise ValueError("All-NaN slice encountered")
        fill = float("-inf") if kind == "max" else float("inf")
        x = _where(UFUNCS["isnan"](x), fill, x).astype(x.dtype)
        floating = False
    m = (amax if kind == "max" else amin)(x, axis=ax, keepdims=True)
    if floating:
        hit = _where(UFUNCS["isnan"](m), UFUNCS["isnan"](x), UFUNCS["equal"](x, m))
    else:
        hit = UFUNCS["equal"](x, m)
    shape = [1] * x.ndim
    shape[ax] = n
    idx = arange(n, dtype=numpy.int64).reshape(tuple(shape))
    r = amin(_where(hit, idx, n), axis=ax, keepdims=keepdims and axis is not None)
    if keepdims and axis is None:
        r = r.reshape((1,) * a.ndim)
    if out is not None:
        out[...] = r
        return out
    return r


def _flat_index(shape):
    """The C-order flat index of every element of `shape`, as a lazy int64
    expression of broadcast per-axis aranges (no array of that size)."""
    from ._creation import arange
    idx, step = None, 1
    for d in range(len(shape) - 1, -1, -1):
        view = [1] * len(shape)
        view[d] = shape[d]
        term = arange(shape[d], dtype=numpy.int64).reshape(tuple(view))
        term = UFUNCS["multiply"](term, step) if step != 1 else term
        idx = term if idx is None else UFUNCS["add"](idx, term)
        step *= shape[d]
    return idx


def _arg_extreme_flat(kind, a, out, keepdims, skipnan, name):
    """axis=None on a pending expression or a non-C-contiguous view (transposed,
    broadcast):
    the same two reductions over every axis with the flat index computed in
    the kernel, instead of a C-ordered copy of the whole array."""
    from ._reductions import max as amax, min as amin, all as aall
    floating = a.dtype.kind in "fc"
    x = a
    if skipnan and floating:
        if bool(aall(UFUNCS["isnan"](x))):
            raise ValueError("All-NaN slice encountered")
        fill = float("-inf") if kind == "max" else float("inf")
        x = _where(UFUNCS["isnan"](x), fill, x).astype(x.dtype)
        floating = False
    m = (amax if kind == "max" else amin)(x, keepdims=True)
    if floating:
        hit = _where(UFUNCS["isnan"](m), UFUNCS["isnan"](x), UFUNCS["equal"](x, m))
    else:
        hit = UFUNCS["equal"](x, m)
    r = amin(_where(hit, _flat_index(a.shape), a.size), keepdims=keepdims)
    if out is not None:
        out[...] = r
        return out
    return r


def argmax(a, axis=None, out=None, *, keepdims=False):
    """Index of the first maximum along an axis (flattened for axis=None), on the device
    (numpy.argmax). A 0-d result (axis=None, no keepdims/out) is a NumPy scalar."""
    return _arg_extreme("max", a, axis, out, keepdims, False)


def argmin(a, axis=None, out=None, *, keepdims=False):
    """Index of the first minimum along an axis (flattened for axis=None), on the device
    (numpy.argmin). A 0-d result (axis=None, no keepdims/out) is a NumPy scalar."""
    return _arg_extreme("min", a, axis, out, keepdims, False)


def nanargmax(a, axis=None, out=None, *, keepdims=False):
    """Index of the first maximum ignoring NaNs, on the device (numpy.nanargmax).

    An all-NaN slice raises ValueError. A 0-d result (axis=None, no keepdims/out) is a
    NumPy scalar."""
    return _arg_extreme("max", a, axis, out, keepdims, True)


def nanargmin(a, axis=None, out=None, *, keepdims=False):
    """Index of the first minimum ignoring NaNs, on the device (numpy.nanargmin).

    An all-NaN slice raises ValueError. A 0-d result (axis=None, no keepdims/out) is a
    NumPy scalar."""
    return _arg_extreme("min", a, axis, out, keepdims, True)


# Public entry points: a single-value result is a NumPy scalar (see _scalars.py).
from ._scalars import returns_scalar as _returns_scalar  # noqa: E402
for _name in ('argmax', 'argmin', 'nanargmax', 'nanargmin'):
    globals()[_name] = _returns_scalar(globals()[_name])
