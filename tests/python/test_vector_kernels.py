"""The vector form of elementwise kernels (CPU OpenCL devices: 8 elements per
work-item with OpenCL vector types, the last work-item finishing a partial
block element by element; kernels/fused.c nda_fused_vectorizable) against
NumPy: arithmetic, math functions, comparisons, isnan/isinf/isfinite/signbit,
where, maximum/minimum with NaNs, logic on masks, broadcast one-element operands and scalars, lengths
around the block size, float32 and float64. Other devices run the same
expressions in scalar kernels, so the tests hold everywhere."""
import numpy
import pytest

import ndaccel

from xp_util import xp_compare

RNG = numpy.random.default_rng(8)


def _data(n, dtype, rng=RNG):
    x = rng.uniform(-3, 3, n).astype(dtype)
    if n > 5:
        x[[1, 5]] = numpy.nan
        x[2] = -0.0
    return x


EXPRS = {
    "arith": lambda xp, a, b: (a * 2.5 - b) / (1.0 + xp.abs(b)),
    "math": lambda xp, a, b: xp.exp(-a * a) + xp.tanh(b) - xp.log1p(xp.abs(a)) * xp.sin(b),
    "where": lambda xp, a, b: xp.where((a > 0.5) & ~(b < -1.0), xp.sqrt(xp.abs(a)), b * 3),
    "maxmin": lambda xp, a, b: xp.maximum(a, b) - xp.minimum(a, 0.25) + xp.maximum(1.0, b),
    "logic": lambda xp, a, b: xp.where(xp.logical_or(a == b, (a != 0.0) ^ (b >= 1.0)), a, -b),
    "broadcast": lambda xp, a, b: a * xp.asarray([2.0], dtype=a.dtype) + b[:1],
    "log": lambda xp, a, b: xp.log(xp.abs(a) + 1e-300) * 3.0,
    "square": lambda xp, a, b: a ** 2 - xp.square(b) + xp.positive(a),
    "tests": lambda xp, a, b: xp.where(xp.isnan(a), 0.5, xp.where(
        xp.isinf(b / a) | xp.signbit(b), -a, xp.where(xp.isfinite(a * 1e38 * b * 1e270), a, b))),
    "sign": lambda xp, a, b: xp.sign(a) * 2.5 + xp.copysign(b, a) + xp.sign(b - b) + xp.sign(-a * 0.0),
}


@pytest.mark.parametrize("n", [1, 7, 8, 9, 63, 1000, 4099])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(EXPRS))
def test_vector_form_matches_numpy(name, dtype, n):
    a, b = _data(n, dtype), _data(n, dtype)[::-1].copy()
    # Values of order 1: a few ulps of the terms, absolute where sums cancel.
    rtol, atol = (2e-6, 1e-5) if dtype == "float32" else (1e-13, 1e-14)
    with numpy.errstate(all="ignore"):
        xp_compare(lambda xp: EXPRS[name](xp, xp.asarray(a), xp.asarray(b)), rtol=rtol, atol=atol)


def _rows_operands(xp, shape, dtype):
    """Operands of every layout the chunked vector form loads: rows of a
    larger array (unit inner stride), a column broadcast along the rows
    (inner stride 0), every other element (inner stride 2), one element."""
    m, r = shape
    big = _data(m * (2 * r + 3), dtype, numpy.random.default_rng(m * r)).reshape(m, 2 * r + 3)
    rows = xp.asarray(big)[:, 1:r + 1]
    column = xp.asarray(big[:, :1].copy())
    strided = xp.asarray(big)[:, 2:2 * r + 2:2]
    one = xp.asarray(big[:1, :1].copy())
    return rows, column, strided, one


