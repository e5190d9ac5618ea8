"""Axis arguments checked as NumPy checks them: AxisError, TypeError and
ValueError with NumPy's messages. A foundation module (NumPy and the
standard library only)."""
from numpy.exceptions import AxisError

try:
    from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple
except ImportError:  # NumPy < 2
    from numpy.core.multiarray import normalize_axis_index
    from numpy.core.numeric import normalize_axis_tuple

__all__ = ["AxisError", "normalize_axes", "normalize_axis_index", "normalize_axis_tuple"]


def normalize_axes(axis, ndim):
    """Sorted tuple of non-negative axes; AxisError / ValueError as NumPy."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    out = []
    for ax in axes:
        try:
            ax = int(ax.__index__())
        except (AttributeError, TypeError):
            raise TypeError(f"'{type(ax).__name__}' object cannot be interpreted as an integer") from None
        if ax < -ndim or ax >= ndim:
            raise AxisError(ax, ndim)
        out.append(ax % ndim)
    if len(set(out)) != len(out):
        raise ValueError("duplicate value in 'axis'")
    return tuple(sorted(out))
