"""The sorting network behind sort and argsort: rows padded to a power of
two and sorted by a bitonic network, every compare-exchange pass one fused
kernel with a gather of the partner element.

Order as NumPy: NaN sorts last (complex: lexicographic, any NaN last);
sorting with indices is stable (ties keep their index order)."""
import numpy

from .. import _core
from .._axes import normalize_axes
from .._creation._basic import full
from .._creation._ranges import arange
from .._manipulation._transpose import moveaxis
from .._ufunc import UFUNCS, where as _where


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
    if axis is None:
        return a.reshape(-1).copy().reshape(1, a.size), None
    (ax,) = normalize_axes(axis, a.ndim)
    m = moveaxis(a, ax, -1).copy()
    n = a.shape[ax] if a.ndim else 1
    return m.reshape(a.size // n if n else 0, n), ax


def _sort_rows(rows, with_index):
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
