"""Host storage of devices whose memory is host memory (PoCL's CPU device):
large buffers start at different addresses modulo 4 KiB, so that storing
into one buffer while reading another at nearby indices does not stall on
4K aliasing (backends/opencl/opencl_backend.c, the buffers' colours); the
values seen through DLPack are the arrays' own."""
import numpy
import pytest

import ndaccel
from ndaccel import _core


def test_large_buffers_start_at_different_offsets_modulo_4k(device):
    if not device.id.startswith("opencl:") or _core.memory_kind(device.id) != "host":
        pytest.skip("the colours are the OpenCL plugin's, for host-memory devices")
    n = (4 << 20) // 8 + 24  # over 4 MiB: storage starts on a 2 MiB boundary, plus its colour
    arrays = [ndaccel.full(n, float(k)) for k in range(6)]
    views = [numpy.from_dlpack(a) for a in arrays]
    offsets = {v.__array_interface__["data"][0] % 4096 for v in views}
    assert len(offsets) >= 3, offsets
    for k, v in enumerate(views):
        assert v.__array_interface__["data"][0] % 256 == 0
        numpy.testing.assert_array_equal(v, numpy.full(n, float(k)))


def test_stores_into_slices_of_other_buffers_match_numpy(device):
    """u_new[1:-1] = (u[:-2] + u[2:]) / 2 and a write-back at offsets around
    the colours' steps: NumPy's values."""
    h = numpy.random.default_rng(5).random(1 << 17)
    u = ndaccel.asarray(h)
    for off in (1, 8, 32, 512):
        e = numpy.zeros(h.size + off)
        e[off:off + h.size - 2] = (h[:-2] + h[2:]) / 2
        r = ndaccel.zeros(h.size + off)
        r[off:off + h.size - 2] = (u[:-2] + u[2:]) / 2
        numpy.testing.assert_array_equal(r.get(), e)
