"""One-dimensional linear interpolation on the device (numpy.interp): one
binary search of every x in xp (searchsorted: log2(len(xp)) fused passes),
then NumPy's compiled rule in one fused elementwise expression over
gathered neighbours: slope * (x - xp[j]) + fp[j] (retried from the right
neighbour when that is NaN), fp[j] at an exact sample point and at the
last one, left/right outside, NaN for a NaN x. Complex fp interpolates the
real and imaginary parts separately, as NumPy."""
import numpy

from .. import _core
from .._creation._basic import empty
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._manipulation._join import concatenate
from .._scalars import returns_scalar
from .._sorting._search import searchsorted
from .._sorting._sort import argsort
from .._ufunc import UFUNCS, where as _where

_add, _sub, _mul, _div = (UFUNCS[n] for n in ("add", "subtract", "multiply", "true_divide"))
_isnan, _eq, _lt, _gt = (UFUNCS[n] for n in ("isnan", "equal", "less", "greater"))
_and = UFUNCS["logical_and"]


def _clip(j, hi):
    return UFUNCS["minimum"](UFUNCS["maximum"](j, 0), hi)


def _take(a, idx):
    return _core.gather(a, idx)


def _interp_real(x, xp, fp, left, right, imag_half):
    """NumPy's arr_interp for float64 x, xp, fp; or a half of arr_interp_complex, which
    multiplies by the inverse spacing and gives the imaginary part 0 at a NaN x.
    xp and fp are made contiguous (the gathers read them as dense buffers)."""
    xp, fp = xp.copy(), fp.copy()
    n = xp.shape[0]
    lval = fp[0] if left is None else left
    rval = fp[n - 1] if right is None else right
    if n == 1:
        return _where(_lt(x, xp[0]), lval, _where(_gt(x, xp[0]), rval, fp[0]))
    j = UFUNCS["subtract"](searchsorted(xp, x, side="right"), 1)
    jc = _clip(j, n - 2).astype(numpy.int64)
    x0, x1 = _take(xp, jc), _take(xp, _add(jc, 1))
    y0, y1 = _take(fp, jc), _take(fp, _add(jc, 1))
    if imag_half is not None:
        slope = _mul(_sub(y1, y0), _div(1.0, _sub(x1, x0)))
    else:
        slope = _div(_sub(y1, y0), _sub(x1, x0))
    r = _add(_mul(slope, _sub(x, x0)), y0)
    r2 = _add(_mul(slope, _sub(x, x1)), y1)
    r2 = _where(_and(_isnan(r2), _eq(y0, y1)), y0, r2)
    r = _where(_isnan(r), r2, r)
    jx = _take(xp, _clip(j, n - 1).astype(numpy.int64))
    exact = _and(UFUNCS["greater_equal"](j, 0), _eq(jx, x))
    r = _where(exact, _take(fp, _clip(j, n - 1).astype(numpy.int64)), r)
    r = _where(_eq(j, n - 1), fp[n - 1], r)  # x == xp[-1] (also past the end: masked next)
    r = _where(_gt(x, xp[n - 1]), rval, r)
    r = _where(_lt(x, xp[0]), lval, r)
    return _where(_isnan(x), x if not imag_half else 0.0, r).astype(numpy.float64)


def _scalar_arg(v, complex_):
    """left/right as NumPy's C code reads them (a Python float or complex)."""
    if v is None:
        return None
    if hasattr(v, "get") and hasattr(v, "shape"):
        v = v.get()
    return complex(v) if complex_ else float(v)


def interp(x, xp, fp, left=None, right=None, period=None):
    """One-dimensional piecewise linear interpolation of the points (xp, fp) at x, on the
    device (numpy.interp), with NumPy's values at exact sample points, outside the range
    (left, right) and for a period. float64 result (complex128 for complex fp); a 0-d x
    gives a NumPy scalar."""
    fp = _arr(fp)
    is_complex = fp.dtype.kind == "c"
    dt = numpy.complex128 if is_complex else numpy.float64
    dev = fp._device_id
    x = _arr(x, device=dev)
    xp = _arr(xp, device=dev)
    if x.dtype.kind == "c" or xp.dtype.kind == "c":
        raise TypeError("Cannot cast array data from dtype('complex128') to dtype('float64') "
                        "according to the rule 'safe'")
    x = x.astype(numpy.float64)
    xp = xp.astype(numpy.float64)
    fp = fp.astype(dt)
    if period is not None:
        if period == 0:
            raise ValueError("period must be a non-zero value")
        period = abs(period)
        left = right = None
        if xp.ndim != 1 or fp.ndim != 1:
            raise ValueError("Data points must be 1-D sequences")
        if xp.shape[0] != fp.shape[0]:
            raise ValueError("fp and xp are not of the same length")
        x = UFUNCS["remainder"](x, period)
        xp = UFUNCS["remainder"](xp, period)
        order = argsort(xp)
        xp, fp = xp[order], fp[order]
        xp = concatenate((_sub(xp[-1:], period), xp, _add(xp[0:1], period)))
        fp = concatenate((fp[-1:], fp, fp[0:1]))
    if xp.ndim != 1 or fp.ndim != 1:
        raise ValueError("object too deep for desired array" if max(xp.ndim, fp.ndim) > 1
                         else "object of too small depth for desired array")
    if xp.shape[0] == 0:
        raise ValueError("array of sample points is empty")
    if fp.shape[0] != xp.shape[0]:
        raise ValueError("fp and xp are not of the same length.")
    left, right = _scalar_arg(left, is_complex), _scalar_arg(right, is_complex)
    if not is_complex:
        return _interp_real(x, xp, fp, left, right, None)
    parts = []
    for half, pick in (("real", lambda v: v.real), ("imag", lambda v: v.imag)):
        lv = None if left is None else pick(left)
        rv = None if right is None else pick(right)
        parts.append(_interp_real(x, xp, getattr(fp, half), lv, rv, half == "imag"))
    out = empty(x.shape, dtype=numpy.complex128, device=x._device_id)
    out.real[...] = parts[0]
    out.imag[...] = parts[1]
    return out


# A single-value result is a NumPy scalar (see _scalars.py).
interp = returns_scalar(interp)
