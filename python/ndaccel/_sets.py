"""Set operations, partitions, lexsort, digitize, bincount and histogram on
the device, built from sort/argsort, searchsorted, unique, cumsum and
gather/scatter. Only O(1) metadata (sizes, one scalar count or extreme)
comes back to the host."""
import operator

import numpy

from . import _core
from ._ufunc import UFUNCS
from ._creation import asarray as _arr  # ndarrays pass through unchanged

_lt = UFUNCS["less"]
_le = UFUNCS["less_equal"]
_ge = UFUNCS["greater_equal"]
_eq = UFUNCS["equal"]
_ne = UFUNCS["not_equal"]
_and = UFUNCS["logical_and"]
_not = UFUNCS["logical_not"]
_add = UFUNCS["add"]
_sub = UFUNCS["subtract"]
_mul = UFUNCS["multiply"]
_min2 = UFUNCS["minimum"]




def _host_scalar(x):
    """One device scalar as a NumPy scalar of its dtype (an O(1) read); a
    reduction's result may already be one (see _scalars.py)."""
    return x if isinstance(x, numpy.generic) else x.get()[()]


def _i64(values):
    from ._creation import asarray
    return asarray(numpy.asarray(values, dtype=numpy.int64))


def _last_axis_rows(a, axis):
    """a with `axis` moved last as a contiguous (M, n) array, and the moved shape."""
    from ._manipulation import moveaxis
    from ._reductions import normalize_axes
    (ax,) = normalize_axes(axis, a.ndim)
    m = moveaxis(a, ax, -1).copy()
    n = a.shape[ax]
    return m.reshape(a.size // n if n else 0, n), ax, m.shape


def _take_rows(rows, idx):
    """rows[i, idx[i, j]] for contiguous (M, n) rows and int64 (M, k) idx."""
    from ._creation import arange
    M, n = rows.shape
    base = _mul(arange(M, dtype=numpy.int64).reshape(M, 1), n)
    return _core.gather(rows.reshape(-1), _add(idx, base).astype(numpy.int64))


# ---------------------------------------------------------------- lexsort / partition

def lexsort(keys, axis=-1):
    """Indirect stable sort by several keys (the last is the primary), on the device
    (numpy.lexsort)."""
    from ._manipulation import moveaxis
    if isinstance(keys, (list, tuple)):
        ks = [_arr(k) for k in keys]
    else:
        k = _arr(keys)
        if k.ndim == 0:
            raise TypeError("need sequence of keys with len > 0 in lexsort")
        ks = [k[i] for i in range(k.shape[0])]
    if len(ks) == 0:
        raise TypeError("need sequence of keys with len > 0 in lexsort")
    shape = ks[0].shape
    for k in ks:
        if k.shape != shape:
            raise ValueError("all keys need to be the same shape")
    if len(shape) == 0:
        from ._creation import zeros
        if axis not in (-1, 0, None):
            from numpy.exceptions import AxisError
            raise AxisError(axis, 0)
        return zeros((), dtype=numpy.int64)
    from ._sort import argsort
    rows = [_last_axis_rows(k, axis) for k in ks]
    _, ax, moved = rows[0]
    if rows[0][0].size == 0:
        from ._creation import zeros
        return zeros(shape, dtype=numpy.int64)
    idx = None
    for r, _, _ in rows:  # primary key last: sort by it last (stable)
        if idx is None:
            idx = argsort(r, axis=-1)
        else:
            sub = argsort(_take_rows(r, idx), axis=-1)
            idx = _take_rows(idx, sub)
    return moveaxis(idx.reshape(moved), -1, ax).copy()


def _check_kth(kth, n):
    kk = numpy.asarray(kth)
    if kk.dtype.kind not in "iub":
        raise TypeError("Partition index must be integer")
    if kk.ndim > 1:
        raise ValueError("kth array must have dimension <= 1")
    for k in kk.reshape(-1):
        k = int(k)
        if k >= n or k < -n:
            raise ValueError(f"kth(={k}) out of bounds ({n})")


def _partition_args(a, axis):
    """(array, normalised axis) for partition/argpartition (axis None:
    the flattened array), with NumPy's errors."""
    a = _arr(a)
    if axis is None:
        a = a.reshape(-1)
        axis = -1
    if a.ndim == 0:
        from numpy.exceptions import AxisError
        raise AxisError(axis, 0)
    from ._reductions import normalize_axes
    (ax,) = normalize_axes(axis, a.ndim)
    return a, ax


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """A sorted result is a valid partition for every kth."""
    from ._sort import sort
    if order is not None:
        raise NotImplementedError("partition: 'order' is not supported")
    a, ax = _partition_args(a, axis)
    if a.size == 0:  # NumPy checks no kth here; sort() of an empty array raises
        return a.copy()
    _check_kth(kth, a.shape[ax])
    return sort(a, axis=ax)


def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    """Indices that partition a around kth, on the device (numpy.argpartition).

    They fully sort a (a valid partition for every kth); 'kind' is ignored and 'order'
    raises NotImplementedError."""
    from ._sort import argsort
    if order is not None:
        raise NotImplementedError("argpartition: 'order' is not supported")
    a, ax = _partition_args(a, axis)
    if a.size == 0:
        from ._creation import zeros
        return zeros(a.shape, dtype=numpy.int64, device=a._device_id)
    _check_kth(kth, a.shape[ax])
    return argsort(a, axis=ax)


# ---------------------------------------------------------------- set operations

def isin(element, test_elements, assume_unique=False, invert=False, *, kind=None):
    """Sort the test elements, binary-search every element, compare."""
    from ._creation import zeros
    from ._sort import searchsorted, sort
    if kind not in (None, "sort", "table"):
        raise ValueError(f"Invalid kind: '{kind}'. Please use None, 'sort' or 'table'.")
    e = _arr(element)
    t = _arr(test_elements).reshape(-1)
    if e.size == 0 or t.size == 0:
        r = zeros(e.shape, dtype=bool)
        return _not(r) if invert else r
    dt = numpy.result_type(e.dtype, t.dtype)
    ef = e.reshape(-1).astype(dt)
    s = sort(t.astype(dt))
    pos = searchsorted(s, ef, side="left")
    n = s.size
    found = _and(_lt(pos, n), _eq(_core.gather(s, _min2(pos, n - 1).astype(numpy.int64)), ef))
    r = _not(found) if invert else found
    return r.reshape(e.shape)


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False):
    """The sorted unique values in both arrays, on the device (numpy.intersect1d)."""
    from ._manipulation import concatenate
    from ._sort import argsort, sort, unique
    if not assume_unique:
        if return_indices:
            ar1, ind1 = unique(ar1, return_index=True)
            ar2, ind2 = unique(ar2, return_index=True)
        else:
            ar1 = unique(ar1)
            ar2 = unique(ar2)
    else:
        ar1 = _arr(ar1).reshape(-1)
        ar2 = _arr(ar2).reshape(-1)
    aux = concatenate((ar1, ar2))
    if aux.size == 0:
        if return_indices:
            e = _i64([])
            return aux, e, e.copy()
        return aux
    if return_indices:
        order = argsort(aux, axis=None)
        aux = aux[order]
    else:
        aux = sort(aux)
    mask = _eq(aux[1:], aux[:-1])
    int1d = aux[:-1][mask]
    if return_indices:
        i1 = order[:-1][mask]
        i2 = _sub(order[1:][mask], ar1.size).astype(numpy.int64)
        if not assume_unique:
            i1 = ind1[i1]
            i2 = ind2[i2]
        return int1d, i1, i2
    return int1d


