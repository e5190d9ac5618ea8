"""Host evaluation of small fused stores on CPU devices (nda/host_eval.h):
the same values as NumPy (bit for bit for exact operations, within the C
library's ulp for the math functions) and as the kernels, the route taken
exactly where the policy says, and ordered after queued kernels."""
import numpy
import pytest

import ndaccel
from ndaccel import _core

INTS = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"]
FLOATS = ["float32", "float64"]


# The work the host_eval fixture lets an idle queue's stores have.
IDLE_WORK = 1 << 20
RNG = numpy.random.default_rng(20261205)


@pytest.fixture
def host_eval(device):
    """A limit whose idle share is 2^20 work units on every machine (the
    idle factor grows with the device's threads; whatever the suite's
    setting); skips on GPUs."""
    info = next(d for d in _core.devices() if d["id"] == device.id)
    if info["is_gpu"] or _core.memory_kind(device.id) != "host":
        pytest.skip("host evaluation is for CPU devices whose memory is host memory")
    old = _core.host_eval_limit(IDLE_WORK // _core.host_eval_idle_factor(device.id))
    yield
    _core.host_eval_limit(old)


def _run(f, *arrays, limit):
    """f on ndaccel copies of arrays with the given limit: (host result,
    stores evaluated on the host)."""
    old = _core.host_eval_limit(limit)
    try:
        before = _core.host_eval_count()
        r = f(ndaccel, *[ndaccel.asarray(a) for a in arrays])
        h = numpy.asarray(r.get() if isinstance(r, ndaccel.ndarray) else r)  # reductions: scalars
        return h, _core.host_eval_count() - before
    finally:
        _core.host_eval_limit(old)


def _check(f, *arrays, exact=True, rtol=2e-15):
    """f on NumPy, on the host loops and on the kernels: equal (exact) or
    close; the host run took the route, the kernel run did not."""
    with numpy.errstate(all="ignore"):
        e = numpy.asarray(f(numpy, *arrays))
    host, n_host = _run(f, *arrays, limit=1 << 18)
    kern, n_kern = _run(f, *arrays, limit=0)
    assert n_host >= 1 and n_kern == 0
    for got in (host, kern):
        assert got.dtype == e.dtype and got.shape == e.shape
    if exact:
        numpy.testing.assert_array_equal(host, e, strict=True)
    else:
        numpy.testing.assert_allclose(host, e, rtol=rtol, atol=0, equal_nan=True)
    numpy.testing.assert_allclose(kern, e, rtol=max(rtol, 1e-6 if e.dtype == numpy.float32 else rtol),
                                  atol=0, equal_nan=True)


def _values(dt, n=257, seed=0):
    rng = numpy.random.default_rng(seed)
    if numpy.dtype(dt).kind == "f":
        v = rng.standard_normal(n).astype(dt) * 10
        v[::17] = 0
        v[5], v[6], v[7] = numpy.nan, numpy.inf, -numpy.inf
        v[8] = -0.0
        return v
    info = numpy.iinfo(dt)
    v = rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)
    v[::13] = 0
    v[3], v[4] = info.min, info.max
    if info.min < 0:
        v[9] = -1
    return v


@pytest.mark.usefixtures("host_eval")
@pytest.mark.parametrize("dt", INTS)
@pytest.mark.parametrize("op", ["add", "subtract", "multiply", "floor_divide", "remainder",
                                "fmod", "maximum", "minimum", "bitwise_and", "bitwise_or",
                                "bitwise_xor", "equal", "less", "greater_equal", "logical_and",
                                "logical_xor"])
def test_integer_binary_ops_bit_for_bit(op, dt):
    a, b = _values(dt, seed=1), _values(dt, seed=2)
    _check(lambda xp, x, y: getattr(xp, op)(x, y), a, b)


@pytest.mark.usefixtures("host_eval")
@pytest.mark.parametrize("dt", ["int8", "uint16", "int32", "uint64"])
@pytest.mark.parametrize("op", ["left_shift", "right_shift", "power"])
def test_integer_shifts_and_power(op, dt):
    a = _values(dt, seed=3)
    b = numpy.arange(257).astype(dt) % (numpy.dtype(dt).itemsize * 8 + 3)
    _check(lambda xp, x, y: getattr(xp, op)(x, y), a, b)


