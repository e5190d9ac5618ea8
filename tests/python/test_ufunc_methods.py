"""ufunc methods against NumPy: at (repeated, negative, tuple, mask and
basic indices; b broadcast; the combined and the sequential-round paths),
reduceat (NumPy's slice rules, axis, dtype, out=, errors), reduce of the
ufuncs without a reduction kernel (bitwise, fmax, gcd, subtract, ...),
accumulate, outer, resolve_dtypes, and frompyfunc / vectorize (host loops).

Float updates at a repeated index are combined in a different order than
NumPy's sequential loop (equal within rounding); integer ones are exact."""
import itertools

import numpy
import pytest

import ndaccel
from xp_util import assert_same, xp_compare


def _at(name, dtype, shape, key, b=None):
    """a copy of arange(shape) updated by <name>.at(a, key[, b])."""
    def fn(xp):
        a = xp.asarray(numpy.arange(numpy.prod(shape), dtype=numpy.float64).reshape(shape)
                       .astype(dtype))
        uf = getattr(xp, name)
        if b is None:
            uf.at(a, key)
        else:
            uf.at(a, key, xp.asarray(b) if isinstance(b, numpy.ndarray) else b)
        return a
    return fn


# ---------------------------------------------------------------- at

AT_CASES = [
    # (ufunc, a dtype, a shape, indices, b)
    ("add", "int64", (5,), [0, 0, 1, 4, -1, -1, -1], 3),            # repeats, negative
    ("add", "int64", (5,), [0, 0, 1, 4, -1], numpy.array([1, 2, 3, 4, 5])),
    ("add", "float64", (5,), [2, 2, 2, 0], numpy.array([0.5, 0.25, 1e-3, 2.0])),
    # values that cancel to exactly 0 (the element is left as it is), NaN, inf - inf
    ("add", "float64", (6,), [1, 1, 3, 4, 4, 5], numpy.array([1.5, -1.5, numpy.nan, numpy.inf,
                                                              -numpy.inf, -0.0])),
    ("add", "float32", (5,), [1, 1, 3], 0.1),                        # f64 loop, f32 target
    ("add", "int64", (5,), [0, 0, 3], 1.5),                          # truncation each step
    ("add", "bool", (4,), [0, 0, 2], True),
    ("add", "complex128", (4,), [1, 1, 2], 1j),
    ("subtract", "int32", (4,), [3, 3, 3, 0], numpy.array([1, 2, 3, 4], dtype=numpy.int32)),
    ("multiply", "int8", (5,), [2, 2, 2, 2, 2], 100),                # wraps as NumPy's loop
    ("maximum", "float64", (4,), [1, 1, 2, 2], numpy.array([9.0, numpy.nan, -1.0, 7.0])),
    ("minimum", "int16", (4,), [0, 0, 3], numpy.array([-5, 2, 1], dtype=numpy.int16)),
    ("maximum", "int8", (3,), [2, 2, 1], numpy.array([300, 5, 1000])),  # int64 loop: rounds
    ("bitwise_xor", "uint8", (4,), [0, 0, 0, 1], numpy.array([3, 5, 6, 1], dtype=numpy.uint8)),
    ("logical_and", "bool", (3,), [0, 0, 1], numpy.array([True, False, True])),
    ("divide", "float64", (5,), [1, 1, 2], numpy.array([2.0, 2.0, 4.0])),   # rounds
    ("divide", "int64", (5,), [1, 1, 2], numpy.array([2, 2, 4])),           # truncation
    ("power", "float64", (4,), [1, 1, 3], 2.0),
    ("negative", "float64", (4,), [0, 0, 1], None),                  # unary, applied twice
    ("square", "int64", (4,), [3, 3, 2], None),
    ("add", "float64", (2, 3), ([0, 0, 1], [1, 1, 2]), numpy.array([1.0, 2.0, 3.0])),
    ("add", "float64", (2, 3), [0, 0], numpy.array([1.0, 2.0, 3.0])),      # b broadcast
    ("add", "int64", (2, 3), (slice(None), [0, 0, 2]), 1),
    ("add", "int64", (2, 3), slice(None), 1),                        # basic index
    ("add", "int64", (2, 3), 1, numpy.array([5, 6, 7])),
    ("add", "int64", (4,), (), 1),
    ("add", "int64", (5,), numpy.array([True, False, True, False, True]), 1),
    ("add", "int64", (5,), [], 1),
    ("add", "int64", (2, 3), (True, [0, 0]), 1),                     # 0-d bool joins the key
    ("add", "int64", (4,), [[0, 1], [1, 1]], 1),                     # 2-D index array
]


