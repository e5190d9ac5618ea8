"""Reductions with NumPy's signatures: axis (None, int, negative, tuple),
keepdims, dtype, out, initial and where. Elementwise inputs and `where`
masks fuse into the reduction kernel. Some reductions of stored arrays
call NumPy on the storage on CPU devices (_host_reductions.py)."""
import builtins

import numpy

from .. import _core, _dtypes, _host_libraries
from . import _host_reductions
from .._axes import normalize_axes
from .._creation._basic import full, ones, zeros
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._scalars import returns_scalar as _returns_scalar
from .._ufunc import UFUNCS, where as _where

_ACC = {"sum": "add", "prod": "multiply", "max": "maximum", "min": "minimum"}


def _check_out(out):
    """TypeError (NumPy's message) for an out= that is not an array."""
    if not isinstance(out, (numpy.ndarray, _core.ndarray_base)):
        raise TypeError(f"return arrays must be of ArrayType (got {type(out).__name__})")


def _identity(kind, dtype):
    if kind == "sum":
        return 0
    if kind == "prod":
        return 1
    return None


def _reduce(kind, a, axis, dtype, out, keepdims, initial, where):
    a = _arr(a)
    axes = normalize_axes(axis, a.ndim)
    code = -1 if dtype is None else _dtypes.code(dtype)
    if kind in ("max", "min") and dtype is not None:
        a = a.astype(dtype)
        code = -1
    if where is not True:
        ident = initial if initial is not None else _identity(kind, a.dtype)
        if ident is None:
            raise ValueError(f"reduction operation '{_ACC[kind]}' does not have an identity, "
                             "so to use a where mask one has to specify 'initial'")
        a = _where(_arr(where), a, ident).astype(a.dtype)
    empty_reduced = builtins.any(a.shape[i] == 0 for i in axes)
    if _host_reductions.applies(a, axes, kind=kind, dtype=dtype):
        r = _host_reductions.reduce(kind, a, axes, dtype if kind in ("sum", "prod") else None,
                                    keepdims, initial)
    else:
        if initial is not None and empty_reduced and kind in ("max", "min"):
            shape = tuple(n for i, n in enumerate(a.shape) if i not in axes)
            r = full(shape, initial, dtype=a.dtype)
        elif axes == tuple(range(a.ndim)) and a.ndim > 0 and code == -1:
            r = _core.reduce_all(kind, a)
        else:
            r = _core.reduce_axes(kind, a, axes, code)
        if initial is not None and not (empty_reduced and kind in ("max", "min")):
            r = UFUNCS[_ACC[kind]](r, initial).astype(r.dtype)
        if keepdims:
            r = r.reshape(tuple(1 if i in axes else n for i, n in enumerate(a.shape)))
    if out is not None:
        _check_out(out)
        if out.shape != r.shape:
            raise ValueError(f"output parameter for reduction operation {_ACC[kind]} has the "
                             f"wrong number of dimensions or shape: {out.shape} vs {r.shape}")
        out[...] = r
        return out
    return r


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """Sum of array elements over the given axes, on the device (numpy.sum).

    Float rounding can differ from NumPy's in the last bits (another summation order).
    A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
    return _reduce("sum", a, axis, dtype, out, keepdims, initial, where)


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """Product of array elements over the given axes, on the device (numpy.prod).

    A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
    return _reduce("prod", a, axis, dtype, out, keepdims, initial, where)


def max(a, axis=None, out=None, keepdims=False, initial=None, where=True):
    """Maximum along the given axes, on the device (numpy.max, numpy.amax).

    A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
    return _reduce("max", a, axis, None, out, keepdims, initial, where)


def min(a, axis=None, out=None, keepdims=False, initial=None, where=True):
    """Minimum along the given axes, on the device (numpy.min, numpy.amin).

    A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
    return _reduce("min", a, axis, None, out, keepdims, initial, where)


amax = max
amin = min


def _count(a, axes):
    n = 1
    for i in axes:
        n *= a.shape[i]
    return n


