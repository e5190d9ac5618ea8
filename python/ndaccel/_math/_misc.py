"""clip (one fused kernel: minimum(maximum(a, min), max)) and
bitwise_count (a SWAR popcount, fused), on the device."""
import numpy

from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._scalars import returns_scalar
from .._ufunc import UFUNCS

_NoValue = numpy._NoValue


def _clip(a, min=None, max=None, out=None, **kwargs):
    a = _arr(a)
    if a.dtype.kind in "iu":
        info = numpy.iinfo(a.dtype)
        if type(min) is int and min <= info.min:
            min = None
        if type(max) is int and max >= info.max:
            max = None
    if min is None and max is None:
        if a.dtype == bool:  # NumPy has no bool loop for positive
            raise TypeError("ufunc 'positive' did not contain a loop with signature "
                            "matching types <class 'numpy.dtypes.BoolDType'> -> None")
        return UFUNCS["positive"](a, out=out, **kwargs)
    if min is None:
        return UFUNCS["minimum"](a, max, out=out, **kwargs)
    if max is None:
        return UFUNCS["maximum"](a, min, out=out, **kwargs)
    # NumPy's clip ufunc is minimum(maximum(a, min), max) over the three
    # operands' common dtype; the two steps fuse into one kernel.
    kw = dict(kwargs)
    kw.pop("casting", None)
    lo = UFUNCS["maximum"](a, min, **kw)
    return UFUNCS["minimum"](lo, max, out=out, **kwargs)


def clip(a, min=_NoValue, max=_NoValue, out=None, *, a_min=_NoValue, a_max=_NoValue,
         **kwargs):
    """Values of a limited to [min, max], one fused kernel on the device (numpy.clip).

    The bounds are named as the array API's (clip(x, min, max)); NumPy's a_min=/a_max=
    keywords are accepted, both together. A single positional bound clips one side (the
    array API's), where NumPy asks for the other."""
    if a_min is not _NoValue or a_max is not _NoValue:
        if a_min is _NoValue:
            raise TypeError("clip() missing 1 required positional argument: 'a_min'")
        if a_max is _NoValue:
            raise TypeError("clip() missing 1 required positional argument: 'a_max'")
        if min is not _NoValue or max is not _NoValue:
            raise ValueError("Passing `min` or `max` keyword argument when `a_min` and "
                             "`a_max` are provided is forbidden.")
        min, max = a_min, a_max
    return _clip(a, None if min is _NoValue else min, None if max is _NoValue else max,
                 out=out, **kwargs)


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


# clip of a 0-d array gives a NumPy scalar, as NumPy's (see _scalars.py).
clip = returns_scalar(clip)
bitwise_count = returns_scalar(bitwise_count)
