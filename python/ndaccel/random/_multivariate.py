"""Generator.multivariate_normal: standard normals from the device stream
times a factor of cov, plus mean. The factor comes from ndaccel.linalg
(svd and eigh run on the host for now, with a HostFallbackWarning once per
process; cholesky runs on the device), with NumPy's positive-semidefinite
check (check_valid='warn'|'raise'|'ignore', tolerance tol)."""
import math
import warnings

import numpy

from .. import linalg
from .._creation._from_data import asarray as _arr
from ..linalg._matmul import matmul
from .._ufunc import UFUNCS as U
from . import _support as S

_NOT_PSD = "covariance is not symmetric positive-semidefinite."


def multivariate_normal(gen, mean, cov, size=None, check_valid="warn", tol=1e-8, *, method="svd"):
    """x = z @ factor.T + mean for z standard normal of shape size + (N,),
    cov = factor @ factor.T (NumPy's recipe for each method)."""
    if method not in ("svd", "eigh", "cholesky"):
        raise ValueError("method must be one of {'eigh', 'svd', 'cholesky'}")
    mu = S.param(mean)
    c = S.param(cov)
    mshape = mu.shape if S.is_dev(mu) else numpy.shape(mu)
    cshape = c.shape if S.is_dev(c) else numpy.shape(c)
    if len(mshape) != 1:
        raise ValueError("mean must be 1 dimensional")
    if len(cshape) != 2 or cshape[0] != cshape[1]:
        raise ValueError("cov must be 2 dimensional and square")
    if mshape[0] != cshape[0]:
        raise ValueError("mean and cov must have same length")
    if check_valid not in ("warn", "raise", "ignore"):
        raise ValueError("check_valid must equal 'warn', 'raise', or 'ignore'")
    k = mshape[0]
    shape = S.shape_of(size) + (k,)
    c = c if S.is_dev(c) else _arr(numpy.asarray(c))
    mu = mu if S.is_dev(mu) else _arr(numpy.asarray(mu))
    if method == "cholesky":
        factor = linalg.cholesky(c)
    else:
        if method == "eigh":
            s, u = linalg.eigh(c)
            psd = not bool(U["less"](s, -tol).any())
        else:
            u, s, vh = linalg.svd(c)
            recon = matmul(U["multiply"](vh.T, s), vh)
            close = U["less_equal"](U["absolute"](U["subtract"](recon, c)),
                                    U["add"](tol, U["multiply"](tol, U["absolute"](c))))
            psd = bool(close.all())
        if not psd and check_valid != "ignore":
            if check_valid == "warn":
                warnings.warn(_NOT_PSD, RuntimeWarning, stacklevel=3)
            else:
                raise ValueError(_NOT_PSD)
        if method == "eigh":
            factor = U["multiply"](u, U["sqrt"](U["absolute"](s)))
        else:
            factor = U["multiply"](u, U["sqrt"](s))
    n = math.prod(shape)
    z = S.fill(gen, n, "N").reshape(-1, k)
    x = U["add"](matmul(z, factor.T), mu)
    return x.reshape(shape)
