"""Sorting on the device: sort and argsort (the merge sort of
nda/sort.h, through _rows.py), lexsort (one stable argsort per key, the primary key last),
partition and argpartition (a full sort: a valid partition for every
kth)."""
import threading

import numpy
from numpy.exceptions import AxisError

from .. import _core, _host_libraries
from .._axes import normalize_axes
from .._creation._basic import zeros
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._creation._ranges import arange
from .._manipulation._rearrange import flip
from .._manipulation._transpose import moveaxis
from .._ufunc import UFUNCS
from ._rows import _check_kind, _finish, _rows, _sort_rows


_add = UFUNCS["add"]
_mul = UFUNCS["multiply"]
_subtract = UFUNCS["subtract"]


def sort(a, axis=-1, kind=None, order=None, *, stable=None, descending=False):
    """A sorted copy along an axis (flattened for axis=None), NaN last, on the device
    (numpy.sort); descending=True (the array API's) reverses it. The device's merge sort
    gives every kind the same stable order; CPU devices sort with NumPy's own `kind`
    (_host_libraries.py). 'order' raises NotImplementedError."""
    _check_kind(kind, stable)
    if order is not None:
        raise NotImplementedError("sort: 'order' (structured arrays) is not supported")
    a = _arr(a)
    if a.ndim == 0 and axis is not None:
        raise AxisError(axis, 0)
    if a.size and _host_libraries.applies(a._device_id):
        r = _host_sort(a, axis, "stable" if stable else kind)
        return flip(r, -1 if axis is None else axis).copy() if descending else r
    rows, ax = _rows(a, axis)
    if rows.size == 0:
        return a.copy() if axis is not None else a.reshape(-1).copy()
    keys, _ = _sort_rows(rows, with_index=False)
    r = _finish(keys, a, axis, ax)
    return flip(r, -1 if axis is None else ax).copy() if descending else r


def _host_sort(a, axis, kind):
    """numpy.sort on a CPU device (_host_libraries): NumPy sorts in place in the
    result's own storage where the device's memory is host memory."""
    dev = a._device_id
    if not _host_libraries.memory_is_host(dev):
        return _arr(numpy.sort(a.get(), axis=axis, kind=kind), device=dev)
    src = _host_libraries.host_view(a)
    if axis is None:
        src = src.reshape(-1)
    out, o = _host_libraries.host_output(src.shape, src.dtype, dev)
    o[...] = src
    o.sort(axis=-1 if axis is None else axis, kind=kind)
    return out


def argsort(a, axis=-1, kind=None, order=None, *, stable=None, descending=False):
    """Indices that sort a along an axis (stable, NaN last), on the device (numpy.argsort).

    descending=True (the array API's) sorts from the largest, equal elements still in their
    order in a. The order is stable unless an unstable kind ('quicksort', 'heapsort') is
    named: CPU devices then use NumPy's own (_host_libraries.py). 'order' raises
    NotImplementedError."""
    _check_kind(kind, stable)
    if order is not None:
        raise NotImplementedError("argsort: 'order' (structured arrays) is not supported")
    a = _arr(a)
    if a.ndim == 0 and axis is not None:
        raise AxisError(axis, 0)
    if descending:
        # A stable ascending sort of the reversed array, read backwards: the
        # largest first, and equal elements by increasing index in a.
        flat = a.reshape(-1) if axis is None else a
        ax = 0 if axis is None else normalize_axes(axis, a.ndim)[0]
        n = flat.shape[ax]
        idx = argsort(flip(flat, ax), ax, kind="stable")
        return _subtract(n - 1, flip(idx, ax))
    if (a.size and kind is not None and kind[:1].lower() in ("q", "h")
            and _host_libraries.applies(a._device_id)):
        # An unstable kind asked for by name: NumPy's own on CPU devices. Without
        # one the order is stable (the array API's default, and what library code
        # relies on), where the device's merge sort beats NumPy's stable sorts.
        r = numpy.argsort(_host_libraries.host_view(a), axis=axis, kind=kind)
        return _host_libraries.from_host(r.astype(numpy.int64, copy=False), a._device_id)
    if (a.size > 1 and a.dtype.kind in "biuf" and a.size < _STABLE_FROM_QUICKSORT_MAX
            and _host_libraries.applies(a._device_id)
            and _host_libraries.memory_is_host(a._device_id)):
        return _host_stable_argsort(a, axis)
    rows, ax = _rows(a, axis)
    if rows.size == 0:
        return zeros(a.shape if axis is not None else (a.size,), dtype=numpy.int64)
    _, idx = _sort_rows(rows, with_index=True)
    return _finish(idx, a, axis, ax)


# Run ids times the row length stay below 2**63 (_host_stable_argsort's keys).
_STABLE_FROM_QUICKSORT_MAX = 1 << 31
# Elements from which the values' sort runs on a thread of its own (a thread's start
# costs ~0.1 ms; NumPy sorts 64k float64 in ~0.6).
_SORT_ON_A_THREAD = 1 << 16


