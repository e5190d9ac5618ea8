"""numpy.linalg's factorisations on a device's dense solver library
(cuSOLVER on CUDA), through _core.solver (nda_solver_desc in
core/include/nda/backend.h: LAPACK's getrf, getrs, potrf, syevd, geqrf,
orgqr and gesvd on column-major matrices).

Every function here returns NotImplemented when the device has no solver
library (OpenCL devices; CUDA without libcusolver) and the caller goes on
with ndaccel's own kernels (_lu, _chol) or the host fallback
(_host). NDACCEL_SOLVER=0 in the environment turns this path off
everywhere (to compare it with the others).

Layout: a C-contiguous work array of shape (B, cols, rows) holds B
column-major rows x cols matrices with leading dimension `rows` (read
row-major it is their transpose): `_colmajor` fills one from a stack of
matrices and `_rowmajor` turns one back into a C-contiguous stack.

Callers check arguments first (NumPy's errors and messages); inputs here
are ndaccel arrays of ndim >= 2 with no zero-sized axis, computed in the
dtype `dt` (the result dtype, as _solve.common_type says). A
failure of any matrix of a batch (info > 0) raises LinAlgError with
NumPy's message once the whole batch ran: one host read per call."""
import os

import numpy

from .. import _core
from .._creation._basic import empty
from ._kern import iota, op

LinAlgError = numpy.linalg.LinAlgError

_solver = getattr(_core, "solver", None)  # a module global: tests replace it
_unavailable = {}  # device id -> why the device has no solver library
_worked = set()  # device ids where the library ran at least once


def enabled(dev):
    """Whether to try the device's solver library for device `dev`."""
    if _solver is None or os.environ.get("NDACCEL_SOLVER", "1") == "0":
        return False
    return dev not in _unavailable


def _call(dev, opname, a, m, n, k, batch, flag, lda, a_stride, **operands):
    """Queues one solver call; False when the library is not there for it.
    A device whose library never ran is then remembered as having none; on
    one where it did, the refusal was this call's (a size past the
    library's int32 API, a type it lacks) and later calls try again."""
    why = _solver(opname, a, m, n, k, batch, flag, lda, a_stride, **operands)
    if why is None:
        _worked.add(dev)
        return True
    if dev not in _worked:
        _unavailable[dev] = why
    return False


def _prod(shape):
    r = 1
    for s in shape:
        r *= s
    return r


def _empty(shape, dt, dev):
    return empty(shape, dtype=dt, device=dev)


def _colmajor(a, dt, batch, rows, cols, transposed=True):
    """A new (B, cols, rows) work array holding the matrices of `a`
    (broadcast to batch + (rows, cols)) column-major. transposed=False:
    `a` is given as batch + (cols, rows) and copied as it is."""
    W = _empty((_prod(batch), cols, rows), dt, a._device_id)
    _core.assign(W.reshape(tuple(batch) + (cols, rows)), a.swapaxes(-1, -2) if transposed else a)
    return W


def _rowmajor(W, batch, rows, cols):
    """The rows x cols column-major matrices of a (B, >=cols, rows) work
    array as a new C-contiguous batch + (rows, cols) array."""
    isz = W.itemsize
    B, C, R = W.shape
    v = _core.view(W, W._offset, (B, rows, cols), (C * R * isz, isz, R * isz))
    return v.copy().reshape(tuple(batch) + (rows, cols))


def _failed(info):
    """Host bool: whether any matrix reported info > 0 (one read)."""
    return bool(_core.reduce_all("max", op("greater", info, 0)).get())


def _diag(W, n):
    """The diagonal of the n x n column-major matrices of a (B, n, n) work
    array, as a (B, n) view."""
    isz = W.itemsize
    return _core.view(W, W._offset, (W.shape[0], n), (n * n * isz, (n + 1) * isz))


# ---------------------------------------------------------------- LU

