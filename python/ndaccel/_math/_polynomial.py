"""NumPy's power-series polynomial functions on the device (numpy.poly,
roots, polyval, polyfit, polyadd, polysub, polymul, polydiv, polyder,
polyint), coefficients highest power first. NumPy's formulas with device
operations; the Python loops run over the degree (Horner's rule, the
factors of poly, the steps of long division), never over x's elements.

roots and poly of a matrix take eigenvalues, and polyfit solves a least-
squares problem: those run on the host through numpy.linalg
(HostFallbackWarning) where the device has no solver. numpy.poly1d objects
are read through their coefficients where NumPy returns an array; where
NumPy would return a poly1d, NotImplementedError (poly1d is not
implemented)."""
import warnings

import numpy

from .._creation._basic import ones, zeros, zeros_like
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._creation._matrices import diag
from .._creation._ranges import arange
from .._fallback import device, host, warn_once
from .._indexing._nonzero import nonzero
from .._manipulation._dims import atleast_1d, broadcast_to
from .._manipulation._join import concatenate
from .._scalars import numpy_scalar
from .._sorting._sort import sort
from .._statistics._reductions import all as _all, any as _any, sum as _sum
from .._ufunc import UFUNCS
from ..linalg._host import lstsq
from ..linalg._matmul import matmul
from ..linalg._solve import inv
from ._cumulative import cumprod
from ._signal import convolve

_add, _sub, _mul, _div = (UFUNCS[n] for n in ("add", "subtract", "multiply", "true_divide"))


def _plain(x, name):
    """x, with a numpy.poly1d read as its coefficients (where NumPy returns an array)."""
    return x.coeffs if isinstance(x, numpy.poly1d) else x


def _no_poly1d(name, *args):
    if any(isinstance(x, numpy.poly1d) for x in args):
        raise NotImplementedError(f"{name} of numpy.poly1d objects (NumPy returns a poly1d; "
                                  f"ndaccel has none): pass their .coeffs")


def _1d(x):
    return atleast_1d(_arr(x))


def _eigvals(a, name):
    """Eigenvalues of a square matrix, on the host (numpy.linalg.eigvals)."""
    warn_once(name, f"ndaccel.{name} ran its eigenvalue problem on the host "
                    f"(numpy.linalg.eigvals): ndaccel has no device eigensolver yet")
    return device(numpy.linalg.eigvals(host(a, name)), a._device_id)


def poly(seq_of_zeros):
    """The coefficients of the monic polynomial with the given roots (or the characteristic
    polynomial of a square matrix), on the device (numpy.poly). A matrix's eigenvalues are
    computed on the host (HostFallbackWarning). No roots give the Python float 1.0."""
    seq = _1d(_plain(seq_of_zeros, "poly"))
    sh = seq.shape
    if len(sh) == 2 and sh[0] == sh[1] and sh[0] != 0:
        seq = _eigvals(seq, "poly")
    elif len(sh) == 1:
        seq = seq.astype(numpy.mintypecode(seq.dtype.char))
    else:
        raise ValueError("input must be 1d or non-empty square 2d array.")
    if len(seq) == 0:
        return 1.0
    dt = seq.dtype
    a = ones((1,), dtype=dt, device=seq._device_id)
    zero = zeros((1,), dtype=dt, device=seq._device_id)
    for k in range(len(seq)):  # one factor (x - z_k) per root: the degree
        a = _sub(concatenate((a, zero)), _mul(seq[k], concatenate((zero, a)))).astype(dt)
    if dt.kind == "c":
        roots_ = seq.astype(numpy.complex128)
        if bool(_all(UFUNCS["equal"](sort(roots_), sort(UFUNCS["conjugate"](roots_))))):
            a = a.real.copy()
    return a


def roots(p):
    """The roots of the polynomial with coefficients p: the eigenvalues of its companion
    matrix (built on the device, solved on the host by numpy.linalg.eigvals:
    HostFallbackWarning), zeros for the trailing zero coefficients (numpy.roots)."""
    p = _1d(_plain(p, "roots"))
    if p.ndim != 1:
        raise ValueError("Input must be a rank-1 array.")
    (non_zero,) = nonzero(p.reshape(-1))
    if len(non_zero) == 0:
        return _arr(numpy.array([]), device=p._device_id)
    first, last = (int(v) for v in non_zero[numpy.array([0, -1])].get())
    trailing_zeros = len(p) - last - 1
    p = p[first:last + 1]
    if p.dtype.kind not in "fc":
        p = p.astype(numpy.float64)
    N = len(p)
    if N > 1:
        A = diag(ones((N - 2,), p.dtype, device=p._device_id), -1)
        A[0, :] = UFUNCS["negative"](_div(p[1:], p[0]))
        r = _eigvals(A, "roots")
    else:
        r = _arr(numpy.array([]), device=p._device_id)
    return concatenate((r, zeros(trailing_zeros, r.dtype, device=r._device_id)))


