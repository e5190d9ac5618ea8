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


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
def test_count_nonzero_of_pending_expressions(host_route, axis):
    """count_nonzero(a > 0.5), of a difference, of a mask's negation: the
    pending value is stored and NumPy counts it (no reduction kernel)."""
    h, g = values("float64", (300, 700)), values("float64", (300, 700))
    a, b = ndaccel.asarray(h), ndaccel.asarray(g)
    for f in (lambda xp, x, y: x > 0.5, lambda xp, x, y: x - y.round(),
              lambda xp, x, y: ~(x < y), lambda xp, x, y: (x * 0).astype(xp.int32)):
        got = ndaccel.count_nonzero(f(ndaccel, a, b), axis=axis)
        want = numpy.count_nonzero(f(numpy, h, g), axis=axis)
        same(got.get() if isinstance(got, ndaccel.ndarray) else got, want)


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


# ---- the host loops of whole-array reductions (_core.host_reduce) ----

LOOP_KINDS = ["sum", "mean", "max", "min", "argmax", "argmin", "count_nonzero"]
LOOP_DTYPES = ["float64", "float32", "bool", "int8", "uint8", "int16", "uint16", "int32",
               "uint32", "int64", "uint64"]


def spread(dtype, n, seed):
    """Values whose sums depend on the order of additions: floats over 12
    decades with both signs, integers over the dtype's whole range (sums wrap)."""
    rng = numpy.random.default_rng(seed)
    if dtype == "bool":
        return rng.integers(0, 2, n).astype(bool)
    if numpy.dtype(dtype).kind == "f":
        return (rng.standard_normal(n) * 10.0 ** rng.integers(-6, 6, n)).astype(dtype)
    info = numpy.iinfo(dtype)
    return rng.integers(info.min, info.max, n, dtype=dtype, endpoint=True)


def bits(x):
    return type(x), numpy.asarray(x).tobytes()


# Sizes around the pairwise block (128), NumPy's buffer (8192), the split
# into threads (262144) and odd tails.
@pytest.mark.parametrize("n", [1, 7, 8, 9, 127, 128, 129, 1000, 8191, 8192, 8193, 70001,
                               262143, 262144, 262145, 1000003])
def test_loops_give_numpy_bits(device, n):
    if not _host_libraries.memory_is_host(device.id):
        pytest.skip("the loops read host memory in place")
    for k, dtype in enumerate(LOOP_DTYPES):
        h = spread(dtype, n, n * 31 + k)
        a = ndaccel.asarray(h, device=device)
        for kind in LOOP_KINDS:
            want = getattr(numpy, kind)(h)
            for threads in (1, 2, 3, 4):
                got = _core.host_reduce(kind, a, threads, 8192)
                assert bits(got) == bits(want), (n, dtype, kind, threads, got, want)


def test_loops_with_many_threads_and_odd_splits(device):
    """More threads than cores (16, 64: pieces capped at 64), sizes whose
    split into pieces of whole cache lines is uneven, extremes repeated all
    over (argmax/argmin: the first, whichever vector lane and piece holds
    it), and float32 means of more elements than float32 counts exactly
    (NumPy divides in float64)."""
    if not _host_libraries.memory_is_host(device.id):
        pytest.skip("the loops read host memory in place")
    for n in (2**20 + 1, 2**20 + 64, 3 * 2**18 - 5):
        ties = numpy.random.default_rng(n).integers(1, 6, n)  # first of many equal extremes
        for h in (numpy.arange(n, dtype=numpy.int64), spread("float64", n, n),
                  spread("int8", n, n + 1), ties.astype(numpy.float64),
                  ties.astype(numpy.float32), -ties.astype(numpy.float64)):
            a = ndaccel.asarray(h, device=device)
            for kind in LOOP_KINDS:
                want = getattr(numpy, kind)(h)
                for threads in (5, 16, 64):
                    got = _core.host_reduce(kind, a, threads, 8192)
                    assert bits(got) == bits(want), (n, h.dtype, kind, threads, got, want)
    h = numpy.ones(2**24 + 1, dtype=numpy.float32)
    h[::3] = 1.5
    a = ndaccel.asarray(h, device=device)
    for kind in ("mean", "sum"):
        assert bits(_core.host_reduce(kind, a, 2, 8192)) == bits(getattr(numpy, kind)(h))


def test_loops_mean_follows_numpy_buffer_size(device):
    if not _host_libraries.memory_is_host(device.id):
        pytest.skip("the loops read host memory in place")
    h = spread("int64", 50001, 3)
    a = ndaccel.asarray(h, device=device)
    for size in (8192, 1024, 20000):
        old = numpy.setbufsize(size)
        try:
            want = numpy.mean(h)
        finally:
            numpy.setbufsize(old)
        got = _core.host_reduce("mean", a, 2, size)
        assert bits(got) == bits(want), size


