"""Array creation, host conversion, dtype conversion (astype over every pair
of dtypes but small-int to small-int), and the ndarray attributes and shape
methods, against NumPy."""
import itertools

import numpy
import pytest

import ndaccel
from xp_util import ALL_DTYPES, dtype_id, special_values, xp_compare, xp_test

dtypes = pytest.mark.parametrize("dt", ALL_DTYPES, ids=dtype_id)


# ---------------------------------------------------------------- constructors

@dtypes
def test_zeros_ones_full_empty(dt):
    @xp_test
    def body(xp):
        e = xp.empty((2, 3), dtype=dt)
        assert e.shape == (2, 3) and e.dtype == dt
        return (xp.zeros((2, 3), dtype=dt), xp.ones(4, dtype=dt), xp.ones((0, 3), dtype=dt),
                xp.full((3, 2), 1, dtype=dt), xp.full(5, True, dtype=dt), xp.zeros([2, 1, 2], dt))

    body()


@pytest.mark.parametrize("value", [7, -3, 2.5, -0.0, float("nan"), float("inf"), True,
                                   1 + 2j, numpy.int8(-5), numpy.float32(1.5), 2**40])
def test_full_infers_dtype(value):
    xp_compare(lambda xp: xp.full((2, 3), value))


@pytest.mark.parametrize("dt", ["int8", "uint8", "int32", "uint64", "float16", "float32", "bool"])
def test_full_values_cast(dt):
    for value in (0, 1, 100, 255, -1, 1.75, -2.5, 1e10, 2**63 - 1, 2**64 - 1):
        xp_compare(lambda xp: xp.full(3, value, dtype=dt))


def test_default_dtypes():
    @xp_test
    def body(xp):
        return xp.zeros(3), xp.ones((2,)), xp.empty(2).dtype == numpy.float64, \
            xp.full(2, 3), xp.full(2, 3.0), xp.arange(3), xp.arange(3.0)

    body()


@pytest.mark.parametrize("args", [(5,), (0,), (-3,), (2, 11), (2, 11, 3), (10, 0, -3), (1, 2, 0.25),
                                  (2.5,), (0.0, 1.0, 0.1), (-5, 5, 2), (3, 3),
                                  # full rows of 1024 and a rest (_store_indexed)
                                  (1024,), (3072,), (5000,), (-7, 100003, 3), (0.1, 300.0, 0.0137),
                                  (2**62, 2**62 + 4000)])
def test_arange(args):
    xp_compare(lambda xp: xp.arange(*args))


@pytest.mark.parametrize("dt", ["int8", "uint16", "float32", "float16", "complex64", "int64"])
def test_arange_dtype(dt):
    xp_compare(lambda xp: xp.arange(0, 10, 2, dtype=dt))
    xp_compare(lambda xp: xp.arange(7, dtype=dt))
    xp_compare(lambda xp: xp.arange(0, 2100, dtype=dt))  # wraps in int8 as NumPy
    xp_compare(lambda xp: xp.arange(-1000, 10, dtype=dt))  # OverflowError for ints
    xp_compare(lambda xp: xp.arange(100, 300, 50, dtype=dt))  # the second value too


# The index vector is a (rows, 1024) broadcast sum cut to length
# (_ranges._iota): lengths around whole rows.
@pytest.mark.parametrize("n", [1023, 1024, 1025, 2048, 3 * 1024 + 5, 200_001])
def test_arange_lengths_around_rows(n):
    xp_compare(lambda xp: (xp.arange(n), xp.arange(n, 0, -3, dtype="float32"),
                           xp.arange(-7, n - 7, dtype="int16")))


def test_arange_errors():
    xp_compare(lambda xp: xp.arange(1, 2, 0))  # ZeroDivisionError in both
    for bad in (lambda: ndaccel.arange("a"), lambda: ndaccel.arange(1, None, "x")):
        with pytest.raises(TypeError):
            bad()


