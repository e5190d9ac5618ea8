"""Errors: NumPy's exception classes (and the useful part of the message),
and the library keeps working after each of them."""
import numpy
import pytest

import ndaccel
from xp_util import xp_compare


def still_works():
    """A small computation after an error: the error state was cleaned up."""
    a = ndaccel.asarray(numpy.arange(5.0))
    r = (a * 2 + 1)[::2]
    numpy.testing.assert_array_equal(r.get(), (numpy.arange(5.0) * 2 + 1)[::2])
    assert float(ndaccel.sum(a)) == 10.0


def raises(exc, fn, match=None):
    with pytest.raises(exc, match=match) as info:
        fn()
    still_works()
    return info.value


@pytest.mark.parametrize("sa, sb", [((3,), (4,)), ((2, 3), (3, 2)), ((2, 3, 4), (5, 4)),
                                    ((0,), (2,)), ((2, 1, 3), (4, 2))])
def test_shapes_that_do_not_broadcast(sa, sb):
    """ValueError naming both shapes, as NumPy spells them."""
    a, b = ndaccel.ones(sa), ndaccel.ones(sb)
    for fn in (lambda: a + b, lambda: ndaccel.multiply(b, a), lambda: ndaccel.less(a, b)):
        msg = str(raises(ValueError, fn))
        for shape in (sa, sb):
            spelled = "(" + ",".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"
            assert spelled in msg, (spelled, msg)
    with pytest.raises(ValueError):
        numpy.ones(sa) + numpy.ones(sb)  # the test's premise


def test_inplace_shape_errors():
    def iadd(xp):
        a = xp.ones(3)
        a += xp.ones((2, 3))
        return a

    xp_compare(iadd)
    still_works()
    raises(ValueError, lambda: ndaccel.add(ndaccel.ones(3), ndaccel.ones(3), out=ndaccel.ones(4)))


@pytest.mark.parametrize("other", ["abc", None, object(), {"a": 1}, {1, 2}, b"xy", ndaccel])
def test_unsupported_operand_types(other):
    a = ndaccel.ones(3)
    raises(TypeError, lambda: a + other)
    raises(TypeError, lambda: other - a)
    raises(TypeError, lambda: a < other if other is not None else a < object())
    raises(TypeError, lambda: ndaccel.add(a, other))
    raises(TypeError, lambda: ndaccel.sqrt(other))


def test_bool_subtract_and_negative():
    b = ndaccel.asarray([True, False])
    raises(TypeError, lambda: b - b, match="boolean subtract")
    raises(TypeError, lambda: ndaccel.subtract(b, True))
    raises(TypeError, lambda: -b, match="boolean negative")
    # what NumPy allows
    numpy.testing.assert_array_equal((b ^ b).get(), [False, False])
    numpy.testing.assert_array_equal((b - 1).get(), [0, -1])


@pytest.mark.parametrize("dt, value", [("uint8", 300), ("uint8", -1), ("int8", 128),
                                       ("int8", -129), ("uint16", 70000), ("int32", 2**31),
                                       ("uint64", -1), ("int64", 2**63), ("uint64", 2**64)])
def test_python_int_out_of_range(dt, value):
    """NEP 50: the weak Python int must fit the array's dtype."""
    a = ndaccel.ones(3, dtype=dt)
    e = raises(OverflowError, lambda: value + a)
    assert dt in str(e) or "too large" in str(e)
    raises(OverflowError, lambda: a * value)
    raises(OverflowError, lambda: a.fill(value))
    with pytest.raises(OverflowError):
        a[0] = value
    raises(OverflowError, lambda: ndaccel.full(2, value, dtype=dt))
    with pytest.raises(OverflowError):
        numpy.ones(3, dtype=dt) + value  # the test's premise


@pytest.mark.parametrize("dt", ["U3", "S2", object, "datetime64[s]", "timedelta64", "float128",
                                "V8", "clongdouble", "nope"])
def test_unsupported_dtypes(dt):
    raises(TypeError, lambda: ndaccel.zeros(3, dtype=dt))
    raises(TypeError, lambda: ndaccel.ones(3).astype(dt))
    raises(TypeError, lambda: ndaccel.empty((2, 2), dtype=dt))
    raises(TypeError, lambda: ndaccel.add(ndaccel.ones(2), 1, dtype=dt))


