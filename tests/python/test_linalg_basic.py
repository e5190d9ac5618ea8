"""matmul (@) and the products built on it, against NumPy."""
import numpy
import pytest

from xp_util import xp_compare

RNG = numpy.random.default_rng(0)
SHAPES = [((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)), ((2, 3, 4), (4, 5)),
          ((2, 1, 3, 4), (5, 4, 2)), ((0, 4), (4, 3)), ((3, 0), (0, 2)), ((3, 4), (5, 6))]


@pytest.mark.parametrize("dt", ["float64", "int32", "complex64", "bool", "float32"])
@pytest.mark.parametrize("sa, sb", SHAPES)
def test_matmul(sa, sb, dt):
    a, b = (RNG.random(sa) * 3).astype(dt), (RNG.random(sb) * 3).astype(dt)
    xp_compare(lambda xp: xp.asarray(a) @ xp.asarray(b), rtol=1e-5)


def test_products():
    a, b, c = RNG.random((3, 4)), RNG.random((4, 5)), RNG.random((2, 4, 3))
    x = numpy.arange(15.0).reshape(5, 3)
    cases = [
        lambda xp: xp.dot(xp.asarray(a), xp.asarray(b)),
        lambda xp: xp.dot(xp.asarray(c), xp.asarray(a)),
        lambda xp: xp.vdot(xp.asarray(a), xp.asarray(a)),
        lambda xp: xp.inner(xp.asarray(a), xp.asarray(a)),
        lambda xp: xp.outer(xp.asarray(a[0]), xp.asarray(b[0])),
        lambda xp: xp.tensordot(xp.asarray(c), xp.asarray(a), axes=([1], [1])),
        lambda xp: xp.trace(xp.asarray(a)),
        lambda xp: xp.kron(xp.asarray(a), xp.asarray(b)),
        lambda xp: xp.cross(xp.asarray(x), xp.asarray(x[::-1])),
        lambda xp: xp.vecdot(xp.asarray(a), xp.asarray(a[0])),
        lambda xp: xp.matvec(xp.asarray(a), xp.asarray(a[0])),
        lambda xp: xp.vecmat(xp.asarray(a[:, 0]), xp.asarray(a)),
    ]
    for fn in cases:
        xp_compare(fn, rtol=1e-10)
