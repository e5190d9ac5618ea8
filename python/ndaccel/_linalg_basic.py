"""matmul and the products built on it.

float16/32/64 and complex64/128 products go to the backend's BLAS library
(cuBLAS, CLBlast) through _core.gemm when the device has one; every other
case (ints, bools, no library, a type the device lacks) is computed as a
fused broadcast product folded by an axes reduction (one kernel per
product, no materialised intermediate), correct for every dtype.
NDACCEL_BLAS=0 in the environment (or _linalg_basic.USE_LIBRARY = False)
forces the fused path."""
import operator
import os

import numpy

from . import _core, _dtypes
from ._ufunc import UFUNCS
from ._creation import asarray as _arr  # ndarrays pass through unchanged

USE_LIBRARY = os.environ.get("NDACCEL_BLAS", "1") != "0"
# (device id, dtype name) -> why the library cannot do it (learnt once per
# process, so a missing library costs one failed call).
_NO_LIBRARY = {}
_LIBRARY_DTYPES = frozenset(numpy.dtype(t) for t in ("float16", "float32", "float64",
                                                      "complex64", "complex128"))


def library_unavailable_reason(device_id, dtype):
    """Why matmul of `dtype` on the device falls back to generated kernels
    (None when the library was used or has not been tried yet)."""
    return _NO_LIBRARY.get((device_id, numpy.dtype(dtype).name))


def _stored_layout(rows, cols, s_r, s_c):
    """How a rows x cols matrix with element strides (s_r, s_c) reads as a
    column-major BLAS operand: (True, ld) when memory holds X^T (cols x rows,
    leading dimension ld), (False, ld) when it holds X (rows x cols), None
    when neither (the caller copies)."""
    if s_c == 1 or cols == 1:
        ld = s_r if rows > 1 else max(cols, 1)
        if ld >= max(cols, 1):
            return True, ld
    if s_r == 1 or rows == 1:
        ld = s_c if cols > 1 else max(rows, 1)
        if ld >= max(rows, 1):
            return False, ld
    return None


def _batch_stride(shape, strides, batch):
    """The single element stride s with batch item i at i * s, after
    broadcasting an operand's batch axes (shape/strides, elements) to
    `batch`; None when there is none (the caller copies)."""
    nb = len(batch)
    full = [0] * nb
    off = nb - len(shape)
    for i, (n, st) in enumerate(zip(shape, strides)):
        full[off + i] = st if n != 1 else 0
    dims = [(n, st) for n, st in zip(batch, full) if n != 1]
    if not dims:
        return 0
    s = dims[-1][1]
    cur = s * dims[-1][0]
    for n, st in reversed(dims[:-1]):
        if st != cur:
            return None
        cur = st * n
    return s if s >= 0 else None


