"""copy.copy, copy.deepcopy and pickle of device arrays (NumPy's __copy__,
__deepcopy__ and __reduce_ex__).

A pickle holds the values' bytes (a pickle.PickleBuffer of the host copy at
protocol 5, so that a buffer_callback can take them out of band; bytes in
band otherwise), the dtype, shape, memory order and the device id. The order
is NumPy 2.4's: "F" for Fortran arrays; at protocol 5 also the axis order of
any other array whose elements are dense in memory (a transpose); "C" for the
rest. Unpickling puts the array back on that device when this process has
it, else on the current device (ndaccel.get_device()). Only the values
travel: the result owns its data and is writeable, as NumPy's in-band
unpickled arrays are.
"""
import pickle

import numpy

from . import _core, _device, _dtypes


def _inverse(perm):
    inv = [0] * len(perm)
    for k, p in enumerate(perm):
        inv[p] = k
    return tuple(inv)


def _own_in_axis_order(c, perm):
    """c holds an array's values with its axes permuted by perm (c = copy of
    a.transpose(perm), C-contiguous): c becomes that array, axes restored,
    still owning its buffer (so a copy of a Fortran array is Fortran)."""
    c._adopt_layout(c.transpose(_inverse(perm)))
    return c


def _stride_order(a):
    """a's axes in decreasing order of |stride| (ties: axis order), NumPy's
    PyArray_CreateSortedStridePerm."""
    strides = a.strides
    return tuple(sorted(range(a.ndim), key=lambda i: (-abs(strides[i]), i)))


def copy_keep_order(a):
    """A new array on a's device with a's values, dtype and shape, laid out
    as NumPy's a.copy(order='K'): C- or F-contiguous as a is, else with a's
    axes in decreasing order of stride; owns its data (copy.copy's result)."""
    code = a._dtype_code
    if a.ndim <= 1 or a._c_contiguous:
        return _core.astype(a, code)
    perm = tuple(reversed(range(a.ndim))) if a._f_contiguous else _stride_order(a)
    return _own_in_axis_order(_core.astype(a.transpose(perm), code), perm)


def _pickle_order(a, protocol):
    """"C", "F", or (protocol 5, a dense transpose) the axis permutation
    that makes a C-contiguous, as NumPy 2.4 records."""
    if a.ndim <= 1 or a._c_contiguous:
        return "C"
    if a._f_contiguous:
        return "F"
    if protocol >= 5:
        perm = _stride_order(a)
        if a.transpose(perm)._c_contiguous:
            return perm
    return "C"


def _axis_perm(order, ndim):
    """The permutation a pickle's order names; ValueError for a bad one."""
    if order == "C":
        return tuple(range(ndim))
    if order == "F":
        return tuple(reversed(range(ndim)))
    perm = tuple(order) if isinstance(order, (tuple, list)) else None
    if perm is None or sorted(perm) != list(range(ndim)):
        raise ValueError(f"ndaccel pickle: order must be 'C', 'F' or a permutation of the "
                         f"{ndim} axes, not {order!r}")
    return perm


def reduce_ex(a, protocol):
    """ndarray.__reduce_ex__: (rebuild, args) holding a host copy of a's
    values (out-of-band capable at protocol 5) and where a lived."""
    order = _pickle_order(a, protocol)
    perm = _axis_perm(order, a.ndim)
    host = a.transpose(perm).get()  # C-contiguous: a's bytes in the recorded order
    data = pickle.PickleBuffer(host) if protocol >= 5 else host.tobytes()
    return rebuild, (data, host.dtype.str, tuple(a.shape), order, a._device_id)


def rebuild(data, dtype, shape, order, device_id):
    """Unpickles a device array: `data` (bytes, a buffer, a PickleBuffer)
    holds the values in `order` ("C", "F" or an axis permutation); the array
    goes to device_id when this process has that device, else to the
    current device."""
    dt = numpy.dtype(dtype)
    shape = tuple(shape)
    perm = _axis_perm(order, len(shape))
    host = numpy.frombuffer(data, dtype=dt).reshape(tuple(shape[p] for p in perm))
    # A native-order, aligned, C-contiguous copy when the buffer is not one.
    host = numpy.require(host, dtype=_dtypes.normalize(dt), requirements=["C", "A"])
    device = device_id if device_id in _device._known_ids() else _device.get_device().id
    arr = _core.from_numpy(host, device)
    if perm != tuple(range(len(shape))):
        _own_in_axis_order(arr, perm)
    return arr
