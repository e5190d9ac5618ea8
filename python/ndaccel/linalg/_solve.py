"""numpy.linalg's dense solvers on the device: solve, inv, det, slogdet
(from the blocked LU of _lu) and cholesky (_chol); on a
device with a dense solver library (cuSOLVER) through it instead
(_cusolver).

NumPy's argument checks, messages, broadcasting and result dtypes:
integer and bool inputs compute in float64, float16 is rejected
(TypeError, as NumPy), stacks of matrices (..., n, n) broadcast.

One deliberate difference: NumPy computes float32/complex64 problems in
double precision and rounds the result; ndaccel computes them in their own
precision (what a GPU is fast at), so float32 results agree with NumPy's to
float32 rounding times the problem's condition number, not bit for bit.

All work stays on the device; the only host read is one flag per call that
says whether a pivot was exactly zero (LinAlgError "Singular matrix") or a
Cholesky pivot not positive (LinAlgError "Matrix is not positive
definite"). NaN inputs give NaN results (no error), where NumPy's result
depends on its LAPACK's floating-point flags."""
import collections

import numpy

from .. import _core
from .._creation._basic import empty, full
from .._creation._from_data import asarray as _arr
from .._scalars import returns_scalar
from . import _cusolver as _cus
from ._chol import cholesky_factor
from ._kern import iota, op
from ._lu import back_substitute, diagonal, lu_factor

LinAlgError = numpy.linalg.LinAlgError


def _result_type(name, fields):
    """NumPy's namedtuple result class where NumPy has it (isinstance and
    field names work the same), else an equivalent one."""
    for mod in ("numpy.linalg._linalg", "numpy.linalg.linalg"):
        try:
            cls = getattr(__import__(mod, fromlist=[name]), name)
            if tuple(cls._fields) == fields:
                return cls
        except (ImportError, AttributeError):
            continue
    return collections.namedtuple(name, fields)


SlogdetResult = _result_type("SlogdetResult", ("sign", "logabsdet"))

_DOUBLE = {numpy.dtype(numpy.float64), numpy.dtype(numpy.complex128)}
_SINGLE = {numpy.dtype(numpy.float32), numpy.dtype(numpy.complex64)}


def common_type(*arrays):
    """The dtype the result has (and ndaccel computes in): NumPy's
    _commonType rule."""
    double = cplx = False
    for a in arrays:
        dt = a.dtype
        if dt.kind in "fc":
            cplx = cplx or dt.kind == "c"
            if dt in _DOUBLE:
                double = True
            elif dt not in _SINGLE:
                raise TypeError(f"array type {dt.name} is unsupported in linalg")
        else:
            double = True
    if cplx:
        return numpy.dtype(numpy.complex128 if double else numpy.complex64)
    return numpy.dtype(numpy.float64 if double else numpy.float32)


def real_type(dt):
    """float32 for float32/complex64, float64 for float64/complex128."""
    return numpy.dtype(numpy.float32 if dt in _SINGLE else numpy.float64)


def assert_stacked_2d(*arrays):
    for a in arrays:
        if a.ndim < 2:
            raise LinAlgError("%d-dimensional array given. Array must be at least "
                              "two-dimensional" % a.ndim)


def assert_stacked_square(*arrays):
    assert_stacked_2d(*arrays)
    for a in arrays:
        if a.shape[-1] != a.shape[-2]:
            raise LinAlgError("Last 2 dimensions of the array must be square")


def _prod(shape):
    r = 1
    for s in shape:
        r *= s
    return r


def work_array(a, dt, batch, extra=0):
    """A new C-contiguous (B, n, n + extra) work array of dtype dt whose left
    n x n blocks hold a broadcast to batch (B = prod(batch)); the extra
    columns are left for the caller to fill (see batched_view)."""
    n = a.shape[-1]
    W = empty((_prod(batch), n, n + extra), dtype=dt, device=a._device_id)
    _core.assign(batched_view(W, batch, 0, n), a)
    return W


