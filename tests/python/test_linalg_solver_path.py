"""The dense-solver-library path of numpy.linalg (cuSOLVER on CUDA:
linalg/_cusolver.py, linalg/_decomp.py) checked against NumPy without a GPU:
_core.solver is replaced by lapack_emul.solver, which follows the same
contract (nda_solver_desc) on the host with reference LAPACK. The
CUDA adapter's side of that contract is checked by
//tests/conformance:cuda_test against a LAPACK-backed fake cuSOLVER."""
import warnings

import numpy
import pytest

import ndaccel
from ndaccel import linalg
from ndaccel.linalg import _cusolver as _cus
from ndaccel import _fallback

import lapack_emul

DTYPES = [numpy.float32, numpy.float64, numpy.complex64, numpy.complex128]
TOL = {numpy.dtype(numpy.float32): 2e-4, numpy.dtype(numpy.complex64): 2e-4,
       numpy.dtype(numpy.float64): 1e-10, numpy.dtype(numpy.complex128): 1e-10}


@pytest.fixture
def emulated(device, monkeypatch):
    try:
        lapack_emul.lapack()
    except OSError as e:  # ./run installs liblapack3
        pytest.fail(f"reference LAPACK (liblapack.so.3) is missing: {e}")
    monkeypatch.setattr(_cus, "_solver", lapack_emul.solver)
    monkeypatch.setattr(_cus, "_unavailable", {})
    monkeypatch.setattr(_cus, "_worked", set())
    monkeypatch.delenv("NDACCEL_SOLVER", raising=False)
    lapack_emul.calls.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error", linalg.HostFallbackWarning)
        yield device


def rand(shape, dt, seed=0, shift=0.0):
    rng = numpy.random.default_rng(seed)
    x = rng.standard_normal(shape)
    if numpy.dtype(dt).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    if shift:
        x = x + shift * numpy.eye(shape[-1])
    return x.astype(dt)


def check(got, want, dt, scale=1.0):
    assert isinstance(got, ndaccel.ndarray)
    g = got.get()
    assert g.dtype == want.dtype and g.shape == want.shape
    tol = TOL[numpy.dtype(dt)] * scale
    numpy.testing.assert_allclose(g, want, rtol=tol, atol=tol * max(1.0, numpy.abs(want).max(
        initial=0)))


def hermitian(a, uplo):
    t = numpy.tril(a) if uplo == "L" else numpy.triu(a)
    d = numpy.diagonal(t, axis1=-2, axis2=-1).real
    h = t + numpy.conj(numpy.swapaxes(t, -1, -2))
    idx = numpy.arange(a.shape[-1])
    h[..., idx, idx] = d
    return h


# ---------------------------------------------------------------- LU family

@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("ashape,bshape", [((1, 1), (1,)), ((5, 5), (5,)), ((6, 6), (6, 3)),
                                           ((2, 1, 4, 4), (3, 4, 2)), ((3, 33, 33), (33,))])
def test_solve(emulated, dt, ashape, bshape):
    a = rand(ashape, dt, 1, shift=4.0)
    b = rand(bshape, dt, 2)
    check(linalg.solve(ndaccel.asarray(a), ndaccel.asarray(b)), numpy.linalg.solve(a, b), dt,
          scale=10)
    assert lapack_emul.calls["getrf"] == 1 and lapack_emul.calls["getrs"] == 1


def test_solve_mixed_and_integer(emulated):
    a = numpy.array([[3, 1], [1, 2]], dtype=numpy.int64)
    b = numpy.array([9, 8], dtype=numpy.float32)
    check(linalg.solve(ndaccel.asarray(a), ndaccel.asarray(b)), numpy.linalg.solve(a, b),
          numpy.float64)


@pytest.mark.parametrize("dt", DTYPES)
def test_inv(emulated, dt):
    a = rand((2, 3, 7, 7), dt, 3, shift=3.0)
    check(linalg.inv(ndaccel.asarray(a)), numpy.linalg.inv(a), dt, scale=10)


@pytest.mark.parametrize("fn", [linalg.solve, linalg.inv])
def test_singular(emulated, fn):
    a = numpy.array([[[1.0, 2.0], [2.0, 4.0]], [[1.0, 0.0], [0.0, 1.0]]])
    args = (ndaccel.asarray(a),) if fn is linalg.inv else (ndaccel.asarray(a),
                                                           ndaccel.ones(2))
    with pytest.raises(numpy.linalg.LinAlgError, match="Singular matrix"):
        fn(*args)


