"""numpy.lib.stride_tricks for ndaccel: views of a device buffer with the
shape and strides asked for (no data is copied or moved).

Differences from NumPy:
- strides must be multiples of the itemsize (device kernels address whole
  elements): other strides raise NotImplementedError;
- a view reaching outside the device buffer raises ValueError (NumPy
  returns a view of whatever memory lies there);
- subok is accepted and has no effect (ndaccel has one array class).
As in NumPy, writeable=False (sliding_window_view's default) gives a
read-only view, a view of a read-only array is read-only, and elements
that overlap in memory (zero or small strides) must not be written: on a
device the writes race.
"""
import operator

import numpy
from numpy.lib.array_utils import normalize_axis_tuple as _normalize_axis_tuple

from .. import _core
from .._creation._from_data import asarray as _asarray
from .._manipulation._dims import broadcast_arrays, broadcast_to
from .._ndarray import ndarray as _ndarray

__all__ = ["as_strided", "sliding_window_view", "broadcast_to", "broadcast_arrays"]


def _c_strides(shape, itemsize):
    strides, step = [], itemsize
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def as_strided(x, shape=None, strides=None, subok=False, writeable=True):
    """A view of x's device buffer with the given shape and strides in bytes
    (numpy.lib.stride_tricks.as_strided); no data moves. Strides must be
    multiples of the itemsize (else NotImplementedError) and the view must
    stay inside x's buffer (else ValueError)."""
    x = x if isinstance(x, _ndarray) else _asarray(x)
    base = x[...]  # a materialised view: its offset and strides are final
    shape = base.shape if shape is None else tuple(operator.index(n) for n in shape)
    if strides is None:
        strides = _c_strides(shape, base.itemsize) if base._c_contiguous else base.strides
    else:
        strides = tuple(operator.index(s) for s in strides)
    if len(strides) != len(shape):
        raise ValueError("mismatch in length of strides and shape")
    if any(n < 0 for n in shape):
        raise ValueError("negative dimensions are not allowed")
    if any(s % base.itemsize for s in strides):
        raise NotImplementedError(
            f"as_strided with 'strides' {strides} that are not multiples of the itemsize "
            f"({base.itemsize}) is not implemented: device kernels address whole elements")
    try:
        view = _core.view(base, base._offset, shape, strides)
    except ValueError as exc:
        if "outside its buffer" not in str(exc):
            raise
        raise ValueError(f"as_strided: a view of shape {shape} and strides {strides} would "
                         f"reach outside the array's device buffer") from None
    if not writeable:
        view.flags.writeable = False
    return view


def sliding_window_view(x, window_shape, axis=None, *, subok=False, writeable=False):
    """A view of every window of window_shape sliding over x's axes (all of
    them, or `axis`), windows on the last axes
    (numpy.lib.stride_tricks.sliding_window_view); no data moves. Read-only
    unless writeable=True, as in NumPy."""
    window_shape = tuple(window_shape) if numpy.iterable(window_shape) else (window_shape,)
    window_shape = tuple(operator.index(n) for n in window_shape)
    x = x if isinstance(x, _ndarray) else _asarray(x)
    base = x[...]
    if any(n < 0 for n in window_shape):
        raise ValueError("`window_shape` cannot contain negative values")
    if axis is None:
        axis = tuple(range(base.ndim))
        if len(window_shape) != len(axis):
            raise ValueError(f"Since axis is `None`, must provide window_shape for all "
                             f"dimensions of `x`; got {len(window_shape)} window_shape "
                             f"elements and `x.ndim` is {base.ndim}.")
    else:
        axis = _normalize_axis_tuple(axis, base.ndim, allow_duplicate=True)
        if len(window_shape) != len(axis):
            raise ValueError(f"Must provide matching length window_shape and axis; got "
                             f"{len(window_shape)} window_shape elements and {len(axis)} "
                             f"axes elements.")
    out_strides = base.strides + tuple(base.strides[ax] for ax in axis)
    trimmed = list(base.shape)
    for ax, n in zip(axis, window_shape):  # an axis may be windowed repeatedly
        if trimmed[ax] < n:
            raise ValueError("window shape cannot be larger than input array shape")
        trimmed[ax] -= n - 1
    return as_strided(base, shape=tuple(trimmed) + window_shape, strides=out_strides,
                      subok=subok, writeable=writeable)
