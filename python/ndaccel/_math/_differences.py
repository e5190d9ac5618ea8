"""Differences between neighbouring elements: diff (n-th order, along an
axis, with prepend/append), ediff1d. Each order is one fused elementwise
kernel over two shifted views."""
import operator

import numpy

from .._axes import normalize_axis_index
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._manipulation._dims import broadcast_to
from .._manipulation._join import concatenate
from .._ufunc import UFUNCS

_NOVALUE = numpy._NoValue  # NumPy's marker: the signature reads as numpy.diff's


def diff(a, n=1, axis=-1, prepend=_NOVALUE, append=_NOVALUE):
    """The n-th discrete difference along an axis, on the device (numpy.diff); booleans give
    not_equal, as NumPy."""
    n = operator.index(n)
    if n == 0:
        return a
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n!r}")
    a = _arr(a)
    if a.ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = normalize_axis_index(operator.index(axis), a.ndim)
    combined = []
    for extra in (prepend, None, append):
        if extra is None:
            combined.append(a)
        elif extra is not _NOVALUE:
            extra = _arr(extra, device=a._device_id)
            if extra.ndim == 0:
                shape = list(a.shape)
                shape[axis] = 1
                extra = broadcast_to(extra, tuple(shape))
            combined.append(extra)
    if len(combined) > 1:
        a = concatenate(combined, axis)
    later = (slice(None),) * axis + (slice(1, None),)
    earlier = (slice(None),) * axis + (slice(None, -1),)
    op = UFUNCS["not_equal"] if a.dtype == numpy.bool_ else UFUNCS["subtract"]
    for _ in range(n):
        a = op(a[later], a[earlier])
    return a


def ediff1d(ary, to_end=None, to_begin=None):
    """The differences between consecutive elements of the flattened array, with optional
    values before and after, on the device (numpy.ediff1d)."""
    a = _arr(ary).reshape(-1)
    parts = []
    if to_begin is not None:
        parts.append(_ends(to_begin, a, "to_begin"))
    parts.append(UFUNCS["subtract"](a[1:], a[:-1]))
    if to_end is not None:
        parts.append(_ends(to_end, a, "to_end"))
    return parts[0] if len(parts) == 1 else concatenate(parts)


def _ends(values, a, name):
    v = _arr(values, device=a._device_id).reshape(-1)
    if not numpy.can_cast(v.dtype, a.dtype, casting="same_kind"):
        raise TypeError(f"dtype of `{name}` must be compatible with input `ary` under the "
                        f"`same_kind` rule.")
    return v.astype(a.dtype)
