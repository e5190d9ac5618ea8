"""ndaccel.fft: numpy.fft on the device through the backend's FFT library
(cuFFT on CUDA, VkFFT on OpenCL), with NumPy 2's signatures, dtypes,
normalisations and errors.

Every transform is a sequence of batched 1-D complex-to-complex transforms
(_core.fft_c2c): the axis is moved last and made contiguous, the library
transforms every row, and the result is scaled (a fused elementwise
operation) and moved back. Real transforms run on complexified data:
rfft keeps the first n//2 + 1 outputs; irfft extends its input to the full
Hermitian spectrum, transforms it and keeps the real part (so, as NumPy,
the imaginary parts of the DC and Nyquist terms are ignored).

Precision: float16/float32/complex64 are transformed in single precision
(complex64 results; irfft returns the input's real type), everything else
in double precision, as NumPy 2. A device without an FFT library raises
NotImplementedError naming what to install."""
import math
import operator
import warnings

import numpy
from numpy.lib.array_utils import normalize_axis_index

from . import _core
from ._creation import arange, asarray, empty, zeros
from ._manipulation import concatenate, flip, moveaxis, roll
from ._ufunc import UFUNCS

__all__ = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fftn", "ifftn", "rfftn", "irfftn",
           "fft2", "ifft2", "rfft2", "irfft2", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]

_conj = UFUNCS["conjugate"]
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
    y = zeros(tuple(shape), x.dtype, device=x._device_id)
    index[axis] = slice(0, m)
    y[tuple(index)] = x
    return y


def _c2c_last(x, inverse):
    """Unnormalised transforms of every row of x (complex, transformed axis
    last); a new C-contiguous array."""
    n = x.shape[-1]
    out = empty(x.shape, x.dtype, device=x._device_id)
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
    axis = normalize_axis_index(axis, a.ndim)
    cdt = _complex_type(a.dtype)
    x = a if a.dtype == cdt else a.astype(cdt)
    x = moveaxis(_fit(x, n, axis), axis, -1)
    y = _c2c_last(x, not forward)
    if fct != 1.0:
        y = y * fct
    return _deliver(moveaxis(y, -1, axis), out, axis, n)


def fft(a, n=None, axis=-1, norm=None, out=None):
    """numpy.fft.fft: the n-point DFT along axis."""
    a = asarray(a)
    if n is None:
        n = a.shape[axis]
    return _raw_c2c(a, n, axis, True, norm, out)


def ifft(a, n=None, axis=-1, norm=None, out=None):
    """numpy.fft.ifft: the n-point inverse DFT along axis."""
    a = asarray(a)
    if n is None:
        n = a.shape[axis]
    return _raw_c2c(a, n, axis, False, norm, out)


def _raw_rfft(a, n, axis, norm, out, ufunc_name="rfft"):
    n = _check_n(n)
    fct = _scale(norm, n, True)
    if a.dtype.kind == "c" or a.dtype.kind not in "biuf":
        name = "rfft_n_even" if n % 2 == 0 else "rfft_n_odd"
        raise TypeError(f"ufunc '{name}' not supported for the input types, and the inputs could "
                        f"not be safely coerced to any supported types according to the casting "
                        f"rule ''safe''")
    axis = normalize_axis_index(axis, a.ndim)
    x = moveaxis(_fit(a.astype(_complex_type(a.dtype)), n, axis), axis, -1)
    m = n // 2 + 1
    y = _c2c_last(x, False)[..., :m]
    y = y * fct if fct != 1.0 else y.copy()
    return _deliver(moveaxis(y, -1, axis), out, axis, m)


def rfft(a, n=None, axis=-1, norm=None, out=None):
    """numpy.fft.rfft: the first n//2 + 1 DFT terms of real input."""
    a = asarray(a)
    if n is None:
        n = a.shape[axis]
    return _raw_rfft(a, n, axis, norm, out)


