"""Basic indexing (integers, slices, None, Ellipsis) as views, and reading
one element as a NumPy scalar. A foundation module, below the ndarray
class: it tells device arrays by their C base type, _core.ndarray_base."""
import operator

import numpy

from .. import _core, _transfer


def _is_advanced(k):
    return isinstance(k, (_core.ndarray_base, numpy.ndarray, list)) or (
        isinstance(k, (bool, numpy.bool_)))


def _as_index(k):
    try:
        return operator.index(k)
    except TypeError:
        raise IndexError("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis "
                         "(`None`) and integer or boolean arrays are valid indices") from None


def _is_bool_scalar(k):
    return isinstance(k, (bool, numpy.bool_))


def is_advanced_key(key):
    """Whether key needs advanced indexing (arrays, lists, masks, and bool
    scalars: NumPy indexes with True / False as 0-d masks, a copy)."""
    if not isinstance(key, tuple):
        key = (key,)
    return any(_is_advanced(k) for k in key)


def _slice_axis(k, n, stride):
    """(byte offset of its first element, length, byte stride) of slice k over an
    axis of n elements with the given stride."""
    start, stop, step = k.indices(n)
    length = len(range(start, stop, step))
    return (start * stride if length > 0 else 0), length, stride * step


def slices_view(a, key):
    """a[key] for a tuple of slices, at most one per axis (the common case of
    stencils: u[1:-1, 2:]), without view_for's general parsing; None for any
    other key (in C: 0.4 us against NumPy's 0.2)."""
    return _core.slices_view(a, key)


def view_for(a, key):
    """The view a[key] for a basic index (ints, slices, None, Ellipsis)."""
    v = slices_view(a, key if type(key) is tuple else (key,)) \
        if type(key) is tuple or type(key) is slice else None
    if v is not None:
        return v
    if not isinstance(key, tuple):
        key = (key,)
    if any(_is_advanced(k) for k in key):
        raise NotImplementedError("advanced index in a basic-indexing path")
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
            skip, length, stride = _slice_axis(k, shape[axis], strides[axis])
            offset += skip
            new_shape.append(length)
            new_strides.append(stride)
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
    if len(new_shape) > _core.MAXDIMS:
        raise IndexError(f"number of dimensions must be within [0, {_core.MAXDIMS}], indexing "
                         f"result would have {len(new_shape)}")
    return _core.view(a, offset, tuple(new_shape), tuple(new_strides))


def _is_int_key(k):
    return (type(k) is int or isinstance(k, numpy.integer)) and not isinstance(k, numpy.bool_)


def _is_element_key(key, ndim):
    """Whether a[key] selects one element by integers (NumPy returns a scalar)."""
    if type(key) is tuple:
        return len(key) == ndim and all(_is_int_key(k) for k in key)
    return ndim == 1 and _is_int_key(key)


def _element(a, key):
    """a[key] (one integer per axis) as a NumPy scalar: a host copy."""
    _transfer.implicit("an element read (a[i, j] or iteration) returned as a NumPy scalar")
    return _core.to_numpy(view_for(a, key))[()]
