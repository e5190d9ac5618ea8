"""Indexing against NumPy: random shapes up to 4-D and random basic index
tuples of ints, slices (any step, negative bounds), None and Ellipsis; get
and set with scalars and broadcast arrays; IndexError for out-of-range and
too many indices; a few integer-array and boolean (advanced) indices.

Data are float64 (and int16 for sets with casting): every rank of strided
view is a kernel (copy / fill / assign), so the dtype set stays small."""
import warnings

import numpy
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

import ndaccel
from xp_util import run_numpy, special_values, xp_compare, xp_test


@st.composite
def shapes(draw, max_ndim=4, max_side=5):
    ndim = draw(st.integers(0, max_ndim))
    return tuple(draw(st.integers(0 if draw(st.booleans()) and draw(st.booleans()) else 1,
                                  max_side)) for _ in range(ndim))


def index_items(n_hint=5):
    ints = st.integers(-n_hint - 2, n_hint + 1)
    bound = st.one_of(st.none(), st.integers(-n_hint - 3, n_hint + 3))
    step = st.one_of(st.none(), st.integers(-4, 4).filter(lambda s: s != 0))
    slices = st.builds(slice, bound, bound, step)
    return st.one_of(ints, slices, slices, st.none(), st.just(Ellipsis))


@st.composite
def shape_and_key(draw, in_range=True):
    """A shape and a basic index. With in_range, integer indices are within
    the axes they hit and at most one Ellipsis is used, so the key is valid
    as long as it does not index too many axes."""
    shape = draw(shapes())
    items = draw(st.lists(index_items(), min_size=0, max_size=len(shape) + 2))
    if in_range:
        fixed, axis, seen_ellipsis = [], 0, False
        consumed = sum(1 for k in items if k is not None and k is not Ellipsis)
        for k in items:
            if k is Ellipsis:
                if seen_ellipsis:
                    continue
                seen_ellipsis = True
                axis += max(len(shape) - consumed, 0)
                fixed.append(k)
                continue
            if isinstance(k, int):
                if axis >= len(shape) or shape[axis] == 0:
                    continue
                k = k % shape[axis] - (shape[axis] if draw(st.booleans()) else 0)
            if k is not None:
                axis += 1
            fixed.append(k)
        items = fixed
    key = tuple(items)
    if len(key) == 1 and draw(st.booleans()):
        key = key[0]  # a bare index, not a 1-tuple
    return shape, key


def host(shape, dtype="float64"):
    return (numpy.arange(int(numpy.prod(shape)), dtype=numpy.float64) * 1.5 - 7).astype(
        dtype).reshape(shape)


# ---------------------------------------------------------------- get

@example(((), slice(None)))  # the slices-only fast path must still reject a 0-d array
@example(((), (slice(None),)))
@example(((2, 3), (slice(None), slice(None), slice(None))))
@given(shape_and_key())
def test_get_matches_numpy(case):
    shape, key = case
    x = host(shape)
    xp_compare(lambda xp: xp.asarray(x)[key])


@given(shape_and_key(in_range=False))
def test_get_any_key_same_outcome(case):
    """Out-of-range ints, two Ellipses, too many indices: the same error
    class as NumPy (IndexError); otherwise the same view."""
    shape, key = case
    x = host(shape)
    xp_compare(lambda xp: xp.asarray(x)[key])


@given(shape_and_key(), shape_and_key(in_range=False))
def test_get_of_get(case, case2):
    """Views of views (offsets and strides compose); the second key comes
    from another shape, so it may be invalid for the view (IndexError)."""
    shape, key = case
    key2 = case2[1]
    x = host(shape)
    try:
        v = run_numpy(lambda xp: xp.asarray(x)[key])
    except IndexError:
        return
    assume(numpy.ndim(v) >= 1)
    xp_compare(lambda xp: xp.asarray(x)[key][key2])


# ---------------------------------------------------------------- set

