"""New device arrays of a given shape (numpy's "ones and zeros"): empty,
zeros, ones, full and their *_like versions. A foundation module, below
the ndarray class, as _from_data.py."""
import numbers

import numpy

from .. import _core, _device, _dtypes, _host_libraries
from ._from_data import asarray


def _shape_arg(shape):
    if isinstance(shape, numbers.Integral) or hasattr(shape, "__index__"):
        return (int(shape.__index__() if hasattr(shape, "__index__") else shape),)
    try:
        items = tuple(shape)
    except TypeError:
        raise TypeError(f"'{type(shape).__name__}' object cannot be interpreted as an integer") from None
    for s in items:
        if not hasattr(s, "__index__"):
            raise TypeError(f"'{type(s).__name__}' object cannot be interpreted as an integer")
    return tuple(int(s.__index__()) for s in items)


def _check_order(order):
    if order not in ("C", "F", "A", "K", None):
        raise ValueError(f"order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")
    if order == "F":
        raise NotImplementedError("order='F' is not implemented yet")


def empty(shape, dtype=float, order="C", *, device=None, like=None):
    """A new uninitialised device array (numpy.empty).

    order='F' raises NotImplementedError."""
    _check_order(order)
    return _core.empty(_shape_arg(shape), _dtypes.code(float if dtype is None else dtype),
                       _device.resolve(device))


def full(shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    """A new device array filled with fill_value (numpy.full).

    order='F' raises NotImplementedError."""
    if dtype is None:
        if isinstance(fill_value, _core.ndarray_base):
            dtype = fill_value.dtype
        else:
            h = numpy.asarray(fill_value)
            _dtypes.check_host(h)  # full(3, 2**70): the Python int's range, not "object"
            dtype = h.dtype
    a = empty(shape, dtype, order, device=device)
    if isinstance(fill_value, _core.ndarray_base):
        a[...] = fill_value
    elif numpy.ndim(fill_value) == 0:
        # NumPy's full casts like copyto(casting="unsafe") (full(3, -2.5, uint8)
        # is 254, full(3, 1+2j, float) is 1.0), unlike fill/setitem; out of
        # range Python ints still raise OverflowError.
        v = numpy.full((), fill_value, dtype=a.dtype)
        if not _host_libraries.fill(a, v):
            _core.fill(a, v.item())
    else:
        a[...] = asarray(numpy.asarray(fill_value).astype(a.dtype), device=device)
    return a


def zeros(shape, dtype=float, order="C", *, device=None, like=None):
    """A new device array of zeros (numpy.zeros).

    order='F' raises NotImplementedError."""
    return full(shape, 0, float if dtype is None else dtype, order, device=device)


def ones(shape, dtype=float, order="C", *, device=None, like=None):
    """A new device array of ones (numpy.ones).

    order='F' raises NotImplementedError."""
    return full(shape, 1, float if dtype is None else dtype, order, device=device)


def _like(a, dtype, shape, device):
    if not isinstance(a, _core.ndarray_base):
        a = asarray(a)
    return (a.dtype if dtype is None else dtype,
            a.shape if shape is None else shape,
            a._device_id if device is None else device)


def empty_like(prototype, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """A new uninitialised device array with the prototype's shape and dtype
    (numpy.empty_like). The result is C-ordered whatever 'order'; 'subok' is ignored."""
    dtype, shape, device = _like(prototype, dtype, shape, device)
    return empty(shape, dtype, device=device)


def zeros_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """A new device array of zeros with a's shape and dtype (numpy.zeros_like).

    The result is C-ordered whatever 'order'; 'subok' is ignored."""
    dtype, shape, device = _like(a, dtype, shape, device)
    return zeros(shape, dtype, device=device)


def ones_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """A new device array of ones with a's shape and dtype (numpy.ones_like).

    The result is C-ordered whatever 'order'; 'subok' is ignored."""
    dtype, shape, device = _like(a, dtype, shape, device)
    return ones(shape, dtype, device=device)


def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """A new device array filled with fill_value, with a's shape and dtype (numpy.full_like).

    The result is C-ordered whatever 'order'; 'subok' is ignored."""
    dtype, shape, device = _like(a, dtype, shape, device)
    return full(shape, fill_value, dtype, device=device)