def lu(a, dt, batch, n):
    """getrf of a's matrices: (W, ipiv, info) or NotImplemented."""
    dev = a._device_id
    B = _prod(batch)
    W = _colmajor(a, dt, batch, n, n)
    ipiv = _empty((B, n), numpy.int32, dev)
    info = _empty((B,), numpy.int32, dev)
    if not _call(dev, "getrf", W, n, n, 0, B, 0, n, n * n, ipiv=ipiv, ipiv_stride=n, info=info):
        return NotImplemented
    return W, ipiv, info


def lu_solve(a, rhs, dt, batch, n, k):
    """X with A X = R for every matrix (rhs: batch + (n, k), broadcast),
    as a C-contiguous batch + (n, k) array; LinAlgError("Singular matrix")
    if a U has an exact zero on its diagonal. NotImplemented without a
    library."""
    f = lu(a, dt, batch, n)
    if f is NotImplemented:
        return f
    W, ipiv, info = f
    B = _prod(batch)
    X = _colmajor(rhs, dt, batch, n, k)
    info2 = _empty((B,), numpy.int32, a._device_id)
    if not _call(a._device_id, "getrs", W, n, n, k, B, 0, n, n * n, b=X, ldb=n, b_stride=n * k,
                 ipiv=ipiv, ipiv_stride=n, info=info2):
        return NotImplemented
    if _failed(info):
        raise LinAlgError("Singular matrix")
    return _rowmajor(X, batch, n, k)


def identity(n, dev):
    """The lazy n x n boolean identity (casts to any dtype on assignment)."""
    i = iota(n, dev)
    return op("equal", i.reshape(n, 1), i.reshape(1, n))


def lu_diag_swaps(a, dt, batch, n):
    """(U's diagonal as a (B, n) view, the number of row swaps as a (B,)
    device array) of a's LU, or NotImplemented. Never raises: a singular
    matrix has a zero on the diagonal."""
    f = lu(a, dt, batch, n)
    if f is NotImplemented:
        return f
    W, ipiv, _ = f
    one_based = op("add", iota(n, a._device_id), 1).reshape(1, n)
    swaps = _core.reduce_axes("sum", op("not_equal", ipiv, one_based), (1,), -1)
    return _diag(W, n), swaps


# ---------------------------------------------------------------- Cholesky

def cholesky_lower(src, dt, batch, n):
    """L (a = L L^H, lower triangle of src read) as a batch + (n, n) array
    whose strict upper triangle is garbage for the caller to mask, or
    NotImplemented; LinAlgError when a matrix is not positive definite."""
    dev = src._device_id
    B = _prod(batch)
    W = _colmajor(src, dt, batch, n, n)
    info = _empty((B,), numpy.int32, dev)
    if not _call(dev, "potrf", W, n, n, 0, B, 0, n, n * n, info=info):
        return NotImplemented
    if _failed(info):
        raise LinAlgError("Matrix is not positive definite")
    return _rowmajor(W, batch, n, n)


# ---------------------------------------------------------------- eigh

def eigh(a, dt, rdt, batch, n, uplo, vectors):
    """(w, V) (V None unless vectors) of the Hermitian matrices whose
    `uplo` ('L' or 'U') triangle a holds, w ascending; or NotImplemented.
    The upper triangle of A is the lower triangle of A^H, whose
    column-major layout is conj(A) read row-major."""
    dev = a._device_id
    B = _prod(batch)
    if uplo == "L":
        W = _colmajor(a, dt, batch, n, n)
    else:
        W = _colmajor(op("conjugate", a) if dt.kind == "c" else a, dt, batch, n, n,
                      transposed=False)
    w = _empty((B, n), rdt, dev)
    info = _empty((B,), numpy.int32, dev)
    if not _call(dev, "syevd", W, n, n, 0, B, 1 if vectors else 0, n, n * n, w=w, w_stride=n,
                 info=info):
        return NotImplemented
    if _failed(info):
        raise LinAlgError("Eigenvalues did not converge")
    w = w.reshape(tuple(batch) + (n,))
    return w, (_rowmajor(W, batch, n, n) if vectors else None)


# ---------------------------------------------------------------- SVD