@given(shape_and_key(), st.sampled_from([0.0, -2.5, 7, True, 1e10]),
       st.sampled_from(["float64", "int16"]))
def test_set_scalar(case, value, dtype):
    shape, key = case
    x = host(shape, dtype)
    if dtype == "int16" and value == 1e10:
        value = -3  # out-of-range float to int conversion is undefined

    def fn(xp):
        a = xp.array(x)
        a[key] = value
        return a

    xp_compare(fn)


@st.composite
def broadcastable_to(draw, target):
    """A shape that broadcasts to target (dims dropped from the left or set
    to 1)."""
    drop = draw(st.integers(0, len(target)))
    return tuple(1 if draw(st.booleans()) else n for n in target[drop:])


@given(shape_and_key(), st.data(), st.sampled_from(["float64", "int16"]))
def test_set_broadcast_array(case, data, dtype):
    shape, key = case
    x = host(shape, dtype)
    try:
        target = run_numpy(lambda xp: xp.asarray(x)[key]).shape
    except IndexError:
        return
    vshape = data.draw(broadcastable_to(target))
    v = host(vshape, "float64")[..., ::-1] * -1 if vshape else numpy.float64(3.25)
    v_is_view = data.draw(st.booleans())

    def fn(xp):
        a = xp.array(x)
        val = xp.asarray(v) if xp is ndaccel else v
        if v_is_view and numpy.ndim(v) >= 1:
            val = val[::-1][::-1]  # a strided view of the value, not a copy
        a[key] = val
        return a

    xp_compare(fn)


@given(shape_and_key())
def test_set_from_numpy_array_and_list(case):
    shape, key = case
    x = host(shape)
    try:
        target = run_numpy(lambda xp: xp.asarray(x)[key]).shape
    except IndexError:
        return
    v = numpy.arange(int(numpy.prod(target)), dtype=numpy.float64).reshape(target)

    def from_numpy(xp):
        a = xp.array(x)
        a[key] = v
        return a

    def from_list(xp):
        a = xp.array(x)
        a[key] = v.tolist()
        return a

    xp_compare(from_numpy)
    xp_compare(from_list)


def test_set_not_broadcastable():
    x = host((3, 4))

    def fn(xp):
        a = xp.array(x)
        a[1:] = xp.asarray(numpy.ones((3, 4)))
        return a

    xp_compare(fn)  # ValueError in both


def test_set_python_int_out_of_range():
    x = numpy.zeros(4, dtype=numpy.uint8)

    def fn(xp):
        a = xp.array(x)
        a[1] = 300
        return a

    def neg(xp):
        a = xp.array(x)
        a[:] = -1
        return a

    xp_compare(fn)  # OverflowError in both (NumPy 2)
    xp_compare(neg)


# ---------------------------------------------------------------- specific cases

@xp_test
def test_negative_steps_and_bounds(xp):
    a = xp.asarray(host((7, 6)))
    return (a[::-1], a[-1], a[-2:, ::-2], a[5:1:-2, -1:-5:-1], a[-100:100, -100:100:3],
            a[::-3, 4::-4], a[..., -1], a[None, ::-1, None, 2], a[1, ..., None])


@xp_test
def test_numpy_integer_indices(xp):
    a = xp.asarray(host((4, 5)))
    return a[numpy.int64(2)], a[numpy.int8(-1), numpy.uint16(3)], a[numpy.intp(1):]


def test_out_of_range_index_error():
    a = ndaccel.asarray(host((3, 4)))
    for key in [3, -4, (0, 4), (0, -5), (2, 10), 100, (Ellipsis, 4)]:
        with pytest.raises(IndexError):
            a[key]
        with pytest.raises(IndexError):
            a[key] = 1.0
    with pytest.raises(IndexError):
        ndaccel.zeros(0)[0]


