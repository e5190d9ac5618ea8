"""where(cond), indexing with 0-d booleans, unique(axis=...), and honest
errors for data ndaccel cannot hold (big Python ints, strings, structured,
datetime and object dtypes, ndarray subclasses), against NumPy."""
import numpy
import pytest

import ndaccel
from xp_util import xp_compare

A23 = numpy.arange(6).reshape(2, 3)


# ---------------------------------------------------------------- where(cond)

@pytest.mark.parametrize("cond", [
    numpy.array([0, 3, 0, 1]), numpy.array([[1, 0], [0, 3]]), numpy.zeros((2, 0, 3)),
    numpy.array([[[True, False], [False, True]]]), numpy.array([0.0, numpy.nan, -0.0]),
    numpy.zeros(4, dtype=bool),
], ids=lambda c: f"{c.dtype}{c.shape}")
def test_where_one_argument(cond):
    xp_compare(lambda xp: xp.where(xp.asarray(cond)))
    xp_compare(lambda xp: xp.where(xp.asarray(cond)) == xp.nonzero(xp.asarray(cond)))


def test_where_one_argument_list_and_errors():
    xp_compare(lambda xp: xp.where([[0, 2], [5, 0]]))
    for xp in (numpy, ndaccel):
        with pytest.raises(ValueError, match="0d arrays"):
            xp.where(xp.asarray(True))
        with pytest.raises(ValueError, match="both or neither"):
            xp.where(xp.asarray([True]), 1)


# ---------------------------------------------------------------- 0-d boolean indices

BOOL_KEYS = [
    True, False, numpy.True_, numpy.array(True), numpy.array(False), (True, [0, 1]),
    ([0, 1], True), (slice(None), True, [0, 1]), (numpy.array(True), 0), (0, True),
    (Ellipsis, True), (True, True), (False, Ellipsis), (True, None, slice(1, None)),
    ([0, 1], True, [0, 2]), ([0, 1], slice(None), True), (False, [0, 1]),
]


@pytest.mark.parametrize("key", BOOL_KEYS, ids=repr)
@pytest.mark.parametrize("on_device", [False, True], ids=["host-key", "device-key"])
def test_zero_d_bool_index(key, on_device):
    def dev(k, xp):
        if on_device and isinstance(k, numpy.ndarray) and xp is ndaccel:
            return ndaccel.asarray(k)
        return k

    def as_key(xp):
        return tuple(dev(k, xp) for k in key) if isinstance(key, tuple) else dev(key, xp)

    xp_compare(lambda xp: xp.asarray(A23)[as_key(xp)])

    def setter(xp):
        a = xp.array(A23)  # a copy: numpy.asarray would write into A23
        a[as_key(xp)] = -7
        return a
    xp_compare(setter)


def test_zero_d_bool_index_copies_and_values():
    a = ndaccel.asarray(A23)
    r = a[ndaccel.asarray(True)]
    r[0, 0, 0] = 99  # a copy, as NumPy's
    assert int(a[0, 0]) == 0

    def body(xp):
        b = xp.asarray(numpy.arange(3.0))
        b[xp.asarray(True)] = xp.asarray(numpy.array([[1.0, 2.0, 3.0]]))
        b[numpy.False_] = 5.0
        return b
    xp_compare(body)


# ---------------------------------------------------------------- unique(axis=...)

NAN = numpy.nan
UNIQUE_CASES = [
    (numpy.array([[1, NAN], [1, NAN], [0, 2], [NAN, 1], [NAN, 1], [-0.0, 2]]), 0),
    (numpy.array([[3, 1, 2], [3, 1, 2], [1, 5, 0]]), 1),
    (numpy.array([[3, 1, 2], [3, 1, 2], [1, 5, 0]]), 0),
    (numpy.array([[3, -1, 2], [3, 1, 2], [-1, 5, 0]], dtype=numpy.int8), -1),
    (numpy.zeros((0, 3)), 0),
    (numpy.zeros((3, 0)), 0),
    (numpy.zeros((3, 0)), 1),
    (numpy.array([[True, False], [False, True], [True, False]]), 0),
    (numpy.array([1 + 1j, 1 - 1j, 1 + 1j, NAN]).reshape(2, 2), 0),
    (numpy.random.default_rng(0).integers(0, 2, (4, 3, 5)).astype(numpy.uint16), 1),
]


