"""_core.solver (python/ext/solver_binding.c): argument checks on every
device, the str answer where the device has no dense solver library (every
OpenCL device), and, in a subprocess against the fake CUDA driver and the
LAPACK-backed fake cuSOLVER (backends/cuda), results equal to NumPy's for
every op when those test doubles are built.

No kernel is compiled here: operands are host copies (asarray) and views."""
import os
import subprocess
import sys
import textwrap

import numpy
import pytest

import ndaccel
from ndaccel import _core
from xp_util import cuda_plugin_present, fake_cuda_libs

REAL = {"float32": "float32", "float64": "float64", "complex64": "float32",
        "complex128": "float64"}


def _arr(shape, dt, fill=0.5):
    return ndaccel.asarray(numpy.full(shape, fill, dtype=dt))


def _valid(op, dt="float64", m=4, n=3, batch=2):
    """(args, kwargs) of a valid call for op on batch m x n matrices (square
    ops use n x n) stored contiguously, column-major."""
    sq = op in ("getrs", "potrf", "syevd")
    if sq:
        m = n
    a = _arr((batch, n, m), dt)
    info = _arr((batch,), "int32")
    kw = dict(info=info)
    k, flag = 0, 0
    mn = min(m, n)
    if op == "getrf":
        kw.update(ipiv=_arr((batch, mn), "int32"), ipiv_stride=mn)
    elif op == "getrs":
        k = 2
        kw.update(ipiv=_arr((batch, n), "int32"), ipiv_stride=n, b=_arr((batch, k, n), dt),
                  ldb=n, b_stride=n * k)
    elif op == "syevd":
        flag = 1
        kw.update(w=_arr((batch, n), REAL[dt]), w_stride=n)
    elif op == "geqrf":
        kw.update(w=_arr((batch, mn), dt), w_stride=mn)
    elif op == "orgqr":
        k = n
        kw.update(w=_arr((batch, k), dt), w_stride=k)
    elif op == "gesvd":
        flag = ord("A")
        kw.update(w=_arr((batch, n), REAL[dt]), w_stride=n, b=_arr((batch, m, m), dt), ldb=m,
                  b_stride=m * m, c=_arr((batch, n, n), dt), ldc=n, c_stride=n * n)
    return [op, a, m, n, k, batch, flag, max(m, 1), m * n], kw


OPS = ["getrf", "getrs", "potrf", "syevd", "geqrf", "orgqr", "gesvd"]


def _has_solver(device):
    args, kw = _valid("potrf")
    return _core.solver(*args, **kw) is None


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("dt", ["float32", "complex128"])
def test_valid_call(device, op, dt):
    args, kw = _valid(op, dt)
    why = _core.solver(*args, **kw)
    if device.id.startswith("opencl"):
        assert isinstance(why, str) and "no dense solver library" in why
    else:
        assert why is None or isinstance(why, str)


def test_empty_and_lazy(device):
    # batch 0 and n == 0 pass the checks whatever the device
    for op, sizes in [("getrf", dict(batch=0)), ("geqrf", dict(n=0)), ("potrf", dict(n=0))]:
        args, kw = _valid(op, **sizes)
        why = _core.solver(*args, **kw)
        assert why is None or device.id.startswith("opencl") and isinstance(why, str)
    # a pending (lazy) operand is computed first and keeps its value
    x = ndaccel.asarray(numpy.arange(24.0).reshape(2, 3, 4))
    args, kw = _valid("getrf")
    args[1] = x + 0  # lazy until used
    why = _core.solver(*args, **kw)
    if why is not None:
        numpy.testing.assert_array_equal(args[1].get(), numpy.arange(24.0).reshape(2, 3, 4))


def _mut(opname, **changes):
    args, kw = _valid(opname, changes.pop("dt", "float64"))
    pos = {"op": 0, "a": 1, "m": 2, "n": 3, "k": 4, "batch": 5, "flag": 6, "lda": 7,
           "a_stride": 8}
    for key, v in changes.items():
        if callable(v) and v is not _DROP:
            v = v()
        if key in pos:
            args[pos[key]] = v
        elif v is _DROP:
            kw.pop(key, None)
        else:
            kw[key] = v
    return args, kw


class _Drop:
    pass


