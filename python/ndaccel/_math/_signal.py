"""Discrete linear convolution and cross-correlation of 1-D sequences on the
device (numpy.convolve, numpy.correlate), by the direct sum, exact for
integers. Outputs whose windows lie inside the longer sequence read it in
place; the few at the ends, whose windows reach past it, read a small
zero-padded copy of its end. A short kernel's taps multiply shifted views of
the sequence, added in one fused elementwise kernel; a longer kernel
multiplies a strided window view (no copy), summed over the window axis in
one fused reduction kernel, or on a CPU device whose memory is host memory
goes to NumPy's convolve (the host-libraries policy, _host_libraries.py).
(An FFT product was not taken: it is slower here for kernels of a
few hundred taps and its rounding is relative to the whole signal, not to
each output, so small outputs would lose NumPy's values.)

The modes select lags of the full correlation as NumPy's C code does,
including its swap of the arguments when v is the longer one."""
import operator

import numpy

from .. import _host_libraries
from .._creation._basic import empty, zeros
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


# Kernels of up to this many taps are summed as shifted views of the signal
# (one fused elementwise kernel), longer ones as a fold over the window axis,
# or on CPU devices by NumPy's convolve (its dot per output, in the host's
# BLAS). 1M float64 on PoCL's 2 threads, ms: 3 taps 1.15 (NumPy 1.3), 11 taps
# 3.7 (fold 15-24, NumPy 6.3), 32 taps 9-10 (fold 28, NumPy 18); 64 taps 40
# (fold 44, NumPy 26), 256 taps 105 (fold 119, NumPy 43).
_SHIFTED_TAPS = 32


def _taps(w):
    """w's values as the shifted sums' factors: host scalars where the device's
    memory is the host's (the kernel's scalars; reading them costs no transfer),
    else 1-element views of w, so that no download waits for the device's queue."""
    if _host_libraries.maps(w._device_id):
        return w.get()
    return [w[n:n + 1] for n in range(w.shape[0])]


def _window_sums(seg, w, taps, length):
    """out[i] = sum_n seg[i + n] * w[n] for i < length (seg: length + len(w) - 1
    elements): taps (_taps(w)) times shifted views, added left to right, or,
    with taps None, the fold over a window view."""
    if taps is None:
        return _sum(UFUNCS["multiply"](sliding_window_view(seg, w.shape[0]), w), axis=-1)
    r = None
    for n in range(len(taps)):
        term = UFUNCS["multiply"](seg[n:n + length], taps[n])
        r = term if r is None else UFUNCS["add"](r, term)
    return r


def _padded(a, nw, first, length):
    """a[first : first + length + nw - 1] with zeros where that runs past a
    (first may be negative): the windows of outputs that reach outside a."""
    na = a.shape[0]
    last = first + length + nw - 1
    parts = []
    if first < 0:
        parts.append(zeros(-first, dtype=a.dtype, device=a._device_id))
    parts.append(a[max(0, first):min(na, last)])
    if last > na:
        parts.append(zeros(last - na, dtype=a.dtype, device=a._device_id))
    return concatenate(parts) if len(parts) > 1 else parts[0]


def _host_sliding_dot(a, w, start, length):
    """_sliding_dot's sums (in a's and w's type) by NumPy's convolve of the arrays'
    storage on a device whose memory is host memory (_host_libraries.maps): its
    full output, index k, is sum_n apad[k + n] * w[n]."""
    full = numpy.convolve(_host_libraries.host_view(a), _host_libraries.host_view(w)[::-1], "full")
    out, o = _host_libraries.host_output((length,), full.dtype, a._device_id)
    o[...] = full[start:start + length]
    return out


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
    a = a.astype(work, copy=False)
    w = w.astype(work, copy=False)
    if nw > _SHIFTED_TAPS and _host_libraries.maps(a._device_id):
        r = _host_sliding_dot(a, w, start, length)
        return UFUNCS["not_equal"](r, 0) if dt.kind == "b" else r.astype(dt, copy=False)
    taps = _taps(w) if nw <= _SHIFTED_TAPS else None
    first = start - (nw - 1)  # a's index of output 0's window start
    # outputs [i0, i1) have their whole window inside a
    i0 = min(length, max(0, -first))
    i1 = max(i0, min(length, na - nw + 1 - first))
    if i0 == 0 and i1 == length:
        r = _window_sums(a[first:first + length + nw - 1], w, taps, length)
    else:
        # The ends first: their small fills and sums run at once while the
        # queue is idle, rather than wait for the middle's kernel.
        r = empty(length, dtype=work, device=a._device_id)
        if i0:
            r[:i0] = _window_sums(_padded(a, nw, first, i0), w, taps, i0)
        if i1 < length:
            r[i1:] = _window_sums(_padded(a, nw, first + i1, length - i1), w, taps, length - i1)
        if i1 > i0:
            r[i0:i1] = _window_sums(a[first + i0:first + i1 + nw - 1], w, taps, i1 - i0)
    if dt.kind == "b":
        return UFUNCS["not_equal"](r, 0)
    return r.astype(dt, copy=False)


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
