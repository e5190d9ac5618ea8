"""numpy.linalg.cond on the device: for p None, 2 and -2 the ratio of the
extreme singular values (svd: the device's solver library, else the host
fallback); for the other norms norm(x, p) * norm(inv(x), p), the inverse
from the blocked LU of _lu.py in double precision as NumPy's (a singular
matrix gives a NaN inverse, so an infinite condition number, not an
error). As NumPy, NaN results become inf unless the matrix holds a NaN, and
the result dtype is the real type of the input's linalg type."""
import numpy

from .. import _core
from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._scalars import returns_scalar
from .._statistics._reductions import any as _any
from ._host import svd
from ._kern import iota, op
from ._lu import back_substitute, diagonal, lu_factor
from ._norms import norm
from ._solve import (LinAlgError, _prod, assert_stacked_square, batched_view, common_type,
                     real_type, work_array)


def _where(cond, x, y):
    return _core.ufunc("where", (cond, x, y), None, -1, "unsafe", None)


def _inv_or_nan(x, dt):
    """The inverse of each square matrix of x computed in dt, NaN for a
    singular one (NumPy's _umath_linalg.inv with errors ignored)."""
    n = x.shape[-1]
    batch = x.shape[:-2]
    W = work_array(x, dt, batch, n)
    i = iota(n, x._device_id)
    _core.assign(batched_view(W, batch, n, 2 * n), op("equal", i.reshape(n, 1), i.reshape(1, n)))
    lu_factor(W)
    back_substitute(W)
    inv = batched_view(W, batch, n, 2 * n)
    singular = _any(op("equal", diagonal(W), 0), axis=-1).reshape(batch + (1, 1))
    return _where(singular, numpy.nan, inv).astype(dt)


@returns_scalar
def cond(x, p=None):
    """numpy.linalg.cond: the condition number of each matrix in x under the
    norm p (None: 2-norm; 'fro', 'nuc', inf, -inf, 1, -1, 2, -2), computed on
    the device; stacks of matrices give an array, one matrix a NumPy scalar."""
    x = _arr(x)
    if x.size == 0 and _prod(x.shape[-2:]) == 0:
        raise LinAlgError("cond is not defined on empty arrays")
    if p is None or p in {2, -2}:
        s = svd(x, compute_uv=False)
        if p == -2:
            r = op("true_divide", s[..., -1], s[..., 0])
        else:
            r = op("true_divide", s[..., 0], s[..., -1])
    else:
        assert_stacked_square(x)
        dt = common_type(x)
        result_t = real_type(dt)
        double = numpy.dtype(numpy.complex128 if dt.kind == "c" else numpy.float64)
        invx = _inv_or_nan(x, double)
        r = op("multiply", norm(x, p, axis=(-2, -1)), norm(invx, p, axis=(-2, -1)))
        r = r.astype(result_t)
    # NaN (an undefined ratio, a singular matrix's inverse) is inf unless x holds a NaN
    nan_mask = op("logical_and", op("isnan", r),
                  op("logical_not", _any(op("isnan", x), axis=(-2, -1))))
    return _where(nan_mask, numpy.inf, r).astype(r.dtype)