_DROP = _Drop()  # the keyword is left out

TYPE_ERRORS = [
    ("getrf", dict(a=lambda: _arr((2, 3, 4), "int32"))),
    ("getrf", dict(a=lambda: _arr((2, 3, 4), "float16"))),
    ("getrf", dict(info=lambda: _arr((2,), "int64"))),
    ("getrf", dict(ipiv=lambda: _arr((2, 3), "float32"))),
    ("getrf", dict(info=_DROP)),
    ("getrf", dict(ipiv=_DROP)),
    ("getrf", dict(w=lambda: _arr((2, 3), "float64"), w_stride=3)),
    ("getrs", dict(b=lambda: _arr((2, 2, 3), "float32"))),
    ("getrs", dict(b=_DROP)),
    ("syevd", dict(dt="complex128", w=lambda: _arr((2, 3), "complex128"))),
    ("geqrf", dict(dt="complex64", w=lambda: _arr((2, 3), "float32"))),
    ("gesvd", dict(flag=ord("N"))),  # b and c given with 'N'
    ("gesvd", dict(c=_DROP)),
    ("potrf", dict(a=lambda: numpy.zeros((2, 3, 3)))),  # not an ndaccel array
    ("potrf", dict(info=None)),
]


@pytest.mark.parametrize("op, changes", TYPE_ERRORS)
def test_type_errors(op, changes):
    args, kw = _mut(op, **changes)
    with pytest.raises(TypeError):
        _core.solver(*args, **kw)


def test_info_is_keyword_only():
    args, kw = _valid("potrf")
    with pytest.raises(TypeError):
        _core.solver(*args, kw["info"])


def _view(x, offset_bytes, shape):
    isz = x.itemsize
    strides = []
    acc = isz
    for s in reversed(shape):
        strides.insert(0, acc)
        acc *= s
    return _core.view(x, x._offset + offset_bytes, tuple(shape), tuple(strides))


VALUE_ERRORS = [
    ("getrf", dict(op="lu")),
    ("getrf", dict(lda=3)),                      # lda < m
    ("getrf", dict(m=-1)),
    ("getrf", dict(batch=30)),                   # a too small for 30 matrices
    ("getrf", dict(a_stride=100)),               # second matrix past a's buffer
    ("getrf", dict(a_stride=4)),                 # written batches overlap
    ("getrf", dict(ipiv_stride=1000)),           # ipiv past its buffer
    ("getrf", dict(info=lambda: _view(_arr((128,), "int32"), 4 * 127, (1,)))),  # 1 of 2
    ("getrf", dict(flag=1)),
    ("getrf", dict(k=1)),
    ("getrs", dict(m=4)),                        # not square
    ("getrs", dict(flag=3)),
    ("getrs", dict(ldb=2)),
    ("potrf", dict(a_stride=-9)),
    ("syevd", dict(flag=2)),
    ("syevd", dict(w_stride=2)),                 # written batches of w overlap
    ("geqrf", dict(w_stride=1000)),              # w past its buffer
    ("orgqr", dict(k=4)),                        # k > n
    ("orgqr", dict(m=2, lda=2)),                 # m < n
    ("gesvd", dict(m=2, lda=2, a_stride=6)),     # m < n
    ("gesvd", dict(flag=ord("X"))),
    ("gesvd", dict(ldc=2)),
    ("gesvd", dict(b_stride=1000)),              # U past its buffer
]


@pytest.mark.parametrize("op, changes", VALUE_ERRORS)
def test_value_errors(op, changes):
    args, kw = _mut(op, **changes)
    with pytest.raises(ValueError, match="solver"):
        _core.solver(*args, **kw)


