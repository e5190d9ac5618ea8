"""Element-wise operations over every layout class, on a few dtypes: 0-d,
empty, non-contiguous, negative strides, broadcasting, transposed, sliced
3-D, aliased operands, out= aliasing an input, and overlapping
self-assignment (NumPy's semantics: as if the source were read completely
before anything is written).

Every distinct layout (contiguous 1-D / strided rank r / broadcast) is its
own kernel, so these run on LAYOUT_DTYPES only."""
import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ndaccel
from xp_util import LAYOUT_DTYPES, dtype_id, random_values, xp_compare, xp_test

def host(shape, dt, seed=0):
    """Deterministic host data of a shape and dtype (no zeros for division)."""
    rng = numpy.random.default_rng(seed)
    n = int(numpy.prod(shape, dtype=numpy.int64))
    return random_values(dt, n, rng, -50, 50).reshape(shape)


def binop(xp, a, b):
    """The binary operation used on a dtype: add (logical or for bool)."""
    return a + b


def unop(xp, a):
    return ~a if a.dtype == numpy.bool_ else -a


dtypes = pytest.mark.parametrize("dt", LAYOUT_DTYPES, ids=dtype_id)


# ---------------------------------------------------------------- 0-d and empty

@dtypes
def test_zero_dim(dt):
    x, y = host((), dt, 1), host((), dt, 2)
    v = host((5,), dt, 3)

    @xp_test
    def body(xp):
        a, b = xp.asarray(x), xp.asarray(y)
        assert a.shape == () and a.ndim == 0 and a.size == 1
        return binop(xp, a, b), unop(xp, a), binop(xp, a, xp.asarray(v)), \
            binop(xp, xp.asarray(v), b)

    body()


@dtypes
def test_zero_dim_from_indexing(dt):
    v = host((4, 3), dt, 4)

    @xp_test
    def body(xp):
        a = xp.asarray(v)
        s = a[2, 1]
        return s, binop(xp, s, a[1, 2]), unop(xp, a[0, 0]), binop(xp, a, a[3, 0])

    body()


@pytest.mark.parametrize("shape_a, shape_b", [((0,), (0,)), ((3, 0), (3, 0)), ((0, 4), (1, 4)),
                                              ((0, 1), (1, 4)), ((2, 0, 3), (3,)), ((0,), ())])
@dtypes
def test_empty(dt, shape_a, shape_b):
    x, y = host(shape_a, dt), host(shape_b, dt)

    @xp_test
    def body(xp):
        a, b = xp.asarray(x), xp.asarray(y)
        return binop(xp, a, b), unop(xp, a), a.copy(), a.reshape(-1)

    body()


@dtypes
def test_empty_slices(dt):
    v = host((6, 5), dt)

    @xp_test
    def body(xp):
        a = xp.asarray(v)
        return a[3:3], a[:, 5:], a[::-1][10:], binop(xp, a[4:2], a[0:0]), unop(xp, a[:, 2:2])

    body()


# ---------------------------------------------------------------- strides

@dtypes
def test_non_contiguous(dt):
    v, w = host((40,), dt, 1), host((40,), dt, 2)

    @xp_test
    def body(xp):
        a, b = xp.asarray(v), xp.asarray(w)
        return (binop(xp, a[::2], b[1::2]), binop(xp, a[1::3], b[:-1:3]), unop(xp, a[::5]),
                binop(xp, a[::2], b[:20]), a[3::4].copy())

    body()


@dtypes
def test_negative_strides(dt):
    v, w = host((30,), dt, 1), host((6, 7), dt, 2)

    @xp_test
    def body(xp):
        a, m = xp.asarray(v), xp.asarray(w)
        return (a[::-1], binop(xp, a[::-1], a), binop(xp, a[::-2], a[1::2]), unop(xp, a[-2::-3]),
                m[::-1, ::-1], binop(xp, m[::-1], m[:, ::-1]), unop(xp, m[::-2, 1::-1]))

    body()


@dtypes
def test_broadcast(dt):
    c, r = host((3, 1), dt, 1), host((1, 4), dt, 2)
    row, s = host((4,), dt, 3), host((), dt, 4)

    @xp_test
    def body(xp):
        a, b = xp.asarray(c), xp.asarray(r)
        return (binop(xp, a, b), binop(xp, b, a), binop(xp, a, xp.asarray(row)),
                binop(xp, binop(xp, a, b), xp.asarray(s)),
                binop(xp, xp.asarray(row)[::-1], a))

    body()


@dtypes
def test_broadcast_3d(dt):
    x, y = host((2, 1, 4), dt, 1), host((3, 1), dt, 2)

    @xp_test
    def body(xp):
        return binop(xp, xp.asarray(x), xp.asarray(y))

    body()


@dtypes
def test_transposed(dt):
    v, w = host((5, 3), dt, 1), host((3, 5), dt, 2)

    @xp_test
    def body(xp):
        a, b = xp.asarray(v), xp.asarray(w)
        return (a.T, binop(xp, a.T, b), binop(xp, a, b.T), unop(xp, a.T), a.T.copy(),
                binop(xp, a.T[::-1], b), a.swapaxes(0, 1), a.T.T)

    body()


