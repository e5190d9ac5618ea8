"""The host-libraries policy of CPU devices (_host_libraries.py): NumPy's
sorts and the host's BLAS run on the arrays' own storage where the device's
memory is host memory (mapped, no copy), else on host copies. Both routes
against NumPy, results that do not alias their inputs, pending inputs, and
no buffer left held by a mapping afterwards."""
import gc

import numpy
import pytest

import ndaccel
from ndaccel import _core, _host_libraries

RNG = numpy.random.default_rng(11)


@pytest.fixture(params=["mapped", "copies"])
def route(request, monkeypatch, device):
    if not _host_libraries.applies(device.id):
        pytest.skip("the policy applies to CPU devices only")
    if request.param == "mapped" and not _host_libraries.memory_is_host(device.id):
        pytest.skip("the device's memory is not host memory")
    if request.param == "copies":
        monkeypatch.setattr(_host_libraries, "memory_is_host", lambda device_id: False)
    return request.param


@pytest.mark.parametrize("axis", [-1, 0, None])
@pytest.mark.parametrize("dtype", ["float64", "int16", "complex64"])
def test_sort_and_argsort(route, axis, dtype):
    h = (RNG.standard_normal((7, 9)) * 10).astype(dtype)
    a = ndaccel.asarray(h)
    s = ndaccel.sort(a + 0, axis=axis)          # a pending input
    numpy.testing.assert_array_equal(s.get(), numpy.sort(h + 0, axis=axis))
    i = ndaccel.argsort(a, axis=axis, kind="quicksort")
    numpy.testing.assert_array_equal(numpy.take_along_axis(h.reshape(-1) if axis is None else h,
                                                           i.get(), -1 if axis is None else axis),
                                     numpy.sort(h, axis=axis))
    s[...] = 0                                   # the result is its own storage
    numpy.testing.assert_array_equal(a.get(), h)


def _tied_cases():
    zeros_nans = numpy.array([0.0, -0.0, numpy.nan, 1.0, -numpy.nan, -0.0, 0.0, -numpy.inf])
    return {
        "int ties": RNG.integers(0, 5, 1000),
        "int ties, threaded": RNG.integers(-3, 3, 70000),
        "float zeros and NaNs": numpy.tile(zeros_nans, 40),
        "float32 ties": (RNG.random(100000) * 100).astype(numpy.float32),
        "bool": RNG.integers(0, 2, 500).astype(bool),
        "int8 3-d": RNG.integers(-3, 3, (4, 50, 6)).astype(numpy.int8),
        "uint16 rows": RNG.integers(0, 4, (30, 400)).astype(numpy.uint16),
        "float16": RNG.integers(0, 9, 3000).astype(numpy.float16),
        "distinct": RNG.random(5000),
        "all equal": numpy.full(777, 2.5),
        "all NaN": numpy.full(99, numpy.nan),
    }


@pytest.mark.parametrize("case", list(_tied_cases()))
@pytest.mark.parametrize("how", [{}, {"kind": "stable"}, {"stable": True}])
def test_argsort_is_stable_by_default(route, case, how):
    """Without an unstable kind, argsort gives the stable order: on CPU devices NumPy's
    quicksort with each run of equal keys (NaNs, signed zeros) put in index order."""
    h = _tied_cases()[case]
    a = ndaccel.asarray(h)
    for axis in [None, -1, 0] + list(range(1, h.ndim)):
        got = ndaccel.argsort(a, axis=axis, **how).get()
        want = numpy.argsort(h, axis=axis, kind="stable")
        assert got.dtype == numpy.int64
        numpy.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("shapes", [((5, 4), (4, 3)), ((2, 5, 4), (4, 3)), ((3,), (3, 2)),
                                    ((6, 2), (2,))])
def test_matmul(route, shapes):
    ha, hb = (RNG.standard_normal(s) for s in shapes)
    a, b = ndaccel.asarray(ha), ndaccel.asarray(hb)
    got = (a * 2) @ b.T.T
    numpy.testing.assert_allclose(got.get(), (ha * 2) @ hb, rtol=1e-12)
    numpy.testing.assert_allclose((a.T.T @ b).get(), ha @ hb, rtol=1e-12)


def test_no_buffer_held_afterwards(route, device):
    gc.collect()
    before = _core.pool_info(device.id)["live_bytes"]
    a = ndaccel.asarray(RNG.standard_normal((64, 64)))
    r = [ndaccel.sort(a), a @ a, ndaccel.argsort(a, kind="heapsort")]
    del a, r
    gc.collect()
    assert _core.pool_info(device.id)["live_bytes"] == before