def batched_view(W, batch, c0, c1):
    """Columns c0:c1 of a (B, n, N) work array as a batch + (n, c1-c0) view."""
    B, n, N = W.shape
    isz = W.itemsize
    strides, st = [], n * N * isz
    for s in reversed(batch):
        strides.append(st)
        st *= max(s, 1)
    return _core.view(W, W._offset + c0 * isz, tuple(batch) + (n, c1 - c0),
                      tuple(reversed(strides)) + (N * isz, isz))


def _any_zero(x):
    """Host bool: whether the device array x has an exact zero (one read)."""
    if x.size == 0:
        return False
    return bool(_core.reduce_all("max", op("equal", x, 0)).get())


# ---------------------------------------------------------------- solve, inv

def solve(a, b):
    """numpy.linalg.solve: x with a @ x == b. b of shape (n,) is one vector
    (for every matrix of a stack); any other b is a stack (..., n, k) whose
    batch axes broadcast against a's (NumPy 2's rule)."""
    a = _arr(a)
    assert_stacked_square(a)
    b = _arr(b)
    dt = common_type(a, b)
    n = a.shape[-1]
    if b.ndim == 1:
        if b.shape[0] != n:
            raise ValueError(f"solve1: Input operand 1 has a mismatch in its core dimension 0, "
                             f"with gufunc signature (m,m),(m)->(m) (size {b.shape[0]} is "
                             f"different from {n})")
        bm, vector = b.reshape(n, 1), True
    else:
        if b.ndim < 2:
            raise ValueError("solve: Input operand 1 does not have enough dimensions (has 0, "
                             "gufunc core with signature (m,m),(m,n)->(m,n) requires 2)")
        if b.shape[-2] != n:
            raise ValueError(f"solve: Input operand 1 has a mismatch in its core dimension 0, "
                             f"with gufunc signature (m,m),(m,n)->(m,n) (size {b.shape[-2]} "
                             f"is different from {n})")
        bm, vector = b, False
    try:
        batch = numpy.broadcast_shapes(a.shape[:-2], bm.shape[:-2])
    except ValueError:
        raise ValueError(f"operands could not be broadcast together with remapped shapes "
                         f"[original->remapped]: {a.shape} {b.shape}") from None
    k = bm.shape[-1]
    if _prod(batch) and n and k and _cus.enabled(a._device_id):
        x = _cus.lu_solve(a, bm, dt, batch, n, k)
        if x is not NotImplemented:
            return x.reshape(batch + (n,)) if vector else x
    W = work_array(a, dt, batch, k)
    _core.assign(batched_view(W, batch, n, n + k), bm)
    lu_factor(W)
    back_substitute(W)
    if _any_zero(diagonal(W)):
        raise LinAlgError("Singular matrix")
    x = batched_view(W, batch, n, n + k).copy()  # not a view pinning the whole work array
    return x.reshape(batch + (n,)) if vector else x


def inv(a):
    """numpy.linalg.inv: solves a @ x = I (one LU of [a | I] and a back
    substitution, as NumPy's gesv call)."""
    a = _arr(a)
    assert_stacked_square(a)
    dt = common_type(a)
    n = a.shape[-1]
    batch = a.shape[:-2]
    if _prod(batch) and n and _cus.enabled(a._device_id):
        x = _cus.lu_solve(a, _cus.identity(n, a._device_id), dt, batch, n, n)
        if x is not NotImplemented:
            return x
    W = work_array(a, dt, batch, n)
    i = iota(n, a._device_id)
    eye = op("equal", i.reshape(n, 1), i.reshape(1, n))
    _core.assign(batched_view(W, batch, n, 2 * n), eye)
    lu_factor(W)
    back_substitute(W)
    if _any_zero(diagonal(W)):
        raise LinAlgError("Singular matrix")
    return batched_view(W, batch, n, 2 * n).copy()


# ---------------------------------------------------------------- det, slogdet

