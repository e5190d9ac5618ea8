"""ndaccel.emath: NumPy's emath (scimath) functions on the device: real
results inside the real domain, complex (of NumPy's dtype) as soon as one
element is outside, for every dtype, 0-d and empty arrays, host scalars,
lists and NumPy arrays."""
import numpy
import pytest

import ndaccel
from xp_util import ALL_DTYPES, assert_same, dtype_id, xp_compare

UNARY = ["sqrt", "log", "log2", "log10", "arccos", "arcsin", "arctanh"]
# Kernels are compiled per (function, dtype): the full sweep for sqrt and a
# representative set for the others.
SOME_DTYPES = [numpy.dtype(d) for d in ("int8", "uint16", "int64", "float16", "float32",
                                        "float64", "complex64", "bool")]


def values(dt, out_of_domain, with_inf=False):
    """Host 1-D values of dtype dt for an emath function: inside the real
    domain of all of them (0 < |x| < 1 for floats, 0/1 for integers), or
    with out-of-domain ones (negative, |x| > 1) among them."""
    dt = numpy.dtype(dt)
    if dt.kind == "b":
        return numpy.array([True, False, True], dtype=dt)
    if dt.kind in "iu":
        v = [0, 1, 1, 0] if not out_of_domain else [0, 1, 3, 100]
        if out_of_domain and dt.kind == "i":
            v += [-1, -7]
        return numpy.array(v, dtype=dt)
    if dt.kind == "f":
        v = [0.25, 0.5, 0.75, -0.0, numpy.nan] if not out_of_domain else \
            [0.25, -0.5, 2.0, -3.0, 10.0, numpy.nan]
        return numpy.array(v + [numpy.inf, -numpy.inf] * with_inf, dtype=dt)
    return numpy.array([0.5 + 0.25j, -0.5 + 0.0j, 2.0 - 1.0j, -3.0 + 0.5j], dtype=dt)


def emath_of(xp):
    return numpy.emath if xp is numpy else ndaccel.emath


