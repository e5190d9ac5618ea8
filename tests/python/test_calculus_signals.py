"""gradient, trapezoid, unwrap, interp, convolve/correlate, sinc, i0, the
window functions and einsum_path against NumPy (shape, exact dtype, values,
exception class)."""
import numpy
import pytest

import ndaccel
from xp_util import xp_compare

NAN, INF = numpy.nan, numpy.inf
RNG = numpy.random.default_rng(7)
F2 = RNG.normal(size=(5, 6))
I1 = numpy.array([3, 1, 4, 1, 5, 9, 2, 6], dtype=numpy.int64)
F32 = RNG.normal(size=7).astype(numpy.float32)
C1 = RNG.normal(size=6) + 1j * RNG.normal(size=6)


def A(xp, h):
    return xp.asarray(h)


def cmp(fn, rtol=None, atol=0.0):
    return xp_compare(fn, rtol=rtol, atol=atol)


# ---------------------------------------------------------------- gradient

@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_uniform(edge_order):
    cmp(lambda xp: xp.gradient(A(xp, F2), edge_order=edge_order))
    cmp(lambda xp: xp.gradient(A(xp, F2), 0.5, axis=1, edge_order=edge_order))
    cmp(lambda xp: xp.gradient(A(xp, I1), 2, edge_order=edge_order))
    cmp(lambda xp: xp.gradient(A(xp, F32), edge_order=edge_order))
    cmp(lambda xp: xp.gradient(A(xp, C1), edge_order=edge_order))


@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_coordinates(edge_order):
    xs = numpy.array([0.0, 1.0, 1.5, 3.5, 4.0])
    ys = numpy.array([0, 2, 3, 7, 8, 11])  # integer coordinates become float64
    cmp(lambda xp: xp.gradient(A(xp, F2), A(xp, xs), A(xp, ys), edge_order=edge_order))
    cmp(lambda xp: xp.gradient(A(xp, F2), 2.0, A(xp, ys), edge_order=edge_order))
    cmp(lambda xp: xp.gradient(A(xp, F2), A(xp, ys), axis=-1, edge_order=edge_order))
    cmp(lambda xp: xp.gradient(A(xp, F2), A(xp, numpy.arange(5.0) * 3), axis=0))  # constant


def test_gradient_errors():
    cmp(lambda xp: xp.gradient(A(xp, F2[:, :2]), axis=1, edge_order=2))
    cmp(lambda xp: xp.gradient(A(xp, F2), 1.0, 2.0, 3.0))
    cmp(lambda xp: xp.gradient(A(xp, F2), A(xp, numpy.arange(4.0)), 1.0))
    cmp(lambda xp: xp.gradient(A(xp, F2), edge_order=3))
    cmp(lambda xp: xp.gradient(A(xp, F2), axis=2))
    cmp(lambda xp: xp.gradient(A(xp, numpy.array(5.0))))
    cmp(lambda xp: xp.gradient(A(xp, F2), A(xp, F2), 1.0))


# ---------------------------------------------------------------- trapezoid, unwrap

def test_trapezoid():
    cmp(lambda xp: xp.trapezoid(A(xp, F2)))
    cmp(lambda xp: xp.trapezoid(A(xp, F2), dx=0.5, axis=0))
    cmp(lambda xp: xp.trapezoid(A(xp, I1)))
    cmp(lambda xp: xp.trapezoid(A(xp, I1), A(xp, numpy.arange(8) ** 2)))
    cmp(lambda xp: xp.trapezoid(A(xp, F2), A(xp, numpy.linspace(0, 1, 5)), axis=0))
    cmp(lambda xp: xp.trapezoid(A(xp, F2), A(xp, F2 * 2)))
    cmp(lambda xp: xp.trapezoid(A(xp, F32)))
    cmp(lambda xp: xp.trapezoid(A(xp, numpy.zeros(0))))


def test_unwrap():
    p = numpy.cumsum(RNG.uniform(-4, 4, size=(3, 12)), axis=1)
    cmp(lambda xp: xp.unwrap(A(xp, p)))
    cmp(lambda xp: xp.unwrap(A(xp, p.T), axis=0))
    cmp(lambda xp: xp.unwrap(A(xp, p), discont=4.0))
    cmp(lambda xp: xp.unwrap(A(xp, p[0].astype(numpy.float32))))
    cmp(lambda xp: xp.unwrap(A(xp, numpy.array([0, 5, 10, 3, 12, -4])), period=6))
    cmp(lambda xp: xp.unwrap(A(xp, numpy.array([0, 5, 10, 3, 12, -4])), period=7))
    cmp(lambda xp: xp.unwrap(A(xp, numpy.array([0.0, 1.0, 2.0, 3.0])), period=2.0))
    cmp(lambda xp: xp.unwrap(A(xp, numpy.array(1.0))))