@pytest.mark.parametrize("case", AT_CASES, ids=lambda c: f"{c[0]}-{c[1]}-{c[3]!r}"[:60])
def test_at(case):
    name, dtype, shape, key, b = case
    xp_compare(_at(name, dtype, shape, key, b))


def test_at_2d_index_broadcast_b():
    """A 2-D index array with b broadcast along it. NumPy 2.4's indexed
    loop reads b wrongly here (values change from run to run), so the
    oracle is NumPy on the flattened index and the broadcast b."""
    idx = numpy.array([[0, 1], [1, 1]])
    b = numpy.array([1, 10])
    expected = numpy.arange(4)
    numpy.add.at(expected, idx.ravel(), numpy.broadcast_to(b, idx.shape).ravel())
    a = ndaccel.arange(4)
    ndaccel.add.at(a, idx, ndaccel.asarray(b))
    assert_same(a, expected)


def test_at_many_repeats():
    rng = numpy.random.default_rng(7)
    idx = rng.integers(-40, 40, 3000)
    vals = rng.standard_normal(3000)

    def body(xp):
        f = xp.zeros(40)
        xp.add.at(f, idx, xp.asarray(vals))
        i = xp.zeros(40, dtype=numpy.int64)
        xp.add.at(i, idx, xp.asarray((vals * 100).astype(numpy.int64)))
        m = xp.full(40, -numpy.inf)
        xp.maximum.at(m, idx, xp.asarray(vals))
        return f, i, m
    xp_compare(body)


def test_at_rounds_keep_numpy_order():
    """divide has no combining form: one round per occurrence, NumPy's order."""
    idx = numpy.array([3, 1, 3, 3, 0, 1, 3])
    b = numpy.array([2.0, 3.0, 5.0, 7.0, 11.0, 13.0, 17.0])
    xp_compare(lambda xp: _divided(xp, idx, b), rtol=0)


def _divided(xp, idx, b):
    a = xp.asarray(numpy.full(4, 1e6))
    xp.divide.at(a, idx, xp.asarray(b))
    return a


def test_at_strided_target():
    def body(xp):
        a = xp.asarray(numpy.arange(20.0).reshape(4, 5))
        v = a[::2, ::-2]
        xp.add.at(v, ([0, 0, 1], [2, 2, 0]), 1.0)
        return a
    xp_compare(body)


@pytest.mark.parametrize("call, exc, match", [
    (lambda xp, a: xp.add.at(a, [0, 1], xp.asarray(numpy.ones(3))), ValueError,
     "not broadcastable"),
    (lambda xp, a: xp.add.at(a, [0], xp.asarray(numpy.ones((1, 1)))), ValueError,
     "not broadcastable"),
    (lambda xp, a: xp.add.at(a, [5], 1), IndexError, "out of bounds"),
    (lambda xp, a: xp.add.at(a, [-6], 1), IndexError, "out of bounds"),
    (lambda xp, a: xp.add.at(a, [0]), ValueError, "second operand needed"),
    (lambda xp, a: xp.negative.at(a, [0], 1), ValueError, "second operand provided"),
    (lambda xp, a: xp.add.at([1, 2], [0], 1), TypeError, "first operand must be array"),
    (lambda xp, a: xp.add.at(a, [0.0], 1), IndexError, None),
])
def test_at_errors(call, exc, match):
    for xp in (numpy, ndaccel):
        a = xp.asarray(numpy.zeros(5))
        with pytest.raises(exc, match=match):
            call(xp, a)
        assert (xp.asarray(a) == 0).all()  # nothing written


def test_at_read_only():
    a = ndaccel.zeros(3)
    a.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        ndaccel.add.at(a, [0], 1)


# ---------------------------------------------------------------- reduceat

X = numpy.arange(1.0, 11.0)
X2 = numpy.arange(24, dtype=numpy.int64).reshape(4, 6) - 7