def _host_stable_argsort(a, axis):
    """The stable argsort on a CPU device: NumPy's quicksort (introsort), then the
    indices of each run of equal keys (NaNs one run, -0.0 and 0.0 one run) put in
    increasing order, which is the stable order. Equal keys are found in a sorted copy
    of the values, sorted on a second thread meanwhile (NumPy releases the GIL): 5x
    cheaper than gathering the values through the indices. 1M float64 here: the
    device's merge sort 89 ms, NumPy's stable argsort 230, NumPy's default argsort
    31-42. The second sort touches only elements with an equal neighbour."""
    h = _host_libraries.host_view(a)
    if axis is None:
        h = h.reshape(-1)
        axis = 0
    if h.size >= _SORT_ON_A_THREAD:
        box = []

        def sort_values():
            try:
                box.append(numpy.sort(h, axis=axis))
            except BaseException as exc:  # MemoryError: raised below, on the caller's thread
                box.append(exc)
        worker = threading.Thread(target=sort_values)
        worker.start()
        try:
            r = numpy.argsort(h, axis=axis, kind="quicksort")
        finally:
            worker.join()
        if isinstance(box[0], BaseException):
            raise box[0]
        s = box[0]
    else:
        r = numpy.argsort(h, axis=axis, kind="quicksort")
        s = numpy.sort(h, axis=axis)
    rm, sm = numpy.moveaxis(r, axis, -1), numpy.moveaxis(s, axis, -1)
    eq = sm[..., 1:] == sm[..., :-1]
    if sm.dtype.kind == "f":
        eq |= numpy.isnan(sm[..., 1:]) & numpy.isnan(sm[..., :-1])
    if eq.any():
        n = sm.shape[-1]
        tied = numpy.zeros(sm.shape, bool)
        tied[..., 1:] |= eq
        tied[..., :-1] |= eq
        starts = tied.copy()  # a run starts where a tied key differs from the previous one
        starts[..., 1:] &= ~eq
        run = numpy.cumsum(starts[tied], dtype=numpy.int64)
        keys = run * n + rm[tied]
        keys.sort()
        rm[tied] = keys - (keys // n) * n  # rm is a view of r
    return _host_libraries.from_host(r.astype(numpy.int64, copy=False), a._device_id)


def _last_axis_rows(a, axis):
    """a with `axis` moved last as a contiguous (M, n) array, and the moved shape."""
    (ax,) = normalize_axes(axis, a.ndim)
    m = moveaxis(a, ax, -1).copy()
    n = a.shape[ax]
    return m.reshape(a.size // n if n else 0, n), ax, m.shape


def _take_rows(rows, idx):
    """rows[i, idx[i, j]] for contiguous (M, n) rows and int64 (M, k) idx."""
    M, n = rows.shape
    base = _mul(arange(M, dtype=numpy.int64).reshape(M, 1), n)
    return _core.gather(rows.reshape(-1), _add(idx, base).astype(numpy.int64))


def lexsort(keys, axis=-1):
    """Indirect stable sort by several keys (the last is the primary), on the device
    (numpy.lexsort)."""
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
        if axis not in (-1, 0, None):
            raise AxisError(axis, 0)
        return zeros((), dtype=numpy.int64)
    rows = [_last_axis_rows(k, axis) for k in ks]
    _, ax, moved = rows[0]
    if rows[0][0].size == 0:
        return zeros(shape, dtype=numpy.int64)
    idx = None
    for r, _, _ in rows:  # primary key last: sort by it last (stable)
        if idx is None:
            idx = argsort(r, axis=-1, kind="stable")
        else:
            sub = argsort(_take_rows(r, idx), axis=-1, kind="stable")
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
        raise AxisError(axis, 0)
    (ax,) = normalize_axes(axis, a.ndim)
    return a, ax


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """a partitioned around kth along an axis (numpy.partition): on CPU devices
    NumPy's introselect in the result's own storage (_host_libraries; its
    result, element for element), elsewhere a sort, which is a valid
    partition for every kth."""
    if order is not None:
        raise NotImplementedError("partition: 'order' is not supported")
    a, ax = _partition_args(a, axis)
    if a.size == 0:  # NumPy checks no kth here; sort() of an empty array raises
        return a.copy()
    _check_kth(kth, a.shape[ax])
    dev = a._device_id
    if _host_libraries.maps(dev):
        out, o = _host_libraries.host_output(a.shape, a.dtype, dev)
        o[...] = _host_libraries.host_view(a)
        o.partition(kth.get() if isinstance(kth, _core.ndarray_base) else kth, axis=ax,
                    kind=kind)
        return out
    return sort(a, axis=ax)


def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    """Indices that partition a around kth (numpy.argpartition): on CPU devices
    NumPy's (_host_libraries), elsewhere they fully sort a (a valid partition for
    every kth; 'kind' is ignored there). 'order' raises NotImplementedError."""
    if order is not None:
        raise NotImplementedError("argpartition: 'order' is not supported")
    a, ax = _partition_args(a, axis)
    if a.size == 0:
        return zeros(a.shape, dtype=numpy.int64, device=a._device_id)
    _check_kth(kth, a.shape[ax])
    dev = a._device_id
    if _host_libraries.maps(dev):
        r = numpy.argpartition(_host_libraries.host_view(a),
                               kth.get() if isinstance(kth, _core.ndarray_base) else kth,
                               axis=ax, kind=kind)
        return _host_libraries.from_host(r.astype(numpy.int64, copy=False), dev)
    return argsort(a, axis=ax)
