"""ndaccel.testing: NumPy's assertions with ndaccel arrays on either side
(also inside lists, tuples and dicts) pass and fail exactly where NumPy's
do on the host copies, with NumPy's messages."""
import inspect
import operator
import re
import warnings

import numpy
import numpy.testing as nt
import pytest

import ndaccel
import ndaccel.testing as at


def outcome(call):
    """None when call() passes, else (exception class, message)."""
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - the failure is what is compared
        return type(exc), str(exc)
    return None


def same_outcome(name, *args, **kwargs):
    """ndaccel.testing.<name> on the arguments (ndaccel arrays) and
    numpy.testing.<name> on their host copies pass or fail alike, with the
    same message."""
    host = [a.get() if isinstance(a, ndaccel.ndarray) else a for a in args]
    expected = outcome(lambda: getattr(nt, name)(*host, **kwargs))
    got = outcome(lambda: getattr(at, name)(*args, **kwargs))
    assert got == expected, f"{name}: ndaccel {got} != numpy {expected}"
    return got


def dev(h):
    return ndaccel.asarray(numpy.asarray(h))


F = numpy.array([1.0, 2.0, numpy.nan, numpy.inf])
F_CLOSE = F * (1 + 1e-9)
F_FAR = numpy.array([1.0, 2.5, numpy.nan, numpy.inf])
I = numpy.array([[1, 2], [3, 4]], dtype=numpy.int32)


@pytest.mark.parametrize("name", ["assert_allclose", "assert_array_equal", "assert_equal",
                                  "assert_array_almost_equal", "assert_almost_equal"])
@pytest.mark.parametrize("other", [F, F_CLOSE, F_FAR, F[:3]], ids=["same", "close", "far",
                                                                 "shorter"])
def test_float_comparisons(name, other):
    for left, right in ((dev(F), other), (F, dev(other)), (dev(F), dev(other))):
        same_outcome(name, left, right)


@pytest.mark.parametrize("name", ["assert_array_equal", "assert_equal", "assert_allclose"])
@pytest.mark.parametrize("dt", ["int8", "uint64", "bool", "complex64", "float16"])
def test_dtypes_and_shapes(name, dt):
    h = I.astype(dt)
    same_outcome(name, dev(h), h)
    bumped = h.copy()
    bumped[1, 1] = not bumped[1, 1] if dt == "bool" else bumped[1, 1] + 1
    assert same_outcome(name, dev(h), bumped)[0] is AssertionError
    same_outcome(name, dev(h), h.T)  # different values


def test_zero_d_and_empty():
    for name in ("assert_array_equal", "assert_allclose", "assert_equal"):
        same_outcome(name, dev(numpy.float64(2.5)), 2.5)
        same_outcome(name, dev(numpy.float64(2.5)), 2.0)
        same_outcome(name, dev(numpy.zeros((0, 3))), numpy.zeros((0, 3)))
        same_outcome(name, dev(numpy.zeros((0, 3))), numpy.zeros((3, 0)))
    same_outcome("assert_array_equal", dev(numpy.ones(3)), 1.0)  # scalar broadcasts


def test_strict_and_keywords():
    a = dev(numpy.ones(3, dtype=numpy.float32))
    same_outcome("assert_array_equal", a, numpy.ones(3), strict=True)
    same_outcome("assert_array_equal", a, numpy.ones(3, numpy.float32), strict=True)
    same_outcome("assert_allclose", a, numpy.ones(3) * 1.01, rtol=0.05)
    same_outcome("assert_allclose", a, numpy.ones(3) * 1.01, rtol=1e-3, err_msg="custom")
    same_outcome("assert_array_almost_equal", a, numpy.ones(3) + 1e-4, decimal=3)
    same_outcome("assert_array_almost_equal", a, numpy.ones(3) + 1e-2, decimal=3)
    got = same_outcome("assert_allclose", actual=a, desired=numpy.zeros(3))
    assert got[0] is AssertionError and "Not equal to tolerance" in got[1]


def test_assert_array_less():
    a = dev(numpy.array([1.0, 2.0, 3.0]))
    same_outcome("assert_array_less", a, numpy.array([2.0, 3.0, 4.0]))
    same_outcome("assert_array_less", numpy.array([0.0, 0.0, 0.0]), a)
    assert same_outcome("assert_array_less", a, a)[0] is AssertionError
    same_outcome("assert_array_less", a, 10.0)


