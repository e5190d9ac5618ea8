"""numpy-vs-ndaccel comparison helpers and test data (imported by the tests)."""
import functools
import inspect
import os
import subprocess
import sys
import warnings

import numpy
import pytest

import ndaccel

# ---------------------------------------------------------------- dtypes

ALL_DTYPES = [numpy.dtype(n) for n in (
    "bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
    "float16", "float32", "float64", "complex64", "complex128")]
BOOL = [numpy.dtype(bool)]
SIGNED = [numpy.dtype(n) for n in ("int8", "int16", "int32", "int64")]
UNSIGNED = [numpy.dtype(n) for n in ("uint8", "uint16", "uint32", "uint64")]
INTS = SIGNED + UNSIGNED
FLOATS = [numpy.dtype(n) for n in ("float16", "float32", "float64")]
COMPLEX = [numpy.dtype(n) for n in ("complex64", "complex128")]
INEXACT = FLOATS + COMPLEX
# The few dtypes that get layout variety (every layout costs kernels).
LAYOUT_DTYPES = [numpy.dtype(c) for c in ("float64", "int32", "bool", "float16", "complex64")]

RTOL = {"e": 1e-3, "f": 1e-6, "F": 1e-6, "d": 1e-12, "D": 1e-12}


def dtype_id(dt):
    return numpy.dtype(dt).name


# ---------------------------------------------------------------- comparison

def _builtin_base(exc_type):
    """The first builtin exception class in exc_type's MRO
    (numpy's UFuncTypeError -> TypeError, AxisError -> ValueError)."""
    for t in exc_type.__mro__:
        if t.__module__ == "builtins":
            return t
    return Exception


def _is_device_array(x):
    return isinstance(x, ndaccel.ndarray)


def assert_same(got, expected, rtol=None, atol=0.0, what="result"):
    """got (from ndaccel) equals expected (from numpy): type of container,
    shape, exact dtype, values."""
    if isinstance(expected, (tuple, list)):
        assert isinstance(got, (tuple, list)), f"{what}: expected a sequence, got {type(got)}"
        assert len(got) == len(expected), f"{what}: length {len(got)} != {len(expected)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_same(g, e, rtol, atol, f"{what}[{i}]")
        return
    if isinstance(expected, numpy.generic):
        # A single value is a NumPy scalar in both libraries (ndaccel's
        # scalar design, python/ndaccel/_scalars.py): same type, same value.
        assert isinstance(got, numpy.generic), \
            f"{what}: expected a NumPy scalar ({type(expected).__name__}), got " \
            f"{type(got).__name__}: {got!r}"
        assert got.dtype == expected.dtype, \
            f"{what}: dtype {got.dtype} != numpy's {expected.dtype}"
        assert_values(numpy.asarray(got), numpy.asarray(expected), rtol, atol, what)
        return
    if isinstance(expected, numpy.ndarray):
        assert _is_device_array(got), \
            f"{what}: expected an ndaccel.ndarray, got {type(got).__name__}: {got!r}"
        h = got.get()
        assert isinstance(h, numpy.ndarray)
        e = numpy.asarray(expected)
        assert h.shape == e.shape, f"{what}: shape {h.shape} != numpy's {e.shape}"
        assert h.dtype == e.dtype, f"{what}: dtype {h.dtype} != numpy's {e.dtype}"
        assert_values(h, e, rtol, atol, what)
        return
    if expected is None or isinstance(expected, (bool, int, float, complex, str)):
        assert type(got) is type(expected), \
            f"{what}: type {type(got).__name__} != numpy's {type(expected).__name__}"
        if isinstance(expected, (float, complex)):
            assert_values(numpy.asarray(got), numpy.asarray(expected), rtol, atol, what)
        else:
            assert got == expected, f"{what}: {got!r} != numpy's {expected!r}"
        return
    raise TypeError(f"assert_same: cannot compare a {type(expected).__name__}")


