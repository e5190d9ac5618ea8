"""__cuda_array_interface__ (v3): absent on OpenCL arrays (hasattr() is
False, so Numba, CuPy and mpi4py take another path), and, in a subprocess
on the fake CUDA driver (tests/fakes: device memory is host memory, so the
test reads and writes through the exported pointer), the address, shape,
strides, dtype and flags of contiguous arrays and views, and writes
through the pointer seen by the array. Importing such objects onto a
non-CUDA device raises BufferError (imports onto CUDA: test_dlpack_exchange.py)."""
import textwrap

import numpy
import pytest

import ndaccel
from xp_util import run_on_fake_cuda


def test_absent_off_cuda(device):
    if device.id.startswith("cuda"):
        pytest.skip("the CUDA device has the interface (tested on the fake driver below)")
    a = ndaccel.ones(3)
    assert not hasattr(a, "__cuda_array_interface__")
    with pytest.raises(AttributeError, match="not a CUDA device"):
        a.__cuda_array_interface__


def test_import_needs_a_cuda_device(device):
    if device.id.startswith("cuda"):
        pytest.skip("imported without a copy there (test_dlpack_exchange.py)")
    class Foreign:
        @property
        def __cuda_array_interface__(self):
            return {"shape": (2,), "typestr": "<f8", "data": (0, False), "version": 3,
                    "strides": None}
    with pytest.raises(BufferError, match="CUDA device memory"):
        ndaccel.asarray(Foreign(), device=device)


FAKE_SCRIPT = textwrap.dedent(r"""
    import ctypes, numpy, ndaccel
    ndaccel.set_device("cuda:0")

    def read(ptr, dtype):
        return numpy.frombuffer((ctypes.c_char * dtype.itemsize).from_address(ptr), dtype)[0]

    h = numpy.arange(24, dtype=numpy.float64).reshape(4, 6)
    a = ndaccel.asarray(h)
    cai = a.__cuda_array_interface__
    assert cai["version"] == 3 and cai["shape"] == (4, 6) and cai["typestr"] == "<f8", cai
    assert cai["strides"] is None and cai["stream"] is None and cai["data"][1] is False, cai
    ptr = cai["data"][0]
    got = numpy.frombuffer((ctypes.c_char * h.nbytes).from_address(ptr), numpy.float64)
    assert (got == h.ravel()).all()
    # written through the pointer: the array sees it
    ctypes.c_double.from_address(ptr + 5 * 8).value = -1.0
    assert a.get()[0, 5] == -1.0

    # a view with a negative stride: element 0's address and the strides
    v = a[1:, ::-2]
    c = v.__cuda_array_interface__
    assert c["shape"] == (3, 3) and c["strides"] == (48, -16), c
    assert c["data"][0] == ptr + 1 * 48 + 5 * 8
    hv = a.get()[1:, ::-2]
    for i in range(3):
        for j in range(3):
            p = c["data"][0] + i * 48 - j * 16
            assert read(p, numpy.dtype(numpy.float64)) == hv[i, j]

    # dtypes, read-only arrays, empty arrays
    for dt in ("int8", "uint16", "complex64", "bool", "float16"):
        b = ndaccel.asarray(numpy.ones(3, dt))
        assert b.__cuda_array_interface__["typestr"] == numpy.dtype(dt).str
    r = ndaccel.asarray(h)
    r.setflags(write=False)
    assert r.__cuda_array_interface__["data"][1] is True
    e = ndaccel.empty((0, 3))
    assert e.__cuda_array_interface__["data"] == (0, False)
    print("ok")
""")


def test_on_the_fake_cuda_driver(device, tmp_path):
    run_on_fake_cuda(device, FAKE_SCRIPT, tmp_path)
