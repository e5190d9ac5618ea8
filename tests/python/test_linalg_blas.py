"""matmul through the device's BLAS library (CLBlast on OpenCL, cuBLAS on
CUDA), and through the host's BLAS on CPU devices, against NumPy: transposed, strided, batched and broadcast operands,
the five library dtypes, k = 0 and empty products; _core.gemm's checks;
linalg.norm and linalg.matrix_power."""
import ctypes.util

import numpy
import pytest

import ndaccel
from ndaccel import _core, _host_libraries
from ndaccel.linalg import _matmul
from xp_util import xp_compare

RNG = numpy.random.default_rng(3)


@pytest.fixture(autouse=True, params=["library", "host-libraries"])
def gemm_path(request, monkeypatch):
    """Every test twice: products through the device's library (CLBlast,
    cuBLAS), and with the host-libraries policy of CPU devices (GPUs ignore
    it)."""
    monkeypatch.setattr(_host_libraries, "USE", request.param == "host-libraries")
    return request.param
DTYPES = ["float16", "float32", "float64", "complex64", "complex128"]
RTOL = {"float16": 2e-2, "float32": 2e-5, "complex64": 2e-5, "float64": 1e-12,
        "complex128": 1e-12}


def _r(shape, dt):
    x = RNG.standard_normal(shape)
    if numpy.dtype(dt).kind == "c":
        x = x + 1j * RNG.standard_normal(shape)
    return x.astype(dt)


# (name, a shape, b shape, view of a, view of b): views are applied to both
# NumPy and ndaccel operands.
LAYOUTS = [
    ("plain", (5, 6), (6, 7), lambda x: x, lambda x: x),
    ("a.T", (6, 5), (6, 7), lambda x: x.T, lambda x: x),
    ("b.T", (5, 6), (7, 6), lambda x: x, lambda x: x.T),
    ("both.T", (6, 5), (7, 6), lambda x: x.T, lambda x: x.T),
    ("strided", (5, 12), (6, 14), lambda x: x[:, ::2], lambda x: x[:, 1::2]),
    ("sliced-ld", (7, 9), (8, 10), lambda x: x[1:6, 2:8], lambda x: x[1:7, :7]),
    ("neg-stride", (5, 6), (6, 7), lambda x: x[::-1], lambda x: x[:, ::-1]),
    ("batched", (3, 5, 6), (3, 6, 7), lambda x: x, lambda x: x),
    ("batch-bcast", (3, 5, 6), (6, 7), lambda x: x, lambda x: x),
    ("batch-bcast-a", (5, 6), (2, 3, 6, 7), lambda x: x, lambda x: x),
    ("batch-1n", (2, 1, 5, 6), (1, 3, 6, 7), lambda x: x, lambda x: x),
    ("batch-T", (3, 6, 5), (3, 7, 6), lambda x: x.transpose(0, 2, 1),
     lambda x: x.transpose(0, 2, 1)),
    ("batch-axis-moved", (5, 3, 6), (6, 3, 7), lambda x: x.transpose(1, 0, 2),
     lambda x: x.transpose(1, 0, 2)),
    ("vec-mat", (6,), (6, 7), lambda x: x, lambda x: x),
    ("mat-vec", (5, 6), (6,), lambda x: x, lambda x: x),
    ("vec-vec", (6,), (6,), lambda x: x, lambda x: x),
    ("k=1", (5, 1), (1, 7), lambda x: x, lambda x: x),
    ("k=0", (5, 0), (0, 7), lambda x: x, lambda x: x),
    ("empty-n", (0, 6), (6, 7), lambda x: x, lambda x: x),
    ("empty-batch", (0, 5, 6), (6, 7), lambda x: x, lambda x: x),
]


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS, ids=[x[0] for x in LAYOUTS])
def test_matmul_layouts(layout, dt):
    _, sa, sb, va, vb = layout
    a, b = _r(sa, dt), _r(sb, dt)
    xp_compare(lambda xp: va(xp.asarray(a)) @ vb(xp.asarray(b)), rtol=RTOL[dt],
               atol=RTOL[dt])


