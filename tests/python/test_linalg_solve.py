"""ndaccel.linalg's dense solvers against numpy.linalg: solve, inv, det,
slogdet, cholesky on the device (blocked LU / Cholesky, block size 32, so
n = 33 and 100 cross block boundaries), and the host fallbacks (qr, svd,
eigh, eigvalsh, lstsq, pinv) with their HostFallbackWarning.

Tolerances scale with size and dtype: |got - numpy| <= C * max(n, 1) * eps
* max|numpy| on well-conditioned matrices (A + n I, SPD ones for
Cholesky). float32 gets its own eps: ndaccel computes float32 in float32
where NumPy computes in float64 and rounds."""
import warnings

import numpy
import pytest

import ndaccel
import ndaccel.linalg as la
from ndaccel import _fallback as _fallback_mod

RNG = numpy.random.default_rng(7)
FLOATS = ["float32", "float64", "complex64", "complex128"]
SIZES = [0, 1, 2, 5, 33, 100]
C = 20


def _rand(shape, dt):
    dt = numpy.dtype(dt)
    x = RNG.standard_normal(shape)
    if dt.kind == "c":
        x = x + 1j * RNG.standard_normal(shape)
    return x.astype(dt)


def _wellcond(shape, dt):
    """Random matrices plus n I: condition numbers of a few units."""
    n = shape[-1]
    return (_rand(shape, dt) + n * numpy.eye(n)).astype(dt)


def _spd(shape, dt):
    a = _rand(shape, dt)
    n = shape[-1]
    return (a @ numpy.conj(numpy.swapaxes(a, -1, -2)) / max(n, 1) + numpy.eye(n)).astype(dt)


def check(got, ref, n, C=C, what="result"):
    """got (ndaccel) matches ref (numpy): type (a device array, or a NumPy
    scalar where NumPy gives one), shape, dtype exactly; values within
    C * n * eps of the largest magnitude."""
    if isinstance(ref, numpy.generic):
        assert isinstance(got, numpy.generic), f"{what}: got a {type(got).__name__}"
    else:
        assert isinstance(got, ndaccel.ndarray), f"{what}: got a {type(got).__name__}"
    ref = numpy.asarray(ref)
    h = numpy.asarray(got)
    assert h.shape == ref.shape, f"{what}: shape {h.shape} != numpy's {ref.shape}"
    assert h.dtype == ref.dtype, f"{what}: dtype {h.dtype} != numpy's {ref.dtype}"
    if ref.size == 0:
        return
    if ref.dtype.kind in "biu":
        numpy.testing.assert_array_equal(h, ref)
        return
    eps = numpy.finfo(ref.dtype).eps
    finite = numpy.isfinite(ref)
    assert (numpy.isfinite(h) == finite).all(), f"{what}: non-finite values differ"
    assert (numpy.isnan(h) == numpy.isnan(ref)).all(), f"{what}: NaNs differ"
    inf = numpy.isinf(ref)
    assert (h[inf] == ref[inf]).all(), f"{what}: infinities differ"
    scale = numpy.abs(ref[finite]).max(initial=0.0) or 1.0
    err = numpy.abs(h[finite] - ref[finite]).max(initial=0.0)
    tol = C * max(n, 1) * eps * scale
    assert err <= tol, f"{what}: max error {err:.3g} > {tol:.3g} (n={n}, {ref.dtype})"


# ---------------------------------------------------------------- solve

@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dt", FLOATS)
def test_solve(dt, n):
    a = _wellcond((n, n), dt)
    b1, b2 = _rand((n,), dt), _rand((n, 3), dt)
    check(la.solve(ndaccel.asarray(a), ndaccel.asarray(b1)), numpy.linalg.solve(a, b1), n)
    check(la.solve(ndaccel.asarray(a), ndaccel.asarray(b2)), numpy.linalg.solve(a, b2), n)


@pytest.mark.parametrize("dt", ["float64", "complex64"])
@pytest.mark.parametrize("sa, sb", [
    ((2, 3, 5, 5), (3, 5, 2)),    # batch axes broadcast
    ((5, 5), (4, 5, 1)),          # one matrix, a stack of right-hand sides
    ((2, 5, 5), (5,)),            # 1-D b: one vector for every matrix
    ((3, 5, 5), (1, 5, 0)),       # k = 0
    ((0, 5, 5), (5, 2)),          # empty batch
    ((2, 0, 0), (0,)),            # n = 0
    ((4, 33, 33), (4, 33, 2)),    # stacked, crossing the block size
])
def test_solve_batched(dt, sa, sb):
    a, b = _wellcond(sa, dt), _rand(sb, dt)
    check(la.solve(ndaccel.asarray(a), ndaccel.asarray(b)), numpy.linalg.solve(a, b), sa[-1])


