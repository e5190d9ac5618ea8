"""Complex elementwise functions at special values against NumPy (C99 Annex
G): each of {0, -0, 1, -1, 2, -2, 1e19, -1e19, inf, -inf, nan} as real and
as imaginary part, complex64 and complex128. Same values: NaN where NumPy
has NaN, zeros and infinities with NumPy's signs (the side of a branch cut
follows the sign of a zero part), finite values to rounding; plus
ordinary values across magnitudes, where the functions scale instead of
overflowing."""
import math
import warnings

import numpy
import pytest

import ndaccel
from xp_util import COMPLEX, RTOL, dtype_id

SPECIAL = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 1e19, -1e19, math.inf, -math.inf, math.nan]
GRID = [complex(re, im) for re in SPECIAL for im in SPECIAL]

UNARY = ["arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "sin", "cos", "tan",
         "sinh", "cosh", "tanh", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt"]

# Exponents for power: the special values but +-1e19 (whose products with
# a logarithm are rounding noise in the angle), and non-integers and
# integers at the ends of NumPy's repeated-multiplication range (-100, 100).
SPECIAL_EXP = [v for v in SPECIAL if abs(v) != 1e19]
EXPONENTS = [complex(re, im) for re in SPECIAL_EXP for im in SPECIAL_EXP] + \
    [0.5, 2.5, -1.5 + 0.5j, 99.0, -99.0]


SIGN, VALUE = 1, 2  # what is left to the C library in a part of a result


def unspecified(name, x, y, w=None):
    """(real, imag): per element 0, SIGN or VALUE: the parts whose sign
    C99 Annex G leaves unspecified (then only NaN-ness and magnitude are
    compared), or whose value the C standards disagree on (not compared).
    NumPy calls the C library there and gives glibc's choice, which ndaccel
    makes too, but NumPy on another libm may differ. x, y: the argument's
    parts; w: power's exponent."""
    fin_x, fin_y = numpy.isfinite(x), numpy.isfinite(y)
    inf_x, inf_y = numpy.isinf(x), numpy.isinf(y)
    nan_x, nan_y = numpy.isnan(x), numpy.isnan(y)
    none = numpy.zeros(x.shape, bool)
    re, im = none, none
    if name in ("exp", "exp2"):
        # cexp(+inf + i inf|NaN) = +-inf + i NaN; cexp(-inf + i inf|NaN) = +-0 +- i0
        re, im = inf_x & ~fin_y, inf_x & (x < 0) & ~fin_y
    elif name == "sqrt":  # csqrt(-inf + i NaN) = NaN +- i inf
        im = inf_x & (x < 0) & nan_y
    elif name == "cosh":  # ccosh(+0 + i inf|NaN), ccosh(NaN + i0): +-0; ccosh(inf + i inf) = +-inf
        re, im = inf_x & inf_y, ((x == 0) & ~fin_y) | (nan_x & (y == 0))
    elif name == "cos":  # ccos(z) = ccosh(iz)
        re, im = inf_y & inf_x, ((y == 0) & ~fin_x) | (nan_y & (x == 0))
    elif name == "sinh":  # csinh(+0 + i inf|NaN) = +-0; csinh(inf + i inf|NaN) = +-inf
        re = ((x == 0) | inf_x) & ~fin_y
    elif name == "sin":  # csin(z) = -i csinh(iz)
        im = ((y == 0) | inf_y) & ~fin_x
    elif name == "tanh":
        # ctanh(inf + i inf|NaN) = 1 +- i0. ctanh(+0 + i inf|NaN): C11 says
        # NaN + i NaN, C23 (and glibc) +0 + i NaN.
        return numpy.where((x == 0) & ~fin_y, VALUE, 0), numpy.where(inf_x & ~fin_y, SIGN, 0)
    elif name == "tan":  # ctan(z) = -i ctanh(iz)
        return numpy.where(inf_y & ~fin_x, SIGN, 0), numpy.where((y == 0) & ~fin_x, VALUE, 0)
    elif name == "arcsinh":  # casinh(NaN + i inf) = +-inf + i NaN
        re = nan_x & inf_y
    elif name == "arcsin":  # casin(z) = -i casinh(iz)
        im = nan_y & inf_x
    elif name == "arccos":  # cacos(+-inf + i NaN) = NaN +- i inf
        im = inf_x & nan_y
    elif name == "arctanh":  # catanh(NaN + i inf) = +-0 + i pi/2
        re = nan_x & inf_y
    elif name == "arctan":  # catan(z) = -i catanh(iz)
        im = nan_y & inf_x
    elif name == "power":
        # Annex G gives cpow no special values: beyond NumPy's own cases (a
        # zero exponent or base, an integer exponent in (-100, 100)) the C
        # library's cpow decides the signs at non-finite arguments.
        own = (w == 0) | ((x == 0) & (y == 0)) | \
            ((w.imag == 0) & (numpy.abs(w.real) < 100) & (w.real == numpy.round(w.real)))
        re = im = ~own & ~(fin_x & fin_y & numpy.isfinite(w.real) & numpy.isfinite(w.imag))
    return numpy.where(re, SIGN, 0), numpy.where(im, SIGN, 0)


def assert_special_equal(name, z, got, want, w=None):
    """Each part: NaN where NumPy's is NaN; zeros and infinities equal with
    the sign (see unspecified() for what is left out); finite nonzero values within RTOL of
    NumPy's modulus (a function's rounding in one part scales with |f|;
    when a part is NaN, of the finite part)."""
    assert got.dtype == want.dtype and got.shape == want.shape
    rtol = RTOL[want.dtype.char]
    with numpy.errstate(all="ignore"):
        modulus = numpy.abs(want)  # NaN when a part is: then the other part's own size
        scale = numpy.where(numpy.isnan(modulus), numpy.fmax(abs(want.real), abs(want.imag)),
                            modulus)
    loose = unspecified(name, z.real, z.imag, w)
    bad = numpy.zeros(z.shape, bool)
    for part, left in zip(("real", "imag"), loose):
        g, e = getattr(got, part), getattr(want, part)
        skip_sign = left >= SIGN
        nan = numpy.isnan(e)
        exact = (e == 0) | numpy.isinf(e)
        ok = numpy.where(nan, numpy.isnan(g), False)
        same = (g == e) | (skip_sign & (numpy.abs(g) == numpy.abs(e)))
        sign = (numpy.signbit(g) == numpy.signbit(e)) | skip_sign
        with numpy.errstate(all="ignore"):
            close = numpy.abs(g - e) <= rtol * scale
        ok |= ~nan & exact & same & sign
        ok |= ~nan & ~exact & numpy.isfinite(g) & close
        ok |= left == VALUE
        bad |= ~ok
    if bad.any():
        where = [f"{name}({z[i]!r}{'' if w is None else f', {w[i]!r}'}) = {got[i]!r}, "
                 f"numpy {want[i]!r}" for i in numpy.flatnonzero(bad)[:12]]
        raise AssertionError(f"{bad.sum()} of {z.size} values differ from NumPy's:\n  "
                             + "\n  ".join(where))


def numpy_result(fn, *args):
    with warnings.catch_warnings(), numpy.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args)


