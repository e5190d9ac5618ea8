"""Zero-copy exchange of ndaccel arrays with other libraries (_dlpack.py,
_cuda_array_interface.py, python/ext/exchange_binding.c).

* On a device whose buffers are host memory (PoCL's CPU device), DLPack
  exports the array's own storage: NumPy's from_dlpack is a view that sees
  ndaccel's writes once they have run, and ndaccel sees the view's writes;
  pending readers of the array run before a writable export; read-only
  arrays export read-only; the view outlives the array.
* On the fake CUDA driver (tests/fakes: device memory is host memory),
  in a subprocess: CUDA arrays export their device memory (kDLCUDA), and
  CUDA memory of "another library" (a producer object handing out an
  ndaccel capsule, or only a __cuda_array_interface__) is imported without
  a copy, shared both ways, kept alive by the array, and freed when the
  last user lets go."""
import gc
import textwrap

import numpy
import pytest

import ndaccel
from xp_util import run_on_fake_cuda


def host_memory(device):
    return ndaccel._core.memory_kind(device.id) == "host"


def test_host_memory_export_is_the_array(device):
    if not host_memory(device):
        pytest.skip("the device's memory is not host memory")
    a = ndaccel.arange(12.0).reshape(3, 4)
    assert a.__dlpack_device__() == (1, 0)
    h = numpy.from_dlpack(a)
    assert h.flags.writeable and h.shape == (3, 4)
    h[1, 2] = -5.0                       # the consumer writes: ndaccel sees it
    assert a.get()[1, 2] == -5.0
    pending = a * 2                      # a pending reader of a ...
    h2 = numpy.from_dlpack(a)            # ... runs before a writable export
    h2[0, 0] = 99.0
    assert pending.get()[0, 0] == 0.0 and a.get()[0, 0] == 99.0
    a[2] = 7.0                           # ndaccel writes: the view sees them once run
    ndaccel.synchronize()
    assert (h[2] == 7.0).all()


@pytest.mark.parametrize("index", [numpy.s_[1:, ::2], numpy.s_[::-1], numpy.s_[:, 3],
                                   numpy.s_[2:2]])
def test_host_memory_export_of_views(device, index):
    if not host_memory(device):
        pytest.skip("the device's memory is not host memory")
    h = numpy.arange(20, dtype=numpy.int32).reshape(4, 5)
    a = ndaccel.asarray(h)
    got = numpy.from_dlpack(a[index])
    numpy.testing.assert_array_equal(got, h[index])
    assert got.dtype == h.dtype


def test_host_memory_export_lifetime_and_flags(device):
    if not host_memory(device):
        pytest.skip("the device's memory is not host memory")
    a = ndaccel.asarray(numpy.arange(5, dtype=numpy.complex64))
    h = numpy.from_dlpack(a)
    del a
    gc.collect()
    ndaccel.ones(1000)                   # the pool must not hand out the exported buffer
    numpy.testing.assert_array_equal(h, numpy.arange(5, dtype=numpy.complex64))
    r = ndaccel.ones(3)
    r.setflags(write=False)
    assert not numpy.from_dlpack(r).flags.writeable
    # a legacy (unversioned) capsule, consumed by NumPy
    b = ndaccel.asarray([True, False])
    assert numpy.from_dlpack(type("Legacy", (), {
        "__dlpack__": lambda self, stream=None: b.__dlpack__(),
        "__dlpack_device__": lambda self: b.__dlpack_device__()})()).tolist() == [True, False]


def test_unconsumed_capsule_releases(device):
    if not host_memory(device):
        pytest.skip("the device's memory is not host memory")
    gc.collect()
    before = ndaccel._core.pool_info(device.id)["live_bytes"]
    a = ndaccel.ones(1 << 16)
    cap = a.__dlpack__(max_version=(1, 0))
    del a
    assert ndaccel._core.pool_info(device.id)["live_bytes"] > before   # the tensor holds it
    del cap                              # never consumed: the capsule deletes the tensor
    gc.collect()
    assert ndaccel._core.pool_info(device.id)["live_bytes"] == before