@dtypes
def test_like_functions(dt):
    x = special_values(dt).reshape(-1, 1)

    @xp_test
    def body(xp):
        a = xp.asarray(x)
        e = xp.empty_like(a)
        assert e.shape == a.shape and e.dtype == a.dtype
        return (xp.zeros_like(a), xp.ones_like(a), xp.full_like(a, 1),
                xp.zeros_like(a, dtype=numpy.float32), xp.ones_like(a, shape=(2, 2)),
                xp.full_like(a[:2], True, dtype=bool))

    body()


def test_like_functions_of_host_data():
    @xp_test
    def body(xp):
        return (xp.zeros_like([[1, 2, 3]]), xp.ones_like(numpy.arange(4.0)),
                xp.full_like([1.5, 2.5], 7), xp.empty_like([1, 2]).shape)

    body()


# ---------------------------------------------------------------- host conversion

@dtypes
def test_asarray_roundtrip(dt):
    x = special_values(dt)
    for h in (x, x.reshape(1, -1), x[::-1], x[::3], numpy.array(x[0]), x[:0]):
        a = ndaccel.asarray(h)
        assert isinstance(a, ndaccel.ndarray)
        back = ndaccel.asnumpy(a)
        assert isinstance(back, numpy.ndarray)
        assert back.dtype == h.dtype and back.shape == h.shape
        numpy.testing.assert_array_equal(back, h)
        numpy.testing.assert_array_equal(a.get(), h)


@xp_test
def test_asarray_of_python_data(xp):
    return (xp.asarray([1, 2, 3]), xp.asarray([[1.5, 2], [3, 4]]), xp.asarray(True),
            xp.asarray([1, 2.5, 1j]), xp.asarray(7), xp.asarray(2.5), xp.asarray([]),
            xp.asarray([[]]), xp.asarray(range(4)), xp.asarray((1, 2)), xp.asarray(2**63),
            xp.asarray([True, False]), xp.asarray([[[1]]], dtype=numpy.int16))


@pytest.mark.parametrize("dt", ["uint64", "int64", "uint8", "int8", "float16", "float32"])
def test_asarray_dtype_argument(dt):
    for data in ([1, 2, 3], [0.5, -1.75], [2**63, 2**63 + 1, 2**64 - 2], [300], [-1],
                 numpy.arange(3.0), numpy.float64(1.25)):
        xp_compare(lambda xp: xp.asarray(data, dtype=dt))


def test_asarray_unusual_numpy_layouts():
    base = numpy.arange(24, dtype=numpy.int32).reshape(2, 3, 4)
    for h in (base.T, base[:, ::-1, ::2], numpy.asarray(base, dtype=">i4"),
              numpy.asfortranarray(base), numpy.frombuffer(base.tobytes(), dtype=numpy.int32)):
        a = ndaccel.asarray(h)
        assert a.shape == h.shape and a.dtype == numpy.dtype(numpy.int32)
        numpy.testing.assert_array_equal(a.get(), h)
    ro = numpy.arange(5.0)
    ro.flags.writeable = False
    numpy.testing.assert_array_equal(ndaccel.asarray(ro).get(), ro)


def test_asarray_of_ndarray_and_copies():
    a = ndaccel.asarray(numpy.arange(4.0))
    assert ndaccel.asarray(a) is a
    assert ndaccel.asarray(a, dtype=numpy.float64) is a
    b = ndaccel.array(a)
    assert b is not a
    b[0] = 100
    assert a.get()[0] == 0  # array() copies by default
    c = ndaccel.asarray(a, dtype=numpy.float32)
    assert c.dtype == numpy.float32
    with pytest.raises(ValueError):
        ndaccel.asarray(a, dtype=numpy.int32, copy=False)
    with pytest.raises(ValueError):
        ndaccel.asarray([1, 2], copy=False)
    assert ndaccel.asarray(a, copy=True) is not a
    with pytest.raises(ValueError):
        a.__array__(copy=False)


def test_full_with_array_values():
    xp_compare(lambda xp: xp.full((2, 3), [1, 2, 3]))
    xp_compare(lambda xp: xp.full((2, 3), numpy.array([1.5, -2.5, 3.0]), dtype="int16"))
    xp_compare(lambda xp: xp.full((2, 3), xp.asarray(numpy.array([[1.5], [2.0]]))))
    xp_compare(lambda xp: xp.full((2, 3), [1, 2]))  # ValueError in both


