"""ndaccel.linalg's eig, eigvals, cond, tensorinv, tensorsolve, and a sweep of
matrix_rank, svdvals, multi_dot, matrix_power and norm over dtypes and
shapes, against numpy.linalg."""
import warnings

import numpy
import pytest

import ndaccel
from ndaccel import _fallback
from xp_util import xp_compare

la = ndaccel.linalg
RNG = numpy.random.default_rng(16)
pytestmark = pytest.mark.filterwarnings("ignore::ndaccel.linalg.HostFallbackWarning")


def _mat(shape, dt):
    """Well-conditioned host matrices (random + n I) of dtype dt."""
    n = shape[-1]
    h = RNG.standard_normal(shape)
    if numpy.dtype(dt).kind == "c":
        h = h + 1j * RNG.standard_normal(shape)
    if len(shape) >= 2 and shape[-1] == shape[-2]:
        h = h + n * numpy.eye(n)
    if numpy.dtype(dt).kind in "iub":
        h = numpy.round(h * 3)
    return h.astype(dt)


# ---------------------------------------------------------------- eig, eigvals

def _eig_check(xp, h):
    """Sorted eigenvalues, and whether A v = w v for every pair (eigenvectors
    are defined up to scale, so they are checked, not compared)."""
    a = xp.asarray(h)
    w, v = xp.linalg.eig(a)
    tol = 1e-3 if w.dtype in (numpy.float32, numpy.complex64) else 1e-9
    resid = xp.abs(a.astype(v.dtype) @ v - v * w[..., None, :])
    ok = bool(xp.all(resid <= tol * (1 + xp.max(xp.abs(w))))) if w.size else True
    unit = xp.all(xp.abs(xp.linalg.norm(v, axis=-2) - 1) <= tol) if v.size else True
    ws = numpy.sort_complex(numpy.asarray(w.get() if xp is ndaccel else w).reshape(-1))
    vals = numpy.sort_complex(numpy.asarray(
        (xp.linalg.eigvals(a).get() if xp is ndaccel else xp.linalg.eigvals(a))).reshape(-1))
    return (ok, bool(unit), w.dtype == v.dtype, str(w.dtype), w.shape, v.shape,
            xp.asarray(ws.astype(complex)), xp.asarray(vals.astype(complex)))


@pytest.mark.parametrize("dt", ["float64", "float32", "complex128", "int32"])
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (1, 1), (0, 0), (2, 0, 0)])
def test_eig(dt, shape):
    h = _mat(shape, dt)
    xp_compare(lambda xp: _eig_check(xp, h), rtol=1e-4 if dt in ("float32",) else 1e-9,
               atol=1e-6)


def test_eig_complex_eigenvalues_of_real_matrix():
    rot = numpy.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 2.0]])
    xp_compare(lambda xp: _eig_check(xp, rot), rtol=1e-12, atol=1e-12)
    xp_compare(lambda xp: xp.linalg.eigvals(xp.asarray(rot)).dtype == numpy.complex128)
    r = la.eig(ndaccel.asarray(rot))
    assert type(r) is type(numpy.linalg.eig(rot)) and r._fields == ("eigenvalues",
                                                                    "eigenvectors")
    assert isinstance(r.eigenvalues, ndaccel.ndarray)


@pytest.mark.parametrize("h", [numpy.ones((2, 3)), numpy.ones(3), numpy.array(2.0),
                               numpy.array([[1.0, numpy.nan], [0.0, 1.0]]),
                               numpy.ones((2, 2), dtype=numpy.float16)])
def test_eig_errors(h):
    xp_compare(lambda xp: xp.linalg.eig(xp.asarray(h)))
    xp_compare(lambda xp: xp.linalg.eigvals(xp.asarray(h)))


def test_eig_warns_host_fallback():
    for name in ("eig", "eigvals"):
        _fallback._warned.discard(name)
        with pytest.warns(la.HostFallbackWarning, match=f"linalg.{name} ran on the host"):
            getattr(la, name)(ndaccel.eye(2))
        with warnings.catch_warnings():
            warnings.simplefilter("error", la.HostFallbackWarning)
            getattr(la, name)(ndaccel.eye(2))


# ---------------------------------------------------------------- cond

CONDS = [None, 2, -2, "fro", "nuc", numpy.inf, -numpy.inf, 1, -1]


@pytest.mark.parametrize("dt, shape", [("float64", (3, 3)), ("float32", (2, 4, 4)),
                                       ("complex128", (2, 4, 4)), ("int64", (3, 3))])
def test_cond(dt, shape):
    h = _mat(shape, dt)
    rtol = 2e-5 if dt == "float32" else 1e-10
    xp_compare(lambda xp: [xp.linalg.cond(xp.asarray(h), p) for p in CONDS], rtol=rtol)


