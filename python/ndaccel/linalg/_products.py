"""Products built on matmul (so float products run on the BLAS library when
the device has one): dot, vdot, inner, tensordot, matvec, vecmat; and as
fused broadcast expressions: outer, kron, cross, vecdot, trace."""
import numpy

from .._creation._from_data import asarray
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._indexing._diagonal import diagonal
from .._manipulation._join import stack
from .._manipulation._transpose import moveaxis
from .._ndarray import ndarray
from .._scalars import returns_scalar
from .._statistics._reductions import sum as asum
from .._ufunc import UFUNCS
from ._matmul import _host_vector_dot, _zero_view, matmul


def dot(a, b, out=None):
    """Dot product of two arrays, on the device through matmul/tensordot (numpy.dot).

    Float/complex products use the device's BLAS (rounding can differ from NumPy's).
    A 0-d result (two vectors, no out) is a NumPy scalar. out must be as NumPy's: an
    array of the result's exact dtype and shape, C-contiguous (else ValueError)."""
    a, b = _arr(a), _arr(b)
    if a.ndim == 0 or b.ndim == 0:
        r = UFUNCS["multiply"](a, b)
    elif b.ndim == 1 or a.ndim <= 2 and b.ndim <= 2:
        r = matmul(a, b)
    else:
        # dot(a, b)[i..., j...] = sum(a[i..., :] * b[j..., :, k])
        r = tensordot(a, b, axes=([a.ndim - 1], [b.ndim - 2]))
    if out is not None:
        if isinstance(out, ndarray) and (out.dtype != r.dtype or out.shape != r.shape
                                         or not out._c_contiguous):
            raise ValueError("output array is not acceptable (must have the right datatype, "
                             "number of dimensions, and be a C-Array)")
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
    r = _host_vector_dot(a, b)
    if r is not None:
        return r
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


def _prod_of(sizes):
    n = 1
    for s in sizes:
        n *= s
    return n


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
    rows = _prod_of(a.shape[i] for i in keep_a)
    cols = _prod_of(b.shape[i] for i in keep_b)
    # Explicit sizes: -1 cannot be inferred when an axis is empty.
    A = a.transpose(keep_a + axa).reshape(rows, ka) if a.ndim else a.reshape(1, 1)
    B = b.transpose(axb + keep_b).reshape(ka, cols) if b.ndim else b.reshape(1, 1)
    r = matmul(A, B)
    return r.reshape(tuple(a.shape[i] for i in keep_a) + tuple(b.shape[i] for i in keep_b))


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """Sum along a diagonal, on the device (numpy.trace).

    A 0-d result (a 2-D input, no out) is a NumPy scalar."""
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
    c0, c1, c2 = (x if hasattr(x, "shape") else asarray(x) for x in (c0, c1, c2))
    shape = numpy.broadcast_shapes(c0.shape, c1.shape, c2.shape)
    r = stack([UFUNCS["add"](c, _zero_view(shape, c.dtype)) for c in (c0, c1, c2)], axis=-1)
    return moveaxis(r, -1, axisc)


def vecdot(x1, x2, /, *, out=None, axis=-1, **kwargs):
    """sum(conj(x1) * x2) over `axis` (NumPy 2.2's vector dot)."""
    if kwargs:
        raise NotImplementedError(f"vecdot: {', '.join(kwargs)} not implemented")
    a, b = _arr(x1), _arr(x2)
    if a.shape[axis] != b.shape[axis]:
        raise ValueError("vecdot: Input operand 1 has a mismatch in its core dimension 0")
    if a.dtype.kind == "c":
        a = UFUNCS["conjugate"](a)
    prod = UFUNCS["multiply"](a, b)
    # In the operands' promoted dtype, as NumPy's gufunc (uint8 stays uint8, wrapping).
    return asum(prod, axis=axis, dtype=prod.dtype, out=out)


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


# Public entry points: a single-value result is a NumPy scalar (see _scalars.py).
dot, vdot, inner, trace, vecdot, kron = (
    returns_scalar(f) for f in (dot, vdot, inner, trace, vecdot, kron))
