"""einsum against numpy.einsum: explicit and implicit outputs, ellipses,
repeated indices (diagonals, traces), contractions of two and three
operands (batched matmuls), the sublist form, dtypes and errors."""
import numpy
import pytest

from xp_util import xp_compare

RNG = numpy.random.default_rng(7)


def _r(*shape, dt="float64"):
    x = RNG.standard_normal(shape)
    if numpy.dtype(dt).kind == "c":
        x = x + 1j * RNG.standard_normal(shape)
    return x.astype(dt)


A34, B45, C53 = _r(3, 4), _r(4, 5), _r(5, 3)
S44, V4, W4, V3 = _r(4, 4), _r(4), _r(4), _r(3)
T234, T245, T2345 = _r(2, 3, 4), _r(2, 4, 5), _r(2, 3, 4, 5)
S333 = _r(3, 3, 3)

CASES = [
    ("ij,jk->ik", A34, B45),           # matmul
    ("ij,jk", A34, B45),               # implicit output
    ("ij,kj->ik", A34, B45.T),         # transposed operand
    ("ji,jk->ik", A34.T.copy(), B45),
    ("ij,jk->ki", A34, B45),           # transposed result
    ("bij,bjk->bik", T234, T245),      # batched
    ("bij,jk->bik", T234, B45),        # broadcast operand
    ("ij,jk,kl->il", A34, B45, C53),   # chain of three
    ("i,i->", V4, W4),                 # inner
    ("i,i", V4, W4),
    ("i,j->ij", V4, V3),               # outer
    ("i,j", V4, V3),
    ("ii->i", S44),                    # diagonal
    ("ii", S44),                       # trace
    ("ii->", S44),
    ("iii->i", S333),
    ("ij->ji", A34),                   # transpose
    ("ij", A34),
    ("ji", A34),                       # implicit transpose (output sorted)
    ("ij->", A34),                     # total sum
    ("ij->j", A34),                    # column sums
    ("...ij->...ji", T234),            # ellipsis
    ("...ij,...jk->...ik", T234, T245),
    ("i...->...", T234),
    ("...j,j", T234, V4),
    ("bijk,bkl->bijl", T2345, _r(2, 5, 3)),
    ("ijkl->ljik", T2345),
    ("abcd,dc->ab", T2345, _r(5, 4)),  # two contracted axes
    ("ij,ij->ij", A34, A34),           # elementwise (batch labels only)
    ("ij,ij->", A34, A34),
    ("i,i,i->i", V4, W4, V4),          # one fused product (same labels everywhere)
    ("ij,ij->ji", A34, A34),
    ("ij,ij,ij->j", A34, A34 * 2, A34),
    ("ii,i->i", S44, V4),              # diagonal times vector
    ("ij,i->j", _r(1, 4), V3),         # size-1 axis broadcasts
    ("", numpy.float64(3.0)),          # scalar
    (",ij->ij", numpy.float64(2.0), A34),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] or "scalar" for c in CASES])
def test_einsum(case):
    sub, *ops = case
    xp_compare(lambda xp: xp.einsum(sub, *[xp.asarray(o) for o in ops]), rtol=1e-10)


@pytest.mark.parametrize("dt", ["float32", "complex64", "complex128", "int32", "float16", "bool"])
def test_einsum_dtypes(dt):
    a = (RNG.random((3, 4)) * 4).astype(dt)
    b = (RNG.random((2, 4, 5)) * 4).astype(dt)
    rtol = {"float16": 1e-2, "float32": 1e-5, "complex64": 1e-5}.get(dt, 1e-12)
    xp_compare(lambda xp: xp.einsum("ij,bjk->bik", xp.asarray(a), xp.asarray(b)), rtol=rtol)
    xp_compare(lambda xp: xp.einsum("ij->i", xp.asarray(a)), rtol=rtol)


def test_einsum_options():
    a, b = A34, B45
    xp_compare(lambda xp: xp.einsum("ij,jk->ik", xp.asarray(a), xp.asarray(b), optimize=True),
               rtol=1e-10)
    xp_compare(lambda xp: xp.einsum("ij,jk->ik", xp.asarray(a), xp.asarray(b),
                                    optimize="greedy"), rtol=1e-10)
    xp_compare(lambda xp: xp.einsum(xp.asarray(a), [0, 1], xp.asarray(b), [1, 2], [0, 2]),
               rtol=1e-10)
    xp_compare(lambda xp: xp.einsum(xp.asarray(T234), [Ellipsis, 1], [1, Ellipsis]),
               rtol=1e-10)
    i32 = (A34 * 3).astype("int32")
    xp_compare(lambda xp: xp.einsum("ij->j", xp.asarray(i32), dtype="float64"), rtol=1e-12)

    def with_out(xp):
        o = xp.zeros((3, 5))
        r = xp.einsum("ij,jk->ik", xp.asarray(a), xp.asarray(b), out=o)
        return o, r is o
    xp_compare(with_out, rtol=1e-10)


@pytest.mark.parametrize("sub, shapes", [
    ("ij,jk->ik", [(3, 4), (5, 6)]),   # size mismatch
    ("ij,jk", [(3, 4)]),               # too few operands
    ("ij", [(3, 4), (4, 5)]),          # too many operands
    ("ijk", [(3, 4)]),                 # too many subscripts
    ("ij->k", [(3, 4)]),               # output label not in input
    ("ij->ii", [(3, 4)]),              # repeated output label
    ("ii", [(3, 4)]),                  # diagonal of unequal axes
    ("i1", [(3, 4)]),                  # not a letter
    ("...ij->ij", [(2, 3, 4)]),        # ellipsis dropped in explicit mode
])
def test_einsum_errors(sub, shapes):
    ops = [numpy.ones(s) for s in shapes]
    xp_compare(lambda xp: xp.einsum(sub, *[xp.asarray(o) for o in ops]))


# Contractions with a small product matrix run as one broadcast product and
# sum (linalg/_einsum.py): elementwise products, dot products, batches of
# tiny matrices, over sizes where a matmul per element took seconds.
BIG = [
    ("i,i,i->i", (_r(100_000), _r(100_000), _r(100_000))),
    ("i,i->", (_r(100_000), _r(100_000))),
    ("i,i->i", (_r(50_000), _r(50_000))),
    ("bij,bjk->bik", (_r(4000, 3, 4), _r(4000, 4, 2))),
    ("bi,bi->b", (_r(20_000, 3), _r(20_000, 3))),
    ("nij,j->ni", (_r(5000, 3, 3), _r(3))),
]


@pytest.mark.parametrize("subscripts,ops", BIG, ids=[b[0] for b in BIG])
@pytest.mark.parametrize("dt", ["float64", "float32", "int32", "complex64", "float16", "bool"])
def test_small_contractions_fused(subscripts, ops, dt):
    hs = [(x * 3).astype(dt) for x in ops]
    # Sums of a few products of size ~10 cancel: an absolute tolerance at the
    # products' rounding (the order of the additions differs from NumPy's).
    tol = {"float16": 2e-2, "float32": 2e-5, "complex64": 2e-5}.get(dt, 1e-12)
    xp_compare(lambda xp: xp.einsum(subscripts, *[xp.asarray(h) for h in hs]), rtol=tol,
               atol=tol * 10)
