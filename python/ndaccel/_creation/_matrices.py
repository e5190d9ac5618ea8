"""Matrices on the device: eye, identity, diag, diagflat (ones or values on
a diagonal, written through a strided view), tri, tril, triu (a fused
comparison of index vectors)."""
import operator

import numpy

from .. import _core
from .._indexing._diagonal import diagonal
from .._manipulation._dims import broadcast_to
from .._manipulation._helpers import _base, _view
from .._math._cumulative import cumprod
from .._ufunc import UFUNCS, where
from ._basic import zeros
from ._from_data import asarray as _arr  # ndarrays pass through unchanged
from ._ranges import arange


def _diag_view(m, k):
    """The k-th diagonal of a fresh 2-D array m, as a strided view."""
    n, mcols = m.shape
    if k >= 0:
        length = max(0, min(n, mcols - k))
        start = k
    else:
        length = max(0, min(n + k, mcols))
        start = -k * mcols
    if length == 0:
        return None
    return _view(m, m._offset + start * m.itemsize, (length,), ((mcols + 1) * m.itemsize,))


def eye(N, M=None, k=0, dtype=float, order="C", *, device=None, like=None):
    """A 2-D device array with ones on the k-th diagonal, zeros elsewhere (numpy.eye).

    The 'like' argument raises NotImplementedError."""
    if like is not None:
        raise NotImplementedError("eye: the 'like' argument is not supported")
    if M is None:
        M = N
    # dtype=None is float64 (as numpy.zeros; ndaccel.zeros gives int64 there)
    m = zeros((N, M), dtype=float if dtype is None else dtype, order=order, device=device)
    M = operator.index(M)
    k = operator.index(k)
    if k >= M:
        return m
    d = _diag_view(_base(m), k)
    if d is not None:
        _core.fill(d, 1)
    return m


def identity(n, dtype=None, *, like=None):
    """The n x n identity matrix as a device array (numpy.identity).

    The 'like' argument raises NotImplementedError."""
    return eye(n, dtype=dtype, like=like)


def diag(v, k=0):
    """The k-th diagonal of a 2-D array (a writeable view), or a new 2-D device array with
    v on its k-th diagonal (numpy.diag; NumPy's diagonal view is read-only)."""
    v = _arr(v)
    if v.ndim == 1:
        k = operator.index(k)
        n = v.shape[0] + abs(k)
        res = _core.empty((n, n), v._dtype_code, v._device_id)
        _core.fill(res, 0)
        d = _diag_view(res, k)
        if d is not None:
            _core.assign(d, v)
        return res
    if v.ndim == 2:
        return diagonal(v, k)
    raise ValueError("Input must be 1- or 2-d.")


def diagflat(v, k=0):
    """A new 2-D device array with the flattened input on its k-th diagonal (numpy.diagflat)."""
    return diag(_arr(v).ravel(), k)


def tri(N, M=None, k=0, dtype=float, *, like=None):
    """A device array with ones at and below the k-th diagonal, zeros elsewhere (numpy.tri).

    The 'like' argument raises NotImplementedError."""
    if like is not None:
        raise NotImplementedError("tri: the 'like' argument is not supported")
    if M is None:
        M = N
    N, M, k = operator.index(N), operator.index(M), operator.index(k)
    rows = arange(max(N, 0), dtype=numpy.int64).reshape(-1, 1)
    cols = arange(-k, M - k, dtype=numpy.int64)
    m = UFUNCS["greater_equal"](rows, cols)
    return m.astype(dtype, copy=False)


def _tri_mask(m, k):
    if m.ndim == 0:
        raise TypeError("tri() missing 1 required positional argument: 'N'")
    return tri(*m.shape[-2:], k=k, dtype=bool)


def tril(m, k=0):
    """A copy of m with the elements above the k-th diagonal zeroed, on the device
    (numpy.tril)."""
    m = _arr(m)
    mask = _tri_mask(m, k)
    return where(mask, m, zeros(1, m.dtype, device=m._device_id))


def triu(m, k=0):
    """A copy of m with the elements below the k-th diagonal zeroed, on the device
    (numpy.triu)."""
    m = _arr(m)
    mask = _tri_mask(m, k - 1)
    return where(mask, zeros(1, m.dtype, device=m._device_id), m)


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of the 1-D x: its columns are powers of x, decreasing from
    x**(N-1) (or increasing from x**0), computed on the device as NumPy does, by a
    cumulative product (numpy.vander)."""
    x = _arr(x)
    if x.ndim != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    n = x.shape[0]
    N = n if N is None else operator.index(N)
    if N < 0:
        raise ValueError("negative dimensions are not allowed")
    dt = numpy.promote_types(x.dtype, int)
    if N == 0 or n == 0:
        return zeros((n, N), dtype=dt, device=x._device_id)
    cols = broadcast_to(x.astype(dt).reshape(n, 1), (n, N))
    first = UFUNCS["equal"](arange(N, dtype=numpy.int64), 0)
    v = cumprod(where(first, _arr(1, dtype=dt, device=x._device_id), cols), axis=1, dtype=dt)
    return v if increasing else v[:, ::-1].copy()