def union1d(ar1, ar2):
    """The sorted unique values in either array, on the device (numpy.union1d)."""
    from ._manipulation import concatenate
    from ._sort import unique
    return unique(concatenate((_arr(ar1).reshape(-1), _arr(ar2).reshape(-1))))


def setdiff1d(ar1, ar2, assume_unique=False):
    """The sorted unique values of ar1 that are not in ar2, on the device (numpy.setdiff1d)."""
    from ._sort import unique
    if assume_unique:
        ar1 = _arr(ar1).reshape(-1)
    else:
        ar1 = unique(ar1)
        ar2 = unique(ar2)
    return ar1[isin(ar1, ar2, assume_unique=True, invert=True)]


def setxor1d(ar1, ar2, assume_unique=False):
    """The sorted unique values in exactly one of the arrays, on the device (numpy.setxor1d)."""
    from ._manipulation import concatenate
    from ._sort import sort, unique
    if not assume_unique:
        ar1 = unique(ar1)
        ar2 = unique(ar2)
    aux = concatenate((_arr(ar1).reshape(-1), _arr(ar2).reshape(-1)))
    if aux.size == 0:
        return aux
    aux = sort(aux)
    t = _arr(numpy.array([True]))
    flag = concatenate((t, _ne(aux[1:], aux[:-1]), t))
    return aux[_and(flag[1:], flag[:-1])]


