"""Rows to sort and NumPy's sort order: the axis moved last as contiguous
(M, n) rows, sorted by the device's stable merge sort (nda/sort.h: runs
insertion-sorted, then merge passes), and put back; the order predicates
(_less, _same) that searching and unique share.

Order as NumPy: NaN sorts last (complex: lexicographic, any NaN last);
sorting is stable (ties keep their index order)."""
from .. import _core
from .._axes import normalize_axes
from .._manipulation._transpose import moveaxis
from .._ufunc import UFUNCS


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


def _rows(a, axis):
    """a with `axis` moved last, as a contiguous (M, n) array, and the
    inverse permutation."""
    if axis is None:
        return a.reshape(-1).copy().reshape(1, a.size), None
    (ax,) = normalize_axes(axis, a.ndim)
    m = moveaxis(a, ax, -1).copy()
    n = a.shape[ax] if a.ndim else 1
    return m.reshape(a.size // n if n else 0, n), ax


def _sort_rows(rows, with_index):
    """(sorted keys, their positions or None) of each row of the 2-D rows: the
    device's stable merge sort (nda/sort.h), NumPy's order."""
    return _core.sort_rows(rows, with_index)


def _finish(r, a, axis, ax):
    if axis is None:
        return r.reshape(-1)
    shape = list(a.shape)
    moved = shape[:ax] + shape[ax + 1:] + [shape[ax]]
    return moveaxis(r.reshape(tuple(moved)), -1, ax).copy()


def _check_kind(kind, stable=None):
    """NumPy reads a sort kind by its first letter (quick, heap, merge,
    stable), and refuses kind together with stable=. The device's merge sort
    gives every kind the same (stable) order; CPU devices sort with NumPy's."""
    if kind is not None and stable is not None:
        raise ValueError("`kind` and keyword parameters can't be provided at the same time. "
                         "Use only one of them.")
    if kind is None:
        return
    if not isinstance(kind, str):
        raise TypeError(f"sort kind must be str, not {type(kind).__name__}")
    if kind[:1].lower() not in ("q", "h", "m", "s"):
        raise ValueError(f"sort kind must be one of 'quick', 'heap', or 'stable' (got {kind!r})")
