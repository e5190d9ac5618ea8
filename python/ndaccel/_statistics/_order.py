"""Order statistics on the device: median, percentile, quantile and their
nan versions. The reduced axes are moved last and each row partitioned at
the wanted positions and its last (NaN last; on CPU devices NumPy's
introselect, elsewhere a sort; the nan versions sort); the wanted order
statistics are gathered per row and interpolated with NumPy's
formulas (_lerp: a + (b-a)*t, or b - (b-a)*(1-t) where t >= 0.5)."""
import math

import numpy

from .. import _core, _host_libraries
from .._axes import normalize_axes
from .._creation._basic import empty, full
from .._creation._from_data import asarray
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._creation._ranges import arange
from .._manipulation._join import stack
from .._manipulation._transpose import transpose
from .._ndarray import ndarray
from .._scalars import returns_scalar
from .._sorting._sort import partition, sort
from .._statistics._reductions import mean, sum as _sum
from .._ufunc import UFUNCS, where as _where


_isnan = UFUNCS["isnan"]
_add = UFUNCS["add"]
_sub = UFUNCS["subtract"]
_mul = UFUNCS["multiply"]
_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")


def _rows(a, axis):
    """(rows (M, n) contiguous with the reduced axes last, result shape,
    keepdims shape). rows may be a view of a: read it, never write."""
    axes = normalize_axes(axis, a.ndim)
    others = [i for i in range(a.ndim) if i not in axes]
    out_shape = tuple(a.shape[i] for i in others)
    keep_shape = tuple(1 if i in axes else a.shape[i] for i in range(a.ndim))
    n = math.prod(a.shape[i] for i in axes)
    M = math.prod(out_shape)
    if a.ndim == 0:
        return a.reshape(1, 1), (), ()
    if not others and a._c_contiguous:  # a view: the callers read rows only
        return a.reshape(M, n), out_shape, keep_shape
    t = transpose(a, others + list(axes)).copy() if others else a.copy()
    return t.reshape(M, n), out_shape, keep_shape


def _gather_rows(rows, idx):
    """rows[m, idx[..., m]] for contiguous (M, n) rows; idx (..., M) or (..., 1) int64."""
    M, n = rows.shape
    base = _mul(arange(M, dtype=numpy.int64), n)
    return _core.gather(rows.reshape(-1), _add(idx, base).astype(numpy.int64))


def _finish(r, qshape, out_shape, keep_shape, keepdims, out):
    r = r.reshape(qshape + (keep_shape if keepdims else out_shape))
    if out is not None:
        if out.shape != r.shape:
            raise ValueError(f"out has shape {out.shape}, expected {r.shape}")
        out[...] = r
        return out
    return r


def _lerp(a, b, t, omt, t_cmp):
    """NumPy's _lerp; t and omt (1 - t) are the interpolation weights as
    used in arithmetic, t_cmp the one compared with 0.5 (a float or a
    device array)."""
    def m(x):  # float16: round every step to float16 as NumPy (a fused chain keeps float32)
        if x.dtype == numpy.float16:
            x._buffer_id
        return x
    diff = m(_sub(b, a))
    lerp = m(_add(a, m(_mul(diff, t))))
    alt = m(_sub(b, m(_mul(diff, omt)))).astype(lerp.dtype)
    if isinstance(t_cmp, float):
        return alt if t_cmp >= 0.5 else lerp
    return _where(UFUNCS["greater_equal"](t_cmp, 0.5), alt, lerp).astype(lerp.dtype)


def _virtual_index(method, n, q):
    """NumPy's virtual index for method (host: n an int, q a NumPy array)."""
    if method == "linear":
        return (n - 1) * q
    if method == "lower":
        return numpy.floor((n - 1) * q).astype(numpy.intp)
    if method == "higher":
        return numpy.ceil((n - 1) * q).astype(numpy.intp)
    if method == "nearest":
        return numpy.around((n - 1) * q).astype(numpy.intp)
    return 0.5 * (numpy.floor((n - 1) * q) + numpy.ceil((n - 1) * q))


def _check_method(method):
    if method not in _METHODS:
        if method in ("inverted_cdf", "averaged_inverted_cdf", "closest_observation",
                      "interpolated_inverted_cdf", "hazen", "weibull", "median_unbiased",
                      "normal_unbiased"):
            raise NotImplementedError(f"quantile: method {method!r} is not implemented")
        raise ValueError(f"{method!r} is not a valid method. Use one of: {_METHODS}")
    return method


