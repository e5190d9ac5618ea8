"""Covariance and correlation matrices on the device (numpy.cov,
numpy.corrcoef): NumPy's formulas (weighted means, centred data, one
matrix product X @ X^H scaled by 1/fact), with NumPy's argument checks,
warnings and exceptions. Checks of the weights read one flag back each."""
import warnings

import numpy

from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._creation._matrices import diag
from .._manipulation._join import concatenate
from .._math._misc import clip
from .._scalars import returns_scalar
from .._statistics._reductions import all as _all, any as _any, average, sum as _sum
from .._ufunc import UFUNCS
from ..linalg._matmul import matmul

_sub, _mul, _div = (UFUNCS[n] for n in ("subtract", "multiply", "true_divide"))


def _weights(v, n, name, dev):
    v = _arr(v, device=dev).astype(numpy.float64)
    if v.ndim > 1:
        raise RuntimeError(f"cannot handle multidimensional {name}")
    if v.shape[0] != n:
        raise RuntimeError(f"incompatible numbers of samples and {name}")
    if bool(_any(UFUNCS["less"](v, 0))):
        raise ValueError(f"{name} cannot be negative")
    return v


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *,
        dtype=None):
    """The covariance matrix of the variables in m (and y), on the device (numpy.cov):
    rows are variables (rowvar=True) or columns; bias/ddof normalisation; integer frequency
    weights and observation weights. One variable gives a 0-d array, as NumPy."""
    if ddof is not None and ddof != int(ddof):
        raise ValueError("ddof must be integer")
    m = _arr(m)
    if m.ndim > 2:
        raise ValueError("m has more than 2 dimensions")
    if y is not None:
        y = _arr(y, device=m._device_id)
        if y.ndim > 2:
            raise ValueError("y has more than 2 dimensions")
    if dtype is None:
        dtype = numpy.result_type(m.dtype, numpy.float64) if y is None else \
            numpy.result_type(m.dtype, y.dtype, numpy.float64)
    X = m.astype(dtype)
    if X.ndim < 2:
        X = X.reshape((1,) * (2 - X.ndim) + X.shape)
    if not rowvar and m.ndim != 1:
        X = X.T
    if X.shape[0] == 0:
        return _arr(numpy.array([]).reshape(0, 0), device=m._device_id)
    if y is not None:
        y = y.astype(dtype)
        if y.ndim < 2:
            y = y.reshape((1,) * (2 - y.ndim) + y.shape)
        if not rowvar and y.shape[0] != 1:
            y = y.T
        X = concatenate((X, y), axis=0)
    if ddof is None:
        ddof = 1 if bias == 0 else 0
    w = None
    if fweights is not None:
        fw = _arr(fweights, device=m._device_id).astype(numpy.float64)
        if not bool(_all(UFUNCS["equal"](fw, UFUNCS["rint"](fw)))):
            raise TypeError("fweights must be integer")
        w = _weights(fw, X.shape[1], "fweights", m._device_id)
    if aweights is not None:
        aweights = _weights(aweights, X.shape[1], "aweights", m._device_id)
        w = aweights if w is None else _mul(w, aweights)
    avg, w_sum = average(X, axis=1, weights=w, returned=True)
    w_sum = w_sum[0]
    if w is None:
        fact = X.shape[1] - ddof
    elif ddof == 0:
        fact = w_sum
    elif aweights is None:
        fact = _sub(w_sum, ddof)
    else:
        fact = _sub(w_sum, _div(_mul(ddof, _sum(_mul(w, aweights))), w_sum))
    if w is not None:
        fact = fact.get()[()]  # NumPy's test below is on the host too
    if fact <= 0:
        warnings.warn("Degrees of freedom <= 0 for slice", RuntimeWarning, stacklevel=2)
        fact = 0.0
    X = _sub(X, avg[:, None]).astype(dtype)
    X_T = X.T if w is None else _mul(X, w).astype(dtype).T
    c = matmul(X, UFUNCS["conjugate"](X_T))
    with numpy.errstate(divide="warn"):
        c = _mul(c, numpy.true_divide(1, fact)).astype(c.dtype)
    return c.reshape(tuple(n for n in c.shape if n != 1))


def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """Pearson product-moment correlation coefficients, on the device (numpy.corrcoef):
    the covariance divided by the outer product of the standard deviations, real and
    imaginary parts clipped to [-1, 1]. One variable gives a NumPy scalar (c / c)."""
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim == 0:
        return _div(c, c)
    if c.ndim != 2:
        raise ValueError("Input must be 1- or 2-d.")
    d = diag(c)
    stddev = UFUNCS["sqrt"](d.real)
    c = _div(_div(c, stddev[:, None]), stddev[None, :]).astype(c.dtype)
    if c.dtype.kind != "c":
        return clip(c, -1, 1)
    out = c.copy()
    out.real[...] = clip(c.real, -1, 1)
    out.imag[...] = clip(c.imag, -1, 1)
    return out


# A single-value result is a NumPy scalar (see _scalars.py).
corrcoef = returns_scalar(corrcoef)