@pytest.mark.parametrize("dt", ["float32", "complex128"])
def test_matmul_big_and_lazy(dt):
    """Sizes past CLBlast's direct-kernel threshold; lazy operands; mixed
    dtypes promoted before the library call; out=."""
    a, b = _r((70, 130), dt), _r((130, 90), dt)
    tol = RTOL[dt] * 10
    xp_compare(lambda xp: xp.asarray(a) @ xp.asarray(b), rtol=tol, atol=tol)
    xp_compare(lambda xp: (xp.asarray(a) * 2) @ (xp.asarray(b) + 1), rtol=tol, atol=tol)
    xp_compare(lambda xp: xp.asarray(a) @ xp.asarray(b.real.astype("float16")), rtol=tol,
               atol=tol)

    def with_out(xp):
        o = xp.zeros((70, 90), dtype=dt)
        r = xp.matmul(xp.asarray(a), xp.asarray(b), out=o)
        return o, r is o
    xp_compare(with_out, rtol=tol, atol=tol)


def test_products_on_library():
    a, b, c = _r((3, 4), "float32"), _r((4, 5), "float32"), _r((2, 4, 3), "float64")
    for fn in [lambda xp: xp.dot(xp.asarray(a), xp.asarray(b)),
               lambda xp: xp.dot(xp.asarray(c), xp.asarray(c[0])),
               lambda xp: xp.inner(xp.asarray(a), xp.asarray(a)),
               lambda xp: xp.tensordot(xp.asarray(c), xp.asarray(c), axes=([1, 2], [1, 2])),
               lambda xp: xp.vdot(xp.asarray(a), xp.asarray(a))]:
        xp_compare(fn, rtol=1e-5)


@pytest.mark.parametrize("dt", ["float32", "float64", "complex64", "complex128"])
def test_vector_dot_products(dt, gemm_path, device, monkeypatch):
    """dot, matmul, @, vdot and inner of two vectors: with the host-libraries
    policy on a CPU device whose memory is host memory, NumPy's own dot on
    the arrays' storage (its bits, no GEMM); elsewhere the general path."""
    x, y = _r(5000, dt), _r(5000, dt)
    # mixed types and empty vectors keep the general path
    xp_compare(lambda xp: xp.dot(xp.asarray(x.real.astype("float32")), xp.asarray(y)), rtol=RTOL[dt])
    xp_compare(lambda xp: xp.dot(xp.asarray(x[:0]), xp.asarray(y[:0])))
    host = gemm_path == "host-libraries" and _host_libraries.maps(device.id)
    if host:
        def no_gemm(*args):
            raise AssertionError("a vector product went to the GEMM")
        monkeypatch.setattr(_matmul, "_host_gemm", no_gemm)
    for f in (lambda xp, a, b: xp.dot(a, b), lambda xp, a, b: xp.matmul(a, b),
              lambda xp, a, b: a @ b, lambda xp, a, b: xp.vdot(a, b),
              lambda xp, a, b: xp.inner(a, b)):
        got = f(ndaccel, ndaccel.asarray(x), ndaccel.asarray(y))
        want = f(numpy, x, y)
        assert type(got) is type(want)
        if host:
            numpy.testing.assert_array_equal(got, want)
        else:
            numpy.testing.assert_allclose(got, want, rtol=RTOL[dt])


def test_library_is_used(device):
    """On OpenCL with libclblast installed, float32/64 products must not
    fall back to generated kernels silently."""
    if not device.id.startswith("opencl") or ctypes.util.find_library("clblast") is None:
        pytest.skip("CLBlast is checked on OpenCL devices where it is installed")
    for dt in ("float32", "float64"):
        a = ndaccel.asarray(_r((4, 4), dt))
        (a @ a).get()
        assert _matmul.library_unavailable_reason(device.id, dt) is None


