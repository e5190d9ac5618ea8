"""Sorting and searching on the device: sort and argsort (a bitonic network
over rows padded to a power of two: every compare-exchange pass is one
fused kernel with a gather of the partner element), searchsorted (a
binary search in log2(n) fused passes), unique.

Order as NumPy: NaN sorts last (complex: lexicographic, any NaN last);
argsort is stable (ties keep their index order)."""
import numpy

from . import _core
from ._ufunc import UFUNCS, where as _where
from ._creation import asarray as _arr  # ndarrays pass through unchanged

_lt = UFUNCS["less"]
_eq = UFUNCS["equal"]
_and = UFUNCS["logical_and"]
_or = UFUNCS["logical_or"]
_not = UFUNCS["logical_not"]
_isnan = UFUNCS["isnan"]




def _less(b, a):
    """b sorts before a (NaN last)."""
    if a.dtype.kind in "fc":
        nb, na = _isnan(b), _isnan(a)
        return _or(_and(_not(nb), _lt(b, a)), _and(_not(nb), na))
    return _lt(b, a)


def _same(b, a):
    if a.dtype.kind in "fc":
        return _or(_eq(b, a), _and(_isnan(b), _isnan(a)))
    return _eq(b, a)


def _sentinel(dtype):
    if dtype.kind in "fc":
        return float("nan") if dtype.kind == "f" else complex(float("nan"), float("nan"))
    if dtype.kind == "b":
        return True
    return numpy.iinfo(dtype).max


def _bitonic(keys, idx, L):
    """Sorts each row of length L (a power of two) of the flat arrays keys
    (and idx, compared as tie-breaker) in place of new arrays; returns
    (keys, idx)."""
    from ._creation import arange
    n = keys.size
    pos = arange(n, dtype=numpy.int64)
    i_in_row = UFUNCS["remainder"](pos, L) if L < n else pos
    row0 = UFUNCS["subtract"](pos, i_in_row)
    k = 2
    while k <= L:
        j = k // 2
        while j >= 1:
            partner = UFUNCS["add"](row0, UFUNCS["bitwise_xor"](i_in_row, j))
            asc = _eq(UFUNCS["bitwise_and"](i_in_row, k), 0)
            lower = _eq(UFUNCS["bitwise_and"](i_in_row, j), 0)
            kp = _core.gather(keys, partner)
            before = _less(kp, keys)  # partner sorts before me
            if idx is not None:
                ip = _core.gather(idx, partner)
                before = _or(before, _and(_same(kp, keys), _lt(ip, idx)))
            # I keep the smaller of the pair when (lower == asc), else the larger.
            take_partner = _where(_eq(lower, asc), before, _and(_not(before), _not(
                _and(_same(kp, keys), _eq(ip, idx)) if idx is not None else _same(kp, keys))))
            new_keys = _where(take_partner, kp, keys).astype(keys.dtype)
            new_idx = _where(take_partner, ip, idx).astype(idx.dtype) if idx is not None else None
            new_keys._buffer_id  # materialise both from the old pair before replacing it
            if new_idx is not None:
                new_idx._buffer_id
            keys, idx = new_keys, new_idx
            j //= 2
        k *= 2
    return keys, idx


