"""The binning kernels (nda/binning.h) behind bincount, histogram,
searchsorted and digitize, against NumPy: partial histograms over chunk
boundaries, weights, strided and offset views, out-of-range and NaN values,
the sort fallback beyond the kernel's bins; binary searches over dtypes,
sides, NaN order, mixed dtypes, empty inputs and scalars."""
import numpy
import pytest
from hypothesis import given, settings, strategies as st

import ndaccel
from xp_util import special_values, xp_compare


def _ints(n, hi, seed=0):
    return numpy.random.default_rng(seed).integers(0, hi, n)


@pytest.mark.parametrize("n", [1, 255, 256, 257, 4099, 100_003])
@pytest.mark.parametrize("nbins", [1, 7, 64])
def test_bincount_counts_and_weights(n, nbins):
    x = _ints(n, nbins)
    w = numpy.random.default_rng(1).random(n)
    xp_compare(lambda xp: xp.bincount(xp.asarray(x)))
    xp_compare(lambda xp: xp.bincount(xp.asarray(x), minlength=nbins + 5))
    xp_compare(lambda xp: xp.bincount(xp.asarray(x), weights=xp.asarray(w)), rtol=1e-12)


def test_bincount_views_small_int_dtypes_and_int_weights():
    x = _ints(10_000, 30, seed=2)
    w = numpy.random.default_rng(3).integers(-5, 5, 10_000)
    xp_compare(lambda xp: xp.bincount(xp.asarray(x)[3::7]))
    xp_compare(lambda xp: xp.bincount(xp.asarray(x)[500:], weights=xp.asarray(w)[:-500]),
               rtol=1e-12)
    xp_compare(lambda xp: xp.bincount(xp.asarray(x.astype(numpy.uint8))))
    xp_compare(lambda xp: xp.bincount(xp.asarray(x.astype(numpy.int16)), minlength=0))


def test_bincount_many_bins_take_the_sort_path():
    big = ndaccel._core.bincount_max_bins(ndaccel.asarray([0])) + 10
    x = numpy.array([0, 3, big - 1, 3, 17], dtype=numpy.int64)
    w = numpy.array([0.5, 1.0, 2.0, 4.0, 8.0])
    xp_compare(lambda xp: xp.bincount(xp.asarray(x)))
    xp_compare(lambda xp: xp.bincount(xp.asarray(x), weights=xp.asarray(w)))


@pytest.mark.parametrize("call", [
    lambda xp: xp.bincount(xp.asarray([1, -1, 2])),
    lambda xp: xp.bincount(xp.asarray([1.0, 2.0])),
    lambda xp: xp.bincount(xp.asarray([1, 2]), weights=xp.asarray([1.0])),
    lambda xp: xp.bincount(xp.asarray([1, 2]), minlength=-1),
    lambda xp: xp.bincount(xp.asarray(numpy.zeros(0, numpy.int64)), minlength=3),
])
def test_bincount_edges_and_errors(call):
    xp_compare(call)


@pytest.mark.parametrize("dt", ["float64", "float32", "int64"])
def test_histogram_uniform_bins_with_outside_values_and_nan(dt):
    rng = numpy.random.default_rng(4)
    a = (rng.normal(size=50_000) * 3).astype(dt)
    if a.dtype.kind == "f":
        a[::997] = numpy.nan
    xp_compare(lambda xp: xp.histogram(xp.asarray(a), bins=64, range=(-4, 4)))
    xp_compare(lambda xp: xp.histogram(xp.asarray(a), bins=5, range=(-1, 2), density=True),
               rtol=1e-12)


def test_histogram_weights_real_int_complex_and_edges_array():
    rng = numpy.random.default_rng(5)
    a = rng.normal(size=20_000)
    w = rng.random(20_000)
    wi = rng.integers(0, 9, 20_000)
    wc = w + 1j * rng.random(20_000)
    edges = numpy.array([-3.0, -1.0, -0.5, 0.0, 0.1, 2.0, 5.0])
    xp_compare(lambda xp: xp.histogram(xp.asarray(a), bins=16, weights=xp.asarray(w)), rtol=1e-12)
    xp_compare(lambda xp: xp.histogram(xp.asarray(a), bins=16, weights=xp.asarray(wi)))
    xp_compare(lambda xp: xp.histogram(xp.asarray(a), bins=16, weights=xp.asarray(wc)), rtol=1e-12)
    xp_compare(lambda xp: xp.histogram(xp.asarray(a), bins=xp.asarray(edges)))
    xp_compare(lambda xp: xp.histogram(xp.asarray(a[:0]), bins=4, range=(0, 1)))