@pytest.mark.parametrize("dt", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("out_of_domain", [False, True], ids=["in", "out"])
def test_sqrt_all_dtypes(dt, out_of_domain):
    h = values(dt, out_of_domain)
    got = xp_compare(lambda xp: emath_of(xp).sqrt(xp.asarray(h)))
    assert (got.dtype.kind == "c") == (dt.kind == "c" or (out_of_domain and dt.kind in "if"))


@pytest.mark.parametrize("dt", SOME_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("name", UNARY[1:])
def test_unary_in_domain(name, dt):
    h = values(dt, False)
    got = xp_compare(lambda xp: getattr(emath_of(xp), name)(xp.asarray(h)))
    assert got.dtype.kind != "c" or dt.kind == "c"


@pytest.mark.parametrize("dt", [dt for dt in SOME_DTYPES if dt.kind in "if"], ids=dtype_id)
@pytest.mark.parametrize("name", UNARY[1:])
def test_unary_out_of_domain(name, dt):
    h = values(dt, True)
    got = xp_compare(lambda xp: getattr(emath_of(xp), name)(xp.asarray(h)))
    assert got.dtype.kind == "c"


@pytest.mark.parametrize("name", ["arctanh", "log", "sqrt"])
def test_unsigned_out_of_domain(name):
    h = values("uint16", True)  # 3 and 100: out of arctanh's domain only
    got = xp_compare(lambda xp: getattr(emath_of(xp), name)(xp.asarray(h)))
    assert (got.dtype.kind == "c") == (name == "arctanh")


# emath turns out-of-domain reals into complex with +0 imaginary parts:
# exactly on the branch cuts of arcsin/arccos (real parts > 1).
@pytest.mark.parametrize("name", ["arcsin", "arccos"])
def test_arcsin_arccos_above_one(name):
    for h in (numpy.array([0.5, 2.0, 10.0]), numpy.array([0, 3, 100], numpy.uint16)):
        xp_compare(lambda xp: getattr(emath_of(xp), name)(xp.asarray(h)))
    assert getattr(ndaccel.emath, name)(4) == getattr(numpy.emath, name)(4)


@pytest.mark.parametrize("name", ["sqrt", "log", "log2", "log10", "arctanh"])
def test_infinities(name):
    for dt in ("float32", "float64"):
        h = values(dt, True, with_inf=True)
        xp_compare(lambda xp: getattr(emath_of(xp), name)(xp.asarray(h)))


@pytest.mark.parametrize("name", UNARY)
def test_zero_d_and_empty(name):
    for h in (numpy.array(-2.0), numpy.array(0.5, numpy.float32), numpy.array(-4, numpy.int16),
              numpy.zeros(0), numpy.zeros((2, 0), numpy.int8),
              numpy.zeros((0, 3), numpy.complex64)):
        xp_compare(lambda xp: getattr(emath_of(xp), name)(xp.asarray(h)))


@pytest.mark.parametrize("name", UNARY)
def test_host_scalars_give_numpy_scalars(name):
    for v in (-4, 4, 0.5, -2.5, 3.0, 1 + 1j, numpy.float32(-2), numpy.int8(-3),
              numpy.uint8(5), numpy.array(-1.5), True):
        with numpy.errstate(all="ignore"):  # arctanh(True) is inf
            expected = getattr(numpy.emath, name)(v)
            got = getattr(ndaccel.emath, name)(v)
        assert type(got) is type(expected), (v, type(got), type(expected))
        assert_same(ndaccel.asarray(numpy.asarray(got)), numpy.asarray(expected))


@pytest.mark.parametrize("name", UNARY)
def test_lists_and_numpy_arrays_go_to_the_device(name):
    h = numpy.array([[-1.0, 0.5], [-2.0, 0.25]])
    got = xp_compare(lambda xp: getattr(emath_of(xp), name)(h.tolist()))
    assert isinstance(got, ndaccel.ndarray)
    xp_compare(lambda xp: getattr(emath_of(xp), name)(h))


def test_strided_and_lazy_inputs():
    h = numpy.arange(-6.0, 6.0).reshape(3, 4)
    xp_compare(lambda xp: xp.emath.sqrt(xp.asarray(h)[:, ::-2]))
    xp_compare(lambda xp: xp.emath.log(xp.asarray(h).T * 2 + 1))
    xp_compare(lambda xp: xp.emath.sqrt(xp.asarray(h)[1:, 1:3] + 3))  # all >= 0: real


@pytest.mark.parametrize("xdt, pdt", [("float64", "int64"), ("float32", "int8"),
                                      ("int32", "int32"), ("float16", "float16"),
                                      ("int8", "float32"), ("complex64", "int16"),
                                      ("uint8", "int16")])
def test_power(xdt, pdt):
    x_in = values(xdt, False)
    x_out = values(xdt, True)
    p_pos = numpy.resize(numpy.array([2, 3, 0, 1], dtype=pdt), x_out.shape)
    p_neg = numpy.resize(numpy.array([2, -1, -2, 0], dtype=pdt), x_out.shape)
    for x in (x_in, x_out):
        for p in (p_pos, p_neg):
            p = numpy.resize(p, x.shape)
            xp_compare(lambda xp: xp.emath.power(xp.asarray(x), xp.asarray(p)))
    for p in (2, -2, 0.5, numpy.int8(-1)):  # host scalar powers: NumPy's dtype for them
        xp_compare(lambda xp: xp.emath.power(xp.asarray(x_out), p))


def test_power_scalars():
    for x, p in ((-8, 2), (-8.0, 1 / 3), (4, -1), (2, 3), (numpy.float32(-2), numpy.int8(2))):
        expected = numpy.emath.power(x, p)
        got = ndaccel.emath.power(x, p)
        assert type(got) is type(expected), (x, p)
        assert_same(ndaccel.asarray(numpy.asarray(got)), numpy.asarray(expected))


@pytest.mark.parametrize("ndt, xdt", [("int64", "float64"), ("float32", "float32"),
                                      ("int8", "int8"), ("float64", "complex128")])
def test_logn(ndt, xdt):
    x = values(xdt, True)
    for n in (numpy.array(2, ndt), numpy.resize(numpy.array([2, 10, 3], dtype=ndt), x.shape)):
        xp_compare(lambda xp: xp.emath.logn(xp.asarray(n), xp.asarray(x)))
    xp_compare(lambda xp: xp.emath.logn(2, xp.asarray(x)))
    if numpy.dtype(ndt).kind != "u":
        xp_compare(lambda xp: xp.emath.logn(xp.asarray(-numpy.asarray(n)), xp.asarray(x)))


def test_check_runs_once_on_the_device():
    """The domain check is one reduction whose bool comes back: a huge
    input in the real domain stays real."""
    a = ndaccel.arange(200000, dtype=numpy.float32)
    r = ndaccel.emath.sqrt(a)
    assert r.dtype == numpy.float32
    a[123456] = -1.0
    r = ndaccel.emath.sqrt(a)
    assert r.dtype == numpy.complex64
    assert r[123456] == 1j and r[4] == 2.0


def test_bad_input():
    xp_compare(lambda xp: xp.emath.sqrt("abc"))
    xp_compare(lambda xp: xp.emath.log(xp.asarray(numpy.ones(2)), 3))
    with pytest.raises(TypeError):
        ndaccel.emath.sqrt(numpy.ones(2, dtype=numpy.longdouble))


def test_module_surface():
    assert sorted(ndaccel.emath.__all__) == sorted(n for n in numpy.emath.__all__)
    for name in ndaccel.emath.__all__:
        assert "numpy.emath." + name in getattr(ndaccel.emath, name).__doc__