@xp_test
def test_array_ndmin(xp):
    return xp.array(3, ndmin=2), xp.array([1, 2], ndmin=3), xp.array([[1]], ndmin=1)


def test_asnumpy_and_get_out():
    a = ndaccel.asarray(numpy.arange(6.0).reshape(2, 3))
    out = numpy.zeros((2, 3))
    assert ndaccel.asnumpy(a, out=out) is out
    numpy.testing.assert_array_equal(out, numpy.arange(6.0).reshape(2, 3))
    out2 = numpy.zeros((2, 3))
    assert a.get(out=out2) is out2
    numpy.testing.assert_array_equal(out2, out)
    assert isinstance(ndaccel.asnumpy([1, 2]), numpy.ndarray)


# ---------------------------------------------------------------- astype

def _castable_values(src, dst):
    """Special values of src whose conversion to dst is defined (NumPy and C
    leave float -> int conversions of NaN, inf and out-of-range values
    undefined)."""
    x = special_values(src)
    src, dst = numpy.dtype(src), numpy.dtype(dst)
    if src.kind in "fc" and dst.kind in "iu":
        r = x.real if src.kind == "c" else x
        info = numpy.iinfo(dst)
        with numpy.errstate(all="ignore"):
            keep = numpy.isfinite(r) & (numpy.trunc(r) >= info.min) & (numpy.trunc(r) <= info.max)
        if src.kind == "c":
            keep &= numpy.isfinite(x.imag)
        x = x[keep]
    return x


# Every pair except conversions between two integer types of at most 32 bits
# (plain C casts, like the ones kept: to and from int64/uint64, bool, floats
# and complex).
_SMALL_INTS = {numpy.dtype(n) for n in ("int8", "uint8", "int16", "uint16", "int32", "uint32")}
ASTYPE_PAIRS = [pytest.param(a, b, id=f"{a}-{b}")
                for a, b in itertools.product(ALL_DTYPES, ALL_DTYPES)
                if not (a in _SMALL_INTS and b in _SMALL_INTS and a != b)]


@pytest.mark.parametrize("src, dst", ASTYPE_PAIRS)
def test_astype_pairs(src, dst):
    """Every conversion, NumPy's rules: wraparound between integers, float to
    int truncates, complex to real drops the imaginary part, anything to bool
    is != 0, float64 -> float16 rounds once."""
    x = _castable_values(src, dst)
    xp_compare(lambda xp: xp.asarray(x).astype(dst))


def test_astype_float_to_float16_rounding():
    """float64 -> float16 must round once (not through float32)."""
    x = numpy.array([1.0 + 2.0**-11 + 2.0**-40, 65519.99, 65520.0, 6.0e-8, 2.0**-25 + 2.0**-40,
                     1.0009765625, -1.0009765625 - 2.0**-30], dtype=numpy.float64)
    xp_compare(lambda xp: xp.asarray(x).astype(numpy.float16), rtol=0)
    xp_compare(lambda xp: xp.asarray(x.astype(numpy.int64)).astype(numpy.float16), rtol=0)


def test_astype_arguments():
    x = numpy.arange(6).reshape(2, 3)

    @xp_test
    def body(xp):
        a = xp.asarray(x)
        same = a.astype(a.dtype, copy=False)
        assert same is a
        c = a.astype(a.dtype)
        assert c is not a
        return (a.astype(numpy.float32, casting="same_kind"), a.astype("int8"),
                a.astype(numpy.int64, casting="safe"), a.T.astype(numpy.float16), c)

    body()
    for casting, dt in (("safe", "int8"), ("same_kind", "float64"), ("no", "int32"),
                        ("equiv", "uint64")):
        xp_compare(lambda xp: xp.asarray(numpy.arange(3.0) if dt == "float64" and
                                         casting == "same_kind" else x).astype(dt, casting=casting))
    xp_compare(lambda xp: xp.asarray(numpy.arange(3.0) + 1j).astype("float64", casting="same_kind"))


# ---------------------------------------------------------------- attributes

