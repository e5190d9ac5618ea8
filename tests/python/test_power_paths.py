"""x ** e for a scalar exponent takes NumPy's paths, bit for bit: 2 -> x*x,
-1 -> 1/x, 0.5 -> sqrt (so -0.0 ** 0.5 is -0.0 and -inf ** 0.5 is NaN,
where pow gives +0.0 and +inf), for float32/float64 results (integer bases
the exponent makes floating included), and float16 only through the **
operator, as NumPy's loops and operator do. 1, 3 and -2 are products
(x; x*x*x; (1/x)*(1/x)): x exactly, the others within NumPy's pow to a
few ulp, also where x*x would be subnormal; other exponents use pow. Operators and
the ufunc, Python and NumPy scalar exponents, every dtype NumPy gives."""
import numpy
import pytest

import ndaccel

BASES = {
    "float64": numpy.array([-0.0, 0.0, -numpy.inf, numpy.inf, numpy.nan, 2.0, -3.5, 1e-310,
                            1.7e308, 0.1, 1e-154, 3e-103, 1e102, -7.25]),
    "float32": numpy.array([-0.0, 0.0, -numpy.inf, numpy.inf, numpy.nan, 2.0, -3.5, 1e-40,
                            3e38, 0.1], numpy.float32),
    "float16": numpy.array([-0.0, 0.0, -numpy.inf, numpy.nan, 2.0, -3.5, 6e4, 0.1],
                           numpy.float16),
    "int32": numpy.array([0, 4, 9, 2, 7], numpy.int32),
    "uint8": numpy.array([0, 4, 9, 255], numpy.uint8),
}
EXPONENTS = [2, -1, 0.5, 2.0, -1.0, 3, 1.5, numpy.float64(0.5), numpy.float32(2),
             numpy.float32(0.5), numpy.int64(2), numpy.float16(-1), 1, -2, 3.0, 0]


def bits(a):
    a = numpy.asarray(a)
    return a.dtype, a.view(numpy.uint8).tobytes() if a.dtype.kind == "f" else a.tobytes()


@pytest.mark.parametrize("dtype", list(BASES))
@pytest.mark.parametrize("exponent", EXPONENTS, ids=repr)
@pytest.mark.parametrize("how", ["operator", "ufunc"])
def test_scalar_exponents(dtype, exponent, how):
    h = BASES[dtype]
    d = ndaccel.asarray(h)
    with numpy.errstate(all="ignore"):
        try:
            want = h ** exponent if how == "operator" else numpy.power(h, exponent)
        except (ValueError, OverflowError) as exc:  # negative integer powers, -1 as uint8
            with pytest.raises(type(exc)):
                d ** exponent if how == "operator" else ndaccel.power(d, exponent)
            return
    got = (d ** exponent if how == "operator" else ndaccel.power(d, exponent)).get()
    assert got.dtype == want.dtype
    fast = want.dtype.kind == "f" and (want.dtype != numpy.float16 or how == "operator")
    if exponent in (2, -1, 0.5, 1) and fast:
        # NumPy's fast paths: the same bits (signed zeros and NaNs included)
        numpy.testing.assert_array_equal(numpy.signbit(got), numpy.signbit(want))
        numpy.testing.assert_array_equal(got, want)
    else:
        rtol = {"e": 1e-3, "f": 1e-6}.get(want.dtype.char, 1e-15)
        numpy.testing.assert_allclose(got, want, rtol=rtol, equal_nan=True)


def test_the_fast_path_fuses():
    x = ndaccel.linspace(0.0, 1.0, 1000)
    before = ndaccel.cache_info()["memory_hits"] + ndaccel.cache_info()["compiles"]
    y = (x ** 2 + x ** 0.5 - x ** -1)
    after = ndaccel.cache_info()["memory_hits"] + ndaccel.cache_info()["compiles"]
    assert after == before  # recorded, not run: one kernel when needed
    h = numpy.linspace(0.0, 1.0, 1000)
    with numpy.errstate(divide="ignore"):
        numpy.testing.assert_array_equal(y.get(), h ** 2 + h ** 0.5 - h ** -1)