def polyval(p, x):
    """The polynomial with coefficients p evaluated at x by Horner's rule, on the device
    (numpy.polyval). A 0-d x gives a NumPy scalar (a 0-d array for empty p, as NumPy);
    a numpy.poly1d x raises NotImplementedError."""
    _no_poly1d("polyval with x", x)
    p = _arr(_plain(p, "polyval"))
    x = _arr(x, device=p._device_id)
    y = zeros_like(x)
    if p.ndim == 0:
        raise TypeError("iteration over a 0-d array")
    for k in range(p.shape[0]):  # the degree
        y = _add(_mul(y, x), p[k])
    if p.shape[0] and y.ndim == 0:
        return numpy_scalar(y)
    return y


def polyadd(a1, a2):
    """The sum of two polynomials, on the device (numpy.polyadd)."""
    return _add_sub("polyadd", _add, a1, a2)


def polysub(a1, a2):
    """The difference of two polynomials (a1 - a2), on the device (numpy.polysub)."""
    return _add_sub("polysub", _sub, a1, a2)


def _add_sub(name, op, a1, a2):
    _no_poly1d(name, a1, a2)
    a1 = _1d(a1)
    a2 = _1d(_arr(a2, device=a1._device_id))
    d = len(a2) - len(a1)
    if d == 0:
        return op(a1, a2)
    if d > 0:
        return op(concatenate((zeros(d, a1.dtype, device=a1._device_id), a1)), a2)
    return op(a1, concatenate((zeros(-d, a2.dtype, device=a2._device_id), a2)))


def _trimmed(a):
    """numpy.poly1d's coefficients: leading zeros removed ([0] when all are zero)."""
    a = _1d(a)
    if a.ndim > 1:
        raise ValueError("Polynomial must be 1d only.")
    nz = UFUNCS["not_equal"](a, 0)
    if a.size == 0 or not bool(_any(nz)):
        return zeros(1, dtype=a.dtype, device=a._device_id)
    first = int(UFUNCS["maximum"].reduce(_mul(nz, arange(a.size, 0, -1, device=a._device_id))))
    return a[a.size - first:]


def polymul(a1, a2):
    """The product of two polynomials (leading zeros dropped, as numpy.poly1d does), on the
    device (numpy.polymul)."""
    _no_poly1d("polymul", a1, a2)
    a1 = _trimmed(a1)
    return convolve(a1, _trimmed(_arr(a2, device=a1._device_id)))


def polydiv(u, v):
    """Quotient and remainder of polynomial division, on the device (numpy.polydiv); the
    remainder's leading coefficients of magnitude <= 1e-8 are dropped as NumPy's."""
    _no_poly1d("polydiv", u, v)
    u = _add(_1d(u), 0.0)
    v = _add(_1d(_arr(v, device=u._device_id)), 0.0)
    w_dtype = numpy.result_type(u.dtype, v.dtype)
    m = len(u) - 1
    n = len(v) - 1
    if m < 0 or n < 0:
        raise IndexError("index 0 is out of bounds for axis 0 with size 0")
    scale = _div(1.0, v[0])
    q = zeros((max(m - n + 1, 1),), w_dtype, device=u._device_id)
    r = u.astype(w_dtype)
    for k in range(m - n + 1):  # the degree of the quotient
        d = _mul(scale, r[k])
        q[k] = d
        r[k:k + n + 1] = _sub(r[k:k + n + 1], _mul(d, v))
    small = UFUNCS["less_equal"](UFUNCS["absolute"](r), 1e-8)
    if len(r) > 1:
        r = r[int(_lead_index(small)):]
    return q, r


def _lead_index(small):
    """Index of the first False of small (len - 1 when all are True)."""
    n = small.shape[0]
    idx = _add(_mul(small, n), arange(n, device=small._device_id))  # True -> pushed past every False
    return min(int(UFUNCS["minimum"].reduce(idx)), n - 1)


