"""Cumulative sums and products along an axis, one device scan each:
cumsum, cumprod, nancumsum, nancumprod, and the array API's
cumulative_sum and cumulative_prod (include_initial=). Float rounding can differ from
NumPy's sequential loop (a parallel scan)."""
from .. import _core, _dtypes
from .._axes import normalize_axes
from .._creation._basic import empty
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._ufunc import UFUNCS, where as _where


def _scan(name, a, axis, dtype, out):
    a = _arr(a)
    if axis is None:
        ax = -1
    else:
        if isinstance(axis, tuple):
            raise TypeError("'tuple' object cannot be interpreted as an integer")
        (ax,) = normalize_axes(axis, max(a.ndim, 1)) if a.ndim else (0,)
        if a.ndim == 0:
            a = a.reshape(1)
    return _into(out, _core.scan(name, a, ax, -1 if dtype is None else _dtypes.code(dtype)))


def _into(out, r):
    """r, or r written into out (NumPy's error for a wrong shape)."""
    if out is None:
        return r
    if out.shape != r.shape:
        raise ValueError(f"provided out is the wrong size for the accumulation: "
                         f"{out.shape} vs {r.shape}")
    out[...] = r
    return out


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


def _cumulative(name, identity, x, axis, dtype, out, include_initial):
    x = _arr(x)
    if x.ndim > 1 and axis is None:
        raise ValueError("For arrays which have more than one dimension ``axis`` argument is "
                         "required.")
    if x.ndim == 0:
        x = x.reshape(1)
    ax = 0 if axis is None else normalize_axes(axis, x.ndim)[0]
    r = _scan(name, x, ax, dtype, None)
    if include_initial:
        shape = list(r.shape)
        shape[ax] += 1
        full = empty(tuple(shape), dtype=r.dtype, device=r._device_id)
        full[(slice(None),) * ax + (slice(0, 1),)] = identity
        full[(slice(None),) * ax + (slice(1, None),)] = r
        r = full
    return _into(out, r)


def cumulative_sum(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """Cumulative sum along an axis (required for more than one dimension), with a leading 0
    when include_initial=True, on the device (numpy.cumulative_sum)."""
    return _cumulative("cumsum", 0, x, axis, dtype, out, include_initial)


def cumulative_prod(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """Cumulative product along an axis (required for more than one dimension), with a leading 1
    when include_initial=True, on the device (numpy.cumulative_prod)."""
    return _cumulative("cumprod", 1, x, axis, dtype, out, include_initial)