@pytest.mark.parametrize("dt", ["float64", "float32", "float16", "int8", "uint16", "int64",
                                "uint64"])
@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted_special_values(dt, side):
    a = numpy.sort(special_values(dt))
    v = special_values(dt)[::-1]
    xp_compare(lambda xp: xp.searchsorted(xp.asarray(a), xp.asarray(v), side=side))
    xp_compare(lambda xp: xp.searchsorted(xp.asarray(a), xp.asarray(v.reshape(-1, 1)), side=side))


def test_searchsorted_mixed_dtypes_scalars_empty_sorter_and_views():
    a = numpy.array([1, 3, 3, 5, 9], dtype=numpy.int32)
    order = numpy.array([4, 0, 2, 1, 3])
    shuffled = numpy.array([9, 1, 3, 5, 3], dtype=numpy.int32)
    xp_compare(lambda xp: xp.searchsorted(xp.asarray(a), 3.5))
    xp_compare(lambda xp: xp.searchsorted(xp.asarray(a), 3, side="right"))
    xp_compare(lambda xp: xp.searchsorted(xp.asarray(a), xp.asarray([2.5, -1e300, 1e300])))
    xp_compare(lambda xp: xp.searchsorted(xp.asarray(a.astype(numpy.uint64)),
                                          xp.asarray(numpy.array([-1, 4], numpy.int64))))
    xp_compare(lambda xp: xp.searchsorted(xp.asarray(a[:0]), xp.asarray([1, 2])))
    xp_compare(lambda xp: xp.searchsorted(xp.asarray(a), xp.asarray(a[:0])))
    xp_compare(lambda xp: xp.searchsorted(xp.asarray(shuffled), xp.asarray([0, 3, 10]),
                                          sorter=xp.asarray(order[[1, 2, 4, 3, 0]])))
    big = numpy.arange(0, 2000, 2, dtype=numpy.float64)
    xp_compare(lambda xp: xp.searchsorted(xp.asarray(big)[1::3], xp.asarray(big)[::-5] + 1))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-50, 50), max_size=40), st.lists(st.integers(-60, 60), max_size=40),
       st.sampled_from(["left", "right"]))
def test_searchsorted_property(a, v, side):
    a = numpy.sort(numpy.array(a, dtype=numpy.int64))
    v = numpy.array(v, dtype=numpy.int64)
    got = ndaccel.searchsorted(ndaccel.asarray(a), ndaccel.asarray(v), side=side)
    assert (got.get() == numpy.searchsorted(a, v, side=side)).all()


@pytest.mark.parametrize("right", [False, True])
def test_digitize_increasing_and_decreasing(right):
    x = numpy.random.default_rng(6).normal(size=30_000)
    x[::1001] = numpy.nan
    inc = numpy.linspace(-2, 2, 33)
    xp_compare(lambda xp: xp.digitize(xp.asarray(x), xp.asarray(inc), right=right))
    xp_compare(lambda xp: xp.digitize(xp.asarray(x), xp.asarray(inc[::-1].copy()), right=right))


def test_add_at_float64_sums_by_bincount():
    """add.at into float64 with repeated indices takes the counting kernel:
    values agree with NumPy's sequential loop to rounding, untouched elements
    (a -0.0 here) keep their bits, views with negative steps work."""
    rng = numpy.random.default_rng(7)
    idx = rng.integers(0, 50, 20_000)
    vals = rng.random(20_000)

    def run(xp):
        a = xp.zeros(60)
        a[55] = -0.0
        xp.add.at(a, xp.asarray(idx), xp.asarray(vals))
        b = xp.arange(20.0)
        xp.add.at(b[::-3], xp.asarray([0, 2, 2, 5]), xp.asarray(numpy.array([1, 2, 3, 4])))
        return a, b

    got = xp_compare(run, rtol=1e-12)
    assert numpy.signbit(got[0].get()[55])
