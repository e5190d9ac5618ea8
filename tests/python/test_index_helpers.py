"""Index helpers against NumPy: unravel_index, ravel_multi_index, ix_, the
triangle and diagonal index builders, mask_indices, fill_diagonal, select,
piecewise, shares_memory and may_share_memory."""
import numpy
import pytest

import ndaccel
from xp_util import xp_compare, xp_test

I64 = numpy.int64


# ---------------------------------------------------------------- unravel / ravel

@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("shape", [(2, 3, 4), (7,), (1, 5), (3, 0)])
@xp_test
def test_unravel_index(xp, shape, order):
    size = int(numpy.prod(shape))
    idx = xp.asarray(numpy.arange(size)[::-1].reshape(-1, 1) if size else
                     numpy.zeros(0, I64))
    return xp.unravel_index(idx, shape, order=order)


@pytest.mark.parametrize("case", [
    lambda xp: xp.unravel_index(5, (2, 3)),                 # scalars
    lambda xp: xp.unravel_index(xp.asarray(3), (2, 3)),
    lambda xp: xp.unravel_index(True, (2, 3)),
    lambda xp: xp.unravel_index(xp.asarray([1, 2], dtype=numpy.uint8), 6),
    lambda xp: xp.unravel_index(0, ()),
    lambda xp: xp.unravel_index(6, (2, 3)),                 # ValueError
    lambda xp: xp.unravel_index(xp.asarray([1, -1]), (2, 3)),
    lambda xp: xp.unravel_index(1.0, (2, 3)),               # TypeError
    lambda xp: xp.unravel_index([], (2, 3)),
    lambda xp: xp.unravel_index(0, (2, 3), order="X"),
])
def test_unravel_index_cases(case):
    xp_compare(case)


@pytest.mark.parametrize("mode", ["raise", "wrap", "clip", ("clip", "wrap")])
@pytest.mark.parametrize("order", ["C", "F"])
@xp_test
def test_ravel_multi_index(xp, mode, order):
    rows = xp.asarray([[0, 1, 1], [1, 0, 1]])
    cols = xp.asarray([2, 0, 1] if mode == "raise" else [2, -4, 7])
    return xp.ravel_multi_index((rows, cols), (2, 3), mode=mode, order=order)


@pytest.mark.parametrize("case", [
    lambda xp: xp.ravel_multi_index((1, 2), (2, 3)),
    lambda xp: xp.ravel_multi_index(xp.asarray([[1, 0], [2, 1]]), (2, 3)),
    lambda xp: xp.ravel_multi_index(([True], [1]), (2, 3)),
    lambda xp: xp.ravel_multi_index((xp.zeros(0, I64), xp.zeros(0, I64)), (2, 3)),
    lambda xp: xp.ravel_multi_index((), ()),
    lambda xp: xp.ravel_multi_index(([1, 1], [2, 3]), (2, 3)),     # ValueError
    lambda xp: xp.ravel_multi_index(([1, 1],), (2, 3)),
    lambda xp: xp.ravel_multi_index(([1, 1], [2, 2]), (2, 3), mode="bad"),
    lambda xp: xp.ravel_multi_index(([1.0], [2]), (2, 3)),         # TypeError
    lambda xp: xp.ravel_multi_index(([1], [1]), (2**40, 2**40)),
])
def test_ravel_multi_index_cases(case):
    xp_compare(case)


@xp_test
def test_unravel_ravel_roundtrip(xp):
    flat = xp.asarray([0, 5, 17, 23, 11])
    return xp.ravel_multi_index(xp.unravel_index(flat, (2, 3, 4)), (2, 3, 4))


# ---------------------------------------------------------------- ix_

@pytest.mark.parametrize("case", [
    lambda xp: xp.ix_([1, 2], [True, False, True]),
    lambda xp: xp.ix_(xp.asarray([0, 2]), xp.asarray([1, 0]), [3]),
    lambda xp: xp.ix_([], xp.asarray([1.5])),
    lambda xp: xp.ix_(xp.zeros(0)),
    lambda xp: xp.ix_(),
    lambda xp: xp.ix_([[1]]),                   # ValueError
    lambda xp: xp.ix_(3),
])
def test_ix(case):
    xp_compare(case)


@xp_test
def test_ix_indexes(xp):
    a = xp.arange(20).reshape(4, 5)
    return a[xp.ix_([0, 3], [True, False, True, False, True])]


# ---------------------------------------------------------------- triangles, diagonals

@pytest.mark.parametrize("n,k,m", [(4, 0, None), (3, -1, 2), (3, 1, 5), (0, 0, None)])
@pytest.mark.parametrize("which", ["tril", "triu"])
@xp_test
def test_tri_indices(xp, which, n, k, m):
    return getattr(xp, which + "_indices")(n, k, m)


@pytest.mark.parametrize("which", ["tril", "triu"])
@pytest.mark.parametrize("shape,k", [((3, 4), 0), ((4, 2), -1), ((2, 3), 2), ((3,), 0)])
@xp_test
def test_tri_indices_from(xp, which, shape, k):
    return getattr(xp, which + "_indices_from")(xp.zeros(shape), k)


@pytest.mark.parametrize("n,ndim", [(3, 2), (2, 4), (0, 2)])
@xp_test
def test_diag_indices(xp, n, ndim):
    return xp.diag_indices(n, ndim)


@pytest.mark.parametrize("shape", [(3, 3), (2, 2, 2), (3, 4), (3,)])
@xp_test
def test_diag_indices_from(xp, shape):
    return xp.diag_indices_from(xp.zeros(shape))