def _mean_dtypes(a, dtype):
    """(accumulator dtype, result dtype) of numpy.mean."""
    if dtype is not None:
        dt = _dtypes.normalize(dtype)
        return dt, dt
    if a.dtype.kind in "biu":
        return numpy.dtype(numpy.float64), numpy.dtype(numpy.float64)
    if a.dtype == numpy.float16:
        return numpy.dtype(numpy.float32), a.dtype
    return a.dtype, a.dtype


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """Arithmetic mean over the given axes, on the device (numpy.mean).

    A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
    a = _arr(a)
    axes = normalize_axes(axis, a.ndim)
    acc, res = _mean_dtypes(a, dtype)
    if where is not True:
        mask = _arr(where)
        n = sum(UFUNCS["add"](_where(mask, 1, 0), _zeros_like_shape(a.shape)), axis=axis,
                keepdims=keepdims, dtype=numpy.int64)
        s = sum(a, axis=axis, dtype=acc, keepdims=keepdims, where=mask)
        r = UFUNCS["true_divide"](s, n).astype(res)
    else:
        s = sum(a, axis=axis, dtype=acc, keepdims=keepdims)
        n = _count(a, axes)
        r = UFUNCS["true_divide"](s, n if n else float("nan")).astype(res)
    if out is not None:
        _check_out(out)
        out[...] = r
        return out
    return r


def _zeros_like_shape(shape):
    """An int64 zero broadcast to `shape` (a zero-stride view: no memory)."""
    z = zeros((), dtype=numpy.int64)
    return _core.view(z, z._offset, tuple(shape), (0,) * len(shape))


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=None,
        correction=None):
    """Variance over the given axes, on the device (numpy.var).

    The 'where' argument raises NotImplementedError.
    A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
    a = _arr(a)
    if where is not True:
        raise NotImplementedError("var: the 'where' argument is not implemented yet")
    if correction is not None:
        ddof = correction
    axes = normalize_axes(axis, a.ndim)
    acc, res = _mean_dtypes(a, dtype)
    m = _globals_mean(a, axis=axis, dtype=acc, keepdims=True) if mean is None else _arr(mean)
    d = UFUNCS["subtract"](a.astype(acc) if a.dtype != acc else a, m)
    if d.dtype.kind == "c":
        sq = UFUNCS["square"](d.real) + UFUNCS["square"](d.imag)
    else:
        sq = UFUNCS["square"](d)
    s = sum(sq, axis=axis, keepdims=keepdims)
    n = _count(a, axes) - ddof
    r = UFUNCS["true_divide"](s, builtins.max(n, 0))  # NumPy: inf (or nan for 0/0) when ddof >= n
    rdt = res if res.kind != "c" else numpy.dtype(numpy.float32 if res == numpy.complex64 else numpy.float64)
    r = r.astype(rdt)
    if out is not None:
        _check_out(out)
        out[...] = r
        return out
    return r


_globals_mean = mean


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=None,
        correction=None):
    """Standard deviation over the given axes, on the device (numpy.std).

    The 'where' argument raises NotImplementedError.
    A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
    r = UFUNCS["sqrt"](var(a, axis, dtype, None, ddof, keepdims, where=where, mean=mean,
                           correction=correction))
    if out is not None:
        _check_out(out)
        out[...] = r
        return out
    return r


def any(a, axis=None, out=None, keepdims=False, *, where=True):
    """Whether any element along the given axes is true, on the device (numpy.any).

    A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
    a = _arr(a)
    b = UFUNCS["not_equal"](a, 0) if a.dtype.kind != "b" else a
    if where is True and _host_reductions.applies(a, normalize_axes(axis, a.ndim)):
        r = _host_reductions.truth("any", a, normalize_axes(axis, a.ndim), keepdims)
    elif _count(a, normalize_axes(axis, a.ndim)) == 0 and where is True:
        shape = _kept_shape(a, axis, keepdims)
        r = zeros(shape, dtype=bool)
    else:
        r = _reduce("max", b, axis, None, None, keepdims, False if where is not True else None, where)
    if out is not None:
        _check_out(out)
        out[...] = r
        return out
    return r


