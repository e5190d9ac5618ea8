"""The ufunc methods beyond the fused reductions, on the device:
ufunc.reduce's dispatch (add, multiply, maximum, minimum, logical_and,
logical_or fuse into one reduction kernel; every other binary ufunc runs
here), ufunc.at (unbuffered in-place updates, repeated indices accumulate)
and ufunc.reduceat (reductions over index-delimited slices).
_array_methods.py attaches them to the ufunc class."""
import numpy

from .. import _core, _dtypes
from .._axes import normalize_axes
from .._creation._basic import empty, full
from .._creation._from_data import asarray
from .._creation._ranges import arange
from .._flags import require_writeable
from .._indexing._advanced import _plan
from .._indexing._nonzero import nonzero
from .._indexing._views import is_advanced_key, view_for
from .._manipulation._dims import broadcast_to
from .._manipulation._join import concatenate
from .._manipulation._transpose import moveaxis
from .._math._cumulative import cumsum
from .._ndarray import ndarray
from .._sorting._search import searchsorted
from .._sorting._sort import argsort
from .._statistics import _reductions
from .._statistics._reductions import max as _amax, min as _amin
from .._ufunc import UFUNCS, _operand, where

# The ufuncs whose reduce is one fused reduction kernel, and that reduction.
_REDUCTIONS = {"add": "sum", "multiply": "prod", "maximum": "max", "minimum": "min",
               "logical_and": "all", "logical_or": "any"}


def reduce(uf, array, axis, dtype, out, keepdims, initial, where):
    """ufunc.reduce's dispatch (see _array_methods.py for its contract)."""
    if uf.nin != 2:
        raise ValueError("reduce only supported for binary functions")
    kind = _REDUCTIONS.get(uf.__name__)
    a = _operand(array)
    if not isinstance(a, ndarray):
        a = asarray(a)
    if a.ndim == 0 and not isinstance(axis, tuple) and axis in (0, -1):
        axis = None  # NumPy accepts axis 0 / -1 on a 0-d array
    if kind is None or (kind in ("all", "any") and (dtype is not None or initial is not None)):
        return reduce_other(uf, a, axis, dtype, out, keepdims, initial, where)
    if kind in ("all", "any"):
        return getattr(_reductions, kind)(a, axis, out, keepdims, where=where)
    fn = getattr(_reductions, kind)
    if kind in ("sum", "prod"):
        return fn(a, axis, dtype, out, keepdims, initial, where)
    if dtype is not None:
        a = a.astype(dtype)
    return fn(a, axis, out, keepdims, initial, where)


