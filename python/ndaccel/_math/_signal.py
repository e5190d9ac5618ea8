"""Discrete linear convolution and cross-correlation of 1-D sequences on the
device (numpy.convolve, numpy.correlate), by the direct sum: the longer
sequence zero-padded, a strided window view of it (no copy), times the
kernel, summed over the window axis: one fused reduction kernel, exact for
integers. (An FFT product was not taken: it is slower here for kernels of a
few hundred taps and its rounding is relative to the whole signal, not to
each output, so small outputs would lose NumPy's values.)

The modes select lags of the full correlation as NumPy's C code does,
including its swap of the arguments when v is the longer one."""
import operator

import numpy

from .._creation._basic import zeros
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._manipulation._join import concatenate
from .._statistics._reductions import sum as _sum
from .._ufunc import UFUNCS
from ..lib.stride_tricks import sliding_window_view

_MODES = {"valid": 0, "same": 1, "full": 2}


def _mode(mode):
    """NumPy's mode converter: the three names, or the integers 0, 1, 2."""
    if isinstance(mode, str):
        if mode in _MODES:
            return _MODES[mode]
        raise ValueError("Use one of 'valid', 'same', or 'full' for convolve/correlate mode")
    if isinstance(mode, (bool, float)) or not hasattr(mode, "__index__"):
        raise TypeError("convolve/correlate mode not understood")
    m = operator.index(mode)
    if m not in (0, 1, 2):
        raise ValueError("integer convolve/correlate mode must be 0, 1, or 2")
    return m


def _inputs(a, v, ndmin):
    """a and v as 1-D device arrays: convolve promotes 0-d inputs (ndmin=1), correlate
    rejects them, as NumPy."""
    a = _arr(a)
    v = _arr(v, device=a._device_id)
    if a.ndim > 1 or v.ndim > 1:
        raise ValueError("object too deep for desired array")
    if a.ndim == 0 or v.ndim == 0:
        if not ndmin:
            raise ValueError("object of too small depth for desired array")
        a, v = a.reshape(-1), v.reshape(-1)
    return a, v


def _sliding_dot(a, w, start, length):
    """out[i] = sum_n apad[start + i + n] * w[n] for i < length, where apad is a with
    len(w) - 1 zeros on each side; in numpy.result_type(a, w)."""
    dt = numpy.result_type(a.dtype, w.dtype)
    na, nw = a.shape[0], w.shape[0]
    if length <= 0:
        return zeros(0, dtype=dt, device=a._device_id)
    work = dt
    if dt.kind == "b":
        work = numpy.dtype(numpy.int64)  # a sum of ANDs, nonzero -> OR as NumPy's bool dot
    elif dt.kind in "iu":
        work = numpy.dtype(numpy.uint64 if dt.kind == "u" else numpy.int64)  # modular
    a = a.astype(work)
    w = w.astype(work)
    lo = max(0, (nw - 1) - start)                 # zeros needed before a
    hi = max(0, start + length + nw - 1 - (nw - 1) - na)  # zeros needed after a
    parts = []
    if lo:
        parts.append(zeros(lo, dtype=work, device=a._device_id))
    parts.append(a)
    if hi:
        parts.append(zeros(hi, dtype=work, device=a._device_id))
    apad = concatenate(parts) if len(parts) > 1 else a
    off = start - (nw - 1) + lo  # index in apad of the first window's start
    seg = apad[off:off + length + nw - 1]
    win = sliding_window_view(seg, nw)
    r = _sum(UFUNCS["multiply"](win, w), axis=-1)
    if dt.kind == "b":
        return UFUNCS["not_equal"](r, 0)
    return r.astype(dt)


def _lags(na, nv, mode):
    """(first index into the full correlation, length) of NumPy's output for mode, where
    the full correlation runs over lags -(nv - 1) .. na - 1."""
    n1, n2 = max(na, nv), min(na, nv)
    if mode == 2:
        return 0, na + nv - 1
    if mode == 0:
        return n2 - 1, n1 - n2 + 1
    if na >= nv:
        return nv - 1 - nv // 2, na
    return na // 2, nv  # NumPy swaps, computes, and reverses


def correlate(a, v, mode="valid"):
    """Cross-correlation of two 1-D sequences, c[k] = sum_n a[n + k] * conj(v[n]), on the
    device (numpy.correlate); modes 'valid' (default), 'same', 'full'."""
    m = _mode(mode)
    a, v = _inputs(a, v, False)
    na, nv = a.shape[0], v.shape[0]
    if na == 0:
        raise ValueError("first array argument cannot be empty")
    if nv == 0:
        raise ValueError("second array argument cannot be empty")
    if v.dtype.kind == "c":
        v = UFUNCS["conjugate"](v)
    start, length = _lags(na, nv, m)
    return _sliding_dot(a, v, start, length)


def convolve(a, v, mode="full"):
    """Discrete linear convolution of two 1-D sequences, on the device (numpy.convolve);
    modes 'full' (default), 'same', 'valid'. The longer sequence slides, as NumPy."""
    a, v = _inputs(a, v, True)
    if a.shape[0] == 0:
        raise ValueError("a cannot be empty")
    if v.shape[0] == 0:
        raise ValueError("v cannot be empty")
    m = _mode(mode)
    if v.shape[0] > a.shape[0]:
        a, v = v, a
    na, nv = a.shape[0], v.shape[0]
    start, length = _lags(na, nv, m)
    return _sliding_dot(a, v[::-1], start, length)