def polyder(p, m=1):
    """The m-th derivative of a polynomial, on the device (numpy.polyder)."""
    m = int(m)
    if m < 0:
        raise ValueError("Order of derivative must be positive (see polyint)")
    _no_poly1d("polyder", p)
    p = _arr(p)
    for _ in range(m):  # the order
        n = len(p) - 1
        p = _mul(p[:-1], arange(n, 0, -1, device=p._device_id))
    return p


def polyint(p, m=1, k=None):
    """The m-th antiderivative of a polynomial with integration constants k (zeros by
    default), on the device (numpy.polyint)."""
    m = int(m)
    if m < 0:
        raise ValueError("Order of integral must be positive (see polyder)")
    _no_poly1d("polyint", p)
    p = _arr(p)
    dev = p._device_id
    if k is None:
        k = zeros(m, float, device=dev)
    k = _1d(k)
    if len(k) == 1 and m > 1:
        k = _mul(k[0], ones(m, float, device=dev))
    if len(k) < m:
        raise ValueError("k must be a scalar or a rank-1 array of length 1 or >m.")
    p = _arr(p)
    for i in range(m):  # the order
        p = concatenate((_div(p, arange(len(p), 0, -1, device=dev)), k[i:i + 1]))
    return p


def _vander(x, order):
    """numpy.vander(x, order): decreasing powers by repeated multiplication."""
    n = x.shape[0]
    one = ones((n, 1), dtype=numpy.promote_types(x.dtype, int), device=x._device_id)
    if order == 1:
        return one
    powers = cumprod(broadcast_to(x[:, None], (n, order - 1)), axis=1)
    return concatenate((powers[:, ::-1], one), axis=1).astype(one.dtype)


def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """Least-squares polynomial fit of degree deg, on the device (numpy.polyfit): the scaled
    Vandermonde system is built on the device and solved by ndaccel.linalg.lstsq (on the
    host where the device has no solver: HostFallbackWarning); full= and cov= (True or
    'unscaled') return NumPy's extras. Warns numpy's RankWarning when rank-deficient."""
    order = int(deg) + 1
    x = _add(_arr(x), 0.0)
    y = _add(_arr(y, device=x._device_id), 0.0)
    if deg < 0:
        raise ValueError("expected deg >= 0")
    if x.ndim != 1:
        raise TypeError("expected 1D vector for x")
    if x.size == 0:
        raise TypeError("expected non-empty vector for x")
    if y.ndim < 1 or y.ndim > 2:
        raise TypeError("expected 1D or 2D array for y")
    if x.shape[0] != y.shape[0]:
        raise TypeError("expected x and y to have same length")
    if rcond is None:
        rcond = len(x) * numpy.finfo(x.dtype).eps
    lhs = _vander(x, order)
    rhs = y
    if w is not None:
        w = _add(_arr(w, device=x._device_id), 0.0)
        if w.ndim != 1:
            raise TypeError("expected a 1-d array for weights")
        if w.shape[0] != y.shape[0]:
            raise TypeError("expected w and y to have the same length")
        lhs = _inplace(lhs, _mul(lhs, w[:, None]))
        rhs = _inplace(rhs, _mul(rhs, w[:, None] if rhs.ndim == 2 else w))
    scale = UFUNCS["sqrt"](_sum(_mul(lhs, lhs), axis=0))
    lhs = _inplace(lhs, _div(lhs, scale))
    c, resids, rank, s = lstsq(lhs, rhs, rcond)
    c = _div(c.T, scale).T
    if rank != order and not full:
        warnings.warn("Polyfit may be poorly conditioned", numpy.exceptions.RankWarning,
                      stacklevel=2)
    if full:
        return c, resids, rank, s, rcond
    if cov:
        Vbase = inv(matmul(lhs.T, lhs))
        Vbase = _inplace(Vbase, _div(Vbase, _mul(scale[:, None], scale[None, :])))
        if cov == "unscaled":
            fac = 1
        else:
            if len(x) <= order:
                raise ValueError("the number of data points must exceed order "
                                 "to scale the covariance matrix")
            fac = _div(resids, len(x) - order)
        if y.ndim == 1:
            return c, _mul(Vbase, fac)
        return c, _mul(Vbase[:, :, None], fac)
    return c


def _inplace(target, value):
    """value cast back to target's dtype, as NumPy's in-place operator (same_kind)."""
    if not numpy.can_cast(value.dtype, target.dtype, "same_kind"):
        raise TypeError(f"Cannot cast ufunc output from {value.dtype!r} to "
                        f"{target.dtype!r} with casting rule 'same_kind'")
    return value.astype(target.dtype)

