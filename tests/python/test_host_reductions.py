"""Reductions of stored arrays on CPU devices call NumPy on the storage over
every axis (sums not in float16/float32/complex64), max/min/any/all over any
axes of wide C-contiguous arrays, and argmax/argmin along rows of 16+
(_statistics/_host_reductions.py): NumPy's result to the
last bit and its dtype, over dtypes, views, keepdims/dtype/initial/out,
NaNs; the kernels not launched; pending expressions, narrow or strided
arrays and guarded transfers kept on the kernels; a stored array whose
producing kernel is still queued read after it ran."""
import numpy
import pytest

import ndaccel
from ndaccel import _core, _host_libraries

RNG = numpy.random.default_rng(5)
# NumPy's side of a comparison overflows in prod of 4099 values, as ours does quietly.
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning",
                                        "ignore:invalid value encountered:RuntimeWarning")

DTYPES = ["float64", "float32", "float16", "complex128", "int8", "int64", "uint16", "bool"]
FUNCS = ["sum", "prod", "max", "min", "any", "all", "count_nonzero", "argmax", "argmin"]


@pytest.fixture
def host_route(device, monkeypatch):
    """The route applies here; the reduction kernels would fail if launched."""
    if not (_host_libraries.applies(device.id) and _host_libraries.memory_is_host(device.id)):
        pytest.skip("the route applies to CPU devices whose memory is host memory")

    def no_kernel(*args):
        raise AssertionError("a reduction kernel was launched")
    for name in ("reduce_all", "reduce_axes", "arg_extreme"):
        monkeypatch.setattr(_core, name, no_kernel)


def values(dtype, shape):
    h = RNG.standard_normal(shape) * 3
    if dtype == "complex128":
        h = h + 1j * RNG.standard_normal(shape)
    if dtype == "bool":
        return h > 0
    if numpy.dtype(dtype).kind in "iu":
        return (h * 10).astype(dtype)
    return h.astype(dtype)


def same(got, want):
    """Same value and type as NumPy's, NaNs included."""
    assert type(got) is type(want), (type(got), type(want))
    if isinstance(want, numpy.ndarray):
        assert got.dtype == want.dtype and got.shape == want.shape
    numpy.testing.assert_array_equal(numpy.asarray(got), numpy.asarray(want))


KERNEL_SUMS = {"float16", "float32", "complex128"}  # (and complex64) sums stay on the kernels


