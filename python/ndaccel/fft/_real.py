"""Real transforms: rfft, irfft (even lengths through one complex transform
of half the length: the packing described in ndaccel/fft/__init__.py; odd
lengths on complexified data), hfft, ihfft."""
import collections

import numpy
from numpy.lib.array_utils import normalize_axis_index as _normalize_axis_index

from .. import _core, _dtypes
from .._creation._basic import empty as _empty
from .._creation._from_data import asarray as _asarray
from .._manipulation._join import concatenate as _concatenate
from .._manipulation._rearrange import flip as _flip
from .._manipulation._transpose import moveaxis as _moveaxis
from ._common import (_c2c_last, _check_n, _complex_type, _conj, _deliver, _fit,
                      _from_last, _real_type, _scale, _swap_direction, _to_last)


# Read-only device arrays of twiddles, keyed by (n, direction, dtype,
# device id). Least recently used entries are dropped while the cache holds
# more than _TWIDDLE_CACHE_BYTES; the entry just added always stays.
_twiddle_cache = collections.OrderedDict()
_TWIDDLE_CACHE_BYTES = 64 << 20
_signs = {}  # (real dtype, device id) -> the device array [1, -1]


def _twiddle_values(n, inverse):
    """Host complex128 w[k - 1] for k = 1 .. n/2 - 1 (n even, >= 4): the
    twiddles of the (un)tangling expressions below, -i/2 e^{-2 pi i k/n}
    forward and i e^{2 pi i k/n} inverse. The angle is taken from the exact
    fraction k/n in float64, so one rounding to the working precision
    follows."""
    k = numpy.arange(1, n // 2, dtype=numpy.float64)
    theta = (2.0 * numpy.pi) * (k / n)
    if inverse:
        return 1j * (numpy.cos(theta) + 1j * numpy.sin(theta))
    return -0.5j * (numpy.cos(theta) - 1j * numpy.sin(theta))


def _twiddles(n, inverse, cdt, device):
    """_twiddle_values(n, inverse) in complex dtype cdt on device, cached.
    Shared: never write to it."""
    key = (n, inverse, cdt, device)
    w = _twiddle_cache.get(key)
    if w is not None:
        try:
            _twiddle_cache.move_to_end(key)
        except KeyError:  # evicted meanwhile by another thread: w stays valid
            pass
        return w
    w = _asarray(_twiddle_values(n, inverse).astype(cdt), device=device)
    _twiddle_cache[key] = w
    total = sum(a.nbytes for a in _twiddle_cache.values())
    while total > _TWIDDLE_CACHE_BYTES and len(_twiddle_cache) > 1:
        old_key = next(iter(_twiddle_cache))
        if old_key == key:
            break
        total -= _twiddle_cache.pop(old_key).nbytes
    return w


def _sign_pair(rdt, device):
    """The device array [1, -1] of real dtype rdt, cached. Shared."""
    key = (rdt, device)
    s = _signs.get(key)
    if s is None:
        s = _signs.setdefault(key, _asarray(numpy.array([1.0, -1.0], rdt), device=device))
    return s


def _last_view(a, start, count, step=1, dtype=None):
    """a[..., start : start + count*step : step] along the last axis
    (0 <= start and the last element inside a's last axis), or with dtype:
    a's last axis reinterpreted as `count` items of dtype (a's rows
    contiguous, start = 0, step = 1). Shares a's buffer."""
    st = a.strides
    if dtype is None:
        return _core.view(a, a._offset + start * st[-1], a.shape[:-1] + (count,),
                          st[:-1] + (st[-1] * step,))
    return _core.view(a, a._offset, a.shape[:-1] + (count,),
                      st[:-1] + (dtype.itemsize,), _dtypes.code(dtype))


def _as_complex_pairs(x, cdt):
    """x (real, of cdt's precision, the transformed axis last with an even
    length) as complex points x[..., 2j] + i x[..., 2j+1]: a view of x when
    its rows are C-contiguous and suitably aligned, else of a C-contiguous
    copy."""
    if not x._c_contiguous or x._offset % cdt.itemsize:
        x = x.copy()
    # C-contiguity ignores the strides of length-1 axes, which need not be
    # multiples of the complex item size: they are never stepped, so 0.
    st = tuple(0 if d == 1 else s for d, s in zip(x.shape[:-1], x.strides[:-1]))
    return _core.view(x, x._offset, x.shape[:-1] + (x.shape[-1] // 2,),
                      st + (cdt.itemsize,), _dtypes.code(cdt))


def _rfft_untangle(Z, n, fct):
    """rfft's n//2 + 1 outputs (a new C-contiguous array, times fct) from
    Z = the h-point DFT (h = n/2, along the last axis; C-contiguous) of the
    packed real signal: with E = DFT(x[0::2]), O = DFT(x[1::2]), Z = E + iO
    and X[k] = E[k] + e^{-2 pi i k/n} O[k], where
    E[k] = (Z[k] + conj(Z[h-k]))/2 and O[k] = (Z[k] - conj(Z[h-k]))/(2i),
    i.e. X[k] = (Z[k] + conj(Z[h-k]))/2 + w[k] (Z[k] - conj(Z[h-k]))
    (_twiddle_values). The interior k = 1..h-1 is one fused expression over
    Z and its reversed view; k = 0 and k = h (both real: E[0] +- O[0])
    another, written through the stride-h view."""
    h = n // 2
    cdt, dev = Z.dtype, Z._device_id
    y = _empty(Z.shape[:-1] + (h + 1,), cdt, device=dev)
    if h > 1:
        A, B = _last_view(Z, 1, h - 1), _conj(_last_view(Z, h - 1, h - 1, -1))
        v = (A + B) * 0.5 + (A - B) * _twiddles(n, False, cdt, dev)
        _core.assign(_last_view(y, 1, h - 1), v * fct if fct != 1.0 else v)
    rdt = _real_type(cdt)
    sign = _sign_pair(rdt, dev)
    zr = _last_view(Z, 0, 2 * h, dtype=rdt)  # (re, im) pairs
    e = _last_view(zr, 0, 1) + _last_view(zr, 1, 1) * sign
    _core.assign(_last_view(y, 0, 2, h), e * fct if fct != 1.0 else e)
    return y


def _irfft_tangle(X, n, fct):
    """The h-point spectrum (h = n/2, a new C-contiguous array) whose
    unnormalised inverse DFT, read as interleaved real pairs, is fct times
    the unnormalised n-point inverse of the Hermitian half X (h + 1 points
    along the last axis): fct * 2 * (E[k] + i O[k]) with
    2E[k] = X[k] + conj(X[h-k]), 2O[k] = e^{2 pi i k/n} (X[k] - conj(X[h-k])),
    i.e. fct ((X[k] + conj(X[h-k])) + w[k] (X[k] - conj(X[h-k])))
    (_twiddle_values). For k = 0 only the real parts of X[0] and X[h] count,
    as NumPy ignores the imaginary parts of the DC and Nyquist terms."""
    h = n // 2
    cdt, dev = X.dtype, X._device_id
    Z = _empty(X.shape[:-1] + (h,), cdt, device=dev)
    if h > 1:
        A, B = _last_view(X, 1, h - 1), _conj(_last_view(X, h - 1, h - 1, -1))
        v = (A + B) + (A - B) * _twiddles(n, True, cdt, dev)
        _core.assign(_last_view(Z, 1, h - 1), v * fct if fct != 1.0 else v)
    ends = _last_view(X, 0, 2, h).real  # Re X[0], Re X[h]
    _core.assign(_last_view(Z, 0, 1), _last_view(ends, 0, 1) * ((1 + 1j) * fct) +
                 _last_view(ends, 1, 1) * ((1 - 1j) * fct))
    return Z


def _raw_rfft(a, n, axis, norm, out, ufunc_name="rfft"):
    n = _check_n(n)
    fct = _scale(norm, n, True)
    if a.dtype.kind == "c" or a.dtype.kind not in "biuf":
        name = "rfft_n_even" if n % 2 == 0 else "rfft_n_odd"
        raise TypeError(f"ufunc '{name}' not supported for the input types, and the inputs could "
                        f"not be safely coerced to any supported types according to the casting "
                        f"rule ''safe''")
    axis = _normalize_axis_index(axis, a.ndim)
    cdt = _complex_type(a.dtype)
    m = n // 2 + 1
    if n % 2 == 0:
        rdt = _real_type(a.dtype)
        x = _to_last(_fit(a if a.dtype == rdt else a.astype(rdt), n, axis), axis)
        if x.size == 0:
            y = _empty(x.shape[:-1] + (m,), cdt, device=x._device_id)
        else:
            y = _rfft_untangle(_c2c_last(_as_complex_pairs(x, cdt), False), n, fct)
        return _deliver(_from_last(y, axis), out, axis, m)
    x = _moveaxis(_fit(a.astype(cdt), n, axis), axis, -1)
    y = _c2c_last(x, False)[..., :m]
    y = y * fct if fct != 1.0 else y.copy()
    return _deliver(_moveaxis(y, -1, axis), out, axis, m)


def rfft(a, n=None, axis=-1, norm=None, out=None):
    """numpy.fft.rfft: the first n//2 + 1 DFT terms of real input."""
    a = _asarray(a)
    if n is None:
        n = a.shape[axis]
    return _raw_rfft(a, n, axis, norm, out)


def _raw_irfft(a, n, axis, norm, out):
    n = _check_n(n)
    fct = _scale(norm, n, False)
    if a.dtype.kind not in "biufc":
        raise TypeError(f"ufunc 'irfft' not supported for the input type {a.dtype}")
    axis = _normalize_axis_index(axis, a.ndim)
    real_dtype = numpy.result_type(a.real.dtype if a.dtype.kind == "c" else a.dtype, 1.0)
    cdt = _complex_type(a.dtype)
    m = n // 2 + 1
    x = a if a.dtype == cdt else a.astype(cdt)
    x = _to_last(_fit(x, m, axis), axis)
    if n % 2 == 0:
        rdt = _real_type(cdt)
        if x.size == 0:
            y = _empty(x.shape[:-1] + (n,), rdt, device=x._device_id)
        else:
            y = _last_view(_c2c_last(_irfft_tangle(x, n, fct), True), 0, n, dtype=rdt)
        if y.dtype != real_dtype:  # float16 input: computed in float32, as NumPy
            y = y.astype(real_dtype)
        return _deliver(_from_last(y, axis), out, axis, n)
    # The full spectrum: X[k] = conj(X[n - k]) for k = m .. n - 1.
    if n - m > 0:
        x = _concatenate([x, _conj(_flip(x[..., 1:n - m + 1], -1))], axis=-1)
    y = _c2c_last(x, True).real
    y = y * fct if fct != 1.0 else y.copy()
    if y.dtype != real_dtype:  # float16 input: computed in float32, as NumPy
        y = y.astype(real_dtype)
    return _deliver(_moveaxis(y, -1, axis), out, axis, n)


def irfft(a, n=None, axis=-1, norm=None, out=None):
    """numpy.fft.irfft: the inverse of rfft, n real points (default
    2 * (m - 1) for m input points)."""
    a = _asarray(a)
    if n is None:
        n = (a.shape[axis] - 1) * 2
    return _raw_irfft(a, n, axis, norm, out)


def hfft(a, n=None, axis=-1, norm=None, out=None):
    """numpy.fft.hfft: the real spectrum of a Hermitian-symmetric signal."""
    a = _asarray(a)
    if n is None:
        n = (a.shape[axis] - 1) * 2
    new_norm = _swap_direction(norm)
    return irfft(_conj(a), n, axis, norm=new_norm, out=out)


def ihfft(a, n=None, axis=-1, norm=None, out=None):
    """numpy.fft.ihfft: the inverse of hfft (n//2 + 1 complex points)."""
    a = _asarray(a)
    if n is None:
        n = a.shape[axis]
    new_norm = _swap_direction(norm)
    r = rfft(a, n, axis, norm=new_norm)
    return _deliver(_conj(r), out, _normalize_axis_index(axis, a.ndim), r.shape[axis])