@pytest.mark.parametrize("use", [True, False], ids=["host-libraries", "device-kernels"])
@pytest.mark.parametrize("dtype", ["float64", "int32", "bool"])
def test_unique(route, monkeypatch, use, dtype):
    monkeypatch.setattr(_host_libraries, "USE", use)
    h = (RNG.integers(0, 7, (6, 5)) - 2).astype(dtype)
    if dtype == "float64":
        h[0, :2] = numpy.nan
    a = ndaccel.asarray(h)
    for flags in [{}, {"return_counts": True},
                  {"return_index": True, "return_inverse": True, "return_counts": True}]:
        got = ndaccel.unique(a, **flags)
        want = numpy.unique(h, **flags)
        got = got if isinstance(got, tuple) else (got,)
        want = want if isinstance(want, tuple) else (want,)
        for g, w in zip(got, want):
            assert g.shape == w.shape and g.dtype == w.dtype
            numpy.testing.assert_array_equal(g.get(), w)


# arange's values written on the host (_ranges._host_store_affine, the C loop of
# python/ext/host_fill.c) and by the kernels: blocks of 16 and a rest, wrapping
# integers, negative and fractional steps, against numpy.arange exactly.
ARANGE_CASES = [((37,), {}), ((5, 100_003, 7), {}), ((2**62, 2**62 + 4000), {}),
                ((100, -150, -3), {"dtype": "int8"}), ((0, 70_000), {"dtype": "uint16"}),
                ((2**64 - 40, 2**64 - 1), {"dtype": "uint64"}), ((-7, 100_000, 3), {"dtype": "int32"}),
                ((0.1, 300.0, 0.0137), {}), ((1e10, -1e10, -3.3e5), {}), ((2.5,), {"dtype": "float32"}),
                ((0.3, 1e5, 0.7), {"dtype": "float32"}), ((17, 0, -1), {"dtype": "float64"})]


@pytest.mark.parametrize("use", [True, False], ids=["host-libraries", "device-kernels"])
@pytest.mark.parametrize("args,kw", ARANGE_CASES)
def test_arange(monkeypatch, device, use, args, kw):
    monkeypatch.setattr(_host_libraries, "USE", use)
    got, want = ndaccel.arange(*args, **kw), numpy.arange(*args, **kw)
    assert got.dtype == want.dtype and got.shape == want.shape
    numpy.testing.assert_array_equal(got.get(), want)
    got[...] = 0                                 # the result is its own storage
    numpy.testing.assert_array_equal(ndaccel.arange(*args, **kw).get(), want)


def test_host_fill_affine_refuses_what_it_cannot_fill():
    for buf, kind in [(numpy.empty(3, "complex128"), "f"), (numpy.empty(3, "float16"), "f"),
                      (numpy.empty(3), "x"), (numpy.empty(3), "ff")]:
        with pytest.raises(ValueError):
            _core.host_fill_affine(buf, kind, 0.0, 1.0)
    ro = numpy.zeros(3, "int64")
    ro.flags.writeable = False
    with pytest.raises((BufferError, TypeError, ValueError)):
        _core.host_fill_affine(ro, "i", 0, 1)
    with pytest.raises(ValueError):                 # not C-contiguous
        _core.host_fill_affine(numpy.zeros(6)[::2], "f", 0.0, 1.0)
    assert not ro.any()


FILL_CASES = [("float64", -0.0), ("float64", numpy.nan), ("float64", 3.25), ("float32", -1.5),
              ("float16", 65504.0), ("complex128", 1 - 2j), ("complex64", -0.0 + 3j),
              ("bool", True), ("int8", -1), ("uint16", 65535), ("int32", -7),
              ("uint64", 2**64 - 1), ("int64", 0)]


@pytest.mark.parametrize("n", [1, 3, 1000, 262_147, 1_000_003])
@pytest.mark.parametrize("use", [True, False], ids=["host-libraries", "device-kernels"])
def test_full_fills_every_element(monkeypatch, device, use, n):
    """full/zeros/ones of every dtype, sizes around the host fill's split into
    threads (2 MiB), values whose bytes differ (-0.0, NaN, complex) or repeat
    (0, -1): NumPy's bytes in every element, none past the end."""
    monkeypatch.setattr(_host_libraries, "USE", use)
    for dtype, value in FILL_CASES:
        big = ndaccel.full(n + 64, 7, dtype=dtype, device=device)  # storage to reuse
        del big
        got, want = ndaccel.full(n, value, dtype=dtype, device=device), numpy.full(n, value, dtype)
        assert got.get().tobytes() == want.tobytes(), (dtype, value)
    numpy.testing.assert_array_equal(ndaccel.zeros((n, 2), "int16", device=device).get(),
                                     numpy.zeros((n, 2), "int16"))
    numpy.testing.assert_array_equal(ndaccel.ones(n, device=device).get(), numpy.ones(n))