# Associative binary ufuncs: a run of them can be evaluated in any grouping
# (reduceat's doubling table, at's segmented scan). Floating add/multiply
# are associative up to rounding.
ASSOCIATIVE = frozenset([
    "add", "multiply", "maximum", "minimum", "fmax", "fmin", "logical_and", "logical_or",
    "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "gcd", "lcm"])
# NumPy's reorderable ufuncs: reduce accepts several axes for these only.
REORDERABLE = frozenset([
    "add", "multiply", "maximum", "minimum", "fmax", "fmin", "logical_and", "logical_or",
    "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "gcd", "logaddexp",
    "logaddexp2", "hypot"])


def _materialized(x):
    """x computed now (a lazy expression would grow with every pass)."""
    x._buffer_id  # noqa: B018 - the attribute read materialises x
    return x


def _identity(name):
    """NumPy's identity of the ufunc (None when it has none)."""
    return getattr(numpy, name).identity


def _as_dtype(value, dt):
    """A host value (identity, initial) as a NumPy scalar of dtype dt."""
    with numpy.errstate(all="ignore"):
        return numpy.array(value).astype(dt)[()]


def loop_dtype(name, dtype_in, dtype):
    """The dtype a reduction-like method of ufunc `name` computes and
    returns for input dtype `dtype_in` (NumPy's: the loop whose inputs and
    output agree, add/multiply of small integers in int64/uint64);
    TypeError when the ufunc has no such loop."""
    code = -1 if dtype is None else _dtypes.code(dtype)
    try:
        probe = _core.scan(name, empty((0,), dtype=dtype_in), 0, code)
    except TypeError:
        raise TypeError(f"No loop matching the specified signature and casting was found "
                        f"for ufunc {name}") from None
    return probe.dtype


def _check_out(out, shape, name, what):
    if not isinstance(out, ndarray):
        raise TypeError("output must be an ndaccel.ndarray")
    if out.shape != shape:
        raise ValueError(f"output parameter for {what} operation {name} has the wrong shape: "
                         f"{out.shape} vs {shape}")


def _store(r, out, name, what):
    """r, or r written into out (NumPy's same_kind rule) and out."""
    if out is None:
        return r
    if type(out) is tuple:
        if len(out) != 1:
            raise ValueError("The 'out' tuple must have exactly one entry per ufunc output")
        out = out[0]
    _check_out(out, r.shape, name, what)
    if not _core.can_cast(r._dtype_code, out._dtype_code, "same_kind"):
        raise TypeError(f"Cannot cast ufunc '{name}' output from dtype('{r.dtype}') to "
                        f"dtype('{out.dtype}') with casting rule 'same_kind'")
    out[...] = r
    return out


# ---------------------------------------------------------------- at

# at's combining ufunc: op(op(a, b1), b2) == op(a, comb(b1, b2)).
_COMBINE = {"add": "add", "subtract": "add", "multiply": "multiply", "maximum": "maximum",
            "minimum": "minimum", "fmax": "fmax", "fmin": "fmin", "logical_and": "logical_and",
            "logical_or": "logical_or", "logical_xor": "logical_xor",
            "bitwise_and": "bitwise_and", "bitwise_or": "bitwise_or",
            "bitwise_xor": "bitwise_xor"}
# Exact through an integer cast back to the target's width (modular).
_MODULAR = frozenset(["add", "subtract", "multiply", "bitwise_and", "bitwise_or", "bitwise_xor"])
# Only rounding differs when a float loop is cast back to another float width.
_ROUNDING = frozenset(["add", "subtract", "multiply", "maximum", "minimum", "fmax", "fmin"])


def _combinable(name, loop, target):
    """Whether the values at a repeated index may be combined first: the
    loop output is cast back to the target after every step (NumPy's
    unsafe cast), which only commutes with the combination in these cases."""
    if name not in _COMBINE:
        return False
    if loop == target:
        return True
    if loop.kind == target.kind and loop.kind in "fc":
        return name in _ROUNDING
    return loop.kind in "iu" and target.kind in "iu" and name in _MODULAR


def _check_b(b, shape):
    if b is None:
        return
    try:
        ok = b.ndim <= len(shape) and numpy.broadcast_shapes(b.shape, shape) == tuple(shape)
    except ValueError:
        ok = False
    if not ok:
        raise ValueError("array is not broadcastable to correct shape")


def at(uf, a, indices, b=None):
    """a[indices] = uf(a[indices], b) without buffering (see ufunc.at)."""
    name = uf.__name__
    if not isinstance(a, ndarray):
        raise TypeError("first operand must be array (an ndaccel.ndarray, updated in place)")
    if uf.nin == 2 and b is None:
        raise ValueError("second operand needed for ufunc")
    if uf.nin == 1 and b is not None:
        raise ValueError("second operand provided when ufunc is unary")
    require_writeable(a, "output array is read-only")
    if b is not None:
        # NumPy converts b to an array: a Python scalar has its default dtype.
        b = asarray(b, device=a._device_id)
    key = indices if isinstance(indices, tuple) else (indices,)
    if not is_advanced_key(key):
        target = view_for(a, key)  # a view: no element twice
        _check_b(b, target.shape)
        target[...] = uf(target) if b is None else uf(target, b)
        return
    V, shape, offsets = _plan(a, key)
    _check_b(b, shape)
    off = offsets.reshape(-1)
    n = off.size
    if n == 0:
        return
    bflat = None
    if b is not None:  # contiguous (gathered by element offsets), copied only if it is not
        bflat = broadcast_to(b, shape).reshape(-1)
        if not bflat.flags.c_contiguous:
            bflat = bflat.copy()
    if name == "add" and b is not None and V.dtype == numpy.float64 and b.dtype.kind in "biuf" \
            and _add_by_bincount(V, off, bflat):
        return
    order = argsort(off, kind="stable")  # stable: a repeated index keeps its occurrences in order
    k = _materialized(_core.gather(off, order))
    new = UFUNCS["not_equal"](k[1:], k[:-1])
    if n == 1 or bool(new.all()):  # no index twice: one gather, op, scatter
        g = _core.gather(V, off)
        _core.scatter(V, off, uf(g) if b is None else uf(g, bflat))
        return
    first = concatenate([asarray(numpy.array([True]), device=a._device_id), new])
    (starts,) = nonzero(first)
    ends = concatenate([starts[1:], asarray(numpy.array([n]), device=a._device_id)])
    runs = UFUNCS["subtract"](ends, starts)
    maxrun = int(_amax(runs))
    if b is not None:
        loop = uf(empty((0,), dtype=V.dtype, device=a._device_id),
                  empty((0,), dtype=b.dtype, device=a._device_id)).dtype
        if _combinable(name, loop, V.dtype):
            _at_combined(uf, V, k, _core.gather(bflat.astype(loop), order), ends, maxrun,
                         loop)
            return
    _at_rounds(uf, V, off, bflat, order, first, starts, maxrun)


def _add_by_bincount(V, off, bflat):
    """add.at into float64 V as one pass of partial histograms (nda/binning.h):
    each offset's values summed, then added once where the sum is not zero
    (a zero sum leaves the element as it is, which is what adding it would
    do but for -0.0). The sums are grouped, not NumPy's one-by-one order, so
    the rounding differs (as with CuPy's atomics): usually in the last bits,
    more where the added values are far smaller than V's (1e16 + 1 + 1 gives
    1e16 + 2, NumPy 1e16), and an element of -0.0 whose added values sum to
    exactly zero stays -0.0 (NumPy's +0.0 unless they are all -0.0). The
    offsets lie inside V's span (_plan checked the indices), so the span's
    length in bins holds them, with nothing read back; False (nothing done)
    for a span that runs backwards (negative strides) or needs more bins
    than the kernel has."""
    steps = [(n - 1) * (st // V.itemsize) for n, st in zip(V.shape, V.strides)]
    if any(s < 0 for s in steps):
        return False
    bins = sum(steps) + 1
    if bins > _core.bincount_max_bins(off):
        return False
    off = off.astype(numpy.int64, copy=False)
    tot = _core.bincount(off, bflat.astype(numpy.float64, copy=False), bins)
    pos = arange(bins, dtype=numpy.int64, device=V._device_id)
    old = _core.gather(V, pos)
    _core.scatter(V, pos, where(UFUNCS["equal"](tot, 0.0), old, UFUNCS["add"](old, tot)))
    return True


def _at_combined(uf, V, k, v, ends, maxrun, loop):
    """Repeated indices of an associative update: a segmented inclusive
    scan of the sorted values (log2(longest run) fused passes), then one
    update per distinct index with its run's total."""
    comb = UFUNCS[_COMBINE[uf.__name__]]
    n = k.size
    pos = arange(n, dtype=numpy.int64, device=V._device_id)
    v = _materialized(v)
    d = 1
    while d < maxrun:
        prev = UFUNCS["maximum"](UFUNCS["subtract"](pos, d), 0)
        same = UFUNCS["logical_and"](UFUNCS["greater_equal"](pos, d),
                                     UFUNCS["equal"](_core.gather(k, prev), k))
        v = _materialized(where(same, comb(_core.gather(v, prev), v), v).astype(loop))
        d *= 2
    last = UFUNCS["subtract"](ends, 1)
    keys = _materialized(_core.gather(k, last))
    tot = _core.gather(v, last)
    _core.scatter(V, keys, uf(_core.gather(V, keys), tot))


def _at_rounds(uf, V, off, bflat, order, first, starts, maxrun):
    """Repeated indices, any ufunc: round r applies every index's r-th
    occurrence (each index at most once per round), as NumPy's sequential
    loop does. One gather/op/scatter per round: longest run rounds."""
    n = off.size
    dev = V._device_id
    group = UFUNCS["subtract"](cumsum(first.astype(numpy.int64)), 1)
    pos = arange(n, dtype=numpy.int64, device=dev)
    rank = _materialized(UFUNCS["subtract"](pos, _core.gather(starts, group)))
    order2 = argsort(rank, kind="stable")  # stable: rank-major, each rank in index order
    src = _materialized(_core.gather(order, order2))  # flat positions, rank-major
    ranks = _materialized(_core.gather(rank, order2))
    bounds = searchsorted(ranks, arange(maxrun + 1, dtype=numpy.int64, device=dev)).get()
    offs = _materialized(_core.gather(off, src))
    vals = None if bflat is None else _materialized(_core.gather(bflat, src))
    for r in range(maxrun):
        lo, hi = int(bounds[r]), int(bounds[r + 1])
        o = offs[lo:hi]
        g = _core.gather(V, o)
        _core.scatter(V, o, uf(g) if vals is None else uf(g, vals[lo:hi]))


# ---------------------------------------------------------------- reduceat

def _segments(indices, n, name):
    """Host (starts, lengths) of reduceat's slices, NumPy's errors."""
    idx = indices.get() if isinstance(indices, ndarray) else numpy.asarray(indices)
    if idx.ndim == 0:
        raise ValueError("object of too small depth for desired array")
    if idx.ndim > 1:
        raise ValueError("object too deep for desired array")
    if idx.size and idx.dtype.kind not in "biuf":
        raise TypeError(f"Cannot cast array data from {idx.dtype!r} to dtype('int64') "
                        "according to the rule 'unsafe'")
    idx = idx.astype(numpy.int64)  # NumPy casts the indices unsafely (0.5 -> 0)
    bad = (idx < 0) | (idx >= n)
    if bad.any():
        raise IndexError(f"index {idx[bad.argmax()]} out-of-bounds in {name}.reduceat [0, {n})")
    ends = numpy.empty_like(idx)
    if idx.size:
        ends[:-1] = numpy.where(idx[:-1] < idx[1:], idx[1:], idx[:-1] + 1)
        ends[-1] = n
    return idx, ends - idx


def _rows_at(X, rows, R):
    """X[rows] for a contiguous (L, R) X and an int64 device vector rows."""
    col = arange(R, dtype=numpy.int64, device=X._device_id).reshape(1, R)
    return _core.gather(X, UFUNCS["add"](UFUNCS["multiply"](rows.reshape(-1, 1), R), col))


def _reduceat_table(uf, X, starts, lens, maxlen, work):
    """Associative ufuncs: level k of a doubling table holds the reduction
    of every 2**k consecutive rows; a slice is the combination, left to
    right, of one table entry per set bit of its length."""
    R = X.shape[1]
    T = X
    pos = starts
    acc = has = None
    k = 0
    while (1 << k) <= maxlen:
        if k:
            h = 1 << (k - 1)
            L = T.shape[0]
            T = _materialized(uf(T[:L - h], T[h:]).astype(work))
        bit = UFUNCS["not_equal"](UFUNCS["bitwise_and"](lens, 1 << k), 0)
        piece = _rows_at(T, UFUNCS["minimum"](pos, T.shape[0] - 1), R)
        b2 = bit.reshape(-1, 1)
        if acc is None:
            acc, has = _materialized(piece), bit
        else:
            both = UFUNCS["logical_and"](b2, has.reshape(-1, 1))
            acc = _materialized(where(both, uf(acc, piece), where(b2, piece, acc)).astype(work))
            has = _materialized(UFUNCS["logical_or"](has, bit))
        pos = _materialized(UFUNCS["add"](pos, UFUNCS["multiply"](bit.astype(numpy.int64),
                                                                  1 << k)))
        k += 1
    return acc


def _reduceat_sequential(uf, X, starts, lens, maxlen, work):
    """Other ufuncs: a left fold per slice, one fused pass per element of
    the longest slice."""
    R = X.shape[1]
    n = X.shape[0]
    acc = _materialized(_rows_at(X, starts, R))
    for j in range(1, maxlen):
        row = _rows_at(X, UFUNCS["minimum"](UFUNCS["add"](starts, j), n - 1), R)
        active = UFUNCS["less"](j, lens).reshape(-1, 1)
        acc = _materialized(where(active, uf(acc, row), acc).astype(work))
    return acc


def reduceat(uf, array, indices, axis=0, dtype=None, out=None):
    """uf.reduce over the slices array[indices[i]:indices[i+1]] along axis
    (just array[indices[i]] where indices[i] >= indices[i+1]; the last slice
    runs to the end), as numpy.ufunc.reduceat."""
    name = uf.__name__
    if uf.nin != 2:
        raise ValueError("reduceat only supported for binary functions")
    a = array if isinstance(array, ndarray) else asarray(array)
    if a.ndim == 0:
        raise TypeError("cannot reduceat on a scalar")
    if axis is None or isinstance(axis, tuple):
        axes = normalize_axes(axis, a.ndim)
        if len(axes) != 1:
            raise ValueError("reduceat does not allow multiple axes")
        ax = axes[0]
    else:
        (ax,) = normalize_axes(axis, a.ndim)
    n = a.shape[ax]
    starts, lens = _segments(indices, n, name)
    rdt = loop_dtype(name, a.dtype, dtype)
    m = starts.size
    rest = a.shape[:ax] + a.shape[ax + 1:]
    R = 1
    for s in rest:
        R *= s
    if m == 0 or R == 0:
        r = empty((m,) + rest, dtype=rdt, device=a._device_id)
    else:
        # float16 sums and products accumulate in float32, as NumPy's loops.
        work = numpy.dtype(numpy.float32) if rdt == numpy.float16 and \
            name in ("add", "multiply") else rdt
        X = moveaxis(a, ax, 0).astype(work).reshape(n, R)
        dev = a._device_id
        st = asarray(starts, device=dev)
        ln = asarray(lens, device=dev)
        maxlen = int(lens.max())
        fold = _reduceat_table if name in ASSOCIATIVE else _reduceat_sequential
        r = fold(uf, X, st, ln, maxlen, work).astype(rdt).reshape((m,) + rest)
    r = moveaxis(r, 0, ax) if ax else r
    if out is None:
        return r
    return _store(r, out, name, "reduceat")


# ---------------------------------------------------------------- reduce

def _tree_reduce(uf, x, axes, rdt):
    """Reorderable ufuncs over several axes: the axes moved last and
    merged, then halved pairwise (log2 of their size fused passes)."""
    keep = tuple(s for i, s in enumerate(x.shape) if i not in axes)
    K = 1
    for i in axes:
        K *= x.shape[i]
    M = 1
    for s in keep:
        M *= s
    y = moveaxis(x, axes, tuple(range(x.ndim - len(axes), x.ndim))).reshape(M, K)
    while K > 1:
        h = K // 2
        z = uf(y[:, :h], y[:, h:2 * h]).astype(rdt)
        if K % 2:
            z = concatenate([z, y[:, 2 * h:]], axis=1)
        y = _materialized(z)
        K = y.shape[1]
    return y.reshape(keep)


def reduce_other(uf, array, axis, dtype, out, keepdims, initial, where_mask):
    """ufunc.reduce for ufuncs without a reduction kernel: reorderable ones
    by pairwise halving, the others (one axis) as the last element of
    ufunc.accumulate (a sequential left fold per row, as NumPy)."""
    name = uf.__name__
    a = array if isinstance(array, ndarray) else asarray(array)
    if a.ndim == 0 and not isinstance(axis, tuple) and axis in (0, -1):
        axis = None  # NumPy accepts axis 0 / -1 on a 0-d array
    axes = normalize_axes(axis, a.ndim)
    reorderable = name in REORDERABLE
    if len(axes) > 1 and not reorderable:
        raise ValueError(f"reduction operation '{name}' is not reorderable, so at most one "
                         "axis may be specified")
    rdt = loop_dtype(name, a.dtype, dtype)
    ident = _identity(name)
    x = a.astype(rdt)
    if where_mask is not True:
        fill = initial if initial is not None else ident
        if fill is None:
            raise ValueError(f"reduction operation '{name}' does not have an identity, so to "
                             "use a where mask one has to specify 'initial'")
        if not reorderable:
            raise NotImplementedError(f"{name}.reduce with a where mask is not implemented "
                                      "(not reorderable: the masked elements must be skipped)")
        mask = asarray(where_mask)
        try:
            ok = numpy.broadcast_shapes(mask.shape, a.shape) == a.shape
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"operands could not be broadcast together: where mask of shape "
                             f"{mask.shape} and array of shape {a.shape}")
        x = where(mask, x, _as_dtype(fill, rdt)).astype(rdt)
    keep = tuple(s for i, s in enumerate(a.shape) if i not in axes)
    dev = a._device_id
    if any(a.shape[i] == 0 for i in axes):
        fill = initial if initial is not None else ident
        if fill is None:
            raise ValueError(f"zero-size array to reduction operation {name} which has no "
                             "identity")
        r = full(keep, _as_dtype(fill, rdt), dtype=rdt, device=dev)
    elif not axes:
        r = x if initial is None else uf(_as_dtype(initial, rdt), x).astype(rdt)
    elif reorderable:
        r = _tree_reduce(uf, x, axes, rdt)
        if initial is not None:
            r = uf(_as_dtype(initial, rdt), r).astype(rdt)
    else:
        (ax,) = axes
        if initial is not None:
            shape1 = x.shape[:ax] + (1,) + x.shape[ax + 1:]
            x = concatenate([full(shape1, _as_dtype(initial, rdt), dtype=rdt, device=dev), x],
                            axis=ax)
        acc = _core.scan(name, x, ax, _dtypes.code(rdt))
        r = acc[(slice(None),) * ax + (slice(-1, None),)].reshape(keep)
    if keepdims:
        r = r.reshape(tuple(1 if i in axes else s for i, s in enumerate(a.shape)))
    if out is None:
        return r
    return _store(r, out, name, "reduction")