def _raw_irfft(a, n, axis, norm, out):
    n = _check_n(n)
    fct = _scale(norm, n, False)
    if a.dtype.kind not in "biufc":
        raise TypeError(f"ufunc 'irfft' not supported for the input type {a.dtype}")
    axis = normalize_axis_index(axis, a.ndim)
    real_dtype = numpy.result_type(a.real.dtype if a.dtype.kind == "c" else a.dtype, 1.0)
    cdt = _complex_type(a.dtype)
    m = n // 2 + 1
    x = a if a.dtype == cdt else a.astype(cdt)
    x = moveaxis(_fit(x, m, axis), axis, -1)
    # The full spectrum: X[k] = conj(X[n - k]) for k = m .. n - 1.
    if n - m > 0:
        x = concatenate([x, _conj(flip(x[..., 1:n - m + 1], -1))], axis=-1)
    y = _c2c_last(x, True).real
    y = y * fct if fct != 1.0 else y.copy()
    if y.dtype != real_dtype:  # float16 input: computed in float32, as NumPy
        y = y.astype(real_dtype)
    return _deliver(moveaxis(y, -1, axis), out, axis, n)


def irfft(a, n=None, axis=-1, norm=None, out=None):
    """numpy.fft.irfft: the inverse of rfft, n real points (default
    2 * (m - 1) for m input points)."""
    a = asarray(a)
    if n is None:
        n = (a.shape[axis] - 1) * 2
    return _raw_irfft(a, n, axis, norm, out)


def hfft(a, n=None, axis=-1, norm=None, out=None):
    """numpy.fft.hfft: the real spectrum of a Hermitian-symmetric signal."""
    a = asarray(a)
    if n is None:
        n = (a.shape[axis] - 1) * 2
    new_norm = _swap_direction(norm)
    return irfft(_conj(a), n, axis, norm=new_norm, out=out)


def ihfft(a, n=None, axis=-1, norm=None, out=None):
    """numpy.fft.ihfft: the inverse of hfft (n//2 + 1 complex points)."""
    a = asarray(a)
    if n is None:
        n = a.shape[axis]
    new_norm = _swap_direction(norm)
    r = rfft(a, n, axis, norm=new_norm)
    return _deliver(_conj(r), out, normalize_axis_index(axis, a.ndim), r.shape[axis])


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
    a = asarray(a)
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
    a = asarray(a)
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
    a = asarray(a)
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
    x = asarray(x)
    if axes is None:
        axes = tuple(range(x.ndim))
        shift = [dim // 2 for dim in x.shape]
    elif isinstance(axes, (int, numpy.integer)):
        shift = x.shape[axes] // 2
    else:
        shift = [x.shape[ax] // 2 for ax in axes]
    return roll(x, shift, axes)


def ifftshift(x, axes=None):
    """numpy.fft.ifftshift: the inverse of fftshift."""
    x = asarray(x)
    if axes is None:
        axes = tuple(range(x.ndim))
        shift = [-(dim // 2) for dim in x.shape]
    elif isinstance(axes, (int, numpy.integer)):
        shift = -(x.shape[axes] // 2)
    else:
        shift = [-(x.shape[ax] // 2) for ax in axes]
    return roll(x, shift, axes)


def fftfreq(n, d=1.0, device=None):
    """numpy.fft.fftfreq: sample frequencies [0, 1, ..., -1] / (d * n)."""
    if not isinstance(n, (int, numpy.integer)):
        raise ValueError("n should be an integer")
    val = 1.0 / (n * d)
    N = (n - 1) // 2 + 1
    results = concatenate([arange(0, N, dtype=int, device=device),
                           arange(-(n // 2), 0, dtype=int, device=device)])
    return results * val


def rfftfreq(n, d=1.0, device=None):
    """numpy.fft.rfftfreq: sample frequencies [0, 1, ..., n//2] / (d * n)."""
    if not isinstance(n, (int, numpy.integer)):
        raise ValueError("n should be an integer")
    val = 1.0 / (n * d)
    return arange(0, n // 2 + 1, dtype=int, device=device) * val