def test_cond_special():
    sing = numpy.array([[1.0, 2.0], [2.0, 4.0]])
    zero = numpy.zeros((2, 2))
    nan = numpy.array([[1.0, numpy.nan], [0.0, 1.0]])
    stack = numpy.stack([sing, numpy.eye(2), zero])
    rect = _mat((3, 5), "float64")
    for h in (sing, zero, nan, stack, numpy.zeros((0, 2, 2)), numpy.eye(1)):
        for p in CONDS if h.shape[-1] == h.shape[-2] else [None]:
            xp_compare(lambda xp: xp.linalg.cond(xp.asarray(h), p), rtol=1e-8)
    for p in (None, 2, -2):  # the SVD norms take non-square matrices
        xp_compare(lambda xp: xp.linalg.cond(xp.asarray(rect), p), rtol=1e-10)
    xp_compare(lambda xp: xp.linalg.cond(xp.asarray(numpy.eye(3, dtype=numpy.float32)), 1))


@pytest.mark.parametrize("h, p", [(numpy.ones((2, 3)), 1), (numpy.ones((2, 3)), "fro"),
                                  (numpy.ones(3), None), (numpy.ones(3), 1),
                                  (numpy.array(2.0), None), (numpy.array(2.0), "fro"),
                                  (numpy.zeros((0, 0)), None), (numpy.zeros((2, 0)), 1),
                                  (numpy.zeros(0), None), (numpy.eye(2), 3),
                                  (numpy.eye(2), "bad"), (numpy.eye(2, dtype="f2"), 1),
                                  (numpy.eye(2, dtype="f2"), None)])
def test_cond_errors(h, p):
    xp_compare(lambda xp: xp.linalg.cond(xp.asarray(h), p))


# ---------------------------------------------------------------- tensorinv, tensorsolve

@pytest.mark.parametrize("dt", ["float64", "complex128", "int32"])
def test_tensorinv_tensorsolve(dt):
    a4 = (numpy.eye(24) * 2 + 0.1 * _mat((24, 24), "float64")).astype(dt).reshape(4, 6, 8, 3)
    a3 = a4.reshape(24, 8, 3)
    b = _mat((4, 6), dt)
    x5 = (numpy.eye(24) + 0.1 * _mat((24, 24), "float64")).astype(dt).reshape(6, 4, 2, 3, 4)
    cases = [
        lambda xp: xp.linalg.tensorinv(xp.asarray(a4)),
        lambda xp: xp.linalg.tensorinv(xp.asarray(a3), ind=1),
        lambda xp: xp.linalg.tensorsolve(xp.asarray(a4), xp.asarray(b)),
        lambda xp: xp.linalg.tensorsolve(xp.asarray(x5), xp.asarray(b.reshape(6, 4))),
        lambda xp: xp.linalg.tensorsolve(xp.asarray(x5.transpose(2, 0, 3, 1, 4)),
                                         xp.asarray(b.reshape(6, 4)), axes=(0, 2)),
        lambda xp: xp.linalg.tensorsolve(xp.asarray(a3), xp.asarray(b.reshape(-1))),
    ]
    for fn in cases:
        xp_compare(fn, rtol=1e-10)


def test_tensor_errors():
    a = numpy.eye(6).reshape(2, 3, 6)
    cases = [
        lambda xp: xp.linalg.tensorinv(xp.asarray(a), ind=0),
        lambda xp: xp.linalg.tensorinv(xp.asarray(numpy.ones((2, 3, 4)))),
        lambda xp: xp.linalg.tensorinv(xp.asarray(numpy.zeros((2, 2, 2, 2)))),
        lambda xp: xp.linalg.tensorinv(xp.asarray(numpy.zeros((0, 2, 2)))),
        lambda xp: xp.linalg.tensorsolve(xp.asarray(numpy.ones((2, 3, 4))),
                                         xp.asarray(numpy.ones((2, 3)))),
        lambda xp: xp.linalg.tensorsolve(xp.asarray(a), xp.asarray(numpy.ones(6)), axes=(5,)),
        lambda xp: xp.linalg.tensorsolve(xp.asarray(numpy.zeros((2, 2, 2, 2))),
                                         xp.asarray(numpy.ones((2, 2)))),
    ]
    for fn in cases:
        xp_compare(fn)


# ---------------------------------------------------------------- existing functions, swept