def test_host_fill_refuses_what_it_cannot_fill(device):
    if not _host_libraries.memory_is_host(device.id):
        pytest.skip("host_fill writes host memory in place")
    a = ndaccel.zeros((40, 50), device=device)
    assert not _core.host_fill(a[:, ::2], numpy.float64(1).tobytes(), 2)  # not contiguous
    assert not _core.host_fill(a + 1, numpy.float64(1).tobytes(), 2)      # pending
    with pytest.raises(ValueError, match="4-byte value for float64"):
        _core.host_fill(a, numpy.float32(1).tobytes(), 2)
    assert _core.host_fill(a[10:20], numpy.float64(2).tobytes(), 4)      # at an offset
    want = numpy.zeros((40, 50))
    want[10:20] = 2
    numpy.testing.assert_array_equal(a.get(), want)
    reader = a + 1                                    # pending: runs before the fill
    assert _core.host_fill(a, numpy.float64(5).tobytes(), 2)
    numpy.testing.assert_array_equal(reader.get(), want + 1)
    numpy.testing.assert_array_equal(a.get(), numpy.full((40, 50), 5.0))
    ro = ndaccel.zeros(10, device=device)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        _core.host_fill(ro, numpy.float64(1).tobytes(), 2)


@pytest.mark.parametrize("shape", [(1,), (7,), (262_147,), (1_000_003,), (3, 5), (513, 1021),
                                   (4, 1, 70_001), (2, 3, 5, 7), (1, 1, 1, 300_007),
                                   (300_001, 1), (2, 1, 3, 1, 50_001), (1, 1)])
def test_host_nonzero(device, shape):
    """_core.host_nonzero against numpy.nonzero: dtypes, ranks, sizes around the
    split into threads, densities from none to all (floats by value: -0.0 is
    zero, NaN is not), 1 to 16 threads, pending inputs and views at an offset."""
    if not _host_libraries.memory_is_host(device.id):
        pytest.skip("host_nonzero reads host memory in place")
    rng = numpy.random.default_rng(sum(shape))
    n = int(numpy.prod(shape))
    for density in (0.0, 0.003, 0.5, 1.0):
        keep = rng.random(n) < density
        for dtype in ("bool", "int8", "uint16", "int32", "int64", "float32", "float64"):
            h = numpy.where(keep, rng.integers(1, 100, n), 0).astype(dtype)
            if dtype.startswith("float"):
                h[~keep] = -0.0
                h[keep & (rng.random(n) < 0.1)] = numpy.nan
            h = h.reshape(shape)
            a = ndaccel.asarray(h, device=device)
            want = numpy.nonzero(h)
            for threads in (1, 2, 16):
                got = _core.host_nonzero(a, threads)
                assert len(got) == len(want)
                for g, w in zip(got, want):
                    assert g.dtype == numpy.int64 and g.shape == w.shape
                    numpy.testing.assert_array_equal(g.get(), w)
    h = rng.normal(size=shape)
    a = ndaccel.asarray(h, device=device)
    for got, want in zip(_core.host_nonzero(a > 0.3, 2), numpy.nonzero(h > 0.3)):  # pending
        numpy.testing.assert_array_equal(got.get(), want)
    flat = ndaccel.asarray(h.reshape(-1), device=device)
    numpy.testing.assert_array_equal(ndaccel.nonzero(flat[n // 3:] > 0)[0].get(),
                                     numpy.nonzero(h.reshape(-1)[n // 3:] > 0)[0])


def test_host_nonzero_declines(device):
    if not _host_libraries.memory_is_host(device.id):
        pytest.skip("host_nonzero reads host memory in place")
    a = ndaccel.asarray(numpy.arange(12.0).reshape(3, 4), device=device)
    for x in (a[:, ::2], a.T, a.astype("float16"), a.astype("complex128"),
              ndaccel.asarray(5.0, device=device)):  # 0-d
        assert _core.host_nonzero(x, 2) is NotImplemented
    for x, h in ((a[:, ::2], a.get()[:, ::2]), (a.astype("complex64"), a.get().astype("complex64"))):
        for got, want in zip(ndaccel.nonzero(x), numpy.nonzero(h)):  # NumPy's nonzero then
            numpy.testing.assert_array_equal(got.get(), want)


def test_argsort_raises_what_the_values_sort_raised(route, monkeypatch):
    """The values' sort runs on a second thread from 64k elements; its error reaches the
    caller (after the argsort's thread joined it)."""
    if route != "mapped":
        pytest.skip("the stable argsort from quicksort reads the storage in place")
    a = ndaccel.asarray(RNG.integers(0, 9, 70000))

    def fails(*args, **kwargs):
        raise MemoryError("no room for the sorted values")
    monkeypatch.setattr(numpy, "sort", fails)
    with pytest.raises(MemoryError, match="no room"):
        ndaccel.argsort(a)
