"""Closeness and equality tests on the device: isclose (elementwise),
allclose, array_equal, array_equiv (one reduction, a Python bool)."""
import numpy

from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._ndarray import ndarray
from .._scalars import returns_scalar
from .._statistics._reductions import min as amin
from .._ufunc import UFUNCS, _operand


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|a - b| <= atol + rtol * |b| elementwise, with NumPy's treatment of
    infinities and NaN."""
    a, b = _operand(a), _operand(b)
    absolute, isfinite, isnan = UFUNCS["absolute"], UFUNCS["isfinite"], UFUNCS["isnan"]
    dt = numpy.result_type(*(x.dtype if isinstance(x, ndarray) else x for x in (a, b)), 1.0)
    a = _arr(a).astype(dt, copy=False) if not isinstance(a, ndarray) or a.dtype != dt else a
    b = _arr(b).astype(dt, copy=False) if not isinstance(b, ndarray) or b.dtype != dt else b
    close = (absolute(a - b) <= atol + rtol * absolute(b)) & isfinite(b)
    r = close | (a == b)
    if equal_nan:
        r = r | (isnan(a) & isnan(b))
    return r


def _all(x):
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


# A single-value result is a NumPy scalar (see _scalars.py).
isclose = returns_scalar(isclose)
