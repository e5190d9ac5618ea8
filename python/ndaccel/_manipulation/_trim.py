"""trim_zeros: the input cut to the smallest box (along the chosen axes)
holding all its nonzero elements. The box is found on the device (argwhere,
then the least and greatest position per axis, read back: one
synchronisation); the result is a view (a slice) of the input."""
from .._axes import normalize_axis_tuple
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._indexing._nonzero import argwhere
from .._ndarray import ndarray
from .._statistics._reductions import max as _amax, min as _amin
from ._join import stack


def trim_zeros(filt, trim="fb", axis=None):
    """filt without its leading ('f') and/or trailing ('b') zeros along the given axes (all
    axes for axis=None): the smallest box that still holds every nonzero element, as a view
    (numpy.trim_zeros). A list or tuple input gives a list or tuple, as NumPy."""
    filt_ = _arr(filt)
    trim = trim.lower()
    if trim not in {"fb", "bf", "f", "b"}:
        raise ValueError(f"unexpected character(s) in `trim`: {trim!r}")
    nd = filt_.ndim
    if axis is None:
        axis_tuple = tuple(range(nd))
    else:
        axis_tuple = normalize_axis_tuple(axis, nd, argname="axis")
    if not axis_tuple:
        return filt  # no trimming requested: the input unmodified, as NumPy
    nz = argwhere(filt_)
    if nz.shape[0] == 0:  # all zero: empty slices
        start = stop = [0] * nd
    else:
        bounds = stack([_amin(nz, axis=0), _amax(nz, axis=0)]).get().tolist()
        start = bounds[0] if "f" in trim else [None] * nd
        stop = [s + 1 for s in bounds[1]] if "b" in trim else [None] * nd
    sl = tuple(slice(start[ax], stop[ax]) if ax in axis_tuple else slice(None)
               for ax in range(nd))
    src = filt if isinstance(filt, (ndarray, list, tuple)) else filt_
    if nd == 1:
        return src[sl[0]]  # 1-D: plain slicing keeps a list a list
    return src[sl]
