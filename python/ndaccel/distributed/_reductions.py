"""Reductions of distributed arrays: each rank reduces its rows on its
device, then one allreduce combines the ranks (NumPy's NaN and overflow
semantics are the comm plugin's). Over every axis the result is a NumPy
scalar, the same on every rank; over axis 0 an ndaccel array held by every
rank; over another axis a distributed array with the same row blocks.
argmax/argmin over every axis or along axis 0 gather each rank's
candidates (two allgathers) and pick NumPy's (the first extreme, the first
NaN); along another axis each rank computes its rows."""
import numbers
import operator

import numpy

from .. import _core
from .._creation._basic import full as _nd_full
from .._creation._from_data import asarray as _nd_asarray
from ._darray import _Pending, _unsupported, ndarray

# reduction -> (allreduce op, identity of an empty block: None for max/min)
_OPS = {"sum": "sum", "prod": "prod", "max": "max", "min": "min", "any": "logical_or",
        "all": "logical_and"}


def _base(a):
    return a._materialized() if isinstance(a, _Pending) else a


def _axis(axis, ndim):
    if axis is None:
        return None
    if isinstance(axis, tuple):
        if len(axis) != 1:
            raise _unsupported(f"a reduction over the axes {axis}")
        axis = axis[0]
    if not isinstance(axis, numbers.Integral) or not -ndim <= axis < ndim:
        raise numpy.exceptions.AxisError(axis, ndim)
    return axis % ndim


def _empty_identity(kind, dtype):
    """What an empty block contributes to max/min: the dtype's lowest/highest value."""
    if dtype.kind == "f" or dtype.kind == "c":
        return -numpy.inf if kind == "max" else numpy.inf
    if dtype.kind == "b":
        return kind == "min"
    info = numpy.iinfo(dtype)
    return info.min if kind == "max" else info.max


def _reduce(kind, a, axis=None, dtype=None, keepdims=False):
    a = _base(a)
    comm = a._comm
    axis = _axis(axis, a.ndim)
    local = a._local
    if axis is not None and axis > 0:  # rows stay where they are
        r = getattr(local, kind)(axis=axis, keepdims=keepdims,
                                 **({"dtype": dtype} if dtype is not None else {}))
        shape = list(a.shape)
        if keepdims:
            shape[axis] = 1
        else:
            del shape[axis]
        if not shape:
            raise _unsupported("a reduction leaving no axis")
        return ndarray(tuple(shape), r, comm)
    if kind in ("max", "min") and a.shape[0] == 0 or (axis is None and a.size == 0 and
                                                      kind in ("max", "min")):
        raise ValueError(f"zero-size array to reduction operation "
                         f"{'maximum' if kind == 'max' else 'minimum'} which has no identity")
    kw = {"dtype": dtype} if dtype is not None and kind in ("sum", "prod") else {}
    if local.shape[0] == 0 and kind in ("max", "min"):
        part_shape = () if axis is None else tuple(a.shape[1:])
        ident = _empty_identity(kind, local.dtype)
        part = _nd_full(part_shape if part_shape else (1,), ident, dtype=local.dtype,
                        device=comm.device)
    else:
        part = getattr(local, kind)(axis=axis, keepdims=False, **kw) if axis is not None \
            else getattr(local, kind)(keepdims=True, **kw).reshape(1)
    part = _nd_asarray(part, device=comm.device).reshape(-1).copy()
    _core.comm_allreduce(comm, part, part, _OPS[kind])
    if axis is None:
        r = part.get()[0]
        return r[()] if not keepdims else _nd_asarray(numpy.reshape(r, (1,) * a.ndim))
    r = part.reshape(a.shape[1:])
    return r.reshape((1,) + r.shape) if keepdims else r


def _no_out(name, out):
    """NumPy passes out=None to these methods (numpy.sum(a) calls a.sum(..., out=None));
    an output array is not implemented."""
    if out is not None:
        raise _unsupported(f"{name} with out=")