def test_overlaps():
    # geqrf's tau inside a's matrices
    args, kw = _valid("geqrf")
    a = args[1]
    kw["w"] = _view(a, 8 * 5, (2, 3))
    with pytest.raises(ValueError, match="overlaps"):
        _core.solver(*args, **kw)
    # getrf: ipiv and info in one int32 buffer, overlapping
    args, kw = _valid("getrf")
    buf = _arr((16,), "int32")
    kw["ipiv"] = _view(buf, 0, (2, 3))
    kw["info"] = _view(buf, 4 * 4, (2,))
    with pytest.raises(ValueError, match="overlaps"):
        _core.solver(*args, **kw)
    # ... and side by side: fine
    kw["info"] = _view(buf, 4 * 6, (2,))
    why = _core.solver(*args, **kw)
    assert why is None or isinstance(why, str)
    # getrs: a and ipiv are both read: sharing is fine, b overlapping a is not
    args, kw = _valid("getrs")
    kw["b"] = _view(args[1], 0, (2, 2, 3))
    with pytest.raises(ValueError, match="overlaps"):
        _core.solver(*args, **kw)
    # gesvd: U overlapping V^H
    args, kw = _valid("gesvd")
    kw["c"] = _view(kw["b"], 8 * 4, (2, 3, 3))
    with pytest.raises(ValueError, match="overlaps"):
        _core.solver(*args, **kw)


def test_misaligned_operand():
    args, kw = _valid("potrf")
    raw = _arr((40,), "float64")
    args[1] = _core.view(raw, raw._offset + 4, (2, 3, 3), (72, 24, 8))
    with pytest.raises(ValueError, match="multiple of its itemsize"):
        _core.solver(*args, **kw)


# ------------------------------------------------------ fake CUDA + LAPACK