@pytest.mark.parametrize("func,k", [("triu", 0), ("triu", 1), ("tril", -1)])
@xp_test
def test_mask_indices(xp, func, k):
    return xp.mask_indices(4, getattr(xp, func), k)


@pytest.mark.parametrize("shape,val,wrap", [
    ((3, 3), 5, False), ((3, 3), [1, 2], False), ((3, 3), [1, 2, 3, 4, 5], False),
    ((7, 3), [1, 2], True), ((7, 3), 9, False), ((3, 5), 2.7, False),
    ((3, 3, 3), [4, 5], False), ((3, 3), [], False)])
@xp_test
def test_fill_diagonal(xp, shape, val, wrap):
    a = xp.zeros(shape, dtype=numpy.int64)
    xp.fill_diagonal(a, val, wrap=wrap)
    return a


@xp_test
def test_fill_diagonal_view(xp):
    base = xp.zeros((4, 6))
    v = base[:, 1:5].T           # non-contiguous
    xp.fill_diagonal(v, xp.asarray([1.0, 2.0]))
    return base


@pytest.mark.parametrize("case", [
    lambda xp: xp.fill_diagonal(xp.zeros(3), 1),                     # ValueError
    lambda xp: xp.fill_diagonal(xp.zeros((2, 3, 2)), 1),
])
def test_fill_diagonal_errors(case):
    xp_compare(case)


# ---------------------------------------------------------------- select, piecewise

@pytest.mark.parametrize("dt", ["float64", "int64", "bool", "complex128"])
@xp_test
def test_select(xp, dt):
    x = xp.asarray(numpy.arange(-4, 8).reshape(3, 4).astype(dt))
    conds = [x.real < 0 if dt != "bool" else x, x.real > 3 if dt != "bool" else ~x]
    return xp.select(conds, [x, x * 2], default=7)


@pytest.mark.parametrize("case", [
    lambda xp: xp.select([xp.asarray([True, False, True])], [1.5], default=-1),
    lambda xp: xp.select([xp.asarray([True, False]), xp.asarray([[True], [False]])],
                         [xp.asarray([1, 2], dtype=numpy.int8), 3]),
    lambda xp: xp.select([xp.asarray([True, False])], [xp.asarray(1, numpy.float32)],
                         default=xp.asarray([5, 6], dtype=numpy.int16)),
    lambda xp: xp.select([xp.asarray(True)], [xp.arange(3)]),
    lambda xp: xp.select([], []),                                      # ValueError
    lambda xp: xp.select([xp.asarray([True])], [1, 2]),
    lambda xp: xp.select([xp.asarray([1, 0])], [1]),                   # TypeError
])
def test_select_cases(case):
    xp_compare(case)


@pytest.mark.parametrize("case", [
    lambda xp, x: xp.piecewise(x, [x < 0, x >= 0], [-1, 1]),
    lambda xp, x: xp.piecewise(x, [x < 0, x >= 0], [lambda v: -v, lambda v: v * 2]),
    lambda xp, x: xp.piecewise(x, [x < -1, x > 1], [lambda v: v + 1, 0, lambda v: v ** 2]),
    lambda xp, x: xp.piecewise(x, x > 0, [lambda v, s: v * s, 10.0], 3.0),
    lambda xp, x: xp.piecewise(x, [x < 0], [1, 2, 3]),                # ValueError
    lambda xp, x: xp.piecewise(xp.asarray(-2.0), [True, False],
                               [lambda v: -v, lambda v: v]),
    lambda xp, x: xp.piecewise(x.astype(numpy.int64), [x > 100], [lambda v: v]),
])
def test_piecewise(case):
    xp_compare(lambda xp: case(xp, xp.linspace(-2.5, 2.5, 6)))


# ---------------------------------------------------------------- memory overlap

def _views():
    a = ndaccel.arange(24.0).reshape(4, 6)
    b = ndaccel.arange(24.0).reshape(4, 6)
    return a, b


@pytest.mark.parametrize("fn", ["shares_memory", "may_share_memory"])
def test_overlap(fn):
    f = getattr(ndaccel, fn)
    g = getattr(numpy, fn)
    na = numpy.arange(24.0).reshape(4, 6)
    a, b = _views()
    pairs = [(lambda x: x, lambda x: x), (lambda x: x[0], lambda x: x[1]),
             (lambda x: x[:, ::2], lambda x: x[:, 1::2]), (lambda x: x[1:3], lambda x: x.T),
             (lambda x: x[:, :3], lambda x: x[:, 3:]), (lambda x: x[::2, 1], lambda x: x[1]),
             (lambda x: x[::-1, ::-1], lambda x: x[0, 0]), (lambda x: x[:0], lambda x: x),
             (lambda x: x.reshape(-1)[5:9], lambda x: x[1, :])]
    for p, q in pairs:
        assert f(p(a), q(a)) == g(p(na), q(na))
        assert type(f(p(a), q(a))) is bool
    assert not f(a, b)
    lazy = a * 2 + 1  # a pending result: its buffer is computed first
    assert f(lazy[1:], lazy[::-1]) and not f(lazy, a)
    assert not f(a, na)
    assert f(na, na[1:]) == g(na, na[1:])


def test_shares_memory_max_work():
    a = ndaccel.arange(24.0).reshape(4, 6)
    na = numpy.arange(24.0).reshape(4, 6)
    assert ndaccel.shares_memory(a[:, ::2], a[:, 1::2], max_work=-1) == \
        numpy.shares_memory(na[:, ::2], na[:, 1::2], max_work=-1)
    assert ndaccel.may_share_memory(a[:, ::2], a[:, 1::2])
    with pytest.raises(numpy.exceptions.TooHardError):
        ndaccel.shares_memory(a[:, ::2], a[:, 1::2], max_work=0)