def all(a, axis=None, out=None, keepdims=False, *, where=True):
    """Whether all elements along the given axes are true, on the device (numpy.all).

    A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
    a = _arr(a)
    b = UFUNCS["not_equal"](a, 0) if a.dtype.kind != "b" else a
    if where is True and _host_reductions.applies(a, normalize_axes(axis, a.ndim)):
        r = _host_reductions.truth("all", a, normalize_axes(axis, a.ndim), keepdims)
    elif _count(a, normalize_axes(axis, a.ndim)) == 0 and where is True:
        r = ones(_kept_shape(a, axis, keepdims), dtype=bool)
    else:
        r = _reduce("min", b, axis, None, None, keepdims, True if where is not True else None, where)
    if out is not None:
        _check_out(out)
        out[...] = r
        return out
    return r


def _kept_shape(a, axis, keepdims):
    axes = normalize_axes(axis, a.ndim)
    if keepdims:
        return tuple(1 if i in axes else n for i, n in enumerate(a.shape))
    return tuple(n for i, n in enumerate(a.shape) if i not in axes)


def count_nonzero(a, axis=None, *, keepdims=False):
    """Number of non-zero elements along the given axes, on the device (numpy.count_nonzero).

    A 0-d result (axis=None) is a NumPy scalar (numpy.int64)."""
    a = _arr(a)
    if a._is_lazy and a.size and _host_libraries.maps(a._device_id):
        # A pending mask (count_nonzero(a > 0.5)) is stored, by the host loops
        # at this size, and NumPy counts it in place: 1M float64, 0.37 ms
        # against 0.7-1.0 for the fused int64 sum (NumPy 0.5).
        a = a[...]
    if _host_reductions.applies(a, normalize_axes(axis, a.ndim)):
        return _host_reductions.count_nonzero(a, normalize_axes(axis, a.ndim), keepdims)
    return sum(UFUNCS["not_equal"](a, 0), axis=axis, keepdims=keepdims, dtype=numpy.int64)


def ptp(a, axis=None, out=None, keepdims=False):
    """Range (maximum - minimum) along the given axes, on the device (numpy.ptp).

    A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
    a = _arr(a)
    r = UFUNCS["subtract"](max(a, axis, keepdims=keepdims), min(a, axis, keepdims=keepdims))
    if out is not None:
        _check_out(out)
        out[...] = r
        return out
    return r


def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """Weighted average over the given axes, on the device (numpy.average).

    A 0-d result (every axis reduced, no keepdims) is a NumPy scalar, also inside
    the (average, sum_of_weights) tuple of returned=True."""
    a = _arr(a)
    if weights is None:
        r = mean(a, axis=axis, keepdims=keepdims)
        n = _count(a, normalize_axes(axis, a.ndim))
        if returned:
            return r, full(r.shape, n, dtype=r.dtype)
        return r
    w = _arr(weights)
    if w.shape != a.shape:
        if axis is None:
            raise TypeError("Axis must be specified when shapes of a and weights differ.")
        if w.ndim != 1:
            raise TypeError("1D weights expected when shapes of a and weights differ.")
        if isinstance(axis, tuple) or w.shape[0] != a.shape[axis % a.ndim]:
            raise ValueError("Length of weights not compatible with specified axis.")
        shape = [1] * a.ndim
        shape[axis % a.ndim] = w.shape[0]
        w = w.reshape(tuple(shape))
    rdt = numpy.result_type(a.dtype, w.dtype, numpy.float64 if a.dtype.kind in "biu" else a.dtype)
    wb = UFUNCS["add"](w, _zeros_like_shape(a.shape)).astype(rdt)  # w broadcast to a
    wsum = sum(wb, axis=axis, keepdims=keepdims)
    if bool(any(UFUNCS["equal"](wsum, 0))):
        raise ZeroDivisionError("Weights sum to zero, can't be normalized")
    r = UFUNCS["true_divide"](sum(UFUNCS["multiply"](a, w).astype(rdt), axis=axis,
                                  keepdims=keepdims), wsum)
    return (r, wsum) if returned else r


def _nan_fill(a, value):
    if a.dtype.kind not in "fc":
        return a
    return _where(UFUNCS["isnan"](a), value, a).astype(a.dtype)


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """Sum over the given axes treating NaN as zero, on the device (numpy.nansum).

    A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
    return sum(_nan_fill(_arr(a), 0), axis, dtype, out, keepdims, initial, where)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """Product over the given axes treating NaN as one, on the device (numpy.nanprod).

    A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
    return prod(_nan_fill(_arr(a), 1), axis, dtype, out, keepdims, initial, where)


def _nanextreme(kind, a, axis, out, keepdims):
    a = _arr(a)
    if a.dtype.kind not in "fc":
        return _reduce(kind, a, axis, None, out, keepdims, None, True)
    fill = float("-inf") if kind == "max" else float("inf")
    r = _reduce(kind, _nan_fill(a, fill), axis, None, None, keepdims, None, True)
    allnan = all(UFUNCS["isnan"](a), axis=axis, keepdims=keepdims)
    r = _where(allnan, float("nan"), r).astype(r.dtype)
    if out is not None:
        _check_out(out)
        out[...] = r
        return out
    return r