def _gemm_args(dt):
    a = ndaccel.asarray(_r((4, 3), dt))  # column-major 3 x 4
    b = ndaccel.asarray(_r((2, 4), dt))  # column-major 4 x 2
    c = ndaccel.zeros((2, 3), dtype=dt)  # column-major 3 x 2
    return a, b, c


def test_core_gemm_alpha_beta():
    a, b, c = _gemm_args("float64")
    A, B = a.get().T, b.get().T
    C0 = _r((2, 3), "float64")
    c = ndaccel.asarray(C0)
    why = _core.gemm(a, b, c, False, False, 3, 2, 4, 1, 3, 0, 4, 0, 3, 0, 2.0, 0.5)
    if why is not None:
        pytest.skip(f"no BLAS library: {why}")
    numpy.testing.assert_allclose(c.get().T, 2.0 * A @ B + 0.5 * C0.T, rtol=1e-12)
    # k == 0, beta == 0: C becomes zeros.
    why = _core.gemm(a, b, c, False, False, 3, 2, 0, 1, 3, 0, 4, 0, 3, 0, 1.0, 0.0)
    if why is None:
        assert not c.get().any()


@pytest.mark.parametrize("bad, exc", [
    (dict(lda=2), ValueError),                 # ld < rows
    (dict(m=4), ValueError),                   # C too small for 4 x 2
    (dict(k=5), ValueError),                   # A, B too small
    (dict(batch=2, sa=1 << 24, sc=6), ValueError),  # second batch past the buffer
    (dict(batch=2, sc=0), ValueError),         # batches of C overlap
    (dict(sa=-1, batch=2), ValueError),        # negative batch stride
])
def test_core_gemm_checks(bad, exc):
    a, b, c = _gemm_args("float32")
    p = dict(m=3, n=2, k=4, batch=1, lda=3, sa=0, ldb=4, sb=0, ldc=3, sc=0)
    p.update(bad)
    with pytest.raises(exc):
        _core.gemm(a, b, c, False, False, p["m"], p["n"], p["k"], p["batch"], p["lda"],
                   p["sa"], p["ldb"], p["sb"], p["ldc"], p["sc"], 1.0, 0.0)


def test_core_gemm_types():
    a, b, c = _gemm_args("float32")
    with pytest.raises(TypeError):
        _core.gemm(a, b, ndaccel.zeros((2, 3)), False, False, 3, 2, 4, 1, 3, 0, 4, 0, 3, 0,
                   1.0, 0.0)
    i = ndaccel.zeros((4, 4), dtype="int32")
    with pytest.raises(TypeError):
        _core.gemm(i, i, i, False, False, 2, 2, 2, 1, 2, 0, 2, 0, 2, 0, 1.0, 0.0)
    with pytest.raises(ValueError):  # C overlapping A
        _core.gemm(c, b, c, False, False, 3, 2, 2, 1, 3, 0, 4, 0, 3, 0, 1.0, 0.0)


# ---------------------------------------------------------------- linalg

X = _r((3, 4, 5), "float64")
Z = _r((4, 5), "complex64")
NORM_CASES = [
    (X, {}), (X, dict(keepdims=True)), (Z, {}), (X[0, 0], dict(ord=0)),
    (X[0, 0], dict(ord=numpy.inf)), (X[0, 0], dict(ord=-numpy.inf)), (X[0, 0], dict(ord=1)),
    (X[0, 0], dict(ord=-1)), (X[0, 0], dict(ord=2)), (X[0, 0], dict(ord=3.5)),
    (X[0, 0], dict(ord=-2)), (Z[0], dict(ord=3)),
    (X, dict(axis=1)), (X, dict(axis=-1, ord=1, keepdims=True)), (Z, dict(axis=0, ord=numpy.inf)),
    (X[0], dict(ord="fro")), (X[0], dict(ord=1)), (X[0], dict(ord=-1)),
    (X[0], dict(ord=numpy.inf)), (X[0], dict(ord=-numpy.inf)), (Z, dict(ord="fro")),
    (X, dict(axis=(0, 2), ord=1)), (X, dict(axis=(2, 0), ord=numpy.inf, keepdims=True)),
    (X, dict(axis=(-1, -2))), (numpy.arange(12).reshape(3, 4), {}),
    (numpy.arange(12).reshape(3, 4), dict(ord=1)),
    (numpy.zeros((0, 3)), dict(ord="fro")),
    # errors
    (X, dict(ord=1)), (X[0], dict(ord=3)), (X[0, 0], dict(ord="fro")),
    (X, dict(axis=(0, 0))), (X, dict(axis=(0, 1, 2))), (X, dict(axis=3)),
]


