"""Array creation and host conversion."""
import math
import numbers

import numpy

from . import _core, _device, _dtypes


def _wrap_host(h, device):
    """Uploads a numpy array (any layout, byte order, read-only or not)."""
    dt = _dtypes.normalize(h.dtype)
    # Not numpy.ascontiguousarray: it turns 0-d arrays into shape (1,).
    h = numpy.require(h, dtype=dt, requirements=["C", "A"])
    return _core.from_numpy(h, _device.resolve(device))


def asarray(a, dtype=None, order=None, *, device=None, copy=None, like=None):
    """An ndaccel array from an ndaccel array (no copy when possible), a
    NumPy array, a scalar or a nested sequence."""
    from ._ndarray import ndarray
    if like is not None:
        raise NotImplementedError("asarray: the 'like' argument is not supported")
    if order not in (None, "K", "A", "C", "F"):
        raise ValueError(f"order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")
    if isinstance(a, ndarray):
        dev = _device.resolve(device) if device is not None else a._device_id
        if dev != a._device_id:
            raise NotImplementedError("asarray: copying between devices is not implemented yet")
        if dtype is not None and _dtypes.normalize(dtype) != a.dtype:
            if copy is False:
                raise ValueError("Unable to avoid copy while creating an array as requested.")
            return a.astype(dtype)
        return a.copy() if copy else a
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


def array(obj, dtype=None, *, copy=True, order="K", ndmin=0, device=None, like=None):
    """Like numpy.array: copies by default."""
    from ._ndarray import ndarray
    a = asarray(obj, dtype=dtype, device=device, like=like,
                copy=(copy if isinstance(obj, ndarray) else None))
    if ndmin > a.ndim:
        a = a.reshape((1,) * (ndmin - a.ndim) + a.shape)
    return a


def asnumpy(a, stream=None, order="C", out=None):
    """A host numpy.ndarray copy of an ndaccel array (other inputs pass to
    numpy.asarray)."""
    from ._ndarray import ndarray
    if isinstance(a, ndarray):
        h = _core.to_numpy(a)
        if out is not None:
            out[...] = h
            return out
        return h
    return numpy.asarray(a, order=order)


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
    from ._ndarray import ndarray
    if dtype is None:
        if isinstance(fill_value, ndarray):
            dtype = fill_value.dtype
        else:
            h = numpy.asarray(fill_value)
            _dtypes.check_host(h)  # full(3, 2**70): the Python int's range, not "object"
            dtype = h.dtype
    a = empty(shape, dtype, order, device=device)
    if isinstance(fill_value, ndarray):
        a[...] = fill_value
    elif numpy.ndim(fill_value) == 0:
        # NumPy's full casts like copyto(casting="unsafe") (full(3, -2.5, uint8)
        # is 254, full(3, 1+2j, float) is 1.0), unlike fill/setitem; out of
        # range Python ints still raise OverflowError.
        _core.fill(a, numpy.full((), fill_value, dtype=a.dtype).item())
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
    from ._ndarray import ndarray
    if not isinstance(a, ndarray):
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


def _arange_length(start, stop, step):
    """numpy.arange's length: exact for integers; for floats ceil((stop -
    start) / step), 1 when that underflows to +0 (a step past stop), and
    ValueError for NaN or infinite lengths; complex: the smaller of the
    real and imaginary parts' lengths."""
    if all(isinstance(v, (int, numpy.integer)) for v in (start, stop, step)):
        return len(range(int(start), int(stop), int(step)))
    delta = stop - start
    q = delta / step

    def ceil_len(t, d):
        t, d = float(t), float(d)
        if math.isnan(t):
            raise ValueError("arange: cannot compute length")
        if math.isinf(t):
            raise ValueError("Maximum allowed size exceeded")
        if t == 0.0 and d != 0.0:
            return 0 if math.copysign(1.0, t) < 0 else 1
        return max(math.ceil(t), 0)

    if isinstance(q, (complex, numpy.complexfloating)):
        return min(ceil_len(q.real, complex(delta).real), ceil_len(q.imag, complex(delta).imag))
    return ceil_len(q, delta)


def arange(start, stop=None, step=None, dtype=None, *, device=None, like=None):
    """numpy.arange computed on the device: start + i * delta (NumPy's rule,
    delta = (start + step) - start in the result dtype) from an exact int64
    iota; only the O(1) length and dtype are worked out on the host."""
    from ._search import cumsum
    for v in (start, stop, step):
        if v is not None and not isinstance(v, (numbers.Number, numpy.generic)):
            raise TypeError(f"unsupported type for arange: {type(v).__name__}")
    if stop is None:
        start, stop = 0, start
    if step is None:
        step = 1
    if step == 0:
        raise ZeroDivisionError("division by zero")
    # NumPy's own dtype for these scalars, from a two-element range (O(1);
    # an infinite step probes with a finite one of the same type).
    pstep = step if numpy.isfinite(step) else type(step)(1)
    rdt = _dtypes.normalize(dtype) if dtype is not None else numpy.result_type(
        numpy.arange(start, start + 2 * pstep, pstep).dtype,
        numpy.arange(stop, stop + 2 * pstep, pstep).dtype)
    if rdt.kind == "b":
        raise TypeError("arange() not supported for inputs with DType <class 'numpy.dtypes.BoolDType'>.")
    length = _arange_length(start, stop, step)
    dev = _device.resolve(device)
    if length == 0:
        return empty(0, dtype=rdt, device=dev)
    if length == 1:  # start alone (an infinite step would make 0 * step NaN)
        return full(1, start, dtype=rdt, device=dev)
    i = cumsum(full(length, 1, dtype=numpy.int64, device=dev)) - 1
    if rdt.kind in "iu":
        return (i * int(step) + int(start)).astype(rdt)
    work = numpy.dtype(numpy.float64) if rdt.kind == "f" else numpy.dtype(numpy.complex128)
    s0 = work.type(start)
    delta = work.type(s0 + work.type(step)) - s0
    if rdt.itemsize < work.itemsize and rdt.kind == "f":
        s0 = rdt.type(start)
        delta = rdt.type(rdt.type(s0 + rdt.type(step)) - s0)
    r = i.astype(rdt) * delta + s0 if rdt.kind != "c" else i.astype(rdt) * complex(delta) + complex(s0)
    return r.astype(rdt)


_ = math


def _bind():
    from . import _ufunc
    _ufunc._asarray = asarray


_bind()
