"""The ndarray members that are about the array's memory rather than its
values: resize (in place), byteswap, getfield/setfield, dump/dumps, and
ctypes/data (which a device array cannot have). _array_methods.py attaches
them to ndarray.

resize works inside the array's own device buffer while it fits: the array
adopts a new layout of that buffer (_core's _adopt_layout), so it can
shrink, and grow as far as the buffer's capacity (the allocator rounds
sizes up: at least 512 bytes); past it, a new buffer takes the elements in
memory order and the zeros after them, and the array swaps its storage
with it (_swap_storage). byteswap reverses the bytes of each element (of each
component of a complex one) with integer shifts on unsigned views of the
same bytes, so every bit pattern (NaN payloads included) survives."""
import operator
import os
import pickle
from contextlib import nullcontext

import numpy

from . import _core, _dtypes, _flags
from ._creation._basic import empty

# unsigned integer dtype of each item size (byteswap works on these views)
_UINT = {1: numpy.uint8, 2: numpy.uint16, 4: numpy.uint32, 8: numpy.uint64}


# ---------------------------------------------------------------- resize

def _resize_shape(new_shape):
    """NumPy's parsing of ndarray.resize's arguments: None (no change), an
    int, a sequence of ints, or the ints as separate arguments."""
    if len(new_shape) == 0 or (len(new_shape) == 1 and new_shape[0] is None):
        return None
    if len(new_shape) == 1:
        s = new_shape[0]
        try:
            return (operator.index(s),)
        except TypeError:
            pass
        if not hasattr(s, "__iter__"):
            raise TypeError(f"expected a sequence of integers or a single integer, got '{s!r}'")
        new_shape = tuple(s)
    out = []
    for s in new_shape:
        try:
            out.append(operator.index(s))
        except TypeError:
            raise TypeError(f"expected a sequence of integers or a single integer, "
                            f"got '{new_shape!r}'") from None
    return tuple(out)


def _contiguous_strides(shape, itemsize, fortran):
    strides, st = [], itemsize
    for s in (shape if fortran else reversed(shape)):
        strides.append(st)
        st *= max(s, 1)
    return tuple(strides if fortran else reversed(strides))


def resize(a, new_shape, refcheck):
    """ndarray.resize: a takes new_shape in place, its elements kept in
    memory order (C order, or Fortran order for a Fortran array) and the
    new ones zero; see the module docstring for the capacity limit."""
    shape = _resize_shape(new_shape)
    if shape is None:
        return
    if any(s < 0 for s in shape):
        raise ValueError("negative dimensions not allowed")
    if a.base is not None:
        raise ValueError("cannot resize this array: it does not own its data")
    if not (a._c_contiguous or a._f_contiguous):
        raise ValueError("resize only works on single-segment arrays")
    size = 1
    for s in shape:
        size *= s
    isz = a.itemsize
    fortran = a._f_contiguous and not a._c_contiguous
    capacity = a._buffer_bytes  # (materialises a lazy array)
    start = a._offset  # the first element: contiguous arrays run upwards from it
    old = a.size
    if start + size * isz > capacity:
        # A new buffer: the old elements in memory order, then zeros.
        fresh = empty((size,), dtype=a.dtype, device=a._device_id)
        if old:
            _core.view(fresh, 0, (old,), (isz,))[...] = _core.view(a, start, (old,), (isz,))
        tail = _core.view(fresh, old * isz, (size - old,), (isz,))
        _core.fill(tail, _dtypes.store_scalar(a.dtype, 0))
        a._swap_storage(fresh)
        a._adopt_layout(_core.view(a, 0, shape, _contiguous_strides(shape, isz, fortran)))
        return
    view = _core.view(a, start, shape, _contiguous_strides(shape, isz, fortran))
    if size > old:  # NumPy's realloc zero-fills the new elements
        tail = _core.view(a, start + old * isz, (size - old,), (isz,))
        tail._writeable = True  # NumPy resizes read-only arrays too
        _core.fill(tail, _dtypes.store_scalar(a.dtype, 0))
    a._adopt_layout(view)


# ---------------------------------------------------------------- byteswap

