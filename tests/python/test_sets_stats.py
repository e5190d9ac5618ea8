"""Sets, partitions, lexsort, digitize, bincount, histogram, median and
quantiles against NumPy (shape, exact dtype, values, exception class)."""
import numpy
import pytest

from xp_util import xp_compare

NAN = numpy.nan
I32 = numpy.array([5, -3, 7, 5, 0, 2, -3, 9, 1, 5], dtype=numpy.int32)
F64 = numpy.array([2.5, NAN, -1.0, 3.0, 2.5, 0.0, -7.25, 11.0], dtype=numpy.float64)
F64N = F64[~numpy.isnan(F64)]
B = numpy.array([True, False, True, True])
M2 = numpy.array([[3.0, 1.0, 4.0, 1.5], [5.0, 9.0, 2.0, 6.0], [5.0, 3.0, 5.0, 8.0]])
M2N = M2.copy()
M2N[1, 2] = NAN


def cmp(fn, rtol=None):
    return xp_compare(fn, rtol=rtol)


def A(xp, h):
    return xp.asarray(h)


# ---------------------------------------------------------------- lexsort / partition

def test_lexsort():
    k1 = numpy.array([1, 0, 1, 0, 1, 0], dtype=numpy.int32)
    k2 = numpy.array([3.0, 3.0, 1.0, 2.0, 1.0, NAN])
    cmp(lambda xp: xp.lexsort((A(xp, k2), A(xp, k1))))
    cmp(lambda xp: xp.lexsort([A(xp, M2[0]), A(xp, M2[2])]))
    cmp(lambda xp: xp.lexsort((A(xp, M2), A(xp, M2[::-1].copy())), axis=0))
    cmp(lambda xp: xp.lexsort([]))


def _is_partition(g, s, kth):
    """g (..., n) is partitioned at kth: the sorted values s there, nothing
    larger before and nothing smaller after (NaN counts as the largest)."""
    key = numpy.where(numpy.isnan(g), numpy.inf, g) if g.dtype.kind == "f" else g
    for k in numpy.atleast_1d(kth):
        k = k % g.shape[-1]
        numpy.testing.assert_array_equal(g[..., k], s[..., k])
        assert (key[..., :k] <= key[..., k:k + 1]).all()
        assert (key[..., k + 1:] >= key[..., k:k + 1]).all()


@pytest.mark.parametrize("use", [True, False], ids=["host-libraries", "device-kernels"])
@pytest.mark.parametrize("h", [I32, F64, M2], ids=["i32", "f64", "2d"])
def test_partition(monkeypatch, use, h):
    """Both routes: NumPy's introselect on CPU devices (_host_libraries), a
    sort elsewhere; any valid partition passes."""
    import ndaccel
    from ndaccel import _host_libraries
    monkeypatch.setattr(_host_libraries, "USE", use)
    s = numpy.sort(h, axis=-1)
    for kth in (0, 3, -1, (1, 2)):
        g = ndaccel.partition(ndaccel.asarray(h), kth, axis=-1).get()
        assert g.dtype == h.dtype and g.shape == h.shape
        numpy.testing.assert_array_equal(numpy.sort(g, axis=-1), s)
        _is_partition(g, s, kth)
        ia = ndaccel.argpartition(ndaccel.asarray(h), kth).get()
        assert ia.dtype == numpy.int64
        numpy.testing.assert_array_equal(numpy.sort(ia, axis=-1),
                                         numpy.broadcast_to(numpy.arange(h.shape[-1]), h.shape))
        _is_partition(numpy.take_along_axis(h, ia, -1), s, kth)
    cmp(lambda xp: xp.partition(A(xp, h), h.shape[-1]))
    cmp(lambda xp: xp.argpartition(A(xp, h), -h.shape[-1] - 1))


# ---------------------------------------------------------------- sets