@pytest.mark.parametrize("dt", ["float64", "int16", "complex64", "bool"])
def test_attributes(dt):
    h = numpy.zeros((3, 4, 5), dtype=dt)
    a = ndaccel.zeros((3, 4, 5), dtype=dt)
    views = [(lambda z: z), (lambda z: z.T), (lambda z: z[1]), (lambda z: z[:, ::2, ::-1]),
             (lambda z: z[None, 1:2, ..., 3]), (lambda z: z[1, 2, ...]), (lambda z: z[:0]),
             (lambda z: z.reshape(12, 5)), (lambda z: z.swapaxes(0, 2))]
    for view in views:
        v, e = view(a), numpy.asarray(view(h))
        assert isinstance(v, ndaccel.ndarray)
        assert v.shape == e.shape
        assert v.dtype == e.dtype
        assert v.strides == e.strides
        assert v.ndim == e.ndim
        assert v.size == e.size
        assert v.itemsize == e.itemsize
        assert v.nbytes == e.nbytes
        assert isinstance(v.shape, tuple) and isinstance(v.strides, tuple)
        assert type(v.size) is int and type(v.ndim) is int
        assert v.device == ndaccel.get_device()
        assert v.T.shape == e.T.shape
    assert a.flags["C_CONTIGUOUS"] and not a.T.flags["C_CONTIGUOUS"]
    assert a.T.flags["F_CONTIGUOUS"]


def test_device_attribute(device):
    a = ndaccel.zeros(3)
    assert a.device == device
    assert a.device.id == device.id
    assert str(a.device) == device.id
    assert ndaccel.asarray([1, 2], device=device.id).device == device
    assert ndaccel.zeros(2, device=device).device == device


def test_python_conversions():
    @xp_test
    def body(xp):
        a = xp.asarray(numpy.array([[1.5]]))
        s = xp.asarray(numpy.float64(2.5))
        i = xp.asarray(numpy.int32(7))
        z = xp.asarray(numpy.complex64(1 - 2j))
        return (float(s), int(i), int(s), complex(z), bool(s), bool(xp.asarray(0)), s.item(),
                i.item(), z.item(), a.item(), a.item(0), a.tolist(),
                xp.asarray(numpy.arange(4)).item(2), operator_index(i), len(a),
                [r.tolist() for r in xp.asarray(numpy.arange(6).reshape(3, 2))])

    body()
    for fn in (lambda xp: float(xp.asarray([1.5, 2.5])), lambda xp: int(xp.asarray([[7]])),
               lambda xp: bool(xp.asarray([1, 2])), lambda xp: bool(xp.asarray([])),
               lambda xp: xp.asarray([1, 2]).item(), lambda xp: len(xp.asarray(5)),
               lambda xp: iter(xp.asarray(5)), lambda xp: operator_index(xp.asarray(1.5)),
               lambda xp: operator_index(xp.asarray([1]))):
        xp_compare(fn)


def operator_index(x):
    import operator
    return operator.index(x)


def test_hash_and_format():
    a = ndaccel.asarray(numpy.array(2.5))
    with pytest.raises(TypeError):
        hash(ndaccel.zeros(3))
    assert f"{a:.2f}" == f"{numpy.float64(2.5):.2f}"


# ---------------------------------------------------------------- copies and shapes

@pytest.mark.parametrize("dt", ["float64", "int32", "bool"])
def test_copy_is_independent(dt):
    x = special_values(dt)

    @xp_test
    def body(xp):
        a = xp.asarray(x.copy())
        c = a.copy()
        d = a[::-1].copy()
        c[0] = 1
        d[...] = 0
        return a, c, d, a.T.copy()

    body()


@pytest.mark.parametrize("shape, newshape", [((2, 3), (3, 2)), ((2, 3), (-1,)), ((2, 3), (6, 1)),
                                             ((24,), (2, 3, 4)), ((2, 3, 4), (4, -1)),
                                             ((0, 3), (3, 0)), ((0, 3), (-1, 3)), ((1,), ()),
                                             ((), (1, 1)), ((2, 3), (4, 2)), ((2, 3), (-1, -1)),
                                             ((0, 3), (0, -1))])