def _ordered(rows, positions, last):
    """rows with the values of the given positions (host int arrays) of each
    sorted row in place, and the row's largest value (NaN, if any) last when
    `last`: numpy.partition at those positions (a sort on devices where
    partition sorts, _sorting/_sort.py)."""
    n = rows.shape[-1]
    kth = set()
    for p in positions:
        kth.update(int(i) for i in numpy.asarray(p).reshape(-1))
    if last:
        kth.add(n - 1)
    kth = sorted(kth)
    if rows.shape[0] == 1 and n >= _SELECT_MIN and rows.dtype.kind in "iuf" and \
            _host_libraries.maps(rows._device_id):
        h = _host_libraries.host_view(rows)[0]
        values = None if last and numpy.isnan(h).any() else _select(h, kth)
        if values is not None:
            out, o = _host_libraries.host_output(rows.shape, rows.dtype, rows._device_id)
            o[0, kth] = values
            return out
    return partition(rows, kth, axis=-1)


# Row length from which one row's order statistics are selected (_select) rather than
# partitioned: 1M float64 median 16-20 ms (NumPy's, and ours by partition) -> ~6.
_SELECT_MIN = 1 << 16
_SAMPLE = 1 << 14


def _select(h, kth):
    """The values of h's sorted order at the ranks kth (sorted distinct ints), h a 1-d
    host array without NaN; None when the sample misled (the caller partitions). The
    first and last ranks are the minimum and maximum.

    A sample of _SAMPLE values brackets each rank k between two sample values
    ~4 standard deviations of a sample rank either side; one pass counts the values
    below the bracket and gathers those inside it (overlapping brackets merged), and
    NumPy's partition of those few gives the ranks' values: the same values as a
    partition of h (order statistics are unique; -0.0 and 0.0 compare equal)."""
    n = h.size
    inner = [k for k in kth if 0 < k < n - 1]
    mid = _select_inner(h, inner) if inner else []
    if mid is None:
        return None
    return ([h.min()] if kth[0] == 0 else []) + mid + ([h.max()] if kth[-1] == n - 1 else [])


def _select_inner(h, kth):
    """_select for ranks other than the first and last."""
    n = h.size
    # Random positions (fixed per length): no period in h can align with them.
    sample = numpy.sort(h[numpy.random.default_rng(n).integers(0, n, _SAMPLE)])
    m = sample.size
    margin = 4 * math.isqrt(m) + 2
    brackets = []
    for k in kth:
        r = k * (m - 1) // (n - 1)
        lo, hi = max(r - margin, 0), min(r + margin, m - 1)
        if brackets and lo <= brackets[-1][1]:
            brackets[-1][1] = hi
            brackets[-1][2].append(k)
        else:
            brackets.append([lo, hi, [k]])
    values = []
    for lo, hi, ks in brackets:
        if lo == 0 and hi == m - 1:
            return None  # the whole range: a partition of h is as cheap
        vlo, vhi = sample[lo], sample[hi]
        if lo == 0:  # the smallest values (below the sample's too)
            below, inside = 0, h[h <= vhi]
        elif hi == m - 1:
            below, inside = int(numpy.count_nonzero(h < vlo)), h[h >= vlo]
        else:
            below, inside = int(numpy.count_nonzero(h < vlo)), h[(h >= vlo) & (h <= vhi)]
        if below > ks[0] or below + inside.size <= ks[-1]:
            return None
        pos = [k - below for k in ks]
        inside.partition(pos)
        values.extend(inside[pos])
    return values


def _quantile(a, q, axis, out, method, keepdims, weak_q, nan):
    a = _arr(a)
    if a.dtype.kind == "c":
        raise TypeError("a must be an array of real numbers")
    inexact = a.dtype.kind == "f"
    rows, out_shape, keep_shape = _rows(a, axis)
    M, n = rows.shape
    qshape = q.shape
    qf = q.reshape(-1)
    k = qf.size
    if nan and inexact:
        return _nanquantile(rows, qf, qshape, method, weak_q, out_shape, keep_shape,
                            keepdims, out, a.dtype)
    if n == 0:
        raise IndexError("index -1 is out of bounds for axis 0 with size 0")
    vi = numpy.asarray(_virtual_index(method, n, qf))
    if M == 0 or k == 0:
        if vi.dtype.kind in "iu":
            dt = a.dtype
        else:
            dt = numpy.result_type(a.dtype, 0.0 if weak_q else vi.dtype)
        return _finish(empty(qshape + (0,) * 0 + (M,), dtype=dt), qshape, out_shape,
                       keep_shape, keepdims, out)
    if vi.dtype.kind in "iu":
        hidx = numpy.clip(vi, -n, n - 1) % n
        s = _ordered(rows, [hidx], inexact)
        idx = asarray(hidx).astype(numpy.int64).reshape(k, 1)
        r = _gather_rows(s, idx)
    else:
        prev = numpy.floor(vi)
        nxt = prev + 1
        above = vi >= n - 1
        prev[above] = -1
        nxt[above] = -1
        below = vi < 0
        prev[below] = 0
        nxt[below] = 0
        prev = prev.astype(numpy.intp) % n
        nxt = nxt.astype(numpy.intp) % n
        s = _ordered(rows, [prev, nxt], inexact)
        gamma = numpy.asarray(vi - numpy.floor(vi), dtype=vi.dtype)
        if method == "midpoint":
            gamma = numpy.where(vi % 1 == 0, 0.0, 0.5).astype(vi.dtype)
        lo = _gather_rows(s, asarray(prev.astype(numpy.int64)).reshape(k, 1))
        hi = _gather_rows(s, asarray(nxt.astype(numpy.int64)).reshape(k, 1))
        if weak_q:
            g = float(gamma.reshape(-1)[0])
            r = _lerp(lo, hi, g, 1 - g, g)
        else:
            g = asarray(gamma).reshape(k, 1)
            r = _lerp(lo, hi, g, asarray(1 - gamma).reshape(k, 1), g)
    if inexact:
        bad = _isnan(s[:, n - 1])
        r = _where(bad, float("nan"), r).astype(r.dtype)
    return _finish(r, qshape, out_shape, keep_shape, keepdims, out)


