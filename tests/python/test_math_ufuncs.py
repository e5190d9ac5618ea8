"""The math ufuncs beyond the arithmetic set (kernels/ops_math.c) and the
composite math functions, against NumPy: result dtype and values over a
dtype subset that exercises every code path (int, unsigned, bool, float16,
float32/64, complex)."""
import numpy
import pytest

import ndaccel
from xp_util import xp_compare

DTYPES = ["bool", "int8", "uint16", "int64", "float16", "float32", "float64", "complex64",
          "complex128"]
UNARY = ["reciprocal", "exp2", "expm1", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin",
         "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "deg2rad",
         "rad2deg", "floor", "ceil", "trunc", "rint", "sign", "signbit", "spacing", "cbrt",
         "square", "fabs", "isnan", "isinf", "isfinite", "conjugate"]
BINARY = ["fmod", "float_power", "logaddexp", "logaddexp2", "arctan2", "hypot", "copysign",
          "nextafter", "heaviside", "gcd", "lcm", "logical_xor", "fmax", "fmin"]


def values(dt, n=29, seed=0):
    rng = numpy.random.default_rng(seed)
    if dt == "bool":
        return rng.random(n) > 0.5
    if dt.startswith("int"):
        return rng.integers(-20, 20, n).astype(dt)
    if dt.startswith("uint"):
        return rng.integers(0, 40, n).astype(dt)
    if dt.startswith("float"):
        v = rng.uniform(-3, 3, n)
        v[:5] = [0.0, -0.0, 0.5, -2.5, numpy.nan]
        return v.astype(dt)
    v = rng.uniform(-2, 2, n) + 1j * rng.uniform(-2, 2, n)
    v[0] = 0
    return v.astype(dt)


def _atol(dt):
    """Absolute slack for results near zero (the relative tolerance comes
    from the result dtype in xp_util)."""
    return {"float16": 1e-3, "float32": 1e-6, "complex64": 1e-6}.get(dt, 1e-12)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("name", UNARY)
def test_unary(name, dt):
    x = values(dt)
    xp_compare(lambda xp: getattr(xp, name)(xp.asarray(x)), atol=_atol(dt))


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("name", BINARY)
def test_binary(name, dt):
    x, y = values(dt, seed=1), values(dt, seed=2)
    xp_compare(lambda xp: getattr(xp, name)(xp.asarray(x), xp.asarray(y)), atol=_atol(dt))


@pytest.mark.parametrize("edt", ["int32", "int64"])
@pytest.mark.parametrize("dt", ["float16", "float32", "float64"])
def test_ldexp(dt, edt):
    x, e = values(dt), numpy.arange(-14, 15).astype(edt)
    xp_compare(lambda xp: xp.ldexp(xp.asarray(x), xp.asarray(e)))


def test_float16_spacing_and_nextafter_are_binary16_exact():
    h = numpy.array([-1.0, -8, 65504, -0.0, 0.0, 1e-7, numpy.inf, 2.5], dtype=numpy.float16)
    xp_compare(lambda xp: xp.spacing(xp.asarray(h)))
    xp_compare(lambda xp: xp.nextafter(xp.asarray(h), xp.asarray(h[::-1].copy())))


@pytest.mark.parametrize("dt", ["float16", "float32", "float64"])
def test_frexp_modf_divmod(dt):
    x = values(dt)
    for i in range(2):
        xp_compare(lambda xp: xp.frexp(xp.asarray(x))[i])
        xp_compare(lambda xp: xp.modf(xp.asarray(x))[i])
        xp_compare(lambda xp: xp.divmod(xp.asarray(x), 1.5)[i])


@pytest.mark.parametrize("decimals", [-2, 0, 2])
@pytest.mark.parametrize("dt", ["int32", "float64", "complex128"])
def test_around(dt, decimals):
    x = values(dt) * 37
    xp_compare(lambda xp: xp.around(xp.asarray(x), decimals), rtol=1e-12)


def test_composites():
    x = numpy.array([1.0, 2.0, numpy.nan, numpy.inf, -numpy.inf, 1e-9])
    y = numpy.array([1.000001, 2.1, numpy.nan, numpy.inf, 1.0, 0.0])
    for eq in (False, True):
        xp_compare(lambda xp: xp.isclose(xp.asarray(x), xp.asarray(y), equal_nan=eq))
    assert ndaccel.allclose(ndaccel.asarray(x[:2]), x[:2]) == numpy.allclose(x[:2], x[:2])
    assert ndaccel.array_equal(ndaccel.asarray(x), x, equal_nan=True)
    assert not ndaccel.array_equal(ndaccel.asarray(x), x)
    xp_compare(lambda xp: xp.nan_to_num(xp.asarray(x)))
    xp_compare(lambda xp: xp.nan_to_num(xp.asarray(x.astype(numpy.float32)), nan=-1, posinf=9))
    xp_compare(lambda xp: xp.fix(xp.asarray(x)))
    c = numpy.array([1 + 2j, 3 - 4j, complex(numpy.nan, 1)])
    xp_compare(lambda xp: xp.nan_to_num(xp.asarray(c)))
    xp_compare(lambda xp: xp.angle(xp.asarray(c), deg=True))
    xp_compare(lambda xp: xp.asarray(c).real)
    xp_compare(lambda xp: xp.asarray(c).imag)

    def set_real(xp):
        a = xp.asarray(c.copy())
        a.real = 7
        a.imag[1:] = -1
        return a
    xp_compare(set_real)


@pytest.mark.parametrize("dt", ["bool", "int8", "uint16", "int64", "uint64"])
def test_bitwise_count(dt):
    x = values(dt)
    if dt == "int64":
        x[0] = numpy.iinfo(numpy.int64).min
    if dt == "uint64":
        x[0] = numpy.iinfo(numpy.uint64).max
    xp_compare(lambda xp: xp.bitwise_count(xp.asarray(x)))


def test_ufunc_outer_reduce_accumulate_axes():
    x = numpy.arange(12.0).reshape(3, 4)
    xp_compare(lambda xp: xp.subtract.outer(xp.asarray(x[0]), xp.asarray(x[:, 0])))
    for axis in (0, 1, None):
        xp_compare(lambda xp: xp.maximum.reduce(xp.asarray(x), axis=axis))
    xp_compare(lambda xp: xp.divide.accumulate(xp.asarray(x + 1), axis=0))
