"""Reductions (sum, prod, max, min) against NumPy: every dtype, NumPy's
result dtypes (int8 sum -> int64, uint8 -> uint64, bool -> int64, float16
stays float16), exact float32 sum of 10**7 ones, NaN propagation, empty
inputs, non-contiguous inputs, reductions of expressions, and (on float64
and int32) axis reductions with keepdims, dtype=, out=, initial=, where=.

Reduction kernels are slow to build (~0.5 s each on PoCL): one kernel per
(op, dtype, layout) and another for the second pass over partial results,
so the all-dtype sweep uses two sizes (one pass and two passes)."""
import numpy
import pytest

import ndaccel
from xp_util import (ALL_DTYPES, dtype_id, random_values, special_values,
                     xp_compare, xp_test)

# The kernels, also for whole-array reductions of stored arrays on CPU
# devices (conftest.py reduction_kernels).
pytestmark = pytest.mark.usefixtures("reduction_kernels")

REDUCTIONS = ["sum", "prod", "max", "min"]
SIZES = [7, 1000]
LARGE_SIZES = [100003, 2**20 + 3]


def reduction_data(name, dt, n, seed=0):
    """n values of dtype dt for which the reduction has one right answer
    whatever the order of evaluation: for prod, +-1 (+-1j) with a few
    powers of two (every partial product exact); for float16 sums, small
    multiples of 1/8 (exact partial sums in float32); other float sums of
    positive values (no cancellation, compared with a tolerance); integers
    anything (wraparound is exact)."""
    rng = numpy.random.default_rng(seed)
    dt = numpy.dtype(dt)
    if name == "prod":
        if dt.kind == "b":
            return rng.integers(0, 50, n) != 0
        unit = [1, -1] if dt.kind in "if" else [1] if dt.kind == "u" else [1, -1, 1j, -1j]
        x = numpy.array(rng.choice(unit, n))
        k = min(n, 6)
        x[rng.choice(n, k, replace=False)] = [2, 2, 3, 0.5, 2, 0.5][:k] if dt.kind in "fc" \
            else [2, 2, 3, 1, 2, 1][:k]
        return x.astype(dt)
    if dt.kind in "biu":
        return random_values(dt, n, rng, -100, 100)
    if dt.char == "e":
        return rng.choice([0.125, 0.25, 0.5], n).astype(dt)
    x = rng.uniform(0.5, 2.0, n)
    if dt.kind == "c":
        x = x + 1j * rng.uniform(-2.0, -0.5, n)
    return x.astype(dt)


def rtol_for(name, dt, n):
    dt = numpy.dtype(dt)
    if dt.kind in "biu":
        return None
    if dt.char == "e":
        return 1e-3
    if dt.char in "fF":
        return 1e-5
    return 1e-11


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("dt", ALL_DTYPES, ids=dtype_id)
def test_every_dtype(name, dt):
    for n in SIZES:
        x = reduction_data(name, dt, n, seed=n)
        xp_compare(lambda xp: getattr(xp, name)(xp.asarray(x)), rtol=rtol_for(name, dt, n))
    xp_compare(lambda xp: getattr(xp.asarray(x), name)(), rtol=rtol_for(name, dt, n))


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("dt", ["bool", "int8", "uint32", "float16", "float32", "complex128"])
def test_large(name, dt):
    """Sizes that take more than one pass (partial results, then their
    reduction), on a few dtypes: every pass is a kernel of its own."""
    for n in LARGE_SIZES:
        x = reduction_data(name, dt, n, seed=n)
        xp_compare(lambda xp: getattr(xp, name)(xp.asarray(x)), rtol=rtol_for(name, dt, n))


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("dt", ALL_DTYPES, ids=dtype_id)
def test_special_values(name, dt):
    """Extremes (integer wraparound), zeros, NaN and inf."""
    x = special_values(dt)
    if name in ("sum", "prod") and x.dtype.kind in "fc":
        x = x[~numpy.isfinite(x) | (x == 0) | (abs(x) == 1)]  # exact whatever the order
    if x.dtype.kind == "c" and name in ("max", "min"):
        # Which of several NaNs comes out depends on the order (unspecified).
        nan = numpy.isnan(x)
        x = numpy.concatenate([x[~nan], x[nan][-1:]])
    xp_compare(lambda xp: getattr(xp, name)(xp.asarray(x)))


