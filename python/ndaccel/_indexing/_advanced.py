"""Advanced indexing: integer arrays, boolean masks and 0-d boolean
indices, mixed with basic ones as NumPy mixes them. A key becomes a basic
view V, the output shape and one int64 array of element offsets into V;
reading is one gather (_core.gather), writing one scatter (_core.scatter).
Boolean masks become their nonzero() integer arrays (NumPy's rule)."""
import numpy

from .. import _core, _dtypes
from .._creation._basic import empty, zeros
from .._creation._from_data import asarray
from .._creation._ranges import arange
from .._ndarray import ndarray
from .._statistics import _host_reductions
from .._statistics._reductions import max as amax, min as amin
from .._ufunc import _PY_SCALARS, UFUNCS, where
from ._nonzero import nonzero
from ._views import _as_index, _is_advanced, _is_bool_scalar, view_for


def _index_array(k):
    """An int64 device array for an advanced index entry; None for a bool
    mask (unsupported yet)."""
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
                # NumPy lets a mask axis of length 0 stand for any axis length.
                if k.shape[j] != a.shape[axis + j] and k.shape[j] != 0:
                    raise IndexError(f"boolean index did not match indexed array along axis "
                                     f"{axis + j}; size of axis is {a.shape[axis + j]} but size "
                                     f"of corresponding boolean axis is {k.shape[j]}")
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
        code = _bounds_code(idx, n) if idx.size else 0
        if code >= 2:
            lo, hi = int(amin(idx)), int(amax(idx))
            bad = hi if hi >= n else lo
            raise IndexError(f"index {bad} is out of bounds for axis {axis} with size {n}")
        idx = idx.astype(numpy.int64, copy=False)
        if code == 1:  # negative indices count from the end
            idx = where(idx < 0, idx + n, idx)
        idx = idx.reshape((1,) * (nB - idx.ndim) + idx.shape)
        shape = (1,) * nb + idx.shape + (1,) * len(after)
        step = V.strides[axis] // itemsize
        add(idx.reshape(shape) * step if step != 1 else idx.reshape(shape))
    for pos, axis in enumerate(before + after):
        n = V.shape[axis]
        out_axis = pos if pos < nb else pos + nB
        shape = [1] * len(out_shape)
        shape[out_axis] = n
        add(arange(n, dtype=numpy.int64).reshape(tuple(shape)) * (V.strides[axis] // itemsize))
    if offsets.shape != out_shape:  # broadcast to the output's shape
        offsets = offsets + zeros(out_shape, dtype=numpy.int64)
    return V, out_shape, offsets.astype(numpy.int64, copy=False)


def _bounds_code(idx, n):
    """2 when an index array has an entry outside [-n, n), else 1 when it has
    a negative one, else 0: one fused pass and one readback (the bounds
    themselves are read only to word the error). A stored index array on a
    CPU device: its min and max from NumPy on the storage instead
    (_host_reductions; 1M int64: two ~0.1 ms passes against ~1 ms for the
    integer kernel, which has no vector form)."""
    if _host_reductions.applies(idx, tuple(range(idx.ndim))):
        lo, hi = int(amin(idx)), int(amax(idx))
        return 2 if hi >= n or lo < -n else 1 if lo < 0 else 0
    code = UFUNCS["multiply"](UFUNCS["greater_equal"](idx, n), numpy.int8(2))
    if idx.dtype.kind == "i":
        code = UFUNCS["add"](code, UFUNCS["less"](idx, 0))
        code = UFUNCS["add"](code, UFUNCS["less"](idx, -n))
    return int(amax(code))


def getitem_advanced(a, key):
    V, shape, offsets = _plan(a, key)
    return _core.gather(V, offsets)


def setitem_advanced(a, key, value):
    V, shape, offsets = _plan(a, key)
    if not isinstance(value, ndarray) and type(value) not in _PY_SCALARS:
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
            return asarray(h)
    if _is_mask(k) and k.ndim == 0:
        return _BoolScalarIndex(bool(k.get()))  # one transfer: the shape depends on it
    return k


class _BoolScalarIndex:
    """A 0-d boolean index (True, numpy.True_, a 0-d mask): as NumPy, a new
    axis of length 1 indexed by the integer array [0] when true, [] when
    false."""

    def __init__(self, value):
        self.index = asarray(numpy.zeros(1 if value else 0, dtype=numpy.int64))


_SEP = object()  # marks an Ellipsis that expanded to no axes


def _empty_int(k):
    return empty(0, dtype=numpy.int64, device=k._device_id)
