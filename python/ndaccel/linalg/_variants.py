"""numpy.linalg's own versions of top-level functions (outer, cross,
diagonal, trace: stricter arguments, over the last axes) and the chained products matrix_power (repeated squaring) and multi_dot."""
import operator

from numpy.linalg import LinAlgError

from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._creation._matrices import eye
from .._indexing._diagonal import diagonal
from .._manipulation._dims import broadcast_to
from .._scalars import returns_scalar
from ._matmul import matmul
from ._products import cross, outer, trace
from ._solve import inv


def linalg_outer(x1, x2, /):
    """numpy.linalg.outer: 1-D operands only."""
    a, b = _arr(x1), _arr(x2)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError(f"Input arrays must be one-dimensional, but they are "
                         f"x1.ndim={a.ndim} and x2.ndim={b.ndim}.")
    return outer(a, b)


def linalg_cross(x1, x2, /, *, axis=-1):
    """numpy.linalg.cross: 3-element vectors only."""
    a, b = _arr(x1), _arr(x2)
    if a.shape[axis] != 3 or b.shape[axis] != 3:
        raise ValueError(f"Both input arrays must be (arrays of) 3-dimensional vectors, but they "
                         f"are {a.shape[axis]} and {b.shape[axis]} dimensional instead.")
    return cross(a, b, axis=axis)


def linalg_diagonal(x, /, *, offset=0):
    """Diagonals of the last two axes (numpy.linalg.diagonal)."""
    return diagonal(_arr(x), offset=offset, axis1=-2, axis2=-1)


def linalg_trace(x, /, *, offset=0, dtype=None):
    """Traces of the last two axes (numpy.linalg.trace)."""
    return trace(_arr(x), offset=offset, axis1=-2, axis2=-1, dtype=dtype)


def matrix_power(a, n):
    """a raised to the integer power n by repeated squaring with matmul;
    n < 0 inverts first (ndaccel.linalg.inv)."""
    a = _arr(a)
    if a.ndim < 2:
        raise LinAlgError(f"{a.ndim}-dimensional array given. Array must be at least "
                          f"two-dimensional")
    if a.shape[-1] != a.shape[-2]:
        raise LinAlgError("Last 2 dimensions of the array must be square")
    try:
        n = operator.index(n)
    except TypeError as e:
        raise TypeError("exponent must be an integer") from e
    if n == 0:
        e = eye(a.shape[-1], dtype=a.dtype)
        return broadcast_to(e, a.shape).copy()
    if n < 0:
        a = inv(a)
        n = -n
    if n == 1:
        return a.copy()
    result, z = None, a
    while True:
        if n & 1:
            result = z if result is None else matmul(result, z)
        n >>= 1
        if n == 0:
            return result
        z = matmul(z, z)


def multi_dot(arrays, *, out=None):
    """Chained matmul (left to right; the first/last may be 1-D)."""
    arrays = [_arr(a) for a in arrays]
    if len(arrays) < 2:
        raise ValueError("Expecting at least two arrays.")
    for i, a in enumerate(arrays):
        lim = (1, 2) if i in (0, len(arrays) - 1) else (2,)
        if a.ndim not in lim:
            raise LinAlgError(f"{a.ndim}-dimensional array given. Array must be two-dimensional")
    r = arrays[0]
    for a in arrays[1:]:
        r = matmul(r, a)
    if out is not None:
        out[...] = r
        return out
    return r


# Public entry points: a single-value result is a NumPy scalar (see _scalars.py).
linalg_trace, multi_dot = returns_scalar(linalg_trace), returns_scalar(multi_dot)