# ---------------------------------------------------------------- interp

XP = numpy.array([0.0, 1.0, 1.0, 2.0, 5.0, 7.5])
FP = numpy.array([3.0, 1.0, 4.0, 1.0, -5.0, 9.0])
XQ = numpy.array([-1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 4.0, 5.0, 7.5, 8.0, NAN, INF, -INF, 3.3])


def test_interp():
    cmp(lambda xp: xp.interp(A(xp, XQ), A(xp, XP), A(xp, FP)))
    cmp(lambda xp: xp.interp(A(xp, XQ.reshape(2, 7)), A(xp, XP), A(xp, FP), left=-1, right=2.5))
    cmp(lambda xp: xp.interp(A(xp, XQ), A(xp, XP), A(xp, FP + 1j * FP[::-1]), left=1j))
    cmp(lambda xp: xp.interp(A(xp, XQ), A(xp, XP), A(xp, FP), period=3))
    cmp(lambda xp: xp.interp(A(xp, XQ), A(xp, XP), A(xp, FP + 2j), period=-4))
    cmp(lambda xp: xp.interp(A(xp, numpy.arange(-2, 9)), A(xp, numpy.arange(8)), A(xp, I1)))
    cmp(lambda xp: xp.interp(A(xp, XQ), A(xp, XP[:1]), A(xp, FP[:1]), left=7))
    cmp(lambda xp: xp.interp(2.5, [1, 2, 3], [3, 2, 0]))
    cmp(lambda xp: xp.interp(A(xp, XQ[:4].astype(numpy.float32)), A(xp, XP), A(xp, FP)))
    # infinite slopes and NaN retries, as NumPy's C code
    xs = numpy.array([0.0, 1.0, 2.0, 3.0])
    fs = numpy.array([0.0, INF, INF, -INF])
    cmp(lambda xp: xp.interp(A(xp, numpy.array([0.5, 1.5, 2.5, 1.0])), A(xp, xs), A(xp, fs)))


def test_interp_errors():
    cmp(lambda xp: xp.interp(A(xp, XQ), A(xp, XP[:0]), A(xp, FP[:0])))
    cmp(lambda xp: xp.interp(A(xp, XQ), A(xp, XP), A(xp, FP[:3])))
    cmp(lambda xp: xp.interp(A(xp, XQ), A(xp, XP), A(xp, FP), period=0))
    cmp(lambda xp: xp.interp(A(xp, XQ), A(xp, F2), A(xp, F2)))


# ---------------------------------------------------------------- convolve / correlate

@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolve_correlate_modes(mode):
    a, v = RNG.normal(size=9), RNG.normal(size=4)
    for f in ("convolve", "correlate"):
        cmp(lambda xp: getattr(xp, f)(A(xp, a), A(xp, v), mode))
        cmp(lambda xp: getattr(xp, f)(A(xp, v), A(xp, a), mode))      # NumPy's swap
        cmp(lambda xp: getattr(xp, f)(A(xp, v[:3]), A(xp, a[:4]), mode))
        cmp(lambda xp: getattr(xp, f)(A(xp, C1), A(xp, C1[:3] * 1j), mode))  # conjugation
        cmp(lambda xp: getattr(xp, f)(A(xp, C1[:2]), A(xp, C1), mode))
        cmp(lambda xp: getattr(xp, f)(A(xp, I1), A(xp, numpy.array([1, -2, 3])), mode))


@pytest.mark.parametrize("taps", [1, 2, 5, 32, 33, 70])
@pytest.mark.parametrize("route", ["default", "kernels"])
def test_convolve_correlate_long_signals(taps, route, monkeypatch):
    """Signals longer than the kernel: the outputs whose windows lie inside
    the signal read it in place, the ends a padded copy; up to 32 taps as
    shifted views, more by NumPy's convolve on CPU devices ("default") or
    the window fold ("kernels": the host-libraries policy off). Every mode,
    both argument orders, ints that wrap, bools, complex conjugation."""
    from ndaccel import _host_libraries
    if route == "kernels":
        monkeypatch.setattr(_host_libraries, "USE", False)
    rng = numpy.random.default_rng(taps)
    sig, ker = rng.normal(size=301), rng.normal(size=taps)
    isig = rng.integers(-100, 100, 301).astype(numpy.int8)
    iker = rng.integers(-100, 100, taps).astype(numpy.int8)
    csig = sig + 1j * rng.normal(size=301)
    cker = ker - 2j * rng.normal(size=taps)
    for mode in ("full", "same", "valid"):
        for f in ("convolve", "correlate"):
            cmp(lambda xp: getattr(xp, f)(A(xp, sig), A(xp, ker), mode), rtol=1e-13, atol=1e-13)
            cmp(lambda xp: getattr(xp, f)(A(xp, ker), A(xp, sig), mode), rtol=1e-13, atol=1e-13)
            cmp(lambda xp: getattr(xp, f)(A(xp, isig), A(xp, iker), mode))
            cmp(lambda xp: getattr(xp, f)(A(xp, sig > 0), A(xp, ker > 0), mode))
            cmp(lambda xp: getattr(xp, f)(A(xp, csig), A(xp, cker), mode), rtol=1e-13, atol=1e-13)
            cmp(lambda xp: getattr(xp, f)(A(xp, sig.astype(numpy.float32)),
                                          A(xp, ker.astype(numpy.float32)), mode),
                rtol=1e-5, atol=1e-5)