def _swap_bytes(u, nbytes):
    """The unsigned integer array u with the byte order of each element
    reversed (shifts and masks, fused on the device)."""
    r = None
    for i in range(nbytes):
        byte = (u >> (8 * i)) & 0xFF if i else u & 0xFF
        part = byte << (8 * (nbytes - 1 - i)) if nbytes - 1 - i else byte
        r = part if r is None else r | part
    return r


def _components(a):
    """Views of a's elements as unsigned integers of their parts' size: the
    array itself, or its real and imaginary parts for a complex one."""
    parts = (a.real, a.imag) if a.dtype.kind == "c" else (a,)
    return [p.view(_UINT[p.itemsize]) for p in parts]


def byteswap(a, inplace):
    """ndarray.byteswap: a new C-contiguous device array with each element's
    bytes reversed (inplace=True: written back into a, which is returned)."""
    if inplace:
        _flags.require_writeable(a, "array to be byte-swapped is read-only")
        out = a
    else:
        out = empty(a.shape, a.dtype, device=a._device_id)
    src = _components(a)
    if src[0].itemsize == 1:  # nothing to swap
        if out is not a:
            _core.assign(out, a)
        return out
    swapped = [_swap_bytes(u, u.itemsize) for u in src]
    for dst, val in zip(_components(out), swapped):
        _core.assign(dst, val)
    return out


# ---------------------------------------------------------------- fields

def _field_dtype(dtype, what):
    """The plain (native, non-structured) dtype of a getfield/setfield
    call; NotImplementedError for the field dtypes ndaccel has no view for."""
    dt = numpy.dtype(dtype)
    if dt.fields is not None or dt.subdtype is not None:
        raise NotImplementedError(f"ndarray.{what} with a structured or subarray dtype ({dt}): "
                                  "ndaccel arrays have no structured dtypes")
    if not dt.isnative:
        raise NotImplementedError(f"ndarray.{what} with a non-native byte order ({dt.str}): "
                                  "device arrays hold native-order values")
    try:
        return _dtypes.normalize(dt)
    except TypeError as exc:
        raise NotImplementedError(f"ndarray.{what}: {exc}") from None


def getfield(a, dtype, offset):
    """ndarray.getfield: a view of the bytes [offset, offset + itemsize) of
    each element as `dtype` (NumPy's checks and errors)."""
    dt = _field_dtype(dtype, "getfield")
    offset = operator.index(offset)
    if offset < 0:
        raise ValueError("offset is negative")
    if dt.itemsize > a.itemsize:
        raise ValueError("new type is larger than original type")
    if offset + dt.itemsize > a.itemsize:
        raise ValueError("new type plus offset is larger than original type")
    if dt == a.dtype:
        return a[...]
    base = a[...]
    start = base._offset + offset
    if start % dt.itemsize or any(st % dt.itemsize for st in base.strides):
        raise NotImplementedError(f"ndarray.getfield({dt}, {offset}) of {a.dtype} elements: "
                                  f"a view not aligned to {dt.itemsize} bytes")
    return _core.view(base, start, base.shape, base.strides, _dtypes.code(dt))


def setfield(a, val, dtype, offset):
    """ndarray.setfield: writes val into the field getfield(dtype, offset)."""
    _flags.require_writeable(a)
    getfield(a, dtype, offset)[...] = val


# ---------------------------------------------------------------- pickles

def dumps(a, protocol=2):
    """ndarray.dumps: the pickle of a as bytes (NumPy's protocol 2 default)."""
    return pickle.dumps(a, protocol=protocol)


def dump(a, file, protocol=2):
    """ndarray.dump: pickles a to an open file or to a path."""
    ctx = nullcontext(file) if hasattr(file, "write") else open(os.fspath(file), "wb")
    with ctx as f:
        pickle.dump(a, f, protocol=protocol)


# ---------------------------------------------------------------- host pointers

def no_host_pointer(name):
    """The AttributeError of ndarray.ctypes / ndarray.data."""
    return AttributeError(
        f"ndaccel.ndarray has no '{name}': its elements live in device memory, which has no "
        f"host address for a Python buffer or ctypes pointer. Copy them to the host with "
        f"ndaccel.asnumpy(a) (or a.get()), or share them through a.__dlpack__() (the memory "
        f"itself on CUDA and CPU devices, else a host copy) or, on CUDA, "
        f"a.__cuda_array_interface__ (the device pointer)")