def sum(a, axis=None, dtype=None, out=None, keepdims=False):
    """Sum over the given axis (every axis by default) of a distributed array."""
    _no_out("sum", out)
    return _reduce("sum", a, axis, dtype, keepdims)


def prod(a, axis=None, dtype=None, out=None, keepdims=False):
    """Product over the given axis (every axis by default)."""
    _no_out("prod", out)
    return _reduce("prod", a, axis, dtype, keepdims)


def max(a, axis=None, out=None, keepdims=False):
    """Largest element over the given axis (every axis by default); NaN propagates."""
    _no_out("max", out)
    return _reduce("max", a, axis, None, keepdims)


def min(a, axis=None, out=None, keepdims=False):
    """Smallest element over the given axis (every axis by default); NaN propagates."""
    _no_out("min", out)
    return _reduce("min", a, axis, None, keepdims)


def any(a, axis=None, out=None, keepdims=False):
    """Whether any element is true, over the given axis (every axis by default)."""
    _no_out("any", out)
    return _reduce("any", a, axis, None, keepdims)


def all(a, axis=None, out=None, keepdims=False):
    """Whether every element is true, over the given axis (every axis by default)."""
    _no_out("all", out)
    return _reduce("all", a, axis, None, keepdims)


def mean(a, axis=None, dtype=None, out=None, keepdims=False):
    """Arithmetic mean over the given axis (every axis by default); float64 for
    integers, as NumPy."""
    _no_out("mean", out)
    a = _base(a)
    ax = _axis(axis, a.ndim)
    count = a.size if ax is None else a.shape[ax]
    acc = dtype if dtype is not None else (numpy.float64 if a.dtype.kind in "biu" else None)
    s = _reduce("sum", a, ax, acc, keepdims)
    with numpy.errstate(invalid="ignore", divide="ignore"):
        if isinstance(s, ndarray):
            return ndarray(s.shape, s._local / count, s._comm)
        r = s / count
    out_dtype = numpy.dtype(dtype) if dtype is not None else \
        (numpy.dtype(numpy.float64) if a.dtype.kind in "biu" else a.dtype)
    return r.astype(out_dtype) if hasattr(r, "astype") else r


def _arg_flat(kind, a):
    """The flat index of the first extreme (NumPy's: the first NaN) of a non-empty a, the
    same on every rank: each rank's candidate (value, flat index) gathered, the first
    extreme among them picked."""
    comm = a._comm
    local = a._local
    own = a._bounds[comm.rank]
    rowsize = a.size // a.shape[0]
    if local.size:
        i = int(getattr(local, kind)())
        v = local.reshape(-1)[i:i + 1].copy()
        idx = numpy.array([own[0] * rowsize + i], numpy.int64)
    else:
        v = _nd_full((1,), _empty_identity("max" if kind == "argmax" else "min", local.dtype),
                     dtype=local.dtype, device=comm.device)
        idx = numpy.array([-1], numpy.int64)
    vals = _nd_full((comm.size,), 0, dtype=local.dtype, device=comm.device)
    idxs = _nd_full((comm.size,), 0, dtype=numpy.int64, device=comm.device)
    _core.comm_allgather(comm, v, vals)
    _core.comm_allgather(comm, _nd_asarray(idx, device=comm.device), idxs)
    hv, hi = vals.get(), idxs.get()
    cand = numpy.where(hi >= 0)[0]
    pick = cand[getattr(numpy, kind)(hv[cand])]
    return numpy.int64(hi[pick])


