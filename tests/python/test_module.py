"""The module surface: `python3 -m ndaccel`, devices, repr/str, NumPy
interoperability (__array__, numpy_array + ndaccel_array), synchronize,
memory info."""
import os
import subprocess
import sys

import numpy
import pytest

import ndaccel
from xp_util import special_values


def test_main_reports_version_backends_devices_cache(tmp_path, device):
    env = dict(os.environ, NDACCEL_CACHE_DIR=str(tmp_path / "kc"))
    env.pop("NDACCEL_CACHE", None)
    proc = subprocess.run([sys.executable, "-m", "ndaccel"], env=env, capture_output=True,
                          text=True, timeout=120, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert f"ndaccel {ndaccel.__version__}" in out
    assert "opencl: available" in out
    for d in ndaccel.devices():
        assert d.id in out
    assert device.id in out
    assert str(tmp_path / "kc") in out
    assert "default device: " in out
    # every comm plugin, available or with the reason it is not
    assert "comm plugins (ndaccel.distributed" in out
    for name, why, _ in ndaccel._core.comm_backends():
        assert (f"  {name}: available" if why is None else f"  {name}: unavailable ({why})") in out


def test_main_with_cache_disabled(tmp_path):
    env = dict(os.environ, NDACCEL_CACHE="0")
    proc = subprocess.run([sys.executable, "-m", "ndaccel"], env=env, capture_output=True,
                          text=True, timeout=120, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "kernel cache: disabled" in proc.stdout


EXIT_PROGRAM = r"""
import numpy, ndaccel
a = ndaccel.asarray(numpy.arange(12.0).reshape(3, 4))
b = (a * 3 + 1) // 2
a[1:, ::2] = b[1:, ::2]  # queued, not waited for: the process exits next
"""


def test_exit_with_queued_work(tmp_path, device):
    """A process that exits right after queueing work (kernels not yet built
    by PoCL: a fresh POCL_CACHE_DIR each time) exits cleanly."""
    for i in range(3):
        env = dict(os.environ, NDACCEL_CACHE_DIR=str(tmp_path / f"kc{i}"),
                   POCL_CACHE_DIR=str(tmp_path / f"pocl{i}"), NDACCEL_DEVICE=device.id)
        proc = subprocess.run([sys.executable, "-c", EXIT_PROGRAM], env=env,
                              capture_output=True, text=True, timeout=120, cwd=str(tmp_path))
        assert proc.returncode == 0, f"run {i}: exit {proc.returncode}\n{proc.stderr[-2000:]}"


def test_version():
    assert isinstance(ndaccel.__version__, str)
    assert ndaccel.__version__.count(".") >= 1


def test_devices(device):
    devs = ndaccel.devices()
    assert devs, "no device"
    ids = [d.id for d in devs]
    assert len(set(ids)) == len(ids)
    assert any(i.startswith("opencl:") for i in ids)
    for d in devs:
        assert isinstance(d, ndaccel.Device)
        assert d == d.id and hash(d) == hash(ndaccel.Device(d.id))
        assert d.name
        assert d.id in repr(d) and str(d) == d.id
    assert ndaccel.get_device() == device


def test_set_device():
    current = ndaccel.get_device()
    with pytest.raises(ValueError, match="nope:9"):
        ndaccel.set_device("nope:9")
    with pytest.raises(ValueError):
        ndaccel.set_device("opencl:99")
    assert ndaccel.get_device() == current  # unchanged by the failed calls
    for d in ndaccel.devices():
        ndaccel.set_device(d)
        assert ndaccel.get_device() == d
        assert ndaccel.zeros(2).device == d
        ndaccel.set_device(d.id)
        assert ndaccel.get_device() == d.id
    ndaccel.set_device(current)
    assert (ndaccel.ones(3) + 1).get().tolist() == [2.0, 2.0, 2.0]


def test_synchronize_and_memory_info(device):
    a = ndaccel.ones(1000)
    b = a * 3
    ndaccel.synchronize()
    ndaccel.synchronize(device)
    ndaccel.synchronize(device.id)
    info = ndaccel.memory_info()
    for key in ("live_bytes", "cached_bytes", "allocs", "reuses", "device_allocs"):
        assert isinstance(info[key], int) and info[key] >= 0
    assert info["live_bytes"] >= 8000
    ndaccel.free_cached_memory()
    assert ndaccel.memory_info()["cached_bytes"] == 0
    assert float(ndaccel.sum(b)) == 3000.0


def test_unimplemented_numpy_names():
    with pytest.raises(AttributeError, match="out of scope"):
        ndaccel.busday_count  # a NumPy function ndaccel leaves out on purpose (_scope.py)
    with pytest.raises(AttributeError, match="no attribute"):
        ndaccel.not_a_numpy_name


@pytest.mark.parametrize("name", sorted(ndaccel._scope.OUT_OF_SCOPE))
def test_out_of_scope_names_say_why(name):
    """Each out-of-scope name is a NumPy name, absent from ndaccel (hasattr is False),
    and the AttributeError gives the family's reason."""
    assert hasattr(numpy, name)
    assert not hasattr(ndaccel, name)
    with pytest.raises(AttributeError, match=f"numpy.{name}: "):
        getattr(ndaccel, name)


# ---------------------------------------------------------------- repr / str

REPR_CASES = [
    ("float64", (5,)), ("float64", ()), ("float64", (0,)), ("float64", (2, 0, 3)),
    ("float32", (3, 4)), ("float16", (7,)), ("int8", (2, 3)), ("uint64", (3,)),
    ("int64", (4,)), ("int32", (2, 2, 2)), ("bool", (6,)), ("complex64", (3,)),
    ("complex128", (2, 2)), ("float64", (2000,)), ("int16", (40, 40)), ("uint8", ()),
]


@pytest.mark.parametrize("dt, shape", REPR_CASES, ids=[f"{d}-{s}" for d, s in REPR_CASES])
def test_repr_and_str_match_numpy(dt, shape):
    n = int(numpy.prod(shape))
    vals = special_values(dt)
    h = numpy.resize(vals, n).reshape(shape) if n else numpy.zeros(shape, dtype=dt)
    a = ndaccel.asarray(h)
    assert repr(a) == repr(a.get()) == repr(h)
    assert str(a) == str(a.get()) == str(h)
    v = a[..., ::-1] if a.ndim else a
    assert repr(v) == repr(h[..., ::-1] if h.ndim else h)


# ---------------------------------------------------------------- NumPy interop

def test_array_protocol():
    h = numpy.arange(6.0).reshape(2, 3)
    a = ndaccel.asarray(h)
    for conv in (numpy.asarray, numpy.array):
        r = conv(a)
        assert isinstance(r, numpy.ndarray) and r.dtype == h.dtype
        numpy.testing.assert_array_equal(r, h)
    r = numpy.asarray(a, dtype=numpy.float32)
    assert r.dtype == numpy.float32
    numpy.testing.assert_array_equal(numpy.asarray(a.T), h.T)
    numpy.testing.assert_array_equal(numpy.asarray(a[:, ::-2]), h[:, ::-2])
    assert numpy.asarray(ndaccel.asarray(numpy.float32(2))).shape == ()
    assert numpy.array_equal(a, h)
    assert a.tolist() == h.tolist()


def test_numpy_array_op_ndaccel_array_gives_ndaccel():
    h = numpy.arange(4.0)
    a = ndaccel.asarray(numpy.array([1.0, 2.0, 3.0, 4.0]))
    for op, ref in ((lambda x, y: x + y, h + a.get()), (lambda x, y: x * y, h * a.get()),
                    (lambda x, y: x - y, h - a.get()), (lambda x, y: x / y, h / a.get()),
                    (lambda x, y: x < y, h < a.get()), (lambda x, y: x == y, h == a.get()),
                    (lambda x, y: x ** y, h ** a.get())):
        r = op(h, a)
        assert isinstance(r, ndaccel.ndarray), type(r)
        numpy.testing.assert_array_equal(r.get(), ref)
    r = numpy.float64(2.0) * a
    assert isinstance(r, ndaccel.ndarray)
    numpy.testing.assert_array_equal(r.get(), [2.0, 4.0, 6.0, 8.0])
    r = numpy.int8(3) + ndaccel.asarray(numpy.array([1, 2], dtype=numpy.int8))
    assert isinstance(r, ndaccel.ndarray) and r.dtype == numpy.int8
    r = numpy.add(h, a)  # NumPy's ufuncs run on the device (__array_ufunc__)
    assert isinstance(r, ndaccel.ndarray)
    numpy.testing.assert_array_equal(r.get(), h + a.get())


def test_inplace_numpy_with_ndaccel_operand():
    """numpy_array += ndaccel_array: computed on the device and written into
    the host array, as NumPy's out= semantics say."""
    h = numpy.arange(3.0)
    h += ndaccel.ones(3)
    assert isinstance(h, numpy.ndarray)
    numpy.testing.assert_array_equal(h, [1.0, 2.0, 3.0])