@pytest.mark.parametrize("dt", ["float64", "float32", "complex128", "int32", "bool"])
def test_rank_svdvals(dt):
    h = _mat((2, 3, 4), dt)
    low = (_mat((4, 2), "float64") @ _mat((2, 5), "float64")).astype(dt) \
        if dt != "bool" else numpy.ones((4, 5), bool)
    rtol = 1e-5 if dt == "float32" else 1e-10
    cases = [
        lambda xp: xp.linalg.matrix_rank(xp.asarray(h)),
        lambda xp: xp.linalg.matrix_rank(xp.asarray(low)),
        lambda xp: xp.linalg.matrix_rank(xp.asarray(h[0, 0])),
        lambda xp: xp.linalg.matrix_rank(xp.asarray(numpy.zeros(3, dt))),
        lambda xp: xp.linalg.matrix_rank(xp.asarray(h[0, 0, 0])),
        lambda xp: xp.linalg.matrix_rank(xp.asarray(low), tol=0.5),
        lambda xp: xp.linalg.matrix_rank(xp.asarray(h), rtol=0.5),
        lambda xp: xp.linalg.matrix_rank(xp.asarray(h), tol=0.5, rtol=0.5),
    ]
    if dt != "bool":
        cases += [lambda xp: xp.linalg.svdvals(xp.asarray(h)),
                  lambda xp: xp.linalg.svdvals(xp.asarray(h[0, 0]))]
    for fn in cases:
        xp_compare(fn, rtol=rtol)


def test_rank_svdvals_empty():
    for shape in ((0, 3), (2, 0, 0), (3, 0)):
        h = numpy.zeros(shape)
        xp_compare(lambda xp: xp.linalg.svdvals(xp.asarray(h)))
        xp_compare(lambda xp: xp.linalg.matrix_rank(xp.asarray(h)))


@pytest.mark.parametrize("dt", ["float64", "float32", "complex128", "int32"])
def test_multi_dot_matrix_power(dt):
    A, B, C = _mat((3, 4), dt), _mat((4, 2), dt), _mat((2, 5), dt)
    v, w = _mat((3,), dt), _mat((5,), dt)
    sq, st = _mat((3, 3), dt), _mat((2, 3, 3), dt)
    rtol = 1e-4 if dt == "float32" else 1e-10
    cases = [
        lambda xp: xp.linalg.multi_dot([xp.asarray(A), xp.asarray(B), xp.asarray(C)]),
        lambda xp: xp.linalg.multi_dot([xp.asarray(v), xp.asarray(A), xp.asarray(B),
                                        xp.asarray(C), xp.asarray(w)]),
        lambda xp: xp.linalg.multi_dot([xp.asarray(v), xp.asarray(A)]),
        lambda xp: xp.linalg.multi_dot([xp.asarray(A), xp.asarray(B), xp.asarray(C),
                                        xp.asarray(w)]),
        lambda xp: xp.linalg.multi_dot([xp.asarray(A)]),
        lambda xp: xp.linalg.multi_dot([xp.asarray(A), xp.asarray(st), xp.asarray(C)]),
        lambda xp: xp.linalg.multi_dot([xp.asarray(A), xp.asarray(A)]),
    ]
    for n in (0, 1, 2, 3, 5, -1, -2):
        cases.append(lambda xp, n=n: xp.linalg.matrix_power(xp.asarray(sq), n))
        cases.append(lambda xp, n=n: xp.linalg.matrix_power(xp.asarray(st), n))
    for fn in cases:
        xp_compare(fn, rtol=rtol, atol=1e-12)


def test_multi_dot_matrix_power_special():
    out = numpy.zeros((3, 5))
    A, B = _mat((3, 4), "float64"), _mat((4, 5), "float64")
    cases = [
        lambda xp: xp.linalg.multi_dot([xp.asarray(A), xp.asarray(B)],
                                       out=xp.asarray(out.copy())),
        lambda xp: xp.linalg.multi_dot([xp.asarray(A), xp.asarray(B)],
                                       out=xp.asarray(numpy.zeros((3, 5), numpy.float32))),
        lambda xp: xp.linalg.multi_dot([xp.asarray(A), xp.asarray(B), xp.asarray(numpy.eye(5)),
                                        xp.asarray(numpy.eye(5))], out=xp.asarray(out.copy())),
        lambda xp: xp.linalg.multi_dot([xp.asarray(A.T[None]), xp.asarray(B[:3].T)]),
        lambda xp: xp.linalg.multi_dot([xp.asarray(numpy.array(2.0)), xp.asarray(A)]),
        lambda xp: xp.linalg.multi_dot([xp.asarray(numpy.zeros((0, 3))),
                                        xp.asarray(numpy.zeros((3, 2)))]),
        lambda xp: xp.linalg.matrix_power(xp.asarray(numpy.zeros((0, 0))), 3),
        lambda xp: xp.linalg.matrix_power(xp.asarray(numpy.zeros((0, 2, 2))), 2),
        lambda xp: xp.linalg.matrix_power(xp.asarray(numpy.eye(2)), 2.0),
        lambda xp: xp.linalg.matrix_power(xp.asarray(numpy.ones(3)), 2),
        lambda xp: xp.linalg.matrix_power(xp.asarray(numpy.ones((2, 3))), 2),
        lambda xp: xp.linalg.matrix_power(xp.asarray(numpy.ones((2, 2))), -1),
        lambda xp: xp.linalg.matrix_power(xp.asarray(numpy.eye(2, dtype=numpy.int64)), 3),
        lambda xp: xp.linalg.matrix_power(xp.asarray(numpy.eye(2, dtype=numpy.int64)), -1),
        lambda xp: xp.linalg.matrix_power(xp.asarray(numpy.eye(2, dtype=bool)), 2),
    ]
    for fn in cases:
        xp_compare(fn, rtol=1e-10)


