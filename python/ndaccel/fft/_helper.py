"""fftshift, ifftshift (a roll on the device), fftfreq, rfftfreq (device
ranges)."""
import numpy

from .._creation._from_data import asarray as _asarray
from .._creation._ranges import arange as _arange
from .._manipulation._join import concatenate as _concatenate
from .._manipulation._rearrange import roll as _roll


def fftshift(x, axes=None):
    """numpy.fft.fftshift: the zero-frequency term moved to the centre."""
    x = _asarray(x)
    if axes is None:
        axes = tuple(range(x.ndim))
        shift = [dim // 2 for dim in x.shape]
    elif isinstance(axes, (int, numpy.integer)):
        shift = x.shape[axes] // 2
    else:
        shift = [x.shape[ax] // 2 for ax in axes]
    return _roll(x, shift, axes)


def ifftshift(x, axes=None):
    """numpy.fft.ifftshift: the inverse of fftshift."""
    x = _asarray(x)
    if axes is None:
        axes = tuple(range(x.ndim))
        shift = [-(dim // 2) for dim in x.shape]
    elif isinstance(axes, (int, numpy.integer)):
        shift = -(x.shape[axes] // 2)
    else:
        shift = [-(x.shape[ax] // 2) for ax in axes]
    return _roll(x, shift, axes)


def fftfreq(n, d=1.0, device=None, *, dtype=None):
    """numpy.fft.fftfreq: sample frequencies [0, 1, ..., -1] / (d * n); dtype= (the array
    API's) a real floating dtype for the result, float64 by default."""
    if not isinstance(n, (int, numpy.integer)):
        raise ValueError("n should be an integer")
    val = 1.0 / (n * d)
    N = (n - 1) // 2 + 1
    results = _concatenate([_arange(0, N, dtype=int, device=device),
                            _arange(-(n // 2), 0, dtype=int, device=device)])
    return _as_dtype(results * val, dtype)


def rfftfreq(n, d=1.0, device=None, *, dtype=None):
    """numpy.fft.rfftfreq: sample frequencies [0, 1, ..., n//2] / (d * n); dtype= as
    fftfreq's."""
    if not isinstance(n, (int, numpy.integer)):
        raise ValueError("n should be an integer")
    val = 1.0 / (n * d)
    return _as_dtype(_arange(0, n // 2 + 1, dtype=int, device=device) * val, dtype)


def _as_dtype(r, dtype):
    if dtype is None:
        return r
    if numpy.dtype(dtype).kind != "f":
        raise ValueError(f"dtype must be a real floating-point dtype (got {numpy.dtype(dtype)})")
    return r.astype(dtype, copy=False)
