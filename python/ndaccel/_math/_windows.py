"""Window functions on the device (numpy.bartlett, blackman, hamming,
hanning, kaiser): NumPy's formulas over an arange, float64 results; M < 1
gives an empty array and M == 1 a single one, as NumPy."""
import numpy

from .._creation._basic import ones
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._creation._ranges import arange
from .._ufunc import UFUNCS, where as _where
from ._special import i0

_add, _sub, _mul, _div = (UFUNCS[n] for n in ("add", "subtract", "multiply", "true_divide"))
_cos = UFUNCS["cos"]


def _size(M):
    """(M as NumPy's float64 value, the trivial result or None)."""
    values = numpy.array([0.0, M])
    M = values[1]
    if M < 1:
        return M, _arr(numpy.array([], dtype=values.dtype))
    if M == 1:
        return M, ones(1, dtype=values.dtype)
    return M, None


def bartlett(M):
    """The Bartlett (triangular) window of M points, on the device (numpy.bartlett)."""
    M, trivial = _size(M)
    if trivial is not None:
        return trivial
    n = arange(1 - M, M, 2)
    t = _div(n, M - 1)
    return _where(UFUNCS["less_equal"](n, 0), _add(1, t), _sub(1, t))


def blackman(M):
    """The Blackman window of M points, on the device (numpy.blackman)."""
    M, trivial = _size(M)
    if trivial is not None:
        return trivial
    n = arange(1 - M, M, 2)
    return _add(_add(0.42, _mul(0.5, _cos(_div(_mul(numpy.pi, n), M - 1)))),
                _mul(0.08, _cos(_div(_mul(2.0 * numpy.pi, n), M - 1))))


def hamming(M):
    """The Hamming window of M points, on the device (numpy.hamming)."""
    M, trivial = _size(M)
    if trivial is not None:
        return trivial
    n = arange(1 - M, M, 2)
    return _add(0.54, _mul(0.46, _cos(_div(_mul(numpy.pi, n), M - 1))))


def hanning(M):
    """The Hann window of M points, on the device (numpy.hanning)."""
    M, trivial = _size(M)
    if trivial is not None:
        return trivial
    n = arange(1 - M, M, 2)
    return _add(0.5, _mul(0.5, _cos(_div(_mul(numpy.pi, n), M - 1))))


def kaiser(M, beta):
    """The Kaiser window of M points and shape beta, on the device (numpy.kaiser), with
    NumPy's i0."""
    values = numpy.array([0.0, M, beta])
    M, beta = values[1], values[2]
    if M == 1:
        return ones(1, dtype=values.dtype)
    n = arange(0, M)
    alpha = (M - 1) / 2.0
    r = UFUNCS["power"](_div(_sub(n, alpha), alpha), 2.0)
    return _div(i0(_mul(beta, UFUNCS["sqrt"](_sub(1, r)))), i0(_arr(beta)))
