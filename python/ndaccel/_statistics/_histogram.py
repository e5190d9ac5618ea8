"""Histograms on the device: digitize (a binary search), bincount (unique
counts, or sums of weights over runs of a sort, scattered into the bins),
histogram and histogram_bin_edges. Only O(1) metadata (sizes, one count or
extreme) comes back to the host."""
import operator

import numpy

from .. import _core
from .._creation._basic import zeros
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._creation._ranges import linspace
from .._indexing._nonzero import nonzero
from .._manipulation._join import concatenate
from .._sorting._search import searchsorted
from .._sorting._sort import argsort
from .._sorting._unique import unique
from .._statistics import _host_reductions
from .._statistics._reductions import all as _all, max as _max, min as _min, sum as _sum
from .._ufunc import UFUNCS, where


_lt = UFUNCS["less"]
_le = UFUNCS["less_equal"]
_ge = UFUNCS["greater_equal"]
_ne = UFUNCS["not_equal"]
_and = UFUNCS["logical_and"]
_sub = UFUNCS["subtract"]
_min2 = UFUNCS["minimum"]
_add = UFUNCS["add"]
_mul = UFUNCS["multiply"]


def _host_scalar(x):
    """One device scalar as a NumPy scalar of its dtype (an O(1) read); a
    reduction's result may already be one (see _scalars.py)."""
    return x if isinstance(x, numpy.generic) else x.get()[()]


def digitize(x, bins, right=False):
    """Index of the bin of each element of x, by binary search on the device (numpy.digitize).

    Checking that bins are monotonic reads two flags back (one synchronisation)."""
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
    """Sums of sorted_w over runs of equal sorted_keys: (run values, sums), one
    add.reduceat over the runs (a sum per run, not differences of a running total,
    which would lose the small runs' digits to the total's rounding)."""
    first = concatenate((_arr(numpy.array([True]), device=sorted_keys._device_id),
                         _ne(sorted_keys[1:], sorted_keys[:-1])))
    (starts,) = nonzero(first)
    return sorted_keys[starts], UFUNCS["add"].reduceat(sorted_w, starts)


def bincount(x, weights=None, minlength=0):
    """Number of occurrences (or sum of weights) of each non-negative int, on the device
    (numpy.bincount). Weights are cast to float64; the result length is read back."""
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
        w = w.astype(numpy.float64, copy=False)
    out_dt = numpy.float64 if w is not None else numpy.int64
    if x.size == 0:
        return zeros(minlength, dtype=out_dt)
    if _host_reductions.applies(x, (0,)):
        # A stored x on a CPU device: NumPy's min and max on the storage
        # (two SIMD passes; the integer kernel below has no vector form).
        if int(_min(x)) < 0:
            raise ValueError("'list' argument must have no negative elements")
        top = int(_max(x))
        x = x.astype(numpy.int64, copy=False)
    else:
        x = x.astype(numpy.int64, copy=False)
        # One fused pass for both checks: negatives count as the largest
        # int64, which only an input holding that value itself also reaches.
        top = int(_max(where(_lt(x, 0), _INT64_MAX, x)))
        if top == _INT64_MAX and int(_min(x)) < 0:
            raise ValueError("'list' argument must have no negative elements")
    length = builtin_max(top + 1, minlength)
    if length <= _core.bincount_max_bins(x):
        # Partial histograms per work-item, summed (nda/binning.h): one pass
        # over the elements. Very many bins take the sort below.
        return _core.bincount(x, w, length)
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
_INT64_MAX = numpy.iinfo(numpy.int64).max


def _outer_edges(a, range):
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


def _uniform_bins(a, edges, outer, nb):
    """Bin indices of values inside equal-width edges, NumPy's way (no search): the
    scaled offset truncated, then corrected by one where it disagrees with the edges
    within rounding; the last bin holds the right edge. One fused kernel: the edges
    are read by gathers at indices clipped to [0, nb] (a holds values inside the
    edges only, so the clip changes nothing and no bounds check is needed)."""
    first, last = outer
    edges = edges if edges._c_contiguous else edges.copy()
    a = a.astype(edges.dtype)
    f = UFUNCS["multiply"](UFUNCS["true_divide"](_sub(a, first), _sub(last, first)), nb)
    idx = _clip_bins(f.astype(numpy.int64), nb)
    idx = _sub(idx, UFUNCS["equal"](idx, nb).astype(numpy.int64))
    idx = _sub(idx, UFUNCS["less"](a, _core.gather(edges, idx)).astype(numpy.int64))
    idx = _clip_bins(idx, nb)
    upper = _core.gather(edges, _clip_bins(UFUNCS["add"](idx, 1), nb))
    up = _and(_ge(a, upper), UFUNCS["not_equal"](idx, nb - 1))
    return UFUNCS["add"](idx, up.astype(numpy.int64))


def _clip_bins(idx, nb):
    return _min2(UFUNCS["maximum"](idx, 0), nb).astype(numpy.int64)


def _count(idx, keep, nb, w):
    """Counts (or float64 weight sums) of bin indices idx in [0, nb); idx is -1
    where keep is false."""
    wk = None if w is None else w.astype(numpy.float64)
    if nb <= _core.bincount_max_bins(idx):
        return _core.bincount(idx, wk, nb)
    return bincount(idx[keep], weights=None if wk is None else wk[keep], minlength=nb)


def histogram(a, bins=10, range=None, density=None, weights=None):
    """Edges as NumPy's (linspace on the device for an integer bins); bin index as
    NumPy computes it for equal-width bins (_uniform_bins), else searchsorted(edges, a,
    'right') - 1 with the last edge in the last bin; values outside the edges dropped,
    counts by bincount."""
    a = _arr(a)
    a, w, edges, uniform = _bin_edges(a, bins, range, weights)
    nb = edges.size - 1
    ntype = numpy.int64 if w is None else w.dtype
    if a.size == 0 or nb < 1:
        n = zeros(builtin_max(nb, 0), dtype=ntype)
    else:
        keep = _and(_ge(a, edges[0]), _le(a, edges[nb]))
        if uniform is not None:
            # Values outside the edges (NaN too) get the sentinel -1, which the
            # counting kernel skips: no compaction of the kept values.
            idx = _uniform_bins(where(keep, a, edges[0]), edges, uniform, nb)
        else:
            idx = _min2(_sub(searchsorted(edges, a, side="right"), 1), nb - 1)
        idx = where(keep, idx, -1).astype(numpy.int64)
        if w is not None and w.dtype.kind == "c":
            n = _add(_count(idx, keep, nb, w.real),
                     _mul(1j, _count(idx, keep, nb, w.imag))).astype(ntype)
        else:
            n = _count(idx, keep, nb, w).astype(ntype)
    if density:
        db = _sub(edges[1:], edges[:-1]).astype(numpy.float64)
        return UFUNCS["true_divide"](UFUNCS["true_divide"](n, db), _sum(n)), edges
    return n, edges