@pytest.mark.usefixtures("host_eval")
@pytest.mark.parametrize("dt", INTS)
@pytest.mark.parametrize("op", ["negative", "invert", "absolute", "square", "sign", "logical_not"])
def test_integer_unary_ops(op, dt):
    _check(lambda xp, x: getattr(xp, op)(x), _values(dt, seed=4))


@pytest.mark.usefixtures("host_eval")
@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("op", ["add", "subtract", "multiply", "true_divide", "maximum", "minimum",
                                "fmax", "fmin", "copysign", "floor_divide", "remainder", "fmod",
                                "equal", "not_equal", "less_equal", "greater", "logical_or"])
def test_float_binary_ops_bit_for_bit(op, dt):
    a, b = _values(dt, seed=5), _values(dt, seed=6)
    _check(lambda xp, x, y: getattr(xp, op)(x, y), a, b)


@pytest.mark.usefixtures("host_eval")
@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("op", ["negative", "absolute", "fabs", "square", "reciprocal", "sqrt",
                                "floor", "ceil", "trunc", "rint", "sign", "isnan", "isinf",
                                "isfinite", "signbit"])
def test_float_exact_unary_ops(op, dt):
    _check(lambda xp, x: getattr(xp, op)(x), _values(dt, seed=7))


@pytest.mark.usefixtures("host_eval")
@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("op", ["exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin",
                                "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
                                "arcsinh", "arccosh", "arctanh", "cbrt"])
def test_float_math_functions_are_numpys_on_the_host(op, dt):
    """The host runs NumPy's own loops (python/ext/numpy_loops.c): NumPy's
    bits, special values included; the kernels within their tolerance."""
    x = _values(dt, seed=8) / 10
    if op in ("arcsin", "arccos", "arctanh"):
        x = numpy.clip(x, -1, 1)
    rtol = 5e-7 if dt == "float32" else 1e-15
    _check(lambda xp, v: getattr(xp, op)(v), x, exact=True, rtol=rtol)


@pytest.mark.usefixtures("host_eval")
@pytest.mark.parametrize("op", ["power", "arctan2", "hypot"])
def test_float_binary_math(op):
    a, b = numpy.abs(_values("float64", seed=9)) / 10, _values("float64", seed=10) / 10
    _check(lambda xp, x, y: getattr(xp, op)(x, y), a, b, exact=True, rtol=1e-15)


@pytest.mark.usefixtures("host_eval")
def test_bool_ops_and_where():
    rng = numpy.random.default_rng(11)
    p, q = rng.random(300) < 0.5, rng.random(300) < 0.3
    x, y = rng.standard_normal(300), rng.standard_normal(300)
    for op in ("add", "multiply", "maximum", "minimum", "bitwise_xor", "logical_and", "equal"):
        _check(lambda xp, a, b: getattr(xp, op)(a, b), p, q)
    _check(lambda xp, a: xp.invert(a), p)
    _check(lambda xp, c, a, b: xp.where(c, a, b), p, x, y)
    _check(lambda xp, c, a: xp.where(c, a, 0.5), p, x)


@pytest.mark.usefixtures("host_eval")
def test_mixed_dtypes_cast_as_numpy():
    i8, u32 = _values("int8", seed=12), _values("uint32", seed=13)
    f32, f64 = _values("float32", seed=14), _values("float64", seed=15)
    _check(lambda xp, a, b: a + b, i8, u32)
    _check(lambda xp, a, b: a * b, i8, f32)
    _check(lambda xp, a, b: a - b, u32, f64)
    _check(lambda xp, a: a.astype(numpy.float32), f64)
    _check(lambda xp, a: a.astype(numpy.int16), i8)
    _check(lambda xp, a: (a > 0).astype(numpy.float64) * 2 + a, f64)
    _check(lambda xp, a: a + 3, i8)            # Python int scalar, NEP 50
    _check(lambda xp, a: a * 0.5, f32)         # Python float keeps float32
    _check(lambda xp, a: a / 2, i8)            # true_divide of ints: float64


@pytest.mark.usefixtures("host_eval")
@pytest.mark.parametrize("case", ["rows", "columns", "transposed", "negative", "broadcast",
                                  "one_element", "outer"])