def svd(a, dt, rdt, batch, m, n, job, failure="SVD did not converge"):
    """(U, s, Vh) of a's matrices (m x n), job 'A' (U m x m, Vh n x n),
    'S' (U m x kk, Vh kk x n, kk = min(m, n)) or 'N' (U, Vh None); s
    descending. NotImplemented without a library; LinAlgError(failure)
    when an SVD does not converge. gesvd wants rows >=
    cols, so a wide matrix is factorised as A^H = U' S V'^H: U = V' and
    Vh = U'^H, i.e. the conjugates of the other factor's row-major
    reading."""
    dev = a._device_id
    B = _prod(batch)
    wide = m < n
    r, c = (n, m) if wide else (m, n)  # the factorised matrix is r x c, r >= c
    if wide:  # A^H column-major is conj(A) row-major
        W = _colmajor(op("conjugate", a) if dt.kind == "c" else a, dt, batch, r, c,
                      transposed=False)
    else:
        W = _colmajor(a, dt, batch, r, c)
    ucols = r if job == "A" else c
    s = _empty((B, c), rdt, dev)
    info = _empty((B,), numpy.int32, dev)
    kw = dict(w=s, w_stride=c, info=info)
    if job != "N":
        U = _empty((B, ucols, r), dt, dev)
        V = _empty((B, c, c), dt, dev)
        kw.update(b=U, ldb=r, b_stride=ucols * r, c=V, ldc=c, c_stride=c * c)
    if not _call(dev, "gesvd", W, r, c, 0, B, ord(job), r, r * c, **kw):
        return NotImplemented
    if _failed(info):
        raise LinAlgError(failure)
    s = s.reshape(tuple(batch) + (c,))
    if job == "N":
        return None, s, None
    if not wide:
        return _rowmajor(U, batch, m, ucols), s, _rowmajor(V, batch, c, n)
    # U_A = conj(V'^H)^T: V'^H's row-major reading, conjugated; likewise Vh_A.
    UA = V.reshape(tuple(batch) + (c, c))
    VhA = U.reshape(tuple(batch) + (ucols, r))
    if dt.kind == "c":
        UA, VhA = op("conjugate", UA), op("conjugate", VhA)
    return UA.copy(), s, VhA.copy()


# ---------------------------------------------------------------- QR

def qr(a, dt, batch, m, n, mode):
    """numpy.linalg.qr's results for mode 'reduced' / 'complete' ((Q, R)),
    'r' (R) or 'raw' ((h, tau)), or NotImplemented."""
    dev = a._device_id
    B = _prod(batch)
    kk = min(m, n)
    W = _colmajor(a, dt, batch, m, n)
    tau = _empty((B, kk), dt, dev)
    info = _empty((B,), numpy.int32, dev)
    if not _call(dev, "geqrf", W, m, n, 0, B, 0, m, m * n, w=tau, w_stride=kk, info=info):
        return NotImplemented
    tb = tau.reshape(tuple(batch) + (kk,))
    if mode == "raw":
        return W.reshape(tuple(batch) + (n, m)), tb
    rrows = m if mode == "complete" else kk
    i = iota(max(m, n), dev)
    upper = op("less_equal", i[:rrows].reshape(rrows, 1), i[:n].reshape(1, n))
    isz = W.itemsize
    rview = _core.view(W, W._offset, (B, rrows, n), (m * n * isz, isz, m * isz))
    R = _core.ufunc("where", (upper, rview, 0), None, -1, "unsafe", None)
    R = R.reshape(tuple(batch) + (rrows, n))
    if mode == "r":
        return R
    qcols = m if mode == "complete" else kk
    if qcols <= n:  # Q's reflectors are W's first qcols columns: in place
        Q, stride = W, m * n
    else:  # complete, m > n: an m x m array whose first n columns are W's
        Q, stride = _empty((B, m, m), dt, dev), m * m
        _core.assign(_core.view(Q, Q._offset, (B, n, m), (m * m * isz, m * isz, isz)), W)
    info2 = _empty((B,), numpy.int32, dev)
    if not _call(dev, "orgqr", Q, m, qcols, kk, B, 0, m, stride, w=tau, w_stride=kk,
                 info=info2):
        return NotImplemented
    return _rowmajor(Q, batch, m, qcols), R