@pytest.mark.parametrize("func", FUNCS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_bit_identical_to_numpy(host_route, func, dtype):
    if func in ("sum", "prod") and dtype in KERNEL_SUMS:
        pytest.skip("the kernels sum in this accumulator (test_kernels_keep_...)")
    h = values(dtype, 4099)
    same(getattr(ndaccel, func)(ndaccel.asarray(h)), getattr(numpy, func)(h))


@pytest.mark.parametrize("view", ["2-d", "transposed", "step", "reversed", "broadcast"])
def test_views(host_route, view):
    h = values("float64", (37, 41))
    take = {"2-d": lambda x: x, "transposed": lambda x: x.T, "step": lambda x: x[::3, 1::2],
            "reversed": lambda x: x[::-1],
            "broadcast": lambda x: (numpy if isinstance(x, numpy.ndarray) else ndaccel)
            .broadcast_to(x[:1], (5, 41))}[view]
    a = ndaccel.asarray(h)
    for func in FUNCS:
        same(getattr(ndaccel, func)(take(a)), getattr(numpy, func)(take(h)))


def test_arguments(host_route):
    h = values("int16", (6, 7))
    a = ndaccel.asarray(h)
    for func, kw in [("sum", {"dtype": numpy.int8}), ("sum", {"dtype": numpy.float64}),
                     ("prod", {"dtype": numpy.float64}), ("sum", {"initial": 5}),
                     ("max", {"initial": 10**4}), ("min", {"initial": -(10**4)}),
                     ("sum", {"axis": (0, 1)}),
                     ("argmax", {"keepdims": True}), ("argmin", {"keepdims": True})]:
        got, want = getattr(a, func)(**kw), getattr(h, func)(**kw)
        same(got.get() if isinstance(got, ndaccel.ndarray) else got, want)
    for func in ("sum", "prod", "max", "min", "any", "all"):
        got = getattr(ndaccel, func)(a, keepdims=True)
        assert isinstance(got, ndaccel.ndarray)
        same(got.get(), getattr(numpy, func)(h, keepdims=True))
    v = ndaccel.asarray(h[0])
    same(ndaccel.argmax(v, axis=0), numpy.argmax(h[0], axis=0))
    out = ndaccel.zeros((), dtype=numpy.int64)
    assert ndaccel.sum(a, out=out) is out
    same(out.get(), numpy.sum(h, out=numpy.zeros((), dtype=numpy.int64)))
    out = ndaccel.zeros((), dtype=numpy.int64)
    assert ndaccel.argmin(v, out=out) is out
    assert int(out.get()) == numpy.argmin(h[0])


@pytest.mark.parametrize("axis", [0, 1, -1, (0, 2), (1, 2)])
@pytest.mark.parametrize("dtype", ["float64", "int32", "bool"])
def test_axes_of_wide_arrays(host_route, axis, dtype):
    """Any axes of a C-contiguous array with 512+ elements per row."""
    h = values(dtype, (3, 4, 600))
    a = ndaccel.asarray(h)
    for func in ["max", "min", "any", "all", "count_nonzero"]:
        for keepdims in (False, True):
            got = getattr(ndaccel, func)(a, axis=axis, keepdims=keepdims)
            same(got.get(), getattr(numpy, func)(h, axis=axis, keepdims=keepdims))


def test_arg_extremes_along_rows(host_route):
    h = values("float32", (50, 17))
    h[3, [2, 9]] = numpy.nan
    a = ndaccel.asarray(h)
    for func in ["argmax", "argmin"]:
        for axis in (1, -1):
            same(getattr(ndaccel, func)(a, axis=axis).get(), getattr(numpy, func)(h, axis=axis))
        same(getattr(ndaccel, func)(a, axis=1, keepdims=True).get(),
             getattr(numpy, func)(h, axis=1, keepdims=True))
    with pytest.raises(ValueError, match="All-NaN slice encountered"):
        ndaccel.nanargmax(ndaccel.asarray(numpy.full((2, 20), numpy.nan)), axis=1)


def test_nans(host_route):
    h = values("float64", 1000)
    h[[3, 500]] = numpy.nan
    a = ndaccel.asarray(h)
    for func in FUNCS + ["nanargmax", "nanargmin"]:
        same(getattr(ndaccel, func)(a), getattr(numpy, func)(h))
    with pytest.raises(ValueError, match="All-NaN slice encountered"):
        ndaccel.nanargmax(ndaccel.full(100, numpy.nan))


def test_quiet_as_the_kernels(host_route):
    """No NumPy floating-point warning (the device's kernels give none)."""
    import warnings
    a = ndaccel.asarray(numpy.array([1e308, 1e308, -numpy.inf, numpy.inf]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = [ndaccel.sum(a), ndaccel.prod(a), ndaccel.sum(a[:2]), ndaccel.mean(a[:2])]
    assert numpy.isnan(got[0]) and got[1] == -numpy.inf and got[2] == got[3] == numpy.inf


def test_result_is_its_own_array(host_route):
    h = values("float64", 300)
    a = ndaccel.asarray(h)
    r = ndaccel.max(a, keepdims=True)
    r[...] = 0
    numpy.testing.assert_array_equal(a.get(), h)
    assert float(ndaccel.max(a)) == h.max()


def test_reads_after_the_queued_kernel_that_writes(device):
    """A stored array written by a kernel still in the device's queue: the
    route waits for it (whatever route the device takes)."""
    h = values("float64", 1 << 20)
    a = ndaccel.asarray(h)
    c = ndaccel.empty_like(a)
    for k in range(1, 4):
        ndaccel.multiply(a, float(k), out=c)
        assert float(c.sum()) == numpy.sum(h * k)
        assert int(ndaccel.argmax(c)) == numpy.argmax(h * k)


def test_kernels_keep_pending_and_axis_reductions(device, monkeypatch):
    def no_host(*args, **kwargs):
        raise AssertionError("NumPy was called on the storage")
    monkeypatch.setattr(_host_libraries, "host_view", no_host)
    h = values("float64", (64, 32))
    a = ndaccel.asarray(h)
    numpy.testing.assert_allclose(float(ndaccel.sum(a * 2)), numpy.sum(h * 2), rtol=1e-12)
    numpy.testing.assert_allclose(ndaccel.sum(a, axis=1).get(), numpy.sum(h, axis=1), rtol=1e-12)
    numpy.testing.assert_array_equal(ndaccel.max(a, axis=0).get(), numpy.max(h, axis=0))
    assert int(ndaccel.argmax(a, axis=0)[0]) == numpy.argmax(h, axis=0)[0]
    for dt in ("float32", "float16", "complex64", "complex128"):  # the kernels' sums win there
        hs = values("float64", 3000).astype(dt)
        for func in ("sum", "mean"):
            numpy.testing.assert_allclose(getattr(ndaccel, func)(ndaccel.asarray(hs)),
                                          getattr(numpy, func)(hs), rtol=2e-2)
    w = ndaccel.asarray(values("float64", (4, 1200)))
    numpy.testing.assert_allclose(ndaccel.sum(w, axis=1).get(), w.get().sum(axis=1), rtol=1e-12)
    numpy.testing.assert_array_equal(ndaccel.max(w.T, axis=0).get(), w.get().T.max(axis=0))
    numpy.testing.assert_array_equal(ndaccel.max(w[:, ::2], axis=1).get(),
                                     w.get()[:, ::2].max(axis=1))
    assert ndaccel.argmax(ndaccel.asarray(values("int8", (3, 15))), axis=1).shape == (3,)
    assert float(ndaccel.max(ndaccel.asarray(numpy.float64(2.5)))) == 2.5  # 0-d
    with ndaccel.transfer_guard("disallow"):  # no hidden host work under a guard
        r = ndaccel.sum(a, keepdims=True)
    numpy.testing.assert_allclose(r.get(), numpy.sum(h, keepdims=True), rtol=1e-12)


def test_empty_arrays_keep_numpy_errors(device):
    e = ndaccel.zeros((0, 3))
    with pytest.raises(ValueError):
        ndaccel.max(e)
    with pytest.raises(ValueError):
        ndaccel.argmax(e)
    assert float(ndaccel.sum(e)) == 0.0
