"""Building blocks of the manipulation routines: views with computed
offsets and strides, uninitialised results on an input's device, slice
copies, runs of a host mask."""
import numpy

from .. import _core, _dtypes
from .._creation._from_data import asarray

# Up to this many pieces, a result is built by slice copies (one kernel
# each); more (insert/delete/repeat at scattered places) take one gather.
_MAX_PIECES = 64


def _base(a):
    """a with final _offset/strides: a pending (lazy) array is computed
    first, through a view, which materialises it."""
    return a[...] if a._is_lazy else a


def _view(a, offset, shape, strides):
    return _core.view(a, int(offset), tuple(int(s) for s in shape),
                      tuple(int(s) for s in strides))


def _empty(shape, dtype, like):
    """An uninitialised array on like's device."""
    return _core.empty(tuple(int(s) for s in shape), _dtypes.code(dtype), like._device_id)


def _at(axis, sl):
    """Index selecting sl along axis (all of the other axes)."""
    return (slice(None),) * axis + (sl,) + (Ellipsis,)


def _copy_into(dst, src):
    if dst.size:
        _core.assign(dst, src)


def _split_axis(a, axis, n1, n2):
    """View of a (a.shape[axis] == n1 * n2, or bigger with only the first
    n1 * n2 used) with axis split into (n1, n2)."""
    b = _base(a)
    st = b.strides[axis]
    shape = b.shape[:axis] + (n1, n2) + b.shape[axis + 1:]
    strides = b.strides[:axis] + (st * n2, st) + b.strides[axis + 1:]
    return _view(b, b._offset, shape, strides)


def _gather_along(a, axis, index):
    """A new array of a's slices along axis at the host integer positions
    `index`, in that order: one gather (advanced indexing)."""
    idx = asarray(numpy.asarray(index, dtype=numpy.int64), device=a._device_id)
    return a[_at(axis, idx)]


def _is_sequence(x):
    return hasattr(x, "__getitem__") and hasattr(x, "__len__")


def _true_runs(mask):
    """(start, stop) of the runs of True in a host bool vector."""
    d = numpy.diff(numpy.concatenate(([0], numpy.asarray(mask, dtype=numpy.int8), [0])))
    return list(zip(numpy.flatnonzero(d == 1).tolist(), numpy.flatnonzero(d == -1).tolist()))
