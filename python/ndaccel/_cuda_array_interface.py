"""The CUDA array interface (version 3) of arrays on CUDA devices: Numba,
CuPy, mpi4py and PyTorch read the device pointer, shape, dtype and strides
from it and use the memory without a copy. Arrays on other devices have no
such attribute (hasattr() is False): OpenCL buffers are not addresses.

Before the dictionary is handed out the array's pending values are
computed, pending readers of its buffer run (the consumer may write), and
the device is synchronised, so "stream" is None (no synchronisation left
to the consumer). The consumer keeps the array alive by referencing it.

Importing objects that only have the interface (no DLPack) would need
ndaccel arrays over foreign device memory: asarray raises
NotImplementedError for them (from_dlpack takes a host copy of those that
have DLPack)."""
from . import _core


def interface(a):
    """ndarray.__cuda_array_interface__ (v3); AttributeError off CUDA devices."""
    if not a._device_id.startswith("cuda:"):
        raise AttributeError(f"__cuda_array_interface__: the array is on {a._device_id}, not "
                             f"a CUDA device")
    readonly = not a.flags.writeable
    ptr = _core.device_address(a, not readonly)
    return {
        "shape": a.shape,
        "typestr": a.dtype.str,
        "descr": [("", a.dtype.str)],
        "data": (ptr, readonly),
        "strides": None if a.flags.c_contiguous else a.strides,
        "version": 3,
        "stream": None,
    }
