"""DLPack exchange (the array API's from_dlpack, ndarray.__dlpack__ and
__dlpack_device__).

What ndaccel shares without a copy (the C side is python/ext/exchange_binding.c):
* CUDA arrays export their device memory (kDLCUDA): the device is synchronised
  first, so every consumer stream may use it at once.
* On a device whose buffers are host memory (the backend's memory_kind is
  "host": PoCL's CPU device) arrays export a mapped host pointer to their
  storage, and __dlpack_device__ says kDLCPU: NumPy's from_dlpack, mpi4py's
  Send/Recv/Allreduce and PyTorch read and write the array itself.
* Arrays on other OpenCL devices (separate memory; buffers are not addresses)
  export a host copy when copy is True or None, and raise BufferError for
  copy=False; __dlpack_device__ is (kDLOpenCL, index).
The consumer sees ndaccel's later writes once they have run (ndaccel evaluates
lazily: reading the array or ndaccel.synchronize() runs them).

Importing: an ndaccel array is returned as is (or copied, or moved); CUDA
device memory of another library (CuPy, PyTorch) on the CUDA device ndaccel
uses becomes an ndaccel array over that memory, no copy (the producer is
asked to order its work before ndaccel's stream, and is kept alive while the
array is); anything else is read through NumPy's from_dlpack on the host and
copied to the device (copy=False then raises BufferError)."""
import numpy

from . import _core, _device
from ._host_libraries import memory_is_host
from ._core import ndarray_base
from ._creation._from_data import asarray, to_device

# DLPack's device types (dlpack.h DLDeviceType) and type codes (DLDataTypeCode).
KDL_CPU, KDL_CUDA, KDL_OPENCL = 1, 2, 4
_BACKEND_TYPES = {"cuda": KDL_CUDA, "opencl": KDL_OPENCL}
_TYPE_KINDS = {0: "i", 1: "u", 2: "f", 5: "c", 6: "b"}


def dlpack_device(a):
    """(DLPack device type, device index) of the array's memory."""
    if memory_is_host(a._device_id):
        return KDL_CPU, 0
    backend, _, index = a._device_id.partition(":")
    return _BACKEND_TYPES[backend], int(index or 0)


def _host_copy_capsule(a, max_version):
    h = a.get()
    if max_version is None:
        return h.__dlpack__()  # a legacy (unversioned) capsule, as the caller asked for none
    # copy=True marks the versioned capsule as a copy (DLPACK_FLAG_BITMASK_IS_COPIED), which
    # it is; NumPy copies the fresh host array once more to set the flag.
    return h.__dlpack__(max_version=tuple(max_version), copy=True)


def export(a, stream=None, max_version=None, dl_device=None, copy=None):
    """ndarray.__dlpack__ (see the module's docstring)."""
    own = dlpack_device(a)
    if dl_device is not None:
        dl_device = (int(dl_device[0]), int(dl_device[1]))
        if dl_device != own:
            if dl_device != (KDL_CPU, 0):
                raise BufferError(f"__dlpack__: cannot export an array on {a._device_id} to "
                                  f"DLPack device {dl_device} (only to {own} or the host, "
                                  f"(1, 0))")
            if copy is False:
                raise BufferError(f"__dlpack__(copy=False): the array is on {a._device_id}; "
                                  f"reaching the host needs a copy")
            return _host_copy_capsule(a, max_version)
    zero_copy = own[0] in (KDL_CPU, KDL_CUDA)
    if stream is not None and own[0] != KDL_CUDA:
        # A consumer passing a stream expects device memory it uses itself, for
        # writing too: a host copy would silently drop its writes.
        raise BufferError(f"__dlpack__(stream={stream!r}): the array's memory is "
                          f"{'host memory' if own[0] == KDL_CPU else 'an OpenCL buffer'} "
                          f"(DLPack device {own}), which has no stream")
    if copy:
        return _host_copy_capsule(a, max_version)
    if not zero_copy:
        if copy is False:
            raise BufferError(f"__dlpack__(copy=False): {a._device_id}'s OpenCL buffers have "
                              f"no address a DLPack consumer can use; pass copy=True (or None) "
                              f"for a host copy")
        return _host_copy_capsule(a, max_version)
    versioned = max_version is not None and int(max_version[0]) >= 1
    return _core.dlpack_export(a, bool(a.flags.writeable), versioned)


def _numpy_dtype(code, bits, lanes):
    kind = _TYPE_KINDS.get(code)
    if kind is None or lanes != 1 or (kind == "b" and bits != 8):
        raise BufferError(f"from_dlpack: DLPack type (code {code}, {bits} bits, {lanes} lanes) "
                          f"has no ndaccel dtype")
    return numpy.dtype(f"{kind}{bits // 8}" if kind != "b" else "?")


def wrap_foreign(device_id, owner, address, dtype, shape, strides, readonly):
    """An ndaccel array over another library's device memory (strides in bytes or None),
    keeping `owner` alive as long as any array over it lives."""
    a = _core.foreign_array(device_id, owner, address, dtype.num, tuple(shape),
                            None if strides is None else tuple(strides))
    if readonly:
        a.setflags(write=False)
    return a


def _import_cuda(x, target, copy):
    stream = _core.device_stream(target)
    try:
        capsule = x.__dlpack__(stream=stream, max_version=(1, 0))
    except TypeError:  # a producer of DLPack before 1.0
        capsule = x.__dlpack__(stream=stream)
    _, _, address, (code, bits, lanes), shape, strides, readonly = _core.dlpack_describe(capsule)
    dtype = _numpy_dtype(code, bits, lanes)
    byte_strides = None if strides is None else [s * dtype.itemsize for s in strides]
    a = wrap_foreign(target, capsule, address, dtype, shape, byte_strides, readonly)
    return a.copy() if copy else a


def from_dlpack(x, /, *, device=None, copy=None):
    """An ndaccel array from any object with __dlpack__ (the array API's from_dlpack):
    an ndaccel array itself or a view of the producer's CUDA memory when no copy is
    needed, else a copy on `device` (default: the array's own device, or the current one
    for foreign data). copy=False raises BufferError where a copy would be needed."""
    if isinstance(x, ndarray_base):
        target = x._device_id if device is None else _device.resolve(device)
        if target != x._device_id:
            if copy is False:
                raise BufferError(f"from_dlpack(copy=False): the array is on {x._device_id}, "
                                  f"not {target}")
            return to_device(x, target)
        return x.copy() if copy else x
    if not hasattr(x, "__dlpack__"):
        raise TypeError(f"from_dlpack: {type(x).__name__} does not support DLPack "
                        f"(no __dlpack__ method)")
    src = tuple(x.__dlpack_device__()) if hasattr(x, "__dlpack_device__") else (KDL_CPU, 0)
    target = _device.resolve(device)
    if src[0] == KDL_CUDA and target == f"cuda:{src[1]}":
        return _import_cuda(x, target, copy)
    if copy is False:
        raise BufferError(f"from_dlpack(copy=False): memory on DLPack device {src} cannot "
                          f"become an array on {target} without a copy")
    h = numpy.from_dlpack(x, device="cpu" if src[0] != KDL_CPU else None,
                          copy=None if src[0] == KDL_CPU else True)
    return asarray(h, device=target)
