"""cov, corrcoef, histogramdd and histogram2d against NumPy (shape, exact
dtype, values, exception class)."""
import numpy
import pytest

import ndaccel
from xp_util import xp_compare

RNG = numpy.random.default_rng(11)
M = RNG.normal(size=(4, 25))
MI = RNG.integers(-5, 5, size=(3, 10))
MC = M[:3] + 1j * RNG.normal(size=(3, 25))
FW = RNG.integers(0, 4, size=25)
AW = RNG.random(25)
S = RNG.normal(size=(60, 3))
W60 = RNG.random(60)
SI = RNG.integers(0, 5, size=(40, 2))


def A(xp, h):
    return xp.asarray(h)


def cmp(fn, rtol=None, atol=0.0):
    return xp_compare(fn, rtol=rtol, atol=atol)


# ---------------------------------------------------------------- cov / corrcoef

def test_cov():
    cmp(lambda xp: xp.cov(A(xp, M)))
    cmp(lambda xp: xp.cov(A(xp, M.T), rowvar=False))
    cmp(lambda xp: xp.cov(A(xp, M), bias=True))
    cmp(lambda xp: xp.cov(A(xp, M), ddof=3))
    cmp(lambda xp: xp.cov(A(xp, MI)))
    cmp(lambda xp: xp.cov(A(xp, MC)))
    cmp(lambda xp: xp.cov(A(xp, M), A(xp, M[0] * 2)))
    cmp(lambda xp: xp.cov(A(xp, M[0])))              # one variable: a 0-d array
    cmp(lambda xp: xp.cov(A(xp, M), dtype=numpy.float32), atol=1e-6)
    cmp(lambda xp: xp.cov(A(xp, M.astype(numpy.float32))), atol=1e-6)
    cmp(lambda xp: xp.cov(A(xp, numpy.zeros((0, 3)))))


def test_cov_weights():
    cmp(lambda xp: xp.cov(A(xp, M), fweights=A(xp, FW)))
    cmp(lambda xp: xp.cov(A(xp, M), aweights=A(xp, AW)))
    cmp(lambda xp: xp.cov(A(xp, M), fweights=A(xp, FW), aweights=A(xp, AW)))
    cmp(lambda xp: xp.cov(A(xp, M), fweights=A(xp, FW), aweights=A(xp, AW), ddof=0))
    cmp(lambda xp: xp.cov(A(xp, M), fweights=A(xp, FW + 0.5)))
    cmp(lambda xp: xp.cov(A(xp, M), fweights=A(xp, -FW)))
    cmp(lambda xp: xp.cov(A(xp, M), aweights=A(xp, AW[:5])))
    cmp(lambda xp: xp.cov(A(xp, M), aweights=A(xp, numpy.ones((2, 25)))))
    cmp(lambda xp: xp.cov(A(xp, M), ddof=1.5))
    cmp(lambda xp: xp.cov(A(xp, numpy.ones((2, 2, 2)))))


def test_cov_dof_warning():
    cmp(lambda xp: xp.cov(A(xp, M[:, :1])))
    with pytest.warns(RuntimeWarning, match="Degrees of freedom"):
        ndaccel.cov(ndaccel.asarray(M[:, :1]))


def test_corrcoef():
    cmp(lambda xp: xp.corrcoef(A(xp, M)))
    cmp(lambda xp: xp.corrcoef(A(xp, M.T), rowvar=False))
    cmp(lambda xp: xp.corrcoef(A(xp, M[0]), A(xp, M[1])))
    cmp(lambda xp: xp.corrcoef(A(xp, MI)))
    cmp(lambda xp: xp.corrcoef(A(xp, MC)))
    cmp(lambda xp: xp.corrcoef(A(xp, M[0])))         # a NumPy scalar
    cmp(lambda xp: xp.corrcoef(A(xp, M), dtype=numpy.float32), atol=1e-6)
    # perfectly (anti)correlated rows: clipped to [-1, 1]
    r = numpy.arange(10.0) * 0.1
    cmp(lambda xp: xp.corrcoef(A(xp, numpy.stack([r, 3 * r + 1, -7 * r]))))


# ---------------------------------------------------------------- histogramdd / 2d

def test_histogramdd():
    cmp(lambda xp: xp.histogramdd(A(xp, S)))
    cmp(lambda xp: xp.histogramdd(A(xp, S), bins=(3, 4, 5)))
    cmp(lambda xp: xp.histogramdd(A(xp, S), bins=[A(xp, numpy.array([-1.0, 0.0, 2.0])), 3, 4],
                                  density=True))
    cmp(lambda xp: xp.histogramdd(A(xp, S), bins=4, range=[(-1, 1), (0, 1), None],
                                  weights=A(xp, W60)))
    cmp(lambda xp: xp.histogramdd(A(xp, SI), bins=5))
    cmp(lambda xp: xp.histogramdd(A(xp, S[:, 0].astype(numpy.float32)), bins=6))
    cmp(lambda xp: xp.histogramdd([A(xp, S[:, 0]), A(xp, S[:, 1])], bins=3))
    cmp(lambda xp: xp.histogramdd(A(xp, numpy.zeros((0, 2))), bins=2))
    cmp(lambda xp: xp.histogramdd(A(xp, numpy.array([[0.0, 1.0], [1.0, 1.0]])), bins=2))


def test_histogramdd_errors():
    cmp(lambda xp: xp.histogramdd(A(xp, S), bins=(3, 4)))
    cmp(lambda xp: xp.histogramdd(A(xp, S), bins=0))
    cmp(lambda xp: xp.histogramdd(A(xp, S), bins=2.5))
    cmp(lambda xp: xp.histogramdd(A(xp, S), range=[(0, 1)]))
    cmp(lambda xp: xp.histogramdd(A(xp, S), range=[(1, 0), None, None]))
    cmp(lambda xp: xp.histogramdd(A(xp, S), bins=[A(xp, numpy.array([1.0, 0.0])), 2, 2]))
    cmp(lambda xp: xp.histogramdd(A(xp, S), weights=A(xp, numpy.ones(3))))
    cmp(lambda xp: xp.histogramdd(A(xp, numpy.array([[NAN_, 1.0]])), bins=2))


NAN_ = numpy.nan


def test_histogram2d():
    x, y = S[:, 0], S[:, 1]
    cmp(lambda xp: xp.histogram2d(A(xp, x), A(xp, y)))
    cmp(lambda xp: xp.histogram2d(A(xp, x), A(xp, y), bins=[3, 5], density=True))
    cmp(lambda xp: xp.histogram2d(A(xp, x), A(xp, y), bins=A(xp, numpy.linspace(-2, 2, 6))))
    cmp(lambda xp: xp.histogram2d(A(xp, x), A(xp, y), bins=4, range=[[-1, 1], [-2, 2]],
                                  weights=A(xp, numpy.arange(60))))
    cmp(lambda xp: xp.histogram2d(A(xp, x), A(xp, y[:5])))
