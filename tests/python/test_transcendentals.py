"""ndaccel's own float64 log and pow (kernels/ops.c, fdlibm's algorithms, used
on OpenCL devices; pow's vector form, kernels/ops_pow_vector.c) and the vector math builtins of CPU OpenCL devices'
vector kernels against NumPy over the whole range: at most 1 ulp apart for
finite float64 results (2 for float32), and the same NaNs, infinities, zeros
and signs (C99's special values, as NumPy's libm gives them)."""
import itertools

import numpy
import pytest

import ndaccel

RNG = numpy.random.default_rng(20261204)


def _ulps(got, want):
    """Per-element ulp distance (float64 or float32) where both are finite, after
    checking that NaNs, infinities and signs agree everywhere."""
    nan_g, nan_w = numpy.isnan(got), numpy.isnan(want)
    assert numpy.array_equal(nan_g, nan_w), "NaN in different places"
    inf = numpy.isinf(want) | numpy.isinf(got)
    assert numpy.array_equal(got[inf], want[inf]), "different infinities"
    fin = ~(nan_w | inf)
    assert numpy.array_equal(numpy.signbit(got[fin]), numpy.signbit(want[fin])), "signs differ"
    bits = numpy.int64 if got.dtype.itemsize == 8 else numpy.int32
    return numpy.abs(got[fin].view(bits).astype(numpy.int64) - want[fin].view(bits))


def _positive_bit_patterns(n):
    return RNG.integers(0, 0x7FF0000000000000, n, dtype=numpy.int64).view(numpy.float64)


def test_log_float64_within_one_ulp():
    x = numpy.concatenate([
        _positive_bit_patterns(200_000),          # every exponent, subnormals included
        1.0 + RNG.normal(size=20_000) * 1e-9,     # near 1, where log is small
        RNG.random(20_000) * 4,
        [0.0, -0.0, -1.0, -numpy.inf, numpy.inf, numpy.nan, 1.0, 5e-324,
         2.2250738585072014e-308, 1.7976931348623157e308, 0.9999999999999999],
    ])
    got = ndaccel.log(ndaccel.asarray(x)).get()
    with numpy.errstate(all="ignore"):
        want = numpy.log(x)
    assert _ulps(got, want).max(initial=0) <= 1


SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, numpy.inf, -numpy.inf,
           numpy.nan, 1e-310, -1e-310, 1e308, 0.9999999999999999, 1.0000000000000002]


@pytest.mark.parametrize("case", ["special", "wide", "negative-int", "negative-frac", "near-one",
                                  "subnormal", "integers"])
def test_pow_float64_within_one_ulp(case):
    n = 100_000
    if case == "special":
        x, y = (numpy.array(v) for v in zip(*itertools.product(SPECIAL, SPECIAL)))
    elif case == "wide":
        x, y = _positive_bit_patterns(n), RNG.normal(size=n) * 0.05
    elif case == "negative-int":
        x, y = -RNG.random(n) * 10, RNG.integers(-40, 40, n).astype(float)
    elif case == "negative-frac":
        x, y = -RNG.random(n) * 10, RNG.normal(size=n)
    elif case == "near-one":  # |y| past 2**31 with x within 2**-20 of 1
        x, y = 1.0 + RNG.normal(size=n) * 1e-7, RNG.normal(size=n) * 1e9
    elif case == "subnormal":
        x, y = 5e-324 * RNG.integers(1, 2**40, n), RNG.random(n) * 1.5
    else:
        x, y = RNG.integers(0, 60, n).astype(float), RNG.integers(0, 9, n).astype(float)
    got = ndaccel.power(ndaccel.asarray(x), ndaccel.asarray(y)).get()
    with numpy.errstate(all="ignore"):
        want = numpy.power(x, y)
    assert _ulps(got, want).max(initial=0) <= 1
    if case == "integers":  # representable integer results are exact
        exact = want < 2.0**53
        assert numpy.array_equal(got[exact], want[exact])