def _nanquantile(rows, qf, qshape, method, weak_q, out_shape, keep_shape, keepdims, out, adt):
    """Per-row counts of non-NaN values; the virtual indices computed on the
    device from them (NaN sorts last, so the valid values lead each row)."""
    M, n = rows.shape
    k = qf.size
    vdt = numpy.result_type(qf.dtype, 1)
    if method in ("lower", "higher", "nearest"):
        rdt = adt
    else:
        rdt = numpy.result_type(adt, 0.0 if weak_q else vdt)
    if M == 0 or k == 0 or n == 0:
        if n == 0 and M and k:
            return _finish(full((k, M), float("nan"), dtype=rdt), qshape, out_shape,
                           keep_shape, keepdims, out)
        return _finish(empty((k, M), dtype=rdt), qshape, out_shape, keep_shape, keepdims, out)
    s = sort(rows, axis=-1)
    cnt = _sum(UFUNCS["logical_not"](_isnan(s)), axis=-1).astype(numpy.int64).reshape(1, M)
    last = UFUNCS["maximum"](_sub(cnt, 1), 0)
    qd = asarray(qf).reshape(k, 1)
    x = _mul(_sub(cnt, 1).astype(numpy.float64), qd.astype(numpy.float64)).astype(vdt)
    F = UFUNCS["floor"]
    C = UFUNCS["ceil"]
    if method in ("lower", "higher", "nearest"):
        f = {"lower": F, "higher": C, "nearest": UFUNCS["rint"]}[method]
        idx = UFUNCS["minimum"](UFUNCS["maximum"](f(x), 0), last).astype(numpy.int64)
        r = _gather_rows(s, idx).astype(rdt)
    else:
        vi = x if method == "linear" else _mul(0.5, _add(F(x), C(x))).astype(vdt)
        prev = F(vi)
        above = UFUNCS["greater_equal"](vi, _sub(cnt, 1))
        below = UFUNCS["less"](vi, 0)
        pi = _where(above, last, _where(below, 0, prev)).astype(numpy.int64)
        ni = _where(above, last, _where(below, 0, _add(prev, 1))).astype(numpy.int64)
        if method == "midpoint":
            gamma = _where(_eq0(UFUNCS["remainder"](vi, 1)), 0.0, 0.5).astype(vdt)
        else:
            gamma = _sub(vi, prev).astype(vdt)
        lo = _gather_rows(s, pi)
        hi = _gather_rows(s, ni)
        if weak_q:  # NumPy: a Python float gamma, (1 - gamma) in float64, each cast weakly
            tdt = numpy.result_type(adt, 0.0)
            t, omt = gamma.astype(tdt), _sub(1, gamma).astype(tdt)
        else:
            t, omt = gamma, _sub(1, gamma).astype(gamma.dtype)
        r = _lerp(lo, hi, t, omt, gamma).astype(rdt)
    r = _where(UFUNCS["equal"](cnt, 0), float("nan"), r).astype(rdt)
    return _finish(r, qshape, out_shape, keep_shape, keepdims, out)


def _eq0(x):
    return UFUNCS["equal"](x, 0)


def _q_host(q):
    weak = type(q) in (int, float)
    qa = q.get() if isinstance(q, ndarray) else numpy.asanyarray(q)
    return qa, weak