FAKE_SCRIPT = textwrap.dedent(r"""
    import os, numpy, ndaccel
    from ndaccel import _core
    ids = [d.id for d in ndaccel.devices()]
    assert "cuda:0" in ids, ids
    ndaccel.set_device("cuda:0")
    rng = numpy.random.default_rng(5)
    checked = 0

    def dev(x):
        return ndaccel.asarray(numpy.ascontiguousarray(x))

    # No library at the path: a str (the caller's fallback), not remembered.
    a, info = dev(numpy.eye(2)), dev(numpy.zeros(1, numpy.int32))
    why = _core.solver("potrf", a, 2, 2, 0, 1, 0, 2, 4, info=info)
    assert isinstance(why, str) and "cuSOLVER not found" in why, why
    os.environ["NDACCEL_CUSOLVER_LIBRARY"] = os.environ["FAKE_CUSOLVER"]

    def colmajor(mats):  # (B, m, n) -> (B, n, m) whose rows are the columns
        return numpy.ascontiguousarray(numpy.swapaxes(mats, -1, -2))

    for dt in ("float32", "float64", "complex64", "complex128"):
        tol = 1e-4 if dt in ("float32", "complex64") else 1e-11
        B, m, n = 3, 5, 3
        A = rng.standard_normal((B, m, n))
        if dt.startswith("complex"):
            A = A + 1j * rng.standard_normal((B, m, n))
        A = A.astype(dt)
        real = numpy.zeros(1, dt).real.dtype
        # gesvd 'S' at a nonzero offset inside a larger array
        big = numpy.zeros((B * m * n + 7,), dt)
        big[7:] = colmajor(A).ravel()
        a = dev(big)
        av = _core.view(a, a._offset + 7 * a.itemsize, (B, n, m),
                        (m * n * a.itemsize, m * a.itemsize, a.itemsize))
        s = dev(numpy.zeros((B, n), real))
        u = dev(numpy.zeros((B, n, m), dt))
        vh = dev(numpy.zeros((B, n, n), dt))
        info = dev(numpy.full(B, 9, numpy.int32))
        why = _core.solver("gesvd", av, m, n, 0, B, ord("S"), m, m * n, w=s, w_stride=n,
                           b=u, ldb=m, b_stride=m * n, c=vh, ldc=n, c_stride=n * n, info=info)
        assert why is None, why
        assert (info.get() == 0).all()
        numpy.testing.assert_allclose(s.get(), numpy.linalg.svd(A, compute_uv=False),
                                      rtol=tol * 10, atol=tol * 10)
        U, V = u.get().swapaxes(-1, -2), vh.get().swapaxes(-1, -2)
        numpy.testing.assert_allclose((U * s.get()[:, None, :]) @ V, A, atol=tol * 20)
        checked += 1
        # getrf + getrs against numpy.linalg.solve
        S = A[:, :n, :]
        rhs = rng.standard_normal((B, n, 2)).astype(dt)
        a = dev(colmajor(S))
        ipiv = dev(numpy.zeros((B, n), numpy.int32))
        info = dev(numpy.full(B, 9, numpy.int32))
        assert _core.solver("getrf", a, n, n, 0, B, 0, n, n * n, ipiv=ipiv, ipiv_stride=n,
                            info=info) is None
        x = dev(colmajor(rhs))
        assert _core.solver("getrs", a, n, n, 2, B, 0, n, n * n, b=x, ldb=n, b_stride=2 * n,
                            ipiv=ipiv, ipiv_stride=n, info=info) is None
        assert (info.get() == 0).all()
        numpy.testing.assert_allclose(x.get().swapaxes(-1, -2), numpy.linalg.solve(S, rhs),
                                      rtol=tol * 100, atol=tol * 100)
        checked += 1
        # potrf and syevd on Hermitian positive definite matrices
        H = S @ S.conj().swapaxes(-1, -2) + n * numpy.eye(n, dtype=dt)
        a = dev(colmajor(H))
        assert _core.solver("potrf", a, n, n, 0, B, 0, n, n * n, info=info) is None
        L = numpy.tril(a.get().swapaxes(-1, -2))
        numpy.testing.assert_allclose(L, numpy.linalg.cholesky(H), rtol=tol * 10, atol=tol * 10)
        a = dev(colmajor(H))
        w = dev(numpy.zeros((B, n), real))
        assert _core.solver("syevd", a, n, n, 0, B, 1, n, n * n, w=w, w_stride=n,
                            info=info) is None
        numpy.testing.assert_allclose(w.get(), numpy.linalg.eigvalsh(H), rtol=tol * 10)
        checked += 2
        # geqrf + orgqr: Q R = A
        a = dev(colmajor(A))
        tau = dev(numpy.zeros((B, n), dt))
        assert _core.solver("geqrf", a, m, n, 0, B, 0, m, m * n, w=tau, w_stride=n,
                            info=info) is None
        R = numpy.triu(a.get().swapaxes(-1, -2)[:, :n, :])
        assert _core.solver("orgqr", a, m, n, n, B, 0, m, m * n, w=tau, w_stride=n,
                            info=info) is None
        Q = a.get().swapaxes(-1, -2)
        numpy.testing.assert_allclose(Q @ R, A, atol=tol * 20)
        assert (info.get() == 0).all()
        checked += 2
    # a singular matrix: info names the zero pivot; another not positive definite
    a = dev(colmajor(numpy.array([[[1.0, 2.0], [2.0, 4.0]], [[1.0, 0.0], [0.0, 1.0]]])))
    ipiv = dev(numpy.zeros((2, 2), numpy.int32))
    info = dev(numpy.zeros(2, numpy.int32))
    assert _core.solver("getrf", a, 2, 2, 0, 2, 0, 2, 4, ipiv=ipiv, ipiv_stride=2,
                        info=info) is None
    assert info.get().tolist() == [2, 0], info.get()
    a = dev(colmajor(numpy.array([[[1.0, 0.0], [0.0, -1.0]]])))
    info = dev(numpy.zeros(1, numpy.int32))
    assert _core.solver("potrf", a, 2, 2, 0, 1, 0, 2, 4, info=info) is None
    assert info.get().tolist() == [2]
    print("checked", checked)
""")


def test_against_fake_cusolver(device, tmp_path):
    """The binding end to end on a (fake) CUDA device: host memory and
    LAPACK behind cuSOLVER's API, so offsets, strides, dtypes and info come
    back as NumPy computes them. Skipped where the doubles are not built."""
    if not device.id.startswith("opencl"):
        pytest.skip("runs once (in a subprocess)")
    libs = fake_cuda_libs()
    if libs is None:
        pytest.skip("libcuda_fake.so / libcusolver_fake.so not built")
    if not cuda_plugin_present():
        pytest.skip("no CUDA plugin")
    env = dict(os.environ, NDACCEL_CUDA_DRIVER=libs[0], FAKE_CUSOLVER=libs[1],
               NDACCEL_CUSOLVER_LIBRARY=str(tmp_path / "missing" / "libcusolver.so"),
               NDACCEL_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("NDACCEL_DEVICE", None)
    r = subprocess.run([sys.executable, "-c", FAKE_SCRIPT], env=env, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "checked 24" in r.stdout, r.stdout
