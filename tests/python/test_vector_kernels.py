"""The vector form of elementwise kernels (CPU OpenCL devices: 8 elements per
work-item with OpenCL vector types, the last work-item finishing a partial
block element by element; kernels/fused.c nda_fused_vectorizable) against
NumPy: arithmetic, math functions, comparisons, where, maximum/minimum with
NaNs, logic on masks, broadcast one-element operands and scalars, lengths
around the block size, float32 and float64. Other devices run the same
expressions in scalar kernels, so the tests hold everywhere."""
import numpy
import pytest

from xp_util import xp_compare

RNG = numpy.random.default_rng(8)


def _data(n, dtype):
    x = RNG.uniform(-3, 3, n).astype(dtype)
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