def test_loops_decline_what_numpy_must_decide(device):
    """NotImplemented, and the public route then gives NumPy's answer:
    float extremes meeting a NaN or a zero (NumPy's loops pick which NaN or
    zero), float16, complex, views that are not C-contiguous, pending and
    empty arrays."""
    if not _host_libraries.memory_is_host(device.id):
        pytest.skip("the loops read host memory in place")
    h = spread("float64", 5000, 9)
    cases = []
    for where in (0, 2500, 4999):
        x = h.copy()
        x[where] = numpy.nan
        cases.append(x)
    cases += [numpy.zeros(300), numpy.array([-0.0] + [0.0] * 40), -numpy.abs(h) - 0.0 * h,
              numpy.concatenate([-numpy.abs(h), [0.0, -0.0]])]
    for x in cases:
        a = ndaccel.asarray(x, device=device)
        for kind in ("max", "min", "argmax", "argmin"):
            got = _core.host_reduce(kind, a, 2, 8192)
            want = getattr(numpy, kind)(x)
            if numpy.isnan(want) or want == 0 or kind.startswith("arg") and (
                    numpy.isnan(x).any() or x[want] == 0):
                assert got is NotImplemented, (kind, got)
            with numpy.errstate(invalid="ignore"):
                same(getattr(ndaccel, kind)(a), want)
    a = ndaccel.asarray(h.reshape(50, 100), device=device)
    for x in (a.T, a[:, ::2], a[:, 1:], a * 2, ndaccel.asarray(h.astype("float16"), device=device),
              ndaccel.asarray(h.astype("complex128"), device=device)):
        assert _core.host_reduce("sum", x, 2, 8192) is NotImplemented
    assert _core.host_reduce("max", ndaccel.zeros(0, device=device), 2, 8192) is NotImplemented
    with pytest.raises(ValueError, match="unknown reduction"):
        _core.host_reduce("median", a, 2, 8192)
    with pytest.raises(ValueError, match="bufsize"):
        _core.host_reduce("mean", a, 2, 0)
    # an integer mean over buffers this small would keep more results than the array
    assert _core.host_reduce("mean", ndaccel.arange(5000, device=device), 2, 512) is NotImplemented


def test_public_route_takes_the_loops(host_route, monkeypatch):
    """np.sum(a), a.sum() and the rest with a alone: the loops' NumPy scalar,
    no kernel (host_route), no NumPy call on the storage; contiguous views at
    an offset too; other arguments and ndaccel's own calls keep the general
    route (0-d arrays inside the package)."""
    calls = []
    real = _core.host_reduce
    monkeypatch.setattr(_core, "host_reduce", lambda *args: calls.append(args[0]) or real(*args))
    monkeypatch.setattr(_host_libraries, "host_view", None)  # not called
    h = spread("float64", 300003, 4)
    a = ndaccel.asarray(h)
    for x, hx in ((a, h), (a[7:], h[7:]), (a.reshape(3, -1)[1:], h.reshape(3, -1)[1:])):
        for kind in ("sum", "mean", "max", "min", "argmax", "argmin", "count_nonzero"):
            assert bits(getattr(ndaccel, kind)(x)) == bits(getattr(numpy, kind)(hx))
            if kind != "count_nonzero":
                assert bits(getattr(x, kind)()) == bits(getattr(hx, kind)())
    assert len(calls) == 3 * 13
    i = spread("int32", 100000, 5)
    assert bits(ndaccel.asarray(i).mean()) == bits(i.mean())
    assert bits(ndaccel.sum(ndaccel.asarray(i))) == bits(numpy.sum(i))
    calls.clear()
    for kind in ("sum", "mean", "max", "argmin", "count_nonzero"):  # NumPy's functions (NEP 18)
        assert bits(getattr(numpy, kind)(a)) == bits(getattr(numpy, kind)(h))
    assert len(calls) == 5
    # the policy's switches and the transfer guard are read at each call (the
    # kernels then run)
    monkeypatch.undo()
    monkeypatch.setattr(_core, "host_reduce", lambda *args: calls.append(args[0]) or real(*args))
    calls.clear()
    with ndaccel.transfer_guard("log"):
        assert isinstance(a.sum(), numpy.float64)
    monkeypatch.setattr(_host_libraries, "USE", False)
    assert isinstance(a.sum(), numpy.float64)
    assert calls == []
    monkeypatch.setattr(_host_libraries, "USE", True)
    assert bits(a.sum()) == bits(h.sum()) and calls == ["sum"]
    monkeypatch.undo()
    r = ndaccel.sum(a, keepdims=True)  # an argument: the general route
    assert isinstance(r, ndaccel.ndarray) and r.shape == (1,)
    assert float(ndaccel.std(a)) == pytest.approx(numpy.std(h), rel=1e-12)