@pytest.mark.parametrize("dt", DTYPES)
def test_det_slogdet(emulated, dt):
    a = rand((4, 6, 6), dt, 4)
    a[1] = 0  # singular: det 0, slogdet (0, -inf)
    a[2] = numpy.eye(6)[[3, 1, 0, 5, 4, 2]]  # a permutation: det +-1 from the swaps alone
    a[3, :, 2] = a[3, :, 4]  # singular up to rounding
    da = ndaccel.asarray(a)
    check(linalg.det(da), numpy.linalg.det(a), dt, scale=50)
    s, l = linalg.slogdet(da)
    ws, wl = numpy.linalg.slogdet(a)
    check(s[:3], ws[:3], dt, scale=10)
    check(l[[0, 2]], wl[[0, 2]], dt, scale=10)
    assert l.get()[1] == -numpy.inf and s.get()[1] == 0


# ---------------------------------------------------------------- Cholesky

@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky(emulated, dt, upper):
    m = rand((3, 9, 9), dt, 5)
    a = m @ numpy.conj(numpy.swapaxes(m, -1, -2)) + 9 * numpy.eye(9)
    a = a.astype(dt)
    check(linalg.cholesky(ndaccel.asarray(a), upper=upper), numpy.linalg.cholesky(a, upper=upper),
          dt, scale=10)
    assert lapack_emul.calls["potrf"] == 1


def test_cholesky_not_positive_definite(emulated):
    a = numpy.stack([numpy.eye(3), -numpy.eye(3)])
    with pytest.raises(numpy.linalg.LinAlgError, match="not positive definite"):
        linalg.cholesky(ndaccel.asarray(a))


# ---------------------------------------------------------------- eigh

@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh(emulated, dt, uplo):
    a = rand((2, 8, 8), dt, 6)  # not Hermitian: only the `uplo` triangle counts
    w, v = linalg.eigh(ndaccel.asarray(a), UPLO=uplo)
    ww, wv = numpy.linalg.eigh(a, UPLO=uplo)
    check(w, ww, dt, scale=10)
    assert type(linalg.eigh(ndaccel.asarray(a))).__name__ == "EighResult"
    v = v.get()
    assert v.dtype == wv.dtype
    h = hermitian(a.astype(numpy.complex128), uplo)
    tol = TOL[numpy.dtype(dt)] * 50
    numpy.testing.assert_allclose(h @ v, v * ww[..., None, :], atol=tol * numpy.abs(h).max())
    numpy.testing.assert_allclose(numpy.conj(numpy.swapaxes(v, -1, -2)) @ v,
                                  numpy.broadcast_to(numpy.eye(8), (2, 8, 8)), atol=tol)
    check(linalg.eigvalsh(ndaccel.asarray(a), UPLO=uplo), numpy.linalg.eigvalsh(a, UPLO=uplo),
          dt, scale=10)


# ---------------------------------------------------------------- SVD

@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape", [(7, 4), (4, 7), (5, 5), (2, 3, 6, 2), (1, 1)])
@pytest.mark.parametrize("full", [True, False])
def test_svd(emulated, dt, shape, full):
    a = rand(shape, dt, 7)
    u, s, vh = linalg.svd(ndaccel.asarray(a), full_matrices=full)
    wu, ws, wvh = numpy.linalg.svd(a, full_matrices=full)
    check(s, ws, dt, scale=10)
    u, vh = u.get(), vh.get()
    assert u.shape == wu.shape and vh.shape == wvh.shape
    assert u.dtype == wu.dtype and vh.dtype == wvh.dtype
    k = min(shape[-2:])
    tol = TOL[numpy.dtype(dt)] * 50
    rec = (u[..., :, :k] * ws[..., None, :]) @ vh[..., :k, :]
    numpy.testing.assert_allclose(rec, a, atol=tol * numpy.abs(a).max())
    for q in (u, numpy.swapaxes(vh, -1, -2)):
        eye = numpy.broadcast_to(numpy.eye(q.shape[-1]), q.shape[:-2] + (q.shape[-1],) * 2)
        numpy.testing.assert_allclose(numpy.conj(numpy.swapaxes(q, -1, -2)) @ q, eye, atol=tol)


@pytest.mark.parametrize("dt", [numpy.float32, numpy.complex128])
def test_svd_values_only(emulated, dt):
    a = rand((3, 5, 4), dt, 8)
    check(linalg.svd(ndaccel.asarray(a), compute_uv=False),
          numpy.linalg.svd(a, compute_uv=False), dt, scale=10)
    assert lapack_emul.calls["gesvd"] == 1


# ---------------------------------------------------------------- QR

@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape", [(7, 4), (4, 7), (5, 5), (2, 6, 3)])
@pytest.mark.parametrize("mode", ["reduced", "complete", "r", "raw"])
def test_qr(emulated, dt, shape, mode):
    a = rand(shape, dt, 9)
    got = linalg.qr(ndaccel.asarray(a), mode=mode)
    want = numpy.linalg.qr(a, mode=mode)
    if mode == "r":
        check(got, want, dt, scale=10)
        return
    assert type(got).__name__ == type(want).__name__
    for g, w in zip(got, want):  # same Householder convention as NumPy's LAPACK
        check(g, w, dt, scale=10)


