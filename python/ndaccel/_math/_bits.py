"""Bits packed into and unpacked from uint8 bytes on the device: packbits
(each group of 8 truth values weighted by powers of two and summed) and
unpackbits (shifts and masks), along an axis or the flattened array, in
big- or little-endian bit order."""
import operator

import numpy

from .._axes import normalize_axis_index
from .._creation._basic import zeros
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._manipulation._join import concatenate
from .._manipulation._transpose import moveaxis
from .._statistics._reductions import sum as _sum
from .._ufunc import UFUNCS

_WEIGHTS = (128, 64, 32, 16, 8, 4, 2, 1)


def _flat_axis(a, axis):
    """(a, axis) with axis=None (or a 0-d a) meaning the flattened array, as NumPy."""
    if axis is None or a.ndim == 0:
        return a.reshape(-1), 0
    return a, normalize_axis_index(operator.index(axis), a.ndim)


def _with_length(x, n):
    """x cut or zero-padded to length n along its last axis."""
    have = x.shape[-1]
    if n <= have:
        return x[..., :n]
    pad = zeros(x.shape[:-1] + (n - have,), dtype=x.dtype, device=x._device_id)
    return concatenate([x, pad], axis=-1)


def packbits(a, /, axis=None, bitorder="big"):
    """The truth values of a (nonzero elements are 1) packed 8 to a uint8 byte along axis
    (the flattened array for axis=None), the last byte zero-padded, on the device
    (numpy.packbits)."""
    if not isinstance(bitorder, str):
        raise TypeError(f"pack() argument 3 must be str, not {type(bitorder).__name__}")
    if bitorder.startswith("little"):
        weights = _WEIGHTS[::-1]
    elif bitorder.startswith("big"):
        weights = _WEIGHTS
    else:
        raise ValueError("'order' must be either 'little' or 'big'")
    a = _arr(a)
    if a.dtype.kind not in "biu":
        raise TypeError("Expected an input array of integer or boolean data type")
    a, axis = _flat_axis(a, axis)
    m = moveaxis(UFUNCS["not_equal"](a, 0), axis, -1)
    nbytes = -(-m.shape[-1] // 8)
    m = _with_length(m, nbytes * 8).reshape(m.shape[:-1] + (nbytes, 8))
    w = _arr(numpy.array(weights, dtype=numpy.uint8), device=a._device_id)
    packed = _sum(UFUNCS["multiply"](m, w), axis=-1, dtype=numpy.uint8)
    return moveaxis(packed, -1, axis)


def unpackbits(a, /, axis=None, count=None, bitorder="big"):
    """The bits of the uint8 array a as a uint8 array of 0s and 1s, 8 per byte along axis (the
    flattened array for axis=None), the first count of them (count < 0: all but the last
    -count; more than there are: zero-padded), on the device (numpy.unpackbits)."""
    if not isinstance(bitorder, str):
        raise TypeError(f"unpack() argument 4 must be str, not {type(bitorder).__name__}")
    if bitorder.startswith("l"):
        shifts = tuple(range(8))
    elif bitorder.startswith("b"):
        shifts = tuple(range(7, -1, -1))
    else:
        raise ValueError("'order' must begin with 'l' or 'b'")
    a = _arr(a)
    if a.dtype != numpy.uint8:
        raise TypeError("Expected an input array of unsigned byte data type")
    if count is not None:
        count = operator.index(count)
    a, axis = _flat_axis(a, axis)
    m = moveaxis(a, axis, -1)
    s = _arr(numpy.array(shifts, dtype=numpy.uint8), device=a._device_id)
    bits = UFUNCS["bitwise_and"](UFUNCS["right_shift"](m[..., None], s), numpy.uint8(1))
    total = m.shape[-1] * 8
    bits = bits.reshape(m.shape[:-1] + (total,))
    if count is not None:
        keep = count if count >= 0 else total + count
        if keep < 0:
            raise ValueError("-count larger than number of elements")
        bits = _with_length(bits, keep)
    return moveaxis(bits, -1, axis)
