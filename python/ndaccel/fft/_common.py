"""What the transforms share: NumPy's norm rules and scale factors,
dtypes, cropping or zero-padding to n points, the library call over every
row (_c2c_last) and the out= delivery."""
import math
import operator

import numpy

from .. import _core
from .._creation._basic import empty as _empty, zeros as _zeros
from .._manipulation._transpose import moveaxis as _moveaxis
from .._ufunc import UFUNCS as _UFUNCS


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


def _real_type(dtype):
    return numpy.dtype(numpy.float32 if dtype in _SINGLE else numpy.float64)


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
    y = _empty(tuple(shape), x.dtype, device=x._device_id)  # each element written once
    index[axis] = slice(0, m)
    y[tuple(index)] = x
    index[axis] = slice(m, n)
    y[tuple(index)] = 0
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


def _to_last(x, axis):
    return x if axis == x.ndim - 1 else _moveaxis(x, axis, -1)


def _from_last(y, axis):
    return y if axis == y.ndim - 1 else _moveaxis(y, -1, axis)