def test_too_many_indices():
    a = ndaccel.asarray(host((3, 4)))
    for key in [(0, 0, 0), (0, slice(None), 1), (Ellipsis, 0, 0, 0), (None, 0, 0, 0)]:
        with pytest.raises(IndexError):
            a[key]
        with pytest.raises(IndexError):
            a[key] = 0.0
    with pytest.raises(IndexError):
        ndaccel.asarray(3.0)[0]
    with pytest.raises(IndexError):
        a[..., ...]


def test_invalid_index_types():
    a = ndaccel.asarray(host((3, 4)))
    for key in [1.5, "a", (0, 1.0), slice(0, 2.5)]:
        with pytest.raises((IndexError, TypeError)):
            a[key]
        with pytest.raises((IndexError, TypeError)):
            numpy.ones((3, 4))[key]


ADVANCED_KEYS = [[2, 0, 2], ([-1, 0], [1, -2]), ([[0], [2]], [1, 3]), (slice(1, None), [0, 3]),
                 [0, 3], numpy.array([True, False, True]), (slice(None), [True, False, True, True]),
                 (None, [1], Ellipsis, [2]), (numpy.int64(1), [0, 1]), [], [1.5],
                 numpy.array([True, False])]


@pytest.mark.parametrize("key", ADVANCED_KEYS, ids=repr)
def test_advanced_indexing(key):
    """Integer-array and boolean indices (copies): get, and set through them."""
    x = host((3, 4))

    def get(xp):
        return xp.asarray(x)[key]

    def set_(xp):
        a = xp.array(x)
        a[key] = -1.5
        return a

    xp_compare(get)
    xp_compare(set_)


def test_advanced_indexing_with_device_arrays():
    x = host((4, 5))

    @xp_test
    def body(xp):
        a = xp.array(x)
        idx = xp.asarray(numpy.array([3, 1, 1]))
        r1 = a[idx]
        r2 = a[a > 2]
        a[a > 5] = a[a > 5] * 10
        a[[0, 0, 1]] = xp.asarray(numpy.arange(5.0))
        return r1, r2, a, xp.asarray(host((2, 3, 4)))[[0, 1], :, [1, 2]]

    body()


@pytest.mark.parametrize("key", [True, False, (Ellipsis, False), (0, True), (None, False, 0)],
                         ids=repr)
def test_bool_scalar_index(key):
    """a[True] adds a length-1 axis, a[False] a length-0 one (as NumPy)."""
    xp_compare(lambda xp: xp.asarray(host((3, 4)))[key])

    def setter(xp):
        a = xp.asarray(host((3, 4)))
        a[key] = 7
        return a
    xp_compare(setter)


def test_zero_dim_indexing():
    @xp_test
    def body(xp):
        a = xp.asarray(numpy.float64(2.5))
        return a[()], a[...], a[None], a[None, ..., None]

    body()

    def set_(xp):
        a = xp.asarray(numpy.array(1.5))
        a[()] = 4
        a[...] = a * 2
        return a

    xp_compare(set_)


def test_setitem_returns_views_semantics():
    """a[i] of a 2-D array is a view: writing through it changes a."""
    a = ndaccel.zeros((3, 4))
    row = a[1]
    row[2] = 5
    row[::2] = -1
    expected = numpy.zeros((3, 4))
    expected[1][2] = 5
    expected[1][::2] = -1
    numpy.testing.assert_array_equal(a.get(), expected)


@pytest.mark.parametrize("dt", ["float64", "int16", "complex64", "bool"])
def test_setitem_casts(dt):
    x = numpy.zeros((4, 3), dtype=dt)
    for value in (1, 2.75, numpy.float32(-1.5), numpy.array([1.5, -2.5, 3.0]), [1, 0, 1]):
        def fn(xp, value=value):
            a = xp.array(x)
            a[1:3] = value
            a[0, ::2] = value if numpy.ndim(value) == 0 else value[:2]
            return a

        xp_compare(fn)