@pytest.mark.parametrize("name, idx", [
    ("add", [0, 4, 1, 5]), ("add", [3, 3, 3]), ("add", [9, 0]), ("add", [0]),
    ("maximum", [0, 2, 5, 9]), ("minimum", [5, 1, 8]), ("multiply", [0, 3, 7]),
    ("subtract", [0, 4, 1, 5]), ("divide", [2, 7, 0]), ("fmax", [0, 6]),
    ("logaddexp", [1, 9]), ("add", numpy.array([0, 3], dtype=numpy.uint8)),
])
def test_reduceat_1d(name, idx):
    xp_compare(lambda xp: getattr(xp, name).reduceat(xp.asarray(X), idx))


@pytest.mark.parametrize("name, dtype", [
    ("add", "int8"), ("add", "bool"), ("multiply", "uint16"), ("maximum", "int64"),
    ("bitwise_xor", "int32"), ("logical_or", "int64"), ("minimum", "bool"),
    ("add", "complex64"), ("add", "float16"),
])
def test_reduceat_dtypes(name, dtype):
    a = (X2 % 5).astype(dtype)
    xp_compare(lambda xp: getattr(xp, name).reduceat(xp.asarray(a), [0, 2, 1, 5], axis=1))


def test_reduceat_axes_and_dtype():
    a3 = numpy.arange(60.0).reshape(3, 4, 5) / 7

    def body(xp):
        x = xp.asarray(a3)
        return (xp.add.reduceat(x, [0, 3, 1], axis=1), xp.maximum.reduceat(x, [4, 0], axis=-1),
                xp.add.reduceat(xp.asarray(X2), [0, 2], axis=0, dtype=numpy.float32),
                xp.add.reduceat(xp.asarray(X), [0, 3], axis=None),
                xp.add.reduceat(xp.asarray(X), []),
                xp.add.reduceat(xp.asarray(numpy.zeros((3, 0))), [0, 2]))
    xp_compare(body)


def test_reduceat_long_float_slices():
    """Slices of thousands of floats: a tree order, equal within rounding."""
    rng = numpy.random.default_rng(3)
    x = rng.standard_normal(20000)
    idx = numpy.sort(rng.integers(0, 20000, 12))
    xp_compare(lambda xp: xp.add.reduceat(xp.asarray(x), idx), rtol=1e-11)
    xp_compare(lambda xp: xp.add.reduceat(xp.asarray((x * 1000).astype(numpy.int64)), idx))


def test_reduceat_out():
    def body(xp):
        o = xp.zeros(2)
        r = xp.add.reduceat(xp.asarray(X), [0, 3], out=o)
        o8 = xp.zeros(2, dtype=numpy.int8)
        xp.add.reduceat(xp.asarray(numpy.arange(8)), [0, 3], out=o8)
        return r is o, o, o8
    xp_compare(body)
    for xp in (numpy, ndaccel):
        with pytest.raises(ValueError):
            xp.add.reduceat(xp.asarray(X), [0, 3], out=xp.zeros(3))


@pytest.mark.parametrize("call, exc, match", [
    (lambda xp: xp.add.reduceat(xp.asarray(X), [10]), IndexError,
     r"index 10 out-of-bounds in add.reduceat \[0, 10\)"),
    (lambda xp: xp.add.reduceat(xp.asarray(X), [0, -1]), IndexError, "index -1 out-of-bounds"),
    (lambda xp: xp.add.reduceat(xp.asarray(numpy.zeros(0)), [0]), IndexError, None),
    (lambda xp: xp.add.reduceat(xp.asarray(X), [[0, 1]]), ValueError, None),
    (lambda xp: xp.add.reduceat(xp.asarray(X), 0), ValueError, "too small depth"),
    (lambda xp: xp.add.reduceat(xp.asarray(numpy.float64(5)), [0]), TypeError,
     "cannot reduceat on a scalar"),
    (lambda xp: xp.add.reduceat(xp.asarray(X2), [0], axis=None), ValueError,
     "multiple axes"),
    (lambda xp: xp.equal.reduceat(xp.asarray(X2), [0, 1]), TypeError, None),
    (lambda xp: xp.negative.reduceat(xp.asarray(X), [0]), ValueError, "binary"),
])
def test_reduceat_errors(call, exc, match):
    for xp in (numpy, ndaccel):
        with pytest.raises(exc, match=match):
            call(xp)


# ---------------------------------------------------------------- reduce

R = numpy.array([[6, 3, 5, 12], [7, 9, 10, 14], [13, 2, 11, 8]], dtype=numpy.int64)