def nanmax(a, axis=None, out=None, keepdims=False, initial=None, where=True):
    """Maximum along the given axes ignoring NaNs, on the device (numpy.nanmax).

    All-NaN slices give NaN without NumPy's RuntimeWarning. 'initial' and 'where' raise
    NotImplementedError. A 0-d result (no axis/keepdims/out) is a NumPy scalar."""
    if initial is not None or where is not True:
        raise NotImplementedError("nanmax: 'initial' and 'where' are not implemented yet")
    return _nanextreme("max", a, axis, out, keepdims)


def nanmin(a, axis=None, out=None, keepdims=False, initial=None, where=True):
    """Minimum along the given axes ignoring NaNs, on the device (numpy.nanmin).

    All-NaN slices give NaN without NumPy's RuntimeWarning. 'initial' and 'where' raise
    NotImplementedError. A 0-d result (no axis/keepdims/out) is a NumPy scalar."""
    if initial is not None or where is not True:
        raise NotImplementedError("nanmin: 'initial' and 'where' are not implemented yet")
    return _nanextreme("min", a, axis, out, keepdims)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """Mean over the given axes ignoring NaNs, on the device (numpy.nanmean).

    The 'where' argument raises NotImplementedError; all-NaN slices give NaN without a
    warning. A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
    a = _arr(a)
    if where is not True:
        raise NotImplementedError("nanmean: the 'where' argument is not implemented yet")
    if a.dtype.kind not in "fc":
        return mean(a, axis, dtype, out, keepdims)
    acc, res = _mean_dtypes(a, dtype)
    valid = UFUNCS["logical_not"](UFUNCS["isnan"](a))
    n = sum(valid, axis=axis, keepdims=keepdims, dtype=numpy.int64)
    s = sum(_nan_fill(a, 0), axis=axis, dtype=acc, keepdims=keepdims)
    r = UFUNCS["true_divide"](s, n).astype(res)
    if out is not None:
        _check_out(out)
        out[...] = r
        return out
    return r


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True):
    """Variance over the given axes ignoring NaNs, on the device (numpy.nanvar).

    The 'where' argument raises NotImplementedError; NumPy's warnings are not issued.
    A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
    a = _arr(a)
    if where is not True:
        raise NotImplementedError("nanvar: the 'where' argument is not implemented yet")
    if a.dtype.kind not in "fc":
        return var(a, axis, dtype, out, ddof, keepdims)
    acc, res = _mean_dtypes(a, dtype)
    valid = UFUNCS["logical_not"](UFUNCS["isnan"](a))
    n = sum(valid, axis=axis, keepdims=True, dtype=numpy.int64)
    m = UFUNCS["true_divide"](sum(_nan_fill(a, 0), axis=axis, dtype=acc, keepdims=True), n)
    d = UFUNCS["subtract"](a, m)
    sq = UFUNCS["square"](d.real) + UFUNCS["square"](d.imag) if d.dtype.kind == "c" else UFUNCS["square"](d)
    s = sum(_nan_fill(sq, 0), axis=axis, keepdims=keepdims)
    nk = n if keepdims else n.reshape(s.shape)
    dof = UFUNCS["subtract"](nk, ddof)
    r = _where(UFUNCS["less_equal"](dof, 0), float("nan"), UFUNCS["true_divide"](s, dof))  # NumPy
    rdt = res if res.kind != "c" else numpy.dtype(numpy.float32 if res == numpy.complex64 else numpy.float64)
    r = r.astype(rdt)
    if out is not None:
        _check_out(out)
        out[...] = r
        return out
    return r


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True):
    """Standard deviation over the given axes ignoring NaNs, on the device (numpy.nanstd).

    The 'where' argument raises NotImplementedError; NumPy's warnings are not issued.
    A 0-d result (every axis reduced, no keepdims/out) is a NumPy scalar."""
    r = UFUNCS["sqrt"](nanvar(a, axis, dtype, None, ddof, keepdims, where=where))
    if out is not None:
        _check_out(out)
        out[...] = r
        return out
    return r


# Public entry points: a single-value result is a NumPy scalar (see _scalars.py).
for _name in ('sum', 'prod', 'max', 'min', 'mean', 'var', 'std', 'any', 'all', 'count_nonzero', 'ptp', 'average', 'nansum', 'nanprod', 'nanmax', 'nanmin', 'nanmean', 'nanvar', 'nanstd'):
    # np.sum(a) and the like, a alone: NumPy's scalar from the host loops where they apply.
    _alone = (_host_reductions.whole_of(_name)
              if _name in ('sum', 'max', 'min', 'mean', 'count_nonzero') else None)
    globals()[_name] = _returns_scalar(globals()[_name], _alone)
amax, amin = max, min  # the same objects, as in NumPy
