"""diagonal: a strided view of the diagonal (NumPy's is a read-only view;
this one is writeable)."""
import operator

from .._axes import normalize_axis_index
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._manipulation._helpers import _base, _view


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonal as a strided view (NumPy's is a read-only view)."""
    a = _arr(a)
    if a.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    offset = operator.index(offset)
    axis1 = normalize_axis_index(operator.index(axis1), a.ndim, "axis1")
    axis2 = normalize_axis_index(operator.index(axis2), a.ndim, "axis2")
    if axis1 == axis2:
        raise ValueError("axis1 and axis2 cannot be the same")
    b = _base(a)
    n1, n2 = b.shape[axis1], b.shape[axis2]
    s1, s2 = b.strides[axis1], b.strides[axis2]
    off = b._offset
    if offset >= 0:
        length = max(0, min(n1, n2 - offset))
        if length:
            off += offset * s2
    else:
        length = max(0, min(n1 + offset, n2))
        if length:
            off += -offset * s1
    keep = [i for i in range(b.ndim) if i not in (axis1, axis2)]
    return _view(b, off, [b.shape[i] for i in keep] + [length],
                 [b.strides[i] for i in keep] + [s1 + s2])
