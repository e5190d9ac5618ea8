"""Singular values and what is read off them: svdvals and matrix_rank
(numpy.linalg's, the array API's linalg extension). The singular values
come from svd (the device's solver library, else the host fallback); the
threshold and the count run on the device."""
import numpy

from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._scalars import returns_scalar
from .._statistics._reductions import any as _any, count_nonzero, max as _max
from .._ufunc import UFUNCS
from ._host import svd

_greater = UFUNCS["greater"]
_multiply = UFUNCS["multiply"]
_not_equal = UFUNCS["not_equal"]


def svdvals(x, /):
    """The singular values of each matrix in x, descending (numpy.linalg.svdvals)."""
    return svd(_arr(x), compute_uv=False)


@returns_scalar
def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    """The rank of each matrix in A: singular values above tol, by default
    max(M, N) * eps * the largest one (numpy.linalg.matrix_rank); a
    Python int for fewer than 2 dimensions, as NumPy."""
    if rtol is not None and tol is not None:
        raise ValueError("`tol` and `rtol` can't be both set.")
    A = _arr(A)
    if A.ndim < 2:
        return int(bool(_any(_not_equal(A, 0))))  # a Python int, as NumPy's
    S = svd(A, compute_uv=False, hermitian=hermitian)
    if tol is None:
        if rtol is None:
            rtol = max(A.shape[-2:]) * numpy.finfo(S.dtype).eps
        else:
            rtol = _arr(rtol)[..., None]
        tol = _multiply(_max(S, axis=-1, keepdims=True, initial=0), rtol)  # 0 for empty S
    else:
        tol = _arr(tol)[..., None]
    return count_nonzero(_greater(S, tol), axis=-1)