def test_solve_noncontiguous_and_lazy():
    big, bb = _wellcond((2, 70, 70), "float64"), _rand((70, 6), "float64")
    a = big[:, 1::2, ::2] + 35 * numpy.eye(35)  # numpy's reference of the same views
    ga = ndaccel.asarray(big)[:, 1::2, ::2] + ndaccel.asarray(35 * numpy.eye(35))  # lazy input
    b = bb[::2, ::-3]
    gb = ndaccel.asarray(bb)[::2, ::-3]
    check(la.solve(ga, gb), numpy.linalg.solve(a, b), 35)
    at = numpy.swapaxes(a, -1, -2)
    check(la.solve(ga.swapaxes(-1, -2), gb[:, 0]), numpy.linalg.solve(at, b[:, 0]), 35)


@pytest.mark.parametrize("da, db", [("int32", "int64"), ("bool", "float32"), ("float32", "float64"),
                                    ("float32", "complex64"), ("int8", "complex64")])
def test_solve_dtypes(da, db):
    n = 6
    a = (numpy.eye(n) * 7 + RNG.integers(0, 2, (n, n))).astype(da)
    b = (RNG.integers(-3, 4, (n, 2))).astype(db)
    check(la.solve(ndaccel.asarray(a), ndaccel.asarray(b)), numpy.linalg.solve(a, b), n)
    check(la.solve(a.tolist(), b.tolist()), numpy.linalg.solve(a.tolist(), b.tolist()), n)


# ---------------------------------------------------------------- inv

@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dt", FLOATS)
def test_inv(dt, n):
    a = _wellcond((n, n), dt)
    check(la.inv(ndaccel.asarray(a)), numpy.linalg.inv(a), n)


def test_inv_batched_strided_int():
    a = _wellcond((3, 2, 9, 9), "float64")
    check(la.inv(ndaccel.asarray(a)), numpy.linalg.inv(a), 9)
    v = numpy.swapaxes(a, 0, 1)[:, ::2]  # (2, 2, 9, 9) strided
    check(la.inv(ndaccel.asarray(a).swapaxes(0, 1)[:, ::2]), numpy.linalg.inv(v), 9)
    p = numpy.eye(4, dtype=numpy.int64)[[2, 0, 3, 1]] * 2
    check(la.inv(ndaccel.asarray(p)), numpy.linalg.inv(p), 4)


# ---------------------------------------------------------------- det, slogdet

@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dt", FLOATS)
def test_det_slogdet(dt, n):
    # large entries off the diagonal (row swaps matter); |det| ~ 2^n fits float32
    a = (_rand((n, n), dt) / numpy.sqrt(max(n, 1)) + numpy.eye(n)[::-1] * 2).astype(dt)
    g = ndaccel.asarray(a)
    sign, logdet = la.slogdet(g)
    rs, rl = numpy.linalg.slogdet(a)
    assert isinstance(la.slogdet(g), la.SlogdetResult)
    check(sign, rs, n, what="sign")
    check(logdet, rl, n, C=C * 20, what="logabsdet")  # |logabsdet| grows like n log n
    check(la.det(g), numpy.linalg.det(a), n, C=C * 20)


def test_det_slogdet_batched():
    a = (_rand((2, 3, 40, 40), "float64") / 6 + numpy.eye(40)[::-1] * 2)
    check(la.det(ndaccel.asarray(a)), numpy.linalg.det(a), 40, C=C * 20)
    sign, logdet = la.slogdet(ndaccel.asarray(a)[:, ::2])
    rs, rl = numpy.linalg.slogdet(a[:, ::2])
    check(sign, rs, 40)
    check(logdet, rl, 40, C=C * 20)
    check(la.det(numpy.zeros((0, 3, 3))), numpy.linalg.det(numpy.zeros((0, 3, 3))), 3)


def test_det_exact_cases():
    perms = numpy.stack([numpy.eye(5)[p] for p in ([1, 0, 2, 3, 4], [4, 3, 2, 1, 0],
                                                   [1, 2, 3, 4, 0], [0, 1, 2, 3, 4])])
    numpy.testing.assert_array_equal(la.det(ndaccel.asarray(perms)).get(), [-1, 1, 1, 1])
    sing = numpy.array([[[1.0, 2.0], [2.0, 4.0]], [[0.0, 0.0], [1.0, 3.0]],
                        [[3.0, 1.0], [6.0, 2.0]]])
    check(la.det(ndaccel.asarray(sing)), numpy.linalg.det(sing), 2)
    for dt in ("float64", "complex64"):
        for m in sing.astype(dt):
            sign, logdet = la.slogdet(ndaccel.asarray(m))
            rs, rl = numpy.linalg.slogdet(m)
            assert type(sign) is type(rs) and type(logdet) is type(rl)
            assert sign == rs and not numpy.signbit(sign.real)
            assert logdet == rl
    check(la.det(numpy.arange(9).reshape(3, 3) % 4), numpy.linalg.det(numpy.arange(9).reshape(3, 3) % 4), 3)


