"""Real-or-complex tests and conversions on the device: iscomplex, isreal
(elementwise, on the imaginary part), real_if_close (the real part when
every imaginary part is within tol machine epsilons of zero) and
sort_complex (a sort, as complex)."""
import numpy

from .._creation._basic import zeros
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._ndarray import ndarray
from .._scalars import returns_scalar
from .._sorting._sort import sort
from .._statistics._reductions import all as _all
from .._ufunc import UFUNCS


def iscomplex(x):
    """Elementwise: whether the imaginary part is nonzero (all False for a non-complex dtype),
    on the device (numpy.iscomplex)."""
    ax = _arr(x)
    if ax.dtype.kind == "c":
        return UFUNCS["not_equal"](ax.imag, 0)
    return zeros(ax.shape, bool, device=ax._device_id)


def isreal(x):
    """Elementwise: whether the imaginary part is zero, on the device (numpy.isreal).

    A Python or NumPy scalar gives what NumPy gives: its own .imag == 0 (a Python bool for a
    Python number)."""
    if not isinstance(x, (ndarray, numpy.ndarray)) and hasattr(x, "imag"):
        return x.imag == 0  # NumPy's imag() reads a scalar's own .imag
    return UFUNCS["equal"](_arr(x).imag, 0)


def real_if_close(a, tol=100):
    """a's real part when a is complex and every imaginary part is below tol (in machine
    epsilons when tol > 1), else a itself (numpy.real_if_close).

    The test runs on the device and reads one flag back (one synchronisation)."""
    a = _arr(a)
    if a.dtype.kind != "c":
        return a
    if tol > 1:
        tol = numpy.finfo(a.dtype).eps * tol
    if bool(_all(UFUNCS["less"](UFUNCS["absolute"](a.imag), tol))):
        a = a.real
    return a


def sort_complex(a):
    """A sorted copy of a as a complex array (lexicographic: real part, then imaginary),
    sorted on the device (numpy.sort_complex). Small integer dtypes give complex64, the
    others complex128."""
    b = sort(_arr(a), axis=-1)
    if b.dtype.kind == "c":
        return b
    if b.dtype.char in "bhBH":
        return b.astype(numpy.complex64)
    return b.astype(numpy.complex128)


# A single-value result is a NumPy scalar (see _scalars.py).
iscomplex = returns_scalar(iscomplex)
isreal = returns_scalar(isreal)