def test_isin():
    t = numpy.array([5, 0, 100, -3], dtype=numpy.int32)
    cmp(lambda xp: xp.isin(A(xp, I32), A(xp, t)))
    cmp(lambda xp: xp.isin(A(xp, I32.reshape(2, 5)), A(xp, t), invert=True))
    cmp(lambda xp: xp.isin(A(xp, F64), A(xp, numpy.array([NAN, 2.5, 0.0]))))
    cmp(lambda xp: xp.isin(A(xp, I32), A(xp, numpy.array([2.0, 9.5]))))
    cmp(lambda xp: xp.isin(A(xp, I32), A(xp, I32[:0])))
    cmp(lambda xp: xp.isin(A(xp, B), A(xp, numpy.array([True]))))


@pytest.mark.parametrize("h", [I32, F64], ids=["i32", "f64"])
def test_set_ops(h):
    other = numpy.array([5, 2, 2, 40, -3, 11], dtype=h.dtype)
    for f in ("union1d", "setdiff1d", "setxor1d", "intersect1d"):
        cmp(lambda xp: getattr(xp, f)(A(xp, h), A(xp, other)))
        cmp(lambda xp: getattr(xp, f)(A(xp, h[:0]), A(xp, other[:0])))
    cmp(lambda xp: xp.intersect1d(A(xp, h), A(xp, other), return_indices=True))
    u = numpy.unique(h)
    cmp(lambda xp: xp.intersect1d(A(xp, u), A(xp, numpy.unique(other)), assume_unique=True,
                                  return_indices=True))
    cmp(lambda xp: xp.setdiff1d(A(xp, u), A(xp, other), assume_unique=True))
    cmp(lambda xp: xp.setxor1d(A(xp, u), A(xp, numpy.unique(other)), assume_unique=True))


# ---------------------------------------------------------------- digitize / bincount

def test_digitize():
    x = numpy.array([-5.0, 0.0, 1.0, 2.5, 3.0, 10.0, NAN])
    inc = numpy.array([0.0, 1.0, 2.5, 4.0])
    for right in (False, True):
        cmp(lambda xp: xp.digitize(A(xp, x), A(xp, inc), right=right))
        cmp(lambda xp: xp.digitize(A(xp, x), A(xp, inc[::-1].copy()), right=right))
    cmp(lambda xp: xp.digitize(A(xp, I32), A(xp, numpy.array([0, 5], dtype=numpy.int32))))
    cmp(lambda xp: xp.digitize(A(xp, x), A(xp, numpy.array([0.0, 2.0, 1.0]))))
    cmp(lambda xp: xp.digitize(A(xp, x), A(xp, numpy.float64(1.0))))


def test_bincount():
    x = numpy.array([3, 0, 3, 1, 7, 3], dtype=numpy.int32)
    w = numpy.array([0.5, 1.0, 2.0, -1.0, 4.0, 0.25])
    cmp(lambda xp: xp.bincount(A(xp, x)))
    cmp(lambda xp: xp.bincount(A(xp, x), minlength=12))
    cmp(lambda xp: xp.bincount(A(xp, x), weights=A(xp, w)), rtol=1e-12)
    cmp(lambda xp: xp.bincount(A(xp, B)))
    cmp(lambda xp: xp.bincount(A(xp, x[:0]), minlength=3))
    cmp(lambda xp: xp.bincount(A(xp, numpy.array([1, -1]))))
    cmp(lambda xp: xp.bincount(A(xp, x), minlength=-1))
    cmp(lambda xp: xp.bincount(A(xp, w)))
    cmp(lambda xp: xp.bincount(A(xp, x.reshape(2, 3))))


@pytest.mark.parametrize("top", [1, 2047, 2048, 5000], ids=lambda t: f"max{t}")
def test_bincount_both_paths(top):
    # up to 2048 bins: one fused one-hot reduction; beyond: the sort
    rng = numpy.random.default_rng(top)
    x = rng.integers(0, top + 1, 3000).astype(numpy.int64)
    x[0] = top
    w = rng.random(3000)
    cmp(lambda xp: xp.bincount(A(xp, x)))
    cmp(lambda xp: xp.bincount(A(xp, x), weights=A(xp, w)), rtol=1e-12)
    cmp(lambda xp: xp.bincount(A(xp, x.astype(numpy.uint8) if top < 256 else x),
                               minlength=top + 7))


