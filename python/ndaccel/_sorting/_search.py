"""Searching on the device: argmax, argmin and their nan versions (along
the last axis or flattened: one pass, the first extreme per part of each
row, nda/search.h; other axes: two fused reductions, the extreme, then
the first index holding it; stored arrays on CPU devices, flattened or
along rows of 16 or more: NumPy on the storage, _host_reductions.py) and
searchsorted (a binary search per query in one kernel; bool and complex keys
take one fused pass per step of the search)."""
import numpy

from .. import _core
from .._axes import normalize_axes
from .._creation._basic import full, zeros
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._creation._ranges import arange
from .._scalars import returns_scalar
from .._statistics import _host_reductions
from .._statistics._reductions import all as aall, max as amax, min as amin
from .._ufunc import UFUNCS, _operand, where as _where
from ._rows import _and, _less, _lt, _not


def _arg_extreme(kind, a, axis, out, keepdims, skipnan):
    """Index of the first maximum/minimum: two fused reductions (the value,
    then the smallest index holding it). NaN counts as the extreme, as in
    NumPy (skipnan: NaN is ignored, an all-NaN slice is an error)."""
    a = _arr(a)
    if axis is None:
        host_axes = tuple(range(a.ndim))
    elif isinstance(axis, tuple) or a.ndim == 0:  # NumPy's errors below
        host_axes = ()
    else:  # the last axis only (NumPy copies to move another one last)
        host_axes = normalize_axes(axis, a.ndim)
        host_axes = host_axes if host_axes == (a.ndim - 1,) else ()
    if host_axes and _host_reductions.applies(a, host_axes, _host_reductions.ARG_ROW_MIN):
        r = _host_reductions.arg_extreme(kind, a, None if axis is None else host_axes[0],
                                         keepdims, skipnan)
        if out is not None:
            out[...] = r
            return out
        return r
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
    if ax == x.ndim - 1 and x.dtype.kind in "biuf" and n >= 16:
        # Along the last axis (and every flattened array): one pass over
        # the rows, the first extreme's index per part (nda/search.h).
        # Rows shorter than two vectors keep the two folds below, whose
        # vector forms take rows of 8 at once.
        r = _core.arg_extreme(x, kind == "max")
        if keepdims:
            r = r.reshape((1,) * a.ndim if axis is None else x.shape[:ax] + (1,))
        if out is not None:
            out[...] = r
            return out
        return r
    m = (amax if kind == "max" else amin)(x, axis=ax, keepdims=True)
    if floating:
        hit = _where(UFUNCS["isnan"](m), UFUNCS["isnan"](x), UFUNCS["equal"](x, m))
    else:
        hit = UFUNCS["equal"](x, m)
    shape = [1] * x.ndim
    shape[ax] = n
    # Real float data: the indices in x's own float type (exact below 2**24
    # or 2**53), so that every operand of the index fold has one float type
    # and the fold takes the vector forms of CPU devices; else int64.
    exact = {numpy.dtype(numpy.float64): 2**53, numpy.dtype(numpy.float32): 2**24}
    it = x.dtype if n < exact.get(x.dtype, 0) else numpy.dtype(numpy.int64)
    idx = arange(n, dtype=it).reshape(tuple(shape))
    r = amin(_where(hit, idx, it.type(n)), axis=ax, keepdims=keepdims and axis is not None)
    if it.kind == "f":
        r = r.astype(numpy.int64)
    if keepdims and axis is None:
        r = r.reshape((1,) * a.ndim)
    if out is not None:
        out[...] = r
        return out
    return r


def _flat_index(shape):
    """The C-order flat index of every element of `shape`, as a lazy int64
    expression of broadcast per-axis aranges (no array of that size)."""
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


def searchsorted(a, v, side="left", sorter=None):
    """Indices where v's elements would be inserted into the sorted 1-D a:
    a binary search per query, all in one kernel (bool and complex keys: one
    fused pass per step of the search)."""
    a = _arr(a)
    if a.ndim != 1:
        raise ValueError("object too deep for desired array")
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right' (got {side!r})")
    if sorter is not None:
        sorter = _arr(sorter)
        if sorter.ndim != 1:
            raise TypeError(f"could not parse sorter argument (a {sorter.ndim}-d array)")
        if sorter.dtype.kind not in "iu":
            raise TypeError(f"sorter must only contain integers (got dtype {sorter.dtype})")
        if sorter.size != a.size:
            raise ValueError(f"sorter.size must equal a.size ({sorter.size} != {a.size})")
        a = a[sorter]
    v = _operand(v)
    scalar = not hasattr(v, "shape")
    vv = _arr(v, device=a._device_id)
    dt = numpy.promote_types(a.dtype, vv.dtype)  # NumPy compares in the common dtype
    if dt.kind in "iuf":
        # One binary search per query in one kernel (nda/binning.h).
        lo = _core.searchsorted(a if a.dtype == dt else a.astype(dt),
                                vv if vv.dtype == dt else vv.astype(dt), side == "right")
        return lo.reshape(()) if scalar else lo
    n = a.size
    lo = zeros(vv.shape, dtype=numpy.int64)
    hi = full(vv.shape, n, dtype=numpy.int64)
    steps = max(n, 1).bit_length()
    for _ in range(steps):
        mid = UFUNCS["floor_divide"](UFUNCS["add"](lo, hi), 2)
        safe = UFUNCS["minimum"](mid, max(n - 1, 0))
        am = _core.gather(a, safe.astype(numpy.int64)) if n else vv
        go_right = _less(am, vv) if side == "left" else _not(_less(vv, am))
        active = _lt(lo, hi)
        go_right = _and(active, go_right)
        new_lo = _where(go_right, UFUNCS["add"](mid, 1), lo).astype(numpy.int64)
        new_hi = _where(_and(active, _not(go_right)), mid, hi).astype(numpy.int64)
        new_lo._buffer_id
        new_hi._buffer_id
        lo, hi = new_lo, new_hi
    return lo.reshape(()) if scalar else lo


# Public entry points: a single-value result is a NumPy scalar (see _scalars.py).
# np.argmax(a), a alone: NumPy's scalar from the host loops where they apply.
argmax, argmin = (returns_scalar(f, _host_reductions.whole_of(f.__name__)) for f in (argmax, argmin))
nanargmax, nanargmin, searchsorted = (
    returns_scalar(f) for f in (nanargmax, nanargmin, searchsorted))