@pytest.mark.parametrize("equal_nan", [True, False])
@pytest.mark.parametrize("case", UNIQUE_CASES, ids=lambda c: f"{c[0].dtype}{c[0].shape}-{c[1]}")
def test_unique_axis(case, equal_nan):
    a, axis = case
    xp_compare(lambda xp: xp.unique(xp.asarray(a), axis=axis, equal_nan=equal_nan))
    xp_compare(lambda xp: xp.unique(xp.asarray(a), return_index=True, return_inverse=True,
                                    return_counts=True, axis=axis, equal_nan=equal_nan))


def test_unique_axis_errors():
    for xp in (numpy, ndaccel):
        with pytest.raises(ValueError):  # AxisError
            xp.unique(xp.asarray(numpy.int64(5)), axis=0)
        with pytest.raises(ValueError):
            xp.unique(xp.asarray(A23), axis=2)


# ---------------------------------------------------------------- honest errors

@pytest.mark.parametrize("make", [
    lambda: ndaccel.array([2**70]), lambda: ndaccel.array(2**70),
    lambda: ndaccel.asarray([1, 2**64]), lambda: ndaccel.asarray([-2**63 - 1, 0]),
    lambda: ndaccel.asarray([1.0, 2**70]), lambda: ndaccel.full(3, 2**70),
    lambda: ndaccel.asarray(numpy.array([1, 2**70], dtype=object)),
])
def test_big_python_int_names_the_range(make):
    with pytest.raises(OverflowError, match=r"Python integer -?\d+ is out of range of int64 "
                                            r"and uint64"):
        make()


def test_python_ints_at_the_limits_still_work():
    assert ndaccel.asarray([2**64 - 1]).dtype == numpy.uint64
    assert ndaccel.asarray([-2**63]).dtype == numpy.int64
    assert ndaccel.asarray([2**70], dtype=float).dtype == numpy.float64


@pytest.mark.parametrize("make, kind", [
    (lambda: ndaccel.array(["a", "b"]), r"<U1 \(unicode string\)"),
    (lambda: ndaccel.zeros(3, dtype=[("x", "f8")]), r"\(structured\)"),
    (lambda: ndaccel.zeros(3, dtype="U3"), r"<U3 \(unicode string\)"),
    (lambda: ndaccel.zeros(3, dtype="M8[s]"), r"datetime64\[s\] \(datetime\)"),
    (lambda: ndaccel.empty(2, dtype="m8[s]"), r"\(timedelta\)"),
    (lambda: ndaccel.zeros(3, dtype="S2"), r"\(bytes\)"),
    (lambda: ndaccel.zeros(3, dtype=object), r"\(Python object\)"),
    (lambda: ndaccel.asarray([1, None]), r"object \(Python objects, here a NoneType\)"),
    (lambda: ndaccel.asarray(numpy.zeros(2, dtype=numpy.longdouble)),
     r"\(extended-precision float\)"),
    (lambda: ndaccel.arange(3).astype("U3"), r"\(unicode string\)"),
])
def test_unsupported_dtypes_name_the_kind(make, kind):
    with pytest.raises(TypeError, match=kind) as info:
        make()
    assert "supported kinds are bool, integer" in str(info.value)


class _HostSub(numpy.ndarray):
    pass


class _DeviceSub(ndaccel.ndarray):
    pass


def test_view_type():
    a = ndaccel.arange(3)
    for call in (lambda: a.view(_HostSub), lambda: a.view(type=_HostSub),
                 lambda: a.view(numpy.ndarray), lambda: a.view(numpy.float64, _HostSub)):
        with pytest.raises(TypeError, match="does not support ndarray subclasses"):
            call()
    for call in (lambda: a.view(_DeviceSub), lambda: a.view(type=_DeviceSub)):
        with pytest.raises(NotImplementedError, match="does not support ndarray subclasses"):
            call()
    with pytest.raises(ValueError, match="sub-type of ndarray"):
        a.view(type=int)
    assert type(a.view(ndaccel.ndarray)) is ndaccel.ndarray
    assert a.view(type=ndaccel.ndarray, dtype=numpy.uint64).dtype == numpy.uint64
