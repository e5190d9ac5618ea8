"""The CUDA array interface (version 3): Numba, CuPy, mpi4py and PyTorch read
the device pointer, shape, dtype and strides from it and use the memory
without a copy.

Export (ndarray.__cuda_array_interface__, arrays on CUDA devices only;
hasattr() is False elsewhere: OpenCL buffers are not addresses): before
the dictionary is handed out the array's pending values are computed,
pending readers of its buffer run (the consumer may write), and the device
is synchronised, so "stream" is None (no synchronisation left to the
consumer). The consumer keeps the array alive by referencing it.

Import (asarray of an object with the interface, onto a CUDA device): an
ndaccel array over the object's memory, no copy, keeping the object alive;
a "stream" in the dictionary is waited for first (the interface's rule for
consumers). Onto a non-CUDA device the memory is unreachable: BufferError
(from_dlpack takes a host copy of objects that also have DLPack)."""
import numpy

from . import _core, _dlpack


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


def import_(obj, device_id):
    """An ndaccel array on device_id (a CUDA device) over obj's memory."""
    cai = obj.__cuda_array_interface__
    name = type(obj).__name__
    if not device_id.startswith("cuda:"):
        raise BufferError(f"asarray: {name}'s memory is CUDA device memory (the CUDA array "
                          f"interface), which {device_id} cannot reach; use a CUDA device, or "
                          f"ndaccel.from_dlpack(x) for a copy when the object has DLPack")
    if cai.get("mask") is not None:
        raise NotImplementedError(f"asarray: {name}'s CUDA array interface has a mask "
                                  f"(masked arrays are not supported)")
    dtype = numpy.dtype(cai["typestr"])
    if dtype.byteorder == ">" or dtype.kind not in "biufc":
        raise BufferError(f"asarray: CUDA array interface type {cai['typestr']!r} has no "
                          f"ndaccel dtype")
    address, readonly = cai["data"]
    stream = cai.get("stream")
    if stream is not None:
        if stream == 0:
            raise BufferError(f"asarray: {name}'s CUDA array interface has stream 0, which the "
                              f"interface (v3) forbids")
        _core.foreign_stream_wait(device_id, int(stream))
    return _dlpack.wrap_foreign(device_id, obj, int(address or 0), dtype, cai["shape"],
                                cai.get("strides"), bool(readonly))
