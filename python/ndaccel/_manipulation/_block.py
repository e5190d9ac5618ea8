"""block: an array assembled from nested lists of blocks, by nested
concatenation on the device (NumPy's algorithm; the nesting checks and
error messages are NumPy's)."""
import numpy

from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._ndarray import ndarray
from ._join import concatenate


def _format_index(index):
    return "arrays" + "".join(f"[{i}]" for i in index if i is not None)


def _check_depths(arrays, parent_index=()):
    """(index of a bottom element, the largest block ndim) of the nested lists, checking
    that every block lies at the same depth."""
    if isinstance(arrays, tuple):
        raise TypeError(f"{_format_index(parent_index)} is a tuple. Only lists can be used to "
                        f"arrange blocks, and np.block does not allow implicit conversion from "
                        f"tuple to ndarray.")
    if isinstance(arrays, list) and arrays:
        results = [_check_depths(arr, parent_index + (i,)) for i, arr in enumerate(arrays)]
        first_index, max_ndim = results[0]
        for index, nd in results[1:]:
            max_ndim = max(max_ndim, nd)
            if len(index) != len(first_index):
                raise ValueError(f"List depths are mismatched. First element was at depth "
                                 f"{len(first_index)}, but there is an element at depth "
                                 f"{len(index)} ({_format_index(index)})")
            if index[-1] is None:  # an empty list at the bottom
                first_index = index
        return first_index, max_ndim
    if isinstance(arrays, list):
        return parent_index + (None,), 0
    nd = arrays.ndim if isinstance(arrays, ndarray) else numpy.ndim(arrays)
    return parent_index, nd


def _atleast_nd(a, ndim):
    a = _arr(a)
    return a.reshape((1,) * (ndim - a.ndim) + a.shape) if a.ndim < ndim else a


def _block(arrays, max_depth, result_ndim, depth=0):
    if depth < max_depth:
        arrs = [_block(arr, max_depth, result_ndim, depth + 1) for arr in arrays]
        return concatenate(arrs, axis=-(max_depth - depth))
    return _atleast_nd(arrays, result_ndim)


def block(arrays):
    """An array assembled from nested lists of blocks: the innermost lists are concatenated
    along the last axis, the next ones along the second-last, and so on, on the device
    (numpy.block). Blocks get leading length-1 axes as needed (no other broadcasting)."""
    bottom_index, arr_ndim = _check_depths(arrays)
    list_ndim = len(bottom_index)
    if bottom_index and bottom_index[-1] is None:
        raise ValueError(f"List at {_format_index(bottom_index)} cannot be empty")
    result_ndim = max(arr_ndim, list_ndim)
    result = _block(arrays, list_ndim, result_ndim)
    if list_ndim == 0:  # a single array: a copy, as NumPy
        result = result.copy()
    return result