def _gemm_operand(X, batch, itemsize):
    """(array, stores_transpose, ld, batch_stride) for X (shape
    X.batch + (rows, cols)) as a BLAS operand, copying X when its layout
    cannot be described with one leading dimension and one batch stride."""
    rows, cols = X.shape[-2], X.shape[-1]
    for attempt in range(3):
        st = X.strides
        if all(x % itemsize == 0 for x in st):
            el = [x // itemsize for x in st]
            lay = _stored_layout(rows, cols, el[-2], el[-1])
            bs = _batch_stride(X.shape[:-2], el[:-2], batch) if lay is not None else None
            if lay is not None and bs is not None:
                return X, lay[0], lay[1], bs
        if attempt == 0:
            X = X.copy()
        else:
            from ._manipulation import broadcast_to
            X = broadcast_to(X, tuple(batch) + (rows, cols)).copy()
    raise AssertionError("a C-contiguous copy always has a BLAS layout")


def _gemm(A, B, batch, n, k, m, rdt):
    """A (batch.. n x k) @ B (batch.. k x m) with the library GEMM as a
    C-contiguous batch + (n, m) array, or None when the device has no
    library for rdt (the caller computes it with generated kernels).
    Row-major C = A B is column-major C^T = B^T A^T: B goes first."""
    dev = A._device_id
    key = (dev, rdt.name)
    if not USE_LIBRARY or key in _NO_LIBRARY or dev != B._device_id:
        return None
    if n == 0 or m == 0 or k == 0 or 0 in batch:
        return None  # nothing to multiply: the fused path makes the zeros
    isz = rdt.itemsize
    P, p_t, lda, sa = _gemm_operand(B, batch, isz)   # m x k = B^T
    Q, q_t, ldb, sb = _gemm_operand(A, batch, isz)   # k x n = A^T
    C = _core.empty(tuple(batch) + (n, m), _dtypes.code(rdt), dev)
    nb = 1
    for x in batch:
        nb *= x
    why = _core.gemm(P, Q, C, not p_t, not q_t, m, n, k, nb, lda, sa, ldb, sb, m, n * m,
                     1.0, 0.0)
    if why is not None:
        _NO_LIBRARY[key] = why
        return None
    return C



def _result_dtype(a, b):
    # matmul's loops are the same-type loops of multiply/add (bool: and/or).
    return numpy.result_type(a.dtype, b.dtype)


def matmul(x1, x2, out=None, *, dtype=None, casting="same_kind", order="K", axes=None,
           axis=None):
    """numpy.matmul: 1-D operands promoted and the added axis removed,
    batch axes broadcast."""
    if axes is not None or axis is not None:
        raise NotImplementedError("matmul: the 'axes'/'axis' arguments are not implemented yet")
    a, b = _arr(x1), _arr(x2)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("matmul: Input operand 0 does not have enough dimensions (has 0, gufunc "
                         "core with signature (n?,k),(k,m?)->(n?,m?) requires 1)"
                         if a.ndim == 0 else
                         "matmul: Input operand 1 does not have enough dimensions (has 0, gufunc "
                         "core with signature (n?,k),(k,m?)->(n?,m?) requires 1)")
    a1, b1 = a.ndim == 1, b.ndim == 1
    A = a.reshape(1, a.shape[0]) if a1 else a
    B = b.reshape(b.shape[0], 1) if b1 else b
    k1, k2 = A.shape[-1], B.shape[-2]
    if k1 != k2:
        raise ValueError(f"matmul: Input operand 1 has a mismatch in its core dimension 0, with "
                         f"gufunc signature (n?,k),(k,m?)->(n?,m?) (size {k2} is different from {k1})")
    try:
        batch = numpy.broadcast_shapes(A.shape[:-2], B.shape[:-2])
    except ValueError:
        raise ValueError(f"operands could not be broadcast together with remapped shapes "
                         f"[original->remapped]: {a.shape} {b.shape}") from None
    rdt = numpy.dtype(dtype) if dtype is not None else _result_dtype(A, B)
    if rdt.kind not in "biufc":
        raise TypeError(f"matmul does not support dtype {rdt}")
    for i, x in enumerate((A, B)):  # NumPy's input casting check (the loop runs in rdt)
        if not numpy.can_cast(x.dtype, rdt, casting):
            raise TypeError(f"Cannot cast ufunc 'matmul' input {i} from {x.dtype!r} to "
                            f"{rdt!r} with casting rule {casting!r}")
    if out is not None and not numpy.can_cast(rdt, out.dtype, casting):
        raise TypeError(f"Cannot cast ufunc 'matmul' output from {rdt!r} to {out.dtype!r} "
                        f"with casting rule {casting!r}")
    n, m = A.shape[-2], B.shape[-1]
    if rdt.kind == "b":
        prod = UFUNCS["logical_and"](A.reshape(A.shape + (1,)), B.reshape(B.shape[:-2] + (1,) + B.shape[-2:]))
        from ._reductions import any as aany
        r = aany(prod, axis=-2)
    else:
        Ac = A.astype(rdt) if A.dtype != rdt else A
        Bc = B.astype(rdt) if B.dtype != rdt else B
        r = _gemm(Ac, Bc, batch, n, k1, m, rdt) if rdt in _LIBRARY_DTYPES else None
        if r is None and k1 == 0:
            from ._creation import zeros
            r = zeros(batch + (n, m), dtype=rdt)
        elif r is None:
            prod = UFUNCS["multiply"](Ac.reshape(Ac.shape + (1,)),
                                      Bc.reshape(Bc.shape[:-2] + (1,) + Bc.shape[-2:]))
            axis_k = len(batch) + 1
            prod = prod if prod.shape == batch + (n, k1, m) else \
                UFUNCS["add"](prod, _zero_view(batch + (n, k1, m), rdt))
            r = _core.reduce_axes("sum", prod, (axis_k,), _dtypes.code(rdt))
    if a1 and b1:
        r = r.reshape(batch)
    elif a1:
        r = r.reshape(batch + (m,))
    elif b1:
        r = r.reshape(batch + (n,))
    if out is not None:
        out[...] = r
        return out
    return r


def _zero_view(shape, dtype):
    from ._creation import zeros
    z = zeros((), dtype=dtype)
    return _core.view(z, z._offset, tuple(shape), (0,) * len(shape))


def dot(a, b, out=None):
    """Dot product of two arrays, on the device through matmul/tensordot (numpy.dot).

    Float/complex products use the device's BLAS (rounding can differ from NumPy's).
    A 0-d result (two vectors, no out) is a NumPy scalar."""
    a, b = _arr(a), _arr(b)
    if a.ndim == 0 or b.ndim == 0:
        r = UFUNCS["multiply"](a, b)
    elif b.ndim == 1 or a.ndim <= 2 and b.ndim <= 2:
        r = matmul(a, b)
    else:
        # dot(a, b)[i..., j...] = sum(a[i..., :] * b[j..., :, k])
        r = tensordot(a, b, axes=([a.ndim - 1], [b.ndim - 2]))
    if out is not None:
        out[...] = r
        return out
    return r


def vdot(a, b):
    """Dot product of the flattened arrays, conjugating the first, on the device (numpy.vdot).

    The result is a NumPy scalar."""
    a, b = _arr(a).reshape(-1), _arr(b).reshape(-1)
    if a.dtype.kind == "c":
        a = UFUNCS["conjugate"](a)
    if a.size != b.size:
        raise ValueError("cannot reshape array of size %d into shape (%d,)" % (b.size, a.size))
    return matmul(a, b)


def inner(a, b):
    """Inner product over the last axes, on the device through matmul (numpy.inner).

    A 0-d result (two vectors) is a NumPy scalar."""
    a, b = _arr(a), _arr(b)
    if a.ndim == 0 or b.ndim == 0:
        return UFUNCS["multiply"](a, b)
    if a.shape[-1] != b.shape[-1]:
        raise ValueError("shapes %s and %s not aligned: %d (dim %d) != %d (dim %d)"
                         % (a.shape, b.shape, a.shape[-1], a.ndim - 1, b.shape[-1], b.ndim - 1))
    return tensordot(a, b, axes=([a.ndim - 1], [b.ndim - 1]))


def outer(a, b, out=None):
    """Outer product of the flattened arrays, one fused kernel on the device (numpy.outer)."""
    a, b = _arr(a).reshape(-1), _arr(b).reshape(-1)
    r = UFUNCS["multiply"](a.reshape(-1, 1), b.reshape(1, -1))
    if out is not None:
        out[...] = r
        return out
    return r


def tensordot(a, b, axes=2):
    """Sum of products over the given axes, on the device as one matmul (numpy.tensordot).

    Float/complex products use the device's BLAS (rounding can differ from NumPy's)."""
    a, b = _arr(a), _arr(b)
    if isinstance(axes, int):
        if axes < 0:
            raise ValueError("negative axes are not supported")
        axa, axb = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        axa, axb = axes
        axa = [axa] if isinstance(axa, int) else list(axa)
        axb = [axb] if isinstance(axb, int) else list(axb)
    if len(axa) != len(axb):
        raise ValueError("shape-mismatch for sum")
    axa = [x % a.ndim for x in axa]
    axb = [x % b.ndim for x in axb]
    for x, y in zip(axa, axb):
        if a.shape[x] != b.shape[y]:
            raise ValueError("shape-mismatch for sum")
    keep_a = [i for i in range(a.ndim) if i not in axa]
    keep_b = [i for i in range(b.ndim) if i not in axb]
    ka = 1
    for x in axa:
        ka *= a.shape[x]
    A = a.transpose(keep_a + axa).reshape(-1, ka) if a.ndim else a.reshape(1, 1)
    B = b.transpose(axb + keep_b).reshape(ka, -1) if b.ndim else b.reshape(1, 1)
    r = matmul(A, B)
    return r.reshape(tuple(a.shape[i] for i in keep_a) + tuple(b.shape[i] for i in keep_b))


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """Sum along a diagonal, on the device (numpy.trace).

    A 0-d result (a 2-D input, no out) is a NumPy scalar."""
    from ._creation2 import diagonal
    from ._reductions import sum as asum
    d = diagonal(_arr(a), offset=offset, axis1=axis1, axis2=axis2)
    return asum(d, axis=-1, dtype=dtype, out=out)


def kron(a, b):
    """Kronecker product, one fused broadcast multiply on the device (numpy.kron)."""
    a, b = _arr(a), _arr(b)
    nd = max(a.ndim, b.ndim)
    A = a.reshape((1,) * (nd - a.ndim) + a.shape)
    B = b.reshape((1,) * (nd - b.ndim) + b.shape)
    ia = []
    for s in A.shape:
        ia += [s, 1]
    ib = []
    for s in B.shape:
        ib += [1, s]
    r = UFUNCS["multiply"](A.reshape(tuple(ia)), B.reshape(tuple(ib)))
    return r.reshape(tuple(x * y for x, y in zip(A.shape, B.shape)))


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 2- or 3-element vectors, on the device (numpy.cross).

    2-element vectors give the z component without NumPy 2's DeprecationWarning."""
    from ._manipulation import moveaxis, stack
    a, b = _arr(a), _arr(b)
    if axis is not None:
        axisa = axisb = axisc = axis
    a = moveaxis(a, axisa, -1)
    b = moveaxis(b, axisb, -1)
    if a.shape[-1] not in (2, 3) or b.shape[-1] not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n(dimension must be 2 or 3)")
    mul, sub = UFUNCS["multiply"], UFUNCS["subtract"]
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return sub(mul(a0, b1), mul(a1, b0))
    a2 = a[..., 2] if a.shape[-1] == 3 else None
    b2 = b[..., 2] if b.shape[-1] == 3 else None
    zero = 0
    c0 = sub(mul(a1, b2 if b2 is not None else zero), mul(a2 if a2 is not None else zero, b1))
    c1 = sub(mul(a2 if a2 is not None else zero, b0), mul(a0, b2 if b2 is not None else zero))
    c2 = sub(mul(a0, b1), mul(a1, b0))
    from ._creation import asarray
    c0, c1, c2 = (x if hasattr(x, "shape") else asarray(x) for x in (c0, c1, c2))
    shape = numpy.broadcast_shapes(c0.shape, c1.shape, c2.shape)
    r = stack([UFUNCS["add"](c, _zero_view(shape, c.dtype)) for c in (c0, c1, c2)], axis=-1)
    return moveaxis(r, -1, axisc)


def vecdot(x1, x2, /, *, out=None, axis=-1, **kwargs):
    """sum(conj(x1) * x2) over `axis` (NumPy 2.2's vector dot)."""
    from ._reductions import sum as asum
    if kwargs:
        raise NotImplementedError(f"vecdot: {', '.join(kwargs)} not implemented")
    a, b = _arr(x1), _arr(x2)
    if a.shape[axis] != b.shape[axis]:
        raise ValueError("vecdot: Input operand 1 has a mismatch in its core dimension 0")
    if a.dtype.kind == "c":
        a = UFUNCS["conjugate"](a)
    return asum(UFUNCS["multiply"](a, b), axis=axis, out=out)


def matvec(x1, x2, /, *, out=None, **kwargs):
    """Matrix-vector products over the last axes, broadcasting the rest."""
    if kwargs:
        raise NotImplementedError(f"matvec: {', '.join(kwargs)} not implemented")
    a, b = _arr(x1), _arr(x2)
    r = matmul(a, b.reshape(b.shape + (1,)))
    r = r.reshape(r.shape[:-1])
    if out is not None:
        out[...] = r
        return out
    return r


def vecmat(x1, x2, /, *, out=None, **kwargs):
    """Vector-matrix products (conjugating the vector) over the last axes."""
    if kwargs:
        raise NotImplementedError(f"vecmat: {', '.join(kwargs)} not implemented")
    a, b = _arr(x1), _arr(x2)
    if a.dtype.kind == "c":
        a = UFUNCS["conjugate"](a)
    r = matmul(a.reshape(a.shape[:-1] + (1,) + a.shape[-1:]), b)
    r = r.reshape(r.shape[:-2] + r.shape[-1:])
    if out is not None:
        out[...] = r
        return out
    return r


# ---------------------------------------------------------------- numpy.linalg's own versions

def _solver(name, what):
    """A function of the linalg namespace written by the factorisation
    module (svd, svdvals, inv); NotImplementedError naming `what` while it
    does not exist."""
    from . import linalg
    fn = getattr(linalg, name, None)
    if fn is None:
        raise NotImplementedError(f"{what} needs ndaccel.linalg.{name}, which is not "
                                  f"implemented yet")
    return fn


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


def matrix_transpose(x, /):
    """Swaps the last two axes (numpy.linalg.matrix_transpose)."""
    a = _arr(x)
    if a.ndim < 2:
        raise ValueError("Input array must be at least 2-dimensional")
    return a.swapaxes(-1, -2)


def linalg_diagonal(x, /, *, offset=0):
    """Diagonals of the last two axes (numpy.linalg.diagonal)."""
    from ._manipulation import diagonal
    return diagonal(_arr(x), offset=offset, axis1=-2, axis2=-1)


def linalg_trace(x, /, *, offset=0, dtype=None):
    """Traces of the last two axes (numpy.linalg.trace)."""
    return trace(_arr(x), offset=offset, axis1=-2, axis2=-1, dtype=dtype)


def matrix_power(a, n):
    """a raised to the integer power n by repeated squaring with matmul;
    n < 0 inverts first (ndaccel.linalg.inv)."""
    a = _arr(a)
    if a.ndim < 2:
        from numpy.linalg import LinAlgError
        raise LinAlgError(f"{a.ndim}-dimensional array given. Array must be at least "
                          f"two-dimensional")
    if a.shape[-1] != a.shape[-2]:
        from numpy.linalg import LinAlgError
        raise LinAlgError("Last 2 dimensions of the array must be square")
    try:
        n = operator.index(n)
    except TypeError as e:
        raise TypeError("exponent must be an integer") from e
    if n == 0:
        from ._creation2 import eye
        from ._manipulation import broadcast_to
        e = eye(a.shape[-1], dtype=a.dtype)
        return broadcast_to(e, a.shape).copy()
    if n < 0:
        a = _solver("inv", "matrix_power with a negative exponent")(a)
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


def _norm_float(x):
    """NumPy's norm works on inexact values: other dtypes become float64."""
    return x if x.dtype.kind in "fc" else x.astype(numpy.float64)


def _abs2(x):
    """|x|**2 as a real array (x.real**2 + x.imag**2 for complex)."""
    if x.dtype.kind == "c":
        return UFUNCS["add"](UFUNCS["square"](x.real), UFUNCS["square"](x.imag))
    return UFUNCS["multiply"](x, x)


def _vector_norm(x, ord, axis, keepdims):
    from ._reductions import max as amax, min as amin, sum as asum
    if ord is None or ord == 2:
        return UFUNCS["sqrt"](asum(_abs2(x), axis=axis, keepdims=keepdims))
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    absx = UFUNCS["absolute"](x)
    if ord == numpy.inf:
        return amax(absx, axis=axis, keepdims=keepdims)
    if ord == -numpy.inf:
        return amin(absx, axis=axis, keepdims=keepdims)
    if ord == 0:
        nz = UFUNCS["not_equal"](x, 0).astype(absx.dtype)
        return asum(nz, axis=axis, keepdims=keepdims)
    if ord == 1:
        return asum(absx, axis=axis, keepdims=keepdims)
    try:
        p = float(ord)
    except (TypeError, ValueError):
        raise ValueError(f"Invalid norm order '{ord}' for vectors") from None
    s = asum(UFUNCS["power"](absx, numpy.asarray(p, dtype=absx.dtype)), axis=axis,
             keepdims=keepdims)
    return UFUNCS["power"](s, numpy.asarray(1.0 / p, dtype=s.dtype))


def _matrix_norm(x, ord, row_axis, col_axis, keepdims):
    from ._reductions import max as amax, min as amin, sum as asum
    if row_axis == col_axis:
        raise ValueError("Duplicate axes given.")
    if ord in (2, -2, "nuc"):
        from ._manipulation import moveaxis
        from . import linalg
        y = moveaxis(x, (row_axis, col_axis), (-2, -1))
        if getattr(linalg, "svdvals", None) is not None:
            sv = linalg.svdvals(y)
        else:
            sv = _solver("svd", f"norm(ord={ord!r})")(y, compute_uv=False)
        fn = {2: amax, -2: amin, "nuc": asum}[ord]
        ret = fn(sv, axis=-1)
    elif ord in (None, "fro", "f"):
        ret = UFUNCS["sqrt"](asum(_abs2(x), axis=(row_axis, col_axis)))
    elif ord in (1, -1):
        fn = amax if ord == 1 else amin
        c = col_axis - 1 if col_axis > row_axis else col_axis
        ret = fn(asum(UFUNCS["absolute"](x), axis=row_axis), axis=c)
    elif ord in (numpy.inf, -numpy.inf):
        fn = amax if ord == numpy.inf else amin
        r = row_axis - 1 if row_axis > col_axis else row_axis
        ret = fn(asum(UFUNCS["absolute"](x), axis=col_axis), axis=r)
    else:
        raise ValueError("Invalid norm order for matrices.")
    if keepdims:
        shape = list(x.shape)
        shape[row_axis] = shape[col_axis] = 1
        ret = ret.reshape(tuple(shape))
    return ret


def _norm_axes(axis, ndim):
    from numpy.exceptions import AxisError
    out = []
    for ax in axis:
        try:
            ax = operator.index(ax)
        except TypeError:
            raise TypeError("'axis' must be None, an integer or a tuple of integers") from None
        if not -ndim <= ax < ndim:
            raise AxisError(ax, ndim)
        out.append(ax % ndim)
    return out


def norm(x, ord=None, axis=None, keepdims=False):
    """numpy.linalg.norm: vector norms (ord None/2, inf, -inf, 0, 1, any p)
    over one axis, matrix norms (None/'fro', 'nuc', inf, -inf, 1, -1, 2,
    -2) over two; axis=None means the whole array (its 2-norm when ord is
    None)."""
    x = _norm_float(_arr(x))
    if axis is None:
        if ord is None:
            from ._reductions import sum as asum
            r = UFUNCS["sqrt"](asum(_abs2(x.reshape(-1))))
            return r.reshape((1,) * x.ndim) if keepdims else r
        if x.ndim not in (1, 2):
            raise ValueError("Improper number of dimensions to norm.")
        axis = tuple(range(x.ndim))
    elif not isinstance(axis, tuple):
        axis = (axis,)
    axes = _norm_axes(axis, x.ndim)
    if len(axes) == 1:
        return _vector_norm(x, ord, axes[0], keepdims)
    if len(axes) == 2:
        return _matrix_norm(x, ord, axes[0], axes[1], keepdims)
    raise ValueError("Improper number of dimensions to norm.")


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """numpy.linalg.vector_norm: axis=None flattens (any ndim)."""
    x = _norm_float(_arr(x))
    if axis is None:
        r = _vector_norm(x.reshape(-1), ord, 0, False)
        return r.reshape((1,) * x.ndim) if keepdims else r
    axes = _norm_axes(axis if isinstance(axis, tuple) else (axis,), x.ndim)
    if len(axes) == 1:
        return _vector_norm(x, ord, axes[0], keepdims)
    # Several axes: moved to the end and flattened into one.
    from ._manipulation import moveaxis
    rest = [i for i in range(x.ndim) if i not in axes]
    y = moveaxis(x, axes, list(range(len(rest), x.ndim)))
    y = y.reshape(tuple(x.shape[i] for i in rest) + (-1,))
    r = _vector_norm(y, ord, -1, False)
    if keepdims:
        r = r.reshape(tuple(1 if i in axes else x.shape[i] for i in range(x.ndim)))
    return r


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """numpy.linalg.matrix_norm over the last two axes."""
    x = _arr(x)
    if x.ndim < 2:
        from numpy.linalg import LinAlgError
        raise LinAlgError(f"{x.ndim}-dimensional array given. Array must be at least "
                          f"two-dimensional")
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


def multi_dot(arrays, *, out=None):
    """Chained matmul (left to right; the first/last may be 1-D)."""
    arrays = [_arr(a) for a in arrays]
    if len(arrays) < 2:
        raise ValueError("Expecting at least two arrays.")
    for i, a in enumerate(arrays):
        lim = (1, 2) if i in (0, len(arrays) - 1) else (2,)
        if a.ndim not in lim:
            from numpy.linalg import LinAlgError
            raise LinAlgError(f"{a.ndim}-dimensional array given. Array must be two-dimensional")
    r = arrays[0]
    for a in arrays[1:]:
        r = matmul(r, a)
    if out is not None:
        out[...] = r
        return out
    return r


# Public entry points: a single-value result is a NumPy scalar (see _scalars.py).
from ._scalars import returns_scalar as _returns_scalar  # noqa: E402
for _name in ('matmul', 'dot', 'vdot', 'inner', 'trace', 'vecdot', 'linalg_trace', 'norm',
              'vector_norm', 'matrix_norm', 'multi_dot', 'kron'):
    globals()[_name] = _returns_scalar(globals()[_name])
