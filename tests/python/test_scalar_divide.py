"""x / s for a float scalar s: NumPy's bits on every route. When 1 / s is
exact (s a power of two whose inverse is finite) the division is recorded
as a multiplication by 1 / s (core/ufunc_apply.c), which rounds the same
real number once; every other divisor stays a division."""
import numpy
import pytest

import ndaccel
from ndaccel import _core

VALUES = {
    "float64": numpy.array([-0.0, 0.0, numpy.inf, -numpy.inf, numpy.nan, 1.0, -3.5, 0.1,
                            5e-324, 2.2250738585072014e-308, 1e-310, 1.7976931348623157e308,
                            -1e300, 3e-300, 123456.789]),
    "float32": numpy.array([-0.0, 0.0, numpy.inf, -numpy.inf, numpy.nan, 1.0, -3.5, 0.1,
                            1e-45, 1.1754944e-38, 1e-40, 3.4028235e38, -1e38, 7e-39,
                            123456.79], numpy.float32),
}
DIVISORS = [4, 4.0, -2, 0.5, 0.25, 1, -1.0, 2.0 ** -1022, 2.0 ** 1023, 2.0 ** -1074,
            2.0 ** -1030, 2.0 ** -126, 2.0 ** 127, 2.0 ** -149, 2.0 ** -130, 3, 0.1, 0.0,
            -0.0, float("inf"), float("nan"), numpy.float32(8), numpy.float64(0.125),
            numpy.float32(2.0 ** -149)]


def bits(a):
    a = numpy.asarray(a)
    return a.dtype, a.view(numpy.uint8).tobytes()


@pytest.fixture(params=["kernels", "host"])
def route(request, device):
    """Kernels (host evaluation off) or, on CPU devices whose memory is host memory, the
    host evaluator at every size."""
    if request.param == "host" and _core.memory_kind(device.id) != "host":
        pytest.skip("host evaluation is for devices whose memory is host memory")
    old = _core.host_eval_limit(0 if request.param == "kernels" else 1 << 40)
    yield request.param
    _core.host_eval_limit(old)


@pytest.mark.parametrize("dtype", list(VALUES))
@pytest.mark.parametrize("divisor", DIVISORS, ids=repr)
def test_division_by_a_scalar_has_numpys_bits(dtype, divisor, route):
    h = numpy.tile(VALUES[dtype], 5)  # several vector blocks
    d = ndaccel.asarray(h)
    with numpy.errstate(all="ignore"):
        want = h / divisor
        want_r = numpy.true_divide(h[::-1], divisor)
        want_i = h.copy()
        want_i /= divisor
    got_i = ndaccel.asarray(h)
    got_i /= divisor
    assert bits(d / divisor) == bits(want)
    assert bits(ndaccel.true_divide(d[::-1], divisor)) == bits(want_r)
    assert bits(got_i) == bits(want_i)


@pytest.mark.parametrize("dtype", ["int64", "int8", "uint16", "bool", "float16"])
def test_other_dtypes_divided_by_powers_of_two(dtype):
    h = numpy.arange(-40, 40).astype(dtype)
    d = ndaccel.asarray(h)
    for s in (4, 0.25, numpy.float32(2), numpy.float16(0.5)):
        with numpy.errstate(all="ignore"):
            want = h / s
        assert bits(d / s) == bits(want)


def test_a_power_of_two_divisor_shares_the_multiplication_kernel(route):
    """The rewrite happens: after x * 0.25 has run, x / 4 (the same expression once
    rewritten) is a kernel already in memory."""
    if route != "kernels":
        pytest.skip("kernel keys")
    h = numpy.linspace(-3.0, 7.0, 4099)
    x = ndaccel.asarray(h)
    expr = {"mul": lambda s: (x - 2.75) * s + x, "div": lambda s: (x - 2.75) / s + x}
    expr["mul"](0.25).get()
    before = ndaccel.cache_info()
    numpy.testing.assert_array_equal(expr["div"](4).get(), (h - 2.75) / 4 + h)
    after = ndaccel.cache_info()
    assert after["compiles"] + after["disk_hits"] == before["compiles"] + before["disk_hits"]
    assert after["memory_hits"] > before["memory_hits"]
