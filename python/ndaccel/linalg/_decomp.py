"""qr, svd, eigh, eigvalsh, lstsq and pinv on a device's dense solver
library (cuSOLVER), for the public functions in _host.py.

Each function returns NotImplemented unless the device path applies: an
ndaccel input on a device whose solver library is there, the arguments
NumPy accepts, and no zero-sized axis. The caller then runs the host
fallback, which also raises NumPy's exact errors for bad arguments, so no
argument error is raised here. Results have NumPy's dtypes, shapes and
namedtuple types; factors agree with NumPy's up to rounding and, where
they are not unique (the signs or phases of singular vectors and
eigenvectors), up to that freedom. float32 and complex64 problems are
computed in their own precision (NumPy computes them in double), so
lstsq's default (and negative) rcond uses the computing precision's eps:
for float32 problems with singular values between the two cut-offs, rank
and x differ from NumPy's."""
import numpy

from .. import _core
from .._creation._basic import empty
from .._ndarray import ndarray
from . import _cusolver as _cus
from ._kern import op
from ._matmul import matmul
from ._solve import _result_type, common_type, real_type

QRResult = _result_type("QRResult", ("Q", "R"))
SVDResult = _result_type("SVDResult", ("U", "S", "Vh"))
EighResult = _result_type("EighResult", ("eigenvalues", "eigenvectors"))


def _device_input(a, ndim=2, square=False):
    """(a, dt, rdt) when `a` is an ndaccel array the device path takes,
    else None."""
    if not isinstance(a, ndarray) or a.ndim < ndim or 0 in a.shape:
        return None
    if square and a.shape[-1] != a.shape[-2]:
        return None
    if not _cus.enabled(a._device_id):
        return None
    try:
        dt = common_type(a)
    except TypeError:
        return None
    return a, dt, real_type(dt)


def _real_scalar(x):
    return isinstance(x, (int, float, numpy.integer, numpy.floating)) and not isinstance(x, bool)


def qr(a, mode):
    if mode not in ("reduced", "complete", "r", "raw"):
        return NotImplemented
    d = _device_input(a)
    if d is None:
        return NotImplemented
    a, dt, _ = d
    m, n = a.shape[-2:]
    r = _cus.qr(a, dt, a.shape[:-2], m, n, mode)
    if r is NotImplemented or mode in ("r", "raw"):
        return r
    return QRResult(*r)


def svd(a, full_matrices, compute_uv, hermitian):
    if hermitian:
        return NotImplemented
    d = _device_input(a)
    if d is None:
        return NotImplemented
    a, dt, rdt = d
    m, n = a.shape[-2:]
    job = "N" if not compute_uv else ("A" if full_matrices else "S")
    r = _cus.svd(a, dt, rdt, a.shape[:-2], m, n, job)
    if r is NotImplemented:
        return r
    return SVDResult(*r) if compute_uv else r[1]


def eigh(a, UPLO, vectors):
    if not isinstance(UPLO, str) or UPLO.upper() not in ("L", "U"):
        return NotImplemented
    UPLO = UPLO.upper()  # as NumPy
    d = _device_input(a, square=True)
    if d is None:
        return NotImplemented
    a, dt, rdt = d
    r = _cus.eigh(a, dt, rdt, a.shape[:-2], a.shape[-1], UPLO, vectors)
    if r is NotImplemented:
        return r
    return EighResult(*r) if vectors else r[0]


def _matmul(x, y):
    return matmul(x, y)


def _ct(x):
    """The conjugate transpose of the last two axes."""
    t = x.swapaxes(-1, -2)
    return op("conjugate", t) if t.dtype.kind == "c" else t


def lstsq(a, b, rcond):
    """numpy.linalg.lstsq from the thin SVD: x = V diag(1/s) U^H b over the
    singular values above rcond * max(s)."""
    d = _device_input(a)
    if (d is None or a.ndim != 2 or not isinstance(b, ndarray) or b.ndim not in (1, 2)
            or b.shape[0] != a.shape[0] or 0 in b.shape or b._device_id != a._device_id
            or not (rcond is None or _real_scalar(rcond))):
        return NotImplemented
    try:
        dt = common_type(a, b)
    except TypeError:
        return NotImplemented
    rdt = real_type(dt)
    m, n = a.shape
    r = _cus.svd(a, dt, rdt, (), m, n, "S", "SVD did not converge in Linear Least Squares")
    if r is NotImplemented:
        return r
    U, s, Vh = r
    if rcond is None:
        rcond = numpy.finfo(rdt).eps * max(m, n)
    elif rcond < 0:  # LAPACK's gelsd: machine precision
        rcond = numpy.finfo(rdt).eps
    large = op("greater", s, op("multiply", _core.reduce_all("max", s), float(rcond)))
    sinv = _core.ufunc("where", (large, op("true_divide", 1, s), 0), None, -1, "unsafe", None)
    rank = int(_core.reduce_all("sum", large).get())
    bm = (b.reshape(m, 1) if b.ndim == 1 else b).astype(dt)
    x = _matmul(_ct(Vh), op("multiply", sinv.reshape(-1, 1), _matmul(_ct(U), bm)))
    if rank == n and m > n:
        res = op("subtract", bm, _matmul(a.astype(dt), x))
        resids = _core.reduce_axes("sum", op("square", op("absolute", res)), (0,), -1)
    else:
        resids = empty((0,), dtype=rdt, device=a._device_id)
    if b.ndim == 1:
        x = x.reshape(n)
    return x, resids, numpy.int32(rank), s


def pinv(a, rcond, hermitian, rtol_given):
    """numpy.linalg.pinv from the thin SVD of conj(a), as NumPy computes it."""
    if hermitian or rtol_given or not (rcond is None or _real_scalar(rcond)):
        return NotImplemented
    d = _device_input(a)
    if d is None:
        return NotImplemented
    a, dt, rdt = d
    m, n = a.shape[-2:]
    batch = a.shape[:-2]
    src = op("conjugate", a) if dt.kind == "c" else a
    r = _cus.svd(src, dt, rdt, batch, m, n, "S")
    if r is NotImplemented:
        return r
    u, s, vt = r
    if rcond is None:
        rcond = 1e-15
    kk = s.shape[-1]
    smax = _core.reduce_axes("max", s, (s.ndim - 1,), -1).reshape(batch + (1,))
    large = op("greater", s, op("multiply", smax, float(rcond)))
    sinv = _core.ufunc("where", (large, op("true_divide", 1, s), 0), None, -1, "unsafe", None)
    sinv = sinv.reshape(batch + (kk, 1))
    return _matmul(vt.swapaxes(-1, -2), op("multiply", sinv, u.swapaxes(-1, -2)))