def assert_values(h, e, rtol=None, atol=0.0, what="result"):
    """Host arrays of the same dtype: exact for bool/int, close for inexact
    (NaN in the same places, infinities equal)."""
    if e.dtype.kind in "biu":
        if not numpy.array_equal(h, e):
            bad = numpy.argwhere(h != e)
            detail = ", ".join(f"{tuple(int(j) for j in i)}: {h[tuple(i)]!r} != {e[tuple(i)]!r}"
                               for i in bad[:6])
            raise AssertionError(f"{what}: {len(bad)} of {e.size} values differ from numpy's "
                                 f"at {detail}")
        return
    if rtol is None:
        rtol = RTOL[e.dtype.char]
    with numpy.errstate(all="ignore"):
        close = numpy.isclose(h, e, rtol=rtol, atol=atol, equal_nan=True)
        # isclose treats complex NaNs as equal whatever the other part holds
        if e.dtype.kind == "c":
            close &= numpy.isnan(h.real) == numpy.isnan(e.real)
            close &= numpy.isnan(h.imag) == numpy.isnan(e.imag)
    if not close.all():
        bad = numpy.argwhere(~close)
        detail = ", ".join(f"{tuple(int(j) for j in i)}: {h[tuple(i)]!r} != {e[tuple(i)]!r}"
                           for i in bad[:6])
        raise AssertionError(f"{what}: {len(bad)} of {e.size} values differ from numpy's "
                             f"(rtol={rtol}) at {detail}")


def run_numpy(fn):
    """fn(numpy) with NumPy's floating-point and cast warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with numpy.errstate(all="ignore"):
            return fn(numpy)


def xp_compare(fn, rtol=None, atol=0.0):
    """Runs fn(numpy) and fn(ndaccel) and asserts the outcomes are the same.
    When NumPy raises, ndaccel must raise the same builtin exception class.
    Returns ndaccel's result (or the exception)."""
    try:
        expected = run_numpy(fn)
    except Exception as exc:  # noqa: BLE001 - any NumPy error is the expectation
        base = _builtin_base(type(exc))
        with pytest.raises(base):
            fn(ndaccel)
        return exc
    try:
        with warnings.catch_warnings():
            # NumPy's cast warnings, raised by host-side conversions (silenced
            # in the NumPy run as well)
            warnings.simplefilter("ignore", RuntimeWarning)
            got = fn(ndaccel)
    except NotImplementedError:
        raise
    except Exception as exc:
        raise AssertionError(f"ndaccel raised {type(exc).__name__}: {exc} "
                             f"where numpy returned {expected!r}") from exc
    assert_same(got, expected, rtol, atol)
    return got


def xp_test(func=None, *, rtol=None, atol=0.0):
    """Decorator: `def test_x(xp, ...)` runs with numpy and with ndaccel and
    the returned values are compared with assert_same. Other arguments are
    pytest fixtures/parameters as usual."""
    if func is None:
        return functools.partial(xp_test, rtol=rtol, atol=atol)
    sig = inspect.signature(func)
    assert "xp" in sig.parameters, "xp_test functions take an `xp` argument"

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        xp_compare(lambda xp: func(xp, *args, **kwargs), rtol=rtol, atol=atol)

    wrapper.__signature__ = sig.replace(
        parameters=[p for n, p in sig.parameters.items() if n != "xp"])
    return wrapper




# ---------------------------------------------------------------- test data

