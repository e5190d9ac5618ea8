"""DLPack exchange (the array API's from_dlpack, ndarray.__dlpack__ and
__dlpack_device__).

What ndaccel can and cannot share without a copy:
* OpenCL buffers are not addresses: no DLPack consumer can use them, so an
  OpenCL array exports a host copy (DLPack device kDLCPU) when copy is True
  or None (the standard's "copy when reuse is impossible"), and raises
  BufferError for copy=False. __dlpack_device__ still tells the truth
  (kDLOpenCL, the device's index).
* CUDA arrays likewise export a host copy for now: zero-copy export and
  import of CUDA device memory (a capsule around the device pointer, an
  ndaccel array over foreign memory) are not implemented, and copy=False
  raises BufferError saying so.
* Importing: an ndaccel array is returned as is (or copied, or moved to
  another device); anything else with __dlpack__ is read through NumPy's
  from_dlpack on the host (asking a device producer for a host copy) and
  copied to the device: copy=False raises BufferError, since host memory
  cannot become device memory without a copy."""
import numpy

from . import _device
from ._core import ndarray_base
from ._creation._from_data import asarray, to_device

# DLPack's device types (dlpack.h DLDeviceType).
KDL_CPU, KDL_CUDA, KDL_OPENCL = 1, 2, 4
_BACKEND_TYPES = {"cuda": KDL_CUDA, "opencl": KDL_OPENCL}


def dlpack_device(a):
    """(DLPack device type, device index) of the array's device."""
    backend, _, index = a._device_id.partition(":")
    return _BACKEND_TYPES[backend], int(index or 0)


def export(a, stream=None, max_version=None, dl_device=None, copy=None):
    """ndarray.__dlpack__: a capsule of a host copy (see the module's docstring)."""
    own = dlpack_device(a)
    if dl_device is not None:
        dl_device = (int(dl_device[0]), int(dl_device[1]))
        if dl_device != (KDL_CPU, 0) and dl_device != own:
            raise BufferError(f"__dlpack__: cannot export an array on {a._device_id} to DLPack "
                              f"device {dl_device} (only to the host, (1, 0))")
    if stream is not None and own[0] != KDL_CUDA:
        # A consumer passing a stream (mpi4py does) expects to use the memory
        # itself, for writing too: a host copy would silently drop its writes.
        raise BufferError(f"__dlpack__(stream={stream!r}): an array on {a._device_id} can only "
                          f"export a host copy, which a consumer that writes (mpi4py's Recv) "
                          f"would lose; pass a.get() and copy results back with a[...] = h, "
                          f"or use ndaccel.distributed")
    if copy is False:
        why = ("OpenCL buffers have no address a DLPack consumer can use"
               if own[0] == KDL_OPENCL else
               "zero-copy export of CUDA device memory is not implemented yet")
        raise BufferError(f"__dlpack__(copy=False): {why}; pass copy=True (or None) for a "
                          f"host copy")
    h = a.get()
    if max_version is None:
        return h.__dlpack__()  # a legacy (unversioned) capsule, as the caller asked for none
    # copy=True marks the versioned capsule as a copy (DLPACK_FLAG_BITMASK_IS_COPIED), which
    # it is; NumPy copies the fresh host array once more to set the flag.
    return h.__dlpack__(max_version=tuple(max_version), copy=True)


def from_dlpack(x, /, *, device=None, copy=None):
    """An ndaccel array from any object with __dlpack__ (the array API's from_dlpack):
    an ndaccel array itself when no copy is needed, else a copy on `device` (default: the
    array's own device, or the current one for foreign data). copy=False raises BufferError
    where a copy would be needed."""
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
    if copy is False:
        raise BufferError("from_dlpack(copy=False): host data cannot become device memory "
                          "without a copy")
    src_type = x.__dlpack_device__()[0] if hasattr(x, "__dlpack_device__") else KDL_CPU
    h = numpy.from_dlpack(x, device="cpu" if src_type != KDL_CPU else None,
                          copy=None if src_type == KDL_CPU else True)
    return asarray(h, device=device)