ROW_KINDS = ["max", "min", "argmax", "argmin"]


@pytest.mark.parametrize("shape", [(1, 1), (3, 7), (5, 64), (33, 129), (1000, 1000),
                                   (2, 3, 517), (600, 1), (4, 70001)])
def test_row_loops_give_numpy_bits(device, shape):
    """_core.host_reduce_rows: numpy.<kind>(a, axis=-1), value, dtype and shape, for
    every dtype the loops take, on 1 to 16 threads (rows split unevenly), with
    extremes repeated within rows (the first index wins)."""
    if not _host_libraries.memory_is_host(device.id):
        pytest.skip("the loops read host memory in place")
    n = int(numpy.prod(shape))
    for k, dtype in enumerate(LOOP_DTYPES):
        h = spread(dtype, n, n * 7 + k).reshape(shape)
        if dtype in ("float64", "float32"):  # ties: values drawn from a few
            h = numpy.where(h > 0, numpy.round(numpy.abs(h) % 4) + 1, h).astype(dtype)
        a = ndaccel.asarray(h, device=device)
        for kind in ROW_KINDS:
            want = getattr(numpy, kind)(h, axis=-1)
            for threads in (1, 2, 3, 16):
                got = _core.host_reduce_rows(kind, a, threads)
                assert got is not NotImplemented, (dtype, kind)
                g = got.get()
                assert g.dtype == want.dtype and g.shape == want.shape
                assert g.tobytes() == want.tobytes(), (shape, dtype, kind, threads)


def test_row_loops_decline_what_numpy_must_decide(device):
    """NotImplemented where a row's float extreme meets a NaN or is a zero, and for
    what the loops do not take; the public route then gives NumPy's answer."""
    if not _host_libraries.memory_is_host(device.id):
        pytest.skip("the loops read host memory in place")
    h = spread("float64", 40 * 300, 4).reshape(40, 300)
    nan, zero = h.copy(), -numpy.abs(h)
    nan[17, 123] = numpy.nan
    zero[39, 5] = 0.0
    for x, kinds in ((nan, ROW_KINDS), (zero, ("max", "argmax"))):
        a = ndaccel.asarray(x, device=device)
        for kind in kinds:
            assert _core.host_reduce_rows(kind, a, 2) is NotImplemented, kind
            with numpy.errstate(invalid="ignore"):
                want = getattr(numpy, kind)(x, axis=1)
            numpy.testing.assert_array_equal(getattr(ndaccel, kind)(a, axis=1).get(), want)
    a = ndaccel.asarray(h, device=device)
    for x in (a.T, a[:, ::2], a * 2, a.reshape(-1), ndaccel.asarray(h.astype("float16"), device=device),
              ndaccel.asarray(h.astype("complex128"), device=device),
              ndaccel.zeros((3, 0), device=device)):
        assert _core.host_reduce_rows("max", x, 2) is NotImplemented
    with pytest.raises(ValueError, match="not an extreme"):
        _core.host_reduce_rows("sum", a, 2)


def test_public_row_extremes_take_the_row_loops(host_route, monkeypatch):
    """a.max(axis=-1), np.argmin(a, axis=1), keepdims: the row loops, no NumPy call
    on the storage; initial= and other axes keep NumPy's own."""
    calls = []
    real = _core.host_reduce_rows
    monkeypatch.setattr(_core, "host_reduce_rows", lambda *a: calls.append(a[0]) or real(*a))
    h = spread("float64", 3 * 40 * 600, 8).reshape(3, 40, 600)
    a = ndaccel.asarray(h)
    same(a.max(axis=-1).get(), h.max(axis=-1))
    same(ndaccel.min(a, axis=2, keepdims=True).get(), numpy.min(h, axis=2, keepdims=True))
    same(ndaccel.argmin(a, axis=2).get(), numpy.argmin(h, axis=2))
    same(a.argmax(axis=-1, keepdims=True).get(), h.argmax(axis=-1, keepdims=True))
    assert calls == ["max", "min", "argmin", "argmax"]
    same(ndaccel.max(a, axis=2, initial=50.0).get(), numpy.max(h, axis=2, initial=50.0))
    same(ndaccel.max(a, axis=1).get(), numpy.max(h, axis=1))
    assert len(calls) == 4