def _checked_quantile(a, q, axis, out, method, keepdims, percent, nan):
    """The four public entry points after their 'weights' check: NumPy's
    argument checks in NumPy's order, q in [0, 1] (percent: [0, 100],
    scaled down first)."""
    method = _check_method(method)
    qa, weak = _q_host(q)
    if _arr(a).dtype.kind == "c":
        raise TypeError("a must be an array of real numbers")
    if percent:
        qa = numpy.asanyarray(numpy.true_divide(qa, 100))
    if qa.size and not (qa.min() >= 0 and qa.max() <= 1):
        raise ValueError("Percentiles must be in the range [0, 100]" if percent
                         else "Quantiles must be in the range [0, 1]")
    return _quantile(a, qa, axis, out, method, keepdims, weak, nan=nan)


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, weights=None):
    """q-th quantiles along the given axes, by a device sort and gather (numpy.quantile).

    Methods other than linear/lower/higher/nearest/midpoint and 'weights' raise
    NotImplementedError; q is read on the host. A 0-d result is a NumPy scalar."""
    if weights is not None:
        raise NotImplementedError("quantile: 'weights' is not implemented")
    return _checked_quantile(a, q, axis, out, method, keepdims,
                             percent=False, nan=False)


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None):
    """q-th percentiles along the given axes, by a device sort and gather (numpy.percentile).

    Methods other than linear/lower/higher/nearest/midpoint and 'weights' raise
    NotImplementedError; q is read on the host. A 0-d result is a NumPy scalar."""
    if weights is not None:
        raise NotImplementedError("percentile: 'weights' is not implemented")
    return _checked_quantile(a, q, axis, out, method, keepdims,
                             percent=True, nan=False)


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                keepdims=False, *, weights=None):
    """q-th quantiles ignoring NaNs, by a device sort and gather (numpy.nanquantile).

    Methods other than linear/lower/higher/nearest/midpoint and 'weights' raise
    NotImplementedError; q is read on the host. A 0-d result is a NumPy scalar."""
    if weights is not None:
        raise NotImplementedError("nanquantile: 'weights' is not implemented")
    return _checked_quantile(a, q, axis, out, method, keepdims,
                             percent=False, nan=True)


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=False, *, weights=None):
    """q-th percentiles ignoring NaNs, by a device sort and gather (numpy.nanpercentile).

    Methods other than linear/lower/higher/nearest/midpoint and 'weights' raise
    NotImplementedError; q is read on the host. A 0-d result is a NumPy scalar."""
    if weights is not None:
        raise NotImplementedError("nanpercentile: 'weights' is not implemented")
    return _checked_quantile(a, q, axis, out, method, keepdims,
                             percent=True, nan=True)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The mean of the middle one or two sorted values (NumPy's median),
    NaN where a slice holds a NaN."""
    a = _arr(a)
    rows, out_shape, keep_shape = _rows(a, axis)
    M, n = rows.shape
    if n == 0 or M == 0:
        dt = mean(_arr(numpy.zeros(1, dtype=a.dtype))).dtype
        r = full((M,), float("nan"), dtype=dt)
        return _finish(r, (), out_shape, keep_shape, keepdims, out)
    s = _ordered(rows, [[(n - 1) // 2, n // 2]], a.dtype.kind in "fc")
    mid = s[:, (n - 1) // 2:n // 2 + 1]
    r = mean(mid, axis=-1)
    if a.dtype.kind in "fc":
        r = _where(_isnan(s[:, n - 1]), float("nan"), r).astype(r.dtype)
    return _finish(r, (), out_shape, keep_shape, keepdims, out)


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """Mean of the middle one or two of each row's non-NaN values."""
    a = _arr(a)
    if a.dtype.kind not in "fc":
        return median(a, axis, out, overwrite_input, keepdims)
    rows, out_shape, keep_shape = _rows(a, axis)
    M, n = rows.shape
    if n == 0 or M == 0:
        r = full((M,), float("nan"), dtype=a.dtype)
        return _finish(r, (), out_shape, keep_shape, keepdims, out)
    s = sort(rows, axis=-1)
    cnt = _sum(UFUNCS["logical_not"](_isnan(s)), axis=-1).astype(numpy.int64)
    lo = UFUNCS["maximum"](UFUNCS["floor_divide"](_sub(cnt, 1), 2), 0).astype(numpy.int64)
    hi = UFUNCS["minimum"](UFUNCS["floor_divide"](cnt, 2), n - 1).astype(numpy.int64)
    pair = stack([_gather_rows(s, lo), _gather_rows(s, hi)], axis=-1)
    r = mean(pair, axis=-1)
    r = _where(UFUNCS["equal"](cnt, 0), float("nan"), r).astype(r.dtype)
    return _finish(r, (), out_shape, keep_shape, keepdims, out)


# Public entry points: a single-value result is a NumPy scalar (see _scalars.py).
quantile, percentile, nanquantile, nanpercentile, median, nanmedian = (
    returns_scalar(f) for f in (quantile, percentile, nanquantile, nanpercentile, median,
                                nanmedian))