# ---------------------------------------------------------------- cholesky

@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dt", FLOATS)
def test_cholesky(dt, n):
    a = _spd((n, n), dt)
    # garbage in the triangle that must not be read
    lower = (numpy.tril(a) + numpy.triu(_rand((n, n), dt), 1) * 100).astype(dt)
    upper = (numpy.triu(a) + numpy.tril(_rand((n, n), dt), -1) * 100).astype(dt)
    check(la.cholesky(ndaccel.asarray(lower)), numpy.linalg.cholesky(lower), n)
    check(la.cholesky(ndaccel.asarray(upper), upper=True), numpy.linalg.cholesky(upper, upper=True), n)


def test_cholesky_batched_strided():
    a = _spd((3, 40, 40), "float64")
    check(la.cholesky(ndaccel.asarray(a)), numpy.linalg.cholesky(a), 40)
    big = numpy.zeros((3, 80, 40))
    big[:, ::2] = a
    check(la.cholesky(ndaccel.asarray(big)[:, ::2]), numpy.linalg.cholesky(a), 40)
    i = numpy.eye(4, dtype=numpy.int32) * 4
    check(la.cholesky(ndaccel.asarray(i)), numpy.linalg.cholesky(i), 4)


def test_cholesky_not_positive_definite():
    for m in ([[1.0, 2.0], [2.0, 1.0]], -numpy.eye(3), numpy.zeros((2, 2)),
              [[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, -1.0]]],
              [[4.0, 0.0], [0.0, -numpy.inf]]):
        with pytest.raises(numpy.linalg.LinAlgError, match="Matrix is not positive definite"):
            la.cholesky(ndaccel.asarray(m))
        with pytest.raises(numpy.linalg.LinAlgError):
            numpy.linalg.cholesky(m)
    # NaN: whatever NumPy's LAPACK does (OpenBLAS: NaN results, no error)
    m = numpy.array([[4.0, 0.0], [0.0, numpy.nan]])
    try:
        ref = numpy.linalg.cholesky(m)
    except numpy.linalg.LinAlgError:
        with pytest.raises(la.LinAlgError):
            la.cholesky(ndaccel.asarray(m))
    else:
        check(la.cholesky(ndaccel.asarray(m)), ref, 2)


# ---------------------------------------------------------------- errors

@pytest.mark.parametrize("fn", ["solve", "inv", "det", "slogdet", "cholesky"])
def test_shape_errors(fn):
    args = {"solve": lambda a: (a, numpy.ones(a.shape[-1:] or (1,)))}.get(fn, lambda a: (a,))
    for bad in (numpy.ones(3), numpy.array(2.0), numpy.ones((2, 3)), numpy.ones((4, 3, 2))):
        with pytest.raises(la.LinAlgError) as exc:
            getattr(la, fn)(*args(ndaccel.asarray(bad)))
        with pytest.raises(numpy.linalg.LinAlgError) as ref:
            getattr(numpy.linalg, fn)(*args(bad))
        assert str(exc.value) == str(ref.value)
    with pytest.raises(TypeError, match="float16 is unsupported in linalg"):
        getattr(la, fn)(*args(ndaccel.ones((2, 2), dtype="float16")))


def test_singular():
    sing = [numpy.zeros((3, 3)), [[1.0, 2.0], [2.0, 4.0]], [[0.0, 1.0], [0.0, 1.0]],
            numpy.stack([numpy.eye(3), numpy.diag([1.0, 0.0, 1.0])])]
    for m in sing:
        for dt in ("float64", "complex64") if numpy.ndim(m) == 2 else ("float64",):
            a = numpy.asarray(m, dtype=dt)
            for fn, args in (("inv", (a,)), ("solve", (a, numpy.ones(a.shape[-1])))):
                with pytest.raises(numpy.linalg.LinAlgError):
                    getattr(numpy.linalg, fn)(*args)
                with pytest.raises(la.LinAlgError, match="Singular matrix"):
                    getattr(la, fn)(*(ndaccel.asarray(x) for x in args))


def test_solve_argument_errors():
    a = ndaccel.asarray(numpy.eye(2))
    cases = [numpy.ones(3), numpy.ones((3, 1)), numpy.array(1.0)]
    for b in cases:
        with pytest.raises(ValueError) as exc:
            la.solve(a, ndaccel.asarray(b))
        with pytest.raises(ValueError) as ref:
            numpy.linalg.solve(numpy.eye(2), b)
        assert str(exc.value) == str(ref.value)
    with pytest.raises(ValueError, match="could not be broadcast"):
        la.solve(ndaccel.ones((3, 2, 2)), ndaccel.ones((2, 2, 1)))