def test_convolve_dtypes_errors():
    cmp(lambda xp: xp.convolve(A(xp, numpy.int8([100, 100, 7])), A(xp, numpy.int8([2, 2]))))
    cmp(lambda xp: xp.convolve(A(xp, numpy.array([True, False, True])),
                               A(xp, numpy.array([True, True]))))
    cmp(lambda xp: xp.convolve(A(xp, F32), A(xp, numpy.ones(3, numpy.float32))))
    cmp(lambda xp: xp.convolve(A(xp, F32), A(xp, I1[:3])))
    cmp(lambda xp: xp.correlate(3.0, A(xp, I1), "full"))
    cmp(lambda xp: xp.convolve(A(xp, numpy.zeros(0)), A(xp, I1)))
    cmp(lambda xp: xp.correlate(A(xp, I1), A(xp, numpy.zeros(0))))
    cmp(lambda xp: xp.convolve(A(xp, I1), A(xp, I1), mode="middle"))
    cmp(lambda xp: xp.convolve(A(xp, F2), A(xp, I1)))


# ---------------------------------------------------------------- sinc, i0, windows

def test_sinc_i0():
    x = numpy.array([-20.0, -8.0, -3.5, -0.5, 0.0, 0.25, 1.0, 7.9, 8.0, 8.1, 30.0, 700.0,
                     NAN, INF])
    cmp(lambda xp: xp.sinc(A(xp, x)))
    cmp(lambda xp: xp.sinc(A(xp, I1)))
    cmp(lambda xp: xp.sinc(A(xp, x.astype(numpy.float32))))
    cmp(lambda xp: xp.sinc(A(xp, C1)))
    cmp(lambda xp: xp.sinc(0.5))
    cmp(lambda xp: xp.i0(A(xp, x)), rtol=1e-13)
    cmp(lambda xp: xp.i0(A(xp, x.reshape(2, 7).astype(numpy.float32))))
    cmp(lambda xp: xp.i0(A(xp, I1)), rtol=1e-13)
    cmp(lambda xp: xp.i0(1.0))
    cmp(lambda xp: xp.i0(A(xp, C1)))


@pytest.mark.parametrize("name", ["bartlett", "blackman", "hamming", "hanning"])
def test_windows(name):
    for M in (-1, 0, 1, 2, 7, 12, 5.5):
        cmp(lambda xp: getattr(xp, name)(M), atol=1e-15)


def test_kaiser():
    for M, beta in ((0, 3.0), (1, 5.0), (2, 0.0), (9, 14.0), (16, 2.5)):
        cmp(lambda xp: xp.kaiser(M, beta), rtol=1e-13)


# ---------------------------------------------------------------- einsum_path

def test_einsum_path():
    a, b, c = RNG.normal(size=(4, 5)), RNG.normal(size=(5, 6)), RNG.normal(size=(6, 3))
    for opt in ("greedy", "optimal", False):
        pn = numpy.einsum_path("ij,jk,kl->il", a, b, c, optimize=opt)
        pg = ndaccel.einsum_path("ij,jk,kl->il", ndaccel.asarray(a), ndaccel.asarray(b),
                                 ndaccel.asarray(c), optimize=opt)
        assert pg == pn
    pn = numpy.einsum_path(a, [0, 1], b, [1, 2], [0, 2])
    assert ndaccel.einsum_path(ndaccel.asarray(a), [0, 1], ndaccel.asarray(b), [1, 2],
                               [0, 2]) == pn
    with pytest.raises(ValueError):
        ndaccel.einsum_path("ij,jk", ndaccel.asarray(a), ndaccel.asarray(c))
    assert not hasattr(ndaccel.linalg, "einsum_path")