# ---------------------------------------------------------------- digitize / bincount

def digitize(x, bins, right=False):
    """Index of the bin of each element of x, by binary search on the device (numpy.digitize).

    Checking that bins are monotonic reads two flags back (one synchronisation)."""
    from ._sort import searchsorted
    from ._reductions import all as _all
    x = _arr(x)
    bins = _arr(bins)
    if x.dtype.kind == "c":
        raise TypeError("x may not be complex")
    if bins.ndim == 0:
        raise ValueError("object of too small depth for desired array")
    if bins.ndim > 1:
        raise ValueError("object too deep for desired array")
    n = bins.size
    side = "left" if right else "right"
    if n >= 2:
        inc = bool(_all(_le(bins[:-1], bins[1:])))
        dec = (not inc) and bool(_all(_ge(bins[:-1], bins[1:])))
        if not inc and not dec:
            raise ValueError("bins must be monotonically increasing or decreasing")
    else:
        inc = True
    if inc:
        return searchsorted(bins, x, side=side)
    return _sub(n, searchsorted(bins[::-1].copy(), x, side=side)).astype(numpy.int64)


def _group_sums(sorted_keys, sorted_w):
    """Sums of sorted_w over runs of equal sorted_keys: (run values, sums),
    as differences of a cumulative sum at the ends of the runs."""
    from ._manipulation import concatenate
    from ._search import cumsum, nonzero
    last = concatenate((_ne(sorted_keys[1:], sorted_keys[:-1]), _arr(numpy.array([True]))))
    (ends,) = nonzero(last)
    cs = cumsum(sorted_w)
    at_end = cs[ends]
    prev = concatenate((_arr(numpy.zeros(1, dtype=at_end.dtype)), at_end[:-1]))
    return sorted_keys[ends], _sub(at_end, prev)


def bincount(x, weights=None, minlength=0):
    """Number of occurrences (or sum of weights) of each non-negative int, on the device
    (numpy.bincount). Weights are cast to float64; the result length is read back."""
    from ._creation import zeros
    from ._reductions import max as _max, min as _min
    from ._sort import argsort, unique
    x = _arr(x)
    if minlength is None:
        raise TypeError("'NoneType' object cannot be interpreted as an integer")
    minlength = operator.index(minlength)
    if minlength < 0:
        raise ValueError("'minlength' must not be negative")
    if x.ndim > 1:
        raise ValueError("object too deep for desired array")
    if x.ndim == 0:
        raise ValueError("object of too small depth for desired array")
    if not numpy.can_cast(x.dtype, numpy.intp, "safe"):
        raise TypeError(f"Cannot cast array data from {x.dtype!r} to dtype('int64') "
                        "according to the rule 'safe'")
    w = None
    if weights is not None:
        w = _arr(weights)
        if w.shape != x.shape:
            raise ValueError("The weights and list don't have the same length.")
        if not numpy.can_cast(w.dtype, numpy.float64, "safe"):
            raise TypeError(f"Cannot cast array data from {w.dtype!r} to dtype('float64') "
                            "according to the rule 'safe'")
        w = w.astype(numpy.float64)
    out_dt = numpy.float64 if w is not None else numpy.int64
    if x.size == 0:
        return zeros(minlength, dtype=out_dt)
    x = x.astype(numpy.int64)
    if int(_min(x)) < 0:
        raise ValueError("'list' argument must have no negative elements")
    length = builtin_max(int(_max(x)) + 1, minlength)
    res = zeros(length, dtype=out_dt)
    if w is None:
        vals, counts = unique(x, return_counts=True)
        _core.scatter(res, vals, counts)
    else:
        order = argsort(x)
        vals, sums = _group_sums(x[order], w[order])
        _core.scatter(res, vals, sums)
    return res