@pytest.mark.parametrize("name, dtype", [
    ("bitwise_and", "int64"), ("bitwise_or", "uint8"), ("bitwise_xor", "int16"),
    ("logical_xor", "int64"), ("gcd", "int32"), ("fmax", "float64"), ("fmin", "float32"),
    ("hypot", "float64"), ("logaddexp", "float64"), ("logical_and", "float64"),
])
def test_reduce_reorderable(name, dtype):
    a = R.astype(dtype)
    if dtype.startswith("float"):
        a[1, 2] = numpy.nan

    def body(xp):
        x = xp.asarray(a)
        u = getattr(xp, name)
        return (u.reduce(x), u.reduce(x, axis=1), u.reduce(x, axis=None),
                u.reduce(x, axis=(0, 1), keepdims=True), u.reduce(x, axis=()))
    xp_compare(body)


# Not power / arctan2: NumPy 2.4's reduce of these computes op(first, last)
# (np.power.reduce([3., 4., 2.]) is 9.0), not the left fold its documentation
# and ndaccel compute ((3**4)**2).
@pytest.mark.parametrize("name", ["subtract", "divide", "floor_divide", "fmod", "copysign"])
def test_reduce_left_fold(name):
    a = (R % 4 + 1).astype(numpy.float64)
    xp_compare(lambda xp: (getattr(xp, name).reduce(xp.asarray(a)),
                           getattr(xp, name).reduce(xp.asarray(a[:, :2]), axis=1),
                           getattr(xp, name).reduce(xp.asarray(a[:, 0]))))


def test_reduce_initial_where_empty():
    m = numpy.array([[True, False, True, True]] * 3)

    def body(xp):
        x = xp.asarray(R)
        return (xp.bitwise_or.reduce(x, axis=1, initial=64),
                xp.bitwise_and.reduce(x, axis=0, where=xp.asarray(m)),
                xp.fmax.reduce(x, axis=1, where=xp.asarray(m), initial=-1),
                xp.subtract.reduce(x, axis=1, initial=100),
                xp.bitwise_xor.reduce(xp.asarray(numpy.zeros((0, 3), numpy.uint8)), axis=0),
                xp.bitwise_and.reduce(xp.asarray(numpy.zeros(0, numpy.uint16))),
                xp.logical_xor.reduce(xp.asarray(numpy.zeros(0))),
                xp.fmax.reduce(xp.asarray(numpy.zeros((0, 2))), axis=0, initial=3.0))
    xp_compare(body)


@pytest.mark.parametrize("call, exc, match", [
    (lambda xp: xp.subtract.reduce(xp.asarray(R), axis=None), ValueError, "not reorderable"),
    (lambda xp: xp.divide.reduce(xp.asarray(R * 1.0), axis=(0, 1)), ValueError,
     "not reorderable"),
    (lambda xp: xp.fmax.reduce(xp.asarray(numpy.zeros(0))), ValueError, "identity"),
    (lambda xp: xp.subtract.reduce(xp.asarray(numpy.zeros((2, 0))), axis=1), ValueError,
     "identity"),
    (lambda xp: xp.fmin.reduce(xp.asarray(R), where=xp.asarray(R > 5)), ValueError,
     "initial"),
    (lambda xp: xp.equal.reduce(xp.asarray(R)), TypeError, None),
    (lambda xp: xp.bitwise_and.reduce(xp.asarray(R * 1.0)), TypeError, None),
    (lambda xp: xp.add.reduce(xp.asarray(numpy.int64(5)), axis=1), ValueError, None),
])
def test_reduce_errors(call, exc, match):
    for xp in (numpy, ndaccel):
        with pytest.raises(exc, match=match):
            call(xp)


def test_reduce_results_are_numpy_scalars():
    v = numpy.arange(1, 6)

    def body(xp):
        x = xp.asarray(v)
        return (xp.add.reduce(x), xp.maximum.reduce(x), xp.bitwise_or.reduce(x),
                xp.subtract.reduce(x), xp.logical_and.reduce(x), xp.add.reduce(xp.asarray(v[0])),
                xp.multiply.reduce(xp.asarray(v[0]), axis=0), xp.add.reduce(x, keepdims=True))
    xp_compare(body)
    o = ndaccel.zeros((), dtype=numpy.int64)
    assert ndaccel.add.reduce(ndaccel.asarray(v), out=o) is o
    assert int(o) == 15


# ---------------------------------------------------------------- accumulate, outer