def test_layouts(case):
    rng = numpy.random.default_rng(16)
    m = rng.standard_normal((37, 45))
    v = rng.standard_normal(45)
    c = rng.standard_normal((37, 1))
    f = {
        "rows": lambda xp, a, b, col: 0.25 * (a[:-2, 1:-1] + a[2:, 1:-1] + a[1:-1, :-2] + a[1:-1, 2:]),
        "columns": lambda xp, a, b, col: a[:, ::3] * 2 - a[:, 1::3],
        "transposed": lambda xp, a, b, col: a.T + a.T * a.T,
        "negative": lambda xp, a, b, col: a[::-1, ::-2] - b[::-2],
        "broadcast": lambda xp, a, b, col: a + b - col,
        "one_element": lambda xp, a, b, col: xp.full((), 2.5) * a[3:4, 4] + 1,
        "outer": lambda xp, a, b, col: col * b,
    }[case]
    _check(f, m, v, c)


def _gapped(shape, dt, seed):
    """Values whose first and last two columns (the gaps between the rows
    of a [..., 2:-2] view) hold NaN, infinities, zeros, -1 and extremes."""
    v = _values(dt, n=int(numpy.prod(shape)), seed=seed).reshape(shape)
    if numpy.dtype(dt).kind == "f":
        edge = numpy.array([numpy.nan, numpy.inf, -numpy.inf, 0.0], dtype=dt)
    else:
        info = numpy.iinfo(dt)
        edge = numpy.array([info.min, -1 if info.min < 0 else 1, 0, info.max], dtype=dt)
    v[..., :2] = edge[:2]
    v[..., -2:] = edge[-2:]
    return v


@pytest.mark.usefixtures("host_eval")
@pytest.mark.parametrize("case", ["stencil", "wide_rows", "three_d", "zero_d_operand",
                                  "int_division", "int_to_float", "row_vector", "narrow_columns"])
