"""The host-libraries policy of CPU devices.

An OpenCL device that runs on the host's own cores (PoCL: is_gpu false)
shares those cores with NumPy. For the operations where NumPy calls a
hand-tuned library, that library beats the kernels an OpenCL compiler makes
for the same cores: the host's BLAS (OpenBLAS: 4-10x CLBlast at 1000^2),
NumPy's SIMD sorts (10x our merge sort at 1M; unique, a sort and a pass over
it, follows them), its introselect (partition, and so median and quantile:
4x a full sort). Where NumPy's own loops are the best on offer, ndaccel's
C loops on the host do better, on the device's threads (host_threads):
new arrays' fills (zeros, ones, full: 2x NumPy's fill and 4x a fill kernel
at 1M, 10x the kernel at 1000; arange, vectorised: 4x the kernels at 1M, 9x
at 100k), nonzero (1.7x NumPy's 1-D compaction at 1M, 18x its 2-D one,
15x our scan and scatter; NumPy's nonzero for the dtypes and layouts they
leave) and whole-array reductions of an array alone
(_statistics/_host_reductions.py: whole). There ndaccel calls NumPy on
the arrays' own storage where the device's buffers are host memory (PoCL:
host_view and host_output map them, no copy), else on host copies.
Some reductions of stored arrays call NumPy where the buffers are host
memory (_statistics/_host_reductions.py says which: no launch beats NumPy's
in-cache SIMD pass). Elementwise work, fused expressions and the other
reductions stay in ndaccel's kernels, which beat NumPy.

NDACCEL_HOST_LIBRARIES=0 in the environment (or USE = False here) turns the
policy off: every device then uses its own library and kernels; so does a
transfer guard in "log" or "disallow" mode, whose user wants no hidden
copies. GPUs never take it."""
import functools
import os

import numpy

from . import _core, _dtypes, _transfer

USE = os.environ.get("NDACCEL_HOST_LIBRARIES", "1") != "0"

# device id -> whether it is an OpenCL device on the host's cores.
_ON_HOST_CORES = {}


def applies(device_id):
    """Whether operations on device_id take the host's libraries now: not under
    a transfer guard that logs or refuses implicit copies (the device's own
    kernels then run, with no copy to report)."""
    if not USE or not _transfer.allowed():
        return False
    return on_host_cores(device_id)


def on_host_cores(device_id):
    """Whether device_id is an OpenCL device on the host's own cores (cached)."""
    on_host = _ON_HOST_CORES.get(device_id)
    if on_host is None:
        info = next((d for d in _core.devices() if d["id"] == device_id), {})
        on_host = info.get("is_gpu", 1) == 0 and device_id.startswith("opencl")
        _ON_HOST_CORES[device_id] = on_host
    return on_host


@functools.lru_cache(maxsize=None)
def memory_is_host(device_id):
    """Whether the device's buffers are host memory (the backend's memory_kind):
    a mapped pointer is the storage itself."""
    return _core.memory_kind(device_id) == "host"


def maps(device_id):
    """Whether the policy applies on device_id and its buffers are host memory:
    NumPy then works on the arrays' storage in place (host_view, host_output)."""
    return applies(device_id) and memory_is_host(device_id)


class _Export:
    """What numpy.from_dlpack needs to map an array (exchange_binding.c): `written`
    says whether the view will be written (pending readers of the array run first)."""
    __slots__ = ("array", "written")

    def __init__(self, array, written):
        self.array, self.written = array, written

    def __dlpack_device__(self):
        return 1, 0

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        return _core.dlpack_export(self.array, self.written, True)


def host_view(a, read_only=True):
    """a's elements for NumPy to read: a view of its storage where the device's
    memory is host memory (a's pending value computed first), else a copy.
    The view is read-only unless read_only=False, for callers that hand it
    only to NumPy functions that never write their input but copy a
    read-only one first (numpy.argmax in NumPy 2: 5x slower at 4M)."""
    if not memory_is_host(a._device_id):
        return a.get()
    v = numpy.from_dlpack(_Export(a, False))
    if read_only:
        v.flags.writeable = False
    return v


def host_output(shape, dtype, device_id):
    """A new ndaccel array on device_id (memory_is_host only) and a writable NumPy
    view of its storage, for NumPy to write the result into."""
    out = _core.empty(tuple(shape), _dtypes.code(numpy.dtype(dtype)), device_id)
    return out, storage(out)


def storage(a):
    """A writable NumPy view of the new C-contiguous ndaccel array a's storage, for
    NumPy to write a's elements into (maps(a's device) only)."""
    return numpy.from_dlpack(_Export(a, True))


# device id -> threads for ndaccel's host loops (_core.host_reduce,
# host_fill) on a device on the host's cores whose memory is host memory,
# else 0: its compute units (PoCL: the cores it was given,
# POCL_MAX_PTHREAD_COUNT), so that a rank of an MPI job given one core keeps
# to it. The policy's switches and the transfer guard are not part of it:
# callers test them at each call.
_THREADS = {}


def host_threads(device_id):
    """Threads for the host loops on device_id, or 0 where they cannot run."""
    t = _THREADS.get(device_id)
    if t is None:
        t = 0
        if on_host_cores(device_id) and memory_is_host(device_id):
            info = next((d for d in _core.devices() if d["id"] == device_id), {})
            t = max(1, int(info.get("compute_units", 1)))
        _THREADS[device_id] = t
    return t


def fill(a, value):
    """Fills the new C-contiguous ndaccel array a with the NumPy scalar value on
    the host where the policy applies and a's storage is host memory, on the
    device's threads (_core.host_fill: 1M float64 0.08 ms against NumPy's
    0.14 and 0.33 for a fill kernel on PoCL; 2.3 us against 33 at 1000);
    False, nothing done, elsewhere."""
    if not (USE and a.size and _transfer.allowed()):
        return False
    threads = host_threads(a._device_id)
    return bool(threads) and _core.host_fill(a, value.tobytes(), threads)


def from_host(h, device_id):
    """NumPy's result h as an ndaccel array on device_id: one memcpy into a mapped
    new array where the device's memory is host memory, else a copy to the device."""
    if not memory_is_host(device_id):
        from ._creation._from_data import asarray  # lazy: _creation imports this module
        return asarray(h, device=device_id)
    out, o = host_output(h.shape, h.dtype, device_id)
    o[...] = h
    return out
