"""Set operations on the device, built from sort, argsort, searchsorted and
unique: isin, intersect1d, union1d, setdiff1d, setxor1d."""
import numpy

from .. import _core
from .._creation._basic import zeros
from .._creation._from_data import asarray
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._manipulation._join import concatenate
from .._ufunc import UFUNCS
from ._search import searchsorted
from ._sort import argsort, sort
from ._unique import unique


_lt = UFUNCS["less"]
_eq = UFUNCS["equal"]
_ne = UFUNCS["not_equal"]
_and = UFUNCS["logical_and"]
_not = UFUNCS["logical_not"]
_sub = UFUNCS["subtract"]
_min2 = UFUNCS["minimum"]


def _i64(values):
    return asarray(numpy.asarray(values, dtype=numpy.int64))


def isin(element, test_elements, assume_unique=False, invert=False, *, kind=None):
    """Sort the test elements, binary-search every element, compare."""
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
        order = argsort(aux, axis=None, kind="stable")
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
    return unique(concatenate((_arr(ar1).reshape(-1), _arr(ar2).reshape(-1))))


def setdiff1d(ar1, ar2, assume_unique=False):
    """The sorted unique values of ar1 that are not in ar2, on the device (numpy.setdiff1d)."""
    if assume_unique:
        ar1 = _arr(ar1).reshape(-1)
    else:
        ar1 = unique(ar1)
        ar2 = unique(ar2)
    return ar1[isin(ar1, ar2, assume_unique=True, invert=True)]


def setxor1d(ar1, ar2, assume_unique=False):
    """The sorted unique values in exactly one of the arrays, on the device (numpy.setxor1d)."""
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