# ---------------------------------------------------------------- histogram

@pytest.mark.parametrize("h", [I32, F64N, F64N.astype(numpy.float32)], ids=["i32", "f64", "f32"])
def test_histogram(h):
    cmp(lambda xp: xp.histogram(A(xp, h)))
    cmp(lambda xp: xp.histogram(A(xp, h), bins=3, range=(0, 5)))
    cmp(lambda xp: xp.histogram(A(xp, h), bins=A(xp, numpy.array([-3.0, 0.0, 2.5, 5.0]))))
    cmp(lambda xp: xp.histogram(A(xp, h), bins=4, density=True), rtol=1e-6)
    cmp(lambda xp: xp.histogram(A(xp, h), bins=4, weights=A(xp, numpy.arange(h.size) * 0.5)),
        rtol=1e-6)
    cmp(lambda xp: xp.histogram_bin_edges(A(xp, h), bins=5))


def test_histogram_edge_cases():
    cmp(lambda xp: xp.histogram(A(xp, F64N[:0])))
    cmp(lambda xp: xp.histogram(A(xp, numpy.full(4, 2.0)), bins=3))
    cmp(lambda xp: xp.histogram(A(xp, F64)))  # NaN: the autodetected range is not finite
    cmp(lambda xp: xp.histogram(A(xp, I32), bins=0))
    cmp(lambda xp: xp.histogram(A(xp, I32), range=(5, 1)))
    cmp(lambda xp: xp.histogram(A(xp, I32), bins=A(xp, numpy.array([3, 1, 2]))))


# ---------------------------------------------------------------- median / quantiles

@pytest.mark.parametrize("h", [I32, F64, M2N, M2.astype(numpy.float16)],
                         ids=["i32", "f64nan", "2dnan", "2df16"])
def test_median(h):
    for axis in (None, 0, -1):
        if axis is not None and axis >= h.ndim:
            continue
        cmp(lambda xp: xp.median(A(xp, h), axis=axis), rtol=1e-3)
        cmp(lambda xp: xp.median(A(xp, h), axis=axis, keepdims=True), rtol=1e-3)
    cmp(lambda xp: xp.median(A(xp, h), axis=h.ndim))


def test_median_empty_out():
    import ndaccel
    cmp(lambda xp: xp.median(A(xp, numpy.zeros((0, 3))), axis=0))
    cmp(lambda xp: xp.median(A(xp, M2), axis=(0, 1)))
    out = ndaccel.zeros(4)
    r = ndaccel.median(ndaccel.asarray(M2), axis=0, out=out)
    assert r is out
    numpy.testing.assert_array_equal(out.get(), numpy.median(M2, axis=0))


@pytest.mark.parametrize("method", ["linear", "lower", "higher", "nearest", "midpoint"])
def test_quantile_methods(method):
    for h in (I32, F64):
        cmp(lambda xp: xp.quantile(A(xp, h), 0.3, method=method), rtol=1e-12)
        cmp(lambda xp: xp.percentile(A(xp, h), [0, 25, 50, 99, 100], method=method),
            rtol=1e-12)
    cmp(lambda xp: xp.quantile(A(xp, M2N), [0.1, 0.75], axis=1, keepdims=True, method=method),
        rtol=1e-12)


@pytest.mark.parametrize("h", [I32, F64N, M2.astype(numpy.float16)], ids=["i32", "f64", "f16"])
def test_quantile(h):
    for axis in (None, 0, -1):
        cmp(lambda xp: xp.quantile(A(xp, h), 0.4, axis=axis), rtol=1e-3)
        cmp(lambda xp: xp.percentile(A(xp, h), numpy.array([10.0, 62.5]), axis=axis,
                                     keepdims=True), rtol=1e-3)
    cmp(lambda xp: xp.quantile(A(xp, h), 1))
    cmp(lambda xp: xp.quantile(A(xp, h), 1.5))
    cmp(lambda xp: xp.percentile(A(xp, h), [-1, 50]))
    cmp(lambda xp: xp.quantile(A(xp, h), 0.5, method="bogus"))
    cmp(lambda xp: xp.quantile(A(xp, h[:0]), 0.5))


