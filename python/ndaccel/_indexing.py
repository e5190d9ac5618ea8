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


def _is_bool_scalar(k):
    return isinstance(k, (bool, numpy.bool_))


def is_advanced_key(key):
    """Whether key needs advanced indexing (arrays, lists, masks, and bool
    scalars: NumPy indexes with True / False as 0-d masks, a copy)."""
    if not isinstance(key, tuple):
        key = (key,)
    return any(_is_advanced(k) for k in key)


def view_for(a, key):
    """The view a[key] for a basic index (ints, slices, None, Ellipsis)."""
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
    if len(new_shape) > _core.MAXDIMS:
        raise IndexError(f"number of dimensions must be within [0, {_core.MAXDIMS}], indexing "
                         f"result would have {len(new_shape)}")
    return _core.view(a, offset, tuple(new_shape), tuple(new_strides))


# ---- advanced indexing: integer arrays (gather / scatter) -------------------

def _index_array(k):
    """An int64 device array for an advanced index entry; None for a bool
    mask (unsupported yet)."""
    from ._creation import asarray
    from ._ndarray import ndarray
    if isinstance(k, ndarray):
        arr = k
    else:
        h = numpy.asarray(k)
        if h.dtype == object or (h.size == 0 and h.dtype.kind == "f"):
            h = h.astype(numpy.intp) if h.size == 0 else h
        arr = h
        if arr.dtype.kind not in "biu":
            raise IndexError("arrays used as indices must be of integer (or boolean) type")
        arr = asarray(arr)
    if arr.dtype.kind not in "iu":
        raise IndexError("arrays used as indices must be of integer (or boolean) type")
    return arr


