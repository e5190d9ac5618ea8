"""NumPy's functions and ufuncs called on ndaccel arrays (NEP 13
__array_ufunc__, NEP 18 __array_function__), the transfer guard, and
DLPack exchange with NumPy. The oracle is NumPy on host copies of the same
data: the result is an ndaccel array (or a NumPy scalar where NumPy gives
one) with NumPy's dtype and values."""
import io
import logging
import os
import subprocess
import sys
import warnings

import numpy
import pytest

import ndaccel
from xp_util import assert_same

HOST = numpy.arange(-6, 6).reshape(3, 4) / 4.0


def dev(h=HOST):
    return ndaccel.asarray(h)


def check(got, want):
    """got (from numpy.f(ndaccel...)) is on the device and equals want (numpy.f(numpy...))."""
    if isinstance(want, numpy.ndarray):
        assert isinstance(got, ndaccel.ndarray), type(got)
    assert_same(got, want, rtol=1e-12)


# ---------------------------------------------------------------- __array_ufunc__

@pytest.mark.parametrize("name", ["sin", "exp", "negative", "absolute", "isnan", "floor",
                                  "sqrt", "sign"])
def test_unary_ufuncs(name):
    with numpy.errstate(all="ignore"):
        check(getattr(numpy, name)(dev()), getattr(numpy, name)(HOST))


@pytest.mark.parametrize("name", ["add", "multiply", "maximum", "arctan2", "greater",
                                  "logical_and", "power", "floor_divide"])
def test_binary_ufuncs_mixed_operands(name):
    f = getattr(numpy, name)
    other = HOST[::-1] + 0.5
    with numpy.errstate(all="ignore"):
        want = f(HOST, other)
        check(f(dev(), dev(other)), want)
        check(f(HOST, dev(other)), want)  # a host operand is copied to the device
        check(f(dev(), other), want)
        check(f(dev(), 2.0), f(HOST, 2.0))


def test_operators_with_host_arrays_give_device_arrays():
    other = HOST + 1
    check(other + dev(), other + HOST)
    check(other * dev(), other * HOST)
    check(other > dev(), other > HOST)
    check(dev() - other, HOST - other)


def test_ufuncs_with_several_outputs_and_gufuncs():
    check(numpy.divmod(dev(), 0.75), numpy.divmod(HOST, 0.75))
    check(numpy.modf(dev()), numpy.modf(HOST))
    check(numpy.frexp(dev()), numpy.frexp(HOST))
    check(numpy.matmul(dev(), dev(HOST.T)), numpy.matmul(HOST, HOST.T))
    check(numpy.vecdot(dev(), dev()), numpy.vecdot(HOST, HOST))
    ints = numpy.arange(12, dtype=numpy.int32).reshape(3, 4)
    check(numpy.bitwise_count(dev(ints)), numpy.bitwise_count(ints))


def test_out_on_the_device():
    out = ndaccel.empty((3, 4))
    r = numpy.add(dev(), 1.0, out=out)
    assert r is out
    check(out, HOST + 1.0)
    q, m = ndaccel.empty((3, 4)), ndaccel.empty((3, 4))
    r = numpy.divmod(dev(), 0.75, out=(q, m))
    assert r[0] is q and r[1] is m
    check(m, numpy.divmod(HOST, 0.75)[1])


def test_out_on_the_host_receives_the_result():
    h = HOST.copy()
    r = numpy.multiply(dev(), 3.0, out=h)
    assert r is h
    numpy.testing.assert_array_equal(h, HOST * 3.0)
    h = HOST.copy()
    h += dev()  # numpy.add(h, d, out=(h,)): NumPy's in-place semantics
    assert isinstance(h, numpy.ndarray)
    numpy.testing.assert_array_equal(h, HOST * 2)


def test_ufunc_methods():
    check(numpy.add.reduce(dev()), numpy.add.reduce(HOST))
    check(numpy.add.reduce(dev(), axis=1), numpy.add.reduce(HOST, axis=1))
    check(numpy.maximum.reduce(dev(), axis=None), numpy.maximum.reduce(HOST, axis=None))
    check(numpy.multiply.accumulate(dev(), axis=1), numpy.multiply.accumulate(HOST, axis=1))
    check(numpy.subtract.outer(dev(HOST[0]), dev(HOST[1])),
          numpy.subtract.outer(HOST[0], HOST[1]))
    check(numpy.add.reduceat(dev(HOST[0]), [0, 2]), numpy.add.reduceat(HOST[0], [0, 2]))
    a, h = dev(HOST[0]), HOST[0].copy()
    assert numpy.add.at(a, [0, 0, 3], 1.0) is None
    numpy.add.at(h, [0, 0, 3], 1.0)
    check(a, h)


