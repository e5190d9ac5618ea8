"""fft and ifft: batched 1-D complex transforms along an axis."""
from numpy.lib.array_utils import normalize_axis_index as _normalize_axis_index

from .._creation._from_data import asarray as _asarray
from .._manipulation._transpose import moveaxis as _moveaxis
from ._common import _c2c_last, _check_n, _complex_type, _deliver, _fit, _scale


def _raw_c2c(a, n, axis, forward, norm, out):
    n = _check_n(n)
    fct = _scale(norm, n, forward)
    axis = _normalize_axis_index(axis, a.ndim)
    cdt = _complex_type(a.dtype)
    x = a if a.dtype == cdt else a.astype(cdt)
    x = _moveaxis(_fit(x, n, axis), axis, -1)
    y = _c2c_last(x, not forward)
    if fct != 1.0:
        y = y * fct
    return _deliver(_moveaxis(y, -1, axis), out, axis, n)


def fft(a, n=None, axis=-1, norm=None, out=None):
    """numpy.fft.fft: the n-point DFT along axis."""
    a = _asarray(a)
    if n is None:
        n = a.shape[axis]
    return _raw_c2c(a, n, axis, True, norm, out)


def ifft(a, n=None, axis=-1, norm=None, out=None):
    """numpy.fft.ifft: the n-point inverse DFT along axis."""
    a = _asarray(a)
    if n is None:
        n = a.shape[axis]
    return _raw_c2c(a, n, axis, False, norm, out)