@pytest.mark.parametrize("method", ["linear", "lower", "nearest", "midpoint"])
def test_nanquantile(method):
    rows = numpy.array([[NAN, 1.0, 4.0, 2.0, 8.0], [NAN, NAN, NAN, NAN, NAN],
                        [3.0, 1.0, NAN, 2.0, 0.5]])
    for axis in (None, 1):
        cmp(lambda xp: xp.nanquantile(A(xp, rows), 0.3, axis=axis, method=method), rtol=1e-12)
        cmp(lambda xp: xp.nanpercentile(A(xp, rows), [10.0, 90.0], axis=axis, method=method,
                                        keepdims=True), rtol=1e-12)
    cmp(lambda xp: xp.nanquantile(A(xp, I32), 0.3, method=method), rtol=1e-12)


def test_nanmedian():
    rows = numpy.array([[NAN, 1.0, 4.0, 2.0, 8.0], [NAN, NAN, NAN, NAN, NAN],
                        [3.0, 1.0, NAN, 2.0, 0.5]])
    for axis in (None, 0, 1):
        cmp(lambda xp: xp.nanmedian(A(xp, rows), axis=axis, keepdims=axis == 1))
    cmp(lambda xp: xp.nanmedian(A(xp, I32)))


def test_empty_and_errors():
    e = numpy.zeros((2, 0))
    cmp(lambda xp: xp.partition(A(xp, e), 0))
    cmp(lambda xp: xp.argpartition(A(xp, e[:, :0].reshape(0, 3)), 1))
    cmp(lambda xp: xp.lexsort((A(xp, e),)))
    cmp(lambda xp: xp.partition(A(xp, I32), 1.5))
    cmp(lambda xp: xp.digitize(A(xp, I32), A(xp, M2)))
    cmp(lambda xp: xp.quantile(A(xp, M2), 0.5, axis=2))
    cmp(lambda xp: xp.nanmedian(A(xp, e), axis=1))
    cmp(lambda xp: xp.quantile(A(xp, e), 0.5, axis=0))


def test_quantile_float16_rounding():
    # NumPy rounds every step of its lerp to float16 (a Python-float q is weak)
    h = (numpy.arange(30, dtype=numpy.float64).reshape(5, 6) * 1.37 - 9.1).astype(numpy.float16)
    cmp(lambda xp: xp.percentile(A(xp, h), 33, axis=0), rtol=1e-9)
    cmp(lambda xp: xp.nanquantile(A(xp, h), 0.37, axis=1), rtol=1e-9)
    cmp(lambda xp: xp.quantile(A(xp, h.astype(numpy.float32)), 0.37, axis=1), rtol=1e-9)


@pytest.mark.parametrize("dt", ["float64", "float32", "float16", "int32"])
@pytest.mark.parametrize("nb,rng_", [(1, None), (7, None), (13, (-2.5, 3.25)), (64, (-4.0, 4.0))])
def test_histogram_equal_width_bins_on_the_edges(dt, nb, rng_):
    # Equal-width bins: indices computed arithmetically, corrected against the
    # edges; values placed exactly on every edge land where NumPy puts them.
    g = numpy.random.default_rng(nb)
    a = (g.normal(size=500) * 3).astype(dt)
    lo, hi = rng_ if rng_ else (float(a.min()), float(a.max()))
    edges = numpy.linspace(lo, hi, nb + 1)
    a[:nb + 1] = edges.astype(dt)
    w = g.random(500)
    cmp(lambda xp: xp.histogram(A(xp, a), bins=nb, range=rng_))
    cmp(lambda xp: xp.histogram(A(xp, a), bins=nb, range=rng_, weights=A(xp, w)), rtol=1e-12)