def special_values(dt):
    """Host 1-D array of interesting values of dtype dt: zero, +-1, extremes
    (for wraparound), negative numbers, NaN/inf/-0.0 for floats."""
    dt = numpy.dtype(dt)
    if dt.kind == "b":
        return numpy.array([False, True], dtype=dt)
    if dt.kind in "iu":
        info = numpy.iinfo(dt)
        vals = [0, 1, 2, 3, 5, 7, 13, 100, info.max, info.max - 1, info.max // 2 + 1]
        if dt.kind == "i":
            vals += [-1, -2, -3, -7, -13, -100, info.min, info.min + 1]
        return numpy.array(sorted(set(vals)), dtype=dt)
    if dt.kind == "f":
        vals = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.75, 7.0, -7.0, 1e3, -1e-3, 0.1,
                numpy.nan, numpy.inf, -numpy.inf]
        if dt.itemsize >= 4:
            vals += [1e30, -3e-30]
        if dt.itemsize == 8:
            vals += [1e300, 2.5e-310]
        return numpy.array(vals, dtype=dt)
    re = [0.0, 1.0, -2.5, 0.5, 3.0, -0.0]
    im = [0.0, -1.0, 2.0, 0.25, -3.5, 1.0]
    vals = [complex(r, i) for r in re for i in im]
    vals += [complex(numpy.nan, 0), complex(numpy.inf, 0), complex(0, numpy.inf),
             complex(-numpy.inf, 1.0), complex(1.0, numpy.nan)]
    return numpy.array(vals, dtype=dt)


def pair_values(a_dt, b_dt, b_filter=None):
    """Two equal-length host 1-D arrays holding every pair of the special
    values of a_dt and b_dt (optionally with b's values filtered)."""
    a = special_values(a_dt)
    b = special_values(b_dt)
    if b_filter is not None:
        b = b[b_filter(b)]
    return numpy.repeat(a, len(b)), numpy.tile(b, len(a))


def random_values(dt, n, rng, low=-100, high=100):
    """n random host values of dtype dt in [low, high) (clipped to range)."""
    dt = numpy.dtype(dt)
    if dt.kind == "b":
        return rng.integers(0, 2, n).astype(dt)
    if dt.kind in "iu":
        info = numpy.iinfo(dt)
        return rng.integers(max(low, info.min), min(high, info.max), n).astype(dt)
    x = rng.uniform(low, high, n)
    if dt.kind == "c":
        x = x + 1j * rng.uniform(low, high, n)
    return x.astype(dt)


# ---------------------------------------------------------------- test doubles

def fake_cuda_libs():
    """Paths of the fake CUDA driver and the LAPACK-backed fake cuSOLVER
    (tests/fakes: Bazel runfiles, or this checkout's bazel-bin), or None
    where they are not built."""
    roots = []
    if os.environ.get("TEST_SRCDIR"):
        roots.append(os.path.join(os.environ["TEST_SRCDIR"],
                                  os.environ.get("TEST_WORKSPACE", "ndaccel"), "tests/fakes"))
    roots.append(os.path.join(os.path.dirname(__file__), "..", "..", "bazel-bin", "tests",
                              "fakes"))
    for r in roots:
        drv, slv = os.path.join(r, "libcuda_fake.so"), os.path.join(r, "libcusolver_fake.so")
        if os.path.exists(drv) and os.path.exists(slv):
            return os.path.abspath(drv), os.path.abspath(slv)
    return None


def run_on_fake_cuda(device, script, tmp_path):
    """Runs `script` in a subprocess whose ndaccel sees the fake CUDA driver
    (FAKE_DRIVER names its path in the script), once per test (on the OpenCL
    device's run), and checks that it printed "ok"; skips where the fake or
    the CUDA plugin is not built."""
    if not device.id.startswith("opencl"):
        pytest.skip("runs once (in a subprocess)")
    libs = fake_cuda_libs()
    if libs is None or not cuda_plugin_present():
        pytest.skip("the fake CUDA driver or the CUDA plugin is not built")
    env = dict(os.environ, NDACCEL_CUDA_DRIVER=libs[0], NDACCEL_CACHE_DIR=str(tmp_path))
    env.pop("NDACCEL_DEVICE", None)
    r = subprocess.run([sys.executable, "-c", f"FAKE_DRIVER = {libs[0]!r}\n" + script], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stdout + r.stderr


def cuda_plugin_present():
    """Whether a CUDA plugin is where ndaccel loads plugins from."""
    dirs = [os.path.dirname(ndaccel.__file__)] + \
        os.environ.get("NDACCEL_PLUGIN_DIR", "").split(":")
    return any(os.path.exists(os.path.join(d, "libndaccel_cuda.so")) for d in dirs if d)