def test_single_values_are_numpy_scalars():
    s = numpy.add(ndaccel.asarray(1.5), 2)
    assert type(s) is numpy.float64 and s == 3.5
    assert type(numpy.add.reduce(dev(HOST[0]))) is numpy.float64
    assert type(numpy.sum(dev())) is numpy.float64
    out = ndaccel.empty(())
    assert numpy.add(ndaccel.asarray(1.5), 2, out=out) is out


def test_a_ufunc_ndaccel_lacks_runs_on_the_host_and_warns(monkeypatch):
    from ndaccel import _fallback
    monkeypatch.setattr(_fallback, "_warned", set())
    # isnat has no ndaccel version (no datetimes on the device): the host fallback runs
    # NumPy's, which rejects a float operand as it would a host one.
    with pytest.warns(ndaccel.linalg.HostFallbackWarning, match="numpy.isnat") as rec:
        with pytest.raises(TypeError):
            numpy.isnat(dev())
    assert rec[0].filename == __file__  # the warning names the user's line


# ---------------------------------------------------------------- __array_function__

@pytest.mark.parametrize("call", [
    lambda xp, a: xp.concatenate([a, a], axis=1),
    lambda xp, a: xp.where(a > 0, a, -a),
    lambda xp, a: xp.mean(a, axis=0),
    lambda xp, a: xp.sort(a[::-1], axis=0),
    lambda xp, a: xp.unique(a),
    lambda xp, a: xp.transpose(a),
    lambda xp, a: xp.linalg.inv(a[:3, :3] + 3 * xp.eye(3)),
    lambda xp, a: xp.linalg.norm(a),
    lambda xp, a: xp.fft.fft(a),
    lambda xp, a: xp.emath.sqrt(a),
    lambda xp, a: xp.einsum("ij,ij->i", a, a),
    lambda xp, a: xp.cumsum(a, axis=1),
    lambda xp, a: xp.clip(a, -1, 1),
    lambda xp, a: xp.array_equal(a, a),
    lambda xp, a: xp.shape(a),
], ids=["concatenate", "where", "mean", "sort", "unique", "transpose", "inv", "norm", "fft",
        "emath", "einsum", "cumsum", "clip", "array_equal", "shape"])
def test_numpy_functions_dispatch_to_ndaccel(call):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ndaccel.linalg.HostFallbackWarning)
        got = call(numpy, dev())
    check(got, call(numpy, HOST))


def test_mixed_host_and_device_arguments():
    check(numpy.concatenate([HOST, dev()]), numpy.concatenate([HOST, HOST]))
    check(numpy.stack([dev(), HOST]), numpy.stack([HOST, HOST]))


@pytest.fixture
def missing_function(monkeypatch):
    """The name of a NumPy function ndaccel lacks: every in-scope function
    exists now, so one (trapezoid) is taken away for the test."""
    monkeypatch.delattr(ndaccel, "trapezoid")
    return "trapezoid"


def test_a_function_ndaccel_lacks_runs_on_the_host_warns_once(monkeypatch, missing_function):
    from ndaccel import _fallback
    monkeypatch.setattr(_fallback, "_warned", set())
    name = missing_function
    f = getattr(numpy, name)
    args = (HOST,)
    want = f(*args)
    with pytest.warns(ndaccel.linalg.HostFallbackWarning, match=f"numpy.{name}"):
        got = f(*[dev(a) for a in args])
    check(got, want)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once per function
        check(f(*[dev(a) for a in args]), want)


def test_other_array_types_are_left_to_numpy():
    class Other:
        def __array_function__(self, func, types, args, kwargs):
            return NotImplemented
    with pytest.raises(TypeError, match="no implementation found"):
        numpy.concatenate([dev(), Other()])


# ---------------------------------------------------------------- transfer guard

def test_transfer_guard_disallow(missing_function):
    a = dev()
    with ndaccel.transfer_guard("disallow"):
        for what, fn in [("asarray", lambda: numpy.asarray(a)),
                         ("float", lambda: float(a[0:1, 0:1].reshape(()))),
                         ("bool", lambda: bool(a[0:1, 0:1].reshape(()))),
                         ("index", lambda: range(ndaccel.asarray(3))),
                         ("element", lambda: a[1, 2]),
                         ("sum", lambda: a.sum()),
                         ("fallback", lambda: getattr(numpy, missing_function)(a[0]))]:
            with pytest.raises(RuntimeError, match="transfer_guard"):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    fn()
        # explicit copies and device-only work pass
        a.get(), ndaccel.asnumpy(a), a.item(0), a.tolist(), repr(a), a.tobytes()
        b = (a + 1).sum(axis=0, keepdims=True)
        s = a.sum(keepdims=True)
    assert s.item() == HOST.sum() and b.shape == (1, 4)