FAKE_SCRIPT = textwrap.dedent(r"""
    import ctypes, gc, numpy, ndaccel
    from ndaccel import _core
    ndaccel.set_device("cuda:0")
    fake = ctypes.CDLL(FAKE_DRIVER)
    live = ctypes.c_long(); mods = ctypes.c_long(); depth = ctypes.c_int()
    def allocations():                    # device allocations, the pool's cache emptied
        gc.collect()
        _core.pool_release("cuda:0")
        fake.nda_fake_cuda_state(ctypes.byref(live), ctypes.byref(mods), ctypes.byref(depth))
        return live.value

    h = numpy.arange(24, dtype=numpy.float64).reshape(4, 6)
    x = ndaccel.asarray(h)
    assert x.__dlpack_device__() == (2, 0)
    cap = x.__dlpack__(stream=-1, max_version=(1, 0))
    kind, index, address, dt, shape, strides, ro = _core.dlpack_describe(cap)
    assert (kind, index, dt, shape, strides, ro) == (2, 0, (2, 64, 1), (4, 6), (6, 1), False)
    assert address == x.__cuda_array_interface__["data"][0]
    del cap

    class Producer:                       # another library's CUDA array, seen through DLPack
        def __init__(self, arr):
            self.arr, self.streams = arr, []
        def __dlpack_device__(self):
            return (2, 0)
        def __dlpack__(self, stream=None, max_version=None, dl_device=None, copy=None):
            self.streams.append(stream)
            return self.arr.__dlpack__(stream=stream, max_version=max_version)

    def read(address, dtype, n):          # the fake's device memory is host memory
        return numpy.frombuffer((ctypes.c_char * (n * dtype.itemsize)).from_address(address),
                                dtype)

    base = allocations()
    xptr = x.__cuda_array_interface__["data"][0]
    p = Producer(x[1:, ::-2])             # a strided view: element 0 is x[1, 5]
    y = ndaccel.from_dlpack(p)
    assert p.streams == [_core.device_stream("cuda:0")] and p.streams[0] != 0
    assert y.shape == (3, 3) and y.strides == (48, -16)
    assert y.__cuda_array_interface__["data"][0] == xptr + 1 * 48 + 5 * 8
    p2 = Producer(x[1:3])                 # a contiguous block: values and writes, both ways
    y2 = ndaccel.from_dlpack(p2)
    numpy.testing.assert_array_equal(y2.get(), h[1:3])
    y2.fill(-1.0)                         # written through the import ...
    assert (x.get()[1:3] == -1.0).all()   # ... seen by the producer
    read(xptr, numpy.dtype(numpy.float64), 24)[:] = 3.0   # the producer writes
    assert (y2.get() == 3.0).all()
    assert allocations() == base          # no copy was allocated
    z = ndaccel.from_dlpack(p2, copy=True)
    assert allocations() == base + 1
    del z, p, p2, x, y
    assert allocations() == base          # y2 keeps x's memory alive
    assert (y2.get() == 3.0).all()
    del y2
    assert allocations() == base - 1, (allocations(), base)   # x's buffer is gone now

    class Interface:                      # an object with only __cuda_array_interface__
        def __init__(self, arr, stream):
            self.arr, self.stream = arr, stream
        @property
        def __cuda_array_interface__(self):
            d = dict(self.arr.__cuda_array_interface__)
            d["stream"] = self.stream
            return d

    w = ndaccel.asarray(numpy.arange(10, dtype=numpy.int16))
    for stream in (None, 1, 2):
        v = ndaccel.asarray(Interface(w[2:8], stream))
        assert v.dtype == numpy.int16
        numpy.testing.assert_array_equal(v.get(), numpy.arange(2, 8, dtype=numpy.int16))
    v = ndaccel.asarray(Interface(w, None), copy=False)
    v[...] = -7
    assert (w.get() == -7).all()
    s = ndaccel.asarray(Interface(w[::-3], None))
    assert s.strides == (-6,) and s.__cuda_array_interface__["data"][0] == \
        w.__cuda_array_interface__["data"][0] + 18
    try:
        ndaccel.asarray(Interface(w, 0))
    except BufferError as e:
        assert "stream 0" in str(e)
    else:
        raise AssertionError("stream 0 accepted")
    r = ndaccel.asarray(numpy.ones(3))
    r.setflags(write=False)
    ro = ndaccel.asarray(Interface(r, None))
    assert not ro.flags.writeable
    print("ok")
""")


def test_cuda_exchange_on_the_fake_driver(device, tmp_path):
    run_on_fake_cuda(device, FAKE_SCRIPT, tmp_path)
