"""numpy.emath (numpy.lib.scimath) for ndaccel: logarithms, square roots,
powers and inverse sines/cosines/tanh that give complex results where the
real function is undefined, computed on the device.

As NumPy does, each function first checks the input's values (one device
reduction, whose boolean comes back to the host) and only if some element
is out of the real domain converts the whole input to complex: float32,
int8/16 and uint8/16 to complex64, the other real dtypes to complex128.
Host scalars (Python or NumPy scalars, 0-d NumPy arrays) are checked on
the host, computed on the device and returned as NumPy scalars, as NumPy
returns them; lists and NumPy arrays become device arrays. ndaccel arrays,
0-d ones included, give ndaccel arrays.
"""
import numpy

from ._creation._from_data import asarray as _asarray
from ._ndarray import ndarray as _ndarray
from ._scalars import returns_scalar as _returns_scalar
from ._statistics._reductions import any as _device_any
from ._ufunc import UFUNCS as _UFUNCS

__all__ = ["arccos", "arcsin", "arctanh", "log", "log10", "log2", "logn", "power", "sqrt"]

# numpy.lib.scimath._tocomplex: these go to complex64, other real dtypes to complex128.
_TO_COMPLEX64 = frozenset(numpy.dtype(t) for t in (numpy.float32, numpy.int8, numpy.int16,
                                                    numpy.uint8, numpy.uint16))


def _operand(x):
    """x as an ndaccel array, or, for a host scalar or 0-d host array, as a
    NumPy scalar of NumPy's dtype for it (a Python int is int64, as in
    numpy.asarray)."""
    if isinstance(x, _ndarray):
        return x
    h = numpy.asarray(x)
    return h[()] if h.ndim == 0 else _asarray(h)


def _any(mask):
    """Whether any element of mask is true: a device reduction for an
    ndaccel array (one boolean transferred), plain bool for a host scalar."""
    return bool(_device_any(mask)) if isinstance(mask, _ndarray) else bool(mask)


def _to_complex(x):
    dt = numpy.complex64 if x.dtype in _TO_COMPLEX64 else numpy.complex128
    if isinstance(x, _ndarray):
        return x.astype(dt)
    return numpy.asarray(x).astype(dt)[()]


def _real_lt_zero_to_complex(x):
    """x, as complex when it is real and has a negative element."""
    x = _operand(x)
    if x.dtype.kind in "if" and _any(x < 0):
        return _to_complex(x)
    return x


def _int_lt_zero_to_float(p):
    """p, as p * 1.0 when it is real and has a negative element (a negative
    integer power then gives a float result instead of an error)."""
    p = _operand(p)
    if p.dtype.kind in "if" and _any(p < 0):
        return _UFUNCS["multiply"](p, 1.0) if isinstance(p, _ndarray) else p * 1.0
    return p


def _real_abs_gt_1_to_complex(x):
    """x, as complex when it is real and has an element of magnitude above 1."""
    x = _operand(x)
    if x.dtype.kind in "iuf" and _any((_UFUNCS["absolute"](x) if isinstance(x, _ndarray)
                                       else abs(x)) > 1):
        return _to_complex(x)
    return x


def sqrt(x):
    """Square root on the device, complex for negative real inputs
    (numpy.emath.sqrt)."""
    return _UFUNCS["sqrt"](_real_lt_zero_to_complex(x))


def log(x):
    """Natural logarithm on the device, complex for negative real inputs
    (numpy.emath.log)."""
    return _UFUNCS["log"](_real_lt_zero_to_complex(x))


def log2(x):
    """Base-2 logarithm on the device, complex for negative real inputs
    (numpy.emath.log2)."""
    return _UFUNCS["log2"](_real_lt_zero_to_complex(x))


def log10(x):
    """Base-10 logarithm on the device, complex for negative real inputs
    (numpy.emath.log10)."""
    return _UFUNCS["log10"](_real_lt_zero_to_complex(x))


def logn(n, x):
    """Base-n logarithm of x, log(x) / log(n), on the device, complex where
    x or n is negative (numpy.emath.logn)."""
    x = _real_lt_zero_to_complex(x)
    n = _real_lt_zero_to_complex(n)
    return _UFUNCS["true_divide"](_UFUNCS["log"](x), _UFUNCS["log"](n))


def power(x, p):
    """x ** p on the device, complex for negative real x, and float for
    negative integer powers (numpy.emath.power)."""
    x = _real_lt_zero_to_complex(x)
    p = _int_lt_zero_to_float(p)
    return _UFUNCS["power"](x, p)


def arccos(x):
    """Inverse cosine on the device, complex for real inputs with |x| > 1
    (numpy.emath.arccos)."""
    return _UFUNCS["arccos"](_real_abs_gt_1_to_complex(x))


def arcsin(x):
    """Inverse sine on the device, complex for real inputs with |x| > 1
    (numpy.emath.arcsin)."""
    return _UFUNCS["arcsin"](_real_abs_gt_1_to_complex(x))


def arctanh(x):
    """Inverse hyperbolic tangent on the device, complex for real inputs
    with |x| > 1 (numpy.emath.arctanh)."""
    return _UFUNCS["arctanh"](_real_abs_gt_1_to_complex(x))


# Public entry points: a single-value result is a NumPy scalar (see _scalars.py).
for _name in __all__:
    globals()[_name] = _returns_scalar(globals()[_name])