def test_no_host_fallback_in_device_solvers():
    a = ndaccel.asarray(_spd((4, 4), "float64"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", la.HostFallbackWarning)
        la.solve(a, a)
        la.inv(a)
        la.det(a)
        la.slogdet(a)
        la.cholesky(a)


# ---------------------------------------------------------------- host fallbacks

def _fallback(name, call_nd, call_np, n):
    """call_nd warns HostFallbackWarning the first time (and only then) and
    returns NumPy's results on the device."""
    _fallback_mod._warned.discard(name)
    with pytest.warns(la.HostFallbackWarning, match=f"linalg.{name} ran on the host"):
        got = call_nd()
    with warnings.catch_warnings():
        warnings.simplefilter("error", la.HostFallbackWarning)
        call_nd()  # no second warning
    ref = call_np()
    if isinstance(ref, tuple):
        assert type(got) is type(ref)
        assert len(got) == len(ref)
        for i, (g, r) in enumerate(zip(got, ref)):
            if isinstance(r, (numpy.ndarray, numpy.generic)) and not (
                    name == "lstsq" and i == 2):
                check(g, r, n, C=1, what=f"{name}[{i}]")
            else:
                assert g == r and type(g) is type(r)
    else:
        check(got, ref, n, C=1, what=name)


@pytest.mark.parametrize("dt", ["float32", "complex128"])
def test_qr(dt):
    a = _rand((2, 6, 4), dt)
    g = ndaccel.asarray(a)
    for mode in ("reduced", "complete", "r", "raw"):
        _fallback("qr", lambda: la.qr(g, mode=mode), lambda: numpy.linalg.qr(a, mode=mode), 6)
    assert isinstance(la.qr(g), type(numpy.linalg.qr(a)))
    with pytest.raises(ValueError):
        la.qr(g, mode="bogus")


@pytest.mark.parametrize("dt", ["float64", "complex64"])
def test_svd(dt):
    a = _rand((3, 5, 4), dt)
    h = (a[:, :4] + numpy.conj(numpy.swapaxes(a[:, :4], -1, -2))).astype(dt)
    g, gh = ndaccel.asarray(a), ndaccel.asarray(h)
    for fm in (True, False):
        _fallback("svd", lambda: la.svd(g, full_matrices=fm),
                  lambda: numpy.linalg.svd(a, full_matrices=fm), 5)
    _fallback("svd", lambda: la.svd(g, compute_uv=False), lambda: numpy.linalg.svd(a, compute_uv=False), 5)
    _fallback("svd", lambda: la.svd(gh, hermitian=True), lambda: numpy.linalg.svd(h, hermitian=True), 4)
    with pytest.raises(la.LinAlgError):
        la.svd(ndaccel.ones(3))


@pytest.mark.parametrize("dt", ["float64", "complex64"])
def test_eigh_eigvalsh(dt):
    a = _rand((2, 5, 5), dt)
    g = ndaccel.asarray(a)
    for uplo in ("L", "U"):
        _fallback("eigh", lambda: la.eigh(g, UPLO=uplo), lambda: numpy.linalg.eigh(a, UPLO=uplo), 5)
        _fallback("eigvalsh", lambda: la.eigvalsh(g, UPLO=uplo),
                  lambda: numpy.linalg.eigvalsh(a, UPLO=uplo), 5)
    with pytest.raises(la.LinAlgError, match="square"):
        la.eigh(ndaccel.ones((2, 3)))


def test_lstsq_pinv():
    a, b = _rand((7, 4), "float64"), _rand((7, 2), "float64")
    g, gb = ndaccel.asarray(a), ndaccel.asarray(b)
    _fallback("lstsq", lambda: la.lstsq(g, gb), lambda: numpy.linalg.lstsq(a, b), 7)
    _fallback("lstsq", lambda: la.lstsq(g, gb[:, 0], rcond=1e-3),
              lambda: numpy.linalg.lstsq(a, b[:, 0], rcond=1e-3), 7)
    _fallback("pinv", lambda: la.pinv(g), lambda: numpy.linalg.pinv(a), 7)
    _fallback("pinv", lambda: la.pinv(g, rtol=1e-3), lambda: numpy.linalg.pinv(a, rtol=1e-3), 7)
    _fallback("pinv", lambda: la.pinv(g, rcond=1e-3), lambda: numpy.linalg.pinv(a, rcond=1e-3), 7)
    s = (a.T @ a).astype("complex64")
    _fallback("pinv", lambda: la.pinv(ndaccel.asarray(s), hermitian=True),
              lambda: numpy.linalg.pinv(s, hermitian=True), 4)
    with pytest.raises(la.LinAlgError, match="Incompatible dimensions"):
        la.lstsq(g, ndaccel.ones(3))
