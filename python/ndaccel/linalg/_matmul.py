"""matmul and the products built on it.

float16/32/64 and complex64/128 products go to the backend's BLAS library
(cuBLAS, CLBlast) through _core.gemm when the device has one; every other
case (ints, bools, no library, a type the device lacks) is computed as a
fused broadcast product folded by an axes reduction (one kernel per
product, no materialised intermediate), correct for every dtype.
NDACCEL_BLAS=0 in the environment (or _matmul.USE_LIBRARY = False)
forces the fused path.

On a CPU device float32/64 and complex products run in the host's BLAS
(NumPy's matmul on copies of the operands) instead of the device library:
the host-libraries policy of _host_libraries.py (OpenBLAS beats CLBlast on
the same cores by 4-10x at 1000^2, far more for X.T @ X)."""
import os

import numpy

from .. import _core, _dtypes, _host_libraries
from .._creation._basic import zeros
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._manipulation._dims import broadcast_to
from .._scalars import returns_scalar
from .._statistics._reductions import any as aany
from .._ufunc import UFUNCS


USE_LIBRARY = os.environ.get("NDACCEL_BLAS", "1") != "0"
_HOST_BLAS_DTYPES = frozenset(numpy.dtype(t) for t in ("float32", "float64", "complex64",
                                                       "complex128"))


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
            X = broadcast_to(X, tuple(batch) + (rows, cols)).copy()
    raise AssertionError("a C-contiguous copy always has a BLAS layout")


def _host_gemm(A, B, shape, rdt):
    """A @ B (already rdt; result shape `shape`) by the host's BLAS on CPU devices
    (_host_libraries), written straight into the result's storage where the device's
    memory is host memory; None elsewhere."""
    dev = A._device_id
    if not (USE_LIBRARY and rdt in _HOST_BLAS_DTYPES and dev == B._device_id
            and _host_libraries.applies(dev)):
        return None
    if not _host_libraries.memory_is_host(dev):
        return _arr(numpy.matmul(A.get(), B.get()), device=dev)
    out, o = _host_libraries.host_output(shape, rdt, dev)
    numpy.matmul(_host_libraries.host_view(A), _host_libraries.host_view(B), out=o)
    return out


def _host_vector_dot(a, b):
    """a . b of two 1-D arrays of one float or complex type and length by NumPy's
    dot on their storage, on CPU devices whose memory is host memory: a 0-d
    array; None elsewhere. NumPy's dot and matmul of two vectors both call
    the BLAS dot: its bits; the general path's 1 x n by n x 1 GEMM and its
    checks cost 50-90 us more around 0.19 ms at 1M float64."""
    dev = a._device_id
    if not (USE_LIBRARY and a.ndim == 1 and b.ndim == 1 and a.shape == b.shape
            and a.dtype == b.dtype and a.dtype in _HOST_BLAS_DTYPES and dev == b._device_id
            and a.size and _host_libraries.maps(dev)):
        return None
    r = numpy.dot(_host_libraries.host_view(a), _host_libraries.host_view(b))
    return _core.from_numpy(numpy.asarray(r), dev)


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
    host = _host_gemm(A, B, tuple(batch) + (n, m), rdt)
    if host is not None:
        return host
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
    if out is None and dtype is None:
        r = _host_vector_dot(a, b)
        if r is not None:
            return r
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
        r = aany(prod, axis=-2)
    else:
        Ac = A.astype(rdt) if A.dtype != rdt else A
        Bc = B.astype(rdt) if B.dtype != rdt else B
        r = _gemm(Ac, Bc, batch, n, k1, m, rdt) if rdt in _LIBRARY_DTYPES else None
        if r is None and k1 == 0:
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
    z = zeros((), dtype=dtype)
    return _core.view(z, z._offset, tuple(shape), (0,) * len(shape))


# A single-value result (two vectors) is a NumPy scalar (see _scalars.py).
matmul = returns_scalar(matmul)
