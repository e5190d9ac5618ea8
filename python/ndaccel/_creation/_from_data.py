"""Device arrays from host data and from other arrays (numpy's "from
existing data" routines): asarray, array, asnumpy, copy, ascontiguousarray,
and the array API's astype and to_device (copies between devices).

A foundation module, below the ndarray class (_ndarray.py and _ufunc.py
import it): it tells device arrays by their C base type,
_core.ndarray_base, whose one subclass the extension creates is
ndaccel.ndarray (_ndarray.py registers it)."""
import numpy

from .. import _core, _device, _dtypes
from .._scalars import numpy_scalar


def _wrap_host(h, device):
    """Uploads a numpy array (any layout, byte order, read-only or not)."""
    dt = _dtypes.normalize(h.dtype)
    # Not numpy.ascontiguousarray: it turns 0-d arrays into shape (1,).
    h = numpy.require(h, dtype=dt, requirements=["C", "A"])
    return _core.from_numpy(h, _device.resolve(device))


def asarray(a, dtype=None, order=None, *, device=None, copy=None, like=None):
    """An ndaccel array from an ndaccel array (no copy when possible), a
    NumPy array, a scalar or a nested sequence."""
    if like is not None:
        raise NotImplementedError("asarray: the 'like' argument is not supported")
    if order not in (None, "K", "A", "C", "F"):
        raise ValueError(f"order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")
    if isinstance(a, _core.ndarray_base):
        dev = _device.resolve(device) if device is not None else a._device_id
        if dev != a._device_id:
            if copy is False:
                raise ValueError("Unable to avoid copy while creating an array as requested.")
            a, copy = to_device(a, dev), None
        if dtype is not None and _dtypes.normalize(dtype) != a.dtype:
            if copy is False:
                raise ValueError("Unable to avoid copy while creating an array as requested.")
            return a.astype(dtype)
        return a.copy() if copy else a
    if hasattr(type(a), "__cuda_array_interface__") and not isinstance(a, numpy.ndarray):
        from .. import _cuda_array_interface  # lazy: imports this module
        out = _cuda_array_interface.import_(a, _device.resolve(device))
        if dtype is not None and _dtypes.normalize(dtype) != out.dtype:
            if copy is False:
                raise ValueError("Unable to avoid copy while creating an array as requested.")
            return out.astype(dtype)
        return out.copy() if copy else out
    if copy is False:
        raise ValueError("Unable to avoid copy while creating an array as requested.")
    if isinstance(a, (numpy.ndarray, numpy.generic)):
        h = a
        if dtype is not None:
            h = h.astype(_dtypes.normalize(dtype), copy=False)
    else:
        # The dtype goes to NumPy's conversion itself, so Python ints that do
        # not fit raise OverflowError and big ints are not rounded through
        # float64 first (asarray([2**64 - 2], dtype=uint64)).
        h = numpy.asarray(a, dtype=None if dtype is None else _dtypes.normalize(dtype))
    _dtypes.check_host(h)  # the real cause: a big Python int, strings, objects, ...
    return _wrap_host(numpy.asarray(h), device)


def to_device(a, device, /, *, stream=None):
    """a on `device` (a Device or its id): a itself when it is there already, else a copy
    staged through the host (the array API's to_device). 'stream' must be None."""
    if stream is not None:
        raise ValueError("to_device: 'stream' is not supported (pass None)")
    dev = _device.resolve(device)
    if dev == a._device_id:
        return a
    return _wrap_host(_core.to_numpy(a), dev)


def astype(x, dtype, /, *, copy=True, device=None):
    """x cast to dtype, optionally on another device (numpy.astype, the array API's astype):
    x itself when copy=False and nothing changes; a NumPy scalar for a scalar x."""
    if not isinstance(x, _core.ndarray_base):
        if not numpy.isscalar(x):
            raise TypeError(f"Input should be an ndaccel array or scalar. It is a {type(x)} "
                            f"instead.")
        # A scalar (a[i, j] gives NumPy's) gives a scalar, as NumPy.
        return numpy_scalar(asarray(x, device=device).astype(dtype))
    if device is not None:
        x = to_device(x, device)
    return x.astype(dtype, copy=copy)


def array(obj, dtype=None, *, copy=True, order="K", ndmin=0, device=None, like=None):
    """Like numpy.array: copies by default."""
    a = asarray(obj, dtype=dtype, device=device, like=like,
                copy=(copy if isinstance(obj, _core.ndarray_base) else None))
    if ndmin > a.ndim:
        a = a.reshape((1,) * (ndmin - a.ndim) + a.shape)
    return a


def asnumpy(a, stream=None, order="C", out=None):
    """A host numpy.ndarray copy of an ndaccel array (other inputs pass to
    numpy.asarray)."""
    if isinstance(a, _core.ndarray_base):
        h = _core.to_numpy(a)
        if out is not None:
            out[...] = h
            return out
        return h
    return numpy.asarray(a, order=order)


def copy(a, order="K", subok=False):
    """A device copy of a (numpy.copy); host inputs are copied to the device.

    order='F' raises NotImplementedError for a device array, and a host input is copied in
    C order; 'subok' is ignored."""
    if isinstance(a, _core.ndarray_base):
        return a.copy(order="K" if order in ("K", "A") else order)
    return asarray(a, order=order)


def ascontiguousarray(a, dtype=None, *, like=None):
    """a as a C-contiguous device array of at least one dimension (numpy.ascontiguousarray).

    The 'like' argument raises NotImplementedError."""
    if like is not None:
        raise NotImplementedError("ascontiguousarray: the 'like' argument is not supported")
    a = asarray(a, dtype=dtype)
    if a.ndim == 0:
        a = a.reshape(1)
    if not a._c_contiguous:
        a = a.copy()
    return a