VEC_ORDS = [None, 2, 1, 0, numpy.inf, -numpy.inf, 3, -1, 0.5, -2]
MAT_ORDS = [None, "fro", "nuc", numpy.inf, -numpy.inf, 1, -1, 2, -2]


@pytest.mark.parametrize("dt", ["float64", "float32", "complex128", "int32"])
def test_norm(dt):
    v, m, s = _mat((5,), dt), _mat((3, 4), dt), _mat((2, 3, 4), dt)
    rtol = 1e-5 if dt == "float32" else 1e-10
    cases = []
    for o in VEC_ORDS:
        cases.append(lambda xp, o=o: xp.linalg.norm(xp.asarray(v), o))
        cases.append(lambda xp, o=o: xp.linalg.norm(xp.asarray(s), o, axis=1, keepdims=True))
    for o in MAT_ORDS:
        cases.append(lambda xp, o=o: xp.linalg.norm(xp.asarray(m), o))
        cases.append(lambda xp, o=o: xp.linalg.norm(xp.asarray(s), o, axis=(2, 0)))
        cases.append(lambda xp, o=o: xp.linalg.norm(xp.asarray(s), o, axis=(-2, -1),
                                                    keepdims=True))
    cases += [lambda xp: xp.linalg.norm(xp.asarray(s)),
              lambda xp: xp.linalg.norm(xp.asarray(s), keepdims=True),
              lambda xp: xp.linalg.norm(xp.asarray(v[0]))]
    for fn in cases:
        xp_compare(fn, rtol=rtol)


def test_norm_empty_and_errors():
    e, z = numpy.zeros((0,)), numpy.zeros((2, 0))
    cases = [lambda xp: xp.linalg.norm(xp.asarray(e)),
             lambda xp: xp.linalg.norm(xp.asarray(z)),
             lambda xp: xp.linalg.norm(xp.asarray(z), "fro"),
             lambda xp: xp.linalg.norm(xp.asarray(z), axis=1),
             lambda xp: xp.linalg.norm(xp.asarray(z), axis=1.0),
             lambda xp: xp.linalg.norm(xp.asarray(e), numpy.inf),
             lambda xp: xp.linalg.norm(xp.asarray(e), -numpy.inf),
             lambda xp: xp.linalg.norm(xp.asarray(z), 2),
             lambda xp: xp.linalg.norm(xp.asarray(z), 1),
             lambda xp: xp.linalg.norm(xp.asarray(z), numpy.inf),
             lambda xp: xp.linalg.norm(xp.asarray(z), -1),
             lambda xp: xp.linalg.norm(xp.asarray(z), "nuc"),
             lambda xp: xp.linalg.norm(xp.asarray(z), -2),
             lambda xp: xp.linalg.norm(xp.asarray(numpy.eye(3)), "fro", axis=0),
             lambda xp: xp.linalg.norm(xp.asarray(numpy.eye(3)), "bad"),
             lambda xp: xp.linalg.norm(xp.asarray(numpy.eye(3)), 3),
             lambda xp: xp.linalg.norm(xp.asarray(numpy.eye(3)), axis=(0, 0)),
             lambda xp: xp.linalg.norm(xp.asarray(numpy.eye(3)), axis=(0, 1, 1)),
             lambda xp: xp.linalg.norm(xp.asarray(numpy.eye(3)), axis=3),
             lambda xp: xp.linalg.norm(xp.asarray(numpy.ones((2, 2, 2))), 1),
             lambda xp: xp.linalg.norm(xp.asarray(numpy.ones(3, dtype=bool))),
             lambda xp: xp.linalg.norm(xp.asarray(numpy.ones(3, dtype=numpy.float16)), 1),
             lambda xp: xp.linalg.norm(xp.asarray(numpy.array(-2.0)))]
    for fn in cases:
        xp_compare(fn, rtol=1e-6)