@pytest.mark.parametrize("i", range(len(NORM_CASES)))
def test_norm(i):
    x, kw = NORM_CASES[i]
    xp_compare(lambda xp: xp.linalg.norm(xp.asarray(x), **kw), rtol=1e-5)


@pytest.mark.filterwarnings("ignore::ndaccel.linalg.HostFallbackWarning")
def test_norm_svd_orders():
    """2, -2 and 'nuc' matrix norms need singular values (linalg.svd, a
    host fallback that warns)."""
    for o in (2, -2, "nuc"):
        xp_compare(lambda xp: xp.linalg.norm(xp.asarray(X), ord=o, axis=(1, 2)), rtol=1e-8)


def test_vector_matrix_norm():
    xp_compare(lambda xp: xp.linalg.vector_norm(xp.asarray(X), axis=(0, 2), ord=1,
                                                keepdims=True), rtol=1e-10)
    xp_compare(lambda xp: xp.linalg.vector_norm(xp.asarray(X)), rtol=1e-10)
    xp_compare(lambda xp: xp.linalg.matrix_norm(xp.asarray(X), ord=numpy.inf), rtol=1e-10)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 6, 13])
def test_matrix_power(n):
    s = _r((2, 4, 4), "float64") / 2
    xp_compare(lambda xp: xp.linalg.matrix_power(xp.asarray(s), n), rtol=1e-10, atol=1e-12)


def test_matrix_power_int_and_errors():
    m = numpy.arange(9, dtype="int64").reshape(3, 3) % 4
    xp_compare(lambda xp: xp.linalg.matrix_power(xp.asarray(m), 5))
    xp_compare(lambda xp: xp.linalg.matrix_power(xp.asarray(m[:2]), 2))
    xp_compare(lambda xp: xp.linalg.matrix_power(xp.asarray(m[0]), 2))
    xp_compare(lambda xp: xp.linalg.matrix_power(xp.asarray(m), 1.5))


def test_linalg_namespace():
    x = _r((2, 3, 3), "float64")
    v = _r((4, 3), "float64")
    for fn in [lambda xp: xp.linalg.trace(xp.asarray(x), offset=1),
               lambda xp: xp.linalg.diagonal(xp.asarray(x)),
               lambda xp: xp.linalg.matrix_transpose(xp.asarray(x)),
               lambda xp: xp.linalg.outer(xp.asarray(v[0]), xp.asarray(v[1])),
               lambda xp: xp.linalg.outer(xp.asarray(v), xp.asarray(v)),
               lambda xp: xp.linalg.cross(xp.asarray(v), xp.asarray(v[::-1])),
               lambda xp: xp.linalg.cross(xp.asarray(v[:, :2]), xp.asarray(v[:, :2])),
               lambda xp: xp.linalg.matmul(xp.asarray(x), xp.asarray(x)),
               lambda xp: xp.linalg.tensordot(xp.asarray(x), xp.asarray(x), axes=2),
               lambda xp: xp.linalg.vecdot(xp.asarray(v), xp.asarray(v)),
               lambda xp: xp.linalg.multi_dot([xp.asarray(v), xp.asarray(x[0]),
                                               xp.asarray(v[0])])]:
        xp_compare(fn, rtol=1e-10)
    assert ndaccel.linalg.LinAlgError is numpy.linalg.LinAlgError