def test_accumulate_and_outer():
    a = numpy.array([3, 1, 4, 1, 5], dtype=numpy.int8)

    def body(xp):
        x = xp.asarray(a)
        m = xp.asarray(R)
        return (xp.add.accumulate(x), xp.maximum.accumulate(x), xp.subtract.accumulate(m, axis=1),
                xp.multiply.accumulate(m, axis=0, dtype=numpy.float64),
                xp.add.outer(x, xp.asarray(numpy.arange(3.0))), xp.less.outer(x, x),
                xp.multiply.outer(2, xp.asarray(numpy.arange(3))), xp.add.outer(1, 2))
    xp_compare(body)


# ---------------------------------------------------------------- frompyfunc, vectorize

def test_frompyfunc():
    def body(xp):
        f = xp.frompyfunc(lambda x, y: x * 10 + y, 2, 1)
        a = xp.asarray(numpy.arange(4))
        b = xp.asarray(numpy.arange(4))
        f.at(b, [1, 1], 5)
        dm = xp.frompyfunc(divmod, 2, 2)
        return (f(a, 3), f(xp.asarray([0.5, 1.5]), 1), f.reduce(a), f.accumulate(a),
                f.outer(a[:2], a[:3]), b, dm(a, 3), f(2, 3))

    def as_numeric(r):  # numpy's object arrays, converted by value as ndaccel does
        if isinstance(r, tuple):
            return tuple(as_numeric(x) for x in r)
        if isinstance(r, numpy.ndarray) and r.dtype == object:
            return numpy.asarray(r.tolist())
        return r
    expected = as_numeric(body(numpy))
    assert_same(body(ndaccel), expected)


def test_frompyfunc_non_numeric_results():
    with pytest.raises(TypeError, match="unicode string"):
        ndaccel.frompyfunc(str, 1, 1)(ndaccel.arange(3))
    with pytest.raises(TypeError, match="sequences"):
        ndaccel.frompyfunc(lambda x: [x, x], 1, 1)(ndaccel.arange(3))
    with pytest.raises(OverflowError, match="out of range of int64"):
        ndaccel.frompyfunc(lambda x: 2 ** 80 + x, 1, 1)(ndaccel.arange(3))


def test_vectorize():
    def body(xp):
        a = xp.asarray(numpy.arange(6.0).reshape(2, 3))

        @xp.vectorize
        def clip_odd(x, hi=4.0):
            return x if x % 2 == 0 else min(x, hi)

        pair = xp.vectorize(lambda x: (x, x > 2))
        cast = xp.vectorize(lambda x, y: x + y, otypes=[numpy.float32])
        sig = xp.vectorize(lambda v: v[::-1], signature="(n)->(n)")
        return (clip_odd(a), clip_odd(a, hi=xp.asarray([1.0, 2.0, 3.0])), pair(a),
                cast(a, 1), sig(a), xp.vectorize(lambda x: x + 1)(3))
    xp_compare(body)
    with pytest.raises(TypeError, match="unicode string"):
        ndaccel.vectorize(lambda x: f"{x}")(ndaccel.arange(2))


def test_resolve_dtypes_is_the_loop_ndaccel_runs():
    """ufunc.resolve_dtypes gives NumPy's loop, and ndaccel's ufuncs compute in
    exactly that loop's output dtype; unsupported dtypes raise TypeError."""
    dts = [numpy.dtype(c) for c in ("bool", "int8", "uint16", "int64", "uint64", "float16",
                                    "float32", "complex64")]
    for name in ("add", "true_divide", "floor_divide", "power", "arctan2", "left_shift",
                 "logical_and", "maximum"):
        uf = getattr(ndaccel, name)
        for a, b in itertools.product(dts, dts):
            try:
                want = getattr(numpy, name).resolve_dtypes((a, b, None))
            except TypeError:
                with pytest.raises(TypeError):
                    uf.resolve_dtypes((a, b, None))
                continue
            assert uf.resolve_dtypes((a, b, None)) == want
            assert uf(ndaccel.zeros(1, a), ndaccel.zeros(1, b)).dtype == want[2]
    assert ndaccel.multiply.resolve_dtypes((numpy.dtype("int8"), int, None))[2] == numpy.int8
    assert ndaccel.add.resolve_dtypes((None, numpy.dtype("float32"), None),
                                      reduction=True)[2] == numpy.float32
    with pytest.raises(TypeError, match="datetime"):
        ndaccel.add.resolve_dtypes((numpy.dtype("M8[s]"), numpy.dtype("m8[s]"), None))