@pytest.mark.parametrize("dt", COMPLEX, ids=dtype_id)
@pytest.mark.parametrize("name", UNARY)
def test_unary_special_values(name, dt):
    z = numpy.array(GRID, dt)
    want = numpy_result(getattr(numpy, name), z)
    got = ndaccel.asnumpy(getattr(ndaccel, name)(ndaccel.asarray(z)))
    assert_special_equal(name, z, got, want)


@pytest.mark.parametrize("dt", COMPLEX, ids=dtype_id)
def test_power_special_values(dt):
    z = numpy.repeat(numpy.array(GRID, dt), len(EXPONENTS))
    w = numpy.tile(numpy.array(EXPONENTS, dt), len(GRID))
    want = numpy_result(numpy.power, z, w)
    got = ndaccel.asnumpy(ndaccel.power(ndaccel.asarray(z), ndaccel.asarray(w)))
    assert_special_equal("power", z, got, want, w)


@pytest.mark.parametrize("dt", COMPLEX, ids=dtype_id)
def test_issue_examples(dt):
    """The cases that were wrong: branch cuts of a +0 imaginary part, and
    infinities through the inverse functions and power."""
    cases = [("arcsin", complex(2, 0)), ("arcsin", complex(2, -0.0)), ("arccos", complex(2, 0)),
             ("arcsin", complex(-2, -0.0)), ("arccos", complex(-2, -0.0)),
             ("arctanh", complex(math.inf, 0)), ("arcsin", complex(math.inf, 0)),
             ("arccos", complex(math.inf, 0)), ("arccos", complex(1e19, 1e19))]
    for name, v in cases:
        z = numpy.array([v], dt)
        want = numpy_result(getattr(numpy, name), z)
        assert_special_equal(name, z, ndaccel.asnumpy(getattr(ndaccel, name)(ndaccel.asarray(z))),
                             want)
    z, w = numpy.array([complex(math.inf, 0)], dt), numpy.array([2.0], dt)
    got = ndaccel.asnumpy(ndaccel.power(ndaccel.asarray(z), 2.0))
    assert got[0].real == math.inf and math.isnan(got[0].imag)  # NumPy: inf+nanj
    assert_special_equal("power", z, got, numpy_result(numpy.power, z, w), w)


def ordinary_values(dt):
    """Finite values over many magnitudes and near the points where the
    formulas lose accuracy or overflow (|z| = 1, +-1, +-i, huge, tiny)."""
    rng = numpy.random.default_rng(13)
    big = numpy.finfo(dt).max
    mag = 10.0 ** rng.uniform(-12, 12, 60)
    ang = rng.uniform(-math.pi, math.pi, 60)
    near = [complex(a, b) for a in (1, -1, 0) for b in (1e-9, -1e-9, 1 + 1e-7, -1 + 1e-7)]
    edge = [complex(big / 3, big / 5), complex(-big / 2, 1.0), complex(1e-30, -1e-32),
            complex(0.6, 0.8), complex(0.6, 0.8000001), complex(1e3, 1e-3), complex(-3e2, 2.0)]
    return numpy.concatenate([mag * numpy.exp(1j * ang), near, edge]).astype(dt)


@pytest.mark.parametrize("dt", COMPLEX, ids=dtype_id)
@pytest.mark.parametrize("name", UNARY)
def test_ordinary_values(name, dt):
    z = ordinary_values(dt)
    want = numpy_result(getattr(numpy, name), z)
    got = ndaccel.asnumpy(getattr(ndaccel, name)(ndaccel.asarray(z)))
    assert_special_equal(name, z, got, want)