def test_reshape(shape, newshape):
    x = numpy.arange(int(numpy.prod(shape)), dtype=numpy.float64).reshape(shape)

    @xp_test
    def body(xp):
        a = xp.asarray(x)
        return a.reshape(newshape), a.reshape(*newshape) if newshape else a.reshape(())

    body()


def test_reshape_views_and_copies():
    x = numpy.arange(24.0).reshape(2, 3, 4)

    @xp_test
    def body(xp):
        a = xp.asarray(x.copy())
        v = a.reshape(6, 4)  # a view: writes show through
        v[0, 0] = -1
        t = a.T.reshape(24)  # needs a copy
        t[0] = -2
        s = a[:, 1:, :].reshape(2, 8)  # strided but reshapeable? (copy)
        w = a[:, :, ::2].reshape(2, 3, 2, 1)  # a view with strides
        w[1, 1, 1, 0] = -3
        return a, v, t, s, w, a.ravel(), a.T.ravel(), a.flatten(), a[:, ::-1].flatten()

    body()
    a = ndaccel.asarray(x)
    with pytest.raises(ValueError):
        a.T.reshape(24, copy=False)
    r = a.reshape(4, 6, copy=False)
    r[0, 0] = 99
    assert a.get()[0, 0, 0] == 99
    with pytest.raises(NotImplementedError):
        a.reshape(24, order="F")


def test_transpose_and_swapaxes():
    x = numpy.arange(24).reshape(2, 3, 4)

    @xp_test
    def body(xp):
        a = xp.asarray(x)
        return (a.transpose(), a.transpose(1, 0, 2), a.transpose((2, 0, 1)), a.transpose(None),
                a.transpose(-1, 0, 1), a.swapaxes(0, 2), a.swapaxes(-1, 1), a.T, a.mT,
                xp.asarray(5).T, xp.asarray([1, 2]).T)

    body()
    for bad in ((0, 0, 1), (0, 1), (0, 1, 3), (0, 1, -4)):
        xp_compare(lambda xp: xp.asarray(x).transpose(bad))
    xp_compare(lambda xp: xp.asarray(x).swapaxes(0, 3))
    xp_compare(lambda xp: xp.asarray(x).swapaxes(-4, 1))


@pytest.mark.parametrize("dt", ["float64", "int8", "uint8", "bool", "complex64", "float16"])
def test_fill(dt):
    for value in (0, 1, -1, 2.75, -0.5, float("nan"), float("inf"), 1 + 2j, True, 300,
                  numpy.float32(3.5), numpy.int64(2), numpy.array(4), 1e10):
        def fn(xp, value=value):
            a = xp.zeros((2, 3), dtype=dt)
            a.fill(value)
            a[1:, ::2].fill(value * 0 + 1 if not isinstance(value, complex) else value)
            return a

        xp_compare(fn)


def test_fill_with_device_array():
    a = ndaccel.zeros(4)
    a.fill(ndaccel.asarray(numpy.float64(3)))
    numpy.testing.assert_array_equal(a.get(), numpy.full(4, 3.0))
    with pytest.raises((TypeError, ValueError)):
        a.fill("x")
    with pytest.raises(TypeError):
        a.fill(None)


# ---------------------------------------------------------------- dtypes

def test_dtype_names_exported():
    for name in ("bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                 "uint64", "float16", "float32", "float64", "complex64", "complex128",
                 "intp", "uintp"):
        assert getattr(ndaccel, name) is getattr(numpy, name)
    assert ndaccel.dtype is numpy.dtype
    assert ndaccel.newaxis is None
    assert ndaccel.pi == numpy.pi and ndaccel.e == numpy.e
    assert ndaccel.inf == numpy.inf and numpy.isnan(ndaccel.nan)


def test_dtype_spellings():
    for spelling, expected in ((float, "float64"), (int, "int64"), (complex, "complex128"),
                               (bool, "bool"), ("f4", "float32"), ("u2", "uint16"),
                               ("<i8", "int64"), (numpy.dtype("c8"), "complex64"),
                               ("half", "float16"), ("=f8", "float64")):
        assert ndaccel.zeros(2, dtype=spelling).dtype == numpy.dtype(expected), spelling
