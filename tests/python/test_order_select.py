"""median, percentile and quantile of one long row on CPU devices: the order
statistics selected from a sample's brackets (_statistics/_order.py
_select) instead of a partition of the whole row. NumPy's values exactly,
also for inputs that would mislead a strided sample (sorted, periodic,
constant, ties), and the partition where the selection declines (NaN, a bracket as
wide as the row)."""
import numpy
import pytest

import ndaccel
from ndaccel import _host_libraries
from ndaccel._statistics import _order

RNG = numpy.random.default_rng(5)
N = 1 << 17


def _cases():
    return {
        "random": RNG.random(N),
        "sorted": numpy.sort(RNG.random(N + 3)),
        "reversed": numpy.arange(N, 0, -1, dtype=numpy.float64),
        "periodic": numpy.tile(numpy.arange(64.0), N // 64),
        "constant": numpy.full(N, 3.0),
        "few values": RNG.integers(0, 10, N),
        "wide ints": RNG.integers(-10 ** 12, 10 ** 12, N + 1),
        "uint8": RNG.integers(0, 256, N).astype(numpy.uint8),
        "float32": RNG.standard_normal(N - 1).astype(numpy.float32),
        "float16": RNG.random(N).astype(numpy.float16),
        "signed zeros": numpy.where(RNG.random(N) < 0.5, -0.0, 0.0),
        "infinities": numpy.r_[RNG.random(N), numpy.inf, -numpy.inf, numpy.inf],
        "outliers": numpy.r_[RNG.random(N), 1e300 * RNG.standard_normal(500)],
    }


@pytest.fixture
def selecting(device, monkeypatch):
    """The selection applies (CPU devices whose memory the host maps); counts the
    partitions _ordered falls back to."""
    if not _host_libraries.maps(device.id):
        pytest.skip("the selection runs on devices whose memory the host maps")
    calls = []
    real = _order.partition

    def counted(*args, **kwargs):
        calls.append(args[0].shape)
        return real(*args, **kwargs)

    monkeypatch.setattr(_order, "partition", counted)
    return calls


def _same(got, want):
    got = numpy.asarray(got.get() if isinstance(got, ndaccel.ndarray) else got)
    assert got.dtype == numpy.asarray(want).dtype
    numpy.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("case", list(_cases()))
def test_selected_order_statistics_are_numpys(selecting, case):
    h = _cases()[case]
    d = ndaccel.asarray(h)
    with numpy.errstate(invalid="ignore"):
        _same(ndaccel.median(d), numpy.median(h))
        for q in (50, [5, 50, 95], [0, 100], [0.001, 99.999], 37.3):
            for method in ("linear", "lower", "higher", "nearest", "midpoint"):
                _same(ndaccel.percentile(d, q, method=method),
                      numpy.percentile(h, q, method=method))
        _same(ndaccel.quantile(d, [0.25, 0.75]), numpy.quantile(h, [0.25, 0.75]))
    assert selecting == []  # every one selected, no partition of the row


def test_whole_arrays_of_several_axes(selecting):
    h = RNG.standard_normal((300, 500))
    d = ndaccel.asarray(h)
    _same(ndaccel.median(d), numpy.median(h))
    _same(ndaccel.median(d, axis=(0, 1)), numpy.median(h, axis=(0, 1)))
    _same(ndaccel.percentile(d[:, ::2], 90), numpy.percentile(h[:, ::2], 90))  # strided
    _same(ndaccel.median(d, keepdims=True), numpy.median(h, keepdims=True))
    assert selecting == []


def test_where_the_selection_declines(selecting):
    h = RNG.random(N)
    h[777] = numpy.nan
    d = ndaccel.asarray(h)
    _same(ndaccel.median(d), numpy.median(h))  # a NaN: NaN, by the partition
    assert len(selecting) == 1
    g = RNG.random(N)
    q = numpy.linspace(0, 100, 101)  # brackets covering the whole row
    _same(ndaccel.percentile(ndaccel.asarray(g), q), numpy.percentile(g, q))
    assert len(selecting) == 2
    small = RNG.random(1000)  # short rows: the partition
    _same(ndaccel.median(ndaccel.asarray(small)), numpy.median(small))
    assert len(selecting) == 3
    rows = RNG.random((4, N // 4))  # one statistic per row: the partition
    _same(ndaccel.median(ndaccel.asarray(rows), axis=1), numpy.median(rows, axis=1))
    assert len(selecting) == 4


def test_a_misleading_sample_falls_back(selecting, monkeypatch):
    """Where the brackets miss the ranks (here: a sample that is not h's), the
    partition answers."""
    h = RNG.random(N)
    real_sort = numpy.sort
    monkeypatch.setattr(_order.numpy, "sort", lambda x, *a, **k: real_sort(x * 0.5))
    try:
        got = ndaccel.median(ndaccel.asarray(h))
    finally:
        monkeypatch.setattr(_order.numpy, "sort", real_sort)
    _same(got, numpy.median(h))
    assert len(selecting) == 1