def test_setitem_complex_into_real():
    for fn in (lambda xp: xp.zeros(3).__setitem__(0, 1 + 2j),
               lambda xp: xp.zeros(3, dtype=numpy.int32).__setitem__(slice(None), 1j)):
        xp_compare(fn)  # TypeError in both


def test_setitem_unsupported_values():
    """Strings, objects, ragged lists: an error (NumPy's classes vary: ValueError
    for 'abc', TypeError for object()), and the array is unchanged. What
    NumPy converts is stored as NumPy stores it (None as NaN, "2.5")."""
    a = ndaccel.zeros(3)
    for value in ("abc", object(), [[1, 2], [3]]):
        with pytest.raises((TypeError, ValueError)):
            a[0] = value
    numpy.testing.assert_array_equal(a.get(), numpy.zeros(3))
    xp_compare(lambda xp: xp.zeros(3).__setitem__(0, None))
    a[0], a[1:] = None, "2.5"
    numpy.testing.assert_array_equal(a.get(), [numpy.nan, 2.5, 2.5])


def test_index_then_compute():
    """Indexing results feed ufuncs like any array."""
    x = host((4, 5, 6))

    @xp_test
    def body(xp):
        a = xp.asarray(x)
        return a[1] * 2 + a[2, ::-1], a[..., 0] - a[:, 0, None].T[0].T, a[:, 1:4:2, ::3] ** 2

    body()


@given(shape_and_key())
def test_len_iter_bool(case):
    """len/iter over random views."""
    shape, key = case
    x = host(shape)
    try:
        v = run_numpy(lambda xp: xp.asarray(x)[key])
    except IndexError:
        return
    assume(numpy.ndim(v) >= 1)
    a = ndaccel.asarray(x)[key]
    assert len(a) == len(v)
    rows = list(a)
    assert len(rows) == len(v)
    for r, e in zip(rows, v):
        # rows of an n-d array are views; items of a 1-D one NumPy scalars
        assert isinstance(r, ndaccel.ndarray if numpy.ndim(e) else numpy.generic)
        numpy.testing.assert_array_equal(numpy.asarray(r), e)


MASK_DTYPES = ["bool", "int8", "uint8", "int64", "uint64", "float16", "float32", "float64",
               "complex64"]
MASK_VALUES = [True, 0, 1, -1, 300, 2**63, 2.7, -0.0, float("nan"), float("inf"), 1e40, 1 + 2j]


@pytest.mark.parametrize("dt", MASK_DTYPES)
@pytest.mark.parametrize("value", MASK_VALUES, ids=repr)
def test_mask_assignment_of_a_python_scalar(dt, value):
    """a[mask] = scalar with a mask of a's shape (a fused where on CPU and
    GPU alike): NumPy's values, casts and errors (OverflowError for an int
    out of range, TypeError for a complex into a real array), on a
    contiguous array and on a strided view, with a pending mask."""
    base = special_values(dt)

    def fill(xp, view):
        a = xp.asarray(base.copy())
        t = a[::-1] if view else a
        t[(xp.arange(t.size) % 3 == 1) | (t == t[0])] = value
        return a
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        xp_compare(lambda xp: fill(xp, False))
        xp_compare(lambda xp: fill(xp, True))


def test_mask_assignment_other_forms_keep_the_general_route():
    """Masks that index fewer axes, NumPy masks, values that are arrays or
    NumPy scalars, 2-D masks of a transposed view."""
    x = numpy.arange(24.0).reshape(4, 6)

    def run(xp):
        a = xp.asarray(x.copy())
        a[xp.asarray([True, False, True, False])] = -1.0       # rows
        a[numpy.asarray(x) > 20] = 7                              # NumPy mask
        a[a > 10] = xp.arange(int((numpy.asarray(a.tolist()) > 10).sum())) * 1.0
        a[a < 3] = numpy.float32(0.5)
        a.T[a.T == 7] = 8
        return a
    xp_compare(run)