builtin_max = max


# ---------------------------------------------------------------- histogram

def _outer_edges(a, range):
    from ._reductions import max as _max, min as _min
    if range is not None:
        first, last = range
        if first > last:
            raise ValueError("max must be larger than min in range parameter.")
        if not (numpy.isfinite(first) and numpy.isfinite(last)):
            raise ValueError(f"supplied range of [{first}, {last}] is not finite")
    elif a.size == 0:
        first, last = 0, 1
    else:
        first, last = _host_scalar(_min(a)), _host_scalar(_max(a))
        if not (numpy.isfinite(first) and numpy.isfinite(last)):
            raise ValueError(f"autodetected range of [{first}, {last}] is not finite")
    if first == last:
        first = first - 0.5
        last = last + 0.5
    return first, last


def _bin_edges(a, bins, range, weights):
    from ._creation2 import linspace
    if isinstance(bins, str):
        raise NotImplementedError("histogram: string 'bins' estimators are not implemented")
    if weights is not None:
        weights = _arr(weights)
        if weights.shape != a.shape:
            raise ValueError("weights should have the same shape as a.")
        weights = weights.reshape(-1)
    a = a.reshape(-1)
    if numpy.ndim(bins) == 0:
        try:
            n = operator.index(bins)
        except TypeError:
            raise TypeError("`bins` must be an integer, a string, or an array") from None
        if n < 1:
            raise ValueError("`bins` must be positive, when an integer")
        first, last = _outer_edges(a, range)
        bin_type = numpy.result_type(first, last, a.dtype)
        if numpy.issubdtype(bin_type, numpy.integer):
            bin_type = numpy.result_type(bin_type, float)
        edges = linspace(first, last, n + 1, endpoint=True, dtype=bin_type)
        return a, weights, edges, (first, last)
    if numpy.ndim(bins) == 1:
        edges = _arr(bins)
        if edges.size >= 2 and bool(UFUNCS["greater"](edges[:-1], edges[1:]).any()):
            raise ValueError("`bins` must increase monotonically, when an array")
        return a, weights, edges, None
    raise ValueError("`bins` must be 1d, when an array")


def histogram_bin_edges(a, bins=10, range=None, weights=None):
    """The bin edges histogram would use, on the device (numpy.histogram_bin_edges).

    String bin estimators ('auto', 'fd', ...) raise NotImplementedError."""
    return _bin_edges(_arr(a), bins, range, weights)[2]


def histogram(a, bins=10, range=None, density=None, weights=None):
    """Edges as NumPy's (linspace on the device for an integer bins), bin
    index = searchsorted(edges, a, 'right') - 1 with the last edge in the
    last bin, values outside the edges dropped, counts by bincount."""
    from ._sort import searchsorted
    from ._reductions import sum as _sum
    a = _arr(a)
    a, w, edges, _ = _bin_edges(a, bins, range, weights)
    nb = edges.size - 1
    ntype = numpy.int64 if w is None else w.dtype
    from ._creation import zeros
    if a.size == 0 or nb < 1:
        n = zeros(builtin_max(nb, 0), dtype=ntype)
    else:
        keep = _and(_ge(a, edges[0]), _le(a, edges[nb]))
        ak = a[keep]
        wk = w[keep] if w is not None else None
        if ak.size == 0:
            n = zeros(nb, dtype=ntype)
        else:
            idx = _min2(_sub(searchsorted(edges, ak, side="right"), 1), nb - 1).astype(numpy.int64)
            n = bincount(idx, weights=wk, minlength=nb).astype(ntype)
    if density:
        db = _sub(edges[1:], edges[:-1]).astype(numpy.float64)
        return UFUNCS["true_divide"](UFUNCS["true_divide"](n, db), _sum(n)), edges
    return n, edges
