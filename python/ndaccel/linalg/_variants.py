"""numpy.linalg's own versions of top-level functions (outer, cross,
diagonal, trace: stricter arguments, over the last axes) and the chained
products matrix_power (repeated squaring) and multi_dot (NumPy's
evaluation order)."""
import operator

from numpy.linalg import LinAlgError

from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._creation._matrices import eye
from .._indexing._diagonal import diagonal
from .._manipulation._dims import broadcast_to
from .._scalars import returns_scalar
from ._matmul import matmul
from ._products import cross, dot, outer, trace
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


def _chain_order(arrays):
    """NumPy's _multi_dot_matrix_chain_order: s[i][j] is where the cheapest
    evaluation of arrays[i..j] splits (host ints, from the shapes)."""
    n = len(arrays)
    p = [a.shape[0] for a in arrays] + [arrays[-1].shape[1]]
    m = [[0.0] * n for _ in range(n)]
    s = [[0] * n for _ in range(n)]
    for span in range(1, n):
        for i in range(n - span):
            j = i + span
            m[i][j] = float("inf")
            for k in range(i, j):
                q = m[i][k] + m[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if q < m[i][j]:
                    m[i][j] = q
                    s[i][j] = k
    return s


def _chain(arrays, order, i, j, out=None):
    if i == j:
        return arrays[i]
    return dot(_chain(arrays, order, i, order[i][j]),
               _chain(arrays, order, order[i][j] + 1, j), out=out)


def multi_dot(arrays, *, out=None):
    """numpy.linalg.multi_dot: the chained dot product in NumPy's order (the
    cheapest by the matrix-chain rule; two arrays: plain dot), the first and
    last arrays may be 1-D; out as dot's (exact dtype, C-contiguous), for
    the 2-D product of the last step."""
    n = len(arrays)
    if n < 2:
        raise ValueError("Expecting at least two arrays.")
    if n == 2:
        return dot(arrays[0], arrays[1], out=out)
    arrays = [_arr(a) for a in arrays]
    first, last = arrays[0].ndim, arrays[-1].ndim
    if first == 1:
        arrays[0] = arrays[0].reshape(1, -1)
    if last == 1:
        arrays[-1] = arrays[-1].reshape(-1, 1)
    for a in arrays:
        if a.ndim != 2:
            raise LinAlgError(f"{a.ndim}-dimensional array given. Array must be two-dimensional")
    if n == 3:
        A, B, C = arrays
        a0, a1b0 = A.shape
        b1c0, c1 = C.shape
        if a0 * b1c0 * (a1b0 + c1) < a1b0 * c1 * (a0 + b1c0):
            r = dot(dot(A, B), C, out=out)
        else:
            r = dot(A, dot(B, C), out=out)
    else:
        r = _chain(arrays, _chain_order(arrays), 0, n - 1, out=out)
    if first == 1 and last == 1:
        return r[0, 0]
    if first == 1 or last == 1:
        return r.reshape(-1)
    return r


# Public entry points: a single-value result is a NumPy scalar (see _scalars.py).
linalg_trace, multi_dot = returns_scalar(linalg_trace), returns_scalar(multi_dot)
