"""Array manipulation with NumPy's signatures, result dtypes, views and
errors: moveaxis, expand_dims, squeeze, concatenate and the stacks, the
splits, tile, repeat, flips, rot90, roll, broadcast_to, atleast_*d, pad,
clip, resize, append, insert, delete, and ravel/transpose/swapaxes/reshape
as functions.

Everything runs on the device: results are views (_core.view with
computed offsets and strides, negative or zero strides included) or are
built by slice copies (_core.assign, which casts and broadcasts). Host
NumPy only sees metadata (shapes, axes, index lists given on the host)."""
import functools
import itertools
import operator

import numpy

try:
    from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple
except ImportError:  # NumPy < 2
    from numpy.core.multiarray import normalize_axis_index
    from numpy.core.numeric import normalize_axis_tuple

from . import _core, _dtypes
from ._creation import asarray
from ._creation import asarray as _arr  # ndarrays pass through unchanged
from ._ndarray import ndarray
from ._ufunc import UFUNCS

__all__ = [
    "moveaxis", "expand_dims", "squeeze", "concatenate", "stack", "vstack", "hstack", "dstack",
    "column_stack", "split", "array_split", "hsplit", "vsplit", "dsplit", "tile", "repeat",
    "flip", "fliplr", "flipud", "rot90", "roll", "broadcast_to", "broadcast_arrays",
    "broadcast_shapes", "atleast_1d", "atleast_2d", "atleast_3d", "pad", "clip",
    "ascontiguousarray", "resize", "append", "insert", "delete", "ravel", "transpose",
    "swapaxes", "reshape", "diagonal",
]

# More pieces than this (insert/delete/repeat with scattered array
# indices) would need a gather/scatter kernel, i.e. advanced indexing.
_MAX_PIECES = 64
_NoValue = numpy._NoValue


# ---------------------------------------------------------------- helpers



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


def _is_sequence(x):
    return hasattr(x, "__getitem__") and hasattr(x, "__len__")


def _true_runs(mask):
    """(start, stop) of the runs of True in a host bool vector."""
    d = numpy.diff(numpy.concatenate(([0], numpy.asarray(mask, dtype=numpy.int8), [0])))
    return list(zip(numpy.flatnonzero(d == 1).tolist(), numpy.flatnonzero(d == -1).tolist()))


# ---------------------------------------------------------------- views

def ravel(a, order="C"):
    """A 1-D view of a (a copy when a's layout needs one), on the device (numpy.ravel).

    order='F' and order='K'/'A' of a non-C-contiguous array raise NotImplementedError."""
    a = _arr(a)
    if order in ("K", "A"):
        if a.ndim <= 1 or a._c_contiguous:
            order = "C"
        else:
            raise NotImplementedError(f"ravel(order={order!r}) of a non-C-contiguous array "
                                      "is not implemented yet")
    return a.ravel(order)


def reshape(a, /, shape, order="C", *, copy=None):
    """a with a new shape: a view where the layout allows, else a device copy (numpy.reshape).

    order='F' raises NotImplementedError."""
    return _arr(a).reshape(shape, order=order, copy=copy)


def transpose(a, axes=None):
    """A view of a with its axes permuted, no copy (numpy.transpose)."""
    return _arr(a).transpose(axes)


def swapaxes(a, axis1, axis2):
    """A view of a with two axes interchanged, no copy (numpy.swapaxes)."""
    a = _arr(a)
    axis1 = normalize_axis_index(operator.index(axis1), a.ndim, "axis1")
    axis2 = normalize_axis_index(operator.index(axis2), a.ndim, "axis2")
    return a.swapaxes(axis1, axis2)