def _arg_rows(kind, a, keepdims):
    """argmax/argmin along axis 0, held by every rank: each rank's first extreme per
    position (its value and global row) gathered, and per position the first extreme
    among the ranks with rows (NumPy's rule on the candidates in rank order, which is row
    order: the first maximum, or the first NaN, wins)."""
    comm = a._comm
    local = a._local
    rest = tuple(a.shape[1:])
    if local.shape[0]:
        idx = getattr(local, kind)(axis=0).astype(numpy.int64)
        val = getattr(local, kind[3:])(axis=0)  # the value at idx: max/min propagate NaN
    else:
        idx = _nd_full(rest, 0, dtype=numpy.int64, device=comm.device)
        val = _nd_full(rest, 0, dtype=local.dtype, device=comm.device)
    vals = _nd_full((comm.size,) + rest, 0, dtype=local.dtype, device=comm.device)
    idxs = _nd_full((comm.size,) + rest, 0, dtype=numpy.int64, device=comm.device)
    _core.comm_allgather(comm, _nd_asarray(val, device=comm.device).reshape(-1).copy(), vals)
    _core.comm_allgather(comm, _nd_asarray(idx, device=comm.device).reshape(-1).copy(), idxs)
    have = [q for q, (b0, b1) in enumerate(a._bounds) if b1 > b0]
    starts = numpy.array([a._bounds[q][0] for q in have], numpy.int64)
    starts = starts.reshape((len(have),) + (1,) * len(rest))
    pick = getattr(numpy, kind)(vals.get()[have], axis=0)[None]  # rank among `have`
    r = numpy.take_along_axis(idxs.get()[have] + starts, pick, axis=0)[0]
    if keepdims:
        return _nd_asarray(r[None], device=comm.device)
    return r[()] if not rest else _nd_asarray(r, device=comm.device)


def _arg(kind, a, axis=None, keepdims=False):
    """argmax/argmin: over every axis a NumPy int64 (an ndaccel array of ones' shape with
    keepdims), the same on every rank; along axis 0 an ndaccel array held by every rank
    (a NumPy int64 for a 1-d a); along another axis a distributed array in a's row
    blocks, each rank's rows computed locally."""
    a = _base(a)
    comm = a._comm
    if axis is None:
        if a.size == 0:
            raise ValueError(f"attempt to get {kind} of an empty sequence")
        r = _arg_flat(kind, a)
        return _nd_asarray(numpy.full((1,) * a.ndim, r), device=comm.device) if keepdims else r
    axis = operator.index(axis)  # TypeError for tuples, as NumPy
    if not -a.ndim <= axis < a.ndim:
        raise numpy.exceptions.AxisError(axis, a.ndim)
    axis %= a.ndim
    if a.shape[axis] == 0:
        raise ValueError(f"attempt to get {kind} of an empty sequence")
    shape = list(a.shape)
    if keepdims:
        shape[axis] = 1
    else:
        del shape[axis]
    if a.size == 0:  # another axis is empty: so is the result
        if axis == 0:
            return _nd_full(tuple(shape), 0, dtype=numpy.int64, device=comm.device)
        lo, hi = a._bounds[comm.rank]
        return ndarray(tuple(shape), _nd_full((hi - lo,) + tuple(shape[1:]), 0,
                                              dtype=numpy.int64, device=comm.device), comm)
    if axis == 0:
        return _arg_rows(kind, a, keepdims)
    local = a._local
    if local.shape[0]:
        r = getattr(local, kind)(axis=axis, keepdims=keepdims).astype(numpy.int64)
    else:
        r = _nd_full((0,) + tuple(shape[1:]), 0, dtype=numpy.int64, device=comm.device)
    return ndarray(tuple(shape), r, comm)


def argmax(a, axis=None, out=None, *, keepdims=False):
    """Index of the first maximum (NumPy's: the first NaN), over every axis (a flat
    index) or along one; see _arg for where the result lives."""
    _no_out("argmax", out)
    return _arg("argmax", a, axis, keepdims)


def argmin(a, axis=None, out=None, *, keepdims=False):
    """Index of the first minimum (NumPy's: the first NaN), over every axis (a flat
    index) or along one; see _arg for where the result lives."""
    _no_out("argmin", out)
    return _arg("argmin", a, axis, keepdims)


def attach():
    """Sets the reductions as methods of the distributed ndarray."""
    for f in (sum, prod, max, min, any, all, mean, argmax, argmin):
        setattr(ndarray, f.__name__, f)
