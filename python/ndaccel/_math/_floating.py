"""Floating-point helpers on the device: the two-output ufuncs frexp, modf
and divmod, nan_to_num, isposinf, isneginf."""
import numpy

from .._core import ufunc as core_ufunc
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._scalars import returns_scalar
from .._ufunc import UFUNCS, _operand, where


def divmod(x1, x2, out=(None, None), **kwargs):
    """(floor_divide(x1, x2), remainder(x1, x2))."""
    o1, o2 = out if isinstance(out, tuple) else (out, None)
    return (UFUNCS["floor_divide"](x1, x2, out=o1, **kwargs),
            UFUNCS["remainder"](x1, x2, out=o2, **kwargs))


def _pair(name_a, name_b, x, out, dtype_a=None):
    x = _operand(x)
    o1, o2 = out if isinstance(out, tuple) else (out, None)
    a = core_ufunc(name_a, (x,), o1, -1, "same_kind", None)
    b = core_ufunc(name_b, (x,), o2, -1, "same_kind", None)
    return (o1 if o1 is not None else a), (o2 if o2 is not None else b)


def frexp(x, out=(None, None)):
    """(mantissa, exponent) with x == mantissa * 2**exponent."""
    return _pair("frexp_mantissa", "frexp_exponent", x, out)


def modf(x, out=(None, None)):
    """(fractional part, integral part), both with x's sign."""
    return _pair("modf_fractional", "modf_integral", x, out)


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """NaN -> nan, +inf -> posinf (default: the largest finite value),
    -inf -> neginf (default: the most negative finite value)."""
    x = _arr(x)
    if x.dtype.kind not in "fc":
        return x.copy() if copy else x
    if x.dtype.kind == "c":
        r = x.copy()
        r.real[...] = nan_to_num(x.real, True, nan, posinf, neginf)
        r.imag[...] = nan_to_num(x.imag, True, nan, posinf, neginf)
        if not copy:
            x[...] = r
            return x
        return r
    info = numpy.finfo(x.dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    isnan, isinf = UFUNCS["isnan"], UFUNCS["isinf"]
    pos = x.dtype.type(posinf)
    neg = x.dtype.type(neginf)
    r = where(isnan(x), x.dtype.type(nan), where(isinf(x), where(x > 0, pos, neg), x))
    r = r.astype(x.dtype)
    if not copy:
        x[...] = r
        return x
    return r


def isposinf(x, out=None):
    """Elementwise test for positive infinity, on the device (numpy.isposinf).

    A 0-d result without out= is a NumPy scalar."""
    x = _arr(x)
    return UFUNCS["logical_and"](UFUNCS["isinf"](x), UFUNCS["signbit"](x) == False, out=out)  # noqa: E712


def isneginf(x, out=None):
    """Elementwise test for negative infinity, on the device (numpy.isneginf).

    A 0-d result without out= is a NumPy scalar."""
    x = _arr(x)
    return UFUNCS["logical_and"](UFUNCS["isinf"](x), UFUNCS["signbit"](x), out=out)


# Public entry points: a single-value result is a NumPy scalar (see _scalars.py).
divmod, frexp, modf, nan_to_num, isposinf, isneginf = (
    returns_scalar(f) for f in (divmod, frexp, modf, nan_to_num, isposinf, isneginf))