@pytest.mark.parametrize("dt", ALL_DTYPES, ids=dtype_id)
def test_result_dtypes(dt):
    """NumPy's reduction dtypes: small ints sum/prod to the platform int."""
    x = numpy.ones(3, dtype=dt)
    for name in REDUCTIONS:
        r = getattr(ndaccel, name)(ndaccel.asarray(x))
        assert r.dtype == getattr(numpy, name)(x).dtype, (name, dt)
        assert r.shape == ()
    assert ndaccel.sum(ndaccel.asarray(numpy.ones(3, numpy.int8))).dtype == numpy.int64
    assert ndaccel.sum(ndaccel.asarray(numpy.ones(3, numpy.uint8))).dtype == numpy.uint64
    assert ndaccel.sum(ndaccel.asarray(numpy.ones(3, bool))).dtype == numpy.int64


def test_float32_sum_of_ten_million_ones_is_exact():
    a = ndaccel.ones(10**7, dtype=numpy.float32)
    s = ndaccel.sum(a)
    assert s.dtype == numpy.float32
    assert float(s) == 1e7
    assert float(a.sum()) == 1e7
    assert float(ndaccel.sum(a[::2])) == 5e6


def test_int_sum_does_not_overflow_small_types():
    x = numpy.full(100000, 127, dtype=numpy.int8)
    xp_compare(lambda xp: xp.sum(xp.asarray(x)))
    assert int(ndaccel.sum(ndaccel.asarray(x))) == 12700000


@pytest.mark.parametrize("dt", ["float16", "float32", "float64", "complex64", "complex128"])
def test_nan_propagates(dt):
    for pos in (0, 500, 999):
        x = numpy.arange(1000).astype(dt)
        x[pos] = numpy.nan
        for name in REDUCTIONS:
            xp_compare(lambda xp: getattr(xp, name)(xp.asarray(x)))
    x = numpy.array([numpy.inf, -numpy.inf, 1.0], dtype=dt)
    for name in REDUCTIONS:
        xp_compare(lambda xp: getattr(xp, name)(xp.asarray(x)))


@pytest.mark.parametrize("dt", ALL_DTYPES, ids=dtype_id)
def test_empty(dt):
    """sum -> 0, prod -> 1, max/min -> ValueError (no identity)."""
    for shape in [(0,), (3, 0)]:
        x = numpy.zeros(shape, dtype=dt)
        for name in REDUCTIONS:
            xp_compare(lambda xp: getattr(xp, name)(xp.asarray(x)))
    with pytest.raises(ValueError):
        ndaccel.max(ndaccel.zeros(0, dtype=dt))
    with pytest.raises(ValueError):
        ndaccel.zeros((0, 2), dtype=dt).min()
    assert ndaccel.sum(ndaccel.zeros(0, dtype=dt)).item() == 0


@pytest.mark.parametrize("dt", ["float64", "int32"])
def test_layouts(dt):
    x = reduction_data("sum", dt, 6 * 7 * 5, seed=3).reshape(6, 7, 5)
    p = reduction_data("prod", dt, 6 * 7 * 5, seed=4).reshape(6, 7, 5)
    rtol = rtol_for("sum", dt, 210)

    @xp_test(rtol=rtol)
    def body(xp):
        a, b = xp.asarray(x), xp.asarray(p)
        return (xp.sum(a[::2]), xp.max(a[:, ::-1]), xp.min(a.T), xp.prod(b[1:, 2, ::2]),
                xp.sum(a[3, 4, 1]), xp.max(xp.asarray(x[0, 0, 0])), xp.sum(a[:, 1:3].T))

    body()


@pytest.mark.parametrize("dt", ["float64", "int32"])
def test_reduction_of_expressions(dt):
    """Reductions of element-wise expressions (fused on the device) and of
    broadcast operands."""
    x = reduction_data("sum", dt, 300, seed=5)
    y = reduction_data("sum", dt, 300, seed=6)

    @xp_test(rtol=1e-11)
    def body(xp):
        a, b = xp.asarray(x), xp.asarray(y)
        return (xp.max(a - b), xp.sum(a * 2 + b), xp.min(abs(a - b)), xp.sum(a > b),
                xp.max(a.reshape(15, 20) + b[:20]), (a - b).max() > 0)

    body()


