"""Complex-number helpers on the device: angle, real, imag, iscomplexobj,
isrealobj."""
import numpy

from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._scalars import returns_scalar
from .._ufunc import UFUNCS


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


# A single-value result is a NumPy scalar (see _scalars.py).
angle = returns_scalar(angle)