def _plan(a, key):
    """(basic view V, output shape, int64 offsets array relative to V's
    first element) for a key with integer-array indices."""
    from ._creation import arange
    from ._reductions import max as amax, min as amin
    if not isinstance(key, tuple):
        key = (key,)
    if sum(1 for k in key if k is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    key = tuple(_as_mask(k) for k in key)
    # NumPy treats an empty 1-D boolean index like an empty integer index.
    key = tuple(_empty_int(k) if _is_mask(k) and k.ndim == 1 and k.size == 0 else k for k in key)

    def width(k):  # axes an entry consumes
        if k is None or k is Ellipsis or isinstance(k, _BoolScalarIndex):
            return 0
        return k.ndim if _is_mask(k) else 1
    consumed = sum(width(k) for k in key)
    if consumed > a.ndim:
        raise IndexError(f"too many indices for array: array is {a.ndim}-dimensional, "
                         f"but {consumed} were indexed")
    if any(k is Ellipsis for k in key):
        i = next(i for i, k in enumerate(key) if k is Ellipsis)
        # An Ellipsis standing for no axes still separates advanced indices.
        fill = (slice(None),) * (a.ndim - consumed) or (_SEP,)
        key = key[:i] + fill + key[i + 1:]
    else:
        key = key + (slice(None),) * (a.ndim - consumed)
    # Boolean masks become their nonzero() integer arrays (NumPy's rule).
    expanded, axis = [], 0
    for k in key:
        if _is_mask(k):
            for j in range(k.ndim):
                if k.shape[j] != a.shape[axis + j]:
                    raise IndexError(f"boolean index did not match indexed array along axis "
                                     f"{axis + j}; size of axis is {a.shape[axis + j]} but size "
                                     f"of corresponding boolean axis is {k.shape[j]}")
            from ._search import nonzero
            expanded.extend(nonzero(k))
            axis += k.ndim
        else:
            expanded.append(k)
            axis += 0 if (k is None or k is _SEP or isinstance(k, _BoolScalarIndex)) else 1
    key = tuple(expanded)
    # Integers join the advanced indices (NumPy's rule for mixed keys).
    entries = []  # (kind, value): "adv" int64 array | "basic" key item
    for k in key:
        if k is _SEP:
            entries.append(("sep", k))
        elif isinstance(k, _BoolScalarIndex):
            entries.append(("new", k.index))  # an advanced index into a new axis
        elif k is None or isinstance(k, slice):
            entries.append(("basic", k))
        elif _is_advanced(k):
            entries.append(("adv", _index_array(k)))
        else:
            from ._creation import asarray
            entries.append(("adv", asarray(numpy.int64(_as_index(k)))))
    adv_pos = [i for i, (kind, _) in enumerate(entries) if kind in ("adv", "new")]
    adjacent = adv_pos == list(range(adv_pos[0], adv_pos[-1] + 1))
    entries = [e for e in entries if e[0] != "sep"]  # one entry per axis of V from here
    basic_key = tuple(slice(None) if kind == "adv" else None if kind == "new" else k
                      for kind, k in entries)
    entries = [("adv", k) if kind == "new" else (kind, k) for kind, k in entries]
    V = view_for(a, basic_key)
    adv_pos = [i for i, (kind, _) in enumerate(entries) if kind == "adv"]
    try:
        B = numpy.broadcast_shapes(*(entries[i][1].shape for i in adv_pos))
    except ValueError:
        shapes = " ".join(str(entries[i][1].shape) for i in adv_pos)
        raise IndexError("shape mismatch: indexing arrays could not be broadcast together "
                         f"with shapes {shapes}") from None
    # V's axes follow the entries one-to-one (every entry keeps its axis).
    itemsize = V.itemsize
    basic_axes = [i for i, (kind, _) in enumerate(entries) if kind == "basic"]
    if adjacent:
        first = adv_pos[0]
        before = [i for i in basic_axes if i < first]
        after = [i for i in basic_axes if i > first]
    else:
        before, after = [], basic_axes
    out_shape = tuple(V.shape[i] for i in before) + B + tuple(V.shape[i] for i in after)
    nb, nB = len(before), len(B)
    offsets = None

    def add(term):
        nonlocal offsets
        offsets = term if offsets is None else offsets + term

    for axis in adv_pos:
        idx = entries[axis][1]
        n = V.shape[axis]
        if idx.size:
            lo, hi = int(amin(idx)), int(amax(idx))
            if hi >= n or lo < -n:
                bad = hi if hi >= n else lo
                raise IndexError(f"index {bad} is out of bounds for axis {axis} with size {n}")
        idx = idx.astype(numpy.int64)
        if idx.dtype.kind == "i":
            from ._ufunc import where
            idx = where(idx < 0, idx + n, idx)
        idx = idx.reshape((1,) * (nB - idx.ndim) + idx.shape)
        shape = (1,) * nb + idx.shape + (1,) * len(after)
        add(idx.reshape(shape) * (V.strides[axis] // itemsize))
    for pos, axis in enumerate(before + after):
        n = V.shape[axis]
        out_axis = pos if pos < nb else pos + nB
        shape = [1] * len(out_shape)
        shape[out_axis] = n
        add(arange(n, dtype=numpy.int64).reshape(tuple(shape)) * (V.strides[axis] // itemsize))
    from ._creation import zeros
    offsets = (offsets + zeros(out_shape, dtype=numpy.int64)).astype(numpy.int64)
    return V, out_shape, offsets


def getitem_advanced(a, key):
    V, shape, offsets = _plan(a, key)
    return _core.gather(V, offsets)


def setitem_advanced(a, key, value):
    from ._creation import asarray
    from ._ndarray import ndarray
    from ._ufunc import _PY_SCALARS
    V, shape, offsets = _plan(a, key)
    if not isinstance(value, ndarray) and type(value) not in _PY_SCALARS:
        from . import _dtypes
        h = _dtypes.host_values(value, a.dtype)
        value = h.item() if h.ndim == 0 and h.dtype.kind in "biufc" and \
            (h.dtype.kind != "c" or a.dtype.kind == "c") else asarray(h, device=a._device_id)
    if isinstance(value, ndarray):
        try:
            numpy.broadcast_shapes(value.shape, shape)
            if len(value.shape) > len(shape):
                raise ValueError
        except ValueError:
            raise ValueError(f"shape mismatch: value array of shape {value.shape} could not be "
                             f"broadcast to indexing result of shape {shape}") from None
    _core.scatter(V, offsets, value)


def _is_mask(k):
    from ._ndarray import ndarray
    return isinstance(k, ndarray) and k.dtype.kind == "b"


def _as_mask(k):
    """Boolean numpy arrays / lists become device masks, bool scalars and
    0-d masks a _BoolScalarIndex; others unchanged."""
    if _is_bool_scalar(k):
        return _BoolScalarIndex(bool(k))
    if isinstance(k, (numpy.ndarray, list)):
        h = numpy.asarray(k)
        if h.dtype.kind == "b":
            if h.ndim == 0:
                return _BoolScalarIndex(bool(h))
            from ._creation import asarray
            return asarray(h)
    if _is_mask(k) and k.ndim == 0:
        return _BoolScalarIndex(bool(k.get()))  # one transfer: the shape depends on it
    return k


class _BoolScalarIndex:
    """A 0-d boolean index (True, numpy.True_, a 0-d mask): as NumPy, a new
    axis of length 1 indexed by the integer array [0] when true, [] when
    false."""

    def __init__(self, value):
        from ._creation import asarray
        self.index = asarray(numpy.zeros(1 if value else 0, dtype=numpy.int64))


_SEP = object()  # marks an Ellipsis that expanded to no axes


def _empty_int(k):
    from ._creation import empty
    return empty(0, dtype=numpy.int64, device=k._device_id)
