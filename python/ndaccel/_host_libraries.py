"""The host-libraries policy of CPU devices.

An OpenCL device that runs on the host's own cores (PoCL: is_gpu false)
shares those cores with NumPy. For the operations where NumPy calls a
hand-tuned library, that library beats the kernels an OpenCL compiler makes
for the same cores: the host's BLAS (OpenBLAS: 4-10x CLBlast at 1000^2) and
NumPy's SIMD sorts (10x our merge sort at 1M). There ndaccel copies the
operands to the host, calls NumPy, and copies the result back (PoCL's
buffers are host memory: each copy is a memcpy). Elementwise work, fused
expressions and reductions stay in ndaccel's kernels, which beat NumPy.

NDACCEL_HOST_LIBRARIES=0 in the environment (or USE = False here) turns the
policy off: every device then uses its own library and kernels; so does a
transfer guard in "log" or "disallow" mode, whose user wants no hidden
copies. GPUs never take it."""
import functools
import os

from . import _core, _transfer

USE = os.environ.get("NDACCEL_HOST_LIBRARIES", "1") != "0"

# device id -> whether it is an OpenCL device on the host's cores.
_ON_HOST_CORES = {}


def applies(device_id):
    """Whether operations on device_id take the host's libraries now: not under
    a transfer guard that logs or refuses implicit copies (the device's own
    kernels then run, with no copy to report)."""
    if not USE or not _transfer.allowed():
        return False
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
