"""ndaccel.fft: numpy.fft on the device through the backend's FFT library
(cuFFT on CUDA, VkFFT on OpenCL), with NumPy 2's signatures, dtypes,
normalisations and errors.

Every transform is a sequence of batched 1-D complex-to-complex transforms
(_core.fft_c2c): the axis is moved last and made contiguous, the library
transforms every row, and the result is scaled (a fused elementwise
operation) and moved back.

Real transforms of even length n run through ONE complex transform of
length h = n/2 (the standard packing): the n contiguous real points are
reinterpreted, without a copy, as h complex points z[j] = x[2j] + i x[2j+1];
rfft transforms them and untangles X[k], k = 1..h-1, with one fused
elementwise expression over Z and its reversed view, and the real X[0],
X[h] with a second, tiny one (_rfft_untangle); irfft builds Z from the
Hermitian half the inverse way (_irfft_tangle), inverse-transforms it and
reads the complex result as the n interleaved real outputs; the norm
factor rides in those expressions. The twiddles e^{-+2 pi i k/n} are
computed in float64 on the host, rounded once to the working precision and
cached on the device per (n, direction, precision, device). Odd n runs on
complexified data: rfft keeps the first n//2 + 1 outputs of an n-point
complex transform; irfft extends its input to the full Hermitian spectrum,
transforms it and keeps the real part. Either way, as NumPy, irfft ignores
the imaginary parts of the DC and Nyquist terms.

Precision: float16/float32/complex64 are transformed in single precision
(complex64 results; irfft returns the input's real type), everything else
in double precision, as NumPy 2. A device without an FFT library raises
NotImplementedError naming what to install."""
import collections
import math
import operator
import warnings

import numpy
from numpy.lib.array_utils import normalize_axis_index as _normalize_axis_index

from . import _core, _dtypes
from ._creation import arange as _arange, asarray as _asarray, empty as _empty, zeros as _zeros
from ._manipulation import (concatenate as _concatenate, flip as _flip, moveaxis as _moveaxis,
                            roll as _roll)
from ._ufunc import UFUNCS as _UFUNCS

__all__ = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fftn", "ifftn", "rfftn", "irfftn",
           "fft2", "ifft2", "rfft2", "irfft2", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]

_conj = _UFUNCS["conjugate"]
_SINGLE = (numpy.dtype(numpy.float16), numpy.dtype(numpy.float32),
           numpy.dtype(numpy.complex64))
_SWAP_DIRECTION = {"backward": "forward", None: "forward", "ortho": "ortho",
                   "forward": "backward"}


def _norm_error(norm):
    return ValueError(f'Invalid norm value {norm}; should be "backward","ortho" or "forward".')


def _swap_direction(norm):
    try:
        return _SWAP_DIRECTION[norm]
    except (KeyError, TypeError):
        raise ValueError(f'Invalid norm value {norm}; should be "backward", '
                         '"ortho" or "forward".') from None


def _scale(norm, n, forward):
    """NumPy's factor for an n-point transform: 1, 1/sqrt(n) or 1/n."""
    if not forward:
        norm = _swap_direction(norm)
    if norm is None or norm == "backward":
        return 1.0
    if norm == "ortho":
        return 1.0 / math.sqrt(n)  # a Python float: weak, keeps single precision
    if norm == "forward":
        return 1.0 / n
    raise _norm_error(norm)


def _complex_type(dtype):
    return numpy.dtype(numpy.complex64 if dtype in _SINGLE else numpy.complex128)


def _fit(x, n, axis):
    """x cropped or zero-padded to n points along axis."""
    m = x.shape[axis]
    if m == n:
        return x
    index = [slice(None)] * x.ndim
    if m > n:
        index[axis] = slice(0, n)
        return x[tuple(index)]
    shape = list(x.shape)
    shape[axis] = n
    y = _zeros(tuple(shape), x.dtype, device=x._device_id)
    index[axis] = slice(0, m)
    y[tuple(index)] = x
    return y


