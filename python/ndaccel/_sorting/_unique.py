"""unique on the device: a stable sort, then the starts of runs of equal
values (for axis=: the subarrays as rows, sorted by lexsort); the array
API's unique_all, unique_counts, unique_inverse and unique_values over it
(NumPy's namedtuples, NaNs never equal to each other)."""
from typing import NamedTuple

import numpy

from .. import _core, _host_libraries
from .._axes import normalize_axes
from .._creation._basic import empty
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._creation._ranges import arange
from .._indexing._nonzero import nonzero
from .._manipulation._join import concatenate
from .._manipulation._transpose import moveaxis
from .._math._cumulative import cumsum
from .._statistics._reductions import any as _any
from .._ufunc import UFUNCS
from ._rows import _eq, _not, _same
from ._sort import argsort, lexsort, sort


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None,
           *, equal_nan=True, sorted=True):
    """The sorted unique elements of ar (or subarrays along axis) on the
    device (numpy.unique): a stable sort, then the starts of runs of equal
    values. sorted=False is accepted; the result is sorted anyway (NumPy
    allows either)."""
    if axis is not None:
        return _unique_axis(_arr(ar), axis, return_index, return_inverse, return_counts)
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
    if _host_libraries.applies(a._device_id):
        return _host_unique(a, _arr(ar).shape, return_index, return_inverse, return_counts,
                            equal_nan)
    if return_index or return_inverse:
        order = argsort(a, axis=None, kind="stable")
        s = a[order]
    else:
        s = sort(a)  # values only: no positions to carry
    first = concatenate([_arr(numpy.array([True])),
                         _not(_same(s[1:], s[:-1])) if equal_nan else _not(_eq(s[1:], s[:-1]))])
    (starts,) = nonzero(first)
    res = [s[starts]]
    if return_index:
        res.append(order[starts])
    if return_inverse:
        group = UFUNCS["subtract"](cumsum(first.astype(numpy.int64)), 1)
        inv = empty(n, dtype=numpy.int64)
        _core.scatter(inv, order, group)
        res.append(inv.reshape(_arr(ar).shape))
    if return_counts:
        ends = concatenate([starts[1:], _arr(numpy.array([n], dtype=numpy.int64))])
        res.append(UFUNCS["subtract"](ends, starts))
    return res[0] if len(res) == 1 else tuple(res)


def _host_unique(a, shape, return_index, return_inverse, return_counts, equal_nan):
    """numpy.unique (a sort and a pass over it) on a CPU device, as its sorts
    (_host_libraries): on the array's own storage where the device's memory is
    host memory; the results copied into new device arrays."""
    res = numpy.unique(_host_libraries.host_view(a), return_index=return_index,
                       return_inverse=return_inverse, return_counts=return_counts,
                       equal_nan=equal_nan)
    res = list(res) if isinstance(res, tuple) else [res]
    if return_inverse:
        i = 1 + bool(return_index)
        res[i] = res[i].reshape(shape)
    out = [_host_libraries.from_host(r if k == 0 else r.astype(numpy.int64, copy=False),
                                     a._device_id) for k, r in enumerate(res)]
    return out[0] if len(out) == 1 else tuple(out)


def _unique_axis(a, axis, return_index, return_inverse, return_counts):
    """unique(a, axis=axis) on the device: the subarrays along axis as rows,
    sorted lexicographically (lexsort: one stable argsort per column, NaN
    last in each), then unique as in 1-D. As NumPy (which compares the rows
    as structured values), rows holding NaN are never equal to each other,
    whatever equal_nan; the inverse is 1-D."""
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


class UniqueAllResult(NamedTuple):
    values: object
    indices: object
    inverse_indices: object
    counts: object


class UniqueCountsResult(NamedTuple):
    values: object
    counts: object


class UniqueInverseResult(NamedTuple):
    values: object
    inverse_indices: object


def unique_all(x, /):
    """Unique values of x with first indices, inverse indices (of x's shape) and counts; NaNs
    are each their own value (numpy.unique_all)."""
    return UniqueAllResult(*unique(x, True, True, True, equal_nan=False))


def unique_counts(x, /):
    """Unique values of x and their counts; NaNs are each their own value
    (numpy.unique_counts)."""
    return UniqueCountsResult(*unique(x, return_counts=True, equal_nan=False))


def unique_inverse(x, /):
    """Unique values of x and the inverse indices (of x's shape); NaNs are each their own
    value (numpy.unique_inverse)."""
    return UniqueInverseResult(*unique(x, return_inverse=True, equal_nan=False))


def unique_values(x, /):
    """The unique values of x, NaNs each their own value (numpy.unique_values)."""
    return unique(x, equal_nan=False)