def test_string_and_object_data():
    raises(TypeError, lambda: ndaccel.asarray(["a", "b"]))
    raises(TypeError, lambda: ndaccel.asarray("abc"))
    raises(TypeError, lambda: ndaccel.asarray([1, "a"]))
    raises(TypeError, lambda: ndaccel.asarray(numpy.array(["x"])))
    raises(TypeError, lambda: ndaccel.asarray([1, None]))
    # An object array in NumPy: ndaccel names the integer's range.
    raises(OverflowError, lambda: ndaccel.asarray(2**64), match="out of range of int64")


@pytest.mark.parametrize("shape", [(2**62, 2**62), (2**63 - 1, 2), (2**31, 2**31, 2**31)])
def test_too_big(shape):
    raises(ValueError, lambda: ndaccel.zeros(shape))
    raises(ValueError, lambda: ndaccel.empty(shape, dtype=numpy.uint8))
    with pytest.raises(ValueError):
        numpy.empty(shape)  # the test's premise


def test_bigger_than_the_device():
    raises(MemoryError, lambda: ndaccel.zeros(2**45, dtype=numpy.uint8))
    raises(MemoryError, lambda: ndaccel.empty((2**20, 2**20), dtype=numpy.float64))


@pytest.mark.parametrize("shape", [-1, (-1,), (2, -3), (0, -1)])
def test_negative_dimensions(shape):
    raises(ValueError, lambda: ndaccel.zeros(shape), match="negative dimensions")
    raises(ValueError, lambda: ndaccel.ones(shape))
    raises(ValueError, lambda: ndaccel.empty(shape))
    raises(ValueError, lambda: ndaccel.full(shape, 1.0))


@pytest.mark.parametrize("shape", [2.5, (2, 1.0), "3", (None,)])
def test_non_integer_dimensions(shape):
    raises(TypeError, lambda: ndaccel.zeros(shape))
    with pytest.raises(TypeError):
        numpy.zeros(shape)


@pytest.mark.parametrize("data", [[[1, 2], [3]], [1, [2, 3]], [[1], [[2]]], [[1, 2], 3]])
def test_ragged_lists(data):
    raises(ValueError, lambda: ndaccel.asarray(data))
    raises(ValueError, lambda: ndaccel.array(data))
    with pytest.raises(ValueError):
        numpy.asarray(data)


def test_not_implemented_features():
    """Planned, not bugs: NotImplementedError (and the library keeps working)."""
    a = ndaccel.ones((3, 4))
    for fn in (lambda: ndaccel.zeros(3, order="F"), lambda: a.copy(order="F")):
        raises(NotImplementedError, fn)


def test_invalid_arguments():
    a = ndaccel.ones(3)
    raises(ValueError, lambda: ndaccel.add(a, a, casting="bogus"))
    raises(ValueError, lambda: ndaccel.zeros(3, order="Q"))
    raises(ValueError, lambda: a.reshape(4))
    raises(TypeError, lambda: ndaccel.add(a, a, a, a))
    raises(TypeError, lambda: ndaccel.negative())
    raises(TypeError, lambda: ndaccel.add(a, a, nonsense=True))
    raises(TypeError, lambda: ndaccel.add(a, a, out=numpy.ones(3)))
    raises(TypeError, lambda: ndaccel.add(a, a, dtype="nope"))
    raises(TypeError, lambda: ndaccel.asarray(a, device=3))
    raises(ValueError, lambda: ndaccel.zeros(3, device="nope:9"))


def test_float_to_int_assignment_errors():
    a = ndaccel.zeros(3, dtype=numpy.int32)
    for value, exc in ((float("nan"), ValueError), (float("inf"), OverflowError),
                       (1 + 2j, TypeError)):
        with pytest.raises(exc):
            a[0] = value
        with pytest.raises(exc):
            numpy.zeros(3, dtype=numpy.int32)[0] = value
        still_works()
    numpy.testing.assert_array_equal(a.get(), [0, 0, 0])


def test_many_errors_in_a_row():
    """Error paths do not leak device memory or leave stale state."""
    before = ndaccel.memory_info()["live_bytes"]
    for _ in range(200):
        with pytest.raises(ValueError):
            ndaccel.ones(3) + ndaccel.ones(4)
        with pytest.raises(TypeError):
            ndaccel.ones(2, dtype=bool) - ndaccel.ones(2, dtype=bool)
    still_works()
    ndaccel.synchronize()
    assert ndaccel.memory_info()["live_bytes"] <= before + 4096