@pytest.mark.parametrize("case", ["mixed", "negative", "wide-y", "scalar-exponent"])
def test_pow_float64_vector_lanes_match_scalar_form(case):
    """On CPU OpenCL devices contiguous float64 power runs eight lanes at a
    time (kernels/ops_pow_vector.c) and hands special lanes to the scalar
    helper; strided operands take the scalar form. Both must give the same
    bits, and NumPy's values within 1 ulp, with special lanes (zeros,
    negatives, infinities, NaNs, overflow, subnormal results) inside
    otherwise ordinary vectors."""
    n = 50_001
    if case == "mixed":
        x = RNG.uniform(0.0, 10.0, n)
        y = RNG.normal(size=n) * 3
        pick = RNG.integers(0, n, n // 20)
        x[pick] = RNG.choice(SPECIAL, pick.size)
        y[pick[::3]] = RNG.choice(SPECIAL, pick[::3].size)
    elif case == "negative":  # negative bases: odd, even and non-integer exponents
        x = RNG.uniform(-10.0, 10.0, n)
        y = numpy.where(RNG.random(n) < 0.5, RNG.integers(-9, 10, n), RNG.normal(size=n) * 3)
        y[::7] = RNG.choice([0.5, 2.0, 1.0, -1.0, 3.0, -2.0], y[::7].size)
        x[::11] = -1.0
    elif case == "wide-y":  # results that overflow, underflow or are subnormal
        x, y = RNG.uniform(0.0, 4.0, n), RNG.uniform(-1100.0, 1100.0, n)
    else:
        x, y = _positive_bit_patterns(n), numpy.full(n, 1.5)
    both = numpy.empty(2 * n)
    both[::2] = x
    a = ndaccel.asarray(x)
    strided = ndaccel.asarray(both)[::2]
    if case == "scalar-exponent":
        vec, scal = (a ** 1.5).get(), (strided ** 1.5).get()
    else:
        b = ndaccel.asarray(y)
        vec, scal = ndaccel.power(a, b).get(), ndaccel.power(strided, b).get()
    assert numpy.array_equal(vec.view(numpy.int64), scal.view(numpy.int64))
    with numpy.errstate(all="ignore"):
        want = numpy.power(x, y)
    assert _ulps(vec, want).max(initial=0) <= 1


@pytest.mark.parametrize("case", ["special", "wide", "negative", "wide-y", "integers",
                                  "scalar-exponent"])
@pytest.mark.parametrize("n", [100_003, 16 * 4096])
def test_pow_float32_within_one_ulp(case, n):
    """float32 power: on CPU OpenCL devices with float64 the vector form
    computes 2^(y log2 x) in float64 (kernels/ops_pow_vector_f32.c), special
    lanes through the scalar form; within 1 ulp of NumPy's powf and of the
    correctly rounded value (float64 power rounded once), with NumPy's
    special values. A strided base takes the scalar form."""
    f32 = numpy.float32
    if case == "special":
        sp = SPECIAL + [1e-40, -1e-40, 3.4e38, 0.25, 4.0]
        x, y = (numpy.array(v) for v in zip(*itertools.product(sp, sp)))
        reps = -(-n // x.size)
        x, y = numpy.tile(x, reps)[:n], numpy.tile(y, reps)[:n]
    elif case == "wide":  # every float32 exponent, subnormals included
        x = RNG.integers(0, 0x7F800000, n, dtype=numpy.int32).view(f32)
        y = RNG.normal(size=n) * 0.3
    elif case == "negative":
        x = RNG.uniform(-10.0, 10.0, n)
        y = numpy.where(RNG.random(n) < 0.5, RNG.integers(-9, 10, n), RNG.normal(size=n) * 3)
        y[::7] = RNG.choice([0.5, 2.0, 1.0, -1.0, 3.0, -2.0], y[::7].size)
    elif case == "wide-y":  # overflow, underflow, subnormal results
        x, y = RNG.uniform(0.0, 4.0, n), RNG.uniform(-200.0, 200.0, n)
    elif case == "integers":
        x, y = RNG.integers(0, 30, n).astype(float), RNG.integers(0, 6, n).astype(float)
    else:
        x, y = RNG.uniform(0.0, 100.0, n), numpy.full(n, 1.5)
    with numpy.errstate(over="ignore"):  # SPECIAL's 1e308 is inf in float32
        x, y = numpy.asarray(x, f32), numpy.asarray(y, f32)
    a = ndaccel.asarray(x)
    if case == "scalar-exponent":
        got = (a ** f32(1.5)).get()
    else:
        got = ndaccel.power(a, ndaccel.asarray(y)).get()
    both = numpy.empty(2 * n, f32)
    both[::2] = x
    strided = ndaccel.power(ndaccel.asarray(both)[::2], ndaccel.asarray(y)).get()
    assert got.dtype == f32
    with numpy.errstate(all="ignore"):
        want = numpy.power(x, y)
        exact = numpy.power(x.astype(numpy.float64), y.astype(numpy.float64)).astype(f32)
    assert _ulps(got, want).max(initial=0) <= 1
    assert _ulps(got, exact).max(initial=0) <= 1
    assert _ulps(strided, want).max(initial=0) <= 1
    if case == "integers":  # representable integer results are exact
        small = exact < 2.0**24
        assert numpy.array_equal(got[small], exact[small])


# The vector form of elementwise kernels on CPU OpenCL devices (kernels/fused.c
# vector_op: PoCL's vector math builtins) against NumPy: contiguous inputs of a
# length that leaves a partial block (the scalar tail), over wide ranges.
UNARY = {
    "exp": (-745.0, 709.0), "exp2": (-1074.0, 1023.0), "expm1": (-40.0, 709.0),
    "log": None, "log2": None, "log10": None, "log1p": (-0.999, 1e300),
    "sin": (-1e5, 1e5), "cos": (-1e5, 1e5), "arctan": (-1e300, 1e300),
    "sinh": (-709.0, 709.0), "cosh": (-709.0, 709.0), "tanh": (-30.0, 30.0),
    "arcsinh": (-1e300, 1e300), "arccosh": (1.0, 1e300), "arctanh": (-1.0, 1.0),
    "arcsin": (-1.0, 1.0), "arccos": (-1.0, 1.0), "cbrt": (-1e300, 1e300),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_vector_math_float64_within_one_ulp(name):
    lo_hi = UNARY[name]
    n = 100_003
    if lo_hi is None:  # every positive exponent
        x = _positive_bit_patterns(n)
    else:
        lo, hi = lo_hi
        x = RNG.uniform(lo, hi, n) if hi - lo < 1e6 else \
            numpy.sign(RNG.normal(size=n)) * numpy.exp(RNG.uniform(-700, numpy.log(hi), n))
        x = numpy.clip(x, lo, hi)
        x[:8] = [lo, hi, 0.0, -0.0, numpy.nan, numpy.inf, -numpy.inf, 1.0]
    got = getattr(ndaccel, name)(ndaccel.asarray(x)).get()
    with numpy.errstate(all="ignore"):
        want = getattr(numpy, name)(x)
    assert _ulps(got, want).max(initial=0) <= 1


@pytest.mark.parametrize("name", ["exp", "log", "sin", "tanh", "expm1", "arctan"])
def test_vector_math_float32(name):
    x = RNG.uniform(0.001, 20.0, 10_007).astype(numpy.float32)
    got = getattr(ndaccel, name)(ndaccel.asarray(x)).get()
    want = getattr(numpy, name)(x)
    assert got.dtype == numpy.float32
    d = numpy.abs(got.view(numpy.int32).astype(numpy.int64) - want.view(numpy.int32))
    assert d.max() <= 2


# float32 sin, cos and tanh of the vector form (kernels/ops_math_vector_f32.c:
# ndaccel's own, PoCL's builtins being slower than NumPy). Checked exhaustively
# over every float32 of the fast range when written (sin and cos |x| <= 65536,
# tanh everywhere): within 1 ulp of the correctly rounded value. Here: samples
# of every exponent, points next to multiples of pi/2, and the special values.
F32_SPECIAL = [0.0, -0.0, numpy.inf, -numpy.inf, numpy.nan, 1e-45, -1e-45, 1e-40, -2e-39,
               2.0 ** -12, -(2.0 ** -12), 0.625, -0.625, 0.6249999, 9.0, -9.5, 1e-7,
               65536.0, -65536.0, 65536.01, 1e5, 3.4e38, -3.4e38, numpy.pi / 2, numpy.pi]


def _f32_inputs(name, n):
    f32 = numpy.float32
    top = 0x47800000 if name != "tanh" else 0x7F800000  # 65536 / every finite float
    bits = RNG.integers(0, top + 1, n, dtype=numpy.int64).astype(numpy.int32)
    x = bits.view(f32) * numpy.where(RNG.random(n) < 0.5, f32(-1), f32(1))
    near = (numpy.round(RNG.uniform(-41000, 41000, n // 4)) * (numpy.pi / 2)).astype(f32)
    small = RNG.uniform(-4, 4, n // 4).astype(f32)
    with numpy.errstate(over="ignore"):
        special = numpy.array(F32_SPECIAL, f32)
    return numpy.concatenate([special, x, near, small, special])


@pytest.mark.parametrize("name", ["sin", "cos", "tanh"])
def test_vector_math_float32_own_forms_within_one_ulp(name):
    from ndaccel import _core
    x = _f32_inputs(name, 200_000)
    old = _core.host_eval_limit(0)  # the kernels (host loops use the C library)
    try:
        got = getattr(ndaccel, name)(ndaccel.asarray(x)).get()
        # a length that leaves a partial vector: the scalar tail
        tail = getattr(ndaccel, name)(ndaccel.asarray(x[:16 * 1000 + 5])).get()
    finally:
        _core.host_eval_limit(old)
    with numpy.errstate(all="ignore"):
        exact = getattr(numpy, name)(x.astype(numpy.float64)).astype(numpy.float32)
        want = getattr(numpy, name)(x)
    assert got.dtype == numpy.float32
    assert numpy.array_equal(tail.view(numpy.int32), got[:tail.size].view(numpy.int32)) or \
        _ulps(tail, exact[:tail.size]).max(initial=0) <= 1
    fast = numpy.abs(x) <= 65536 if name != "tanh" else numpy.isfinite(x)
    assert _ulps(got[fast], exact[fast]).max(initial=0) <= 1
    # past 65536 the device's own sin/cos (OpenCL allows 4 ulp; PoCL's: 2)
    assert _ulps(got, exact).max(initial=0) <= 2
    assert _ulps(got, want).max(initial=0) <= 2


# tan, arctan2 and hypot in the vector form (PoCL's vector builtins: the
# scalar ones called per element took 9-27 ms per 1M float64): as close to
# the correctly rounded value as the device's scalar functions, which the
# strided operands below still use.
@pytest.mark.parametrize("dtype,name,ulps", [
    ("float64", "tan", 3), ("float64", "arctan2", 1), ("float64", "hypot", 1),
    ("float32", "tan", 3), ("float32", "arctan2", 1), ("float32", "hypot", 1)])
def test_vector_tan_arctan2_hypot(dtype, name, ulps):
    from ndaccel import _core
    n = 100_003
    x = RNG.uniform(-20, 20, n).astype(dtype)
    y = RNG.uniform(-5, 5, n).astype(dtype)
    x[:6] = [0.0, -0.0, numpy.inf, numpy.nan, 1e-30, -3.0]
    y[:6] = [-0.0, 0.0, 2.0, 1.0, numpy.inf, 0.0]
    both = numpy.empty(2 * n, dtype)
    both[::2] = x
    old = _core.host_eval_limit(0)  # the kernels
    try:
        f = getattr(ndaccel, name)
        args = lambda a: (a,) if name == "tan" else (a, ndaccel.asarray(y))
        vec = f(*args(ndaccel.asarray(x))).get()
        scal = f(*args(ndaccel.asarray(both)[::2])).get()
    finally:
        _core.host_eval_limit(old)
    exact_args = (x.astype(numpy.longdouble),) if name == "tan" else \
        (x.astype(numpy.longdouble), y.astype(numpy.longdouble))
    with numpy.errstate(all="ignore"):
        exact = getattr(numpy, name)(*exact_args).astype(dtype)
    assert vec.dtype == numpy.dtype(dtype)
    assert _ulps(vec, exact).max(initial=0) <= ulps
    assert _ulps(scal, exact).max(initial=0) <= ulps