def _c2c_last(x, inverse):
    """Unnormalised transforms of every row of x (complex, transformed axis
    last); a new C-contiguous array."""
    n = x.shape[-1]
    out = _empty(x.shape, x.dtype, device=x._device_id)
    if x.size == 0:
        return out
    if not x._c_contiguous:
        x = x.copy()
    _core.fft_c2c(x, out, n, x.size // n, inverse)
    return out


def _check_n(n):
    n = operator.index(n)
    if n < 1:
        raise ValueError(f"Invalid number of FFT data points ({n}) specified.")
    return n


def _deliver(result, out, axis, n_out):
    """Writes result into out (NumPy's checks) or returns it."""
    if out is None:
        return result
    shape = getattr(out, "shape", None)
    if shape is not None and (len(shape) != result.ndim or shape[axis] != n_out):
        raise ValueError("output array has wrong shape.")
    if not hasattr(out, "_device_id"):
        raise TypeError("out must be an ndaccel array")
    if not numpy.can_cast(result.dtype, out.dtype, "same_kind"):
        raise TypeError(f"Cannot cast ufunc output from {result.dtype!r} to {out.dtype!r} with "
                        f"casting rule 'same_kind'")
    out[...] = result
    return out


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


def _real_type(dtype):
    return numpy.dtype(numpy.float32 if dtype in _SINGLE else numpy.float64)


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


# The packed path builds its views with _core.view directly: for small
# transforms the general indexing path's Python cost is most of the time.

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


def _to_last(x, axis):
    return x if axis == x.ndim - 1 else _moveaxis(x, axis, -1)


def _from_last(y, axis):
    return y if axis == y.ndim - 1 else _moveaxis(y, -1, axis)


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


# ---------------------------------------------------------------- n-d

def _cook_nd_args(a, s=None, axes=None, invreal=False):
    """NumPy 2's rules (and deprecation warnings) for s and axes."""
    if s is None:
        shapeless = True
        if axes is None:
            s = list(a.shape)
        else:
            s = list(numpy.take(a.shape, axes))
    else:
        shapeless = False
    s = list(s)
    if axes is None:
        if not shapeless:
            warnings.warn("`axes` should not be `None` if `s` is not `None` (Deprecated in "
                          "NumPy 2.0). In a future version of NumPy, this will raise an error "
                          "and `s[i]` will correspond to the size along the transformed axis "
                          "specified by `axes[i]`. To retain current behaviour, pass a sequence "
                          "[0, ..., k-1] to `axes` for an array of dimension k.",
                          DeprecationWarning, stacklevel=4)
        axes = list(range(-len(s), 0))
    axes = list(axes)
    if len(s) != len(axes):
        raise ValueError("Shape and axes have different lengths.")
    if invreal and shapeless:
        s[-1] = (a.shape[axes[-1]] - 1) * 2
    if None in s:
        warnings.warn("Passing an array containing `None` values to `s` is deprecated in NumPy "
                      "2.0 and will raise an error in a future version of NumPy. To use the "
                      "default behaviour of the corresponding 1-D transform, pass the value "
                      "matching the default for its `n` parameter. To use the default "
                      "behaviour for every axis, the `s` argument can be omitted.",
                      DeprecationWarning, stacklevel=4)
    s = [a.shape[ax] if sz == -1 else sz for sz, ax in zip(s, axes)]
    return s, axes


def _raw_fftnd(a, s, axes, function, norm, out):
    a = _asarray(a)
    s, axes = _cook_nd_args(a, s, axes)
    for ii in reversed(range(len(axes))):
        a = function(a, n=s[ii], axis=axes[ii], norm=norm, out=out)
    return a


def fftn(a, s=None, axes=None, norm=None, out=None):
    """numpy.fft.fftn: the DFT over several axes (all by default)."""
    return _raw_fftnd(a, s, axes, fft, norm, out)


def ifftn(a, s=None, axes=None, norm=None, out=None):
    """numpy.fft.ifftn: the inverse DFT over several axes."""
    return _raw_fftnd(a, s, axes, ifft, norm, out)


def fft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """numpy.fft.fft2: fftn over the last two axes."""
    return _raw_fftnd(a, s, axes, fft, norm, out)


def ifft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """numpy.fft.ifft2: ifftn over the last two axes."""
    return _raw_fftnd(a, s, axes, ifft, norm, out)


def rfftn(a, s=None, axes=None, norm=None, out=None):
    """numpy.fft.rfftn: rfft over the last axis, then fft over the others."""
    a = _asarray(a)
    s, axes = _cook_nd_args(a, s, axes)
    a = rfft(a, s[-1], axes[-1], norm, out=out)
    for ii in range(len(axes) - 2, -1, -1):
        a = fft(a, s[ii], axes[ii], norm, out=out)
    return a


def rfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """numpy.fft.rfft2: rfftn over the last two axes."""
    return rfftn(a, s, axes, norm, out=out)


def irfftn(a, s=None, axes=None, norm=None, out=None):
    """numpy.fft.irfftn: ifft over all axes but the last, then irfft."""
    a = _asarray(a)
    s, axes = _cook_nd_args(a, s, axes, invreal=True)
    for ii in range(len(axes) - 1):
        a = ifft(a, s[ii], axes[ii], norm)
    return irfft(a, s[-1], axes[-1], norm, out=out)


def irfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """numpy.fft.irfft2: irfftn over the last two axes."""
    return irfftn(a, s, axes, norm, out=out)


# ---------------------------------------------------------------- helpers

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


def fftfreq(n, d=1.0, device=None):
    """numpy.fft.fftfreq: sample frequencies [0, 1, ..., -1] / (d * n)."""
    if not isinstance(n, (int, numpy.integer)):
        raise ValueError("n should be an integer")
    val = 1.0 / (n * d)
    N = (n - 1) // 2 + 1
    results = _concatenate([_arange(0, N, dtype=int, device=device),
                            _arange(-(n // 2), 0, dtype=int, device=device)])
    return results * val


def rfftfreq(n, d=1.0, device=None):
    """numpy.fft.rfftfreq: sample frequencies [0, 1, ..., n//2] / (d * n)."""
    if not isinstance(n, (int, numpy.integer)):
        raise ValueError("n should be an integer")
    val = 1.0 / (n * d)
    return _arange(0, n // 2 + 1, dtype=int, device=device) * val