def test_ulp_assertions():
    x = numpy.array([1.0, 2.0, 1e10], dtype=numpy.float32)
    y = numpy.nextafter(x, numpy.float32(numpy.inf))
    same_outcome("assert_array_max_ulp", dev(x), dev(y))
    assert same_outcome("assert_array_max_ulp", dev(x), dev(y), maxulp=0)[0] is AssertionError
    ulps = at.assert_array_max_ulp(dev(x), y, maxulp=2)
    expected = nt.assert_array_max_ulp(x, y, maxulp=2)
    assert isinstance(ulps, numpy.ndarray) and ulps.dtype == expected.dtype
    assert ulps.tolist() == expected.tolist() and expected.max() == 1
    same_outcome("assert_array_almost_equal_nulp", dev(x), y, nulp=1)
    same_outcome("assert_array_almost_equal_nulp", dev(x), y * 2, nulp=1)


def test_scalar_style_assertions():
    s = ndaccel.asarray(numpy.float64(1.23456789))
    same_outcome("assert_almost_equal", s, 1.2345679)
    same_outcome("assert_almost_equal", s, 1.3)
    same_outcome("assert_approx_equal", s, 1.23457, significant=5)
    same_outcome("assert_approx_equal", s, 1.3, significant=5)


def test_assert_array_compare():
    same_outcome("assert_array_compare", operator.le, dev(I), I + 1)
    assert same_outcome("assert_array_compare", operator.lt, dev(I), I)[0] is AssertionError


def test_assert_equal_recurses_into_containers():
    a, b = dev(F), dev(I)
    at.assert_equal([a, (b, 3)], [F, (I, 3)])
    at.assert_equal({"x": a, "y": [b]}, {"x": F, "y": [I]})
    at.assert_equal((a,), [F])  # as NumPy: sequences compare item by item
    with pytest.raises(AssertionError, match=re.escape("item=1")):
        at.assert_equal([a, b], [F, I + 1])
    with pytest.raises(AssertionError, match="key='y'"):
        at.assert_equal({"x": a, "y": b}, {"x": F, "y": I * 2})
    with pytest.raises(AssertionError):
        at.assert_equal({"x": a}, {"z": F})


def test_failure_messages_are_numpy_messages():
    got = outcome(lambda: at.assert_array_equal(dev(I), I + 1, err_msg="context"))
    expected = outcome(lambda: nt.assert_array_equal(I, I + 1, err_msg="context"))
    assert got == expected and "context" in got[1] and "Mismatched elements: 4 / 4" in got[1]


def test_wrappers_keep_numpy_signatures():
    for name in ("assert_allclose", "assert_array_equal", "assert_equal", "assert_array_less",
                 "assert_array_max_ulp", "assert_array_almost_equal_nulp"):
        assert inspect.signature(getattr(at, name)) == inspect.signature(getattr(nt, name))
        assert getattr(at, name).__doc__.startswith(f"numpy.testing.{name} with ndaccel")


def test_numpy_utilities_are_numpy_s():
    for name in ("assert_raises", "assert_raises_regex", "assert_", "assert_string_equal",
                 "assert_no_warnings", "assert_warns", "suppress_warnings", "SkipTest",
                 "KnownFailureException", "tempdir", "temppath"):
        assert getattr(at, name) is getattr(nt, name), name
    for name in at.__all__:
        assert hasattr(at, name), name
    with at.assert_raises(ValueError):
        ndaccel.ones(3).reshape(2, 2)
    at.assert_raises(TypeError, ndaccel.zeros, 3, numpy.longdouble)
    with at.assert_raises_regex(ValueError, "cannot reshape"):
        ndaccel.ones(3).reshape(4)
    with pytest.raises(AssertionError):
        at.assert_(ndaccel.asarray([1, 2]).sum() == 4, "sum")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # deprecated in NumPy 2.4
        with at.assert_warns(UserWarning):
            warnings.warn("x", UserWarning)


def test_top_level_attribute():
    assert ndaccel.testing is at
    ndaccel.testing.assert_allclose(ndaccel.arange(3.0), [0.0, 1.0, 2.0])