def test_transfer_guard_log_and_nesting(caplog):
    a = dev()
    caplog.set_level(logging.WARNING, logger="ndaccel.transfer")
    with ndaccel.transfer_guard("log"):
        numpy.asarray(a)
        with ndaccel.transfer_guard("allow"):
            a[0, 0]
        a[0, 1]
    msgs = [r.getMessage() for r in caplog.records]
    assert len(msgs) == 2, msgs
    assert "__array__" in msgs[0] and __file__ in msgs[0]
    assert "element read" in msgs[1]
    a[0, 0]  # allowed again outside
    with pytest.raises(ValueError, match="mode"):
        with ndaccel.transfer_guard("sometimes"):
            pass


def test_transfer_guard_environment_variable():
    code = ("import numpy, ndaccel\n"
            "try:\n    numpy.asarray(ndaccel.ones(2))\nexcept RuntimeError as e:\n"
            "    print('refused', 'transfer_guard' in str(e))\n")
    env = dict(os.environ, NDACCEL_TRANSFER_GUARD="disallow")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.stdout.strip() == "refused True", r.stderr


# ---------------------------------------------------------------- DLPack

@pytest.mark.parametrize("dtype", ["bool", "int8", "uint64", "float16", "float32",
                                   "complex128"])
def test_dlpack_both_ways_with_numpy(dtype):
    h = (numpy.arange(12).reshape(3, 4) % 5).astype(dtype)
    a = ndaccel.asarray(h)
    for view_h, view_a in [(h, a), (h.T, a.T), (h[::2, 1:], a[::2, 1:])]:
        got = numpy.from_dlpack(view_a)
        assert isinstance(got, numpy.ndarray) and got.dtype == view_h.dtype
        numpy.testing.assert_array_equal(got, view_h)
        back = ndaccel.from_dlpack(view_h)
        assert isinstance(back, ndaccel.ndarray) and back.dtype == view_h.dtype
        numpy.testing.assert_array_equal(back.get(), view_h)


def test_dlpack_copy_rules_and_devices():
    a = dev()
    backend, index = a.device.id.split(":")
    host_memory = ndaccel._core.memory_kind(a.device.id) == "host"
    kind = 1 if host_memory else {"opencl": 4, "cuda": 2}[backend]
    assert a.__dlpack_device__() == (kind, 0 if host_memory else int(index))
    if kind == 4:  # separate OpenCL memory: no zero-copy export
        with pytest.raises(BufferError, match="copy=False"):
            a.__dlpack__(copy=False)
        with pytest.raises(BufferError, match="copy=False"):
            numpy.from_dlpack(a, copy=False)
    with pytest.raises(BufferError):
        a.__dlpack__(dl_device=(7, 0))
    if kind != 2:  # a stream means the consumer expects device memory with a stream
        with pytest.raises(BufferError, match="no stream"):
            a.__dlpack__(stream=-1)
    numpy.testing.assert_array_equal(numpy.from_dlpack(a, copy=True), HOST)
    numpy.testing.assert_array_equal(numpy.from_dlpack(a, device="cpu"), HOST)
    # the capsules NumPy's consumers expect, versioned when asked
    assert "dltensor_versioned" in repr(a.__dlpack__(max_version=(1, 0)))
    assert '"dltensor"' in repr(a.__dlpack__())
    # importing
    assert ndaccel.from_dlpack(a) is a
    c = ndaccel.from_dlpack(a, copy=True)
    assert c is not a and c.get().tolist() == HOST.tolist()
    assert ndaccel.from_dlpack(a, device=a.device) is a
    with pytest.raises(BufferError, match="copy=False"):
        ndaccel.from_dlpack(HOST, copy=False)
    with pytest.raises(TypeError, match="DLPack"):
        ndaccel.from_dlpack([1, 2, 3])
    # copy=True: a writeable host copy; changing it leaves the device array alone
    h = numpy.from_dlpack(a, copy=True)
    h[...] = 0
    assert a.get().tolist() == HOST.tolist()


def test_readme_interop_example():
    # The README's "Using ndaccel with other libraries" DLPack example.
    x = ndaccel.linspace(0.0, 1.0, 5)
    host = numpy.from_dlpack(x)          # the array itself on a CPU device, else a host copy
    y = ndaccel.from_dlpack(host * 2)    # back on the device
    assert float(y.sum()) == 5.0
    assert isinstance(numpy.sin(y), ndaccel.ndarray)


def test_save_with_numpy_function_goes_through_host():
    buf = io.BytesIO()
    numpy.save(buf, dev())  # numpy.save is not dispatched: __array__, an implicit copy
    buf.seek(0)
    numpy.testing.assert_array_equal(numpy.load(buf), HOST)