@dtypes
def test_sliced_3d(dt):
    v, w = host((4, 5, 6), dt, 1), host((6, 5, 4), dt, 2)

    @xp_test
    def body(xp):
        a, b = xp.asarray(v), xp.asarray(w)
        s = a[1:, ::2, ::-1]
        t = b.transpose(2, 1, 0)[:3, 1::2, 1:]
        return (s, binop(xp, s, t), unop(xp, s), binop(xp, a[:, 1, ::2], b[::2, 2, :3].T),
                binop(xp, a.transpose(1, 0, 2), a.transpose(1, 0, 2)[::-1]))

    body()


# ---------------------------------------------------------------- aliasing

@dtypes
def test_aliased_operands(dt):
    v = host((5, 4), dt)

    @xp_test
    def body(xp):
        a = xp.asarray(v)
        return binop(xp, a, a), binop(xp, a, a[::-1]), binop(xp, a.T, a.T), \
            binop(xp, a[:, :1], a[:1, :])

    body()


@dtypes
def test_out_aliases_input(dt):
    v, w = host((12,), dt, 1), host((12,), dt, 2)

    @xp_test
    def same(xp):  # element for element: no copy needed
        a = xp.array(v)
        r = xp.add(a, xp.asarray(w), out=a)
        assert r is a
        return a

    @xp_test
    def reversed_(xp):  # out overlaps an input in reverse order
        a = xp.array(v)
        xp.add(a, a[::-1], out=a)
        return a

    @xp_test
    def shifted(xp):  # out = a[1:] reads a[:-1]: overlapping, shifted by one
        a = xp.array(v)
        xp.add(a[:-1], xp.asarray(w)[:-1], out=a[1:])
        return a

    @xp_test
    def shifted_back(xp):
        a = xp.array(v)
        xp.add(a[1:], a[1:], out=a[:-1])
        return a

    same()
    reversed_()
    shifted()
    shifted_back()


@dtypes
def test_inplace_operator_aliasing(dt):
    v = host((3, 4), dt)

    @xp_test
    def body(xp):
        a = xp.array(v)
        a += a.T.T  # same view
        a[1:] += a[:-1]  # overlapping shifted rows
        a[:, ::-1] += a  # reversed columns
        return a

    body()


@dtypes
def test_overlapping_self_assignment(dt):
    v = host((10,), dt)

    def case(fn):
        @xp_test
        def body(xp):
            u = xp.array(v)
            fn(u)
            return u
        body()

    def shift_right(u):
        u[1:] = u[:-1]

    def shift_left(u):
        u[:-1] = u[1:]

    def reverse(u):
        u[::-1] = u

    def reverse_half(u):
        u[:5] = u[:4:-1]

    def strided(u):
        u[::2] = u[1::2]

    def strided_overlap(u):
        u[2:] = u[:-2][::-1]

    for fn in (shift_right, shift_left, reverse, reverse_half, strided, strided_overlap):
        case(fn)


@dtypes
def test_overlapping_self_assignment_2d(dt):
    v = host((5, 6), dt)

    def case(fn):
        @xp_test
        def body(xp):
            u = xp.array(v)
            fn(u)
            return u
        body()

    def rows_down(u):
        u[1:, :] = u[:-1, :]

    def cols_left(u):
        u[:, :-1] = u[:, 1:]

    def flip(u):
        u[::-1, ::-1] = u

    def transpose_block(u):
        u[:5, :5] = u[:5, :5].T

    for fn in (rows_down, cols_left, flip, transpose_block):
        case(fn)


def test_views_share_memory():
    """Writes through a view are seen by the base and by other views."""
    a = ndaccel.zeros((4, 5))
    v = a[1:3, ::2]
    v[...] = 7
    a.T[0] = -1
    expected = numpy.zeros((4, 5))
    expected[1:3, ::2] = 7
    expected.T[0] = -1
    numpy.testing.assert_array_equal(a.get(), expected)
    numpy.testing.assert_array_equal(v.get(), expected[1:3, ::2])


# ---------------------------------------------------------------- random views

@st.composite
def views(draw):
    """A 1-3-D shape and a basic-slice index (any step) into it."""
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.integers(1, 6)) for _ in range(ndim))
    key = []
    for n in shape:
        start = draw(st.one_of(st.none(), st.integers(-n - 2, n + 2)))
        stop = draw(st.one_of(st.none(), st.integers(-n - 2, n + 2)))
        step = draw(st.one_of(st.none(), st.integers(-3, 3).filter(lambda s: s != 0)))
        key.append(slice(start, stop, step))
    perm = draw(st.permutations(range(ndim)))
    return shape, tuple(key), tuple(perm)


@given(views(), views())
def test_random_strided_views_float64(va, vb):
    """Two random strided/transposed views of two arrays, combined where they
    broadcast."""
    (sa, ka, pa), (sb, kb, pb) = va, vb
    x, y = host(sa, "float64", 1), host(sb, "float64", 2)

    def fn(xp):
        a = xp.asarray(x)[ka].transpose(pa)
        b = xp.asarray(y)[kb].transpose(pb)
        try:
            shape = numpy.broadcast_shapes(a.shape, b.shape)
        except ValueError:
            return a * 2 - 1.5
        return a - b * 0.5 if shape else a

    xp_compare(fn)
