"""Basic indexing (ints, slices, None, Ellipsis) as views."""
import operator

import numpy

from . import _core


def _is_advanced(k):
    from ._ndarray import ndarray
    return isinstance(k, (ndarray, numpy.ndarray, list)) or (
        isinstance(k, (bool, numpy.bool_)))


def _as_index(k):
    try:
        return operator.index(k)
    except TypeError:
        raise IndexError("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis "
                         "(`None`) and integer or boolean arrays are valid indices") from None


def view_for(a, key):
    """The view a[key] for a basic index; NotImplementedError for advanced
    (integer-array or boolean) indices."""
    if not isinstance(key, tuple):
        key = (key,)
    if any(_is_advanced(k) for k in key):
        raise NotImplementedError("advanced indexing (integer or boolean array indices) is "
                                  "not implemented in ndaccel yet")
    n_ellipsis = sum(1 for k in key if k is Ellipsis)
    if n_ellipsis > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    consumed = sum(1 for k in key if k is not None and k is not Ellipsis)
    if consumed > a.ndim:
        raise IndexError(f"too many indices for array: array is {a.ndim}-dimensional, "
                         f"but {consumed} were indexed")
    if n_ellipsis:
        i = next(i for i, k in enumerate(key) if k is Ellipsis)
        key = key[:i] + (slice(None),) * (a.ndim - consumed) + key[i + 1:]
    else:
        key = key + (slice(None),) * (a.ndim - consumed)

    shape, strides = a.shape, a.strides
    offset = a._offset
    new_shape, new_strides = [], []
    axis = 0
    for k in key:
        if k is None:
            new_shape.append(1)
            new_strides.append(0)
            continue
        if isinstance(k, slice):
            start, stop, step = k.indices(shape[axis])
            length = len(range(start, stop, step))
            if length > 0:
                offset += start * strides[axis]
            new_shape.append(length)
            new_strides.append(strides[axis] * step)
            axis += 1
            continue
        i = _as_index(k)
        n = shape[axis]
        if i < -n or i >= n:
            raise IndexError(f"index {i} is out of bounds for axis {axis} with size {n}")
        if i < 0:
            i += n
        offset += i * strides[axis]
        axis += 1
    return _core.view(a, offset, tuple(new_shape), tuple(new_strides))