def _rows(a, axis):
    """a with `axis` moved last, as a contiguous (M, n) array, and the
    inverse permutation."""
    from ._manipulation import moveaxis
    if axis is None:
        return a.reshape(-1).copy().reshape(1, a.size), None
    from ._reductions import normalize_axes
    (ax,) = normalize_axes(axis, a.ndim)
    m = moveaxis(a, ax, -1).copy()
    n = a.shape[ax] if a.ndim else 1
    return m.reshape(a.size // n if n else 0, n), ax


def _sort_rows(rows, with_index):
    from ._creation import arange, full
    M, n = rows.shape
    L = 1
    while L < n:
        L *= 2
    keys = full((M, L), _sentinel(rows.dtype), dtype=rows.dtype)
    keys[:, :n] = rows
    idx = None
    if with_index:
        idx = UFUNCS["add"](arange(L, dtype=numpy.int64).reshape(1, L),
                            full((M, 1), 0, dtype=numpy.int64)).astype(numpy.int64)
        idx._buffer_id
    keys, idx = _bitonic(keys.reshape(-1), idx.reshape(-1) if idx is not None else None, L)
    keys = keys.reshape(M, L)[:, :n]
    idx = idx.reshape(M, L)[:, :n] if idx is not None else None
    return keys, idx


def _finish(r, a, axis, ax):
    from ._manipulation import moveaxis
    if axis is None:
        return r.reshape(-1)
    shape = list(a.shape)
    moved = shape[:ax] + shape[ax + 1:] + [shape[ax]]
    return moveaxis(r.reshape(tuple(moved)), -1, ax).copy()


def _check_kind(kind):
    """NumPy reads a sort kind by its first letter (quick, heap, merge,
    stable); every kind gives the same (stable) order here."""
    if kind is None:
        return
    if not isinstance(kind, str):
        raise TypeError(f"sort kind must be str, not {type(kind).__name__}")
    if kind[:1].lower() not in ("q", "h", "m", "s"):
        raise ValueError(f"sort kind must be one of 'quick', 'heap', or 'stable' (got {kind!r})")


def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """A sorted copy along an axis (flattened for axis=None), NaN last, on the device
    (numpy.sort). Every kind gives the same stable order; 'order' raises NotImplementedError."""
    _check_kind(kind)
    if order is not None:
        raise NotImplementedError("sort: 'order' (structured arrays) is not supported")
    a = _arr(a)
    if a.ndim == 0 and axis is not None:
        from numpy.exceptions import AxisError
        raise AxisError(axis, 0)
    rows, ax = _rows(a, axis)
    if rows.size == 0:
        return a.copy() if axis is not None else a.reshape(-1).copy()
    keys, _ = _sort_rows(rows, with_index=False)
    return _finish(keys, a, axis, ax)


def argsort(a, axis=-1, kind=None, order=None, *, stable=None):
    """Indices that sort a along an axis (stable, NaN last), on the device (numpy.argsort).

    Every kind gives the same stable order; 'order' raises NotImplementedError."""
    _check_kind(kind)
    if order is not None:
        raise NotImplementedError("argsort: 'order' (structured arrays) is not supported")
    a = _arr(a)
    if a.ndim == 0 and axis is not None:
        from numpy.exceptions import AxisError
        raise AxisError(axis, 0)
    rows, ax = _rows(a, axis)
    if rows.size == 0:
        from ._creation import zeros
        return zeros(a.shape if axis is not None else (a.size,), dtype=numpy.int64)
    _, idx = _sort_rows(rows, with_index=True)
    return _finish(idx, a, axis, ax)


def searchsorted(a, v, side="left", sorter=None):
    """Indices where v's elements would be inserted into the sorted 1-D a:
    a binary search for every query at once, one fused pass per step."""
    from ._creation import zeros, full
    a = _arr(a)
    if a.ndim != 1:
        raise ValueError("object too deep for desired array")
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right' (got {side!r})")
    if sorter is not None:
        sorter = _arr(sorter)
        if sorter.ndim != 1:
            raise TypeError(f"could not parse sorter argument (a {sorter.ndim}-d array)")
        if sorter.dtype.kind not in "iu":
            raise TypeError(f"sorter must only contain integers (got dtype {sorter.dtype})")
        if sorter.size != a.size:
            raise ValueError(f"sorter.size must equal a.size ({sorter.size} != {a.size})")
        a = a[sorter]
    from ._ufunc import _operand
    v = _operand(v)
    scalar = not hasattr(v, "shape")
    vv = _arr(v)
    n = a.size
    lo = zeros(vv.shape, dtype=numpy.int64)
    hi = full(vv.shape, n, dtype=numpy.int64)
    steps = max(n, 1).bit_length()
    for _ in range(steps):
        mid = UFUNCS["floor_divide"](UFUNCS["add"](lo, hi), 2)
        safe = UFUNCS["minimum"](mid, max(n - 1, 0))
        am = _core.gather(a, safe.astype(numpy.int64)) if n else vv
        go_right = _less(am, vv) if side == "left" else _not(_less(vv, am))
        active = _lt(lo, hi)
        go_right = _and(active, go_right)
        new_lo = _where(go_right, UFUNCS["add"](mid, 1), lo).astype(numpy.int64)
        new_hi = _where(_and(active, _not(go_right)), mid, hi).astype(numpy.int64)
        new_lo._buffer_id
        new_hi._buffer_id
        lo, hi = new_lo, new_hi
    return lo.reshape(()) if scalar else lo


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None,
           *, equal_nan=True, sorted=True):
    """The sorted unique elements of ar (or subarrays along axis) on the
    device (numpy.unique): a stable sort, then the starts of runs of equal
    values. sorted=False is accepted; the result is sorted anyway (NumPy
    allows either)."""
    if axis is not None:
        return _unique_axis(_arr(ar), axis, return_index, return_inverse, return_counts)
    from ._creation import empty
    from ._search import nonzero
    a = _arr(ar).reshape(-1)
    n = a.size
    if n == 0:
        res = [a.copy()]
        if return_index:
            res.append(empty(0, dtype=numpy.int64))
        if return_inverse:
            res.append(empty(_arr(ar).shape, dtype=numpy.int64))
        if return_counts:
            res.append(empty(0, dtype=numpy.int64))
        return res[0] if len(res) == 1 else tuple(res)
    order = argsort(a, axis=None)
    s = a[order]
    from ._manipulation import concatenate
    first = concatenate([_arr(numpy.array([True])),
                         _not(_same(s[1:], s[:-1])) if equal_nan else _not(_eq(s[1:], s[:-1]))])
    (starts,) = nonzero(first)
    res = [s[starts]]
    if return_index:
        res.append(order[starts])
    if return_inverse:
        from ._search import cumsum
        group = UFUNCS["subtract"](cumsum(first.astype(numpy.int64)), 1)
        inv = empty(n, dtype=numpy.int64)
        _core.scatter(inv, order, group)
        res.append(inv.reshape(_arr(ar).shape))
    if return_counts:
        ends = concatenate([starts[1:], _arr(numpy.array([n], dtype=numpy.int64))])
        res.append(UFUNCS["subtract"](ends, starts))
    return res[0] if len(res) == 1 else tuple(res)