def test_rows_of_one_pitch(case):
    """Views of wider arrays run as one run over rows and gaps: the gaps'
    values (NaN, infinities, zero divisors, INT_MIN // -1) never reach the
    result, rows crossing the 512-element blocks are stored whole, and the
    layouts that do not qualify (a broadcast row, narrow column slices)
    take the per-row walk with the same values."""
    f64 = _gapped((19, 23), "float64", 30)
    wide = _gapped((6, 707), "float64", 31)
    cube = _gapped((3, 11, 13), "float64", 32)
    i32, d32 = _gapped((9, 17), "int32", 33), _gapped((9, 17), "int32", 34)
    i8 = _gapped((9, 17), "int8", 35)
    if case == "stencil":
        _check(lambda xp, a: 0.25 * (a[:-2, 2:-2] + a[2:, 2:-2] + a[1:-1, 1:-3] + a[1:-1, 3:-1]), f64)
    elif case == "wide_rows":
        _check(lambda xp, a: a[1:, 2:-2] * a[:-1, 2:-2] - 1, wide)
    elif case == "three_d":
        _check(lambda xp, a: a[:, 1:-1, 2:-2] * a[:, 2:, 2:-2] + a[:, :-2, 2:-2], cube)
    elif case == "zero_d_operand":
        _check(lambda xp, a: a[1:-1, 2:-2] + xp.asarray(3.0) * a[2:, 2:-2], f64)
    elif case == "int_division":
        _check(lambda xp, a, b: (a[:, 2:-2] // b[:, 2:-2]) + (a[:, 2:-2] % b[:, 2:-2]), i32, d32)
    elif case == "int_to_float":
        _check(lambda xp, a, b: a[1:, 2:-2] * 0.5 + b[:-1, 2:-2], i8, f64[:9, :17])
    elif case == "row_vector":
        _check(lambda xp, a: a[1:-1, 2:-2] - a[0, 2:-2], f64)
        _check(lambda xp, a: a[0, 2:-2] - a[1:-1, 2:-2], f64)
        _check(lambda xp, a: a[1:-1, 2:-2] - a[1:-1, :1], f64)
    else:
        _check(lambda xp, a: a[:, 2:5] * 2 + a[:, 3:6], f64)


@pytest.mark.usefixtures("host_eval")
def test_rows_of_one_pitch_stores_only_the_rows():
    """In place and into differently laid out destinations: the gap
    elements of the destination keep their values (finite ones, which any
    stray write would change)."""
    base = numpy.random.default_rng(36).standard_normal((21, 25))
    for xp in (numpy, ndaccel):
        u = xp.asarray(base.copy())
        v = xp.asarray(base[::-1].copy())
        u[1:-1, 2:-2] *= 3
        u[1:-1, 2:-2] = v[1:-1, 2:-2] * 2 + u[1:-1, 2:-2]
        u[1:-1, 2:-2] += u[1:-1, 2:-2] * 2
        u[1:-1, 2:-2] = 0.25 * (u[:-2, 2:-2] + u[2:, 2:-2] + u[1:-1, 1:-3] + u[1:-1, 3:-1])
        t = xp.zeros((19, 19))
        t.T[...] = u[1:-1, 3:-3] - u[:-2, 3:-3]
        if xp is numpy:
            expected = (u, t)
        else:
            numpy.testing.assert_array_equal(u.get(), expected[0])
            numpy.testing.assert_array_equal(t.get(), expected[1])


@pytest.mark.usefixtures("host_eval")
def test_long_rows_and_many_nodes():
    rng = numpy.random.default_rng(17)
    a, b = rng.standard_normal(3000), rng.standard_normal(3000)

    def f(xp, x, y):
        t = x * y + 1.5
        for k in range(12):
            t = t * 0.5 + (x - y) * k - xp.maximum(t, y)
        return t
    _check(f, a, b)


@pytest.mark.usefixtures("host_eval")
def test_in_place_and_overlapping_assignments():
    """a += b and a[1:-1] = f(a[...]) as NumPy: identical views are read before
    they are written, overlapping ones were copied first by the engine."""
    rng = numpy.random.default_rng(18)
    base = rng.standard_normal((20, 20))
    for xp in (numpy, ndaccel):
        u = xp.asarray(base.copy())
        u += 2 * u
        u[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
        u[1:, :] = u[:-1, :] + 1
        if xp is numpy:
            expected = u
        else:
            numpy.testing.assert_array_equal(u.get(), expected)


@pytest.mark.usefixtures("host_eval")
def test_empty_and_scalar_fill():
    for xp in (numpy, ndaccel):
        e = xp.zeros((0, 3)) + 1
        assert e.shape == (0, 3)
        f = xp.empty(7)
        f[...] = 3
        f[2:5] = -1.5
        if xp is numpy:
            ef, ee = f, e
    numpy.testing.assert_array_equal(f.get(), ef)
    assert e.get().shape == ee.shape


@pytest.mark.usefixtures("host_eval")
def test_the_route_and_its_limits(device):
    small = ndaccel.ones(1000)
    before = _core.host_eval_count()
    (small + 1).get()
    assert _core.host_eval_count() == before + 1
    # work above the idle queue's share, float16, complex: kernels
    big = ndaccel.ones(1 << 20)
    for r in (big + 1, small.astype(numpy.float16) + 1, small.astype(numpy.complex128) * 2):
        r.get()
    assert _core.host_eval_count() == before + 1
    # limit 0: off
    old = _core.host_eval_limit(0)
    (small + 2).get()
    _core.host_eval_limit(old)
    assert _core.host_eval_count() == before + 1


@pytest.mark.usefixtures("host_eval")
def test_an_idle_queue_takes_up_to_the_idle_factor_times_the_limit(device):
    """Work between the limit and the idle factor times it runs on the host
    when nothing is queued (a kernel would cost a whole queue round trip,
    and the host loops use the device's threads) and as a kernel behind
    queued work (where launches pipeline); the values agree."""
    factor = _core.host_eval_idle_factor(device.id)
    assert factor >= 4 and _core.host_eval_limit() * factor <= IDLE_WORK
    n = 1 << 17                       # a + 1: 3 units an element, 3/8 of the idle share
    a = ndaccel.asarray(numpy.arange(n, dtype=numpy.float64))
    big = ndaccel.ones(1 << 21)
    expected = numpy.arange(n, dtype=numpy.float64) + 1
    ndaccel.synchronize()
    before = _core.host_eval_count()
    numpy.testing.assert_array_equal((a + 1).get(), expected)
    assert _core.host_eval_count() == before + 1
    before = _core.host_eval_count()
    q = ndaccel.multiply(big, 2, out=ndaccel.empty(1 << 21))  # a kernel, queued
    r = ndaccel.add(a, 1, out=ndaccel.empty(n))
    assert _core.host_eval_count() == before
    numpy.testing.assert_array_equal(r.get(), expected)
    assert float(q[5]) == 2.0
    # folds take the idle share whatever the queue holds
    q = ndaccel.multiply(big, 3, out=q)
    before = _core.host_eval_count()
    assert float((a + 1).sum()) == float(expected.sum())
    assert _core.host_eval_count() == before + 1


@pytest.mark.usefixtures("host_eval")
def test_a_store_behind_much_queued_work_stays_a_kernel():
    """Behind queued commands of up to 4x the limit each a small store runs on
    the host (waiting for them); behind a bigger one it is a kernel queued after
    it, so the host does not wait (the border rows of a distributed stencil
    behind its interior). The values agree either way."""
    old = _core.host_eval_limit(1 << 17)
    try:
        small = ndaccel.asarray(numpy.arange(1000.0))
        some, lots = ndaccel.ones(1 << 18), ndaccel.ones(1 << 21)
        ndaccel.synchronize()
        q1 = ndaccel.multiply(some, 2, out=ndaccel.empty(1 << 18))  # a kernel: 2x the limit
        q1 = ndaccel.multiply(q1, 1, out=q1)
        q1 = ndaccel.multiply(q1, 1, out=q1)  # three such: more than 4x in all
        before = _core.host_eval_count()
        r1 = ndaccel.add(small, 1, out=ndaccel.empty(1000))
        assert _core.host_eval_count() == before + 1
        q2 = ndaccel.multiply(lots, 3, out=ndaccel.empty(1 << 21))  # 16x the limit queued
        before = _core.host_eval_count()
        r2 = ndaccel.add(small, 2, out=ndaccel.empty(1000))
        assert _core.host_eval_count() == before
        numpy.testing.assert_array_equal(r1.get(), numpy.arange(1000.0) + 1)
        numpy.testing.assert_array_equal(r2.get(), numpy.arange(1000.0) + 2)
        assert float(q1[3]) == 2.0 and float(q2[3]) == 3.0
    finally:
        _core.host_eval_limit(old)


@pytest.mark.usefixtures("host_eval")
@pytest.mark.parametrize("width, host", [(2, True), (4, True), (8, False), (16, False)])
@pytest.mark.parametrize("reverse", [False, True])
def test_strided_operands_weigh_by_their_stride(width, host, reverse):
    """An operand strided along the innermost axis weighs ~1 unit per 4 bytes
    of stride, from 8 (neighbours share a cache line) to 32 (a line each):
    the product of two columns of 40000 x `width` float64 is 18 units an
    element at 16 and 32 bytes apart (720k: the host, under the 2^20 idle
    share), 34 at 64 and 66 at 128 (kernels); a negative stride weighs as
    its size. NumPy's bits either way."""
    h = RNG.random((40000, width))
    a = ndaccel.asarray(h)
    if reverse:
        h, a = h[::-1], a[::-1]
    ndaccel.synchronize()
    before = _core.host_eval_count()
    got = (a[:, 0] * a[:, 1]).get()
    assert (_core.host_eval_count() - before == 1) == host
    numpy.testing.assert_array_equal(got, h[:, 0] * h[:, 1], strict=True)


@pytest.mark.usefixtures("host_eval")
def test_small_fills_and_copies_run_on_the_host():
    """Contiguous fills and same-type copies within the limit are host loops
    while nothing is queued, not driver commands (a queue round trip each);
    larger ones, and any behind queued work, keep the driver's fill and copy
    (which pipeline). Values as NumPy's."""
    for n in (1000, 1 << 20):
        ndaccel.synchronize()
        before = _core.host_eval_count()
        a = ndaccel.zeros(n)
        a[...] = 2.5
        b = a.copy()
        c = ndaccel.full(n, 7, dtype=numpy.int16)
        numpy.testing.assert_array_equal(b.get(), numpy.full(n, 2.5))
        numpy.testing.assert_array_equal(c.get(), numpy.full(n, 7, dtype=numpy.int16))
        host = _core.host_eval_count() - before
        assert host >= 2 if n == 1000 else host == 0
    big = ndaccel.ones(1 << 21)
    small = ndaccel.zeros(1000)
    ndaccel.synchronize()
    q = ndaccel.multiply(big, 2, out=ndaccel.empty(1 << 21))  # a kernel, queued
    before = _core.host_eval_count()
    small[...] = 4.0
    assert _core.host_eval_count() == before
    numpy.testing.assert_array_equal(small.get(), numpy.full(1000, 4.0))
    assert float(q[7]) == 2.0


@pytest.mark.usefixtures("host_eval")
def test_runs_after_queued_kernels():
    """A host evaluation reading what a queued kernel writes waits for it, and a
    kernel queued after it reads its result."""
    n = 1 << 20
    a = ndaccel.arange(n, dtype=numpy.float64)
    b = a * 3.0 + 1.0              # a kernel (above the limit)
    b._buffer_id                   # queued, not yet waited for
    s = b[-1000:] - 1.0            # the host reads the kernel's output
    c = ndaccel.zeros(n)
    c[-1000:] = s                  # the host writes
    t = c * 2.0                    # a kernel reads the host's writes
    expected = numpy.zeros(n)
    expected[-1000:] = (numpy.arange(n - 1000, n) * 3.0 + 1.0 - 1.0)
    numpy.testing.assert_array_equal(t.get(), expected * 2.0)


@pytest.mark.usefixtures("host_eval")
def test_results_agree_with_kernels_in_a_loop():
    rng = numpy.random.default_rng(19)
    u0 = rng.random((64, 64))
    out = []
    for limit in (1 << 18, 0):
        old = _core.host_eval_limit(limit)
        u = ndaccel.asarray(u0)
        for _ in range(50):
            u[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
        out.append(u.get())
        _core.host_eval_limit(old)
    v = u0.copy()
    for _ in range(50):
        v[1:-1, 1:-1] = 0.25 * (v[:-2, 1:-1] + v[2:, 1:-1] + v[1:-1, :-2] + v[1:-1, 2:])
    numpy.testing.assert_array_equal(out[0], v)
    numpy.testing.assert_allclose(out[1], v, rtol=1e-15)


@pytest.mark.usefixtures("host_eval")
@pytest.mark.parametrize("dt", ["bool", "int8", "uint16", "int32", "int64", "uint64", "float32",
                                "float64"])
@pytest.mark.parametrize("name", ["sum", "prod", "max", "min", "any", "all"])
def test_whole_array_folds_of_pending_expressions(name, dt):
    """sum/prod/max/min/any/all of a pending expression fold on the host (one
    work-group's worth of elements): NumPy's value and dtype, exact for integers
    and bools (sums and products wrap), close for floats (pairwise sums)."""
    if dt == "bool" and name == "prod":
        pytest.skip("covered by int")
    rng = numpy.random.default_rng(20)
    n = 3001
    if dt == "bool":
        h = rng.random(n) > 0.3
        f = (lambda xp, a: a | False) if name != "sum" else (lambda xp, a: a & True)
    elif numpy.dtype(dt).kind == "f":
        h = (rng.random(n) + 0.5).astype(dt)
        f = (lambda xp, a: a * 1.0001 - 0.25) if name != "prod" else (lambda xp, a: a * 0 + 1.0001)
    else:
        h = rng.integers(0, 100, n).astype(dt)
        f = (lambda xp, a: a * 3 + 1)
    with numpy.errstate(all="ignore"):
        e = getattr(numpy, name)(f(numpy, h))
    for limit in (1 << 18, 0):
        old = _core.host_eval_limit(limit)
        try:
            before = _core.host_eval_count()
            got = getattr(ndaccel, name)(f(ndaccel, ndaccel.asarray(h)))
            took = _core.host_eval_count() - before
        finally:
            _core.host_eval_limit(old)
        got = numpy.asarray(got)
        assert got.dtype == numpy.asarray(e).dtype
        assert (took >= 1) == (limit > 0)
        if numpy.dtype(dt).kind == "f" and name in ("sum", "prod"):
            # 3000 float32 roundings in another order than NumPy's pairwise loop
            numpy.testing.assert_allclose(got, e, rtol=1e-4 if dt == "float32" else 1e-13)
        else:
            numpy.testing.assert_array_equal(got, e)


@pytest.mark.usefixtures("host_eval")
def test_folds_propagate_nan_and_count_broadcast_values():
    rng = numpy.random.default_rng(21)
    h = rng.standard_normal(2000)
    h[1234] = numpy.nan
    for name in ("max", "min", "sum"):
        assert numpy.isnan(getattr(ndaccel, name)(ndaccel.asarray(h) * 2))
    one = ndaccel.broadcast_to(ndaccel.asarray(2.5), (1000,))
    assert float((one * 2).sum()) == 5000.0                  # one value standing for 1000
    assert int((ndaccel.broadcast_to(ndaccel.asarray(3), (700,)) + 0).sum()) == 2100
    big = ndaccel.asarray(numpy.full(3000, 2 ** 62, dtype=numpy.int64))
    assert int((big * 1).sum()) == int(numpy.sum(numpy.full(3000, 2 ** 62, dtype=numpy.int64)))


# Stores and folds split over the device's threads (host_eval.c walk_tasks:
# from 2^16 work units on, when the device has several compute units):
# each task walks its own units (outer indices x blocks of 512) with its own
# scratch, so results must not depend on where the split falls.
SPLIT_CASES = {
    "1-D, odd length": ((300_001,), lambda xp, u: u * 2.5 - 1.0),
    "rows, outer units": ((7, 50_001), lambda xp, u: xp.where(u > 0, u, -2.0 * u)),
    "pitched rows": ((600, 611), lambda xp, u: u[1:-1, 1:-1] + u[:-2, 1:-1] * u[2:, 2:]),
    "3-D, broadcast": ((5, 130, 257), lambda xp, u: u * u[0] + u[:, :1, :]),
    "compare to bool": ((400_003,), lambda xp, u: (u > 0.25) & (u < 0.75)),
}


@pytest.mark.usefixtures("host_eval")
@pytest.mark.parametrize("name", sorted(SPLIT_CASES))
def test_split_stores_match_numpy(name):
    shape, f = SPLIT_CASES[name]
    x = RNG.standard_normal(shape)
    _check(f, x)


@pytest.mark.usefixtures("host_eval")
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int16"])
def test_split_folds_match_numpy(dtype):
    """Whole-array folds of split walks: each task folds its share and the
    shares fold in task order. Integers exact, maxima exact (NaN included),
    float sums within the pairwise bound; the same bits on every call."""
    n = 300_007
    x = (RNG.standard_normal(n) * 1000).astype(dtype)
    y = (RNG.standard_normal(n) * 10).astype(dtype)
    for f in (lambda xp, a, b: (a * b).sum(), lambda xp, a, b: (a - b).max(),
              lambda xp, a, b: (a + b).min()):
        e = f(numpy, x, y)
        host, n_host = _run(f, x, y, limit=IDLE_WORK)
        again, _ = _run(f, x, y, limit=IDLE_WORK)
        assert n_host == 1 and host.dtype == e.dtype
        assert host.tobytes() == again.tobytes()
        if numpy.dtype(dtype).kind == "f" and host != e:
            numpy.testing.assert_allclose(host, e, rtol=1e-5 if dtype == "float32" else 1e-12)
        else:
            assert host == e
    x[n // 2 + 3] = numpy.nan if numpy.dtype(dtype).kind == "f" else x[0]
    e = numpy.max(x * 1)
    host, _ = _run(lambda xp, a: (a * 1).max(), x, limit=IDLE_WORK)
    numpy.testing.assert_array_equal(host, e)


@pytest.mark.usefixtures("host_eval")
@pytest.mark.parametrize("dtype", ["float64", "int32", "bool"])
def test_where_with_one_condition_per_block(dtype):
    """where whose condition is one value along the innermost axis (a column
    broadcast across rows) and whose chosen value is one value or a block:
    every element of the block is written (numpy.vander's first column)."""
    u = (RNG.standard_normal((6, 700)) * 10).astype(dtype)
    c = numpy.array([True, False, True, True, False, False])
    for f in (lambda xp, c, u: xp.where(c[:, None], xp.asarray(1, dtype=u.dtype), u),
              lambda xp, c, u: xp.where(c[:, None], u, xp.asarray(0, dtype=u.dtype)),
              lambda xp, c, u: xp.where(c[:, None], u, u[::-1])):
        _check(f, c, u)


# NumPy's own loops in the host evaluator (python/ext/numpy_loops.c): the
# math functions on float32 and float64 give NumPy's bits on the host (the C
# library's differ in last bits, and its float64 tanh, sinh and cbrt are not
# used at all), for every block layout: whole blocks, a broadcast operand.
NUMPY_LOOP_UNARY = ["exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan",
                    "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh",
                    "arctanh", "cbrt"]


@pytest.mark.usefixtures("host_eval")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", NUMPY_LOOP_UNARY)
def test_math_functions_on_the_host_are_numpys(name, dtype):
    lo, hi = (1.0, 30.0) if name == "arccosh" else (-0.99, 0.99) if name.startswith("arc") and \
        name != "arctan" and name != "arcsinh" else (0.001, 20.0) if name.startswith("log") else (-20.0, 20.0)
    for n in (1000, 100_003):
        x = RNG.uniform(lo, hi, n).astype(dtype)
        x[:4] = [lo, hi, 0.5, 1.0]
        got, n_host = _run(lambda xp, a: getattr(xp, name)(a), x, limit=IDLE_WORK)
        assert n_host == 1
        want = getattr(numpy, name)(x)
        assert got.dtype == want.dtype
        assert numpy.array_equal(got.view(f"i{x.itemsize}"), want.view(f"i{x.itemsize}"))


@pytest.mark.usefixtures("host_eval")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["power", "arctan2", "hypot"])
def test_binary_math_functions_on_the_host_are_numpys(name, dtype):
    n = 50_001
    x = RNG.uniform(0.01, 10.0, n).astype(dtype)
    y = RNG.uniform(-3.0, 3.0, n).astype(dtype)
    s = numpy.asarray(1.7, dtype)
    for f in (lambda xp, a, b: getattr(xp, name)(a, b), lambda xp, a, b: getattr(xp, name)(a, s),
              lambda xp, a, b: getattr(xp, name)(s, b), lambda xp, a, b: getattr(xp, name)(a, b) * 2):
        got, n_host = _run(f, x, y, limit=IDLE_WORK)
        want = f(numpy, x, y)
        assert n_host == 1 and got.dtype == want.dtype
        assert numpy.array_equal(got.view(f"i{x.itemsize}"), want.view(f"i{x.itemsize}"))


@pytest.mark.usefixtures("host_eval")
def test_numpy_math_runs_on_the_host_at_any_size(device):
    """Expressions whose work is mostly NumPy's SIMD math (loops measured at
    most the any-size weight) run on the host's threads past the limit (the
    kernels are no faster there); arithmetic alone, and math whose loop
    weighs more (float64 sin here, NumPy's loop being scalar and the
    kernels' vector form 5x faster), keep the limit."""
    from ndaccel import _dtypes
    threads = next(d for d in _core.devices() if d["id"] == device.id)["compute_units"]
    limit = _core.host_eval_limit()
    n = 1 << 19                       # 2^21+ units: past the fixture's idle share
    x = RNG.uniform(0.5, 2.0, n)

    def light(name, dt):  # whether the registered loop counts as SIMD math
        w, bound = _core.host_eval_loop_weight(name, _dtypes.code(numpy.dtype(dt)))
        return 0 < w <= bound

    for f, math in ((lambda xp, a: xp.exp(a) * 2.0, light("exp", "float64")),
                    (lambda xp, a: a ** 1.5, light("power", "float64")),
                    (lambda xp, a: xp.log(a.astype(numpy.float32)), light("log", "float32")),
                    (lambda xp, a: xp.sin(a), light("sin", "float64")),
                    (lambda xp, a: a * 2.0 + 1.0, False)):
        got, n_host = _run(f, x, limit=limit)
        want = f(numpy, x)
        assert n_host == (1 if math and threads >= 2 else 0)
        if n_host:
            assert numpy.array_equal(got, want)
        else:
            numpy.testing.assert_allclose(got, want, rtol=1e-6 if want.dtype == numpy.float32 else 1e-15)


def test_loop_weights_are_measured_for_registered_math_only():
    from ndaccel import _dtypes
    f64 = _dtypes.code(numpy.dtype("float64"))
    w, bound = _core.host_eval_loop_weight("exp", f64)
    assert 2 <= w <= 96 and bound == 16
    assert _core.host_eval_loop_weight("exp", f64)[0] == w       # measured once
    assert _core.host_eval_loop_weight("add", f64)[0] == 0       # not a registered loop
    assert _core.host_eval_loop_weight("exp", _dtypes.code(numpy.dtype("int64")))[0] == 0
