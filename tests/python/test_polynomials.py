"""poly, roots, polyval, polyfit, polyadd/sub/mul/div, polyder, polyint against
NumPy (shape, exact dtype, values, exception class). roots, poly of a matrix
and polyfit's least squares may run on the host (HostFallbackWarning)."""
import numpy
import pytest

import ndaccel
from xp_util import xp_compare

pytestmark = pytest.mark.filterwarnings("ignore::ndaccel.linalg.HostFallbackWarning")

P = numpy.array([1.0, -3.0, 2.0, 0.0])
PI = numpy.array([0, 0, 2, -1, 3], dtype=numpy.int64)
PC = numpy.array([1.0 + 1j, 2.0, -1j])
Q = numpy.array([2, 1], dtype=numpy.int64)
X = numpy.linspace(-1, 2, 7)


def A(xp, h):
    return xp.asarray(h)


def cmp(fn, rtol=None, atol=0.0):
    return xp_compare(fn, rtol=rtol, atol=atol)


def test_polyval():
    cmp(lambda xp: xp.polyval(A(xp, P), A(xp, X)))
    cmp(lambda xp: xp.polyval(A(xp, PI), A(xp, numpy.arange(6).reshape(2, 3))))
    cmp(lambda xp: xp.polyval(A(xp, PC), A(xp, X.astype(numpy.float32))))
    cmp(lambda xp: xp.polyval(A(xp, P.astype(numpy.float32)), A(xp, X.astype(numpy.float32))))
    cmp(lambda xp: xp.polyval([1, 2], 3))
    cmp(lambda xp: xp.polyval(A(xp, P), 0.5))
    cmp(lambda xp: xp.polyval(A(xp, numpy.zeros(0)), 3))
    cmp(lambda xp: xp.polyval(numpy.poly1d([1.0, 2.0]), A(xp, X)))


def test_add_sub_mul():
    for f in ("polyadd", "polysub", "polymul"):
        cmp(lambda xp: getattr(xp, f)(A(xp, P), A(xp, Q)))
        cmp(lambda xp: getattr(xp, f)(A(xp, Q), A(xp, P)))
        cmp(lambda xp: getattr(xp, f)(A(xp, PI), A(xp, Q)))
        cmp(lambda xp: getattr(xp, f)(A(xp, PC), A(xp, P)))
        cmp(lambda xp: getattr(xp, f)(3.0, A(xp, Q)))
    cmp(lambda xp: xp.polymul(A(xp, numpy.zeros(3)), A(xp, Q)))
    cmp(lambda xp: xp.polymul(A(xp, numpy.ones((2, 2))), A(xp, Q)))
    with pytest.raises(NotImplementedError):
        ndaccel.polyadd(numpy.poly1d([1, 2]), ndaccel.asarray(Q))


def test_polydiv():
    cmp(lambda xp: xp.polydiv(A(xp, P), A(xp, numpy.array([1.0, -1.0]))))
    cmp(lambda xp: xp.polydiv(A(xp, PI), A(xp, Q)))
    cmp(lambda xp: xp.polydiv(A(xp, Q), A(xp, P)))
    cmp(lambda xp: xp.polydiv(A(xp, PC), A(xp, numpy.array([2.0, 1j]))))
    cmp(lambda xp: xp.polydiv(A(xp, numpy.array([1.0, 2.0, 1.0])), A(xp, numpy.array([1.0, 1.0]))))
    cmp(lambda xp: xp.polydiv(A(xp, numpy.array([1, 2, 3], dtype=numpy.float32)), 2.0))


def test_polyder_polyint():
    for m in (0, 1, 2, 5):
        cmp(lambda xp: xp.polyder(A(xp, P), m))
        cmp(lambda xp: xp.polyder(A(xp, PI), m))
        cmp(lambda xp: xp.polyint(A(xp, P), m))
    cmp(lambda xp: xp.polyder(A(xp, P.astype(numpy.float32))))
    cmp(lambda xp: xp.polyint(A(xp, PI), 2, [1, 2]))
    cmp(lambda xp: xp.polyint(A(xp, PC), 3, 4.0))
    cmp(lambda xp: xp.polyint(A(xp, P), 3, [1.0, 2.0]))
    cmp(lambda xp: xp.polyder(A(xp, P), -1))
    cmp(lambda xp: xp.polyint(A(xp, P), -1))


def test_poly_roots():
    cmp(lambda xp: xp.poly(A(xp, numpy.array([1.0, 2.0, -3.0]))))
    cmp(lambda xp: xp.poly(A(xp, numpy.array([1, 2]))))
    cmp(lambda xp: xp.poly(A(xp, numpy.array([1 + 2j, 1 - 2j, 3.0]))))
    cmp(lambda xp: xp.poly(A(xp, numpy.array([1 + 2j, 3.0]))))
    cmp(lambda xp: xp.poly(A(xp, numpy.array([[1.0, 2.0], [3.0, 4.0]]))))
    cmp(lambda xp: xp.poly(A(xp, numpy.zeros(0))))
    cmp(lambda xp: xp.poly(A(xp, numpy.ones((2, 3)))))
    cmp(lambda xp: xp.roots(A(xp, numpy.array([0.0, 1.0, -3.0, 2.0]))))  # real roots
    cmp(lambda xp: xp.roots(A(xp, PI)))                                    # trailing 0 root
    cmp(lambda xp: xp.roots(A(xp, numpy.array([1.0, 0.0, 1.0]))))          # complex roots
    cmp(lambda xp: xp.roots(A(xp, numpy.zeros(3))))
    cmp(lambda xp: xp.roots(A(xp, numpy.array([5.0]))))
    cmp(lambda xp: xp.roots(A(xp, numpy.ones((2, 2)))))


def test_polyfit():
    x = numpy.linspace(0, 2, 15)
    y = numpy.cos(2 * x) + 0.1 * x
    y2 = numpy.stack([y, x ** 3], axis=1)
    cmp(lambda xp: xp.polyfit(A(xp, x), A(xp, y), 3), rtol=1e-9)
    cmp(lambda xp: xp.polyfit(A(xp, numpy.arange(15)), A(xp, numpy.arange(15) ** 2), 2),
        rtol=1e-9, atol=1e-12)
    cmp(lambda xp: xp.polyfit(A(xp, x), A(xp, y2), 2, w=A(xp, x + 1)), rtol=1e-9)
    cmp(lambda xp: xp.polyfit(A(xp, x), A(xp, y), 2, cov=True), rtol=1e-9)
    cmp(lambda xp: xp.polyfit(A(xp, x), A(xp, y2), 2, cov="unscaled"), rtol=1e-9)
    cmp(lambda xp: xp.polyfit(A(xp, x), A(xp, y), 2, full=True), rtol=1e-9)
    cmp(lambda xp: xp.polyfit(A(xp, x), A(xp, y), -1))
    cmp(lambda xp: xp.polyfit(A(xp, x[:0]), A(xp, y[:0]), 1))
    cmp(lambda xp: xp.polyfit(A(xp, x), A(xp, y[:3]), 1))
    cmp(lambda xp: xp.polyfit(A(xp, x[:3]), A(xp, y[:3]), 2, cov=True))