def moveaxis(a, source, destination):
    """A view of a with axes moved to new positions, no copy (numpy.moveaxis)."""
    a = _arr(a)
    source = normalize_axis_tuple(source, a.ndim, "source")
    destination = normalize_axis_tuple(destination, a.ndim, "destination")
    if len(source) != len(destination):
        raise ValueError("`source` and `destination` arguments must have "
                         "the same number of elements")
    order = [n for n in range(a.ndim) if n not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return a.transpose(order)


def expand_dims(a, axis):
    """A view of a with length-1 axes inserted, no copy (numpy.expand_dims)."""
    a = _arr(a)
    if not isinstance(axis, (tuple, list)):
        axis = (axis,)
    out_ndim = len(axis) + a.ndim
    axis = normalize_axis_tuple(axis, out_ndim)
    b = _base(a)
    dims = iter(zip(b.shape, b.strides))
    shape, strides = [], []
    for ax in range(out_ndim):
        if ax in axis:
            shape.append(1)
            strides.append(0)
        else:
            n, s = next(dims)
            shape.append(n)
            strides.append(s)
    return _view(b, b._offset, shape, strides)


def squeeze(a, axis=None):
    """A view of a without (the given) length-1 axes, no copy (numpy.squeeze)."""
    a = _arr(a)
    if axis is None:
        keep = [i for i, n in enumerate(a.shape) if n != 1]
    else:
        axes = normalize_axis_tuple(axis, a.ndim)
        for ax in axes:
            if a.shape[ax] != 1:
                raise ValueError("cannot select an axis to squeeze out which has size "
                                 "not equal to one")
        keep = [i for i in range(a.ndim) if i not in axes]
    b = _base(a)
    return _view(b, b._offset, [b.shape[i] for i in keep], [b.strides[i] for i in keep])


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonal as a strided view (NumPy's is a read-only view)."""
    a = _arr(a)
    if a.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    offset = operator.index(offset)
    axis1 = normalize_axis_index(operator.index(axis1), a.ndim, "axis1")
    axis2 = normalize_axis_index(operator.index(axis2), a.ndim, "axis2")
    if axis1 == axis2:
        raise ValueError("axis1 and axis2 cannot be the same")
    b = _base(a)
    n1, n2 = b.shape[axis1], b.shape[axis2]
    s1, s2 = b.strides[axis1], b.strides[axis2]
    off = b._offset
    if offset >= 0:
        length = max(0, min(n1, n2 - offset))
        if length:
            off += offset * s2
    else:
        length = max(0, min(n1 + offset, n2))
        if length:
            off += -offset * s1
    keep = [i for i in range(b.ndim) if i not in (axis1, axis2)]
    return _view(b, off, [b.shape[i] for i in keep] + [length],
                 [b.strides[i] for i in keep] + [s1 + s2])


def flip(m, axis=None):
    """A view of m reversed along the given axes (negative strides), no copy (numpy.flip)."""
    m = _arr(m)
    if axis is None:
        indexer = (slice(None, None, -1),) * m.ndim
    else:
        axis = normalize_axis_tuple(axis, m.ndim)
        indexer = [slice(None)] * m.ndim
        for ax in axis:
            indexer[ax] = slice(None, None, -1)
        indexer = tuple(indexer)
    return m[indexer]


def fliplr(m):
    """A view of m reversed along axis 1, no copy (numpy.fliplr)."""
    m = _arr(m)
    if m.ndim < 2:
        raise ValueError("Input must be >= 2-d.")
    return m[:, ::-1]


def flipud(m):
    """A view of m reversed along axis 0, no copy (numpy.flipud)."""
    m = _arr(m)
    if m.ndim < 1:
        raise ValueError("Input must be >= 1-d.")
    return m[::-1, ...]


def rot90(m, k=1, axes=(0, 1)):
    """A view of m rotated by 90 degrees k times in the plane of axes, no copy (numpy.rot90)."""
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    m = _arr(m)
    if axes[0] == axes[1] or abs(axes[0] - axes[1]) == m.ndim:
        raise ValueError("Axes must be different.")
    if (axes[0] >= m.ndim or axes[0] < -m.ndim
            or axes[1] >= m.ndim or axes[1] < -m.ndim):
        raise ValueError(f"Axes={axes} out of range for array of ndim={m.ndim}.")
    k %= 4
    if k == 0:
        return m[:]
    if k == 2:
        return flip(flip(m, axes[0]), axes[1])
    axes_list = list(range(m.ndim))
    axes_list[axes[0]], axes_list[axes[1]] = axes_list[axes[1]], axes_list[axes[0]]
    if k == 1:
        return flip(m, axes[1]).transpose(axes_list)
    return flip(m.transpose(axes_list), axes[1])


def broadcast_shapes(*args):
    """The shape the given shapes broadcast to, computed on the host (numpy.broadcast_shapes)."""
    return numpy.broadcast_shapes(*args)


def _broadcast_view(a, shape):
    b = _base(a)
    lead = len(shape) - b.ndim
    strides = [0] * lead + [0 if n == 1 and t != 1 else s
                            for n, s, t in zip(b.shape, b.strides, shape[lead:])]
    return _view(b, b._offset, shape, strides)


def broadcast_to(array, shape, subok=False):
    """A read-only view with zero strides (NumPy's)."""
    shape = tuple(shape) if numpy.iterable(shape) else (shape,)
    shape = tuple(operator.index(s) for s in shape)
    array = _arr(array)
    if not shape and array.shape:
        raise ValueError("cannot broadcast a non-scalar to a scalar array")
    if any(size < 0 for size in shape):
        raise ValueError("all elements of broadcast shape must be non-negative")
    lead = len(shape) - array.ndim
    if lead < 0 or any(n != 1 and n != t for n, t in zip(array.shape, shape[lead:])):
        raise ValueError("operands could not be broadcast together with remapped shapes "
                         f"[original->remapped]: {array.shape}  and requested shape {shape}")
    view = _broadcast_view(array, shape)
    view._writeable = False
    return view


def broadcast_arrays(*args, subok=False):
    """Zero-stride device views of the arguments broadcast to one shape (numpy.broadcast_arrays).

    The views are writeable without NumPy's warning; writing through a broadcast view
    writes shared elements."""
    args = [_arr(a) for a in args]
    shape = numpy.broadcast_shapes(*[a.shape for a in args])
    return tuple(a if a.shape == shape else _broadcast_view(a, shape) for a in args)


def atleast_1d(*arys):
    """Device views of the inputs with at least one dimension (numpy.atleast_1d)."""
    res = []
    for ary in arys:
        a = _arr(ary)
        res.append(a.reshape(1) if a.ndim == 0 else a)
    return res[0] if len(res) == 1 else tuple(res)


def atleast_2d(*arys):
    """Device views of the inputs with at least two dimensions (numpy.atleast_2d)."""
    res = []
    for ary in arys:
        a = _arr(ary)
        if a.ndim == 0:
            a = a.reshape(1, 1)
        elif a.ndim == 1:
            a = a[None, :]
        res.append(a)
    return res[0] if len(res) == 1 else tuple(res)


def atleast_3d(*arys):
    """Device views of the inputs with at least three dimensions (numpy.atleast_3d)."""
    res = []
    for ary in arys:
        a = _arr(ary)
        if a.ndim == 0:
            a = a.reshape(1, 1, 1)
        elif a.ndim == 1:
            a = a[None, :, None]
        elif a.ndim == 2:
            a = a[:, :, None]
        res.append(a)
    return res[0] if len(res) == 1 else tuple(res)


def ascontiguousarray(a, dtype=None, *, like=None):
    """a as a C-contiguous device array of at least one dimension (numpy.ascontiguousarray).

    The 'like' argument raises NotImplementedError."""
    if like is not None:
        raise NotImplementedError("ascontiguousarray: the 'like' argument is not supported")
    a = asarray(a, dtype=dtype)
    if a.ndim == 0:
        a = a.reshape(1)
    if not a._c_contiguous:
        a = a.copy()
    return a


# ---------------------------------------------------------------- joining

def concatenate(arrays, /, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """Joins arrays along an existing axis into a new device array (numpy.concatenate)."""
    if not _is_sequence(arrays):
        raise TypeError("The first input argument needs to be a sequence")
    if out is not None and dtype is not None:
        raise TypeError("concatenate() only takes `out` or `dtype` as an argument, "
                        "but both were provided.")
    arrs = [_arr(x) for x in arrays]
    if not arrs:
        raise ValueError("need at least one array to concatenate")
    if axis is None:
        arrs = [x.reshape(-1) for x in arrs]
        axis = 0
    nd = arrs[0].ndim
    if nd == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    axis = normalize_axis_index(operator.index(axis), nd)
    shape = list(arrs[0].shape)
    for i, x in enumerate(arrs[1:], 1):
        if x.ndim != nd:
            raise ValueError("all the input arrays must have same number of dimensions, but "
                             f"the array at index 0 has {nd} dimension(s) and the array at "
                             f"index {i} has {x.ndim} dimension(s)")
        for d in range(nd):
            if d != axis and x.shape[d] != shape[d]:
                raise ValueError("all the input array dimensions except for the concatenation "
                                 f"axis must match exactly, but along dimension {d}, the array "
                                 f"at index 0 has size {shape[d]} and the array at index {i} "
                                 f"has size {x.shape[d]}")
        shape[axis] += x.shape[axis]
    if out is not None:
        if not isinstance(out, ndarray):
            raise TypeError("'out' must be an ndaccel array")
        dt = out.dtype
    elif dtype is not None:
        dt = _dtypes.normalize(dtype)
    else:
        dt = functools.reduce(numpy.promote_types, [x.dtype for x in arrs])
    for x in arrs:
        if not numpy.can_cast(x.dtype, dt, casting):
            raise TypeError(f"Cannot cast array data from {x.dtype!r} to {dt!r} according "
                            f"to the rule {casting!r}")
    if out is not None:
        if out.shape != tuple(shape):
            raise ValueError("Output array is the wrong shape")
        res = out
    else:
        res = _empty(shape, dt, arrs[0])
    pos = 0
    for x in arrs:
        n = x.shape[axis]
        if x.size:
            _core.assign(res[_at(axis, slice(pos, pos + n))], x)
        pos += n
    return res


def _stack_arrays(arrays):
    if not hasattr(arrays, "__getitem__"):
        raise TypeError('arrays to stack must be passed as a "sequence" type '
                        'such as list or tuple.')
    return tuple(arrays)


def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """Joins same-shaped arrays along a new axis into a new device array (numpy.stack)."""
    arrays = [_arr(x) for x in _stack_arrays(arrays)]
    if not arrays:
        raise ValueError("need at least one array to stack")
    if len({x.shape for x in arrays}) != 1:
        raise ValueError("all input arrays must have the same shape")
    axis = normalize_axis_index(operator.index(axis), arrays[0].ndim + 1)
    return concatenate([expand_dims(x, axis) for x in arrays], axis=axis, out=out,
                       dtype=dtype, casting=casting)


def vstack(tup, *, dtype=None, casting="same_kind"):
    """Joins arrays row-wise (along axis 0 of their atleast_2d views), on the device
    (numpy.vstack)."""
    arrs = atleast_2d(*_stack_arrays(tup))
    if not isinstance(arrs, tuple):
        arrs = (arrs,)
    return concatenate(arrs, 0, dtype=dtype, casting=casting)


def hstack(tup, *, dtype=None, casting="same_kind"):
    """Joins arrays column-wise (axis 1, axis 0 for 1-D inputs), on the device (numpy.hstack)."""
    arrs = atleast_1d(*_stack_arrays(tup))
    if not isinstance(arrs, tuple):
        arrs = (arrs,)
    if arrs and arrs[0].ndim == 1:
        return concatenate(arrs, 0, dtype=dtype, casting=casting)
    return concatenate(arrs, 1, dtype=dtype, casting=casting)


def dstack(tup):
    """Joins arrays along axis 2 of their atleast_3d views, on the device (numpy.dstack)."""
    arrs = atleast_3d(*_stack_arrays(tup))
    if not isinstance(arrs, tuple):
        arrs = (arrs,)
    return concatenate(arrs, 2)


def column_stack(tup):
    """Joins 1-D and 2-D arrays as the columns of a 2-D device array (numpy.column_stack)."""
    arrays = []
    for v in _stack_arrays(tup):
        a = _arr(v)
        if a.ndim < 2:
            a = atleast_2d(a).T
        arrays.append(a)
    return concatenate(arrays, 1)


def append(arr, values, axis=None):
    """A new device array with values appended along an axis (flattened for axis=None)
    (numpy.append)."""
    arr = _arr(arr)
    if axis is None:
        if arr.ndim != 1:
            arr = arr.ravel()
        values = ravel(values)
        axis = arr.ndim - 1
    return concatenate((arr, values), axis=axis)


# ---------------------------------------------------------------- splitting

def array_split(ary, indices_or_sections, axis=0):
    """Splits ary into views along an axis, sections of (nearly) equal size or at given indices
    (numpy.array_split)."""
    ary = _arr(ary)
    ntotal = ary.shape[axis]
    try:
        nsections = len(indices_or_sections) + 1
        div_points = [0] + list(indices_or_sections) + [ntotal]
    except TypeError:
        nsections = int(indices_or_sections)
        if nsections <= 0:
            raise ValueError("number sections must be larger than 0.") from None
        each, extras = divmod(ntotal, nsections)
        sizes = [0] + extras * [each + 1] + (nsections - extras) * [each]
        div_points = list(itertools.accumulate(sizes))
    sary = ary.swapaxes(axis, 0)
    return [sary[div_points[i]:div_points[i + 1]].swapaxes(axis, 0) for i in range(nsections)]


def split(ary, indices_or_sections, axis=0):
    """Splits ary into views along an axis, sections of equal size or at given indices
    (numpy.split)."""
    ary = _arr(ary)
    try:
        len(indices_or_sections)
    except TypeError:
        if ary.shape[axis] % indices_or_sections:
            raise ValueError("array split does not result in an equal division") from None
    return array_split(ary, indices_or_sections, axis)


def hsplit(ary, indices_or_sections):
    """Splits ary into views along axis 1 (axis 0 for 1-D) (numpy.hsplit)."""
    ary = _arr(ary)
    if ary.ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(ary, indices_or_sections, 1 if ary.ndim > 1 else 0)


def vsplit(ary, indices_or_sections):
    """Splits ary into views along axis 0 (numpy.vsplit)."""
    ary = _arr(ary)
    if ary.ndim < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(ary, indices_or_sections, 0)


def dsplit(ary, indices_or_sections):
    """Splits ary into views along axis 2 (numpy.dsplit)."""
    ary = _arr(ary)
    if ary.ndim < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(ary, indices_or_sections, 2)


# ---------------------------------------------------------------- repeating

def tile(A, reps):
    """A by reps repeated into a new device array, one broadcast copy (numpy.tile)."""
    try:
        tup = tuple(reps)
    except TypeError:
        tup = (reps,)
    tup = tuple(operator.index(t) for t in tup)
    d = len(tup)
    c = _arr(A)
    if all(x == 1 for x in tup) and isinstance(A, ndarray):
        c = c.copy()
    if c.ndim < d:
        c = c.reshape((1,) * (d - c.ndim) + c.shape)
    if d < c.ndim:
        tup = (1,) * (c.ndim - d) + tup
    if any(t < 0 for t in tup):
        raise ValueError("negative dimensions are not allowed")
    shape_out = tuple(s * t for s, t in zip(c.shape, tup))
    if c.size == 0 or all(t == 1 for t in tup):
        return c.reshape(shape_out)
    b = _base(c)
    shape, strides = [], []
    for n, s, t in zip(b.shape, b.strides, tup):
        if t != 1:
            shape.append(t)
            strides.append(0)
        shape.append(n)
        strides.append(s)
    res = _empty(shape, b.dtype, b)
    _copy_into(res, _view(b, b._offset, shape, strides))
    return res.reshape(shape_out)


def _repeat_block(dst, src, axis, r):
    """dst (src.shape with axis scaled by r) <- each element of src along
    axis r times: one broadcast copy."""
    if dst.size == 0:
        return
    b = _base(src)
    shape = b.shape[:axis + 1] + (r,) + b.shape[axis + 1:]
    strides = b.strides[:axis + 1] + (0,) + b.strides[axis + 1:]
    _core.assign(_split_axis(dst, axis, b.shape[axis], r), _view(b, b._offset, shape, strides))


def _repeats_host(repeats):
    if isinstance(repeats, ndarray):
        repeats = repeats.get()
    r = numpy.asarray(repeats)
    if r.ndim > 1:
        raise ValueError("object too deep for desired array")
    return r.astype(numpy.intp)


def repeat(a, repeats, axis=None):
    """Each element of a repeated along an axis, into a new device array (numpy.repeat).

    Array repeats are read on the host; more than 64 runs of different counts raise
    NotImplementedError."""
    a = _arr(a)
    if axis is None:
        a = a.ravel()
        axis = 0
    else:
        axis = normalize_axis_index(operator.index(axis), a.ndim)
    r = _repeats_host(repeats)
    n = a.shape[axis]
    if r.size == 1:
        r = int(r.reshape(()))
        if r < 0:
            raise ValueError("negative dimensions are not allowed")
        res = _empty(a.shape[:axis] + (n * r,) + a.shape[axis + 1:], a.dtype, a)
        _repeat_block(res, a, axis, r)
        return res
    if r.shape != (n,):
        raise ValueError(f"operands could not be broadcast together with shape ({n},) "
                         f"({r.size},)")
    if (r < 0).any():
        raise ValueError("repeats may not contain negative values.")
    # Runs of equal counts: one broadcast copy each.
    bounds = [0] + (numpy.flatnonzero(numpy.diff(r)) + 1).tolist() + [n]
    if len(bounds) - 1 > _MAX_PIECES:
        raise NotImplementedError("repeat with many different per-element counts needs a "
                                  "gather kernel (advanced indexing), not implemented yet")
    res = _empty(a.shape[:axis] + (int(r.sum()),) + a.shape[axis + 1:], a.dtype, a)
    pos = 0
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        k = int(r[lo])
        _repeat_block(res[_at(axis, slice(pos, pos + (hi - lo) * k))],
                      a[_at(axis, slice(lo, hi))], axis, k)
        pos += (hi - lo) * k
    return res


def resize(a, new_shape):
    """A new device array of new_shape filled with a's elements cyclically (numpy.resize)."""
    if isinstance(new_shape, (int, numpy.integer)):
        new_shape = (new_shape,)
    a = ravel(a)
    new_size = 1
    for dim_length in new_shape:
        new_size *= dim_length
        if dim_length < 0:
            raise ValueError("all elements of `new_shape` must be non-negative")
    if a.size == 0 or new_size == 0:
        res = _empty(new_shape, a.dtype, a)
        _core.fill(res, 0)
        return res
    repeats = (new_size + a.size - 1) // a.size
    res = _empty((repeats, a.size), a.dtype, a)
    _core.assign(res, a)
    return res.reshape(-1)[:new_size].reshape(new_shape)


def roll(a, shift, axis=None):
    """Elements of a shifted cyclically along the given axes, into a new device array
    (numpy.roll)."""
    a = _arr(a)
    if axis is None:
        return roll(a.ravel(), shift, 0).reshape(a.shape)
    axis = normalize_axis_tuple(axis, a.ndim, allow_duplicate=True)
    broadcasted = numpy.broadcast(shift, axis)
    if broadcasted.ndim > 1:
        raise ValueError("'shift' and 'axis' should be scalars or 1D sequences")
    shifts = dict.fromkeys(range(a.ndim), 0)
    for sh, ax in broadcasted:
        shifts[ax] += int(sh)
    rolls = [((slice(None), slice(None)),)] * a.ndim
    for ax, offset in shifts.items():
        offset %= a.shape[ax] or 1
        if offset:
            rolls[ax] = ((slice(None, -offset), slice(offset, None)),
                         (slice(-offset, None), slice(None, offset)))
    result = _empty(a.shape, a.dtype, a)
    for indices in itertools.product(*rolls):
        arr_index, res_index = zip(*indices)
        _copy_into(result[res_index], a[arr_index])
    return result


# ---------------------------------------------------------------- insert/delete

def _axis_for(arr, axis):
    if axis is None:
        if arr.ndim != 1:
            arr = arr.ravel()
        return arr, arr.ndim - 1
    return arr, normalize_axis_index(operator.index(axis), arr.ndim)


def delete(arr, obj, axis=None):
    """A new device array without the sub-arrays at obj along an axis (numpy.delete).

    Index arrays are read on the host; more than 64 separate runs of kept elements raise
    NotImplementedError."""
    arr, axis = _axis_for(_arr(arr), axis)
    N = arr.shape[axis]
    newshape = list(arr.shape)

    if isinstance(obj, slice):
        start, stop, step = obj.indices(N)
        xr = range(start, stop, step)
        numtodel = len(xr)
        if numtodel <= 0:
            return arr.copy()
        if step < 0:
            step, start, stop = -step, xr[-1], xr[0] + 1
        else:
            stop = xr[-1] + 1
        newshape[axis] -= numtodel
        new = _empty(newshape, arr.dtype, arr)
        _copy_into(new[_at(axis, slice(None, start))], arr[_at(axis, slice(None, start))])
        _copy_into(new[_at(axis, slice(stop - numtodel, None))],
                   arr[_at(axis, slice(stop, None))])
        if step > 1 and numtodel > 1:
            # Between deleted positions start + j*step: rows of step-1 kept.
            rows = numtodel - 1
            src = _split_axis(arr[_at(axis, slice(start + 1, None))], axis, rows, step)
            src = src[(slice(None),) * (axis + 1) + (slice(0, step - 1),)]
            dst = _split_axis(new[_at(axis, slice(start, start + rows * (step - 1)))],
                              axis, rows, step - 1)
            _copy_into(dst, src)
        return new

    single = isinstance(obj, (int, numpy.integer)) and not isinstance(obj, (bool, numpy.bool_))
    if not single:
        raw = obj
        obj = numpy.asarray(obj.get() if isinstance(obj, ndarray) else obj)
        if obj.size == 0 and not isinstance(raw, (numpy.ndarray, ndarray)):
            obj = obj.astype(numpy.intp)
        elif obj.size == 1 and obj.dtype.kind in "ui":
            obj = obj.item()
            single = True
    if single:
        obj = int(obj)
        if obj < -N or obj >= N:
            raise IndexError(f"index {obj} is out of bounds for axis {axis} with size {N}")
        if obj < 0:
            obj += N
        newshape[axis] -= 1
        new = _empty(newshape, arr.dtype, arr)
        _copy_into(new[_at(axis, slice(None, obj))], arr[_at(axis, slice(None, obj))])
        _copy_into(new[_at(axis, slice(obj, None))], arr[_at(axis, slice(obj + 1, None))])
        return new
    if obj.dtype == bool:
        if obj.shape != (N,):
            raise ValueError("boolean array argument obj to delete must be one dimensional "
                             f"and match the axis length of {N}")
        keep = ~obj
    else:
        keep = numpy.ones(N, dtype=bool)
        try:
            keep[obj,] = False
        except IndexError as exc:
            raise IndexError(str(exc).replace("axis 0", f"axis {axis}")) from None
    runs = _true_runs(keep)
    if len(runs) > _MAX_PIECES:
        raise NotImplementedError("delete with many scattered indices needs a gather kernel "
                                  "(advanced indexing), not implemented yet")
    newshape[axis] = int(keep.sum())
    new = _empty(newshape, arr.dtype, arr)
    pos = 0
    for lo, hi in runs:
        _copy_into(new[_at(axis, slice(pos, pos + hi - lo))], arr[_at(axis, slice(lo, hi))])
        pos += hi - lo
    return new


def _values_as(values, dtype, device_like):
    if isinstance(values, ndarray):
        return values.astype(dtype, copy=False)
    return asarray(values, dtype=dtype, device=device_like._device_id)


def insert(arr, obj, values, axis=None):
    """A new device array with values inserted before the indices obj along an axis
    (numpy.insert).

    Index arrays are read on the host; inserting at more than 64 scattered places raises
    NotImplementedError."""
    arr, axis = _axis_for(_arr(arr), axis)
    ndim = arr.ndim
    N = arr.shape[axis]
    newshape = list(arr.shape)

    if isinstance(obj, slice):
        indices = numpy.arange(*obj.indices(N), dtype=numpy.intp)
    else:
        indices = numpy.array(obj.get() if isinstance(obj, ndarray) else obj)
        if indices.dtype == bool:
            if indices.ndim != 1:
                raise ValueError("boolean array argument obj to insert must be one dimensional")
            indices = numpy.flatnonzero(indices)
        elif indices.ndim > 1:
            raise ValueError("index array argument obj to insert must be one dimensional "
                             "or scalar")
    if indices.size == 1:
        index = indices.item()
        if not isinstance(index, int):
            raise TypeError("slice indices must be integers or None or have an __index__ "
                            "method")
        if index < -N or index > N:
            raise IndexError(f"index {obj} is out of bounds for axis {axis} with size {N}")
        if index < 0:
            index += N
        vals = _values_as(values, arr.dtype, arr)
        if vals.ndim < ndim:
            vals = vals.reshape((1,) * (ndim - vals.ndim) + vals.shape)
        if indices.ndim == 0:
            vals = moveaxis(vals, 0, axis)
        numnew = vals.shape[axis]
        newshape[axis] += numnew
        new = _empty(newshape, arr.dtype, arr)
        _copy_into(new[_at(axis, slice(None, index))], arr[_at(axis, slice(None, index))])
        dst = new[_at(axis, slice(index, index + numnew))]
        if dst.size:
            _core.assign(dst, vals)
        else:
            numpy.broadcast_shapes(vals.shape, dst.shape)  # NumPy's error, if any
        _copy_into(new[_at(axis, slice(index + numnew, None))], arr[_at(axis, slice(index, None))])
        return new
    if indices.size == 0 and not isinstance(obj, (numpy.ndarray, ndarray)):
        indices = indices.astype(numpy.intp)
    if indices.dtype.kind not in "iu":
        raise IndexError("arrays used as indices must be of integer (or boolean) type")

    indices = indices.astype(numpy.intp)
    indices[indices < 0] += N
    numnew = len(indices)
    order = indices.argsort(kind="mergesort")
    pos = indices.copy()
    pos[order] += numpy.arange(numnew)
    newshape[axis] += numnew
    for p in pos:
        if p < 0 or p >= newshape[axis]:
            raise IndexError(f"index {p} is out of bounds for axis {axis} with size "
                             f"{newshape[axis]}")
    target = list(newshape)
    target[axis] = numnew
    vals = _arr(values) if isinstance(values, ndarray) else asarray(values, device=arr._device_id)
    try:
        vals = broadcast_to(vals, target)
    except ValueError:
        raise ValueError(f"shape mismatch: value array of shape {vals.shape} could not be "
                         f"broadcast to indexing result of shape {tuple(target)}") from None
    new = _empty(newshape, arr.dtype, arr)

    sorted_idx = indices[order]
    step = int(sorted_idx[1] - sorted_idx[0]) if numnew > 1 else 1
    if isinstance(obj, slice) and step > 1:
        # An arithmetic progression: values at s0 + j*(step+1), old rows of
        # `step` elements in between.
        s0 = int(sorted_idx[0])
        if order[0] != 0:  # decreasing slice: values in reversed order
            vals = vals[_at(axis, slice(None, None, -1))]
        _copy_into(new[_at(axis, slice(None, s0))], arr[_at(axis, slice(None, s0))])
        _copy_into(new[_at(axis, slice(s0, s0 + (numnew - 1) * (step + 1) + 1, step + 1))], vals)
        rows = numnew - 1
        src = _split_axis(arr[_at(axis, slice(s0, s0 + rows * step))], axis, rows, step)
        dst = _split_axis(new[_at(axis, slice(s0 + 1, None))], axis, rows, step + 1)
        _copy_into(dst[(slice(None),) * (axis + 1) + (slice(0, step),)], src)
        _copy_into(new[_at(axis, slice(s0 + rows * (step + 1) + 1, None))],
                   arr[_at(axis, slice(s0 + rows * step, None))])
        return new

    # Pieces: runs of inserted values (consecutive positions and values)
    # and runs of old elements.
    pieces = []
    by_pos = numpy.argsort(pos, kind="stable")
    i = 0
    while i < numnew:
        j = i + 1
        while j < numnew and pos[by_pos[j]] == pos[by_pos[j - 1]] + 1 and \
                by_pos[j] == by_pos[j - 1] + 1:
            j += 1
        pieces.append(("v", int(pos[by_pos[i]]), int(by_pos[i]), j - i))
        i = j
    old_mask = numpy.ones(newshape[axis], dtype=bool)
    old_mask[pos] = False
    old_at = numpy.cumsum(old_mask) - 1
    for lo, hi in _true_runs(old_mask):
        pieces.append(("o", lo, int(old_at[lo]), hi - lo))
    if len(pieces) > _MAX_PIECES:
        raise NotImplementedError("insert at many scattered indices needs a scatter kernel "
                                  "(advanced indexing), not implemented yet")
    for kind, at, src_at, n in pieces:
        src = vals if kind == "v" else arr
        _copy_into(new[_at(axis, slice(at, at + n))], src[_at(axis, slice(src_at, src_at + n))])
    return new


# ---------------------------------------------------------------- pad

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
    from ._creation2 import linspace
    edge_pair = _get_edges(padded, axis, width_pair)
    left_ramp, right_ramp = (
        linspace(end_value, squeeze(edge, axis), num=width, endpoint=False,
                 dtype=padded.dtype, axis=axis)
        for end_value, edge, width in zip(end_value_pair, edge_pair, width_pair))
    right_ramp = right_ramp[_at(axis, slice(None, None, -1))]
    return left_ramp, right_ramp


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

    Modes 'maximum', 'minimum', 'mean', 'median' and a callable mode raise
    NotImplementedError."""
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
    if mode in ("maximum", "minimum", "mean", "median"):
        raise NotImplementedError(f"pad(mode={mode!r}) needs reductions over an axis, "
                                  "not implemented yet")

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


# ---------------------------------------------------------------- clip

def _clip(a, min=None, max=None, out=None, **kwargs):
    a = _arr(a)
    if a.dtype.kind in "iu":
        info = numpy.iinfo(a.dtype)
        if type(min) is int and min <= info.min:
            min = None
        if type(max) is int and max >= info.max:
            max = None
    if min is None and max is None:
        if a.dtype == bool:  # NumPy has no bool loop for positive
            raise TypeError("ufunc 'positive' did not contain a loop with signature "
                            "matching types <class 'numpy.dtypes.BoolDType'> -> None")
        return UFUNCS["positive"](a, out=out, **kwargs)
    if min is None:
        return UFUNCS["minimum"](a, max, out=out, **kwargs)
    if max is None:
        return UFUNCS["maximum"](a, min, out=out, **kwargs)
    # NumPy's clip ufunc is minimum(maximum(a, min), max) over the three
    # operands' common dtype; the two steps fuse into one kernel.
    kw = dict(kwargs)
    kw.pop("casting", None)
    lo = UFUNCS["maximum"](a, min, **kw)
    return UFUNCS["minimum"](lo, max, out=out, **kwargs)


def clip(a, a_min=_NoValue, a_max=_NoValue, out=None, *, min=_NoValue, max=_NoValue,
         **kwargs):
    """Values of a limited to [min, max], one fused kernel on the device (numpy.clip)."""
    if a_min is _NoValue and a_max is _NoValue:
        a_min = None if min is _NoValue else min
        a_max = None if max is _NoValue else max
    elif a_min is _NoValue:
        raise TypeError("clip() missing 1 required positional argument: 'a_min'")
    elif a_max is _NoValue:
        raise TypeError("clip() missing 1 required positional argument: 'a_max'")
    elif min is not _NoValue or max is not _NoValue:
        raise ValueError("Passing `min` or `max` keyword argument when `a_min` and "
                         "`a_max` are provided is forbidden.")
    return _clip(a, a_min, a_max, out=out, **kwargs)


# ---------------------------------------------------------------- methods

def _squeeze_method(self, axis=None):
    """A view without (the given) length-1 axes, no copy (numpy.ndarray.squeeze)."""
    return squeeze(self, axis)


def _repeat_method(self, repeats, axis=None):
    """Each element repeated along an axis, into a new device array (numpy.ndarray.repeat).

    More than 64 runs of different counts raise NotImplementedError."""
    return repeat(self, repeats, axis)


def _clip_method(self, min=None, max=None, out=None, **kwargs):
    """Values limited to [min, max], one fused kernel on the device (numpy.ndarray.clip)."""
    return _clip(self, min, max, out=out, **kwargs)


def _diagonal_method(self, offset=0, axis1=0, axis2=1):
    """The diagonal as a writeable strided view (numpy.ndarray.diagonal; NumPy's is read-only)."""
    return diagonal(self, offset, axis1, axis2)


for _name, _fn in (("squeeze", _squeeze_method), ("repeat", _repeat_method),
                   ("clip", _clip_method), ("diagonal", _diagonal_method)):
    if _name not in ndarray.__dict__:
        _fn.__name__ = _name
        setattr(ndarray, _name, _fn)
del _name, _fn


# clip and flip of a 0-d array give NumPy scalars, as NumPy's (see _scalars.py).
from ._scalars import returns_scalar as _returns_scalar  # noqa: E402
clip = _returns_scalar(clip)
flip = _returns_scalar(flip)