def _lu_slogdet(a):
    """(sign, logabsdet) device arrays of shape a.shape[:-2], NumPy's dtypes:
    sign = (-1)^(row swaps) * prod(u_ii / |u_ii|), logabsdet = sum(log|u_ii|)
    (0 and -inf for a singular matrix)."""
    a = _arr(a)
    assert_stacked_square(a)
    dt = common_type(a)
    rdt = real_type(dt)
    n = a.shape[-1]
    batch = a.shape[:-2]
    if n == 0 or _prod(batch) == 0:
        return (full(batch, 1, dtype=dt, device=a._device_id),
                full(batch, 0, dtype=rdt, device=a._device_id))
    f = _cus.lu_diag_swaps(a, dt, batch, n) if _cus.enabled(a._device_id) else NotImplemented
    if f is not NotImplemented:
        d, swaps = f
    else:
        W = work_array(a, dt, batch)
        piv = lu_factor(W, want_pivots=True)
        d = diagonal(W)
        swaps = _core.reduce_axes("sum", op("not_equal", piv, 0), (1,), -1)
    mag = op("absolute", d)
    logdet = _core.reduce_axes("sum", op("log", mag), (1,), -1)
    parity = op("subtract", 1, op("multiply", op("bitwise_and", swaps, 1), 2))  # +-1
    zero = op("equal", mag, 0)
    unit = _core.ufunc("where", (zero, 0, op("true_divide", d, mag)), None, -1, "unsafe", None)
    sign = op("multiply", _core.reduce_axes("prod", unit.astype(dt), (1,), -1), parity)
    sign = _core.ufunc("where", (op("equal", sign, 0), 0, sign), None, -1, "unsafe", None)  # not -0
    return sign.astype(dt).reshape(batch), logdet.astype(rdt).reshape(batch)


def slogdet(a):
    """numpy.linalg.slogdet: SlogdetResult(sign, logabsdet)."""
    sign, logdet = _lu_slogdet(a)
    return SlogdetResult(sign, logdet)


def det(a):
    """numpy.linalg.det, computed as NumPy does: sign * exp(logabsdet)."""
    sign, logdet = _lu_slogdet(a)
    return op("multiply", sign, op("exp", logdet)).astype(sign.dtype)


# ---------------------------------------------------------------- cholesky

def cholesky(a, /, *, upper=False):
    """numpy.linalg.cholesky: L with a = L L^H (upper=True: U with
    a = U^H U). Only the lower (upper) triangle of a is read."""
    a = _arr(a)
    assert_stacked_square(a)
    dt = common_type(a)
    n = a.shape[-1]
    batch = a.shape[:-2]
    src = a
    if upper:  # the lower factor of a^H reads a's upper triangle
        src = a.swapaxes(-1, -2)
        if a.dtype.kind == "c":
            src = op("conjugate", src)
    L = NotImplemented
    if n and _prod(batch) and _cus.enabled(a._device_id):
        L = _cus.cholesky_lower(src, dt, batch, n)
    if L is NotImplemented:
        W = work_array(src, dt, batch)
        cholesky_factor(W)
        if n and _prod(batch):
            diag = _core.view(W, W._offset, (W.shape[0], n), (n * n * W.itemsize,
                                                              (n + 1) * W.itemsize))
            bad = _core.reduce_all("max", op("less", diag.real if dt.kind == "c" else diag, 0))
            if bool(bad.get()):
                raise LinAlgError("Matrix is not positive definite")
        L = W.reshape(batch + (n, n))
    i = iota(n, a._device_id)
    if upper:
        keep = op("less_equal", i.reshape(n, 1), i.reshape(1, n))
        L = L.swapaxes(-1, -2)
        if dt.kind == "c":
            L = op("conjugate", L)
    else:
        keep = op("greater_equal", i.reshape(n, 1), i.reshape(1, n))
    return _core.ufunc("where", (keep, L, 0), None, -1, "unsafe", None)


# Public entry points: a single-value result is a NumPy scalar (see _scalars.py).
for _name in ("det", "slogdet"):
    globals()[_name] = returns_scalar(globals()[_name])
