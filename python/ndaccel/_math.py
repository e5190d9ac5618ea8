"""NumPy math functions built from ufuncs: multi-output ufuncs, rounding
with decimals, closeness tests, nan_to_num, complex helpers. Every one
runs on the device (elementwise parts fuse into one kernel)."""
import operator as _operator

import numpy

from ._ufunc import UFUNCS, _operand, where
from ._creation import asarray as _arr  # ndarrays pass through unchanged




def divmod(x1, x2, out=(None, None), **kwargs):
    """(floor_divide(x1, x2), remainder(x1, x2))."""
    o1, o2 = out if isinstance(out, tuple) else (out, None)
    return (UFUNCS["floor_divide"](x1, x2, out=o1, **kwargs),
            UFUNCS["remainder"](x1, x2, out=o2, **kwargs))


def _pair(name_a, name_b, x, out, dtype_a=None):
    from ._core import ufunc as core_ufunc
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


def around(a, decimals=0, out=None):
    """Round half to even at `decimals` places, as numpy.around."""
    a = _arr(a)
    decimals = _operator.index(decimals)  # TypeError for 1.5 or "x", as NumPy
    kind = a.dtype.kind
    if kind in "biu":
        if decimals >= 0:
            return a.copy() if out is None else _assign(out, a)
        scale = 10 ** (-decimals)
        r = UFUNCS["multiply"](UFUNCS["rint"](UFUNCS["true_divide"](a, scale)), scale)
        return _assign(out, r.astype(a.dtype)) if out is not None else r.astype(a.dtype)
    if decimals == 0:
        return UFUNCS["rint"](a, out=out)
    if kind == "c":
        re = around(a.real, decimals)
        im = around(a.imag, decimals)
        r = re + im * 1j
        return _assign(out, r.astype(a.dtype)) if out is not None else r.astype(a.dtype)
    if decimals > 0:
        scale = a.dtype.type(10.0 ** decimals)
        r = UFUNCS["true_divide"](UFUNCS["rint"](UFUNCS["multiply"](a, scale)), scale)
    else:
        scale = a.dtype.type(10.0 ** -decimals)
        r = UFUNCS["multiply"](UFUNCS["rint"](UFUNCS["true_divide"](a, scale)), scale)
    return _assign(out, r) if out is not None else r


round = around
round_ = around


def _assign(out, value):
    out[...] = value
    return out


def fix(x, out=None):
    """Round towards zero (keeps the dtype of floats)."""
    x = _arr(x)
    if x.dtype.kind in "biu":
        return x.copy() if out is None else _assign(out, x)
    return UFUNCS["trunc"](x, out=out)


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|a - b| <= atol + rtol * |b| elementwise, with NumPy's treatment of
    infinities and NaN."""
    a, b = _operand(a), _operand(b)
    absolute, isfinite, isnan = UFUNCS["absolute"], UFUNCS["isfinite"], UFUNCS["isnan"]
    from ._ndarray import ndarray
    dt = numpy.result_type(*(x.dtype if isinstance(x, ndarray) else x for x in (a, b)), 1.0)
    a = _arr(a).astype(dt, copy=False) if not isinstance(a, ndarray) or a.dtype != dt else a
    b = _arr(b).astype(dt, copy=False) if not isinstance(b, ndarray) or b.dtype != dt else b
    close = (absolute(a - b) <= atol + rtol * absolute(b)) & isfinite(b)
    r = close | (a == b)
    if equal_nan:
        r = r | (isnan(a) & isnan(b))
    return r


def _all(x):
    from ._reductions import min as amin
    return True if x.size == 0 else bool(amin(x))


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether all elements of a and b are close, computed on the device (numpy.allclose).

    Returns a Python bool (one transfer of the reduced flag)."""
    return _all(isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def array_equal(a1, a2, equal_nan=False):
    """Whether two arrays have the same shape and elements, on the device (numpy.array_equal)."""
    a1, a2 = _arr(a1), _arr(a2)
    if a1.shape != a2.shape:
        return False
    eq = a1 == a2
    if equal_nan and a1.dtype.kind in "fc" and a2.dtype.kind in "fc":
        eq = eq | (UFUNCS["isnan"](a1) & UFUNCS["isnan"](a2))
    return _all(eq)


def array_equiv(a1, a2):
    """Whether two arrays broadcast together and are equal elementwise, on the device
    (numpy.array_equiv)."""
    a1, a2 = _arr(a1), _arr(a2)
    try:
        numpy.broadcast_shapes(a1.shape, a2.shape)
    except ValueError:
        return False
    return _all(a1 == a2)


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


def angle(z, deg=False):
    """Counterclockwise angle from the positive real axis."""
    z = _arr(z)
    if z.dtype.kind == "c":
        a = UFUNCS["arctan2"](z.imag, z.real)
    else:
        a = UFUNCS["arctan2"](0.0, z.astype(numpy.float64) if z.dtype.kind in "biu" else z)
    return UFUNCS["rad2deg"](a) if deg else a


def real(val):
    """The real part of val, on the device (numpy.real).

    A Python or NumPy scalar argument gives a 0-d device array, not a scalar."""
    return _arr(val).real


def imag(val):
    """The imaginary part of val, on the device (numpy.imag).

    A Python or NumPy scalar argument gives a 0-d device array, not a scalar."""
    return _arr(val).imag


def iscomplexobj(x):
    """Whether x has a complex dtype (numpy.iscomplexobj).

    Host objects other than numpy.ndarray (lists, scalars) are copied to the device first."""
    return _arr(x).dtype.kind == "c" if not isinstance(x, numpy.ndarray) else x.dtype.kind == "c"


def isrealobj(x):
    """Whether x does not have a complex dtype (numpy.isrealobj).

    Host objects other than numpy.ndarray (lists, scalars) are copied to the device first."""
    return not iscomplexobj(x)


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



def bitwise_count(x, out=None):
    """Set bits of |x| (uint8), as numpy.bitwise_count: a SWAR popcount,
    fused into one kernel."""
    x = _arr(x)
    if x.dtype.kind not in "biu":
        raise TypeError(f"ufunc 'bitwise_count' not supported for the input types ({x.dtype})")
    a, s, m, add = UFUNCS["bitwise_and"], UFUNCS["right_shift"], UFUNCS["multiply"], UFUNCS["add"]
    v = (UFUNCS["absolute"](x) if x.dtype.kind == "i" else x).astype(numpy.uint64)
    v = UFUNCS["subtract"](v, a(s(v, 1), 0x5555555555555555))
    v = add(a(v, 0x3333333333333333), a(s(v, 2), 0x3333333333333333))
    v = a(add(v, s(v, 4)), 0x0F0F0F0F0F0F0F0F)
    r = s(m(v, 0x0101010101010101), 56).astype(numpy.uint8)
    if out is not None:
        out[...] = r
        return out
    return r


# Public entry points: a single-value result is a NumPy scalar (see _scalars.py).
from ._scalars import returns_scalar as _returns_scalar  # noqa: E402
for _name in ("divmod", "frexp", "modf", "around", "round", "round_", "fix", "isclose",
              "nan_to_num", "angle", "isposinf", "isneginf", "bitwise_count"):
    if _name in globals():
        globals()[_name] = _returns_scalar(globals()[_name])