def _unique_axis(a, axis, return_index, return_inverse, return_counts):
    """unique(a, axis=axis) on the device: the subarrays along axis as rows,
    sorted lexicographically (lexsort: one stable argsort per column, NaN
    last in each), then unique as in 1-D. As NumPy (which compares the rows
    as structured values), rows holding NaN are never equal to each other,
    whatever equal_nan; the inverse is 1-D."""
    from ._creation import arange, empty
    from ._manipulation import concatenate, moveaxis
    from ._reductions import any as _any, normalize_axes
    from ._search import cumsum, nonzero
    from ._sets import lexsort
    (ax,) = normalize_axes(axis, a.ndim)
    moved = moveaxis(a, ax, 0)
    n, rest = moved.shape[0], moved.shape[1:]
    m = 1
    for s in rest:
        m *= s
    dev = a._device_id
    if n == 0:
        res = [a.copy()]
        res += [empty(0, dtype=numpy.int64, device=dev)
                for flag in (return_index, return_inverse, return_counts) if flag]
        return res[0] if len(res) == 1 else tuple(res)
    rows = moved.reshape(n, m)
    if m == 0:
        order = arange(n, dtype=numpy.int64, device=dev)
    else:
        order = lexsort([rows[:, j] for j in range(m - 1, -1, -1)])
    srt = rows[order]
    differs = _any(UFUNCS["not_equal"](srt[1:], srt[:-1]), axis=1) if m else \
        _arr(numpy.zeros(n - 1, dtype=bool), device=dev)
    first = concatenate([_arr(numpy.array([True]), device=dev), differs])
    (starts,) = nonzero(first)
    uniq = srt[starts].reshape((starts.size,) + rest)
    res = [moveaxis(uniq, 0, ax).copy() if ax else uniq]
    if return_index:
        res.append(order[starts])
    if return_inverse:
        group = UFUNCS["subtract"](cumsum(first.astype(numpy.int64)), 1)
        inv = empty(n, dtype=numpy.int64, device=dev)
        _core.scatter(inv, order, group)
        res.append(inv)
    if return_counts:
        ends = concatenate([starts[1:], _arr(numpy.array([n], dtype=numpy.int64), device=dev)])
        res.append(UFUNCS["subtract"](ends, starts))
    return res[0] if len(res) == 1 else tuple(res)


# searchsorted of a scalar is a NumPy scalar (see _scalars.py).
from ._scalars import returns_scalar as _returns_scalar  # noqa: E402
searchsorted = _returns_scalar(searchsorted)
