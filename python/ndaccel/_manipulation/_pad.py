"""pad on the device with NumPy's modes (numpy.pad; the algorithm of
numpy/lib/_arraypad_impl.py): the result is allocated once, the input
copied into its middle, and each axis's pad areas filled by slice copies
and fused elementwise expressions; the statistic modes reduce the
stat_length edge slices along the axis."""
import numpy

from .. import _core
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._creation._ranges import linspace
from .._ndarray import ndarray
from .._statistics._order import median
from .._statistics._reductions import max as amax, mean, min as amin
from .._ufunc import UFUNCS
from ._dims import squeeze
from ._helpers import _at, _empty


def _as_pairs(x, ndim, as_index=False):
    if x is None:
        return ((None, None),) * ndim
    x = numpy.array(x.get() if isinstance(x, ndarray) else x)
    if as_index:
        x = numpy.round(x).astype(numpy.intp, copy=False)
    if x.ndim < 3:
        if x.size == 1:
            x = x.ravel()
            if as_index and x < 0:
                raise ValueError("index can't contain negative values")
            return ((x[0], x[0]),) * ndim
        if x.size == 2 and x.shape != (2, 1):
            x = x.ravel()
            if as_index and (x[0] < 0 or x[1] < 0):
                raise ValueError("index can't contain negative values")
            return ((x[0], x[1]),) * ndim
    if as_index and x.min() < 0:
        raise ValueError("index can't contain negative values")
    return numpy.broadcast_to(x, (ndim, 2)).tolist()


def _pad_set(padded, sl, value):
    view = padded[sl if Ellipsis in sl else sl + (Ellipsis,)]  # a view, also when 0-d
    if view.size == 0:
        return
    if isinstance(value, ndarray):
        _core.assign(view, value)
    else:
        view[...] = value


def _set_pad_area(padded, axis, width_pair, value_pair):
    _pad_set(padded, _at(axis, slice(None, width_pair[0])), value_pair[0])
    _pad_set(padded, _at(axis, slice(padded.shape[axis] - width_pair[1], None)), value_pair[1])


def _get_edges(padded, axis, width_pair):
    left = width_pair[0]
    right = padded.shape[axis] - width_pair[1]
    return (padded[_at(axis, slice(left, left + 1))],
            padded[_at(axis, slice(right - 1, right))])


def _view_roi(array, original_area_slice, axis):
    axis += 1
    return array[(slice(None),) * axis + original_area_slice[axis:]]


def _get_linear_ramps(padded, axis, width_pair, end_value_pair):
    edge_pair = _get_edges(padded, axis, width_pair)
    left_ramp, right_ramp = (
        linspace(end_value, squeeze(edge, axis), num=width, endpoint=False,
                 dtype=padded.dtype, axis=axis)
        for end_value, edge, width in zip(end_value_pair, edge_pair, width_pair))
    right_ramp = right_ramp[_at(axis, slice(None, None, -1))]
    return left_ramp, right_ramp


# The statistic modes: NumPy's functions, reducing along the axis (keepdims).
_STATISTICS = {"maximum": amax, "minimum": amin, "mean": mean, "median": median}


def _get_stats(padded, axis, width_pair, length_pair, mode):
    """The statistic of the stat_length values next to each pad area
    (NumPy's _get_stats): (left, right) arrays of length 1 along axis,
    rounded half to even for an integer array, as NumPy."""
    left_index = width_pair[0]
    right_index = padded.shape[axis] - width_pair[1]
    max_length = right_index - left_index
    left_length, right_length = length_pair
    if left_length is None or max_length < left_length:
        left_length = max_length
    if right_length is None or max_length < right_length:
        right_length = max_length
    if (left_length == 0 or right_length == 0) and mode in ("maximum", "minimum"):
        raise ValueError("stat_length of 0 yields no value for padding")

    def stat(lo, hi):
        r = _STATISTICS[mode](padded[_at(axis, slice(lo, hi))], axis=axis, keepdims=True)
        if padded.dtype.kind in "iu" and r.dtype.kind == "f":
            r = UFUNCS["rint"](r)
        return r

    left_stat = stat(left_index, left_index + left_length)
    if left_length == right_length == max_length:
        return left_stat, left_stat  # the same values on both sides
    return left_stat, stat(right_index - right_length, right_index)