def test_keepdims_and_axis_for_1d():
    x = numpy.arange(10.0)

    @xp_test
    def body(xp):
        a = xp.asarray(x)
        return (xp.sum(a, keepdims=True), xp.max(a, axis=0), a.min(axis=-1), a.sum(axis=(0,)),
                xp.asarray(x.reshape(2, 5)).sum(keepdims=True))

    body()


AXES = [0, 1, 2, -1, (0, 2), (1, 2), (0, 1, 2)]


@pytest.mark.parametrize("axis", AXES, ids=str)
def test_sum_over_axes(axis):
    x = reduction_data("sum", "float64", 60, seed=7).reshape(3, 4, 5)
    xp_compare(lambda xp: xp.sum(xp.asarray(x), axis=axis), rtol=1e-12)
    xp_compare(lambda xp: xp.asarray(x).sum(axis=axis, keepdims=True), rtol=1e-12)


def test_other_reductions_over_axes():
    x = reduction_data("sum", "int32", 60, seed=8).reshape(3, 4, 5)
    p = reduction_data("prod", "float64", 60, seed=9).reshape(3, 4, 5)

    @xp_test
    def body(xp):
        a, b = xp.asarray(x), xp.asarray(p)
        return (xp.max(a, axis=1), a.min(axis=(0, 2)), xp.prod(b, axis=-1), xp.max(a.T, axis=0),
                xp.sum(a[:, ::2], axis=1, keepdims=True), xp.min(b[::-1], axis=(1, 2)))

    body()


def test_reduction_arguments():
    x = reduction_data("sum", "int32", 60, seed=10).reshape(3, 4, 5)
    mask = (numpy.arange(60) % 3 != 0).reshape(3, 4, 5)

    @xp_test
    def body(xp):
        a = xp.asarray(x)
        out = xp.zeros((4, 5), dtype=numpy.int64)
        r = xp.sum(a, axis=0, out=out)
        assert r is out
        return (xp.sum(a.astype(numpy.int8), dtype=numpy.float32), out,
                xp.max(a, initial=1000), xp.min(a, axis=1, initial=-1000),
                xp.sum(a, where=xp.asarray(mask)), xp.max(a, axis=2, where=xp.asarray(mask),
                                                         initial=-5))

    body()


def test_axis_reduction_edge_cases():
    x = numpy.zeros((0, 3))
    for fn in (lambda xp: xp.max(xp.asarray(x), axis=1), lambda xp: xp.max(xp.asarray(x), axis=0),
               lambda xp: xp.sum(xp.asarray(x), axis=0), lambda xp: xp.prod(xp.asarray(x), axis=1),
               lambda xp: xp.max(xp.asarray(x), axis=0, initial=-1),
               lambda xp: xp.sum(xp.ones((2, 3)), axis=2),
               lambda xp: xp.sum(xp.ones((2, 3)), axis=-3),
               lambda xp: xp.sum(xp.ones((2, 3)), axis=(0, 0)),
               lambda xp: xp.min(xp.asarray(numpy.array([[1.0, numpy.nan], [2, 3]])), axis=0)):
        xp_compare(fn)


def test_reductions_of_lists_and_numpy_arrays():
    for name in REDUCTIONS:
        r = getattr(ndaccel, name)([1, 2, 3])
        e = getattr(numpy, name)([1, 2, 3])
        assert type(r) is type(e)  # a NumPy scalar, as NumPy's
        assert r.item() == e
        r = getattr(ndaccel, name)(numpy.arange(1.0, 5.0))
        assert r.item() == getattr(numpy, name)(numpy.arange(1.0, 5.0))
    assert ndaccel.amax is ndaccel.max and ndaccel.amin is ndaccel.min


def test_result_converts_to_python():
    a = ndaccel.asarray(numpy.arange(5.0))
    assert float(a.sum()) == 10.0
    assert int(ndaccel.max(ndaccel.asarray([3, 9, 2]))) == 9
    assert bool(ndaccel.min(a) == 0)
    assert a.max().item() == 4.0 and type(a.max().item()) is float
