"""Rounding with decimals, on the device: around (round, round_), fix."""
import operator as _operator

from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._scalars import returns_scalar
from .._ufunc import UFUNCS


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


# Public entry points: a single-value result is a NumPy scalar (see _scalars.py).
around, round, round_, fix = (returns_scalar(f) for f in (around, round, round_, fix))