def _set_reflect_both(padded, axis, width_pair, method, original_period, include_edge=False):
    left_pad, right_pad = width_pair
    old_length = padded.shape[axis] - right_pad - left_pad
    if include_edge:
        old_length = old_length // original_period * original_period
        edge_offset = 1
    else:
        old_length = ((old_length - 1) // (original_period - 1) * (original_period - 1) + 1)
        edge_offset = 0
        old_length -= 1
    if left_pad > 0:
        chunk_length = min(old_length, left_pad)
        stop = left_pad - edge_offset
        start = stop + chunk_length
        left_chunk = padded[_at(axis, slice(start, stop, -1))]
        if method == "odd":
            edge = padded[_at(axis, slice(left_pad, left_pad + 1))]
            left_chunk = 2 * edge - left_chunk
        _pad_set(padded, _at(axis, slice(left_pad - chunk_length, left_pad)), left_chunk)
        left_pad -= chunk_length
    if right_pad > 0:
        chunk_length = min(old_length, right_pad)
        start = -right_pad + edge_offset - 2
        stop = start - chunk_length
        right_chunk = padded[_at(axis, slice(start, stop, -1))]
        if method == "odd":
            edge = padded[_at(axis, slice(-right_pad - 1, -right_pad))]
            right_chunk = 2 * edge - right_chunk
        start = padded.shape[axis] - right_pad
        _pad_set(padded, _at(axis, slice(start, start + chunk_length)), right_chunk)
        right_pad -= chunk_length
    return left_pad, right_pad


def _set_wrap_both(padded, axis, width_pair, original_period):
    left_pad, right_pad = width_pair
    period = padded.shape[axis] - right_pad - left_pad
    period = period // original_period * original_period
    new_left_pad = new_right_pad = 0
    if left_pad > 0:
        slice_end = left_pad + period
        slice_start = slice_end - min(period, left_pad)
        right_chunk = padded[_at(axis, slice(slice_start, slice_end))]
        if left_pad > period:
            pad_area = _at(axis, slice(left_pad - period, left_pad))
            new_left_pad = left_pad - period
        else:
            pad_area = _at(axis, slice(None, left_pad))
        _pad_set(padded, pad_area, right_chunk)
    if right_pad > 0:
        slice_start = -right_pad - period
        slice_end = slice_start + min(period, right_pad)
        left_chunk = padded[_at(axis, slice(slice_start, slice_end))]
        if right_pad > period:
            pad_area = _at(axis, slice(-right_pad, -right_pad + period))
            new_right_pad = right_pad - period
        else:
            pad_area = _at(axis, slice(-right_pad, None))
        _pad_set(padded, pad_area, left_chunk)
    return new_left_pad, new_right_pad


_PAD_KWARGS = {
    "empty": [], "edge": [], "wrap": [], "constant": ["constant_values"],
    "linear_ramp": ["end_values"], "maximum": ["stat_length"], "mean": ["stat_length"],
    "median": ["stat_length"], "minimum": ["stat_length"], "reflect": ["reflect_type"],
    "symmetric": ["reflect_type"],
}


def pad(array, pad_width, mode="constant", **kwargs):
    """A new device array: array padded with NumPy's modes (numpy.pad).

    The statistic modes ('maximum', 'minimum', 'mean', 'median') reduce the
    stat_length values next to each pad area on the device. A callable mode
    raises NotImplementedError (NumPy calls it on host 1-D vectors)."""
    array = _arr(array)
    if isinstance(pad_width, dict):
        seq = [(0, 0)] * array.ndim
        for ax, width in pad_width.items():
            if isinstance(width, int):
                seq[ax] = width, width
            elif isinstance(width, tuple) and len(width) == 2 and \
                    all(isinstance(w, int) for w in width):
                seq[ax] = width
            else:
                raise TypeError(f"invalid pad width for axis {ax}: {width!r}")
        pad_width = seq
    pad_width = numpy.asarray(pad_width.get() if isinstance(pad_width, ndarray) else pad_width)
    if not pad_width.dtype.kind == "i":
        raise TypeError("`pad_width` must be of integral type.")
    pad_width = _as_pairs(pad_width, array.ndim, as_index=True)
    pad_width = [(int(lo), int(hi)) for lo, hi in pad_width]

    if callable(mode):
        raise NotImplementedError("pad with a function as mode calls it on host 1-D "
                                  "vectors; not implemented in ndaccel")
    try:
        unsupported = set(kwargs) - set(_PAD_KWARGS[mode])
    except (KeyError, TypeError):
        raise ValueError(f"mode '{mode}' is not supported") from None
    if unsupported:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': {unsupported}")

    new_shape = tuple(lo + n + hi for n, (lo, hi) in zip(array.shape, pad_width))
    padded = _empty(new_shape, array.dtype, array)
    original_area_slice = tuple(slice(lo, lo + n) for n, (lo, hi) in zip(array.shape, pad_width))
    _pad_set(padded, original_area_slice, array)
    axes = range(padded.ndim)

    if mode == "constant":
        values = _as_pairs(kwargs.get("constant_values", 0), padded.ndim)
        for axis, width_pair, value_pair in zip(axes, pad_width, values):
            roi = _view_roi(padded, original_area_slice, axis)
            _set_pad_area(roi, axis, width_pair, value_pair)
    elif mode == "empty":
        pass
    elif array.size == 0:
        for axis, width_pair in zip(axes, pad_width):
            if array.shape[axis] == 0 and any(width_pair):
                raise ValueError(f"can't extend empty axis {axis} using modes other than "
                                 "'constant' or 'empty'")
    elif mode == "edge":
        for axis, width_pair in zip(axes, pad_width):
            roi = _view_roi(padded, original_area_slice, axis)
            _set_pad_area(roi, axis, width_pair, _get_edges(roi, axis, width_pair))
    elif mode == "linear_ramp":
        end_values = _as_pairs(kwargs.get("end_values", 0), padded.ndim)
        for axis, width_pair, value_pair in zip(axes, pad_width, end_values):
            roi = _view_roi(padded, original_area_slice, axis)
            ramps = _get_linear_ramps(roi, axis, width_pair, value_pair)
            _set_pad_area(roi, axis, width_pair, ramps)
    elif mode in _STATISTICS:
        lengths = _as_pairs(kwargs.get("stat_length"), padded.ndim, as_index=True)
        for axis, width_pair, length_pair in zip(axes, pad_width, lengths):
            roi = _view_roi(padded, original_area_slice, axis)
            _set_pad_area(roi, axis, width_pair,
                          _get_stats(roi, axis, width_pair, length_pair, mode))
    elif mode in ("reflect", "symmetric"):
        method = kwargs.get("reflect_type", "even")
        include_edge = mode == "symmetric"
        for axis, (left, right) in zip(axes, pad_width):
            if array.shape[axis] == 1 and (left > 0 or right > 0):
                edge_pair = _get_edges(padded, axis, (left, right))
                _set_pad_area(padded, axis, (left, right), edge_pair)
                continue
            roi = _view_roi(padded, original_area_slice, axis)
            while left > 0 or right > 0:
                left, right = _set_reflect_both(roi, axis, (left, right), method,
                                                array.shape[axis], include_edge)
    elif mode == "wrap":
        for axis, (left, right) in zip(axes, pad_width):
            roi = _view_roi(padded, original_area_slice, axis)
            period = padded.shape[axis] - right - left
            while left > 0 or right > 0:
                left, right = _set_wrap_both(roi, axis, (left, right), period)
    return padded
