"""Splitting an array into views: split, array_split, hsplit, vsplit,
dsplit, unstack."""
import itertools
import operator

from .._axes import normalize_axis_index

from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged


def array_split(ary, indices_or_sections, axis=0):
    """Splits ary into views along an axis, sections of (nearly) equal size or at given indices
    (numpy.array_split)."""
    ary = _arr(ary)
    ntotal = ary.shape[axis]
    try:
        nsections = len(indices_or_sections) + 1
        div_points = [0] + list(indices_or_sections) + [ntotal]
    except TypeError:
        nsections = int(indices_or_sections)
        if nsections <= 0:
            raise ValueError("number sections must be larger than 0.") from None
        each, extras = divmod(ntotal, nsections)
        sizes = [0] + extras * [each + 1] + (nsections - extras) * [each]
        div_points = list(itertools.accumulate(sizes))
    sary = ary.swapaxes(axis, 0)
    return [sary[div_points[i]:div_points[i + 1]].swapaxes(axis, 0) for i in range(nsections)]


def split(ary, indices_or_sections, axis=0):
    """Splits ary into views along an axis, sections of equal size or at given indices
    (numpy.split)."""
    ary = _arr(ary)
    try:
        len(indices_or_sections)
    except TypeError:
        if ary.shape[axis] % indices_or_sections:
            raise ValueError("array split does not result in an equal division") from None
    return array_split(ary, indices_or_sections, axis)


def hsplit(ary, indices_or_sections):
    """Splits ary into views along axis 1 (axis 0 for 1-D) (numpy.hsplit)."""
    ary = _arr(ary)
    if ary.ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(ary, indices_or_sections, 1 if ary.ndim > 1 else 0)


def vsplit(ary, indices_or_sections):
    """Splits ary into views along axis 0 (numpy.vsplit)."""
    ary = _arr(ary)
    if ary.ndim < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(ary, indices_or_sections, 0)


def dsplit(ary, indices_or_sections):
    """Splits ary into views along axis 2 (numpy.dsplit)."""
    ary = _arr(ary)
    if ary.ndim < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(ary, indices_or_sections, 2)


def unstack(x, /, *, axis=0):
    """The views of x along an axis, as a tuple (numpy.unstack, the inverse of stack)."""
    x = _arr(x)
    if x.ndim == 0:
        raise ValueError("Input array must be at least 1-d.")
    axis = normalize_axis_index(operator.index(axis), x.ndim)
    return tuple(x[(slice(None),) * axis + (i,)] for i in range(x.shape[axis]))