# Rows shorter than, equal to and longer than a vector, and longer than one
# work-item's chunk of a row (256), with partial vectors at each end.
@pytest.mark.parametrize("shape", [(5, 3), (4, 8), (6, 13), (3, 56), (2, 300), (1, 520)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(EXPRS))
def test_rows_vector_form_matches_numpy(name, dtype, shape):
    rtol, atol = (2e-6, 1e-5) if dtype == "float32" else (1e-13, 1e-14)

    def fn(xp):
        rows, column, strided, one = _rows_operands(xp, shape, dtype)
        return EXPRS[name](xp, rows * column + one, strided) - column

    with numpy.errstate(all="ignore"):
        xp_compare(fn, rtol=rtol, atol=atol)


@pytest.mark.parametrize("shape", [(3, 7), (4, 40), (2, 300)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_rows_vector_form_strided_output(dtype, shape):
    """Stores into every other column (the output's inner stride 2) and into
    a 4-D slice whose rows are two merged axes."""
    def fn(xp):
        rows, column, strided, one = _rows_operands(xp, shape, dtype)
        out = xp.zeros((shape[0], 2 * shape[1]), dtype=dtype)
        out[:, 1::2] = xp.tanh(rows - strided) * column
        rng = numpy.random.default_rng(3)
        vol = xp.asarray(_data(4 * 5 * 6 * 8, dtype, rng).reshape(4, 5, 6, 8))
        w = xp.asarray(_data(4, dtype, rng).reshape(4, 1, 1, 1))
        d = (vol[1:, 1:-1, 1:, :] - vol[:-1, 1:-1, :-1, :]) / w[1:]
        return out, xp.where(xp.abs(d) > 0.1, xp.exp(-d * d), 0.0)

    with numpy.errstate(all="ignore"):
        xp_compare(fn, rtol=1e-5 if dtype == "float32" else 1e-13, atol=1e-6 if dtype == "float32" else 1e-14)


# Whole-array folds of contiguous float arrays and expressions (the vector
# form of reductions on CPU OpenCL devices: two vector accumulators per
# work-item's run, then its last elements one by one): lengths around the
# 16-element step, NaNs inside the vectors and in the tail, +-0.0.
@pytest.mark.parametrize("n", [1, 15, 16, 17, 100, 4099, 70_001])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["sum", "prod", "max", "min"])
@pytest.mark.parametrize("nan_at", [None, "vector", "tail"])
def test_vector_reductions_match_numpy(name, dtype, n, nan_at):
    rng = numpy.random.default_rng(n)
    x = rng.uniform(0.5, 1.5, n).astype(dtype)
    if name == "prod":  # products of order 1, far from underflow
        x = (x * 0.02 + 0.99).astype(dtype)
    else:
        x[n // 3] = -0.0
    if nan_at == "vector" and n > 20:
        x[5] = numpy.nan
    elif nan_at == "tail":
        x[-1] = numpy.nan
    rtol = 1e-4 if dtype == "float32" else 1e-11  # another summation order

    def fn(xp):
        a = xp.asarray(x)
        return getattr(xp, name)(a), getattr(xp, name)(a * 0.5 + 0.75)

    with numpy.errstate(all="ignore"):
        xp_compare(fn, rtol=None if name in ("max", "min") else rtol)


# Column folds (the axes sink's vector form on CPU OpenCL devices: tiles of
# 64 neighbouring outputs, then single vectors of 8, then the last outputs
# one by one; split reduced ranges when there are few outputs): kept widths
# around those sizes, several reduced axes, row views, a row broadcast
# along the reduced axis, fused expressions, NaNs.
@pytest.mark.parametrize("shape,axis", [
    ((5, 7), 0), ((9, 8), 0), ((300, 64), 0), ((33, 200), 0), ((1000, 77), 0),
    ((3000, 9), 0), ((6, 5, 130), (0, 1)), ((4, 70, 3), 0)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["sum", "prod", "max", "min"])
def test_vector_column_folds_match_numpy(name, dtype, shape, axis):
    rng = numpy.random.default_rng(sum(shape))
    x = rng.uniform(0.5, 1.5, shape).astype(dtype)
    if name == "prod":
        x = (x * 0.02 + 0.99).astype(dtype)
    flat = x.reshape(-1)
    flat[::97] = numpy.nan if name in ("max", "min") else flat[::97]
    row = rng.uniform(0.5, 1.5, (1,) + shape[1:]).astype(dtype)
    rtol = 1e-4 if dtype == "float32" else 1e-11

    c = (1.0, 0.001) if name == "prod" else (0.5, -0.25)  # products stay of order 1

    def fn(xp):
        a, r = xp.asarray(x), xp.asarray(row)
        f = getattr(xp, name)
        return f(a, axis=axis), f(a[::2] * c[0] + r * c[1], axis=axis), f(a + r * c[1], axis=axis)

    with numpy.errstate(all="ignore"):
        xp_compare(fn, rtol=None if name in ("max", "min") else rtol)


# Row folds (one reduced axis of unit stride: vectors along each work-item's
# run of the row, two accumulators, then the run's last elements singly;
# rows of exactly 8: one vector each, folded as a tree): row lengths around
# 16 and 8, several kept axes, split rows (few outputs), a row broadcast
# down the kept axes, a column broadcast (one value per row), NaNs.
@pytest.mark.parametrize("shape", [(7, 15), (5, 16), (9, 33), (3, 4, 50), (2, 5000), (300, 129),
                                   (1000, 8), (3, 5, 8), (40, 9)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["sum", "prod", "max", "min"])
def test_vector_row_folds_match_numpy(name, dtype, shape):
    rng = numpy.random.default_rng(sum(shape) + 1)
    x = rng.uniform(0.5, 1.5, shape).astype(dtype)
    if name == "prod":
        x = (x * 0.02 + 0.99).astype(dtype)
    if name in ("max", "min"):
        x.reshape(-1)[::89] = numpy.nan
    row = rng.uniform(0.5, 1.5, shape[-1]).astype(dtype)
    col = rng.uniform(0.5, 1.5, shape[:-1] + (1,)).astype(dtype)
    c = (1.0, 0.001) if name == "prod" else (0.5, -0.25)  # products stay of order 1
    rtol = 1e-4 if dtype == "float32" else 1e-11

    def fn(xp):
        a, r, k = xp.asarray(x), xp.asarray(row), xp.asarray(col)
        f = getattr(xp, name)
        return (f(a, axis=-1), f(a * c[0] + r * c[1], axis=-1), f(a + k * c[1], axis=-1),
                f(a[..., 1:], axis=-1))

    with numpy.errstate(all="ignore"):
        xp_compare(fn, rtol=None if name in ("max", "min") else rtol)


def test_rows_of_eight_sum_like_numpy_bitwise():
    """NumPy sums 8 contiguous elements pairwise, ((0+1)+(2+3))+((4+5)+(6+7));
    the vector form of rows of 8 folds the same tree: equal bits, means too."""
    rng = numpy.random.default_rng(12)
    x = rng.standard_normal((5000, 8)) * numpy.logspace(-8, 8, 8)
    x[3] = -0.0
    d = ndaccel.asarray(x)
    assert numpy.array_equal(d.sum(axis=1).get(), x.sum(axis=1))
    assert numpy.array_equal(d.mean(axis=1).get(), x.mean(axis=1))
    assert numpy.array_equal(ndaccel.signbit(d.sum(axis=1)).get(), numpy.signbit(x.sum(axis=1)))


@pytest.mark.parametrize("k", [8, 37, 300])
def test_row_folds_of_keepdims_broadcasts(k):
    """softmax-style folds: a keepdims reduction broadcast back along the
    reduced axis (stride 0 there) inside a row fold."""
    x = numpy.random.default_rng(k).standard_normal((513, k))
    x[5, 3] = numpy.nan

    def fn(xp):
        a = xp.asarray(x)
        m = a.max(axis=1, keepdims=True)
        e = xp.exp(a - m)
        return e.sum(axis=1), (a - m).min(axis=1), xp.argmax(a, axis=1), xp.argmin(a[:, ::-1], axis=1)

    with numpy.errstate(all="ignore"):
        xp_compare(fn, rtol=1e-13, atol=1e-15)
