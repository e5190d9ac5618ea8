"""einsum_path: the contraction order einsum would take, and NumPy's
report of it. The path depends only on the subscripts and the operands'
shapes, so each device array is replaced by a host placeholder of its shape
and dtype (a zero-stride view of one element: no data is copied or moved)
and numpy.einsum_path computes path and report."""
import numpy
from numpy.lib.stride_tricks import as_strided

from .. import _core


def _placeholder(x):
    """A read-only host array with x's shape and dtype over a single element."""
    if not isinstance(x, _core.ndarray_base):
        return x
    return as_strided(numpy.zeros(1, dtype=x.dtype), shape=x.shape,
                      strides=(0,) * x.ndim, writeable=False)


def einsum_path(*operands, optimize="greedy", einsum_call=False):
    """The lowest-cost contraction order for an einsum expression and a printed report of
    it (numpy.einsum_path): returns (path, string), the path a list starting with
    'einsum_path'. Computed from the operands' shapes only (no data leaves the device).
    The hidden einsum_call=True form is not supported (NotImplementedError)."""
    if einsum_call:
        raise NotImplementedError("einsum_path(einsum_call=True): NumPy's internal form")
    return numpy.einsum_path(*[_placeholder(x) for x in operands], optimize=optimize)