# ---------------------------------------------------------------- lstsq, pinv

@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("ashape,bshape", [((9, 4), (9,)), ((9, 4), (9, 2)), ((4, 9), (4, 3)),
                                           ((6, 6), (6,))])
def test_lstsq(emulated, dt, ashape, bshape):
    a = rand(ashape, dt, 10)
    b = rand(bshape, dt, 11)
    x, r, rank, s = linalg.lstsq(ndaccel.asarray(a), ndaccel.asarray(b))
    wx, wr, wrank, ws = numpy.linalg.lstsq(a, b)
    check(x, wx, dt, scale=20)
    check(r, wr, dt, scale=50)
    check(s, ws, dt, scale=10)
    assert rank == wrank and type(rank) is type(wrank)


def test_lstsq_rank_deficient(emulated):
    a = rand((8, 5), numpy.float64, 12)
    a[:, 4] = a[:, 0] + a[:, 1]
    b = rand((8,), numpy.float64, 13)
    x, r, rank, s = linalg.lstsq(ndaccel.asarray(a), ndaccel.asarray(b))
    wx, wr, wrank, ws = numpy.linalg.lstsq(a, b)
    assert rank == wrank == 4 and r.shape == wr.shape == (0,)
    check(x, wx, numpy.float64, scale=100)
    x, r, rank, s = linalg.lstsq(ndaccel.asarray(a), ndaccel.asarray(b), rcond=0.5)
    wx, wr, wrank, ws = numpy.linalg.lstsq(a, b, rcond=0.5)
    assert rank == wrank
    check(x, wx, numpy.float64, scale=100)
    a[:, 4] += 1e-6 * rand((8,), numpy.float64, 19)  # full rank again, s_min ~ 1e-6
    x, r, rank, s = linalg.lstsq(ndaccel.asarray(a), ndaccel.asarray(b), rcond=-1)
    wx, wr, wrank, ws = numpy.linalg.lstsq(a, b, rcond=-1)  # -1: machine precision
    assert rank == wrank == 5 and numpy.all(numpy.isfinite(x.get()))
    check(x, wx, numpy.float64, scale=1e5)  # condition number ~1e6


def test_eigh_lowercase_uplo(emulated):
    a = rand((5, 5), numpy.float64, 18)
    check(linalg.eigvalsh(ndaccel.asarray(a), UPLO="u"), numpy.linalg.eigvalsh(a, UPLO="u"),
          numpy.float64, scale=10)
    assert lapack_emul.calls["syevd"] == 1


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape", [(6, 4), (3, 5), (2, 4, 4)])
def test_pinv(emulated, dt, shape):
    a = rand(shape, dt, 14)
    check(linalg.pinv(ndaccel.asarray(a)), numpy.linalg.pinv(a), dt, scale=50)
    check(linalg.pinv(ndaccel.asarray(a), rcond=0.3), numpy.linalg.pinv(a, rcond=0.3), dt,
          scale=50)


# ---------------------------------------------------------------- routing

def test_host_fallback_still_for_what_the_path_does_not_take(emulated):
    a = ndaccel.asarray(rand((4, 4), numpy.float64, 15))
    with pytest.warns(linalg.HostFallbackWarning):
        warnings.simplefilter("always", linalg.HostFallbackWarning)
        _fallback._warned.discard("svd")
        linalg.svd(a, hermitian=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", linalg.HostFallbackWarning)
        with pytest.raises(ValueError):  # NumPy's error, from the host fallback
            linalg.eigh(a, UPLO="X")
    assert sum(lapack_emul.calls.values()) == 0


def test_switched_off(emulated, monkeypatch):
    monkeypatch.setenv("NDACCEL_SOLVER", "0")
    a = rand((5, 5), numpy.float64, 16, shift=3.0)
    check(linalg.inv(ndaccel.asarray(a)), numpy.linalg.inv(a), numpy.float64, scale=10)
    assert sum(lapack_emul.calls.values()) == 0


def test_no_library_falls_back(device, monkeypatch):
    """Without a library (OpenCL devices here) _core.solver says why and
    the device's own kernels run."""
    monkeypatch.setattr(_cus, "_unavailable", {})
    monkeypatch.setattr(_cus, "_worked", set())
    a = rand((5, 5), numpy.float64, 17, shift=3.0)
    check(linalg.inv(ndaccel.asarray(a)), numpy.linalg.inv(a), numpy.float64, scale=10)
    dev = ndaccel.asarray(a)._device_id
    if device.id.startswith("opencl"):
        assert isinstance(_cus._unavailable.get(dev), str)
